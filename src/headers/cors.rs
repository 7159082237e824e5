//! The CORS request and response headers of WHATWG Fetch, parsed: `Origin`,
//! `Access-Control-Request-*` and the `Access-Control-Allow-*` / `-Expose-Headers` / `-Max-Age`
//! grammar.
//!
//! Parsers here never judge: they return typed values plus `notes` of what a browser would drop
//! or mis-read. What the browser then does with them (the CORS check, the preflight, redirects)
//! is `crate::fetch`; what is a finding is `diagnose::cors`. Values are compared byte-exactly as
//! Fetch does (after stripping leading and trailing HTTP whitespace, which every browser does
//! when it stores a header value). Captures from CDP join repeated header lines with `\n`; every
//! accessor splits them back into lines.

use crate::model::Headers;
use std::borrow::Cow;

/// HTTP whitespace (Fetch): tab, LF, CR, space.
pub(crate) fn is_http_ws(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ')
}

/// A header value as a browser stores it: leading and trailing HTTP whitespace removed.
pub fn normalize(v: &str) -> &str {
    v.trim_matches(is_http_ws)
}

/// Every field line of `name`, normalized, with CDP's `\n`-joined lines split apart.
pub(crate) fn field_lines<'h>(headers: &'h Headers<'_>, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    headers.get_all(name).flat_map(|v| v.split('\n')).map(normalize)
}

/// Fetch "get" of a header: `None` when absent, else every line joined with `, `.
pub(crate) fn get_combined<'h>(headers: &'h Headers<'_>, name: &'h str) -> Option<Cow<'h, str>> {
    let mut it = field_lines(headers, name);
    let first = it.next()?;
    match it.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut s = String::with_capacity(first.len() + second.len() + 2);
            s.push_str(first);
            s.push_str(", ");
            s.push_str(second);
            for more in it {
                s.push_str(", ");
                s.push_str(more);
            }
            Some(Cow::Owned(s))
        }
    }
}

pub(crate) use crate::headers::syntax::is_token;

// ───────────────────────────── request side ─────────────────────────────

/// The request's `Origin` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestOrigin<'a> {
    /// No `Origin` header (same-origin GET, navigation, or a capture without it).
    Absent,
    /// `Origin: null`: an opaque origin (sandboxed iframe, `file:`/`data:` document) or an origin
    /// tainted by a cross-origin redirect.
    Null,
    /// A serialized origin (`https://app.example.com`), as sent.
    Origin(&'a str),
    /// Something that is not a serialized origin (a capture artefact or a hand-built request).
    Invalid(&'a str),
}

impl<'a> RequestOrigin<'a> {
    /// The byte-serialization Fetch compares `Access-Control-Allow-Origin` with.
    pub fn serialized(&self) -> Option<&'a str> {
        match self {
            RequestOrigin::Null => Some("null"),
            RequestOrigin::Origin(s) => Some(s),
            _ => None,
        }
    }
}

/// The common shape `http(s)://lower-case.host[:port]`, checked without a URL parse: `Some`
/// when the answer is certain, `None` when only the full parser can tell.
fn serialized_origin_fast(v: &str) -> Option<bool> {
    let (scheme, rest) = v.split_once("://")?;
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    if let Some(p) = port {
        if p.is_empty()
            || p.len() > 5
            || !p.bytes().all(|b| b.is_ascii_digit())
            || p == default_port
            || p.starts_with('0')
        {
            return None;
        }
    }
    let labels_ok = !host.is_empty()
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    // A last label of digits only may be an IPv4 address in a non-canonical spelling.
    let last_alpha = host.rsplit('.').next().is_some_and(|l| l.bytes().any(|b| b.is_ascii_lowercase()));
    let punycode = host.contains("xn--");
    (labels_ok && last_alpha && !punycode).then_some(true)
}

/// Whether `v` is exactly the ASCII serialization of a tuple origin (`scheme://host[:port]`).
fn is_serialized_origin(v: &str) -> bool {
    if let Some(answer) = serialized_origin_fast(v) {
        return answer;
    }
    match url::Url::parse(v) {
        Ok(u) => {
            let o = u.origin();
            o.is_tuple() && o.ascii_serialization() == v
        }
        Err(_) => false,
    }
}

