//! Templates: loading the theme and site overrides into tera, the functions and filters templates
//! use, and the context each kind of page is rendered with.
//!
//! Template contract (what every template can read): the types below, whose field docs say
//! what each key holds (README "Themes and templates" has the table of variables):
//! - every template: `config` ([`ConfigValue`]), `lang`, `current_url` (absolute), `current_path`
//!   (root-relative, with the base path), `nav` ([`NavItem`]s), `breadcrumbs` ([`Crumb`]s),
//!   `css_url` (the fingerprinted stylesheet), `serve_mode` (true in the preview server)
//! - `page` ([`PageValue`]), `section` ([`SectionValue`]); lists of pages (`section.pages`,
//!   `term.pages`) and `get_page` hold [`PageSummary`]s; the generators' own values (taxonomies,
//!   the directory, the search page) are typed next to them in `crate::generate`
//! - functions `get_url(path, absolute?)`, `get_page(path)` (the page's summary, no body),
//!   `get_section(path)`, `trans(key)`, `now()`
//! - filters `date(format)`, `json_encode`, `urlencode`

use crate::content::{Item, Section, Site};
use crate::diagnostics::{Diagnostic, Error, Result, suggestion_hint};
use crate::theme::Theme;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tera::{Context, Kwargs, State, Tera, Value};
use walkdir::WalkDir;

/// UI strings of one language, from `themes/<theme>/i18n/<lang>.toml`.
pub type Translations = BTreeMap<String, String>;

/// Template values that generators add to the pages and sections they answer for (the
/// directory's profile data on its pages and section), handed in so that rendering knows
/// nothing of the generators. Each is a typed value of the generator's own (for the directory,
/// `generate::directory::OrganisationValue` and `DirectoryValue`), made into a template value.
#[derive(Clone, Copy)]
pub struct Decorations {
    /// A page's [`PageValue::organisation`] (`None` on pages that are not profiles).
    pub page: fn(&Site, usize) -> Option<Value>,
    /// A section's [`SectionValue::directory`] (`None` except on the directory section).
    pub section: fn(&Site, usize) -> Option<Value>,
    /// A page's `event` (`generate::events::EventValue`; absent on pages without an event).
    pub event: fn(&Site, usize) -> Option<Value>,
    /// A section's `events` (`generate::events::EventsValue`; absent without event pages).
    pub events: fn(&Site, usize) -> Option<Value>,
}

/// Everything needed to render pages; built once per build.
pub struct Renderer {
    tera: Tera,
    /// Template name to the file it came from and its text, for error messages.
    files: HashMap<String, (PathBuf, String)>,
    /// What templates read besides their context, shared with the template functions.
    data: Arc<SiteData>,
    /// The theme's UI strings in the site's language.
    translations: Translations,
    /// True in the preview server.
    pub serve_mode: bool,
}

/// The model as templates see it. Page summaries are not stored: each is made from the [`Site`]
/// when a list or `get_page` needs it, so their memory is bounded by what one render holds
/// (stored, every page's summary cost ~10 KB, twice over with the section lists).
struct SiteData {
    site: Arc<Site>,
    decorations: Decorations,
    /// Each section's decoration ([`SectionValue::directory`]), made on first use: the
    /// section's own page and `get_section` share it.
    section_decorations: Vec<OnceLock<Option<Value>>>,
    /// Complete sections as `get_section` returns them, made on first use: a template that
    /// looks up the news section on every page does not rebuild its list every time.
    looked_up: Vec<OnceLock<Value>>,
    /// Top-level sections in the nav.
    nav: Vec<usize>,
    /// The nav with nothing active, and with each item active (by position in `nav`), made on
    /// first use: every page's base template loops over the nav.
    nav_inactive: OnceLock<Value>,
    nav_active: Vec<OnceLock<Value>>,
    /// Breadcrumbs of pages in each section (home down to the section), made on first use.
    crumbs: Vec<OnceLock<Value>>,
    /// Each section's link as its pages' `page.section`, made on first use.
    section_links: Vec<OnceLock<Value>>,
    /// Each page's `taxonomies` as its summary shows them, made on first use: every term page
    /// lists its pages with all their terms, so making them per summary took time in the
    /// number of terms times the terms per page (20,000 tags on 20 pages: 20 s).
    page_terms: Vec<OnceLock<Value>>,
    /// The configured taxonomies' terms, made on first use (see [`TermLinks`]).
    term_links: OnceLock<Vec<TermLinks>>,
}

