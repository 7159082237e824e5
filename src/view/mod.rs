//! The view model the extension's popup (and the DevTools panel) paints: per flagged request,
//! the ranked findings plus the credential, cookie, CORS and challenge pictures.
//!
//! Built by the core so the JavaScript shell only paints. Secrets appear only redacted here;
//! the raw values stay in the finding evidence `raw` field, which is never serialised.

mod cookies;

use crate::finding::Finding;
use serde::Serialize;

pub use cookies::CookieRow;

/// One name/value pair for display.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Pair {
    pub name: String,
    pub value: String,
}

/// A decoded JWT claim with a human note (`expired 3 min 12 s before the server's clock`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimView {
    pub name: String,
    pub value: String,
    /// Relative-time or check result, when the claim is a time or is checked.
    pub note: Option<String>,
    /// `ok`, `bad` or `info`.
    pub status: String,
}

/// A decoded JWT (never verified).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtView {
    pub header: Vec<ClaimView>,
    pub claims: Vec<ClaimView>,
    /// `JWS`, `JWE`, `unsecured`, `malformed`.
    pub kind: String,
    pub problems: Vec<String>,
}

/// The `Authorization` credential that was sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationView {
    pub scheme: String,
    /// One line for people: `Basic, user "alice"`, `Bearer JWT (RS256)`.
    pub summary: String,
    /// Basic user name (not secret).
    pub user: Option<String>,
    /// The credential, redacted.
    pub credential_redacted: String,
    pub jwt: Option<JwtView>,
    /// Problems noticed while parsing (bad base64, trailing newline …).
    pub notes: Vec<String>,
}

/// Credentials sent, missing or rejected.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialsView {
    pub authorization: Option<AuthorizationView>,
    /// Custom key headers that were sent (`x-api-key`), values redacted.
    pub api_keys: Vec<Pair>,
    /// `sent`, `missing` or `rejected`, for the headline.
    pub state: String,
}

/// One parsed challenge of `WWW-Authenticate` / `Proxy-Authenticate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeView {
    pub scheme: String,
    pub params: Vec<Pair>,
    pub token68: Option<String>,
    /// Plain-words meaning (`error=invalid_token: the token is expired, revoked or malformed`).
    pub meaning: Vec<String>,
    pub proxy: bool,
}

/// The CORS picture of a cross-origin request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CorsView {
    pub page_origin: Option<String>,
    pub request_origin: Option<String>,
    /// `include`, `same-origin`/`omit` (inferred), or `unknown`.
    pub credentials_mode: String,
    pub response_headers: Vec<Pair>,
    pub preflight_status: Option<u16>,
    pub preflight_headers: Vec<Pair>,
    /// Which CORS check failed, in words; `None` when all passed.
    pub failed_check: Option<String>,
}

/// Everything the popup shows for one flagged request.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    pub index: usize,
    pub method: String,
    pub url: String,
    pub status: u16,
    pub error: Option<String>,
    pub started_ms: Option<f64>,
    pub resource_type: Option<String>,
    /// A service worker made the request itself (its headers are what the worker passed on).
    pub fetched_by_worker: bool,
    /// The capture index of a later repeat of this request, with another credential, that
    /// succeeded: the app recovered on its own (refresh-and-retry), so the failure did not block.
    pub recovered_by: Option<usize>,
    /// Whether this failure blocks the user: its top finding is an error and the app did not
    /// recover on its own. The popup counts these; it never decides it itself.
    pub blocking: bool,
    pub findings: Vec<Finding>,
    pub credentials: CredentialsView,
    pub cookies: Vec<CookieRow>,
    pub cors: Option<CorsView>,
    pub challenges: Vec<ChallengeView>,
    /// Headers for the raw view; secret values redacted unless the view was built revealed.
    pub request_headers: Vec<Pair>,
    pub response_headers: Vec<Pair>,
    /// A Markdown report of this entry, for "Copy report" (redacted unless revealed).
    pub markdown: String,
    /// The request as a cURL command, for "Copy as cURL" (redacted unless revealed).
    pub curl: String,
}

/// Header names whose values are secrets in the raw header view.
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie", "dpop"];

