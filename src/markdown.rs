//! Markdown to HTML with pulldown-cmark: heading ids, table of contents, summary, internal links.

use crate::diagnostics::Diagnostic;
use crate::text::{escape_html, slugify};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;
use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

/// The marker that ends a page's summary.
pub const MORE_MARKER: &str = "<!-- more -->";

/// Ids the theme uses itself; a heading with the same text gets a suffix instead.
const RESERVED_IDS: &[&str] = &[
    "main",
    "top",
    "site-header",
    "site-nav",
    "site-footer",
    "search-results",
];

/// Rendering options that do not change per page.
#[derive(Debug, Clone, Default)]
pub struct MarkdownOptions {
    /// Curly quotes and dashes.
    pub smart_punctuation: bool,
    /// Use Finnish quotation marks (”…”) for smart quotes.
    pub finnish_quotes: bool,
    /// Class on external links.
    pub external_links_class: Option<String>,
    /// `rel` on external links.
    pub external_links_rel: Option<String>,
    /// Root-relative path of the site, such as `/jarjestot/`, prefixed to `/…` links.
    pub base_path: String,
}

/// Resolves `@/file.md` internal links to URLs.
pub trait LinkResolver: Sync {
    /// The root-relative URL (including the base path) of a content file, if it exists.
    fn resolve(&self, content_path: &str) -> Option<String>;

    /// Why a content file that exists on disk has no URL (e.g. it is an unpublished draft).
    fn why_missing(&self, _content_path: &str) -> Option<String> {
        None
    }

    /// Width and height of a local image as written in `src` by the file `from` (its display
    /// path, `content/uutiset/x.md`), so `<img>` can reserve its space before it loads.
    /// `None` for remote or unreadable images.
    fn image_size(&self, _src: &str, _from: &Path) -> Option<(usize, usize)> {
        None
    }
}

/// One heading, nested into a table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    /// 1..=6.
    pub level: u8,
    /// The heading's id (the anchor).
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Headings one level below, until the next heading at this level or above.
    pub children: Vec<TocEntry>,
}

/// A heading as found in the source, for checks.
#[derive(Debug, Clone, Serialize)]
pub struct HeadingInfo {
    /// 1..=6.
    pub level: u8,
    /// The heading's id.
    pub id: String,
    /// The heading's text.
    pub title: String,
    /// Byte offset in the file.
    pub offset: usize,
}

/// An image as found in the source, for checks.
#[derive(Debug, Clone, Serialize)]
pub struct ImageInfo {
    /// The `src` as written.
    pub src: String,
    /// The alt text (empty when missing).
    pub alt: String,
    /// Byte offset in the file.
    pub offset: usize,
}

/// A link to an anchor on another page, checked once every page is rendered.
#[derive(Debug, Clone)]
pub struct AnchorRef {
    /// The target content file, as written after `@/`.
    pub target: String,
    /// The anchor after `#`.
    pub anchor: String,
    /// Byte offset of the link in the file.
    pub offset: usize,
}

/// The result of rendering one Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The body as HTML.
    pub html: String,
    /// HTML of the part before `<!-- more -->`, if the marker is present.
    pub summary: Option<String>,
    /// Nested table of contents.
    pub toc: Vec<TocEntry>,
    /// Every heading in order.
    pub headings: Vec<HeadingInfo>,
    /// Every image in order.
    pub images: Vec<ImageInfo>,
    /// Links to anchors on other pages (or this one), to be checked later.
    pub anchor_refs: Vec<AnchorRef>,
    /// External links (http, https), with byte offsets, for `check --external`.
    pub external_links: Vec<(String, usize)>,
    /// The text without markup, for search and word counts.
    pub plain_text: String,
    /// Broken links and unsafe markup found while rendering.
    pub problems: Vec<Diagnostic>,
}

/// Where the body sits, for error positions.
pub struct BodySource<'a> {
    /// File path shown in messages.
    pub file: &'a Path,
    /// The whole file.
    pub source: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// Whether raw HTML is allowed (false for untrusted organisation profiles).
    pub trusted: bool,
}

