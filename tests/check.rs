//! `kumppani check`: fixture sites with known problems, checked through the real binary, and the
//! external link checker against a loopback server.

mod common;

use common::{copy_dir, fixture};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The date the freshness checks compare with, fixed so the fixtures never go stale.
const TODAY: &str = "2026-11-28";

/// Runs `kumppani check --root <root> <args>` and returns (exit code, stdout).
fn check_with_date(root: &Path, today: &str, args: &[&str]) -> (i32, String) {
    let out = common::kumppani()
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(args)
        .env("KUMPPANI_TODAY", today)
        .output()
        .expect("run kumppani");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(out.stdout).expect("utf-8 output"),
    )
}

fn check(root: &Path, args: &[&str]) -> (i32, String) {
    check_with_date(root, TODAY, args)
}

/// Runs the check with `--format json` and parses the document.
fn check_json(root: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, out) = check(root, &all);
    (code, serde_json::from_str(&out).expect("valid JSON"))
}

fn findings(doc: &Value) -> &Vec<Value> {
    doc["findings"].as_array().expect("findings array")
}

/// The finding with this code in this file, or a panic listing what was found.
fn find<'a>(doc: &'a Value, code: &str, file: &str) -> &'a Value {
    findings(doc)
        .iter()
        .find(|f| f["code"] == code && f["file"] == file)
        .unwrap_or_else(|| panic!("no `{code}` in {file}; found:\n{doc:#}"))
}

fn codes(doc: &Value) -> BTreeSet<String> {
    findings(doc)
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn clean_site_has_no_findings_exits_0_and_writes_nothing() {
    let root = fixture("check-clean");
    let (code, doc) = check_json(&root, &["--strict"]);
    assert_eq!(code, 0, "{doc:#}");
    assert!(findings(&doc).is_empty(), "{doc:#}");
    assert_eq!(doc["summary"]["pages"], 5);
    assert!(
        !root.join("public").exists(),
        "check must not write public/"
    );
    let (code, human) = check(&root, &[]);
    assert_eq!(code, 0);
    assert_eq!(human.trim(), "No problems found in 5 pages");
}

#[test]
fn every_kind_of_problem_is_reported_at_its_line() {
    let (code, doc) = check_json(&fixture("check-problems"), &[]);
    assert_eq!(code, 1, "errors found");
    // code, file:line[:column], severity
    let expected = "
        broken-link          content/ohjeet/linkit.md:6:6                error
        broken-anchor        content/ohjeet/linkit.md:8:6                error
        unknown-key          content/ohjeet/rikkinainen.md:3:1           error
        broken-link          content/ohjeet/linkit.md:10:23              error
        broken-link          content/ohjeet/linkit.md:14:6               error
        broken-image         content/ohjeet/otsikot.md:12                error
        orphan-page          content/orpo.md:1:1                         warning
        heading-skip         content/ohjeet/otsikot.md:8:1               error
        heading-h1           content/ohjeet/otsikot.md:10:1              error
        missing-alt          content/ohjeet/otsikot.md:12:1              error
        missing-description  content/ohjeet/vanha.md:2:1                 warning
        duplicate-title      content/ohjeet/vanha.md:2:1                 warning
        duplicate-title      content/ohjeet/kaksoisolento.md:2:1         warning
        duplicate-url        content/ohjeet/vanha.md:4:12                error
        stale-page           content/ohjeet/vanha.md:3:1                 warning
        organisation-stale   content/jarjestot/vanhat-tiedot.md:9:12     warning
        statement-outdated   content/saavutettavuusseloste.md:6:1        error";
    // The first three come from the loader, the image and orphan from the rendered output,
    // the rest from the model: check collects all of them in one run.
    for row in expected.trim().lines() {
        let [code, location, severity]: [&str; 3] = row
            .split_whitespace()
            .collect::<Vec<_>>()
            .try_into()
            .unwrap();
        let mut parts = location.split(':');
        let file = parts.next().unwrap();
        let position: Vec<u64> = parts.map(|n| n.parse().unwrap()).collect();
        let f = findings(&doc)
            .iter()
            .find(|f| f["code"] == code && f["file"] == file && f["line"] == position[0])
            .unwrap_or_else(|| panic!("no `{code}` at {location}; found:\n{doc:#}"));
        if let Some(column) = position.get(1) {
            assert_eq!(f["column"], *column, "{code} column: {f:#}");
        }
        assert_eq!(f["severity"], severity, "{code}: {f:#}");
        assert!(
            f["hint"].as_str().is_some_and(|h| !h.is_empty()),
            "{code} has a fix hint"
        );
    }
    // A link to an unpublished draft says so (a link to a file with its own errors is not
    // reported twice: the file's errors are).
    let to_draft = findings(&doc)
        .iter()
        .find(|f| f["code"] == "broken-link" && f["line"] == 14)
        .unwrap();
    assert!(
        to_draft["message"]
            .as_str()
            .unwrap()
            .contains("a draft that is not published"),
        "{to_draft:#}"
    );
    // Nothing else: in particular, linked pages are not orphans.
    assert_eq!(
        findings(&doc).len(),
        expected.trim().lines().count(),
        "{doc:#}"
    );
}

#[test]
fn freshness_is_measured_from_today() {
    // A year and a half earlier the statement, the profile and the page were all recent enough.
    let (_, out) = check_with_date(
        &fixture("check-problems"),
        "2025-06-01",
        &["--format", "json"],
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    let found = codes(&doc);
    for code in ["statement-outdated", "organisation-stale", "stale-page"] {
        assert!(!found.contains(code), "{code} reported: {doc:#}");
    }
    assert!(found.contains("orphan-page"));
}

#[test]
fn json_document_has_a_stable_shape() {
    let (_, doc) = check_json(&fixture("check-problems"), &[]);
    assert_eq!(doc["version"], 1);
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&doc), ["findings", "summary", "version"]);
    assert_eq!(
        keys(&doc["summary"]),
        ["errors", "external_links", "files", "pages", "warnings"]
    );
    let all = findings(&doc);
    for f in all {
        assert_eq!(
            keys(f),
            [
                "code", "column", "file", "hint", "line", "message", "severity"
            ]
        );
        assert!(f["line"].is_u64() && f["column"].is_u64());
        assert!(f["severity"] == "error" || f["severity"] == "warning");
    }
    let count = |s: &str| all.iter().filter(|f| f["severity"] == s).count();
    assert_eq!(doc["summary"]["errors"], count("error"));
    assert_eq!(doc["summary"]["warnings"], count("warning"));
    assert!(doc["summary"]["external_links"].is_null());
    // Sorted by file, then line.
    let order: Vec<(String, u64)> = all
        .iter()
        .filter(|f| f["file"].is_string())
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
}

