//! Template values of the organisation directory: a profile as `page.organisation` (with its
//! schema.org JSON-LD), the directory page's `section.directory`, the cards of the list pages
//! and the statistics page's `stats`.

use super::charts;
use super::{LICENCE, LICENCE_URL};
use crate::config::{Choice, OrganisationsConfig};
use crate::content::Site;
use crate::content::organisation::{
    Contact, Organisation, Paths, checks, is_stale, logo_asset, profiles, section_file,
};
use crate::render::Translations;
use chrono::NaiveDate;
use serde::Serialize;
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

/// A profile as templates see it (`page.organisation`, in `organisation.html`): the profile's
/// fields ([`Organisation`]) plus display names, links and the JSON-LD script text.
#[derive(Serialize)]
pub struct OrganisationValue<'a> {
    /// Slug of the organisation's category.
    pub category: &'a str,
    /// Slugs of the areas it serves.
    pub areas: &'a [String],
    /// The organisation's own (role) address.
    pub email: Option<&'a str>,
    /// The organisation's own phone number, as written.
    pub phone: Option<&'a str>,
    /// Home page.
    pub website: Option<&'a str>,
    /// Postal address.
    pub address: Option<&'a str>,
    /// Where the group meets.
    pub meeting_place: Option<&'a str>,
    /// Whom the activity is for.
    pub target_groups: &'a [String],
    /// Languages the activity is run in.
    pub languages: &'a [String],
    /// Accessibility of the premises, free text.
    pub accessibility: Option<&'a str>,
    /// Whether the organisation is looking for volunteers.
    pub volunteers_wanted: bool,
    /// What volunteers would do.
    pub volunteer_tasks: &'a [String],
    /// Year founded.
    pub founded: Option<i64>,
    /// Y-tunnus.
    pub business_id: Option<&'a str>,
    /// The organisation's page on Lähellä.fi.
    pub lahella_url: Option<&'a str>,
    /// When the coordinator last confirmed the data, `YYYY-MM-DD`.
    pub verified: Option<NaiveDate>,
    /// Logo image path relative to the profile file, as written.
    pub logo: Option<&'a str>,
    /// Named contact persons.
    pub contacts: Vec<ContactValue<'a>>,
    /// Display name of the category.
    pub category_name: &'a str,
    /// Root-relative address of the category's list page.
    pub category_url: String,
    /// The areas with their names and list pages.
    pub area_links: Vec<AreaLink<'a>>,
    /// The phone number as a `tel:` target (international form), when it parses.
    pub phone_href: Option<String>,
    /// Root-relative address of the logo, when there is one.
    pub logo_url: Option<String>,
    /// Whether the data was last confirmed longer ago than the configured maximum age.
    pub stale: bool,
    /// schema.org `NGO` description, as JSON text safe inside `<script>`.
    pub json_ld: String,
    /// Root-relative address of the directory page.
    pub directory_url: String,
}

/// A contact person in [`OrganisationValue::contacts`].
#[derive(Serialize)]
pub struct ContactValue<'a> {
    /// The contact's fields ([`Contact`]: `name`, `role`, `email`, `phone`, …), at the top
    /// level.
    #[serde(flatten)]
    pub contact: &'a Contact,
    /// The phone number as a `tel:` target, when it parses.
    pub phone_href: Option<String>,
}

/// An area with its name and list page.
#[derive(Serialize)]
pub struct AreaLink<'a> {
    /// The area's slug.
    pub slug: &'a str,
    /// Its display name.
    pub name: &'a str,
    /// Root-relative address of its list page.
    pub url: String,
}

/// The areas of `org` as links.
fn area_links<'a>(
    site: &Site,
    org: &'a Organisation,
    config: &'a OrganisationsConfig,
    paths: &Paths,
) -> Vec<AreaLink<'a>> {
    org.areas
        .iter()
        .map(|a| AreaLink {
            slug: a,
            name: choice_name(&config.areas, a),
            url: site.url(&paths.area(a)),
        })
        .collect()
}

