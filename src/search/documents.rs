//! What the index knows about each page: its searchable fields (weighted) and the metadata shown
//! in a result. Organisation profiles add their category, areas and target groups; contact data
//! (e-mail, phone, address, people) is never read.

use super::tokenize::{scrub_contacts, scrub_contacts_cow};
use crate::content::{BodyRenderer, FrontMatter, Item, Site};
use crate::markdown::Rendered;
use rayon::prelude::*;
use std::borrow::Cow;

/// A searchable field; the weight is how much one word in it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The page title.
    Title,
    /// Front matter `description`.
    Description,
    /// Headings of the body.
    Headings,
    /// Organisation category, areas and target groups.
    Organisation,
    /// The body text.
    Body,
}

impl Field {
    /// Term frequency weight (BM25F-style): a title word counts as ten body words.
    pub fn weight(self) -> f32 {
        match self {
            Field::Title => 10.0,
            Field::Description => 5.0,
            Field::Headings => 3.0,
            Field::Organisation => 3.0,
            Field::Body => 1.0,
        }
    }

    /// BM25F length normalisation per field: a word in a short title says more about the page
    /// than the same word in a long one.
    pub fn length_normalisation(self) -> f32 {
        match self {
            Field::Title | Field::Body => 0.75,
            Field::Description | Field::Headings => 0.5,
            Field::Organisation => 0.0,
        }
    }

    /// Position in [`Field::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Every field, in index order.
    pub const ALL: [Field; 5] = [
        Field::Title,
        Field::Description,
        Field::Headings,
        Field::Organisation,
        Field::Body,
    ];
}

/// One page or section as the index sees it. The text of a field is `S`: owned by callers that
/// make documents up (benchmarks), borrowed from the [`Site`] by [`collect`], which leaves the
/// body out: the index renders it again per chunk of documents, so no page text is held for
/// every page at once.
#[derive(Debug, Clone)]
pub struct Doc<S = String> {
    /// Site path (`uutiset/avaus/`), the sort key that fixes document ids.
    pub path: S,
    /// Shown as the result's link text.
    pub title: S,
    /// Root-relative URL with the base path.
    pub url: String,
    /// Index into [`Facets::sections`].
    pub section: usize,
    /// About 160 characters shown under the title.
    pub excerpt: String,
    /// Organisation category slug.
    pub category: Option<String>,
    /// Organisation area slugs.
    pub areas: Vec<String>,
    /// Text per field.
    pub fields: Vec<(Field, S)>,
}

/// Filter values offered on the search page: `(slug or path, display name)`.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// Top-level sections (the home section first).
    pub sections: Vec<(String, String)>,
    /// Configured organisation categories.
    pub categories: Vec<(String, String)>,
    /// Configured areas.
    pub areas: Vec<(String, String)>,
}

const EXCERPT_CHARS: usize = 160;

