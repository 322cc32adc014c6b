//! kumppani: a static site generator for a municipality's hub of associations and volunteer work.
//!
//! The pipeline runs one way: [`load`] reads `config.toml` and `content/` into an immutable
//! [`content::Site`]; [`render_into`] renders it with the theme's templates through a [`output::Writer`];
//! [`build`] wraps both with a staging folder that replaces the output only when everything
//! succeeded. `serve` and `check` reuse the same steps.

#![warn(missing_docs, unreachable_pub)]

pub mod check;
pub mod clock;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod generate;
pub mod init;
pub mod markdown;
pub mod new_organisation;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod site_path;
pub mod text;
pub mod theme;
pub mod toml_schema;

use crate::config::Config;
use crate::content::{LoadOptions, Site};
use crate::diagnostics::{Diagnostic, Result};
use crate::generate::Selection;
use crate::generate::static_files::StaticFiles;
use crate::output::Writer;
use crate::render::Renderer;
use crate::theme::Theme;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What `kumppani build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder (holds `config.toml`).
    pub root: PathBuf,
    /// Where the site goes (default `<root>/public`).
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from config.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Add the preview server's live-reload script.
    pub serve_mode: bool,
    /// Replace an existing file or a folder that kumppani did not write (`--force`).
    pub force: bool,
    /// The date to build as of; `None` reads it with [`clock::today`].
    pub today: Option<chrono::NaiveDate>,
}

/// Time spent in each pipeline step, for `--verbose`.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Steps in order.
    pub steps: Vec<Step>,
}

/// One timed pipeline step.
#[derive(Debug, Clone)]
pub struct Step {
    /// What the step does ("render pages").
    pub name: &'static str,
    /// How long it took.
    pub took: Duration,
    /// The process's peak resident memory when the step ended, where the system tells it:
    /// the step that raises it is the one to look at when a big site runs out of memory.
    pub peak_rss: Option<u64>,
    /// How many files a generator wrote in this step.
    pub files: Option<usize>,
}

impl Timings {
    /// Runs `f`, recording how long it took under `name`.
    pub fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let value = f();
        self.steps.push(Step {
            name,
            took: start.elapsed(),
            peak_rss: peak_rss(),
            files: None,
        });
        value
    }
}

/// Peak resident set size of this process in bytes (Linux `VmHWM`; `None` elsewhere).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// What a successful build reports.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Where the site was written.
    pub output: PathBuf,
    /// Number of pages (content pages and sections).
    pub pages: usize,
    /// Problems that did not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Step timings (rendering pages and building the search index run side by side).
    pub timings: Timings,
    /// Wall time of the whole build.
    pub took: Duration,
}

/// Reads config and content into a checked [`Site`].
pub fn load(
    root: &Path,
    base_url: Option<&str>,
    options: &LoadOptions,
    timings: &mut Timings,
) -> Result<Site> {
    let mut config = timings.time("read config", || Config::load(root))?;
    if let Some(url) = base_url {
        config.set_base_url(url)?;
    }
    timings.time("load content", || content::load(root, config, options))
}

/// Renders a loaded site with `writer` (a folder or memory) and the theme's templates: the
/// static files are read first (every page links the stylesheet by its fingerprinted name),
/// then every [`generate::Generator`] runs. [`Selection::All`] renders everything. A partial
/// selection (the preview server's incremental rebuild) renders what each generator says the
/// selection touches; the search index is refreshed by the preview separately with
/// [`render_search`]. Returns what each generator wrote.
pub fn render_into(
    site: &Arc<Site>,
    theme: &Theme,
    writer: &Writer,
    serve_mode: bool,
    selected: &Selection,
    timings: &mut Timings,
) -> Result<Vec<generate::Written>> {
    let statics = timings.time("read static files", || StaticFiles::read(site, theme))?;
    let css_url = site.url(&statics.stylesheet);
    let renderer = timings.time("load templates", || {
        Renderer::new(site, theme, &css_url, serve_mode, generate::DECORATIONS)
    })?;
    generate::run_all(site, &renderer, &statics, writer, selected, timings)
}

/// Builds the search index and renders the search page (whose script URL carries the index
/// version) with `writer`.
pub fn render_search(
    site: &Arc<Site>,
    theme: &Theme,
    writer: &Writer,
    serve_mode: bool,
    timings: &mut Timings,
) -> Result<()> {
    let statics = StaticFiles::read(site, theme)?;
    let css_url = site.url(&statics.stylesheet);
    let renderer = Renderer::new(site, theme, &css_url, serve_mode, generate::DECORATIONS)?;
    timings.time(generate::search::GENERATOR.name, || {
        generate::search::write(site, &renderer, writer)
    })
}

/// Builds the site into the output folder; on any error the previous output is left untouched.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let mut timings = Timings::default();
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| options.root.join("public"));
    output::check_output_dir(&options.root, &output, options.force)?;
    let load_options = LoadOptions {
        drafts: options.drafts,
        today: options.today.map_or_else(clock::today, Ok)?,
    };
    // Preparing the staging folder (claiming and checking the kept output) waits on the file
    // system while loading is mostly computation: side by side.
    let (site, staging) = rayon::join(
        || {
            let mut own = Timings::default();
            let site = load(
                &options.root,
                options.base_url.as_deref(),
                &load_options,
                &mut own,
            );
            (site, own)
        },
        || {
            let mut own = Timings::default();
            let staging = own.time("prepare the staging folder", || {
                output::staging_dir(&output)
            });
            (staging, own)
        },
    );
    timings.steps.extend(site.1.steps);
    timings.steps.extend(staging.1.steps);
    let staging = staging.0?;
    let site = match site.0 {
        Ok(site) => Arc::new(site),
        Err(e) => {
            output::discard_staging(&staging, &output);
            return Err(e);
        }
    };
    let writer = Writer::new(&staging.dir);
    let written = timings
        .time("read theme", || Theme::load(&site.root, &site.config.theme))
        .and_then(|theme| {
            render_into(
                &site,
                &theme,
                &writer,
                options.serve_mode,
                &Selection::All,
                &mut timings,
            )
        })
        .and_then(|_| Ok(writer.write(output::MARKER, output::MARKER_TEXT.as_bytes())?))
        .and_then(|()| {
            if staging.reused {
                timings.time("remove files no longer built", || writer.remove_unwritten())?;
            }
            timings.time("swap into place", || {
                output::swap_into_place(&staging.dir, &output)
            })
        });
    if let Err(e) = written {
        output::discard_staging(&staging, &output);
        return Err(e);
    }
    let mut warnings = site.warnings.clone();
    warnings.extend(staging.warning.clone());
    Ok(BuildReport {
        output,
        pages: site.pages.len() + site.sections.len(),
        warnings,
        timings,
        took: start.elapsed(),
    })
}
