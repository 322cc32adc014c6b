//! The pages the directory adds to the site: per category, per area, volunteers wanted,
//! statistics, and the open-data files. The directory page itself is the section's own page;
//! its data comes from [`directory_value`].

use super::{Paths, charts, choice_name, export, is_stale, profiles};
use crate::config::{Choice, OrganisationsConfig};
use crate::content::Site;
use crate::diagnostics::{Error, Result};
use crate::generate::SitemapEntry;
use crate::output::Writer;
use crate::render::{Renderer, Translations, load_translations};
use crate::theme::Theme;
use serde_json::{Value as Json, json};

/// Licence of the open-data files.
pub(super) const LICENCE: &str = "CC BY 4.0";
/// Where the licence text is.
pub(super) const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/deed.fi";

/// One profile in a list: what a card shows and what the filter script reads.
fn card(site: &Site, index: usize, config: &OrganisationsConfig, paths: &Paths) -> Json {
    let page = &site.pages[index];
    let org = page.organisation.as_ref().expect("profiles only");
    json!({
        "title": page.title,
        "description": page.meta.description,
        "url": site.url(&page.path),
        "category": org.category,
        "category_name": choice_name(&config.categories, &org.category),
        "category_url": site.url(&paths.category(&org.category)),
        "areas": org.areas.iter().map(|a| json!({"slug": a, "name": choice_name(&config.areas, a), "url": site.url(&paths.area(a))})).collect::<Vec<_>>(),
        "area_slugs": org.areas.join(" "),
        "volunteers_wanted": org.volunteers_wanted,
        "volunteer_tasks": org.volunteer_tasks,
        "verified": org.verified.map(|d| d.to_string()),
    })
}

fn cards(site: &Site, list: &[usize], config: &OrganisationsConfig, paths: &Paths) -> Vec<Json> {
    list.iter().map(|&i| card(site, i, config, paths)).collect()
}

/// Configured choices with their page links and how many profiles each has.
fn choice_links(
    site: &Site,
    choices: &[Choice],
    count: impl Fn(&str) -> usize,
    path: impl Fn(&str) -> String,
) -> Vec<Json> {
    choices
        .iter()
        .map(|c| json!({"slug": c.slug, "name": c.name, "url": site.url(&path(&c.slug)), "count": count(&c.slug)}))
        .collect()
}

/// The profiles of `list` whose organisation matches `keep`, in the same order.
fn matching(
    site: &Site,
    list: &[usize],
    keep: impl Fn(&super::Organisation) -> bool,
) -> Vec<usize> {
    list.iter()
        .copied()
        .filter(|&i| site.pages[i].organisation.as_ref().is_some_and(&keep))
        .collect()
}

fn in_category(site: &Site, list: &[usize], slug: &str) -> Vec<usize> {
    matching(site, list, |o| o.category == slug)
}

fn in_area(site: &Site, list: &[usize], slug: &str) -> Vec<usize> {
    matching(site, list, |o| o.areas.iter().any(|a| a == slug))
}

fn wanting_volunteers(site: &Site, list: &[usize]) -> Vec<usize> {
    matching(site, list, |o| o.volunteers_wanted)
}

/// Template data of the directory page (`section.directory`).
pub(super) fn directory_value(site: &Site, config: &OrganisationsConfig) -> Json {
    let paths = Paths::new(site, config);
    let all = profiles(site);
    let groups: Vec<Json> = config
        .categories
        .iter()
        .map(|c| {
            let members = in_category(site, &all, &c.slug);
            json!({"slug": c.slug, "name": c.name, "url": site.url(&paths.category(&c.slug)), "count": members.len(), "organisations": cards(site, &members, config, &paths)})
        })
        .collect();
    json!({
        "total": all.len(),
        "groups": groups,
        "categories": choice_links(site, &config.categories, |s| in_category(site, &all, s).len(), |s| paths.category(s)),
        "areas": choice_links(site, &config.areas, |s| in_area(site, &all, s).len(), |s| paths.area(s)),
        "volunteers_url": site.url(&paths.volunteers()),
        "volunteers_count": wanting_volunteers(site, &all).len(),
        "statistics_url": site.url(&paths.statistics()),
        "json_url": site.url(&paths.json()),
        "csv_url": site.url(&paths.csv()),
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "url": site.url(&paths.base),
    })
}

/// The directory section's index, when the site has a directory.
fn directory_section(site: &Site) -> Option<(usize, &OrganisationsConfig)> {
    let config = site.config.organisations.as_ref()?;
    let prefix = format!("{}_index.md", super::content_prefix(config));
    let section = site
        .sections
        .iter()
        .position(|s| s.file.relative == prefix)?;
    Some((section, config))
}

