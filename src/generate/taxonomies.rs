//! Taxonomy list and term pages.

use super::{Generator, Run, SitemapEntry, always, gather};
use crate::content::{Changes, Site};
use crate::diagnostics::{Error, Result};
use crate::generate::Selection;
use rayon::prelude::*;
use serde::Serialize;

/// Every taxonomy's list page and term pages.
pub const GENERATOR: Generator = Generator {
    name: "render taxonomies",
    lists,
    runs: always,
    run,
    touches,
};

/// A taxonomy as templates see it (`taxonomy`, in `taxonomy_list.html` and
/// `taxonomy_single.html`).
#[derive(Serialize)]
pub struct TaxonomyValue<'a> {
    /// The taxonomy's name as configured (`tags`).
    pub name: &'a str,
    /// Root-relative address of its list page.
    pub url: String,
    /// Absolute address of its list page.
    pub permalink: String,
}

/// A term as templates see it: each of `terms` in `taxonomy_list.html`, and `term` in
/// `taxonomy_single.html` where it also has `pages` (see `render::WithPages`).
#[derive(Serialize)]
pub struct TermValue<'a> {
    /// The term as first spelled.
    pub name: &'a str,
    /// The term's slug (the last segment of its address).
    pub slug: &'a str,
    /// Root-relative address of the term's page.
    pub url: String,
    /// Absolute address of the term's page.
    pub permalink: String,
    /// How many pages have the term.
    pub pages_count: usize,
}

/// Taxonomy list and term pages (the selected ones), term pages in parallel.
fn run(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer, selected) = (&**run.site, run.renderer, run.writer, run.selected);
    let mut results = Vec::new();
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        let tax_path = format!("{}/", taxonomy.name);
        let tax_value = TaxonomyValue {
            name: &taxonomy.name,
            url: site.url(&tax_path),
            permalink: site.permalink(&tax_path),
        };
        // The list page gets terms without their pages: with every term's page list it held
        // the whole site a second time (+200 MB on 10,000 pages).
        let terms: Vec<TermValue> = taxonomy
            .terms
            .iter()
            .map(|t| term_value(site, &tax_path, t))
            .collect();
        let mut ctx = renderer.base_context(site, &tax_path, None);
        ctx.insert("taxonomy", &tax_value);
        ctx.insert("terms", &terms);
        if selected.taxonomy(t) {
            results.push(
                renderer
                    .render("taxonomy_list.html", &ctx, None)
                    .and_then(|h| writer.write_page(&tax_path, &h).map_err(Error::from)),
            );
        }
        drop(ctx);
        // Each term's value (with its page summaries) lives only while its page renders.
        let term_results: Vec<_> = taxonomy
            .terms
            .par_iter()
            .enumerate()
            .filter(|(i, _)| selected.term(t, *i))
            .map(|(_, term)| {
                let path = format!("{tax_path}{}/", term.slug);
                let value = renderer.with_pages(&term_value(site, &tax_path, term), &term.pages);
                let mut ctx = renderer.base_context(site, &path, None);
                ctx.insert("taxonomy", &tax_value);
                ctx.insert("term", &value);
                renderer
                    .render("taxonomy_single.html", &ctx, None)
                    .and_then(|h| writer.write_page(&path, &h).map_err(Error::from))
            })
            .collect();
        results.extend(term_results);
    }
    gather(results)
}

/// The value of term `t` of the taxonomy at `tax_path`.
fn term_value<'a>(site: &Site, tax_path: &str, t: &'a crate::content::Term) -> TermValue<'a> {
    let path = format!("{tax_path}{}/", t.slug);
    TermValue {
        name: &t.name,
        slug: &t.slug,
        url: site.url(&path),
        permalink: site.permalink(&path),
        pages_count: t.pages.len(),
    }
}

/// Each taxonomy's list page, and its term pages dated by their newest page.
fn lists(site: &Site) -> Vec<SitemapEntry> {
    let mut entries = Vec::new();
    for taxonomy in &site.taxonomies {
        let tax_path = format!("{}/", taxonomy.name);
        entries.push(SitemapEntry {
            path: tax_path.clone(),
            lastmod: None,
        });
        for term in &taxonomy.terms {
            let lastmod = term
                .pages
                .iter()
                .filter_map(|&p| site.pages[p].dates.date)
                .max();
            entries.push(SitemapEntry {
                path: format!("{tax_path}{}/", term.slug),
                lastmod,
            });
        }
    }
    entries
}

/// The term pages that list an edited page (before or after the edit) and their taxonomies'
/// list pages.
fn touches(_: &Site, changes: &Changes, selected: &mut Selection) {
    let Selection::Only {
        taxonomies, terms, ..
    } = selected
    else {
        return;
    };
    taxonomies.extend(changes.terms.iter().map(|&(t, _)| t));
    terms.extend(changes.terms.iter().copied());
}
