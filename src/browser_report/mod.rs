//! Precise mode: the browser's own verdicts (Chromium's DevTools protocol, read by the extension
//! through `chrome.debugger` with the user's consent) merged into a capture, and compared with what
//! the core infers without them.
//!
//! The extension hands over one [`BrowserReport`] per request the protocol saw: the raw reasons of
//! `requestWillBeSentExtraInfo`, `responseReceivedExtraInfo`, `loadingFailed` and `Audits.issueAdded`,
//! joined by the protocol's request id and nothing more. This module
//! - matches each report to the captured exchange it describes ([`attach`]),
//! - copies the verdicts into that exchange, where the rules already read them ([`merged`]),
//! - names the causes each verdict states ([`verdicts`], through the table in [`reasons`]),
//! - and compares them with the inferred findings ([`compare`]).
//!
//! It sits below the views: it never names `view` or `report`; `crate::analyze_precise` builds the
//! popup's entries from what it returns. Every string here came off the network or the protocol
//! and is treated as hostile: lists are bounded, nothing is indexed unchecked.

pub mod reasons;
#[cfg(test)]
mod tests;

use crate::catalogue::FindingId;
use crate::finding::{Finding, Signal};
use crate::model::{AssociatedCookie, BlockedSetCookie, Capture, CorsErrorStatus, Exchange};
use reasons::{Cause, Enum};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

/// At most this many cookies, refused lines and issues per report are read (a page can send
/// hundreds of cookies; the comparison needs the first few).
const MAX_ITEMS: usize = 64;
/// A report and an exchange of the same request started within this many milliseconds of each
/// other (the protocol's wall time and webRequest's time stamp come from different clocks).
const MATCH_WINDOW_MS: f64 = 10_000.0;

/// An `Audits.CookieIssueDetails`, reduced to what the comparison reads.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CookieIssue<'a> {
    /// The cookie's name (`cookie.name`), or empty when the issue names only a raw line.
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    /// `SetCookie` or `ReadCookie`.
    #[serde(borrow)]
    pub operation: Cow<'a, str>,
    pub exclusion_reasons: Vec<String>,
    pub warning_reasons: Vec<String>,
}

/// What the browser said about one request (one redirect hop), as the extension collected it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct BrowserReport<'a> {
    #[serde(borrow)]
    pub method: Cow<'a, str>,
    #[serde(borrow)]
    pub url: Cow<'a, str>,
    /// `requestWillBeSent.wallTime` in milliseconds since the epoch.
    pub started_ms: Option<f64>,
    /// `responseReceivedExtraInfo.statusCode`: the real status, also behind a CORS failure.
    pub status: Option<u16>,
    /// `requestWillBeSentExtraInfo.associatedCookies` (`None`: that event was not seen).
    #[serde(borrow)]
    pub associated_cookies: Option<Vec<AssociatedCookie<'a>>>,
    /// `responseReceivedExtraInfo.blockedCookies`.
    #[serde(borrow)]
    pub blocked_cookies: Vec<BlockedSetCookie<'a>>,
    /// `loadingFailed.corsErrorStatus` (or a `CorsIssue`'s).
    #[serde(borrow)]
    pub cors_error_status: Option<CorsErrorStatus<'a>>,
    /// `loadingFailed.errorText` (`net::ERR_FAILED` …).
    #[serde(borrow)]
    pub error_text: Option<Cow<'a, str>>,
    /// `requestWillBeSentExtraInfo.siteHasCookieInOtherPartition`.
    pub site_has_cookie_in_other_partition: bool,
    /// `Audits.issueAdded` cookie issues naming this request.
    #[serde(borrow)]
    pub cookie_issues: Vec<CookieIssue<'a>>,
}

/// Which kind of verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    /// A stored cookie not sent with the request.
    CookieNotSent,
    /// A cookie sent only thanks to an exemption.
    CookieExempted,
    /// A `Set-Cookie` line the browser refused.
    SetCookieRefused,
    /// The CORS check failed.
    Cors,
    /// An Issues-panel cookie exclusion or warning.
    CookieIssue,
    /// A partitioned cookie of this site exists under another top-level site.
    OtherPartition,
}

