//! Walks `content/`, parses every file and assembles the [`Site`].

use super::frontmatter::{self, Dates, FrontMatter};
use super::{Asset, Item, Page, Section, Site, SourceFile, Taxonomy, Term};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Error, Result, Severity, suggestion_hint};
use crate::markdown::{self, Body, BodySource, LinkResolver, MarkdownOptions, Rendered, Want};
use crate::text::{finnish_cmp, finnish_key, finnish_key_cmp, slugify};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Choices that change what is loaded.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Include pages and sections marked `draft = true`.
    pub drafts: bool,
    /// The date the site is built as of (see [`crate::clock::today`]).
    pub today: chrono::NaiveDate,
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
        let loaded: HashSet<&str> = files
            .iter()
            .map(|f| f.file.relative.as_str())
            .filter(|rel| rel.ends_with("_index.md"))
            .collect();
        markdown_files
            .iter()
            .filter(|(_, rel)| rel.ends_with("_index.md") && !loaded.contains(rel.as_str()))
            .map(|(_, rel)| rel.trim_end_matches("_index.md").to_string())
            .collect()
    };
    if draft_dirs.iter().any(|d| !d.is_empty()) {
        files.retain(|f| {
            !draft_dirs
                .iter()
                .any(|d| !d.is_empty() && f.file.relative.starts_with(d.as_str()))
        });
    }

    let mut site = assemble(root, config, options.today, files, &mut problems);
    site.assets = assets;
    site.unreadable = unreadable;
    render_markdown(&mut site, &drafts, &mut problems);
    check_anchors(&site, &mut problems);
    check_task_links(&site, &drafts, &mut problems);
    // Finnish collation keys of the titles, for both page orders.
    let keys = title_keys(&site.pages);
    order(&mut site, &keys);
    build_taxonomies(&mut site, &keys, &mut problems);
    drop(keys);
    super::organisation::attach(&mut site, &mut problems);
    super::event::attach(&mut site, &mut problems);
    check_urls(&mut site, &mut problems);
    Ok((site, problems))
}

/// `file:line:col` of an offset in a content file, as the other side of a message.
fn located(file: &SourceFile, offset: usize) -> String {
    if file.source.is_empty() {
        return file.display.display().to_string();
    }
    let (line, column) = crate::diagnostics::line_col(&file.source, offset);
    format!("{}:{line}:{column}", file.display.display())
}

/// Who makes an output file, for messages about a clash.
enum Owner<'a> {
    /// A page or section: its file and front matter.
    Item(&'a SourceFile, &'a FrontMatter),
    /// A place in a content file.
    At(&'a SourceFile, usize),
    /// An alias in a content file.
    Alias(&'a SourceFile, &'a str),
    /// Something described in words.
    Named(String),
}

impl Owner<'_> {
    /// `file:line:col`, or the description.
    fn label(&self) -> String {
        match self {
            Owner::Item(file, meta) => located(file, address_offset(file, meta)),
            Owner::At(file, offset) => located(file, *offset),
            Owner::Alias(file, alias) => located(file, value_offset_in(file, "aliases", alias)),
            Owner::Named(text) => text.clone(),
        }
    }
}

/// The nearest folder above `out` that is a file in `files`, with that file's description.
fn file_above<'m>(out: &str, files: &'m HashMap<String, String>) -> Option<(String, &'m String)> {
    let mut up = out;
    while let Some((parent, _)) = up.rsplit_once('/') {
        if let Some(other) = files.get(parent) {
            return Some((parent.to_string(), other));
        }
        up = parent;
    }
    None
}

/// Where an item's address is decided: its `slug` line, else its `title` line.
fn address_offset(file: &SourceFile, meta: &FrontMatter) -> usize {
    key_offset_in(file, if meta.slug.is_some() { "slug" } else { "title" })
}

