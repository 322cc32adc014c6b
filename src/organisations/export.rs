//! Open data: `organisations.json` and `organisations.csv`, one record per profile.
//!
//! Column names follow the Open Referral HSDS `organization` table where one exists (`id`,
//! `name`, `description`, `email`, `website`, `tax_id`, `year_incorporated`, `logo`, `uri`);
//! the rest are the directory's own fields. Contact persons are personal data and are never
//! exported. The columns are documented in `docs/open-data.md`.

use super::pages::{LICENCE, LICENCE_URL};
use super::{checks, choice_name, logo_asset};
use crate::clock::today_or_system as today;
use crate::config::OrganisationsConfig;
use crate::content::Site;
use serde::Serialize;

/// One exported organisation. Field order is the CSV column order.
#[derive(Debug, Default, Serialize)]
pub(super) struct Record {
    id: String,
    name: String,
    description: String,
    email: String,
    website: String,
    tax_id: String,
    year_incorporated: Option<i64>,
    logo: String,
    uri: String,
    phone: String,
    address: String,
    postal_code: String,
    city: String,
    category: String,
    category_name: String,
    areas: Vec<String>,
    area_names: Vec<String>,
    meeting_place: String,
    target_groups: Vec<String>,
    languages: Vec<String>,
    accessibility: String,
    volunteers_wanted: bool,
    volunteer_tasks: Vec<String>,
    lahella_url: String,
    verified: String,
}

/// The columns in [`Record`] field order: name, the HSDS `organization` field it maps to (empty
/// when HSDS has none), and what it holds. Written into the JSON file so the data documents itself.
const COLUMNS: &[(&str, &str, &str)] = &[
    (
        "id",
        "organization.id",
        "stable identifier: the profile's URL slug",
    ),
    ("name", "organization.name", "the organisation's name"),
    (
        "description",
        "organization.description",
        "one-sentence description",
    ),
    (
        "email",
        "organization.email",
        "the organisation's own (role) e-mail address",
    ),
    ("website", "organization.website", "home page"),
    (
        "tax_id",
        "organization.tax_id",
        "Y-tunnus (Finnish business id), check digit verified",
    ),
    (
        "year_incorporated",
        "organization.year_incorporated",
        "year founded",
    ),
    ("logo", "organization.logo", "logo image URL"),
    (
        "uri",
        "organization.uri",
        "the profile page in this directory",
    ),
    ("phone", "phone.number", "the organisation's phone number"),
    ("address", "address.address_1", "postal address as written"),
    (
        "postal_code",
        "address.postal_code",
        "five-digit postal code",
    ),
    ("city", "address.city", "post town"),
    (
        "category",
        "",
        "category slug (one of the configured groups)",
    ),
    ("category_name", "", "category display name"),
    (
        "areas",
        "service_area.name",
        "area slugs; `; ` between several in CSV",
    ),
    (
        "area_names",
        "",
        "area display names; `; ` between several in CSV",
    ),
    ("meeting_place", "location.name", "where the group meets"),
    ("target_groups", "", "whom the activity is for"),
    ("languages", "language.name", "languages of the activity"),
    (
        "accessibility",
        "accessibility.description",
        "accessibility of the premises",
    ),
    (
        "volunteers_wanted",
        "",
        "true when the organisation is looking for volunteers",
    ),
    ("volunteer_tasks", "", "what volunteers would do"),
    ("lahella_url", "", "the organisation's page on Lähellä.fi"),
    (
        "verified",
        "",
        "date (YYYY-MM-DD) the details were last confirmed",
    ),
];

/// Records for the given profiles, in that order.
pub(super) fn records(site: &Site, config: &OrganisationsConfig, list: &[usize]) -> Vec<Record> {
    list.iter()
        .map(|&i| {
            let page = &site.pages[i];
            let org = page.organisation.as_ref().expect("profiles only");
            let text = |o: &Option<String>| o.clone().unwrap_or_default();
            let (postal_code, city) = org
                .address
                .as_deref()
                .and_then(|a| checks::postal_address(a).ok())
                .unwrap_or(("", ""));
            Record {
                id: page.slug.clone(),
                name: page.title.clone(),
                description: text(&page.meta.description),
                email: text(&org.email),
                website: text(&org.website),
                tax_id: text(&org.business_id),
                year_incorporated: org.founded,
                logo: org
                    .logo
                    .as_ref()
                    .map(|l| site.permalink(&logo_asset(&page.file.relative, l)))
                    .unwrap_or_default(),
                uri: site.permalink(&page.path),
                phone: text(&org.phone),
                address: text(&org.address),
                postal_code: postal_code.to_string(),
                city: city.to_string(),
                category: org.category.clone(),
                category_name: choice_name(&config.categories, &org.category).to_string(),
                areas: org.areas.clone(),
                area_names: org
                    .areas
                    .iter()
                    .map(|a| choice_name(&config.areas, a).to_string())
                    .collect(),
                meeting_place: text(&org.meeting_place),
                target_groups: org.target_groups.clone(),
                languages: org.languages.clone(),
                accessibility: text(&org.accessibility),
                volunteers_wanted: org.volunteers_wanted,
                volunteer_tasks: org.volunteer_tasks.clone(),
                lahella_url: text(&org.lahella_url),
                verified: org.verified.map(|d| d.to_string()).unwrap_or_default(),
            }
        })
        .collect()
}

/// `organisations.json`: the records with the data set's title, source and licence.
pub(super) fn json(site: &Site, records: &[Record]) -> String {
    let doc = serde_json::json!({
        "title": format!("{}: organisations", site.config.title),
        "source": site.config.base_url,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated": today().to_string(),
        "columns": COLUMNS.iter().map(|(name, hsds, about)| serde_json::json!({"name": name, "hsds": hsds, "description": about})).collect::<Vec<_>>(),
        "organizations": records,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("serializable");
    s.push('\n');
    s
}

/// `organisations.csv`: RFC 4180 (comma separated, CRLF line ends, quotes doubled), a header
/// row, lists joined with `; `.
pub(super) fn csv(records: &[Record]) -> String {
    let mut out = COLUMNS.iter().map(|c| c.0).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for r in records {
        let value = serde_json::to_value(r).expect("serializable");
        let cells: Vec<String> = COLUMNS
            .iter()
            .map(|(c, _, _)| match &value[*c] {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => quote(s),
                serde_json::Value::Array(items) => quote(
                    &items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                other => other.to_string(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        assert_eq!(quote("abc"), "abc");
        assert_eq!(quote("a, b"), "\"a, b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn columns_match_the_record_fields() {
        let value = serde_json::to_value(Record::default()).unwrap();
        let mut keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut columns: Vec<&str> = COLUMNS.iter().map(|c| c.0).collect();
        keys.sort_unstable();
        columns.sort_unstable();
        assert_eq!(keys, columns);
    }
}
