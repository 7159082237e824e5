//! Which requests a browser preflights (Fetch #cors-safelisted-method,
//! #cors-safelisted-request-header, #cors-unsafe-request-header-names, #forbidden-request-header):
//! the script-set headers of a capture sorted into safelisted and CORS-unsafe ones.
use crate::headers::cors::{is_http_ws, is_token, normalize};
use crate::model::Headers;

/// A CORS-safelisted method: `GET`, `HEAD` or `POST` (byte-exact; `fetch` upper-cases these).
pub fn is_cors_safelisted_method(m: &str) -> bool {
    matches!(m, "GET" | "HEAD" | "POST")
}

/// A CORS non-wildcard request-header name: only `Authorization`, which `*` never covers.
pub(crate) fn is_cors_non_wildcard_request_header_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization")
}

/// Fetch "CORS-unsafe request-header byte".
fn is_cors_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09) || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// A forbidden request-header (Fetch #forbidden-request-header): set by the browser, never by
/// script, so it never needs a preflight.
fn is_forbidden_request_header(name: &str) -> bool {
    const FORBIDDEN: &[&str] = &[
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    let lower = name.to_ascii_lowercase();
    FORBIDDEN.contains(&lower.as_str()) || lower.starts_with("proxy-") || lower.starts_with("sec-")
}

/// Headers that show up in captures but were added by the browser or its cache, not by the
/// page's script (HTTP/2 pseudo-headers, `User-Agent`, conditional headers of a revalidation,
/// DevTools' "Disable cache" pair). They do not make a request need a preflight.
fn is_browser_added_request_header(name: &str) -> bool {
    const ADDED: &[&str] = &[
        "user-agent",
        "priority",
        "cache-control",
        "pragma",
        "if-none-match",
        "if-modified-since",
        "x-client-data",
        "upgrade-insecure-requests",
        "purpose",
        "x-purpose",
    ];
    name.starts_with(':') || is_forbidden_request_header(name) || ADDED.iter().any(|a| name.eq_ignore_ascii_case(a))
}

/// Whether a MIME type string parses (WHATWG MIME Sniffing "parse a MIME type") and its essence
/// is one of the three CORS-safelisted Content-Types.
fn is_safelisted_content_type(v: &str) -> bool {
    let v = v.trim_matches(is_http_ws);
    let Some((ty, rest)) = v.split_once('/') else {
        return false;
    };
    if !is_token(ty) {
        return false;
    }
    let subtype = rest.split(';').next().unwrap_or("").trim_end_matches(is_http_ws);
    if !is_token(subtype) {
        return false;
    }
    let essence_ok = [("application", "x-www-form-urlencoded"), ("multipart", "form-data"), ("text", "plain")]
        .iter()
        .any(|(t, s)| ty.eq_ignore_ascii_case(t) && subtype.eq_ignore_ascii_case(s));
    // Parameters that do not parse are skipped by the MIME parser; only bytes matter here and
    // they were checked by the caller.
    essence_ok
}

/// Fetch "simple range header value" (`bytes=N-` or `bytes=N-M`).
fn is_simple_range(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("bytes=") else {
        return false;
    };
    let Some((a, b)) = rest.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !(b.is_empty() || digits(b)) {
        return false;
    }
    match (a.parse::<u128>(), b.parse::<u128>()) {
        (Ok(x), Ok(y)) => x <= y,
        (Ok(_), Err(_)) => b.is_empty(),
        _ => false,
    }
}

/// Fetch "CORS-safelisted request-header" for one `(name, value)`.
pub fn is_cors_safelisted_request_header(name: &str, value: &str) -> bool {
    if value.len() > 128 {
        return false;
    }
    let lname = name.to_ascii_lowercase();
    match lname.as_str() {
        "accept" => !value.bytes().any(is_cors_unsafe_byte),
        "accept-language" | "content-language" => {
            value.bytes().all(|b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b))
        }
        "content-type" => !value.bytes().any(is_cors_unsafe_byte) && is_safelisted_content_type(value),
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// Fetch "CORS-unsafe request-header names": lowercase, sorted, deduplicated. `headers` are the
/// headers the script set (see [`author_request_headers`]).
pub fn cors_unsafe_request_header_names<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut safelisted = Vec::new();
    let mut safelisted_bytes = 0usize;
    for (n, v) in headers {
        if is_cors_safelisted_request_header(n, v) {
            safelisted_bytes = safelisted_bytes.saturating_add(v.len());
            safelisted.push(n.to_ascii_lowercase());
        } else {
            unsafe_names.push(n.to_ascii_lowercase());
        }
    }
    if safelisted_bytes > 1024 {
        unsafe_names.extend(safelisted);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// The captured request headers a script could have set (browser-added ones left out).
pub(crate) fn author_request_headers<'h>(headers: &'h Headers<'_>) -> impl Iterator<Item = (&'h str, &'h str)> + 'h {
    headers
        .0
        .iter()
        .filter(|h| !is_browser_added_request_header(&h.name))
        .map(|h| (h.name.as_ref(), normalize(&h.value)))
}

/// Whether a cross-origin request with `method` and these script-set headers needs a preflight.
pub fn needs_preflight<'a>(method: &str, headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    !is_cors_safelisted_method(method) || !cors_unsafe_request_header_names(headers).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, Headers};

    fn hs(pairs: &[(&'static str, &'static str)]) -> Headers<'static> {
        Headers(pairs.iter().map(|(n, v)| Header::new(n, v)).collect())
    }

    #[test]
    fn safelisted_request_headers() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("plain text", "content-type", "text/plain", true),
            ("charset", "content-type", "Text/Plain;charset=utf-8", true),
            ("json", "content-type", "application/json", false),
            ("space in type", "content-type", "text /plain", false),
            ("list", "content-type", "text/plain,x/x", false),
            ("unsafe byte", "content-type", "multipart/form-data;\"", false),
            ("accept", "accept", "*/*", true),
            ("authorization", "authorization", "Bearer x", false),
            ("range", "range", "bytes=0-", true),
            ("range no =", "range", "bytes 0-", false),
            ("language @", "content-language", "@", false),
        ];
        for (name, n, v, want) in cases.iter() {
            assert_eq!(is_cors_safelisted_request_header(n, v), *want, "{name}");
        }
        assert!(!is_cors_safelisted_request_header("accept", &"a".repeat(129)));
    }

    #[test]
    fn unsafe_names_and_preflight_need() {
        let h = hs(&[
            ("Authorization", "Bearer x"),
            ("Content-Type", "application/json"),
            ("Cookie", "a=1"),
            (":authority", "api.test"),
            ("User-Agent", "x"),
            ("Accept", "application/json"),
        ]);
        let names = cors_unsafe_request_header_names(author_request_headers(&h));
        assert_eq!(names, ["authorization", "content-type"]);
        assert!(needs_preflight("GET", author_request_headers(&h)));
        assert!(!needs_preflight("GET", author_request_headers(&hs(&[("Accept", "*/*")]))));
        assert!(needs_preflight("PUT", author_request_headers(&hs(&[]))));
    }
}
