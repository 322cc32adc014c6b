//! Splitting text into search words: Unicode word boundaries, NFC, lowercase, and a key with
//! ä/ö/å folded away so `jarjesto` typed on a phone finds `järjestö`.

use crate::text::fold_diacritics;
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
use unicode_segmentation::UnicodeSegmentation;

/// Lowercased NFC words of a text, in order (UAX #29 word boundaries).
pub fn words(text: &str) -> Vec<String> {
    let text = &*without_encoded_pieces(text);
    // Most text is already NFC; the quick check skips the costly composition pass.
    let normal: String = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().flat_map(char::to_lowercase).collect()
    } else {
        text.nfc().flat_map(char::to_lowercase).collect()
    };
    normal
        .unicode_words()
        .filter(|w| !looks_personal(w) && is_indexable(w))
        .map(str::to_string)
        .collect()
}

/// Longest word indexed, in characters. The longest Finnish words in real use are around 60
/// letters; anything longer is pasted data, and keying or splitting it would only cost time.
pub const MAX_WORD_CHARS: usize = 64;

/// Shortest word checked for looking like encoded data (hashes, keys, identifiers).
const ENCODED_MIN_CHARS: usize = 24;

/// Letters in a row without a vowel beyond which a word is not language (`Geschichtsschreibung`
/// has 8).
const MAX_CONSONANT_RUN: usize = 10;

/// Whether a lowercase word is worth indexing: not longer than [`MAX_WORD_CHARS`], and not
/// hex/base64-like (a long word mixing letters and digits, or a long run of letters without a
/// vowel). `search.js` (`indexable`) drops the same query words, so what the index leaves out
/// never makes a query fail.
pub fn is_indexable(word: &str) -> bool {
    // Bytes bound characters from above, so most words need no counting.
    if word.len() > MAX_WORD_CHARS && word.chars().count() > MAX_WORD_CHARS {
        return false;
    }
    let (mut letters, mut digits, mut run) = (false, false, 0);
    for b in word.bytes() {
        if b.is_ascii_digit() {
            digits = true;
            run = 0;
        } else if b.is_ascii_lowercase() {
            letters = true;
            run = if b"aeiouy".contains(&b) { 0 } else { run + 1 };
            if run >= MAX_CONSONANT_RUN {
                return false;
            }
        } else {
            run = 0;
        }
    }
    !(letters && digits && word.chars().count() >= ENCODED_MIN_CHARS)
}