/// Parses the request's `Origin`.
pub fn request_origin<'a>(headers: &'a Headers<'_>) -> RequestOrigin<'a> {
    match field_lines(headers, "origin").next() {
        None => RequestOrigin::Absent,
        Some("null") => RequestOrigin::Null,
        Some(v) if is_serialized_origin(v) => RequestOrigin::Origin(v),
        Some(v) => RequestOrigin::Invalid(v),
    }
}

/// `Access-Control-Request-Method` of a preflight.
pub fn request_method<'a>(headers: &'a Headers<'_>) -> Option<&'a str> {
    field_lines(headers, "access-control-request-method").next().filter(|m| !m.is_empty())
}

/// `Access-Control-Request-Headers` of a preflight: lowercase names as the browser listed them.
pub fn request_header_names(headers: &Headers<'_>) -> Option<Vec<String>> {
    let v = get_combined(headers, "access-control-request-headers")?;
    Some(v.split(',').map(|s| s.trim_matches(is_http_ws).to_ascii_lowercase()).filter(|s| !s.is_empty()).collect())
}

// ───────────────────────────── response side ─────────────────────────────

/// What `Access-Control-Allow-Origin` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowOrigin {
    Absent,
    /// `*`.
    Wildcard,
    /// `null`.
    Null,
    /// Exactly a serialized origin.
    Origin(String),
    /// Parses as a URL but is not an origin's serialization (trailing slash, path, upper case,
    /// default port…): it can never match. `canonical` is the origin it seems to mean.
    UrlLike {
        value: String,
        canonical: String,
    },
    /// Several values: repeated field lines, or a list in one line.
    Multiple(Vec<String>),
    /// Neither `*`, `null` nor a URL (a pattern such as `https://*.example.com`, junk).
    Invalid(String),
}

/// Things about an `Access-Control-Allow-Origin` value a browser would not accept as meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowOriginNote {
    /// The header appears on more than one line (two layers each add it).
    RepeatedField,
    /// A comma- or space-separated list in one value.
    ListInValue,
    /// A trailing `/` or a path after the origin.
    HasPath,
    /// A query or a fragment.
    HasQueryOrFragment,
    /// Upper-case scheme or host.
    NotLowercase,
    /// The scheme's default port written out (`:443`).
    DefaultPort,
    /// A `*` pattern inside an origin.
    WildcardPattern,
    /// Control or other bytes that cannot appear in an origin.
    BadBytes,
}

/// The parsed `Access-Control-Allow-Origin` of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowOriginField {
    pub value: AllowOrigin,
    /// What Fetch compares: all lines joined with `, `.
    pub combined: Option<String>,
    pub notes: Vec<AllowOriginNote>,
}

fn classify_single_origin(v: &str, notes: &mut Vec<AllowOriginNote>) -> AllowOrigin {
    if v == "*" {
        return AllowOrigin::Wildcard;
    }
    if v == "null" {
        return AllowOrigin::Null;
    }
    if v.bytes().any(|b| b < 0x21 || b == 0x7f) {
        if v.bytes().any(|b| b == b' ' || b == b'\t') {
            notes.push(AllowOriginNote::ListInValue);
            return AllowOrigin::Multiple(v.split([' ', '\t']).filter(|s| !s.is_empty()).map(str::to_string).collect());
        }
        notes.push(AllowOriginNote::BadBytes);
        return AllowOrigin::Invalid(v.to_string());
    }
    if v.contains('*') {
        notes.push(AllowOriginNote::WildcardPattern);
        return AllowOrigin::Invalid(v.to_string());
    }
    if is_serialized_origin(v) {
        return AllowOrigin::Origin(v.to_string());
    }
    match url::Url::parse(v) {
        Ok(u) if u.origin().is_tuple() && v.contains("://") => {
            let canonical = u.origin().ascii_serialization();
            let lower = v.to_ascii_lowercase();
            if lower != v && (lower == canonical || lower.starts_with(&format!("{canonical}/"))) {
                notes.push(AllowOriginNote::NotLowercase);
            }
            if u.query().is_some() || u.fragment().is_some() || v.ends_with('?') || v.ends_with('#') {
                notes.push(AllowOriginNote::HasQueryOrFragment);
            }
            let after_authority = v.split_once("://").map(|(_, r)| r).unwrap_or("");
            if after_authority.contains('/') {
                notes.push(AllowOriginNote::HasPath);
            }
            let host_part = after_authority.split(['/', '?', '#']).next().unwrap_or("");
            if u.port().is_none()
                && host_part
                    .rsplit_once(':')
                    .is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
            {
                notes.push(AllowOriginNote::DefaultPort);
            }
            AllowOrigin::UrlLike { value: v.to_string(), canonical }
        }
        _ => AllowOrigin::Invalid(v.to_string()),
    }
}

