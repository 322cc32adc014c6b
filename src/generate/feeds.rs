//! Atom feeds of sections.

use crate::content::Site;
use crate::diagnostics::Result;
use crate::output::{Selection, Writer};
use crate::text::escape_html;

fn feed_date(d: chrono::NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

/// An Atom feed (`atom.xml`) of the newest `feed_limit` pages of each selected section with
/// `generate_feed = true`.
pub fn write_feeds(site: &Site, writer: &Writer, selected: &Selection) -> Result<()> {
    let sections = site.sections.iter().enumerate();
    for (_, section) in sections.filter(|(i, s)| s.meta.generate_feed && selected.section(*i)) {
        let pages: Vec<&crate::content::Page> = {
            let mut v: Vec<_> = section.pages.iter().map(|&p| &site.pages[p]).collect();
            v.sort_by(|a, b| {
                b.dates
                    .date
                    .cmp(&a.dates.date)
                    .then_with(|| a.path.cmp(&b.path))
            });
            v.truncate(site.config.feed_limit.max(1));
            v
        };
        let updated = pages
            .iter()
            .filter_map(|p| p.dates.updated.or(p.dates.date))
            .max()
            .or(section.dates.updated.or(section.dates.date))
            .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date"));
        let feed_path = format!("{}atom.xml", section.path);
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        xml.push_str(&format!(
            "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
            escape_html(&site.config.language)
        ));
        xml.push_str(&format!(
            "  <title>{} – {}</title>\n",
            escape_html(&section.title),
            escape_html(&site.config.title)
        ));
        if let Some(d) = &section.meta.description {
            xml.push_str(&format!("  <subtitle>{}</subtitle>\n", escape_html(d)));
        }
        xml.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape_html(&site.permalink(&feed_path))
        ));
        xml.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape_html(&site.permalink(&section.path))
        ));
        xml.push_str(&format!(
            "  <id>{}</id>\n",
            escape_html(&site.permalink(&feed_path))
        ));
        xml.push_str(&format!("  <updated>{}</updated>\n", feed_date(updated)));
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape_html(&site.config.title)
        ));
        for page in pages {
            let url = site.permalink(&page.path);
            let published = page.dates.date.unwrap_or(updated);
            xml.push_str("  <entry>\n");
            xml.push_str(&format!(
                "    <title>{}</title>\n",
                escape_html(&page.title)
            ));
            xml.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                escape_html(&url)
            ));
            xml.push_str(&format!("    <id>{}</id>\n", escape_html(&url)));
            xml.push_str(&format!(
                "    <published>{}</published>\n",
                feed_date(published)
            ));
            xml.push_str(&format!(
                "    <updated>{}</updated>\n",
                feed_date(page.dates.updated.unwrap_or(published))
            ));
            if let Some(d) = &page.meta.description {
                xml.push_str(&format!("    <summary>{}</summary>\n", escape_html(d)));
            }
            xml.push_str(&format!(
                "    <content type=\"html\">{}</content>\n",
                escape_html(&absolutize(&page.content.html, site))
            ));
            xml.push_str("  </entry>\n");
        }
        xml.push_str("</feed>\n");
        writer.write(&feed_path, xml.as_bytes())?;
    }
    Ok(())
}

/// Feed readers have no page address to resolve root-relative links against.
fn absolutize(html: &str, site: &Site) -> String {
    let base_path = site.config.base_path();
    let origin = site
        .config
        .base_url
        .strip_suffix(base_path.trim_start_matches('/'))
        .unwrap_or(&site.config.base_url);
    let origin = origin.trim_end_matches('/');
    html.replace("href=\"/", &format!("href=\"{origin}/"))
        .replace("src=\"/", &format!("src=\"{origin}/"))
}
