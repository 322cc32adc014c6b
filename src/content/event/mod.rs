//! Events: the typed, validated `[event]` table of a page, its times in Europe/Helsinki and
//! their conversion to UTC, and the dates a repeating event falls on.
//!
//! [`read`] checks one page's table (every problem at its file:line:col, all in one run);
//! [`attach`] runs it inside `content::load` over every page once the organisation profiles are
//! attached (an organiser must be a profile). The calendar files and the event values of the
//! templates are made by `generate::events`.

mod table;

use super::{Page, Site};
use crate::diagnostics::Diagnostic;
use chrono::{
    DateTime, Datelike, Days, LocalResult, Months, NaiveDate, NaiveDateTime, TimeZone, Utc,
};
use chrono_tz::Europe::Helsinki;
use serde::Serialize;
use toml::de::DeTable;

pub use table::EVENT_KEYS;

/// The time zone event times are written in.
pub const TIME_ZONE: &str = "Europe/Helsinki";

/// Most occurrences a repeating event is expanded to (a weekly meeting for ten years).
pub const MAX_OCCURRENCES: usize = 520;

/// One event, as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// When it starts (local time, or a date for an all-day event).
    pub start: When,
    /// When it ends; the same kind as `start`. An all-day event's `end` is its last day.
    pub end: When,
    /// Where it is held.
    pub location: Location,
    /// Content path of the organising organisation's profile (`jarjestot/seura.md`); `None`
    /// when the city organises it.
    pub organiser: Option<String>,
    /// How to register.
    pub registration: Option<Registration>,
    /// Price, free text (`"Maksuton"`).
    pub price: Option<String>,
    /// Whom it is for.
    pub audience: Option<String>,
    /// Accessibility of the place, free text.
    pub accessibility: Option<String>,
    /// How a regular meeting repeats.
    pub repeat: Option<Repeat>,
}

/// A start or end: a local date-time in Europe/Helsinki, or a date for all-day events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum When {
    /// A whole day.
    Date(NaiveDate),
    /// A wall-clock time in Europe/Helsinki.
    Local(NaiveDateTime),
}

impl When {
    /// The day it falls on.
    pub fn date(self) -> NaiveDate {
        match self {
            When::Date(d) => d,
            When::Local(t) => t.date(),
        }
    }

    /// Whether it is a date only.
    pub fn is_date(self) -> bool {
        matches!(self, When::Date(_))
    }

    /// The same time of day (or the whole day) on another date.
    pub fn on(self, date: NaiveDate) -> When {
        match self {
            When::Date(_) => When::Date(date),
            When::Local(t) => When::Local(date.and_time(t.time())),
        }
    }

    /// The instant it starts, in UTC (an all-day event from local midnight).
    pub fn utc(self) -> DateTime<Utc> {
        let local = match self {
            When::Date(d) => d.and_hms_opt(0, 0, 0).expect("midnight"),
            When::Local(t) => t,
        };
        to_utc(local).unwrap_or_else(|| {
            // A time in the spring gap is refused when read; a repeat landing on one moves on.
            to_utc(local + chrono::Duration::hours(1)).expect("an hour after a gap exists")
        })
    }
}

/// A wall-clock time in Europe/Helsinki as UTC: `None` for a time the clocks skip (03:00–03:59 on
/// the last Sunday of March); of the hour that repeats in October, the first (summer time).
pub fn to_utc(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match Helsinki.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// The UTC offset in Europe/Helsinki at a local time, `+03:00` or `+02:00`.
pub fn offset_text(local: NaiveDateTime) -> String {
    let utc = When::Local(local).utc();
    utc.with_timezone(&Helsinki).format("%:z").to_string()
}

/// Where an event is held: a place (name, address), an online link, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The place's name.
    pub name: Option<String>,
    /// Street address with postal code and town.
    pub address: Option<String>,
    /// Link to an online meeting or stream.
    pub url: Option<String>,
}

/// How to register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    /// A registration form (http(s) address).
    pub url: Option<String>,
    /// Or an e-mail address to register by.
    pub email: Option<String>,
    /// Last moment to register: a date (end of that day) or a local date-time.
    pub deadline: Option<When>,
}

/// How often a regular meeting repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Frequency {
    /// Every week on the start's weekday.
    Week,
    /// Every month on the start's day of the month.
    Month,
}

/// `repeat = { every = "week", until = 2027-05-31, except = [2027-04-07] }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repeat {
    /// Weekly or monthly.
    pub every: Frequency,
    /// The last day an occurrence may fall on.
    pub until: Option<NaiveDate>,
    /// Or how many occurrences there are (the first included).
    pub count: Option<u32>,
    /// Dates without a meeting.
    pub except: Vec<NaiveDate>,
}

impl Event {
    /// The start dates of every occurrence, exceptions left out: the start itself for a single
    /// event, at most [`MAX_OCCURRENCES`] for a repeating one.
    pub fn occurrences(&self) -> Vec<NaiveDate> {
        let first = self.start.date();
        let Some(repeat) = &self.repeat else {
            return vec![first];
        };
        let mut out = Vec::new();
        // Excepted dates count towards `count`, as EXDATE does not change what COUNT generates.
        let mut generated = 0;
        for n in 0..(MAX_OCCURRENCES as u32 * 2) {
            if repeat.count.is_some_and(|c| generated >= c) || out.len() >= MAX_OCCURRENCES {
                break;
            }
            let date = match repeat.every {
                Frequency::Week => first.checked_add_days(Days::new(7 * u64::from(n))),
                // A meeting on the 31st skips months without one (as RFC 5545's BYMONTHDAY does).
                Frequency::Month => first
                    .checked_add_months(Months::new(n))
                    .filter(|d| d.day() == first.day()),
            };
            let Some(date) = date else { continue };
            if repeat.until.is_some_and(|u| date > u) {
                break;
            }
            generated += 1;
            if !repeat.except.contains(&date) {
                out.push(date);
            }
        }
        out
    }