/// One thing the browser said, with the catalogue ids it states.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub kind: VerdictKind,
    /// The cookie name, the refused line's cookie name, or the CORS `failedParameter` (bounded).
    pub subject: String,
    /// `Enum.Value` as the protocol spells it, e.g. `Network.CookieBlockedReason.SameSiteLax`.
    pub reasons: Vec<String>,
    /// The ids these reasons state (any one of them agrees).
    pub ids: Vec<FindingId>,
    /// Whether inference is expected to find it too (false for browser-only and predictive reasons).
    pub compared: bool,
    /// Per reason (aligned with `reasons`): the ids it states when inference is expected to find
    /// them, else empty. The reason-level comparison reads it.
    #[serde(skip)]
    pub reason_ids: Vec<&'static [FindingId]>,
}

/// How inference and the browser compare on one exchange.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub index: usize,
    pub method: String,
    pub url: String,
    pub status: u16,
    pub verdicts: Vec<Verdict>,
    /// The ids inference found on this exchange, in rank order.
    pub inferred: Vec<FindingId>,
    /// Compared verdicts inference did not find (no id of theirs among `inferred`), by their first id.
    pub missed: Vec<FindingId>,
    /// Inferred ids the browser could have reported here (or on a related exchange) and did not.
    pub unconfirmed: Vec<FindingId>,
    /// Cause-level agreement: nothing missed, nothing unconfirmed.
    pub agree: bool,
    /// Reason-level detail: each compared reason (`subject: Enum.Value`) none of whose ids inference
    /// found, even where another reason of the same verdict agreed (a cookie blocked both by
    /// `SameSite=Lax` and by third-party blocking, inference naming only the first).
    pub reasons_missed: Vec<String>,
}

/// At most `n` characters of a protocol string (a subject shown in the popup).
fn bounded(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Which report describes which exchange: `out[i]` is the report index for exchange `i`. Same
/// method and URL, the report closest in start time (within [`MATCH_WINDOW_MS`] when both have
/// one), each report used once. Linear in the two lists (a map by method and URL).
pub fn attach(exchanges: &[Exchange<'_>], reports: &[BrowserReport<'_>]) -> Vec<Option<usize>> {
    let mut by_key: HashMap<(String, &str), Vec<usize>> = HashMap::new();
    for (ri, r) in reports.iter().enumerate() {
        by_key.entry((r.method.to_ascii_uppercase(), r.url.as_ref())).or_default().push(ri);
    }
    let mut out = vec![None; exchanges.len()];
    for (xi, ex) in exchanges.iter().enumerate() {
        let Some(list) = by_key.get_mut(&(ex.method.to_ascii_uppercase(), ex.url.as_ref())) else { continue };
        let distance = |ri: usize| match (ex.started_ms, reports.get(ri).and_then(|r| r.started_ms)) {
            (Some(a), Some(b)) => (a - b).abs(),
            _ => MATCH_WINDOW_MS / 2.0,
        };
        let best = list
            .iter()
            .enumerate()
            .map(|(pos, &ri)| (pos, distance(ri)))
            .filter(|(_, d)| d.is_finite() && *d <= MATCH_WINDOW_MS)
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((pos, _)) = best {
            out[xi] = Some(list.swap_remove(pos));
        }
    }
    out
}

/// The capture with each report's verdicts copied into its exchange: the fields the rules read
/// (`associatedCookies`, `blockedSetCookies`, `corsError`, `siteHasCookieInOtherPartition`) and the
/// real status behind a CORS failure when the capture had none.
pub fn merged<'a>(capture: &Capture<'a>, reports: &[BrowserReport<'a>], matches: &[Option<usize>]) -> Capture<'a> {
    let mut out = capture.clone();
    for (ex, m) in out.exchanges.iter_mut().zip(matches) {
        let Some(r) = m.and_then(|ri| reports.get(ri)) else { continue };
        if let Some(a) = &r.associated_cookies {
            ex.associated_cookies = a.iter().take(MAX_ITEMS).cloned().collect();
        }
        ex.blocked_set_cookies = r.blocked_cookies.iter().take(MAX_ITEMS).cloned().collect();
        if let Some(c) = &r.cors_error_status {
            ex.cors_error = Some(c.clone());
        }
        ex.site_has_cookie_in_other_partition |= r.site_has_cookie_in_other_partition;
        if ex.status == 0 {
            if let Some(s) = r.status.filter(|s| *s > 0) {
                ex.status = s;
            }
        }
    }
    out
}

/// The capture as webRequest alone shows it: every browser verdict removed (what inference sees).
pub fn stripped<'a>(capture: &Capture<'a>) -> Capture<'a> {
    let mut out = capture.clone();
    for ex in &mut out.exchanges {
        ex.associated_cookies.clear();
        ex.blocked_set_cookies.clear();
        ex.cors_error = None;
        ex.site_has_cookie_in_other_partition = false;
    }
    out
}