/// Every published page and section, sorted by path so document ids are stable, each with the
/// item it is. Titles and other short texts are borrowed from the site; the body
/// ([`Field::Body`], always the last field) is left out: the site keeps no page text, so
/// [`body_text`] renders it again while the index takes its words, one chunk of pages at a time.
pub fn collect(site: &Site) -> (Vec<Doc<Cow<'_, str>>>, Vec<Item>, Facets) {
    let mut tops: Vec<usize> = vec![0];
    tops.extend(site.sections[0].subsections.iter().copied());
    let top_of = |section: usize| -> usize {
        let mut chain = site.ancestors(section);
        chain.push(section);
        let top = chain.get(1).copied().unwrap_or(0);
        tops.iter().position(|&t| t == top).unwrap_or(0)
    };
    let bodies = site.bodies();
    let pages = site.pages.par_iter().enumerate().map(|(i, page)| {
        let doc = make_doc(
            site,
            &bodies,
            Item::Page(i),
            &page.path,
            &page.title,
            &page.meta,
            page.organisation.as_ref().map(|o| Profile {
                category: &o.category,
                areas: &o.areas,
                target_groups: &o.target_groups,
            }),
            &page.content,
            top_of(page.section),
        );
        (doc, Item::Page(i))
    });
    let sections = site.sections.par_iter().enumerate().map(|(i, section)| {
        let doc = make_doc(
            site,
            &bodies,
            Item::Section(i),
            &section.path,
            &section.title,
            &section.meta,
            None,
            &section.content,
            top_of(i),
        );
        (doc, Item::Section(i))
    });
    let mut docs: Vec<(Doc<Cow<'_, str>>, Item)> = pages.chain(sections).collect();
    docs.sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let (docs, items) = docs.into_iter().unzip();
    let choices = |list: &[crate::config::Choice]| {
        list.iter()
            .map(|c| (c.slug.clone(), c.name.clone()))
            .collect()
    };
    let orgs = site.config.organisations.as_ref();
    let facets = Facets {
        sections: tops
            .iter()
            .map(|&s| {
                (
                    site.sections[s].path.clone(),
                    site.sections[s].title.clone(),
                )
            })
            .collect(),
        categories: orgs.map(|o| choices(&o.categories)).unwrap_or_default(),
        areas: orgs.map(|o| choices(&o.areas)).unwrap_or_default(),
    };
    (docs, items, facets)
}

/// The searchable text of a page's or section's body ([`Field::Body`]), without contact data.
pub fn body_text(bodies: &BodyRenderer<'_>, item: Item) -> String {
    let text = bodies.text(item);
    if let Cow::Owned(scrubbed) = scrub_contacts_cow(&text) {
        return scrubbed;
    }
    text
}

#[allow(clippy::too_many_arguments)]
fn make_doc<'a>(
    site: &Site,
    bodies: &BodyRenderer<'_>,
    item: Item,
    path: &'a str,
    title: &'a str,
    meta: &'a FrontMatter,
    profile: Option<Profile<'_>>,
    content: &'a Rendered,
    section: usize,
) -> Doc<Cow<'a, str>> {
    let description = meta.description.as_deref().map(scrub_contacts_cow);
    let excerpt = match description.as_deref() {
        Some(d) => excerpt(d, EXCERPT_CHARS),
        // Without a description the excerpt is the body's beginning: the only page text
        // rendered here.
        None => excerpt(&body_text(bodies, item), EXCERPT_CHARS),
    };
    let mut fields = vec![(Field::Title, Cow::Borrowed(title))];
    if let Some(d) = description {
        fields.push((Field::Description, d));
    }
    let headings: Vec<&str> = content.headings.iter().map(|h| h.title.as_str()).collect();
    let headings = scrub_contacts_cow(&headings.join("\n")).into_owned();
    fields.push((Field::Headings, Cow::Owned(headings)));
    let (category, areas, org_text) = organisation_fields(site, profile);
    if !org_text.is_empty() {
        fields.push((Field::Organisation, Cow::Owned(org_text)));
    }
    Doc {
        path: Cow::Borrowed(path),
        title: Cow::Borrowed(title),
        url: site.url(path),
        section,
        excerpt,
        category,
        areas,
        fields,
    }
}

/// What the search takes from a checked organisation profile: nothing else of it, since the
/// rest may be contact data.
struct Profile<'a> {
    category: &'a str,
    areas: &'a [String],
    target_groups: &'a [String],
}

/// Category, areas and target groups of a profile, as slugs and as searchable display names.
fn organisation_fields(
    site: &Site,
    profile: Option<Profile<'_>>,
) -> (Option<String>, Vec<String>, String) {
    let Some(org) = profile else {
        return (None, vec![], String::new());
    };
    let config = site.config.organisations.as_ref();
    let name_of = |list: Option<&Vec<crate::config::Choice>>, slug: &str| -> String {
        list.and_then(|l| l.iter().find(|c| c.slug == slug))
            .map_or_else(|| slug.replace('-', " "), |c| c.name.clone())
    };
    let category = Some(org.category.to_string()).filter(|c| !c.is_empty());
    let areas = org.areas.to_vec();
    let mut text = Vec::new();
    if let Some(c) = &category {
        text.push(name_of(config.map(|c| &c.categories), c));
    }
    for a in &areas {
        text.push(name_of(config.map(|c| &c.areas), a));
    }
    text.extend(org.target_groups.iter().cloned());
    (category, areas, scrub_contacts(&text.join("\n")))
}

/// The first `max` characters of a text, whitespace collapsed, cut at a word boundary.
pub fn excerpt(text: &str, max: usize) -> String {
    // Only the first `max + 1` characters decide the result: a page's whole body is not
    // collapsed.
    let mut collapsed = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > max {
            break;
        }
        if !collapsed.is_empty() {
            collapsed.push(' ');
            chars += 1;
        }
        collapsed.push_str(word);
        chars += word.chars().count();
    }
    if collapsed.chars().count() <= max {
        return collapsed;
    }
    let cut: String = collapsed.chars().take(max).collect();
    let at_word = cut.rfind(' ').filter(|&i| i > max / 2).unwrap_or(cut.len());
    format!(
        "{}…",
        cut[..at_word].trim_end_matches([',', '.', ';', ':', ' '])
    )
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_cut_at_a_word() {
        let text = "Ylöjärven kaupunki myöntää   avustuksia\nyhdistyksille, jotka tekevät työtä.";
        assert_eq!(excerpt(text, 40), "Ylöjärven kaupunki myöntää avustuksia…");
        assert_eq!(excerpt("Lyhyt teksti.", 40), "Lyhyt teksti.");
        assert_eq!(excerpt("  a  b ", 3), "a b");
        assert_eq!(excerpt("aa bb", 3), "aa…");
        assert_eq!(excerpt("aaaa bbbb", 4), "aaaa…");
    }
}