/// Every output file has one maker. Pages, sections and taxonomy pages may not share an
/// address (`duplicate-url`); an alias may not land on anything the build writes (`bad-alias`)
/// nor on another alias, and a profile's alias stays inside the organisation directory.
/// Refused aliases are dropped from the model, so `kumppani check`, which renders a site with
/// errors, never writes them either.
fn check_urls(site: &mut Site, problems: &mut Vec<Diagnostic>) {
    use crate::site_path::alias_file;
    // Files with a slug error already got a stand-in address: a clash of stand-ins is noise.
    let flagged: HashSet<PathBuf> = problems
        .iter()
        .filter(|d| d.code == "bad-slug")
        .filter_map(|d| d.file.clone())
        .collect();
    // Output file → who writes it. Positions are worked out only for a message: a large
    // site has a hundred thousand addresses and next to no clashes.
    let mut items: HashMap<String, Owner> = HashMap::new();
    let duplicate = |url: &str, other: &str| {
        Diagnostic::error(
            "duplicate-url",
            format!("two files would be published at /{url}: this one and {other}"),
        )
    };
    let contents = site
        .sections
        .iter()
        .map(|s| (&s.file, &s.meta, &s.path))
        .chain(site.pages.iter().map(|p| (&p.file, &p.meta, &p.path)));
    for (file, meta, path) in contents {
        if let Err(why) = crate::site_path::check_dir(path) {
            // Slugs and folder names were checked; this is the last guard before rendering.
            problems.push(
                Diagnostic::error(
                    "unsafe-path",
                    format!("the address /{path} is not safe: {why}"),
                )
                .with_file(&file.display)
                .with_hint("give the page a plain `slug` of letters, digits and hyphens"),
            );
        }
        let out = format!("{path}index.html");
        match items.get(&out) {
            Some(other) => {
                let other_file = match other {
                    Owner::Item(f, _) => f.display.as_path(),
                    _ => Path::new(""),
                };
                if !flagged.contains(&file.display) && !flagged.contains(other_file) {
                    problems.push(
                        duplicate(path, &other.label())
                            .with_file(&file.display)
                            .at_offset(&file.source, address_offset(file, meta))
                            .with_hint("give one of them a different `slug` in its front matter"),
                    );
                }
            }
            None => {
                items.insert(out, Owner::Item(file, meta));
            }
        }
    }
    // What the build makes by itself.
    let mut generated: HashMap<String, String> = HashMap::new();
    for name in ["404.html", "sitemap.xml", "robots.txt"] {
        generated.insert(name.to_string(), format!("the site's {name}"));
    }
    generated.insert(
        format!("{}index.html", super::SEARCH_PATH),
        "the search page".to_string(),
    );
    for s in site.sections.iter().filter(|s| s.meta.generate_feed) {
        generated.insert(
            format!("{}atom.xml", s.path),
            format!("the feed of {}", s.file.display.display()),
        );
    }
    let directory = super::organisation::generated_paths(site);
    if let Some((_, paths)) = &directory {
        for path in paths {
            let out = if path.ends_with('/') {
                format!("{path}index.html")
            } else {
                path.clone()
            };
            generated.insert(out, "a page of the organisation directory".to_string());
        }
    }
    for asset in &site.assets {
        generated.insert(
            asset.relative.clone(),
            format!("content/{}", asset.relative),
        );
    }
    let site_static = site.root.join("static");
    for entry in walkdir::WalkDir::new(&site_static).into_iter().flatten() {
        if !entry.file_type().is_file() || is_editor_temp(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(&site_static) else {
            continue;
        };
        let utf8 = rel.to_str().is_some();
        let rel = crate::text::slash_path(rel);
        let checked = if utf8 {
            crate::site_path::check_file(&rel)
        } else {
            Err(crate::site_path::PathError::NotUtf8(rel.clone()))
        };
        if let Err(why) = checked {
            problems.push(
                Diagnostic::error(
                    "bad-file-name",
                    format!("the file cannot be published under this name: {why}"),
                )
                .with_file(format!("static/{rel}"))
                .with_hint(
                    "rename the file (and its folders) using letters, digits, hyphens and dots",
                ),
            );
        }
        generated.insert(rel.clone(), format!("static/{rel}"));
    }
    // A page whose folder is a file the build writes (`slug = "sitemap.xml"`) would lose one of
    // the two.
    for (out, owner) in &items {
        if let (Owner::Item(file, meta), Some((up, other))) = (owner, file_above(out, &generated)) {
            problems.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!("the page needs a folder /{up}/ where the build writes {other}"),
                )
                .with_file(&file.display)
                .at_offset(&file.source, address_offset(file, meta))
                .with_hint("give the page another `slug`"),
            );
        }
    }
    // The same between files the build copies (`static/sitemap.xml/a`).
    for (out, label) in &generated {
        if let Some((up, other)) = file_above(out, &generated) {
            problems.push(
                Diagnostic::error(
                    "duplicate-url",
                    format!("{label} needs a folder /{up}/ where the build writes {other}"),
                )
                .with_file(label)
                .with_hint("rename the file or its folder"),
            );
        }
    }
    // Taxonomy pages: made from config.toml and the pages' terms.
    let config_source = std::fs::read_to_string(site.root.join("config.toml")).unwrap_or_default();
    let config_spans = crate::toml_schema::Spans::parse(&config_source);
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        let name = &taxonomy.name;
        let out = format!("{name}/index.html");
        if let Some(other) = items
            .get(&out)
            .map(Owner::label)
            .or_else(|| generated.get(&out).cloned())
        {
            use crate::toml_schema::Step;
            let at = config_spans
                .find(&[Step::Key("taxonomies"), Step::Index(t), Step::Key("name")])
                .map_or(0, |p| p.value.start);
            problems.push(
                duplicate(&format!("{name}/"), &other)
                    .with_file("config.toml")
                    .at_offset(&config_source, at)
                    .with_hint("rename the taxonomy, or move the page that has its address"),
            );
            continue;
        }
        items.insert(
            out,
            Owner::Named(format!("the taxonomy `{name}` of config.toml")),
        );
        for term in &taxonomy.terms {
            let out = format!("{name}/{}/index.html", term.slug);
            let Some(&first) = term.pages.first() else {
                continue;
            };
            let file = &site.pages[first].file;
            let at = value_offset_in(file, name, &term.name);
            match items
                .get(&out)
                .map(Owner::label)
                .or_else(|| generated.get(&out).cloned())
            {
                Some(other) => problems.push(
                    duplicate(&format!("{name}/{}/", term.slug), &other)
                        .with_file(&file.display)
                        .at_offset(&file.source, at)
                        .with_hint("use another term, or move the page that has its address"),
                ),
                None => {
                    items.insert(out, Owner::At(file, at));
                }
            }
        }
    }
    // Aliases last: they may take only what nothing else has, neither a file's name nor a
    // folder's.
    // Folder → a file under it (described only when a problem is reported: a large site has
    // many pages).
    let mut folders: HashMap<&str, &str> = HashMap::new();
    for out in items.keys().chain(generated.keys()) {
        let mut up = out.as_str();
        while let Some((parent, _)) = up.rsplit_once('/') {
            if folders.insert(parent, out).is_some() {
                break;
            }
            up = parent;
        }
    }
    let describe = |out: &str| {
        items
            .get(out)
            .map(Owner::label)
            .or_else(|| generated.get(out).cloned())
            .unwrap_or_default()
    };
    let base_path = site.config.base_path().to_string();
    let mut aliases: HashMap<String, Owner> = HashMap::new();
    let mut refused: Vec<(Item, String)> = Vec::new();
    let owners = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (Item::Section(i), &s.file, &s.meta))
        .chain(
            site.pages
                .iter()
                .enumerate()
                .map(|(i, p)| (Item::Page(i), &p.file, &p.meta)),
        );
    for (item, file, meta) in owners {
        if meta.aliases.is_empty() {
            continue;
        }
        let profile = matches!(item, Item::Page(_))
            && super::organisation::in_directory(site, &file.relative);
        for alias in &meta.aliases {
            let at = || value_offset_in(file, "aliases", alias);
            let bad = |message: String, hint: &str| {
                Diagnostic::error("bad-alias", message)
                    .with_file(&file.display)
                    .at_offset(&file.source, at())
                    .with_hint(hint.to_string())
            };
            let shown_alias = || shown(alias);
            let out = match alias_file(alias, &base_path) {
                Ok(out) => out,
                Err(why) => {
                    problems.push(bad(
                        format!("alias `{}` cannot be an address: {why}", shown_alias()),
                        "write aliases as paths from the site root, e.g. aliases = [\"/vanha-osoite/\"]",
                    ));
                    refused.push((item, alias.clone()));
                    continue;
                }
            };
            let outside = directory.as_ref().filter(|(base, _)| {
                profile && (!out.starts_with(base.as_str()) || out == format!("{base}index.html"))
            });
            let problem = if let Some((base, _)) = outside {
                Some(bad(
                    format!(
                        "an organisation profile's alias `{}` must stay inside the directory /{base}",
                        shown_alias()
                    ),
                    &format!(
                        "write the alias under /{base}, e.g. aliases = [\"/{base}vanha-nimi/\"], or ask the site's editors to add it elsewhere"
                    ),
                ))
            } else if let Some(other) = items.get(&out) {
                Some(bad(
                    format!(
                        "alias `{}` is the address of {}",
                        shown_alias(),
                        other.label()
                    ),
                    "remove the alias, or move the other page",
                ))
            } else if let Some(other) = generated.get(&out) {
                Some(bad(
                    format!(
                        "alias `{}` would replace {other}, which the build writes at /{out}",
                        shown_alias()
                    ),
                    "remove the alias: an alias may only take an address nothing else has",
                ))
            } else if out.starts_with(super::SEARCH_INDEX_FOLDER) {
                Some(bad(
                    format!(
                        "alias `{}` is inside /{}, where the build writes the search index",
                        shown_alias(),
                        super::SEARCH_INDEX_FOLDER
                    ),
                    "remove the alias: an alias may only take an address nothing else has",
                ))
            } else if let Some((up, other)) = file_above(&out, &generated) {
                Some(bad(
                    format!(
                        "alias `{}` needs a folder /{up}/ where the build writes {other}",
                        shown_alias()
                    ),
                    "remove the alias: an alias may only take an address nothing else has",
                ))
            } else if let Some(under) = folders.get(out.as_str()) {
                Some(bad(
                    format!(
                        "alias `{}` would be a file where the build needs the folder /{out}/ (for {})",
                        shown_alias(),
                        describe(under)
                    ),
                    "remove the alias: an alias may only take an address nothing else has",
                ))
            } else if let Some(other) = aliases.get(&out) {
                Some(
                    duplicate(
                        out.strip_suffix("index.html").unwrap_or(&out),
                        &format!("the alias at {}", other.label()),
                    )
                    .with_file(&file.display)
                    .at_offset(&file.source, at())
                    .with_hint("keep the alias in one file only"),
                )
            } else {
                aliases.insert(out, Owner::Alias(file, alias));
                None
            };
            if let Some(problem) = problem {
                problems.push(problem);
                refused.push((item, alias.clone()));
            }
        }
    }
    for (item, alias) in refused {
        let meta = match item {
            Item::Page(i) => &mut site.pages[i].meta,
            Item::Section(i) => &mut site.sections[i].meta,
        };
        meta.aliases.retain(|a| *a != alias);
    }
}

