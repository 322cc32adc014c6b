//! One module per kind of output. Each generator renders from the loaded [`Site`] with the
//! [`Renderer`] and writes through the [`Writer`].

pub mod aliases;
pub mod directory;
pub mod feeds;
pub mod pages;
pub mod sitemap;
pub mod taxonomies;

use crate::diagnostics::{Error, Result};
use std::collections::HashSet;

/// One URL for the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    /// Site-relative path.
    pub path: String,
    /// Last modification date, if known.
    pub lastmod: Option<chrono::NaiveDate>,
}

/// Collects diagnostics from parallel work, dropping repeats (one broken template fails every page).
pub(crate) fn gather(results: Vec<std::result::Result<(), Error>>) -> Result<()> {
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