fn parser_options(smart: bool) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if smart {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

fn level_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// Renders `body` (a file's Markdown after the front matter).
pub fn render(
    body: &str,
    at: &BodySource<'_>,
    options: &MarkdownOptions,
    links: &dyn LinkResolver,
) -> Rendered {
    let mut out = Rendered::default();
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(body, parser_options(options.smart_punctuation))
            .into_offset_iter()
            .collect();
    let mut used_ids: HashSet<String> = HashSet::new();
    // Two more events per table (its scrolling wrapper): growing the list past its capacity
    // copied it to fresh memory on every page with a table.
    let tables = events
        .iter()
        .filter(|(e, _)| matches!(e, Event::Start(Tag::Table(_))))
        .count();
    let mut result: Vec<Event<'_>> = Vec::with_capacity(events.len() + 2 * tables);
    // The text is at most about as long as the body (smart quotes may lengthen it a little).
    out.plain_text.reserve(body.len());
    let mut summary_end: Option<usize> = None;
    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        let offset = at.body_offset + range.start;
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let end = find_end(&events, i, |e| matches!(e, Event::End(TagEnd::Heading(_))));
                let title = inline_text(&events[i + 1..end]);
                let wanted = id
                    .as_ref()
                    .map_or_else(|| slugify(&title), |id| id.to_string());
                let wanted = if wanted.is_empty() {
                    "otsikko".to_string()
                } else {
                    wanted
                };
                let unique = unique_id(&wanted, &mut used_ids);
                out.headings.push(HeadingInfo {
                    level: level_number(*level),
                    id: unique.clone(),
                    title: title.clone(),
                    offset,
                });
                result.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                // The heading's inline events are processed by the loop like any other inline content.
                i += 1;
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let html = link_open(
                    link_type, dest_url, title, offset, at, options, links, &mut out,
                );
                result.push(Event::Html(CowStr::from(html)));
            }
            Event::End(TagEnd::Link) => result.push(Event::Html(CowStr::from("</a>"))),
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let end = find_end(&events, i, |e| matches!(e, Event::End(TagEnd::Image)));
                let alt = inline_text(&events[i + 1..end]);
                let src = rewrite_local_url(dest_url, options, links)
                    .unwrap_or_else(|| dest_url.to_string());
                out.images.push(ImageInfo {
                    src: dest_url.to_string(),
                    alt: alt.clone(),
                    offset,
                });
                let mut tag = format!(
                    "<img src=\"{}\" alt=\"{}\"",
                    escape_html(&src),
                    escape_html(&alt)
                );
                if !title.is_empty() {
                    tag.push_str(&format!(" title=\"{}\"", escape_html(title)));
                }
                if let Some((w, h)) = links.image_size(dest_url, at.file) {
                    tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
                }
                tag.push_str(" loading=\"lazy\" decoding=\"async\">");
                result.push(Event::Html(CowStr::from(tag)));
                i = end + 1;
                continue;
            }
            Event::Html(raw) | Event::InlineHtml(raw) => {
                if raw.trim() == MORE_MARKER {
                    if summary_end.is_none() {
                        summary_end = Some(result.len());
                    }
                } else if at.trusted {
                    result.push(event.clone());
                } else {
                    // Untrusted text: raw HTML is shown as text, never interpreted.
                    result.push(Event::Text(raw.clone()));
                }
            }
            Event::Text(text) => {
                let text = if options.finnish_quotes {
                    finnish_quotes(text)
                } else {
                    text.clone()
                };
                out.plain_text.push_str(&text);
                result.push(Event::Text(text));
            }
            Event::Code(code) => {
                out.plain_text.push_str(code);
                result.push(event.clone());
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::Heading(_),
            ) => {
                out.plain_text.push('\n');
                result.push(event.clone());
            }
            Event::Start(Tag::Table(_)) => {
                // A wrapper lets wide tables scroll on their own instead of the whole page at 320 px.
                result.push(Event::Html(CowStr::from("<div class=\"table-scroll\">")));
                result.push(event.clone());
            }
            Event::End(TagEnd::Table) => {
                result.push(event.clone());
                result.push(Event::Html(CowStr::from("</div>")));
            }
            Event::TaskListMarker(done) => {
                // A disabled checkbox would be a form control without a label; a ballot-box
                // character reads the same to sighted and screen-reader users.
                result.push(Event::Text(CowStr::from(if *done {
                    "☑\u{a0}"
                } else {
                    "☐\u{a0}"
                })));
            }
            Event::SoftBreak | Event::HardBreak => {
                out.plain_text.push(' ');
                result.push(event.clone());
            }
            _ => result.push(event.clone()),
        }
        i += 1;
    }
    let mut html_out = String::with_capacity(body.len() * 3 / 2);
    if let Some(end) = summary_end {
        let mut summary = String::new();
        html::push_html(&mut summary, result[..end].iter().cloned());
        out.summary = Some(summary);
    }
    html::push_html(&mut html_out, result.into_iter());
    out.html = html_out;
    out.toc = build_toc(&out.headings);
    // The site model keeps every page's HTML and text until the build ends: on a large site the
    // slack left by growing the buffers was hundreds of megabytes.
    out.html.shrink_to_fit();
    out.plain_text.shrink_to_fit();
    if let Some(summary) = &mut out.summary {
        summary.shrink_to_fit();
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn link_open(
    link_type: &LinkType,
    dest: &str,
    title: &str,
    offset: usize,
    at: &BodySource<'_>,
    options: &MarkdownOptions,
    links: &dyn LinkResolver,
    out: &mut Rendered,
) -> String {
    let title_attr = if title.is_empty() {
        String::new()
    } else {
        format!(" title=\"{}\"", escape_html(title))
    };
    let dest = if *link_type == LinkType::Email && !dest.starts_with("mailto:") {
        format!("mailto:{dest}")
    } else {
        dest.to_string()
    };
    if let Some(target) = dest.strip_prefix("@/") {
        let (file, anchor) = target
            .split_once('#')
            .map_or((target, None), |(f, a)| (f, Some(a)));
        return match links.resolve(file) {
            Some(url) => {
                if let Some(anchor) = anchor {
                    out.anchor_refs.push(AnchorRef {
                        target: file.to_string(),
                        anchor: anchor.to_string(),
                        offset,
                    });
                }
                let href = anchor.map_or(url.clone(), |a| format!("{url}#{a}"));
                format!("<a href=\"{}\"{title_attr}>", escape_html(&href))
            }
            None => {
                let problem = match links.why_missing(file) {
                    Some(why) => Diagnostic::error("broken-link", format!("link to `@/{file}`, {why}")).with_hint(
                        "remove `draft = true` from the page when it is ready (or build with --drafts), or remove the link until then",
                    ),
                    None => Diagnostic::error("broken-link", format!("link to a missing page `@/{file}`"))
                        .with_hint("internal links name a file under content/, e.g. [Avustukset](@/jarjestotyon-rakenne/yhdistysavustukset.md); check the path and the file name"),
                };
                out.problems
                    .push(problem.with_file(at.file).at_offset(at.source, offset));
                format!("<a href=\"#\"{title_attr}>")
            }
        };
    }
    let scheme = dest.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    if let Some(scheme) = scheme.as_deref()
        && !dest.starts_with('/')
        && !matches!(scheme, "http" | "https" | "mailto" | "tel")
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
    {
        out.problems.push(
            Diagnostic::warning(
                "unsafe-link",
                format!("link with the `{scheme}:` scheme was removed"),
            )
            .with_file(at.file)
            .at_offset(at.source, offset)
            .with_hint(
                "links may use http, https, mailto and tel addresses, or @/ links to content files",
            ),
        );
        return format!("<a{title_attr}>");
    }
    if dest.starts_with("http://") || dest.starts_with("https://") || dest.starts_with("//") {
        out.external_links.push((dest.clone(), offset));
        let mut attrs = String::new();
        if let Some(class) = &options.external_links_class {
            attrs.push_str(&format!(" class=\"{}\"", escape_html(class)));
        }
        if let Some(rel) = &options.external_links_rel {
            attrs.push_str(&format!(" rel=\"{}\"", escape_html(rel)));
        }
        return format!("<a href=\"{}\"{attrs}{title_attr}>", escape_html(&dest));
    }
    let href = rewrite_local_url(&dest, options, links).unwrap_or(dest);
    format!("<a href=\"{}\"{title_attr}>", escape_html(&href))
}

/// Root-relative (`/foo`) and `@/` URLs get the site's base path; others stay as written.
fn rewrite_local_url(
    dest: &str,
    options: &MarkdownOptions,
    links: &dyn LinkResolver,
) -> Option<String> {
    if let Some(target) = dest.strip_prefix("@/") {
        return links.resolve(target);
    }
    if dest.starts_with('/') && !dest.starts_with("//") {
        return Some(format!("{}{}", options.base_path, &dest[1..]));
    }
    None
}

/// Reads the dimensions of a local image: `/x.png` from the site's `static/` or `content/`,
/// a relative `x.png` next to the Markdown file `from` (a path under `root`, `content/a/b.md`).
/// Only the file's header is read (imagesize), so this stays cheap on large sites.
pub fn local_image_size(root: &Path, src: &str, from: &Path) -> Option<(usize, usize)> {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    if path.is_empty() || path.starts_with("//") || path.contains(':') {
        return None;
    }
    let candidates = match path.strip_prefix('/') {
        Some(rest) => vec![
            root.join("static").join(rest),
            root.join("content").join(rest),
        ],
        None => vec![root.join(from.parent()?).join(path)],
    };
    candidates
        .iter()
        .find_map(|p| imagesize::size(p).ok())
        .map(|s| (s.width, s.height))
}

fn find_end(
    events: &[(Event<'_>, Range<usize>)],
    start: usize,
    is_end: impl Fn(&Event<'_>) -> bool,
) -> usize {
    events[start..]
        .iter()
        .position(|(e, _)| is_end(e))
        .map_or(events.len() - 1, |p| start + p)
}

fn inline_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut s = String::new();
    for (e, _) in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s.trim().to_string()
}

fn unique_id(wanted: &str, used: &mut HashSet<String>) -> String {
    let mut id = wanted.to_string();
    let mut n = 1;
    // The theme's own ids count as used on every page.
    while RESERVED_IDS.contains(&id.as_str()) || used.contains(&id) {
        id = format!("{wanted}-{n}");
        n += 1;
    }
    used.insert(id.clone());
    id
}

fn finnish_quotes<'a>(text: &CowStr<'a>) -> CowStr<'a> {
    // Both quotes start with the byte 0xE2, which Finnish letters never use: a byte search rules
    // out most text faster than a search for either character.
    if text.as_bytes().contains(&0xE2) && text.contains(['“', '‘']) {
        CowStr::from(text.replace('“', "”").replace('‘', "’"))
    } else {
        text.clone()
    }
}

fn build_toc(headings: &[HeadingInfo]) -> Vec<TocEntry> {
    let mut root: Vec<TocEntry> = Vec::new();
    for h in headings.iter().filter(|h| h.level >= 2) {
        let entry = TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        };
        insert_toc(&mut root, entry);
    }
    root
}

