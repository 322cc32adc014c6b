//! Answering requests from the in-memory site: path confinement, content types, redirects,
//! the 404 page and the error overlay. Nothing here reads the disk, so no request can reach a
//! file outside the built site.

use super::Snapshot;
use super::error_page;
use super::reload::SCRIPT;
use std::sync::Arc;

/// Where `/__kumppani/…` lives below the site's base path.
const INTERNAL: &str = "__kumppani/";

/// What a request path resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file of the site (site-relative key such as `uutiset/index.html`).
    File(String),
    /// Redirect to this path (adds the trailing slash, or goes to the base path).
    Redirect(String),
    /// The preview server's own files (`livereload.js`, `events`).
    Internal(String),
    /// Not part of the site.
    NotFound,
    /// A malformed or hostile path.
    BadRequest,
}

/// Resolves the path part of a request URL against the site's base path (`/jarjestot/`).
/// `exists` says whether a site-relative file exists.
pub fn resolve(raw: &str, base_path: &str, exists: impl Fn(&str) -> bool) -> Target {
    let Some(path) = decode_path(raw) else {
        return Target::BadRequest;
    };
    let base_no_slash = base_path.trim_end_matches('/');
    let rest = if let Some(rest) = path.strip_prefix(base_path) {
        rest
    } else if path == base_no_slash || path == "/" {
        return Target::Redirect(base_path.to_string());
    } else if let Some(internal) = path.strip_prefix("/__kumppani/") {
        return Target::Internal(internal.to_string());
    } else {
        return Target::NotFound;
    };
    if let Some(internal) = rest.strip_prefix(INTERNAL) {
        return Target::Internal(internal.to_string());
    }
    if rest.is_empty() || rest.ends_with('/') {
        let key = format!("{rest}index.html");
        return if exists(&key) {
            Target::File(key)
        } else {
            Target::NotFound
        };
    }
    if exists(rest) {
        Target::File(rest.to_string())
    } else if exists(&format!("{rest}/index.html")) {
        Target::Redirect(format!("{path}/"))
    } else {
        Target::NotFound
    }
}

/// Percent-decodes a request path and refuses anything that could name a file outside the
/// site: encoded slashes or backslashes, NUL and control bytes, `.` and `..` segments, empty
/// segments (`//etc`), drive letters, invalid UTF-8.
pub fn decode_path(raw: &str) -> Option<String> {
    let raw = raw.split(['?', '#']).next().unwrap_or("");
    if !raw.starts_with('/') {
        return None;
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            let byte = u8::from_str_radix(hex, 16).ok()?;
            // An encoded separator would let one segment hide a path.
            if byte == b'/' || byte == b'\\' {
                return None;
            }
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(out).ok()?;
    if path
        .chars()
        .any(|c| c.is_control() || c == '\\' || c == ':')
    {
        return None;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    for (n, segment) in segments.iter().enumerate() {
        let empty_inside = segment.is_empty() && n != last;
        if empty_inside || *segment == "." || *segment == ".." {
            return None;
        }
    }
    Some(path)
}

/// Content-Type by file extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

/// What the handler needs of a request: its method and target, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, … (case-sensitive, as HTTP says).
    pub method: String,
    /// The request target (`/jarjestot/uutiset/?x=1`), not decoded.
    pub target: String,
}

/// A whole response; the transport adds `Content-Length` and `Connection: close`, and leaves
/// the body out for `HEAD`.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Header names and values, `Content-Type` first.
    pub headers: Vec<(&'static str, String)>,
    /// The body, shared with the snapshot when it is a file of the site.
    pub body: Arc<[u8]>,
}

/// What to do with a request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Send this response and close the connection.
    Respond(Response),
    /// Hand the connection to the live-reload broadcaster.
    Events,
}