type Walked = (Vec<(PathBuf, String)>, Vec<Asset>, Vec<Diagnostic>);

/// Files found under a folder (absolute path, path under content/) and the names refused.
type Listed = (Vec<(PathBuf, String)>, Vec<Diagnostic>);

fn walk(content_dir: &Path) -> Result<Walked> {
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let (files, mut problems) = walk_dir(content_dir, "")?;
    for (abs, rel) in files {
        if rel.ends_with(".md") {
            markdown.push((abs, rel));
        } else if let Err(why) = crate::site_path::check_file(&rel) {
            // Copied under the same path: every part of it becomes part of the output path.
            problems.push(
                Diagnostic::error(
                    "bad-file-name",
                    format!("the file cannot be published under this name: {why}"),
                )
                .with_file(PathBuf::from("content").join(&rel))
                .with_hint(
                    "rename the file (and its folders) using letters, digits, hyphens and dots",
                ),
            );
        } else {
            assets.push(Asset {
                source: abs,
                relative: rel,
            });
        }
    }
    Ok((markdown, assets, problems))
}

/// Files under `dir` (`rel` is its `/`-terminated path under content/), depth first with
/// siblings sorted by name, so indexes stay the same from run to run. Subfolders are read in
/// parallel: one thread listing a large site's folders was a visible part of loading it.
/// A name that is not UTF-8 cannot become an address: it is reported and left out (with
/// everything under it) rather than published under a mangled name.
fn walk_dir(dir: &Path, rel: &str) -> Result<Listed> {
    let unreadable =
        |err: std::io::Error| Diagnostic::usage(format!("could not read {}: {err}", dir.display()));
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(unreadable)? {
        let entry = entry.map_err(unreadable)?;
        let name = entry.file_name();
        if is_editor_temp(&name.to_string_lossy()) {
            continue;
        }
        // Like the file type, symlinks are not followed.
        let kind = entry.file_type().map_err(unreadable)?;
        if !kind.is_file() && !kind.is_dir() {
            continue;
        }
        // Only UTF-8 here: page names are folded into slugs, asset paths are checked in `walk`.
        let utf8 = name.to_str().ok_or_else(|| {
            crate::site_path::PathError::NotUtf8(name.to_string_lossy().into_owned())
        });
        match utf8 {
            Ok(text) => entries.push((text.to_string(), kind.is_dir())),
            Err(why) => {
                let what = if kind.is_dir() { "folder" } else { "file" };
                let shown = format!("content/{rel}{}", name.to_string_lossy());
                problems.push(
                    Diagnostic::error(
                        "bad-file-name",
                        format!("the {what} name cannot be part of an address: {why}"),
                    )
                    .with_file(&shown)
                    .with_hint(format!(
                        "rename the {what} using letters, digits and hyphens (it was left out of the site)"
                    )),
                );
            }
        }
    }
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let subfolders: Vec<Option<Listed>> = entries
        .par_iter()
        .map(|(name, is_dir)| {
            is_dir
                .then(|| walk_dir(&dir.join(name), &format!("{rel}{name}/")))
                .transpose()
        })
        .collect::<Result<_>>()?;
    let mut files = Vec::with_capacity(entries.len());
    for ((name, _), sub) in entries.iter().zip(subfolders) {
        match sub {
            Some((list, below)) => {
                files.extend(list);
                problems.extend(below);
            }
            None => files.push((dir.join(name), format!("{rel}{name}"))),
        }
    }
    Ok((files, problems))
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
    today: chrono::NaiveDate,
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
    let mut bad_folders = BTreeMap::new();
    for f in rest {
        let parent = nearest_section(&f.dir, &dir_to_section, true);
        let name = f.dir.rsplit('/').next().unwrap_or("");
        let segment = match item_slug(&f, name, true, sections.len()) {
            Ok(slug) => slug,
            Err((fallback, problem)) => {
                problems.push(*problem);
                fallback
            }
        };
        let path = format!(
            "{}{}/",
            dir_path(&f.dir, true, &dir_to_section, &sections, &mut bad_folders),
            segment
        );
        let dir = f.dir.clone();
        let index = sections.len();
        sections.push(new_section(f, path, Some(parent)));
        sections[parent].subsections.push(index);
        dir_to_section.insert(dir, index);
    }
    // Slugs fold Unicode: done in parallel. Folder lookups are done once per folder, not per page.
    let slugs: Vec<std::result::Result<String, (String, Box<Diagnostic>)>> = page_files
        .par_iter()
        .enumerate()
        .map(|(i, f)| item_slug(f, file_stem(f), false, i))
        .collect();
    let mut folders: HashMap<String, (usize, String)> = HashMap::new();
    let mut pages = Vec::with_capacity(page_files.len());
    for (f, slug) in page_files.into_iter().zip(slugs) {
        let slug = slug.unwrap_or_else(|(fallback, problem)| {
            problems.push(*problem);
            fallback
        });
        if !folders.contains_key(&f.dir) {
            let section = nearest_section(&f.dir, &dir_to_section, false);
            let base = dir_path(&f.dir, false, &dir_to_section, &sections, &mut bad_folders);
            folders.insert(f.dir.clone(), (section, base));
        }
        let (section, base) = &folders[&f.dir];
        let section = *section;
        let path = format!("{base}{slug}/");
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
            event: None,
        });
    }
    let items = || {
        let sections = sections
            .iter()
            .enumerate()
            .map(|(i, s)| (&s.file, &s.path, Item::Section(i)));
        let pages = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (&p.file, &p.path, Item::Page(i)));
        sections.chain(pages)
    };
    for (dir, name) in bad_folders {
        problems.push(
            Diagnostic::error(
                "bad-slug",
                format!("the folder name `{name}` has no letters or digits to make an address from"),
            )
            .with_file(PathBuf::from("content").join(&dir))
            .with_hint(format!(
                "rename the folder, or add content/{dir}/_index.md with slug = \"{FOLDER_FALLBACK}\" in its front matter"
            )),
        );
    }
    let mut by_file = HashMap::with_capacity(sections.len() + pages.len());
    for (file, _, item) in items() {
        by_file.insert(file.relative.clone(), item);
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
        unreadable: Vec::new(),
        today,
    }
}

