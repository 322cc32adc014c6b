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

/// Builds the index of a site and writes it with `writer`. Each file is written as soon as it
/// is ready, so the index is never held in memory whole.
pub fn build_index(site: &Site, writer: &Writer, options: &IndexOptions) -> Result<IndexSummary> {
    let (docs, items, facets) = documents::collect(site);
    let bodies = site.bodies();
    let body = |doc: usize| Some(documents::body_text(&bodies, items[doc]));
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let built = emit_files(&docs, &body, &facets, options, &mut |batch| {
        let written: Vec<_> = batch
            .par_iter()
            .map(|(rel, bytes)| writer.write(rel, bytes))
            .collect();
        problems.extend(written.into_iter().filter_map(|r| r.err()));
        files.extend(batch.into_iter().map(|(rel, bytes)| (rel, bytes.len())));
    });
    let summary = IndexSummary {
        docs: docs.len(),
        terms: built.terms,
        shards: built.shards,
        version: built.version,
        files,
    };
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

/// Computes every index file for a list of documents.
pub fn index_files<S: AsRef<str> + Sync>(
    docs: &[Doc<S>],
    facets: &Facets,
    options: &IndexOptions,
) -> IndexFiles {
    let mut files = Vec::new();
    let built = emit_files(docs, &|_| None, facets, options, &mut |batch| {
        files.extend(batch)
    });
    IndexFiles {
        files,
        terms: built.terms,
        shards: built.shards,
        version: built.version,
    }
}

/// What [`emit_files`] reports besides the files.
struct Built {
    terms: usize,
    shards: usize,
    version: String,
}

/// Site-relative path and contents of index files.
type Batch = Vec<(String, Vec<u8>)>;

/// The [`Field::Body`] text of document `i` when its [`Doc`] leaves it out: a site's page text
/// is rendered again only while the document is tokenised, so it is never held for every page
/// at once.
type LateBody<'a> = dyn Fn(usize) -> Option<String> + Sync + 'a;

/// Shards handed to the sink at once: enough to write them in parallel, few enough that the
/// index is never in memory whole.
const SHARD_BATCH: usize = 64;

/// Computes the index files and hands them to `sink` in batches, in the order of
/// [`IndexFiles::files`]; the manifest comes last because its version hashes every other file.
fn emit_files<S: AsRef<str> + Sync>(
    docs: &[Doc<S>],
    late_body: &LateBody<'_>,
    facets: &Facets,
    options: &IndexOptions,
    sink: &mut dyn FnMut(Batch),
) -> Built {
    let corpus = tokenise(docs, late_body);
    let analysis = analyse_vocabulary(&corpus.words);
    let postings = score(&corpus, &analysis);
    // The per-document word counts are the largest structure so far; shards need only postings.
    drop(corpus);
    let terms = postings.len();
    let mut hasher = Sha256::new();
    let mut emit = |batch: Batch| {
        for (name, bytes) in &batch {
            hasher.update(name.as_bytes());
            hasher.update(bytes);
        }
        sink(batch);
    };
    let mut starts: Vec<String> = Vec::new();
    let mut batch: Batch = Vec::new();
    shard(
        &analysis.keys,
        &postings,
        options.shard_bytes,
        &mut |start, body| {
            batch.push((format!("search/t/{}.json", starts.len()), body.into_bytes()));
            starts.push(start);
            if batch.len() == SHARD_BATCH {
                emit(std::mem::take(&mut batch));
            }
        },
    );
    emit(batch);
    drop(postings);
    let block = options.block_docs.max(1);
    let blocks: Batch = docs
        .par_chunks(block)
        .enumerate()
        .map(|(i, block)| {
            let rows: Vec<Value> = block
                .iter()
                .map(|d| json!([d.title.as_ref(), d.url, d.section, d.excerpt]))
                .collect();
            (format!("search/d/{i}.json"), to_bytes(&json!(rows)))
        })
        .collect();
    emit(blocks);
    emit(vec![(
        "search/filters.json".into(),
        to_bytes(&filters(docs, facets)),
    )]);
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
        "block": block,
        "q": [Q_MIN, Q_RATIO],
        "shards": starts,
        "sections": pairs(&facets.sections),
        "categories": pairs(&facets.categories),
        "areas": pairs(&facets.areas),
    });
    sink(vec![("search/index.json".into(), to_bytes(&manifest))]);
    Built {
        terms,
        shards: starts.len(),
        version,
    }
}

