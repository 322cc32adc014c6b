//! The search index of a fixture site (`tests/fixtures/search/`): files, determinism, privacy,
//! sharding and the search page.

mod common;

use common::index::{doc_id, json, postings};
use kumppani::search::{IndexOptions, build_index};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search")
}

fn build(out: &Path) {
    kumppani::build(&kumppani::BuildOptions {
        root: fixture(),
        output: Some(out.to_path_buf()),
        ..Default::default()
    })
    .expect("the fixture builds");
}

/// Every file under `dir`, relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn two_builds_write_identical_index_bytes() {
    let dir = tempfile::tempdir().unwrap();
    build(&dir.path().join("a"));
    build(&dir.path().join("b"));
    let a = files(&dir.path().join("a/search"));
    let b = files(&dir.path().join("b/search"));
    assert!(
        a.contains_key("index.json") && a.contains_key("t/0.json") && a.contains_key("d/0.json")
    );
    assert_eq!(a, b);
    assert_eq!(
        std::fs::read(dir.path().join("a/haku/index.html")).unwrap(),
        std::fs::read(dir.path().join("b/haku/index.html")).unwrap()
    );
}

#[test]
fn the_index_holds_no_contact_data() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let all: String = files(&dir.path().join("search"))
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    // From [organisation] (e-mail, phone, address) and from the profile's body text.
    for secret in [
        "salainen",
        "sihteeri",
        "987",
        "6543",
        "salakuja",
        "Salakuja",
        "050",
        "4567",
        "puheenjohtaja.nimi",
        "example",
    ] {
        assert!(
            !all.contains(secret),
            "`{secret}` leaked into the search index"
        );
    }
    // What a profile may contribute: category, area and target group names.
    let keys = postings(&dir.path().join("search"));
    let profile = doc_id(
        &dir.path().join("search"),
        "/jarjestot/jarjestot/kurun-liikuntaseura/",
    );
    for word in ["harrastukset", "kuru", "lapset"] {
        let key = kumppani::search::finnish::key(word);
        assert!(
            keys.get(&key)
                .is_some_and(|l| l.iter().any(|p| p.0 == profile)),
            "profile not indexed under `{word}`"
        );
    }
}

#[test]
fn finnish_words_reach_their_pages() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let search = dir.path().join("search");
    let keys = postings(&search);
    let has = |word: &str, url: &str| {
        let id = doc_id(&search, url);
        kumppani::search::finnish::keys(word)
            .iter()
            .any(|k| keys.get(k).is_some_and(|l| l.iter().any(|p| p.0 == id)))
    };
    let grants = "/jarjestot/palvelut/yhdistysavustukset/";
    assert!(has("avustus", grants), "compound tail and inflections");
    assert!(has("yhdistys", grants), "compound head");
    assert!(has("ilmoitus", grants), "virheilmoitus splits");
    assert!(has("avustuksista", grants));
    let rooms = "/jarjestot/palvelut/tilat/";
    assert!(has("kaupunki", rooms), "kaupungin / kaupunki");
    assert!(
        has("pöytä", rooms) && has("poyta", rooms),
        "pöydät / pöydän, folded"
    );
    assert!(
        has("tila", rooms) && has("liikunta", rooms),
        "liikuntatiloja splits"
    );
    let youth = "/jarjestot/uutiset/nuoret/";
    assert!(has("nuoret", youth) && has("katu", youth) && has("salasana", youth));
    assert!(
        has("seura", "/jarjestot/jarjestot/kurun-liikuntaseura/"),
        "liikuntaseurat"
    );
    assert!(!has("avustus", rooms));
}

#[test]
fn title_words_score_higher_than_body_words() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let search = dir.path().join("search");
    let keys = postings(&search);
    let list = &keys[&kumppani::search::finnish::key("tilat")];
    let rooms = doc_id(&search, "/jarjestot/palvelut/tilat/");
    let seniors = doc_id(&search, "/jarjestot/jarjestot/keskustan-seniorit/");
    let q = |id| list.iter().find(|p| p.0 == id).unwrap().1;
    assert!(q(rooms) > q(seniors), "{list:?}");
}

