//! The index files under `search/`: BM25 scores computed here, postings in key-range shards, and
//! result metadata in small blocks, so a query downloads only what it needs.
//!
//! Layout (all JSON, `?v=<version>` busts caches):
//! - `search/index.json`: the manifest: version, document count, metadata block size, score
//!   quantisation, the first key of every shard, and the filter values.
//! - `search/t/<n>.json`: shard `n`: `[[key, [posting, …]], …]` sorted by key. A posting is
//!   `delta * 64 + q`: the document id minus the previous one, and the score quantised to 1..=63
//!   on a log scale (`score = q_min * q_ratio^q`).
//! - `search/d/<n>.json`: metadata of documents `n*block ..`: `[[title, url, section, excerpt], …]`.
//! - `search/filters.json`: document ids per section, category and area (delta-encoded), fetched
//!   only when a filter is used.

use super::compound::Vocabulary;
use super::documents::{self, Doc, Facets, Field};
use super::{finnish, tokenize};
use crate::content::Site;
use crate::diagnostics::{Error, Result};
use crate::output::Writer;
use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Size knobs of the index files.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// A shard is closed once its JSON reaches this many bytes (uncompressed).
    pub shard_bytes: usize,
    /// Documents per metadata block.
    pub block_docs: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            shard_bytes: 24_000,
            block_docs: 8,
        }
    }
}

/// What was written, for tests and benchmarks.
#[derive(Debug, Clone, Default)]
pub struct IndexSummary {
    /// Indexed documents.
    pub docs: usize,
    /// Distinct keys.
    pub terms: usize,
    /// Shard files.
    pub shards: usize,
    /// The version token in the manifest.
    pub version: String,
    /// Every file written, site-relative, with its bytes.
    pub files: Vec<(String, usize)>,
}

/// Weight of a compound part relative to the whole word.
const PART_WEIGHT: f32 = 0.5;
/// BM25 saturation; high because field weights multiply term frequency.
const K1: f32 = 6.0;
/// Smallest representable score and the ratio between quantisation steps.
const Q_MIN: f64 = 0.05;
const Q_RATIO: f64 = 1.13;

/// Builds the index of a site and writes it with `writer`.
pub fn build_index(site: &Site, writer: &Writer, options: &IndexOptions) -> Result<IndexSummary> {
    let (docs, facets) = documents::collect(site);
    let files = index_files(&docs, &facets, options);
    let mut summary = IndexSummary {
        docs: docs.len(),
        terms: files.terms,
        shards: files.shards,
        version: files.version.clone(),
        files: Vec::new(),
    };
    let mut problems = Vec::new();
    for (rel, bytes) in &files.files {
        if let Err(d) = writer.write(rel, bytes) {
            problems.push(d);
        }
        summary.files.push((rel.clone(), bytes.len()));
    }
    if problems.is_empty() {
        Ok(summary)
    } else {
        Err(Error::new(problems))
    }
}

/// The index as files in memory.
pub struct IndexFiles {
    /// Site-relative path and contents, in a fixed order.
    pub files: Vec<(String, Vec<u8>)>,
    /// Distinct keys.
    pub terms: usize,
    /// Number of shards.
    pub shards: usize,
    /// Version token.
    pub version: String,
}

/// Every document as word ids with per-field counts; the words themselves are stored once.
/// Keeping ids instead of strings keeps a 100,000-page site within memory.
struct Corpus {
    /// Word id → folded word.
    words: Vec<String>,
    /// Per document: words per field, and `(word id, field index, count)` sorted.
    docs: Vec<DocTerms>,
}

/// Words per field, and `(word id, field index, count)` sorted.
type DocTerms = ([u32; FIELDS], Vec<(u32, u8, u16)>);

const FIELDS: usize = Field::ALL.len();

/// Tokenises documents in parallel chunks and interns their words.
fn tokenise(docs: &[Doc]) -> Corpus {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut words: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(docs.len());
    for chunk in docs.chunks(4096) {
        let local: Vec<Vec<(Field, Vec<String>)>> = chunk
            .par_iter()
            .map(|d| {
                d.fields
                    .iter()
                    .map(|(f, text)| (*f, tokenize::folded_words(text)))
                    .collect()
            })
            .collect();
        for fields in local {
            let mut lens = [0u32; FIELDS];
            let mut counts: HashMap<(u32, u8), u16> = HashMap::new();
            for (field, list) in fields {
                lens[field.index()] += list.len() as u32;
                for w in list {
                    let id = match ids.get(&w) {
                        Some(&id) => id,
                        None => {
                            let id = words.len() as u32;
                            ids.insert(w.clone(), id);
                            words.push(w);
                            id
                        }
                    };
                    let c = counts.entry((id, field.index() as u8)).or_default();
                    *c = c.saturating_add(1);
                }
            }
            let mut terms: Vec<(u32, u8, u16)> =
                counts.into_iter().map(|((w, f), c)| (w, f, c)).collect();
            terms.sort_unstable();
            out.push((lens, terms));
        }
    }
    Corpus { words, docs: out }
}

