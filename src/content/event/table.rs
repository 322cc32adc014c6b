//! Reading one `[event]` table into an [`Event`], value by value on the spanned TOML document
//! (not through serde), so that an event with five mistakes gets five messages in one run, each
//! at the line and column of the value that is wrong.

use super::{Event, Frequency, Location, Registration, Repeat, When, to_utc};
use crate::content::organisation::checks;
use crate::content::table_reader::{Codes, TableReader, Value};
use crate::diagnostics::suggestion_hint;
use chrono::{NaiveDate, NaiveDateTime};
use std::ops::{Deref, DerefMut};
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// The keys an `[event]` table may have.
pub const EVENT_KEYS: &[&str] = &[
    "start",
    "end",
    "location",
    "organiser",
    "registration",
    "price",
    "audience",
    "accessibility",
    "repeat",
];
const LOCATION_KEYS: &[&str] = &["name", "address", "url"];
const REGISTRATION_KEYS: &[&str] = &["url", "email", "deadline"];
const REPEAT_KEYS: &[&str] = &["every", "until", "count", "except"];

/// An event file's `[event]` table being read (the shared rules in [`TableReader`]).
pub(super) struct Reader<'a>(pub(super) TableReader<'a>);

impl<'a> Reader<'a> {
    /// A reader of the front matter at `offset` in `source`.
    pub(super) fn new(file: &'a Path, source: &'a str, offset: usize) -> Self {
        Reader(TableReader {
            file,
            source,
            offset,
            table: "event",
            codes: Codes {
                wrong_type: "event-type",
                empty: "event-empty",
                format: "event-format",
                unknown: "event-unknown-field",
            },
            problems: vec![],
        })
    }
}

impl<'a> Deref for Reader<'a> {
    type Target = TableReader<'a>;
    fn deref(&self) -> &TableReader<'a> {
        &self.0
    }
}

