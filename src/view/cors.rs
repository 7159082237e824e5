//! The popup's CORS picture of a cross-origin request: the typed [`CorsFacts`] of the diagnosis
//! turned into words.

use super::Pair;
use crate::diagnose::cors::{CorsFacts, CredBasis, FailedCheck};
use crate::fetch::{CorsFailure, PreflightFailure};
use serde::Serialize;

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

/// The CORS picture for the popup.
pub(crate) fn cors_view(f: &CorsFacts) -> CorsView {
    let credentials_mode = match f.credentials {
        CredBasis::Unknown => "unknown",
        CredBasis::Reported => "include",
        CredBasis::CookieSent | CredBasis::FailureOnlyWithCredentials => "include (inferred)",
    };
    CorsView {
        page_origin: f.page_origin.clone(),
        request_origin: f.request_origin.clone(),
        credentials_mode: credentials_mode.to_string(),
        response_headers: pairs(&f.response_headers),
        preflight_status: f.preflight_status,
        preflight_headers: pairs(&f.preflight_headers),
        failed_check: f.failed.as_ref().map(failed_words),
    }
}

fn pairs(lines: &[(String, String)]) -> Vec<Pair> {
    lines.iter().map(|(name, value)| Pair { name: name.clone(), value: value.clone() }).collect()
}

/// Which check failed, in words.
fn failed_words(f: &FailedCheck) -> String {
    match f {
        FailedCheck::Preflight(PreflightFailure::Redirected(s)) => format!("preflight was redirected ({s})"),
        FailedCheck::Preflight(PreflightFailure::NotOk(0)) => "preflight got no response".to_string(),
        FailedCheck::Preflight(PreflightFailure::NotOk(s)) => format!("preflight status {s} is not 2xx"),
        FailedCheck::Preflight(PreflightFailure::Cors(c)) => format!("preflight: {}", cors_failure_words(c)),
        FailedCheck::Preflight(PreflightFailure::AllowMethodsUnparseable(b)) => {
            format!("preflight Access-Control-Allow-Methods cannot be parsed (`{b}`)")
        }
        FailedCheck::Preflight(PreflightFailure::AllowHeadersUnparseable(b)) => {
            format!("preflight Access-Control-Allow-Headers cannot be parsed (`{b}`)")
        }
        FailedCheck::Preflight(PreflightFailure::MethodNotAllowed { method, .. }) => {
            format!("method {method} not in Access-Control-Allow-Methods")
        }
        FailedCheck::Preflight(PreflightFailure::HeaderNotAllowed { name, .. }) => {
            format!("header {name} not in Access-Control-Allow-Headers")
        }
        FailedCheck::Response(c) => cors_failure_words(c).to_string(),
        FailedCheck::Reported(raw) => {
            raw.as_ref().map_or_else(|| "blocked by the browser".to_string(), |r| format!("browser reported {r}"))
        }
        FailedCheck::Blocked => "blocked by the browser; the capture lacks the headers that would say why".to_string(),
    }
}

fn cors_failure_words(c: &CorsFailure) -> &'static str {
    match c {
        CorsFailure::MissingAllowOrigin => "Access-Control-Allow-Origin is missing",
        CorsFailure::WildcardWithCredentials => "Access-Control-Allow-Origin is * on a credentialed request",
        CorsFailure::MultipleAllowOrigin => "Access-Control-Allow-Origin has several values",
        CorsFailure::InvalidAllowOrigin => "Access-Control-Allow-Origin is not a valid origin",
        CorsFailure::AllowOriginMismatch => "Access-Control-Allow-Origin does not match the Origin",
        CorsFailure::InvalidAllowCredentials => "Access-Control-Allow-Credentials is not exactly true",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_the_failed_check() {
        let f = CorsFacts {
            page_origin: Some("https://app.example.com".into()),
            request_origin: Some("https://app.example.com".into()),
            credentials: CredBasis::CookieSent,
            response_headers: vec![("Access-Control-Allow-Origin".into(), "*".into())],
            preflight_status: None,
            preflight_headers: Vec::new(),
            failed: Some(FailedCheck::Response(CorsFailure::WildcardWithCredentials)),
        };
        let v = cors_view(&f);
        assert_eq!(v.credentials_mode, "include (inferred)");
        assert_eq!(v.failed_check.as_deref(), Some("Access-Control-Allow-Origin is * on a credentialed request"));
        assert_eq!(v.response_headers, [Pair { name: "Access-Control-Allow-Origin".into(), value: "*".into() }]);
        let blocked = CorsFacts { failed: Some(FailedCheck::Blocked), ..f };
        assert!(cors_view(&blocked).failed_check.is_some_and(|w| w.starts_with("blocked by the browser")));
    }
}
