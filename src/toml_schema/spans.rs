//! Where a key or value is written in a TOML document, read from the parsed document's spans.
//!
//! Scanning the text for `key =` finds the wrong place when the key's name also appears in a
//! string or comment, in another table, as a dotted key or in an inline table; the parser
//! already knows where each key and value is, so messages point there.

use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a path: a key of a table or an element of an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'p> {
    /// A key, as its decoded name (`"quoted key"` is `quoted key`).
    Key(&'p str),
    /// An element of an array (or of an array of tables).
    Index(usize),
}

/// Where a key and its value are written: byte ranges in the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The key's name (with its quotes, if quoted); `None` for an array element. For a table
    /// written as `[a.b]` this is the `b` in its header.
    pub key: Option<Range<usize>>,
    /// The value; a table written as `[a]` spans its header, an array of tables the first
    /// `[[a]]` header.
    pub value: Range<usize>,
}

impl Place {
    /// The key's start, or the value's when there is no key: where a message points.
    pub fn start(&self) -> usize {
        self.key.as_ref().unwrap_or(&self.value).start
    }
}

/// A TOML document parsed once, answering "where is `a.b[2].c`".
pub struct Spans<'a> {
    /// `None` when the text is not valid TOML: every lookup then finds nothing.
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Spans<'a> {
    /// Parses `text`; offsets in answers are byte offsets into `text`.
    pub fn parse(text: &'a str) -> Spans<'a> {
        Spans {
            root: DeTable::parse(text).ok(),
        }
    }

    /// Uses a document the caller has already parsed.
    pub fn from_document(root: Spanned<DeTable<'a>>) -> Spans<'a> {
        Spans { root: Some(root) }
    }

    /// The key and value at `path`.
    pub fn find(&self, path: &[Step<'_>]) -> Option<Place> {
        self.walk(path).map(|(place, _)| place)
    }

    fn walk(&self, path: &[Step<'_>]) -> Option<(Place, &Spanned<DeValue<'a>>)> {
        let root = self.root.as_ref()?.get_ref();
        let mut place = None;
        let mut current: Option<&Spanned<DeValue<'a>>> = None;
        for step in path {
            let (key, value) = match (step, current.map(|c| c.get_ref())) {
                (Step::Key(name), None) => {
                    let (key, value) = root.get_key_value(*name)?;
                    (Some(key.span()), value)
                }
                (Step::Key(name), Some(DeValue::Table(table))) => {
                    let (key, value) = table.get_key_value(*name)?;
                    (Some(key.span()), value)
                }
                (Step::Index(i), Some(DeValue::Array(items))) => (None, items.get(*i)?),
                _ => return None,
            };
            place = Some(Place {
                key,
                value: value.span(),
            });
            current = Some(value);
        }
        Some((place?, current?))
    }

    /// The key and value at a path written `a.b[2].c` (plain key names only; see [`Step`] for
    /// names with dots or brackets in them).
    pub fn at(&self, path: &str) -> Option<Place> {
        self.find(&steps(path)?)
    }

    /// Where the key at `path` is written (the value for an array element).
    pub fn key(&self, path: &str) -> Option<usize> {
        self.at(path).map(|p| p.start())
    }

    /// Where the value at `path` is written.
    pub fn value(&self, path: &str) -> Option<usize> {
        self.at(path).map(|p| p.value.start)
    }

    /// The path (`a.b[2].c`) of the innermost value written around `offset`, e.g. the one a
    /// type error points into; `None` outside every value.
    pub fn path_at(&self, offset: usize) -> Option<String> {
        let mut path = String::new();
        in_table(self.root.as_ref()?.get_ref(), offset, &mut path).then_some(path)
    }

    /// Where the first string element equal to `text` is written in the array at `path`.
    pub fn element(&self, path: &[Step<'_>], text: &str) -> Option<usize> {
        let (_, array) = self.walk(path)?;
        array
            .get_ref()
            .as_array()?
            .iter()
            .find(|item| item.get_ref().as_str() == Some(text))
            .map(|item| item.span().start)
    }
}

/// Whether a value of `table` is written around `offset`; `path` then names the innermost.
fn in_table(table: &DeTable<'_>, offset: usize, path: &mut String) -> bool {
    let mark = path.len();
    for (key, value) in table.iter() {
        if mark > 0 {
            path.push('.');
        }
        path.push_str(key.get_ref());
        if in_value(value, offset, path) {
            return true;
        }
        path.truncate(mark);
    }
    false
}

fn in_value(value: &Spanned<DeValue<'_>>, offset: usize, path: &mut String) -> bool {
    let mark = path.len();
    match value.get_ref() {
        // A table written as `[a]` spans only its header: its keys are looked at one by one.
        DeValue::Table(table) if in_table(table, offset, path) => return true,
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                if in_value(item, offset, path) {
                    return true;
                }
                path.truncate(mark);
            }
        }
        _ => {}
    }
    value.span().contains(&offset)
}

/// `a.b[2].c` as steps; `None` when it is not written that way.
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut indexes) = part.split_once('[').map_or((part, ""), |(n, rest)| {
            (n, &part[n.len()..][..rest.len() + 1])
        });
        if name.is_empty() {
            return None;
        }
        out.push(Step::Key(name));
        while !indexes.is_empty() {
            let inner = indexes.strip_prefix('[')?;
            let (number, rest) = inner.split_once(']')?;
            out.push(Step::Index(number.parse().ok()?));
            indexes = rest;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line and the text from the offset on, to the end of its line.
    fn shown(text: &str, at: Option<usize>) -> Option<(usize, &str)> {
        let at = at?;
        let line = text[..at].matches('\n').count() + 1;
        Some((line, text[at..].lines().next().unwrap_or("")))
    }

    #[test]
    fn paths_are_read_as_steps() {
        use Step::*;
        assert_eq!(steps("a"), Some(vec![Key("a")]));
        assert_eq!(
            steps("a.b[2].c"),
            Some(vec![Key("a"), Key("b"), Index(2), Key("c")])
        );
        assert_eq!(steps("a[0][1]"), Some(vec![Key("a"), Index(0), Index(1)]));
        assert_eq!(steps("a..b"), None);
        assert_eq!(steps("a[x]"), None);
        assert_eq!(steps("a[1"), None);
    }

    #[test]
    fn a_key_in_a_string_or_comment_is_not_the_key() {
        let text = "description = \"title = x\"\n# title = y\ntitle = \"T\"\n";
        let spans = Spans::parse(text);
        assert_eq!(shown(text, spans.key("title")), Some((3, "title = \"T\"")));
        assert_eq!(shown(text, spans.value("title")), Some((3, "\"T\"")));
        assert_eq!(spans.key("nothing"), None);
    }

    #[test]
    fn the_same_key_in_two_tables() {
        let text = "name = \"top\"\n[a]\nname = \"in a\"\n[b]\nname = \"in b\"\n";
        let spans = Spans::parse(text);
        assert_eq!(shown(text, spans.key("name")), Some((1, "name = \"top\"")));
        assert_eq!(
            shown(text, spans.key("a.name")),
            Some((3, "name = \"in a\""))
        );
        assert_eq!(
            shown(text, spans.key("b.name")),
            Some((5, "name = \"in b\""))
        );
        // A table written with a header points at its name in the header.
        assert_eq!(shown(text, spans.key("b")), Some((4, "b]")));
        assert_eq!(shown(text, spans.value("b")), Some((4, "[b]")));
    }

    #[test]
    fn keys_in_arrays_of_tables() {
        let text = "[organisation]\nname = \"x\"\n[[organisation.contacts]]\nname = \"A\"\n\
                    [[organisation.contacts]]\nname = \"B\"\nrole = \"r\"\n";
        let spans = Spans::parse(text);
        assert_eq!(
            shown(text, spans.key("organisation.contacts[1].name")),
            Some((6, "name = \"B\""))
        );
        assert_eq!(
            shown(text, spans.key("organisation.contacts[0].name")),
            Some((4, "name = \"A\""))
        );
        assert_eq!(
            shown(text, spans.key("organisation.contacts[1]")),
            Some((5, "[[organisation.contacts]]"))
        );
        assert_eq!(spans.key("organisation.contacts[0].role"), None);
        assert_eq!(spans.key("organisation.contacts[2]"), None);
        assert_eq!(
            shown(text, spans.key("organisation.name")),
            Some((2, "name = \"x\""))
        );
    }

    #[test]
    fn quoted_keys() {
        let text = "\"a b\" = 1\n'c.d' = 2\n[\"e f\"]\ng = 3\n";
        let spans = Spans::parse(text);
        assert_eq!(
            shown(text, spans.find(&[Step::Key("a b")]).map(|p| p.start())),
            Some((1, "\"a b\" = 1"))
        );
        // A dot inside a quoted key is part of the name.
        assert_eq!(
            shown(text, spans.find(&[Step::Key("c.d")]).map(|p| p.start())),
            Some((2, "'c.d' = 2"))
        );
        assert_eq!(spans.key("c.d"), None);
        assert_eq!(
            shown(
                text,
                spans
                    .find(&[Step::Key("e f"), Step::Key("g")])
                    .map(|p| p.start())
            ),
            Some((4, "g = 3"))
        );
    }

    #[test]
    fn dotted_keys() {
        let text = "a.b = 1\na.c = \"x\"\n[t]\nu.v.w = true\n";
        let spans = Spans::parse(text);
        assert_eq!(shown(text, spans.key("a.b")), Some((1, "b = 1")));
        assert_eq!(shown(text, spans.value("a.c")), Some((2, "\"x\"")));
        assert_eq!(shown(text, spans.key("a")), Some((1, "a.b = 1")));
        assert_eq!(shown(text, spans.key("t.u.v.w")), Some((4, "w = true")));
    }

    #[test]
    fn inline_tables_and_array_elements() {
        let text = "taxonomies = [{ name = \"aiheet\" }, { name = \"..\" }]\n\
                    tags = [\"a\", 'b', \"c\"]\nx = { y = { z = 1 } }\n";
        let spans = Spans::parse(text);
        assert_eq!(
            shown(text, spans.value("taxonomies[1].name")),
            Some((1, "\"..\" }]"))
        );
        assert_eq!(
            shown(text, spans.key("taxonomies[1]")),
            Some((1, "{ name = \"..\" }]"))
        );
        assert_eq!(shown(text, spans.key("x.y.z")), Some((3, "z = 1 } }")));
        let tags = [Step::Key("tags")];
        assert_eq!(
            shown(text, spans.element(&tags, "b")),
            Some((2, "'b', \"c\"]"))
        );
        assert_eq!(shown(text, spans.element(&tags, "c")), Some((2, "\"c\"]")));
        assert_eq!(spans.element(&tags, "d"), None);
    }

    #[test]
    fn the_value_around_an_offset_is_named_by_its_path() {
        let text = "title = 5\n[markdown]\nflag = \"x\"\n[[list]]\ntags = [\"a\", 1]\n\
                    inline = { a = { b = 2 } }\n";
        let spans = Spans::parse(text);
        let at = |needle: &str| spans.path_at(text.find(needle).unwrap());
        assert_eq!(at("5"), Some("title".into()));
        assert_eq!(at("\"x\""), Some("markdown.flag".into()));
        assert_eq!(at("1]"), Some("list[0].tags[1]".into()));
        assert_eq!(at("2"), Some("list[0].inline.a.b".into()));
        assert_eq!(at("{ b"), Some("list[0].inline.a".into()));
        // A key is not a value.
        assert_eq!(at("title"), None);
    }

    #[test]
    fn invalid_toml_finds_nothing() {
        let spans = Spans::parse("title = \n");
        assert_eq!(spans.key("title"), None);
    }
}
