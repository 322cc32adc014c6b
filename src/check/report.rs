//! Printing a check report: for people, grouped by file with a summary line; for machines, a
//! stable JSON document.
//!
//! JSON (version 1):
//! ```json
//! {"version": 1,
//!  "summary": {"errors": 1, "warnings": 2, "files": 2, "pages": 40, "external_links": null},
//!  "findings": [{"severity": "error", "code": "broken-link", "file": "content/a.md",
//!                "line": 3, "column": 5, "message": "…", "hint": "…"}]}
//! ```
//! `file` is `null` for findings about the whole site, `line`/`column` are 0 when unknown,
//! `hint` may be `null`, `external_links` is the number of distinct URLs checked with
//! `--external` and `null` without it. Findings are sorted by file, line and column.

use super::Report;
use crate::diagnostics::{Diagnostic, Severity};
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Number of distinct files with findings.
fn files_with_findings(report: &Report) -> usize {
    report
        .findings
        .iter()
        .filter_map(|d| d.file.as_ref())
        .collect::<BTreeSet<_>>()
        .len()
}

/// The JSON document described at the top of this module.
pub fn json(report: &Report) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|d| {
            json!({
                "severity": d.severity,
                "code": d.code,
                "file": d.file.as_ref().map(|f| f.display().to_string().replace('\\', "/")),
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
            })
        })
        .collect();
    json!({
        "version": 1,
        "summary": {
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "files": files_with_findings(report),
            "pages": report.pages,
            "external_links": report.external_links,
        },
        "findings": findings,
    })
}

/// Findings grouped under their file, then a summary line.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    let mut current: Option<String> = None;
    // Site-wide findings (no file) come first, under their own heading.
    let mut ordered: Vec<&Diagnostic> = report.findings.iter().collect();
    ordered.sort_by_key(|d| d.file.is_some());
    for d in ordered {
        let group = d
            .file
            .as_ref()
            .map_or_else(|| "(whole site)".to_string(), |f| f.display().to_string());
        if current.as_ref() != Some(&group) {
            if current.is_some() {
                out.push('\n');
            }
            out.push_str(&group);
            out.push('\n');
            current = Some(group);
        }
        let label = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let position = if d.line > 0 {
            format!("{}:{}", d.line, d.column.max(1))
        } else {
            "-".to_string()
        };
        out.push_str(&format!(
            "  {position:<8} {label:<7} {}  [{}]\n",
            d.message, d.code
        ));
        if let Some(hint) = &d.hint {
            out.push_str(&format!("  {:<8} {:<7} fix: {hint}\n", "", ""));
        }
    }
    if !report.findings.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(report));
    out
}

fn summary(report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let mut line = if report.findings.is_empty() {
        format!("No problems found in {}", plural(report.pages, "page"))
    } else {
        format!(
            "{}, {} in {} ({} checked)",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files_with_findings(report), "file"),
            plural(report.pages, "page"),
        )
    };
    if let Some(n) = report.external_links {
        line.push_str(&format!(", {} checked", plural(n, "external link")));
    }
    line
}
