//! Walks `content/`, parses every file and assembles the [`Site`].

use super::frontmatter::{self, Dates, FrontMatter};
use super::{Asset, Item, Page, Section, Site, SourceFile, Taxonomy, Term};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, Result, Severity, suggestion_hint};
use crate::markdown::{self, BodySource, LinkResolver, MarkdownOptions, Rendered};
use crate::text::{finnish_cmp, finnish_key, finnish_key_cmp, slugify};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages and sections marked `draft = true`.
    pub drafts: bool,
}

/// A parsed file before it knows its place in the site.
pub(super) struct Parsed {
    pub(super) file: SourceFile,
    pub(super) meta: FrontMatter,
    pub(super) dates: Dates,
    pub(super) is_section: bool,
    /// Directory under content/, `/`-separated, `""` for the top.
    pub(super) dir: String,
}

/// Files an editor leaves behind while saving; never content.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Loads the site under `root` with its (already read) config.
pub fn load(root: &Path, config: Config, options: &LoadOptions) -> Result<Site> {
    let (mut site, problems) = load_collecting(root, config, options)?;
    let (errors, warnings): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|d| d.severity == Severity::Error);
    if !errors.is_empty() {
        return Err(Error::new(errors));
    }
    site.warnings = warnings;
    Ok(site)
}

/// Like [`load`], but goes on past content errors: returns what could be loaded together with
/// every error and warning, so `kumppani check` can report all problems of a site in one run.
/// Only a missing or unreadable `content/` folder stops it.
pub fn load_collecting(
    root: &Path,
    config: Config,
    options: &LoadOptions,
) -> Result<(Site, Vec<Diagnostic>)> {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        return Err(Diagnostic::usage(format!("no content/ folder in {}", root.display()))
            .with_hint("create content/_index.md for the home page, or start a new site with `kumppani init DIR`")
            .into());
    }
    let (markdown_files, assets, mut problems) = walk(&content_dir)?;
    let parsed: Vec<std::result::Result<Parsed, Vec<Diagnostic>>> = markdown_files
        .par_iter()
        .map(|(abs, rel)| parse_file(abs, rel))
        .collect();
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    let mut drafts = Vec::new();
    for (p, (_, rel)) in parsed.into_iter().zip(&markdown_files) {
        match p {
            Ok(p) if p.meta.draft && !options.drafts => drafts.push(p.file.relative),
            Ok(p) => files.push(p),
            Err(errs) => {
                problems.extend(errs);
                unreadable.push(rel.clone());
            }
        }
    }
    // Drafts hide their whole section.
    let draft_dirs: Vec<String> = if options.drafts {
        vec![]
    } else {
        markdown_files
            .iter()
            .filter(|(_, rel)| rel.ends_with("_index.md"))
            .filter(|(_, rel)| !files.iter().any(|f| &f.file.relative == rel))
            .map(|(_, rel)| rel.trim_end_matches("_index.md").to_string())
            .collect()
    };
    files.retain(|f| {
        !draft_dirs
            .iter()
            .any(|d| !d.is_empty() && f.file.relative.starts_with(d.as_str()))
    });

    let mut site = assemble(root, config, files, &mut problems);
    site.assets = assets;
    render_markdown(&mut site, &unreadable, &drafts, &mut problems);
    check_anchors(&site, &mut problems);
    order(&mut site);
    build_taxonomies(&mut site, &mut problems);
    crate::organisations::attach(&mut site, &mut problems);
    Ok((site, problems))
}

type Walked = (Vec<(PathBuf, String)>, Vec<Asset>, Vec<Diagnostic>);