#[test]
fn human_output_is_grouped_by_file_with_a_summary_line() {
    let (code, out) = check(&fixture("check-problems"), &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    // Each file is a heading exactly once, its findings indented under it.
    let heading = "content/ohjeet/otsikot.md";
    assert_eq!(lines.iter().filter(|l| **l == heading).count(), 1);
    let at = lines.iter().position(|l| *l == heading).unwrap();
    assert!(lines[at + 1].trim_start().starts_with("8:1"), "{out}");
    assert!(lines[at + 1].contains("heading-skip"));
    assert!(lines[at + 2].contains("fix:"));
    let summary = lines.last().unwrap();
    assert!(
        summary.starts_with("11 errors, 6 warnings in 8 files"),
        "{summary}"
    );
}

#[test]
fn warnings_alone_exit_0_unless_strict() {
    let root = fixture("check-warnings");
    let (code, doc) = check_json(&root, &[]);
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["errors"], 0);
    assert_eq!(doc["summary"]["warnings"], 2);
    find(&doc, "missing-description", "content/ohjeet/tilat.md");
    find(&doc, "stale-page", "content/ohjeet/tilat.md");
    let (code, _) = check(&root, &["--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn drafts_are_checked_only_when_asked() {
    let root = fixture("check-clean");
    let (code, doc) = check_json(&root, &["--drafts"]);
    assert_eq!(code, 0);
    assert_eq!(doc["summary"]["pages"], 6);
    let f = find(&doc, "missing-description", "content/ohjeet/luonnos.md");
    assert_eq!(f["line"], 2);
}

#[test]
fn a_missing_accessibility_statement_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-clean"), dir.path());
    let config = dir.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    // Pointing at a page that does not exist is an error at the config line…
    let wrong = text.replace("@/saavutettavuusseloste.md", "@/seloste.md");
    std::fs::write(&config, wrong).unwrap();
    let (code, doc) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let f = find(&doc, "no-accessibility-statement", "config.toml");
    assert_eq!(
        (f["line"].as_u64(), f["severity"].as_str()),
        (Some(10), Some("error"))
    );
    // …and having none configured is a warning.
    let none = text.replace(
        "accessibility_statement = \"@/saavutettavuusseloste.md\"",
        "",
    );
    std::fs::write(&config, none).unwrap();
    let (code, doc) = check_json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(
        find(&doc, "no-accessibility-statement", "config.toml")["severity"],
        "warning"
    );
}

#[test]
fn a_folder_without_a_site_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, doc) = check_json(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        findings(&doc)[0]["message"]
            .as_str()
            .unwrap()
            .contains("config.toml")
    );
}