/// A taxonomy's terms by slug, each term's link value made once and shared by every page that
/// writes the term as its name is spelled: stored per page, they cost ~350 bytes a mention.
struct TermLinks {
    name: String,
    by_slug: HashMap<String, usize>,
    links: Vec<OnceLock<Value>>,
}

/// Reads the theme's translation file for a language.
pub fn load_translations(theme: &Theme, lang: &str) -> Result<Translations> {
    let rel = format!("i18n/{lang}.toml");
    let Some(bytes) = theme.files.get(&rel) else {
        let langs: Vec<&str> = theme
            .folder("i18n")
            .filter_map(|(k, _)| k.strip_suffix(".toml"))
            .collect();
        return Err(Diagnostic::error(
            "config-value",
            format!(
                "theme `{}` has no translations for language `{lang}`",
                theme.name
            ),
        )
        .with_file("config.toml")
        .with_hint(format!(
            "set `language` to one the theme supports: {}",
            langs.join(", ")
        ))
        .into());
    };
    let text = String::from_utf8_lossy(bytes);
    toml::from_str::<Translations>(&text).map_err(|err| {
        let offset = err.span().map_or(0, |s| s.start);
        Error::from(
            Diagnostic::error(
                "i18n",
                format!(
                    "invalid translation file: {}",
                    err.message().lines().next().unwrap_or("")
                ),
            )
            .with_file(theme.display_path(&rel))
            .at_offset(&text, offset)
            .with_hint("each line is key = \"text\""),
        )
    })
}

impl Renderer {
    /// Loads templates (theme first, then the site's `templates/` overriding by name) and
    /// prepares the data templates can reach.
    pub fn new(
        site: &Arc<Site>,
        theme: &Theme,
        css_url: &str,
        serve_mode: bool,
        decorations: Decorations,
    ) -> Result<Renderer> {
        let sources = template_sources(site, theme)?;
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        let files: HashMap<String, (PathBuf, String)> = sources.clone().into_iter().collect();
        let translations = load_translations(theme, &site.config.language)?;
        let data = Arc::new(SiteData::new(site.clone(), decorations));
        let config = ConfigValue {
            config: &site.config,
            base_path: site.config.base_path(),
        };
        // Functions and filters first: tera checks every template's references when adding it.
        register(&mut tera, data.clone(), translations.clone(), css_url);
        tera.add_raw_templates(sources.iter().map(|(n, (_, s))| (n.as_str(), s.as_str())))
            .map_err(|e| template_error(&e, &files, None))?;
        tera.global_context().insert("config", &config);
        tera.global_context().insert("lang", &site.config.language);
        tera.global_context().insert("css_url", css_url);
        tera.global_context().insert("serve_mode", &serve_mode);
        Ok(Renderer {
            tera,
            files,
            data,
            translations,
            serve_mode,
        })
    }

    /// The theme's UI strings in the site's language.
    pub fn translations(&self) -> &Translations {
        &self.translations
    }

    /// Whether a template of this name exists.
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The common context for a page at `path` (site-relative), inside `section`.
    pub fn base_context(&self, site: &Site, path: &str, section: Option<usize>) -> Context {
        let mut ctx = Context::new();
        ctx.insert_value("current_path", Value::from(site.url(path)));
        ctx.insert_value("current_url", Value::from(site.permalink(path)));
        // The nav and breadcrumbs are the same for many pages: they come from values made once
        // (cloning one is a reference count), unless this site is not the one the data holds.
        let cached = std::ptr::eq(site, &*self.data.site);
        let top = section.map(|s| top_section(site, s));
        let nav = if cached {
            self.data.nav_value(top)
        } else {
            nav_value(site, &self.data.nav, top)
        };
        ctx.insert_value("nav", nav);
        let crumbs = match section {
            None => Value::from(Vec::<Value>::new()),
            Some(s) if cached && !chain_has_path(site, s, path) => self.data.crumbs[s]
                .get_or_init(|| crumbs_value(site, s, path))
                .clone(),
            Some(s) => crumbs_value(site, s, path),
        };
        ctx.insert_value("breadcrumbs", crumbs);
        ctx
    }

