//! What each browser engine does with a cookie or CORS finding: works, blocked, or works until a
//! change its vendor has announced. From each engine's documented rules, not from any one capture.
//!
//! - Chromium treats a cookie without SameSite as Lax (chromestatus 5088147346030592, since
//!   Chrome 80, with a 2-minute Lax+POST exemption); Firefox and Safari never shipped
//!   Lax-by-default (Firefox reverted it in 96; WebKit never enabled it).
//! - Third-party cookies: Firefox's Total Cookie Protection partitions them by default (Firefox
//!   103+), so a session set first-party is absent in an embed; Safari's ITP blocks them outright
//!   (Safari 13.1+); Chromium allows them by default (its 2025 plan kept them, users and incognito
//!   can block them).
//! - `SameSite=None` without `Secure` is rejected by Chromium (Chrome 80+) and Firefox (69+ behind
//!   a pref, default since 2024 builds per issue 11); WebKit stores it.
//! - CORS is one standard (Fetch): a wildcard never carries credentials and never covers
//!   `Authorization`, in every engine.

use super::AuditFinding;
use super::ids::{AuditRule, Id};
use crate::catalogue::FindingId;
use crate::model::Capture;
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

/// The verdicts of finding `id` about `subject` (a cookie name or an origin) in `capture`.
pub fn verdicts(id: Id, _subject: &str, _capture: &Capture<'_>) -> Vec<BrowserVerdict> {
    use Engine::*;
    use Verdict::*;
    match id {
        Id::Audit(AuditRule::CookieSamesiteUnset) => vec![
            v(
                Chromium,
                Blocked,
                "treated as Lax: not sent on cross-site subrequests or cross-site POSTs (after 2 minutes)",
            ),
            v(
                Firefox,
                Works,
                "treated as None: sent cross-site (no Lax-by-default), so CSRF protection rests on the app",
            ),
            v(Safari, Works, "treated as None for first-party use; cross-site, ITP blocks it as a third-party cookie"),
        ],
        Id::Catalogue(FindingId::SetCookieSamesiteNoneInsecure) => vec![
            v(Chromium, Blocked, "SameSite=None without Secure is rejected when set"),
            v(Firefox, Blocked, "SameSite=None without Secure is rejected when set"),
            v(Safari, Works, "stored, but a third-party use is still blocked by ITP"),
        ],
        Id::Catalogue(FindingId::CookieThirdPartyBlocked | FindingId::SetCookieThirdPartyBlocked) => vec![
            v(
                Chromium,
                Works,
                "third-party cookies are allowed by default; blocked in incognito and where the user or policy blocks them",
            ),
            v(
                Firefox,
                Blocked,
                "Total Cookie Protection partitions the cookie by top-level site: the session set first-party is absent here",
            ),
            v(Safari, Blocked, "Intelligent Tracking Prevention blocks third-party cookies"),
        ],
        Id::Catalogue(FindingId::CookieSamesiteLaxExcluded | FindingId::CookieLaxAllowUnsafeExpired) => vec![
            v(Chromium, Blocked, "Lax (explicit or by default) is not sent on this cross-site request"),
            v(Firefox, Works, "only an explicit SameSite=Lax is withheld; without the attribute Firefox sends it"),
            v(
                Safari,
                Works,
                "only an explicit SameSite=Lax is withheld; without the attribute Safari sends it (ITP permitting)",
            ),
        ],
        Id::Catalogue(FindingId::SetCookieLifetimeCapped) | Id::Audit(AuditRule::CookieLongLivedSession) => vec![
            v(Chromium, Works, "lifetime capped at 400 days"),
            v(Firefox, Works, "lifetime capped at 400 days"),
            v(Safari, Works, "lifetime capped at 400 days (7 days for cookies set by script under ITP)"),
        ],
        Id::Catalogue(FindingId::SetCookiePartitionedWithoutSecure) => vec![
            v(Chromium, Blocked, "Partitioned without Secure is rejected"),
            v(Firefox, Works, "the attribute is ignored; third-party use is partitioned anyway"),
            v(Safari, Works, "stored; third-party use is blocked by ITP"),
        ],
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
        ) => Engine::ALL
            .iter()
            .map(|&e| v(e, Blocked, "the Fetch standard's CORS check fails in every engine"))
            .collect(),
        Id::Catalogue(FindingId::CorsChallengeHeadersNotExposed) => {
            Engine::ALL.iter().map(|&e| v(e, Works, "the call works, but script cannot read the challenge")).collect()
        }
        Id::Catalogue(FindingId::CorsVaryOriginMissing) | Id::Audit(AuditRule::CorsOriginReflectedWithCredentials) => {
            Engine::ALL
                .iter()
                .map(|&e| v(e, Works, "works, and is a security problem: the browser cannot protect against it"))
                .collect()
        }
        _ => Engine::ALL.iter().map(|&e| v(e, Works, "no engine difference known for this finding")).collect(),
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