fn insert_toc(list: &mut Vec<TocEntry>, entry: TocEntry) {
    match list.last_mut() {
        Some(last) if last.level < entry.level => insert_toc(&mut last.children, entry),
        _ => list.push(entry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Links;
    impl LinkResolver for Links {
        fn resolve(&self, p: &str) -> Option<String> {
            (p == "a/b.md").then(|| "/base/a/b/".to_string())
        }
    }

    fn opts() -> MarkdownOptions {
        MarkdownOptions {
            smart_punctuation: true,
            finnish_quotes: true,
            external_links_class: Some("external".into()),
            external_links_rel: Some("noopener".into()),
            base_path: "/base/".into(),
        }
    }

    fn run(body: &str, trusted: bool) -> Rendered {
        let at = BodySource {
            file: Path::new("x.md"),
            source: body,
            body_offset: 0,
            trusted,
        };
        render(body, &at, &opts(), &Links)
    }

    #[test]
    fn headings_get_unique_folded_ids_and_toc() {
        let r = run(
            "## Yhdistysavustukset 2027\n\n### Hakuaika\n\n## Yhdistysavustukset 2027\n\n## Main\n",
            true,
        );
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "yhdistysavustukset-2027",
                "hakuaika",
                "yhdistysavustukset-2027-1",
                "main-1"
            ]
        );
        assert_eq!(r.toc.len(), 3);
        assert_eq!(r.toc[0].children[0].id, "hakuaika");
        assert!(r.html.contains("<h2 id=\"yhdistysavustukset-2027\">"));
    }

    #[test]
    fn explicit_heading_ids_win() {
        let r = run("## Kuntalain 22 § {#kuntalaki-22}\n", true);
        assert_eq!(r.headings[0].id, "kuntalaki-22");
    }

    #[test]
    fn internal_links_resolve_and_missing_ones_are_errors_with_lines() {
        let r = run("Katso [b](@/a/b.md#x) ja\n[c](@/puuttuu.md).\n", true);
        assert!(r.html.contains("href=\"/base/a/b/#x\""));
        assert_eq!(r.anchor_refs[0].anchor, "x");
        assert_eq!(r.problems.len(), 1);
        assert_eq!((r.problems[0].line, r.problems[0].column), (2, 1));
    }

    #[test]
    fn root_relative_links_get_base_path_and_external_links_get_attributes() {
        let r = run(
            "[a](/haku/) [b](https://example.fi/) ![kuva](/img/x.png)",
            true,
        );
        assert!(r.html.contains("href=\"/base/haku/\""));
        assert!(
            r.html
                .contains("<a href=\"https://example.fi/\" class=\"external\" rel=\"noopener\">")
        );
        assert!(r.html.contains("src=\"/base/img/x.png\" alt=\"kuva\""));
    }

    struct Sized;
    impl LinkResolver for Sized {
        fn resolve(&self, _: &str) -> Option<String> {
            None
        }
        fn image_size(&self, src: &str, from: &Path) -> Option<(usize, usize)> {
            (src == "kuva.png" && from == Path::new("x.md")).then_some((640, 480))
        }
    }

    #[test]
    fn local_images_get_their_dimensions_and_lazy_loading() {
        let body = "![Kuva](kuva.png) ![Muu](https://example.fi/x.png)";
        let at = BodySource {
            file: Path::new("x.md"),
            source: body,
            body_offset: 0,
            trusted: true,
        };
        let html = render(body, &at, &opts(), &Sized).html;
        assert!(
            html.contains(
                "<img src=\"kuva.png\" alt=\"Kuva\" width=\"640\" height=\"480\" loading=\"lazy\""
            ),
            "{html}"
        );
        assert!(
            html.contains("<img src=\"https://example.fi/x.png\" alt=\"Muu\" loading=\"lazy\""),
            "{html}"
        );
    }

    #[test]
    fn local_image_size_reads_static_and_neighbouring_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("static")).unwrap();
        std::fs::create_dir_all(root.join("content/uutiset")).unwrap();
        // A 3×2 GIF header is all imagesize reads.
        let gif = b"GIF89a\x03\x00\x02\x00\x00\x00\x00;";
        std::fs::write(root.join("static/logo.gif"), gif).unwrap();
        std::fs::write(root.join("content/uutiset/kuva.gif"), gif).unwrap();
        let from = Path::new("content/uutiset/juttu.md");
        assert_eq!(local_image_size(root, "/logo.gif", from), Some((3, 2)));
        assert_eq!(local_image_size(root, "kuva.gif?v=2", from), Some((3, 2)));
        assert_eq!(local_image_size(root, "puuttuu.gif", from), None);
        assert_eq!(
            local_image_size(root, "https://example.fi/x.gif", from),
            None
        );
    }

    #[test]
    fn summary_ends_at_more_marker() {
        let r = run("Alku.\n\n<!-- more -->\n\nLoppu.\n", true);
        assert_eq!(r.summary.as_deref(), Some("<p>Alku.</p>\n"));
        assert!(r.html.contains("Loppu"));
        assert!(!r.html.contains("more"));
    }

    #[test]
    fn untrusted_html_and_script_links_are_neutralised() {
        let r = run(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> [x](javascript:alert(1))\n",
            false,
        );
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<img src=x"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn finnish_smart_quotes() {
        let r = run("Hän sanoi \"hei\".", true);
        assert!(r.html.contains("”hei”"), "{}", r.html);
    }
}
