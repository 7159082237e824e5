//! The view model the extension's popup paints: per flagged request,
//! the ranked findings plus the credential, cookie, CORS and challenge pictures.
//!
//! Built by the core so the JavaScript shell only paints. Secrets appear only redacted here;
//! the raw values stay in the finding evidence `raw` field, which is never serialised.

mod challenge;
mod cookies;
mod cors;
mod credentials;
pub mod exports;
mod jwt;

pub use challenge::ChallengeView;
pub use cookies::CookieRow;
pub use cors::CorsView;
pub use credentials::{AuthorizationView, CredentialsView};
pub use jwt::{ClaimView, JwtView};

use crate::finding::Finding;
use serde::Serialize;

/// One name/value pair for display.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Pair {
    pub name: String,
    pub value: String,
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
    pub credentials: credentials::CredentialsView,
    pub cookies: Vec<CookieRow>,
    pub cors: Option<CorsView>,
    pub challenges: Vec<challenge::ChallengeView>,
    /// Headers for the raw view; secret values redacted unless the view was built revealed.
    pub request_headers: Vec<Pair>,
    pub response_headers: Vec<Pair>,
    // The Markdown report and the cURL command are not here: they are built only when a Copy
    // button asks (`exports::exports`), never stored with the view (issue 13).
}

/// A header list for the raw view, secrets redacted unless `reveal`.
fn pairs(h: &crate::model::Headers<'_>, reveal: bool) -> Vec<Pair> {
    h.0.iter()
        .map(|x| Pair { name: x.name.to_string(), value: crate::secret::header_value(&x.name, &x.value, reveal) })
        .collect()
}

/// Builds the popup's view of one exchange from its context and ranked findings. With `reveal`
/// (the popup's "Reveal secrets", computed on demand and never stored) the findings' evidence,
/// and the raw headers show secrets in full.
pub(crate) fn build(diagnosed: crate::diagnose::Diagnosed<'_, '_>, reveal: bool) -> EntryView {
    let (ctx, findings, facts) = diagnosed.into_facts();
    let ctx = &ctx;
    let ex = ctx.ex;
    let findings: Vec<Finding> = if reveal { findings.iter().map(Finding::revealed).collect() } else { findings };
    // The popup counts these; it never decides it itself.
    let blocking = facts.recovered_by.is_none()
        && findings.first().is_some_and(|f| f.severity == crate::catalogue::Severity::Error);
    let mut view = EntryView {
        index: ctx.index,
        method: ex.method.to_string(),
        url: if reveal { ex.url.to_string() } else { crate::secret::redact_url(&ex.url) },
        status: ex.status,
        error: ex.error.as_deref().map(str::to_string),
        started_ms: ex.started_ms,
        resource_type: ex.resource_type.as_deref().map(str::to_string),
        fetched_by_worker: ex.fetched_by_worker,
        recovered_by: facts.recovered_by,
        blocking,
        credentials: credentials::view(ctx, &facts.credentials),
        cookies: cookies::rows(&facts.cookies),
        cors: facts.cors.as_ref().map(cors::cors_view),
        challenges: challenge::view(ctx),
        request_headers: pairs(&ex.request_headers, reveal),
        response_headers: pairs(&ex.response_headers, reveal),
        findings,
    };
    if let Some(a) = view.credentials.authorization.as_mut() {
        a.jwt = facts.jwt.as_ref().map(jwt::view);
    }
    view
}

#[cfg(test)]
mod tests {
    use crate::model::{Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    /// The exports are built for exactly the flagged entries the views are, each naming its
    /// findings in rank order, and the stored view carries neither text (issue 13).
    #[test]
    fn exports_follow_the_views() {
        let cap = Capture {
            exchanges: vec![
                Exchange {
                    method: Cow::Borrowed("GET"),
                    url: Cow::Borrowed("https://api.example.com/ok"),
                    status: 200,
                    ..Default::default()
                },
                Exchange {
                    method: Cow::Borrowed("GET"),
                    url: Cow::Borrowed("https://api.example.com/v1/me"),
                    status: 401,
                    request_headers: Headers(vec![Header::new("Authorization", "Bearer opaque-0123456789abcdef")]),
                    response_headers: Headers(vec![Header::new("WWW-Authenticate", "Bearer error=\"invalid_token\"")]),
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let views = crate::analyze(&cap).entries;
        let exports = super::exports::exports(&cap, false);
        assert_eq!(views.iter().map(|v| v.index).collect::<Vec<_>>(), vec![1]);
        assert_eq!(exports.iter().map(|x| x.index).collect::<Vec<_>>(), vec![1]);
        let (v, x) = (&views[0], &exports[0]);
        let mut at = 0;
        for f in &v.findings {
            let found = x.markdown[at..].find(f.id.as_str()).map(|p| p + at);
            at = found.unwrap_or_else(|| panic!("{} missing or out of rank order in {}", f.id, x.markdown));
        }
        assert!(x.curl.starts_with("curl 'https://api.example.com/v1/me'"), "{}", x.curl);
        let json = serde_json::to_string(v).expect("serialises");
        assert!(!json.contains("\"markdown\"") && !json.contains("\"curl\""), "{json}");
    }

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
            let x = super::exports::exports(&cap, reveal);
            let x = x.first().expect("the 401 has exports");
            let headers = serde_json::to_string(&v.request_headers).expect("serialises");
            let evidence = serde_json::to_string(&v.findings).expect("serialises");
            for (what, text) in [("markdown", &x.markdown), ("curl", &x.curl), ("headers", &headers)] {
                assert_eq!(text.contains(TOKEN), reveal, "{what} (reveal {reveal}): {text}");
                assert_eq!(text.contains(COOKIE), reveal, "{what} (reveal {reveal}): {text}");
            }
            assert_eq!(evidence.contains(TOKEN), reveal, "evidence (reveal {reveal})");
            assert_eq!(x.markdown.contains("secrets shown in full"), reveal);
        }
    }
}
