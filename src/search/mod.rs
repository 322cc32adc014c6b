//! Finnish-first static search (DESIGN.md "Search"): the build writes a sharded JSON index under
//! `search/`; the theme's `search.js` queries it in the browser.
//!
//! - [`tokenize`]: Unicode words, NFC, lowercase, ä/ö folding, contact scrubbing
//! - [`finnish`]: one key per Finnish word (Snowball + gradation and stem rules)
//! - [`compound`]: compound splitting with the site's own vocabulary
//! - [`documents`]: what each page contributes (fields, weights, metadata, filters)
//! - [`index`]: BM25 scores, shards, metadata blocks, manifest

pub mod compound;
pub mod documents;
pub mod finnish;
pub mod index;
pub mod tokenize;

pub use index::{IndexOptions, IndexSummary, build_index};
