//! Markdown to HTML with pulldown-cmark: heading ids, table of contents, summary, internal links.

use crate::diagnostics::Diagnostic;
use crate::text::{escape_html, slugify};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

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
    /// Trusted pages keep raw HTML as written; when false every page is sanitized like an
    /// organisation profile.
    pub unsafe_html: bool,
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

/// What the build keeps of one rendered Markdown body for its whole length: what links,
/// anchors, summaries, tables of contents, the search's headings and the checks need. The body's
/// HTML and text are not kept (on a text-heavy site they were most of the memory); they are
/// rendered again, as a [`Body`], by whatever writes or indexes the page.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
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
    /// Broken links and unsafe markup found while rendering.
    pub problems: Vec<Diagnostic>,
    /// The body's HTML, when loading kept it (a site small enough that holding every body
    /// costs less than rendering it twice; see `content::load`). `None` means: render again.
    pub kept_html: Option<String>,
}

/// Which large outputs of a body [`render`] builds besides the [`Rendered`] outline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Want {
    /// The body as HTML ([`Body::html`]).
    pub html: bool,
    /// The text without markup ([`Body::text`]).
    pub text: bool,
    /// The number of words in the text ([`Body::words`]), counted whether or not the text is
    /// built.
    pub words: bool,
}

impl Want {
    /// Only the outline and the word count: what loading a site needs.
    pub const OUTLINE: Want = Want {
        html: false,
        text: false,
        words: true,
    };
    /// The HTML, for writing a page.
    pub const HTML: Want = Want {
        html: true,
        text: false,
        words: false,
    };
    /// The text, for the search index.
    pub const TEXT: Want = Want {
        html: false,
        text: true,
        words: false,
    };
    /// Everything.
    pub const ALL: Want = Want {
        html: true,
        text: true,
        words: true,
    };
}

/// A body's HTML and text, built only as [`Want`] asks (else empty), held only while a page is
/// written or indexed.
#[derive(Debug, Clone, Default)]
pub struct Body {
    /// The body as HTML.
    pub html: String,
    /// The text without markup, for search.
    pub text: String,
    /// Words in the text, when [`Want::words`] asks (else 0).
    pub words: usize,
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

/// Renders `body` (a file's Markdown after the front matter): always its outline and word
/// count, and its HTML and text as `want` asks. Every pass over a body (loading, writing,
/// indexing, crawling) goes through here, so they agree on every byte.
pub fn render(
    body: &str,
    at: &BodySource<'_>,
    options: &MarkdownOptions,
    links: &dyn LinkResolver,
    want: Want,
) -> (Rendered, Body) {
    let mut out = Rendered::default();
    let mut text = TextSink::new(want, body.len());
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(body, parser_options(options.smart_punctuation))
            .into_offset_iter()
            .collect();
    let mut ids = HeadingIds::default();
    // Two more events per table (its scrolling wrapper): growing the list past its capacity
    // copied it to fresh memory on every page with a table.
    let tables = events
        .iter()
        .filter(|(e, _)| matches!(e, Event::Start(Tag::Table(_))))
        .count();
    // Without HTML to write or a summary to cut, the output events would be thrown away: a
    // pass for the outline or the text only walks the input.
    let mut result = Output {
        on: want.html || body.contains(MORE_MARKER),
        list: Vec::new(),
    };
    if result.on {
        result.list.reserve(events.len() + 2 * tables);
    }
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
                let unique = ids.unique(&wanted);
                out.headings.push(HeadingInfo {
                    level: level_number(*level),
                    id: unique.clone(),
                    title: title.clone(),
                    offset,
                });
                let attrs = safe_heading_attributes(attrs, offset, at, &mut out.problems);
                result.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs,
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
                out.images.push(ImageInfo {
                    src: dest_url.to_string(),
                    alt: alt.clone(),
                    offset,
                });
                let dest = match clean_url(dest_url) {
                    Ok(dest) => dest,
                    Err(why) => {
                        out.problems.push(
                            unsafe_link("image", &why)
                                .with_file(at.file)
                                .at_offset(at.source, offset),
                        );
                        // The alt text still tells what the image was.
                        result.push(Event::Text(CowStr::from(alt)));
                        i = end + 1;
                        continue;
                    }
                };
                if !result.on {
                    i = end + 1;
                    continue;
                }
                let src = rewrite_local_url(&dest, options, links).unwrap_or_else(|| dest.clone());
                let mut tag = format!(
                    "<img src=\"{}\" alt=\"{}\"",
                    escape_html(&src),
                    escape_html(&alt)
                );
                if !title.is_empty() {
                    tag.push_str(&format!(" title=\"{}\"", escape_html(title)));
                }
                if let Some((w, h)) = links.image_size(&dest, at.file) {
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
            Event::Text(raw) => {
                let quoted = if options.finnish_quotes {
                    finnish_quotes(raw)
                } else {
                    raw.clone()
                };
                text.push(&quoted);
                result.push(Event::Text(quoted));
            }
            Event::Code(code) => {
                text.push(code);
                result.push(event.clone());
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::Heading(_),
            ) => {
                text.push("\n");
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
                text.push(" ");
                result.push(event.clone());
            }
            _ => result.push(event.clone()),
        }
        i += 1;
    }
    if let Some(end) = summary_end {
        let mut summary = String::new();
        html::push_html(&mut summary, result.list[..end].iter().cloned());
        out.summary = Some(summary);
    }
    let mut html_out = String::new();
    if want.html {
        html_out.reserve(body.len() * 3 / 2);
        html::push_html(&mut html_out, result.list.into_iter());
    }
    // Profiles may come from the associations themselves: whatever slipped through above (or
    // a future change lets through), the allow-list has the last word.
    if !at.trusted || !options.unsafe_html {
        if want.html {
            html_out = sanitize(&html_out);
        }
        if let Some(summary) = &mut out.summary {
            *summary = sanitize(summary);
        }
    }
    out.toc = build_toc(&out.headings);
    // The site model keeps every page's outline until the build ends: the slack of lists grown
    // one push at a time was about a fifth of it.
    if let Some(summary) = &mut out.summary {
        summary.shrink_to_fit();
    }
    out.headings.shrink_to_fit();
    out.images.shrink_to_fit();
    out.anchor_refs.shrink_to_fit();
    out.external_links.shrink_to_fit();
    shrink_toc(&mut out.toc);
    let body = Body {
        html: html_out,
        words: text.words.count,
        text: text.text,
    };
    (out, body)
}