/// The ids of a cause, and whether inference is expected to find them.
fn ids_of(cause: Cause) -> (&'static [FindingId], bool) {
    match cause {
        Cause::Ids(ids) => (ids, true),
        Cause::BrowserOnly(ids) | Cause::Predictive(ids) => (ids, false),
        Cause::Generic | Cause::Ignored => (&[], false),
    }
}

/// One verdict from a list of reasons of one enum, or `None` when every reason is ignored.
fn verdict(kind: VerdictKind, subject: &str, within: Enum, names: &[String]) -> Option<Verdict> {
    let mut ids: Vec<FindingId> = Vec::new();
    let mut reasons = Vec::new();
    let mut reason_ids = Vec::new();
    let mut compared = false;
    for name in names.iter().take(MAX_ITEMS) {
        let cause = reasons::cause_of(within, name);
        if cause == Cause::Ignored {
            continue;
        }
        let (these, c) = ids_of(cause);
        compared |= c && !these.is_empty();
        for id in these {
            if !ids.contains(id) {
                ids.push(*id);
            }
        }
        reasons.push(format!("{}.{}", within.protocol_name(), bounded(name, 80)));
        reason_ids.push(if c { these } else { &[] });
    }
    (!reasons.is_empty()).then(|| Verdict { kind, subject: bounded(subject, 120), reasons, ids, compared, reason_ids })
}

/// The cookie name of a `Set-Cookie` line (text before the first `=` or `;`), bounded.
fn line_name(line: &str) -> String {
    bounded(line.split([';', '=']).next().unwrap_or("").trim(), 120)
}

/// Everything one report states (Appendix A): cookies not sent and why, exemptions, refused
/// `Set-Cookie` lines, the CORS error, Issues-panel cookie issues, another partition.
pub fn verdicts(r: &BrowserReport<'_>) -> Vec<Verdict> {
    let mut out = Vec::new();
    for a in r.associated_cookies.iter().flatten().take(MAX_ITEMS) {
        if let Some(v) = verdict(VerdictKind::CookieNotSent, &a.name, Enum::CookieBlockedReason, &a.blocked_reasons) {
            out.push(v);
        } else if let Some(e) = a.exemption_reason.as_deref() {
            let names = [e.to_string()];
            out.extend(verdict(VerdictKind::CookieExempted, &a.name, Enum::CookieExemptionReason, &names));
        }
    }
    for b in r.blocked_cookies.iter().take(MAX_ITEMS) {
        let name = line_name(&b.cookie_line);
        out.extend(verdict(VerdictKind::SetCookieRefused, &name, Enum::SetCookieBlockedReason, &b.blocked_reasons));
    }
    if let Some(c) = &r.cors_error_status {
        let names = [c.cors_error.trim().to_string()];
        out.extend(verdict(VerdictKind::Cors, &c.failed_parameter, Enum::CorsError, &names));
    }
    for i in r.cookie_issues.iter().take(MAX_ITEMS) {
        out.extend(verdict(VerdictKind::CookieIssue, &i.name, Enum::CookieExclusionReason, &i.exclusion_reasons));
        out.extend(verdict(VerdictKind::CookieIssue, &i.name, Enum::CookieWarningReason, &i.warning_reasons));
    }
    if r.site_has_cookie_in_other_partition {
        out.push(Verdict {
            kind: VerdictKind::OtherPartition,
            subject: String::new(),
            reasons: vec!["Network.requestWillBeSentExtraInfo.siteHasCookieInOtherPartition".to_string()],
            ids: vec![FindingId::CookieInOtherPartition],
            // Chromium alone knows its partitions: the extension cannot list them (cookies.getAll
            // answers per named partition only), so inference is not expected to find this.
            compared: false,
            reason_ids: vec![&[]],
        });
    }
    out
}