// ---------------------------------------------------------------------------------------------
// External links, against a server on 127.0.0.1 (never the internet).

/// What the loopback server saw.
#[derive(Default)]
struct Seen {
    /// (method, path) of every request, in arrival order.
    requests: Mutex<Vec<(String, String)>>,
    /// Requests being answered right now (the hanging one not counted).
    in_flight: AtomicUsize,
    /// The most requests answered at once.
    max_in_flight: AtomicUsize,
}

impl Seen {
    fn count(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(_, p)| p == path)
            .count()
    }
    fn total(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// Starts a server answering: /ok 200, /moved 301 → /ok, /gone 404, /busy 429 (Retry-After: 1)
/// the first time and 200 after, /nohead 405 to HEAD and 200 to GET, /hang never.
fn start_server() -> (String, Arc<Seen>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind loopback");
    let port = server.server_addr().to_ip().unwrap().port();
    let seen = Arc::new(Seen::default());
    let shared = Arc::clone(&seen);
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let seen = Arc::clone(&shared);
            std::thread::spawn(move || answer(request, &seen));
        }
    });
    (format!("http://127.0.0.1:{port}"), seen)
}

fn answer(request: tiny_http::Request, seen: &Seen) {
    let method = request.method().to_string();
    let path = request.url().to_string();
    let busy_before = seen.count("/busy");
    seen.requests
        .lock()
        .unwrap()
        .push((method.clone(), path.clone()));
    if path == "/hang" {
        // Hold the connection open without answering, longer than the checker waits.
        std::thread::sleep(Duration::from_secs(20));
        return;
    }
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
    // Answer slowly so that requests overlap if the checker sends too many at once.
    std::thread::sleep(Duration::from_millis(150));
    let header = |k: &str, v: &str| tiny_http::Header::from_bytes(k, v).unwrap();
    let response = match path.as_str() {
        "/ok" => tiny_http::Response::empty(200),
        "/moved" => tiny_http::Response::empty(301).with_header(header("Location", "/ok")),
        "/gone" => tiny_http::Response::empty(404),
        "/busy" if busy_before == 0 => {
            tiny_http::Response::empty(429).with_header(header("Retry-After", "1"))
        }
        "/busy" => tiny_http::Response::empty(200),
        "/nohead" if method == "HEAD" => tiny_http::Response::empty(405),
        "/nohead" => tiny_http::Response::empty(200),
        _ => tiny_http::Response::empty(500),
    };
    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    let _ = request.respond(response);
}

/// A copy of the clean fixture with a page of external links and short network limits.
fn site_with_links(links: &[String]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("check-clean"), dir.path());
    let config = dir.path().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "[check]\n",
        "[check]\nexternal_timeout_seconds = 1\nexternal_retries = 1\nexternal_skip = [\"skipped.invalid\"]\n",
    );
    std::fs::write(&config, text).unwrap();
    let mut page =
        String::from("+++\ntitle = \"Linkkejä\"\ndescription = \"Ulkoisia linkkejä.\"\n+++\n\n");
    for (i, link) in links.iter().enumerate() {
        page.push_str(&format!("Linkki [{i}]({link}).\n\n"));
    }
    std::fs::write(dir.path().join("content/linkit.md"), page).unwrap();
    dir
}

