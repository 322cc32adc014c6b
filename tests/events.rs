//! Events: `[event]` validation at file:line:col, the iCalendar files (parsed with the
//! `icalendar` crate, times compared in UTC across the changes to and from summer time), the
//! event pages and the events section, and the bundled hub's events.

mod common;

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, Utc};
use common::TestSite;
use icalendar::{
    Calendar, CalendarComponent, CalendarDateTime, Component, DatePerhapsTime, EventLike,
};
use std::path::Path;
use std::process::Output;

const TODAY: &str = "2026-12-02";

fn build(site: &TestSite) -> Output {
    common::kumppani()
        .arg("build")
        .env("KUMPPANI_TODAY", TODAY)
        .current_dir(site.root())
        .output()
        .expect("run kumppani")
}

fn built() -> TestSite {
    let site = TestSite::fixture("events");
    let out = build(&site);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site
}

/// Checks the RFC 5545 line rules and parses the file with a real iCalendar parser.
fn parse(text: &str) -> Calendar {
    assert!(text.ends_with("\r\n"), "the file ends with CRLF");
    for line in text.split_terminator("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "line of {} octets: {line:?}", line.len());
    }
    text.parse::<Calendar>().expect("parses as iCalendar")
}

fn events(cal: &Calendar) -> Vec<&icalendar::Event> {
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn by_summary<'a>(cal: &'a Calendar, start: &str) -> &'a icalendar::Event {
    events(cal)
        .into_iter()
        .find(|e| e.get_summary().is_some_and(|s| s.starts_with(start)))
        .unwrap_or_else(|| panic!("no event {start}"))
}

fn utc(when: DatePerhapsTime) -> DateTime<Utc> {
    match when {
        DatePerhapsTime::DateTime(dt) => {
            assert!(
                matches!(&dt, CalendarDateTime::WithTimezone { tzid, .. } if tzid == "Europe/Helsinki"),
                "{dt:?}"
            );
            dt.try_into_utc().expect("converts to UTC")
        }
        DatePerhapsTime::Date(d) => panic!("a date: {d}"),
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn calendar_times_are_right_across_summer_time() {
    let site = built();
    let cal = parse(&site.read("tapahtumat.ics"));
    assert_eq!(events(&cal).len(), 6);
    // 27 March 2027 is still winter time (UTC+2), 28 March summer time (UTC+3).
    let before = by_summary(&cal, "Ennen kesäaikaa");
    assert_eq!(utc(before.get_start().unwrap()), at("2027-03-27T16:00:00Z"));
    assert_eq!(utc(before.get_end().unwrap()), at("2027-03-27T18:00:00Z"));
    let after = by_summary(&cal, "Kesäajassa");
    assert_eq!(utc(after.get_start().unwrap()), at("2027-03-28T15:00:00Z"));
    // Starts in summer time, ends after the clocks went back on 25 October 2026.
    let night = by_summary(&cal, "Yön yli");
    assert_eq!(utc(night.get_start().unwrap()), at("2026-10-24T19:00:00Z"));
    assert_eq!(utc(night.get_end().unwrap()), at("2026-10-25T03:00:00Z"));
    assert_eq!(
        night.get_description().unwrap().lines().next().unwrap(),
        "Alkaa kesäajassa, päättyy normaaliajassa; pilkku, puolipiste; ja kenoviiva \\ mukana."
    );
    assert_eq!(
        night.get_location(),
        Some("https://tapaaminen.example.fi/yo")
    );
    // All day: DATE values, the end exclusive.
    let midsummer = by_summary(&cal, "Juhannus");
    assert_eq!(
        midsummer.get_start(),
        Some(DatePerhapsTime::Date(
            NaiveDate::from_ymd_opt(2027, 6, 25).unwrap()
        ))
    );
    assert_eq!(
        midsummer.get_end(),
        Some(DatePerhapsTime::Date(
            NaiveDate::from_ymd_opt(2027, 6, 27).unwrap()
        ))
    );
    // Every event has the required properties; UIDs are unique.
    let mut uids: Vec<&str> = events(&cal)
        .iter()
        .map(|e| e.get_uid().expect("UID"))
        .collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), 6);
    for e in events(&cal) {
        assert_eq!(e.property_value("DTSTAMP"), Some("20261202T000000Z"));
        assert!(e.get_uid().unwrap().ends_with("@example.fi"));
    }
    assert_eq!(
        by_summary(&cal, "Kesäajassa").get_uid(),
        Some("hub/tapahtumat/kesaajassa@example.fi")
    );
}

