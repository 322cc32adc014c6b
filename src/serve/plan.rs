//! Dependency tracking for incremental rebuilds: which outputs a content edit touches.
//!
//! The plan compares the last good [`Site`] with the freshly loaded one. When only the text of
//! existing pages changed (the coordinator's everyday edit), the set of output files stays the
//! same and only the changed pages and what lists them need rendering: the plan finds what
//! changed ([`Changes`]) and each generator says what of its output that touches
//! ([`generate::touched`]). Anything that changes the
//! site's shape (a page added, removed or moved, a section edited, a taxonomy term appearing or
//! disappearing, aliases or assets changing) shows on many pages (navigation, breadcrumbs) or
//! adds and removes files, so it falls back to a full render.

use crate::content::{Changes, Page, Site};
use crate::generate::{self, Selection};
use crate::theme::Theme;
use std::collections::{HashMap, HashSet};

/// What a rebuild has to render.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Nothing that is rendered changed (for example a file was saved without edits).
    Nothing,
    /// The site's shape changed; render everything. The text says why.
    Full(&'static str),
    /// Render only these pages, sections and taxonomy pages.
    Partial(Selection),
}

/// Compares two loads of the same site and decides what to render.
pub fn plan(old: &Site, new: &Site) -> Plan {
    if let Some(why) = shape_change(old, new) {
        return Plan::Full(why);
    }
    // Same shape: pages correspond one to one by their content path.
    let old_to_new: Vec<usize> = old
        .pages
        .iter()
        .map(|p| index_of(new, &p.file.relative))
        .collect();
    let changed: HashSet<usize> = old
        .pages
        .iter()
        .zip(&old_to_new)
        .filter(|(p, n)| p.file.source != new.pages[**n].file.source)
        .map(|(_, &n)| n)
        .collect();
    if changed.is_empty() {
        return Plan::Nothing;
    }
    let pages = old
        .pages
        .iter()
        .zip(&old_to_new)
        .filter(|(_, n)| changed.contains(n))
        .map(|(p, &n)| (n, [p.lower, p.higher].map(|x| x.map(|i| old_to_new[i]))))
        .collect();
    let reordered = (0..new.sections.len())
        .filter(|&s| {
            let before = old.sections[s].pages.iter().map(|&i| old_to_new[i]);
            !before.eq(new.sections[s].pages.iter().copied())
        })
        .collect();
    let changes = Changes {
        pages,
        reordered,
        terms: touched_terms(old, new, &changed, &old_to_new),
    };
    Plan::Partial(generate::touched(new, &changes))
}

/// Why the two sites differ in shape, if they do.
fn shape_change(old: &Site, new: &Site) -> Option<&'static str> {
    if old.sections.len() != new.sections.len()
        || old
            .sections
            .iter()
            .zip(&new.sections)
            .any(|(a, b)| a.file.relative != b.file.relative || a.file.source != b.file.source)
    {
        return Some("a section changed");
    }
    if old.pages.len() != new.pages.len() {
        return Some("a page was added or removed");
    }
    let new_pages: HashMap<&str, &Page> = new
        .pages
        .iter()
        .map(|p| (p.file.relative.as_str(), p))
        .collect();
    for page in &old.pages {
        let Some(other) = new_pages.get(page.file.relative.as_str()) else {
            return Some("a page was added or removed");
        };
        if other.path != page.path || other.section != page.section {
            return Some("a page moved to another address");
        }
        if other.meta.aliases != page.meta.aliases {
            return Some("a page's aliases changed");
        }
    }
    let terms = |s: &Site| -> Vec<(String, Vec<String>)> {
        s.taxonomies
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    t.terms.iter().map(|x| x.slug.clone()).collect(),
                )
            })
            .collect()
    };
    if terms(old) != terms(new) {
        return Some("a taxonomy term was added or removed");
    }
    let assets =
        |s: &Site| -> Vec<String> { s.assets.iter().map(|a| a.relative.clone()).collect() };
    if assets(old) != assets(new) {
        return Some("a file next to the pages was added or removed");
    }
    None
}

fn index_of(site: &Site, relative: &str) -> usize {
    match site.get(relative) {
        Some(crate::content::Item::Page(i)) => i,
        _ => unreachable!("shape_change checked that every page is still there"),
    }
}

/// Term pages that list a changed page before or after the edit, or whose order changed.
fn touched_terms(
    old: &Site,
    new: &Site,
    changed: &HashSet<usize>,
    old_to_new: &[usize],
) -> HashSet<(usize, usize)> {
    let mut terms = HashSet::new();
    for (t, taxonomy) in new.taxonomies.iter().enumerate() {
        for (k, term) in taxonomy.terms.iter().enumerate() {
            let before: Vec<usize> = old.taxonomies[t].terms[k]
                .pages
                .iter()
                .map(|&i| old_to_new[i])
                .collect();
            let lists_changed = term
                .pages
                .iter()
                .chain(&before)
                .any(|p| changed.contains(p));
            if lists_changed || before != term.pages {
                terms.insert((t, k));
            }
        }
    }
    terms
}

/// Whether a template other than the home page's (`index.html`, which every partial rebuild
/// renders anyway) pulls in other pages' data with `get_page` or `get_section`. Such a page
/// depends on pages the plan cannot see, so the preview then renders everything on each edit.
pub fn templates_look_up_pages(site: &Site, theme: &Theme) -> bool {
    // Templates that cannot be read count as looking things up: being wrong here costs only
    // speed, and the render reports the problem.
    let Ok(templates) = crate::render::template_sources(site, theme) else {
        return true;
    };
    templates.iter().any(|(name, (_, text))| {
        name != "index.html" && (text.contains("get_page(") || text.contains("get_section("))
    })
}
