//! Rules about CORS (group F). Caches and WAFs are `super::edge`, transport (mixed content,
//! cleartext, HSTS, mTLS, Local Network Access) is `super::transport`, login redirects are
//! `super::login_redirect`; `diagnose()` runs them around these rules.
//!
//! CORS failures are read three ways, best first: Chromium's own verdict (CDP `corsErrorStatus`,
//! signal `reported`); the Fetch checks of `crate::fetch` run on the captured preflight and
//! response (`inferred`); and, for a blocked request whose headers pass as captured, the same
//! checks as for a credentialed request (the credentials mode is then stated as inferred).
//! [`Facts`] holds all of that, computed once per exchange by `diagnose()`; each rule only
//! decides whether its id applies and words it.

mod exposure;
mod facts;
mod fixes;
mod preflight;
mod redirect;
mod reported;
mod response;

use super::context::Ctx;
use crate::catalogue::FindingId;
use crate::fetch::CredentialsMode;
use crate::finding::{Finding, Fix};
use crate::headers::cors as hc;
use crate::model::{Exchange, Headers};
use url::Url;

pub(crate) use facts::Facts;
pub use facts::{CorsFacts, CredBasis, FailedCheck};
pub(crate) use fixes::js_str;
pub(crate) use redirect::redact_userinfo;
pub(crate) use reported::Kind;

/// Runs every rule of this module, in their fixed order (later rules look at earlier findings:
/// `cors-redirect-to-login`, pushed before these by `diagnose()`, silences two of them).
/// `facts` are this exchange's CORS facts (`None` when no CORS rule applies).
pub(crate) fn check(ctx: &Ctx<'_, '_>, facts: Option<&Facts<'_, '_>>, out: &mut Vec<Finding>) {
    // A preflight whose actual request is captured: the actual request carries the findings.
    let Some(f) = facts.filter(|f| !f.preflight_of_captured_request) else {
        return;
    };
    preflight::cors_preflight_blocked_by_auth(ctx, f, out);
    preflight::cors_preflight_redirect(ctx, f, out);
    preflight::cors_preflight_bad_status(ctx, f, out);
    preflight::cors_allow_list_unparseable(ctx, f, out);
    preflight::cors_method_not_allowed(ctx, f, out);
    preflight::cors_authorization_not_allowed(ctx, f, out);
    preflight::cors_request_header_not_allowed(ctx, f, out);
    response::cors_wildcard_with_credentials(ctx, f, out);
    response::cors_allow_credentials_invalid(ctx, f, out);
    response::cors_allow_origin_mismatch(ctx, f, out);
    response::cors_allow_origin_malformed(ctx, f, out);
    response::cors_allow_origin_missing(ctx, f, out);
    response::cors_error_masks_401(ctx, f, out);
    response::cors_origin_null(ctx, f, out);
    response::cors_vary_origin_missing(ctx, f, out);
    exposure::cors_challenge_headers_not_exposed(ctx, f, out);
    redirect::cors_redirect_contains_credentials(ctx, f, out);
    redirect::cors_mode_or_scheme_blocked(ctx, f, out);
    preflight::cors_preflight_cache_stale(ctx, f, out);
}

/// Whether an exchange that the generic pre-filter would skip still needs these rules: a
/// preflight (its actual request may be missing from the capture).
pub(crate) fn wants(ex: &Exchange<'_>) -> bool {
    crate::signals::is_preflight(ex)
        // a CORS response a browser may have refused without saying so (Firefox HARs)
        || (ex.request_headers.has("origin") && !ex.response_headers.is_empty() && ex.status != 304)
}

// ───────────────────────────── shared wording ─────────────────────────────

/// The origin of a URL string, for messages.
fn origin_of(u: &str) -> String {
    Url::parse(u).map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| u.to_string())
}

/// A header value for evidence: `(absent)` when missing.
fn hv(h: &Headers<'_>, name: &str) -> String {
    hc::get_combined(h, name).map_or_else(|| "(absent)".to_string(), |v| format!("`{v}`"))
}

/// What the preflight's status says about who answered it.
enum PreStatus {
    Ok,
    Redirect,
    Auth,
    Other,
}

fn pre_status(f: &Facts<'_, '_>) -> Option<PreStatus> {
    let p = f.preflight.as_ref()?;
    Some(match p.ex.status {
        200..=299 => PreStatus::Ok,
        300..=399 => PreStatus::Redirect,
        401 | 403 | 407 => PreStatus::Auth,
        _ => PreStatus::Other,
    })
}

/// A finding for a CORS rule, with the common evidence (origin, credentials mode, the
/// Access-Control headers that were read, the preflight, the browser's own error).
fn cors_finding(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, id: FindingId, explanation: String, fix: Fix) -> Finding {
    let mut x = Finding::new(id, explanation, fix).signal(f.signal()).with("Request Origin", f.origin.clone());
    if let Some(p) = &ctx.page {
        x = x.with("Page", p.origin().ascii_serialization());
    }
    x = x.with(
        "Credentials mode",
        match f.basis {
            CredBasis::Unknown => "unknown (checked as without credentials)".to_string(),
            CredBasis::Reported => "include (reported by the browser)".to_string(),
            _ => "include (inferred)".to_string(),
        },
    );
    if let Some(p) = &f.preflight {
        x = x
            .with("Preflight", format!("OPTIONS {} → {}", p.ex.url, status_words(p.ex.status)))
            .with("Preflight Access-Control-Allow-Origin", hv(&p.ex.response_headers, "access-control-allow-origin"));
        if p.index != ctx.index {
            x = x.related(p.index);
        }
    }
    if f.has_response {
        x = x
            .with("Response status", status_words(ctx.ex.status))
            .with("Access-Control-Allow-Origin", hv(&ctx.ex.response_headers, "access-control-allow-origin"));
        if f.mode == CredentialsMode::Include {
            x = x.with(
                "Access-Control-Allow-Credentials",
                hv(&ctx.ex.response_headers, "access-control-allow-credentials"),
            );
        }
    }
    if let Some(r) = &f.reported {
        let p = if r.param.is_empty() { String::new() } else { format!(" ({})", r.param) };
        x = x.with("Browser CORS error", format!("{}{p}", r.raw));
    }
    x
}

fn status_words(s: u16) -> String {
    if s == 0 { "no status (blocked or failed)".to_string() } else { s.to_string() }
}

/// "the preflight (OPTIONS)" or "the response", for sentences.
fn where_words(on_preflight: bool) -> &'static str {
    if on_preflight { "the preflight (OPTIONS) response" } else { "the response" }
}

/// Whether the preflight's own response was answered with 2xx (or is not captured), so that
/// header-level preflight failures are the cause rather than the status.
fn preflight_status_ok(f: &Facts<'_, '_>) -> bool {
    matches!(pre_status(f), None | Some(PreStatus::Ok))
}

/// What the page's script sees when CORS fails.
const SCRIPT_SEES: &str = "The page's script only gets a network error (\"TypeError: Failed to fetch\" / XHR status 0), never the status or body.";

#[cfg(test)]
mod tests;