fn walk(content_dir: &Path) -> Result<Walked> {
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let problems = Vec::new();
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_editor_temp(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|err| {
            let path = err.path().unwrap_or(content_dir).to_path_buf();
            Diagnostic::usage(format!("could not read {}: {err}", path.display()))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel_path = entry
            .path()
            .strip_prefix(content_dir)
            .expect("walk stays under content/");
        let rel = rel_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if rel.ends_with(".md") {
            markdown.push((entry.path().to_path_buf(), rel));
        } else {
            assets.push(Asset {
                source: entry.path().to_path_buf(),
                relative: rel,
            });
        }
    }
    Ok((markdown, assets, problems))
}

pub(super) fn parse_file(abs: &Path, rel: &str) -> std::result::Result<Parsed, Vec<Diagnostic>> {
    let display = PathBuf::from("content").join(rel);
    let source = std::fs::read_to_string(abs).map_err(|err| {
        if err.kind() == std::io::ErrorKind::InvalidData {
            vec![
                Diagnostic::error("encoding", "the file is not valid UTF-8 text")
                    .with_file(&display)
                    .with_hint("save the file as UTF-8 in your editor"),
            ]
        } else {
            vec![Diagnostic::io(&display, "read", &err)]
        }
    })?;
    let is_section = rel == "_index.md" || rel.ends_with("/_index.md");
    let split = frontmatter::split(&source, &display).map_err(|d| vec![d])?;
    let (meta, dates) = frontmatter::parse(&split, &display, &source, is_section)?;
    let (front_matter_offset, body_offset) = (split.front_matter_offset, split.body_offset);
    let dir = rel
        .rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string());
    Ok(Parsed {
        file: SourceFile {
            relative: rel.to_string(),
            display,
            source,
            body_offset,
            front_matter_offset,
        },
        meta,
        dates,
        is_section,
        dir,
    })
}

/// Places sections and pages in the tree and gives them URLs.
fn assemble(
    root: &Path,
    config: Config,
    files: Vec<Parsed>,
    problems: &mut Vec<Diagnostic>,
) -> Site {
    let (section_files, page_files): (Vec<_>, Vec<_>) =
        files.into_iter().partition(|f| f.is_section);
    let mut sections: Vec<Section> = Vec::new();
    let mut dir_to_section: HashMap<String, usize> = HashMap::new();
    let home_file = section_files.iter().position(|f| f.dir.is_empty());
    let mut section_files: Vec<Option<Parsed>> = section_files.into_iter().map(Some).collect();
    let home = match home_file {
        Some(i) => section_files[i].take().expect("home taken once"),
        None => Parsed {
            file: SourceFile {
                relative: "_index.md".into(),
                display: "content/_index.md".into(),
                ..Default::default()
            },
            meta: FrontMatter {
                title: Some(config.title.clone()),
                ..Default::default()
            },
            dates: Dates::default(),
            is_section: true,
            dir: String::new(),
        },
    };
    sections.push(new_section(home, String::new(), None));
    dir_to_section.insert(String::new(), 0);
    // Parents before children: sort by depth.
    let mut rest: Vec<Parsed> = section_files.into_iter().flatten().collect();
    rest.sort_by_key(|f| (f.dir.matches('/').count(), f.dir.clone()));
    for f in rest {
        let parent = nearest_section(&f.dir, &dir_to_section, true);
        let segment = f
            .meta
            .slug
            .clone()
            .unwrap_or_else(|| slugify(f.dir.rsplit('/').next().unwrap_or("")));
        let path = format!(
            "{}{}/",
            dir_path(&f.dir, true, &dir_to_section, &sections),
            segment
        );
        let dir = f.dir.clone();
        let index = sections.len();
        sections.push(new_section(f, path, Some(parent)));
        sections[parent].subsections.push(index);
        dir_to_section.insert(dir, index);
    }
    let mut pages = Vec::new();
    for f in page_files {
        let section = nearest_section(&f.dir, &dir_to_section, false);
        let slug = page_slug(&f);
        let path = format!(
            "{}{}/",
            dir_path(&f.dir, false, &dir_to_section, &sections),
            slug
        );
        let index = pages.len();
        sections[section].pages.push(index);
        pages.push(Page {
            title: f.meta.title.clone().unwrap_or_default(),
            file: f.file,
            meta: f.meta,
            dates: f.dates,
            slug,
            path,
            section,
            content: Default::default(),
            word_count: 0,
            lower: None,
            higher: None,
            organisation: None,
        });
    }
    let mut by_file = HashMap::new();
    let mut by_path: HashMap<String, PathBuf> = HashMap::new();
    let mut claim = |path: &str, display: &PathBuf, problems: &mut Vec<Diagnostic>| {
        if let Some(other) = by_path.get(path) {
            problems.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!(
                        "two files would be published at /{path}: this one and {}",
                        other.display()
                    ),
                )
                .with_file(display)
                .with_hint("give one of them a different `slug` in its front matter"),
            );
        } else {
            by_path.insert(path.to_string(), display.clone());
        }
    };
    for (i, s) in sections.iter().enumerate() {
        by_file.insert(s.file.relative.clone(), Item::Section(i));
        claim(&s.path, &s.file.display, problems);
    }
    for (i, p) in pages.iter().enumerate() {
        by_file.insert(p.file.relative.clone(), Item::Page(i));
        claim(&p.path, &p.file.display, problems);
    }
    Site {
        config,
        root: root.to_path_buf(),
        pages,
        sections,
        taxonomies: Vec::new(),
        by_file,
        assets: Vec::new(),
        warnings: Vec::new(),
    }
}