    /// Renders a page with its template; `body_html` is its rendered Markdown (`page.content`).
    pub fn render_page(&self, site: &Site, index: usize, body_html: &str) -> Result<String> {
        let page = &site.pages[index];
        let mut ctx = self.base_context(site, &page.path, Some(page.section));
        let (section, summary) = if std::ptr::eq(site, &*self.data.site) {
            (
                self.data.section_link(page.section),
                self.data.summary(index),
            )
        } else {
            (section_link(site, page.section), page_summary(site, index))
        };
        ctx.insert(
            "page",
            &page_value(
                site,
                index,
                summary,
                section,
                body_html,
                (self.data.decorations.page)(site, index),
            ),
        );
        if let Some(event) = (self.data.decorations.event)(site, index) {
            ctx.insert_value("event", event);
        }
        let template = page
            .meta
            .template
            .clone()
            .or_else(|| site.sections[page.section].meta.page_template.clone())
            .unwrap_or_else(|| {
                // An event's own page where the theme has one; a theme without it shows
                // events as plain pages.
                if page.event.is_some() && self.has_template("event.html") {
                    "event.html".into()
                } else {
                    "page.html".into()
                }
            });
        self.render(&template, &ctx, Some(&page.file.display))
    }

    /// Renders a section (or home) with its template; `body_html` is its rendered Markdown
    /// (`section.content`).
    pub fn render_section(&self, site: &Site, index: usize, body_html: &str) -> Result<String> {
        let section = &site.sections[index];
        let mut ctx = self.base_context(site, &section.path, Some(index));
        ctx.insert("section", &self.data.section(index, body_html));
        if let Some(events) = (self.data.decorations.events)(site, index) {
            ctx.insert_value("events", events);
        }
        let default = if index == 0 {
            "index.html"
        } else {
            "section.html"
        };
        let template = section
            .meta
            .template
            .clone()
            .unwrap_or_else(|| default.into());
        self.render(&template, &ctx, Some(&section.file.display))
    }

    /// Renders a named template with a context; `origin` is the content file that asked for it.
    pub fn render(&self, template: &str, ctx: &Context, origin: Option<&Path>) -> Result<String> {
        if !self.tera.contains_template(template) {
            let names: Vec<&str> = self.tera.get_template_names().collect();
            let mut d = Diagnostic::error("template", format!("template `{template}` not found"))
                .with_hint(suggestion_hint(template, &names));
            if let Some(o) = origin {
                d = d.with_file(o);
            }
            return Err(d.into());
        }
        self.tera
            .render(template, ctx)
            .map_err(|e| template_error(&e, &self.files, origin))
    }

    /// A value with the summaries of `pages` added as `pages` (a term on its page).
    pub fn with_pages<T: Serialize>(&self, value: &T, pages: &[usize]) -> Value {
        Value::from_serializable(&WithPages {
            value,
            pages: self.data.summaries(pages),
        })
    }
}

/// Every template by name with the file it came from and its text: the theme's, then the
/// site's `templates/` overriding by name.
pub fn template_sources(site: &Site, theme: &Theme) -> Result<BTreeMap<String, (PathBuf, String)>> {
    let mut sources: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    for (name, bytes) in theme.folder("templates") {
        let display = theme.display_path(&format!("templates/{name}"));
        sources.insert(
            name.to_string(),
            (display, String::from_utf8_lossy(bytes).into_owned()),
        );
    }
    collect_templates(&site.root.join("templates"), &site.root, &mut sources)?;
    Ok(sources)
}

fn collect_templates(
    dir: &Path,
    root: &Path,
    into: &mut BTreeMap<String, (PathBuf, String)>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry
            .map_err(|e| Diagnostic::usage(format!("could not read {}: {e}", dir.display())))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_editor_temp(&name) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).expect("under dir");
        let key = crate::text::slash_path(rel);
        let text = std::fs::read_to_string(entry.path())
            .map_err(|e| Diagnostic::io(entry.path(), "read", &e))?;
        let display = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        into.insert(key, (display, text));
    }
    Ok(())
}

/// A tera error as a diagnostic pointing into the template file.
fn template_error(
    err: &tera::Error,
    files: &HashMap<String, (PathBuf, String)>,
    origin: Option<&Path>,
) -> Error {
    let mut d = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let known = files.get(report.filename());
            let file = known.map_or_else(|| PathBuf::from(report.filename()), |(p, _)| p.clone());
            let span = report.span();
            let source_line = known.and_then(|(_, text)| {
                text.lines()
                    .nth(span.start_line.saturating_sub(1))
                    .map(str::to_string)
            });
            let mut d =
                Diagnostic::error("template", format!("template error: {}", report.message()))
                    .with_file(file)
                    .at(span.start_line, span.start_col + 1);
            if let Some(line) = source_line {
                d = d.with_source_line(line);
            }
            d
        }
        other => Diagnostic::error("template", format!("template error: {other}")),
    };
    let mut hint = String::from("fix the template");
    if let Some(o) = origin {
        hint = format!("while rendering {}; fix the template", o.display());
    }
    if let Some(source) = std::error::Error::source(err) {
        hint.push_str(&format!(" ({source})"));
    }
    d = d.with_hint(hint);
    if d.file.is_none() {
        if let Some(o) = origin {
            d = d.with_file(o);
        }
    }
    d.into()
}