/// The template value of profile page `index` (`None` on other pages).
fn organisation_value(site: &Site, index: usize) -> Option<OrganisationValue<'_>> {
    let (Some(org), Some(config)) = (&site.pages[index].organisation, &site.config.organisations)
    else {
        return None;
    };
    let paths = Paths::new(site, config);
    let phone_href = |p: &Option<String>| p.as_deref().and_then(|p| checks::phone(p).ok());
    Some(OrganisationValue {
        category: &org.category,
        areas: &org.areas,
        email: org.email.as_deref(),
        phone: org.phone.as_deref(),
        website: org.website.as_deref(),
        address: org.address.as_deref(),
        meeting_place: org.meeting_place.as_deref(),
        target_groups: &org.target_groups,
        languages: &org.languages,
        accessibility: org.accessibility.as_deref(),
        volunteers_wanted: org.volunteers_wanted,
        volunteer_tasks: &org.volunteer_tasks,
        founded: org.founded,
        business_id: org.business_id.as_deref(),
        lahella_url: org.lahella_url.as_deref(),
        verified: org.verified,
        logo: org.logo.as_deref(),
        contacts: org
            .contacts
            .iter()
            .map(|c| ContactValue {
                contact: c,
                phone_href: phone_href(&c.phone),
            })
            .collect(),
        category_name: choice_name(&config.categories, &org.category),
        category_url: site.url(&paths.category(&org.category)),
        area_links: area_links(site, org, config, &paths),
        phone_href: phone_href(&org.phone),
        logo_url: org
            .logo
            .as_ref()
            .map(|l| site.url(&logo_asset(&site.pages[index].file.relative, l))),
        stale: is_stale(org, site.today, config.verified_max_age_months),
        json_ld: script_safe_json(&json_ld(site, index, org, config)),
        directory_url: site.url(&paths.base),
    })
}

/// `page.organisation` as a template value (see [`OrganisationValue`]).
pub fn page_value(site: &Site, index: usize) -> Option<tera::Value> {
    organisation_value(site, index).map(|v| tera::Value::from_serializable(&v))
}

/// `section.directory` (see [`DirectoryValue`]) on the directory section, `None` on others.
pub fn decorate_section(site: &Site, index: usize) -> Option<tera::Value> {
    let config = site.config.organisations.as_ref()?;
    if site.sections[index].file.relative != section_file(config) {
        return None;
    }
    Some(tera::Value::from_serializable(&directory_value(
        site, config,
    )))
}

/// One profile in a list (`list.organisations`, `section.directory.groups[].organisations`,
/// `stats.stale`): what a card shows and what the filter script reads.
#[derive(Serialize)]
pub struct CardValue<'a> {
    /// The profile page's title.
    pub title: &'a str,
    /// The profile page's description.
    pub description: Option<&'a str>,
    /// Root-relative address of the profile page.
    pub url: String,
    /// Slug of the category.
    pub category: &'a str,
    /// Display name of the category.
    pub category_name: &'a str,
    /// Root-relative address of the category's list page.
    pub category_url: String,
    /// The areas with their names and list pages.
    pub areas: Vec<AreaLink<'a>>,
    /// The area slugs separated by spaces (for the filter script's data attribute).
    pub area_slugs: String,
    /// Whether the organisation is looking for volunteers.
    pub volunteers_wanted: bool,
    /// What volunteers would do.
    pub volunteer_tasks: &'a [String],
    /// When the data was last confirmed, `YYYY-MM-DD`.
    pub verified: Option<String>,
}

/// The card of profile page `index`.
fn card<'a>(
    site: &'a Site,
    index: usize,
    config: &'a OrganisationsConfig,
    paths: &Paths,
) -> CardValue<'a> {
    let page = &site.pages[index];
    let org = page.organisation.as_ref().expect("profiles only");
    CardValue {
        title: &page.title,
        description: page.meta.description.as_deref(),
        url: site.url(&page.path),
        category: &org.category,
        category_name: choice_name(&config.categories, &org.category),
        category_url: site.url(&paths.category(&org.category)),
        areas: area_links(site, org, config, paths),
        area_slugs: org.areas.join(" "),
        volunteers_wanted: org.volunteers_wanted,
        volunteer_tasks: &org.volunteer_tasks,
        verified: org.verified.map(|d| d.to_string()),
    }
}