impl DerefMut for Reader<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Reader<'_> {
    /// A local date-time (`2027-04-14T17:00`, also as text) or a date (`2027-04-14`).
    fn when(&mut self, key: &str, v: &Value<'_>) -> Option<When> {
        let text = match v.get_ref() {
            DeValue::Datetime(d) if d.offset.is_some() => {
                self.error(
                    "event-date",
                    format!("`event.{key}` has a UTC offset: `{d}`"),
                    v.span().start,
                    "write the local time in Finland without an offset, e.g. 2027-04-14T17:00:00; the build converts it (summer time included)".into(),
                );
                return None;
            }
            DeValue::Datetime(d) => d.to_string(),
            DeValue::String(s) => s.trim().to_string(),
            _ => {
                self.wrong_type(
                    key,
                    v,
                    "a date or a date and time",
                    &format!("{key} = 2027-04-14T17:00:00"),
                );
                return None;
            }
        };
        let parsed = [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&text, f).ok())
        .map(When::Local)
        .or_else(|| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .ok()
                .map(When::Date)
        });
        let Some(when) = parsed else {
            self.error(
                "event-date",
                format!("`event.{key}` is not a date or a date and time: `{text}`"),
                v.span().start,
                format!("write {key} = 2027-04-14T17:00:00 (local time in Finland), or {key} = 2027-04-14 for an all-day event"),
            );
            return None;
        };
        if let When::Local(t) = when {
            if to_utc(t).is_none() {
                self.error(
                    "event-date",
                    format!("`event.{key}` does not exist in Finland: the clocks go from 03:00 to 04:00 on {}", t.date()),
                    v.span().start,
                    "use a time before 03:00 or from 04:00 on".into(),
                );
                return None;
            }
        }
        Some(when)
    }

    fn date(&mut self, key: &str, v: &Value<'_>) -> Option<NaiveDate> {
        match self.when(key, v)? {
            When::Date(d) => Some(d),
            When::Local(_) => {
                self.error(
                    "event-date",
                    format!("`event.{key}` must be a date without a time"),
                    v.span().start,
                    format!(
                        "write it like: {} = 2027-05-31",
                        key.rsplit('.').next().unwrap_or(key)
                    ),
                );
                None
            }
        }
    }

    fn table<'t, 'i>(
        &mut self,
        key: &str,
        v: &'t Value<'i>,
        example: &str,
    ) -> Option<&'t DeTable<'i>> {
        let t = v.get_ref().as_table();
        if t.is_none() {
            self.wrong_type(key, v, "a table", example);
        }
        t
    }

    /// Reads the whole table; `key_at` is where `[event]` was written.
    pub(super) fn event(
        &mut self,
        table: &DeTable<'_>,
        key_at: usize,
        is_organisation: &dyn Fn(&str) -> bool,
    ) -> Option<Event> {
        let before = self.problems.len();
        let (mut start, mut end) = (None, None);
        let (mut start_at, mut end_at) = (key_at, key_at);
        let mut event = Event {
            start: When::Date(NaiveDate::MIN),
            end: When::Date(NaiveDate::MIN),
            location: Location::default(),
            organiser: None,
            registration: None,
            price: None,
            audience: None,
            accessibility: None,
            repeat: None,
        };
        let mut deadline_at = key_at;
        let mut has_location = false;
        for (key, v) in table.iter() {
            let name: &str = key.get_ref();
            match name {
                "start" => {
                    start_at = v.span().start;
                    start = self.when(name, v);
                }
                "end" => {
                    end_at = v.span().start;
                    end = self.when(name, v);
                }
                "location" => {
                    has_location = true;
                    event.location = self.location(v);
                }
                "organiser" => event.organiser = self.organiser(v, is_organisation),
                "registration" => {
                    if let Some((r, at)) = self.registration(v) {
                        deadline_at = at;
                        event.registration = Some(r);
                    }
                }
                "price" => event.price = self.text(name, v),
                "audience" => event.audience = self.text(name, v),
                "accessibility" => event.accessibility = self.text(name, v),
                "repeat" => event.repeat = self.repeat(v),
                _ => self.unknown("event.", name, key.span().start, EVENT_KEYS),
            }
        }
        for (present, field, example) in [
            (
                table.get("start").is_some(),
                "start",
                "start = 2027-04-14T17:00:00",
            ),
            (
                table.get("end").is_some(),
                "end",
                "end = 2027-04-14T19:00:00",
            ),
        ] {
            if !present {
                self.error(
                    "event-missing-field",
                    format!("the [event] table has no `{field}`"),
                    key_at,
                    format!("add a line like: {example}"),
                );
            }
        }
        if !has_location {
            self.error(
                "event-missing-field",
                "the [event] table has no `location`".into(),
                key_at,
                "add a line like: location = { name = \"Kaupungintalo\", address = \"Kuruntie 14, 33470 Ylöjärvi\" }".into(),
            );
        }
        if let (Some(s), Some(e)) = (start, end) {
            event.start = s;
            event.end = e;
            self.check_order(&event, end_at);
            if let Some(deadline) = event.registration.as_ref().and_then(|r| r.deadline) {
                let deadline_end = match deadline {
                    When::Date(d) => When::Date(d + chrono::Days::new(1)).utc(),
                    t => t.utc(),
                };
                if deadline_end > s.utc() {
                    self.error(
                        "event-deadline",
                        format!(
                            "the registration deadline {} is after the event starts",
                            show(deadline)
                        ),
                        deadline_at,
                        format!("set a deadline before {}", show(s)),
                    );
                }
            }
            if let Some(repeat) = &event.repeat {
                self.check_repeat(&event, repeat, start_at);
            }
        }
        (self.problems.len() == before).then_some(event)
    }

    fn check_order(&mut self, event: &Event, end_at: usize) {
        let (s, e) = (event.start, event.end);
        if s.is_date() != e.is_date() {
            self.error(
                "event-end",
                "`event.end` must be of the same kind as `start`: both dates (an all-day event) or both dates with a time".into(),
                end_at,
                format!("write end like start: {}", show(s)),
            );
            return;
        }
        let ok = match (s, e) {
            (When::Date(a), When::Date(b)) => b >= a,
            _ => e.utc() > s.utc(),
        };
        if !ok {
            self.error(
                "event-end",
                format!(
                    "the event ends ({}) before it starts ({})",
                    show(e),
                    show(s)
                ),
                end_at,
                "check the dates and times: end must come after start".into(),
            );
        }
    }

    fn check_repeat(&mut self, event: &Event, repeat: &Repeat, start_at: usize) {
        let start = event.start.date();
        if repeat.until.is_some_and(|u| u < start) {
            self.error(
                "event-repeat",
                format!("`repeat.until` is before the first meeting on {start}"),
                start_at,
                "set until to the date of the last meeting".into(),
            );
        }
        if event.extra_days() > 0 {
            self.error(
                "event-repeat",
                "a repeating event must start and end on the same day".into(),
                start_at,
                "make each meeting a single day".into(),
            );
        }
        let pattern = Event {
            repeat: Some(Repeat {
                except: vec![],
                ..repeat.clone()
            }),
            ..event.clone()
        }
        .occurrences();
        for d in &repeat.except {
            if !pattern.contains(d) {
                self.error(
                    "event-repeat",
                    format!("`repeat.except` has {d}, a day the event does not repeat on"),
                    start_at,
                    "list only dates of meetings that are cancelled".into(),
                );
            }
        }
    }

    fn location(&mut self, v: &Value<'_>) -> Location {
        let mut loc = Location::default();
        if v.get_ref().as_str().is_some() {
            loc.name = self.text("location", v);
            return loc;
        }
        let example =
            "location = { name = \"Kaupungintalo\", address = \"Kuruntie 14, 33470 Ylöjärvi\" }";
        let Some(t) = self.table("location", v, example) else {
            return loc;
        };
        for (key, v) in t.iter() {
            let name: &str = key.get_ref();
            let full = format!("location.{name}");
            match name {
                "name" => loc.name = self.text(&full, v),
                "address" => loc.address = self.text(&full, v),
                "url" => {
                    loc.url = self.checked(
                        &full,
                        v,
                        "web address",
                        "url = \"https://…\"",
                        checks::web_url,
                    )
                }
                _ => self.unknown("event.location.", name, key.span().start, LOCATION_KEYS),
            }
        }
        if t.is_empty() {
            self.error(
                "event-empty",
                "`event.location` is empty".into(),
                v.span().start,
                format!("write it like: {example}"),
            );
        }
        loc
    }

    fn organiser(
        &mut self,
        v: &Value<'_>,
        is_organisation: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        let s = self.text("organiser", v)?;
        let path = s.strip_prefix("@/").unwrap_or(&s).to_string();
        if s.starts_with("@/") && is_organisation(&path) {
            return Some(path);
        }
        self.error(
            "event-organiser",
            format!("`event.organiser` is not a link to an organisation profile: `{s}`"),
            v.span().start,
            "link the organiser's profile like organiser = \"@/jarjestot/seura.md\", or leave organiser out when the city organises the event".into(),
        );
        None
    }

    /// The registration and where its deadline (or the table) was written.
    fn registration(&mut self, v: &Value<'_>) -> Option<(Registration, usize)> {
        let example = "registration = { url = \"https://…\", deadline = 2027-04-07 }";
        let t = self.table("registration", v, example)?;
        let mut r = Registration {
            url: None,
            email: None,
            deadline: None,
        };
        let mut at = v.span().start;
        for (key, v) in t.iter() {
            let name: &str = key.get_ref();
            let full = format!("registration.{name}");
            match name {
                "url" => {
                    r.url = self.checked(
                        &full,
                        v,
                        "web address",
                        "url = \"https://…\"",
                        checks::web_url,
                    )
                }
                "email" => {
                    r.email = self.checked(
                        &full,
                        v,
                        "e-mail address",
                        "email = \"tapahtumat@example.fi\"",
                        checks::email,
                    )
                }
                "deadline" => {
                    at = v.span().start;
                    r.deadline = self.when(&full, v);
                }
                _ => self.unknown(
                    "event.registration.",
                    name,
                    key.span().start,
                    REGISTRATION_KEYS,
                ),
            }
        }
        if t.get("url").is_none() && t.get("email").is_none() {
            self.error(
                "event-missing-field",
                "`event.registration` has neither `url` nor `email`".into(),
                v.span().start,
                format!("write it like: {example}"),
            );
        }
        Some((r, at))
    }

    fn repeat(&mut self, v: &Value<'_>) -> Option<Repeat> {
        let example = "repeat = { every = \"week\", until = 2027-05-31 }";
        let t = self.table("repeat", v, example)?;
        let mut every = None;
        let mut r = Repeat {
            every: Frequency::Week,
            until: None,
            count: None,
            except: vec![],
        };
        let before = self.problems.len();
        for (key, v) in t.iter() {
            let name: &str = key.get_ref();
            let full = format!("repeat.{name}");
            match name {
                "every" => match self.text(&full, v).as_deref() {
                    Some("week") => every = Some(Frequency::Week),
                    Some("month") => every = Some(Frequency::Month),
                    Some(other) => self.error(
                        "event-repeat",
                        format!(
                            "`event.repeat.every` must be \"week\" or \"month\", not `{other}`"
                        ),
                        v.span().start,
                        suggestion_hint(other, &["week", "month"]),
                    ),
                    None => {}
                },
                "until" => r.until = self.date(&full, v),
                "count" => {
                    let n = v
                        .get_ref()
                        .as_integer()
                        .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
                        .filter(|n| (1..=super::MAX_OCCURRENCES as i64).contains(n));
                    match n {
                        Some(n) => r.count = Some(n as u32),
                        None => {
                            self.wrong_type(&full, v, "a number of meetings, 1–520", "count = 10")
                        }
                    }
                }
                "except" => match v.get_ref().as_array() {
                    Some(items) => {
                        for item in items.iter() {
                            if let Some(d) = self.date(&full, item) {
                                r.except.push(d);
                            }
                        }
                    }
                    None => self.wrong_type(&full, v, "a list of dates", "except = [2027-04-07]"),
                },
                _ => self.unknown("event.repeat.", name, key.span().start, REPEAT_KEYS),
            }
        }
        if t.get("every").is_none() {
            self.error(
                "event-missing-field",
                "`event.repeat` has no `every`".into(),
                v.span().start,
                format!("write it like: {example}"),
            );
        }
        match (t.get("until").is_some(), t.get("count").is_some()) {
            (true, true) => self.error(
                "event-repeat",
                "`event.repeat` has both `until` and `count`".into(),
                v.span().start,
                "keep one of them".into(),
            ),
            (false, false) => self.error(
                "event-repeat",
                "`event.repeat` has neither `until` nor `count`".into(),
                v.span().start,
                "say when the meetings end, e.g. until = 2027-05-31, or how many there are, e.g. count = 10".into(),
            ),
            _ => {}
        }
        r.every = every?;
        (self.problems.len() == before).then_some(r)
    }
}

/// A start or end as written in Finland: `14.4.2027 klo 17.00`.
fn show(w: When) -> String {
    match w {
        When::Date(d) => d.format("%-d.%-m.%Y").to_string(),
        When::Local(t) => t.format("%-d.%-m.%Y klo %H.%M").to_string(),
    }
}
