//! Checks on the loaded model that need no rendering: descriptions, duplicate titles, images
//! without alt text, headings that skip levels. (Addresses are checked by the loader.)

use super::{Document, at_key, documents};
use crate::content::{Site, SourceFile};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use std::collections::HashMap;

/// All content findings of the site.
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    for doc in documents(site) {
        let (file, content) = (doc.file, doc.content);
        if file.source.is_empty() {
            continue; // a home page synthesized because content/_index.md is missing
        }
        let is_home = file.relative == "_index.md";
        let has_description = doc
            .meta
            .description
            .as_ref()
            .is_some_and(|d| !d.trim().is_empty())
            || (is_home && !site.config.description.trim().is_empty());
        if !has_description {
            findings.push(missing_description(file));
        }
        findings.extend(images_without_alt(file, content));
        findings.extend(heading_levels(file, content));
    }
    findings.extend(duplicate_titles(site));
    findings
}

fn missing_description(file: &SourceFile) -> Diagnostic {
    at_key(
        Diagnostic::warning("missing-description", "the page has no description"),
        file,
        "title",
    )
    .with_hint(
        "add one sentence under the title, e.g. description = \"Miten haet yhdistysavustusta.\"; \
         search engines and the site's search show it",
    )
}

fn images_without_alt<'a>(
    file: &'a SourceFile,
    content: &'a Rendered,
) -> impl Iterator<Item = Diagnostic> + 'a {
    content
        .images
        .iter()
        .filter(|img| img.alt.trim().is_empty())
        .map(move |img| {
            Diagnostic::error(
                "missing-alt",
                format!("image `{}` has no alternative text", img.src),
            )
            .with_file(&file.display)
            .at_offset(&file.source, img.offset)
            .with_hint(
                "describe what the image shows between the brackets: ![Osallistujia foorumissa](kuva.jpg); \
                 screen readers read it aloud",
            )
        })
}

/// The page title is the only `<h1>`, so a body starts at `##` and goes down one level at a time.
fn heading_levels(file: &SourceFile, content: &Rendered) -> Vec<Diagnostic> {
    let mut findings = Vec::new();
    let mut previous = 1u8;
    for h in &content.headings {
        let finding = if h.level == 1 {
            Some(
                Diagnostic::error(
                    "heading-h1",
                    format!("heading `{}` is a second level-1 heading", h.title),
                )
                .with_hint("the page title is already the main heading; start body headings at ## (level 2)"),
            )
        } else if h.level > previous + 1 {
            Some(
                Diagnostic::error(
                    "heading-skip",
                    format!(
                        "heading `{}` is level {} but the heading before it is level {previous}",
                        h.title, h.level
                    ),
                )
                .with_hint(format!(
                    "use {} (level {}) here; screen reader users move between headings by level",
                    "#".repeat(usize::from(previous) + 1),
                    previous + 1
                )),
            )
        } else {
            None
        };
        if let Some(d) = finding {
            findings.push(d.with_file(&file.display).at_offset(&file.source, h.offset));
        }
        previous = h.level;
    }
    findings
}

/// Titles identify pages in tabs, bookmarks and search results, so two pages should not share one.
fn duplicate_titles(site: &Site) -> Vec<Diagnostic> {
    let mut by_title: HashMap<String, Vec<&SourceFile>> = HashMap::new();
    for Document { title, file, .. } in documents(site) {
        if file.source.is_empty() || title.trim().is_empty() {
            continue;
        }
        by_title
            .entry(title.trim().to_lowercase())
            .or_default()
            .push(file);
    }
    let mut findings = Vec::new();
    for files in by_title.values().filter(|f| f.len() > 1) {
        for file in files {
            let others: Vec<String> = files
                .iter()
                .filter(|o| o.relative != file.relative)
                .map(|o| o.display.display().to_string())
                .collect();
            findings.push(
                at_key(
                    Diagnostic::warning(
                        "duplicate-title",
                        format!("the same title is used by {}", others.join(", ")),
                    ),
                    file,
                    "title",
                )
                .with_hint("give each page a title that tells it apart from the others"),
            );
        }
    }
    findings
}
