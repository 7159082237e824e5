//! Redaction of secrets (passwords, tokens, cookie values).
//!
//! A secret is shown as a short prefix and its length unless the user explicitly reveals it.
//! Every place that puts a credential into a finding, a view or an export goes through here, so
//! there is one rule: one list of secret headers, one URL redactor, one [`Secret`] type whose
//! `Debug`, `Display` and `Serialize` never show the value.

use crate::signals;
use serde::{Serialize, Serializer};
use std::fmt;

/// A secret value kept in memory for an explicit "Reveal secrets". Every way of printing it
/// (`Debug`, `Display`, `Serialize`) redacts it; only [`Secret::expose`] gives the value, so a
/// secret cannot reach a log or an export by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    value: String,
    exposure: Exposure,
}

impl Secret {
    /// Wraps `value`, to be redacted with `exposure`.
    pub fn new(value: impl Into<String>, exposure: Exposure) -> Self {
        Secret { value: value.into(), exposure }
    }

    /// The value itself: only for a view the user explicitly asked to reveal.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The redacted form (`eyJhbG…(812 chars, redacted)`).
    pub fn redacted(&self) -> String {
        redact(&self.value, self.exposure)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

/// Header names whose values are credentials, beside the API-key headers of `signals`.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "dpop",
    "authentication-info",
    "proxy-authentication-info",
    "cf-access-jwt-assertion",
    "x-goog-iap-jwt-assertion",
    "x-amzn-oidc-data",
    "x-amzn-oidc-accesstoken",
    "x-ms-token-aad-access-token",
    "x-ms-token-aad-id-token",
    "x-forwarded-access-token",
    "x-auth-request-access-token",
];

/// Name parts that make a header a credential carrier (`x-session-token`, `x-refresh-token`,
/// `x-client-secret` …), compared lowercased.
const SECRET_NAME_PARTS: &[&str] =
    &["token", "secret", "session", "password", "passwd", "jwt", "assertion", "api-key", "apikey", "credential"];

/// Headers whose names contain a secret-looking part but whose values are never secrets.
const NOT_SECRET_HEADERS: &[&str] = &[
    "www-authenticate",
    "proxy-authenticate",
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-request-headers",
    "access-control-expose-headers",
];

/// Headers whose value is a URL that may carry a token (`Referer: …?code=…`, `Location: …#access_token=`).
const URL_HEADERS: &[&str] = &["referer", "location", "content-location", "refresh", "link"];

/// Whether a header's value is a credential (redacted in every view and export). Allocation-free:
/// it runs for every header of every flagged request, in the view and in each export.
pub fn is_secret_header(name: &str) -> bool {
    if NOT_SECRET_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
        return false;
    }
    SECRET_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h))
        || signals::is_api_key_header(name)
        || has_secret_name_part(name)
}

/// Header names up to this long are lowercased once on the stack for the name-part search (issue
/// 13: the case-folding comparison at every position for every part was ~2k instructions per
/// header, half of a flagged entry's view); longer ones take the case-folding search.
const LOWERED_NAME_MAX: usize = 64;

/// Whether `name` contains one of SECRET_NAME_PARTS, ignoring ASCII case.
fn has_secret_name_part(name: &str) -> bool {
    let bytes = name.as_bytes();
    let mut buf = [0u8; LOWERED_NAME_MAX];
    let Some(lower) = buf.get_mut(..bytes.len()) else {
        return SECRET_NAME_PARTS.iter().any(|p| contains_ignore_ascii_case(name, p));
    };
    for (d, b) in lower.iter_mut().zip(bytes) {
        *d = b.to_ascii_lowercase();
    }
    let lower = &*lower;
    SECRET_NAME_PARTS.iter().any(|p| contains_lowercase(lower, p.as_bytes()))
}

/// Whether the lowercase `hay` contains the lowercase `needle` (first byte compared first).
fn contains_lowercase(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else { return true };
    hay.windows(needle.len()).any(|w| w.first() == Some(&first) && w == needle)
}

/// Whether `hay` contains the lowercase ASCII `needle`, ignoring ASCII case.
fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Whether a `Sec-WebSocket-Protocol` item looks like a token smuggled in as a subprotocol
/// (browsers cannot set headers on a WebSocket, so apps send the JWT or key there).
fn token_like_item(item: &str) -> bool {
    let t = item.trim();
    t.len() >= 20 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.=+/~".contains(&b))
}