/// The text of a body exactly as [`render`] builds it ([`Body::text`]), in one pass over the
/// parser's events without the outline, links or HTML: what the search index reads of every
/// page, so it is kept cheap. A test holds the two to the same text.
pub fn plain_text(body: &str, options: &MarkdownOptions) -> String {
    let mut text = String::with_capacity(body.len());
    // `render` skips an image's alt text up to the first end of an image, nested or not.
    let mut in_image = false;
    for event in Parser::new_ext(body, parser_options(options.smart_punctuation)) {
        if in_image {
            in_image = !matches!(event, Event::End(TagEnd::Image));
            continue;
        }
        match event {
            Event::Start(Tag::Image { .. }) => in_image = true,
            Event::Text(t) if options.finnish_quotes => text.push_str(&finnish_quotes(&t)),
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::Heading(_),
            ) => text.push('\n'),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// The events of the rendered body, collected only when `on`.
struct Output<'a> {
    on: bool,
    list: Vec<Event<'a>>,
}

impl<'a> Output<'a> {
    fn push(&mut self, event: Event<'a>) {
        if self.on {
            self.list.push(event);
        }
    }

    fn len(&self) -> usize {
        self.list.len()
    }
}

/// The text of a body as it is rendered, and its words counted on the way whether or not the
/// text itself is kept.
struct TextSink {
    keep: bool,
    count: bool,
    text: String,
    words: WordCount,
}

impl TextSink {
    fn new(want: Want, body_len: usize) -> TextSink {
        // The text is at most about as long as the body (smart quotes may lengthen it a little).
        let text = if want.text {
            String::with_capacity(body_len)
        } else {
            String::new()
        };
        TextSink {
            keep: want.text,
            count: want.words,
            text,
            words: WordCount::default(),
        }
    }

    fn push(&mut self, s: &str) {
        // Counting is most of the cost of the text: only loading asks for it.
        if self.count {
            self.words.push(s);
        }
        if self.keep {
            self.text.push_str(s);
        }
    }
}

/// `text.split_whitespace().count()` over text that arrives in pieces (a word may continue into
/// the next piece), with ASCII bytes checked one by one: the character iterator was a visible
/// part of loading a large site.
#[derive(Default)]
struct WordCount {
    count: usize,
    in_word: bool,
}

impl WordCount {
    fn push(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let space = if b < 0x80 {
                i += 1;
                matches!(b, b' ' | b'\t'..=b'\r')
            } else {
                let c = text[i..].chars().next().expect("a character starts here");
                i += c.len_utf8();
                c.is_whitespace()
            };
            self.count += usize::from(!space && !self.in_word);
            self.in_word = !space;
        }
    }
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
    let dest = match clean_url(&dest) {
        Ok(dest) => dest,
        Err(why) => {
            out.problems.push(
                unsafe_link("link", &why)
                    .with_file(at.file)
                    .at_offset(at.source, offset),
            );
            return format!("<a href=\"#\"{title_attr}>");
        }
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

/// Heading ids handed out on one page.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// The next suffix to try for each wanted id: rescanning `-1`, `-2`, … for every repeat
    /// made a page of 20,000 identical headings take half a minute.
    next: HashMap<String, usize>,
}

impl HeadingIds {
    /// `wanted`, or `wanted-N` with the smallest N not yet used. Every suffix below the stored
    /// one was taken when it was tried, and ids are never given back, so skipping them gives
    /// the same ids as trying each again.
    fn unique(&mut self, wanted: &str) -> String {
        let n = self.next.entry(wanted.to_string()).or_insert(0);
        loop {
            let id = if *n == 0 {
                wanted.to_string()
            } else {
                format!("{wanted}-{n}")
            };
            *n += 1;
            // The theme's own ids count as used on every page.
            if !RESERVED_IDS.contains(&id.as_str()) && !self.used.contains(&id) {
                self.used.insert(id.clone());
                return id;
            }
        }
    }
}

/// Cleans a link or image address the way a browser reads it (tabs and line breaks dropped
/// anywhere, control characters and spaces dropped at the ends; pulldown-cmark has already
/// decoded entities such as `&#x09;`), then allows only http, https, mailto and tel, relative
/// addresses, fragments and `@/` links. `Err` says what was refused.
fn clean_url(raw: &str) -> Result<String, String> {
    let joined: String = raw
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let url = joined.trim_matches(|c: char| c <= ' ' || c.is_control());
    // Other control characters inside have no honest use and make the scheme ambiguous.
    if url.chars().any(char::is_control) {
        return Err("an address with control characters".into());
    }
    if url.starts_with(['/', '#', '?', '@']) {
        return Ok(url.to_string());
    }
    // A scheme ends at the first `:` before any `/`, `?` or `#`; without one the address is
    // relative. Anything before such a `:` that is not an allowed scheme is refused, even when a
    // browser might read it as a path.
    let head = &url[..url.find(['/', '?', '#']).unwrap_or(url.len())];
    match head.split_once(':') {
        None => Ok(url.to_string()),
        Some((scheme, _)) => {
            let lower = scheme.to_ascii_lowercase();
            if matches!(lower.as_str(), "http" | "https" | "mailto" | "tel") {
                Ok(url.to_string())
            } else {
                let shown: String = scheme.chars().take(24).collect();
                Err(format!("the `{shown}:` scheme"))
            }
        }
    }
}

fn unsafe_link(what: &str, why: &str) -> Diagnostic {
    Diagnostic::warning("unsafe-link", format!("{what} with {why} was removed")).with_hint(
        "links and images may use http, https, mailto and tel addresses, addresses on this site (/…, #…), or @/ links to content files",
    )
}

/// Heading attributes (`{#id .class key=value}`) that may reach the page. Event handlers
/// (`on…`), `style` and names HTML would split into several attributes never do; untrusted
/// profiles keep only the id and classes, which are handled apart from these.
fn safe_heading_attributes<'a>(
    attrs: &[(CowStr<'a>, Option<CowStr<'a>>)],
    offset: usize,
    at: &BodySource<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(CowStr<'a>, Option<CowStr<'a>>)> {
    let mut kept = Vec::new();
    for (name, value) in attrs {
        let lower = name.to_ascii_lowercase();
        let plain = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        let never = lower.starts_with("on") || lower == "style" || !plain;
        if !never && at.trusted {
            kept.push((name.clone(), value.clone()));
            continue;
        }
        let shown: String = name.chars().take(40).collect();
        let why = if never {
            "event handlers (on…), style and unusual attribute names are never allowed"
        } else {
            "organisation profiles may give a heading only an id and classes"
        };
        problems.push(
            Diagnostic::warning(
                "unsafe-attribute",
                format!("heading attribute `{shown}` was removed: {why}"),
            )
            .with_file(at.file)
            .at_offset(at.source, offset)
            .with_hint(
                "write the heading as `## Otsikko {#tunnus .luokka}`, with only an id and classes",
            ),
        );
    }
    kept
}

/// The allow-list for HTML from untrusted text: what Markdown itself produces, nothing that runs.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    let headings = ["h1", "h2", "h3", "h4", "h5", "h6"];
    let mut tags: HashSet<&str> = [
        "p",
        "ul",
        "ol",
        "li",
        "a",
        "img",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "code",
        "pre",
        "blockquote",
        "em",
        "strong",
        "del",
        "hr",
        "br",
        "sup",
        "div",
    ]
    .into_iter()
    .collect();
    tags.extend(headings);
    let mut attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut allow = |tag: &'static str, names: &[&'static str]| {
        attributes
            .entry(tag)
            .or_default()
            .extend(names.iter().copied());
    };
    // `rel` is set by link_rel below and must not be allowed as written.
    allow("a", &["href", "title", "class"]);
    allow(
        "img",
        &[
            "src", "alt", "title", "width", "height", "loading", "decoding",
        ],
    );
    for h in headings {
        // The table of contents links to these ids.
        allow(h, &["id", "class"]);
    }
    // Table wrappers and footnotes.
    allow("div", &["class", "id"]);
    allow("sup", &["class"]);
    allow("ol", &["start"]);
    // Fenced code blocks name their language as a class.
    allow("code", &["class"]);
    // Column alignment; the style filter below keeps only text-align.
    allow("th", &["style"]);
    allow("td", &["style"]);
    b.tags(tags)
        .tag_attributes(attributes)
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .filter_style_properties(["text-align"].into_iter().collect())
        .clean_content_tags(
            [
                "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
                "select", "svg", "math", "frameset", "noembed", "xmp",
            ]
            .into_iter()
            .collect(),
        );
    b
});

