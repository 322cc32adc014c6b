//! Front matter: the TOML between `+++` lines at the top of a content file.

use crate::diagnostics::Diagnostic;
use crate::toml_schema::{self, Located, Shape, Spans};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A content file split into its front matter and body.
#[derive(Debug, Clone)]
pub struct Split<'a> {
    /// The TOML text.
    pub front_matter: &'a str,
    /// Byte offset of the TOML text in the file.
    pub front_matter_offset: usize,
    /// The Markdown body.
    pub body: &'a str,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
}

/// Splits a file at its `+++` fences.
pub fn split<'a>(source: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let bom = if source.starts_with('\u{feff}') { 3 } else { 0 };
    let text = &source[bom..];
    let opening = text
        .strip_prefix("+++\r\n")
        .map(|_| 5)
        .or_else(|| text.strip_prefix("+++\n").map(|_| 4));
    let Some(open_len) = opening else {
        let hint = if text.starts_with("---") {
            "kumppani reads TOML front matter between `+++` lines (not YAML `---`); write:\n+++\ntitle = \"Otsikko\"\n+++"
        } else {
            "start the file with a front matter block:\n+++\ntitle = \"Otsikko\"\n+++"
        };
        return Err(Diagnostic::error(
            "front-matter",
            "the file does not start with `+++` front matter",
        )
        .with_file(file)
        .at(1, 1)
        .with_source_line(text.lines().next().unwrap_or(""))
        .with_hint(hint));
    };
    let start = bom + open_len;
    let mut offset = start;
    for line in source[start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let body_offset = offset + line.len();
            return Ok(Split {
                front_matter: &source[start..offset],
                front_matter_offset: start,
                body: &source[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error("front-matter", "the front matter is never closed")
            .with_file(file)
            .at(1, 1)
            .with_source_line("+++")
            .with_hint("add a line with only `+++` after the last front matter key"),
    )
}

/// The front matter's TOML text of a loaded file (without its `+++` fences); offsets in it
/// start at `file.front_matter_offset`.
pub(crate) fn text_of(file: &super::SourceFile) -> &str {
    let with_fence = file
        .source
        .get(file.front_matter_offset..file.body_offset)
        .unwrap_or("");
    // The closing `+++` is the last line before the body.
    let without_newline = with_fence.trim_end_matches(['\n', '\r']);
    without_newline
        .rfind('\n')
        .map_or("", |i| &with_fence[..=i])
}

/// The front matter of a loaded file parsed with spans, to point messages at its keys; add
/// `file.front_matter_offset` to an answer for the offset in the file.
pub(crate) fn spans_of(file: &super::SourceFile) -> Spans<'_> {
    Spans::parse(text_of(file))
}

/// A date written as a TOML date (`date = 2026-05-01`) or a string (`date = "2026-05-01"`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

/// Front matter keys shared by pages and sections, as written.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct FrontMatter {
    /// Required: the page title.
    pub title: Option<String>,
    /// One sentence for search results and `<meta name="description">`.
    pub description: Option<String>,
    pub(crate) date: Option<RawDate>,
    pub(crate) updated: Option<RawDate>,
    /// Left out of builds unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Lower comes first among siblings.
    pub weight: Option<i64>,
    /// Overrides the URL segment made from the file name.
    pub slug: Option<String>,
    /// Old URLs that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Template to render with instead of the default.
    pub template: Option<String>,
    /// Terms per taxonomy.
    #[serde(default)]
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Free data for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Section only: write an Atom feed of the section's pages.
    #[serde(default)]
    pub generate_feed: bool,
    /// Section only: show a top-level section in the main navigation (default true).
    pub in_nav: Option<bool>,
    /// Section only: template for the section's pages.
    pub page_template: Option<String>,
    /// Section only: task cards (`[[tasks]]`), shown first on the home page by the default
    /// theme so people find what they came for without reading the body.
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// Organisation profile data, validated by the directory module.
    pub organisation: Option<toml::Table>,
    /// Event data, validated by the event module.
    pub event: Option<toml::Table>,
}

/// One task card of a section: what a person wants to do and where to do it.
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
pub struct Task {
    /// The task as the reader would say it: "Hae avustusta".
    pub title: String,
    /// An internal `@/` content path (checked when the site is rendered) or an `https://` URL.
    pub link: String,
    /// One short sentence under the title.
    pub description: Option<String>,
}

/// Dates resolved from front matter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Dates {
    /// Publication date.
    pub date: Option<NaiveDate>,
    /// Last update.
    pub updated: Option<NaiveDate>,
}

