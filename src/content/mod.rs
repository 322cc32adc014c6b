//! The content model: an immutable [`Site`] of pages, sections and taxonomies, every internal
//! link resolved, with the typed organisation profiles of the directory ([`organisation`]).
//! Rendering reads only this model, never the file system; the model imports nothing of
//! rendering, writing or the generators. Of each Markdown body the model keeps the outline
//! (headings, table of contents, summary, links, images, problems, word count), not its HTML or
//! text: a site's memory grows with its metadata, not its text. Whatever writes, indexes or
//! crawls a page renders the body again with [`Site::bodies`], the one way bodies are rendered.

pub mod event;
pub mod frontmatter;
mod load;
pub mod organisation;
mod table_reader;
mod update;

pub use frontmatter::{Dates, FrontMatter};
pub use load::{BodyRenderer, LoadOptions, is_editor_temp, load, load_collecting};
pub use update::{Changes, Update, update_pages};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use std::collections::HashMap;
use std::path::PathBuf;

/// Site path of the search page (the header's search form submits here); a page there wins.
pub const SEARCH_PATH: &str = "haku/";

/// The folder the search index is written to (`search/index.json`, its shards and blocks):
/// no alias may take an address in it.
pub const SEARCH_INDEX_FOLDER: &str = "search/";

/// A content file as read from disk.
#[derive(Debug, Clone, Default)]
pub struct SourceFile {
    /// Path under `content/` with `/` separators, as written in `@/` links (`uutiset/avaus.md`).
    pub relative: String,
    /// Path shown in messages, relative to the site root (`content/uutiset/avaus.md`).
    pub display: PathBuf,
    /// The whole file.
    pub source: String,
    /// Where the Markdown body starts.
    pub body_offset: usize,
    /// Where the front matter starts.
    pub front_matter_offset: usize,
}

/// A Markdown page (any `.md` file other than `_index.md`).
#[derive(Debug, Clone)]
pub struct Page {
    /// Where it came from.
    pub file: SourceFile,
    /// Its front matter.
    pub meta: FrontMatter,
    /// Resolved dates.
    pub dates: Dates,
    /// The title (front matter `title`).
    pub title: String,
    /// The last URL segment.
    pub slug: String,
    /// Path under the site root, without the base path: `uutiset/avaus/`.
    pub path: String,
    /// Index of the section the page belongs to.
    pub section: usize,
    /// What the build keeps of the rendered Markdown (not its HTML or text: see
    /// [`Site::bodies`]).
    pub content: Rendered,
    /// Words in the body.
    pub word_count: usize,
    /// Previous page in the section's order.
    pub lower: Option<usize>,
    /// Next page in the section's order.
    pub higher: Option<usize>,
    /// The checked `[organisation]` table of a directory profile.
    pub organisation: Option<organisation::Organisation>,
    /// The checked `[event]` table of an event page.
    pub event: Option<event::Event>,
}

/// A section (`_index.md`), including the home page (path `""`).
#[derive(Debug, Clone)]
pub struct Section {
    /// Where it came from (synthesized for a site without `content/_index.md`).
    pub file: SourceFile,
    /// Its front matter.
    pub meta: FrontMatter,
    /// Resolved dates.
    pub dates: Dates,
    /// The title.
    pub title: String,
    /// Path under the site root: `""` for home, `uutiset/` for a section.
    pub path: String,
    /// Parent section, `None` for home.
    pub parent: Option<usize>,
    /// Pages directly in this section, in display order.
    pub pages: Vec<usize>,
    /// Child sections, in display order.
    pub subsections: Vec<usize>,
    /// What the build keeps of the rendered Markdown (not its HTML or text: see
    /// [`Site::bodies`]).
    pub content: Rendered,
}

/// One taxonomy with its terms.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    /// Name as configured; also the URL segment.
    pub name: String,
    /// Terms sorted in Finnish alphabetical order.
    pub terms: Vec<Term>,
}

/// One term of a taxonomy.
#[derive(Debug, Clone)]
pub struct Term {
    /// As first written in front matter.
    pub name: String,
    /// URL segment.
    pub slug: String,
    /// Pages with this term, newest first.
    pub pages: Vec<usize>,
}

/// A reference to a page or section by index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Item {
    /// Index into `Site::pages`.
    Page(usize),
    /// Index into `Site::sections`.
    Section(usize),
}

/// A non-Markdown file under `content/`, copied next to the pages.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute source path.
    pub source: PathBuf,
    /// Output path under the site root (`uutiset/kuva.jpg`).
    pub relative: String,
}

/// The whole site, loaded and checked.
#[derive(Debug, Clone)]
pub struct Site {
    /// Settings.
    pub config: Config,
    /// The site's root folder.
    pub root: PathBuf,
    /// All published pages.
    pub pages: Vec<Page>,
    /// All published sections; index 0 is home.
    pub sections: Vec<Section>,
    /// Taxonomies in config order.
    pub taxonomies: Vec<Taxonomy>,
    /// Content path (`uutiset/avaus.md`) to item.
    pub by_file: HashMap<String, Item>,
    /// Files to copy from `content/`.
    pub assets: Vec<Asset>,
    /// Warnings found while loading.
    pub warnings: Vec<Diagnostic>,
    /// Content files that failed to parse (`uutiset/rikki.md`): links to them render as `#`
    /// whenever a body is rendered again.
    pub unreadable: Vec<String>,
    /// The date the site is built as of: freshness of profiles, `now()` in templates.
    pub today: chrono::NaiveDate,
}

impl Site {
    /// Root-relative URL of a site path, with the base path: `uutiset/` → `/jarjestot/uutiset/`.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.config.base_path(),
            path.trim_start_matches('/')
        )
    }

    /// Absolute URL of a site path: `uutiset/` → `https://host/jarjestot/uutiset/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.config.base_url, path.trim_start_matches('/'))
    }

    /// The site path of a page or section (`uutiset/avaus/`).
    pub fn path_of(&self, item: Item) -> &str {
        match item {
            Item::Page(i) => &self.pages[i].path,
            Item::Section(i) => &self.sections[i].path,
        }
    }

    /// The item a content path such as `uutiset/avaus.md` refers to.
    pub fn get(&self, content_path: &str) -> Option<Item> {
        self.by_file
            .get(content_path.trim_start_matches("@/"))
            .copied()
    }

    /// Top-level sections in navigation order.
    pub fn nav_sections(&self) -> Vec<usize> {
        self.sections[0]
            .subsections
            .iter()
            .copied()
            .filter(|&s| self.sections[s].meta.in_nav.unwrap_or(true))
            .collect()
    }

    /// Sections from home down to (not including) the given section.
    pub fn ancestors(&self, mut section: usize) -> Vec<usize> {
        let mut chain = vec![];
        while let Some(parent) = self.sections[section].parent {
            chain.push(parent);
            section = parent;
        }
        chain.reverse();
        chain
    }
}
