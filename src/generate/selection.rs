//! What a render writes: the whole site or the part an edit touched.

use std::collections::HashSet;

/// Which outputs a render writes: everything, or what an edit touched (each generator adds
/// what it makes from the edited pages with its [`super::Generator::touches`]). Whole-site
/// outputs (sitemap, feeds, …) ignore it: they are cheap and must always list everything.
#[derive(Debug, Clone, Default)]
pub enum Selection {
    /// Every page, section and taxonomy page (`kumppani build`).
    #[default]
    All,
    /// Only these (the preview server's incremental rebuild).
    Only {
        /// Indexes into `Site::pages`.
        pages: HashSet<usize>,
        /// Indexes into `Site::sections`.
        sections: HashSet<usize>,
        /// Taxonomy indexes whose list page is rendered.
        taxonomies: HashSet<usize>,
        /// (taxonomy, term) indexes whose term page is rendered.
        terms: HashSet<(usize, usize)>,
    },
}

impl Selection {
    /// Nothing selected yet; generators add what an edit touches.
    pub fn none() -> Selection {
        Selection::Only {
            pages: HashSet::new(),
            sections: HashSet::new(),
            taxonomies: HashSet::new(),
            terms: HashSet::new(),
        }
    }

    /// Whether page `i` is rendered.
    pub fn page(&self, i: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { pages, .. } => pages.contains(&i),
        }
    }

    /// Whether section `i` is rendered.
    pub fn section(&self, i: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { sections, .. } => sections.contains(&i),
        }
    }

    /// Whether the list page of taxonomy `t` is rendered.
    pub fn taxonomy(&self, t: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { taxonomies, .. } => taxonomies.contains(&t),
        }
    }

    /// Whether the page of term `term` of taxonomy `t` is rendered.
    pub fn term(&self, t: usize, term: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Only { terms, .. } => terms.contains(&(t, term)),
        }
    }
}