/// The file name of a page without `.md`.
fn file_stem(f: &Parsed) -> &str {
    let name = f.file.relative.rsplit('/').next().unwrap_or("");
    name.strip_suffix(".md").unwrap_or(name)
}

/// The last URL segment of a page: its `slug`, or its file name, folded; `Err` when neither
/// gives a usable one.
pub(super) fn page_slug(f: &Parsed) -> std::result::Result<String, ()> {
    item_slug(f, file_stem(f), false, 0).map_err(|_| ())
}

/// Segment used for a folder without a section whose name folds to nothing (the build fails
/// with `bad-slug`; the segment only keeps `kumppani check` going on safe addresses).
const FOLDER_FALLBACK: &str = "kansio";

/// The URL segment of a page (`name` is its file name without `.md`) or section (`name` is its
/// folder's name): the front matter `slug` or the name, folded with [`slugify`] and checked
/// with [`crate::site_path::check_segment`]. An explicit slug must already be one plain name:
/// `../x` or `a/b` would fold into something harmless, but silently publishing it elsewhere
/// than written hides the mistake. On a problem, `Err` holds a usable segment to go on with
/// (the one the message proposes) and the `bad-slug` error.
fn item_slug(
    f: &Parsed,
    name: &str,
    is_section: bool,
    index: usize,
) -> std::result::Result<String, (String, Box<Diagnostic>)> {
    use crate::site_path::check_segment;
    let explicit = f.meta.slug.as_deref();
    let (raw, what) = match explicit {
        Some(slug) => (slug, "slug"),
        None if is_section => (name, "folder name"),
        None => (name, "file name"),
    };
    let slug = slugify(raw);
    // A file or folder name is one name by construction; `C:` or `12:00` in one folds fine.
    let raw_ok = if explicit.is_some() {
        check_segment(raw)
    } else {
        Ok(())
    };
    let why = match raw_ok {
        Err(why) => format!("cannot be part of an address: {why}"),
        Ok(()) if slug.is_empty() => "has no letters or digits to make an address from".into(),
        Ok(()) => match check_segment(&slug) {
            Ok(()) => return Ok(slug),
            Err(why) => format!("cannot be part of an address: {why}"),
        },
    };
    let file = &f.file;
    let proposal = propose_slug(f.meta.title.as_deref().unwrap_or(""), index);
    let hint = match (explicit, is_section) {
        (Some(_), _) => {
            format!("write a plain slug of letters, digits and hyphens, e.g. slug = \"{proposal}\"")
        }
        (None, true) => {
            format!("add slug = \"{proposal}\" to its _index.md front matter, or rename the folder")
        }
        (None, false) => {
            format!("add slug = \"{proposal}\" to its front matter, or rename the file")
        }
    };
    let mut problem = Diagnostic::error("bad-slug", format!("the {what} `{}` {why}", shown(raw)))
        .with_file(&file.display)
        .with_hint(hint);
    if explicit.is_some() {
        problem = problem.at_offset(&file.source, key_offset_in(file, "slug"));
    }
    Err((proposal, Box::new(problem)))
}

