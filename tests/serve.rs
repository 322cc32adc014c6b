//! The preview server driven over real sockets: pages and headers, live reload after an edit,
//! the error overlay and recovery, confinement, concurrency, and the served site equal to a
//! fresh `kumppani build` after a sequence of edits.

use kumppani::serve::rebuild::RebuildKind;
use kumppani::serve::{ServeOptions, Server, start};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

mod common;

use common::copy_dir;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/serve");
/// Bound on every wait; a healthy run needs a fraction of a second.
const PATIENCE: Duration = Duration::from_secs(20);

/// A private copy of the fixture site (in `site/` under the temp dir, so tests can put files
/// next to it that must never be served).
fn fixture() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_dir(Path::new(FIXTURE), &root);
    (tmp, root)
}

fn serve(root: &Path) -> Server {
    start(ServeOptions {
        root: root.to_path_buf(),
        port: 0,
        next_free_port: false,
        ..ServeOptions::default()
    })
    .expect("server starts")
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends a raw request line (so hostile paths reach the server unnormalized) and reads the reply.
fn request(addr: SocketAddr, method: &str, target: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("complete head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap().trim(), 16)
                .unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
}

fn get(server: &Server, path: &str) -> Reply {
    request(server.addr(), "GET", &format!("/jarjestot/{path}"))
}

/// Makes a change and waits for a rebuild after it, and for `check` to hold.
fn after_change(server: &Server, what: &str, change: &dyn Fn(), check: &dyn Fn() -> bool) {
    let builds = server.builds();
    change();
    wait_until(what, || server.builds() > builds && check());
}

/// Polls `check` until it holds; panics after [`PATIENCE`].
fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Saves like many editors do: write a temporary file next to it, then rename over it.
fn save(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    save(path, &text.replacen(from, to, 1));
}

/// A live-reload connection as a browser tab holds it.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    fn open(server: &Server) -> Events {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        write!(
            stream,
            "GET /jarjestot/__kumppani/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            stream,
            seen: String::new(),
        };
        events.wait_for("event: hello");
        events
    }

    /// Reads until `needle` has arrived (and forgets what came before it).
    fn wait_for(&mut self, needle: &str) {
        let start = Instant::now();
        let mut buf = [0u8; 4096];
        while !self.seen.contains(needle) {
            assert!(
                start.elapsed() < PATIENCE,
                "no `{needle}` in {:?}",
                self.seen
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("event stream closed; got {:?}", self.seen),
                Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(_) => {}
            }
        }
        let at = self.seen.find(needle).unwrap() + needle.len();
        self.seen.drain(..at);
    }
}

