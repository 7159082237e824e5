//! HAR 1.2 import (Chrome, Firefox, Safari exports): typed, borrowing deserialisation into the
//! capture model, with clear errors naming what is wrong and where.
//!
//! The importer never builds a `serde_json::Value` tree: it deserialises straight into small
//! typed structs whose strings borrow from the input (`Cow::Borrowed` unless the JSON string had
//! escapes), skips everything the diagnosis does not read (timings, cache, cookies arrays, most
//! bodies), and converts each entry into an [`Exchange`] as soon as it is read. Bodies are cut to
//! their first 4 KiB while parsing, so a HAR full of large responses costs little beyond the file.
//!
//! It is lenient where exporters differ (a missing optional field, `null` for a string, a status
//! as a string, Firefox's page titles that are not URLs, HTTP/2 pseudo-headers) and strict where
//! the file is not a HAR at all: then the error names the place (`log.entries[12].request.headers`)
//! and the line and column, found by a second, path-tracking parse that only runs on failure.

/// Kept public at this path for existing callers (the `dates` fuzz target); the grammar lives in
/// `headers::date` with the other date parsers.
pub use crate::headers::date::parse_rfc3339_ms;
use crate::model::{Browser, Capture, Exchange, Header, Headers};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// How many bytes of a response or request body are kept.
pub const BODY_LIMIT: usize = 4096;

/// Why a HAR file could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HarError {
    /// The file is empty (or only whitespace).
    Empty,
    /// The bytes are not UTF-8; `offset` is the first bad byte.
    NotUtf8 { offset: usize },
    /// The JSON ends early (a truncated download or copy).
    Truncated { line: usize, column: usize },
    /// The text is not JSON.
    Syntax { line: usize, column: usize, message: String },
    /// JSON, but not the shape of a HAR: `path` says where (`log.entries[3].request.headers`).
    Shape { path: String, line: usize, column: usize, message: String },
    /// A JSON object without `log` (or a `log` without `entries`).
    NotHar,
}

impl fmt::Display for HarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HarError::Empty => write!(f, "the file is empty"),
            HarError::NotUtf8 { offset } => write!(f, "not UTF-8 text (first invalid byte at offset {offset})"),
            HarError::Truncated { line, column } => {
                write!(f, "the JSON ends early at line {line}, column {column}: the file looks truncated")
            }
            HarError::Syntax { line, column, message } => {
                write!(f, "not valid JSON at line {line}, column {column}: {message}")
            }
            HarError::Shape { path, line, column, message } => {
                write!(f, "{path}: {message} (line {line}, column {column})")
            }
            HarError::NotHar => write!(f, "not a HAR file: no \"log\" object with \"entries\""),
        }
    }
}

impl std::error::Error for HarError {}

/// Imports a HAR from raw bytes: checks UTF-8, drops a byte-order mark, then [`parse`].
pub fn parse_bytes(bytes: &[u8]) -> Result<Capture<'_>, HarError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => parse(s),
        Err(e) => Err(HarError::NotUtf8 { offset: e.valid_up_to() }),
    }
}

/// Imports a HAR document. The capture borrows from `text`.
pub fn parse(text: &str) -> Result<Capture<'_>, HarError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(HarError::Empty);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let root = match Root::deserialize(&mut de).and_then(|r| de.end().map(|()| r)) {
        Ok(r) => r,
        Err(e) => return Err(explain(text, e)),
    };
    let log = match root.log {
        Some(log) => log.0,
        // Some tools write the `log` object itself as the document.
        None if root.entries.is_some() => {
            Log { creator: root.creator, browser: root.browser, pages: root.pages, entries: root.entries }
        }
        None => return Err(HarError::NotHar),
    };
    finish(log).ok_or(HarError::NotHar)
}

/// Turns a failed fast parse into an error that names the place, re-parsing with path tracking.
fn explain(text: &str, e: serde_json::Error) -> HarError {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    match e.classify() {
        Category::Eof => return HarError::Truncated { line, column },
        Category::Syntax | Category::Io => return HarError::Syntax { line, column, message: message_of(&e) },
        Category::Data => {}
    }
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, Root<'_>>(&mut de) {
        Err(pe) => {
            let path = pe.path().to_string();
            let inner = pe.into_inner();
            HarError::Shape {
                path: if path == "." { "(document)".to_string() } else { path },
                line: inner.line(),
                column: inner.column().max(1),
                message: message_of(&inner),
            }
        }
        // The tracked parse succeeded where the fast one failed: report the first error plainly.
        Ok(_) => HarError::Shape { path: "(document)".to_string(), line, column, message: message_of(&e) },
    }
}