/// The text with its encoded pieces ([`is_encoded_piece`]) taken out and the whitespace around
/// them kept, as [`for_each_folded_word`] skips them.
fn without_encoded_pieces(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let (mut copied, mut i) = (0, 0);
    while i < bytes.len() {
        if is_cut(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !is_cut(bytes[i]) {
            i += 1;
        }
        if is_encoded_piece(&bytes[start..i]) {
            // Pieces start and end next to ASCII whitespace: character boundaries.
            out.get_or_insert_with(String::new)
                .push_str(&text[copied..start]);
            copied = i;
        }
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// Shortest whitespace-free piece checked for being encoded data as a whole.
const ENCODED_PIECE_BYTES: usize = 64;

/// Whether a piece of text between whitespace is encoded binary data (base64 and the like): long,
/// ASCII, and switching between lowercase, uppercase and digits far more often than any text
/// or address does (random base64 switches at about 3 of 5 characters, a URL or CamelCase name
/// at under 1 of 5). Its fragments between `+` and `/` would otherwise be indexed as words.
fn is_encoded_piece(piece: &[u8]) -> bool {
    if piece.len() < ENCODED_PIECE_BYTES || !piece.is_ascii() {
        return false;
    }
    let class = |b: u8| match b {
        b'a'..=b'z' => 1,
        b'A'..=b'Z' => 2,
        b'0'..=b'9' => 3,
        _ => 0,
    };
    let switches = piece
        .windows(2)
        .filter(|w| {
            let (a, b) = (class(w[0]), class(w[1]));
            a != 0 && b != 0 && a != b
        })
        .count();
    switches * 5 >= piece.len() * 2
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
///
/// The text is cut at ASCII whitespace, across which no word boundary rule of UAX #29 looks
/// and no normalisation composes. A piece of ASCII and Finnish letters (by far the most common
/// kind) is folded and split by a byte loop with the ASCII rules of `unicode_segmentation`;
/// any other piece goes through NFC, folding and `unicode_words`, with the whitespace before it
/// as context, so the words are those of the whole text done that way.
///
/// Words that are not [`is_indexable`] and pieces that are encoded data are left out.
pub fn for_each_folded_word(text: &str, scratch: &mut String, mut f: impl FnMut(&str)) {
    let mut f = |w: &str| {
        if is_indexable(w) {
            f(w);
        }
    };
    let bytes = text.as_bytes();
    scratch.clear();
    // Only ASCII is pushed to `buf`, and it is cleared before it goes back to `scratch`.
    let mut buf = std::mem::take(scratch).into_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if is_cut(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        buf.clear();
        let mut simple = true;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if is_cut(b) {
                    break;
                }
                buf.push(b.to_ascii_lowercase());
                i += 1;
            } else if let Some(l) = (b == 0xC3)
                .then(|| bytes.get(i + 1).copied().and_then(finnish_letter))
                .flatten()
            {
                buf.push(l);
                i += 2;
            } else {
                simple = false;
                // A continuation byte is never ASCII, so the piece still ends at a cut.
                while i < bytes.len() && !is_cut(bytes[i]) {
                    i += 1;
                }
            }
        }
        if is_encoded_piece(&bytes[start..i]) {
            continue;
        }
        if simple {
            simple_words(&buf, &mut f);
        } else {
            buf.clear();
            let mut folded = String::from_utf8(std::mem::take(&mut buf)).expect("empty");
            // The whitespace byte before the piece (if any) gives the rules their context.
            general_words(&text[start.saturating_sub(1)..i], &mut folded, &mut f);
            buf = folded.into_bytes();
        }
    }
    buf.clear();
    *scratch = String::from_utf8(buf).expect("empty");
}

/// ASCII whitespace: the text is cut into pieces there.
fn is_cut(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// The folded letter of the second byte of a two-byte `Ä ä Å å Ö ö` (the first is 0xC3).
fn finnish_letter(second: u8) -> Option<u8> {
    match second {
        0x84 | 0xA4 | 0x85 | 0xA5 => Some(b'a'),
        0x96 | 0xB6 => Some(b'o'),
        _ => None,
    }
}

/// Byte classes of [`simple_words`].
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const UNDERSCORE: u8 = 4;
/// Joins two letters (`.` `'` `:`, WB6/WB7).
const JOINS_LETTERS: u8 = 8;
/// Joins two digits (`.` `,` `;` `'`, WB11/WB12).
const JOINS_DIGITS: u8 = 16;
const CORE: u8 = LETTER | DIGIT | UNDERSCORE;

static CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            match c {
                b'_' => UNDERSCORE,
                b'.' | b'\'' => JOINS_LETTERS | JOINS_DIGITS,
                b':' => JOINS_LETTERS,
                b',' | b';' => JOINS_DIGITS,
                _ => 0,
            }
        };
        b += 1;
    }
    t
};

/// Words of a folded piece of ASCII without whitespace, split as `unicode_segmentation` splits
/// ASCII text (its `AsciiWordBoundIter`): runs of letters, digits and `_`, joined over `.` `'`
/// `:` between letters and `.` `,` `;` `'` between digits (WB5–WB13b); a run of `_` alone is
/// not a word. Such a word never contains `@`.
fn simple_words(buf: &[u8], f: &mut impl FnMut(&str)) {
    let class = |b: u8| CLASS[usize::from(b & 0x7F)];
    let mut i = 0;
    while i < buf.len() {
        if class(buf[i]) & CORE == 0 {
            i += 1;
            continue;
        }
        let start = i;
        let mut seen = class(buf[i]);
        i += 1;
        while i < buf.len() {
            let c = class(buf[i]);
            if c & CORE != 0 {
                seen |= c;
                i += 1;
            } else if i + 1 < buf.len() && c & (JOINS_LETTERS | JOINS_DIGITS) != 0 && {
                let (prev, next) = (class(buf[i - 1]), class(buf[i + 1]));
                (c & JOINS_LETTERS != 0 && prev & next & LETTER != 0)
                    || (c & JOINS_DIGITS != 0 && prev & next & DIGIT != 0)
            } {
                i += 1;
            } else {
                break;
            }
        }
        if seen & (LETTER | DIGIT) != 0 {
            f(std::str::from_utf8(&buf[start..i]).expect("ASCII"));
        }
    }
}

