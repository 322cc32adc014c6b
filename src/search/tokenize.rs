//! Splitting text into search words: Unicode word boundaries, NFC, lowercase, and a key with
//! ä/ö/å folded away so `jarjesto` typed on a phone finds `järjestö`.

use crate::text::fold_diacritics;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_segmentation::UnicodeSegmentation;

/// Lowercased NFC words of a text, in order (UAX #29 word boundaries).
pub fn words(text: &str) -> Vec<String> {
    // Most text is already NFC; the quick check skips the costly composition pass.
    let normal: String = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().flat_map(char::to_lowercase).collect()
    } else {
        text.nfc().flat_map(char::to_lowercase).collect()
    };
    normal
        .unicode_words()
        .filter(|w| !looks_personal(w))
        .map(str::to_string)
        .collect()
}

/// Lowercased, folded words of a text, as the index stores them: folding the whole text once
/// is cheaper than word by word, and never moves a word boundary (letters stay letters).
pub fn folded_words(text: &str) -> Vec<String> {
    let normal: String = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().flat_map(char::to_lowercase).collect()
    } else {
        text.nfc().flat_map(char::to_lowercase).collect()
    };
    fold(&normal)
        .unicode_words()
        .filter(|w| !looks_personal(w))
        .map(str::to_string)
        .collect()
}

/// The folded form of a lowercase word: `järjestö` → `jarjesto`.
pub fn fold(word: &str) -> String {
    fold_diacritics(word)
}

/// Words that may be personal data even inside public text: e-mail addresses (UAX #29 keeps
/// `nimi@example.fi` apart from its neighbours only partly, so any word with `@` is dropped).
fn looks_personal(word: &str) -> bool {
    word.contains('@')
}

/// Removes e-mail addresses and phone numbers from free text before it is indexed or excerpted:
/// profile bodies are written by associations and may name a contact person's number.
pub fn scrub_contacts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for token in text.split_inclusive(char::is_whitespace) {
        let word = token.trim_end();
        if word.contains('@') && word.contains('.') {
            out.push_str(&token[word.len()..]);
            continue;
        }
        out.push_str(token);
    }
    remove_phone_numbers(&out)
}

/// Blanks runs of 7 or more digits joined by spaces, hyphens or a leading `+` (`010 555 0110`,
/// `+358 40 123 4567`); years and short numbers stay.
fn remove_phone_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit()
            || (chars[i] == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            let start = i;
            let mut digits = 0;
            let mut end = i;
            let mut j = i;
            while j < chars.len() {
                let c = chars[j];
                if c.is_ascii_digit() {
                    digits += 1;
                    end = j + 1;
                } else if !(c == ' ' || c == '-' || (c == '+' && j == start)) {
                    break;
                }
                j += 1;
            }
            if digits >= 7 {
                i = end;
                continue;
            }
            out.extend(&chars[start..end.max(start + 1)]);
            i = end.max(start + 1);
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_nfc_and_split_at_hyphens() {
        // "Järjestö" written with a combining diaeresis is the same word after NFC.
        let decomposed = "Ja\u{308}rjesto\u{308}";
        assert_eq!(words(decomposed), ["järjestö"]);
        assert_eq!(
            words("Keski-Ylöjärven kylät, 2027!"),
            ["keski", "ylöjärven", "kylät", "2027"]
        );
    }

    #[test]
    fn folded_words_match_folding_each_word() {
        let text = "Järjestöjen YHTEISTYÖ, Åland ja Keski-Ylöjärvi 2027.";
        let one_by_one: Vec<String> = words(text).iter().map(|w| fold(w)).collect();
        assert_eq!(folded_words(text), one_by_one);
    }

    #[test]
    fn folding_removes_finnish_diacritics() {
        assert_eq!(fold("järjestö"), "jarjesto");
        assert_eq!(fold("åland"), "aland");
        assert_eq!(fold("työ"), "tyo");
    }

    #[test]
    fn contacts_are_scrubbed() {
        let text =
            "Soita 010 555 0110 tai +358 40 123 4567, kirjoita leipakori@example.fi. Vuonna 2009.";
        let clean = scrub_contacts(text);
        assert!(!clean.contains("555"), "{clean}");
        assert!(!clean.contains("4567"), "{clean}");
        assert!(!clean.contains("example"), "{clean}");
        assert!(clean.contains("Vuonna 2009."), "{clean}");
        assert!(words("posti@example.fi").iter().all(|w| !w.contains('@')));
    }
}