/// Computes every index file for a list of documents.
pub fn index_files(docs: &[Doc], facets: &Facets, options: &IndexOptions) -> IndexFiles {
    let corpus = tokenise(docs);
    let analysis = analyse_vocabulary(&corpus.words);
    let postings = score(&corpus, &analysis);
    let terms = postings.len();
    let shards = shard(&analysis.keys, &postings, options.shard_bytes);
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let starts: Vec<&str> = shards.iter().map(|(start, _)| start.as_str()).collect();
    for (i, (_, body)) in shards.iter().enumerate() {
        files.push((format!("search/t/{i}.json"), body.clone().into_bytes()));
    }
    for (i, block) in docs.chunks(options.block_docs.max(1)).enumerate() {
        let rows: Vec<Value> = block
            .iter()
            .map(|d| json!([d.title, d.url, d.section, d.excerpt]))
            .collect();
        files.push((format!("search/d/{i}.json"), to_bytes(&json!(rows))));
    }
    files.push((
        "search/filters.json".into(),
        to_bytes(&filters(docs, facets)),
    ));
    let mut hasher = Sha256::new();
    for (name, bytes) in &files {
        hasher.update(name.as_bytes());
        hasher.update(bytes);
    }
    let version: String = hasher.finalize()[..5]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let pairs = |list: &[(String, String)]| -> Vec<Value> {
        list.iter().map(|(s, n)| json!([s, n])).collect()
    };
    let manifest = json!({
        "version": version,
        "docs": docs.len(),
        "block": options.block_docs.max(1),
        "q": [Q_MIN, Q_RATIO],
        "shards": starts,
        "sections": pairs(&facets.sections),
        "categories": pairs(&facets.categories),
        "areas": pairs(&facets.areas),
    });
    files.push(("search/index.json".into(), to_bytes(&manifest)));
    IndexFiles {
        files,
        terms,
        shards: shards.len(),
        version,
    }
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("JSON values serialise")
}

/// Keys and compound parts of every distinct word, as key ids.
struct Analysis {
    /// Key id → key, sorted.
    keys: Vec<String>,
    /// Word id → (its key ids, key ids of its compound parts not among its own).
    words: Vec<(Vec<u32>, Vec<u32>)>,
}

fn analyse_vocabulary(words: &[String]) -> Analysis {
    let keyed: Vec<Vec<String>> = words.par_iter().map(|w| finnish::keys(w)).collect();
    let mut keys: Vec<String> = keyed.iter().flatten().cloned().collect();
    keys.sort_unstable();
    keys.dedup();
    let words_set: HashSet<&str> = words.iter().map(String::as_str).collect();
    let keys_set: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let vocabulary = Vocabulary {
        words: &words_set,
        keys: &keys_set,
    };
    let id = |k: &str| {
        keys.binary_search_by(|x| x.as_str().cmp(k))
            .expect("known key") as u32
    };
    let analysed = words
        .par_iter()
        .zip(&keyed)
        .map(|(w, own)| {
            let mut parts: Vec<u32> = vocabulary
                .split(w)
                .iter()
                .filter(|p| !own.contains(p))
                .map(|p| id(p))
                .collect();
            parts.sort_unstable();
            parts.dedup();
            (own.iter().map(|k| id(k)).collect(), parts)
        })
        .collect();
    Analysis {
        keys,
        words: analysed,
    }
}

/// Key id → postings `(doc id, score)` in document order. BM25F: term frequencies are weighted
/// per field and normalised by the field's length relative to its average, then saturated once.
fn score(c: &Corpus, a: &Analysis) -> Vec<Vec<(u32, f32)>> {
    let n = c.docs.len().max(1) as f32;
    let mut avg_len = [0.0f32; FIELDS];
    for (lens, _) in &c.docs {
        for (avg, len) in avg_len.iter_mut().zip(lens) {
            *avg += *len as f32;
        }
    }
    for avg in &mut avg_len {
        *avg = (*avg / n).max(1.0);
    }
    let per_doc: Vec<Vec<(u32, f32)>> = c
        .docs
        .par_iter()
        .map(|(lens, terms)| {
            let mut weight = [0.0f32; FIELDS];
            for (i, field) in Field::ALL.iter().enumerate() {
                let b = field.length_normalisation();
                weight[i] = field.weight() / (1.0 - b + b * lens[i] as f32 / avg_len[i]);
            }
            let mut tf: HashMap<u32, f32> = HashMap::new();
            for &(word, field, count) in terms {
                let w = weight[field as usize] * f32::from(count);
                let (own, parts) = &a.words[word as usize];
                for &k in own {
                    *tf.entry(k).or_default() += w;
                }
                for &k in parts {
                    *tf.entry(k).or_default() += w * PART_WEIGHT;
                }
            }
            let mut list: Vec<(u32, f32)> = tf
                .into_iter()
                .map(|(k, f)| (k, f * (K1 + 1.0) / (f + K1)))
                .collect();
            list.sort_unstable_by_key(|p| p.0);
            list
        })
        .collect();
    let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); a.keys.len()];
    for (doc, list) in per_doc.into_iter().enumerate() {
        for (k, s) in list {
            postings[k as usize].push((doc as u32, s));
        }
    }
    for list in &mut postings {
        let df = list.len() as f32;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        for p in list.iter_mut() {
            p.1 *= idf;
        }
    }
    postings
}