/// The site's settings as templates see them (`config`, in every template).
#[derive(Serialize)]
pub struct ConfigValue<'a> {
    /// Every setting of `config.toml` under its own key (`config.title`, `config.base_url`,
    /// `config.language`, `config.taxonomies`, `config.extra`, …).
    #[serde(flatten)]
    pub config: &'a crate::config::Config,
    /// The path part of `base_url`, with slashes on both ends (`/` at a domain's root).
    pub base_path: &'a str,
}

/// A page as templates see it in lists (`section.pages`, `term.pages`, `get_page`): everything
/// of [`PageValue`] but the body. Made per use and serialized straight into the template's
/// values.
#[derive(Serialize)]
pub struct PageSummary<'a> {
    /// The front matter's title.
    pub title: &'a str,
    /// The front matter's description.
    pub description: Option<&'a str>,
    /// Publication date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Date of the last substantial update, `YYYY-MM-DD`.
    pub updated: Option<String>,
    /// Root-relative address (with the base path).
    pub url: String,
    /// Absolute address.
    pub permalink: String,
    /// Site-relative path (`uutiset/avaus/`).
    pub path: &'a str,
    /// The last segment of the path.
    pub slug: &'a str,
    /// The HTML before `<!-- more -->`, if the page has the marker.
    pub summary: Option<&'a str>,
    /// Words in the body.
    pub word_count: usize,
    /// Minutes to read at 200 words a minute, at least 1.
    pub reading_time: usize,
    /// The front matter's weight (for ordering).
    pub weight: Option<i64>,
    /// The page's terms by taxonomy name, each a [`TermLink`] (`name`, `slug`, `url`). Made
    /// once per page (see `SiteData::page_terms`); tera copies it as is.
    pub taxonomies: Value,
    /// The front matter's `[extra]` table.
    pub extra: &'a serde_json::Map<String, Json>,
    /// The content file's path under `content/`.
    pub relative_path: &'a str,
}

/// A term a page has, with its page's address (in [`PageSummary::taxonomies`]).
#[derive(Serialize)]
pub struct TermLink<'a> {
    /// The term as the page spells it.
    pub name: &'a str,
    /// The term's slug.
    pub slug: String,
    /// Root-relative address of the term's page.
    pub url: String,
}

/// The link value of term `value` of taxonomy `name`.
fn term_link(site: &Site, name: &str, value: &str) -> Value {
    let slug = crate::text::slugify(value);
    let url = site.url(&format!("{name}/{slug}/"));
    Value::from_serializable(&TermLink {
        name: value,
        slug,
        url,
    })
}

/// The terms of page `index` by taxonomy, each made with `link(taxonomy, value)`.
fn page_terms(site: &Site, index: usize, link: impl Fn(&str, &str) -> Value) -> Value {
    let terms: BTreeMap<&str, Vec<Value>> = site.pages[index]
        .meta
        .taxonomies
        .iter()
        .map(|(name, values)| {
            (
                name.as_str(),
                values.iter().map(|v| link(name, v)).collect(),
            )
        })
        .collect();
    Value::from_serializable(&terms)
}

/// The summary of page `index`, its terms made afresh (a site the renderer does not hold).
fn page_summary(site: &Site, index: usize) -> PageSummary<'_> {
    let terms = page_terms(site, index, |name, value| term_link(site, name, value));
    summary_with_terms(site, index, terms)
}

/// The summary of page `index` with its `taxonomies` value.
fn summary_with_terms(site: &Site, index: usize, taxonomies: Value) -> PageSummary<'_> {
    let page = &site.pages[index];
    PageSummary {
        title: &page.title,
        description: page.meta.description.as_deref(),
        date: page.dates.date.map(|d| d.to_string()),
        updated: page.dates.updated.map(|d| d.to_string()),
        url: site.url(&page.path),
        permalink: site.permalink(&page.path),
        path: &page.path,
        slug: &page.slug,
        summary: page.content.summary.as_deref(),
        word_count: page.word_count,
        reading_time: page.word_count.div_ceil(200).max(1),
        weight: page.meta.weight,
        taxonomies,
        extra: &page.meta.extra,
        relative_path: &page.file.relative,
    }
}

