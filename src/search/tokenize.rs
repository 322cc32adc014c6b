//! Splitting text into search words: Unicode word boundaries, NFC, lowercase, and a key with
//! ä/ö/å folded away so `jarjesto` typed on a phone finds `järjestö`.

use crate::text::fold_diacritics;
use std::borrow::Cow;
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
    let mut words = Vec::new();
    for_each_folded_word(text, &mut String::new(), |w| words.push(w.to_string()));
    words
}

/// Calls `f` with each word of [`folded_words`], in order, without a string per word (the index
/// interns most words without allocating); `scratch` is reused between calls.
pub fn for_each_folded_word(text: &str, scratch: &mut String, mut f: impl FnMut(&str)) {
    scratch.clear();
    // Most text is already NFC; the quick check skips the costly composition pass, and text
    // below U+0300 (no byte from 0xCC up) needs no check at all.
    if !text.bytes().any(|b| b >= 0xCC) || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        lowercase_folded_into(text.chars(), scratch);
    } else {
        lowercase_folded_into(text.nfc(), scratch);
    }
    for word in scratch.unicode_words() {
        if !looks_personal(word) {
            f(word);
        }
    }
}

/// Lowercases and folds in one pass; the same as [`fold`] of the lowercased text because both
/// work letter by letter.
fn lowercase_folded_into(chars: impl Iterator<Item = char>, out: &mut String) {
    for c in chars {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        for l in c.to_lowercase() {
            match l {
                // The Finnish letters, by far the most common non-ASCII ones.
                'ä' | 'å' => out.push('a'),
                'ö' => out.push('o'),
                l if l.is_ascii() => out.push(l),
                l => out.push_str(&fold(l.encode_utf8(&mut [0; 4]))),
            }
        }
    }
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
    scrub_contacts_cow(text).into_owned()
}

/// [`scrub_contacts`] that borrows the text when there is nothing to remove (most pages), so the
/// index does not copy every page's text.
pub fn scrub_contacts_cow(text: &str) -> Cow<'_, str> {
    let without_mail = if text.contains('@') {
        Cow::Owned(remove_mail_addresses(text))
    } else {
        Cow::Borrowed(text)
    };
    match remove_phone_numbers(&without_mail) {
        Some(scrubbed) => Cow::Owned(scrubbed),
        None => without_mail,
    }
}

fn remove_mail_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for token in text.split_inclusive(char::is_whitespace) {
        let word = token.trim_end();
        if word.contains('@') && word.contains('.') {
            out.push_str(&token[word.len()..]);
            continue;
        }
        out.push_str(token);
    }
    out
}

/// Blanks runs of 7 or more digits joined by spaces, hyphens or a leading `+` (`010 555 0110`,
/// `+358 40 123 4567`); years and short numbers stay. `None` when there is none. Works on bytes:
/// every character that matters is ASCII, so cuts fall on character boundaries.
fn remove_phone_numbers(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    // `b[..copied]` is settled: copied to `out` or blanked.
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() || (b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            let mut digits = 0;
            let mut end = i;
            let mut j = i;
            while j < b.len() {
                let c = b[j];
                if c.is_ascii_digit() {
                    digits += 1;
                    end = j + 1;
                } else if !(c == b' ' || c == b'-' || (c == b'+' && j == start)) {
                    break;
                }
                j += 1;
            }
            if digits >= 7 {
                let o = out.get_or_insert_with(|| Vec::with_capacity(b.len()));
                o.extend_from_slice(&b[copied..start]);
                copied = end;
                i = end;
                continue;
            }
            i = end.max(start + 1);
            continue;
        }
        i += 1;
    }
    out.map(|mut o| {
        o.extend_from_slice(&b[copied..]);
        String::from_utf8(o).expect("cut at ASCII bytes")
    })
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
        let mixed = "Ja\u{308}rjesto\u{308} – “Örkki” café ŠŽ ß Æble 12,5 € k:lla";
        let one_by_one: Vec<String> = words(mixed).iter().map(|w| fold(w)).collect();
        assert_eq!(folded_words(mixed), one_by_one);
    }

    #[test]
    fn one_pass_folding_matches_fold() {
        for c in ['ä', 'å', 'ö', 'Ä', 'Å', 'Ö'] {
            let mut out = String::new();
            lowercase_folded_into([c].into_iter(), &mut out);
            assert_eq!(out, fold(&c.to_lowercase().to_string()), "{c}");
        }
    }

    #[test]
    fn text_below_combining_marks_is_nfc() {
        // for_each_folded_word skips the NFC check for text without a byte from 0xCC up.
        for c in (0..0x300).filter_map(char::from_u32) {
            assert_eq!(is_nfc_quick([c].into_iter()), IsNormalized::Yes, "{c:?}");
            assert_eq!(
                unicode_normalization::char::canonical_combining_class(c),
                0,
                "{c:?}"
            );
        }
        assert!('\u{2ff}'.to_string().bytes().all(|b| b < 0xCC));
        assert!('\u{300}'.to_string().bytes().any(|b| b >= 0xCC));
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
        assert!(matches!(
            scrub_contacts_cow("Vuonna 2009 klo 12–14, 1 234 €."),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            scrub_contacts("Puh. +358 40 123 4567 tai 040-1234567, ä 12 34."),
            "Puh.  tai , ä 12 34."
        );
    }
}
