//! Pasted data in a page: one unbroken 10 MB word and a 1 MB base64 blob must neither stall
//! `kumppani build` nor end up in the search index, while the page's ordinary words are found.

mod common;

use common::TestSite;
use common::index::{doc_id, postings};
use kumppani::search::{finnish, tokenize};
use std::collections::BTreeSet;

const NORMAL: &str = "Lumityöt alkavat aamulla. Talkooväki kokoontuu seurantalolle, \
                      ja hiihtoladut ajetaan kuntoon ennen viikonloppua.";

/// Deterministic random bytes as standard base64 (with `+` and `/`), `len` characters.
fn base64_blob(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ALPHABET[(state >> 58) as usize] as char
        })
        .collect()
}

#[test]
fn giant_words_and_encoded_blobs_are_left_out_of_the_index() {
    let site = TestSite::fixture("search");
    site.build(&[]);
    let before: BTreeSet<String> = postings(&site.path("public/search")).into_keys().collect();

    let giant = "lumi".repeat(10 * 1024 * 1024 / 4);
    let blob = base64_blob(1024 * 1024);
    site.write(
        "content/uutiset/liitteet.md",
        &format!(
            "+++\ntitle = \"Talvikunnossapito\"\ndescription = \"Talven työt.\"\n+++\n\n\
             {NORMAL}\n\n{giant}\n\nKuva: {blob}\n\nLopuksi kiitämme talkooväkeä.\n"
        ),
    );
    drop(giant);
    site.build(&[]);
    let search = site.path("public/search");
    let keys = postings(&search);
    let page = doc_id(&search, "/jarjestot/uutiset/liitteet/");

    // The ordinary words of the page are found on it, before and after the pasted data.
    let normal =
        format!("Talvikunnossapito Talven työt. {NORMAL} Kuva Lopuksi kiitämme talkooväkeä.");
    for word in [
        "lumityot",
        "talkoovaki",
        "seurantalolle",
        "kiitamme",
        "talvikunnossapito",
    ] {
        let key = finnish::key(word);
        assert!(
            keys.get(&key)
                .is_some_and(|docs| docs.iter().any(|&(d, _)| d == page)),
            "`{word}` (key `{key}`) is not indexed on the page"
        );
    }

    // Nothing else came in: every new key is a key of the page's ordinary words.
    let allowed: BTreeSet<String> = tokenize::folded_words(&normal)
        .iter()
        .flat_map(|w| finnish::keys(w))
        .collect();
    let strays: Vec<&String> = keys
        .keys()
        .filter(|k| !before.contains(*k) && !allowed.contains(*k))
        .take(20)
        .collect();
    assert!(strays.is_empty(), "keys from the pasted data: {strays:?}");
    assert!(keys.keys().all(|k| k.chars().count() <= 64));
    assert!(!keys.keys().any(|k| k.starts_with("lumilumi")));
    let lower_blob = blob.to_lowercase();
    let from_blob: Vec<&String> = keys
        .keys()
        .filter(|k| k.len() >= 8 && lower_blob.contains(k.as_str()))
        .collect();
    assert!(from_blob.is_empty(), "{from_blob:?}");
}