/// Parses `Access-Control-Allow-Origin`.
pub fn allow_origin(headers: &Headers<'_>) -> AllowOriginField {
    let lines: Vec<&str> = field_lines(headers, "access-control-allow-origin").collect();
    let mut notes = Vec::new();
    let value = match lines.as_slice() {
        [] => AllowOrigin::Absent,
        [one] => {
            if one.contains(',') {
                notes.push(AllowOriginNote::ListInValue);
                AllowOrigin::Multiple(one.split(',').map(|s| normalize(s).to_string()).collect())
            } else {
                classify_single_origin(one, &mut notes)
            }
        }
        many => {
            notes.push(AllowOriginNote::RepeatedField);
            AllowOrigin::Multiple(many.iter().map(|s| s.to_string()).collect())
        }
    };
    let combined = get_combined(headers, "access-control-allow-origin").map(Cow::into_owned);
    AllowOriginField { value, combined, notes }
}

/// `Access-Control-Allow-Credentials`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowCredentials {
    Absent,
    /// Exactly `true`.
    True,
    /// Anything else (`True`, `1`, `true, true`…): a browser treats it as absent.
    Other(String),
}

/// Parses `Access-Control-Allow-Credentials` (the combined value must be byte-exactly `true`).
pub fn allow_credentials(headers: &Headers<'_>) -> AllowCredentials {
    match get_combined(headers, "access-control-allow-credentials") {
        None => AllowCredentials::Absent,
        Some(v) if v == "true" => AllowCredentials::True,
        Some(v) => AllowCredentials::Other(v.into_owned()),
    }
}

/// Fetch "extract header list values" for a `#token` header (`Access-Control-Allow-Methods`,
/// `-Allow-Headers`, `-Expose-Headers`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenList {
    Absent,
    /// A line did not parse; a browser drops the whole header. `bad` is the first bad item.
    Failure {
        bad: String,
    },
    /// The items, as sent (empty list elements dropped).
    Items(Vec<String>),
}

impl TokenList {
    /// Whether the list holds `item`, case-insensitively (header names).
    pub fn contains_ci(&self, item: &str) -> bool {
        matches!(self, TokenList::Items(v) if v.iter().any(|x| x.eq_ignore_ascii_case(item)))
    }

    /// Whether the list holds `item` byte-exactly (methods).
    pub fn contains_exact(&self, item: &str) -> bool {
        matches!(self, TokenList::Items(v) if v.iter().any(|x| x == item))
    }

    /// Whether the list holds the wildcard `*`.
    pub fn has_wildcard(&self) -> bool {
        self.contains_exact("*")
    }

    /// The items, empty when absent or failed.
    pub fn items(&self) -> &[String] {
        match self {
            TokenList::Items(v) => v,
            _ => &[],
        }
    }
}

/// Parses one `#token` header (see [`TokenList`]).
pub fn token_list(headers: &Headers<'_>, name: &str) -> TokenList {
    let mut any = false;
    let mut items = Vec::new();
    for line in field_lines(headers, name) {
        any = true;
        for item in line.split(',') {
            let item = item.trim_matches([' ', '\t']);
            if item.is_empty() {
                continue;
            }
            if !is_token(item) {
                return TokenList::Failure { bad: item.to_string() };
            }
            items.push(item.to_string());
        }
    }
    if any { TokenList::Items(items) } else { TokenList::Absent }
}

