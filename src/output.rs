//! Writing the site: a staging directory filled in parallel, then swapped into place.
//!
//! The previous output is only replaced after everything rendered and was written, so a failed
//! build leaves `public/` exactly as it was. The replaced output is kept next to it
//! (`.public.previous/`) and the next build writes over its files instead of creating new ones:
//! on ext4, creating a file costs several times more than rewriting one, and far more again
//! while freshly deleted inodes are around (the allocator skips them one by one for a minute or
//! more), so deleting and recreating 100,000 pages made up most of a large build's time.

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Error, Result};
use crate::render::Renderer;
use crate::text::escape_html;
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use walkdir::WalkDir;

/// One URL for the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    /// Site-relative path.
    pub path: String,
    /// Last modification date, if known.
    pub lastmod: Option<chrono::NaiveDate>,
}

/// Which per-page outputs a render writes. Whole-site outputs (sitemap, feeds, 404, aliases, …)
/// ignore it: they are cheap and must always list everything.
#[derive(Debug, Clone, Default)]
pub enum Selection {
    /// Every page, section and taxonomy page (`kumppani build`).
    #[default]
    All,
    /// Only these (the preview server's incremental rebuild).
    Only {
        /// Indexes into `Site::pages`.
        pages: HashSet<usize>,
        /// Indexes into `Site::sections`.
        sections: HashSet<usize>,
        /// Taxonomy indexes whose list page is rendered.
        taxonomies: HashSet<usize>,
        /// (taxonomy, term) indexes whose term page is rendered.
        terms: HashSet<(usize, usize)>,
    },
}

impl Selection {
    /// Whether page `i` is rendered.
    pub fn page(&self, i: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { pages, .. } => pages.contains(&i),
        }
    }

    /// Whether section `i` is rendered.
    pub fn section(&self, i: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { sections, .. } => sections.contains(&i),
        }
    }

    /// Whether the list page of taxonomy `t` is rendered.
    pub fn taxonomy(&self, t: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { taxonomies, .. } => taxonomies.contains(&t),
        }
    }

    /// Whether the page of term `term` of taxonomy `t` is rendered.
    pub fn term(&self, t: usize, term: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { terms, .. } => terms.contains(&(t, term)),
        }
    }
}

/// Where rendered files go: a folder (`build`) or memory (the preview server, which serves
/// from memory and must not touch the disk on every save).
pub struct Writer {
    target: Target,
}

enum Target {
    /// The folder, and the site-relative paths written so far (see [`Writer::remove_unwritten`]).
    Folder(PathBuf, Mutex<HashSet<String>>),
    Memory(Mutex<BTreeMap<String, Vec<u8>>>),
}

impl Writer {
    /// A writer into the folder `root`, creating subfolders as needed.
    pub fn new(root: &Path) -> Writer {
        Writer {
            target: Target::Folder(root.to_path_buf(), Mutex::default()),
        }
    }

    /// A writer that keeps every file in memory (see [`Writer::into_files`]).
    pub fn in_memory() -> Writer {
        Writer {
            target: Target::Memory(Mutex::new(BTreeMap::new())),
        }
    }

    /// The files written into memory, by site-relative path (empty for a folder writer).
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        match self.target {
            Target::Folder(..) => BTreeMap::new(),
            Target::Memory(files) => files.into_inner().expect("writer lock"),
        }
    }

    /// Writes `bytes` at a site-relative path (`uutiset/index.html`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::result::Result<(), Diagnostic> {
        match &self.target {
            Target::Folder(root, written) => {
                let path = with_folder(root, rel)?;
                overwrite(&path, bytes)
                    .or_else(|_| clear_way(&path).and_then(|()| overwrite(&path, bytes)))
                    .map_err(|e| Diagnostic::io(&path, "write", &e))?;
                written.lock().expect("writer lock").insert(rel.to_string());
                Ok(())
            }
            Target::Memory(files) => {
                files
                    .lock()
                    .expect("writer lock")
                    .insert(rel.to_string(), bytes.to_vec());
                Ok(())
            }
        }
    }

    /// Copies a file from the site's sources to a site-relative path (through [`Writer::write`],
    /// so a reused output's file is written over the same way).
    pub fn copy(&self, source: &Path, rel: &str) -> std::result::Result<(), Diagnostic> {
        let bytes = std::fs::read(source).map_err(|e| Diagnostic::io(source, "copy", &e))?;
        self.write(rel, &bytes)
    }

    /// Removes what an earlier build left in the folder and this one did not write. Returns
    /// how many files and folders went.
    pub fn remove_unwritten(&self) -> Result<usize> {
        let Target::Folder(root, written) = &self.target else {
            return Ok(0);
        };
        let files = written.lock().expect("writer lock");
        let mut folders: HashSet<&str> = HashSet::new();
        for file in files.iter() {
            let mut rel = file.as_str();
            while let Some((parent, _)) = rel.rsplit_once('/') {
                if !folders.insert(parent) {
                    break;
                }
                rel = parent;
            }
        }
        prune(root, "", &files, &folders)
    }

    /// Writes the HTML of a site path (`uutiset/` → `uutiset/index.html`).
    pub fn write_page(&self, path: &str, html: &str) -> std::result::Result<(), Diagnostic> {
        self.write(&format!("{path}index.html"), html.as_bytes())
    }
}

