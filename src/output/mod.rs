//! Writing the site: every output file goes through the [`Writer`], into a staging folder
//! (`build`), memory (`serve`, `check`) or nothing else; [`staging`] swaps the staging folder
//! into place only when everything succeeded.
//!
//! The replaced output is kept next to it (`.public.previous/`) and the next build writes over
//! its files instead of creating new ones: on ext4, creating a file costs several times more
//! than rewriting one, and far more again while freshly deleted inodes are around (the
//! allocator skips them one by one for a minute or more), so deleting and recreating 100,000
//! pages made up most of a large build's time.

pub mod staging;

pub use staging::{
    MARKER, MARKER_TEXT, Staging, check_output_dir, discard_staging, staging_dir, swap_into_place,
};

use crate::diagnostics::{Diagnostic, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where rendered files go: a folder (`build`) or memory (the preview server, which serves
/// from memory and must not touch the disk on every save).
///
/// A [`Writer::scoped`] handle writes into the same output and also keeps the paths it wrote,
/// so each generator's run tells what it wrote without keeping its own list.
pub struct Writer {
    shared: Arc<Shared>,
    written: Mutex<Vec<String>>,
}

struct Shared {
    target: Target,
    claimed: Mutex<Claimed>,
}

enum Target {
    Folder(PathBuf),
    Memory(Mutex<BTreeMap<String, Vec<u8>>>),
}

/// The site-relative files written so far and the folders they need: one output's file can
/// never be another's folder (`sitemap.xml` and `sitemap.xml/index.html`), or writing the
/// second would destroy the first.
#[derive(Default)]
struct Claimed {
    files: HashSet<String>,
    folders: HashSet<String>,
}

impl Claimed {
    fn claim(&mut self, rel: &str) -> std::result::Result<(), Diagnostic> {
        let conflict = |what: String| {
            Err(Diagnostic::error(
                "unsafe-path",
                format!("refusing to write /{rel}: {what}"),
            )
            .with_hint("two outputs of the site need the same name as a file and as a folder; rename one of them (a `slug`, an alias or a static file)"))
        };
        if self.folders.contains(rel) {
            return conflict("the build already wrote files under a folder of that name".into());
        }
        let mut parent = rel;
        while let Some((up, _)) = parent.rsplit_once('/') {
            if self.files.contains(up) {
                return conflict(format!("the build already wrote /{up} as a file"));
            }
            parent = up;
        }
        let mut parent = rel;
        while let Some((up, _)) = parent.rsplit_once('/') {
            if !self.folders.insert(up.to_string()) {
                break;
            }
            parent = up;
        }
        self.files.insert(rel.to_string());
        Ok(())
    }
}

impl Writer {
    /// A writer into the folder `root`, creating subfolders as needed.
    pub fn new(root: &Path) -> Writer {
        Writer::over(Target::Folder(root.to_path_buf()))
    }

    /// A writer that keeps every file in memory (see [`Writer::into_files`]).
    pub fn in_memory() -> Writer {
        Writer::over(Target::Memory(Mutex::new(BTreeMap::new())))
    }

    fn over(target: Target) -> Writer {
        Writer {
            shared: Arc::new(Shared {
                target,
                claimed: Mutex::default(),
            }),
            written: Mutex::default(),
        }
    }

    /// Another handle onto the same output (same files, same claimed names) whose
    /// [`Writer::take_written`] lists only what was written through it.
    pub fn scoped(&self) -> Writer {
        Writer {
            shared: self.shared.clone(),
            written: Mutex::default(),
        }
    }

    /// The site-relative paths written through this handle so far, in the order written;
    /// the list starts again empty.
    pub fn take_written(&self) -> Vec<String> {
        std::mem::take(&mut *self.written.lock().expect("writer lock"))
    }

    /// The files written into memory, by site-relative path (empty for a folder writer).
    /// Every [`Writer::scoped`] handle must be dropped first.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        let shared = Arc::into_inner(self.shared).expect("a scoped writer outlived its run");
        match shared.target {
            Target::Folder(..) => BTreeMap::new(),
            Target::Memory(files) => files.into_inner().expect("writer lock"),
        }
    }

    /// Writes `bytes` at a site-relative path (`uutiset/index.html`).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> std::result::Result<(), Diagnostic> {
        checked(rel)?;
        self.shared
            .claimed
            .lock()
            .expect("writer lock")
            .claim(rel)?;
        match &self.shared.target {
            Target::Folder(root) => {
                let path = with_folder(root, rel)?;
                if overwrite(&path, bytes).is_err() {
                    // The OS's own reason for the second failure is the one worth reporting.
                    clear_way(&path)
                        .and_then(|()| overwrite(&path, bytes))
                        .map_err(|e| Diagnostic::io(&path, "write", &e))?;
                }
            }
            Target::Memory(files) => {
                files
                    .lock()
                    .expect("writer lock")
                    .insert(rel.to_string(), bytes.to_vec());
            }
        }
        self.written
            .lock()
            .expect("writer lock")
            .push(rel.to_string());
        Ok(())
    }

    /// Copies a file from the site's sources to a site-relative path (through [`Writer::write`],
    /// so a reused output's file is written over the same way).
    pub fn copy(&self, source: &Path, rel: &str) -> std::result::Result<(), Diagnostic> {
        let bytes = std::fs::read(source).map_err(|e| Diagnostic::io(source, "copy", &e))?;
        self.write(rel, &bytes)
    }

    /// Like [`Writer::write`], but refuses a path this writer has already written: redirect
    /// pages come last and must never replace a page, feed or file the build made.
    pub fn write_new(&self, rel: &str, bytes: &[u8]) -> std::result::Result<(), Diagnostic> {
        let taken = self
            .shared
            .claimed
            .lock()
            .expect("writer lock")
            .files
            .contains(rel);
        if taken {
            return Err(Diagnostic::error(
                "unsafe-path",
                format!("refusing to write /{rel} again: the build already wrote a file there"),
            )
            .with_hint("an alias may not have the address of a page or file the site makes; remove the alias"));
        }
        self.write(rel, bytes)
    }

    /// Removes what an earlier build left in the folder and this one did not write. Returns
    /// how many files and folders went.
    pub fn remove_unwritten(&self) -> Result<usize> {
        let Target::Folder(root) = &self.shared.target else {
            return Ok(0);
        };
        let claimed = self.shared.claimed.lock().expect("writer lock");
        prune(root, "", &claimed.files, &claimed.folders)
    }

    /// Writes the HTML of a site path (`uutiset/` → `uutiset/index.html`).
    pub fn write_page(&self, path: &str, html: &str) -> std::result::Result<(), Diagnostic> {
        self.write(&format!("{path}index.html"), html.as_bytes())
    }
}