/// The last URL segment of a page: its `slug`, or its file name, folded.
pub(super) fn page_slug(f: &Parsed) -> String {
    let stem = f
        .file
        .relative
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".md");
    f.meta
        .slug
        .as_deref()
        .map_or_else(|| slugify(stem), slugify)
}

fn new_section(f: Parsed, path: String, parent: Option<usize>) -> Section {
    Section {
        title: f.meta.title.clone().unwrap_or_default(),
        file: f.file,
        meta: f.meta,
        dates: f.dates,
        path,
        parent,
        pages: Vec::new(),
        subsections: Vec::new(),
        content: Default::default(),
    }
}

/// The section that owns a directory: the directory's own one (for pages) or the closest ancestor.
fn nearest_section(dir: &str, map: &HashMap<String, usize>, strictly_above: bool) -> usize {
    let mut d = dir.to_string();
    if strictly_above {
        d = d
            .rsplit_once('/')
            .map_or(String::new(), |(p, _)| p.to_string());
    }
    loop {
        if let Some(&i) = map.get(&d) {
            return i;
        }
        match d.rsplit_once('/') {
            Some((p, _)) => d = p.to_string(),
            None if !d.is_empty() => d.clear(),
            None => return 0,
        }
    }
}

/// URL path of a directory: its section's path, or its parent's path plus its folded name.
fn dir_path(
    dir: &str,
    parent_only: bool,
    map: &HashMap<String, usize>,
    sections: &[Section],
) -> String {
    let target = if parent_only {
        dir.rsplit_once('/').map_or("", |(p, _)| p)
    } else {
        dir
    };
    if target.is_empty() {
        return String::new();
    }
    if let Some(&i) = map.get(target) {
        return sections[i].path.clone();
    }
    let (parent, name) = target.rsplit_once('/').unwrap_or(("", target));
    let mut base = dir_path(parent, false, map, sections);
    base.push_str(&slugify(name));
    base.push('/');
    base
}

struct Resolver<'a> {
    site: &'a Site,
    /// Files that failed to parse: links to them resolve to `#` (their error is reported).
    unreadable: HashSet<&'a str>,
    drafts: HashSet<&'a str>,
    /// The site's folder, for reading image dimensions.
    root: &'a Path,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, content_path: &str) -> Option<String> {
        if self.unreadable.contains(content_path) {
            return Some("#".to_string());
        }
        let path = match self.site.by_file.get(content_path)? {
            Item::Page(i) => &self.site.pages[*i].path,
            Item::Section(i) => &self.site.sections[*i].path,
        };
        Some(self.site.url(path))
    }

    fn why_missing(&self, content_path: &str) -> Option<String> {
        self.drafts
            .contains(content_path)
            .then(|| "a draft that is not published".to_string())
    }

    fn image_size(&self, src: &str, from: &Path) -> Option<(usize, usize)> {
        markdown::local_image_size(self.root, src, from)
    }
}

/// Renders Markdown bodies of one site: the options, the `@/` link targets and which files are
/// trusted with raw HTML.
pub(super) struct BodyRenderer<'a> {
    options: MarkdownOptions,
    untrusted_prefix: Option<String>,
    resolver: Resolver<'a>,
}

impl<'a> BodyRenderer<'a> {
    /// `unreadable` files failed to parse: links to them are not reported again as broken.
    /// `drafts` were left out: links to them say so.
    pub(super) fn new(site: &'a Site, unreadable: &'a [String], drafts: &'a [String]) -> Self {
        let options = MarkdownOptions {
            smart_punctuation: site.config.markdown.smart_punctuation,
            finnish_quotes: site.config.language.starts_with("fi"),
            external_links_class: site.config.markdown.external_links_class.clone(),
            external_links_rel: site.config.markdown.external_links_rel.clone(),
            base_path: site.config.base_path().to_string(),
        };
        let untrusted_prefix = site
            .config
            .organisations
            .as_ref()
            .map(|o| format!("{}/", o.section.trim_matches('/')));
        BodyRenderer {
            options,
            untrusted_prefix,
            resolver: Resolver {
                site,
                unreadable: unreadable.iter().map(String::as_str).collect(),
                drafts: drafts.iter().map(String::as_str).collect(),
                root: &site.root,
            },
        }
    }