/// serde_json's message without its " at line L column C" suffix, in HAR (JSON) vocabulary.
fn message_of(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = full.strip_suffix(&suffix).unwrap_or(&full);
    msg.replace("a sequence", "an array").replace("expected a map", "expected an object")
}

// ---------------------------------------------------------------------------------------------
// Lenient scalar types
// ---------------------------------------------------------------------------------------------

/// A string field that tolerates `null`, numbers and booleans (exporters disagree), borrowing
/// from the input when the JSON string has no escapes.
#[derive(Clone, Debug, Default, PartialEq)]
struct Text<'a>(Cow<'a, str>);

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
    fn non_empty(self) -> Option<Cow<'a, str>> {
        (!self.0.trim().is_empty()).then_some(self.0)
    }
}

/// A body text cut to its first [`BODY_LIMIT`] bytes while it is read, so big bodies never get
/// copied. `full_len` remembers the original length.
#[derive(Clone, Debug, Default, PartialEq)]
struct Body<'a> {
    text: Cow<'a, str>,
    full_len: usize,
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn prefix(s: &str, max: usize) -> &str {
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
struct Status(u16);

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
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = Text::deserialize(d)?;
        Ok(Flag(matches!(t.0.trim(), "true" | "1" | "yes")))
    }
}

/// A JSON object, and only an object: serde's derived structs would also take an array
/// (`{"log": [2, 1, 3]}`), which then fails with a confusing message one level deeper.
#[derive(Debug, Default)]
struct Obj<T>(T);

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
enum HeaderValue<'a> {
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

// ---------------------------------------------------------------------------------------------
// The HAR shape (only what the diagnosis reads; everything else is skipped by serde)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "a HAR object")]
struct Root<'a> {
    #[serde(borrow)]
    log: Option<Obj<Log<'a>>>,
    // A bare `log` object as the document.
    #[serde(borrow)]
    entries: Option<Entries<'a>>,
    #[serde(borrow)]
    pages: Option<Vec<Page<'a>>>,
    #[serde(borrow)]
    creator: Option<Creator<'a>>,
    #[serde(borrow)]
    browser: Option<Creator<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, expecting = "the HAR \"log\" object")]
struct Log<'a> {
    #[serde(borrow)]
    creator: Option<Creator<'a>>,
    #[serde(borrow)]
    browser: Option<Creator<'a>>,
    #[serde(borrow)]
    pages: Option<Vec<Page<'a>>>,
    #[serde(borrow)]
    entries: Option<Entries<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Creator<'a> {
    #[serde(borrow)]
    name: Option<Text<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Page<'a> {
    #[serde(borrow)]
    id: Option<Text<'a>>,
    #[serde(borrow)]
    title: Option<Text<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Entry<'a> {
    #[serde(borrow)]
    pageref: Option<Text<'a>>,
    #[serde(borrow, rename = "startedDateTime")]
    started: Option<Text<'a>>,
    #[serde(borrow)]
    request: Option<Obj<Request<'a>>>,
    #[serde(borrow)]
    response: Option<Obj<Response<'a>>>,
    #[serde(borrow, rename = "serverIPAddress")]
    server_ip: Option<Text<'a>>,
    #[serde(borrow, rename = "_initiator")]
    initiator: Option<Initiator<'a>>,
    #[serde(borrow, rename = "_resourceType")]
    resource_type: Option<Text<'a>>,
    #[serde(borrow, rename = "_error")]
    error: Option<Text<'a>>,
    #[serde(borrow, rename = "_fromCache")]
    from_cache: Option<Text<'a>>,
    /// Safari: `Network Load`, `Memory Cache`, `Disk Cache`.
    #[serde(borrow, rename = "_fetchType")]
    fetch_type: Option<Text<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HarHeader<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    value: HeaderValue<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HarCookie<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    value: Text<'a>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Request<'a> {
    #[serde(borrow)]
    method: Text<'a>,
    #[serde(borrow)]
    url: Text<'a>,
    #[serde(borrow)]
    headers: Option<Vec<HarHeader<'a>>>,
    #[serde(borrow)]
    cookies: Option<Vec<HarCookie<'a>>>,
    #[serde(borrow)]
    post_data: Option<PostData<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Param<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow)]
    value: Option<Text<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PostData<'a> {
    #[serde(borrow)]
    text: Option<Body<'a>>,
    #[serde(borrow)]
    params: Option<Vec<Param<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Response<'a> {
    status: Status,
    #[serde(borrow)]
    headers: Option<Vec<HarHeader<'a>>>,
    #[serde(borrow)]
    content: Option<Content<'a>>,
    #[serde(borrow, rename = "redirectURL")]
    redirect_url: Option<Text<'a>>,
    #[serde(borrow, rename = "_error")]
    error: Option<Text<'a>>,
    #[serde(rename = "_fetchedViaServiceWorker")]
    via_service_worker: Option<Flag>,
    /// Chrome: `network`, `http-cache`, `cache-storage` or `fallback-code`.
    #[serde(borrow, rename = "_serviceWorkerResponseSource")]
    sw_source: Option<Text<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Content<'a> {
    #[serde(borrow)]
    mime_type: Option<Text<'a>>,
    #[serde(borrow)]
    text: Option<Body<'a>>,
    #[serde(borrow)]
    encoding: Option<Text<'a>>,
}

