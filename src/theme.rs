//! Themes: the site's `themes/<name>/` folder, or the default theme built into the binary.
//!
//! Embedding the default theme lets `kumppani build` work on a site that has only `config.toml`
//! and `content/`, and lets `kumppani init` write a complete, editable copy.

use crate::diagnostics::{Diagnostic, Result, suggestion_hint};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Name of the theme built into the binary.
pub const DEFAULT_THEME: &str = "kumppani";

/// A theme's files, keyed by path inside the theme (`templates/base.html`, `static/style.css`).
pub struct Theme {
    /// Theme name.
    pub name: String,
    /// Where its files were read from, for messages (`themes/kumppani` or `(built-in)`).
    pub origin: PathBuf,
    /// File contents by relative path.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Reads `themes/<name>/` under the site root, falling back to the built-in default theme.
    pub fn load(site_root: &Path, name: &str) -> Result<Theme> {
        let dir = site_root.join("themes").join(name);
        if dir.is_dir() {
            let mut files = BTreeMap::new();
            for entry in WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(|e| {
                    Diagnostic::usage(format!("could not read {}: {e}", dir.display()))
                })?;
                let file_name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || crate::content::is_editor_temp(&file_name) {
                    continue;
                }
                let rel = entry.path().strip_prefix(&dir).expect("under theme dir");
                let key = crate::text::slash_path(rel);
                let bytes = std::fs::read(entry.path())
                    .map_err(|e| Diagnostic::io(entry.path(), "read", &e))?;
                files.insert(key, bytes);
            }
            let origin = PathBuf::from("themes").join(name);
            return Ok(Theme {
                name: name.to_string(),
                origin,
                files,
            });
        }
        if name == DEFAULT_THEME {
            return Ok(Theme::builtin());
        }
        let mut available: Vec<String> = std::fs::read_dir(site_root.join("themes"))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        available.push(DEFAULT_THEME.to_string());
        let refs: Vec<&str> = available.iter().map(String::as_str).collect();
        let config = std::fs::read_to_string(site_root.join("config.toml")).unwrap_or_default();
        Err(Diagnostic::error(
            "config-value",
            format!("theme `{name}` not found in themes/"),
        )
        .with_file("config.toml")
        .at_offset(
            &config,
            crate::toml_schema::Spans::parse(&config)
                .key("theme")
                .unwrap_or(0),
        )
        .with_hint(suggestion_hint(name, &refs))
        .into())
    }

    /// The default theme as compiled into the binary.
    pub fn builtin() -> Theme {
        Theme {
            name: DEFAULT_THEME.to_string(),
            origin: PathBuf::from("(built-in theme)"),
            files: DEFAULT_THEME_FILES
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_vec()))
                .collect(),
        }
    }

    /// Files under a folder of the theme (`templates/`, `static/`, `i18n/`), keyed by the rest of the path.
    pub fn folder<'a>(&'a self, folder: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> + 'a {
        self.files.iter().filter_map(move |(k, v)| {
            k.strip_prefix(folder)
                .and_then(|r| r.strip_prefix('/'))
                .map(|r| (r, v.as_slice()))
        })
    }

    /// Path shown in messages for a file of the theme.
    pub fn display_path(&self, rel: &str) -> PathBuf {
        self.origin.join(rel)
    }
}