#[test]
fn serves_pages_with_headers_content_types_and_status_codes() {
    let (_tmp, root) = fixture();
    let server = serve(&root);
    assert_eq!(server.addr().ip().to_string(), "127.0.0.1");
    assert_eq!(
        server.url(),
        format!("http://127.0.0.1:{}/jarjestot/", server.addr().port())
    );

    let home = get(&server, "");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control"), Some("no-store"));
    let html = home.text();
    assert!(html.contains("Tervetuloa testikeskukseen."), "{html}");
    // Built for the server's own address, sub-path kept, with the reload script as a file.
    assert!(
        html.contains(&format!("href=\"{}\"", server.url())),
        "{html}"
    );
    assert!(html.contains("<script src=\"/jarjestot/__kumppani/livereload.js\" defer>"));
    let script = get(&server, "__kumppani/livereload.js");
    assert_eq!(script.status, 200);
    assert!(script.text().contains("EventSource"));
    assert!(
        !root.join("public").exists(),
        "serve must not write public/"
    );

    let css = BTreeSet::from_iter(server.served_files())
        .into_iter()
        .find(|f| f.starts_with("style.") && f.ends_with(".css"))
        .unwrap();
    for (path, expected) in [
        (css.as_str(), "text/css; charset=utf-8"),
        ("__kumppani/livereload.js", "text/javascript; charset=utf-8"),
        ("tiedot.json", "application/json"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("uutiset/atom.xml", "application/xml; charset=utf-8"),
        ("tietoa/logo.svg", "image/svg+xml"),
        ("kuva.png", "image/png"),
        ("kuva.jpg", "image/jpeg"),
        ("kuva.webp", "image/webp"),
        ("fontti.woff2", "font/woff2"),
        ("tapahtumat.ics", "text/calendar; charset=utf-8"),
        ("tiedot.csv", "text/csv; charset=utf-8"),
        ("lue.txt", "text/plain; charset=utf-8"),
        ("uutiset/toka/", "text/html; charset=utf-8"),
    ] {
        let reply = get(&server, path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("Content-Type"), Some(expected), "{path}");
    }
    assert_eq!(
        get(&server, "kuva.png").body,
        std::fs::read(root.join("static/kuva.png")).unwrap()
    );

    // HEAD: same headers, no body.
    let head = request(server.addr(), "HEAD", "/jarjestot/uutiset/");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("Content-Length").unwrap(),
        get(&server, "uutiset/").body.len().to_string()
    );
    assert!(head.body.is_empty());

    // Only GET and HEAD.
    for method in ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"] {
        let reply = request(server.addr(), method, "/jarjestot/");
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"), "{method}");
    }

    // Directory without slash → 301 to the slash (query kept); outside the sub-path.
    let redirect = get(&server, "uutiset/toka?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("Location"),
        Some("/jarjestot/uutiset/toka/?x=1")
    );
    let root_redirect = request(server.addr(), "GET", "/");
    assert_eq!(root_redirect.status, 301);
    assert_eq!(root_redirect.header("Location"), Some("/jarjestot/"));
    assert_eq!(request(server.addr(), "GET", "/jarjestot").status, 301);

    // The configured 404 page with status 404, inside and outside the sub-path.
    for path in ["/jarjestot/ei-ole/", "/jarjestot/ei-ole.css", "/muu/sivu/"] {
        let missing = request(server.addr(), "GET", path);
        assert_eq!(missing.status, 404, "{path}");
        assert!(missing.text().contains("Sivua ei löytynyt"), "{path}");
    }
    server.shutdown();
}

#[test]
fn never_serves_a_file_outside_the_site() {
    let (tmp, root) = fixture();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "SALAISUUS").unwrap();
    // Symlinks out of the site are not part of it.
    std::os::unix::fs::symlink(&secret, root.join("static/vuoto.txt")).unwrap();
    std::os::unix::fs::symlink(tmp.path(), root.join("static/ylos")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("content/tietoa/vuoto.txt")).unwrap();
    let server = serve(&root);
    let attempts = [
        "/jarjestot/../secret.txt",
        "/jarjestot/../../secret.txt",
        "/jarjestot/%2e%2e/secret.txt",
        "/jarjestot/%2E%2E/%2E%2E/secret.txt",
        "/jarjestot/..%2fsecret.txt",
        "/jarjestot/uutiset%2f..%2f..%2fsecret.txt",
        "/jarjestot/..\\secret.txt",
        "/jarjestot/%5c..%5csecret.txt",
        "/jarjestot/index.html%00.txt",
        "/jarjestot/lue.txt%00",
        "//etc/passwd",
        "/jarjestot//etc/passwd",
        "/etc/passwd",
        "/jarjestot/C:/secret.txt",
        "/jarjestot/vuoto.txt",
        "/jarjestot/ylos/secret.txt",
        "/jarjestot/tietoa/vuoto.txt",
        "/jarjestot/%ff%fe",
        "http://127.0.0.1/etc/passwd",
    ];
    for target in attempts {
        let reply = request(server.addr(), "GET", target);
        assert!(
            [400, 404].contains(&reply.status),
            "{target}: status {}",
            reply.status
        );
        assert!(
            !reply.text().contains("SALAISUUS"),
            "{target} leaked the file"
        );
        assert!(
            !reply.text().contains("root:"),
            "{target} leaked /etc/passwd"
        );
    }
    // The symlinked file is no part of the served site at all.
    assert!(server.served_files().iter().all(|f| !f.contains("vuoto")));
}

