//! Reading a typed front-matter table (`[organisation]`, `[event]`) value by value on the
//! spanned TOML document rather than through serde, so that a table with five mistakes gets
//! five messages in one run, each at the line and column of the value that is wrong. The
//! tables' own readers add their fields' rules on top of this one.

use crate::diagnostics::{Diagnostic, suggestion_hint};
use std::fmt::Display;
use std::path::Path;
use toml::Spanned;
use toml::de::DeValue;

/// A value of the spanned document.
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// The diagnostic codes of one kind of table (`organisation-type`, `event-type`, …).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Codes {
    /// A value of the wrong TOML type.
    pub(crate) wrong_type: &'static str,
    /// An empty text.
    pub(crate) empty: &'static str,
    /// A text that is not in the required format.
    pub(crate) format: &'static str,
    /// A key the table does not have.
    pub(crate) unknown: &'static str,
}

/// One file's table being read: where its front matter sits and the problems found so far.
pub(crate) struct TableReader<'a> {
    /// The file as shown in messages.
    pub(crate) file: &'a Path,
    /// The whole file's text.
    pub(crate) source: &'a str,
    /// Byte offset of the front matter within the file.
    pub(crate) offset: usize,
    /// The table's name, as messages name its keys (`organisation.email`).
    pub(crate) table: &'static str,
    /// Its diagnostic codes.
    pub(crate) codes: Codes,
    /// Problems found.
    pub(crate) problems: Vec<Diagnostic>,
}

impl TableReader<'_> {
    /// A diagnostic at a span start within the front matter.
    pub(crate) fn at(&self, d: Diagnostic, span_start: usize) -> Diagnostic {
        d.with_file(self.file)
            .at_offset(self.source, self.offset + span_start)
    }

    /// Records an error at a span start within the front matter.
    pub(crate) fn error(&mut self, code: &'static str, message: String, at: usize, hint: String) {
        let d = self.at(Diagnostic::error(code, message), at);
        self.problems.push(d.with_hint(hint));
    }

    /// `key`'s value is not `expected`; `example` is a whole line (`year = 1987`).
    pub(crate) fn wrong_type(&mut self, key: &str, v: &Value<'_>, expected: &str, example: &str) {
        self.error(
            self.codes.wrong_type,
            format!(
                "`{}.{key}` must be {expected}, not {}",
                self.table,
                v.get_ref().type_str()
            ),
            v.span().start,
            format!("write it like: {example}"),
        );
    }

    /// A key the table (or its sub-table `prefix`) does not have, with the nearest allowed one.
    pub(crate) fn unknown(&mut self, prefix: &str, name: &str, at: usize, allowed: &[&str]) {
        self.error(
            self.codes.unknown,
            format!("unknown field `{prefix}{name}`"),
            at,
            suggestion_hint(name, allowed),
        );
    }

    /// A non-empty text, trimmed.
    pub(crate) fn text(&mut self, key: &str, v: &Value<'_>) -> Option<String> {
        match v.get_ref().as_str() {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(_) => {
                self.error(
                    self.codes.empty,
                    format!("`{}.{key}` is empty", self.table),
                    v.span().start,
                    "fill it in, or remove the line (or comment it out with #)".into(),
                );
                None
            }
            None => {
                let last = key.rsplit('.').next().unwrap_or(key);
                self.wrong_type(key, v, "text in quotes", &format!("{last} = \"…\""));
                None
            }
        }
    }

    /// A text that `check` accepts; `example` is a whole line (`email = "info@yhdistys.fi"`).
    pub(crate) fn checked<E: Display>(
        &mut self,
        key: &str,
        v: &Value<'_>,
        what: &str,
        example: &str,
        check: impl Fn(&str) -> Result<(), E>,
    ) -> Option<String> {
        let s = self.text(key, v)?;
        match check(&s) {
            Ok(()) => Some(s),
            Err(why) => {
                self.error(
                    self.codes.format,
                    format!("`{}.{key}` is not a valid {what}: {why}", self.table),
                    v.span().start,
                    format!("write it like: {example}"),
                );
                None
            }
        }
    }
}