    /// The rendered body of one file.
    pub(super) fn render(&self, file: &SourceFile) -> Rendered {
        // Organisation profiles may one day come from the associations themselves: no raw HTML.
        let trusted = self
            .untrusted_prefix
            .as_deref()
            .is_none_or(|p| !file.relative.starts_with(p) || file.relative.ends_with("/_index.md"));
        let at = BodySource {
            file: &file.display,
            source: &file.source,
            body_offset: file.body_offset,
            trusted,
        };
        markdown::render(
            &file.source[file.body_offset..],
            &at,
            &self.options,
            &self.resolver,
        )
    }
}

/// Renders every body in parallel, resolving `@/` links.
fn render_markdown(
    site: &mut Site,
    unreadable: &[String],
    drafts: &[String],
    problems: &mut Vec<Diagnostic>,
) {
    let (page_results, section_results): (Vec<_>, Vec<_>) = {
        let bodies = BodyRenderer::new(site, unreadable, drafts);
        (
            site.pages
                .par_iter()
                .map(|p| bodies.render(&p.file))
                .collect(),
            site.sections
                .par_iter()
                .map(|s| bodies.render(&s.file))
                .collect(),
        )
    };
    for (page, mut rendered) in site.pages.iter_mut().zip(page_results) {
        problems.append(&mut rendered.problems);
        page.word_count = word_count(&rendered);
        page.content = rendered;
    }
    for (section, mut rendered) in site.sections.iter_mut().zip(section_results) {
        problems.append(&mut rendered.problems);
        section.content = rendered;
    }
}

/// Words in a rendered body.
pub(super) fn word_count(rendered: &Rendered) -> usize {
    rendered.plain_text.split_whitespace().count()
}

fn check_anchors(site: &Site, problems: &mut Vec<Diagnostic>) {
    let files = site
        .pages
        .iter()
        .map(|p| (&p.file, &p.content))
        .chain(site.sections.iter().map(|s| (&s.file, &s.content)));
    for (file, content) in files {
        check_anchors_of(site, file, content, |_| true, problems);
    }
}

/// Checks the `@/page#anchor` links of one file whose target passes `wanted`.
pub(super) fn check_anchors_of(
    site: &Site,
    file: &SourceFile,
    content: &Rendered,
    wanted: impl Fn(&str) -> bool,
    problems: &mut Vec<Diagnostic>,
) {
    let ids_of = |item: Item| -> HashSet<&str> {
        let content = match item {
            Item::Page(i) => &site.pages[i].content,
            Item::Section(i) => &site.sections[i].content,
        };
        content.headings.iter().map(|h| h.id.as_str()).collect()
    };
    for r in content.anchor_refs.iter().filter(|r| wanted(&r.target)) {
        let Some(item) = site.get(&r.target) else {
            continue;
        };
        let ids = ids_of(item);
        if !ids.contains(r.anchor.as_str()) {
            let mut known: Vec<&str> = ids.into_iter().collect();
            known.sort_unstable();
            let hint = if known.is_empty() {
                format!(
                    "`{}` has no headings; link to the page without `#{}`",
                    r.target, r.anchor
                )
            } else {
                format!(
                    "headings of `{}`: {}",
                    r.target,
                    suggestion_hint(&r.anchor, &known)
                )
            };
            problems.push(
                Diagnostic::error(
                    "broken-anchor",
                    format!(
                        "link to a missing heading `#{}` in `@/{}`",
                        r.anchor, r.target
                    ),
                )
                .with_file(&file.display)
                .at_offset(&file.source, r.offset)
                .with_hint(hint),
            );
        }
    }
}

/// Finnish collation keys of every page title, computed once for the sorts below.
fn title_keys(pages: &[Page]) -> Vec<Vec<(u32, u32)>> {
    pages.par_iter().map(|p| finnish_key(&p.title)).collect()
}

/// Title keys of only the listed pages (the others stay empty): what re-sorting one section or
/// term after an edit needs.
pub(super) fn title_keys_of(pages: &[Page], list: &[usize]) -> Vec<Vec<(u32, u32)>> {
    let mut keys = vec![Vec::new(); pages.len()];
    for &p in list {
        keys[p] = finnish_key(&pages[p].title);
    }
    keys
}

