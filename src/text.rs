//! Small text utilities shared by the pipeline: slugs and Finnish collation.

use std::cmp::Ordering;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// A relative file path as site paths and `@/` links write it: `/` between the parts on every
/// system (`uutiset/avaus.md`).
pub fn slash_path(rel: &std::path::Path) -> String {
    let parts: Vec<_> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    parts.join("/")
}

/// Folds a letter to ASCII the way Finnish readers expect in URLs: ä→a, ö→o, å→a, é→e, …
/// Returns one character, or two for ß and æ.
fn fold(c: char) -> (char, Option<char>) {
    match c {
        'ä' | 'å' | 'á' | 'à' | 'â' => ('a', None),
        'ö' | 'ó' | 'ò' | 'ô' | 'ø' => ('o', None),
        'ü' | 'ú' | 'ù' | 'û' => ('u', None),
        'é' | 'è' | 'ê' | 'ë' => ('e', None),
        'í' | 'ì' | 'î' | 'ï' => ('i', None),
        'š' => ('s', None),
        'ž' => ('z', None),
        'ß' => ('s', Some('s')),
        'æ' => ('a', Some('e')),
        _ => (c, None),
    }
}

fn fold_char(c: char, out: &mut String) {
    let (first, second) = fold(c);
    out.push(first);
    if let Some(second) = second {
        out.push(second);
    }
}

/// Calls `f` with the characters of `text` in Unicode NFC. Most text already is NFC (checked
/// quickly), and then the normalising iterator, a large share of slug and sort-key time on big
/// sites, is skipped; the characters are the same either way.
fn for_each_nfc(text: &str, f: impl FnMut(char)) {
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().for_each(f);
    } else {
        text.nfc().for_each(f);
    }
}

/// A URL slug: lowercase ASCII letters, digits and single hyphens.
/// `Yhdistysavustukset 2027` → `yhdistysavustukset-2027`, `Järjestö` → `jarjesto`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut push = |c: char| {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    };
    for_each_nfc(text, |c| {
        for lower in c.to_lowercase() {
            let (first, second) = fold(lower);
            push(first);
            if let Some(second) = second {
                push(second);
            }
        }
    });
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// Folds ä/ö/å (and other accents) away but keeps everything else; used for search keys.
pub fn fold_diacritics(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Position of a letter in the Finnish alphabet: å, ä, ö come after z, w sorts with v.
fn collation_weight(c: char) -> (u32, u32) {
    match c {
        'å' => ('z' as u32 + 1, 0),
        'ä' => ('z' as u32 + 2, 0),
        'ö' | 'ø' => ('z' as u32 + 3, 0),
        'w' => ('v' as u32, 1),
        'ü' => ('y' as u32, 1),
        c => {
            let b = fold(c).0;
            (b as u32, u32::from(b != c))
        }
    }
}

/// Compares two strings in Finnish alphabetical order (case-insensitive, å ä ö after z).
pub fn finnish_cmp(a: &str, b: &str) -> Ordering {
    finnish_key_cmp((&finnish_key(a), a), (&finnish_key(b), b))
}

/// The collation key [`finnish_cmp`] compares; computing it once per string makes large sorts
/// cheap (it normalises and allocates).
pub fn finnish_key(s: &str) -> Vec<(u32, u32)> {
    let mut key = Vec::with_capacity(s.len());
    for_each_nfc(s, |c| key.extend(c.to_lowercase().map(collation_weight)));
    key
}

/// [`finnish_cmp`] on precomputed keys: `(key, string)` pairs.
pub fn finnish_key_cmp(a: (&[(u32, u32)], &str), b: (&[(u32, u32)], &str)) -> Ordering {
    let (ka, kb) = (a.0, b.0);
    let primary = ka.iter().map(|k| k.0).cmp(kb.iter().map(|k| k.0));
    primary
        .then_with(|| ka.iter().map(|k| k.1).cmp(kb.iter().map(|k| k.1)))
        .then_with(|| a.1.cmp(b.1))
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_finnish_letters() {
        assert_eq!(
            slugify("Yhdistysavustukset 2027"),
            "yhdistysavustukset-2027"
        );
        assert_eq!(
            slugify("Järjestö- ja vapaaehtoistyö"),
            "jarjesto-ja-vapaaehtoistyo"
        );
        assert_eq!(slugify("  Kuntalain 22 § "), "kuntalain-22");
        assert_eq!(slugify("Åland – Öljy"), "aland-oljy");
        // Decomposed input (a + combining diaeresis) folds like the composed letter.
        assert_eq!(slugify("Ja\u{308}rjesto\u{308}"), "jarjesto");
        assert_eq!(slugify("Straße Æbleskiver"), "strasse-aebleskiver");
    }

    #[test]
    fn finnish_order_puts_a_umlaut_after_z() {
        let mut words = vec!["öljy", "äiti", "zeta", "aamu", "åland", "Oksa"];
        words.sort_by(|a, b| finnish_cmp(a, b));
        assert_eq!(words, ["aamu", "Oksa", "zeta", "åland", "äiti", "öljy"]);
    }
}