#[test]
fn edit_rerenders_only_what_lists_the_page_and_reloads_browsers() {
    let (_tmp, root) = fixture();
    let server = serve(&root);
    let mut tab = Events::open(&server);
    let page = root.join("content/uutiset/toka.md");
    let manifest = get(&server, "search/index.json").text();
    // Editor debris in the same folder must not cause rebuilds of its own.
    std::fs::write(root.join("content/uutiset/.toka.md.swp"), "swap").unwrap();
    std::fs::write(root.join("content/uutiset/4913"), "").unwrap();
    std::fs::write(root.join("content/uutiset/toka.md~"), "backup").unwrap();
    edit(
        &page,
        "Toisen uutisen teksti.",
        "Muokattu teksti tallennuksen jälkeen.",
    );
    wait_until("the edited page is served", || {
        get(&server, "uutiset/toka/")
            .text()
            .contains("Muokattu teksti tallennuksen jälkeen.")
    });
    tab.wait_for("event: reload");

    let report = server.last_build().unwrap().expect("rebuild succeeded");
    assert_eq!(report.kind, RebuildKind::Partial);
    // The edit was applied to the loaded site, which was not loaded again.
    let steps: Vec<&str> = report.timings.steps.iter().map(|s| s.name).collect();
    assert!(steps.contains(&"update pages"), "{steps:?}");
    assert!(!steps.contains(&"load content"), "{steps:?}");
    let html: BTreeSet<&str> = report
        .written
        .iter()
        .map(String::as_str)
        .filter(|f| f.ends_with(".html"))
        .collect();
    let expected = BTreeSet::from([
        "uutiset/toka/index.html",
        // neighbours show its title in the pager
        "uutiset/eka/index.html",
        "uutiset/kolmas/index.html",
        // its section and every ancestor (home)
        "uutiset/index.html",
        "index.html",
        // taxonomy pages listing it
        "aiheet/index.html",
        "aiheet/foorumi/index.html",
        "aiheet/avustukset/index.html",
    ]);
    // Pages that do not show it (404, aliases, other sections) were left alone: the set is exact.
    assert_eq!(html, expected);
    for whole_site in ["sitemap.xml", "uutiset/atom.xml", "robots.txt"] {
        assert!(
            report.written.iter().any(|f| f == whole_site),
            "{whole_site}"
        );
    }
    // The search index follows on its own, without another reload.
    wait_until("the search index has the edit", || {
        get(&server, "search/index.json").text() != manifest
    });

    // Saving without a change rebuilds nothing and reloads nobody.
    let builds = server.builds();
    save(&page, &std::fs::read_to_string(&page).unwrap());
    wait_until("the unchanged save was seen", || server.builds() > builds);
    assert_eq!(
        server.last_build().unwrap().unwrap().kind,
        RebuildKind::Unchanged
    );

    // A template change renders everything.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/kumppani/templates/404.html"),
    )
    .unwrap();
    std::fs::write(
        root.join("templates/404.html"),
        base.replace("{% block content %}", "{% block content %}<p>OMA-404</p>"),
    )
    .unwrap();
    wait_until("the template override is served", || {
        get(&server, "ei-ole/").text().contains("OMA-404")
    });
    tab.wait_for("event: reload");
    assert_eq!(
        server.last_build().unwrap().unwrap().kind,
        RebuildKind::Full
    );
}

#[test]
fn broken_front_matter_shows_the_error_on_every_page_until_fixed() {
    let (_tmp, root) = fixture();
    let server = serve(&root);
    let mut tab = Events::open(&server);
    let page = root.join("content/uutiset/toka.md");
    edit(
        &page,
        "title = \"Toinen uutinen\"",
        "title = Toinen uutinen",
    );
    wait_until("the error is shown", || {
        get(&server, "").text().contains("kumppani-error")
    });
    tab.wait_for("event: reload");
    assert!(server.last_build().unwrap().is_err());
    for path in ["", "uutiset/toka/", "tietoa/yhteystiedot/", "ei-ole/"] {
        let text = get(&server, path).text();
        assert!(text.contains("Sivustoa ei voitu päivittää"), "{path}");
        assert!(
            text.contains("content/uutiset/toka.md:2:9"),
            "{path}: {text}"
        );
        assert!(text.contains("2 | title = Toinen uutinen"), "{path}");
        assert!(text.contains("Korjausehdotus:"), "{path}");
    }
    // The last good site stays underneath.
    assert!(
        get(&server, "tietoa/yhteystiedot/")
            .text()
            .contains("Yhteystiedot ovat tässä.")
    );
    assert!(
        get(&server, "uutiset/toka/")
            .text()
            .contains("Toisen uutisen teksti.")
    );
    assert_eq!(get(&server, "tiedot.csv").body, b"nimi,alue\nKerho,Kuru\n");

    edit(
        &page,
        "title = Toinen uutinen",
        "title = \"Korjattu uutinen\"",
    );
    wait_until("the fixed page is served", || {
        get(&server, "uutiset/toka/")
            .text()
            .contains("Korjattu uutinen")
    });
    tab.wait_for("event: reload");
    for path in ["", "uutiset/toka/", "tietoa/yhteystiedot/"] {
        assert!(
            !get(&server, path).text().contains("kumppani-error"),
            "{path}"
        );
    }
}

