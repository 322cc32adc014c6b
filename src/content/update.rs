//! Replacing edited pages in a loaded [`Site`] without loading it again: the preview server's
//! answer to the everyday edit (the text, title, date or weight of an existing page).
//!
//! Anything this cannot do exactly as a full load would (a page added, removed, moved or made a
//! draft, aliases or taxonomy terms changed, an organisation profile, a section, or an edit
//! with problems to report) is declined with the reason, and the caller loads the whole site:
//! the result and the messages are then those of a build by construction.

use super::load::{
    BodyRenderer, Parsed, check_anchors_of, link_neighbours, page_slug, parse_file,
    sort_section_pages, sort_term_pages, title_keys_of,
};
use super::{Item, LoadOptions, Page, Site};
use crate::markdown::Want;
use std::collections::HashSet;

/// What replacing pages changed, for deciding what to render again.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Edited pages with their pager neighbours before the edit (`lower`, `higher`).
    pub pages: Vec<(usize, [Option<usize>; 2])>,
    /// Sections whose page order changed.
    pub reordered: Vec<usize>,
    /// `(taxonomy, term)` pages that list an edited page.
    pub terms: HashSet<(usize, usize)>,
}

/// The outcome of [`update_pages`].
#[derive(Debug)]
pub enum Update {
    /// The site now holds the edited pages.
    Applied(Changes),
    /// Nothing differs from what is loaded (saved without edits).
    Unchanged,
    /// The site was left as it was; load it again. The text says why.
    Declined(&'static str),
}

/// Re-reads the content files `files` (paths under `content/`, as in `@/` links) and puts them in
/// place of the loaded pages, or declines without touching the site.
pub fn update_pages(site: &mut Site, files: &[String], options: &LoadOptions) -> Update {
    let mut edits: Vec<(usize, Page)> = Vec::new();
    {
        let bodies = BodyRenderer::new(site, &[], &[]);
        for rel in files {
            let index = match site.get(rel) {
                Some(Item::Page(i)) => i,
                Some(Item::Section(_)) => return Update::Declined("a section changed"),
                None => return Update::Declined("a page was added or removed"),
            };
            let abs = site.root.join("content").join(rel);
            let Ok(parsed) = parse_file(&abs, rel) else {
                return Update::Declined("the edited page has problems to report");
            };
            let old = &site.pages[index];
            if parsed.file.source == old.file.source {
                continue;
            }
            if let Some(why) = shape_change(site, old, &parsed, options) {
                return Update::Declined(why);
            }
            let (content, body) = bodies.render(&parsed.file, Want::OUTLINE);
            // Warnings too: the full load then reports them as a build would.
            if !content.problems.is_empty() {
                return Update::Declined("the edited page has problems to report");
            }
            edits.push((
                index,
                Page {
                    title: parsed.meta.title.clone().unwrap_or_default(),
                    word_count: body.words,
                    content,
                    file: parsed.file,
                    meta: parsed.meta,
                    dates: parsed.dates,
                    slug: old.slug.clone(),
                    path: old.path.clone(),
                    section: old.section,
                    lower: old.lower,
                    higher: old.higher,
                    organisation: None,
                    event: None,
                },
            ));
        }
    }
    if edits.is_empty() {
        return Update::Unchanged;
    }
    // Swap the new pages in to check heading links against them; swap back if one breaks.
    let mut before = Vec::with_capacity(edits.len());
    for (index, page) in edits {
        before.push((index, std::mem::replace(&mut site.pages[index], page)));
    }
    if anchors_break(site, &before) {
        for (index, page) in before {
            site.pages[index] = page;
        }
        return Update::Declined("a link to a heading of the edited page would break");
    }
    Update::Applied(reorder(site, before))
}

/// Why an edit changes more than the page's own text and order, if it does.
fn shape_change(
    site: &Site,
    old: &Page,
    new: &Parsed,
    options: &LoadOptions,
) -> Option<&'static str> {
    if new.meta.draft && !options.drafts {
        return Some("a page became a draft");
    }
    if page_slug(new).ok().as_ref() != Some(&old.slug) {
        return Some("a page moved to another address");
    }
    if new.meta.aliases != old.meta.aliases {
        return Some("a page's aliases changed");
    }
    if new.meta.taxonomies != old.meta.taxonomies {
        return Some("a page's taxonomy terms changed");
    }
    if old.organisation.is_some()
        || new.meta.organisation.is_some()
        || super::organisation::in_directory(site, &old.file.relative)
    {
        return Some("an organisation profile changed");
    }
    if old.event.is_some() || new.meta.event.is_some() {
        return Some("an event changed");
    }
    None
}

/// Whether the edited pages (now in place) lost a heading that another file links to, or link
/// to a missing heading themselves.
fn anchors_break(site: &Site, edited: &[(usize, Page)]) -> bool {
    let mut problems = Vec::new();
    let files: HashSet<&str> = edited
        .iter()
        .map(|(i, _)| site.pages[*i].file.relative.as_str())
        .collect();
    for &(i, _) in edited {
        let page = &site.pages[i];
        check_anchors_of(site, &page.file, &page.content, |_| true, &mut problems);
    }
    let others = site
        .pages
        .iter()
        .map(|p| (&p.file, &p.content))
        .chain(site.sections.iter().map(|s| (&s.file, &s.content)))
        .filter(|(f, _)| !files.contains(f.relative.as_str()));
    for (file, content) in others {
        check_anchors_of(site, file, content, |t| files.contains(t), &mut problems);
    }
    !problems.is_empty()
}

/// Re-sorts the sections and terms of the edited pages (`before` holds their previous
/// versions) and reports what changed.
fn reorder(site: &mut Site, before: Vec<(usize, Page)>) -> Changes {
    let mut changes = Changes::default();
    let mut sections = Vec::new();
    for (index, old) in &before {
        changes.pages.push((*index, [old.lower, old.higher]));
        sections.push(old.section);
        site.warnings
            .retain(|w| w.file.as_deref() != Some(old.file.display.as_path()));
    }
    sections.sort_unstable();
    sections.dedup();
    let edited: HashSet<usize> = changes.pages.iter().map(|(i, _)| *i).collect();
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        for (k, term) in taxonomy.terms.iter().enumerate() {
            if term.pages.iter().any(|p| edited.contains(p)) {
                changes.terms.insert((t, k));
            }
        }
    }
    // Title keys of every page that is sorted again, computed once.
    let mut listed: Vec<usize> = sections
        .iter()
        .flat_map(|&s| site.sections[s].pages.iter().copied())
        .chain(
            changes
                .terms
                .iter()
                .flat_map(|&(t, k)| site.taxonomies[t].terms[k].pages.iter().copied()),
        )
        .collect();
    listed.sort_unstable();
    listed.dedup();
    let keys = title_keys_of(&site.pages, &listed);
    for s in sections {
        let previous = site.sections[s].pages.clone();
        let mut list = previous.clone();
        sort_section_pages(&site.pages, &keys, &mut list);
        if list != previous {
            changes.reordered.push(s);
        }
        site.sections[s].pages = list;
        link_neighbours(site, s);
    }
    for &(t, k) in &changes.terms {
        sort_term_pages(&site.pages, &keys, &mut site.taxonomies[t].terms[k].pages);
    }
    changes
}
