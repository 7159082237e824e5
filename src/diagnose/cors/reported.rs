//! Chromium's own CORS verdict (`Network.CorsErrorStatus{corsError, failedParameter}`, DIAGNOSES
//! Appendix A.4 and the A.9 aliases), mapped to the failures `crate::fetch` computes, so that
//! reported and inferred failures flow through the same rules.

use crate::model::CorsErrorStatus;

/// The kinds of `Network.CorsError`, grouped by what they mean for a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    DisallowedByMode,
    CorsDisabledScheme,
    NoCorsRedirectModeNotFollow,
    /// The preflight hit a network error (`InvalidResponse`).
    InvalidResponse,
    WildcardOriginNotAllowed,
    MissingAllowOriginHeader,
    MultipleAllowOriginValues,
    InvalidAllowOriginValue,
    AllowOriginMismatch,
    InvalidAllowCredentials,
    PreflightInvalidStatus,
    PreflightDisallowedRedirect,
    InvalidAllowMethods,
    InvalidAllowHeaders,
    MethodDisallowed,
    HeaderDisallowed,
    RedirectContainsCredentials,
    InsecureLocalNetwork,
    InvalidLocalNetworkAccess,
    LocalNetworkAccessPermissionDenied,
    /// Legacy values kept only for the DevTools frontend (`PreflightMissingAllowExternal` …).
    Ignored,
    /// A value this build does not know (newer protocol): still a CORS failure.
    Unknown,
}

/// One reported CORS error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reported {
    pub kind: Kind,
    /// The `Preflight…` variant: the failure was on the OPTIONS response.
    pub on_preflight: bool,
    /// `failedParameter`: the offending method, header name or header value.
    pub param: String,
    /// The enum value as reported.
    pub raw: String,
}

impl Reported {
    /// Whether the error can only happen with credentials mode `include`.
    pub fn implies_credentials(&self) -> bool {
        matches!(self.kind, Kind::WildcardOriginNotAllowed | Kind::InvalidAllowCredentials)
    }
}

/// Maps a CDP `CorsErrorStatus` (unknown values are kept as `Kind::Unknown`).
pub fn map(s: &CorsErrorStatus<'_>) -> Reported {
    let raw = s.cors_error.trim();
    let (on_preflight, base) = match raw.strip_prefix("Preflight") {
        // `PreflightInvalidStatus` and `PreflightDisallowedRedirect` keep their own kinds below.
        Some(rest) if !matches!(rest, "InvalidStatus" | "DisallowedRedirect") => (true, rest),
        _ => (raw.starts_with("Preflight"), raw),
    };
    let kind = match base {
        "DisallowedByMode" => Kind::DisallowedByMode,
        "CorsDisabledScheme" => Kind::CorsDisabledScheme,
        "NoCorsRedirectModeNotFollow" => Kind::NoCorsRedirectModeNotFollow,
        "InvalidResponse" => Kind::InvalidResponse,
        "WildcardOriginNotAllowed" => Kind::WildcardOriginNotAllowed,
        "MissingAllowOriginHeader" => Kind::MissingAllowOriginHeader,
        "MultipleAllowOriginValues" => Kind::MultipleAllowOriginValues,
        "InvalidAllowOriginValue" => Kind::InvalidAllowOriginValue,
        "AllowOriginMismatch" => Kind::AllowOriginMismatch,
        "InvalidAllowCredentials" => Kind::InvalidAllowCredentials,
        "PreflightInvalidStatus" => Kind::PreflightInvalidStatus,
        "PreflightDisallowedRedirect" => Kind::PreflightDisallowedRedirect,
        "InvalidAllowMethodsPreflightResponse" => Kind::InvalidAllowMethods,
        "InvalidAllowHeadersPreflightResponse" => Kind::InvalidAllowHeaders,
        "MethodDisallowedByPreflightResponse" => Kind::MethodDisallowed,
        "HeaderDisallowedByPreflightResponse" => Kind::HeaderDisallowed,
        "RedirectContainsCredentials" => Kind::RedirectContainsCredentials,
        "InsecureLocalNetwork" | "InsecurePrivateNetwork" => Kind::InsecureLocalNetwork,
        "InvalidLocalNetworkAccess" | "InvalidPrivateNetworkAccess" | "UnexpectedPrivateNetworkAccess" => {
            Kind::InvalidLocalNetworkAccess
        }
        "LocalNetworkAccessPermissionDenied"
        | "PrivateNetworkAccessPermissionDenied"
        | "PrivateNetworkAccessPermissionUnavailable"
        | "MissingAllowPrivateNetwork"
        | "InvalidAllowPrivateNetwork"
        | "MissingPrivateNetworkAccessId"
        | "MissingPrivateNetworkAccessName" => Kind::LocalNetworkAccessPermissionDenied,
        "MissingAllowExternal" | "InvalidAllowExternal" => Kind::Ignored,
        _ => Kind::Unknown,
    };
    Reported { kind, on_preflight, param: s.failed_parameter.trim().to_string(), raw: raw.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn m(e: &'static str, p: &'static str) -> Reported {
        map(&CorsErrorStatus { cors_error: Cow::Borrowed(e), failed_parameter: Cow::Borrowed(p) })
    }

    #[test]
    fn mapping_table() {
        let cases: &[(&str, Kind, bool)] = &[
            ("MissingAllowOriginHeader", Kind::MissingAllowOriginHeader, false),
            ("PreflightMissingAllowOriginHeader", Kind::MissingAllowOriginHeader, true),
            ("PreflightInvalidStatus", Kind::PreflightInvalidStatus, true),
            ("PreflightDisallowedRedirect", Kind::PreflightDisallowedRedirect, true),
            ("PreflightWildcardOriginNotAllowed", Kind::WildcardOriginNotAllowed, true),
            ("HeaderDisallowedByPreflightResponse", Kind::HeaderDisallowed, false),
            ("InsecurePrivateNetwork", Kind::InsecureLocalNetwork, false),
            ("UnexpectedPrivateNetworkAccess", Kind::InvalidLocalNetworkAccess, false),
            ("PreflightMissingAllowPrivateNetwork", Kind::LocalNetworkAccessPermissionDenied, true),
            ("PreflightMissingAllowExternal", Kind::Ignored, true),
            ("SomethingNew", Kind::Unknown, false),
        ];
        for (raw, kind, pre) in cases {
            let r = m(raw, "");
            assert_eq!((&r.kind, r.on_preflight), (kind, *pre), "{raw}");
        }
        assert_eq!(m("HeaderDisallowedByPreflightResponse", " authorization ").param, "authorization");
        assert!(m("WildcardOriginNotAllowed", "*").implies_credentials());
    }
}
