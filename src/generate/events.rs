//! Events: iCalendar files (RFC 5545) and the values event templates get.
//!
//! Writes `tapahtumat.ics` with every event, `<page>tapahtuma.ics` next to each event page and
//! `<profile>tapahtumat.ics` for each organisation that organises events. Times are written
//! with `TZID=Europe/Helsinki` and a `VTIMEZONE`, so a weekly meeting stays at 18.00 local
//! time across the changes to and from summer time; all-day events are `VALUE=DATE`.
//! [`page_value`] is an event page's `event` and [`section_value`] a section's `events`
//! (upcoming events and past ones by year, as of the build date).

use super::{Generator, Run, SitemapEntry, always, touches_nothing};
use crate::content::event::{Event, Frequency, TIME_ZONE, When, offset_text};
use crate::content::{Page, Site};
use crate::diagnostics::Result;
use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;
use serde_json::{Value as Json, json};

/// The calendar files.
pub const GENERATOR: Generator = Generator {
    name: "write calendars",
    lists: calendar_sitemap,
    runs: always,
    run: write_calendars,
    touches: touches_nothing,
};

/// Site path of the calendar of all events.
pub const ALL_EVENTS: &str = "tapahtumat.ics";

/// Site path of one event's calendar file.
pub fn event_ics(page: &Page) -> String {
    format!("{}tapahtuma.ics", page.path)
}

/// Site path of an organisation's calendar file.
pub fn organisation_ics(profile: &Page) -> String {
    format!("{}tapahtumat.ics", profile.path)
}

/// Indexes of pages with an event, in order of their first start (then path).
pub fn event_pages(site: &Site) -> Vec<usize> {
    let mut list: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].event.is_some())
        .collect();
    list.sort_by_key(|&i| {
        let e = site.pages[i].event.as_ref().expect("filtered");
        (e.start.utc(), site.pages[i].path.clone())
    });
    list
}

/// Each organiser's profile page index with the indexes of its event pages.
fn by_organiser(site: &Site, events: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for &i in events {
        let Some(org) = &site.pages[i].event.as_ref().expect("event").organiser else {
            continue;
        };
        let Some(crate::content::Item::Page(p)) = site.get(org) else {
            continue;
        };
        match out.iter_mut().find(|(o, _)| *o == p) {
            Some((_, list)) => list.push(i),
            None => out.push((p, vec![i])),
        }
    }
    out.sort_by(|a, b| site.pages[a.0].path.cmp(&site.pages[b.0].path));
    out
}

fn calendar_sitemap(site: &Site) -> Vec<SitemapEntry> {
    let events = event_pages(site);
    if events.is_empty() {
        return vec![];
    }
    let entry = |path: String| SitemapEntry {
        path,
        lastmod: None,
    };
    let mut out = vec![entry(ALL_EVENTS.to_string())];
    out.extend(events.iter().map(|&i| entry(event_ics(&site.pages[i]))));
    out.extend(
        by_organiser(site, &events)
            .into_iter()
            .map(|(p, _)| entry(organisation_ics(&site.pages[p]))),
    );
    out
}

fn write_calendars(run: &Run<'_>) -> Result<()> {
    let (site, writer) = (&**run.site, run.writer);
    let events = event_pages(site);
    if events.is_empty() {
        return Ok(());
    }
    writer.write(
        ALL_EVENTS,
        calendar(site, &site.config.title, &events).as_bytes(),
    )?;
    for &i in &events {
        let page = &site.pages[i];
        writer.write(
            &event_ics(page),
            calendar(site, &page.title, &[i]).as_bytes(),
        )?;
    }
    for (profile, list) in by_organiser(site, &events) {
        let page = &site.pages[profile];
        writer.write(
            &organisation_ics(page),
            calendar(site, &page.title, &list).as_bytes(),
        )?;
    }
    Ok(())
}

/// The host of the site's base URL, for UIDs.
fn host(site: &Site) -> &str {
    let url = &site.config.base_url;
    let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
    rest.split('/').next().unwrap_or(rest)
}