/// A slug to suggest: the title's, kept short, or `sivu-N` when the title has no letters either.
fn propose_slug(title: &str, index: usize) -> String {
    let mut slug = slugify(title);
    if slug.len() > 60 {
        // ASCII only: any byte is a character boundary.
        let cut = slug[..60].rfind('-').unwrap_or(60);
        slug.truncate(cut);
    }
    if slug.is_empty() {
        format!("sivu-{}", index + 1)
    } else {
        slug
    }
}

/// A value for a message: control characters escaped, long values cut.
fn shown(value: &str) -> String {
    let escaped: String = value.escape_debug().collect();
    match escaped.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &escaped[..i]),
        None => escaped,
    }
}

/// Byte offset in the file of a top-level front matter key (the front matter's start when absent).
fn key_offset_in(file: &SourceFile, key: &str) -> usize {
    use crate::toml_schema::Step;
    let spans = frontmatter::spans_of(file);
    file.front_matter_offset + spans.find(&[Step::Key(key)]).map_or(0, |p| p.start())
}

/// Byte offset of the string `value` in the front matter array `key` (the key's when absent).
fn value_offset_in(file: &SourceFile, key: &str, value: &str) -> usize {
    // `key` is a top-level key (`aliases`) or a taxonomy's name (under `[taxonomies]`).
    use crate::toml_schema::Step;
    let spans = frontmatter::spans_of(file);
    let top = [Step::Key(key)];
    let taxonomy = [Step::Key("taxonomies"), Step::Key(key)];
    let found = spans
        .element(&top, value)
        .or_else(|| spans.element(&taxonomy, value))
        .or_else(|| {
            spans
                .find(&top)
                .or_else(|| spans.find(&taxonomy))
                .map(|p| p.start())
        });
    file.front_matter_offset + found.unwrap_or(0)
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
/// A folder without a section whose name folds to nothing gets [`FOLDER_FALLBACK`] and is
/// noted in `bad` (folder → name) to be reported once.
fn dir_path(
    dir: &str,
    parent_only: bool,
    map: &HashMap<String, usize>,
    sections: &[Section],
    bad: &mut BTreeMap<String, String>,
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
    let mut base = dir_path(parent, false, map, sections, bad);
    let slug = slugify(name);
    if slug.is_empty() || crate::site_path::check_segment(&slug).is_err() {
        bad.insert(target.to_string(), shown(name));
        base.push_str(FOLDER_FALLBACK);
    } else {
        base.push_str(&slug);
    }
    base.push('/');
    base
}

/// Resolves `@/` links against the assembled site.
struct Resolver<'a> {
    site: &'a Site,
    /// Files that failed to parse: links to them get `#` and are not reported again.
    unreadable: HashSet<&'a str>,
    drafts: HashSet<&'a str>,
}

