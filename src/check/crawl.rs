//! Crawls the rendered site from the home page the way a visitor would, following `<a href>`
//! links inside the site. Pages never reached are orphans; links to addresses the build did not
//! write are broken. Crawling the real output (rather than guessing from front matter) counts
//! every way a page can be found: navigation, section listings, footer links, links in bodies.

use crate::content::{Item, Site, SourceFile};
use crate::diagnostics::Diagnostic;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::ops::Bound;

/// Orphan pages and broken root-relative or relative links of the site rendered into `files`
/// (site-relative path → bytes, as [`crate::output::Writer::into_files`] hands them over).
pub fn check(site: &Site, files: &BTreeMap<String, Vec<u8>>) -> Vec<Diagnostic> {
    let crawl = crawl(site, &Output::new(files));
    let mut findings = orphans(site, &crawl.reached);
    findings.extend(broken_links(site, &crawl.broken));
    findings
}

/// What a crawl found.
#[derive(Debug, Default)]
struct Crawl {
    /// Site paths of HTML pages reached (`""`, `uutiset/`).
    reached: HashSet<String>,
    /// Broken address (and whether it is an image) → site paths of the pages it appears on.
    broken: BTreeMap<(String, bool), Vec<String>>,
}

/// The rendered files looked up the way the file system would find them had they been written
/// to a folder: `a//b` and `a/./b` name the same file, and a folder exists when a file is in it.
struct Output<'a> {
    files: BTreeMap<Cow<'a, str>, &'a [u8]>,
}

impl<'a> Output<'a> {
    fn new(files: &'a BTreeMap<String, Vec<u8>>) -> Output<'a> {
        let files = files
            .iter()
            .map(|(rel, bytes)| {
                let clean = normalize(rel);
                let key = if clean == *rel {
                    Cow::Borrowed(rel.as_str())
                } else {
                    Cow::Owned(clean)
                };
                (key, bytes.as_slice())
            })
            .collect();
        Output { files }
    }

    fn is_file(&self, rel: &str) -> bool {
        self.files.contains_key(rel)
    }

    fn is_dir(&self, rel: &str) -> bool {
        let prefix = format!("{}/", rel.trim_end_matches('/'));
        self.files
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .next()
            .is_some_and(|(k, _)| k.starts_with(&prefix))
    }

    /// The file as text; `None` when missing or not UTF-8.
    fn text(&self, rel: &str) -> Option<&'a str> {
        std::str::from_utf8(self.files.get(rel)?).ok()
    }
}

fn crawl(site: &Site, out: &Output) -> Crawl {
    let base_path = site.config.base_path().to_string();
    let mut result = Crawl::default();
    let mut queue = VecDeque::from([String::new()]);
    result.reached.insert(String::new());
    while let Some(page) = queue.pop_front() {
        let Some(html) = out.text(&format!("{page}index.html")) else {
            continue;
        };
        for link in links(html) {
            let Some(target) = site_path(site, &base_path, &page, &link.url) else {
                continue;
            };
            let file = output_file(out, &target);
            if !out.is_file(&file) {
                let image = link.image;
                result
                    .broken
                    .entry((link.url, image))
                    .or_default()
                    .push(page.clone());
                continue;
            }
            if link.follow
                && let Some(dir) = file.strip_suffix("index.html")
                && result.reached.insert(dir.to_string())
            {
                queue.push_back(dir.to_string());
            }
        }
    }
    result
}

/// The path in the output of a site URL path (`uutiset/` → `uutiset/index.html`).
fn output_file(out: &Output, target: &str) -> String {
    if target.is_empty() || target.ends_with('/') {
        format!("{target}index.html")
    } else if out.is_dir(target) {
        format!("{target}/index.html")
    } else {
        target.to_string()
    }
}

/// The site path an href on the page at `page` points to, or `None` when it leaves the site
/// (another host, a part of the host outside the base path, mailto:, a fragment on the page).
fn site_path(site: &Site, base_path: &str, page: &str, href: &str) -> Option<String> {
    let href = href.split(['#', '?']).next().unwrap_or("");
    if href.is_empty() {
        return None;
    }
    let absolute = if let Some(rest) = href.strip_prefix("//") {
        let own = site.config.base_url.split_once("://")?.1;
        format!(
            "/{}",
            rest.strip_prefix(own.split('/').next()?)?
                .trim_start_matches('/')
        )
    } else if href.contains(':') {
        let rest = href.strip_prefix(site.config.base_url.as_str())?;
        format!("{base_path}{rest}")
    } else if href.starts_with('/') {
        href.to_string()
    } else {
        format!("{base_path}{page}{href}")
    };
    let under_base = absolute.strip_prefix(base_path).or_else(|| {
        // `/jarjestot` without the slash is the site's home too.
        (absolute == base_path.trim_end_matches('/')).then_some("")
    })?;
    Some(normalize(&percent_decode(under_base)))
}