/// A page as its own template sees it (`page`, in `page.html` or the page's template): the
/// summary and its body, table of contents, section, pager and organisation profile.
#[derive(Serialize)]
pub struct PageValue<'a> {
    /// Everything a list shows of the page ([`PageSummary`]'s fields, at the top level).
    #[serde(flatten)]
    pub summary: PageSummary<'a>,
    /// The body as HTML.
    pub content: &'a str,
    /// The body's headings, nested.
    pub toc: &'a [crate::markdown::TocEntry],
    /// The page's section as a [`Link`]. Made once per section (see
    /// `SiteData::section_link`); tera copies it as is.
    pub section: Value,
    /// The previous page in the section's order.
    pub lower: Option<Link<'a>>,
    /// The next page in the section's order.
    pub higher: Option<Link<'a>>,
    /// A directory profile's data (`generate::directory::OrganisationValue`); `null` on other
    /// pages.
    pub organisation: Option<Value>,
}

/// A page or section's title and addresses.
#[derive(Serialize)]
pub struct Link<'a> {
    /// Its title.
    pub title: &'a str,
    /// Root-relative address.
    pub url: String,
    /// Absolute address.
    pub permalink: String,
}

impl<'a> Link<'a> {
    fn new(site: &Site, title: &'a str, path: &str) -> Link<'a> {
        Link {
            title,
            url: site.url(path),
            permalink: site.permalink(path),
        }
    }
}

/// Something with a list of pages: a term value plus `pages` (`term` in
/// `taxonomy_single.html`).
#[derive(Serialize)]
pub struct WithPages<'a, T: Serialize> {
    /// The value's own fields, at the top level.
    #[serde(flatten)]
    pub value: &'a T,
    /// Summaries of the pages, in the list's order.
    pub pages: Vec<PageSummary<'a>>,
}

/// An item of the nav (`nav`, in every template): a top-level section.
#[derive(Serialize)]
pub struct NavItem<'a> {
    /// The section's link.
    #[serde(flatten)]
    pub link: Link<'a>,
    /// Whether the page being rendered is in this section.
    pub active: bool,
}

/// A breadcrumb (`breadcrumbs`, in every template): one section from home down to the page's
/// own section.
#[derive(Serialize)]
pub struct Crumb<'a> {
    /// The section's title.
    pub title: &'a str,
    /// Root-relative address.
    pub url: String,
}

/// A section as templates see it (`section` in `index.html`, `section.html` or the section's
/// template, and from `get_section`).
#[derive(Serialize)]
pub struct SectionValue<'a> {
    /// The front matter's title.
    pub title: &'a str,
    /// The front matter's description.
    pub description: Option<&'a str>,
    /// The section's date, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Date of the last substantial update, `YYYY-MM-DD`.
    pub updated: Option<String>,
    /// The body as HTML.
    pub content: &'a str,
    /// The body's headings, nested.
    pub toc: &'a [crate::markdown::TocEntry],
    /// Root-relative address (with the base path).
    pub url: String,
    /// Absolute address.
    pub permalink: String,
    /// Site-relative path (`uutiset/`; empty for home).
    pub path: &'a str,
    /// Sections directly below, in order.
    pub subsections: Vec<SubsectionValue<'a>>,
    /// The front matter's `[extra]` table.
    pub extra: &'a serde_json::Map<String, Json>,
    /// The front matter's `[[tasks]]` (title, link, description).
    pub tasks: &'a [crate::content::frontmatter::Task],
    /// Whether the section has an Atom feed.
    pub generate_feed: bool,
    /// Root-relative address of the feed, when it has one.
    pub feed_url: Option<String>,
    /// The content file's path under `content/`.
    pub relative_path: &'a str,
    /// True for the home section.
    pub is_home: bool,
    /// The directory section only: the directory's data
    /// (`generate::directory::DirectoryValue`); absent elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<Value>,
    /// Summaries of the section's pages, in the section's order.
    pub pages: Vec<PageSummary<'a>>,
}

/// A subsection in [`SectionValue::subsections`].
#[derive(Serialize)]
pub struct SubsectionValue<'a> {
    /// The subsection's link.
    #[serde(flatten)]
    pub link: Link<'a>,
    /// The front matter's description.
    pub description: Option<&'a str>,
    /// How many pages it has (not counting its own subsections').
    pub pages_count: usize,
}