/// A whole `VCALENDAR` named `name` with the events of `pages`.
pub fn calendar(site: &Site, name: &str, pages: &[usize]) -> String {
    let mut ics = Ics::default();
    ics.line("BEGIN:VCALENDAR");
    ics.line("VERSION:2.0");
    ics.line("PRODID:-//kumppani//kumppani//FI");
    ics.line("CALSCALE:GREGORIAN");
    ics.line("METHOD:PUBLISH");
    ics.line(&format!("X-WR-CALNAME:{}", escape(name)));
    ics.line(&format!("X-WR-TIMEZONE:{TIME_ZONE}"));
    // The EU rule in force in Finland since 1996: summer time from 03.00 local time on the last
    // Sunday of March to 04.00 summer time on the last Sunday of October.
    for l in [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Helsinki",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0300",
        "TZNAME:EEST",
        "DTSTART:19700329T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0300",
        "TZOFFSETTO:+0200",
        "TZNAME:EET",
        "DTSTART:19701025T040000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        ics.line(l);
    }
    let stamp = format!("{}T000000Z", site.today.format("%Y%m%d"));
    for &i in pages {
        let page = &site.pages[i];
        let Some(event) = &page.event else { continue };
        vevent(&mut ics, site, page, event, &stamp);
    }
    ics.line("END:VCALENDAR");
    ics.out
}

fn vevent(ics: &mut Ics, site: &Site, page: &Page, event: &Event, stamp: &str) {
    let base = site.config.base_path().trim_matches('/');
    let path = format!("{base}/{}", page.path.trim_end_matches('/'));
    ics.line("BEGIN:VEVENT");
    ics.line(&format!(
        "UID:{}@{}",
        path.trim_start_matches('/'),
        host(site)
    ));
    ics.line(&format!("DTSTAMP:{stamp}"));
    ics.line(&format!("DTSTART{}", ics_time(event.start)));
    let end = match event.end {
        // DTEND of an all-day event is the day after its last day (it is exclusive).
        When::Date(d) => When::Date(d + Days::new(1)),
        t => t,
    };
    ics.line(&format!("DTEND{}", ics_time(end)));
    if let Some(repeat) = &event.repeat {
        let freq = match repeat.every {
            Frequency::Week => "WEEKLY",
            Frequency::Month => "MONTHLY",
        };
        let bound = match (repeat.count, repeat.until) {
            (Some(n), _) => format!("COUNT={n}"),
            // With a TZID start, UNTIL must be UTC: the end of the last day in Helsinki.
            (None, Some(u)) => match event.start {
                When::Date(_) => format!("UNTIL={}", u.format("%Y%m%d")),
                When::Local(_) => {
                    let last = When::Date(u + Days::new(1)).utc() - chrono::Duration::seconds(1);
                    format!("UNTIL={}", last.format("%Y%m%dT%H%M%SZ"))
                }
            },
            (None, None) => String::new(),
        };
        ics.line(&format!("RRULE:FREQ={freq};{bound}"));
        if !repeat.except.is_empty() {
            let kind = match event.start {
                When::Date(_) => ";VALUE=DATE:",
                When::Local(_) => ";TZID=Europe/Helsinki:",
            };
            let dates: Vec<String> = repeat
                .except
                .iter()
                .map(|&d| ics_value(event.start.on(d)))
                .collect();
            ics.line(&format!("EXDATE{kind}{}", dates.join(",")));
        }
    }
    ics.line(&format!("SUMMARY:{}", escape(&page.title)));
    let mut description = String::new();
    if let Some(d) = &page.meta.description {
        description.push_str(d);
        description.push_str("\n\n");
    }
    if let Some(org) = organiser_name(site, event) {
        description.push_str(&format!("Järjestäjä: {org}\n"));
    }
    for (label, value) in [
        ("Hinta", &event.price),
        ("Kenelle", &event.audience),
        ("Saavutettavuus", &event.accessibility),
    ] {
        if let Some(v) = value {
            description.push_str(&format!("{label}: {v}\n"));
        }
    }
    if let Some(r) = &event.registration {
        let how = r
            .url
            .clone()
            .or_else(|| r.email.clone())
            .unwrap_or_default();
        description.push_str(&format!("Ilmoittautuminen: {how}"));
        if let Some(d) = r.deadline {
            description.push_str(&format!(" ({} mennessä)", finnish_date(d.date())));
        }
        description.push('\n');
    }
    description.push_str(&site.permalink(&page.path));
    ics.line(&format!("DESCRIPTION:{}", escape(description.trim_end())));
    let place: Vec<&str> = [
        &event.location.name,
        &event.location.address,
        &event.location.url,
    ]
    .into_iter()
    .filter_map(|v| v.as_deref())
    .collect();
    if !place.is_empty() {
        ics.line(&format!("LOCATION:{}", escape(&place.join(", "))));
    }
    ics.line(&format!("URL:{}", site.permalink(&page.path)));
    ics.line("END:VEVENT");
}