#[test]
fn repeating_meetings_stay_at_local_time() {
    let site = built();
    let cal = parse(&site.read("tapahtumat/viikoittain/tapahtuma.ics"));
    let weekly = by_summary(&cal, "Viikoittainen");
    assert_eq!(
        weekly.property_value("RRULE"),
        // The end of 14 April 2027 in Helsinki (UTC+3) in UTC.
        Some("FREQ=WEEKLY;UNTIL=20270414T205959Z")
    );
    let start = weekly.get_start().unwrap();
    let DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone { date_time, tzid }) = start
    else {
        panic!("a TZID start")
    };
    // Expand the weekly rule by hand and let the parser's time zone handling convert each
    // meeting: 18.00 local is 16.00 UTC before 28 March and 15.00 UTC after.
    let expected = [
        "2027-03-17T16:00:00Z",
        "2027-03-24T16:00:00Z",
        "2027-03-31T15:00:00Z",
        "2027-04-07T15:00:00Z",
        "2027-04-14T15:00:00Z",
    ];
    for (n, want) in expected.iter().enumerate() {
        let local: NaiveDateTime = date_time + Days::new(7 * n as u64);
        let meeting = CalendarDateTime::WithTimezone {
            date_time: local,
            tzid: tzid.clone(),
        };
        assert_eq!(meeting.try_into_utc().unwrap(), at(want), "meeting {n}");
    }
    // The cancelled meeting has the start's local time and zone, so calendars drop it.
    let text = site.read("tapahtumat/viikoittain/tapahtuma.ics");
    assert!(text.contains("EXDATE;TZID=Europe/Helsinki:20270324T180000\r\n"));
    // A long title is folded without breaking a character and unfolds to the original.
    assert_eq!(
        weekly.get_summary(),
        Some(
            "Viikoittainen kokoontuminen, jonka nimi on niin pitkä että rivi on taitettava monta kertaa ääkkösineen"
        )
    );
    let monthly = parse(&site.read("tapahtumat/kuukausittain/tapahtuma.ics"));
    assert_eq!(
        by_summary(&monthly, "Kuukausittain").property_value("RRULE"),
        Some("FREQ=MONTHLY;COUNT=3")
    );
}

#[test]
fn every_calendar_file_parses_and_organisations_get_their_own() {
    let site = built();
    let org = parse(&site.read("jarjestot/seura/tapahtumat.ics"));
    let mut titles: Vec<&str> = events(&org)
        .iter()
        .filter_map(|e| e.get_summary())
        .collect();
    titles.sort();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].starts_with("Viikoittainen") && titles[1].starts_with("Yön yli"));
    for file in walk(&site.path("public")) {
        if file.extension().is_some_and(|e| e == "ics") {
            let cal = parse(&std::fs::read_to_string(&file).unwrap());
            assert!(!events(&cal).is_empty(), "{}", file.display());
        }
    }
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("https://example.fi/hub/tapahtumat.ics"));
    assert!(sitemap.contains("https://example.fi/hub/tapahtumat/juhannus/tapahtuma.ics"));
    assert!(sitemap.contains("https://example.fi/hub/jarjestot/seura/tapahtumat.ics"));
}