/// The path of `rel` under `root`, its folder created.
fn with_folder(root: &Path, rel: &str) -> std::result::Result<PathBuf, Diagnostic> {
    let path = root.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .or_else(|_| {
                // A reused folder may hold a file where this build needs a folder.
                let mut blocker = parent;
                while blocker != root && !blocker.is_dir() {
                    if blocker.symlink_metadata().is_ok() {
                        std::fs::remove_file(blocker)?;
                        break;
                    }
                    blocker = blocker.parent().unwrap_or(root);
                }
                std::fs::create_dir_all(parent)
            })
            .map_err(|e| Diagnostic::io(parent, "create folder", &e))?;
    }
    Ok(path)
}

/// Writes `bytes` as the whole file, over the old contents without first truncating it to
/// zero: ext4 starts writeback on close of a file truncated to zero and rewritten (its
/// `auto_da_alloc` guard for editors), which made rewriting a reused output slower than
/// creating a new one.
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.write_all(bytes)?;
    let len = bytes.len() as u64;
    if file.metadata()?.len() != len {
        file.set_len(len)?;
    }
    Ok(())
}

/// Removes the entries of `dir` (site-relative `rel`, "" for the root) that are neither written
/// files nor folders holding one, looking into the kept folders in parallel.
fn prune(dir: &Path, rel: &str, files: &HashSet<String>, folders: &HashSet<&str>) -> Result<usize> {
    let listing = std::fs::read_dir(dir).map_err(|e| Diagnostic::io(dir, "read", &e))?;
    let mut removed = 0;
    let mut kept = vec![];
    for entry in listing {
        let entry = entry.map_err(|e| Diagnostic::io(dir, "read", &e))?;
        let name = entry.file_name();
        let child = match name.to_str() {
            Some(name) if rel.is_empty() => name.to_string(),
            Some(name) => format!("{rel}/{name}"),
            // The site never writes a name that is not UTF-8.
            None => String::new(),
        };
        let path = entry.path();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && folders.contains(child.as_str()) {
            kept.push((path, child));
        } else if !is_dir && files.contains(&child) {
            continue;
        } else {
            remove_any(&path)
                .map_err(|e| Diagnostic::io(&path, "remove what is no longer built", &e))?;
            removed += 1;
        }
    }
    let below: Vec<Result<usize>> = kept
        .par_iter()
        .map(|(path, child)| prune(path, child, files, folders))
        .collect();
    below.into_iter().try_fold(removed, |n, r| Ok(n + r?))
}

/// Removes a folder that a reused output holds where this build writes a file.
fn clear_way(path: &Path) -> std::io::Result<()> {
    if path.symlink_metadata()?.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        Err(std::io::Error::other("not in the way"))
    }
}

