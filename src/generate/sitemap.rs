//! `sitemap.xml` and `robots.txt`.

use super::SitemapEntry;
use crate::content::Site;
use crate::diagnostics::{Error, Result};
use crate::output::Writer;
use crate::text::escape_html;

/// `sitemap.xml` listing every page.
pub fn write_sitemap(site: &Site, entries: &mut [SitemapEntry], writer: &Writer) -> Result<()> {
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for e in entries.iter() {
        xml.push_str(&format!(
            "  <url>\n    <loc>{}</loc>\n",
            escape_html(&site.permalink(&e.path))
        ));
        if let Some(d) = e.lastmod {
            xml.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    writer
        .write("sitemap.xml", xml.as_bytes())
        .map_err(Error::from)
}

/// `robots.txt` pointing at the sitemap.
pub fn write_robots(site: &Site, writer: &Writer) -> Result<()> {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.permalink("sitemap.xml")
    );
    writer
        .write("robots.txt", text.as_bytes())
        .map_err(Error::from)
}