/// Sitemap entries of everything [`render_directory`] writes: listed pages and open-data files,
/// dated by the newest verification.
pub fn directory_sitemap(site: &Site) -> Vec<SitemapEntry> {
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

/// Renders the category, area, volunteers and statistics pages and writes the open-data files.
pub fn render_directory(
    site: &Site,
    renderer: &Renderer,
    writer: &Writer,
    theme: &Theme,
) -> Result<()> {
    let Some((section, config)) = directory_section(site) else {
        return Ok(());
    };
    let translations = &load_translations(theme, &site.config.language)?;
    let paths = Paths::new(site, config);
    let all = profiles(site);
    let write_list = |path: String, kind: &str, title: &str, members: Vec<usize>| -> Result<()> {
        let mut ctx = renderer.base_context(site, &path, Some(section));
        ctx.insert(
            "list",
            &json!({
                "kind": kind,
                "title": title,
                "count": members.len(),
                "organisations": cards(site, &members, config, &paths),
                "directory_url": site.url(&paths.base),
                "directory_title": site.sections[section].title,
            }),
        );
        let html = renderer.render("organisation_list.html", &ctx, None)?;
        writer.write_page(&path, &html).map_err(Error::from)
    };
    for c in &config.categories {
        write_list(
            paths.category(&c.slug),
            "category",
            &c.name,
            in_category(site, &all, &c.slug),
        )?;
    }
    for a in &config.areas {
        write_list(
            paths.area(&a.slug),
            "area",
            &a.name,
            in_area(site, &all, &a.slug),
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
        wanting_volunteers(site, &all),
    )?;

    let stats = statistics_value(site, config, &paths, &all, translations);
    let path = paths.statistics();
    let mut ctx = renderer.base_context(site, &path, Some(section));
    ctx.insert("stats", &stats);
    let html = renderer.render("statistics.html", &ctx, None)?;
    writer.write_page(&path, &html).map_err(Error::from)?;

    let records = export::records(site, config, &all);
    writer
        .write(&paths.json(), export::json(site, &records).as_bytes())
        .map_err(Error::from)?;
    writer
        .write(&paths.csv(), export::csv(&records).as_bytes())
        .map_err(Error::from)
}

/// Counts, chart SVGs and the stale list for `statistics.html` (`stats`).
fn statistics_value(
    site: &Site,
    config: &OrganisationsConfig,
    paths: &Paths,
    all: &[usize],
    t: &Translations,
) -> Json {
    let tr = |key: &str| t.get(key).cloned().unwrap_or_else(|| key.to_string());
    let today = site.today;
    let rows = |choices: &[Choice],
                count: &dyn Fn(&str) -> usize,
                path: &dyn Fn(&str) -> String|
     -> Vec<charts::Row> {
        choices
            .iter()
            .map(|c| charts::Row {
                label: c.name.clone(),
                value: count(&c.slug),
                url: Some(site.url(&path(&c.slug))),
            })
            .collect()
    };
    let by_category = rows(
        &config.categories,
        &|s| in_category(site, all, s).len(),
        &|s| paths.category(s),
    );
    let by_area = rows(&config.areas, &|s| in_area(site, all, s).len(), &|s| {
        paths.area(s)
    });
    let wanted = wanting_volunteers(site, all).len();
    let volunteers = vec![
        charts::Row {
            label: tr("stats_volunteers_yes"),
            value: wanted,
            url: Some(site.url(&paths.volunteers())),
        },
        charts::Row {
            label: tr("stats_volunteers_no"),
            value: all.len() - wanted,
            url: None,
        },
    ];
    let stale: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| {
            is_stale(
                site.pages[i].organisation.as_ref().expect("profile"),
                today,
                config.verified_max_age_months,
            )
        })
        .collect();
    let verification = vec![
        charts::Row {
            label: tr("stats_verified_recent"),
            value: all.len() - stale.len(),
            url: None,
        },
        charts::Row {
            label: tr("stats_verified_old"),
            value: stale.len(),
            url: None,
        },
    ];
    let chart = |id: &str, title_key: &str, column_key: &str, rows: Vec<charts::Row>| {
        let title = tr(title_key);
        json!({
            "id": id,
            "title": title,
            "column": tr(column_key),
            "svg": charts::bar_chart(id, &title, &rows),
            "rows": rows.iter().map(|r| json!({"label": r.label, "value": r.value, "url": r.url})).collect::<Vec<_>>(),
        })
    };
    json!({
        "total": all.len(),
        "volunteers_wanted": wanted,
        "stale_count": stale.len(),
        "max_age_months": config.verified_max_age_months,
        "charts": [
            chart("chart-categories", "stats_by_category", "directory_category", by_category),
            chart("chart-areas", "stats_by_area", "directory_area", by_area),
            chart("chart-volunteers", "stats_volunteers", "stats_volunteers", volunteers),
            chart("chart-verified", "stats_verification", "stats_verification", verification),
        ],
        "stale": cards(site, &stale, config, paths),
        "directory_url": site.url(&paths.base),
        "json_url": site.url(&paths.json()),
        "csv_url": site.url(&paths.csv()),
    })
}
