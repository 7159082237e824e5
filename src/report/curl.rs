//! "Copy as cURL": an exchange's request as a shell command, with credentials redacted unless
//! the user asks to reveal them.
//!
//! Redacted: `Authorization`, `Proxy-Authorization`, `Cookie`, `DPoP` and API-key header values,
//! token-like query parameters, and secret fields of a form or JSON body.

use crate::model::Exchange;
use crate::secret::{self, header_value, redact_pairs, redact_url};

/// Request headers a replay should not copy: the transport sets them itself.
const SKIP_HEADERS: &[&str] = &["content-length", "host", "connection", "transfer-encoding", "accept-encoding"];

/// Single-quotes `s` for a POSIX shell.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A body with secret fields redacted: form pairs field by field; JSON (or anything else) as a
/// whole when it mentions a secret-looking key.
fn redact_body(body: &str, content_type: &str) -> String {
    if content_type.contains("x-www-form-urlencoded") {
        return redact_pairs(body);
    }
    if secret::mentions_secret_param(body) {
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
        let value = header_value(&h.name, &h.value, reveal);
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