/// The 1..=63 quantisation of a score.
fn quantise(score: f32) -> u32 {
    let q = ((f64::from(score) / Q_MIN).ln() / Q_RATIO.ln()).round();
    q.clamp(1.0, 63.0) as u32
}

/// Encodes postings as `delta * 64 + q` numbers.
fn encode(list: &[(u32, f32)]) -> String {
    let mut out = String::with_capacity(list.len() * 4);
    let mut prev = 0;
    for (i, &(doc, s)) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let delta = doc - prev;
        prev = doc;
        out.push_str(&(u64::from(delta) * 64 + u64::from(quantise(s))).to_string());
    }
    out
}

/// Cuts the sorted term list into shards of about `max_bytes` JSON each; returns each shard's
/// first key (the first shard starts at `""`) and its JSON text.
fn shard(keys: &[String], postings: &[Vec<(u32, f32)>], max_bytes: usize) -> Vec<(String, String)> {
    let mut shards: Vec<(String, String)> = Vec::new();
    let mut current = String::new();
    let mut start = String::new();
    for (key, list) in keys.iter().zip(postings) {
        if list.is_empty() {
            continue;
        }
        let entry = format!(
            "[{},[{}]]",
            serde_json::to_string(key).expect("string"),
            encode(list)
        );
        if !current.is_empty() && current.len() + entry.len() > max_bytes {
            current.push(']');
            shards.push((std::mem::take(&mut start), std::mem::take(&mut current)));
            start = key.clone();
        }
        current.push(if current.is_empty() { '[' } else { ',' });
        current.push_str(&entry);
    }
    if current.is_empty() {
        current.push('[');
    }
    current.push(']');
    shards.push((start, current));
    shards
}

/// Document ids per filter value, delta-encoded.
fn filters(docs: &[Doc], facets: &Facets) -> Value {
    let delta = |ids: Vec<usize>| -> Vec<usize> {
        let mut prev = 0;
        ids.into_iter()
            .map(|id| {
                let d = id - prev;
                prev = id;
                d
            })
            .collect()
    };
    let sections: Vec<Vec<usize>> = (0..facets.sections.len())
        .map(|s| {
            delta(
                docs.iter()
                    .enumerate()
                    .filter(|(_, d)| d.section == s)
                    .map(|(i, _)| i)
                    .collect(),
            )
        })
        .collect();
    let by = |values: &[(String, String)], has: &dyn Fn(&Doc, &str) -> bool| -> Vec<Vec<usize>> {
        values
            .iter()
            .map(|(slug, _)| {
                delta(
                    docs.iter()
                        .enumerate()
                        .filter(|(_, d)| has(d, slug))
                        .map(|(i, _)| i)
                        .collect(),
                )
            })
            .collect()
    };
    json!({
        "sections": sections,
        "categories": by(&facets.categories, &|d, s| d.category.as_deref() == Some(s)),
        "areas": by(&facets.areas, &|d, s| d.areas.iter().any(|a| a == s)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantised_scores_keep_order() {
        let qs: Vec<u32> = [0.01, 0.1, 0.5, 1.0, 2.0, 8.0, 30.0, 1000.0]
            .iter()
            .map(|&s| quantise(s))
            .collect();
        assert!(qs.windows(2).all(|w| w[0] <= w[1]), "{qs:?}");
        assert_eq!(qs[0], 1);
        assert_eq!(qs[7], 63);
    }

    #[test]
    fn postings_are_delta_encoded() {
        let e = encode(&[(3, 1.0), (5, 1.0), (40, 1.0)]);
        let q = quantise(1.0);
        assert_eq!(e, format!("{},{},{}", 3 * 64 + q, 2 * 64 + q, 35 * 64 + q));
    }

    #[test]
    fn shards_split_the_key_range_in_order() {
        let keys: Vec<String> = ["aamu", "avustus", "kaupunki", "seura", "tyo", "yhdistys"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let postings = vec![vec![(0u32, 1.0f32), (1, 2.0)]; keys.len()];
        let one = shard(&keys, &postings, 1_000_000);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "");
        let many = shard(&keys, &postings, 30);
        assert!(many.len() > 2, "{many:?}");
        assert_eq!(many[0].0, "");
        assert!(many.windows(2).all(|w| w[0].0 < w[1].0));
        for (_, body) in &many {
            let v: Value = serde_json::from_str(body).expect("valid JSON");
            assert!(!v.as_array().unwrap().is_empty());
        }
    }
}
