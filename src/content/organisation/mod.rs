//! The organisation directory's content model: the typed, validated [`Organisation`] profiles
//! and the directory's URL layout.
//!
//! Profiles are pages under the configured section (`[organisations] section`, `jarjestot`)
//! with an `[organisation]` table in their front matter. [`attach`] runs inside
//! `content::load`: it reads every table strictly (`profile.rs`, field checks in [`checks`]),
//! reports every problem of every profile in one run, and stores the typed [`Organisation`] on
//! its [`Page`]. The pages, statistics and open data made from the profiles are rendered by the
//! `generate::directory` module; the `new organisation` command is `new_organisation`.

pub mod checks;
mod profile;

use super::{Page, Site, frontmatter};
use crate::config::OrganisationsConfig;
use crate::diagnostics::Diagnostic;
use crate::text::{finnish_cmp, fold_diacritics};
use crate::toml_schema::Spans;
use chrono::{Months, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use toml::de::DeTable;

/// One organisation's profile data, as checked.
///
/// The `[organisation]` table has exactly these fields as keys ([`profile_keys`]); it is read
/// by hand, value by value, so that every mistake gets its own message.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Organisation {
    /// Slug of one configured category.
    pub category: String,
    /// Slugs of configured areas, at least one.
    pub areas: Vec<String>,
    /// The organisation's own (role) address.
    pub email: Option<String>,
    /// The organisation's own phone number.
    pub phone: Option<String>,
    /// Home page, http(s) only.
    pub website: Option<String>,
    /// Postal address with a five-digit postal code.
    pub address: Option<String>,
    /// Where the group meets.
    pub meeting_place: Option<String>,
    /// Whom the activity is for.
    pub target_groups: Vec<String>,
    /// Languages the activity is run in.
    pub languages: Vec<String>,
    /// Accessibility of the premises, free text.
    pub accessibility: Option<String>,
    /// Whether the organisation is looking for volunteers.
    pub volunteers_wanted: bool,
    /// What volunteers would do.
    pub volunteer_tasks: Vec<String>,
    /// Year founded.
    pub founded: Option<i64>,
    /// Y-tunnus, check digit verified.
    pub business_id: Option<String>,
    /// The organisation's page on Lähellä.fi.
    pub lahella_url: Option<String>,
    /// When the coordinator last confirmed the data.
    pub verified: Option<NaiveDate>,
    /// Logo image path relative to the profile file.
    pub logo: Option<String>,
    /// Named contact persons; only ones with recorded consent get this far.
    pub contacts: Vec<Contact>,
}

/// A named contact person. Personal data: shown only on the profile page, never exported.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Contact {
    /// The person's name.
    pub name: String,
    /// Their role in the organisation.
    pub role: Option<String>,
    /// Their e-mail address.
    pub email: Option<String>,
    /// Their phone number.
    pub phone: Option<String>,
    /// Always true once loaded (the build fails otherwise).
    pub consent: bool,
    /// When consent was given.
    pub consent_date: Option<NaiveDate>,
}

/// The keys an `[organisation]` table may have: the fields of [`Organisation`].
pub fn profile_keys() -> &'static [&'static str] {
    static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(key_names::<Organisation>);
    &KEYS
}

/// The keys a `[[organisation.contacts]]` entry may have: the fields of [`Contact`].
pub fn contact_keys() -> &'static [&'static str] {
    static KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(key_names::<Contact>);
    &KEYS
}

fn key_names<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
    crate::toml_schema::table_keys::<T>()
        .into_iter()
        .map(|(key, _)| key)
        .collect()
}

/// Whether a content file (`jarjestot/seura.md`) lies in the organisation directory.
pub(crate) fn in_directory(site: &Site, relative: &str) -> bool {
    site.config
        .organisations
        .as_ref()
        .is_some_and(|c| relative.starts_with(&content_prefix(c)))
}

/// Path prefix of profile files under `content/` (`jarjestot/`).
fn content_prefix(config: &OrganisationsConfig) -> String {
    format!("{}/", config.section.trim_matches('/'))
}

