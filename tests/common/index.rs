//! Reading the search index the build wrote: its terms, postings and documents.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// A JSON file of the index.
pub fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Key → decoded postings `(doc, q)` over every shard.
pub fn postings(search: &Path) -> BTreeMap<String, Vec<(u64, u64)>> {
    let manifest = json(&search.join("index.json"));
    let mut all = BTreeMap::new();
    for i in 0..manifest["shards"].as_array().unwrap().len() {
        for entry in json(&search.join(format!("t/{i}.json")))
            .as_array()
            .unwrap()
        {
            let mut doc = 0;
            let list = entry[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    let v = v.as_u64().unwrap();
                    doc += v / 64;
                    (doc, v % 64)
                })
                .collect();
            all.insert(entry[0].as_str().unwrap().to_string(), list);
        }
    }
    all
}

/// Document id of a URL, from the metadata blocks.
pub fn doc_id(search: &Path, url: &str) -> u64 {
    let manifest = json(&search.join("index.json"));
    let block = manifest["block"].as_u64().unwrap();
    for b in 0.. {
        let path = search.join(format!("d/{b}.json"));
        assert!(path.exists(), "no document {url}");
        for (i, row) in json(&path).as_array().unwrap().iter().enumerate() {
            if row[1] == url {
                return b * block + i as u64;
            }
        }
    }
    unreachable!()
}