/// Resolves `.` and `..` segments; `..` above the root stays at the root, as browsers do.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        match *seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            "" if i + 1 < segments.len() => {}
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    // Keep the trailing slash that marks a folder address.
    if path.ends_with('/') && !joined.is_empty() && !joined.ends_with('/') {
        format!("{joined}/")
    } else {
        joined
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A link found in a page.
#[derive(Debug, PartialEq, Eq)]
struct Link {
    /// The address, entity-decoded.
    url: String,
    /// Whether a visitor finds pages through it: not for images, and not for the previous/next
    /// links between siblings (a chain of otherwise unlinked pages would reach itself).
    follow: bool,
    /// An `<img>`.
    image: bool,
}

/// The `href` of every `<a>` and the `src` of every `<img>`.
fn links(html: &str) -> Vec<Link> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(pos) = lower[from..].find('<') {
        let start = from + pos + 1;
        from = start;
        let (is_anchor, name_len) = if lower[start..].starts_with("a") {
            (true, 1)
        } else if lower[start..].starts_with("img") {
            (false, 3)
        } else {
            continue;
        };
        let attrs = start + name_len;
        if !lower[attrs..].starts_with(|c: char| c.is_ascii_whitespace()) {
            continue;
        }
        let end = tag_end(html, attrs);
        let tag = &html[attrs..end];
        let url = attribute(tag, if is_anchor { "href" } else { "src" });
        if let Some(url) = url {
            let rel = attribute(tag, "rel")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let sequence = rel
                .split_ascii_whitespace()
                .any(|r| r == "prev" || r == "next");
            found.push(Link {
                url: unescape(&url),
                follow: is_anchor && !sequence,
                image: !is_anchor,
            });
        }
        from = end;
    }
    found
}

/// Index of the `>` closing a tag that starts before `from`, skipping quoted values.
fn tag_end(html: &str, from: usize) -> usize {
    let mut quote = None;
    for (i, c) in html[from..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return from + i,
            _ => {}
        }
    }
    html.len()
}

/// The value of attribute `name` in the inside of a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>')
            .unwrap_or(rest.len());
        let attr = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, remaining) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let close = after[1..].find(q).map_or(after.len(), |i| i + 1);
                    (&after[1..close], after.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = remaining;
            Some(value)
        } else {
            None
        };
        if attr.eq_ignore_ascii_case(name) {
            return value.map(str::to_string);
        }
    }
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn orphans(site: &Site, reached: &HashSet<String>) -> Vec<Diagnostic> {
    let pages = site.pages.iter().map(|p| (&p.path, &p.file));
    let sections = site.sections.iter().skip(1).map(|s| (&s.path, &s.file));
    pages
        .chain(sections)
        .filter(|(path, _)| !reached.contains(path.as_str()))
        .map(|(path, file)| {
            Diagnostic::warning(
                "orphan-page",
                format!("no link leads to this page (/{path}) from the home page"),
            )
            .with_file(&file.display)
            .at(1, 1)
            .with_hint("link to it from a related page, e.g. [Otsikko](@/polku/sivu.md), or list it in a section shown in the navigation")
        })
        .collect()
}

