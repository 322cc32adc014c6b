//! Content pages and sections.

use super::{Generator, Run, SitemapEntry, always, gather};
use crate::content::Site;
use crate::diagnostics::{Error, Result};
use rayon::prelude::*;

/// Every content page and section.
pub const GENERATOR: Generator = Generator {
    name: "render pages",
    lists,
    runs: always,
    run,
};

/// Renders and writes every selected page and section in parallel.
fn run(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer, selected) = (&**run.site, run.renderer, run.writer, run.selected);
    let pages = (0..site.pages.len()).into_par_iter().map(|i| {
        if !selected.page(i) {
            return Ok(());
        }
        let html = renderer.render_page(site, i, &site.pages[i].content.html)?;
        writer
            .write_page(&site.pages[i].path, &html)
            .map_err(Error::from)
    });
    let sections = (0..site.sections.len()).into_par_iter().map(|i| {
        if !selected.section(i) {
            return Ok(());
        }
        let html = renderer.render_section(site, i, &site.sections[i].content.html)?;
        writer
            .write_page(&site.sections[i].path, &html)
            .map_err(Error::from)
    });
    gather(pages.chain(sections).collect())
}

/// Every page and section, dated by `updated` or `date`.
fn lists(site: &Site) -> Vec<SitemapEntry> {
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
    entries
}
