//! `kumppani check`: runs the whole pipeline without touching `public/` and reports everything
//! that is wrong with the site, each problem with its file, line and a way to fix it.
//!
//! The steps, in order: read config; load content *collecting* every loader error instead of
//! stopping at the first file ([`crate::content::load_collecting`]); check the loaded model
//! (descriptions, titles, images, headings, dates: [`content`] and [`freshness`]); render into
//! memory and crawl the HTML from the home page ([`crawl`]) for orphan pages and broken
//! root-relative links; optionally check external links over the network ([`external`]).

pub mod content;
pub mod crawl;
pub mod external;
pub mod freshness;
pub mod report;

use crate::config::Config;
use crate::content::{FrontMatter, LoadOptions, Site, SourceFile};
use crate::diagnostics::{Diagnostic, Kind, Severity, sort};
use crate::generate::Selection;
use crate::markdown::Rendered;
use crate::output::Writer;
use chrono::NaiveDate;
use std::path::PathBuf;

/// What `kumppani check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The site's folder (holds `config.toml`).
    pub root: PathBuf,
    /// Include pages marked `draft = true`.
    pub drafts: bool,
    /// Check external links over the network.
    pub external: bool,
    /// The date freshness checks compare against (today, or fixed for reproducible runs).
    pub today: NaiveDate,
}

/// Everything a check run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// All findings, sorted by file and position.
    pub findings: Vec<Diagnostic>,
    /// Pages and sections checked.
    pub pages: usize,
    /// Distinct external URLs looked at (`None` without `--external`).
    pub external_links: Option<usize>,
}

impl Report {
    /// Number of findings of a severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// 0 clean (or warnings only without `strict`), 1 problems found, 2 usage or I/O errors.
    pub fn exit_code(&self, strict: bool) -> u8 {
        if self.findings.iter().any(|d| d.kind == Kind::Usage) {
            2
        } else if self.count(Severity::Error) > 0 || (strict && !self.findings.is_empty()) {
            1
        } else {
            0
        }
    }
}

/// Runs every check on the site under `options.root`. Problems, including a missing
/// `config.toml`, end up in the report, never as an `Err`, so all of them are shown together.
pub fn run(options: &CheckOptions) -> Report {
    let mut report = Report::default();
    let config = match Config::load(&options.root) {
        Ok(c) => c,
        Err(e) => {
            report.findings = e.diagnostics;
            return report;
        }
    };
    let loaded = crate::content::load_collecting(
        &options.root,
        config,
        &LoadOptions {
            drafts: options.drafts,
            today: options.today,
        },
    );
    let site = match loaded {
        Ok((site, problems)) => {
            report.findings = problems;
            site
        }
        Err(e) => {
            report.findings = e.diagnostics;
            return report;
        }
    };
    report.pages = site.pages.len() + site.sections.len();
    report.findings.extend(content::check(&site));
    report
        .findings
        .extend(freshness::check(&site, options.today));
    report.findings.extend(render_and_crawl(&site));
    if options.external {
        let (findings, checked) = external::check(&site, &external::Settings::from_site(&site));
        report.findings.extend(findings);
        report.external_links = Some(checked);
    }
    sort(&mut report.findings);
    report.findings.dedup();
    report
}

/// Renders into memory and crawls the result: checking writes no file anywhere, so a slug that
/// would escape the output folder cannot touch the disk either.
fn render_and_crawl(site: &Site) -> Vec<Diagnostic> {
    // The renderer shares the model with template functions; checking is rare, a copy will do.
    let site = std::sync::Arc::new(site.clone());
    let writer = Writer::in_memory();
    let mut timings = crate::Timings::default();
    let rendered = crate::theme::Theme::load(&site.root, &site.config.theme).and_then(|theme| {
        crate::render_into(&site, &theme, &writer, false, &Selection::All, &mut timings)
    });
    match rendered {
        Ok(_) => crawl::check(&site, &writer.into_files()),
        // Without the full output a crawl would call every page an orphan: report only this.
        Err(e) => e.diagnostics,
    }
}

/// A page or section, as the checks see it.
pub(crate) struct Document<'a> {
    pub(crate) file: &'a SourceFile,
    pub(crate) meta: &'a FrontMatter,
    pub(crate) title: &'a str,
    pub(crate) content: &'a Rendered,
}

/// Every page, then every section (home included).
pub(crate) fn documents(site: &Site) -> impl Iterator<Item = Document<'_>> {
    let pages = site.pages.iter().map(|p| Document {
        file: &p.file,
        meta: &p.meta,
        title: &p.title,
        content: &p.content,
    });
    pages.chain(site.sections.iter().map(|s| Document {
        file: &s.file,
        meta: &s.meta,
        title: &s.title,
        content: &s.content,
    }))
}

/// Line and column of the front matter key at `path` (`title`, `extra.reviewed`), or of the
/// front matter's start when absent.
pub(crate) fn key_position(file: &SourceFile, path: &str) -> (usize, usize) {
    let spans = crate::content::frontmatter::spans_of(file);
    let offset = file.front_matter_offset + spans.key(path).unwrap_or(0);
    crate::diagnostics::line_col(&file.source, offset)
}

/// A finding about a content file at the position of a front matter key (`path` as in
/// [`key_position`]).
pub(crate) fn at_key(d: Diagnostic, file: &crate::content::SourceFile, path: &str) -> Diagnostic {
    let (line, column) = key_position(file, path);
    let text = file.source.lines().nth(line - 1).unwrap_or("").to_string();
    d.with_file(&file.display)
        .at(line, column)
        .with_source_line(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(source: &str) -> SourceFile {
        let split =
            crate::content::frontmatter::split(source, std::path::Path::new("a.md")).unwrap();
        SourceFile {
            relative: "a.md".into(),
            display: "content/a.md".into(),
            source: source.into(),
            body_offset: split.body_offset,
            front_matter_offset: split.front_matter_offset,
        }
    }

    #[test]
    fn findings_point_at_the_key_the_front_matter_holds() {
        let f = file(
            "+++\ndescription = \"\"\"\nreviewed = x\n\"\"\"\ntitle = \"T\"\n[extra]\nreviewed = 2020-01-01\n+++\nreviewed = body\n",
        );
        assert_eq!(key_position(&f, "extra.reviewed"), (7, 1));
        assert_eq!(key_position(&f, "title"), (5, 1));
        // Absent: the front matter's first line.
        assert_eq!(key_position(&f, "reviewed"), (2, 1));
        assert_eq!(key_position(&f, "updated"), (2, 1));
    }
}
