//! Taxonomy list and term pages.

use super::{Generator, Run, SitemapEntry, always, gather};
use crate::content::{Changes, Site};
use crate::diagnostics::{Error, Result};
use crate::generate::Selection;
use rayon::prelude::*;
use serde_json::json;

/// Every taxonomy's list page and term pages.
pub const GENERATOR: Generator = Generator {
    name: "render taxonomies",
    lists,
    runs: always,
    run,
    touches,
};

/// Taxonomy list and term pages (the selected ones), term pages in parallel.
fn run(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer, selected) = (&**run.site, run.renderer, run.writer, run.selected);
    let mut results = Vec::new();
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        let tax_path = format!("{}/", taxonomy.name);
        let term_value = |t: &crate::content::Term| {
            json!({
                "name": t.name,
                "slug": t.slug,
                "url": site.url(&format!("{tax_path}{}/", t.slug)),
                "permalink": site.permalink(&format!("{tax_path}{}/", t.slug)),
                "pages_count": t.pages.len(),
            })
        };
        let tax_value = json!({"name": taxonomy.name, "url": site.url(&tax_path), "permalink": site.permalink(&tax_path)});
        // The list page gets terms without their pages: with every term's page list it held
        // the whole site a second time (+200 MB on 10,000 pages).
        let terms: Vec<serde_json::Value> = taxonomy.terms.iter().map(term_value).collect();
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
                let value = renderer.with_pages(&term_value(term), &term.pages);
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