fn page_value<'a>(
    site: &'a Site,
    index: usize,
    summary: PageSummary<'a>,
    section: Value,
    body_html: &'a str,
    organisation: Option<Value>,
) -> PageValue<'a> {
    let page = &site.pages[index];
    let neighbour =
        |i: Option<usize>| i.map(|i| Link::new(site, &site.pages[i].title, &site.pages[i].path));
    PageValue {
        summary,
        content: body_html,
        toc: &page.content.toc,
        section,
        lower: neighbour(page.lower),
        higher: neighbour(page.higher),
        organisation,
    }
}

/// The link to a section that its pages' values hold.
fn section_link(site: &Site, index: usize) -> Value {
    let s = &site.sections[index];
    Value::from_serializable(&Link::new(site, &s.title, &s.path))
}

/// The top-level section `section` is in (the home section for itself).
fn top_section(site: &Site, section: usize) -> usize {
    let (mut current, mut below) = (section, None);
    while let Some(parent) = site.sections[current].parent {
        below = Some(current);
        current = parent;
    }
    below.unwrap_or(0)
}

/// Whether `section` or one of its ancestors has the site path `path`.
fn chain_has_path(site: &Site, section: usize, path: &str) -> bool {
    let mut current = Some(section);
    while let Some(s) = current {
        if site.sections[s].path == path {
            return true;
        }
        current = site.sections[s].parent;
    }
    false
}

/// The nav as templates see it, with the item of section `top` active.
fn nav_value(site: &Site, nav: &[usize], top: Option<usize>) -> Value {
    let items: Vec<NavItem> = nav
        .iter()
        .map(|&i| NavItem {
            link: Link::new(site, &site.sections[i].title, &site.sections[i].path),
            active: Some(i) == top,
        })
        .collect();
    Value::from_serializable(&items)
}

/// Breadcrumbs from home down to `section`, without the one at `path` (the page itself).
fn crumbs_value(site: &Site, section: usize, path: &str) -> Value {
    let mut chain = site.ancestors(section);
    chain.push(section);
    let crumbs: Vec<Crumb> = chain
        .into_iter()
        .filter(|&s| site.sections[s].path != path)
        .map(|s| Crumb {
            title: &site.sections[s].title,
            url: site.url(&site.sections[s].path),
        })
        .collect();
    Value::from_serializable(&crumbs)
}

/// Section `index` with `body_html` as its content, `directory` its decoration and `pages`
/// its pages' summaries.
fn section_value<'a>(
    site: &'a Site,
    index: usize,
    body_html: &'a str,
    directory: Option<Value>,
    pages: Vec<PageSummary<'a>>,
) -> SectionValue<'a> {
    let s: &Section = &site.sections[index];
    let subsections = s
        .subsections
        .iter()
        .map(|&c| {
            let sub = &site.sections[c];
            SubsectionValue {
                link: Link::new(site, &sub.title, &sub.path),
                description: sub.meta.description.as_deref(),
                pages_count: sub.pages.len(),
            }
        })
        .collect();
    SectionValue {
        title: &s.title,
        description: s.meta.description.as_deref(),
        date: s.dates.date.map(|d| d.to_string()),
        updated: s.dates.updated.map(|d| d.to_string()),
        content: body_html,
        toc: &s.content.toc,
        url: site.url(&s.path),
        permalink: site.permalink(&s.path),
        path: &s.path,
        subsections,
        extra: &s.meta.extra,
        tasks: &s.meta.tasks,
        generate_feed: s.meta.generate_feed,
        feed_url: s
            .meta
            .generate_feed
            .then(|| site.url(&format!("{}atom.xml", s.path))),
        relative_path: &s.file.relative,
        is_home: index == 0,
        directory,
        pages,
    }
}

impl SiteData {
    fn new(site: Arc<Site>, decorations: Decorations) -> SiteData {
        let nav = site.nav_sections();
        SiteData {
            decorations,
            nav_inactive: OnceLock::new(),
            nav_active: nav.iter().map(|_| OnceLock::new()).collect(),
            crumbs: (0..site.sections.len()).map(|_| OnceLock::new()).collect(),
            section_links: (0..site.sections.len()).map(|_| OnceLock::new()).collect(),
            page_terms: (0..site.pages.len()).map(|_| OnceLock::new()).collect(),
            term_links: OnceLock::new(),
            looked_up: (0..site.sections.len()).map(|_| OnceLock::new()).collect(),
            section_decorations: (0..site.sections.len()).map(|_| OnceLock::new()).collect(),
            site,
            nav,
        }
    }