/// Refuses a site-relative path that could land outside the output or on a name no file
/// system takes ([`crate::site_path::check_file`]); every write starts here.
fn checked(rel: &str) -> std::result::Result<(), Diagnostic> {
    crate::site_path::check_file(rel).map_err(|why| {
        Diagnostic::error(
            "unsafe-path",
            format!("refusing to write the output file `{}`: {why}", rel.escape_debug()),
        )
        .with_hint("every part of an address must be a plain name: check the slugs, folder names and aliases that make it")
    })
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
/// creating a new one. Never follows a link, and never writes into a file linked from
/// elsewhere (a hard link would carry the write out of the output).
fn overwrite(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() || meta.nlink() > 1 {
        return Err(std::io::Error::other("not a file of its own"));
    }
    file.write_all(bytes)?;
    let len = bytes.len() as u64;
    if meta.len() != len {
        file.set_len(len)?;
    }
    Ok(())
}

/// Removes the entries of `dir` (site-relative `rel`, "" for the root) that are neither written
/// files nor folders holding one, looking into the kept folders in parallel.
fn prune(
    dir: &Path,
    rel: &str,
    files: &HashSet<String>,
    folders: &HashSet<String>,
) -> Result<usize> {
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
            staging::remove_any(&path)
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

/// Removes whatever a reused output holds where this build writes a file (a folder, a link,
/// a read-only or shared file), so the write can start fresh.
fn clear_way(path: &Path) -> std::io::Result<()> {
    staging::remove_any(path)
}
