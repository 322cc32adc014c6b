//! Splitting closed compounds with the site's own vocabulary: `yhdistysavustukset` is
//! `yhdistys` + `avustukset`, so a search for `avustus` finds it. A word is split only where
//! both sides are words (or word keys) that occur on the site, so no dictionary is needed and
//! nonsense splits (`kaupunki` = `kau` + `punki`) do not happen unless the site uses both parts.

use super::finnish;
use super::tokenize::MAX_WORD_CHARS;
use std::collections::HashSet;

/// Shortest part and shortest head key considered. Three-letter parts (`työ`, `ala`) would be
/// real, but with only the site's vocabulary to go on they mostly match endings (`-aan`,
/// `-ille`) and make nonsense splits.
const MIN_PART: usize = 4;
/// A compound has at most this many parts.
const MAX_PARTS: usize = 3;
/// Parts looked up per word at most. A three-part split tries every cut under every known head,
/// which is quadratic in the word's length: no word up to 31 letters can need more, and the
/// budget keeps a long word full of known fragments from costing more than a bounded amount.
const MAX_LOOKUPS: usize = 1000;

/// The site's vocabulary: folded surface words and their keys.
pub struct Vocabulary<'a> {
    /// Folded surface words.
    pub words: &'a HashSet<&'a str>,
    /// Every key of every word.
    pub keys: &'a HashSet<&'a str>,
}

impl Vocabulary<'_> {
    /// The keys of the parts of a folded word, or nothing if it is not a compound of known words.
    /// The head (last part) is inflected with the whole word (`avustukset`), the first parts are
    /// usually nominative or genitive forms (`yhdistys`, `kaupungin`), linking `-s-` included.
    ///
    /// Words longer than [`MAX_WORD_CHARS`] are not split (the indexer never sees them), and
    /// at most [`MAX_LOOKUPS`] parts are looked up, so the time per word is bounded.
    pub fn split(&self, word: &str) -> Vec<String> {
        let mut parts = Vec::new();
        if word.len() <= MAX_WORD_CHARS || word.chars().count() <= MAX_WORD_CHARS {
            let mut budget = MAX_LOOKUPS;
            self.split_into(word, MAX_PARTS, &mut budget, &mut parts);
        }
        parts
    }

    fn split_into(
        &self,
        word: &str,
        max_parts: usize,
        budget: &mut usize,
        out: &mut Vec<String>,
    ) -> bool {
        if max_parts < 2 {
            return false;
        }
        let n = word.chars().count();
        // Longest head first: the last word of a Finnish compound carries the meaning.
        for (k, (at, _)) in word.char_indices().skip(MIN_PART).enumerate() {
            if n - (k + MIN_PART) < MIN_PART {
                break;
            }
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            let (left, right) = word.split_at(at);
            let Some(right_keys) = self.known_head(right) else {
                continue;
            };
            let mut left_parts = Vec::new();
            if self.is_known_part(left) {
                left_parts.push(finnish::key(left));
            } else if !self.split_into(left, max_parts - 1, budget, &mut left_parts) {
                continue;
            }
            out.extend(left_parts);
            out.extend(right_keys);
            return true;
        }
        false
    }

    /// The keys of a head part: a word of the site as written (`tila`, `seura`), or an
    /// inflected form whose key is a substantial key of the site (`avustukset` → `avustus`).
    /// Short keys are refused: `-ille`, `-aan`, `-sen` are endings, not words.
    fn known_head(&self, part: &str) -> Option<Vec<String>> {
        if part.chars().count() < MIN_PART {
            return None;
        }
        let keys = finnish::keys(part);
        let as_written = self.words.contains(part);
        let known: Vec<String> = keys
            .into_iter()
            .filter(|k| {
                let n = k.chars().count();
                self.keys.contains(k.as_str()) && n >= 3 && (as_written || n >= MIN_PART)
            })
            .collect();
        (!known.is_empty()).then_some(known)
    }

    /// A first part: a word of the site as written, or a form whose key is a key of the site.
    fn is_known_part(&self, part: &str) -> bool {
        part.chars().count() >= MIN_PART
            && (self.words.contains(part) || self.keys.contains(finnish::key(part).as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::tokenize::fold;

    fn vocabulary(words: &[&str]) -> (Vec<String>, Vec<String>) {
        let words: Vec<String> = words.iter().map(|w| fold(w)).collect();
        let keys = words.iter().flat_map(|w| finnish::keys(w)).collect();
        (words, keys)
    }

    fn sets(list: &[String]) -> HashSet<&str> {
        list.iter().map(String::as_str).collect()
    }

    #[test]
    fn compounds_split_into_known_words() {
        let (words, keys) = vocabulary(&[
            "yhdistys",
            "avustus",
            "virhe",
            "ilmoitus",
            "liikunta",
            "seura",
            "vapaaehtoinen",
            "työ",
            "toiminta",
            "kaupunki",
            "strategia",
            "kaupungin",
        ]);
        let (words, keys) = (sets(&words), sets(&keys));
        let v = Vocabulary {
            words: &words,
            keys: &keys,
        };
        assert_eq!(
            v.split("yhdistysavustukset"),
            [finnish::key("yhdistys"), finnish::key("avustus")]
        );
        assert_eq!(
            v.split("virheilmoitus"),
            [finnish::key("virhe"), finnish::key("ilmoitus")]
        );
        assert_eq!(
            v.split("liikuntaseurat"),
            [finnish::key("liikunta"), finnish::key("seura")]
        );
        assert_eq!(
            v.split("vapaaehtoistoiminnan"),
            [finnish::key("vapaaehtoinen"), finnish::key("toiminta")]
        );
        assert_eq!(
            v.split("kaupunkistrategia"),
            [finnish::key("kaupunki"), finnish::key("strategia")]
        );
        assert_eq!(
            v.split(&fold("liikuntaseurayhdistys")),
            [
                finnish::key("liikunta"),
                finnish::key("seura"),
                finnish::key("yhdistys")
            ]
        );
    }

    #[test]
    fn words_without_known_parts_stay_whole() {
        let (words, keys) = vocabulary(&["kaupunki", "seura", "avustus", "alla", "tai", "sen"]);
        let (words, keys) = (sets(&words), sets(&keys));
        let v = Vocabulary {
            words: &words,
            keys: &keys,
        };
        assert!(v.split("kaupunki").is_empty());
        assert!(v.split("seurakunta").is_empty());
        assert!(v.split("avustus").is_empty());
        // Endings and short function words are not heads.
        assert!(v.split("ilmoittamalla").is_empty());
        assert!(v.split("aktiivisen").is_empty());
    }

    #[test]
    fn long_words_of_known_fragments_are_split_in_bounded_time() {
        let (words, keys) = vocabulary(&["seura", "talo", "kaupunki", "avustus"]);
        let (words, keys) = (sets(&words), sets(&keys));
        let v = Vocabulary {
            words: &words,
            keys: &keys,
        };
        // Every cut has a known head, so an unbounded search would try them all at every level.
        assert!(v.split(&"seura".repeat(200_000)).is_empty());
        let under_cap = "seura".repeat(MAX_WORD_CHARS / 5);
        let parts = v.split(&under_cap);
        assert!(
            parts.iter().all(|p| *p == finnish::key("seura")),
            "{parts:?}"
        );
        assert_eq!(
            v.split("kaupunkitaloseura"),
            [
                finnish::key("kaupunki"),
                finnish::key("talo"),
                finnish::key("seura")
            ]
        );
    }
}
