//! The `Set-Cookie` response header (draft-ietf-httpbis-rfc6265bis §5.6), parsed leniently the
//! way browsers do, with typed notes of everything a browser drops, ignores or mis-reads.
//!
//! This module never judges whether a cookie is stored: the storage rules (§5.7) live in
//! `cookies::jar`, the findings in `diagnose::cookies`. The parser needs no clock: `Expires` is
//! kept as the parsed instant and `Max-Age` as the delta, and the jar turns them into an expiry.
//!
//! Grammar (server side, §4.1.1): `set-cookie-string = cookie-pair *( ";" SP cookie-av )`.
//! Example: `sid=31d4d96e407aad42; Path=/; Secure; HttpOnly; SameSite=Lax`.

use crate::headers::date::parse_cookie_date;

/// §5.6 step 5: name plus value over this many octets and the cookie is ignored.
const MAX_NAME_VALUE: usize = 4096;
/// §5.6 "unparsed-attributes" step: an attribute value over this many octets is ignored.
const MAX_ATTRIBUTE_VALUE: usize = 1024;

/// The `SameSite` enforcement a cookie ends up with (§5.6.7). `Default` is "no attribute, or an
/// unknown value": Chromium enforces it as Lax, Firefox and Safari as None.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SameSite {
    Strict,
    Lax,
    None,
    #[default]
    Default,
}

impl SameSite {
    /// The 6265bis spelling (`Strict`, `Lax`, `None`, or `unspecified`).
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
            SameSite::Default => "unspecified",
        }
    }

    /// Reads the `chrome.cookies` spelling (`no_restriction`, `lax`, `strict`, `unspecified`) or the
    /// 6265bis one, case-insensitively; anything else is `Default`.
    pub(crate) fn from_jar(s: &str) -> SameSite {
        let s = s.trim();
        if s.eq_ignore_ascii_case("strict") {
            SameSite::Strict
        } else if s.eq_ignore_ascii_case("lax") {
            SameSite::Lax
        } else if s.eq_ignore_ascii_case("none") || s.eq_ignore_ascii_case("no_restriction") {
            SameSite::None
        } else {
            SameSite::Default
        }
    }
}

/// A name prefix with storage requirements (6265bis §4.1.3, layered-cookies `__Http-`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookiePrefix {
    /// `__Secure-`: Secure, from a secure origin.
    Secure,
    /// `__Host-`: as `__Secure-`, plus no Domain and `Path=/`.
    Host,
    /// `__Http-`: as `__Secure-`, plus HttpOnly (set over HTTP only).
    Http,
    /// `__Host-Http-`: `__Host-` plus HttpOnly.
    HostHttp,
}

impl CookiePrefix {
    /// The prefix of `name`, matched case-insensitively as browsers do (§5.4 / §5.7).
    pub(crate) fn of(name: &str) -> Option<CookiePrefix> {
        let starts = |p: &str| name.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
        if starts("__Host-Http-") {
            Some(CookiePrefix::HostHttp)
        } else if starts("__Host-") {
            Some(CookiePrefix::Host)
        } else if starts("__Http-") {
            Some(CookiePrefix::Http)
        } else if starts("__Secure-") {
            Some(CookiePrefix::Secure)
        } else {
            None
        }
    }

    /// The canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CookiePrefix::Secure => "__Secure-",
            CookiePrefix::Host => "__Host-",
            CookiePrefix::Http => "__Http-",
            CookiePrefix::HostHttp => "__Host-Http-",
        }
    }

    /// Whether the prefix forbids `Domain` and requires `Path=/`.
    pub(crate) fn is_host(self) -> bool {
        matches!(self, CookiePrefix::Host | CookiePrefix::HostHttp)
    }

    /// Whether the prefix requires `HttpOnly`.
    pub(crate) fn needs_http_only(self) -> bool {
        matches!(self, CookiePrefix::Http | CookiePrefix::HostHttp)
    }
}

/// What the last `Path` attribute said (§5.6.5): a usable absolute path, or a value the browser
/// replaces with the default path (empty, or not starting with `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathAttr {
    Value(String),
    Defaulted(String),
}

