//! The allowed keys of a TOML document, read from the serde type it deserializes into, so a
//! schema is written once (as the Rust type) and the key lists cannot drift from it.
//!
//! A derived `Deserialize` names its struct's fields when it asks for a struct; the probe
//! answers with one field at a time and learns what that field's type asks for in turn
//! (a struct, a map, a list, or a plain value). Values are never produced: each probe ends
//! with an error once it has seen what it came for.

use super::Shape;
use serde::de::{
    self, Deserialize, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use std::cell::RefCell;
use std::fmt;

/// The keys of the table that `T` reads, with the shape of each value.
pub fn table_keys<T: for<'de> Deserialize<'de>>() -> Vec<(&'static str, Shape)> {
    match shape_at::<T>(&mut Vec::new()) {
        Shape::Table(keys) => keys,
        _ => Vec::new(),
    }
}

/// What a type asks the deserializer for.
#[derive(Clone, Copy)]
enum Kind {
    Struct(&'static [&'static str]),
    Map,
    Scalar,
}

#[derive(Clone, Copy)]
struct Seen {
    kind: Kind,
    list: bool,
}

fn shape_at<T: for<'de> Deserialize<'de>>(path: &mut Vec<usize>) -> Shape {
    let seen = RefCell::new(None);
    let _ = T::deserialize(Probe {
        path,
        depth: 0,
        list: false,
        seen: &seen,
    });
    let Some(seen) = seen.into_inner() else {
        return Shape::Value;
    };
    match seen.kind {
        Kind::Struct(fields) => {
            let keys = fields
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    path.push(i);
                    let shape = shape_at::<T>(path);
                    path.pop();
                    (*name, shape)
                })
                .collect();
            if seen.list {
                Shape::TableArray(keys)
            } else {
                Shape::Table(keys)
            }
        }
        Kind::Map => Shape::FreeTable,
        Kind::Scalar => Shape::Value,
    }
}

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("schema probe")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Stop
    }
}

/// Walks down `path` (field indexes) and records what the type at its end asks for.
struct Probe<'a> {
    path: &'a [usize],
    depth: usize,
    /// Whether a list was passed on the way since the last field.
    list: bool,
    seen: &'a RefCell<Option<Seen>>,
}

impl Probe<'_> {
    fn at_end(&self) -> bool {
        self.depth == self.path.len()
    }

    fn record<V>(&self, kind: Kind) -> Result<V, Stop> {
        if self.at_end() {
            *self.seen.borrow_mut() = Some(Seen {
                kind,
                list: self.list,
            });
        }
        Err(Stop)
    }
}

macro_rules! scalars {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            self.record(Kind::Scalar)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    scalars! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_unit deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: V,
    ) -> Result<V::Value, Stop> {
        self.record(Kind::Scalar)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_seq(OneElement(Some(Probe { list: true, ..self })))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Stop> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        self.record(Kind::Map)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        // toml's date-time travels as a private one-field struct: to a writer it is a value.
        if name.starts_with("$__toml_private") {
            return self.record(Kind::Scalar);
        }
        if self.at_end() {
            return self.record(Kind::Struct(fields));
        }
        let field = fields.get(self.path[self.depth]).copied().ok_or(Stop)?;
        visitor.visit_map(OneField {
            key: Some(field),
            value: Probe {
                depth: self.depth + 1,
                list: false,
                ..self
            },
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.record(Kind::Scalar)
    }
}

/// A map of the one field the probe walks into.
struct OneField<'a> {
    key: Option<&'static str>,
    value: Probe<'a>,
}

impl<'de> MapAccess<'de> for OneField<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.key.take() {
            Some(key) => seed.deserialize(key.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Stop> {
        seed.deserialize(Probe { ..self.value })
    }
}

/// A list of one element, probed in place of the list.
struct OneElement<'a>(Option<Probe<'a>>);

impl<'de> SeqAccess<'de> for OneElement<'_> {
    type Error = Stop;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Stop> {
        match self.0.take() {
            Some(probe) => seed.deserialize(probe).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
        inner: Option<Inner>,
        #[serde(rename = "items")]
        list: Vec<Inner>,
        free: BTreeMap<String, String>,
        when: Option<toml::value::Datetime>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    #[serde(default)]
    struct Inner {
        a: Option<i64>,
        b: bool,
    }

    impl Default for Inner {
        fn default() -> Self {
            Inner { a: None, b: true }
        }
    }

    #[test]
    fn reads_keys_and_shapes_from_the_type() {
        assert_eq!(
            super::super::outline(&table_keys::<Doc>()),
            [
                "title",
                "tags",
                "inner{a,b}",
                "items[a,b]",
                "free{*}",
                "when"
            ]
        );
    }
}