/// `Access-Control-Max-Age` in seconds; `None` when absent or not a delta-seconds value.
pub fn max_age(headers: &Headers<'_>) -> Option<u64> {
    let v = get_combined(headers, "access-control-max-age")?;
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse::<u64>().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testkit::hs;

    const O: &str = "https://app.example.com";
    type Hdrs = &'static [(&'static str, &'static str)];
    type ListCase = (&'static str, Hdrs, TokenList);

    #[test]
    fn allow_origin_notes() {
        let f = allow_origin(&hs(&[("Access-Control-Allow-Origin", "HTTPS://APP.example.com/")]));
        assert!(matches!(f.value, AllowOrigin::UrlLike { ref canonical, .. } if canonical == O), "{f:?}");
        assert!(f.notes.contains(&AllowOriginNote::HasPath));
        let f = allow_origin(&hs(&[("Access-Control-Allow-Origin", "https://app.example.com:443")]));
        assert!(f.notes.contains(&AllowOriginNote::DefaultPort), "{f:?}");
        let f = allow_origin(&hs(&[("Access-Control-Allow-Origin", "https://*.example.com")]));
        assert!(f.notes.contains(&AllowOriginNote::WildcardPattern));
        assert_eq!(allow_origin(&hs(&[])).value, AllowOrigin::Absent);
        assert_eq!(allow_origin(&hs(&[("a-c-a-o", "x")])).value, AllowOrigin::Absent);
        assert_eq!(allow_origin(&hs(&[("access-control-allow-origin", "null")])).value, AllowOrigin::Null);
    }

    #[test]
    fn serialized_origins_fast_and_slow_paths_agree() {
        for v in [
            "https://app.example.com",
            "http://localhost:3000",
            "https://app.example.com:443",
            "http://a.test:80",
            "https://APP.example.com",
            "https://app.example.com/",
            "https://127.0.0.1",
            "https://0x7f.1",
            "https://[::1]:8443",
            "https://xn--bcher-kva.example",
            "chrome-extension://abc",
            "https://a..b",
            "https://a.test:08080",
            "null",
        ] {
            let slow = url::Url::parse(v).is_ok_and(|u| u.origin().is_tuple() && u.origin().ascii_serialization() == v);
            assert_eq!(is_serialized_origin(v), slow, "{v}");
        }
    }

    #[test]
    fn request_origins() {
        assert_eq!(request_origin(&hs(&[("Origin", O)])), RequestOrigin::Origin(O));
        assert_eq!(request_origin(&hs(&[("origin", "null")])), RequestOrigin::Null);
        assert_eq!(request_origin(&hs(&[])), RequestOrigin::Absent);
        assert_eq!(request_origin(&hs(&[("origin", "https://a.test/")])), RequestOrigin::Invalid("https://a.test/"));
    }

    #[test]
    fn token_lists() {
        let cases: &[ListCase] = &[
            ("absent", &[], TokenList::Absent),
            (
                "simple",
                &[("access-control-allow-headers", "Authorization, Content-Type")],
                TokenList::Items(vec!["Authorization".into(), "Content-Type".into()]),
            ),
            (
                "empty elements",
                &[("access-control-allow-headers", ",a,,b,")],
                TokenList::Items(vec!["a".into(), "b".into()]),
            ),
            (
                "space inside",
                &[("access-control-allow-headers", "Bad value")],
                TokenList::Failure { bad: "Bad value".into() },
            ),
            ("quoted", &[("access-control-allow-headers", "\"a\"")], TokenList::Failure { bad: "\"a\"".into() }),
            ("empty line", &[("access-control-allow-headers", "")], TokenList::Items(vec![])),
        ];
        for (name, h, want) in cases {
            assert_eq!(&token_list(&hs(h), "access-control-allow-headers"), want, "{name}");
        }
    }
}
