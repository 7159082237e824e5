//! Diagnosis: typed facts about one exchange in, ranked findings out.
//!
//! Rules live in one module per concern, one function per rule with its spec reference.
//! Rules never parse raw bytes themselves beyond calling `headers/`, never read the clock
//! (time comes from the capture), and never panic.

pub mod context;
pub mod cookies;
pub mod cors;
pub mod credentials;
pub mod rank;
pub mod recovery;
pub mod tokens;
pub mod worker;

use crate::correlate::Correlation;
use crate::finding::Finding;
use crate::model::{Capture, Exchange};
use context::Ctx;

/// The findings of one exchange, in rank order.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryDiagnosis {
    pub index: usize,
    pub findings: Vec<Finding>,
}

/// Cheap pre-filter: whether an exchange can have findings at all, so ordinary 200s without
/// cookies cost nothing.
pub fn is_candidate(ex: &Exchange<'_>) -> bool {
    let s = ex.status;
    crate::signals::is_candidate_status(s)
        || ex.error.is_some()
        || ex.cors_error.is_some()
        || !ex.blocked_set_cookies.is_empty()
        || ex.associated_cookies.iter().any(|c| {
            // A blocked cookie, or one that went only thanks to an exemption (cookie-exemption-in-effect).
            !c.blocked_reasons.is_empty() || c.exemption_reason.as_deref().is_some_and(|r| !r.is_empty() && r != "None")
        })
        || ex.response_headers.has_set_cookie()
        || ex.response_headers.has_challenge()
        || ex.request_headers.authorization().is_some()
        || ex.url.contains("access_token=")
        || cors::wants(ex)
        // An OAuth callback that carries the authorization server's refusal.
        || ex.url.contains("error=redirect_uri_mismatch")
        || (s == 200
            && ex.response_headers.get("content-type").is_some_and(|c| c.contains("text/html"))
            && ex.request_headers.get("sec-fetch-dest").map(crate::signals::FetchDest::parse)
                == Some(crate::signals::FetchDest::Empty))
}

/// What one exchange's diagnosis found, computed once: its context, its ranked findings, and the
/// typed facts the views (popup, panel, reports) turn into words. Nothing here is worded.
pub struct Diagnosed<'c, 'a> {
    pub ctx: Ctx<'c, 'a>,
    pub findings: Vec<Finding>,
    pub facts: EntryFacts,
}

/// Typed facts about one exchange, beyond its findings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntryFacts {
    /// The capture index of a later repeat of this request, with another credential, that
    /// succeeded: the app recovered on its own.
    pub recovered_by: Option<usize>,
    /// The cookie table: every cookie sent, left out or set, and why (flagged exchanges only).
    pub cookies: Vec<cookies::CookieFact>,
}

/// Runs every rule on exchange `index` of `capture`: the findings in rank order, and the facts
/// they rest on. `None` when the index is out of range.
pub fn diagnose<'c, 'a>(capture: &'c Capture<'a>, corr: &'c Correlation, index: usize) -> Option<Diagnosed<'c, 'a>> {
    let ex = capture.exchanges.get(index)?;
    let ctx = Ctx::new(capture, corr, index, ex);
    let mut out = Vec::new();
    cors::check(&ctx, &mut out);
    let cookie_facts = cookies::facts(&ctx);
    cookies::check(&ctx, cookie_facts.as_ref(), &mut out);
    credentials::check(&ctx, &mut out);
    tokens::check(&ctx, &mut out);
    worker::check(&ctx, &mut out);
    rank::rank(&mut out);
    let mut facts = EntryFacts::default();
    if !out.is_empty() {
        facts.cookies = cookies::cookie_table(&ctx, cookie_facts);
        facts.recovered_by = recovery::recovered_by(&ctx);
        if let Some(later) = facts.recovered_by {
            recovery::annotate(&ctx, later, &mut out);
        }
    }
    Some(Diagnosed { ctx, findings: out, facts })
}

/// Runs every rule on exchange `index` of `capture` and returns its findings in rank order.
pub fn diagnose_entry(capture: &Capture<'_>, corr: &Correlation, index: usize) -> Vec<Finding> {
    diagnose(capture, corr, index).map(|d| d.findings).unwrap_or_default()
}

/// Diagnoses a whole capture; entries without findings are left out.
pub fn diagnose_capture(capture: &Capture<'_>) -> Vec<EntryDiagnosis> {
    let corr = Correlation::build(capture);
    capture
        .exchanges
        .iter()
        .enumerate()
        .filter(|(_, ex)| is_candidate(ex))
        .filter_map(|(index, _)| {
            let findings = diagnose_entry(capture, &corr, index);
            (!findings.is_empty()).then_some(EntryDiagnosis { index, findings })
        })
        .collect()
}
