//! HAR 1.2 import (Chrome, Firefox, Safari exports): typed, borrowing deserialisation into the
//! capture model, with clear errors naming what is wrong and where.
//!
//! The importer never builds a `serde_json::Value` tree: it deserialises straight into small
//! typed structs whose strings borrow from the input (`Cow::Borrowed` unless the JSON string had
//! escapes), skips everything the diagnosis does not read (timings, cache, cookies arrays, most
//! bodies), and converts each entry into an [`Exchange`](crate::model::Exchange) as soon as it is
//! read. Bodies are cut to their first 4 KiB while parsing, so a HAR full of large responses costs
//! little beyond the file.
//!
//! It is lenient where exporters differ (a missing optional field, `null` for a string, a status
//! as a string, Firefox's page titles that are not URLs, HTTP/2 pseudo-headers) and strict where
//! the file is not a HAR at all: then the error names the place (`log.entries[12].request.headers`)
//! and the line and column, found by a second, path-tracking parse that only runs on failure.
//!
//! The importer is these files, one concern each:
//! - this file: the public API ([`parse`], [`parse_bytes`]) and [`HarError`], including how a
//!   serde failure becomes an error that names its place;
//! - `wire`: the HAR document shape as serde structs (only the fields the diagnosis reads);
//! - `lenient`: the value types those structs are made of, tolerant where exporters disagree;
//! - `convert`: wire structs → [`Capture`] (headers, bodies, cache hints, pages, browser,
//!   sanitized-export and provisional-header detection);
//! - `redact`: the other way, chosen exchanges → a HAR with secrets removed, for sharing;
//! - `compact`: a pretty-printed document's whitespace removed while it is read (the CLI's fast
//!   path; it parses the original again when the compacted text fails, to name the place).
//!
//! Timestamps are RFC 3339 date-times, read by [`crate::headers::date`] with the other date
//! grammars.

pub mod compact;
mod convert;
mod lenient;
pub mod redact;
mod wire;

use crate::model::Capture;
use serde::Deserialize;
use std::fmt;
use wire::{Log, Root};

/// Kept public at this path for existing callers (the `dates` fuzz target); the grammar lives in
/// `headers::date` with the other date parsers.
pub use crate::headers::date::parse_rfc3339_ms;

/// How many bytes of a response or request body are kept.
const BODY_LIMIT: usize = 4096;

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
    convert::finish(log).ok_or(HarError::NotHar)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Browser;

    #[test]
    fn bom_and_minimal_entries_are_tolerated() {
        let har = r#"{"log":{"creator":{"name":"WebInspector"},"pages":[{"id":"page_1","title":"https://app.example.test/"}],
            "entries":[{"request":{"url":"https://a.test/"},"response":{"status":"200"}}]}}"#;
        let text = format!("\u{feff}{har}");
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
}
