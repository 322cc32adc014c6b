//! Building the preview in memory, so `public/` is never touched and requests never read the
//! disk. The first build and every change to templates, config or the site's shape render
//! everything; an edit of existing pages replaces them in the loaded site
//! ([`update_pages`]) and renders only what shows them ([`crate::generate::touched`]). The search
//! index depends on every page, so after such an edit it is refreshed on a thread of its own
//! and served when ready, off the path from the save to the browser's reload.

use super::plan::{Plan, plan, templates_look_up_pages};
use super::watch::{Batch, Change};
use crate::config::Config;
use crate::content::{LoadOptions, Site, Update, update_pages};
use crate::diagnostics::{Diagnostic, Result};
use crate::generate::Selection;
use crate::output::Writer;
use crate::theme::Theme;
use crate::{Timings, load, render_into, render_search};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// A search index refreshed in the background: the rebuild it belongs to, how long it took and
/// its files (or why it failed).
type Refreshed = (u64, Duration, Result<Files>);

/// Keeps the last good site and its files, and turns edits into new files.
pub struct Rebuilder {
    root: PathBuf,
    load: LoadOptions,
    /// `http://127.0.0.1:PORT` without a path.
    origin: String,
    last: Option<(Arc<Site>, Arc<Files>)>,
    /// The theme the last full render read; a change to templates, static files, a theme or
    /// config renders everything and reads it again.
    theme: Option<Arc<Theme>>,
    /// A change that needs a full render failed to build: render everything until one works.
    full_pending: bool,
    /// Templates pull in other pages (see [`templates_look_up_pages`]): no partial renders.
    lookups: bool,
    /// Counts rebuilds that rendered, so a search refresh finished after a newer one (which
    /// refreshes again itself) is dropped; a save without changes keeps it.
    generation: u64,
    /// Where the background search refresh leaves its result.
    refreshed: Arc<Mutex<Option<Refreshed>>>,
    /// Set when a refresh finished, so the server's builder thread takes it.
    wake: Arc<AtomicBool>,
}

/// A search index refresh that was merged into the served files.
#[derive(Debug, Clone)]
pub struct SearchRefresh {
    /// How long building it took.
    pub took: Duration,
    /// The served files with it.
    pub files: Arc<Files>,
}