#[test]
fn an_edit_that_breaks_a_heading_link_elsewhere_is_reported_as_a_build_would() {
    let (_tmp, root) = fixture();
    let server = serve(&root);
    let news = root.join("content/uutiset");
    let step = |what: &str, change: &dyn Fn(), check: &dyn Fn() -> bool| {
        after_change(&server, what, change, check)
    };
    let append = |file: &str, text: &str| {
        let path = news.join(file);
        let old = std::fs::read_to_string(&path).unwrap();
        save(&path, &format!("{old}\n{text}\n"));
    };
    step(
        "a heading added",
        &|| append("toka.md", "## Tausta\n\nLisää taustaa."),
        &|| {
            get(&server, "uutiset/toka/")
                .text()
                .contains("id=\"tausta\"")
        },
    );
    step(
        "a link to the heading",
        &|| append("eka.md", "Katso [tausta](@/uutiset/toka.md#tausta)."),
        &|| get(&server, "uutiset/eka/").text().contains("toka/#tausta"),
    );
    let report = server.last_build().unwrap().expect("the link resolves");
    assert_eq!(report.kind, RebuildKind::Partial);
    step(
        "the heading renamed",
        &|| edit(&news.join("toka.md"), "## Tausta", "## Historia"),
        &|| server.last_build().is_some_and(|b| b.is_err()),
    );
    let err = server.last_build().unwrap().unwrap_err();
    let message = err.render();
    assert!(message.contains("content/uutiset/eka.md"), "{message}");
    assert!(message.contains("#tausta"), "{message}");
    assert!(
        message.contains("historia"),
        "the hint lists the headings: {message}"
    );
    // The last good version stays served.
    assert!(
        get(&server, "uutiset/toka/")
            .text()
            .contains("id=\"tausta\"")
    );
    step(
        "the heading restored",
        &|| edit(&news.join("toka.md"), "## Historia", "## Tausta"),
        &|| server.last_build().is_some_and(|b| b.is_ok()),
    );
    assert_served_equals_built(&server, &root);
}

#[test]
fn a_failing_first_build_is_served_as_an_error_page_and_recovers() {
    let (_tmp, root) = fixture();
    let page = root.join("content/uutiset/eka.md");
    edit(&page, "date = \"2026-01-10\"", "date = \"2026-13-10\"");
    let server = serve(&root);
    for path in ["", "uutiset/eka/", "whatever.css"] {
        let reply = get(&server, path);
        assert_eq!(reply.status, 500, "{path}");
        let text = reply.text();
        assert!(text.contains("content/uutiset/eka.md:3:"), "{text}");
        assert!(
            text.contains("__kumppani/livereload.js"),
            "the page must reload itself"
        );
    }
    edit(&page, "date = \"2026-13-10\"", "date = \"2026-01-10\"");
    wait_until("the site is served", || get(&server, "").status == 200);
    assert!(!get(&server, "").text().contains("kumppani-error"));
}