/// The reason phrase of a status code the server sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn respond(
    status: u16,
    content_type: &str,
    body: Arc<[u8]>,
    extra: &[(&'static str, String)],
) -> Answer {
    let mut headers = vec![
        ("Content-Type", content_type.to_string()),
        // The preview changes under the browser's feet: never reuse a cached copy.
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ];
    headers.extend_from_slice(extra);
    Answer::Respond(Response {
        status,
        headers,
        body,
    })
}

/// A plain-text response.
pub fn plain(status: u16, text: &str, extra: &[(&'static str, String)]) -> Answer {
    respond(
        status,
        "text/plain; charset=utf-8",
        Arc::from(text.as_bytes()),
        extra,
    )
}

/// Answers one request from the current snapshot.
pub(super) fn handle(request: &Request, snapshot: &Snapshot) -> Answer {
    let method = request.method.as_str();
    if !matches!(method, "GET" | "HEAD") {
        let allow = ("Allow", "GET, HEAD".to_string());
        return plain(405, "405 Method Not Allowed\n", &[allow]);
    }
    let url = request.target.as_str();
    let query = url.find('?').map_or("", |i| &url[i..]);
    let files = snapshot.files.as_ref();
    let target = resolve(url, &snapshot.base_path, |k| {
        files.is_some_and(|f| f.contains_key(k))
    });
    match target {
        Target::BadRequest => plain(400, "400 Bad Request\n", &[]),
        Target::Redirect(to) => {
            let location = ("Location", format!("{to}{query}"));
            plain(301, "301 Moved Permanently\n", &[location])
        }
        Target::Internal(name) => match name.as_str() {
            "livereload.js" => respond(200, content_type(".js"), Arc::from(SCRIPT.as_bytes()), &[]),
            // Open tabs are held by the broadcaster, so they never take a worker.
            "events" if method == "GET" => Answer::Events,
            _ => not_found(snapshot),
        },
        Target::File(key) => match files.and_then(|f| f.get(&key)).cloned() {
            Some(body) => serve_file(snapshot, &key, 200, body),
            None => not_found(snapshot),
        },
        Target::NotFound => not_found(snapshot),
    }
}

fn serve_file(snapshot: &Snapshot, key: &str, status: u16, body: Arc<[u8]>) -> Answer {
    let kind = content_type(key);
    match &snapshot.error {
        Some(overlay) if kind.starts_with("text/html") => {
            let html = error_page::inject(&body, overlay);
            respond(status, kind, html.into(), &[])
        }
        _ => respond(status, kind, body, &[]),
    }
}

/// The site's own 404 page with status 404; with no good build yet, the error page.
fn not_found(snapshot: &Snapshot) -> Answer {
    let page = snapshot
        .files
        .as_ref()
        .and_then(|f| f.get("404.html"))
        .cloned();
    match (page, &snapshot.error_page) {
        (_, Some(error_page)) => respond(
            500,
            content_type(".html"),
            Arc::from(error_page.as_bytes()),
            &[],
        ),
        (Some(page), None) => serve_file(snapshot, "404.html", 404, page),
        (None, None) => plain(404, "404 Not Found\n", &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(key: &str) -> bool {
        ["index.html", "uutiset/index.html", "style.css", "a b.txt"].contains(&key)
    }

    #[test]
    fn resolves_files_directories_and_redirects() {
        let r = |p: &str| resolve(p, "/j/", site);
        assert_eq!(r("/j/"), Target::File("index.html".into()));
        assert_eq!(r("/j/uutiset/"), Target::File("uutiset/index.html".into()));
        assert_eq!(r("/j/uutiset"), Target::Redirect("/j/uutiset/".into()));
        assert_eq!(r("/j/style.css?v=1"), Target::File("style.css".into()));
        assert_eq!(r("/j/a%20b.txt"), Target::File("a b.txt".into()));
        assert_eq!(r("/j"), Target::Redirect("/j/".into()));
        assert_eq!(r("/"), Target::Redirect("/j/".into()));
        assert_eq!(r("/muu/"), Target::NotFound);
        assert_eq!(r("/j/puuttuu/"), Target::NotFound);
        assert_eq!(
            r("/j/__kumppani/livereload.js"),
            Target::Internal("livereload.js".into())
        );
    }

    #[test]
    fn refuses_paths_that_could_leave_the_site() {
        for bad in [
            "/j/../etc/passwd",
            "/j/%2e%2e/%2e%2e/etc/passwd",
            "/j/%2E%2E/x",
            "/j/..%2fetc",
            "/j/uutiset%2f..%2f..%2fx",
            "/j/..\\..\\x",
            "/j/%5c..%5cx",
            "/j/a%00.html",
            "/j//etc/passwd",
            "//etc/passwd",
            "/j/C:/Windows",
            "/j/./index.html",
            "etc/passwd",
            "/j/%zz",
            "/j/%ff%fe",
        ] {
            assert_eq!(resolve(bad, "/j/", site), Target::BadRequest, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.WOFF2"), "font/woff2");
        assert_eq!(
            content_type("tapahtumat.ics"),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