/// Refuses output folders whose replacement would destroy something: `/`, the site itself,
/// `content/`, or any folder that contains the site.
pub fn check_output_dir(site_root: &Path, output: &Path) -> Result<()> {
    let root = absolute(site_root);
    let out = absolute(output);
    let refuse = |why: &str| -> Result<()> {
        Err(Diagnostic::usage(format!(
            "refusing to write the site into {}: {why}",
            output.display()
        ))
        .with_hint("choose a separate folder, e.g. --output public")
        .into())
    };
    if out.parent().is_none() {
        return refuse("it is the file system root");
    }
    if out == root {
        return refuse("it is the site's own folder");
    }
    if root.starts_with(&out) {
        return refuse("it contains the site");
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out.starts_with(root.join(protected)) {
            return refuse(&format!("it is inside the site's {protected}/ folder"));
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    // Resolve `..` and symlinks where the path exists, lexically otherwise.
    if let Ok(c) = abs.canonicalize() {
        return c;
    }
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) if parent.exists() => {
            parent.canonicalize().map(|p| p.join(name)).unwrap_or(out)
        }
        _ => out,
    }
}

/// Where a build writes before the swap.
pub struct Staging {
    /// A folder next to the output (same file system, so the swap is a rename).
    pub dir: PathBuf,
    /// Whether it holds an earlier build's files, to be written over and pruned.
    pub reused: bool,
}

/// The output folder's own name (`public`).
fn folder_name(out: &Path) -> String {
    out.file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned())
}

/// The kept previous output next to `output` (`public` → `.public.previous`).
fn previous_dir(out: &Path) -> PathBuf {
    out.with_file_name(format!(".{}.previous", folder_name(out)))
}

/// Claims the kept previous output as the staging folder, or makes a fresh one.
pub fn staging_dir(output: &Path) -> Result<Staging> {
    let out = absolute(output);
    let parent = out.parent().expect("checked not root").to_path_buf();
    std::fs::create_dir_all(&parent).map_err(|e| Diagnostic::io(&parent, "create folder", &e))?;
    let name = folder_name(&out);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = parent.join(format!(".{name}.staging-{}-{nanos}", std::process::id()));
    let previous = previous_dir(&out);
    // A rename claims it: a second build running at the same time finds it gone.
    if previous.symlink_metadata().is_ok_and(|m| m.is_dir())
        && std::fs::rename(&previous, &dir).is_ok()
    {
        return Ok(Staging { dir, reused: true });
    }
    std::fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, "create folder", &e))?;
    Ok(Staging { dir, reused: false })
}

/// Moves the staging folder into place; the old output becomes the kept previous output.
pub fn swap_into_place(staging: &Path, output: &Path) -> Result<()> {
    let out = absolute(output);
    if !out.exists() {
        return std::fs::rename(staging, &out)
            .map_err(|e| Diagnostic::io(&out, "create", &e).into());
    }
    let previous = previous_dir(&out);
    remove_any(&previous).map_err(|e| Diagnostic::io(&previous, "remove", &e))?;
    std::fs::rename(&out, &previous).map_err(|e| Diagnostic::io(&out, "replace", &e))?;
    if let Err(e) = std::fs::rename(staging, &out) {
        let _ = std::fs::rename(&previous, &out);
        return Err(Diagnostic::io(&out, "replace", &e).into());
    }
    Ok(())
}

/// Gives a failed build's staging folder back as the kept previous output (its files are
/// still worth writing over), or removes it.
pub fn discard_staging(staging: &Staging, output: &Path) {
    let previous = previous_dir(&absolute(output));
    if previous.symlink_metadata().is_err() && std::fs::rename(&staging.dir, &previous).is_ok() {
        return;
    }
    let _ = std::fs::remove_dir_all(&staging.dir);
}

