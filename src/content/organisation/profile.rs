//! Reading one `[organisation]` table into an [`Organisation`], checking every field and
//! reporting each problem at its line and column in the profile file.
//!
//! The table is walked on the spanned TOML document (not through serde) so a profile with five
//! mistakes gets five messages in one run, each pointing at the value that is wrong.

use super::checks;
use super::{Contact, Organisation};
use crate::config::OrganisationsConfig;
use crate::content::table_reader::{Codes, TableReader, Value};
use crate::diagnostics::{Diagnostic, suggestion_hint};
use chrono::NaiveDate;
use std::ops::{Deref, DerefMut};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// Where in the file the values that are compared across profiles sit.
#[derive(Debug, Clone, Default)]
pub(super) struct Spots {
    /// Byte offset of the `[organisation]` key.
    pub(super) table: usize,
    /// Byte offset of the `business_id` value.
    pub(super) business_id: Option<usize>,
    /// Byte offset of the `verified` value.
    pub(super) verified: Option<usize>,
}

/// A profile file's `[organisation]` table being read (the shared rules in [`TableReader`]).
pub(super) struct Reader<'a> {
    base: TableReader<'a>,
    /// Today, for dates that must not be in the future.
    today: NaiveDate,
}

impl<'a> Reader<'a> {
    /// A reader of the front matter at `offset` in `source`, as of `today`.
    pub(super) fn new(file: &'a Path, source: &'a str, offset: usize, today: NaiveDate) -> Self {
        let base = TableReader {
            file,
            source,
            offset,
            table: "organisation",
            codes: Codes {
                wrong_type: "organisation-type",
                empty: "organisation-empty",
                format: "organisation-format",
                unknown: "organisation-unknown-field",
            },
            problems: vec![],
        };
        Reader { base, today }
    }
}

impl<'a> Deref for Reader<'a> {
    type Target = TableReader<'a>;
    fn deref(&self) -> &TableReader<'a> {
        &self.base
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.base
    }
}