/// Whether an exchange plainly succeeded (a 2xx, no network error): a cookie the browser left out of
/// it caused nothing, and AuthLens explains failures, so such verdicts are shown but not compared
/// (the rules likewise report send-time verdicts on failing requests only).
fn succeeded(ex: &Exchange<'_>) -> bool {
    (200..300).contains(&ex.status) && ex.error.is_none()
}

/// Verdicts that state a cause only when the request failed.
fn only_on_failure(v: &Verdict) -> bool {
    matches!(v.kind, VerdictKind::CookieNotSent | VerdictKind::CookieExempted | VerdictKind::CookieIssue)
}

/// Compares the browser's verdicts with the findings inference produced (`inferred[i]`: the ranked
/// findings of exchange `i` on the stripped capture). Only exchanges with a matched report are
/// compared, and only those where either side has something to say. Predictive inferred findings
/// (nothing fails yet) are never "unconfirmed": the browser reports failures only.
pub fn compare(
    capture: &Capture<'_>,
    reports: &[BrowserReport<'_>],
    matches: &[Option<usize>],
    inferred: &HashMap<usize, Vec<Finding>>,
) -> Vec<Comparison> {
    let per_exchange: Vec<Vec<Verdict>> =
        matches.iter().map(|m| m.and_then(|ri| reports.get(ri)).map(verdicts).unwrap_or_default()).collect();
    let reported_at =
        |i: usize, id: FindingId| per_exchange.get(i).is_some_and(|vs| vs.iter().any(|v| v.ids.contains(&id)));
    let mut out = Vec::new();
    for (i, ex) in capture.exchanges.iter().enumerate() {
        if matches.get(i).copied().flatten().is_none() {
            continue;
        }
        let mut vs = per_exchange.get(i).cloned().unwrap_or_default();
        if succeeded(ex) {
            for v in vs.iter_mut().filter(|v| only_on_failure(v)) {
                v.compared = false;
                v.reason_ids.iter_mut().for_each(|r| *r = &[]);
            }
        }
        let found: &[Finding] = inferred.get(&i).map(Vec::as_slice).unwrap_or(&[]);
        let ids: Vec<FindingId> = found.iter().map(|f| f.id).collect();
        let missed: BTreeSet<FindingId> = vs
            .iter()
            .filter(|v| v.compared && !v.ids.iter().any(|id| ids.contains(id)))
            .filter_map(|v| v.ids.first().copied())
            .collect();
        let unconfirmed: BTreeSet<FindingId> = found
            .iter()
            .filter(|f| f.signal != Signal::Predictive && reasons::reportable(f.id))
            .filter(|f| !reported_at(i, f.id) && !f.related.iter().any(|&j| reported_at(j, f.id)))
            .map(|f| f.id)
            .collect();
        if vs.is_empty() && ids.is_empty() {
            continue;
        }
        let reasons_missed: Vec<String> = vs
            .iter()
            .flat_map(|v| v.reasons.iter().zip(&v.reason_ids).map(move |(r, rid)| (v, r, *rid)))
            .filter(|(_, _, rid)| !rid.is_empty() && !rid.iter().any(|id| ids.contains(id)))
            .map(|(v, r, _)| if v.subject.is_empty() { r.clone() } else { format!("{}: {r}", v.subject) })
            .collect();
        let agree = missed.is_empty() && unconfirmed.is_empty();
        out.push(Comparison {
            index: i,
            method: ex.method.to_string(),
            url: crate::secret::redact_url(&ex.url),
            status: ex.status,
            verdicts: vs,
            inferred: ids,
            missed: missed.into_iter().collect(),
            unconfirmed: unconfirmed.into_iter().collect(),
            agree,
            reasons_missed,
        });
    }
    out
}

/// Whether finding `id` on an exchange rests on the browser's word (`Browser`) or on inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Basis {
    /// *Reported by the browser*: one of its verdicts on this exchange states this id.
    Browser,
    /// *Inferred* from headers, the cookie jar, timing or the server's words.
    Inferred,
}

/// The basis of each of `findings`, given the verdicts on their exchange.
pub fn bases(findings: &[Finding], vs: &[Verdict]) -> Vec<Basis> {
    findings
        .iter()
        .map(|f| if vs.iter().any(|v| v.ids.contains(&f.id)) { Basis::Browser } else { Basis::Inferred })
        .collect()
}