/// `;TZID=Europe/Helsinki:20270414T170000` or `;VALUE=DATE:20270414`.
fn ics_time(w: When) -> String {
    match w {
        When::Date(_) => format!(";VALUE=DATE:{}", ics_value(w)),
        When::Local(_) => format!(";TZID=Europe/Helsinki:{}", ics_value(w)),
    }
}

fn ics_value(w: When) -> String {
    match w {
        When::Date(d) => d.format("%Y%m%d").to_string(),
        When::Local(t) => t.format("%Y%m%dT%H%M%S").to_string(),
    }
}

/// TEXT escaping of RFC 5545 §3.3.11.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Content lines ending in CRLF, folded at 75 octets without splitting a character.
#[derive(Default)]
struct Ics {
    out: String,
}

impl Ics {
    fn line(&mut self, line: &str) {
        fold_into(&mut self.out, line);
    }
}

/// Appends `line` folded (RFC 5545 §3.1): no line longer than 75 octets, continuations start
/// with a space, a multi-byte UTF-8 character never split.
pub fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

/// `14.4.2027`.
fn finnish_date(d: NaiveDate) -> String {
    format!("{}.{}.{}", d.day(), d.month(), d.year())
}

/// The organiser's name: the linked profile's title, else the site's organisation
/// (`[extra] organisation_name`, the city).
fn organiser_name<'a>(site: &'a Site, event: &Event) -> Option<&'a str> {
    match &event.organiser {
        Some(path) => match site.get(path) {
            Some(crate::content::Item::Page(p)) => Some(&site.pages[p].title),
            _ => None,
        },
        None => site
            .config
            .extra
            .get("organisation_name")
            .and_then(Json::as_str),
    }
}

/// A start or end as templates get it: parts that the theme puts together in its language.
#[derive(Serialize)]
pub struct TimeValue {
    /// The translation key of its weekday, `event_weekday_1` (Monday) to `event_weekday_7`.
    pub weekday_key: String,
    /// `14.4.2027`.
    pub date: String,
    /// `17.00`, absent for all-day events.
    pub time: Option<String>,
    /// For `<time datetime>`: `2027-04-14T17:00:00+03:00`, or `2027-04-14`.
    pub iso: String,
}

fn time_value(w: When) -> TimeValue {
    let d = w.date();
    TimeValue {
        weekday_key: format!("event_weekday_{}", d.weekday().number_from_monday()),
        date: finnish_date(d),
        time: match w {
            When::Local(t) => Some(t.format("%H.%M").to_string()),
            When::Date(_) => None,
        },
        iso: iso(w),
    }
}

fn iso(w: When) -> String {
    match w {
        When::Date(d) => d.to_string(),
        When::Local(t) => format!("{}{}", t.format("%Y-%m-%dT%H:%M:%S"), offset_text(t)),
    }
}

/// A link to a page.
#[derive(Serialize)]
pub struct LinkValue {
    /// Its title.
    pub title: String,
    /// Root-relative address.
    pub url: String,
}