#[test]
fn many_concurrent_requests_and_open_tabs_during_rebuilds() {
    let (_tmp, root) = fixture();
    let server = Arc::new(serve(&root));
    let tabs: Vec<Events> = (0..8).map(|_| Events::open(&server)).collect();
    const CLIENTS: usize = 64;
    let barrier = Arc::new(Barrier::new(CLIENTS + 1));
    let paths = [
        "",
        "uutiset/",
        "uutiset/toka/",
        "aiheet/foorumi/",
        "tiedot.csv",
        "sitemap.xml",
    ];
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let barrier = barrier.clone();
            let addr = server.addr();
            std::thread::spawn(move || {
                barrier.wait();
                let mut failures = Vec::new();
                for i in 0..15 {
                    let path = paths[(n + i) % paths.len()];
                    let reply = request(addr, "GET", &format!("/jarjestot/{path}"));
                    if reply.status != 200 || reply.body.is_empty() {
                        failures.push(format!("{path}: {}", reply.status));
                    }
                }
                failures
            })
        })
        .collect();
    barrier.wait();
    // Rebuilds while the clients run: a partial one and a full one.
    let builds = server.builds();
    edit(
        &root.join("content/uutiset/eka.md"),
        "Ensimmäisen uutisen teksti.",
        "Rinnakkain.",
    );
    wait_until("the content rebuild", || server.builds() > builds);
    let builds = server.builds();
    edit(&root.join("config.toml"), "Testikeskus", "Testikeskus 2");
    wait_until("the config rebuild", || server.builds() > builds);
    for client in clients {
        let failures = client.join().unwrap();
        assert!(failures.is_empty(), "failed requests: {failures:?}");
    }
    // The open tabs were told about both rebuilds and did not block anything.
    for mut tab in tabs {
        tab.wait_for("event: reload");
    }
    assert!(get(&server, "").text().contains("Testikeskus 2"));
}

#[test]
fn busy_port_is_an_error_or_the_next_free_port() {
    let (_tmp, root) = fixture();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = start(ServeOptions {
        root: root.clone(),
        port,
        next_free_port: false,
        ..ServeOptions::default()
    })
    .err()
    .expect("busy port refused");
    assert!(
        err.render().contains(&format!("port {port} is in use")),
        "{}",
        err.render()
    );
    assert!(err.render().contains("--port"));
    let server = start(ServeOptions {
        root,
        port,
        next_free_port: true,
        ..ServeOptions::default()
    })
    .expect("falls back to another port");
    assert_ne!(server.addr().port(), port);
    assert_eq!(server.busy_port(), Some(port));
    assert_eq!(get(&server, "").status, 200);
}

