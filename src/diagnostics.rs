//! The one error type of kumppani.
//!
//! Every problem the pipeline finds becomes a [`Diagnostic`]: where it is (file, line, column),
//! what is wrong, and how to fix it. Library code collects them and returns an [`Error`]; only
//! `main.rs` prints them and picks the exit code, so the same messages can be shown in a
//! terminal, as JSON, or as an error page in the preview server.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a finding is: errors fail the build, warnings are printed and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the build.
    Error,
    /// Printed, does not fail the build (unless a command runs in strict mode).
    Warning,
}

/// What kind of problem it is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Something in the site's own files: content, config, templates. Exit code 1.
    Content,
    /// The command line was wrong or a file could not be read or written. Exit code 2.
    Usage,
}

/// One problem with its place and a suggested fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Content or usage/I/O.
    pub kind: Kind,
    /// A short machine-readable code such as `broken-link`, stable across releases.
    pub code: &'static str,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The offending source line, shown under the location.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A content error in a file.
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind: Kind::Content,
            code,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// A content warning in a file.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// A usage or I/O error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Diagnostic {
            kind: Kind::Usage,
            ..Diagnostic::error("usage", message)
        }
    }

    /// An I/O error on a path (exit code 2).
    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        Diagnostic {
            kind: Kind::Usage,
            ..Diagnostic::error(
                "io",
                format!("could not {action} {}: {err}", path.display()),
            )
        }
        .with_file(path)
    }

    /// Sets the file.
    pub fn with_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Sets line and column (both 1-based).
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Sets line and column from a byte offset into `source`, and remembers the source line.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        let text = source.lines().nth(line - 1).unwrap_or("").to_string();
        self.at(line, column).with_source_line(text)
    }

    /// Sets the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the source line shown under the location.
    pub fn with_source_line(mut self, text: impl Into<String>) -> Self {
        self.source_line = Some(text.into());
        self
    }

    /// The offending source line with its number and a caret under the column
    /// (`2 | title = x` / `  |         ^`), as printed under the location.
    pub fn excerpt(&self) -> Option<String> {
        let text = self.source_line.as_ref()?;
        let number = self.line.to_string();
        let mut out = format!("{number} | {text}");
        if self.column > 0 {
            let caret_pad: String = text
                .chars()
                .take(self.column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            out.push_str(&format!("\n{} | {caret_pad}^", " ".repeat(number.len())));
        }
        Some(out)
    }

    /// `file:line:col` as printed to humans.
    pub fn location(&self) -> String {
        match &self.file {
            None => String::new(),
            Some(file) if self.line == 0 => file.display().to_string(),
            Some(file) => format!("{}:{}:{}", file.display(), self.line, self.column.max(1)),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        let location = self.location();
        if !location.is_empty() {
            writeln!(f, "  --> {location}")?;
        }
        if let Some(excerpt) = self.excerpt() {
            writeln!(f, "{} |", " ".repeat(self.line.to_string().len()))?;
            writeln!(f, "{excerpt}")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  = help: {hint}")?;
        }
        Ok(())
    }
}

/// The error every fallible library function returns: one or more diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// All problems found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Error {
    /// Wraps diagnostics, sorted by file, line and column so output is stable.
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        sort(&mut diagnostics);
        Error { diagnostics }
    }

    /// The process exit code: 2 when any usage or I/O problem is present, otherwise 1.
    pub fn exit_code(&self) -> i32 {
        if self.diagnostics.iter().any(|d| d.kind == Kind::Usage) {
            2
        } else {
            1
        }
    }

    /// All diagnostics rendered for a terminal, followed by a count.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.to_string());
            out.push('\n');
        }
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        out.push_str(&format!(
            "{errors} error{} found",
            if errors == 1 { "" } else { "s" }
        ));
        out
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::new(vec![d])
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Error {}

/// Result alias used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// Sorts diagnostics by file, line, column, so a run's report reads top to bottom.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// Turns a list of diagnostics into `Err` when any of them is an error.
pub fn into_result(diagnostics: Vec<Diagnostic>) -> Result<Vec<Diagnostic>> {
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        Err(Error::new(diagnostics))
    } else {
        Ok(diagnostics)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The candidate closest to `word` by edit distance, when it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&word, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(3) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A hint naming the nearest allowed value (if any) and listing all allowed values.
pub fn suggestion_hint(word: &str, allowed: &[&str]) -> String {
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    match nearest(word, allowed.iter().copied()) {
        Some(n) => format!("did you mean `{n}`? Allowed: {list}"),
        None => format!("allowed: {list}"),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = "ab\nää x";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        assert_eq!(line_col(src, src.find('x').unwrap()), (2, 4));
    }

    #[test]
    fn nearest_suggests_typos_only() {
        let keys = ["title", "description", "date"];
        assert_eq!(nearest("titel", keys), Some("title"));
        assert_eq!(nearest("descripton", keys), Some("description"));
        assert_eq!(nearest("zzzzzzzz", keys), None);
    }

    #[test]
    fn exit_code_prefers_usage() {
        let e = Error::new(vec![Diagnostic::error("x", "a"), Diagnostic::usage("b")]);
        assert_eq!(e.exit_code(), 2);
        assert_eq!(Error::from(Diagnostic::error("x", "a")).exit_code(), 1);
    }
}
