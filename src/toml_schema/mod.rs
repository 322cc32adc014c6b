//! Strict TOML reading for config and front matter.
//!
//! serde stops at the first problem and its unknown-field message has no useful hint, so keys are
//! first checked against a static schema on the spanned document: every unknown key in the file is
//! reported at once, with its line, column and the nearest allowed key. Types are then checked by
//! serde, whose error carries a span too.

use crate::diagnostics::{Diagnostic, suggestion_hint};
use serde::de::DeserializeOwned;
use std::path::Path;
use toml::de::{DeTable, DeValue};

mod probe;
mod spans;

pub use probe::table_keys;
pub use spans::{Place, Spans, Step};

/// The allowed shape of a TOML value, read from the serde type with [`table_keys`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Any scalar or array of scalars; its type is checked by serde.
    Value,
    /// A table with exactly these keys.
    Table(Vec<(&'static str, Shape)>),
    /// An array of tables, each with exactly these keys.
    TableArray(Vec<(&'static str, Shape)>),
    /// A table whose keys are free (`[extra]`, `[taxonomies]`).
    FreeTable,
}

/// Where a TOML fragment sits inside its file, so spans map back to file positions.
pub struct Located<'a> {
    /// The file as shown in messages.
    pub file: &'a Path,
    /// The whole file's text.
    pub file_source: &'a str,
    /// Byte offset of the TOML fragment within the file.
    pub offset: usize,
}

impl Located<'_> {
    fn diagnostic(&self, code: &'static str, message: String, span_start: usize) -> Diagnostic {
        Diagnostic::error(code, message)
            .with_file(self.file)
            .at_offset(self.file_source, self.offset + span_start)
    }
}

/// Parses `toml` strictly against `schema`, then deserializes it into `T`.
pub fn parse<T: DeserializeOwned>(
    toml_text: &str,
    schema: &[(&'static str, Shape)],
    at: &Located<'_>,
) -> Result<T, Vec<Diagnostic>> {
    let document = match DeTable::parse(toml_text) {
        Ok(doc) => doc,
        Err(err) => {
            let start = err.span().map_or(0, |s| s.start);
            return Err(vec![
                at.diagnostic(
                    "toml-syntax",
                    format!("invalid TOML: {}", first_line(err.message())),
                    start,
                )
                .with_hint("check quotes, brackets and `key = value` syntax on this line"),
            ]);
        }
    };
    let mut problems = Vec::new();
    check_table(document.get_ref(), schema, "", at, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    // The checked document is deserialised as it is: parsing the text again was a visible part
    // of loading a large site.
    T::deserialize(toml::de::Deserializer::from(document)).map_err(|err| {
        let start = err.span().map_or(0, |s| s.start);
        let message = humanize(first_line(err.message()));
        // The document went into serde: it is parsed again to name the value the error is in.
        // An empty span is the whole document's (a missing top-level key): no value to name.
        let path = (err.span())
            .filter(|span| !span.is_empty())
            .and_then(|span| Spans::parse(toml_text).path_at(span.start));
        let message = match path {
            Some(path) => format!("`{path}`: {message}"),
            None => message,
        };
        vec![
            at.diagnostic("toml-type", message, start)
                .with_hint("check the value's type: text in quotes, numbers bare, dates as YYYY-MM-DD, lists in [ ]"),
        ]
    })
}

/// serde names Rust types; a coordinator needs TOML words.
fn humanize(message: &str) -> String {
    let mut m = message.to_string();
    for (rust, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected u64", "expected a whole number (0 or more)"),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected text in quotes"),
        ("expected a sequence", "expected a list like [\"a\", \"b\"]"),
    ] {
        m = m.replace(rust, plain);
    }
    m
}

/// A schema in one line per key (`inner{a,b}`, `items[a,b]`, `free{*}`), for tests that pin
/// what a type accepts.
#[cfg(test)]
pub(crate) fn outline(keys: &[(&'static str, Shape)]) -> Vec<String> {
    keys.iter()
        .map(|(k, s)| match s {
            Shape::Value => k.to_string(),
            Shape::FreeTable => format!("{k}{{*}}"),
            Shape::Table(inner) => format!("{k}{{{}}}", outline(inner).join(",")),
            Shape::TableArray(inner) => format!("{k}[{}]", outline(inner).join(",")),
        })
        .collect()
}

/// Asserts that `T` reads every key of `keys` (its schema): for each key, `base` (a document
/// `T` accepts) with that key set to a value of the wrong kind must fail to deserialize because
/// of that value. A key the type did not read would be ignored and the document accepted.
#[cfg(test)]
pub(crate) fn assert_type_reads_every_key<T: DeserializeOwned>(
    keys: &[(&'static str, Shape)],
    base: &toml::Table,
) {
    use serde::de::IntoDeserializer;
    let read = |doc: toml::Table| T::deserialize(toml::Value::Table(doc).into_deserializer());
    if let Err(err) = read(base.clone()) {
        panic!("the base document is refused: {err}");
    }
    for path in key_paths(keys, &[]) {
        let mut doc = base.clone();
        set_wrong(&mut doc, &path);
        let shown: Vec<&str> = path.iter().map(|(k, _)| *k).collect();
        match read(doc) {
            Ok(_) => panic!(
                "`{}` is in the schema but the type ignores it",
                shown.join(".")
            ),
            Err(err) => assert!(
                !err.to_string().contains("missing field"),
                "`{}`: {err}",
                shown.join(".")
            ),
        }
    }
}

/// Every key path of a schema, each step with its shape.
#[cfg(test)]
fn key_paths<'s>(
    keys: &'s [(&'static str, Shape)],
    prefix: &[(&'static str, &'s Shape)],
) -> Vec<Vec<(&'static str, &'s Shape)>> {
    let mut out = Vec::new();
    for (key, shape) in keys {
        let mut path = prefix.to_vec();
        path.push((key, shape));
        if let Shape::Table(inner) | Shape::TableArray(inner) = shape {
            out.extend(key_paths(inner, &path));
        }
        out.push(path);
    }
    out
}

/// Sets the key at `path` to a value its shape cannot take, creating the tables on the way.
#[cfg(test)]
fn set_wrong(table: &mut toml::Table, path: &[(&'static str, &Shape)]) {
    let [(key, shape), rest @ ..] = path else {
        return;
    };
    if rest.is_empty() {
        let wrong = match shape {
            // A table where a text, number, date or list is expected.
            Shape::Value => toml::Value::Table(toml::Table::from_iter([(
                "wrong".to_string(),
                toml::Value::Integer(1),
            )])),
            // Text where a table or a list of tables is expected.
            _ => toml::Value::String("wrong".into()),
        };
        table.insert(key.to_string(), wrong);
        return;
    }
    let entry = table.entry(key.to_string());
    let inner = match shape {
        Shape::TableArray(_) => {
            let array = entry.or_insert_with(|| toml::Value::Array(vec![]));
            let items = array.as_array_mut().expect("an array of tables");
            if items.is_empty() {
                items.push(toml::Value::Table(toml::Table::new()));
            }
            items[0].as_table_mut().expect("a table in the array")
        }
        _ => entry
            .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            .as_table_mut()
            .expect("a table"),
    };
    set_wrong(inner, rest);
}

/// Asserts that the keys `T` writes when serialized are the keys of its schema (tables
/// compared inside too), for types that are also written out: the schema, read from
/// `Deserialize`, and `Serialize` must not disagree about a field.
#[cfg(test)]
pub(crate) fn assert_serialized_keys_match<T: serde::Serialize>(
    value: &T,
    keys: &[(&'static str, Shape)],
) {
    fn compare(json: &serde_json::Value, keys: &[(&'static str, Shape)], at: &str) {
        let object = json
            .as_object()
            .unwrap_or_else(|| panic!("`{at}` is not a table"));
        let written: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut listed: Vec<&str> = keys.iter().map(|(k, _)| *k).collect();
        let mut written_sorted = written.clone();
        written_sorted.sort_unstable();
        listed.sort_unstable();
        assert_eq!(written_sorted, listed, "keys of `{at}`");
        for (key, shape) in keys {
            if let Shape::Table(inner) = shape {
                if let Some(value) = object.get(*key).filter(|v| !v.is_null()) {
                    compare(value, inner, &format!("{at}{key}."));
                }
            }
        }
    }
    let json = serde_json::to_value(value).expect("serializes");
    compare(&json, keys, "");
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s).trim()
}

fn check_table(
    table: &DeTable<'_>,
    schema: &[(&'static str, Shape)],
    prefix: &str,
    at: &Located<'_>,
    problems: &mut Vec<Diagnostic>,
) {
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        let Some((_, shape)) = schema.iter().find(|(k, _)| *k == name) else {
            let allowed: Vec<&str> = schema.iter().map(|(k, _)| *k).collect();
            let full = format!("{prefix}{name}");
            let hint = suggestion_hint(name, &allowed);
            problems.push(
                at.diagnostic(
                    "unknown-key",
                    format!("unknown key `{full}`"),
                    key.span().start,
                )
                .with_hint(hint),
            );
            continue;
        };
        let child_prefix = format!("{prefix}{name}.");
        match (shape, value.get_ref()) {
            (Shape::Table(keys), DeValue::Table(t)) => {
                check_table(t, keys, &child_prefix, at, problems)
            }
            (Shape::TableArray(keys), DeValue::Array(items)) => {
                for item in items.iter() {
                    if let DeValue::Table(t) = item.get_ref() {
                        check_table(t, keys, &child_prefix, at, problems);
                    }
                }
            }
            // Type mismatches are left to serde, which names the expected type.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        inner: Option<Inner>,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Inner {
        a: Option<i64>,
    }
    fn at<'a>(src: &'a str) -> Located<'a> {
        Located {
            file: Path::new("x.md"),
            file_source: src,
            offset: 4,
        }
    }

    #[test]
    fn reports_every_unknown_key_with_position_and_suggestion() {
        let file = "+++\ntitel = \"x\"\n[inner]\nb = 1\n+++\n";
        let toml = &file[4..file.len() - 4];
        let mut errs = parse::<Doc>(toml, &table_keys::<Doc>(), &at(file)).unwrap_err();
        crate::diagnostics::sort(&mut errs);
        assert_eq!(errs.len(), 2);
        assert_eq!((errs[0].line, errs[0].column), (2, 1));
        assert!(
            errs[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("did you mean `title`")
        );
        assert_eq!(errs[1].message, "unknown key `inner.b`");
        assert_eq!(errs[1].line, 4);
    }

    #[test]
    fn the_agreement_checks_see_keys_a_type_does_not_have() {
        let base: toml::Table = "title = \"t\"".parse().unwrap();
        let keys = table_keys::<Doc>();
        assert_type_reads_every_key::<Doc>(&keys, &base);
        let mut with_extra = keys.clone();
        with_extra.push(("stray", Shape::Value));
        let ignored = std::panic::catch_unwind(|| {
            assert_type_reads_every_key::<Doc>(&with_extra, &base);
        });
        assert!(ignored.is_err(), "a listed key the type ignores is caught");

        #[derive(serde::Serialize, Deserialize)]
        struct Written {
            a: i64,
            #[serde(skip_deserializing)]
            only_written: i64,
        }
        let value = Written {
            a: 1,
            only_written: 2,
        };
        let missing = std::panic::catch_unwind(|| {
            assert_serialized_keys_match(&value, &table_keys::<Written>());
        });
        assert!(missing.is_err(), "a written key the schema lacks is caught");
    }

    #[test]
    fn reports_wrong_types() {
        let file = "+++\ntitle = 5\n+++\n";
        let errs =
            parse::<Doc>(&file[4..file.len() - 4], &table_keys::<Doc>(), &at(file)).unwrap_err();
        assert_eq!(errs[0].line, 2);
        assert!(
            errs[0]
                .message
                .contains("`title`: invalid type: integer `5`, expected text in quotes"),
            "{}",
            errs[0].message
        );
        // Nested values are named by their path; a missing key by nothing around it.
        let file = "+++\ntitle = \"t\"\n[inner]\na = \"x\"\n+++\n";
        let errs =
            parse::<Doc>(&file[4..file.len() - 4], &table_keys::<Doc>(), &at(file)).unwrap_err();
        assert!(
            errs[0].message.starts_with("`inner.a`: invalid type"),
            "{}",
            errs[0].message
        );
        assert_eq!((errs[0].line, errs[0].column), (4, 5));
        let file = "+++\n[inner]\na = 1\n+++\n";
        let errs =
            parse::<Doc>(&file[4..file.len() - 4], &table_keys::<Doc>(), &at(file)).unwrap_err();
        assert_eq!(errs[0].message, "missing field `title`");
    }
}