/// A section's display order: weight first (pages without one last), then newest date, then
/// Finnish alphabetical title (`keys` precomputed: comparing titles normalises and
/// allocates), then path.
pub(super) fn sort_section_pages(pages: &[Page], keys: &[Vec<(u32, u32)>], list: &mut [usize]) {
    let weight = |p: &Page| p.meta.weight.unwrap_or(i64::MAX);
    list.sort_by(|&a, &b| {
        let (pa, pb) = (&pages[a], &pages[b]);
        weight(pa)
            .cmp(&weight(pb))
            .then_with(|| pb.dates.date.cmp(&pa.dates.date))
            .then_with(|| finnish_key_cmp((&keys[a], &pa.title), (&keys[b], &pb.title)))
            .then_with(|| pa.path.cmp(&pb.path))
    });
}

/// A term's order: newest first, then Finnish alphabetical title.
pub(super) fn sort_term_pages(pages: &[Page], keys: &[Vec<(u32, u32)>], list: &mut [usize]) {
    list.sort_by(|&a, &b| {
        pages[b]
            .dates
            .date
            .cmp(&pages[a].dates.date)
            .then_with(|| finnish_key_cmp((&keys[a], &pages[a].title), (&keys[b], &pages[b].title)))
    });
}

/// Sets the pager links (`lower`, `higher`) of a section's pages from its order.
pub(super) fn link_neighbours(site: &mut Site, section: usize) {
    let list = std::mem::take(&mut site.sections[section].pages);
    for (n, &p) in list.iter().enumerate() {
        site.pages[p].lower = n.checked_sub(1).map(|m| list[m]);
        site.pages[p].higher = list.get(n + 1).copied();
    }
    site.sections[section].pages = list;
}

fn order(site: &mut Site) {
    let keys = title_keys(&site.pages);
    for s in &mut site.sections {
        sort_section_pages(&site.pages, &keys, &mut s.pages);
    }
    let snapshot: Vec<(i64, String)> = site
        .sections
        .iter()
        .map(|s| (s.meta.weight.unwrap_or(i64::MAX), s.title.clone()))
        .collect();
    for s in &mut site.sections {
        s.subsections.sort_by(|&a, &b| {
            snapshot[a]
                .0
                .cmp(&snapshot[b].0)
                .then_with(|| finnish_cmp(&snapshot[a].1, &snapshot[b].1))
        });
    }
    for s in 0..site.sections.len() {
        link_neighbours(site, s);
    }
}

fn build_taxonomies(site: &mut Site, problems: &mut Vec<Diagnostic>) {
    let configured = site.config.taxonomy_names();
    let mut terms: BTreeMap<(String, String), (String, Vec<usize>)> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        for (taxonomy, values) in &page.meta.taxonomies {
            if !configured.contains(&taxonomy.as_str()) {
                let offset = page.file.front_matter_offset
                    + crate::config::key_offset(
                        &page.file.source[page.file.front_matter_offset..],
                        taxonomy,
                    );
                let hint = if configured.is_empty() {
                    format!("add `taxonomies = [{{ name = \"{taxonomy}\" }}]` to config.toml")
                } else {
                    suggestion_hint(taxonomy, &configured)
                };
                problems.push(
                    Diagnostic::error(
                        "unknown-taxonomy",
                        format!("taxonomy `{taxonomy}` is not configured"),
                    )
                    .with_file(&page.file.display)
                    .at_offset(&page.file.source, offset)
                    .with_hint(hint),
                );
                continue;
            }
            for value in values {
                let slug = slugify(value);
                let entry = terms
                    .entry((taxonomy.clone(), slug))
                    .or_insert_with(|| (value.clone(), Vec::new()));
                // Pages come in index order, so a repeat of this page can only be the last one.
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                }
            }
        }
    }
    let pages = &site.pages;
    let keys = title_keys(pages);
    site.taxonomies = configured
        .iter()
        .map(|name| {
            let mut list: Vec<Term> = terms
                .iter()
                .filter(|((t, _), _)| t == name)
                .map(|((_, slug), (display, ids))| {
                    let mut ids = ids.clone();
                    sort_term_pages(pages, &keys, &mut ids);
                    Term {
                        name: display.clone(),
                        slug: slug.clone(),
                        pages: ids,
                    }
                })
                .collect();
            list.sort_by(|a, b| finnish_cmp(&a.name, &b.name));
            Taxonomy {
                name: name.to_string(),
                terms: list,
            }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_temp_files_are_recognised() {
        for name in [".foo.md.swp", "foo.md~", "4913", ".#foo.md", "#foo.md#"] {
            assert!(is_editor_temp(name), "{name}");
        }
        assert!(!is_editor_temp("foo.md"));
    }
}