fn pairs(h: &crate::model::Headers<'_>, reveal: bool) -> Vec<Pair> {
    use crate::signals::API_KEY_HEADERS;
    h.0.iter()
        .map(|x| {
            let lname = x.name.to_ascii_lowercase();
            let secret =
                !reveal && (SECRET_HEADERS.contains(&lname.as_str()) || API_KEY_HEADERS.contains(&lname.as_str()));
            let value = if secret {
                crate::secret::redact(&x.value, crate::secret::Exposure::Prefix)
            } else {
                x.value.to_string()
            };
            Pair { name: x.name.to_string(), value }
        })
        .collect()
}

/// Builds the popup's view of one exchange from its context and ranked findings. With `reveal`
/// (the popup's "Reveal secrets", computed on demand and never stored) the findings' evidence,
/// the raw headers and both exports show secrets in full.
pub fn build(diagnosed: crate::diagnose::Diagnosed<'_, '_>, reveal: bool) -> EntryView {
    use crate::diagnose::{cors, credentials};
    let crate::diagnose::Diagnosed { ctx, findings, facts } = diagnosed;
    let ctx = &ctx;
    let ex = ctx.ex;
    let mut view = EntryView {
        index: ctx.index,
        method: ex.method.to_string(),
        url: ex.url.to_string(),
        status: ex.status,
        error: ex.error.as_deref().map(str::to_string),
        started_ms: ex.started_ms,
        resource_type: ex.resource_type.as_deref().map(str::to_string),
        fetched_by_worker: ex.fetched_by_worker,
        recovered_by: facts.recovered_by,
        blocking: false,
        credentials: credentials::credentials_view(ctx),
        cookies: cookies::rows(&facts.cookies),
        cors: cors::cors_view(ctx),
        challenges: credentials::challenges_view(ctx),
        request_headers: pairs(&ex.request_headers, reveal),
        response_headers: pairs(&ex.response_headers, reveal),
        markdown: String::new(),
        curl: crate::report::curl::curl(ex, reveal),
        findings: if reveal { findings.iter().map(Finding::revealed).collect() } else { findings },
    };
    view.blocking = view.recovered_by.is_none()
        && view.findings.first().is_some_and(|f| f.severity == crate::catalogue::Severity::Error);
    view.markdown = crate::report::markdown::entry_markdown(&view, reveal);
    view
}

#[cfg(test)]
mod tests {
    use crate::model::{Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    /// Redacted by default; in full only when the view is built revealed — everywhere, exports included.
    #[test]
    fn secrets_shown_only_when_revealed() {
        const TOKEN: &str = "opaque-access-token-0123456789abcdef";
        const COOKIE: &str = "sid-value-0123456789abcdef";
        let cap = Capture {
            exchanges: vec![Exchange {
                method: Cow::Borrowed("GET"),
                url: Cow::Borrowed("https://api.example.com/v1/me"),
                status: 401,
                request_headers: Headers(vec![
                    Header::new("Authorization", "Bearer opaque-access-token-0123456789abcdef"),
                    Header::new("Cookie", "sid=sid-value-0123456789abcdef"),
                ]),
                response_headers: Headers(vec![Header::new("WWW-Authenticate", "Bearer error=\"invalid_token\"")]),
                ..Default::default()
            }],
            ..Default::default()
        };
        for reveal in [false, true] {
            let a = crate::analyze_with(&cap, reveal);
            let v = a.entries.first().expect("the 401 is flagged");
            let headers = serde_json::to_string(&v.request_headers).expect("serialises");
            let evidence = serde_json::to_string(&v.findings).expect("serialises");
            for (what, text) in [("markdown", &v.markdown), ("curl", &v.curl), ("headers", &headers)] {
                assert_eq!(text.contains(TOKEN), reveal, "{what} (reveal {reveal}): {text}");
                assert_eq!(text.contains(COOKIE), reveal, "{what} (reveal {reveal}): {text}");
            }
            assert_eq!(evidence.contains(TOKEN), reveal, "evidence (reveal {reveal})");
            assert_eq!(v.markdown.contains("secrets shown in full"), reveal);
        }
    }
}
