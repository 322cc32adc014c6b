//! Template values of the organisation directory: a profile as `page.organisation` (with its
//! schema.org JSON-LD), the directory page's `section.directory`, the cards of the list pages
//! and the statistics page's `stats`.

use super::charts;
use super::{LICENCE, LICENCE_URL};
use crate::config::{Choice, OrganisationsConfig};
use crate::content::Site;
use crate::content::organisation::{
    Organisation, Paths, checks, is_stale, logo_asset, profiles, section_file,
};
use crate::render::Translations;
use serde_json::{Value as Json, json};

/// The configured display name of a category or area slug (the slug itself if unknown).
pub(super) fn choice_name<'a>(choices: &'a [Choice], slug: &'a str) -> &'a str {
    choices
        .iter()
        .find(|c| c.slug == slug)
        .map_or(slug, |c| c.name.as_str())
}

/// Serialized for JSON-LD: safe inside `<script>` because `<`, `>` and `&` are escaped.
fn script_safe_json(value: &Json) -> String {
    serde_json::to_string(value)
        .expect("serializable")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// schema.org `NGO` description of a profile.
fn json_ld(site: &Site, index: usize, org: &Organisation, config: &OrganisationsConfig) -> Json {
    let page = &site.pages[index];
    let mut ld = json!({
        "@context": "https://schema.org",
        "@type": "NGO",
        "name": page.title,
        "url": site.permalink(&page.path),
        "areaServed": org.areas.iter().map(|a| json!({"@type": "Place", "name": choice_name(&config.areas, a)})).collect::<Vec<_>>(),
    });
    if let Some(d) = &page.meta.description {
        ld["description"] = json!(d);
    }
    if let Some(e) = &org.email {
        ld["email"] = json!(e);
    }
    if let Some(p) = &org.phone {
        ld["telephone"] = json!(checks::phone(p).unwrap_or_else(|_| p.clone()));
    }
    if let Some(w) = &org.website {
        ld["sameAs"] = json!(w);
    }
    if let Some(a) = &org.address {
        let street = a.rsplit_once(',').map_or("", |(s, _)| s.trim());
        let (code, town) = checks::postal_address(a).unwrap_or(("", ""));
        ld["address"] = json!({"@type": "PostalAddress", "streetAddress": street, "postalCode": code, "addressLocality": town, "addressCountry": "FI"});
    }
    if let Some(id) = &org.business_id {
        ld["identifier"] = json!({"@type": "PropertyValue", "propertyID": "Y-tunnus", "value": id});
    }
    if let Some(y) = org.founded {
        ld["foundingDate"] = json!(y.to_string());
    }
    ld
}

/// A profile as templates see it (`page.organisation`): the typed fields plus display names,
/// links and the JSON-LD script text.
pub fn page_value(site: &Site, index: usize) -> Json {
    let (Some(org), Some(config)) = (&site.pages[index].organisation, &site.config.organisations)
    else {
        return Json::Null;
    };
    let paths = Paths::new(site, config);
    let mut v = serde_json::to_value(org).expect("serializable");
    v["category_name"] = json!(choice_name(&config.categories, &org.category));
    v["category_url"] = json!(site.url(&paths.category(&org.category)));
    v["area_links"] = json!(org
        .areas
        .iter()
        .map(|a| json!({"slug": a, "name": choice_name(&config.areas, a), "url": site.url(&paths.area(a))}))
        .collect::<Vec<_>>());
    v["phone_href"] = json!(org.phone.as_deref().and_then(|p| checks::phone(p).ok()));
    for (i, c) in org.contacts.iter().enumerate() {
        v["contacts"][i]["phone_href"] =
            json!(c.phone.as_deref().and_then(|p| checks::phone(p).ok()));
    }
    v["logo_url"] = json!(
        org.logo
            .as_ref()
            .map(|l| site.url(&logo_asset(&site.pages[index].file.relative, l)))
    );
    v["stale"] = json!(is_stale(org, site.today, config.verified_max_age_months));
    v["json_ld"] = json!(script_safe_json(&json_ld(site, index, org, config)));
    v["directory_url"] = json!(site.url(&paths.base));
    v
}

/// Adds `section.directory` (profiles grouped by category, filters, links) to the directory
/// section's template data.
pub fn decorate_section(site: &Site, index: usize, value: &mut Json) {
    let Some(config) = &site.config.organisations else {
        return;
    };
    if site.sections[index].file.relative != section_file(config) {
        return;
    }
    value["directory"] = directory_value(site, config);
}

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

pub(super) fn cards(
    site: &Site,
    list: &[usize],
    config: &OrganisationsConfig,
    paths: &Paths,
) -> Vec<Json> {
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
fn matching(site: &Site, list: &[usize], keep: impl Fn(&Organisation) -> bool) -> Vec<usize> {
    list.iter()
        .copied()
        .filter(|&i| site.pages[i].organisation.as_ref().is_some_and(&keep))
        .collect()
}

pub(super) fn in_category(site: &Site, list: &[usize], slug: &str) -> Vec<usize> {
    matching(site, list, |o| o.category == slug)
}

pub(super) fn in_area(site: &Site, list: &[usize], slug: &str) -> Vec<usize> {
    matching(site, list, |o| o.areas.iter().any(|a| a == slug))
}

pub(super) fn wanting_volunteers(site: &Site, list: &[usize]) -> Vec<usize> {
    matching(site, list, |o| o.volunteers_wanted)
}

/// Template data of the directory page (`section.directory`).
fn directory_value(site: &Site, config: &OrganisationsConfig) -> Json {
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

/// Counts, chart SVGs and the stale list for `statistics.html` (`stats`).
pub(super) fn statistics_value(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_scripts_cannot_close_the_element() {
        let s = script_safe_json(&json!({"name": "</script><script>alert(1)</script> & co"}));
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: Json = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}