/// Removes a file or folder if there is one.
fn remove_any(path: &Path) -> std::io::Result<()> {
    match path.symlink_metadata() {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Copies theme static files, then the site's `static/` (same names win), then content assets.
/// `style.css` is written as `style.<hash>.css`; returns its site-relative name.
pub fn copy_static(site: &Site, theme: &Theme, writer: &Writer) -> Result<String> {
    let (files, css_name) = static_files(site, theme)?;
    for (rel, bytes) in &files {
        writer.write(rel, bytes)?;
    }
    for asset in &site.assets {
        writer.copy(&asset.source, &asset.relative)?;
    }
    Ok(css_name)
}

/// The fingerprinted stylesheet's site-relative name (`style.<hash>.css`), without writing
/// anything: a preview render of a few pages needs the name, not the files.
pub fn stylesheet_name(site: &Site, theme: &Theme) -> Result<String> {
    static_files(site, theme).map(|(_, css_name)| css_name)
}

/// Theme and site static files by output name, and the stylesheet's fingerprinted name.
fn static_files(site: &Site, theme: &Theme) -> Result<(BTreeMap<String, Vec<u8>>, String)> {
    let mut files: BTreeMap<String, Vec<u8>> = theme
        .folder("static")
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect();
    let site_static = site.root.join("static");
    if site_static.is_dir() {
        for entry in WalkDir::new(&site_static).sort_by_file_name() {
            let entry =
                entry.map_err(|e| Diagnostic::usage(format!("could not read static/: {e}")))?;
            if !entry.file_type().is_file()
                || crate::content::is_editor_temp(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&site_static)
                .expect("under static/");
            let key = crate::text::slash_path(rel);
            let bytes = std::fs::read(entry.path())
                .map_err(|e| Diagnostic::io(entry.path(), "read", &e))?;
            files.insert(key, bytes);
        }
    }
    let mut css_name = String::new();
    if let Some(bytes) = files.remove("style.css") {
        let hash = Sha256::digest(&bytes);
        css_name = format!("style.{}.css", hex(&hash[..5]));
        files.insert(css_name.clone(), bytes);
    }
    Ok((files, css_name))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Collects diagnostics from parallel work, dropping repeats (one broken template fails every page).
fn gather(results: Vec<std::result::Result<(), Error>>) -> Result<()> {
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for r in results {
        if let Err(e) = r {
            for d in e.diagnostics {
                if seen.insert((d.file.clone(), d.line, d.column, d.message.clone())) {
                    all.push(d);
                }
            }
        }
    }
    if all.is_empty() {
        Ok(())
    } else {
        Err(Error::new(all))
    }
}

/// Renders and writes every selected page and section in parallel; the sitemap entries cover all.
pub fn render_content(
    site: &Site,
    renderer: &Renderer,
    writer: &Writer,
    selected: &Selection,
) -> Result<Vec<SitemapEntry>> {
    let pages = (0..site.pages.len()).into_par_iter().map(|i| {
        if !selected.page(i) {
            return Ok(());
        }
        let html = renderer.render_page(site, i)?;
        writer
            .write_page(&site.pages[i].path, &html)
            .map_err(Error::from)
    });
    let sections = (0..site.sections.len()).into_par_iter().map(|i| {
        if !selected.section(i) {
            return Ok(());
        }
        let html = renderer.render_section(site, i)?;
        writer
            .write_page(&site.sections[i].path, &html)
            .map_err(Error::from)
    });
    gather(pages.chain(sections).collect())?;
    let lastmod = |d: &crate::content::Dates| d.updated.or(d.date);
    let mut entries: Vec<SitemapEntry> = site
        .sections
        .iter()
        .map(|s| SitemapEntry {
            path: s.path.clone(),
            lastmod: lastmod(&s.dates),
        })
        .collect();
    entries.extend(site.pages.iter().map(|p| SitemapEntry {
        path: p.path.clone(),
        lastmod: lastmod(&p.dates),
    }));
    Ok(entries)
}

/// Taxonomy list and term pages (the selected ones), term pages in parallel; the sitemap
/// entries cover all.
pub fn render_taxonomies(
    site: &Site,
    renderer: &Renderer,
    writer: &Writer,
    selected: &Selection,
) -> Result<Vec<SitemapEntry>> {
    let mut entries = Vec::new();
    let mut results = Vec::new();
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        let tax_path = format!("{}/", taxonomy.name);
        let term_value = |t: &crate::content::Term| {
            json!({
                "name": t.name,
                "slug": t.slug,
                "url": site.url(&format!("{tax_path}{}/", t.slug)),
                "permalink": site.permalink(&format!("{tax_path}{}/", t.slug)),
                "pages_count": t.pages.len(),
            })
        };
        let tax_value = json!({"name": taxonomy.name, "url": site.url(&tax_path), "permalink": site.permalink(&tax_path)});
        // The list page gets terms without their pages: with every term's page list it held
        // the whole site a second time (+200 MB on 10,000 pages).
        let terms: Vec<serde_json::Value> = taxonomy.terms.iter().map(term_value).collect();
        let mut ctx = renderer.base_context(site, &tax_path, None);
        ctx.insert("taxonomy", &tax_value);
        ctx.insert("terms", &terms);
        if selected.taxonomy(t) {
            results.push(
                renderer
                    .render("taxonomy_list.html", &ctx, None)
                    .and_then(|h| writer.write_page(&tax_path, &h).map_err(Error::from)),
            );
        }
        drop(ctx);
        entries.push(SitemapEntry {
            path: tax_path.clone(),
            lastmod: None,
        });
        // Each term's value (with its page summaries) lives only while its page renders.
        let term_results: Vec<_> = taxonomy
            .terms
            .par_iter()
            .enumerate()
            .filter(|(i, _)| selected.term(t, *i))
            .map(|(_, term)| {
                let path = format!("{tax_path}{}/", term.slug);
                let value = renderer.with_pages(&term_value(term), &term.pages);
                let mut ctx = renderer.base_context(site, &path, None);
                ctx.insert("taxonomy", &tax_value);
                ctx.insert("term", &value);
                renderer
                    .render("taxonomy_single.html", &ctx, None)
                    .and_then(|h| writer.write_page(&path, &h).map_err(Error::from))
            })
            .collect();
        results.extend(term_results);
        for term in &taxonomy.terms {
            let lastmod = term
                .pages
                .iter()
                .filter_map(|&p| site.pages[p].dates.date)
                .max();
            entries.push(SitemapEntry {
                path: format!("{tax_path}{}/", term.slug),
                lastmod,
            });
        }
    }
    gather(results)?;
    Ok(entries)
}

/// `404.html` at the root of the output.
pub fn render_404(site: &Site, renderer: &Renderer, writer: &Writer) -> Result<()> {
    let ctx = renderer.base_context(site, "404.html", None);
    let html = renderer.render("404.html", &ctx, None)?;
    writer
        .write("404.html", html.as_bytes())
        .map_err(Error::from)
}

/// Redirect pages for every alias; an alias may not shadow a real page.
pub fn write_aliases(site: &Site, renderer: &Renderer, writer: &Writer) -> Result<()> {
    let taken: HashSet<&str> = site
        .pages
        .iter()
        .map(|p| p.path.as_str())
        .chain(site.sections.iter().map(|s| s.path.as_str()))
        .collect();
    let mut problems = Vec::new();
    let items = site
        .pages
        .iter()
        .map(|p| (&p.file, &p.meta.aliases, &p.path))
        .chain(
            site.sections
                .iter()
                .map(|s| (&s.file, &s.meta.aliases, &s.path)),
        );
    for (file, aliases, target) in items {
        for alias in aliases {
            let clean = alias.trim_start_matches('/');
            let clean = clean
                .strip_prefix(site.config.base_path().trim_start_matches('/'))
                .unwrap_or(clean);
            if clean.split('/').any(|seg| seg == ".." || seg == ".") || clean.contains('\\') {
                problems.push(
                    Diagnostic::error("bad-alias", format!("alias `{alias}` leaves the site"))
                        .with_file(&file.display)
                        .at_offset(&file.source, file.front_matter_offset + crate::config::key_offset(&file.source[file.front_matter_offset..], "aliases"))
                        .with_hint("write aliases as paths from the site root, e.g. aliases = [\"/vanha-osoite/\"]"),
                );
                continue;
            }
            let (dir_path, file_path) = if clean.ends_with(".html") {
                (clean.to_string(), clean.to_string())
            } else {
                let dir = if clean.is_empty() || clean.ends_with('/') {
                    clean.to_string()
                } else {
                    format!("{clean}/")
                };
                (dir.clone(), format!("{dir}index.html"))
            };
            if taken.contains(dir_path.as_str()) {
                problems.push(
                    Diagnostic::error(
                        "bad-alias",
                        format!("alias `{alias}` is the address of an existing page"),
                    )
                    .with_file(&file.display)
                    .with_hint("remove the alias or move the other page"),
                );
                continue;
            }
            let mut ctx = renderer.base_context(site, &dir_path, None);
            ctx.insert("target_url", &site.permalink(target));
            let html = match renderer.render("redirect.html", &ctx, Some(&file.display)) {
                Ok(h) => h,
                Err(e) => {
                    problems.extend(e.diagnostics);
                    continue;
                }
            };
            if let Err(d) = writer.write(&file_path, html.as_bytes()) {
                problems.push(d);
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::new(problems))
    }
}

fn feed_date(d: chrono::NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

/// An Atom feed (`atom.xml`) of the newest `feed_limit` pages of each selected section with
/// `generate_feed = true`.
pub fn write_feeds(site: &Site, writer: &Writer, selected: &Selection) -> Result<()> {
    let sections = site.sections.iter().enumerate();
    for (_, section) in sections.filter(|(i, s)| s.meta.generate_feed && selected.section(*i)) {
        let pages: Vec<&crate::content::Page> = {
            let mut v: Vec<_> = section.pages.iter().map(|&p| &site.pages[p]).collect();
            v.sort_by(|a, b| {
                b.dates
                    .date
                    .cmp(&a.dates.date)
                    .then_with(|| a.path.cmp(&b.path))
            });
            v.truncate(site.config.feed_limit.max(1));
            v
        };
        let updated = pages
            .iter()
            .filter_map(|p| p.dates.updated.or(p.dates.date))
            .max()
            .or(section.dates.updated.or(section.dates.date))
            .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date"));
        let feed_path = format!("{}atom.xml", section.path);
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml.push_str(&format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
            escape_html(&site.config.language)
        ));
        xml.push_str(&format!(
            "  <title>{} – {}</title>\n",
            escape_html(&section.title),
            escape_html(&site.config.title)
        ));
        if let Some(d) = &section.meta.description {
            xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape_html(d)));
        }
        xml.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape_html(&site.permalink(&feed_path))
        ));
        xml.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape_html(&site.permalink(&section.path))
        ));
        xml.push_str(&format!(
            "  <id>{}</id>\n",
            escape_html(&site.permalink(&feed_path))
        ));
        xml.push_str(&format!("  <updated>{}</updated>\n", feed_date(updated)));
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape_html(&site.config.title)
        ));
        for page in pages {
            let url = site.permalink(&page.path);
            let published = page.dates.date.unwrap_or(updated);
            xml.push_str("  <entry>\n");
            xml.push_str(&format!(
                "    <title>{}</title>\n",
                escape_html(&page.title)
            ));
            xml.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                escape_html(&url)
            ));
            xml.push_str(&format!("    <id>{}</id>\n", escape_html(&url)));
            xml.push_str(&format!(
                "    <published>{}</published>\n",
                feed_date(published)
            ));
            xml.push_str(&format!(
                "    <updated>{}</updated>\n",
                feed_date(page.dates.updated.unwrap_or(published))
            ));
            if let Some(d) = &page.meta.description {
                xml.push_str(&format!("    <summary>{}</summary>\n", escape_html(d)));
            }
            xml.push_str(&format!(
                "    <content type=\"html\">{}</content>\n",
                escape_html(&absolutize(&page.content.html, site))
            ));
            xml.push_str("  </entry>\n");
        }
        xml.push_str("</feed>\n");
        writer.write(&feed_path, xml.as_bytes())?;
    }
    Ok(())
}

/// Feed readers have no page address to resolve root-relative links against.
fn absolutize(html: &str, site: &Site) -> String {
    let base_path = site.config.base_path();
    let origin = site
        .config
        .base_url
        .strip_suffix(base_path.trim_start_matches('/'))
        .unwrap_or(&site.config.base_url);
    let origin = origin.trim_end_matches('/');
    html.replace("href=\"/", &format!("href=\"{origin}/"))
        .replace("src=\"/", &format!("src=\"{origin}/"))
}

/// `sitemap.xml` listing every page.
pub fn write_sitemap(site: &Site, entries: &mut [SitemapEntry], writer: &Writer) -> Result<()> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries.iter() {
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            escape_html(&site.permalink(&e.path))
        ));
        if let Some(d) = e.lastmod {
            xml.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    writer
        .write("sitemap.xml", xml.as_bytes())
        .map_err(Error::from)
}

/// `robots.txt` pointing at the sitemap.
pub fn write_robots(site: &Site, writer: &Writer) -> Result<()> {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.permalink("sitemap.xml")
    );
    writer
        .write("robots.txt", text.as_bytes())
        .map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_dirs() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir(root.join("content")).unwrap();
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("content/../..")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }
}