impl Reader<'_> {
    /// A list of texts, each with its span start.
    fn texts(&mut self, key: &str, v: &Value<'_>) -> Option<Vec<(String, usize)>> {
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(
                key,
                v,
                "a list of texts",
                &format!("{key} = [\"…\", \"…\"]"),
            );
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if let Some(s) = self.text(key, item) {
                out.push((s, item.span().start));
            }
        }
        Some(out)
    }

    fn boolean(&mut self, key: &str, v: &Value<'_>) -> Option<bool> {
        let b = v.get_ref().as_bool();
        if b.is_none() {
            self.wrong_type(
                key,
                v,
                "true or false (without quotes)",
                &format!("{key} = true"),
            );
        }
        b
    }

    /// A date written `2026-05-01` or `"2026-05-01"`; refused when later than today.
    fn past_date(&mut self, key: &str, v: &Value<'_>) -> Option<NaiveDate> {
        let today = self.today;
        let text = match v.get_ref() {
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.to_string(),
            _ => {
                self.wrong_type(key, v, "a date", &format!("{key} = 2026-05-01"));
                return None;
            }
        };
        let Ok(date) = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") else {
            self.error(
                "organisation-date",
                format!("`organisation.{key}` is not a date: `{text}`"),
                v.span().start,
                format!("write dates as YYYY-MM-DD, e.g. {key} = {}", today),
            );
            return None;
        };
        if date > self.today {
            self.error(
                "organisation-future-date",
                format!("`organisation.{key}` is in the future: {date}"),
                v.span().start,
                format!(
                    "use the day the information was actually confirmed (today is {})",
                    today
                ),
            );
            return None;
        }
        Some(date)
    }

    fn email(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        self.checked(
            key,
            v,
            "e-mail address",
            &format!("{key} = \"info@yhdistys.fi\""),
            |s| checks::email(s).map_err(String::from),
        )
    }

    fn phone(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        self.checked(
            key,
            v,
            "Finnish phone number",
            &format!("{key} = \"040 123 4567\""),
            |s| checks::phone(s).map(|_| ()).map_err(String::from),
        )
    }

    fn url(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        self.checked(
            key,
            v,
            "web address",
            &format!("{key} = \"https://www.yhdistys.fi/\""),
            |s| checks::web_url(s).map_err(String::from),
        )
    }

    fn choice(
        &mut self,
        key: &str,
        value: &str,
        span_start: usize,
        choices: &[crate::config::Choice],
    ) -> bool {
        if choices.iter().any(|c| c.slug == value) {
            return true;
        }
        let slugs: Vec<&str> = choices.iter().map(|c| c.slug.as_str()).collect();
        let by_name = choices
            .iter()
            .find(|c| c.name.to_lowercase() == value.to_lowercase());
        let hint = match by_name {
            Some(c) => format!(
                "write the short name (slug) `{}` instead of the display name",
                c.slug
            ),
            None if slugs.is_empty() => {
                format!("no {key} are configured: add them under [organisations] in config.toml")
            }
            None => suggestion_hint(value, &slugs),
        };
        self.error(
            "organisation-unknown-choice",
            format!("`{value}` is not one of the configured {key} in config.toml"),
            span_start,
            hint,
        );
        false
    }

    /// Reads the whole `[organisation]` table; `key_span` is where its key was written.
    pub(super) fn organisation(
        &mut self,
        table: &DeTable<'_>,
        key_span: usize,
        config: &OrganisationsConfig,
    ) -> (Organisation, Spots) {
        let mut org = Organisation::default();
        let mut spots = Spots {
            table: key_span,
            ..Spots::default()
        };
        let (mut has_category, mut has_areas) = (false, false);
        for (key, v) in table.iter() {
            let name: &str = key.get_ref();
            match name {
                "category" => {
                    has_category = true;
                    if let Some(s) = self.text(name, v) {
                        if self.choice("categories", &s, v.span().start, &config.categories) {
                            org.category = s;
                        }
                    }
                }
                "areas" => {
                    has_areas = true;
                    let Some(list) = self.texts(name, v) else {
                        continue;
                    };
                    if list.is_empty() {
                        self.error(
                            "organisation-empty",
                            "`organisation.areas` is empty".into(),
                            v.span().start,
                            "name at least one area where the organisation works".into(),
                        );
                    }
                    for (area, at) in list {
                        if self.choice("areas", &area, at, &config.areas)
                            && !org.areas.contains(&area)
                        {
                            org.areas.push(area);
                        }
                    }
                }
                "email" => org.email = self.email(name, v),
                "phone" => org.phone = self.phone(name, v),
                "website" => org.website = self.url(name, v),
                "lahella_url" => org.lahella_url = self.url(name, v),
                "address" => {
                    org.address =
                        self.checked(name, v, "postal address", "Katu 1, 33470 Ylöjärvi", |s| {
                            checks::postal_address(s).map(|_| ()).map_err(String::from)
                        })
                }
                "meeting_place" => org.meeting_place = self.text(name, v),
                "accessibility" => org.accessibility = self.text(name, v),
                "target_groups" => org.target_groups = self.plain_texts(name, v),
                "languages" => org.languages = self.plain_texts(name, v),
                "volunteer_tasks" => org.volunteer_tasks = self.plain_texts(name, v),
                "volunteers_wanted" => {
                    org.volunteers_wanted = self.boolean(name, v).unwrap_or(false)
                }
                "founded" => org.founded = self.year(name, v),
                "business_id" => {
                    spots.business_id = Some(v.span().start);
                    org.business_id =
                        self.checked(name, v, "Y-tunnus", "1234567-1", checks::business_id);
                }
                "verified" => {
                    spots.verified = Some(v.span().start);
                    org.verified = self.past_date(name, v);
                }
                "logo" => org.logo = self.logo(v),
                "contacts" => org.contacts = self.contacts(v),
                _ => self.unknown(
                    "organisation.",
                    name,
                    key.span().start,
                    super::profile_keys(),
                ),
            }
        }
        if !org.volunteers_wanted && !org.volunteer_tasks.is_empty() {
            let d = Diagnostic::warning(
                "organisation-volunteer-tasks",
                "`volunteer_tasks` are listed but `volunteers_wanted` is not true, so they are not shown",
            );
            let d = self.at(d, key_span).with_hint(
                "set volunteers_wanted = true, or remove volunteer_tasks when no volunteers are needed",
            );
            self.problems.push(d);
        }
        for (present, field, example) in [
            (has_category, "category", "category = \"seniorit\""),
            (has_areas, "areas", "areas = [\"keskusta\"]"),
        ] {
            if !present {
                self.error(
                    "organisation-missing-field",
                    format!("the [organisation] table has no `{field}`"),
                    key_span,
                    format!("add a line like: {example}"),
                );
            }
        }
        (org, spots)
    }

    fn plain_texts(&mut self, key: &str, v: &Value<'_>) -> Vec<String> {
        self.texts(key, v)
            .unwrap_or_default()
            .into_iter()
            .map(|(s, _)| s)
            .collect()
    }

    fn year(&mut self, key: &str, v: &Value<'_>) -> Option<i64> {
        let Some(n) = v
            .get_ref()
            .as_integer()
            .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
        else {
            self.wrong_type(
                key,
                v,
                "a year (a number without quotes)",
                &format!("{key} = 1987"),
            );
            return None;
        };
        let this_year = i64::from(chrono::Datelike::year(&self.today));
        if !(1800..=this_year).contains(&n) {
            self.error(
                "organisation-format",
                format!("`organisation.{key}` is not a plausible founding year: {n}"),
                v.span().start,
                format!("write the year the organisation was founded, 1800–{this_year}"),
            );
            return None;
        }
        Some(n)
    }

    /// A logo image next to the profile: a relative path, never a URL or a path out of content/.
    fn logo(&mut self, v: &Value<'_>) -> Option<String> {
        let s = self.text("logo", v)?;
        let ok = !s.contains("..")
            && !s.contains(':')
            && !s.starts_with('/')
            && [".png", ".jpg", ".jpeg", ".svg", ".webp"]
                .iter()
                .any(|ext| s.to_lowercase().ends_with(ext));
        if ok {
            return Some(s);
        }
        self.error(
            "organisation-format",
            format!("`organisation.logo` is not an image file next to the profile: `{s}`"),
            v.span().start,
            "put the image (png, jpg, svg or webp) in content/ next to the profile and write e.g. logo = \"logot/yhdistys.png\"".into(),
        );
        None
    }

    fn contacts(&mut self, v: &Value<'_>) -> Vec<Contact> {
        let Some(items) = v.get_ref().as_array() else {
            self.wrong_type(
                "contacts",
                v,
                "a list of [[organisation.contacts]] tables",
                "[[organisation.contacts]]",
            );
            return vec![];
        };
        let mut out = Vec::new();
        for item in items.iter() {
            let Some(table) = item.get_ref().as_table() else {
                self.wrong_type(
                    "contacts",
                    item,
                    "a [[organisation.contacts]] table",
                    "[[organisation.contacts]]",
                );
                continue;
            };
            if let Some(c) = self.contact(table, item.span().start) {
                out.push(c);
            }
        }
        out
    }

    fn contact(&mut self, table: &DeTable<'_>, item_span: usize) -> Option<Contact> {
        let today = self.today;
        let mut c = Contact::default();
        let (mut name_at, mut consent) = (None, None);
        let before = self.problems.len();
        for (key, v) in table.iter() {
            let name: &str = key.get_ref();
            let field = format!("contacts.{name}");
            match name {
                "name" => {
                    name_at = Some(key.span().start);
                    c.name = self.text(&field, v).unwrap_or_default();
                }
                "role" => c.role = self.text(&field, v),
                "email" => c.email = self.email(&field, v),
                "phone" => c.phone = self.phone(&field, v),
                "consent" => consent = self.boolean(&field, v),
                "consent_date" => c.consent_date = self.past_date(&field, v),
                _ => self.unknown(
                    "organisation.contacts.",
                    name,
                    key.span().start,
                    super::contact_keys(),
                ),
            }
        }
        let at = name_at.unwrap_or(item_span);
        if name_at.is_none() {
            self.error(
                "organisation-missing-field",
                "a [[organisation.contacts]] entry has no `name`".into(),
                at,
                "add the person's name, e.g. name = \"Maija Meikäläinen\", or use the organisation's own address instead".into(),
            );
        }
        c.consent = consent == Some(true);
        if !c.consent || c.consent_date.is_none() {
            let who = if c.name.is_empty() {
                "a contact person".to_string()
            } else {
                format!("contact person `{}`", c.name)
            };
            let missing = match (c.consent, c.consent_date.is_some()) {
                (false, false) => "`consent = true` and `consent_date`",
                (false, true) => "`consent = true`",
                _ => "`consent_date`",
            };
            self.error(
                "organisation-consent",
                format!("{who} has no recorded consent: a named person is published only with `consent = true` and `consent_date` (missing {missing})"),
                at,
                format!("a person's name and contact details are personal data: ask them for permission to publish, then add consent = true and consent_date = {} — or remove this [[organisation.contacts]] block and use the organisation's own role address", today),
            );
        }
        (self.problems.len() == before).then_some(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Choice;

    fn config() -> OrganisationsConfig {
        let choice = |s: &str| Choice {
            slug: s.into(),
            name: s.to_uppercase(),
        };
        OrganisationsConfig {
            section: "jarjestot".into(),
            verified_max_age_months: 12,
            categories: vec![choice("seniorit"), choice("muut-toimijat")],
            areas: vec![choice("kuru"), choice("keskusta")],
        }
    }

    fn read(front: &str) -> (Organisation, Vec<Diagnostic>) {
        let doc = DeTable::parse(front).unwrap();
        let (key, value) = doc
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref() == "organisation")
            .unwrap();
        let mut r = Reader::new(
            Path::new("x.md"),
            front,
            0,
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        );
        let (org, _) = r.organisation(
            value.get_ref().as_table().unwrap(),
            key.span().start,
            &config(),
        );
        (org, std::mem::take(&mut r.problems))
    }

    #[test]
    fn the_reader_knows_every_key_of_the_types() {
        use crate::content::organisation::{contact_keys, profile_keys};
        assert_eq!(profile_keys().len(), 18);
        assert_eq!(
            contact_keys(),
            ["name", "role", "email", "phone", "consent", "consent_date"]
        );
        let mut front = String::from("[organisation]\n");
        for key in profile_keys().iter().filter(|k| **k != "contacts") {
            front.push_str(&format!("{key} = 1\n"));
        }
        front.push_str("[[organisation.contacts]]\n");
        for key in contact_keys() {
            front.push_str(&format!("{key} = 1\n"));
        }
        let (_, problems) = read(&front);
        assert!(
            !problems
                .iter()
                .any(|p| p.code == "organisation-unknown-field"),
            "{problems:?}"
        );
        assert!(!problems.is_empty(), "the values are wrong on purpose");
    }

    #[test]
    fn the_profile_and_contact_types_read_and_write_exactly_the_listed_keys() {
        use crate::content::organisation::{Contact, Organisation};
        use crate::toml_schema::{
            assert_serialized_keys_match, assert_type_reads_every_key, table_keys,
        };
        let organisation = Organisation::default();
        let base = toml::Table::try_from(&organisation).unwrap();
        assert_type_reads_every_key::<Organisation>(&table_keys::<Organisation>(), &base);
        assert_serialized_keys_match(&organisation, &table_keys::<Organisation>());
        let contact = Contact::default();
        let base = toml::Table::try_from(&contact).unwrap();
        assert_type_reads_every_key::<Contact>(&table_keys::<Contact>(), &base);
        assert_serialized_keys_match(&contact, &table_keys::<Contact>());
    }

    #[test]
    fn a_valid_profile_reads_completely() {
        let (org, problems) = read(
            "[organisation]\ncategory = \"seniorit\"\nareas = [\"kuru\", \"keskusta\"]\nphone = \"010 555 0101\"\nverified = 2026-01-01\nfounded = 1990\nvolunteers_wanted = true\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(org.areas, ["kuru", "keskusta"]);
        assert_eq!(org.verified.unwrap().to_string(), "2026-01-01");
        assert!(org.volunteers_wanted);
    }

    #[test]
    fn every_problem_is_reported_at_its_line() {
        let (_, mut problems) = read(
            "[organisation]\ncategori = \"seniorit\"\nareas = [\"kuru\", \"kurru\"]\nemail = \"ei-osoite\"\nverified = 2999-01-01\n",
        );
        crate::diagnostics::sort(&mut problems);
        let lines: Vec<(usize, &str)> = problems.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(
            lines,
            [
                (1, "organisation-missing-field"),
                (2, "organisation-unknown-field"),
                (3, "organisation-unknown-choice"),
                (4, "organisation-format"),
                (5, "organisation-future-date"),
            ]
        );
        assert!(
            problems[1]
                .hint
                .as_deref()
                .unwrap()
                .contains("did you mean `category`")
        );
        assert!(
            problems[2]
                .hint
                .as_deref()
                .unwrap()
                .contains("did you mean `kuru`")
        );
    }

    #[test]
    fn contact_without_consent_is_refused() {
        let (_, problems) = read(
            "[organisation]\ncategory = \"seniorit\"\nareas = [\"kuru\"]\n[[organisation.contacts]]\nname = \"Maija\"\nconsent = true\n",
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "organisation-consent");
        assert_eq!(problems[0].line, 5);
        assert!(problems[0].message.contains("missing `consent_date`"));
    }
}