/// Chrome's `_initiator`: `{type, url, lineNumber, stack: {callFrames: [{url …}], parent}}`.
/// Some tools write a plain URL string instead.
#[derive(Debug, Default)]
struct Initiator<'a> {
    kind: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InitiatorObj<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    url: Option<Text<'a>>,
    #[serde(borrow)]
    stack: Option<Stack<'a>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Stack<'a> {
    #[serde(borrow)]
    call_frames: Option<Vec<CallFrame<'a>>>,
    #[serde(borrow)]
    parent: Option<Box<Stack<'a>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CallFrame<'a> {
    #[serde(borrow)]
    url: Option<Text<'a>>,
}

impl<'a> Stack<'a> {
    /// The innermost script URL of the stack (the code that issued the request).
    fn first_url(self) -> Option<Cow<'a, str>> {
        let mut next = Some(self);
        while let Some(s) = next {
            if let Some(u) = s.call_frames.into_iter().flatten().find_map(|f| f.url.and_then(Text::non_empty)) {
                return Some(u);
            }
            next = s.parent.map(|b| *b);
        }
        None
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Initiator<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Initiator<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an initiator object or URL")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Initiator { kind: None, url: Some(Cow::Borrowed(v)) })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Initiator { kind: None, url: Some(Cow::Owned(v.to_string())) })
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Initiator::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let o = InitiatorObj::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let url = o.url.and_then(Text::non_empty).or_else(|| o.stack.and_then(Stack::first_url));
                Ok(Initiator { kind: o.kind.and_then(Text::non_empty), url })
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// `log.entries`, converted to exchanges one by one as they are read.
#[derive(Debug, Default)]
struct Entries<'a>(Vec<Exchange<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of entries")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // The size hint is attacker-controlled; cap the pre-allocation.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(e) = seq.next_element::<Obj<Entry<'a>>>()? {
                    out.push(convert(e.0));
                }
                Ok(Entries(out))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Entries::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

// ---------------------------------------------------------------------------------------------
// Conversion to the model
// ---------------------------------------------------------------------------------------------

/// Header lines without HTTP/2 pseudo-headers (`:authority` …), which carry nothing the
/// diagnosis needs that the URL and status do not already give.
fn headers(h: Option<Vec<HarHeader<'_>>>) -> Headers<'_> {
    headers_as_sent(h).0
}

/// [`headers`], and whether the lines are the ones that went on the wire: only those carry
/// pseudo-headers (`:method`, `:authority` … in HTTP/2 and 3) or a `Host` line (HTTP/1.1);
/// Chromium's provisional headers (the renderer's view, e.g. of a request that never completed)
/// have neither.
fn headers_as_sent(h: Option<Vec<HarHeader<'_>>>) -> (Headers<'_>, bool) {
    let h = h.unwrap_or_default();
    let mut out = Vec::with_capacity(h.len());
    let mut wire = false;
    for x in h {
        let name = &x.name.0;
        if name.starts_with(':') || name.eq_ignore_ascii_case("host") {
            wire = true;
        }
        if name.starts_with(':') || name.is_empty() {
            continue;
        }
        match x.value {
            HeaderValue::One(v) => out.push(Header { name: x.name.0, value: v.0 }),
            HeaderValue::Many(vs) => out.extend(vs.into_iter().map(|v| Header { name: x.name.0.clone(), value: v.0 })),
        }
    }
    (Headers(out), wire)
}

/// Whether a response body may matter to a rule: redirects and client errors (their bodies carry
/// the server's own error text), HTML (login pages answering API calls) and JSON error objects.
fn keep_body(status: u16, mime: &str, text: &str) -> bool {
    let mime = mime.to_ascii_lowercase();
    (300..500).contains(&status) || mime.contains("html") || (mime.contains("json") && text.contains("error"))
}

/// Decodes a base64 body prefix (cut to whole quads) into text when it is small.
fn decode_base64(text: &str) -> Option<String> {
    use base64::Engine;
    let t = text.trim();
    let whole = t.len() - t.len() % 4;
    let bytes = base64::engine::general_purpose::STANDARD.decode(t.get(..whole)?).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn response_body<'a>(status: u16, content: Option<Content<'a>>) -> (Option<Cow<'a, str>>, Option<Cow<'a, str>>) {
    let Some(c) = content else { return (None, None) };
    let mime = c.mime_type.and_then(Text::non_empty);
    let Some(body) = c.text.filter(|b| !b.text.is_empty()) else { return (None, mime) };
    let is_b64 = c.encoding.is_some_and(|e| e.0.trim().eq_ignore_ascii_case("base64"));
    let text: Cow<'a, str> = if is_b64 {
        // Only small bodies are worth decoding; the prefix of a big one still tells HTML from JSON.
        match decode_base64(&body.text) {
            Some(t) => Cow::Owned(t),
            None => return (None, mime),
        }
    } else {
        body.text
    };
    let keep = keep_body(status, mime.as_deref().unwrap_or(""), &text);
    (keep.then_some(text), mime)
}

fn request_body(post: Option<PostData<'_>>) -> Option<Cow<'_, str>> {
    let p = post?;
    if let Some(b) = p.text.filter(|b| !b.text.is_empty()) {
        return Some(b.text);
    }
    let params = p.params.filter(|v| !v.is_empty())?;
    let mut s = String::new();
    for (i, x) in params.iter().enumerate() {
        if s.len() >= BODY_LIMIT {
            break;
        }
        if i > 0 {
            s.push('&');
        }
        s.push_str(&x.name.0);
        if let Some(v) = &x.value {
            s.push('=');
            s.push_str(&v.0);
        }
    }
    Some(Cow::Owned(prefix(&s, BODY_LIMIT).to_string()))
}

/// One HAR entry as an exchange. `page_url` temporarily holds the `pageref` id; [`finish`]
/// resolves it once `pages` is known (which may come after `entries` in the file).
fn convert(e: Entry<'_>) -> Exchange<'_> {
    let req = e.request.unwrap_or_default().0;
    let res = e.response.unwrap_or_default().0;
    let status = res.status.0;
    let (mut request_headers, as_sent) = headers_as_sent(req.headers);
    let provisional = !as_sent && !request_headers.is_empty();
    // A sanitised export may keep `cookies` but drop the `Cookie` header line: rebuild it so
    // the cookie rules still see what was sent.
    if !request_headers.has("cookie") {
        let cookies = req.cookies.unwrap_or_default();
        if !cookies.is_empty() {
            let line = cookies.iter().map(|c| format!("{}={}", c.name.0, c.value.0)).collect::<Vec<_>>().join("; ");
            request_headers.0.push(Header { name: Cow::Borrowed("Cookie"), value: Cow::Owned(line) });
        }
    }
    let (response_body, response_mime) = response_body(status, res.content);
    let initiator = e.initiator.unwrap_or_default();
    // A preflight's `_initiator.url` is the request it prepares, not the document that made it.
    let is_preflight = initiator.kind.as_deref() == Some("preflight");
    let resource_type =
        e.resource_type.and_then(Text::non_empty).or_else(|| is_preflight.then_some(Cow::Borrowed("preflight")));
    let from_cache = e
        .from_cache
        .and_then(Text::non_empty)
        .filter(|c| c != "false")
        .or_else(|| {
            let t = e.fetch_type?.0;
            if t.contains("Memory") {
                Some(Cow::Borrowed("memory"))
            } else if t.contains("Disk") {
                Some(Cow::Borrowed("disk"))
            } else {
                None
            }
        })
        .or_else(|| res.via_service_worker.filter(|f| f.0).map(|_| Cow::Borrowed("service-worker")));
    Exchange {
        method: req.method.0,
        url: req.url.0,
        status,
        request_headers,
        response_headers: headers(res.headers),
        started_ms: e.started.and_then(|t| parse_rfc3339_ms(&t.0)),
        page_url: e.pageref.and_then(Text::non_empty),
        initiator: if is_preflight { None } else { initiator.url },
        resource_type,
        from_cache,
        service_worker_response_source: res.sw_source.and_then(Text::non_empty),
        error: e.error.and_then(Text::non_empty).or_else(|| res.error.and_then(Text::non_empty)),
        redirect_url: res.redirect_url.and_then(Text::non_empty),
        request_body: request_body(req.post_data),
        response_body,
        response_mime,
        server_ip: e.server_ip.and_then(Text::non_empty),
        request_headers_provisional: provisional,
        ..Exchange::default()
    }
}

/// Whether `s` looks like an absolute http(s) URL (Chrome and Safari page titles are the URL;
/// Firefox's are the document title).
fn is_http_url(s: &str) -> bool {
    let l = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

/// The browser family from `log.browser.name` or `log.creator.name`.
fn browser_of(log: &Log<'_>) -> Browser {
    let names = [&log.browser, &log.creator];
    for n in names.iter().filter_map(|c| c.as_ref()?.name.as_ref()) {
        let l = n.0.to_ascii_lowercase();
        if l.contains("firefox") {
            return Browser::Firefox;
        }
        if l.contains("safari") || l.contains("webkit") {
            return Browser::Safari;
        }
        if l.contains("chrom") || l.contains("edge") || l.contains("webinspector") || l.contains("opera") {
            return Browser::Chromium;
        }
    }
    Browser::Unknown
}

/// Resolves each entry's page and the browser.
fn finish(log: Log<'_>) -> Option<Capture<'_>> {
    let browser = browser_of(&log);
    let log_creator = log.creator.as_ref().and_then(|c| c.name.as_ref()).map(|n| n.0.clone());
    let mut exchanges = log.entries?.0;
    let pages = log.pages.unwrap_or_default();
    // pageref id → page URL: the title when it is a URL, else the page's document request.
    let mut page_urls: Vec<(Cow<'_, str>, Option<Cow<'_, str>>)> = Vec::with_capacity(pages.len());
    for p in pages {
        let Some(id) = p.id.and_then(Text::non_empty) else { continue };
        let title = p.title.map(|t| t.0).filter(|t| is_http_url(t));
        let url = title.or_else(|| {
            let of_page = || exchanges.iter().filter(|x| x.page_url.as_deref() == Some(id.as_ref()));
            of_page()
                .find(|x| {
                    x.resource_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("document"))
                        || x.request_headers.get("sec-fetch-dest") == Some("document")
                })
                .or_else(|| {
                    of_page()
                        .find(|x| x.method == "GET" && x.response_mime.as_deref().is_some_and(|m| m.contains("html")))
                })
                .map(|x| x.url.clone())
        });
        page_urls.push((id, url));
    }
    for x in &mut exchanges {
        if let Some(r) = x.page_url.take() {
            x.page_url = page_urls.iter().find(|(id, _)| *id == r).and_then(|(_, u)| u.clone());
        }
    }
    let credential_headers_removed = sanitized_by_devtools(&log_creator, &exchanges);
    // Only Chromium shows provisional headers; Firefox and Safari list what they sent, with or
    // without a `Host` line.
    if browser != Browser::Chromium {
        exchanges.iter_mut().for_each(|x| x.request_headers_provisional = false);
    }
    Some(Capture { exchanges, browser, third_party_cookies_blocked: None, credential_headers_removed })
}

/// Whether the capture has the shape of Chrome DevTools' "Export HAR (sanitized)", the default
/// since late 2024 (devtools-frontend "Export sanitized HARs by default"): creator `WebInspector`,
/// and not one `Cookie`, `Authorization`, `Proxy-Authorization` or `Set-Cookie` header (nor a
/// `cookies` entry, which the import folds into `Cookie`) in any entry, although request headers
/// were recorded. DevTools then drops those headers from every entry, so a 401 without them is
/// not evidence of a missing credential.
fn sanitized_by_devtools(creator: &Option<Cow<'_, str>>, exchanges: &[Exchange<'_>]) -> bool {
    if creator.as_deref() != Some("WebInspector") {
        return false;
    }
    let recorded = exchanges.iter().any(|x| !x.request_headers.is_empty());
    let credential =
        exchanges.iter().any(|x| {
            x.request_headers.0.iter().any(|h| {
                ["cookie", "authorization", "proxy-authorization"].iter().any(|n| h.name.eq_ignore_ascii_case(n))
            }) || x.response_headers.has("set-cookie")
        });
    recorded && !credential
}

#[cfg(test)]
mod tests {
    use super::*;

    fn har(entries: &str) -> String {
        format!(
            r#"{{"log":{{"version":"1.2","creator":{{"name":"WebInspector","version":"537.36"}},
            "pages":[{{"id":"page_1","title":"https://app.example.test/","startedDateTime":"2026-09-23T12:00:00.000Z"}}],
            "entries":[{entries}]}}}}"#
        )
    }

    const ENTRY: &str = r#"{"pageref":"page_1","startedDateTime":"2026-09-23T12:03:11.500Z",
        "_resourceType":"fetch","_initiator":{"type":"script","stack":{"callFrames":[],"parent":{"callFrames":[{"url":"https://app.example.test/app.js"}]}}},
        "request":{"method":"GET","url":"https://api.example.test/me","httpVersion":"h2",
          "headers":[{"name":":authority","value":"api.example.test"},{"name":"authorization","value":"Bearer abc"}],
          "cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
        "response":{"status":401,"statusText":"","headers":[{"name":"www-authenticate","value":"Bearer error=\"invalid_token\""}],
          "cookies":[],"content":{"size":20,"mimeType":"application/json","text":"{\"error\":\"invalid_token\"}"},
          "redirectURL":"","_error":null},
        "serverIPAddress":"192.0.2.1","timings":{"wait":1}}"#;

    #[test]
    fn chrome_entry_maps_every_field() {
        let text = har(ENTRY);
        let c = parse(&text).unwrap();
        assert_eq!(c.browser, Browser::Chromium);
        let x = &c.exchanges[0];
        assert_eq!(x.method, "GET");
        assert_eq!(x.status, 401);
        assert_eq!(x.request_headers.0.len(), 1, "pseudo-header dropped");
        assert_eq!(x.request_headers.get("Authorization"), Some("Bearer abc"));
        assert!(matches!(x.url, Cow::Borrowed(_)), "URL borrows from the input");
        assert_eq!(x.page_url.as_deref(), Some("https://app.example.test/"));
        assert_eq!(x.initiator.as_deref(), Some("https://app.example.test/app.js"));
        assert_eq!(x.resource_type.as_deref(), Some("fetch"));
        assert_eq!(x.response_body.as_deref(), Some(r#"{"error":"invalid_token"}"#));
        assert_eq!(x.response_mime.as_deref(), Some("application/json"));
        assert_eq!(x.server_ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(x.error, None);
        assert_eq!(x.started_ms, Some(1_790_164_991_500.0));
    }

    #[test]
    fn devtools_sanitized_export_is_recognised() {
        let stripped =
            ENTRY.replace(r#",{"name":"authorization","value":"Bearer abc"}"#, r#",{"name":"accept","value":"*/*"}"#);
        let firefox = |t: &str| t.replace(r#""name":"WebInspector""#, r#""name":"Firefox""#);
        let cases: Vec<(&str, String, bool)> = vec![
            ("DevTools, no credential header anywhere", har(&stripped), true),
            ("DevTools with an Authorization header", har(ENTRY), false),
            (
                "a Cookie header in another entry",
                har(&format!("{stripped},{}", ENTRY.replace("authorization", "Cookie"))),
                false,
            ),
            (
                "a Set-Cookie response",
                har(&stripped.replace(r#""name":"www-authenticate""#, r#""name":"set-cookie""#)),
                false,
            ),
            (
                "a request cookies array (folded into Cookie)",
                har(&stripped.replace(
                    r#""cookies":[],"queryString""#,
                    r#""cookies":[{"name":"sid","value":"1"}],"queryString""#,
                )),
                false,
            ),
            ("another exporter", firefox(&har(&stripped)), false),
            (
                "no request headers recorded at all",
                har(r#"{"request":{"url":"https://a.test/"},"response":{"status":401}}"#),
                false,
            ),
        ];
        for (name, text, want) in cases {
            let c = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(c.credential_headers_removed, want, "{name}");
        }
    }

    #[test]
    fn provisional_request_headers_are_recognised() {
        let no_authority = ENTRY.replace(r#"{"name":":authority","value":"api.example.test"},"#, "");
        let only_method = ENTRY.replace(":authority", ":method");
        let with_host = no_authority.replace(
            r#""headers":[{"name":"authorization""#,
            r#""headers":[{"name":"Host","value":"api.example.test"},{"name":"authorization""#,
        );
        let firefox = |t: &str| t.replace(r#""name":"WebInspector""#, r#""name":"Firefox""#);
        let cases: Vec<(&str, String, bool)> = vec![
            ("HTTP/2 lines as sent (:authority)", har(ENTRY), false),
            ("HTTP/1.1 lines as sent (Host)", har(&with_host), false),
            ("any pseudo-header is the wire's (edited files drop :authority)", har(&only_method), false),
            ("Chromium provisional lines (neither)", har(&no_authority), true),
            ("Firefox lists what it sent, Host or not", firefox(&har(&no_authority)), false),
            (
                "no request headers at all is another case",
                har(r#"{"request":{"url":"https://a.test/"},"response":{"status":401}}"#),
                false,
            ),
        ];
        for (name, text, want) in cases {
            let c = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(c.exchanges[0].request_headers_provisional, want, "{name}");
        }
    }

    #[test]
    fn bom_and_minimal_entries_are_tolerated() {
        let text = format!("\u{feff}{}", har(r#"{"request":{"url":"https://a.test/"},"response":{"status":"200"}}"#));
        let c = parse(&text).unwrap();
        assert_eq!(c.exchanges[0].status, 200);
        assert_eq!(c.exchanges[0].page_url, None);
        let c = parse(r#"{"log":{"entries":[{}]}}"#).unwrap();
        assert_eq!(c.exchanges.len(), 1);
        assert_eq!(c.browser, Browser::Unknown);
    }

    #[test]
    fn errors_name_the_place() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "headers not an array",
                r#"{"log":{"entries":[{},{"request":{"headers":"x"}}]}}"#,
                "log.entries[1].request.headers",
            ),
            ("entries not an array", r#"{"log":{"entries":{}}}"#, "log.entries"),
            ("log a string", r#"{"log":"x"}"#, "log"),
            ("log an array", r#"{"log":[2,1,3]}"#, "log"),
            ("entry an array", r#"{"log":{"entries":[[1]]}}"#, "log.entries[0]"),
        ];
        for (name, text, path) in cases {
            match parse(text) {
                Err(HarError::Shape { path: p, .. }) => assert_eq!(p, *path, "{name}"),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert!(matches!(parse(r#"{"log":{"entries":["#), Err(HarError::Truncated { .. })));
        let arr =
            parse(r#"{"log":{"entries":[{"request":{"headers":[{"name":"set-cookie","value":["a=1","b=2"]}]}}]}}"#);
        assert_eq!(arr.unwrap().exchanges[0].request_headers.count("set-cookie"), 2, "array values become lines");
        assert!(matches!(parse("{x"), Err(HarError::Syntax { .. })));
        assert!(matches!(parse("{}"), Err(HarError::NotHar)));
        assert!(matches!(parse("  "), Err(HarError::Empty)));
        assert!(matches!(parse_bytes(b"{\xff}"), Err(HarError::NotUtf8 { offset: 1 })));
        let msg = parse(r#"{"log":{"entries":[{"request":{"headers":"x"}}]}}"#).unwrap_err().to_string();
        assert!(
            msg.starts_with("log.entries[0].request.headers: invalid type: string \"x\", expected an array"),
            "{msg}"
        );
    }

    #[test]
    fn bodies_are_cut_and_filtered() {
        let big = "a".repeat(10_000);
        let e = format!(
            r#"{{"request":{{"url":"https://a.test/","postData":{{"text":"{big}"}}}},
               "response":{{"status":401,"content":{{"mimeType":"text/plain","text":"{big}"}}}}}}"#
        );
        let text = har(&e);
        let c = parse(&text).unwrap();
        assert_eq!(c.exchanges[0].response_body.as_ref().map(|b| b.len()), Some(BODY_LIMIT));
        assert_eq!(c.exchanges[0].request_body.as_ref().map(|b| b.len()), Some(BODY_LIMIT));
        let ok = har(r#"{"response":{"status":200,"content":{"mimeType":"image/png","text":"abc"}}}"#);
        assert_eq!(parse(&ok).unwrap().exchanges[0].response_body, None);
        let b64 = har(
            r#"{"response":{"status":302,"content":{"mimeType":"text/html","text":"PGgxPkxvZ2luPC9oMT4=","encoding":"base64"}}}"#,
        );
        assert_eq!(parse(&b64).unwrap().exchanges[0].response_body.as_deref(), Some("<h1>Login</h1>"));
    }

    #[test]
    fn firefox_page_title_falls_back_to_document_request() {
        let text = r#"{"log":{"creator":{"name":"Firefox"},"pages":[{"id":"p","title":"My App"}],
            "entries":[{"pageref":"p","request":{"method":"GET","url":"https://app.example.test/"},
                        "response":{"status":200,"content":{"mimeType":"text/html; charset=utf-8"}}},
                       {"pageref":"p","request":{"method":"GET","url":"https://api.example.test/x"}}]}}"#;
        let c = parse(text).unwrap();
        assert_eq!(c.browser, Browser::Firefox);
        assert_eq!(c.exchanges[1].page_url.as_deref(), Some("https://app.example.test/"));
    }

    #[test]
    fn chrome_extras_cache_error_preflight_cookies() {
        let text = har(r#"{"_fromCache":"disk","_initiator":{"type":"preflight","url":"https://api.test/x"},
                "request":{"method":"OPTIONS","url":"https://api.test/x","cookies":[{"name":"sid","value":"1"}]},
                "response":{"status":0,"_error":"net::ERR_FAILED","redirectURL":"https://b.test/"}}"#);
        let c = parse(&text).unwrap();
        let x = &c.exchanges[0];
        assert_eq!(x.from_cache.as_deref(), Some("disk"));
        assert_eq!(x.initiator, None);
        assert_eq!(x.resource_type.as_deref(), Some("preflight"));
        assert_eq!(x.error.as_deref(), Some("net::ERR_FAILED"));
        assert_eq!(x.redirect_url.as_deref(), Some("https://b.test/"));
        assert_eq!(x.request_headers.get("cookie"), Some("sid=1"));
    }

    #[test]
    fn chrome_service_worker_fields() {
        let text = har(r#"{"request":{"method":"GET","url":"https://app.test/api/me"},
                "response":{"status":401,"_fetchedViaServiceWorker":true,"_serviceWorkerResponseSource":"network"}}"#);
        let c = parse(&text).unwrap();
        let x = &c.exchanges[0];
        assert_eq!(x.from_cache.as_deref(), Some("service-worker"));
        assert_eq!(x.service_worker_response_source.as_deref(), Some("network"));
        let plain =
            har(r#"{"response":{"status":200,"_fetchedViaServiceWorker":false,"_serviceWorkerResponseSource":""}}"#);
        let c = parse(&plain).unwrap();
        assert_eq!(
            (c.exchanges[0].from_cache.as_deref(), c.exchanges[0].service_worker_response_source.as_deref()),
            (None, None)
        );
    }
}
