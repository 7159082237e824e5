//! The audit's own finding ids: posture checks the failure catalogue (DIAGNOSES.md) has no id
//! for, named in its style. Stable API like the catalogue's (README, "Audit ids").

use crate::catalogue::{FindingId, Severity};
use serde::{Serialize, Serializer};

/// An audit-only rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuditRule {
    CookieMissingSecure,
    CookieMissingHttponly,
    CookieSamesiteUnset,
    CookieHostPrefixRecommended,
    CookieLongLivedSession,
    CookieDomainBroaderThanNeeded,
    CorsOriginReflectedWithCredentials,
    AuthFailureNotNoStore,
    LoginOverHttp,
    HstsMissing,
    HstsWeak,
    JwtLongLived,
}

impl AuditRule {
    /// Every audit rule, in README order.
    pub const ALL: [AuditRule; 12] = [
        AuditRule::CookieMissingSecure,
        AuditRule::CookieMissingHttponly,
        AuditRule::CookieSamesiteUnset,
        AuditRule::CookieHostPrefixRecommended,
        AuditRule::CookieLongLivedSession,
        AuditRule::CookieDomainBroaderThanNeeded,
        AuditRule::CorsOriginReflectedWithCredentials,
        AuditRule::AuthFailureNotNoStore,
        AuditRule::LoginOverHttp,
        AuditRule::HstsMissing,
        AuditRule::HstsWeak,
        AuditRule::JwtLongLived,
    ];

    /// The id as reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditRule::CookieMissingSecure => "cookie-missing-secure",
            AuditRule::CookieMissingHttponly => "cookie-missing-httponly",
            AuditRule::CookieSamesiteUnset => "cookie-samesite-unset",
            AuditRule::CookieHostPrefixRecommended => "cookie-host-prefix-recommended",
            AuditRule::CookieLongLivedSession => "cookie-long-lived-session",
            AuditRule::CookieDomainBroaderThanNeeded => "cookie-domain-broader-than-needed",
            AuditRule::CorsOriginReflectedWithCredentials => "cors-origin-reflected-with-credentials",
            AuditRule::AuthFailureNotNoStore => "auth-failure-not-no-store",
            AuditRule::LoginOverHttp => "login-over-http",
            AuditRule::HstsMissing => "hsts-missing",
            AuditRule::HstsWeak => "hsts-weak",
            AuditRule::JwtLongLived => "jwt-long-lived",
        }
    }

    /// One-line title.
    pub fn title(self) -> &'static str {
        match self {
            AuditRule::CookieMissingSecure => "A session cookie is set without Secure",
            AuditRule::CookieMissingHttponly => "A session cookie is readable by page scripts (no HttpOnly)",
            AuditRule::CookieSamesiteUnset => "A session cookie has no SameSite attribute, so browsers disagree on it",
            AuditRule::CookieHostPrefixRecommended => "A session cookie could use the __Host- prefix",
            AuditRule::CookieLongLivedSession => "A session cookie lives for months",
            AuditRule::CookieDomainBroaderThanNeeded => "A session cookie is shared with every subdomain",
            AuditRule::CorsOriginReflectedWithCredentials => {
                "Access-Control-Allow-Origin reflects any origin, with credentials"
            }
            AuditRule::AuthFailureNotNoStore => "An authentication failure may be stored by caches (no no-store)",
            AuditRule::LoginOverHttp => "The sign-in happens over plain http",
            AuditRule::HstsMissing => "The sign-in origin sends no Strict-Transport-Security",
            AuditRule::HstsWeak => "The sign-in origin's HSTS policy is too short",
            AuditRule::JwtLongLived => "An access token is valid far longer than the norm",
        }
    }

    /// Default severity (§0.3 of the catalogue: error breaks or endangers, warn weakens, info advises).
    pub fn severity(self) -> Severity {
        match self {
            AuditRule::CookieMissingSecure
            | AuditRule::CorsOriginReflectedWithCredentials
            | AuditRule::LoginOverHttp => Severity::Error,
            AuditRule::CookieHostPrefixRecommended => Severity::Info,
            _ => Severity::Warn,
        }
    }

    /// The normative source.
    pub fn source(self) -> &'static str {
        match self {
            AuditRule::CookieMissingSecure => "RFC 6265bis §4.1.2.5 (Secure); OWASP Session Management Cheat Sheet",
            AuditRule::CookieMissingHttponly => "RFC 6265bis §4.1.2.6 (HttpOnly); OWASP Session Management Cheat Sheet",
            AuditRule::CookieSamesiteUnset => "RFC 6265bis §4.1.2.7, §5.6.7.1 (Lax-by-default is Chromium's only)",
            AuditRule::CookieHostPrefixRecommended => "RFC 6265bis §4.1.3.2 (__Host-)",
            AuditRule::CookieLongLivedSession => "RFC 6265bis §4.1.2.1–2; OWASP Session Management (expiration)",
            AuditRule::CookieDomainBroaderThanNeeded => "RFC 6265bis §4.1.2.3, §8.6 (weak confidentiality)",
            AuditRule::CorsOriginReflectedWithCredentials => {
                "Fetch §3.2.5 (CORS protocol and credentials); PortSwigger CORS"
            }
            AuditRule::AuthFailureNotNoStore => "RFC 9111 §5.2.2.5 (no-store), §3 (storing responses)",
            AuditRule::LoginOverHttp => "RFC 9110 §17.1 (credentials over insecure transport); W3C Secure Contexts",
            AuditRule::HstsMissing | AuditRule::HstsWeak => "RFC 6797 §6.1.1 (max-age); Mozilla Observatory HSTS test",
            AuditRule::JwtLongLived => "RFC 9700 §2.2.2 and §4.11 (short-lived access tokens); RFC 9068",
        }
    }
}

/// A finding's id: the catalogue's, or the audit's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Id {
    Catalogue(FindingId),
    Audit(AuditRule),
}

impl Id {
    pub fn as_str(self) -> &'static str {
        match self {
            Id::Catalogue(f) => f.as_str(),
            Id::Audit(a) => a.as_str(),
        }
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_ids_are_unique_and_not_catalogue_ids() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditRule::ALL {
            assert!(seen.insert(a.as_str()), "{} twice", a.as_str());
            assert!(FindingId::parse(a.as_str()).is_none(), "{} is a catalogue id", a.as_str());
            assert!(!a.title().is_empty() && a.source().contains('§') || a.source().contains("OWASP"));
        }
    }
}