impl LinkResolver for Resolver<'_> {
    fn resolve(&self, content_path: &str) -> Option<String> {
        if self.unreadable.contains(content_path) {
            return Some("#".to_string());
        }
        let item = *self.site.by_file.get(content_path)?;
        Some(self.site.url(self.site.path_of(item)))
    }

    fn why_missing(&self, content_path: &str) -> Option<String> {
        self.drafts
            .contains(content_path)
            .then(|| "a draft that is not published".to_string())
    }

    fn image_size(&self, src: &str, from: &Path) -> Option<(usize, usize)> {
        markdown::local_image_size(&self.site.root, src, from)
    }
}

/// Markdown settings of a site.
fn markdown_options(config: &Config) -> MarkdownOptions {
    MarkdownOptions {
        smart_punctuation: config.markdown.smart_punctuation,
        finnish_quotes: config.language.starts_with("fi"),
        external_links_class: config.markdown.external_links_class.clone(),
        external_links_rel: config.markdown.external_links_rel.clone(),
        base_path: config.base_path().to_string(),
        unsafe_html: config.markdown.unsafe_html,
    }
}

/// Renders one file's Markdown body. Organisation profiles may one day come from the
/// associations themselves, so files under the directory (`untrusted_prefix`, except its
/// `_index.md`) get no raw HTML.
fn render_one(
    file: &SourceFile,
    options: &MarkdownOptions,
    untrusted_prefix: Option<&str>,
    links: &dyn LinkResolver,
    want: Want,
) -> (Rendered, Body) {
    let trusted = untrusted_prefix
        .is_none_or(|p| !file.relative.starts_with(p) || file.relative.ends_with("/_index.md"));
    let at = BodySource {
        file: &file.display,
        source: &file.source,
        body_offset: file.body_offset,
        trusted,
    };
    markdown::render(&file.source[file.body_offset..], &at, options, links, want)
}

/// The folder prefix (`jarjestot/`) of the organisation directory's untrusted profiles.
fn untrusted_prefix(config: &Config) -> Option<String> {
    config
        .organisations
        .as_ref()
        .map(|o| format!("{}/", o.section.trim_matches('/')))
}

/// Renders Markdown bodies of one site: its options, its `@/` link targets and which files
/// are trusted with raw HTML. Loading keeps only each body's outline; whatever writes, indexes
/// or crawls a page renders its HTML or text again through here ([`Site::bodies`]), so every
/// pass gives the same bytes.
pub struct BodyRenderer<'a> {
    site: &'a Site,
    options: MarkdownOptions,
    untrusted: Option<String>,
    resolver: Resolver<'a>,
}