fn broken_links(site: &Site, broken: &BTreeMap<(String, bool), Vec<String>>) -> Vec<Diagnostic> {
    let items: HashMap<&str, Item> = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_str(), Item::Page(i)))
        .chain(
            site.sections
                .iter()
                .enumerate()
                .map(|(i, s)| (s.path.as_str(), Item::Section(i))),
        )
        .collect();
    let mut findings = Vec::new();
    // The site keeps no body HTML: the bodies of the pages with a broken link are rendered
    // again, each once however many broken links it has.
    let bodies = site.bodies();
    let mut rendered: HashMap<Item, String> = HashMap::new();
    for ((href, image), pages) in broken {
        let attribute = if *image { "src" } else { "href" };
        let escaped = format!("{attribute}=\"{}\"", crate::text::escape_html(href));
        let mut from_theme = Vec::new();
        for page in pages {
            let (file, item) = match items.get(page.as_str()) {
                Some(&item @ Item::Page(i)) => (&site.pages[i].file, item),
                Some(&item @ Item::Section(i)) => (&site.sections[i].file, item),
                None => {
                    from_theme.push(page);
                    continue;
                }
            };
            let body = rendered.entry(item).or_insert_with(|| bodies.html(item));
            if body.contains(&escaped) {
                findings.push(body_link(site, file, href, *image));
            } else {
                from_theme.push(page);
            }
        }
        if let Some(first) = from_theme.first() {
            // The same template link is on many pages: one finding per address.
            findings.push(
                Diagnostic::warning(
                    "broken-theme-link",
                    format!(
                        "the theme links to `{href}`, which the build did not write (on {} page(s), e.g. /{first})",
                        from_theme.len()
                    ),
                )
                .with_hint("the link comes from a template, not from content: fix the template or add the missing page"),
            );
        }
    }
    findings
}

/// A broken link written in a page body, located where it is written in the source.
fn body_link(site: &Site, file: &SourceFile, href: &str, image: bool) -> Diagnostic {
    let base = site.config.base_path();
    let written = href
        .strip_prefix(base)
        .map(|rest| format!("/{rest}"))
        .unwrap_or_else(|| href.to_string());
    let body = &file.source[file.body_offset..];
    let offset = body
        .find(&format!("({written}"))
        .map(|i| i + 1)
        .or_else(|| body.find(&written))
        .or_else(|| body.find(href))
        .map(|i| file.body_offset + i);
    let d = if image {
        Diagnostic::error(
            "broken-image",
            format!("image `{written}` is not a file of the site"),
        )
        .with_hint("put the image file next to the page under content/ (or in static/) and check the file name")
    } else {
        Diagnostic::error(
            "broken-link",
            format!("link to `{written}`, which is not a page or file of the site"),
        )
        .with_hint("link to content files as @/polku/sivu.md so the address is checked and always right")
    }
    .with_file(&file.display);
    match offset {
        Some(o) => d.at_offset(&file.source, o),
        None => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_in_any_attribute_order_and_decoded() {
        let html = r#"<p><a class="x" href="/a/?b=1&amp;c=2">x</a> <abbr>y</abbr> <A HREF='/c/'>z</A>
            <a title="a>b" href=/d/> <img alt="" src="/e.png"> <a rel="next" href="/f/"> <a name="x">"#;
        let links = links(html);
        let found: Vec<(&str, bool, bool)> = links
            .iter()
            .map(|l| (l.url.as_str(), l.follow, l.image))
            .collect();
        assert_eq!(
            found,
            vec![
                ("/a/?b=1&c=2", true, false),
                ("/c/", true, false),
                ("/d/", true, false),
                ("/e.png", false, true),
                ("/f/", false, false)
            ]
        );
    }

    #[test]
    fn memory_output_finds_files_and_folders_as_a_folder_would() {
        let files: BTreeMap<String, Vec<u8>> = [
            ("index.html", "<a href=\"/x/\">"),
            ("uutiset/index.html", ""),
            ("a//b/./kuva.png", ""),
            ("uutiset-vanhat.html", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect();
        let out = Output::new(&files);
        assert_eq!(out.text("index.html"), Some("<a href=\"/x/\">"));
        assert!(out.is_file("a/b/kuva.png"));
        assert!(out.is_dir("a") && out.is_dir("a/b") && out.is_dir("uutiset"));
        assert!(!out.is_dir("uutiset-vanhat.html") && !out.is_dir("uutis"));
        assert_eq!(output_file(&out, "uutiset"), "uutiset/index.html");
        assert_eq!(output_file(&out, "a/b/kuva.png"), "a/b/kuva.png");
    }

    #[test]
    fn paths_normalize_dots_and_keep_folder_slash() {
        assert_eq!(normalize("a/b/../c/"), "a/c/");
        assert_eq!(normalize("a/./b"), "a/b");
        assert_eq!(normalize("../../x/"), "x/");
        assert_eq!(normalize(""), "");
        assert_eq!(percent_decode("kuva%20iso.jpg"), "kuva iso.jpg");
    }
}
