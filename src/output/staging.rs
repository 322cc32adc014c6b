//! The staging folder next to the output, reuse of the previous output, and the swap: the
//! previous output is only replaced after everything rendered and was written, so a failed
//! build leaves `public/` exactly as it was.

use crate::diagnostics::{Diagnostic, Result};
use std::path::{Path, PathBuf};

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
        assert!(check_output_dir(root, Path::new("/")).is_err());
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("content/../..")).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }
}