/// Every document as word ids with per-field counts; the words themselves are stored once.
/// Keeping ids instead of strings keeps a 100,000-page site within memory.
struct Corpus {
    /// Word id → folded word.
    words: Vec<String>,
    /// Per document: words per field, and `(word id, field index, count)` sorted, sized exactly.
    docs: Vec<DocTerms>,
}

/// Words per field, and `(word id, field index, count)` sorted.
type DocTerms = ([u32; FIELDS], Box<[(u32, u8, u16)]>);

const FIELDS: usize = Field::ALL.len();

/// Marks a word of [`DocWords::order`] that was not interned before its chunk.
const NEW: u32 = 1 << 31;

/// One document's words, counted while tokenising.
struct DocWords {
    lens: [u32; FIELDS],
    /// `(word, field index, count)` in order of first occurrence, sized exactly; the word is an
    /// interned id, or `NEW | i` for `new[i]`.
    terms: Vec<(u32, u8, u16)>,
    /// Words not interned before this document's chunk, in order of first occurrence.
    new: Vec<String>,
}

/// Reused between documents of one thread.
#[derive(Default)]
struct Scratch {
    text: String,
    /// Per interned word id: the document (numbered per thread) that last met it, and its slot
    /// there. An array indexed by id is cheaper than a map per document.
    known: Vec<(u32, u32)>,
    /// The number of the current document in `known`.
    doc: u32,
    /// Slots of the words not interned yet.
    new: HashMap<String, u32, IdHash>,
    /// Per slot: the word (as in [`DocWords::terms`]) and its count per field.
    counts: Vec<(u32, [u16; FIELDS])>,
}

/// Counts the words of one document (its fields, then `late_body` as [`Field::Body`]); words
/// already in `ids` are counted by id, without allocating.
fn count_words<S: AsRef<str>>(
    doc: &Doc<S>,
    late_body: Option<&str>,
    ids: &HashMap<String, u32, IdHash>,
    scratch: &mut Scratch,
) -> DocWords {
    let mut lens = [0; FIELDS];
    let mut new_words = Vec::new();
    scratch.new.clear();
    scratch.counts.clear();
    if scratch.known.len() < ids.len() {
        scratch.known.resize(ids.len(), (0, 0));
    }
    scratch.doc = match scratch.doc.checked_add(1) {
        Some(doc) => doc,
        None => {
            scratch.known.fill((0, 0));
            1
        }
    };
    let Scratch {
        text,
        known,
        doc: this_doc,
        new,
        counts,
    } = scratch;
    let this_doc = *this_doc;
    let fields = doc
        .fields
        .iter()
        .map(|(field, body)| (*field, body.as_ref()));
    for (field, body) in fields.chain(late_body.map(|b| (Field::Body, b))) {
        let f = field.index();
        tokenize::for_each_folded_word(body, text, |word| {
            lens[f] += 1;
            let slot = match ids.get(word) {
                Some(&id) => {
                    let seen = &mut known[id as usize];
                    if seen.0 != this_doc {
                        *seen = (this_doc, counts.len() as u32);
                        counts.push((id, [0; FIELDS]));
                    }
                    seen.1
                }
                None => match new.get(word) {
                    Some(&slot) => slot,
                    None => {
                        let slot = counts.len() as u32;
                        counts.push((NEW | new_words.len() as u32, [0; FIELDS]));
                        new_words.push(word.to_string());
                        new.insert(word.to_string(), slot);
                        slot
                    }
                },
            };
            let c = &mut counts[slot as usize].1[f];
            *c = c.saturating_add(1);
        });
    }
    let n = counts
        .iter()
        .flat_map(|(_, c)| c)
        .filter(|&&c| c > 0)
        .count();
    let mut terms = Vec::with_capacity(n);
    for (word, per_field) in counts.iter() {
        for (f, &c) in per_field.iter().enumerate() {
            if c > 0 {
                terms.push((*word, f as u8, c));
            }
        }
    }
    DocWords {
        lens,
        terms,
        new: new_words,
    }
}

