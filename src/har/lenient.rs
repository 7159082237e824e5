//! The lenient value types the wire structs are made of, each with its own `Deserialize`.
//!
//! HAR exporters disagree about JSON types: a string field may hold `null`, a number or a boolean;
//! a status may be `"401"` or `-1`; a header value may be an array of repeated lines (Polly.JS).
//! These types read what real exports contain instead of failing the whole file, borrow from the
//! input when they can, and cut bodies to their first [`BODY_LIMIT`](super::BODY_LIMIT) bytes while
//! reading. Where the HAR shape must hold they stay strict ([`Obj`] takes an object and only an
//! object) so that errors point at the right place. They judge nothing and build no model types.

use super::BODY_LIMIT;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A string field that tolerates `null`, numbers and booleans (exporters disagree), borrowing
/// from the input when the JSON string has no escapes.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Text<'a>(pub(super) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Text::default())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(if v { "true" } else { "false" })))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<'a> Text<'a> {
    /// The value, or `None` when empty.
    pub(super) fn non_empty(self) -> Option<Cow<'a, str>> {
        (!self.0.trim().is_empty()).then_some(self.0)
    }
}

/// A body text cut to its first [`BODY_LIMIT`](super::BODY_LIMIT) bytes while it is read, so big bodies never get
/// copied. `full_len` remembers the original length.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Body<'a> {
    pub(super) text: Cow<'a, str>,
    full_len: usize,
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub(super) fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

impl<'de: 'a, 'a> Deserialize<'de> for Body<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Body<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Body { text: Cow::Borrowed(prefix(v, BODY_LIMIT)), full_len: v.len() })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Body { text: Cow::Owned(prefix(v, BODY_LIMIT).to_string()), full_len: v.len() })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Body::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// An HTTP status that tolerates strings (`"401"`), floats and negatives (`-1` → 0).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Status(pub(super) u16);

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Status;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an HTTP status number")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Status, E> {
                Ok(Status(u16::try_from(v).unwrap_or(0)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Status, E> {
                Ok(Status(u16::try_from(v).unwrap_or(0)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Status, E> {
                let ok = v.is_finite() && v >= 0.0 && v <= f64::from(u16::MAX);
                Ok(Status(if ok { v as u16 } else { 0 }))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Status, E> {
                Ok(Status(v.trim().parse().unwrap_or(0)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Status, E> {
                Ok(Status(0))
            }
        }
        d.deserialize_any(V)
    }
}

/// A flag that tolerates `true`/`false`, strings and `null`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Flag(pub(super) bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = Text::deserialize(d)?;
        Ok(Flag(matches!(t.0.trim(), "true" | "1" | "yes")))
    }
}

/// A JSON object, and only an object: serde's derived structs would also take an array
/// (`{"log": [2, 1, 3]}`), which then fails with a confusing message one level deeper.
#[derive(Debug, Default)]
pub(super) struct Obj<T>(pub(super) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A header value: a string, or (Polly.JS, some Node recorders) an array of the values of
/// repeated lines, which become separate header lines.
#[derive(Debug)]
pub(super) enum HeaderValue<'a> {
    One(Text<'a>),
    Many(Vec<Text<'a>>),
}

impl Default for HeaderValue<'_> {
    fn default() -> Self {
        HeaderValue::One(Text::default())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for HeaderValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = HeaderValue<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a header value string")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(t) = seq.next_element::<Text<'a>>()? {
                    v.push(t);
                }
                Ok(HeaderValue::Many(v))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(HeaderValue::One(Text(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(HeaderValue::One(Text(Cow::Owned(v.to_string()))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(HeaderValue::default())
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(HeaderValue::One(Text(Cow::Borrowed(if v { "true" } else { "false" }))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(HeaderValue::One(Text(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(HeaderValue::One(Text(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(HeaderValue::One(Text(Cow::Owned(v.to_string()))))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(json: &str) -> Result<Text<'_>, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn text_takes_what_exporters_write() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("string", r#""abc""#, Some("abc")),
            ("escaped string", r#""a\"b""#, Some("a\"b")),
            ("null", "null", Some("")),
            ("integer", "401", Some("401")),
            ("negative", "-1", Some("-1")),
            ("float", "1.5", Some("1.5")),
            ("boolean", "true", Some("true")),
            ("array is not text", "[1]", None),
            ("object is not text", "{}", None),
        ];
        for (name, json, want) in cases {
            assert_eq!(text(json).ok().map(|t| t.0.into_owned()).as_deref(), *want, "{name}");
        }
        assert!(matches!(text(r#""abc""#).map(|t| t.0), Ok(Cow::Borrowed(_))), "unescaped text borrows");
        assert_eq!(text(r#"" ""#).ok().and_then(Text::non_empty), None, "blank is empty");
    }

    #[test]
    fn status_takes_numbers_strings_and_nonsense() {
        let cases: &[(&str, &str, Option<u16>)] = &[
            ("number", "401", Some(401)),
            ("string", r#"" 401 ""#, Some(401)),
            ("float", "200.0", Some(200)),
            ("Chrome's -1 for no response", "-1", Some(0)),
            ("too big", "70000", Some(0)),
            ("not a number", r#""OK""#, Some(0)),
            ("null", "null", Some(0)),
            ("boolean is not a status", "true", None),
        ];
        for (name, json, want) in cases {
            assert_eq!(serde_json::from_str::<Status>(json).ok().map(|s| s.0), *want, "{name}");
        }
    }

    #[test]
    fn flag_reads_true_in_its_spellings() {
        let cases: &[(&str, &str, bool)] = &[
            ("true", "true", true),
            ("false", "false", false),
            ("string true", r#""true""#, true),
            ("one", "1", true),
            ("yes", r#""yes""#, true),
            ("null", "null", false),
            ("other text", r#""no""#, false),
        ];
        for (name, json, want) in cases {
            assert_eq!(serde_json::from_str::<Flag>(json).ok().map(|f| f.0), Some(*want), "{name}");
        }
    }

    #[test]
    fn body_is_cut_on_a_character_boundary() {
        let long = format!("\"{}é\"", "a".repeat(BODY_LIMIT - 1));
        let b: Body<'_> = serde_json::from_str(&long).unwrap();
        assert_eq!((b.text.len(), b.full_len), (BODY_LIMIT - 1, BODY_LIMIT + 1), "é is not split");
        let b: Body<'_> = serde_json::from_str("null").unwrap();
        assert_eq!(b, Body::default());
    }

    #[test]
    fn obj_takes_only_an_object() {
        #[derive(Debug, Default, Deserialize)]
        struct S {
            #[allow(dead_code)]
            a: Option<u8>,
        }
        assert!(serde_json::from_str::<Obj<S>>(r#"{"a":1}"#).is_ok());
        assert!(serde_json::from_str::<Obj<S>>("[1]").is_err(), "a derived struct alone would take an array");
    }

    #[test]
    fn header_value_may_be_repeated_lines() {
        let one: HeaderValue<'_> = serde_json::from_str(r#""a=1""#).unwrap();
        assert!(matches!(one, HeaderValue::One(Text(ref v)) if v == "a=1"));
        let many: HeaderValue<'_> = serde_json::from_str(r#"["a=1", null, 2]"#).unwrap();
        let HeaderValue::Many(v) = many else { panic!("array kept as lines") };
        assert_eq!(v.iter().map(|t| t.0.as_ref()).collect::<Vec<_>>(), ["a=1", "", "2"]);
        assert!(
            matches!(serde_json::from_str::<HeaderValue<'_>>("null"), Ok(HeaderValue::One(Text(ref v))) if v.is_empty())
        );
    }
}