pub(super) fn cards<'a>(
    site: &'a Site,
    list: &[usize],
    config: &'a OrganisationsConfig,
    paths: &Paths,
) -> Vec<CardValue<'a>> {
    list.iter().map(|&i| card(site, i, config, paths)).collect()
}

/// A category or area with its list page and how many profiles it has.
#[derive(Serialize)]
pub struct ChoiceLink<'a> {
    /// The slug.
    pub slug: &'a str,
    /// The display name.
    pub name: &'a str,
    /// Root-relative address of its list page.
    pub url: String,
    /// How many profiles it has.
    pub count: usize,
}

/// Configured choices with their page links and how many profiles each has.
fn choice_links<'a>(
    site: &Site,
    choices: &'a [Choice],
    count: impl Fn(&str) -> usize,
    path: impl Fn(&str) -> String,
) -> Vec<ChoiceLink<'a>> {
    choices
        .iter()
        .map(|c| ChoiceLink {
            slug: &c.slug,
            name: &c.name,
            url: site.url(&path(&c.slug)),
            count: count(&c.slug),
        })
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

/// The directory page's data (`section.directory`, on the directory section's page).
#[derive(Serialize)]
pub struct DirectoryValue<'a> {
    /// How many profiles there are.
    pub total: usize,
    /// The profiles by category, in the configured order.
    pub groups: Vec<GroupValue<'a>>,
    /// Every configured category with its count.
    pub categories: Vec<ChoiceLink<'a>>,
    /// Every configured area with its count.
    pub areas: Vec<ChoiceLink<'a>>,
    /// Root-relative address of the volunteers-wanted list.
    pub volunteers_url: String,
    /// How many profiles want volunteers.
    pub volunteers_count: usize,
    /// Root-relative address of the statistics page.
    pub statistics_url: String,
    /// Root-relative address of the open data as JSON.
    pub json_url: String,
    /// Root-relative address of the open data as CSV.
    pub csv_url: String,
    /// The open data's licence.
    pub licence: &'static str,
    /// Where the licence text is.
    pub licence_url: &'static str,
    /// Root-relative address of the directory page.
    pub url: String,
}

/// A category's profiles in [`DirectoryValue::groups`].
#[derive(Serialize)]
pub struct GroupValue<'a> {
    /// The category: `slug`, `name`, `url` and `count` as in [`ChoiceLink`].
    #[serde(flatten)]
    pub category: ChoiceLink<'a>,
    /// Its profiles' cards.
    pub organisations: Vec<CardValue<'a>>,
}

/// Template data of the directory page (`section.directory`).
fn directory_value<'a>(site: &'a Site, config: &'a OrganisationsConfig) -> DirectoryValue<'a> {
    let paths = Paths::new(site, config);
    let all = profiles(site);
    let groups = config
        .categories
        .iter()
        .map(|c| {
            let members = in_category(site, &all, &c.slug);
            GroupValue {
                category: ChoiceLink {
                    slug: &c.slug,
                    name: &c.name,
                    url: site.url(&paths.category(&c.slug)),
                    count: members.len(),
                },
                organisations: cards(site, &members, config, &paths),
            }
        })
        .collect();
    DirectoryValue {
        total: all.len(),
        groups,
        categories: choice_links(
            site,
            &config.categories,
            |s| in_category(site, &all, s).len(),
            |s| paths.category(s),
        ),
        areas: choice_links(
            site,
            &config.areas,
            |s| in_area(site, &all, s).len(),
            |s| paths.area(s),
        ),
        volunteers_url: site.url(&paths.volunteers()),
        volunteers_count: wanting_volunteers(site, &all).len(),
        statistics_url: site.url(&paths.statistics()),
        json_url: site.url(&paths.json()),
        csv_url: site.url(&paths.csv()),
        licence: LICENCE,
        licence_url: LICENCE_URL,
        url: site.url(&paths.base),
    }
}