/// Why a whole `Set-Cookie` line is ignored by the parser (§5.6 steps 1 and 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetCookieError {
    /// A control character other than HTAB (`%x00-08 / %x0A-1F / %x7F`) at this byte offset.
    ControlCharacter { at: usize, byte: u8 },
    /// Both the name and the value are empty (`=`, `;`, whitespace only, or an empty line).
    NoContent,
    /// Name plus value exceed 4096 octets.
    NameValueTooLarge { size: usize },
}

/// Things the parser noticed that change what the browser stores; none of them drops the cookie.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetCookieNote {
    /// No `=` in the pair: a nameless cookie whose value is the whole pair (§5.6 step 3).
    Nameless,
    /// The name is empty but there was an `=` (`=value`).
    EmptyName,
    /// An attribute value longer than 1024 octets was ignored.
    AttributeTooLong { attribute: String, len: usize },
    /// `Expires` did not parse with the cookie-date algorithm, so it was ignored.
    ExpiresUnparseable(String),
    /// `Max-Age` is not `-?DIGIT+`, so it was ignored.
    MaxAgeInvalid(String),
    /// `Domain=` with an empty value was ignored.
    DomainEmpty,
    /// The `Domain` value has non-ASCII characters (Chromium rejects such cookies).
    DomainNonAscii(String),
    /// `Path` empty or not starting with `/`: the default path is used instead.
    PathNotAbsolute(String),
    /// `SameSite` with a value other than Strict/Lax/None: enforcement falls back to Default.
    SameSiteInvalid(String),
    /// An attribute the browser does not know, ignored (`Priority`, `Comment`, typos…).
    UnknownAttribute(String),
    /// An attribute given more than once; the last one wins.
    Repeated(String),
    /// The value has characters outside the `cookie-octet` grammar (space, `"` inside, `,`, `\`):
    /// browsers keep them, but many servers and frameworks mis-read them.
    ValueNotCookieOctets,
    /// A known flag attribute given a value (`Secure=false`): the value is ignored and the flag set.
    FlagWithValue(String),
}

/// A parsed `Set-Cookie` line: the cookie as the browser reads it, before storage rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    /// Epoch seconds of a parsed `Expires` (last valid one wins).
    pub expires: Option<i64>,
    /// The raw `Expires` text, when present (even if unparseable).
    pub expires_raw: Option<String>,
    /// `Max-Age` in seconds (may be ≤ 0: delete now).
    pub max_age: Option<i64>,
    /// Lowercased `Domain` without its leading dot; `None` when absent or ignored.
    pub domain: Option<String>,
    /// The raw `Domain` text as sent (for messages).
    pub domain_raw: Option<String>,
    pub path: Option<PathAttr>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: SameSite,
    /// The raw value of the last `SameSite` attribute, if any.
    pub same_site_raw: Option<String>,
    pub partitioned: bool,
    pub notes: Vec<SetCookieNote>,
}

impl SetCookie {
    /// The name prefix, if any.
    pub(crate) fn prefix(&self) -> Option<CookiePrefix> {
        CookiePrefix::of(&self.name)
    }

    /// Octets of name plus value (what the 4096 limit counts).
    pub(crate) fn size(&self) -> usize {
        self.name.len() + self.value.len()
    }

    /// The explicit `Path` value, when one was given and usable.
    pub(crate) fn path_value(&self) -> Option<&str> {
        match &self.path {
            Some(PathAttr::Value(p)) => Some(p),
            _ => None,
        }
    }
}

/// §5.6 step 1: CTL characters other than HTAB.
fn is_forbidden_ctl(b: u8) -> bool {
    b <= 0x08 || (0x0A..=0x1F).contains(&b) || b == 0x7F
}

/// Trims space and horizontal tab (WSP), not other whitespace.
fn trim_wsp(s: &str) -> &str {
    s.trim_matches([' ', '\t'])
}

/// `cookie-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E` (optionally in DQUOTEs).
fn is_cookie_octets(v: &str) -> bool {
    let inner = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')).unwrap_or(v);
    inner.bytes().all(|b| matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E))
}

/// Splits a captured `Set-Cookie` header value into its lines: Firefox (and CDP) join repeated
/// `Set-Cookie` fields with `\n`, so each line is a separate cookie. A `\r` before it is dropped.
pub fn split_lines(value: &str) -> impl Iterator<Item = &str> {
    value.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).filter(|l| !trim_wsp(l).is_empty())
}