#[test]
fn a_low_threshold_shards_the_key_range() {
    let mut timings = kumppani::Timings::default();
    let options = kumppani::content::LoadOptions {
        drafts: false,
        today: kumppani::clock::today().unwrap(),
    };
    let site = kumppani::load(&fixture(), None, &options, &mut timings).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let writer = kumppani::output::Writer::new(dir.path());
    let options = IndexOptions {
        shard_bytes: 300,
        block_docs: 3,
    };
    let summary = build_index(&site, &writer, &options).unwrap();
    let search = dir.path().join("search");
    let manifest = json(&search.join("index.json"));
    let starts: Vec<&str> = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(starts.len() > 5, "{starts:?}");
    assert_eq!(starts.len(), summary.shards);
    assert_eq!(starts[0], "");
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "{starts:?}");
    let mut seen = 0;
    for (i, start) in starts.iter().enumerate() {
        let shard = json(&search.join(format!("t/{i}.json")));
        let keys: Vec<&str> = shard
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[0].as_str().unwrap())
            .collect();
        assert!(!keys.is_empty());
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "sorted within shard {i}"
        );
        // Each key lives in the shard whose range holds it, so a query fetches one shard.
        for k in &keys {
            assert!(*k >= *start && starts.get(i + 1).is_none_or(|next| k < next));
        }
        seen += keys.len();
    }
    assert_eq!(seen, summary.terms);
    // The default threshold keeps this small site in one shard.
    let single = tempfile::tempdir().unwrap();
    let s = build_index(
        &site,
        &kumppani::output::Writer::new(single.path()),
        &IndexOptions::default(),
    )
    .unwrap();
    assert_eq!(s.shards, 1);
    // Metadata blocks of 3 documents each.
    let docs = manifest["docs"].as_u64().unwrap() as usize;
    assert_eq!(manifest["block"], 3);
    for b in 0..docs.div_ceil(3) {
        let rows = json(&search.join(format!("d/{b}.json")));
        assert_eq!(rows.as_array().unwrap().len(), 3.min(docs - b * 3));
    }
    assert!(!search.join(format!("d/{}.json", docs.div_ceil(3))).exists());
}

#[test]
fn filters_list_documents_per_section_category_and_area() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let search = dir.path().join("search");
    let manifest = json(&search.join("index.json"));
    let filters = json(&search.join("filters.json"));
    let decode = |v: &Value| -> Vec<u64> {
        let mut doc = 0;
        v.as_array()
            .unwrap()
            .iter()
            .map(|d| {
                doc += d.as_u64().unwrap();
                doc
            })
            .collect()
    };
    // The documents listed under a filter value, e.g. ("areas", "keskusta").
    let listed = |kind: &str, slug: &str| -> Vec<u64> {
        let at = manifest[kind]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c[0] == slug)
            .unwrap();
        decode(&filters[kind][at])
    };
    assert_eq!(
        listed("categories", "harrastukset"),
        [doc_id(&search, "/jarjestot/jarjestot/kurun-liikuntaseura/")]
    );
    assert_eq!(
        listed("areas", "keskusta"),
        [doc_id(&search, "/jarjestot/jarjestot/keskustan-seniorit/")]
    );
    let sections: Vec<&str> = manifest["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[1].as_str().unwrap())
        .collect();
    assert_eq!(
        sections,
        [
            "Hakutestin etusivu",
            "Järjestöhakemisto",
            "Palvelut",
            "Uutiset"
        ]
    );
    let total: usize = (0..sections.len())
        .map(|s| decode(&filters["sections"][s]).len())
        .sum();
    assert_eq!(total as u64, manifest["docs"].as_u64().unwrap());
}

#[test]
fn the_search_page_works_without_inline_script() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let html = std::fs::read_to_string(dir.path().join("haku/index.html")).unwrap();
    assert!(html.contains(r#"<label for="search-input">"#));
    assert!(html.contains(r#"<ol id="search-results""#));
    assert!(html.contains(r#"aria-live="polite""#));
    assert!(html.contains(r#"<script type="module" src="/jarjestot/search.js?v="#));
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the module script, no inline code"
    );
    assert!(html.contains(r#"data-index="/jarjestot/search/index.json?v="#));
    // Without JavaScript: a message with links to the directory and the site map.
    assert!(html.contains(r#"<a href="/jarjestot/jarjestot/">"#));
    assert!(html.contains(r#"<a href="/jarjestot/sitemap.xml">"#));
    assert!(html.contains("JavaScript"));
    // The script is shipped and only the search page loads it.
    assert!(dir.path().join("search.js").exists());
    let other = std::fs::read_to_string(dir.path().join("palvelut/tilat/index.html")).unwrap();
    assert!(!other.contains("search.js"));
    let sitemap = std::fs::read_to_string(dir.path().join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("https://example.org/jarjestot/haku/"));
}