/// HTML with everything outside [`SANITIZER`]'s allow-list removed.
fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
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

fn shrink_toc(list: &mut Vec<TocEntry>) {
    list.shrink_to_fit();
    for entry in list {
        shrink_toc(&mut entry.children);
    }
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
            unsafe_html: true,
        }
    }

    /// The outline with the HTML and text of a body.
    struct Out {
        rendered: Rendered,
        html: String,
        text: String,
        words: usize,
    }

    impl std::ops::Deref for Out {
        type Target = Rendered;
        fn deref(&self) -> &Rendered {
            &self.rendered
        }
    }

    fn run(body: &str, trusted: bool) -> Out {
        let at = BodySource {
            file: Path::new("x.md"),
            source: body,
            body_offset: 0,
            trusted,
        };
        let (rendered, b) = render(body, &at, &opts(), &Links, Want::ALL);
        Out {
            rendered,
            html: b.html,
            text: b.text,
            words: b.words,
        }
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "yksi",
            "  kaksi sanaa  ",
            "ä\u{a0}ö\u{2003}å\u{3000}x\u{85}y\u{1680}z",
            "a\tb\nc\rd\u{b}e\u{c}f\u{1c}g",
            "Järjestö – ”lainaus” 12,5 €\n\n## Otsikko\n",
        ] {
            let mut whole = WordCount::default();
            whole.push(text);
            assert_eq!(whole.count, text.split_whitespace().count(), "{text:?}");
            // In pieces split anywhere on a character boundary: a word may span two pieces.
            for (at, _) in text.char_indices() {
                let mut parts = WordCount::default();
                parts.push(&text[..at]);
                parts.push(&text[at..]);
                assert_eq!(parts.count, whole.count, "{text:?} split at {at}");
            }
        }
    }

    #[test]
    fn plain_text_is_the_text_render_builds() {
        let bodies = [
            "Alku *korostus*ja `koodi`.\nRivi  \nkatko.\n\n## Otsikko `x` [linkki](@/a/b.md)\n",
            "- yksi\n- [ ] kaksi\n  - sisä\n\n1. a\n\n> lainaus\n\n```\nkoodi\n```\n",
            "| a | b |\n|---|---|\n| c ![kuva](x.png) | d |\n\nTeksti[^1].\n\n[^1]: Alaviite.\n",
            "![alt *em*](/x.png \"t\") jälkeen ![a ![b](y.png) c](z.png) loppu\n",
            "![rikki](javascript:alert(1)) ja [paha](javascript:x) <b>raw</b> <!-- more -->\n",
            "Hän sanoi \"hei\" ja 'moi' -- ja --- niin...\n\n# {#oma}\n\n![avoin",
        ];
        for body in bodies {
            for (smart, finnish) in [(true, true), (true, false), (false, false)] {
                let options = MarkdownOptions {
                    smart_punctuation: smart,
                    finnish_quotes: finnish,
                    ..opts()
                };
                for trusted in [true, false] {
                    let at = BodySource {
                        file: Path::new("x.md"),
                        source: body,
                        body_offset: 0,
                        trusted,
                    };
                    let (_, b) = render(body, &at, &options, &Links, Want::TEXT);
                    assert_eq!(plain_text(body, &options), b.text, "{body:?}");
                }
            }
        }
    }

    #[test]
    fn every_want_gives_the_same_outline_and_words() {
        let body = "Alku *korostus*ja `koodi`.\n\n<!-- more -->\n\n## Otsikko\n\n- yksi\n- kaksi\n\n\
                    | a | b |\n|---|---|\n| c | d |\n\n[x](@/a/b.md#y) ja [u](https://example.fi/).\n";
        let all = run(body, true);
        assert_eq!(all.words, all.text.split_whitespace().count());
        for want in [Want::OUTLINE, Want::HTML, Want::TEXT] {
            let at = BodySource {
                file: Path::new("x.md"),
                source: body,
                body_offset: 0,
                trusted: true,
            };
            let (r, b) = render(body, &at, &opts(), &Links, want);
            assert_eq!(b.words, if want.words { all.words } else { 0 });
            assert_eq!(b.html, if want.html { all.html.as_str() } else { "" });
            assert_eq!(b.text, if want.text { all.text.as_str() } else { "" });
            assert_eq!(r.summary, all.summary);
            assert_eq!(r.toc, all.toc);
            assert_eq!(r.anchor_refs.len(), all.anchor_refs.len());
            assert_eq!(r.external_links, all.external_links);
            assert_eq!(r.problems.len(), all.problems.len());
        }
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
        let html = render(body, &at, &opts(), &Sized, Want::HTML).1.html;
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

    fn warnings(r: &Rendered, code: &str) -> usize {
        r.problems.iter().filter(|p| p.code == code).count()
    }

    #[test]
    fn disguised_script_links_are_refused_everywhere() {
        for dest in [
            "java&#x09;script:alert(1)",
            "&#x20;javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java&#x0A;script:alert(1)",
            "java&#13;script:alert(1)",
            "&#x01;javascript:alert(1)",
            "java&#x01;script:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "jav&#97;script:alert(1)",
            "&#106;avascript:alert(1)",
            "<java\tscript:alert(1)>",
        ] {
            for trusted in [true, false] {
                let body = format!("[x]({dest}) ![kuva]({dest})\n");
                let r = run(&body, trusted);
                let lower = r.html.to_ascii_lowercase();
                for bad in ["javascript", "vbscript", "data:", "file:"] {
                    assert!(!lower.contains(bad), "{dest}: {}", r.html);
                }
                assert_eq!(warnings(&r, "unsafe-link"), 2, "{dest}: {:?}", r.problems);
                assert_eq!((r.problems[0].line, r.problems[0].column), (1, 1));
            }
        }
        for dest in ["<javascript:alert(1)>", "<VBScript:x>"] {
            let r = run(&format!("Katso {dest}\n"), true);
            assert!(r.html.contains("<a href=\"#\">"), "{}", r.html);
            assert_eq!(warnings(&r, "unsafe-link"), 1, "{dest}");
        }
    }

    #[test]
    fn allowed_addresses_pass_cleaned() {
        let r = run(
            "[a](https://example.fi/x) [b](mailto:a@example.fi) [c](tel:+358401234567) [d](#osio) [e](ohje/) [f](/haku/) [g](htt&#x09;ps://example.fi/) <info@example.fi>\n",
            false,
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        for href in [
            "https://example.fi/x",
            "mailto:a@example.fi",
            "tel:+358401234567",
            "#osio",
            "ohje/",
            "/base/haku/",
            "mailto:info@example.fi",
        ] {
            assert!(
                r.html.contains(&format!("href=\"{href}\"")),
                "{href}: {}",
                r.html
            );
        }
        assert!(
            r.html.contains("href=\"https://example.fi/\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("rel=\"noopener noreferrer\""), "{}", r.html);
    }

    #[test]
    fn heading_attributes_lose_handlers_everywhere_and_all_but_id_and_class_in_profiles() {
        let body = "## Hei {#hei .iso onfocus=alert(1) autofocus tabindex=0 style=color:red ONCLICK=x data-x=1}\n";
        let trusted = run(body, true);
        assert!(
            trusted.html.contains(
                "<h2 id=\"hei\" class=\"iso\" autofocus=\"\" tabindex=\"0\" data-x=\"1\">"
            ),
            "{}",
            trusted.html
        );
        assert_eq!(
            warnings(&trusted, "unsafe-attribute"),
            3,
            "{:?}",
            trusted.problems
        );
        let profile = run(body, false);
        assert!(
            profile
                .html
                .starts_with("<h2 id=\"hei\" class=\"iso\">Hei</h2>"),
            "{}",
            profile.html
        );
        assert_eq!(warnings(&profile, "unsafe-attribute"), 6);
        assert_eq!(profile.toc[0].id, "hei");
    }

    #[test]
    fn profiles_are_sanitized_but_keep_markdown_markup() {
        let body = "## Otsikko\n\n| a | b |\n|:-:|---|\n| 1 | 2 |\n\nTeksti[^1] *em* **strong** ~~del~~ `code`\n\n```rust\nfn x() {}\n```\n\n> lainaus\n\n---\n\n1. yksi\n\n[^1]: Alaviite.\n";
        let r = run(body, false);
        for kept in [
            "<h2 id=\"otsikko\">",
            "<div class=\"table-scroll\"><table>",
            "<th style=\"text-align:center\">",
            "<sup class=\"footnote-reference\"><a href=\"#1\"",
            "<div class=\"footnote-definition\" id=\"1\">",
            "<em>em</em>",
            "<strong>strong</strong>",
            "<del>del</del>",
            "<code class=\"language-rust\">",
            "<blockquote>",
            "<hr>",
            "<ol>",
        ] {
            assert!(r.html.contains(kept), "{kept}: {}", r.html);
        }
    }

    #[test]
    fn unsafe_html_false_sanitizes_trusted_pages_too() {
        let body = "<script>alert(1)</script>\n\n<p onclick=\"x()\">Hei <b>sinä</b></p>\n\n<iframe src=\"https://e.fi\"></iframe>\n";
        let at = BodySource {
            file: Path::new("x.md"),
            source: body,
            body_offset: 0,
            trusted: true,
        };
        let raw = render(body, &at, &opts(), &Links, Want::HTML).1.html;
        assert!(raw.contains("<script>"), "{raw}");
        let options = MarkdownOptions {
            unsafe_html: false,
            ..opts()
        };
        let clean = render(body, &at, &options, &Links, Want::HTML).1.html;
        assert!(
            !clean.contains("script") && !clean.contains("onclick"),
            "{clean}"
        );
        assert!(!clean.contains("iframe"), "{clean}");
        assert!(clean.contains("<p>Hei sinä</p>"), "{clean}");
    }

    #[test]
    fn many_identical_headings_get_unique_ids_quickly() {
        let body = "## Sama\n\n".repeat(20_000) + "## Sama-1\n\n## Main\n\n## Main\n";
        let r = run(&body, false);
        let ids: HashSet<&str> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids.len(), r.headings.len());
        assert_eq!(r.headings[1].id, "sama-1");
        assert_eq!(r.headings[19_999].id, "sama-19999");
        // An explicit-looking slug that an earlier repeat already took moves on.
        assert_eq!(r.headings[20_000].id, "sama-1-1");
        assert_eq!(r.headings[20_001].id, "main-1");
        assert_eq!(r.headings[20_002].id, "main-2");
    }

    #[test]
    fn finnish_smart_quotes() {
        let r = run("Hän sanoi \"hei\".", true);
        assert!(r.html.contains("”hei”"), "{}", r.html);
    }
}
