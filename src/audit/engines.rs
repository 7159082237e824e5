//! What each browser engine does with a cookie or CORS finding: works, blocked, or works until a
//! change its vendor has announced. The engine differences themselves are stated once, with their
//! sources, in `crate::engine`; this module turns them into the audit's verdicts.
//!
//! CORS is one standard (Fetch) except where `crate::engine` says otherwise: a wildcard never
//! carries credentials in any engine, while `Allow-Headers: *` still admits `Authorization` in
//! Chromium and Firefox (measured), which both have announced they will stop.

use super::AuditFinding;
use super::ids::{AuditRule, Id};
use crate::catalogue::FindingId;
use serde::Serialize;

/// A browser engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Chromium,
    Firefox,
    Safari,
}

impl Engine {
    pub const ALL: [Engine; 3] = [Engine::Chromium, Engine::Firefox, Engine::Safari];

    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Safari => "safari",
        }
    }
}

/// What happens to the flow in one engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Works,
    Blocked,
    /// Works today; the vendor has announced the change that breaks it.
    Changing,
}

/// One engine's verdict on a finding, with the reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BrowserVerdict {
    pub browser: Engine,
    pub verdict: Verdict,
    pub note: String,
}

/// Per engine, how many findings block it or will.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EngineTotal {
    pub browser: Engine,
    pub blocked: usize,
    pub changing: usize,
}

fn v(browser: Engine, verdict: Verdict, note: &str) -> BrowserVerdict {
    BrowserVerdict { browser, verdict, note: note.to_string() }
}

impl Engine {
    /// The capture-browser value the core's engine rules (`crate::engine`) answer for.
    fn browser(self) -> crate::model::Browser {
        match self {
            Engine::Chromium => crate::model::Browser::Chromium,
            Engine::Firefox => crate::model::Browser::Firefox,
            Engine::Safari => crate::model::Browser::Safari,
        }
    }
}

/// Each engine's verdict, from the core's one statement of engine differences (`crate::engine`).
fn per_engine(f: impl Fn(Engine) -> (Verdict, &'static str)) -> Vec<BrowserVerdict> {
    Engine::ALL
        .iter()
        .map(|&e| {
            let (verdict, note) = f(e);
            v(e, verdict, note)
        })
        .collect()
}

/// Whether a finding rests on `Access-Control-Allow-Headers: *` (the wildcard case engines differ on).
fn on_allow_headers_wildcard(f: &AuditFinding) -> bool {
    f.evidence.iter().any(|e| {
        e.label.to_ascii_lowercase().contains("allow-headers") && e.value.trim().trim_matches('`').trim() == "*"
    })
}

/// The verdicts of finding `f` (cookie and CORS findings; other areas get none).
pub fn verdicts(f: &AuditFinding) -> Vec<BrowserVerdict> {
    use crate::engine::{self as en, ThirdPartyCookies};
    use Verdict::*;
    match f.id {
        Id::Audit(AuditRule::CookieSamesiteUnset) => per_engine(|e| {
            if en::lax_by_default(e.browser()) {
                (Blocked, "treated as Lax: not sent on cross-site subrequests or cross-site POSTs (after 2 minutes)")
            } else {
                (Works, "treated as None: sent cross-site (no Lax-by-default), so CSRF protection rests on the app")
            }
        }),
        Id::Catalogue(FindingId::SetCookieSamesiteNoneInsecure) => per_engine(|e| {
            if en::rejects_samesite_none_insecure(e.browser()) {
                (Blocked, "SameSite=None without Secure is refused when set")
            } else {
                (Works, "stored (a third-party use is still subject to the engine's third-party cookie policy)")
            }
        }),
        Id::Catalogue(FindingId::CookieThirdPartyBlocked | FindingId::SetCookieThirdPartyBlocked) => {
            per_engine(|e| match en::third_party_cookies(e.browser()) {
                ThirdPartyCookies::Allowed => (
                    Works,
                    "third-party cookies are allowed by default; incognito, a user setting or policy can block them",
                ),
                ThirdPartyCookies::Partitioned => (
                    Blocked,
                    "Total Cookie Protection partitions the cookie by top-level site: the session set first-party is absent here",
                ),
                ThirdPartyCookies::Blocked => (Blocked, "Intelligent Tracking Prevention blocks third-party cookies"),
            })
        }
        Id::Catalogue(FindingId::CookieSamesiteLaxExcluded | FindingId::CookieLaxAllowUnsafeExpired) => {
            per_engine(|e| {
                if en::lax_by_default(e.browser()) {
                    (Blocked, "Lax (explicit or by default) is not sent on this cross-site request")
                } else {
                    (Works, "only an explicit SameSite=Lax is withheld; without the attribute this engine sends it")
                }
            })
        }
        Id::Catalogue(FindingId::SetCookieLifetimeCapped) | Id::Audit(AuditRule::CookieLongLivedSession) => {
            per_engine(|_| (Works, "lifetime capped at 400 days"))
        }
        Id::Catalogue(FindingId::SetCookiePartitionedWithoutSecure) => per_engine(|e| match e {
            Engine::Chromium => (Blocked, "Partitioned without Secure is rejected"),
            _ => (Works, "stored; third-party use follows the engine's own partitioning or blocking"),
        }),
        Id::Catalogue(FindingId::CorsAuthorizationNotAllowed) if on_allow_headers_wildcard(f) => per_engine(|e| {
            if en::wildcard_covers_authorization(e.browser()) {
                (
                    Changing,
                    "the wildcard still admits Authorization here, against the Fetch standard; the engine warns it will stop",
                )
            } else {
                (Blocked, "Fetch: Access-Control-Allow-Headers: * never covers Authorization")
            }
        }),
        Id::Catalogue(
            FindingId::CorsWildcardWithCredentials
            | FindingId::CorsAuthorizationNotAllowed
            | FindingId::CorsAllowCredentialsInvalid
            | FindingId::CorsAllowOriginMismatch
            | FindingId::CorsAllowOriginMissing
            | FindingId::CorsPreflightBlockedByAuth
            | FindingId::CorsPreflightBadStatus
            | FindingId::CorsMethodNotAllowed
            | FindingId::CorsRequestHeaderNotAllowed
            | FindingId::CorsAllowOriginMalformed,
        ) => per_engine(|_| (Blocked, "the Fetch standard's CORS check fails in every engine")),
        Id::Catalogue(FindingId::CorsChallengeHeadersNotExposed) => {
            per_engine(|_| (Works, "the call works, but script cannot read the challenge"))
        }
        Id::Catalogue(FindingId::CorsVaryOriginMissing) | Id::Audit(AuditRule::CorsOriginReflectedWithCredentials) => {
            per_engine(|_| (Works, "works, and is a security problem: the browser cannot protect against it"))
        }
        _ => per_engine(|_| (Works, "no engine difference known for this finding")),
    }
}

/// How many findings block, or will block, each engine.
pub fn totals(findings: &[AuditFinding]) -> Vec<EngineTotal> {
    Engine::ALL
        .iter()
        .map(|&e| {
            let of = |want: Verdict| {
                findings.iter().filter(|f| f.browsers.iter().any(|b| b.browser == e && b.verdict == want)).count()
            };
            EngineTotal { browser: e, blocked: of(Verdict::Blocked), changing: of(Verdict::Changing) }
        })
        .collect()
}
