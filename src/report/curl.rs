//! "Copy as cURL": an exchange's request as a shell command, with credentials redacted unless
//! the user asks to reveal them.
//!
//! Redacted: `Authorization`, `Proxy-Authorization`, `Cookie`, `DPoP` and API-key header values,
//! token-like query parameters, and secret fields of a form or JSON body.

use crate::model::Exchange;
use crate::secret::{Exposure, redact};
use crate::signals::API_KEY_HEADERS;

/// Header names whose values are credentials.
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "dpop"];

/// Request headers a replay should not copy: the transport sets them itself.
const SKIP_HEADERS: &[&str] = &["content-length", "host", "connection", "transfer-encoding", "accept-encoding"];

/// Query or form parameter names that carry secrets (compared lowercased, by containment).
const SECRET_PARAMS: &[&str] =
    &["token", "password", "passwd", "secret", "code", "assertion", "api_key", "apikey", "session", "credential"];

fn is_secret_param(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    SECRET_PARAMS.iter().any(|p| l.contains(p))
}

/// Single-quotes `s` for a POSIX shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `a=1&password=x` with secret values redacted.
fn redact_pairs(s: &str) -> String {
    s.split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) if is_secret_param(k) && !v.is_empty() => format!("{k}={}", redact(v, Exposure::LengthOnly)),
            _ => kv.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn redact_url(url: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let mut out = match base.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_pairs(query)),
        None => base.to_string(),
    };
    // `https://user:pass@host/`: keep the user, hide the password.
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
        Some(f) => format!("{out}#{f}"),
        None => out,
    }
}

/// A body with secret fields redacted: form pairs field by field; JSON (or anything else) as a
/// whole when it mentions a secret-looking key.
fn redact_body(body: &str, content_type: &str) -> String {
    if content_type.contains("x-www-form-urlencoded") {
        return redact_pairs(body);
    }
    let l = body.to_ascii_lowercase();
    if SECRET_PARAMS.iter().any(|p| l.contains(p)) {
        return format!("(request body redacted: {} bytes; it holds credentials)", body.len());
    }
    body.to_string()
}

/// The request of `ex` as a cURL command line. Secrets are redacted unless `reveal`.
pub fn curl(ex: &Exchange<'_>, reveal: bool) -> String {
    let method = if ex.method.is_empty() { "GET" } else { ex.method.as_ref() };
    let url = if reveal { ex.url.to_string() } else { redact_url(&ex.url) };
    let mut parts = vec![format!("curl {}", quote(&url))];
    let has_body = ex.request_body.as_deref().is_some_and(|b| !b.is_empty());
    if !(method == "GET" || method == "POST" && has_body) {
        parts.push(format!("-X {}", quote(method)));
    }
    for h in &ex.request_headers.0 {
        let lname = h.name.to_ascii_lowercase();
        if lname.starts_with(':') || SKIP_HEADERS.contains(&lname.as_str()) {
            continue;
        }
        let secret = SECRET_HEADERS.contains(&lname.as_str()) || API_KEY_HEADERS.contains(&lname.as_str());
        let value = if secret && !reveal {
            match (lname.as_str(), h.value.split_once(' ')) {
                // Keep the scheme visible: it is often the point of the report.
                ("authorization" | "proxy-authorization", Some((scheme, cred))) => {
                    format!("{scheme} {}", redact(cred.trim(), Exposure::Prefix))
                }
                _ => redact(&h.value, Exposure::Prefix),
            }
        } else {
            h.value.to_string()
        };
        parts.push(format!("-H {}", quote(&format!("{}: {}", h.name, value))));
    }
    if let Some(body) = ex.request_body.as_deref().filter(|b| !b.is_empty()) {
        let ct = ex.request_headers.get("content-type").unwrap_or("").to_ascii_lowercase();
        let body = if reveal { body.to_string() } else { redact_body(body, &ct) };
        parts.push(format!("--data-raw {}", quote(&body)));
    }
    parts.join(" \\\n  ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, Headers};
    use std::borrow::Cow;

    fn ex() -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed("POST"),
            url: Cow::Borrowed("https://api.example.test/login?access_token=abcdef123456&x=1"),
            request_headers: Headers(vec![
                Header::new("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"),
                Header::new("Cookie", "sid=s3cr3tvalue"),
                Header::new("Content-Type", "application/x-www-form-urlencoded"),
                Header::new("X-Note", "it's"),
            ]),
            request_body: Some(Cow::Borrowed("user=alice&password=hunter2")),
            ..Exchange::default()
        }
    }

    #[test]
    fn redacts_by_default() {
        let c = curl(&ex(), false);
        for secret in ["abcdef123456", "e30.sig", "s3cr3tvalue", "hunter2"] {
            assert!(!c.contains(secret), "{secret} leaked: {c}");
        }
        assert!(c.contains("Authorization: Bearer "), "{c}");
        assert!(c.contains("user=alice"), "{c}");
        assert!(c.contains("'X-Note: it'\\''s'"), "{c}");
        assert!(!c.contains("-X"), "POST with a body needs no -X: {c}");
    }

    #[test]
    fn reveal_shows_everything() {
        let c = curl(&ex(), true);
        for secret in ["abcdef123456", "e30.sig", "s3cr3tvalue", "hunter2"] {
            assert!(c.contains(secret), "{secret} missing: {c}");
        }
    }

    #[test]
    fn url_password_hidden() {
        let u = redact_url("https://bob:pw123@example.test/a?b=1#frag");
        assert!(u.starts_with("https://bob:"), "{u}");
        assert!(!u.contains("pw123"), "{u}");
        assert!(u.ends_with("@example.test/a?b=1#frag"), "{u}");
    }
}