/// The directory section's file under `content/` (`jarjestot/_index.md`).
pub(crate) fn section_file(config: &OrganisationsConfig) -> String {
    format!("{}_index.md", content_prefix(config))
}

/// Whether a profile was confirmed longer ago than the configured limit (or never).
pub fn is_stale(org: &Organisation, today: NaiveDate, max_age_months: u32) -> bool {
    let limit = today
        .checked_sub_months(Months::new(max_age_months))
        .unwrap_or(NaiveDate::MIN);
    org.verified.is_none_or(|v| v < limit)
}

/// Reads and checks every profile, stores them on their pages, and makes the directory
/// section use the directory templates. Errors and stale-profile warnings go to `problems`.
pub(crate) fn attach(site: &mut Site, problems: &mut Vec<Diagnostic>) {
    let today = site.today;
    let config = site.config.organisations.clone();
    let prefix = config.as_ref().map(content_prefix);
    // Profiles are parsed in parallel (a large directory has thousands); problems keep page order.
    let checked: Vec<(Vec<Diagnostic>, Option<Found>)> = site
        .pages
        .par_iter()
        .enumerate()
        .filter_map(|(index, page)| {
            check_page(index, page, prefix.as_deref(), config.as_ref(), today)
        })
        .collect();
    let mut found = Vec::new();
    for (mut page_problems, page_found) in checked {
        problems.append(&mut page_problems);
        found.extend(page_found);
    }
    let Some(config) = config else { return };
    check_logos(site, &mut found, problems);
    check_reserved_paths(site, &config, problems);
    check_duplicates(site, &found, problems);
    for (index, org, spots, _) in &found {
        if is_stale(org, today, config.verified_max_age_months) {
            let file = &site.pages[*index].file;
            let message = match org.verified {
                Some(v) => format!(
                    "the profile was last verified on {v}, more than {} months ago",
                    config.verified_max_age_months
                ),
                None => "the profile has no `verified` date".to_string(),
            };
            let at = spots.verified.unwrap_or(spots.table);
            problems.push(
                Diagnostic::warning("organisation-stale", message)
                    .with_file(&file.display)
                    .at_offset(&file.source, file.front_matter_offset + at)
                    .with_hint(format!(
                        "check the details with the organisation, then set verified = {today}"
                    )),
            );
        }
    }
    for (index, org, _, _) in found {
        site.pages[index].organisation = Some(org);
    }
    // The directory section and its profiles get their own templates unless the files name others.
    let section_file = section_file(&config);
    for section in &mut site.sections {
        if section.file.relative == section_file {
            section
                .meta
                .template
                .get_or_insert_with(|| "directory.html".into());
            section
                .meta
                .page_template
                .get_or_insert_with(|| "organisation.html".into());
        }
    }
}

type Found = (usize, Organisation, profile::Spots, usize);