/// External findings by the URL named in their message.
fn external_findings(doc: &Value) -> HashMap<String, (String, String, u64)> {
    findings(doc)
        .iter()
        .filter(|f| f["file"] == "content/linkit.md" && f["code"] != "orphan-page")
        .map(|f| {
            let message = f["message"].as_str().unwrap();
            let url = message
                .split_whitespace()
                .find(|w| w.starts_with("http"))
                .unwrap()
                .trim_end_matches(':')
                .to_string();
            (
                url,
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["severity"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn external_links_are_checked_politely_and_failures_are_told_apart() {
    let (base, seen) = start_server();
    let paths = ["/ok", "/moved", "/gone", "/busy", "/nohead", "/hang"];
    let mut links: Vec<String> = paths.iter().map(|p| format!("{base}{p}")).collect();
    links.push("http://skipped.invalid/page".into());
    let site = site_with_links(&links);
    let (code, doc) = check_json(site.path(), &["--external"]);
    assert_eq!(code, 1, "a 404 is an error: {doc:#}");
    let found = external_findings(&doc);
    let at = |p: &str| found.get(&format!("{base}{p}")).cloned();
    // Line numbers: front matter (4 lines) + blank line, then one link per paragraph.
    assert_eq!(
        at("/gone"),
        Some(("broken-external-link".into(), "error".into(), 10))
    );
    assert_eq!(
        at("/moved"),
        Some(("moved-link".into(), "warning".into(), 8))
    );
    let moved = findings(&doc)
        .iter()
        .find(|f| f["code"] == "moved-link")
        .unwrap();
    assert!(
        moved["hint"]
            .as_str()
            .unwrap()
            .contains(&format!("{base}/ok"))
    );
    // A server that never answers is a network failure, not a broken link.
    let (hang_code, hang_severity, _) =
        at("/hang").unwrap_or_else(|| panic!("hang not reported: {doc:#}"));
    assert_eq!(
        (hang_code.as_str(), hang_severity.as_str()),
        ("external-unreachable", "warning")
    );
    let hang = findings(&doc)
        .iter()
        .find(|f| f["code"] == "external-unreachable")
        .unwrap();
    assert!(
        hang["message"].as_str().unwrap().contains("in time"),
        "{hang:#}"
    );
    // 429 was waited out and retried; 405 to HEAD was asked again with GET; both fine.
    assert_eq!(at("/ok"), None);
    assert_eq!(at("/busy"), None, "{doc:#}");
    assert_eq!(at("/nohead"), None);
    assert_eq!(seen.count("/busy"), 2);
    let requests = seen.requests.lock().unwrap().clone();
    assert!(requests.contains(&("GET".into(), "/nohead".into())));
    assert!(
        !requests.contains(&("GET".into(), "/ok".into())),
        "HEAD is enough"
    );
    // One try and one retry for the hanging server.
    assert_eq!(seen.count("/hang"), 2);
    assert!(
        seen.max_in_flight.load(Ordering::SeqCst) <= 2,
        "at most 2 requests per host"
    );
    // The skipped host was never asked (it does not exist: asking would be a DNS failure).
    assert!(!found.keys().any(|u| u.contains("skipped.invalid")));
    assert_eq!(doc["summary"]["external_links"], 6);
}

#[test]
fn external_results_are_cached_for_the_next_run() {
    let (base, seen) = start_server();
    let links: Vec<String> = ["/ok", "/moved", "/gone"]
        .iter()
        .map(|p| format!("{base}{p}"))
        .collect();
    let site = site_with_links(&links);
    let (first_code, first) = check_json(site.path(), &["--external"]);
    let asked = seen.total();
    assert!(asked >= 4, "ok, moved + ok, gone: {asked}");
    let cache = site.path().join(".kumppani-cache/external-links.json");
    let cached: Value = serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    assert_eq!(cached["entries"].as_object().unwrap().len(), 3);
    let (second_code, second) = check_json(site.path(), &["--external"]);
    assert_eq!(seen.total(), asked, "the second run asks nothing");
    assert_eq!(first_code, second_code);
    assert_eq!(external_findings(&first), external_findings(&second));
    assert_eq!(external_findings(&second).len(), 2);
    // Without --external nothing is asked.
    let (_, offline) = check_json(site.path(), &[]);
    assert!(offline["summary"]["external_links"].is_null());
    assert!(external_findings(&offline).is_empty());
}

/// Every path (files and folders) under `dir`, relative to it.
fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    fn walk(dir: &Path, base: &Path, into: &mut BTreeSet<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            into.insert(path.strip_prefix(base).unwrap().to_path_buf());
            if path.is_dir() {
                walk(&path, base, into);
            }
        }
    }
    let mut all = BTreeSet::new();
    walk(dir, dir, &mut all);
    all
}

/// Runs `kumppani check --format json` in `cwd` (no `--root`: the site is the working folder)
/// with every temp dir variable pointing at `tmp`.
fn check_in(cwd: &Path, tmp: &Path) -> (i32, Value) {
    let out = common::kumppani()
        .args(["check", "--format", "json"])
        .current_dir(cwd)
        .env("KUMPPANI_TODAY", TODAY)
        .env("TMPDIR", tmp)
        .env("TMP", tmp)
        .env("TEMP", tmp)
        .output()
        .expect("run kumppani");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    (
        out.status.code().expect("exit code"),
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr))),
    )
}

