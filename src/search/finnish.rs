//! Finnish normalisation: one search key per word, shared by every inflected form.
//!
//! `key(word)` = fold ä/ö → a/o, Snowball Finnish (rust-stemmers), then rules of our own for what
//! Snowball leaves apart: a final stem vowel (`salasano-ja` / `salasana`), consonant gradation
//! in the last consonant cluster (`kaupunki` / `kaupungin`, `tapa` / `tavat`, `katu` / `kadun`,
//! `pöytä` / `pöydän`), s-stems (`avustus` / `avustukset`), -nen words (`ihminen` / `ihmisen`)
//! and -rt- plurals (`nuoret` / `nuorten`). The browser's `search.js` ports this exactly
//! (`normalise()` there); `tests/search_quality.rs` checks both give the same keys.
//!
//! Folding before stemming makes a query typed without ä/ö stem exactly like the real word.
//! Merging gradation grades into one key trades a little precision (rare unrelated words may
//! share a key) for recall, which is what a small site's search needs.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::Finnish))
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Final consonant clusters rewritten to one grade, after undoubling. Strong and weak grade map
/// to the same text; the list is the same in search.js.
const CLUSTERS: &[(&str, &str)] = &[
    ("ng", "nk"), // kaupunki / kaupungin
    ("mp", "m"),  // kampa / kamman
    ("lt", "l"),  // kulta / kullan
    ("nt", "n"),  // ranta / rannan, toiminta / toiminnan
    ("rt", "r"),  // parta / parran, nuorten / nuoret
    ("ht", "h"),  // lähteä / lähden
    ("hd", "h"),
    ("lk", "l"), // jalka / jalan, jälki / jäljen
    ("lj", "l"),
    ("rk", "r"), // järki / järjen
    ("rj", "r"),
    ("hk", "h"),  // nahka / nahan
    ("lv", "lp"), // kylpy / kylvyn
    ("rv", "rp"),
    ("ks", "s"), // avustus / avustukset
    ("d", "t"),  // katu / kadun, pöytä / pöydän
    ("v", "p"),  // tapa / tavat
];

/// Every key a lowercase word is indexed and searched under: [`key`] first, then the key of
/// another reading Snowball cannot tell apart. A `-na` word may be a nominative (`salasana`,
/// Snowball strips it as an essive), a vowel + `-sta` word may be an s-stem partitive
/// (`avustusta`, Snowball strips an elative).
pub fn keys(word: &str) -> Vec<String> {
    let mut all = vec![key(word)];
    let folded = crate::text::fold_diacritics(word);
    let n = folded.chars().count();
    let mut alternative = None;
    if n >= 5 && folded.ends_with("na") {
        alternative = Some(key(&format!("{folded}t")));
    } else if n >= 6 && folded.ends_with("sta") && folded[..folded.len() - 3].ends_with(is_vowel) {
        alternative = Some(key(&folded[..folded.len() - 2]));
    } else if n >= 7 && folded.ends_with("sten") && folded[..folded.len() - 4].ends_with(is_vowel) {
        // avustusten: the plural genitive of an s-stem.
        alternative = Some(key(&folded[..folded.len() - 3]));
    }
    if let Some(alt) = alternative.filter(|a| *a != all[0]) {
        all.push(alt);
    }
    all
}

/// The main search key of one lowercase word.
pub fn key(word: &str) -> String {
    let folded = crate::text::fold_diacritics(word);
    if folded.chars().count() < 3 || folded.chars().any(|c| c.is_ascii_digit()) {
        return folded;
    }
    let prepared = match folded.strip_suffix("nen") {
        // ihminen → ihmisen: the -nen nominative joins its -se- stem.
        Some(stem) if stem.chars().count() >= 3 => format!("{stem}sen"),
        _ => folded,
    };
    let stem = stemmer().stem(&prepared).into_owned();
    tidy(&stem)
}

/// Our rules after Snowball: drop a final stem vowel, undouble and canonicalise the final
/// consonant cluster.
fn tidy(stem: &str) -> String {
    let mut chars: Vec<char> = stem.chars().collect();
    let n = chars.len();
    if n >= 4 && is_vowel(chars[n - 1]) && !is_vowel(chars[n - 2]) {
        chars.pop();
    }
    // The final cluster: consonants after the last vowel; only when a vowel precedes it.
    let start = chars
        .iter()
        .rposition(|&c| is_vowel(c))
        .map_or(chars.len(), |i| i + 1);
    if start == 0 || start == chars.len() {
        return chars.into_iter().collect();
    }
    let mut cluster: String = chars[start..].iter().collect();
    let bytes: Vec<char> = cluster.chars().collect();
    if bytes.len() >= 2 && bytes[bytes.len() - 1] == bytes[bytes.len() - 2] {
        cluster.pop();
    }
    if let Some((_, to)) = CLUSTERS.iter().find(|(from, _)| *from == cluster) {
        cluster = (*to).to_string();
    }
    let mut out: String = chars[..start].iter().collect();
    out.push_str(&cluster);
    out
}

#[cfg(test)]
mod tests {
    use super::{key, keys};

    /// Every pair of words shares at least one key (as the index and a query would).
    fn same(words: &[&str]) {
        let all: Vec<Vec<String>> = words.iter().map(|w| keys(w)).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(a.iter().any(|k| b.contains(k)), "{words:?} → {all:?}");
            }
        }
    }

    #[test]
    fn inflections_share_a_key() {
        same(&[
            "avustus",
            "avustusta",
            "avustukset",
            "avustuksia",
            "avustuksen",
            "avustuksista",
        ]);
        same(&[
            "järjestö",
            "järjestön",
            "järjestöt",
            "järjestöjen",
            "järjestöille",
            "järjestöä",
        ]);
        same(&["yhdistys", "yhdistyksen", "yhdistykset", "yhdistyksille"]);
        same(&[
            "vapaaehtoinen",
            "vapaaehtoisen",
            "vapaaehtoiset",
            "vapaaehtoisia",
        ]);
        same(&[
            "foorumi",
            "foorumin",
            "foorumit",
            "foorumissa",
            "foorumeihin",
        ]);
    }

    #[test]
    fn consonant_gradation_shares_a_key() {
        same(&["kaupunki", "kaupungin", "kaupungit", "kaupungissa"]);
        same(&["tapa", "tavat", "tavan"]);
        same(&["katu", "kadun", "kadut"]);
        same(&["pöytä", "pöydän", "pöydät"]);
        same(&["ranta", "rannan", "rannat"]);
        same(&["kulta", "kullan"]);
        same(&["kauppa", "kaupan", "kaupat"]);
        same(&["tila", "tilat", "tiloja", "tiloissa"]);
    }

    #[test]
    fn stem_alternation_shares_a_key() {
        same(&["nuoret", "nuorten", "nuorille"]);
        same(&["salasana", "salasanoja", "salasanat"]);
        same(&["ihminen", "ihmisen", "ihmisiä"]);
    }

    #[test]
    fn folded_queries_reach_the_same_key() {
        same(&["järjestö", "jarjesto"]);
        same(&["pöydän", "poydan"]);
        same(&["yhteistyö", "yhteistyo"]);
    }

    #[test]
    fn different_words_keep_different_keys() {
        assert_ne!(key("avustus"), key("yhdistys"));
        assert_ne!(key("kaupunki"), key("kauppa"));
        assert_ne!(key("seura"), key("seurakunta"));
        assert_eq!(key("2027"), "2027");
        assert_eq!(key("ja"), "ja");
    }
}
