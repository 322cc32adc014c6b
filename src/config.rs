//! `config.toml`: the site's settings, read strictly.

use crate::diagnostics::{Diagnostic, Error, Result};
use crate::toml_schema::{self, Located, Shape, Spans};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The site's settings as written in `config.toml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Config {
    /// Site title, shown in the header and in `<title>`.
    pub title: String,
    /// One sentence about the site, used as the home page's meta description.
    #[serde(default)]
    pub description: String,
    /// The public address of the site, possibly with a sub-path. Always ends with `/`.
    pub base_url: String,
    /// Content language (BCP 47), also picks the theme's translation file.
    #[serde(default = "default_language")]
    pub language: String,
    /// Theme directory name under `themes/`.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Taxonomies, Zola style: `taxonomies = [{ name = "aiheet" }]`.
    #[serde(default)]
    pub taxonomies: Vec<TaxonomyConfig>,
    /// How many of the newest pages a section's Atom feed carries (as Zola's `feed_limit`):
    /// feed readers want what is new, and a feed of every page grows without end.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// Markdown rendering options.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// The organisation directory; absent on sites without one.
    #[serde(default)]
    pub organisations: Option<OrganisationsConfig>,
    /// Free data for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Settings of `kumppani check`.
    #[serde(default)]
    pub check: CheckConfig,
}

/// Settings of `kumppani check` (`[check]` in config.toml).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct CheckConfig {
    /// Pages whose `updated` (or `date`) is older than this many months are reported; 0 turns
    /// the check off.
    pub stale_after_months: u32,
    /// The accessibility statement page (`@/saavutettavuusseloste.md`); when unset,
    /// `extra.accessibility_statement` is used.
    pub accessibility_statement: Option<String>,
    /// External links not to check: a host (`example.fi`, also matches its subdomains) or a URL
    /// prefix (`https://www.facebook.com/`).
    pub external_skip: Vec<String>,
    /// Where results of external link checks are kept for a day, relative to the site root.
    pub external_cache: String,
    /// Seconds to wait for a server before giving up on a request.
    pub external_timeout_seconds: u64,
    /// How many times a failed request is tried again (with a growing pause).
    pub external_retries: u32,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            stale_after_months: 24,
            accessibility_statement: None,
            external_skip: Vec::new(),
            external_cache: ".kumppani-cache/external-links.json".into(),
            external_timeout_seconds: 15,
            external_retries: 2,
        }
    }
}

/// One taxonomy.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct TaxonomyConfig {
    /// Name used in front matter and as the URL segment.
    pub name: String,
}

/// Markdown options.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MarkdownConfig {
    /// Class added to links that leave the site.
    #[serde(default)]
    pub external_links_class: Option<String>,
    /// `rel` added to links that leave the site.
    #[serde(default)]
    pub external_links_rel: Option<String>,
    /// Curly quotes, dashes and ellipses.
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
    /// Raw HTML and every attribute on the site's own pages pass through as written; `false`
    /// runs the organisation profiles' HTML sanitizer on every page.
    #[serde(default = "yes")]
    pub unsafe_html: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            external_links_class: None,
            external_links_rel: None,
            smart_punctuation: true,
            unsafe_html: true,
        }
    }
}

/// Settings of the organisation directory.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OrganisationsConfig {
    /// The content section holding the profiles.
    #[serde(default = "default_org_section")]
    pub section: String,
    /// Profiles confirmed longer ago than this are reported as stale.
    #[serde(default = "default_verified_age")]
    pub verified_max_age_months: u32,
    /// Allowed categories.
    #[serde(default)]
    pub categories: Vec<Choice>,
    /// Allowed areas.
    #[serde(default)]
    pub areas: Vec<Choice>,
}

/// A configured value with its URL slug and display name.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Choice {
    /// Used in front matter and URLs.
    pub slug: String,
    /// Shown to readers.
    pub name: String,
}

fn default_language() -> String {
    "fi".into()
}
fn default_theme() -> String {
    "kumppani".into()
}
fn default_org_section() -> String {
    "jarjestot".into()
}
fn default_verified_age() -> u32 {
    12
}
fn yes() -> bool {
    true
}

