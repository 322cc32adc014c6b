//! The theme's `static/` files, then the site's `static/` (same names win), then the files
//! next to content pages, copied as they are. `style.css` is written as `style.<hash>.css`, so
//! browsers can keep it until it changes; every page links the fingerprinted name.

use super::{Generator, Run, full_render_only, lists_nothing, touches_nothing};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Result};
use crate::theme::Theme;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use walkdir::WalkDir;

/// Copies the static files and the content's files.
pub const GENERATOR: Generator = Generator {
    name: "copy static files",
    lists: lists_nothing,
    runs: full_render_only,
    run,
    touches: touches_nothing,
};

/// The static files by output name, read before any page is rendered: every page needs the
/// stylesheet's name.
pub struct StaticFiles {
    files: BTreeMap<String, Vec<u8>>,
    /// The stylesheet's site-relative name (`style.<hash>.css`; empty without a stylesheet).
    pub stylesheet: String,
}

impl StaticFiles {
    /// Reads the theme's and the site's static files.
    pub fn read(site: &Site, theme: &Theme) -> Result<StaticFiles> {
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
        let mut stylesheet = String::new();
        if let Some(bytes) = files.remove("style.css") {
            let hash = Sha256::digest(&bytes);
            stylesheet = format!("style.{}.css", hex(&hash[..5]));
            files.insert(stylesheet.clone(), bytes);
        }
        Ok(StaticFiles { files, stylesheet })
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn run(run: &Run<'_>) -> Result<()> {
    for (rel, bytes) in &run.statics.files {
        run.writer.write(rel, bytes)?;
    }
    for asset in &run.site.assets {
        run.writer.copy(&asset.source, &asset.relative)?;
    }
    Ok(())
}