impl<'a> BodyRenderer<'a> {
    /// `unreadable` files failed to parse: links to them are not reported again as broken.
    /// `drafts` were left out: links to them say so.
    pub(super) fn new(site: &'a Site, unreadable: &'a [String], drafts: &'a [String]) -> Self {
        BodyRenderer {
            site,
            options: markdown_options(&site.config),
            untrusted: untrusted_prefix(&site.config),
            resolver: Resolver {
                site,
                unreadable: unreadable.iter().map(String::as_str).collect(),
                drafts: drafts.iter().map(String::as_str).collect(),
            },
        }
    }

    /// The outline of one file's body, with its HTML and text as `want` asks.
    pub fn render(&self, file: &SourceFile, want: Want) -> (Rendered, Body) {
        render_one(
            file,
            &self.options,
            self.untrusted.as_deref(),
            &self.resolver,
            want,
        )
    }

    /// The body of a page or section of the site, with its HTML and text as `want` asks.
    pub fn body(&self, item: Item, want: Want) -> Body {
        let file = match item {
            Item::Page(i) => &self.site.pages[i].file,
            Item::Section(i) => &self.site.sections[i].file,
        };
        self.render(file, want).1
    }

    /// The body HTML of a page or section, as its own page shows it.
    pub fn html(&self, item: Item) -> String {
        let kept = match item {
            Item::Page(i) => &self.site.pages[i].content.kept_html,
            Item::Section(i) => &self.site.sections[i].content.kept_html,
        };
        match kept {
            Some(html) => html.clone(),
            None => self.body(item, Want::HTML).html,
        }
    }

    /// The body text of a page or section, as the search indexes it (the cheaper pass that
    /// gives the same text as rendering).
    pub fn text(&self, item: Item) -> String {
        let file = match item {
            Item::Page(i) => &self.site.pages[i].file,
            Item::Section(i) => &self.site.sections[i].file,
        };
        markdown::plain_text(&file.source[file.body_offset..], &self.options)
    }
}

impl Site {
    /// Renders the bodies of this site's pages again: loading kept only their outlines.
    pub fn bodies(&self) -> BodyRenderer<'_> {
        // Links to drafts only change the message of a problem, reported when loading.
        BodyRenderer::new(self, &self.unreadable, &[])
    }
}

/// Up to this many bytes of Markdown in all, loading keeps each body's HTML: rendering a
/// body once is faster than twice (10,000 small pages: 1.5 s instead of 1.8 s), and the HTML
/// of such a site fits easily in memory. A larger site keeps only the outlines and renders
/// each body again while writing it, so its memory follows its metadata, not its text.
const KEEP_HTML_BELOW: usize = 64 << 20;

/// Renders every body's outline in parallel, resolving `@/` links; the text is left to the
/// search index, and the HTML too unless the site is small ([`KEEP_HTML_BELOW`]).
fn render_markdown(site: &mut Site, drafts: &[String], problems: &mut Vec<Diagnostic>) {
    let markdown: usize = site
        .pages
        .iter()
        .map(|p| p.file.source.len())
        .sum::<usize>()
        + site
            .sections
            .iter()
            .map(|s| s.file.source.len())
            .sum::<usize>();
    let want = Want {
        html: markdown < KEEP_HTML_BELOW,
        ..Want::OUTLINE
    };
    let keep = |(mut rendered, body): (Rendered, markdown::Body)| {
        if want.html {
            rendered.kept_html = Some(body.html);
        }
        (rendered, body.words)
    };
    let (page_results, section_results): (Vec<(Rendered, usize)>, Vec<Rendered>) = {
        let bodies = BodyRenderer::new(site, &site.unreadable, drafts);
        let pages = site
            .pages
            .par_iter()
            .map(|p| keep(bodies.render(&p.file, want)))
            .collect();
        let sections = site
            .sections
            .par_iter()
            .map(|s| keep(bodies.render(&s.file, want)).0)
            .collect();
        (pages, sections)
    };
    for (page, (mut rendered, words)) in site.pages.iter_mut().zip(page_results) {
        problems.append(&mut rendered.problems);
        page.word_count = words;
        page.content = rendered;
    }
    for (section, mut rendered) in site.sections.iter_mut().zip(section_results) {
        problems.append(&mut rendered.problems);
        section.content = rendered;
    }
}

