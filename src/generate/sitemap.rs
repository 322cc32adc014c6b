//! `sitemap.xml` and `robots.txt`, from templates of those names (a theme or site can
//! override them).

use super::{Generator, Run, always, lists_nothing, touches_nothing};
use crate::diagnostics::{Error, Result};
use serde::Serialize;

/// `sitemap.xml`: every address the other generators publish.
pub const SITEMAP: Generator = Generator {
    name: "write sitemap",
    lists: lists_nothing,
    runs: always,
    run: write_sitemap,
    touches: touches_nothing,
};

/// `robots.txt`.
pub const ROBOTS: Generator = Generator {
    name: "write robots.txt",
    lists: lists_nothing,
    runs: always,
    run: write_robots,
    touches: touches_nothing,
};

/// One `<url>` of `sitemap.xml`, as the template gets it in `entries`.
#[derive(Serialize)]
pub struct SitemapUrl {
    /// The page's address.
    pub permalink: String,
    /// `YYYY-MM-DD`, if known.
    pub lastmod: Option<String>,
}

/// `sitemap.xml` listing every page.
fn write_sitemap(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer) = (&**run.site, run.renderer, run.writer);
    let urls: Vec<SitemapUrl> = run
        .listed
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
fn write_robots(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer) = (&**run.site, run.renderer, run.writer);
    let mut ctx = renderer.base_context(site, "robots.txt", None);
    ctx.insert("sitemap_url", &site.permalink("sitemap.xml"));
    let text = renderer.render("robots.txt", &ctx, None)?;
    writer
        .write("robots.txt", text.as_bytes())
        .map_err(Error::from)
}
