//! The error shown in the browser when a rebuild fails: an overlay put on top of every HTML page
//! of the last good build, or a page of its own when there has never been a good build.
//!
//! It is built in Rust rather than with a tera template because a broken template may well be
//! the error being shown. Labels come from the theme's i18n file for the site's language, with
//! built-in Finnish when the theme or config cannot be read.

use crate::config::Config;
use crate::diagnostics::{Error, Severity};
use crate::render::{Translations, load_translations};
use crate::text::escape_html;
use crate::theme::Theme;
use std::path::Path;

const FALLBACK: [(&str, &str); 4] = [
    ("serve_error_title", "Sivustoa ei voitu päivittää"),
    (
        "serve_error_intro",
        "Korjaa virhe ja tallenna tiedosto: sivu päivittyy itsestään. Alla on viimeisin toimiva versio.",
    ),
    ("serve_error_hint", "Korjausehdotus"),
    ("serve_error_more", "Lisää virheitä"),
];

/// Most errors shown in full; the rest are counted (the terminal has them all).
const SHOWN: usize = 20;

/// Labels in the site's language, falling back to Finnish key by key.
fn labels(root: &Path) -> (String, impl Fn(&str) -> String) {
    let (lang, translations): (String, Translations) = Config::load(root)
        .ok()
        .and_then(|c| {
            let theme = Theme::load(root, &c.theme).ok()?;
            let t = load_translations(&theme, &c.language).ok()?;
            Some((c.language.clone(), t))
        })
        .unwrap_or_else(|| ("fi".into(), Translations::new()));
    let lookup = move |key: &str| {
        translations.get(key).cloned().unwrap_or_else(|| {
            FALLBACK
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(key, |(_, v)| v)
                .to_string()
        })
    };
    (lang, lookup)
}

/// The overlay (a `<div>` to put right after `<body>`) for a failed rebuild.
pub(super) fn overlay(root: &Path, error: &Error) -> String {
    let (lang, t) = labels(root);
    let mut html = format!(
        "<div id=\"kumppani-error\" role=\"alert\" lang=\"{lang}\" style=\"position:fixed;inset:0;\
         z-index:2147483647;overflow:auto;background:#fff;color:#1a1a1a;padding:1.5rem;\
         font:1rem/1.5 system-ui,sans-serif;border-top:0.5rem solid #b00020\">\
         <h1 style=\"font-size:1.5rem;margin:0 0 .5rem;color:#b00020\">{}</h1><p>{}</p>",
        escape_html(&t("serve_error_title")),
        escape_html(&t("serve_error_intro"))
    );
    let errors: Vec<_> = error
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    for d in errors.iter().take(SHOWN) {
        html.push_str("<section style=\"margin:1rem 0;padding:1rem;border:1px solid #ccc;border-radius:.25rem\">");
        let location = d.location();
        if !location.is_empty() {
            html.push_str(&format!(
                "<p style=\"margin:0\"><code style=\"font-weight:bold\">{}</code></p>",
                escape_html(&location)
            ));
        }
        html.push_str(&format!(
            "<p style=\"margin:.25rem 0\">{}</p>",
            escape_html(&d.message)
        ));
        if let Some(excerpt) = d.excerpt() {
            html.push_str(&format!(
                "<pre style=\"background:#f4f4f4;padding:.5rem;overflow:auto\">{}</pre>",
                escape_html(&excerpt)
            ));
        }
        if let Some(hint) = &d.hint {
            html.push_str(&format!(
                "<p style=\"margin:0\"><strong>{}:</strong> {}</p>",
                escape_html(&t("serve_error_hint")),
                escape_html(hint)
            ));
        }
        html.push_str("</section>");
    }
    if errors.len() > SHOWN {
        html.push_str(&format!(
            "<p>{}: {}</p>",
            escape_html(&t("serve_error_more")),
            errors.len() - SHOWN
        ));
    }
    html.push_str("</div>");
    html
}

/// A whole page for when there is no good build to lay the overlay on.
pub(super) fn page(root: &Path, overlay: &str, script_url: &str) -> String {
    let (lang, t) = labels(root);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><script src=\"{}\" defer></script></head><body>{overlay}</body></html>\n",
        escape_html(&t("serve_error_title")),
        escape_html(script_url)
    )
}

/// Puts the overlay right after the `<body>` tag (or in front of everything without one).
pub(super) fn inject(html: &[u8], overlay: &str) -> Vec<u8> {
    let at = find_body_end(html).unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + overlay.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(overlay.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_body_end(html: &[u8]) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let start = lower
        .windows(5)
        .position(|w| w == b"<body")
        .filter(|&i| matches!(lower.get(i + 5), Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')))?;
    let end = lower[start..].iter().position(|&b| b == b'>')?;
    Some(start + end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostic;

    #[test]
    fn overlay_shows_place_message_hint_and_line() {
        let err = Error::from(
            Diagnostic::error("front-matter", "expected `=`")
                .with_file("content/a.md")
                .at_offset("+++\ntitle \"x\"\n+++\n", 10)
                .with_hint("write key = \"value\""),
        );
        let html = overlay(Path::new("/nonexistent"), &err);
        assert!(html.contains("Sivustoa ei voitu päivittää"), "{html}");
        assert!(html.contains("content/a.md:2:7"), "{html}");
        assert!(html.contains("expected `=`"));
        assert!(html.contains("2 | title &quot;x&quot;"), "{html}");
        assert!(html.contains("Korjausehdotus:</strong> write key = &quot;value&quot;"));
    }

    #[test]
    fn inject_goes_after_body_tag() {
        let out = inject(b"<html><body class=\"x\"><p>hi</p></body>", "<div>E</div>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body class=\"x\"><div>E</div><p>hi</p></body>"
        );
        assert_eq!(inject(b"plain", "<b>"), b"<b>plain");
    }
}