/// The `@/` links of the home page's task cards (`[[tasks]]`), at the card's `link`, with the
/// nearest existing file as a suggestion.
fn check_task_links(site: &Site, drafts: &[String], problems: &mut Vec<Diagnostic>) {
    use crate::toml_schema::Step;
    for section in &site.sections {
        for (n, task) in section.meta.tasks.iter().enumerate() {
            let Some(target) = task.link.strip_prefix("@/") else {
                continue;
            };
            let target = target.split('#').next().unwrap_or(target);
            if site.get(target).is_some() {
                continue;
            }
            let file = &section.file;
            let at = frontmatter::spans_of(file)
                .find(&[Step::Key("tasks"), Step::Index(n), Step::Key("link")])
                .map_or(0, |p| p.value.start);
            let problem = if drafts.iter().any(|d| d == target) {
                Diagnostic::error(
                    "broken-link",
                    format!("task card links to `@/{target}`, a draft that is not published"),
                )
                .with_hint("publish the page (remove `draft = true`) or link another page")
            } else {
                let nearest =
                    crate::diagnostics::nearest(target, site.by_file.keys().map(String::as_str));
                Diagnostic::error(
                    "broken-link",
                    format!("task card links to a missing page `@/{target}`"),
                )
                .with_hint(match nearest {
                    Some(n) => format!("did you mean `@/{n}`?"),
                    None => "a task card's link names a file under content/, e.g. link = \"@/jarjestot/_index.md\"".to_string(),
                })
            };
            problems.push(
                problem
                    .with_file(&file.display)
                    .at_offset(&file.source, file.front_matter_offset + at),
            );
        }
    }
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
    for r in content.anchor_refs.iter().filter(|r| wanted(&r.target)) {
        let Some(item) = site.get(&r.target) else {
            continue;
        };
        let headings = match item {
            Item::Page(i) => &site.pages[i].content.headings,
            Item::Section(i) => &site.sections[i].content.headings,
        };
        // A page has few headings: a scan beats building a set per link.
        if headings.iter().any(|h| h.id == r.anchor) {
            continue;
        }
        let mut known: Vec<&str> = headings.iter().map(|h| h.id.as_str()).collect();
        known.sort_unstable();
        known.dedup();
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

fn order(site: &mut Site, keys: &[Vec<(u32, u32)>]) {
    for s in &mut site.sections {
        sort_section_pages(&site.pages, keys, &mut s.pages);
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

fn build_taxonomies(site: &mut Site, keys: &[Vec<(u32, u32)>], problems: &mut Vec<Diagnostic>) {
    let configured = site.config.taxonomy_names();
    // Per configured taxonomy: slug → (name as first written, pages).
    let mut terms: Vec<BTreeMap<String, (String, Vec<usize>)>> =
        configured.iter().map(|_| BTreeMap::new()).collect();
    for (i, page) in site.pages.iter().enumerate() {
        for (taxonomy, values) in &page.meta.taxonomies {
            let Some(t) = configured.iter().position(|c| c == taxonomy) else {
                let offset = page.file.front_matter_offset
                    + frontmatter::spans_of(&page.file)
                        .find(&[
                            crate::toml_schema::Step::Key("taxonomies"),
                            crate::toml_schema::Step::Key(taxonomy),
                        ])
                        .map_or(0, |p| p.start());
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
            };
            for value in values {
                let slug = slugify(value);
                let why = if slug.is_empty() {
                    Some("it has no letters or digits to make an address from".to_string())
                } else {
                    crate::site_path::check_segment(&slug)
                        .err()
                        .map(|why| format!("it cannot be part of an address: {why}"))
                };
                if let Some(why) = why {
                    let file = &page.file;
                    problems.push(
                        Diagnostic::error(
                            "bad-slug",
                            format!("the {taxonomy} term `{}`: {why}", shown(value)),
                        )
                        .with_file(&file.display)
                        .at_offset(&file.source, value_offset_in(file, taxonomy, value))
                        .with_hint("write the term with letters or digits, e.g. \"Kulttuuri\", or remove it"),
                    );
                    continue;
                }
                let entry = terms[t]
                    .entry(slug)
                    .or_insert_with(|| (value.clone(), Vec::new()));
                // Pages come in index order, so a repeat of this page can only be the last one.
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                }
            }
        }
    }
    let pages = &site.pages;
    site.taxonomies = configured
        .iter()
        .zip(terms)
        .map(|(name, terms)| {
            let mut list: Vec<(Vec<(u32, u32)>, Term)> = terms
                .into_par_iter()
                .map(|(slug, (display, mut ids))| {
                    sort_term_pages(pages, keys, &mut ids);
                    let key = finnish_key(&display);
                    let term = Term {
                        name: display,
                        slug,
                        pages: ids,
                    };
                    (key, term)
                })
                .collect();
            list.sort_by(|a, b| finnish_key_cmp((&a.0, &a.1.name), (&b.0, &b.1.name)));
            Taxonomy {
                name: name.to_string(),
                terms: list.into_iter().map(|(_, term)| term).collect(),
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

    #[test]
    fn walk_lists_files_depth_first_in_name_order_without_editor_files() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path();
        for file in [
            "b.md",
            "a/_index.md",
            "a/z.md",
            "a/c/kuva.png",
            "a/c/x.md",
            "a/b.md",
            "a/.b.md.swp",
            ".git/config",
            "_index.md",
            "ab.md",
        ] {
            let path = content.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
        let (markdown, assets, _) = walk(content).unwrap();
        let rels: Vec<&str> = markdown.iter().map(|(_, rel)| rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "_index.md",
                "a/_index.md",
                "a/b.md",
                "a/c/x.md",
                "a/z.md",
                "ab.md",
                "b.md"
            ]
        );
        assert_eq!(markdown[3].0, content.join("a/c/x.md"));
        assert_eq!(assets.len(), 1);
        assert_eq!(assets[0].relative, "a/c/kuva.png");
        assert_eq!(assets[0].source, content.join("a/c/kuva.png"));
    }
}