/// §5.6 step 2: a line's name-value pair (everything before the first `;`) and the unparsed
/// attributes after it.
pub(crate) fn split_pair(line: &str) -> (&str, Option<&str>) {
    match line.split_once(';') {
        Some((p, a)) => (p, Some(a)),
        None => (line, None),
    }
}

/// §5.6 step 3: a pair's name and value, trimmed; `None` for a nameless pair (no `=`).
pub(crate) fn name_value(pair: &str) -> Option<(&str, &str)> {
    pair.split_once('=').map(|(n, v)| (trim_wsp(n), trim_wsp(v)))
}

/// The cookie name of a line as far as it can be read, also when the line does not parse;
/// `None` for a nameless cookie.
pub(crate) fn line_name(line: &str) -> Option<&str> {
    name_value(split_pair(line).0).map(|(n, _)| n)
}

/// Parses one `Set-Cookie` line with the 6265bis §5.6 algorithm.
pub fn parse(line: &str) -> Result<SetCookie, SetCookieError> {
    // Step 1: a forbidden control character anywhere aborts the whole line.
    if let Some((at, &byte)) = line.as_bytes().iter().enumerate().find(|(_, b)| is_forbidden_ctl(**b)) {
        return Err(SetCookieError::ControlCharacter { at, byte });
    }
    let (pair, attrs) = split_pair(line);
    let mut c = SetCookie::default();
    // Step 3: no '=' → nameless cookie, the whole pair is the value.
    let (name, value) = match name_value(pair) {
        Some(nv) => nv,
        None => {
            c.notes.push(SetCookieNote::Nameless);
            ("", trim_wsp(pair))
        }
    };
    // Step 5: empty, or too large.
    if name.is_empty() && value.is_empty() {
        return Err(SetCookieError::NoContent);
    }
    let size = name.len() + value.len();
    if size > MAX_NAME_VALUE {
        return Err(SetCookieError::NameValueTooLarge { size });
    }
    if name.is_empty() && pair.contains('=') {
        c.notes.push(SetCookieNote::EmptyName);
    }
    if !is_cookie_octets(value) {
        c.notes.push(SetCookieNote::ValueNotCookieOctets);
    }
    c.name = name.to_string();
    c.value = value.to_string();
    let mut seen: Vec<&'static str> = Vec::new();
    for av in attrs.into_iter().flat_map(|a| a.split(';')) {
        let (an, avalue, had_eq) = match av.split_once('=') {
            Some((n, v)) => (trim_wsp(n), trim_wsp(v), true),
            None => (trim_wsp(av), "", false),
        };
        if an.is_empty() {
            continue;
        }
        if avalue.len() > MAX_ATTRIBUTE_VALUE {
            c.notes.push(SetCookieNote::AttributeTooLong { attribute: an.to_string(), len: avalue.len() });
            continue;
        }
        let key = KNOWN.iter().find(|k| k.eq_ignore_ascii_case(an)).copied();
        let Some(key) = key else {
            c.notes.push(SetCookieNote::UnknownAttribute(an.to_string()));
            continue;
        };
        if seen.contains(&key) {
            c.notes.push(SetCookieNote::Repeated(key.to_string()));
        } else {
            seen.push(key);
        }
        match key {
            "Expires" => {
                c.expires_raw = Some(avalue.to_string());
                match parse_cookie_date(avalue) {
                    Some(t) => c.expires = Some(t),
                    None => c.notes.push(SetCookieNote::ExpiresUnparseable(avalue.to_string())),
                }
            }
            "Max-Age" => match parse_max_age(avalue) {
                Some(n) => c.max_age = Some(n),
                None => c.notes.push(SetCookieNote::MaxAgeInvalid(avalue.to_string())),
            },
            "Domain" => {
                if avalue.is_empty() {
                    c.notes.push(SetCookieNote::DomainEmpty);
                    continue;
                }
                let d = avalue.strip_prefix('.').unwrap_or(avalue);
                if !d.is_ascii() {
                    c.notes.push(SetCookieNote::DomainNonAscii(avalue.to_string()));
                }
                c.domain_raw = Some(avalue.to_string());
                c.domain = Some(d.to_lowercase());
            }
            "Path" => {
                if avalue.starts_with('/') {
                    c.path = Some(PathAttr::Value(avalue.to_string()));
                } else {
                    c.notes.push(SetCookieNote::PathNotAbsolute(avalue.to_string()));
                    c.path = Some(PathAttr::Defaulted(avalue.to_string()));
                }
            }
            "Secure" => {
                c.secure = true;
                if had_eq && !avalue.is_empty() {
                    c.notes.push(SetCookieNote::FlagWithValue(an.to_string()));
                }
            }
            "HttpOnly" => {
                c.http_only = true;
                if had_eq && !avalue.is_empty() {
                    c.notes.push(SetCookieNote::FlagWithValue(an.to_string()));
                }
            }
            "Partitioned" => {
                c.partitioned = true;
                if had_eq && !avalue.is_empty() {
                    c.notes.push(SetCookieNote::FlagWithValue(an.to_string()));
                }
            }
            _ => {
                // SameSite (§5.6.7): an unknown value resets the enforcement to Default.
                c.same_site_raw = Some(avalue.to_string());
                c.same_site = if avalue.eq_ignore_ascii_case("strict") {
                    SameSite::Strict
                } else if avalue.eq_ignore_ascii_case("lax") {
                    SameSite::Lax
                } else if avalue.eq_ignore_ascii_case("none") {
                    SameSite::None
                } else {
                    c.notes.push(SetCookieNote::SameSiteInvalid(avalue.to_string()));
                    SameSite::Default
                };
            }
        }
    }
    Ok(c)
}