/// Every file served, byte for byte, against a fresh `kumppani build` for the same address.
fn assert_served_equals_built(server: &Server, root: &Path) {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    kumppani::build(&kumppani::BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.clone()),
        base_url: Some(server.url()),
        drafts: false,
        serve_mode: true,
        ..Default::default()
    })
    .expect("fresh build");
    // The marker that says the folder is a build output is not part of the site.
    let built: Vec<String> = walk(&output)
        .into_iter()
        .filter(|f| f != kumppani::output::MARKER)
        .collect();
    // The search index is refreshed in the background after an incremental rebuild.
    let manifest = std::fs::read(output.join("search/index.json")).unwrap();
    wait_until("the search index caught up", || {
        get(server, "search/index.json").body == manifest
    });
    assert_eq!(server.served_files(), built, "same set of files");
    for file in &built {
        let reply = get(server, file);
        assert_eq!(reply.status, 200, "{file}");
        let expected = std::fs::read(output.join(file)).unwrap();
        assert!(reply.body == expected, "{file} differs from a fresh build");
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn served_site_equals_a_fresh_build_after_a_sequence_of_edits() {
    let (_tmp, root) = fixture();
    let server = serve(&root);
    let news = root.join("content/uutiset");
    let step = |what: &str, change: &dyn Fn(), check: &dyn Fn() -> bool| {
        after_change(&server, what, change, check);
        assert!(server.last_build().unwrap().is_ok(), "{what}");
    };
    step(
        "a body edit",
        &|| {
            edit(
                &news.join("eka.md"),
                "Ensimmäisen uutisen teksti.",
                "Uusi **teksti**.",
            )
        },
        &|| {
            get(&server, "uutiset/eka/")
                .text()
                .contains("<strong>teksti</strong>")
        },
    );
    assert_eq!(
        server.last_build().unwrap().unwrap().kind,
        RebuildKind::Partial
    );
    step(
        "a date edit that reorders the section",
        &|| edit(&news.join("kolmas.md"), "2026-03-10", "2025-12-01"),
        &|| get(&server, "uutiset/kolmas/").text().contains("2025"),
    );
    assert_eq!(
        server.last_build().unwrap().unwrap().kind,
        RebuildKind::Partial
    );
    step(
        "a title edit",
        &|| {
            edit(
                &news.join("toka.md"),
                "Toinen uutinen",
                "Toinen, muokattu uutinen",
            )
        },
        &|| {
            get(&server, "aiheet/foorumi/")
                .text()
                .contains("Toinen, muokattu uutinen")
        },
    );
    assert_served_equals_built(&server, &root);
    step(
        "a save by delete and create",
        &|| {
            let page = news.join("kolmas.md");
            let text = std::fs::read_to_string(&page).unwrap();
            std::fs::remove_file(&page).unwrap();
            std::fs::write(
                &page,
                text.replace("Kolmannen uutisen teksti.", "Luotu uudelleen."),
            )
            .unwrap();
        },
        &|| {
            get(&server, "uutiset/kolmas/")
                .text()
                .contains("Luotu uudelleen.")
        },
    );
    step(
        "a new tag",
        &|| {
            edit(
                &news.join("toka.md"),
                "\"avustukset\"]",
                "\"avustukset\", \"tilat\"]",
            )
        },
        &|| get(&server, "aiheet/tilat/").status == 200,
    );
    assert_eq!(
        server.last_build().unwrap().unwrap().kind,
        RebuildKind::Full
    );
    step(
        "a new page",
        &|| {
            save(
                &news.join("neljas.md"),
                "+++\ntitle = \"Neljäs\"\ndate = \"2026-04-01\"\n+++\nUusi sivu.\n",
            )
        },
        &|| get(&server, "uutiset/neljas/").status == 200,
    );
    step(
        "a deleted page",
        &|| std::fs::remove_file(news.join("eka.md")).unwrap(),
        &|| get(&server, "uutiset/eka/").status == 404,
    );
    step(
        "a section edit",
        &|| {
            edit(
                &root.join("content/tietoa/_index.md"),
                "title = \"Tietoa\"",
                "title = \"Tietoa meistä\"",
            )
        },
        &|| get(&server, "").text().contains("Tietoa meistä"),
    );
    assert_served_equals_built(&server, &root);
    assert!(
        !root.join("public").exists(),
        "serve must not write public/"
    );
}

#[test]
fn command_line_prints_the_url_and_stops_cleanly_on_ctrl_c() {
    use std::io::BufRead;
    let (_tmp, root) = fixture();
    let mut child = common::kumppani()
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("Preview at") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "no URL printed");
    }
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let rest = url
        .strip_prefix("http://127.0.0.1:")
        .expect("loopback by default");
    let port: u16 = rest.split('/').next().unwrap().parse().unwrap();
    assert!(rest.ends_with("/jarjestot/"), "{url}");
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let _tab = TcpStream::connect(addr).and_then(|mut s| {
        write!(
            s,
            "GET /jarjestot/__kumppani/events HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        .map(|_| s)
    });
    assert_eq!(request(addr, "GET", "/jarjestot/").status, 200);
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > PATIENCE {
            let _ = child.kill();
            panic!("the server did not stop on Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status {status}");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("Stopping the preview server."), "{rest}");
    assert!(!root.join("public").exists());
}

#[test]
fn templates_that_look_up_other_pages_get_full_rebuilds() {
    let (_tmp, root) = fixture();
    let theme_page = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/kumppani/templates/page.html"),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        theme_page.replace(
            "{% block content %}",
            "{% block content %}{% set uutiset = get_section(path=\"uutiset/_index.md\") %}\
             <p>Uutisia:{% for p in uutiset.pages %} {{ p.title }};{% endfor %}</p>",
        ),
    )
    .unwrap();
    let server = serve(&root);
    assert!(
        get(&server, "tietoa/yhteystiedot/")
            .text()
            .contains("Toinen uutinen;")
    );
    edit(
        &root.join("content/uutiset/toka.md"),
        "Toinen uutinen",
        "Vaihtunut otsikko",
    );
    // A page outside the edited page's section lists it through get_section: it must update.
    wait_until("the other section's page shows the new title", || {
        get(&server, "tietoa/yhteystiedot/")
            .text()
            .contains("Vaihtunut otsikko;")
    });
    let report = server.last_build().unwrap().unwrap();
    assert_eq!(report.kind, RebuildKind::Full);
    assert!(report.reason.unwrap().contains("get_section"));
    assert_served_equals_built(&server, &root);
}
