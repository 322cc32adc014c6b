//! Content pages and sections.

use super::{Generator, Run, SitemapEntry, always, gather};
use crate::content::{Changes, Item, Site};
use crate::diagnostics::{Error, Result};
use crate::generate::Selection;
use rayon::prelude::*;

/// Every content page and section.
pub const GENERATOR: Generator = Generator {
    name: "render pages",
    lists,
    runs: always,
    run,
    touches,
};

/// Renders and writes every selected page and section in parallel. The site keeps no body
/// HTML: each page's body is rendered here, held while its page is written, and dropped.
fn run(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer, selected) = (&**run.site, run.renderer, run.writer, run.selected);
    let bodies = site.bodies();
    let pages = (0..site.pages.len()).into_par_iter().map(|i| {
        if !selected.page(i) {
            return Ok(());
        }
        let body = bodies.html(Item::Page(i));
        let html = renderer.render_page(site, i, &body)?;
        writer
            .write_page(&site.pages[i].path, &html)
            .map_err(Error::from)
    });
    let sections = (0..site.sections.len()).into_par_iter().map(|i| {
        if !selected.section(i) {
            return Ok(());
        }
        let body = bodies.html(Item::Section(i));
        let html = renderer.render_section(site, i, &body)?;
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

/// An edited page and its pager neighbours before and after the edit (they show its title),
/// its section and the sections above it (their lists), and every page of a reordered section
/// (their pagers).
fn touches(site: &Site, changes: &Changes, selected: &mut Selection) {
    let Selection::Only {
        pages, sections, ..
    } = selected
    else {
        return;
    };
    for &(n, before) in &changes.pages {
        let page = &site.pages[n];
        pages.insert(n);
        pages.extend(before.into_iter().flatten());
        pages.extend(page.lower.into_iter().chain(page.higher));
        sections.insert(page.section);
        sections.extend(site.ancestors(page.section));
    }
    for &s in &changes.reordered {
        pages.extend(site.sections[s].pages.iter().copied());
        sections.insert(s);
        sections.extend(site.ancestors(s));
    }
}
