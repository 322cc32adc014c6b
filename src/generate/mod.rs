//! One module per kind of output. Each holds a [`Generator`]: it renders from the loaded
//! [`Site`] with the [`Renderer`] and writes through the [`Writer`]. A new kind of output is a
//! new module and one line in [`GENERATORS`] (or [`LAST`]). [`run_all`] runs them and returns
//! what each wrote.

pub mod aliases;
pub mod directory;
pub mod events;
pub mod feeds;
pub mod pages;
pub mod search;
mod selection;
pub mod sitemap;
pub mod static_files;
pub mod taxonomies;

use crate::content::{Changes, Site};
use crate::diagnostics::{Error, Result};
use crate::output::Writer;
use crate::render::{Decorations, Renderer};
use crate::{Step, Timings};
use rayon::prelude::*;
pub use selection::Selection;
use static_files::StaticFiles;
use std::collections::HashSet;
use std::sync::Arc;

/// What every generator is given.
#[derive(Clone, Copy)]
pub struct Run<'a> {
    /// The loaded site.
    pub site: &'a Arc<Site>,
    /// Templates and the values they share.
    pub renderer: &'a Renderer,
    /// Where files go: a handle of its own per generator, which keeps what it wrote.
    pub writer: &'a Writer,
    /// The theme's and the site's static files, read before rendering.
    pub statics: &'a StaticFiles,
    /// What to render: everything, or what an edit touched (the preview's incremental rebuild).
    pub selected: &'a Selection,
    /// Every address the site publishes, sorted (for the generators in [`LAST`]; empty before).
    pub listed: &'a [SitemapEntry],
}

/// One kind of output.
pub struct Generator {
    /// Its step in `--verbose` timings.
    pub name: &'static str,
    /// The addresses it publishes, for the sitemap, whether or not this run writes them.
    pub lists: fn(&Site) -> Vec<SitemapEntry>,
    /// Whether it has anything to write for this selection (a partial render skips the rest).
    pub runs: fn(&Site, &Selection) -> bool,
    /// Adds to a partial selection what it makes from the pages an edit changed (the
    /// preview's incremental rebuild asks every generator).
    pub touches: fn(&Site, &Changes, &mut Selection),
    /// Renders and writes its files.
    pub run: fn(&Run<'_>) -> Result<()>,
}

/// Generators that read only the site: they run side by side (writing pages waits on the
/// file system while the search index is pure computation, so together they keep every core
/// busy).
pub const GENERATORS: &[Generator] = &[
    static_files::GENERATOR,
    pages::GENERATOR,
    search::GENERATOR,
    taxonomies::GENERATOR,
    directory::GENERATOR,
    aliases::NOT_FOUND,
    feeds::GENERATOR,
    events::GENERATOR,
];

/// Generators that run after all of [`GENERATORS`], in this order: the sitemap lists what the
/// others publish, and redirects are written last so they can only take an address nothing
/// else was written at.
pub const LAST: &[Generator] = &[sitemap::SITEMAP, sitemap::ROBOTS, aliases::ALIASES];

/// What the generators add to the template values of pages and sections.
pub const DECORATIONS: Decorations = Decorations {
    page: directory::page_value,
    section: directory::decorate_section,
    event: events::page_value,
    events: events::section_value,
};

/// What one generator wrote.
#[derive(Debug, Clone)]
pub struct Written {
    /// The generator's name ([`Generator::name`]).
    pub generator: &'static str,
    /// Site-relative paths, in the order written.
    pub paths: Vec<String>,
}

/// Runs every generator for `selected`: [`GENERATORS`] in parallel, then [`LAST`] in order.
/// Returns what each generator that ran wrote.
pub fn run_all(
    site: &Arc<Site>,
    renderer: &Renderer,
    statics: &StaticFiles,
    writer: &Writer,
    selected: &Selection,
    timings: &mut Timings,
) -> Result<Vec<Written>> {
    let mut listed: Vec<SitemapEntry> = GENERATORS.iter().flat_map(|g| (g.lists)(site)).collect();
    listed.sort_by(|a, b| a.path.cmp(&b.path));
    let run = Run {
        site,
        renderer,
        writer,
        statics,
        selected,
        listed: &[],
    };
    let results: Vec<Option<(Result<Written>, Step)>> =
        GENERATORS.par_iter().map(|g| run_one(g, &run)).collect();
    let mut outcomes = Vec::with_capacity(results.len());
    let mut written = Vec::with_capacity(results.len() + LAST.len());
    for (result, step) in results.into_iter().flatten() {
        timings.steps.push(step);
        outcomes.push(result.map(|w| written.push(w)));
    }
    gather(outcomes)?;
    let run = Run {
        listed: &listed,
        ..run
    };
    for g in LAST {
        if let Some((result, step)) = run_one(g, &run) {
            timings.steps.push(step);
            written.push(result?);
        }
    }
    Ok(written)
}

/// Runs `g` with a writer handle of its own, if it has anything to do for the selection.
fn run_one(g: &Generator, run: &Run<'_>) -> Option<(Result<Written>, Step)> {
    if !(g.runs)(run.site, run.selected) {
        return None;
    }
    let writer = run.writer.scoped();
    let own = Run {
        writer: &writer,
        ..*run
    };
    let mut timings = Timings::default();
    let result = timings.time(g.name, || (g.run)(&own));
    let paths = writer.take_written();
    let mut step = timings.steps.pop().expect("timed step");
    step.files = Some(paths.len());
    let written = Written {
        generator: g.name,
        paths,
    };
    Some((result.map(|()| written), step))
}

/// For [`Generator::runs`]: a generator of whole-site files that a partial render leaves alone.
pub(crate) fn full_render_only(_: &Site, selected: &Selection) -> bool {
    matches!(selected, Selection::All)
}

/// For [`Generator::runs`]: a generator that always runs (it lists every page, or it picks the
/// selected items itself).
pub(crate) fn always(_: &Site, _: &Selection) -> bool {
    true
}

/// What to render after an edit of existing pages: what each generator says the edit touches.
pub fn touched(site: &Site, changes: &Changes) -> Selection {
    let mut selected = Selection::none();
    for g in GENERATORS.iter().chain(LAST) {
        (g.touches)(site, changes, &mut selected);
    }
    selected
}

/// For [`Generator::touches`]: a generator that lists every page (it runs on every render) or
/// that an edit of page text never changes.
pub(crate) fn touches_nothing(_: &Site, _: &Changes, _: &mut Selection) {}

/// For [`Generator::lists`]: a generator that publishes nothing the sitemap lists.
pub(crate) fn lists_nothing(_: &Site) -> Vec<SitemapEntry> {
    Vec::new()
}

/// One URL for the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    /// Site-relative path.
    pub path: String,
    /// Last modification date, if known.
    pub lastmod: Option<chrono::NaiveDate>,
}

/// Collects diagnostics from parallel work, dropping repeats (one broken template fails every page).
pub(crate) fn gather(results: Vec<std::result::Result<(), Error>>) -> Result<()> {
    let mut seen = HashSet::new();
    let mut all = Vec::new();
    for r in results {
        if let Err(e) = r {
            for d in e.diagnostics {
                if seen.insert((d.file.clone(), d.line, d.column, d.message.clone())) {
                    all.push(d);
                }
            }
        }
    }
    if all.is_empty() {
        Ok(())
    } else {
        Err(Error::new(all))
    }
}