/// How a regular meeting repeats, for the event page.
#[derive(Serialize)]
pub struct RepeatValue {
    /// The translation key of the frequency, `event_repeat_week` or `event_repeat_month`.
    pub every_key: &'static str,
    /// The last possible date, `31.5.2027`.
    pub until: Option<String>,
    /// Or the number of meetings.
    pub count: Option<u32>,
    /// Cancelled dates, `7.4.2027`.
    pub except: Vec<String>,
}

/// An event page's `event`.
#[derive(Serialize)]
pub struct EventValue {
    /// The first (or only) start.
    pub start: TimeValue,
    /// Its end.
    pub end: TimeValue,
    /// Whether the end is on a later day than the start.
    pub multi_day: bool,
    /// Whether it lasts whole days.
    pub all_day: bool,
    /// The next meeting on or after the build date (repeating events only).
    pub next: Option<TimeValue>,
    /// Whether an occurrence is still to come as of the build date.
    pub upcoming: bool,
    /// How it repeats.
    pub repeat: Option<RepeatValue>,
    /// The place's name.
    pub location_name: Option<String>,
    /// The place's address.
    pub location_address: Option<String>,
    /// An online link.
    pub location_url: Option<String>,
    /// The organiser's profile; absent when the city organises it.
    pub organiser: Option<LinkValue>,
    /// Registration address (a form, or `mailto:`).
    pub registration_url: Option<String>,
    /// The address as shown.
    pub registration_label: Option<String>,
    /// Registration deadline, `7.4.2027` (with `klo` time if given, separately).
    pub deadline: Option<TimeValue>,
    /// Price.
    pub price: Option<String>,
    /// Whom it is for.
    pub audience: Option<String>,
    /// Accessibility.
    pub accessibility: Option<String>,
    /// Root-relative address of the event's `.ics` file.
    pub ics_url: String,
    /// schema.org `Event` as JSON, safe inside `<script>`.
    pub json_ld: String,
}

/// `event` of page `index` (see [`EventValue`]), `None` on pages without an event.
pub fn page_value(site: &Site, index: usize) -> Option<tera::Value> {
    let page = &site.pages[index];
    let event = page.event.as_ref()?;
    let next = event.next_on_or_after(site.today);
    let organiser = event
        .organiser
        .as_ref()
        .and_then(|path| match site.get(path) {
            Some(crate::content::Item::Page(p)) => Some(LinkValue {
                title: site.pages[p].title.clone(),
                url: site.url(&site.pages[p].path),
            }),
            _ => None,
        });
    let reg = event.registration.as_ref();
    let value = EventValue {
        start: time_value(event.start),
        end: time_value(event.end),
        multi_day: event.extra_days() > 0,
        all_day: event.start.is_date(),
        next: event
            .repeat
            .as_ref()
            .and(next)
            .map(|d| time_value(event.start.on(d))),
        upcoming: next.is_some(),
        repeat: event.repeat.as_ref().map(|r| RepeatValue {
            every_key: match r.every {
                Frequency::Week => "event_repeat_week",
                Frequency::Month => "event_repeat_month",
            },
            until: r.until.map(finnish_date),
            count: r.count,
            except: r.except.iter().map(|&d| finnish_date(d)).collect(),
        }),
        location_name: event.location.name.clone(),
        location_address: event.location.address.clone(),
        location_url: event.location.url.clone(),
        organiser,
        registration_url: reg.and_then(|r| {
            r.url
                .clone()
                .or_else(|| r.email.as_ref().map(|e| format!("mailto:{e}")))
        }),
        registration_label: reg.and_then(|r| r.url.clone().or_else(|| r.email.clone())),
        deadline: reg.and_then(|r| r.deadline).map(time_value),
        price: event.price.clone(),
        audience: event.audience.clone(),
        accessibility: event.accessibility.clone(),
        ics_url: site.url(&event_ics(page)),
        json_ld: script_safe(&json_ld(site, page, event, next)),
    };
    Some(tera::Value::from_serializable(&value))
}