/// Keys only a section (`_index.md`) may have.
const SECTION_ONLY: &[&str] = &["generate_feed", "in_nav", "page_template", "tasks"];
/// Keys only a page may have.
const PAGE_ONLY: &[&str] = &["organisation", "event"];

/// Keys a page (or, with `is_section`, a section) may have, read from [`FrontMatter`] itself.
pub fn schema(is_section: bool) -> &'static [(&'static str, Shape)] {
    static KEYS: std::sync::LazyLock<[Vec<(&'static str, Shape)>; 2]> =
        std::sync::LazyLock::new(|| {
            let all = toml_schema::table_keys::<FrontMatter>();
            let without = |left_out: &[&str]| -> Vec<(&'static str, Shape)> {
                let mut keys = all.clone();
                keys.retain(|(k, _)| !left_out.contains(k));
                keys
            };
            [without(SECTION_ONLY), without(PAGE_ONLY)]
        });
    &KEYS[usize::from(is_section)]
}

/// Parses front matter text strictly; `is_section` picks the allowed keys.
pub fn parse(
    split: &Split<'_>,
    file: &Path,
    source: &str,
    is_section: bool,
) -> Result<(FrontMatter, Dates), Vec<Diagnostic>> {
    let keys = schema(is_section);
    let at = Located {
        file,
        file_source: source,
        offset: split.front_matter_offset,
    };
    let fm: FrontMatter = toml_schema::parse(split.front_matter, keys, &at)?;
    let mut problems = Vec::new();
    // The checked document went into `fm`; it is parsed again only to place a message.
    let spans = std::cell::OnceCell::new();
    let key_at = |key: &str| {
        let spans = spans.get_or_init(|| Spans::parse(split.front_matter));
        split.front_matter_offset + spans.key(key).unwrap_or(0)
    };
    if fm.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        problems.push(
            Diagnostic::error("missing-title", "the front matter has no title")
                .with_file(file)
                .at_offset(source, split.front_matter_offset)
                .with_hint("add a line like: title = \"Yhdistysavustukset\""),
        );
    }
    let mut resolve = |key: &str, raw: &Option<RawDate>| -> Option<NaiveDate> {
        let raw = raw.as_ref()?;
        let text = match raw {
            RawDate::Toml(d) => d.to_string(),
            RawDate::Text(s) => s.clone(),
        };
        let date_part = text.get(..10).unwrap_or(&text);
        match NaiveDate::parse_from_str(date_part, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(
                    Diagnostic::error("bad-date", format!("`{key}` is not a date: `{text}`"))
                        .with_file(file)
                        .at_offset(source, key_at(key))
                        .with_hint(format!(
                            "write dates as YYYY-MM-DD, e.g. {key} = 2026-11-20"
                        )),
                );
                None
            }
        }
    };
    let dates = Dates {
        date: resolve("date", &fm.date),
        updated: resolve("updated", &fm.updated),
    };
    for (n, task) in fm.tasks.iter().enumerate() {
        let problem = if task.title.trim().is_empty() {
            Some((
                "task-without-title",
                format!("task {} has an empty title", n + 1),
                "give each [[tasks]] a title, e.g. title = \"Hae avustusta\"".to_string(),
            ))
        } else if !(task.link.starts_with("@/")
            || task.link.starts_with("https://")
            || task.link.starts_with("http://"))
        {
            Some((
                "task-link",
                format!("the link of task `{}` is `{}`, neither an `@/` content path nor a web address", task.title, task.link),
                "link to a content file, e.g. link = \"@/jarjestot/_index.md\", or to an https:// address".to_string(),
            ))
        } else {
            None
        };
        if let Some((code, message, hint)) = problem {
            problems.push(
                Diagnostic::error(code, message)
                    .with_file(file)
                    .at_offset(source, key_at("tasks"))
                    .with_hint(hint),
            );
        }
    }
    if problems.is_empty() {
        Ok((fm, dates))
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowed_keys_come_from_the_front_matter_type() {
        let page = toml_schema::outline(schema(false));
        let section = toml_schema::outline(schema(true));
        let common = [
            "title",
            "description",
            "date",
            "updated",
            "draft",
            "weight",
            "slug",
            "aliases",
            "template",
            "taxonomies{*}",
            "extra{*}",
        ];
        assert_eq!(
            page,
            [&common[..], &["organisation{*}", "event{*}"]].concat()
        );
        assert_eq!(
            section,
            [
                &common[..],
                &[
                    "generate_feed",
                    "in_nav",
                    "page_template",
                    "tasks[title,link,description]"
                ]
            ]
            .concat()
        );
    }

    #[test]
    fn the_front_matter_type_reads_every_listed_key() {
        let empty = toml::Table::new();
        toml_schema::assert_type_reads_every_key::<FrontMatter>(schema(false), &empty);
        toml_schema::assert_type_reads_every_key::<FrontMatter>(schema(true), &empty);
    }

    #[test]
    fn splits_front_matter_and_body_with_offsets() {
        let src = "+++\ntitle = \"A\"\n+++\nBody\n";
        let s = split(src, Path::new("a.md")).unwrap();
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(&src[s.body_offset..], "Body\n");
    }

    #[test]
    fn the_front_matter_text_of_a_file_leaves_out_its_fences() {
        for (src, expected) in [
            ("+++\ntitle = \"A\"\n+++\nBody\n", "title = \"A\"\n"),
            ("+++\r\ntitle = \"A\"\r\n+++\r\nBody\n", "title = \"A\"\r\n"),
            ("+++\ntitle = \"A\"\n+++", "title = \"A\"\n"),
            ("+++\n+++\nBody\n", ""),
        ] {
            let s = split(src, Path::new("a.md")).unwrap();
            let file = super::super::SourceFile {
                relative: "a.md".into(),
                display: "content/a.md".into(),
                source: src.into(),
                body_offset: s.body_offset,
                front_matter_offset: s.front_matter_offset,
            };
            assert_eq!(text_of(&file), expected, "{src:?}");
            assert_eq!(text_of(&file), s.front_matter);
        }
    }

    #[test]
    fn yaml_front_matter_gets_a_hint() {
        let err = split("---\ntitle: A\n---\n", Path::new("a.md")).unwrap_err();
        assert!(err.hint.unwrap().contains("YAML"));
    }

    #[test]
    fn dates_accept_toml_and_string_forms() {
        let src = "+++\ntitle = \"A\"\ndate = 2026-05-01\nupdated = \"2026-06-02\"\n+++\n";
        let s = split(src, Path::new("a.md")).unwrap();
        let (_, dates) = parse(&s, Path::new("a.md"), src, false).unwrap();
        assert_eq!(dates.date.unwrap().to_string(), "2026-05-01");
        assert_eq!(dates.updated.unwrap().to_string(), "2026-06-02");
    }

    #[test]
    fn bad_date_points_at_its_line() {
        let src = "+++\ntitle = \"A\"\ndate = \"1.5.2026\"\n+++\n";
        let s = split(src, Path::new("a.md")).unwrap();
        let errs = parse(&s, Path::new("a.md"), src, false).unwrap_err();
        assert_eq!(errs[0].line, 3);
    }

    #[test]
    fn tasks_are_read_on_sections_and_checked() {
        let src =
            "+++\ntitle = \"A\"\n[[tasks]]\ntitle = \"Hae avustusta\"\nlink = \"@/a.md\"\n+++\n";
        let s = split(src, Path::new("_index.md")).unwrap();
        let (fm, _) = parse(&s, Path::new("_index.md"), src, true).unwrap();
        assert_eq!(fm.tasks[0].title, "Hae avustusta");
        assert_eq!(fm.tasks[0].link, "@/a.md");
        assert_eq!(fm.tasks[0].description, None);
        // Not on pages.
        let errs = parse(&s, Path::new("a.md"), src, false).unwrap_err();
        assert_eq!(errs[0].code, "unknown-key");
        // A relative link would break under a sub-path: refused, pointing at `tasks`.
        let src = "+++\ntitle = \"A\"\n[[tasks]]\ntitle = \"T\"\nlink = \"jarjestot/\"\n+++\n";
        let s = split(src, Path::new("_index.md")).unwrap();
        let errs = parse(&s, Path::new("_index.md"), src, true).unwrap_err();
        assert_eq!((errs[0].code, errs[0].line), ("task-link", 3));
        // Unknown keys inside a task are refused too.
        let src =
            "+++\ntitle = \"A\"\n[[tasks]]\ntitle = \"T\"\nlink = \"@/a.md\"\nicon = \"x\"\n+++\n";
        let s = split(src, Path::new("_index.md")).unwrap();
        assert!(parse(&s, Path::new("_index.md"), src, true).is_err());
    }

    #[test]
    fn section_keys_are_refused_on_pages() {
        let src = "+++\ntitle = \"A\"\ngenerate_feed = true\n+++\n";
        let s = split(src, Path::new("a.md")).unwrap();
        let errs = parse(&s, Path::new("a.md"), src, false).unwrap_err();
        assert_eq!(errs[0].code, "unknown-key");
    }
}
