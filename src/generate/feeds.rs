//! Atom feeds of sections, from the `atom.xml` template (a theme or site can override it).

use super::{Generator, Run, always, lists_nothing, touches_nothing};
use crate::content::{Item, Page, Section, Site};
use crate::diagnostics::Result;
use serde::Serialize;

/// An Atom feed of each section with `generate_feed = true`.
pub const GENERATOR: Generator = Generator {
    name: "write feeds",
    lists: lists_nothing,
    runs: always,
    run: write_feeds,
    touches: touches_nothing,
};

/// What `atom.xml` gets as `feed`.
#[derive(Serialize)]
pub struct Feed<'a> {
    /// The section's title.
    pub title: &'a str,
    /// The section's description.
    pub description: Option<&'a str>,
    /// The feed's own address (also its id).
    pub feed_url: String,
    /// The section's address.
    pub permalink: String,
    /// RFC 3339 time of the newest entry.
    pub updated: String,
    /// The newest `feed_limit` pages, newest first.
    pub entries: Vec<FeedEntry<'a>>,
}

/// One page in a feed.
#[derive(Serialize)]
pub struct FeedEntry<'a> {
    /// The page's title.
    pub title: &'a str,
    /// Its address (also its id).
    pub permalink: String,
    /// RFC 3339 time of `date`.
    pub published: String,
    /// RFC 3339 time of `updated`, else `date`.
    pub updated: String,
    /// The page's description.
    pub description: Option<&'a str>,
    /// The page's HTML with root-relative links made absolute.
    pub content: String,
}

fn feed_date(d: chrono::NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

/// An Atom feed (`atom.xml`) of the newest `feed_limit` pages of each selected section with
/// `generate_feed = true`.
fn write_feeds(run: &Run<'_>) -> Result<()> {
    let (site, renderer, writer, selected) = (&**run.site, run.renderer, run.writer, run.selected);
    let sections = site.sections.iter().enumerate();
    for (_, section) in sections.filter(|(i, s)| s.meta.generate_feed && selected.section(*i)) {
        let feed_path = format!("{}atom.xml", section.path);
        let mut ctx = renderer.base_context(site, &feed_path, None);
        ctx.insert("feed", &feed(site, section, &feed_path));
        let xml = renderer.render("atom.xml", &ctx, Some(&section.file.display))?;
        writer.write(&feed_path, xml.as_bytes())?;
    }
    Ok(())
}

fn feed<'a>(site: &'a Site, section: &'a Section, feed_path: &str) -> Feed<'a> {
    let mut pages: Vec<(usize, &Page)> =
        section.pages.iter().map(|&p| (p, &site.pages[p])).collect();
    pages.sort_by(|(_, a), (_, b)| {
        b.dates
            .date
            .cmp(&a.dates.date)
            .then_with(|| a.path.cmp(&b.path))
    });
    pages.truncate(site.config.feed_limit.max(1));
    let updated = pages
        .iter()
        .filter_map(|(_, p)| p.dates.updated.or(p.dates.date))
        .max()
        .or(section.dates.updated.or(section.dates.date))
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2000, 1, 1).expect("valid date"));
    // The site keeps no body HTML: the few pages a feed lists are rendered again.
    let bodies = site.bodies();
    let entries = pages
        .into_iter()
        .map(|(index, page)| {
            let published = page.dates.date.unwrap_or(updated);
            FeedEntry {
                title: &page.title,
                permalink: site.permalink(&page.path),
                published: feed_date(published),
                updated: feed_date(page.dates.updated.unwrap_or(published)),
                description: page.meta.description.as_deref(),
                content: absolutize(&bodies.html(Item::Page(index)), site),
            }
        })
        .collect();
    Feed {
        title: &section.title,
        description: section.meta.description.as_deref(),
        feed_url: site.permalink(feed_path),
        permalink: site.permalink(&section.path),
        updated: feed_date(updated),
        entries,
    }
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
