//! The staging folder next to the output, reuse of the previous output, and the swap: the
//! previous output is only replaced after everything rendered and was written, so a failed
//! build leaves `public/` exactly as it was.
//!
//! Three things keep a build from destroying what it should not: the output must be a folder
//! this program made (it carries [`MARKER`]) unless `--force` says otherwise; one build at a
//! time holds the output's lock file; and the kept previous output is never written through a
//! link (links and special files in it are removed before it is reused).

use crate::diagnostics::{Diagnostic, Result};
use std::fs::File;
use std::path::{Path, PathBuf};

/// The file every output folder carries: its presence says the folder is ours to replace.
pub const MARKER: &str = ".kumppani-output";

/// What [`MARKER`] says to someone who finds it.
pub const MARKER_TEXT: &str = "This folder is written by `kumppani build` and replaced by every \
build. Do not keep your own files here.\nTämän kansion kirjoittaa `kumppani build`, ja jokainen \
koonti korvaa sen. Älä säilytä täällä omia tiedostojasi.\n";

/// Folders that are never an output, `--force` or not: replacing them breaks the system.
const SYSTEM_FOLDERS: &[&str] = &[
    "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/opt", "/proc", "/root",
    "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/var/www", "/mnt", "/media",
];

/// Refuses outputs whose replacement would destroy something. Always refused: the file system
/// root, system folders, the home folder, the site itself or a folder containing it, the site's
/// sources and `config.toml`, and anything that is neither a file nor a folder (`/dev/null`).
/// Refused unless `force`: an existing file, and an existing folder with files that does not
/// carry [`MARKER`] (the site's default `public/` excepted: builds before the marker existed
/// wrote it).
pub fn check_output_dir(site_root: &Path, output: &Path, force: bool) -> Result<()> {
    let root = absolute(site_root);
    let out = absolute(output);
    let refuse = |why: String, hint: &str| -> Result<()> {
        Err(Diagnostic::usage(format!(
            "refusing to write the site into {}: {why}",
            output.display()
        ))
        .with_hint(hint.to_string())
        .into())
    };
    let separate = "choose a separate folder for the website, e.g. --output public";
    if out.parent().is_none() {
        return refuse("it is the file system root".into(), separate);
    }
    let home = std::env::var_os("HOME").map(|h| absolute(Path::new(&h)));
    // Kernel and device trees; /dev/shm is ordinary memory-backed storage.
    let kernel = ["/proc", "/sys", "/dev"].iter().any(|k| out.starts_with(k))
        && !out.starts_with("/dev/shm");
    if kernel || SYSTEM_FOLDERS.iter().any(|s| out == Path::new(s)) || home.as_deref() == Some(&out)
    {
        return refuse("it is a system folder".into(), separate);
    }
    if out == root {
        return refuse("it is the site's own folder".into(), separate);
    }
    if root.starts_with(&out) {
        return refuse("it contains the site".into(), separate);
    }
    for protected in ["content", "themes", "templates", "static", "config.toml"] {
        if out.starts_with(root.join(protected)) {
            return refuse(format!("it is the site's {protected}"), separate);
        }
    }
    let Ok(meta) = output.symlink_metadata() else {
        return Ok(());
    };
    let force_hint = "choose a new or empty folder, or add --force to replace it (everything in \
                      it is lost)";
    if meta.file_type().is_symlink() {
        return refuse(
            format!("it is a link to {}", out.display()),
            "give the folder the link points to as --output",
        );
    }
    if meta.is_file() {
        if force {
            return Ok(());
        }
        return refuse("it is an existing file".into(), force_hint);
    }
    if !meta.is_dir() {
        return refuse(
            "it is neither a file nor a folder".into(),
            "choose a folder for the website, e.g. --output public",
        );
    }
    if force || out.join(MARKER).is_file() || out == root.join("public") {
        return Ok(());
    }
    let empty = std::fs::read_dir(&out)
        .map_err(|e| Diagnostic::io(&out, "read", &e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    refuse(
        format!("the folder has files that kumppani did not write (no {MARKER} in it)"),
        force_hint,
    )
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

/// Where a build writes before the swap. Holds the output's lock until dropped.
pub struct Staging {
    /// A folder next to the output (same file system, so the swap is a rename).
    pub dir: PathBuf,
    /// Whether it holds an earlier build's files, to be written over and pruned.
    pub reused: bool,
    /// Why the kept previous output could not be reused, when it could not.
    pub warning: Option<Diagnostic>,
    _lock: File,
}

/// The output folder's own name (`public`).
fn folder_name(out: &Path) -> String {
    out.file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned())
}

/// A sibling of the output: `public` → `.public.<suffix>`.
fn sibling(out: &Path, suffix: &str) -> PathBuf {
    out.with_file_name(format!(".{}.{suffix}", folder_name(out)))
}

/// The kept previous output next to `output` (`public` → `.public.previous`).
fn previous_dir(out: &Path) -> PathBuf {
    sibling(out, "previous")
}

/// Takes the output's lock, removes what killed builds left, and claims the kept previous
/// output as the staging folder (or makes a fresh one).
pub fn staging_dir(output: &Path) -> Result<Staging> {
    let out = absolute(output);
    let parent = out.parent().expect("checked not root").to_path_buf();
    std::fs::create_dir_all(&parent).map_err(|e| Diagnostic::io(&parent, "create folder", &e))?;
    let lock = lock(&sibling(&out, "lock"))?;
    remove_stale(&parent, &format!(".{}.staging-", folder_name(&out)));
    let dir = parent.join(format!(
        ".{}.staging-{}",
        folder_name(&out),
        std::process::id()
    ));
    let previous = previous_dir(&out);
    let mut warning = None;
    if previous.symlink_metadata().is_ok_and(|m| m.is_dir()) {
        match make_reusable(&previous) {
            Ok(()) => {
                std::fs::rename(&previous, &dir)
                    .map_err(|e| Diagnostic::io(&previous, "reuse", &e))?;
                return Ok(Staging {
                    dir,
                    reused: true,
                    warning: None,
                    _lock: lock,
                });
            }
            Err(why) => {
                warning = Some(
                    Diagnostic::warning(
                        "output-not-reused",
                        format!(
                            "the previous output {} could not be reused ({why}); building a \
                             fresh one",
                            previous.display()
                        ),
                    )
                    .with_hint(format!(
                        "check the permissions of {}; it can be deleted",
                        previous.display()
                    )),
                );
                set_aside(&previous, &out);
            }
        }
    }
    std::fs::create_dir(&dir).map_err(|e| Diagnostic::io(&dir, "create folder", &e))?;
    Ok(Staging {
        dir,
        reused: false,
        warning,
        _lock: lock,
    })
}

/// Holds an exclusive lock on `path` (created if missing) until the file is dropped, so two
/// builds into one output cannot interleave: the second waits for the first.
fn lock(path: &Path) -> Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| Diagnostic::io(path, "open the lock file", &e))?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
    // SAFETY: flock on a descriptor this function owns; no memory is shared.
    if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        eprintln!(
            "Waiting for another build into the same folder to finish ({})",
            path.display()
        );
        // SAFETY: as above.
        if unsafe { libc::flock(fd, libc::LOCK_EX) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(Diagnostic::io(path, "lock", &e).into());
        }
    }
    Ok(file)
}