/// Every key `config.toml` may hold, read from [`Config`] itself.
pub fn schema() -> &'static [(&'static str, Shape)] {
    static KEYS: std::sync::LazyLock<Vec<(&'static str, Shape)>> =
        std::sync::LazyLock::new(toml_schema::table_keys::<Config>);
    &KEYS
}

fn default_feed_limit() -> usize {
    20
}

impl Config {
    /// Reads `config.toml` from the site root.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join("config.toml");
        let source = std::fs::read_to_string(&path).map_err(|err| {
            if err.kind() == std::io::ErrorKind::NotFound {
                Diagnostic::usage(format!("no config.toml in {}", root.display()))
                    .with_hint("run kumppani in the site's folder, pass --root DIR, or create a new site with `kumppani init DIR`")
            } else {
                Diagnostic::io(&path, "read", &err)
            }
        })?;
        Config::parse(&source, Path::new("config.toml"))
    }

    /// Parses and validates config text; `file` is the name used in messages.
    pub fn parse(source: &str, file: &Path) -> Result<Config> {
        let at = Located {
            file,
            file_source: source,
            offset: 0,
        };
        let mut config: Config = toml_schema::parse(source, schema(), &at).map_err(Error::new)?;
        let mut problems = Vec::new();
        // The checked document went into `config`; it is parsed again only to place a message.
        let spans = std::cell::OnceCell::new();
        let spans = || spans.get_or_init(|| Spans::parse(source));
        let locate = |key: &str| spans().key(key).unwrap_or(0);
        match normalize_base_url(&config.base_url) {
            Ok(url) => config.base_url = url,
            Err(why) => problems.push(
                Diagnostic::error("config-value", format!("invalid base_url `{}`: {why}", config.base_url))
                    .with_file(file)
                    .at_offset(source, locate("base_url"))
                    .with_hint("write the full public address, e.g. base_url = \"https://www.example.fi/jarjestot/\""),
            ),
        }
        if config.title.trim().is_empty() {
            problems.push(
                Diagnostic::error("config-value", "title is empty")
                    .with_file(file)
                    .at_offset(source, locate("title"))
                    .with_hint(
                        "give the site a name, e.g. title = \"Järjestöt ja vapaaehtoistyö\"",
                    ),
            );
        }
        check_slugs(&config, spans, source, file, &mut problems);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(Error::new(problems))
        }
    }

    /// The path part of `base_url`, always starting and ending with `/` (e.g. `/jarjestot/`).
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.split_once("://").map_or("", |(_, rest)| rest);
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    }

    /// Replaces `base_url`, validating it (used by `--base-url` and the preview server).
    pub fn set_base_url(&mut self, url: &str) -> Result<()> {
        self.base_url = normalize_base_url(url).map_err(|why| {
            Diagnostic::usage(format!("invalid --base-url `{url}`: {why}"))
                .with_hint("write the full public address, e.g. https://www.example.fi/jarjestot/")
        })?;
        Ok(())
    }

    /// Whether a taxonomy of this name is configured.
    pub fn taxonomy_names(&self) -> Vec<&str> {
        self.taxonomies.iter().map(|t| t.name.as_str()).collect()
    }
}

/// Taxonomy names and directory category and area slugs become URL segments as written: each
/// must be one plain name ([`crate::site_path::check_segment`]) with letters or digits in it.
fn check_slugs<'s>(
    config: &Config,
    spans: impl Fn() -> &'s Spans<'s>,
    source: &str,
    file: &Path,
    problems: &mut Vec<Diagnostic>,
) {
    // (path of the value, what it is, the value)
    let mut values: Vec<(String, &str, &str)> = config
        .taxonomies
        .iter()
        .enumerate()
        .map(|(i, t)| {
            (
                format!("taxonomies[{i}].name"),
                "taxonomy name",
                t.name.as_str(),
            )
        })
        .collect();
    if let Some(o) = &config.organisations {
        values.extend(o.categories.iter().enumerate().map(|(i, c)| {
            (
                format!("organisations.categories[{i}].slug"),
                "category slug",
                c.slug.as_str(),
            )
        }));
        values.extend(o.areas.iter().enumerate().map(|(i, a)| {
            (
                format!("organisations.areas[{i}].slug"),
                "area slug",
                a.slug.as_str(),
            )
        }));
    }
    for (path, what, value) in values {
        let why = match crate::site_path::check_segment(value) {
            Err(why) => why.to_string(),
            Ok(()) if crate::text::slugify(value).is_empty() => {
                "it has no letters or digits to make an address from".to_string()
            }
            Ok(()) => continue,
        };
        let at = spans().value(&path).unwrap_or(0);
        let proposal = crate::text::slugify(value);
        let example = if proposal.is_empty() {
            "kulttuuri"
        } else {
            proposal.as_str()
        };
        problems.push(
            Diagnostic::error(
                "bad-slug",
                format!(
                    "the {what} `{}` cannot be part of an address: {why}",
                    value.escape_debug()
                ),
            )
            .with_file(file)
            .at_offset(source, at)
            .with_hint(format!(
                "use letters, digits and hyphens, e.g. \"{example}\""
            )),
        );
    }
}