#[test]
fn event_pages_and_the_section_show_times_in_finnish() {
    let site = built();
    let page = site.read("tapahtumat/kesaajassa/index.html");
    assert!(
        page.contains(
            r#"<time datetime="2027-03-28T18:00:00+03:00">su 28.3.2027 klo 18.00</time>"#
        ),
        "{page}"
    );
    assert!(page.contains(r#"href="/hub/tapahtumat/kesaajassa/tapahtuma.ics""#));
    assert!(page.contains("Lisää kalenteriin"));
    assert!(page.contains(r#"<a href="https://kaupunki.example.fi/">Testikaupunki</a>"#));
    let ld = page
        .split(r#"<script type="application/ld+json">"#)
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .expect("JSON-LD");
    let json: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(json["@type"], "Event");
    assert_eq!(json["startDate"], "2027-03-28T18:00:00+03:00");
    let night = site.read("tapahtumat/yli-syksyn-vaihdon/index.html");
    assert!(night.contains(r#"<a href="/hub/jarjestot/seura/">Testiseura ry</a>"#));
    let list = site.read("tapahtumat/index.html");
    assert!(list.contains(r#"Tilanne <time datetime="2026-12-02">2.12.2026</time>"#));
    let (upcoming, past) = list.split_once("Menneet").expect("past events");
    // The monthly meeting's next time is 10.12.2026; the night of 24.10.2026 has passed.
    assert!(upcoming.contains("to 10.12.2026 klo 10.00"), "{upcoming}");
    assert!(upcoming.contains("Juhannus"));
    assert!(past.contains("<h3>2026</h3>") && past.contains("Yön yli syksyn vaihdossa"));
    assert!(!upcoming.contains("Yön yli syksyn vaihdossa"));
}

#[test]
fn every_problem_is_reported_at_its_place() {
    let site = TestSite::fixture("events");
    site.write(
        "content/tapahtumat/virheellinen.md",
        r#"+++
title = "Virheellinen"

[event]
strat = 2027-04-01T10:00:00
start = 2027-04-10T18:00:00
end = 2027-04-10T17:00:00
location = "Sali"
organiser = "@/jarjestot/ei-ole.md"
registration = { email = "info@example.fi", deadline = 2027-04-12 }
repeat = { every = "day", count = 3 }
+++
"#,
    );
    site.write(
        "content/tapahtumat/aukko.md",
        r#"+++
title = "Aukko"

[event]
start = 2027-03-28T03:30:00
end = "28.3.2027 klo 5"
+++
"#,
    );
    let out = build(&site);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean `start`?"), "{err}");
    assert!(err.contains("8 errors found"), "{err}");
    for (place, text) in [
        (
            "content/tapahtumat/virheellinen.md:5:1",
            "unknown field `event.strat`",
        ),
        (
            "content/tapahtumat/virheellinen.md:7:7",
            "ends (10.4.2027 klo 17.00) before it starts",
        ),
        (
            "content/tapahtumat/virheellinen.md:9:13",
            "not a link to an organisation profile",
        ),
        (
            "content/tapahtumat/virheellinen.md:10:56",
            "deadline 12.4.2027 is after the event starts",
        ),
        (
            "content/tapahtumat/virheellinen.md:11:20",
            "must be \"week\" or \"month\"",
        ),
        (
            "content/tapahtumat/aukko.md:5:9",
            "does not exist in Finland",
        ),
        (
            "content/tapahtumat/aukko.md:6:7",
            "is not a date or a date and time",
        ),
        ("content/tapahtumat/aukko.md:4:1", "has no `location`"),
    ] {
        let i = err
            .find(text)
            .unwrap_or_else(|| panic!("no `{text}` in:\n{err}"));
        let after = &err[i..];
        let next = after.find("-->").map(|j| &after[j..]).unwrap_or("");
        assert!(
            next.lines().next().unwrap_or("").contains(place),
            "`{text}` should be at {place}:\n{err}"
        );
    }
}

#[test]
fn the_bundled_hub_builds_its_events_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().unwrap();
    let out = common::kumppani()
        .args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out_dir.path())
        .env("KUMPPANI_TODAY", TODAY)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(!err.contains("tapahtumat/"), "{err}");
    let all = parse(&std::fs::read_to_string(out_dir.path().join("tapahtumat.ics")).unwrap());
    assert!(events(&all).len() >= 7);
    let forum = by_summary(&all, "Kevään kumppanuusfoorumi 2027");
    assert_eq!(utc(forum.get_start().unwrap()), at("2027-04-13T14:00:00Z"));
    let mut ics = 0;
    for file in walk(out_dir.path()) {
        if file.extension().is_some_and(|e| e == "ics") {
            parse(&std::fs::read_to_string(&file).unwrap());
            ics += 1;
        }
    }
    // All events, one per event and one per organiser.
    assert!(ics >= 1 + 7 + 3, "{ics} calendar files");
    let list = std::fs::read_to_string(out_dir.path().join("tapahtumat/index.html")).unwrap();
    let (upcoming, past) = list.split_once("Menneet").unwrap();
    assert!(upcoming.contains("Kevään kumppanuusfoorumi 2027"));
    assert!(past.contains("Kumppanuusfoorumi 25.9.2026"));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn the_home_page_shows_the_next_three_events() {
    let site = built();
    let home = site.read("index.html");
    let start = home
        .find(r#"<section class="upcoming""#)
        .expect("the home page lists upcoming events");
    let list = &home[start..start + home[start..].find("</section>").unwrap()];
    let titles: Vec<usize> = [
        "Kuukausittain",
        "Viikoittainen kokoontuminen",
        "Ennen kesäaikaa",
    ]
    .iter()
    .map(|t| {
        list.find(t)
            .unwrap_or_else(|| panic!("{t} missing: {list}"))
    })
    .collect();
    assert!(
        titles.windows(2).all(|w| w[0] < w[1]),
        "soonest first: {list}"
    );
    assert!(!list.contains("Kesäajassa"), "only three: {list}");
    assert!(!list.contains("Yön yli"), "past events stay out: {list}");
    assert!(
        list.contains(r#"href="/hub/tapahtumat/""#),
        "links the events: {list}"
    );
}