/// The attribute names a browser knows, in their canonical spelling.
const KNOWN: &[&str] = &["Expires", "Max-Age", "Domain", "Path", "Secure", "HttpOnly", "SameSite", "Partitioned"];

/// §5.6.2: `Max-Age` must be `-?DIGIT+`; huge values saturate.
fn parse_max_age(v: &str) -> Option<i64> {
    let (neg, digits) = match v.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, v),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits.parse::<i64>().unwrap_or(i64::MAX);
    Some(if neg { -n } else { n })
}

/// The default-path of a request path (6265bis §5.1.4).
pub fn default_path(request_path: &str) -> &str {
    if !request_path.starts_with('/') {
        return "/";
    }
    match request_path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => request_path.get(..i).unwrap_or("/"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> SetCookie {
        parse(line).unwrap_or_else(|e| panic!("{line:?}: {e:?}"))
    }

    #[test]
    fn pairs_table() {
        let rows: &[(&str, &str, &str, &str)] = &[
            ("plain", "sid=abc", "sid", "abc"),
            ("wsp trimmed", "  sid \t=  abc  ; Path=/", "sid", "abc"),
            ("nameless", "abc", "", "abc"),
            ("empty name", "=abc", "", "abc"),
            ("empty value", "sid=", "sid", ""),
            ("value with =", "a=b=c", "a", "b=c"),
            ("quoted kept", "a=\"x y\"", "a", "\"x y\""),
            ("tab inside value", "a=x\ty", "a", "x\ty"),
        ];
        for (label, line, n, v) in rows {
            let c = ok(line);
            assert_eq!((c.name.as_str(), c.value.as_str()), (*n, *v), "{label}");
        }
    }

    #[test]
    fn rejected_lines() {
        assert!(matches!(parse("a=b\u{0}c"), Err(SetCookieError::ControlCharacter { at: 3, byte: 0 })));
        assert!(matches!(parse("a=b; Path=/\r"), Err(SetCookieError::ControlCharacter { .. })));
        assert!(matches!(parse("a=\u{7f}"), Err(SetCookieError::ControlCharacter { .. })));
        assert_eq!(parse(""), Err(SetCookieError::NoContent));
        assert_eq!(parse("="), Err(SetCookieError::NoContent));
        assert_eq!(parse(" ; Path=/"), Err(SetCookieError::NoContent));
        let big = format!("a={}", "x".repeat(4096));
        assert_eq!(parse(&big), Err(SetCookieError::NameValueTooLarge { size: 4097 }));
        let fits = format!("a={}", "x".repeat(4095));
        assert!(parse(&fits).is_ok());
    }

    #[test]
    fn attributes_table() {
        let c = ok("__Host-sid=1; Path=/; Secure; HttpOnly; SameSite=Lax; Partitioned; Max-Age=60");
        assert_eq!(c.prefix(), Some(CookiePrefix::Host));
        assert!(c.secure && c.http_only && c.partitioned);
        assert_eq!(c.same_site, SameSite::Lax);
        assert_eq!(c.max_age, Some(60));
        assert_eq!(c.path_value(), Some("/"));
        let c = ok("a=b; domain=.Example.COM; path=foo; samesite=strict; SECURE");
        assert_eq!(c.domain.as_deref(), Some("example.com"));
        assert_eq!(c.path, Some(PathAttr::Defaulted("foo".into())));
        assert!(c.notes.contains(&SetCookieNote::PathNotAbsolute("foo".into())));
        assert_eq!(c.same_site, SameSite::Strict);
        assert!(c.secure);
    }

    #[test]
    fn samesite_values() {
        let rows: &[(&str, SameSite, bool)] = &[
            ("a=b; SameSite=None", SameSite::None, false),
            ("a=b; SameSite=none", SameSite::None, false),
            ("a=b; SameSite=Lax", SameSite::Lax, false),
            ("a=b", SameSite::Default, false),
            ("a=b; SameSite=false", SameSite::Default, true),
            ("a=b; SameSite=no_restriction", SameSite::Default, true),
            ("a=b; SameSite=\"None\"", SameSite::Default, true),
            ("a=b; SameSite=", SameSite::Default, true),
            ("a=b; SameSite=Strict; SameSite=Lax", SameSite::Lax, false),
            ("a=b; SameSite=Strict; SameSite=bogus", SameSite::Default, true),
        ];
        for (line, want, invalid) in rows {
            let c = ok(line);
            assert_eq!(c.same_site, *want, "{line}");
            assert_eq!(c.notes.iter().any(|n| matches!(n, SetCookieNote::SameSiteInvalid(_))), *invalid, "{line}");
        }
    }

    #[test]
    fn expiry_attributes() {
        let c = ok("a=b; Expires=Wed, 21 Oct 2026 07:28:00 GMT");
        assert_eq!(c.expires, Some(1_792_567_680));
        let c = ok("a=b; Expires=tomorrow");
        assert_eq!(c.expires, None);
        assert!(c.notes.contains(&SetCookieNote::ExpiresUnparseable("tomorrow".into())));
        assert_eq!(ok("a=b; Max-Age=0").max_age, Some(0));
        assert_eq!(ok("a=b; Max-Age=-5").max_age, Some(-5));
        assert_eq!(ok("a=b; Max-Age=1e3").max_age, None);
        assert_eq!(ok("a=b; Max-Age=+5").max_age, None);
        assert_eq!(ok("a=b; Max-Age=99999999999999999999999").max_age, Some(i64::MAX));
    }

    #[test]
    fn attribute_limits_and_unknowns() {
        let long = format!("a=b; Path=/{}", "p".repeat(1024));
        let c = ok(&long);
        assert_eq!(c.path, None);
        assert!(matches!(c.notes.first(), Some(SetCookieNote::AttributeTooLong { .. })));
        let c = ok("a=b; Priority=High; Domain=");
        assert!(c.notes.contains(&SetCookieNote::UnknownAttribute("Priority".into())));
        assert!(c.notes.contains(&SetCookieNote::DomainEmpty));
        assert_eq!(c.domain, None);
        let c = ok("a=b; Domain=bücher.de");
        assert!(matches!(c.notes.first(), Some(SetCookieNote::DomainNonAscii(_))));
    }

    #[test]
    fn prefixes_case_insensitive() {
        assert_eq!(CookiePrefix::of("__secure-x"), Some(CookiePrefix::Secure));
        assert_eq!(CookiePrefix::of("__HOST-x"), Some(CookiePrefix::Host));
        assert_eq!(CookiePrefix::of("__Host-Http-x"), Some(CookiePrefix::HostHttp));
        assert_eq!(CookiePrefix::of("__Http-x"), Some(CookiePrefix::Http));
        assert_eq!(CookiePrefix::of("_Host-x"), None);
        assert_eq!(CookiePrefix::of("__Hos"), None);
    }

    #[test]
    fn firefox_joined_lines() {
        let v = "a=1; Path=/\nb=2\r\n\nc=3";
        assert_eq!(split_lines(v).collect::<Vec<_>>(), ["a=1; Path=/", "b=2", "c=3"]);
    }

    #[test]
    fn default_paths() {
        for (p, want) in [("/", "/"), ("/abc", "/"), ("/abc/", "/abc"), ("/a/b/c.html", "/a/b"), ("", "/"), ("x", "/")]
        {
            assert_eq!(default_path(p), want, "{p}");
        }
    }
}