    /// The nav with `top` (a section index) active.
    fn nav_value(&self, top: Option<usize>) -> Value {
        match self.nav.iter().position(|&i| Some(i) == top) {
            Some(p) => self.nav_active[p].get_or_init(|| nav_value(&self.site, &self.nav, top)),
            None => self
                .nav_inactive
                .get_or_init(|| nav_value(&self.site, &self.nav, None)),
        }
        .clone()
    }

    /// The link to section `index` (a reference-counted copy).
    fn section_link(&self, index: usize) -> Value {
        self.section_links[index]
            .get_or_init(|| section_link(&self.site, index))
            .clone()
    }

    /// Section `index` with `body_html` as its content and the summaries of its pages.
    fn section(&self, index: usize, body_html: &str) -> Value {
        let directory = self.section_decorations[index]
            .get_or_init(|| (self.decorations.section)(&self.site, index))
            .clone();
        let pages = self.summaries(&self.site.sections[index].pages);
        Value::from_serializable(&section_value(
            &self.site, index, body_html, directory, pages,
        ))
    }

    /// The summary of page `index`, with its terms made once.
    fn summary(&self, index: usize) -> PageSummary<'_> {
        let terms = self.page_terms[index]
            .get_or_init(|| {
                page_terms(&self.site, index, |name, value| self.term_link(name, value))
            })
            .clone();
        summary_with_terms(&self.site, index, terms)
    }

    /// Summaries of a list of pages.
    fn summaries(&self, list: &[usize]) -> Vec<PageSummary<'_>> {
        list.iter().map(|&p| self.summary(p)).collect()
    }

    /// The link value of term `value` of taxonomy `name`: the shared one when the page spells
    /// the term as its name is, else one of its own.
    fn term_link(&self, name: &str, value: &str) -> Value {
        let taxonomies = self.term_links.get_or_init(|| {
            self.site
                .taxonomies
                .iter()
                .map(|t| TermLinks {
                    name: t.name.clone(),
                    by_slug: t
                        .terms
                        .iter()
                        .enumerate()
                        .map(|(k, term)| (term.slug.clone(), k))
                        .collect(),
                    links: t.terms.iter().map(|_| OnceLock::new()).collect(),
                })
                .collect()
        });
        let Some((t, links)) = taxonomies.iter().enumerate().find(|(_, l)| l.name == name) else {
            return term_link(&self.site, name, value);
        };
        let slug = crate::text::slugify(value);
        match links.by_slug.get(&slug) {
            Some(&k) if self.site.taxonomies[t].terms[k].name == value => links.links[k]
                .get_or_init(|| term_link(&self.site, name, value))
                .clone(),
            _ => term_link(&self.site, name, value),
        }
    }

    /// The URL (or absolute URL) of a page or section.
    fn url_of(&self, item: Item, absolute: bool) -> String {
        let path = self.site.path_of(item);
        if absolute {
            self.site.permalink(path)
        } else {
            self.site.url(path)
        }
    }
}

/// The plural form (CLDR category) of `count` in `language`, naming the UI string variant
/// `<key>_<category>`. Finnish, Swedish and English (and most European languages) have two:
/// "one" for exactly 1, "other" for everything else, 0 too. Languages without plural
/// inflection always use "other"; a language with more forms would add its rule here.
fn plural_category(language: &str, count: i64) -> &'static str {
    match language.split(['-', '_']).next().unwrap_or(language) {
        "ja" | "ko" | "zh" | "th" | "vi" => "other",
        _ if count == 1 => "one",
        _ => "other",
    }
}

