//! Building the preview: the whole pipeline into a private temporary folder whose files are then
//! held in memory, so `public/` is never touched and requests never read the disk.

use super::plan::{Plan, plan, templates_look_up_pages};
use crate::config::Config;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Result};
use crate::output::Selection;
use crate::{Timings, load, render_site_selected};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use walkdir::WalkDir;

/// The served files: site-relative path (`uutiset/index.html`) to bytes.
pub type Files = HashMap<String, Arc<[u8]>>;

/// How much a rebuild rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildKind {
    /// Everything.
    Full,
    /// Only the changed pages and what lists them, plus the whole-site outputs.
    Partial,
    /// Nothing changed; the served site stays as it is and browsers are not reloaded.
    Unchanged,
}

/// What one successful rebuild did.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    /// Full, partial or nothing.
    pub kind: RebuildKind,
    /// Why a full render was needed, when the edit was content only.
    pub reason: Option<&'static str>,
    /// Every file written by this rebuild, sorted (site-relative).
    pub written: Vec<String>,
    /// Pages and sections in the site.
    pub pages: usize,
    /// Warnings from loading.
    pub warnings: Vec<Diagnostic>,
    /// Load plus render plus reading back.
    pub took: Duration,
    /// Time per pipeline step.
    pub timings: Timings,
}

/// Keeps the last good site and its files, and turns edits into new files.
pub struct Rebuilder {
    root: PathBuf,
    drafts: bool,
    /// `http://127.0.0.1:PORT` without a path.
    origin: String,
    last: Option<(Site, Arc<Files>)>,
    /// A change that needs a full render failed to build: render everything until one works.
    full_pending: bool,
    /// Templates pull in other pages (see [`templates_look_up_pages`]): no partial renders.
    lookups: bool,
}

impl Rebuilder {
    /// A rebuilder for the site in `root`, served at `origin` (`http://127.0.0.1:1111`).
    pub fn new(root: &Path, drafts: bool, origin: &str) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            drafts,
            origin: origin.trim_end_matches('/').to_string(),
            last: None,
            full_pending: false,
            lookups: false,
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> Option<Arc<Files>> {
        self.last.as_ref().map(|(_, f)| f.clone())
    }

    /// The base path of the last good build (`/jarjestot/`), or of the config if it reads.
    pub fn base_path(&self) -> String {
        match &self.last {
            Some((site, _)) => site.config.base_path().to_string(),
            None => Config::load(&self.root)
                .map(|c| c.base_path().to_string())
                .unwrap_or_else(|_| "/".into()),
        }
    }

    /// The base URL the site is built for: the server's origin plus the configured sub-path.
    pub fn base_url(&self) -> Result<String> {
        let config = Config::load(&self.root)?;
        Ok(format!("{}{}", self.origin, config.base_path()))
    }

    /// Loads the site again and renders what changed. `content_only` says every edited file
    /// was a Markdown file under `content/`; otherwise (templates, config, theme, static files)
    /// everything is rendered. On error the last good site stays.
    pub fn rebuild(&mut self, content_only: bool) -> Result<RebuildReport> {
        let start = Instant::now();
        self.full_pending |= !content_only;
        let content_only = !self.full_pending;
        let mut timings = Timings::default();
        let base_url = self.base_url()?;
        let site = load(&self.root, Some(&base_url), self.drafts, &mut timings)?;
        let (kind, reason, selection) = timings.time("plan", || match (&self.last, content_only) {
            (Some((old, _)), true) => match plan(old, &site) {
                Plan::Nothing => (RebuildKind::Unchanged, None, None),
                Plan::Full(why) => (RebuildKind::Full, Some(why), Some(Selection::All)),
                Plan::Partial(_) if self.lookups => (
                    RebuildKind::Full,
                    Some("a template looks up other pages with get_page or get_section"),
                    Some(Selection::All),
                ),
                Plan::Partial(s) => (RebuildKind::Partial, None, Some(s)),
            },
            _ => (RebuildKind::Full, None, Some(Selection::All)),
        });
        if !content_only || self.last.is_none() {
            // Templates only change with a full rebuild: look at them again then.
            self.lookups = timings.time("scan templates", || templates_look_up_pages(&site));
        }
        let pages = site.pages.len() + site.sections.len();
        let warnings = site.warnings.clone();
        let mut written = Vec::new();
        if let Some(selection) = selection {
            let fresh = render_to_memory(&site, &selection, &mut timings)?;
            written = timings.time("list written files", || fresh.keys().cloned().collect());
            written.sort();
            let files = timings.time("merge into served files", || match (&self.last, kind) {
                (Some((_, old)), RebuildKind::Partial) => {
                    let mut files = Files::clone(old);
                    files.extend(fresh);
                    files
                }
                _ => fresh,
            });
            let previous = self.last.replace((site, Arc::new(files)));
            // Freeing a big site takes a while; do it off the path to the browser's reload.
            std::thread::spawn(move || drop(previous));
        } else if let Some((_, files)) = self.last.take() {
            // Keep the served files, but remember the new load (same outputs, new sources).
            self.last = Some((site, files));
        }
        self.full_pending = false;
        Ok(RebuildReport {
            kind,
            reason,
            written,
            pages,
            warnings,
            took: start.elapsed(),
            timings,
        })
    }
}

/// Renders into a private temporary folder and reads the result into memory.
fn render_to_memory(site: &Site, selection: &Selection, timings: &mut Timings) -> Result<Files> {
    let dir = PrivateDir::new()?;
    render_site_selected(site, &dir.0, true, selection, timings)?;
    timings.time("read into memory", || read_tree(&dir.0))
}

fn read_tree(dir: &Path) -> Result<Files> {
    let mut files = Files::new();
    for entry in WalkDir::new(dir) {
        let entry =
            entry.map_err(|e| Diagnostic::usage(format!("could not read the preview: {e}")))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).expect("under the folder");
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Diagnostic::io(entry.path(), "read", &e))?;
        files.insert(key, bytes.into());
    }
    Ok(files)
}

/// A fresh folder under the system's temporary folder, removed when dropped.
struct PrivateDir(PathBuf);

impl PrivateDir {
    fn new() -> Result<PrivateDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "kumppani-serve-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, "create folder", &e))?;
        Ok(PrivateDir(dir))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
