//! `sitemap.xml` and `robots.txt`, from templates of those names (a theme or site can
//! override them).

use super::SitemapEntry;
use crate::content::Site;
use crate::diagnostics::{Error, Result};
use crate::output::Writer;
use crate::render::Renderer;
use serde::Serialize;

/// One `<url>` of `sitemap.xml`, as the template gets it in `entries`.
#[derive(Serialize)]
pub struct SitemapUrl {
    /// The page's address.
    pub permalink: String,
    /// `YYYY-MM-DD`, if known.
    pub lastmod: Option<String>,
}

/// `sitemap.xml` listing every page.
pub fn write_sitemap(
    site: &Site,
    renderer: &Renderer,
    entries: &mut [SitemapEntry],
    writer: &Writer,
) -> Result<()> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let urls: Vec<SitemapUrl> = entries
        .iter()
        .map(|e| SitemapUrl {
            permalink: site.permalink(&e.path),
            lastmod: e.lastmod.map(|d| d.to_string()),
        })
        .collect();
    let mut ctx = renderer.base_context(site, "sitemap.xml", None);
    ctx.insert("entries", &urls);
    let xml = renderer.render("sitemap.xml", &ctx, None)?;
    writer
        .write("sitemap.xml", xml.as_bytes())
        .map_err(Error::from)
}

/// `robots.txt` pointing at the sitemap.
pub fn write_robots(site: &Site, renderer: &Renderer, writer: &Writer) -> Result<()> {
    let mut ctx = renderer.base_context(site, "robots.txt", None);
    ctx.insert("sitemap_url", &site.permalink("sitemap.xml"));
    let text = renderer.render("robots.txt", &ctx, None)?;
    writer
        .write("robots.txt", text.as_bytes())
        .map_err(Error::from)
}