/// Removes staging folders of builds that died: while this process holds the lock, no other
/// build is writing one.
fn remove_stale(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(prefix) {
            let _ = remove_any(&entry.path());
        }
    }
}

/// Prepares the kept previous output to be written over: links and special files go (a write
/// must never follow a link out of the output, and opening a FIFO would hang), and every
/// folder must be writable. Returns why it cannot be reused.
fn make_reusable(dir: &Path) -> std::result::Result<(), String> {
    use rayon::prelude::*;
    if !writable(dir) {
        return Err(format!("{} is not writable", dir.display()));
    }
    let listing = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut folders = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        // The kind comes with the listing on Linux: no extra call per file.
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        if kind.is_dir() {
            folders.push(entry.path());
        } else if !kind.is_file() {
            std::fs::remove_file(entry.path())
                .map_err(|e| format!("could not remove {}: {e}", entry.path().display()))?;
        }
    }
    // Folders side by side, as the pruning after the build does: a large output has one per page.
    folders.par_iter().try_for_each(|f| make_reusable(f))
}

fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path that lives across the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Moves an unusable kept output out of the way and removes what of it can be removed.
fn set_aside(previous: &Path, out: &Path) {
    let aside = sibling(out, &format!("staging-{}-old", std::process::id()));
    let target = if std::fs::rename(previous, &aside).is_ok() {
        aside
    } else {
        previous.to_path_buf()
    };
    let _ = remove_any(&target);
}

