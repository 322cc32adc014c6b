//! Builds the search index of a synthetic site of N documents in memory and writes its files,
//! for measuring index build time, memory and bytes on large sites without rendering pages.
//! Words are drawn from the bundled hub's content (run from the repository root), with one word
//! in twenty a unique `sanaNNN` so the vocabulary grows with the site.
//!
//!     cargo run --release --example search_scale -- 100000 /tmp/s100k
//!     cp themes/kumppani/static/search.js /tmp/s100k/
//!     echo '{"bytes": ["ja ", "avustus"]}' | node tests/search_eval.mjs /tmp/s100k

use kumppani::search::documents::{Doc, Facets, Field, excerpt};
use kumppani::search::index::{IndexOptions, index_files};
use std::path::PathBuf;

/// A small deterministic generator (same site every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, m: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % m
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: search_scale N OUT");
    let out = PathBuf::from(args.next().expect("usage: search_scale N OUT"));
    let mut vocab: Vec<String> = Vec::new();
    for e in walkdir::WalkDir::new("content") {
        let e = e.expect("readable content/");
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).expect("readable file");
            vocab.extend(kumppani::search::tokenize::words(&text));
        }
    }
    assert!(!vocab.is_empty(), "run from the repository root");
    let mut rng = Lcg(12_345);
    let text = |k: usize, rng: &mut Lcg| -> String {
        (0..k)
            .map(|_| {
                if rng.below(20) == 0 {
                    format!("sana{}", rng.below(n * 2))
                } else {
                    vocab[rng.below(vocab.len())].clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let docs: Vec<Doc> = (0..n)
        .map(|i| {
            let title_len = 2 + rng.below(5);
            let title = text(title_len, &mut rng);
            let description = text(12, &mut rng);
            let body_len = 80 + rng.below(300);
            let body = text(body_len, &mut rng);
            Doc {
                path: format!("s{}/p{i}/", i / 1000),
                url: format!("/s{}/p{i}/", i / 1000),
                section: i / 1000 % 10,
                excerpt: excerpt(&description, 160),
                category: None,
                areas: vec![],
                fields: vec![
                    (Field::Title, title.clone()),
                    (Field::Description, description),
                    (Field::Headings, text(2, &mut rng)),
                    (Field::Body, body),
                ],
                title,
            }
        })
        .collect();
    let facets = Facets {
        sections: (0..10)
            .map(|i| (format!("s{i}/"), format!("Osio {i}")))
            .collect(),
        ..Default::default()
    };
    let start = std::time::Instant::now();
    let files = index_files(&docs, &facets, &IndexOptions::default());
    eprintln!(
        "index of {n} documents in {:.1} s: {} keys, {} shards",
        start.elapsed().as_secs_f64(),
        files.terms,
        files.shards
    );
    for (rel, bytes) in &files.files {
        let path = out.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a folder")).expect("writable output");
        std::fs::write(&path, bytes).expect("writable output");
    }
}