/// A header value as views and exports show it: in full when `reveal` or not a secret; else
/// redacted, keeping an `Authorization` scheme visible (it is often the point of the report), URL
/// headers with their token-like parameters redacted, and WebSocket subprotocol tokens hidden.
pub fn header_value(name: &str, value: &str, reveal: bool) -> String {
    if reveal {
        return value.to_string();
    }
    if URL_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h)) {
        return redact_url(value);
    }
    if name.eq_ignore_ascii_case("sec-websocket-protocol") {
        return value
            .split(',')
            .map(|i| if token_like_item(i) { redact(i.trim(), Exposure::Prefix) } else { i.trim().to_string() })
            .collect::<Vec<_>>()
            .join(", ");
    }
    if !is_secret_header(name) {
        return value.to_string();
    }
    let auth = name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("proxy-authorization");
    match value.split_once(' ') {
        Some((scheme, cred)) if auth => format!("{scheme} {}", redact(cred.trim(), Exposure::Prefix)),
        _ => redact(value, Exposure::Prefix),
    }
}

/// Query or form parameter names that carry secrets (compared lowercased, by containment).
const SECRET_PARAMS: &[&str] = &[
    "token",
    "password",
    "passwd",
    "secret",
    "code",
    "assertion",
    "api_key",
    "apikey",
    "session",
    "credential",
    "signature",
    "sig",
    "key",
    "jwt",
    "ticket",
    "samlresponse",
];

/// Whether a query or form parameter name carries a secret.
pub fn is_secret_param(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    SECRET_PARAMS.iter().any(|p| l.contains(p))
}

/// Whether a body or text mentions a secret-looking parameter name at all.
pub fn mentions_secret_param(text: &str) -> bool {
    let l = text.to_ascii_lowercase();
    SECRET_PARAMS.iter().any(|p| l.contains(p))
}

/// `a=1&password=x` with secret values redacted.
pub fn redact_pairs(s: &str) -> String {
    s.split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if is_secret_param(k) && !v.is_empty() => format!("{k}={}", redact(v, Exposure::LengthOnly)),
            _ => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A URL with its secrets redacted: token-like query and fragment parameters (`?code=`,
/// `#access_token=`, `X-Amz-Signature=`) and the password of `user:pass@` userinfo (the user name
/// stays: it is not a secret and often the point).
pub fn redact_url(url: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = match base.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_pairs(query)),
        None => base.to_string(),
    };
    if let Some(scheme_end) = out.find("://") {
        let rest = out.get(scheme_end + 3..).unwrap_or("");
        let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest.get(..auth_end).and_then(|a| a.rfind('@')) {
            let userinfo = rest.get(..at).unwrap_or("");
            if let Some((user, pass)) = userinfo.split_once(':') {
                let host_and_rest = rest.get(at..).unwrap_or("");
                let hidden = redact(pass, Exposure::LengthOnly);
                out = format!("{}{user}:{hidden}{host_and_rest}", out.get(..scheme_end + 3).unwrap_or(""));
            }
        }
    }
    match fragment {
        // An implicit-flow redirect carries the tokens in the fragment (`#access_token=…&state=…`).
        Some(f) => format!("{out}#{}", redact_pairs(f)),
        None => out,
    }
}

/// How much of a secret may be shown when redacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Nothing but the length (passwords).
    LengthOnly,
    /// A few leading characters and the length (tokens, cookie values: enough to tell two apart).
    Prefix,
}

