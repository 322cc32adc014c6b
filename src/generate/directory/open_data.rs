//! Open data: `organisations.json` and `organisations.csv`, one record per profile.
//!
//! Column names follow the Open Referral HSDS `organization` table where one exists (`id`,
//! `name`, `description`, `email`, `website`, `tax_id`, `year_incorporated`, `logo`, `uri`);
//! the rest are the directory's own fields. Contact persons are personal data and are never
//! exported. The columns are documented in `docs/open-data.md`.

use super::values::choice_name;
use super::{LICENCE, LICENCE_URL};
use crate::config::OrganisationsConfig;
use crate::content::Site;
use crate::content::organisation::{checks, logo_asset};
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
        "generated": site.today.to_string(),
        "columns": COLUMNS.iter().map(|(name, hsds, about)| serde_json::json!({"name": name, "hsds": hsds, "description": about})).collect::<Vec<_>>(),
        "organizations": records,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("serializable");
    s.push('\n');
    s
}

/// `organisations.csv`: RFC 4180 (comma separated, CRLF line ends, quotes doubled), a header
/// row, lists joined with `; `, and cells a spreadsheet would run as a formula neutralised
/// ([`spreadsheet_safe`]).
pub(super) fn csv(records: &[Record]) -> String {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(COLUMNS.iter().map(|c| c.0))
        .expect("writing to memory");
    for r in records {
        let value = serde_json::to_value(r).expect("serializable");
        let cells = COLUMNS.iter().map(|(c, _, _)| match &value[*c] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => spreadsheet_safe(s),
            serde_json::Value::Array(items) => spreadsheet_safe(
                &items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            other => other.to_string(),
        });
        writer.write_record(cells).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

/// A text cell that a spreadsheet will show as text. Spreadsheets run a cell starting with `=`,
/// `+`, `-` or `@` (and some a tab or carriage return before one) as a formula, and a formula
/// can open links or run commands on the city's computers, so such cells get a `'` in front,
/// which spreadsheets read as "this is text". A phone number written `+358 40 123 4567` is
/// left as it is: with nothing but digits, spaces, parentheses and hyphens after the `+` it
/// cannot name a function, and a `'` would spoil the number for everyone else reading the file.
pub(super) fn spreadsheet_safe(cell: &str) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_phone(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// `^\+[0-9 ()-]+$`: an international phone number and nothing else.
fn is_plain_phone(cell: &str) -> bool {
    cell.strip_prefix('+').is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_only_when_needed() {
        let record = |name: &str| Record {
            id: "x".into(),
            name: name.into(),
            ..Record::default()
        };
        let text = csv(&[
            record("abc"),
            record("a, b"),
            record("say \"hi\""),
            record("two\nlines"),
        ]);
        let rows: Vec<&str> = text.split("\r\n").collect();
        assert!(rows[0].starts_with("id,name,description,"), "{text}");
        assert!(rows[1].starts_with("x,abc,,"), "{text}");
        assert!(rows[2].starts_with("x,\"a, b\",,"), "{text}");
        assert!(rows[3].starts_with("x,\"say \"\"hi\"\"\",,"), "{text}");
        assert!(rows[4].starts_with("x,\"two\nlines\",,"), "{text}");
        assert_eq!(rows.len(), 6, "a CRLF after every row: {text:?}");
    }

    #[test]
    fn formula_cells_are_neutralised_but_phone_numbers_are_not() {
        for (cell, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(1)", "'@SUM(1)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-1+1", "'-1+1"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("+", "'+"),
            ("+358 40 123 4567", "+358 40 123 4567"),
            ("+358 (0)40 123-4567", "+358 (0)40 123-4567"),
            ("040 123 4567", "040 123 4567"),
            ("Kylätalo = koulu", "Kylätalo = koulu"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
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