/// The organisation problems of one page, and its profile if it has a valid one;
/// `None` for a page that is neither in the directory nor has an `[organisation]` table.
fn check_page(
    index: usize,
    page: &Page,
    prefix: Option<&str>,
    config: Option<&OrganisationsConfig>,
    today: NaiveDate,
) -> Option<(Vec<Diagnostic>, Option<Found>)> {
    let in_directory = prefix.is_some_and(|p| page.file.relative.starts_with(p));
    let has_table = page.meta.organisation.is_some();
    if !in_directory && !has_table {
        return None;
    }
    let mut problems = Vec::new();
    let mut found = None;
    let file = &page.file;
    let fm_text = frontmatter::split(&file.source, &file.display)
        .map(|s| s.front_matter)
        .unwrap_or("");
    // Parsed once here: it places the table and the title, and the profile is read from it.
    let doc = DeTable::parse(fm_text).ok();
    let table = doc
        .as_ref()
        .and_then(|doc| doc.get_ref().get_key_value("organisation"));
    // `[organisation]` is pointed at from its `[`, `organisation = {` from its key.
    let table_offset = file.front_matter_offset
        + table.map_or(0, |(key, value)| key.span().start.min(value.span().start));
    match (in_directory, has_table, config) {
        (true, false, Some(c)) => problems.push(
            Diagnostic::error(
                "organisation-missing",
                format!("a page in the organisation directory ({}/) has no [organisation] table", c.section),
            )
            .with_file(&file.display)
            .at_offset(&file.source, file.front_matter_offset)
            .with_hint(format!(
                "every page under content/{}/ is an organisation profile: add an [organisation] table (`kumppani new organisation \"Nimi ry\"` writes a complete example), or move the page elsewhere",
                c.section
            )),
        ),
        (false, true, _) => {
            let hint = match &config {
                Some(c) => format!("move the file under content/{}/, or remove the [organisation] table", c.section),
                None => "add an [organisations] table to config.toml, or remove the [organisation] table".into(),
            };
            problems.push(
                Diagnostic::error(
                    "organisation-misplaced",
                    "an [organisation] table outside the organisation directory",
                )
                .with_file(&file.display)
                .at_offset(&file.source, table_offset)
                .with_hint(hint),
            );
        }
        (true, true, Some(c)) => {
            let mut reader =
                profile::Reader::new(&file.display, &file.source, file.front_matter_offset, today);
            let parsed = table.and_then(|(key, value)| {
                let table = value.get_ref().as_table()?;
                Some(reader.organisation(table, key.span().start, c))
            });
            problems.append(&mut reader.problems);
            if let (Some((org, spots)), Some(doc)) = (parsed, doc) {
                let title_at = Spans::from_document(doc).key("title").unwrap_or(0);
                found = Some((index, org, spots, title_at));
            }
        }
        _ => {}
    }
    Some((problems, found))
}

/// A logo must be a file that is actually published next to the profile.
fn check_logos(site: &Site, found: &mut [Found], problems: &mut Vec<Diagnostic>) {
    let assets: HashSet<&str> = site.assets.iter().map(|a| a.relative.as_str()).collect();
    for (index, org, spots, _) in found.iter_mut() {
        let Some(logo) = &org.logo else { continue };
        let page = &site.pages[*index];
        let rel = logo_asset(&page.file.relative, logo);
        if !assets.contains(rel.as_str()) {
            problems.push(
                Diagnostic::error(
                    "organisation-logo",
                    format!("the logo file content/{rel} does not exist"),
                )
                .with_file(&page.file.display)
                .at_offset(
                    &page.file.source,
                    page.file.front_matter_offset + spots.table,
                )
                .with_hint("check the file name, or save the image there"),
            );
            org.logo = None;
        }
    }
}

/// Site-relative path of a logo written relative to its profile file.
pub(crate) fn logo_asset(profile_relative: &str, logo: &str) -> String {
    match profile_relative.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{logo}"),
        None => logo.to_string(),
    }
}

/// The generated directory pages must not be shadowed by a content file at the same address.
fn check_reserved_paths(site: &Site, config: &OrganisationsConfig, problems: &mut Vec<Diagnostic>) {
    let paths = Paths::new(site, config);
    let generated: Vec<String> = config
        .categories
        .iter()
        .map(|c| paths.category(&c.slug))
        .chain(config.areas.iter().map(|a| paths.area(&a.slug)))
        .chain([paths.volunteers(), paths.statistics()])
        .collect();
    let files = site
        .pages
        .iter()
        .map(|p| (&p.path, &p.file))
        .chain(site.sections.iter().map(|s| (&s.path, &s.file)));
    for (path, file) in files {
        if generated.contains(path) {
            problems.push(
                Diagnostic::error(
                    "organisation-reserved-path",
                    format!("/{path} is a page the organisation directory makes itself"),
                )
                .with_file(&file.display)
                .with_hint("rename the file or give it another `slug`"),
            );
        }
    }
}