/// Serialized for `<script type="application/ld+json">`: `<`, `>` and `&` escaped.
fn script_safe(value: &Json) -> String {
    serde_json::to_string(value)
        .expect("serializable")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// schema.org `Event` of an event page; a repeating one describes its next meeting and has an
/// `eventSchedule`.
fn json_ld(site: &Site, page: &Page, event: &Event, next: Option<NaiveDate>) -> Json {
    let first = match &event.repeat {
        Some(_) => next.unwrap_or_else(|| event.start.date()),
        None => event.start.date(),
    };
    let start = event.start.on(first);
    let end = event.end.on(first + Days::new(event.extra_days()));
    let loc = &event.location;
    let place = (loc.name.is_some() || loc.address.is_some()).then(|| {
        let mut place = json!({
            "@type": "Place",
            "name": loc.name.as_deref().or(loc.address.as_deref()),
        });
        if let Some(a) = &loc.address {
            place["address"] = json!(a);
        }
        place
    });
    let online = loc
        .url
        .as_ref()
        .map(|u| json!({"@type": "VirtualLocation", "url": u}));
    let mode = match (&place, &online) {
        (Some(_), Some(_)) => "https://schema.org/MixedEventAttendanceMode",
        (None, Some(_)) => "https://schema.org/OnlineEventAttendanceMode",
        _ => "https://schema.org/OfflineEventAttendanceMode",
    };
    let location: Vec<Json> = place.into_iter().chain(online).collect();
    let organizer = match &event.organiser {
        Some(path) => match site.get(path) {
            Some(crate::content::Item::Page(p)) => json!({
                "@type": "Organization",
                "name": site.pages[p].title,
                "url": site.permalink(&site.pages[p].path),
            }),
            _ => Json::Null,
        },
        None => json!({
            "@type": "Organization",
            "name": organiser_name(site, event),
            "url": site.config.extra.get("city_url"),
        }),
    };
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "url": site.permalink(&page.path),
        "startDate": iso(start),
        "endDate": iso(end),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": mode,
        "location": if location.len() == 1 { location[0].clone() } else { Json::Array(location) },
        "organizer": organizer,
    });
    let obj = value.as_object_mut().expect("object");
    if let Some(d) = &page.meta.description {
        obj.insert("description".into(), json!(d));
    }
    if let Some(a) = &event.audience {
        obj.insert(
            "audience".into(),
            json!({"@type": "Audience", "audienceType": a}),
        );
    }
    if let Some(r) = &event.repeat {
        let mut schedule = json!({
            "@type": "Schedule",
            "repeatFrequency": match r.every { Frequency::Week => "P1W", Frequency::Month => "P1M" },
            "startDate": event.start.date().to_string(),
            "scheduleTimezone": TIME_ZONE,
        });
        let s = schedule.as_object_mut().expect("object");
        if let Some(u) = r.until {
            s.insert("endDate".into(), json!(u.to_string()));
        }
        if let Some(c) = r.count {
            s.insert("repeatCount".into(), json!(c));
        }
        if let (When::Local(a), When::Local(b)) = (event.start, event.end) {
            s.insert("startTime".into(), json!(a.format("%H:%M:%S").to_string()));
            s.insert("endTime".into(), json!(b.format("%H:%M:%S").to_string()));
        }
        if !r.except.is_empty() {
            let dates: Vec<String> = r.except.iter().map(ToString::to_string).collect();
            s.insert("exceptDate".into(), json!(dates));
        }
        obj.insert("eventSchedule".into(), schedule);
    }
    value
}

/// One event in a list.
#[derive(Serialize)]
pub struct CardValue {
    /// The event page's title.
    pub title: String,
    /// Root-relative address of the event page.
    pub url: String,
    /// The page's description.
    pub description: Option<String>,
    /// The (next, for repeating events) start.
    pub start: TimeValue,
    /// Its end.
    pub end: TimeValue,
    /// Whether it is a regular meeting.
    pub repeating: bool,
    /// The place's name (or the online link's host).
    pub location: Option<String>,
    /// UTC end of the (last) occurrence, RFC 3339: the page script moves the card to past
    /// events once the reader's clock passes it.
    pub ends: String,
}