/// Tokenises documents in parallel chunks and interns their words. Word ids are given in order
/// of first occurrence (document order, then position), which fixes the order scores are summed
/// in and so the output bytes. Chunks grow from small: the first documents bring most of the
/// vocabulary, later ones mostly known words.
fn tokenise<S: AsRef<str> + Sync>(docs: &[Doc<S>], late_body: &LateBody<'_>) -> Corpus {
    let mut ids: HashMap<String, u32, IdHash> = HashMap::default();
    let mut corpus = Corpus {
        words: Vec::new(),
        docs: Vec::with_capacity(docs.len()),
    };
    let mut at = 0;
    let mut chunk = 32;
    while at < docs.len() {
        let end = (at + chunk).min(docs.len());
        let counted: Vec<DocWords> = docs[at..end]
            .par_iter()
            .enumerate()
            .with_min_len(8)
            .map_init(Scratch::default, |scratch, (i, d)| {
                let body = late_body(at + i);
                count_words(d, body.as_deref(), &ids, scratch)
            })
            .collect();
        // Ids of each document's new words, given in document order.
        let mut counted: Vec<(DocWords, Vec<u32>)> = counted
            .into_iter()
            .map(|mut doc| {
                let mapped = std::mem::take(&mut doc.new)
                    .into_iter()
                    .map(|w| match ids.get(&w) {
                        Some(&id) => id,
                        None => {
                            let id = corpus.words.len() as u32;
                            ids.insert(w.clone(), id);
                            corpus.words.push(w);
                            id
                        }
                    })
                    .collect();
                (doc, mapped)
            })
            .collect();
        let terms: Vec<DocTerms> = counted
            .par_iter_mut()
            .with_min_len(8)
            .map(|(doc, mapped)| {
                let mut terms = std::mem::take(&mut doc.terms);
                for t in terms.iter_mut().filter(|t| t.0 & NEW != 0) {
                    t.0 = mapped[(t.0 & !NEW) as usize];
                }
                // Sorted by word id: scores are summed in this order. Word and field are unique
                // per document, so one number orders them.
                terms.sort_unstable_by_key(|&(word, field, _)| {
                    (u64::from(word) << 8) | u64::from(field)
                });
                (doc.lens, terms.into_boxed_slice())
            })
            .collect();
        corpus.docs.extend(terms);
        at = end;
        chunk = (chunk * 2).min(2048);
    }
    corpus
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

/// Documents scored at once: their per-document lists are the only copy of the postings besides
/// the postings themselves.
const SCORE_CHUNK: usize = 1024;

/// Postings of every key, in one array sized exactly.
struct Postings {
    /// The postings of key `k` are `list[starts[k]..starts[k + 1]]`.
    starts: Vec<usize>,
    /// `(doc id, score before idf)` in document order per key.
    list: Vec<(u32, f32)>,
    /// Inverse document frequency per key.
    idf: Vec<f32>,
}

impl Postings {
    fn key(&self, k: usize) -> &[(u32, f32)] {
        &self.list[self.starts[k]..self.starts[k + 1]]
    }

    fn len(&self) -> usize {
        self.idf.len()
    }
}

/// Key id → postings `(doc id, score)` in document order. BM25F: term frequencies are weighted
/// per field and normalised by the field's length relative to its average, then saturated once.
fn score(c: &Corpus, a: &Analysis) -> Postings {
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
    // Document frequencies first, so the postings array is allocated once, exactly.
    let mut df = vec![0usize; a.keys.len()];
    let mut last_doc = vec![u32::MAX; a.keys.len()];
    for (d, (_, terms)) in c.docs.iter().enumerate() {
        for &(word, _, _) in terms.iter() {
            let (own, parts) = &a.words[word as usize];
            for &k in own.iter().chain(parts) {
                if last_doc[k as usize] != d as u32 {
                    last_doc[k as usize] = d as u32;
                    df[k as usize] += 1;
                }
            }
        }
    }
    drop(last_doc);
    let mut starts = Vec::with_capacity(df.len() + 1);
    starts.push(0);
    for &f in &df {
        starts.push(starts.last().copied().unwrap_or(0) + f);
    }
    let idf = df
        .iter()
        .map(|&df| {
            let df = df as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    let mut list = vec![(0u32, 0.0f32); starts[df.len()]];
    let mut fill: Vec<usize> = starts[..df.len()].to_vec();
    drop(df);
    let docs: Vec<usize> = (0..c.docs.len()).collect();
    for chunk in docs.chunks(SCORE_CHUNK) {
        let per_doc: Vec<Vec<(u32, f32)>> = chunk
            .par_iter()
            .with_min_len(16)
            .map_init(TermFrequencies::default, |tf, &d| {
                let (lens, terms) = &c.docs[d];
                let mut weight = [0.0f32; FIELDS];
                for (i, field) in Field::ALL.iter().enumerate() {
                    let b = field.length_normalisation();
                    weight[i] = field.weight() / (1.0 - b + b * lens[i] as f32 / avg_len[i]);
                }
                tf.start(a.keys.len());
                for &(word, field, count) in terms.iter() {
                    let w = weight[field as usize] * f32::from(count);
                    let (own, parts) = &a.words[word as usize];
                    for &k in own {
                        tf.add(k, w);
                    }
                    for &k in parts {
                        tf.add(k, w * PART_WEIGHT);
                    }
                }
                tf.touched
                    .iter()
                    .map(|&k| {
                        let f = tf.sum[k as usize];
                        (k, f * (K1 + 1.0) / (f + K1))
                    })
                    .collect()
            })
            .collect();
        for (&doc, scores) in chunk.iter().zip(per_doc) {
            for (k, s) in scores {
                let at = &mut fill[k as usize];
                list[*at] = (doc as u32, s);
                *at += 1;
            }
        }
    }
    Postings { starts, list, idf }
}

/// One document's weighted term frequency per key, in an array indexed by key id (cheaper than
/// a map), with the keys it touched.
#[derive(Default)]
struct TermFrequencies {
    sum: Vec<f32>,
    touched: Vec<u32>,
}

impl TermFrequencies {
    /// Starts a document; `keys` is the number of keys.
    fn start(&mut self, keys: usize) {
        for &k in &self.touched {
            self.sum[k as usize] = 0.0;
        }
        self.touched.clear();
        self.sum.resize(keys, 0.0);
    }

    fn add(&mut self, key: u32, w: f32) {
        let sum = &mut self.sum[key as usize];
        // A weight is never zero, so a zero sum is a key not touched yet in this document.
        if *sum == 0.0 {
            self.touched.push(key);
        }
        *sum += w;
    }
}

/// A fast hash (FxHash's) for word ids, key ids and the words themselves: SipHash was a tenth
/// of the index build. Its weaker spread is harmless here: the words are the site's own.
#[derive(Default, Clone, Copy)]
struct IdHash;

impl std::hash::BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

struct IdHasher(u64);

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
}

/// The 1..=63 quantisation of a score.
fn quantise(score: f32) -> u32 {
    let q = ((f64::from(score) / Q_MIN).ln() / Q_RATIO.ln()).round();
    q.clamp(1.0, 63.0) as u32
}

/// [`quantise`] by a search among the scores where it steps up, without a logarithm per
/// posting; a score too close to a step to be sure of takes the logarithm.
fn quantise_fast(score: f32) -> u32 {
    static STEPS: std::sync::OnceLock<[f64; 62]> = std::sync::OnceLock::new();
    // The score where `quantise` goes from q to q + 1: the logarithm reaches q + 0.5.
    let steps = STEPS
        .get_or_init(|| std::array::from_fn(|i| Q_MIN * ((i as f64 + 1.5) * Q_RATIO.ln()).exp()));
    let s = f64::from(score);
    if !(s.is_finite() && s > 0.0) {
        return quantise(score);
    }
    let above = steps.partition_point(|&step| step < s);
    let near = |i: usize| {
        steps
            .get(i)
            .is_some_and(|&step| (s - step).abs() <= step * 1e-9)
    };
    if near(above) || above.checked_sub(1).is_some_and(near) {
        return quantise(score);
    }
    above as u32 + 1
}

/// Encodes postings as `delta * 64 + q` numbers; the scores are multiplied by `idf` first.
fn encode_into(list: &[(u32, f32)], idf: f32, out: &mut String) {
    let mut prev = 0;
    for (i, &(doc, s)) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let delta = doc - prev;
        prev = doc;
        push_number(
            out,
            u64::from(delta) * 64 + u64::from(quantise_fast(s * idf)),
        );
    }
}

/// Appends a number in decimal: `write!` was a visible part of encoding millions of postings.
fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// Keys whose entries are encoded at once, in parallel.
const ENCODE_CHUNK: usize = 2048;

/// Cuts the sorted term list into shards of about `max_bytes` JSON each; calls `out` with each
/// shard's first key (the first shard starts at `""`) and its JSON text, in order.
fn shard(
    keys: &[String],
    postings: &Postings,
    max_bytes: usize,
    out: &mut dyn FnMut(String, String),
) {
    let mut current = String::new();
    let mut start = String::new();
    for (c, keys) in keys.chunks(ENCODE_CHUNK).enumerate() {
        let entries: Vec<Option<String>> = keys
            .par_iter()
            .enumerate()
            .with_min_len(64)
            .map(|(i, key)| {
                let k = c * ENCODE_CHUNK + i;
                let list = postings.key(k);
                if list.is_empty() {
                    return None;
                }
                let mut entry = String::with_capacity(key.len() + list.len() * 4 + 8);
                entry.push('[');
                entry.push_str(&serde_json::to_string(key).expect("string"));
                entry.push_str(",[");
                encode_into(list, postings.idf[k], &mut entry);
                entry.push_str("]]");
                Some(entry)
            })
            .collect();
        for (key, entry) in keys.iter().zip(entries) {
            let Some(entry) = entry else { continue };
            if !current.is_empty() && current.len() + entry.len() > max_bytes {
                current.push(']');
                out(
                    std::mem::replace(&mut start, key.clone()),
                    std::mem::take(&mut current),
                );
            }
            current.push(if current.is_empty() { '[' } else { ',' });
            current.push_str(&entry);
        }
    }
    if current.is_empty() {
        current.push('[');
    }
    current.push(']');
    out(start, current);
}

/// Document ids per filter value, delta-encoded.
fn filters<S>(docs: &[Doc<S>], facets: &Facets) -> Value {
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
    let by =
        |values: &[(String, String)], has: &dyn Fn(&Doc<S>, &str) -> bool| -> Vec<Vec<usize>> {
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
    fn fast_quantisation_matches_the_logarithm() {
        let mut s = 1e-4f32;
        while s < 1e4 {
            for t in [s, s.next_up(), s.next_down()] {
                assert_eq!(quantise_fast(t), quantise(t), "{t}");
            }
            s *= 1.0007;
        }
        for q in 0..=64 {
            let step = (Q_MIN * ((f64::from(q) + 0.5) * Q_RATIO.ln()).exp()) as f32;
            for t in [step, step.next_up(), step.next_down()] {
                assert_eq!(quantise_fast(t), quantise(t), "{t}");
            }
        }
        for t in [0.0, -1.0, f32::INFINITY, f32::NAN, f32::MIN_POSITIVE] {
            assert_eq!(quantise_fast(t), quantise(t), "{t}");
        }
    }

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

    fn shards(keys: &[String], lists: &[Vec<(u32, f32)>], max: usize) -> Vec<(String, String)> {
        let mut starts = vec![0];
        for l in lists {
            starts.push(starts.last().unwrap() + l.len());
        }
        let postings = Postings {
            starts,
            list: lists.concat(),
            idf: vec![1.0; lists.len()],
        };
        let postings = &postings;
        let mut out = Vec::new();
        shard(keys, postings, max, &mut |start, body| {
            out.push((start, body))
        });
        out
    }

    /// The straightforward interning `tokenise` must match: ids in order of first occurrence,
    /// terms sorted by id.
    #[test]
    fn tokenise_interns_in_order_of_first_occurrence() {
        let vocab = [
            "avustus",
            "Järjestö",
            "seura",
            "kylä",
            "ÖRKKI",
            "tila",
            "työ",
            "aamu",
        ];
        let docs: Vec<Doc> = (0..300usize)
            .map(|i| {
                let word = |k: usize| -> String {
                    if (i * 7 + k) % 11 == 0 {
                        format!("sana{}", (i * 13 + k) % 97)
                    } else {
                        vocab[(i * 3 + k * 5) % vocab.len()].to_string()
                    }
                };
                let text = |n: usize| (0..n).map(word).collect::<Vec<_>>().join(" ");
                Doc {
                    path: format!("p{i}/"),
                    title: text(2),
                    url: format!("/p{i}/"),
                    section: 0,
                    excerpt: String::new(),
                    category: None,
                    areas: vec![],
                    fields: vec![
                        (Field::Title, text(3)),
                        (Field::Headings, text(i % 4)),
                        (Field::Body, text(20 + i % 30)),
                    ],
                }
            })
            .collect();
        let corpus = tokenise(&docs, &|_| None);
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut words: Vec<String> = Vec::new();
        for (d, doc) in docs.iter().enumerate() {
            let mut lens = [0u32; FIELDS];
            let mut counts: HashMap<(u32, u8), u16> = HashMap::new();
            for (field, text) in &doc.fields {
                let list = tokenize::folded_words(text);
                lens[field.index()] += list.len() as u32;
                for w in list {
                    let id = *ids.entry(w.clone()).or_insert_with(|| {
                        words.push(w);
                        words.len() as u32 - 1
                    });
                    *counts.entry((id, field.index() as u8)).or_default() += 1;
                }
            }
            let mut terms: Vec<(u32, u8, u16)> =
                counts.into_iter().map(|((w, f), c)| (w, f, c)).collect();
            terms.sort_unstable();
            assert_eq!(corpus.docs[d].0, lens, "document {d}");
            assert_eq!(&*corpus.docs[d].1, &terms[..], "document {d}");
        }
        assert_eq!(corpus.words, words);
    }

    #[test]
    fn postings_are_delta_encoded() {
        let mut e = String::new();
        encode_into(&[(3, 0.5), (5, 0.5), (40, 0.5)], 2.0, &mut e);
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
        let one = shards(&keys, &postings, 1_000_000);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "");
        let many = shards(&keys, &postings, 30);
        assert!(many.len() > 2, "{many:?}");
        assert_eq!(many[0].0, "");
        assert!(many.windows(2).all(|w| w[0].0 < w[1].0));
        for (_, body) in &many {
            let v: Value = serde_json::from_str(body).expect("valid JSON");
            assert!(!v.as_array().unwrap().is_empty());
        }
    }
}