impl Rebuilder {
    /// A rebuilder for the site in `root`, served at `origin` (`http://127.0.0.1:1111`).
    /// `wake` is set whenever a background search refresh is ready for [`Rebuilder::take_search`].
    pub fn new(root: &Path, load: LoadOptions, origin: &str, wake: Arc<AtomicBool>) -> Rebuilder {
        Rebuilder {
            root: root.to_path_buf(),
            load,
            origin: origin.trim_end_matches('/').to_string(),
            last: None,
            theme: None,
            full_pending: false,
            lookups: false,
            generation: 0,
            refreshed: Arc::new(Mutex::new(None)),
            wake,
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

    /// Renders what `batch` changed. An edit of existing pages only is applied to the loaded
    /// site; anything else loads the site again and compares. On error the last good site and
    /// files stay.
    pub fn rebuild(&mut self, batch: &Batch) -> Result<RebuildReport> {
        let start = Instant::now();
        self.full_pending |= batch.change == Change::Full;
        let mut timings = Timings::default();
        let mut declined = None;
        if !self.full_pending && !self.lookups {
            if let (Some((site, files)), Some(theme)) = (&mut self.last, &self.theme) {
                // Copies the site only while a search refresh still reads the previous version.
                let site_mut = Arc::make_mut(site);
                let options = self.load.clone();
                let paths: Vec<String> = batch.files.iter().cloned().collect();
                let update =
                    timings.time("update pages", || update_pages(site_mut, &paths, &options));
                match update {
                    Update::Unchanged => {
                        return Ok(report(
                            RebuildKind::Unchanged,
                            None,
                            site,
                            vec![],
                            start,
                            timings,
                        ));
                    }
                    Update::Applied(changes) => {
                        self.generation += 1;
                        let selection = crate::generate::touched(site, &changes);
                        let fresh = match render_to_memory(site, theme, &selection, &mut timings) {
                            Ok(f) => f,
                            Err(e) => {
                                // The loaded site holds the edit that failed: start afresh.
                                self.full_pending = true;
                                return Err(e);
                            }
                        };
                        let written = merge(files, fresh, &mut timings);
                        let site = site.clone();
                        self.refresh_search(&site, theme);
                        return Ok(report(
                            RebuildKind::Partial,
                            None,
                            &site,
                            written,
                            start,
                            timings,
                        ));
                    }
                    Update::Declined(why) => declined = Some(why),
                }
            }
        }
        self.reload(declined, start, timings)
    }

    /// Loads the whole site again and renders what changed against the last good load.
    fn reload(
        &mut self,
        declined: Option<&'static str>,
        start: Instant,
        mut timings: Timings,
    ) -> Result<RebuildReport> {
        let content_only = !self.full_pending;
        let base_url = self.base_url()?;
        let site = Arc::new(load(&self.root, Some(&base_url), &self.load, &mut timings)?);
        let theme = match &self.theme {
            Some(theme) if content_only => theme.clone(),
            _ => {
                let theme =
                    timings.time("read theme", || Theme::load(&site.root, &site.config.theme))?;
                Arc::new(theme)
            }
        };
        let (kind, reason, selection) = timings.time("plan", || match (&self.last, content_only) {
            (Some((old, _)), true) => match plan(old, &site) {
                Plan::Nothing => (RebuildKind::Unchanged, declined, None),
                Plan::Full(why) => (RebuildKind::Full, Some(why), Some(Selection::All)),
                Plan::Partial(_) if self.lookups => (
                    RebuildKind::Full,
                    Some("a template looks up other pages with get_page or get_section"),
                    Some(Selection::All),
                ),
                Plan::Partial(s) => (RebuildKind::Partial, declined, Some(s)),
            },
            _ => (RebuildKind::Full, None, Some(Selection::All)),
        });
        if !content_only || self.last.is_none() {
            // Templates only change with a full rebuild: look at them again then.
            self.lookups =
                timings.time("scan templates", || templates_look_up_pages(&site, &theme));
        }
        let mut written = Vec::new();
        if let Some(selection) = selection {
            self.generation += 1;
            let fresh = render_to_memory(&site, &theme, &selection, &mut timings)?;
            let mut files = match (&self.last, kind) {
                (Some((_, old)), RebuildKind::Partial) => old.clone(),
                _ => Arc::new(Files::new()),
            };
            written = merge(&mut files, fresh, &mut timings);
            let previous = self.last.replace((site.clone(), files));
            // Freeing a big site takes a while; do it off the path to the browser's reload.
            std::thread::spawn(move || drop(previous));
            if kind == RebuildKind::Partial {
                self.refresh_search(&site, &theme);
            }
        } else if let Some((_, files)) = self.last.take() {
            // Keep the served files, but remember the new load (same outputs, new sources).
            self.last = Some((site.clone(), files));
        }
        self.theme = Some(theme);
        self.full_pending = false;
        Ok(report(kind, reason, &site, written, start, timings))
    }

    /// Builds the search index of `site` on a thread of its own, with one core so the next
    /// edit's render keeps the other, and wakes the server's builder thread when done.
    fn refresh_search(&self, site: &Arc<Site>, theme: &Arc<Theme>) {
        let site = site.clone();
        let theme = theme.clone();
        let generation = self.generation;
        let slot = self.refreshed.clone();
        let wake = self.wake.clone();
        std::thread::spawn(move || {
            let start = Instant::now();
            // A copy of its own, so the next edit can change the loaded site in place instead
            // of copying it while the index is built.
            let copy = Arc::new(Site::clone(&site));
            drop(site);
            let site = copy;
            let files = rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .map_err(|e| Diagnostic::usage(format!("could not start a thread: {e}")).into())
                .and_then(|pool| {
                    pool.install(|| {
                        let writer = Writer::in_memory();
                        render_search(&site, &theme, &writer, true, &mut Timings::default())?;
                        Ok(to_files(writer))
                    })
                });
            drop(site);
            *slot.lock().expect("search slot") = Some((generation, start.elapsed(), files));
            wake.store(true, Ordering::SeqCst);
        });
    }

    /// Merges a finished search refresh into the served files, unless a newer rebuild started
    /// since (it refreshes again itself) or the refresh failed (the next full build reports it).
    pub fn take_search(&mut self) -> Option<SearchRefresh> {
        let (generation, took, files) = self.refreshed.lock().expect("search slot").take()?;
        let fresh = files.ok()?;
        if generation != self.generation {
            return None;
        }
        let (_, files) = self.last.as_mut()?;
        Arc::make_mut(files).extend(fresh);
        Some(SearchRefresh {
            took,
            files: files.clone(),
        })
    }
}

/// Adds freshly rendered files to the served ones; returns the written paths, sorted.
fn merge(files: &mut Arc<Files>, fresh: Files, timings: &mut Timings) -> Vec<String> {
    timings.time("merge into served files", || {
        let mut written: Vec<String> = fresh.keys().cloned().collect();
        written.sort();
        // Copies the map only while a request still holds the previous snapshot.
        Arc::make_mut(files).extend(fresh);
        written
    })
}

fn report(
    kind: RebuildKind,
    reason: Option<&'static str>,
    site: &Site,
    written: Vec<String>,
    start: Instant,
    timings: Timings,
) -> RebuildReport {
    RebuildReport {
        kind,
        reason,
        written,
        pages: site.pages.len() + site.sections.len(),
        warnings: site.warnings.clone(),
        took: start.elapsed(),
        timings,
    }
}

/// Renders the selection into memory.
fn render_to_memory(
    site: &Arc<Site>,
    theme: &Theme,
    selection: &Selection,
    timings: &mut Timings,
) -> Result<Files> {
    let writer = Writer::in_memory();
    render_into(site, theme, &writer, true, selection, timings)?;
    Ok(timings.time("hand over files", || to_files(writer)))
}

fn to_files(writer: Writer) -> Files {
    writer
        .into_files()
        .into_iter()
        .map(|(k, v)| (k, Arc::from(v)))
        .collect()
}