    /// How many days an occurrence lasts beyond its start date.
    pub fn extra_days(&self) -> u64 {
        (self.end.date() - self.start.date()).num_days().max(0) as u64
    }

    /// The end of the occurrence starting on `date`, as UTC (an all-day event ends at the
    /// midnight after its last day).
    pub fn end_utc_from(&self, date: NaiveDate) -> DateTime<Utc> {
        let last = date + Days::new(self.extra_days());
        match self.end {
            When::Date(_) => When::Date(last + Days::new(1)).utc(),
            end => end.on(last).utc(),
        }
    }

    /// The first occurrence that has not ended at the start of `today` (Helsinki), if any.
    pub fn next_on_or_after(&self, today: NaiveDate) -> Option<NaiveDate> {
        let now = When::Date(today).utc();
        self.occurrences()
            .into_iter()
            .find(|&d| self.end_utc_from(d) > now)
    }
}

/// Reads and checks a page's `[event]` table. `is_organisation` tells whether a content path
/// (`jarjestot/seura.md`) is an organisation profile. Returns the event if it is valid, and
/// every problem found, each at its place in the file.
pub fn read(
    page: &Page,
    is_organisation: &dyn Fn(&str) -> bool,
) -> (Option<Event>, Vec<Diagnostic>) {
    let file = &page.file;
    let fm_text = super::frontmatter::split(&file.source, &file.display)
        .map(|s| s.front_matter)
        .unwrap_or("");
    let Ok(doc) = DeTable::parse(fm_text) else {
        return (None, vec![]);
    };
    let Some((key, value)) = doc.get_ref().get_key_value("event") else {
        return (None, vec![]);
    };
    let mut reader = table::Reader::new(&file.display, &file.source, file.front_matter_offset);
    let key_at = key.span().start.min(value.span().start);
    let event = match value.get_ref().as_table() {
        Some(t) => reader.event(t, key_at, is_organisation),
        None => {
            reader.error(
                "event-type",
                "`event` must be a table".into(),
                key_at,
                "write it as an [event] table after the other keys".into(),
            );
            None
        }
    };
    (event, std::mem::take(&mut reader.problems))
}

/// Checks every page's `[event]` table: the valid events by page index. Problems go to
/// `problems`. Run after the organisation profiles are attached (an organiser must be one).
pub(crate) fn check_all(site: &Site, problems: &mut Vec<Diagnostic>) -> Vec<(usize, Event)> {
    let profiles: std::collections::HashSet<&str> = site
        .pages
        .iter()
        .filter(|p| p.organisation.is_some())
        .map(|p| p.file.relative.as_str())
        .collect();
    let is_organisation = |path: &str| profiles.contains(path);
    let mut found = Vec::new();
    for (index, page) in site.pages.iter().enumerate() {
        if page.meta.event.is_none() {
            continue;
        }
        let (event, mut page_problems) = read(page, &is_organisation);
        problems.append(&mut page_problems);
        if let Some(event) = event {
            found.push((index, event));
        }
    }
    found
}

/// Checks every page's `[event]` table and stores the valid events on their pages.
pub(crate) fn attach(site: &mut Site, problems: &mut Vec<Diagnostic>) {
    for (index, event) in check_all(site, problems) {
        site.pages[index].event = Some(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn utc_follows_summer_time() {
        assert_eq!(
            to_utc(local("2027-03-27T18:00")).unwrap().to_rfc3339(),
            "2027-03-27T16:00:00+00:00"
        );
        assert_eq!(
            to_utc(local("2027-03-28T18:00")).unwrap().to_rfc3339(),
            "2027-03-28T15:00:00+00:00"
        );
        assert!(to_utc(local("2027-03-28T03:30")).is_none());
        // 31 October 2027, 03:30 happens twice: the first is summer time.
        assert_eq!(
            to_utc(local("2027-10-31T03:30")).unwrap().to_rfc3339(),
            "2027-10-31T00:30:00+00:00"
        );
        assert_eq!(offset_text(local("2027-01-10T12:00")), "+02:00");
    }

    #[test]
    fn repeats_skip_exceptions_and_stop() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let mut event = Event {
            start: When::Local(local("2027-01-31T18:00")),
            end: When::Local(local("2027-01-31T19:00")),
            location: Location::default(),
            organiser: None,
            registration: None,
            price: None,
            audience: None,
            accessibility: None,
            repeat: Some(Repeat {
                every: Frequency::Month,
                until: None,
                count: Some(4),
                except: vec![day("2027-03-31")],
            }),
        };
        // February, April and June have no 31st; March is excepted but counted.
        assert_eq!(
            event.occurrences(),
            vec![day("2027-01-31"), day("2027-05-31"), day("2027-07-31")]
        );
        event.repeat = Some(Repeat {
            every: Frequency::Week,
            until: Some(day("2027-02-14")),
            count: None,
            except: vec![day("2027-02-07")],
        });
        assert_eq!(
            event.occurrences(),
            vec![day("2027-01-31"), day("2027-02-14")]
        );
        assert_eq!(
            event.next_on_or_after(day("2027-02-01")),
            Some(day("2027-02-14"))
        );
    }
}