/// Past events of one year.
#[derive(Serialize)]
pub struct YearValue {
    /// The year.
    pub year: i32,
    /// Its events, latest first.
    pub events: Vec<CardValue>,
}

/// A section's `events`: its event pages as of the build date.
#[derive(Serialize)]
pub struct EventsValue {
    /// The build date, `2.12.2026`.
    pub as_of: String,
    /// The build date, `2026-12-02`.
    pub as_of_iso: String,
    /// Events with an occurrence still to come, soonest first.
    pub upcoming: Vec<CardValue>,
    /// Events that have ended, by year, latest year first.
    pub past: Vec<YearValue>,
    /// Root-relative address of the calendar of all events.
    pub ics_url: String,
    /// Root-relative address of the section that lists the events (the home page's "all
    /// events" link).
    pub section_url: String,
}

/// `events` of section `index` (see [`EventsValue`]): `None` unless some of its pages are
/// events. The home page gets every event of the site, for its "next events" list.
pub fn section_value(site: &Site, index: usize) -> Option<tera::Value> {
    let section = &site.sections[index];
    let pages: Vec<usize> = if index == 0 {
        (0..site.pages.len())
            .filter(|&p| site.pages[p].event.is_some())
            .collect()
    } else {
        section
            .pages
            .iter()
            .copied()
            .filter(|&p| site.pages[p].event.is_some())
            .collect()
    };
    let listing = site.sections[site.pages[*pages.first()?].section]
        .path
        .clone();
    let mut upcoming: Vec<(chrono::DateTime<chrono::Utc>, CardValue)> = Vec::new();
    let mut past: Vec<(chrono::DateTime<chrono::Utc>, CardValue)> = Vec::new();
    for p in pages {
        let page = &site.pages[p];
        let event = page.event.as_ref().expect("filtered");
        let (date, is_upcoming) = match event.next_on_or_after(site.today) {
            Some(d) => (d, true),
            None => (
                event
                    .occurrences()
                    .last()
                    .copied()
                    .unwrap_or_else(|| event.start.date()),
                false,
            ),
        };
        let start = event.start.on(date);
        let card = CardValue {
            title: page.title.clone(),
            url: site.url(&page.path),
            description: page.meta.description.clone(),
            start: time_value(start),
            end: time_value(event.end.on(date + Days::new(event.extra_days()))),
            repeating: event.repeat.is_some(),
            location: event.location.name.clone().or_else(|| {
                event.location.url.as_ref().map(|u| {
                    u.split("://")
                        .nth(1)
                        .and_then(|r| r.split('/').next())
                        .unwrap_or(u)
                        .to_string()
                })
            }),
            ends: event
                .end_utc_from(date)
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
        };
        if is_upcoming {
            upcoming.push((start.utc(), card));
        } else {
            past.push((start.utc(), card));
        }
    }
    upcoming.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.url.cmp(&b.1.url)));
    past.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.url.cmp(&b.1.url)));
    let mut years: Vec<YearValue> = Vec::new();
    for (start, card) in past {
        let year = start.with_timezone(&chrono_tz::Europe::Helsinki).year();
        match years.last_mut() {
            Some(y) if y.year == year => y.events.push(card),
            _ => years.push(YearValue {
                year,
                events: vec![card],
            }),
        }
    }
    let value = EventsValue {
        as_of: finnish_date(site.today),
        as_of_iso: site.today.to_string(),
        upcoming: upcoming.into_iter().map(|(_, c)| c).collect(),
        past: years,
        ics_url: site.url(ALL_EVENTS),
        section_url: site.url(&listing),
    };
    Some(tera::Value::from_serializable(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_characters_whole() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "ä".repeat(60));
        fold_into(&mut out, &line);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l}");
        }
        let unfolded = out.trim_end().replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
    }
}
