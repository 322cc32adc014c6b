//! The organisation directory's output: the pages it adds to the site (per category, per
//! area, volunteers wanted, statistics) and the open-data files, written from the profiles of
//! the content model (`content::organisation`). The directory page itself is the section's own
//! page; its data and a profile's template values come from `values.rs`, the statistics charts
//! from `charts.rs`, the open-data records from `open_data.rs`.

mod charts;
mod open_data;
mod values;

pub use charts::Row as ChartRow;
pub use values::{
    AreaLink, CardValue, ChartValue, ChoiceLink, ContactValue, DirectoryValue, GroupValue,
    OrganisationValue, StatisticsValue, decorate_section, page_value,
};

use crate::config::OrganisationsConfig;
use crate::content::Site;
use crate::content::organisation::{Paths, profiles, section_file};
use crate::diagnostics::{Error, Result};
use crate::generate::{Generator, Run, Selection, SitemapEntry, touches_nothing};
use crate::output::Writer;
use crate::render::Renderer;
use serde::Serialize;

/// The directory's category, area, volunteer and statistics pages and its open data; in a
/// partial render only when a selected page is a profile.
pub const GENERATOR: Generator = Generator {
    name: "render organisation directory",
    lists: directory_sitemap,
    runs: |site, selected| match selected {
        Selection::All => true,
        Selection::Only { pages, .. } => {
            pages.iter().any(|&p| site.pages[p].organisation.is_some())
        }
    },
    run: |run: &Run<'_>| render_directory(run.site, run.renderer, run.writer),
    touches: touches_nothing,
};

/// Licence of the open-data files.
pub(super) const LICENCE: &str = "CC BY 4.0";
/// Where the licence text is.
pub(super) const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/deed.fi";

/// The directory section's index, when the site has a directory.
fn directory_section(site: &Site) -> Option<(usize, &OrganisationsConfig)> {
    let config = site.config.organisations.as_ref()?;
    let file = section_file(config);
    let section = site.sections.iter().position(|s| s.file.relative == file)?;
    Some((section, config))
}

/// Sitemap entries of everything [`render_directory`] writes: listed pages and open-data files,
/// dated by the newest verification.
fn directory_sitemap(site: &Site) -> Vec<SitemapEntry> {
    let Some((_, config)) = directory_section(site) else {
        return vec![];
    };
    let paths = Paths::new(site, config);
    let newest = profiles(site)
        .iter()
        .filter_map(|&i| site.pages[i].organisation.as_ref()?.verified)
        .max();
    let lists = config.categories.iter().map(|c| paths.category(&c.slug));
    let areas = config.areas.iter().map(|a| paths.area(&a.slug));
    lists
        .chain(areas)
        .chain([
            paths.volunteers(),
            paths.statistics(),
            paths.json(),
            paths.csv(),
        ])
        .map(|path| SitemapEntry {
            path,
            lastmod: newest,
        })
        .collect()
}

/// A list page of the directory (`list`, in `organisation_list.html`).
#[derive(Serialize)]
pub struct ListValue<'a> {
    /// What the list selects by: `category`, `area` or `volunteers`.
    pub kind: &'a str,
    /// The list's title (the category or area name, or a UI string).
    pub title: &'a str,
    /// How many profiles it has.
    pub count: usize,
    /// Their cards.
    pub organisations: Vec<CardValue<'a>>,
    /// Root-relative address of the directory page.
    pub directory_url: String,
    /// The directory section's title.
    pub directory_title: &'a str,
}

/// Renders the category, area, volunteers and statistics pages and writes the open-data files.
fn render_directory(site: &Site, renderer: &Renderer, writer: &Writer) -> Result<()> {
    let Some((section, config)) = directory_section(site) else {
        return Ok(());
    };
    let translations = renderer.translations();
    let paths = Paths::new(site, config);
    let all = profiles(site);
    let write_list = |path: String, kind: &str, title: &str, members: Vec<usize>| -> Result<()> {
        let mut ctx = renderer.base_context(site, &path, Some(section));
        ctx.insert(
            "list",
            &ListValue {
                kind,
                title,
                count: members.len(),
                organisations: values::cards(site, &members, config, &paths),
                directory_url: site.url(&paths.base),
                directory_title: &site.sections[section].title,
            },
        );
        let html = renderer.render("organisation_list.html", &ctx, None)?;
        writer.write_page(&path, &html).map_err(Error::from)
    };
    for c in &config.categories {
        write_list(
            paths.category(&c.slug),
            "category",
            &c.name,
            values::in_category(site, &all, &c.slug),
        )?;
    }
    for a in &config.areas {
        write_list(
            paths.area(&a.slug),
            "area",
            &a.name,
            values::in_area(site, &all, &a.slug),
        )?;
    }
    let volunteers_title = translations
        .get("directory_volunteers_title")
        .cloned()
        .unwrap_or_else(|| "Volunteers wanted".into());
    write_list(
        paths.volunteers(),
        "volunteers",
        &volunteers_title,
        values::wanting_volunteers(site, &all),
    )?;

    let stats = values::statistics_value(site, config, &paths, &all, translations);
    let path = paths.statistics();
    let mut ctx = renderer.base_context(site, &path, Some(section));
    ctx.insert("stats", &stats);
    let html = renderer.render("statistics.html", &ctx, None)?;
    writer.write_page(&path, &html).map_err(Error::from)?;

    let records = open_data::records(site, config, &all);
    writer
        .write(&paths.json(), open_data::json(site, &records).as_bytes())
        .map_err(Error::from)?;
    writer
        .write(&paths.csv(), open_data::csv(&records).as_bytes())
        .map_err(Error::from)
}