/// Moves the staging folder into place; the old output becomes the kept previous output.
/// On Linux the two trade places in one step, so the output is never missing, not even when
/// the process is killed halfway.
pub fn swap_into_place(staging: &Path, output: &Path) -> Result<()> {
    let out = absolute(output);
    if out.symlink_metadata().is_err() {
        return std::fs::rename(staging, &out)
            .map_err(|e| Diagnostic::io(&out, "create", &e).into());
    }
    let previous = previous_dir(&out);
    remove_any(&previous).map_err(|e| Diagnostic::io(&previous, "remove", &e))?;
    match exchange(staging, &out) {
        Ok(()) => {
            // The old output now sits at the staging path.
            let _ = std::fs::rename(staging, &previous);
            return Ok(());
        }
        Err(e) if !exchange_unsupported(&e) => {
            return Err(Diagnostic::io(&out, "replace", &e).into());
        }
        Err(_) => {}
    }
    std::fs::rename(&out, &previous).map_err(|e| Diagnostic::io(&out, "replace", &e))?;
    if let Err(e) = std::fs::rename(staging, &out) {
        let _ = std::fs::rename(&previous, &out);
        return Err(Diagnostic::io(&out, "replace", &e).into());
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let a = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both paths are valid NUL-terminated strings that live across the call; the
    // raw syscall avoids depending on the C library's wrapper (glibc ≥ 2.28 only).
    let rc = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

/// Whether the file system or kernel cannot exchange, so two renames must do.
fn exchange_unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported
        || matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP)
        )
}

/// Gives a failed build's staging folder back as the kept previous output (its files are
/// still worth writing over), or removes it.
pub fn discard_staging(staging: &Staging, output: &Path) {
    let previous = previous_dir(&absolute(output));
    if previous.symlink_metadata().is_err() && std::fs::rename(&staging.dir, &previous).is_ok() {
        return;
    }
    let _ = remove_any(&staging.dir);
}

/// Removes a file or folder if there is one.
pub(crate) fn remove_any(path: &Path) -> std::io::Result<()> {
    match path.symlink_metadata() {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_dirs() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir(root.join("content")).unwrap();
        std::fs::write(root.join("config.toml"), "").unwrap();
        for force in [false, true] {
            assert!(check_output_dir(root, Path::new("/"), force).is_err());
            assert!(check_output_dir(root, Path::new("/etc"), force).is_err());
            assert!(check_output_dir(root, Path::new("/dev/null"), force).is_err());
            assert!(check_output_dir(root, Path::new("/proc/1/x"), force).is_err());
            assert!(check_output_dir(root, Path::new("/dev/sda1/x"), force).is_err());
            assert!(check_output_dir(root, root, force).is_err());
            assert!(check_output_dir(root, &root.join("content"), force).is_err());
            assert!(check_output_dir(root, &root.join("config.toml"), force).is_err());
            assert!(check_output_dir(root, root.parent().unwrap(), force).is_err());
            assert!(check_output_dir(root, &root.join("content/../.."), force).is_err());
            assert!(check_output_dir(root, &root.join("public"), force).is_ok());
        }
    }

    #[test]
    fn refuses_foreign_files_and_folders_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir(&root).unwrap();
        let notes = dir.path().join("notes.txt");
        std::fs::write(&notes, "mine").unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        std::fs::write(docs.join("letter.odt"), "mine").unwrap();
        let ours = dir.path().join("ours");
        std::fs::create_dir(&ours).unwrap();
        std::fs::write(ours.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(ours.join("index.html"), "").unwrap();
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        for path in [&notes, &docs] {
            let err = check_output_dir(&root, path, false).unwrap_err();
            assert_eq!(err.exit_code(), 2);
            assert!(err.render().contains("--force"), "{}", err.render());
            assert!(check_output_dir(&root, path, true).is_ok());
        }
        assert!(check_output_dir(&root, &ours, false).is_ok());
        assert!(check_output_dir(&root, &empty, false).is_ok());
        assert!(check_output_dir(&root, &dir.path().join("new"), false).is_ok());
    }

    #[test]
    fn reuse_removes_links_and_stale_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let previous = previous_dir(&out);
        std::fs::create_dir_all(previous.join("a")).unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, previous.join("a/index.html")).unwrap();
        std::os::unix::fs::symlink(dir.path(), previous.join("b")).unwrap();
        let stale = dir.path().join(".public.staging-999999");
        std::fs::create_dir(&stale).unwrap();
        let staging = staging_dir(&out).unwrap();
        assert!(staging.reused);
        assert!(!stale.exists());
        assert!(staging.dir.join("a").is_dir());
        assert!(staging.dir.join("a/index.html").symlink_metadata().is_err());
        assert!(staging.dir.join("b").symlink_metadata().is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }

    #[test]
    fn swap_exchanges_and_keeps_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("old"), "").unwrap();
        let staging = staging_dir(&out).unwrap();
        std::fs::write(staging.dir.join("new"), "").unwrap();
        swap_into_place(&staging.dir, &out).unwrap();
        assert!(out.join("new").exists());
        assert!(previous_dir(&out).join("old").exists());
        assert!(!staging.dir.exists());
    }
}