#[test]
fn check_renders_in_memory_and_writes_no_file_anywhere() {
    let outer = tempfile::tempdir().unwrap();
    let site = outer.path().join("sivusto");
    let tmp = outer.path().join("tmp");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::create_dir_all(&tmp).unwrap();
    copy_dir(&fixture("check-problems"), &site);
    // A static file and a content asset the crawl must see, next to a link that stays broken.
    std::fs::create_dir_all(site.join("static/liitteet")).unwrap();
    std::fs::write(site.join("static/liitteet/ohje.pdf"), b"%PDF-1.4").unwrap();
    std::fs::write(site.join("content/ohjeet/kartta.pdf"), b"%PDF-1.4").unwrap();
    let page = site.join("content/ohjeet/linkit.md");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str(
        "\nTämä [liite on olemassa](/liitteet/ohje.pdf), samoin [kartta](/ohjeet/kartta.pdf).\n\n\
         Tämä [liite puuttuu](/liitteet/puuttuu.pdf).\n",
    );
    std::fs::write(&page, text).unwrap();
    let before = tree(outer.path());

    let (code, doc) = check_in(&site, &tmp);
    assert_eq!(code, 1, "errors found: {doc:#}");
    assert_eq!(tree(outer.path()), before, "check wrote or removed files");
    assert!(tree(&tmp).is_empty(), "check used the temp dir");
    // The crawl still finds what it found when it read a rendered folder.
    let broken: Vec<&str> = findings(&doc)
        .iter()
        .filter(|f| f["code"] == "broken-link" && f["file"] == "content/ohjeet/linkit.md")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        broken.iter().any(|m| m.contains("`/ei-ole-olemassa/`")),
        "{doc:#}"
    );
    assert!(
        broken.iter().any(|m| m.contains("`/liitteet/puuttuu.pdf`")),
        "{doc:#}"
    );
    assert!(
        !broken
            .iter()
            .any(|m| m.contains("ohje.pdf") || m.contains("kartta.pdf")),
        "static files and content assets are part of the site: {doc:#}"
    );
    find(&doc, "broken-image", "content/ohjeet/otsikot.md");
    find(&doc, "orphan-page", "content/orpo.md");

    // A temp dir that cannot hold a folder makes no difference: nothing goes there.
    let not_a_folder = outer.path().join("tiedosto");
    std::fs::write(&not_a_folder, "").unwrap();
    let (again, same) = check_in(&site, &not_a_folder);
    assert_eq!(again, 1);
    assert_eq!(findings(&same), findings(&doc));
}
