//! Search quality on the bundled hub: `tests/search_cases.toml` (query → expected page) run
//! through the browser's own engine (`search.js` under node, via `tests/search_eval.mjs`), so
//! the numbers are what a reader gets. Recall@10 must be at least 0.95 in every case type, and
//! title queries must put their page first. Also checks that `search.js` normalises words
//! exactly like the Rust indexer.

mod common;

use common::node_eval;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    kind: String,
    query: String,
    /// Site path of the page that must be in the top 10, e.g. `yhteistyo/lakipohja/`.
    expect: String,
    /// The page must be the first result.
    #[serde(default)]
    first: bool,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build_hub(out: &Path) {
    kumppani::build(&kumppani::BuildOptions {
        root: repo(),
        output: Some(out.to_path_buf()),
        base_url: Some("https://example.org/jarjestot/".into()),
        ..Default::default()
    })
    .expect("the hub builds");
}

#[test]
fn search_quality_on_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    build_hub(&site);
    let text = std::fs::read_to_string(repo().join("tests/search_cases.toml")).unwrap();
    let cases: Cases = toml::from_str(&text).expect("valid search_cases.toml");
    assert!(cases.case.len() >= 40, "at least 40 cases");
    let queries: Vec<serde_json::Value> = cases
        .case
        .iter()
        .map(|c| serde_json::json!({"query": c.query}))
        .collect();
    let answer = node_eval(&site, &serde_json::json!({ "queries": queries }));
    let results = answer["results"].as_array().unwrap();
    let mut per_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut report = String::new();
    let mut first_failures = Vec::new();
    for (case, urls) in cases.case.iter().zip(results) {
        let urls: Vec<&str> = urls
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().trim_start_matches("/jarjestot/"))
            .collect();
        let rank = urls.iter().position(|u| *u == case.expect);
        let entry = per_kind.entry(&case.kind).or_default();
        entry.1 += 1;
        if rank.is_some() {
            entry.0 += 1;
        }
        if case.first && rank != Some(0) {
            first_failures.push(format!("{:?} → {:?}", case.query, urls.first()));
        }
        report.push_str(&format!(
            "{:<14} {:<32} {:>4}  {}\n",
            case.kind,
            case.query,
            rank.map_or("-".into(), |r| (r + 1).to_string()),
            case.expect
        ));
    }
    println!("{report}");
    for (kind, (found, total)) in &per_kind {
        let recall = *found as f64 / *total as f64;
        println!("{kind:<14} recall@10 {recall:.2} ({found}/{total})");
        assert!(
            recall >= 0.95,
            "recall@10 for {kind} is {recall:.2}\n{report}"
        );
    }
    for kind in [
        "inflection",
        "gradation",
        "plural",
        "compound_head",
        "compound_tail",
        "no_diacritics",
        "multi_word",
        "prefix",
        "title",
    ] {
        assert!(per_kind.contains_key(kind), "no cases of type {kind}");
    }
    assert!(
        first_failures.is_empty(),
        "title queries not first: {first_failures:?}"
    );
}

#[test]
fn browser_normaliser_matches_the_indexer() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("public");
    build_hub(&site);
    // Every word of the hub's content plus inflections that are not on the site.
    let mut words: BTreeSet<String> = BTreeSet::new();
    for entry in walkdir::WalkDir::new(repo().join("content")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "md") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            words.extend(kumppani::search::tokenize::words(&text));
        }
    }
    for w in [
        "kaupungeissa",
        "pöydältä",
        "kadulla",
        "tavoille",
        "nuorillemme",
        "salasanoineen",
        "järjestöiltäkin",
        "kirjastossahan",
        "taloonsa",
        "kirjoittaminen",
        "jäljen",
        "nahkaa",
        "kylvyssä",
        "lähden",
        "yhdistyksellenne",
        "kaikkeen",
        "maahan",
        "tiehen",
        "vapaaehtoistyötä",
    ] {
        words.insert(w.to_string());
    }
    assert!(words.len() > 1500, "the hub has a real vocabulary");
    let list: Vec<&String> = words.iter().collect();
    let answer = node_eval(&site, &serde_json::json!({ "words": list }));
    let js = answer["keys"].as_array().unwrap();
    let mut differ = Vec::new();
    for (word, js_keys) in list.iter().zip(js) {
        let rust = kumppani::search::finnish::keys(word);
        let js: Vec<String> = js_keys
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect();
        if rust != js {
            differ.push(format!("{word}: rust {rust:?}, js {js:?}"));
        }
    }
    assert!(
        differ.is_empty(),
        "{} words differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