/// The statistics page's data (`stats`, in `statistics.html`).
#[derive(Serialize)]
pub struct StatisticsValue<'a> {
    /// How many profiles there are.
    pub total: usize,
    /// How many want volunteers.
    pub volunteers_wanted: usize,
    /// How many were confirmed longer ago than the maximum age.
    pub stale_count: usize,
    /// The configured maximum age of a confirmation, in months.
    pub max_age_months: u32,
    /// The charts, each with its data table.
    pub charts: Vec<ChartValue>,
    /// Cards of the stale profiles.
    pub stale: Vec<CardValue<'a>>,
    /// Root-relative address of the directory page.
    pub directory_url: String,
    /// Root-relative address of the open data as JSON.
    pub json_url: String,
    /// Root-relative address of the open data as CSV.
    pub csv_url: String,
}

/// One chart in [`StatisticsValue::charts`].
#[derive(Serialize)]
pub struct ChartValue {
    /// The chart's element id, unique on the page.
    pub id: &'static str,
    /// Its title (a UI string).
    pub title: String,
    /// The heading of the data table's value column (a UI string).
    pub column: String,
    /// The chart as inline SVG markup.
    pub svg: String,
    /// The bars: `label`, `value` and `url` (the list page, if any).
    pub rows: Vec<charts::Row>,
}

/// Counts, chart SVGs and the stale list for `statistics.html` (`stats`).
pub(super) fn statistics_value<'a>(
    site: &'a Site,
    config: &'a OrganisationsConfig,
    paths: &Paths,
    all: &[usize],
    t: &Translations,
) -> StatisticsValue<'a> {
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
    let chart = |id: &'static str, title_key: &str, column_key: &str, rows: Vec<charts::Row>| {
        let title = tr(title_key);
        ChartValue {
            id,
            svg: charts::bar_chart(id, &title, &rows),
            title,
            column: tr(column_key),
            rows,
        }
    };
    StatisticsValue {
        total: all.len(),
        volunteers_wanted: wanted,
        stale_count: stale.len(),
        max_age_months: config.verified_max_age_months,
        charts: vec![
            chart(
                "chart-categories",
                "stats_by_category",
                "directory_category",
                by_category,
            ),
            chart("chart-areas", "stats_by_area", "directory_area", by_area),
            chart(
                "chart-volunteers",
                "stats_volunteers",
                "stats_volunteers",
                volunteers,
            ),
            chart(
                "chart-verified",
                "stats_verification",
                "stats_verification",
                verification,
            ),
        ],
        stale: cards(site, &stale, config, paths),
        directory_url: site.url(&paths.base),
        json_url: site.url(&paths.json()),
        csv_url: site.url(&paths.csv()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `page.organisation` once was the profile serialized whole: the typed value must still
    /// show every field of the profile and of each contact, so a field added to
    /// [`Organisation`] or [`Contact`] fails here until templates can read it.
    #[test]
    fn the_profile_value_has_every_profile_field() {
        // The bundled hub: it has a profile with a contact person.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let options = crate::content::LoadOptions {
            drafts: false,
            today: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        };
        let site = crate::load(root, None, &options, &mut crate::Timings::default()).unwrap();
        let index = (0..site.pages.len())
            .find(|&i| {
                site.pages[i]
                    .organisation
                    .as_ref()
                    .is_some_and(|o| !o.contacts.is_empty())
            })
            .expect("a fixture profile with a contact");
        let value = serde_json::to_value(organisation_value(&site, index).unwrap()).unwrap();
        for key in crate::content::organisation::profile_keys() {
            assert!(value.get(key).is_some(), "page.organisation lacks `{key}`");
        }
        for key in crate::content::organisation::contact_keys() {
            assert!(
                value["contacts"][0].get(key).is_some(),
                "page.organisation.contacts[] lacks `{key}`"
            );
        }
    }

    #[test]
    fn json_for_scripts_cannot_close_the_element() {
        let s = script_safe_json(&json!({"name": "</script><script>alert(1)</script> & co"}));
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: Json = serde_json::from_str(&s).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}
