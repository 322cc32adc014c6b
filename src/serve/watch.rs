//! Watching the site's files: notify events, filtered (editor swap files, backups and probes,
//! output folders) and debounced into one change per save, whatever the editor's save pattern
//! (write in place, write a temp file then rename, delete then create).

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use std::collections::{BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// A debounced batch of changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// What the batch requires.
    pub change: Change,
    /// The Markdown files under `content/` that changed, as `@/` paths (`uutiset/avaus.md`).
    pub files: BTreeSet<String>,
}

/// What the builder thread waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Files changed.
    Changed(Batch),
    /// Someone set the wake flag (a background search refresh finished).
    Woken,
}

/// Folders under the site root whose changes matter.
const WATCHED_DIRS: [&str; 4] = ["content", "templates", "static", "themes"];

/// A save usually arrives as several events within a few milliseconds; wait this long for quiet.
const QUIET: Duration = Duration::from_millis(40);
/// …but never longer than this (a big `git checkout` keeps the stream busy).
const MAX_WAIT: Duration = Duration::from_millis(400);

/// How much a batch of file events requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// Only Markdown files under `content/`: an incremental rebuild may do.
    Content,
    /// Config, templates, theme, static files or content assets: render everything.
    Full,
}

/// What an event on `path` means, if anything. `root` is the canonical site root.
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let names: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(n) => n.to_string_lossy().into_owned(),
            _ => String::new(),
        })
        .collect();
    // Swap files, `~` backups, vim's `4913` probe, hidden folders (.git) are never the site.
    if names.is_empty()
        || names
            .iter()
            .any(|n| n.is_empty() || crate::content::is_editor_temp(n))
    {
        return None;
    }
    match names[0].as_str() {
        "config.toml" if names.len() == 1 => Some(Change::Full),
        "content" if names.len() > 1 && names[names.len() - 1].ends_with(".md") => {
            Some(Change::Content)
        }
        "content" | "templates" | "static" | "themes" => Some(Change::Full),
        _ => None,
    }
}

/// A notify watcher on the site root (not recursive: `config.toml` and new folders) and on each
/// watched folder (recursive).
pub struct Watch {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    watched: HashSet<PathBuf>,
}

impl Watch {
    /// Starts watching `root` (canonical).
    pub fn new(root: &Path) -> notify::Result<Watch> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut watch = Watch {
            root: root.to_path_buf(),
            watcher,
            events,
            watched: HashSet::new(),
        };
        for dir in WATCHED_DIRS {
            watch.rewatch(&root.join(dir));
        }
        Ok(watch)
    }

    /// (Re)starts the recursive watch on a watched folder that appeared, was replaced or went.
    fn rewatch(&mut self, dir: &Path) {
        if self.watched.remove(dir) {
            let _ = self.watcher.unwatch(dir);
        }
        if dir.is_dir() && self.watcher.watch(dir, RecursiveMode::Recursive).is_ok() {
            self.watched.insert(dir.to_path_buf());
        }
    }

    /// What one event requires, adding changed content files to `files`; also keeps the
    /// folder watches current.
    fn consider(
        &mut self,
        event: notify::Result<Event>,
        files: &mut BTreeSet<String>,
    ) -> Option<Change> {
        let event = event.ok()?;
        // Reads and closes do not change anything (inotify reports them too).
        if matches!(event.kind, EventKind::Access(_)) {
            return None;
        }
        let mut change = None;
        for path in &event.paths {
            if path.parent() == Some(self.root.as_path())
                && WATCHED_DIRS.iter().any(|d| path.ends_with(d))
            {
                self.rewatch(&path.clone());
            }
            let kind = classify(&self.root, path);
            if kind == Some(Change::Content) {
                if let Ok(rel) = path.strip_prefix(self.root.join("content")) {
                    files.insert(crate::text::slash_path(rel));
                }
            }
            change = change.max(kind);
        }
        change
    }

    /// Blocks until a debounced batch of relevant changes arrived or `wake` was set (and clears
    /// it); `None` once `stop` is set.
    pub fn next(&mut self, stop: &AtomicBool, wake: &AtomicBool) -> Option<Next> {
        let mut pending: Option<Change> = None;
        let mut files = BTreeSet::new();
        let batch =
            |change: Change, files: BTreeSet<String>| Next::Changed(Batch { change, files });
        let mut first = Instant::now();
        loop {
            if stop.load(Ordering::SeqCst) {
                return None;
            }
            if pending.is_none() && wake.swap(false, Ordering::SeqCst) {
                return Some(Next::Woken);
            }
            let wait = if pending.is_some() {
                QUIET
            } else {
                Duration::from_millis(100)
            };
            match self.events.recv_timeout(wait) {
                Ok(event) => {
                    if let Some(c) = self.consider(event, &mut files) {
                        if pending.is_none() {
                            first = Instant::now();
                        }
                        pending = pending.max(Some(c));
                    }
                    if let Some(change) = pending.filter(|_| first.elapsed() >= MAX_WAIT) {
                        return Some(batch(change, files));
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(change) = pending {
                        return Some(batch(change, files));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_editor_patterns() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("content/uutiset/avaus.md"), Some(Change::Content));
        assert_eq!(c("content/uutiset/.avaus.md.swp"), None);
        assert_eq!(c("content/uutiset/avaus.md~"), None);
        assert_eq!(c("content/uutiset/4913"), None);
        assert_eq!(c("content/.#avaus.md"), None);
        assert_eq!(c("content/uutiset/kuva.jpg"), Some(Change::Full));
        assert_eq!(c("content/uutiset"), Some(Change::Full));
        assert_eq!(c("config.toml"), Some(Change::Full));
        assert_eq!(c("templates/page.html"), Some(Change::Full));
        assert_eq!(c("themes/kumppani/static/style.css"), Some(Change::Full));
        assert_eq!(c("public/index.html"), None);
        assert_eq!(c(".git/index"), None);
        assert_eq!(c("README.md"), None);
        assert_eq!(classify(root, Path::new("/elsewhere/content/a.md")), None);
    }
}
