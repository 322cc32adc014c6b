//! Taxonomy list and term pages.

use super::{SitemapEntry, gather};
use crate::content::Site;
use crate::diagnostics::{Error, Result};
use crate::output::{Selection, Writer};
use crate::render::Renderer;
use rayon::prelude::*;
use serde_json::json;

/// Taxonomy list and term pages (the selected ones), term pages in parallel; the sitemap
/// entries cover all.
pub fn render_taxonomies(
    site: &Site,
    renderer: &Renderer,
    writer: &Writer,
    selected: &Selection,
) -> Result<Vec<SitemapEntry>> {
    let mut entries = Vec::new();
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
        entries.push(SitemapEntry {
            path: tax_path.clone(),
            lastmod: None,
        });
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
    gather(results)?;
    Ok(entries)
}
