//! Dates that say whether information is still true: organisation profiles confirmed within
//! the configured time, an accessibility statement reviewed within a year (Act 306/2019 asks
//! for a yearly review), and pages updated within `check.stale_after_months`.

use super::at_key;
use crate::content::{Item, Page, Site};
use crate::diagnostics::Diagnostic;
use chrono::{Months, NaiveDate};

/// How old an accessibility statement's review may be.
pub const STATEMENT_MAX_AGE_MONTHS: u32 = 12;

/// All date findings of the site, compared with `today`.
pub fn check(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    // Stale organisation profiles are warnings of the loader (content::organisation), reported
    // by check like every other loader finding.
    let mut findings = Vec::new();
    findings.extend(accessibility_statement(site, today));
    findings.extend(stale_pages(site, today));
    findings
}

/// `today` minus `months`: dates before it are too old.
fn cutoff(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// `YYYY-MM-DD`, possibly followed by a time.
fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").ok()
}

/// A date from `[extra]`: a string, or a TOML date (which arrives as a one-field object).
fn extra_date(value: &serde_json::Value) -> Option<NaiveDate> {
    match value {
        serde_json::Value::String(s) => parse_date(s),
        serde_json::Value::Object(m) if m.len() == 1 => parse_date(m.values().next()?.as_str()?),
        _ => None,
    }
}

fn accessibility_statement(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    let configured = site
        .config
        .check
        .accessibility_statement
        .clone()
        .or_else(|| {
            site.config
                .extra
                .get("accessibility_statement")
                .and_then(|v| v.as_str())
                .map(str::to_string)
        });
    let Some(path) = configured else {
        return vec![
            Diagnostic::warning("no-accessibility-statement", "the site has no accessibility statement")
                .with_file("config.toml")
                .with_hint("public-sector sites must publish one (Act 306/2019): write the page, then set accessibility_statement = \"@/saavutettavuusseloste.md\" under [extra]"),
        ];
    };
    let page = match site.get(&path) {
        Some(Item::Page(i)) => &site.pages[i],
        _ => {
            let config = read_config(site);
            // Where the path was taken from: `[check]` first, as above.
            let spans = crate::toml_schema::Spans::parse(&config);
            let at = spans
                .key("check.accessibility_statement")
                .or_else(|| spans.key("extra.accessibility_statement"))
                .unwrap_or(0);
            return vec![
                Diagnostic::error(
                    "no-accessibility-statement",
                    format!("the accessibility statement `{path}` does not exist"),
                )
                .with_file("config.toml")
                .at_offset(&config, at)
                .with_hint("point accessibility_statement at the statement page, e.g. \"@/saavutettavuusseloste.md\""),
            ];
        }
    };
    let reviewed = match page.meta.extra.get("reviewed") {
        Some(value) => match extra_date(value) {
            Some(d) => d,
            None => {
                return vec![
                    at_key(
                        Diagnostic::error(
                            "statement-review-missing",
                            "the accessibility statement's `reviewed` is not a date",
                        ),
                        &page.file,
                        "extra.reviewed",
                    )
                    .with_hint(format!(
                        "write the date as YYYY-MM-DD, e.g. reviewed = {today}"
                    )),
                ];
            }
        },
        None => {
            return vec![
                at_key(
                    Diagnostic::warning(
                        "statement-review-missing",
                        "the accessibility statement has no review date",
                    ),
                    &page.file,
                    "title",
                )
                .with_hint(format!(
                    "after reviewing the statement add under [extra]: reviewed = {today}"
                )),
            ];
        }
    };
    if reviewed >= cutoff(today, STATEMENT_MAX_AGE_MONTHS) {
        return vec![];
    }
    vec![
        at_key(
            Diagnostic::error(
                "statement-outdated",
                format!(
                    "the accessibility statement was last reviewed on {reviewed}, more than {STATEMENT_MAX_AGE_MONTHS} months ago"
                ),
            ),
            &page.file,
            "extra.reviewed",
        )
        .with_hint(format!(
            "review the statement against the site (the law asks for a yearly review), update it, then set reviewed = \"{today}\""
        )),
    ]
}

fn read_config(site: &Site) -> String {
    std::fs::read_to_string(site.root.join("config.toml")).unwrap_or_default()
}

/// Pages of feed sections (news) are dated posts that are meant to age, so they are left out.
fn stale_pages(site: &Site, today: NaiveDate) -> Vec<Diagnostic> {
    let months = site.config.check.stale_after_months;
    if months == 0 {
        return vec![];
    }
    let limit = cutoff(today, months);
    let is_news = |p: &Page| site.sections[p.section].meta.generate_feed;
    site.pages
        .iter()
        .filter(|p| p.meta.organisation.is_none() && !is_news(p))
        .filter_map(|p| {
            let (key, date) = match (p.dates.updated, p.dates.date) {
                (Some(u), _) => ("updated", u),
                (None, Some(d)) => ("date", d),
                (None, None) => return None,
            };
            (date < limit).then(|| {
                at_key(
                    Diagnostic::warning(
                        "stale-page",
                        format!("the page was last updated on {date}, more than {months} months ago"),
                    ),
                    &p.file,
                    key,
                )
                .with_hint(format!(
                    "check that the page is still true, then set updated = \"{today}\" (or remove the page)"
                ))
            })
        })
        .collect()
}