/// Two profiles with the same name or Y-tunnus are almost certainly one organisation twice.
fn check_duplicates(site: &Site, found: &[Found], problems: &mut Vec<Diagnostic>) {
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (index, org, spots, title_at) in found {
        let page = &site.pages[*index];
        let file = &page.file;
        let key = fold_diacritics(&page.title.to_lowercase())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let mut report = |what: &str, other: usize, at: usize| {
            problems.push(
                Diagnostic::error(
                    "organisation-duplicate",
                    format!(
                        "two profiles have the same {what}: this one and {}",
                        site.pages[other].file.display.display()
                    ),
                )
                .with_file(&file.display)
                .at_offset(&file.source, file.front_matter_offset + at)
                .with_hint(
                    "an organisation has one profile: merge the two files, or correct the value",
                ),
            );
        };
        match names.get(&key) {
            Some(&other) => report(&format!("name `{}`", page.title), other, *title_at),
            None => {
                names.insert(key, *index);
            }
        }
        if let (Some(id), Some(at)) = (&org.business_id, spots.business_id) {
            match ids.get(id) {
                Some(&other) => report(&format!("business id (Y-tunnus) `{id}`"), other, at),
                None => {
                    ids.insert(id.clone(), *index);
                }
            }
        }
    }
}

/// Indexes of pages with a profile, in Finnish alphabetical order of their names.
pub fn profiles(site: &Site) -> Vec<usize> {
    let mut list: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].organisation.is_some())
        .collect();
    list.sort_by(|&a, &b| finnish_cmp(&site.pages[a].title, &site.pages[b].title));
    list
}

/// Site path of the directory section (`jarjestot/`).
fn directory_path(site: &Site, config: &OrganisationsConfig) -> String {
    let file = section_file(config);
    site.sections
        .iter()
        .find(|s| s.file.relative == file)
        .map_or_else(|| content_prefix(config), |s| s.path.clone())
}

/// The directory's site path and the paths of the pages and files the directory generator
/// (`generate::directory`) writes (empty without a directory section), for the loader's
/// address checks.
pub(crate) fn generated_paths(site: &Site) -> Option<(String, Vec<String>)> {
    let config = site.config.organisations.as_ref()?;
    let paths = Paths::new(site, config);
    let index = section_file(config);
    if !site.sections.iter().any(|s| s.file.relative == index) {
        return Some((paths.base, vec![]));
    }
    let lists = config.categories.iter().map(|c| paths.category(&c.slug));
    let mut list: Vec<String> = lists
        .chain(config.areas.iter().map(|a| paths.area(&a.slug)))
        .collect();
    list.extend([
        paths.volunteers(),
        paths.statistics(),
        paths.json(),
        paths.csv(),
    ]);
    Some((paths.base, list))
}

/// Where the generated directory pages live, under the directory section. The loader checks
/// these addresses and the directory generator writes them, so the layout is defined once, here.
pub(crate) struct Paths {
    /// Site path of the directory section (`jarjestot/`).
    pub(crate) base: String,
}

impl Paths {
    pub(crate) fn new(site: &Site, config: &OrganisationsConfig) -> Paths {
        Paths {
            base: directory_path(site, config),
        }
    }
    pub(crate) fn category(&self, slug: &str) -> String {
        format!("{}ryhmat/{slug}/", self.base)
    }
    pub(crate) fn area(&self, slug: &str) -> String {
        format!("{}alueet/{slug}/", self.base)
    }
    pub(crate) fn volunteers(&self) -> String {
        format!("{}vapaaehtoisille/", self.base)
    }
    pub(crate) fn statistics(&self) -> String {
        format!("{}tilastot/", self.base)
    }
    pub(crate) fn json(&self) -> String {
        format!("{}organisations.json", self.base)
    }
    pub(crate) fn csv(&self) -> String {
        format!("{}organisations.csv", self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness_uses_calendar_months() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let org = |v: &str| Organisation {
            verified: Some(v.parse().unwrap()),
            ..Default::default()
        };
        assert!(!is_stale(&org("2025-11-28"), today, 12));
        assert!(is_stale(&org("2025-11-27"), today, 12));
        assert!(is_stale(&Organisation::default(), today, 12));
    }
}