fn normalize_base_url(url: &str) -> std::result::Result<String, &'static str> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("it must start with http:// or https://");
    };
    if scheme != "http" && scheme != "https" {
        return Err("it must start with http:// or https://");
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err("it has no host name");
    }
    if url.contains(['?', '#']) {
        return Err("it must not have a query or fragment");
    }
    let mut url = url.to_string();
    if !rest.contains('/') || !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowed_keys_come_from_the_config_type() {
        assert_eq!(
            toml_schema::outline(schema()),
            [
                "title",
                "description",
                "base_url",
                "language",
                "theme",
                "taxonomies[name]",
                "feed_limit",
                "markdown{external_links_class,external_links_rel,smart_punctuation,unsafe_html}",
                "organisations{section,verified_max_age_months,categories[slug,name],areas[slug,name]}",
                "extra{*}",
                "check{stale_after_months,accessibility_statement,external_skip,external_cache,\
                 external_timeout_seconds,external_retries}",
            ]
        );
    }

    #[test]
    fn the_config_type_reads_and_writes_exactly_the_listed_keys() {
        let base: toml::Table = "title = \"t\"\nbase_url = \"https://x.fi/\""
            .parse()
            .unwrap();
        toml_schema::assert_type_reads_every_key::<Config>(schema(), &base);
        let mut config = Config::parse(
            "title = \"t\"\nbase_url = \"https://x.fi/\"\n[organisations]\n",
            Path::new("c"),
        )
        .unwrap();
        config.taxonomies.push(TaxonomyConfig { name: "a".into() });
        toml_schema::assert_serialized_keys_match(&config, schema());
    }

    #[test]
    fn base_path_keeps_sub_path() {
        let c = Config::parse(
            "title = \"t\"\nbase_url = \"https://x.fi/jarjestot\"",
            Path::new("c"),
        )
        .unwrap();
        assert_eq!(c.base_url, "https://x.fi/jarjestot/");
        assert_eq!(c.base_path(), "/jarjestot/");
        let c =
            Config::parse("title = \"t\"\nbase_url = \"https://x.fi\"", Path::new("c")).unwrap();
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn unknown_key_is_reported_with_suggestion() {
        let err = Config::parse(
            "title = \"t\"\nbase_url = \"https://x.fi\"\nlanguag = \"fi\"\n",
            Path::new("config.toml"),
        )
        .unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!((d.line, d.column), (3, 1));
        assert!(d.hint.as_deref().unwrap().contains("`language`"));
    }

    #[test]
    fn unsafe_taxonomy_names_and_directory_slugs_are_errors() {
        let err = Config::parse(
            "title = \"t\"\nbase_url = \"https://x.fi\"\ntaxonomies = [{ name = \"..\" }]\n\
             [organisations]\ncategories = [\n  { slug = \"ok\", name = \"Ok\" },\n  { slug = \"a/b\", name = \"X\" },\n]\n\
             areas = [{ slug = \"!!!\", name = \"Y\" }]\n",
            Path::new("config.toml"),
        )
        .unwrap_err();
        let found: Vec<(usize, usize, &str)> = err
            .diagnostics
            .iter()
            .map(|d| (d.line, d.column, d.code))
            .collect();
        assert_eq!(
            found,
            [
                (3, 24, "bad-slug"),
                (7, 12, "bad-slug"),
                (9, 19, "bad-slug")
            ]
        );
        assert!(err.diagnostics[1].message.contains("category slug `a/b`"));
        assert!(
            err.diagnostics[1]
                .hint
                .as_deref()
                .unwrap()
                .contains("\"a-b\"")
        );
    }

    #[test]
    fn bad_base_url_is_an_error() {
        let err = Config::parse(
            "title = \"t\"\nbase_url = \"www.x.fi\"\n",
            Path::new("config.toml"),
        )
        .unwrap_err();
        assert_eq!(err.diagnostics[0].line, 2);
    }
}
