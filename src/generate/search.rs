//! The search index under `search/` and the search page at `haku/`, rendered with the theme's
//! `search.html` (its script URL carries the index version).

use super::{Generator, Run, SitemapEntry, full_render_only, touches_nothing};
use crate::content::{SEARCH_PATH, Site};
use crate::diagnostics::{Error, Result};
use crate::output::Writer;
use crate::render::Renderer;
use crate::search::{IndexOptions, IndexSummary, build_index};
use serde::Serialize;

/// The index and the page. A text edit in the preview leaves them to [`write`], which the
/// preview runs in the background.
pub const GENERATOR: Generator = Generator {
    name: "build search index",
    lists: sitemap_entries,
    runs: full_render_only,
    run: |run: &Run<'_>| write(run.site, run.renderer, run.writer),
    touches: touches_nothing,
};

/// Builds the search index and renders the search page with `writer`.
pub fn write(site: &Site, renderer: &Renderer, writer: &Writer) -> Result<()> {
    let index = build_index(site, writer, &IndexOptions::default())?;
    render_search_page(site, renderer, writer, &index)
}

/// Whether a content page or section is published at `haku/`: then it wins over the search page.
fn taken(site: &Site) -> bool {
    let pages = site.pages.iter().map(|p| p.path.as_str());
    pages
        .chain(site.sections.iter().map(|s| s.path.as_str()))
        .any(|p| p == SEARCH_PATH)
}

/// The search page's sitemap entry (none when a content page takes its address).
fn sitemap_entries(site: &Site) -> Vec<SitemapEntry> {
    if taken(site) {
        return vec![];
    }
    vec![SitemapEntry {
        path: SEARCH_PATH.to_string(),
        lastmod: None,
    }]
}

/// The search page's data (`search`, in `search.html`).
#[derive(Serialize)]
pub struct SearchPageValue {
    /// Root-relative address of the index manifest, with its version for cache busting.
    pub index_url: String,
    /// Root-relative address of the search script, with the index version.
    pub script_url: String,
    /// How many documents the index holds.
    pub docs: usize,
}

/// Renders `haku/index.html`; the template gets `search.index_url` (the manifest, with the
/// version for cache busting) and `search.script_url`. A content page at `haku/` wins: then
/// nothing is written here.
fn render_search_page(
    site: &Site,
    renderer: &Renderer,
    writer: &Writer,
    index: &IndexSummary,
) -> Result<()> {
    if taken(site) {
        return Ok(());
    }
    let mut ctx = renderer.base_context(site, SEARCH_PATH, None);
    ctx.insert(
        "search",
        &SearchPageValue {
            index_url: site.url(&format!("search/index.json?v={}", index.version)),
            script_url: site.url(&format!("search.js?v={}", index.version)),
            docs: index.docs,
        },
    );
    let html = renderer.render("search.html", &ctx, None)?;
    writer.write_page(SEARCH_PATH, &html).map_err(Error::from)
}