/// The redacted form of `value`: `eyJh…(812 chars)` or `•••(8 chars)`.
pub fn redact(value: &str, exposure: Exposure) -> String {
    let n = value.chars().count();
    if n == 0 {
        return "(empty)".to_string();
    }
    let shown = match exposure {
        Exposure::LengthOnly => 0,
        // At most a quarter of the secret and never more than 6 characters.
        Exposure::Prefix => (n / 4).min(6),
    };
    let prefix: String = value.chars().take(shown).collect();
    let unit = if n == 1 { "char" } else { "chars" };
    format!("{prefix}…({n} {unit}, redacted)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_shows_length_only() {
        assert_eq!(redact("hunter2", Exposure::LengthOnly), "…(7 chars, redacted)");
    }

    #[test]
    fn token_shows_short_prefix() {
        let r = redact("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", Exposure::Prefix);
        assert!(r.starts_with("eyJhbG…("), "{r}");
        assert!(!r.contains("eyJzdWIi"));
    }

    #[test]
    fn secret_never_prints_its_value() {
        let s = Secret::new("opaque-token-0123456789", Exposure::Prefix);
        for shown in [format!("{s}"), format!("{s:?}"), serde_json::to_string(&s).unwrap_or_default()] {
            assert!(!shown.contains("0123456789"), "{shown}");
            assert!(shown.contains("redacted"), "{shown}");
        }
        assert_eq!(s.expose(), "opaque-token-0123456789");
    }

    #[test]
    /// The stack-lowercased name-part search finds what the case-folding one finds, on both
    /// sides of the length limit, and misses what it misses.
    fn name_part_search_agrees_with_case_folding() {
        let long = format!("X-{}-Session-Id", "a".repeat(LOWERED_NAME_MAX));
        let long_miss = format!("X-{}-Sesion-Id", "a".repeat(LOWERED_NAME_MAX));
        for name in [
            "X-Refresh-TOKEN",
            "x-client-secret",
            "Sessionid",
            "X-Tokn",
            "Session",
            "tokenx",
            "",
            "J",
            &long,
            &long_miss,
        ] {
            let slow = SECRET_NAME_PARTS.iter().any(|p| contains_ignore_ascii_case(name, p));
            assert_eq!(has_secret_name_part(name), slow, "{name}");
        }
        assert!(has_secret_name_part(&long) && !has_secret_name_part(&long_miss));
        assert!(has_secret_name_part("X-Refresh-TOKEN") && !has_secret_name_part("X-Tokn"));
    }

    #[test]
    fn secret_headers_keep_the_scheme() {
        assert_eq!(header_value("Accept", "text/html", false), "text/html");
        assert_eq!(header_value("X-Api-Key", "k-0123456789", true), "k-0123456789");
        let a = header_value("Authorization", "Bearer abcdefghijklmnopqrstuvwxyz", false);
        assert!(a.starts_with("Bearer ") && !a.contains("ghijklmnop"), "{a}");
        let c = header_value("cookie", "sid=abcdefghijklmnopqrstuvwxyz", false);
        assert!(!c.contains("ghijklmnop"), "{c}");
        assert!(is_secret_header("X-API-KEY") && is_secret_header("Set-Cookie") && !is_secret_header("Date"));
    }

    #[test]
    fn credential_like_header_names_are_secret() {
        for n in
            ["X-Session-Token", "x-refresh-token", "cf-access-jwt-assertion", "Authentication-Info", "x-client-secret"]
        {
            assert!(is_secret_header(n), "{n}");
        }
        for n in ["WWW-Authenticate", "Access-Control-Allow-Credentials", "Content-Type", "Sec-Fetch-Site"] {
            assert!(!is_secret_header(n), "{n}");
        }
    }

    #[test]
    fn url_headers_and_websocket_tokens() {
        let r = header_value("Referer", "https://app.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA", false);
        assert!(!r.contains("SplxlOBe"), "{r}");
        let l =
            header_value("location", "https://app.example.com/#access_token=eyJhbGciOiJIUzI1NiJ9.e30.x&state=1", false);
        assert!(!l.contains("eyJhbGciOiJIUzI1NiJ9") && l.contains("state=1"), "{l}");
        let w = header_value("Sec-WebSocket-Protocol", "graphql-ws, eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", false);
        assert!(w.starts_with("graphql-ws, ") && !w.contains("eyJzdWIi"), "{w}");
        let s3 = redact_url(
            "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA1234567890%2F&X-Amz-Signature=abcdef0123456789",
        );
        assert!(!s3.contains("abcdef0123456789") && !s3.contains("AKIA1234567890"), "{s3}");
    }

    #[test]
    fn urls_lose_tokens_and_passwords() {
        let u = redact_url("https://alice:hunter22@api.example.com/cb?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz#f");
        assert!(!u.contains("hunter22") && !u.contains("SplxlOBe"), "{u}");
        assert!(u.contains("alice:") && u.contains("state=xyz") && u.ends_with("#f"), "{u}");
        assert_eq!(redact_url("https://example.com/a?b=1"), "https://example.com/a?b=1");
    }

    #[test]
    fn tiny_secret_shows_nothing() {
        assert_eq!(redact("ab", Exposure::Prefix), "…(2 chars, redacted)");
        assert_eq!(redact("", Exposure::Prefix), "(empty)");
    }
}