fn register(tera: &mut Tera, data: Arc<SiteData>, translations: Translations, css_url: &str) {
    let today = data.site.today.to_string();
    let css = css_url.to_string();
    let language = data.site.config.language.clone();

    let d = data.clone();
    tera.register_function(
        "get_url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            let absolute: bool = kwargs.get("absolute")?.unwrap_or(false);
            let config = &d.site.config;
            let prefix = if absolute {
                &config.base_url
            } else {
                config.base_path()
            };
            if let Some(target) = path.strip_prefix("@/") {
                let (file, anchor) = target
                    .split_once('#')
                    .map_or((target, None), |(f, a)| (f, Some(a)));
                let item = d.site.get(file).ok_or_else(|| {
                    tera::Error::message(format!("get_url: no content file `{file}`"))
                })?;
                let url = d.url_of(item, absolute);
                return Ok(anchor.map_or(url.clone(), |a| format!("{url}#{a}")));
            }
            if path.starts_with("http://") || path.starts_with("https://") {
                return Ok(path.to_string());
            }
            if path.trim_start_matches('/') == "style.css" {
                let css_path = css.strip_prefix(config.base_path()).unwrap_or(&css);
                return Ok(format!("{prefix}{css_path}"));
            }
            Ok(format!("{prefix}{}", path.trim_start_matches('/')))
        },
    );

    let d = data.clone();
    tera.register_function("get_page", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let path: String = kwargs.must_get("path")?;
        match d.site.get(&path) {
            Some(Item::Page(i)) => Ok(Value::from_serializable(&d.summary(i))),
            _ => Err(tera::Error::message(format!("get_page: no page `{path}` (give the path under content/, e.g. uutiset/avaus.md)"))),
        }
    });

    let d = data;
    tera.register_function("get_section", move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
        let path: String = kwargs.must_get("path")?;
        match d.site.get(&path) {
            Some(Item::Section(i)) => Ok(d.looked_up[i].get_or_init(|| d.section(i, &d.site.bodies().html(Item::Section(i)))).clone()),
            _ => Err(tera::Error::message(format!("get_section: no section `{path}` (give the path under content/, e.g. uutiset/_index.md)"))),
        }
    });

    // Each page calls `trans` a dozen times: the strings are tera values made once, and the
    // key is borrowed, so a call allocates nothing (a call with a count makes its string).
    let strings: BTreeMap<String, Value> = translations
        .into_iter()
        .map(|(k, v)| (k, Value::from(v)))
        .collect();
    tera.register_function(
        "trans",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let key: &str = kwargs.must_get("key")?;
            let missing = |wanted: &str| {
                let keys: Vec<&str> = strings.keys().map(String::as_str).collect();
                tera::Error::message(format!(
                    "trans: no UI string `{wanted}`; {}",
                    suggestion_hint(wanted, &keys)
                ))
            };
            // `count=n` picks the plural form `<key>_one` or `<key>_other` by the site
            // language's rule and puts n in place of `{n}`.
            if let Some(count) = kwargs.get::<i64>("count")? {
                let form = format!("{key}_{}", plural_category(&language, count));
                let text = strings
                    .get(&form)
                    .or_else(|| strings.get(&format!("{key}_other")))
                    .and_then(Value::as_str)
                    .ok_or_else(|| missing(&form))?;
                return Ok(Value::from(text.replace("{n}", &count.to_string())));
            }
            strings.get(key).cloned().ok_or_else(|| missing(key))
        },
    );

    tera.register_function("now", move |_: Kwargs, _: &State| -> String {
        today.clone()
    });

    tera.register_filter(
        "date",
        |value: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let format: String = kwargs
                .get("format")?
                .unwrap_or_else(|| "%-d.%-m.%Y".to_string());
            let date =
                chrono::NaiveDate::parse_from_str(value.get(..10).unwrap_or(value), "%Y-%m-%d")
                    .map_err(|_| {
                        tera::Error::message(format!("date: `{value}` is not a YYYY-MM-DD date"))
                    })?;
            Ok(date.format(&format).to_string())
        },
    );

    tera.register_filter(
        "json_encode",
        |value: Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            let json = serde_json::to_string(&value)
                .map_err(|e| tera::Error::message(format!("json_encode: {e}")))?;
            // Safe inside <script type="application/ld+json">: no `</script>` can close the element.
            Ok(json
                .replace('<', "\\u003c")
                .replace('>', "\\u003e")
                .replace('&', "\\u0026"))
        },
    );

    tera.register_filter("urlencode", |value: &str, _: Kwargs, _: &State| -> String {
        let mut out = String::new();
        for b in value.bytes() {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    });
}

#[cfg(test)]
mod tests {
    use super::plural_category;

    #[test]
    fn plural_forms_follow_the_language() {
        for lang in ["fi", "sv", "en", "en-GB", "fi_FI"] {
            assert_eq!(plural_category(lang, 1), "one", "{lang}");
            for n in [0, 2, 5, 11, 21, 101] {
                assert_eq!(plural_category(lang, n), "other", "{lang} {n}");
            }
        }
        assert_eq!(plural_category("ja", 1), "other");
    }
}
