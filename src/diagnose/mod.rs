//! Diagnosis: one exchange and its correlated neighbours in; ranked findings and the typed facts
//! they rest on out ([`diagnose`]), computed once per exchange.
//!
//! Rules live in one module per concern, one function per rule with its spec reference. They
//! read headers only as `Ctx` holds them parsed (or through `headers::fields` for neighbours;
//! `build.sh` lint enforces it), take their vocabulary from `crate::signals`, never read the
//! clock (time comes from the capture), never word a view (the presentation layer does), and never
//! panic.

pub(crate) mod context;
pub(crate) mod cookies;
pub(crate) mod cors;
pub(crate) mod credentials;
mod edge;
mod login_redirect;
pub(crate) mod rank;
pub(crate) mod recovery;
mod token_form;
pub(crate) mod tokens;
mod transport;
pub(crate) mod worker;

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
        || crate::signals::has_access_token_param(&ex.url)
        || cors::wants(ex)
        || transport::wants(ex)
        // An OAuth callback that carries the authorization server's refusal.
        || crate::signals::carries_oauth_error(&ex.url)
        || (s == 200
            && ex.response_headers.get("content-type").is_some_and(|c| c.contains("text/html"))
            && ex.request_headers.get("sec-fetch-dest").map(crate::signals::FetchDest::parse)
                == Some(crate::signals::FetchDest::Empty))
}

/// What one exchange's diagnosis found: its context, its ranked findings, whether the app
/// recovered, and the facts the rules computed, kept so that a view builds on them instead of
/// computing them again ([`Diagnosed::into_facts`]). Nothing here is worded.
pub(crate) struct Diagnosed<'c, 'a> {
    pub ctx: Ctx<'c, 'a>,
    pub findings: Vec<Finding>,
    /// The capture index of a later repeat of this request, with another credential, that
    /// succeeded: the app recovered on its own.
    pub recovered_by: Option<usize>,
    cors: Option<cors::Facts<'c, 'a>>,
    cookies: Option<cookies::Facts<'c>>,
    token: Option<tokens::TokenFacts<'c>>,
}

impl<'c, 'a> Diagnosed<'c, 'a> {
    /// The typed facts a view shows (credential state, CORS picture, cookie table, decoded JWT),
    /// completed from what the rules already computed. Only views call this, and only for
    /// exchanges with findings, so `authlens check` never pays for it and nothing is done twice.
    pub fn into_facts(self) -> (Ctx<'c, 'a>, Vec<Finding>, EntryFacts<'c>) {
        let Diagnosed { ctx, findings, recovered_by, cors, cookies, token } = self;
        let facts = EntryFacts {
            credentials: credentials::CredentialFacts::new(&ctx),
            recovered_by,
            cors: cors.map(|f| f.picture(&ctx)),
            jwt: tokens::JwtFacts::of(&ctx, token),
            cookies: cookies::cookie_table(&ctx, cookies),
        };
        (ctx, findings, facts)
    }
}

/// Typed facts about one exchange, beyond its findings. They borrow from the capture (`'c`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EntryFacts<'c> {
    /// Whether credentials went out and how they fared, with the key headers sent (the
    /// credential and the challenges are `Ctx::auth`, `Ctx::challenges`, `Ctx::proxy_challenges`).
    pub credentials: credentials::CredentialFacts<'c>,
    /// The capture index of a later repeat of this request, with another credential, that
    /// succeeded: the app recovered on its own.
    pub recovered_by: Option<usize>,
    /// The CORS picture of a cross-origin exchange (`None` for same-origin requests).
    pub cors: Option<cors::CorsFacts>,
    /// The JWT of the `Authorization` header, decoded once, with its time and audience checks.
    pub jwt: Option<tokens::JwtFacts>,
    /// The cookie table: every cookie sent, left out or set, and why (flagged exchanges only).
    pub cookies: Vec<cookies::CookieFact>,
}

/// Runs every rule on exchange `index` of `capture`: the findings in rank order, and the facts
/// they rest on. `None` when the index is out of range.
pub(crate) fn diagnose<'c, 'a>(
    capture: &'c Capture<'a>,
    corr: &'c Correlation,
    index: usize,
) -> Option<Diagnosed<'c, 'a>> {
    let ex = capture.exchanges.get(index)?;
    let ctx = Ctx::new(capture, corr, index, ex);
    let token = tokens::TokenFacts::of(&ctx);
    let mut out = Vec::new();
    let cors_facts = cors::Facts::build(&ctx);
    // Order matters where a rule looks back at earlier findings: the CORS rules step aside for
    // `cors-redirect-to-login`.
    transport::check(&ctx, &mut out);
    edge::check(&ctx, &mut out);
    login_redirect::cors_redirect_to_login(&ctx, &mut out);
    cors::check(&ctx, cors_facts.as_ref(), &mut out);
    transport::check_lna(&ctx, cors_facts.as_ref(), &mut out);
    let cookie_facts = cookies::facts(&ctx);
    cookies::check(&ctx, cookie_facts.as_ref(), &mut out);
    credentials::check(&ctx, &mut out);
    tokens::check(&ctx, token.as_ref(), &mut out);
    worker::check(&ctx, &mut out);
    rank::rank(&mut out);
    let recovered_by = if out.is_empty() { None } else { recovery::recovered_by(&ctx) };
    if let Some(later) = recovered_by {
        recovery::annotate(&ctx, later, &mut out);
    }
    Some(Diagnosed { ctx, findings: out, recovered_by, cors: cors_facts, cookies: cookie_facts, token })
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