/// Words of any other piece: NFC, lowercase and folding, then UAX #29 word boundaries.
fn general_words(piece: &str, scratch: &mut String, f: &mut impl FnMut(&str)) {
    scratch.clear();
    // Most text is already NFC; the quick check skips the costly composition pass, and text
    // below U+0300 (no byte from 0xCC up) needs no check at all.
    if !piece.bytes().any(|b| b >= 0xCC) || is_nfc_quick(piece.chars()) == IsNormalized::Yes {
        lowercase_folded_into(piece.chars(), scratch);
    } else {
        lowercase_folded_into(piece.nfc(), scratch);
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
        // Most text has few digits: skip blocks without a digit or `+` at once.
        while let Some(block) = b.get(i..i + 16)
            && !block
                .iter()
                .fold(false, |any, &c| any | c.is_ascii_digit() | (c == b'+'))
        {
            i += 16;
        }
        if i >= b.len() {
            break;
        }
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

    /// The whole-text pipeline [`for_each_folded_word`] must match: NFC, lowercase and fold the
    /// text, then `unicode_words`.
    fn reference_words(text: &str) -> Vec<String> {
        let mut folded = String::new();
        if is_nfc_quick(text.chars()) == IsNormalized::Yes {
            lowercase_folded_into(text.chars(), &mut folded);
        } else {
            lowercase_folded_into(text.nfc(), &mut folded);
        }
        folded
            .unicode_words()
            .filter(|w| !looks_personal(w) && is_indexable(w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn piecewise_words_match_the_whole_text_pipeline() {
        let alphabet: Vec<&str> = vec![
            "a", "B", "z", "Q", "0", "7", "ä", "Ö", "å", "Å", "é", "ß", "İ", "æ", "\u{308}",
            "\u{301}", "'", ".", ",", ";", ":", "_", "@", "-", "\"", " ", " ", "  ", "\n", "\t",
            "\r\n", "\u{b}", "–", "”", "€", "§", "\u{a0}", "\u{ad}", "\u{200d}", "\u{200b}", "א",
            "ב", "カ", "ー", "🇫", "🇮", "👍", "٣", "Σ", "ǅ", "ﬁ", "\u{2019}", "·", "(", "/",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |m: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % m
        };
        for _ in 0..20_000 {
            let len = 1 + next(14);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            assert_eq!(folded_words(&text), reference_words(&text), "{text:?}");
        }
        for text in [
            "Järjestöjen YHTEISTYÖ, Åland ja Keski-Ylöjärvi 2027. k:lla 12,5 e.g. a_b _ __",
            "Soita 010 555 0110 tai kirjoita nimi@example.fi. 9.2. | Ylöjärvellä |",
            " \u{308}abc \n\u{308}def x\u{308}y ”Örkki” – 3.14",
        ] {
            assert_eq!(folded_words(text), reference_words(text), "{text:?}");
        }
    }

    #[test]
    fn long_words_and_encoded_data_are_not_words() {
        let long = "a".repeat(MAX_WORD_CHARS + 1);
        let longest = "lentokonesuihkuturbiinimoottoriapumekaanikkoaliupseerioppilas";
        let ok = "ä".repeat(MAX_WORD_CHARS);
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let base64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9Qz0AEYBxVSTVZ\
                      AAAAAElFTkSuQmCC";
        let text = format!(
            "Yhdistys {long} {longest} {ok} {hex} data:{base64} \
             xkcdfghjklmnpq https://www.example.fi/Tapahtumat/2027/kesa-ohjelma?id=12345678&sivu=2 \
             COVID-19 2027 ß"
        );
        let expected = [
            "yhdistys",
            longest,
            &"a".repeat(MAX_WORD_CHARS),
            "https",
            "www.example.fi",
            "tapahtumat",
            "2027",
            "kesa",
            "ohjelma",
            "id",
            "12345678",
            "sivu",
            "2",
            "covid",
            "19",
            "2027",
            "ss",
        ];
        assert_eq!(folded_words(&text), expected);
        // The other tokenizer leaves out the same words.
        let plain: Vec<String> = words(&text).iter().map(|w| fold(w)).collect();
        assert_eq!(plain, expected);
        assert_eq!(words(&format!("a\n{base64}\tb {base64}")), ["a", "b"]);
        for word in [
            "järjestötoiminta",
            "kaupunkistrategia",
            "2027",
            "k:lla",
            "angstschweiß",
        ] {
            assert!(is_indexable(word), "{word}");
        }
        for word in [
            long.as_str(),
            hex,
            "deadbeef0123456789abcdef",
            "qwrtzpsdfgh",
        ] {
            assert!(!is_indexable(word), "{word}");
        }
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
        // Numbers after long stretches without digits (skipped a block at a time).
        for pad in 0..40 {
            let prefix = "ä".repeat(pad / 2) + &"x".repeat(pad % 2);
            let text = format!("{prefix}Soita +358 40 123 4567, vuonna 2009.{prefix}040-1234567");
            assert_eq!(
                scrub_contacts(&text),
                format!("{prefix}Soita , vuonna 2009.{prefix}"),
                "{pad}"
            );
        }
    }
}
