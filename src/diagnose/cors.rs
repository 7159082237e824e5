//! Rules about CORS (group F), caches (cached or cacheable 401s), edge blocks (WAF) and
//! transport (mixed content, cleartext credentials).
//!
//! CORS failures are read three ways, best first: Chromium's own verdict (CDP `corsErrorStatus`,
//! signal `reported`); the Fetch checks of `headers::cors` run on the captured preflight and
//! response (`inferred`); and, for a blocked request whose headers pass as captured, the same
//! checks as for a credentialed request (the credentials mode is then stated as inferred).
//! `facts` computes all of that once per exchange; each rule below only decides whether its id
//! applies and words it.

mod edge;
mod facts;
mod fixes;
mod reported;
mod transport;

use super::context::Ctx;
use crate::catalogue::{FindingId, Severity};
use crate::finding::{Finding, Fix, Signal};
use crate::headers::cache;
use crate::headers::cors::{
    self as hc, AllowCredentials, AllowOrigin, AllowOriginNote, CorsFailure, CredentialsMode, Exposure,
    PreflightFailure,
};
use crate::model::{Exchange, Headers};
use crate::signals::{FetchDest, FetchMode};
use crate::view::{CorsView, Pair};
use facts::{CredBasis, Facts, Primary};
use reported::Kind;
use url::Url;

/// Runs every rule of this module.
pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    transport::mixed_content_blocked(ctx, out);
    transport::credentials_over_cleartext(ctx, out);
    transport::hsts_upgraded_http_url(ctx, out);
    transport::client_certificate_required(ctx, out);
    edge::cached_401_served(ctx, out);
    edge::auth_failure_cacheable(ctx, out);
    edge::auth_response_cache_key_unsafe(ctx, out);
    edge::waf_block_masquerading(ctx, out);
    cors_redirect_to_login(ctx, out);
    let Some(f) = Facts::build(ctx) else {
        return;
    };
    cors_preflight_blocked_by_auth(ctx, &f, out);
    cors_preflight_redirect(ctx, &f, out);
    cors_preflight_bad_status(ctx, &f, out);
    cors_allow_list_unparseable(ctx, &f, out);
    cors_method_not_allowed(ctx, &f, out);
    cors_authorization_not_allowed(ctx, &f, out);
    cors_request_header_not_allowed(ctx, &f, out);
    cors_wildcard_with_credentials(ctx, &f, out);
    cors_allow_credentials_invalid(ctx, &f, out);
    cors_allow_origin_mismatch(ctx, &f, out);
    cors_allow_origin_malformed(ctx, &f, out);
    cors_allow_origin_missing(ctx, &f, out);
    cors_error_masks_401(ctx, &f, out);
    cors_origin_null(ctx, &f, out);
    cors_vary_origin_missing(ctx, &f, out);
    cors_challenge_headers_not_exposed(ctx, &f, out);
    cors_redirect_contains_credentials(ctx, &f, out);
    cors_mode_or_scheme_blocked(ctx, &f, out);
    cors_preflight_cache_stale(ctx, &f, out);
    transport::lna_permission_denied(ctx, &f, out);
    transport::lna_insecure_initiator(ctx, &f, out);
    transport::lna_address_space_mismatch(ctx, &f, out);
}

/// Whether an exchange that the generic pre-filter would skip still needs these rules: a
/// preflight (its actual request may be missing from the capture), or a credential over http.
pub fn wants(ex: &Exchange<'_>) -> bool {
    facts::is_preflight(ex)
        || (ex.url.starts_with("http:") && ex.request_headers.has("cookie"))
        || ex.response_headers.has("non-authoritative-reason")
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

/// What the page's script sees when CORS fails.
const SCRIPT_SEES: &str = "The page's script only gets a network error (\"TypeError: Failed to fetch\" / XHR status 0), never the status or body.";

// ───────────────────────────── preflight rules ─────────────────────────────

/// `cors-preflight-blocked-by-auth` — Fetch #cors-preflight-fetch-0 (ok status) and
/// #http-cors-protocol ("a CORS-preflight request never includes credentials").
fn cors_preflight_blocked_by_auth(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if f.preflight_failure().is_none() {
        return;
    }
    let (Some(status), Some(p)) = (f.preflight_auth_status(), f.preflight.as_ref()) else {
        return;
    };
    let challenge =
        p.ex.response_headers.get("www-authenticate").or_else(|| p.ex.response_headers.get("proxy-authenticate"));
    let by = match challenge {
        Some(c) => format!(" with the challenge `{}`", c.trim()),
        None => String::new(),
    };
    let explanation = format!(
        "The browser's preflight `OPTIONS {}` was answered {status}{by}: an authentication layer rejected it. \
         Browsers never send cookies or Authorization on a preflight, so an auth check that runs before CORS \
         handling rejects every preflight, and the actual {} request is never sent. {SCRIPT_SEES}",
        p.ex.url, f.method
    );
    let headers = preflight_header_list(f);
    let fix = fixes::preflight_before_auth(
        Fix::new("Let OPTIONS preflights through the authentication layer and answer them with CORS headers.")
            .step("Exempt OPTIONS requests from authentication (web server, gateway, auth proxy or framework filter).")
            .step("Answer the preflight with 204 and the Access-Control-Allow-* headers for this origin.")
            .step("Keep authentication on the actual request; only the preflight is exempt."),
        &f.origin,
        &f.method,
        &headers,
    );
    out.push(
        cors_finding(ctx, f, FindingId::CorsPreflightBlockedByAuth, explanation, fix)
            .with("Preflight status", status.to_string())
            .confidence(90),
    );
}

/// The header list a fixed preflight should allow: the request's unsafe headers, Authorization
/// and Content-Type always among them.
fn preflight_header_list(f: &Facts<'_, '_>) -> String {
    let mut v: Vec<String> = vec!["Authorization".into(), "Content-Type".into()];
    for n in &f.unsafe_names {
        if !v.iter().any(|x| x.eq_ignore_ascii_case(n)) {
            v.push(canonical_name(n));
        }
    }
    v.join(", ")
}

/// `x-api-key` → `X-Api-Key`, for snippets.
fn canonical_name(n: &str) -> String {
    n.split('-')
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `cors-preflight-redirect` — Fetch #cors-preflight-fetch-0 (redirects are not followed).
fn cors_preflight_redirect(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let redirected = matches!(f.preflight_failure(), Some(PreflightFailure::Redirected(_)))
        || (f.preflight_failure().is_some() && matches!(pre_status(f), Some(PreStatus::Redirect)));
    if !redirected {
        return;
    }
    let (status, location) = match &f.preflight {
        Some(p) => (
            status_words(p.ex.status),
            p.ex.redirect_url
                .as_deref()
                .or(p.ex.response_headers.get("location"))
                .unwrap_or("(not captured)")
                .to_string(),
        ),
        None => ("a redirect".to_string(), "(not captured)".to_string()),
    };
    let explanation = format!(
        "The preflight for this {} request was answered with a redirect ({status} to {location}). Browsers never follow \
         redirects for a preflight, so the actual request was not sent. Typical causes: http→https, a missing or extra \
         trailing slash, or an SSO proxy redirecting OPTIONS to a login page.",
        f.method
    );
    let fix = Fix::new("Call the final URL directly and answer OPTIONS there with 2xx.")
        .step(format!("Use the exact URL the redirect points to ({location}) in the application's API base URL."))
        .step("Exempt OPTIONS from login redirects in the auth proxy or framework.");
    out.push(cors_finding(ctx, f, FindingId::CorsPreflightRedirect, explanation, fix).with("Location", location));
}

/// `cors-preflight-bad-status` — Fetch #cors-preflight-fetch-0 (the response must have an ok status).
fn cors_preflight_bad_status(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some(pf) = f.preflight_failure() else {
        return;
    };
    let captured_other = matches!(pre_status(f), Some(PreStatus::Other));
    let not_ok = matches!(pf, PreflightFailure::NotOk(_));
    if !(captured_other
        || (not_ok && f.preflight_auth_status().is_none() && !matches!(pre_status(f), Some(PreStatus::Redirect))))
    {
        return;
    }
    let status = f.preflight_status().unwrap_or(0);
    let why = match status {
        0 if f.preflight.is_none() => {
            "a status that is not 2xx (the browser reported it; the capture does not include the preflight)".to_string()
        }
        0 => "no response at all (connection reset or an empty reply, often a WAF or load balancer dropping OPTIONS)"
            .to_string(),
        404 | 405 | 501 => format!("{status}: the server or framework has no route for OPTIONS"),
        s if s >= 500 => format!("{s}: the OPTIONS handler failed"),
        s => format!("{s}, not a 2xx"),
    };
    let explanation = format!(
        "The preflight for this {} request got {why}. A preflight must be answered with a 2xx status and the \
         Access-Control-Allow-* headers, otherwise the browser never sends the actual request. {SCRIPT_SEES}",
        f.method
    );
    let fix = fixes::preflight_before_auth(
        Fix::new("Handle OPTIONS for this path and return 204 with the CORS headers.")
            .step("Register CORS handling globally (middleware or web-server block) so every path answers OPTIONS.")
            .step("Allow OPTIONS through WAF and load-balancer rules."),
        &f.origin,
        &f.method,
        &preflight_header_list(f),
    );
    out.push(cors_finding(ctx, f, FindingId::CorsPreflightBadStatus, explanation, fix));
}

/// Whether the preflight's own response was answered with 2xx (or is not captured), so that
/// header-level preflight failures are the cause rather than the status.
fn preflight_status_ok(f: &Facts<'_, '_>) -> bool {
    matches!(pre_status(f), None | Some(PreStatus::Ok))
}

/// `cors-allow-list-unparseable` — Fetch "extract header list values" (failure → network error).
fn cors_allow_list_unparseable(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let (name, bad) = match f.preflight_failure() {
        Some(PreflightFailure::AllowMethodsUnparseable(b)) => ("Access-Control-Allow-Methods", b),
        Some(PreflightFailure::AllowHeadersUnparseable(b)) => ("Access-Control-Allow-Headers", b),
        _ => return,
    };
    if !preflight_status_ok(f) {
        return;
    }
    let h = f.failing_headers(ctx);
    let value = hv(h, name);
    let shown_bad = if bad.is_empty() { value.clone() } else { format!("`{bad}`") };
    let explanation = format!(
        "The preflight's {name} is {value}. Each item must be a plain token (a header name or method), but {shown_bad} \
         is not, so the browser discards the whole header and the request is refused."
    );
    let fix = Fix::new(format!("Send {name} as a plain comma-separated list of names."))
        .step("Remove quotes, semicolons, slashes and spaces inside items.")
        .snippet(
            "http",
            format!(
                "{name}: {}",
                if name.ends_with("Methods") { "GET, POST, PUT, PATCH, DELETE" } else { "Authorization, Content-Type" }
            ),
        );
    out.push(cors_finding(ctx, f, FindingId::CorsAllowListUnparseable, explanation, fix).with(name, value));
}

/// `cors-method-not-allowed` — Fetch #cors-preflight-fetch-0 step 7.4 (methods; `*` only
/// without credentials; byte-case-sensitive match).
fn cors_method_not_allowed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some(PreflightFailure::MethodNotAllowed { method, wildcard_ignored }) = f.preflight_failure() else {
        return;
    };
    if !preflight_status_ok(f) {
        return;
    }
    let h = f.failing_headers(ctx);
    let list = hc::token_list(h, "access-control-allow-methods");
    let value = hv(h, "access-control-allow-methods");
    let mut explanation = format!(
        "The {method} request needs its method listed in the preflight's Access-Control-Allow-Methods, which is {value}."
    );
    if list.contains_ci(method) && !list.contains_exact(method) {
        explanation.push_str(&format!(
            " The list has it in another letter case: methods are compared case-sensitively, and `fetch` upper-cases \
             only DELETE, GET, HEAD, OPTIONS, POST and PUT, so `{method}` must be listed exactly as `{method}`."
        ));
    }
    if *wildcard_ignored {
        explanation.push_str(&format!(
            " `*` counts as \"any method\" only for requests without credentials; this one is credentialed ({}).",
            f.basis_words()
        ));
    }
    explanation.push_str(" The browser therefore never sent the actual request.");
    let fix = fixes::allow_methods(
        Fix::new(format!("List {method} explicitly in Access-Control-Allow-Methods on the preflight response."))
            .step("Send methods in upper case from the client, and list them in the same case on the server."),
        &format!("GET, POST, {method}"),
    );
    out.push(
        cors_finding(ctx, f, FindingId::CorsMethodNotAllowed, explanation, fix)
            .with("Access-Control-Allow-Methods", value),
    );
}

/// `cors-authorization-not-allowed` — Fetch #cors-non-wildcard-request-header-name (`*` never
/// covers Authorization) and #cors-preflight-fetch-0.
fn cors_authorization_not_allowed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let failed = matches!(f.preflight_failure(), Some(PreflightFailure::HeaderNotAllowed { name, .. }) if hc::is_cors_non_wildcard_request_header_name(name))
        && preflight_status_ok(f);
    let predictive = !failed && f.authorization_by_wildcard;
    if !failed && !predictive {
        return;
    }
    let h = match &f.preflight {
        Some(p) => &p.ex.response_headers,
        None => &ctx.ex.response_headers,
    };
    let value = hv(h, "access-control-allow-headers");
    let star = hc::token_list(h, "access-control-allow-headers").has_wildcard();
    let mut explanation = format!(
        "This request sends an Authorization header, so the preflight's Access-Control-Allow-Headers must name \
         `Authorization` explicitly. It is {value}."
    );
    if star {
        explanation
            .push_str(" A `*` there never covers Authorization (Fetch makes it the one \"non-wildcard\" header)");
        if f.mode == CredentialsMode::Include {
            explanation.push_str(&format!(
                ", and for a credentialed request `*` is only the literal header name \"*\" ({})",
                f.basis_words()
            ));
        }
        explanation.push('.');
    }
    let mut x;
    if predictive {
        explanation.push_str(
            " Chromium currently lets Authorization through under `*` when the request has no credentials, so this \
             works here, but the Fetch standard, and browsers that follow it, refuse the request.",
        );
        x = Finding::new(FindingId::CorsAuthorizationNotAllowed, String::new(), Fix::default())
            .severity(Severity::Warn)
            .signal(Signal::Predictive);
        let base = cors_finding(ctx, f, FindingId::CorsAuthorizationNotAllowed, String::new(), Fix::default());
        x.evidence = base.evidence;
        x.related = base.related;
    } else {
        explanation.push_str(" The browser therefore never sent the actual request.");
        x = cors_finding(ctx, f, FindingId::CorsAuthorizationNotAllowed, String::new(), Fix::default()).confidence(85);
    }
    x.explanation = explanation;
    x.fix = fixes::allow_headers(
        Fix::new("List Authorization explicitly in Access-Control-Allow-Headers on the preflight response.").step(
            "Keep `*` if you like, but add Authorization (and DPoP, X-CSRF-Token … if the app sends them) by name.",
        ),
        &preflight_header_list(f),
    );
    out.push(x.with("Access-Control-Allow-Headers", value));
}

/// `cors-request-header-not-allowed` — Fetch #cors-preflight-fetch-0 step 7.6 (unsafe names;
/// `*` only without credentials).
fn cors_request_header_not_allowed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some(PreflightFailure::HeaderNotAllowed { name, wildcard_ignored }) = f.preflight_failure() else {
        return;
    };
    if hc::is_cors_non_wildcard_request_header_name(name) || !preflight_status_ok(f) {
        return;
    }
    let h = f.failing_headers(ctx);
    let value = hv(h, "access-control-allow-headers");
    let mut explanation = format!(
        "The request sends the header `{name}`, which is not CORS-safelisted, so the preflight's \
         Access-Control-Allow-Headers must list it. It is {value}."
    );
    if *wildcard_ignored {
        explanation.push_str(&format!(
            " `*` covers any header only for requests without credentials; this one is credentialed ({}).",
            f.basis_words()
        ));
    }
    if name == "content-type" {
        explanation.push_str(
            " Content-Type is safelisted only for text/plain, multipart/form-data and application/x-www-form-urlencoded; \
             JSON bodies need it listed.",
        );
    }
    explanation.push_str(" The browser therefore never sent the actual request.");
    let fix = fixes::allow_headers(
        Fix::new(format!("Add {} to Access-Control-Allow-Headers on the preflight response.", canonical_name(name))),
        &preflight_header_list(f),
    );
    out.push(
        cors_finding(ctx, f, FindingId::CorsRequestHeaderNotAllowed, explanation, fix)
            .with("Header not allowed", name.clone()),
    );
}

// ───────────────────────────── CORS check rules ─────────────────────────────

/// Whether a CORS-check failure should be worded as this rule's own (and not as the preflight's
/// status or the 401 mask).
fn own_cors_failure<'f>(f: &'f Facts<'_, '_>) -> Option<(&'f CorsFailure, bool)> {
    let (c, on_pre) = f.cors_failure()?;
    if on_pre && !preflight_status_ok(f) {
        return None;
    }
    Some((c, on_pre))
}

/// `cors-wildcard-with-credentials` — Fetch #cors-check (`*` only when credentials mode is not
/// "include").
fn cors_wildcard_with_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let failing = matches!(own_cors_failure(f), Some((CorsFailure::WildcardWithCredentials, _)));
    let predictive = !failing
        && f.primary.is_none()
        && f.include_would_fail == Some(CorsFailure::WildcardWithCredentials)
        && f.acac == AllowCredentials::True;
    if !failing && !predictive {
        return;
    }
    let on_pre = own_cors_failure(f).is_some_and(|c| c.1);
    let fix = fixes::echo_origin(
        Fix::new(format!("Echo the allow-listed origin ({}) instead of `*`, with Vary: Origin.", f.origin))
            .step("Check the request's Origin against an allow-list and send it back verbatim in Access-Control-Allow-Origin.")
            .step("Or stop sending credentials: a token in the Authorization header works with `credentials: 'omit'`, `*` and an explicit Allow-Headers."),
        &f.origin,
        true,
    );
    if predictive {
        let explanation = "This response sends `Access-Control-Allow-Origin: *` together with \
             `Access-Control-Allow-Credentials: true`. The request worked because it carried no credentials, but any \
             request made with credentials: 'include' (cookies) fails on it: browsers accept `*` only without credentials."
            .to_string();
        out.push(
            cors_finding(ctx, f, FindingId::CorsWildcardWithCredentials, explanation, fix)
                .severity(Severity::Warn)
                .signal(Signal::Predictive),
        );
        return;
    }
    let explanation = format!(
        "{} says `Access-Control-Allow-Origin: *`, but the request was credentialed: {}. With credentials, browsers \
         accept only the exact origin ({}), never `*`. {SCRIPT_SEES}",
        capitalize(where_words(on_pre)),
        f.basis_words(),
        f.origin
    );
    out.push(cors_finding(ctx, f, FindingId::CorsWildcardWithCredentials, explanation, fix).confidence(85));
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `cors-allow-credentials-invalid` — Fetch #cors-check (credentials must be exactly `true`).
fn cors_allow_credentials_invalid(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some((CorsFailure::InvalidAllowCredentials, on_pre)) = own_cors_failure(f) else {
        return;
    };
    let h = f.failing_headers(ctx);
    let value = hv(h, "access-control-allow-credentials");
    let explanation = format!(
        "The request was credentialed: {}. Then {} must carry `Access-Control-Allow-Credentials: true`, exactly that \
         lower-case word, but it is {value}. Values such as `True`, `1` or a repeated header count as absent. {SCRIPT_SEES}",
        f.basis_words(),
        where_words(on_pre)
    );
    let fix = fixes::cors_on_all_responses(
        Fix::new(
            "Send `Access-Control-Allow-Credentials: true` on the preflight and on every actual response, errors included.",
        ),
        &f.origin,
        true,
    );
    out.push(cors_finding(ctx, f, FindingId::CorsAllowCredentialsInvalid, explanation, fix).confidence(80));
}

/// `cors-allow-origin-mismatch` — Fetch #cors-check (byte-serialized origin must equal the value).
fn cors_allow_origin_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some((CorsFailure::AllowOriginMismatch, on_pre)) = own_cors_failure(f) else {
        return;
    };
    if f.origin_null {
        return; // cors-origin-null words this case.
    }
    let field = hc::allow_origin(f.failing_headers(ctx));
    let value = field.combined.clone().unwrap_or_default();
    let mut explanation = format!(
        "{} says `Access-Control-Allow-Origin: {value}`, but the request's Origin is `{}`. They must be identical, \
         byte for byte: scheme, host and port, with no path or trailing slash.",
        capitalize(where_words(on_pre)),
        f.origin
    );
    for n in &field.notes {
        let s = match n {
            AllowOriginNote::HasPath => " The value has a path or a trailing slash.",
            AllowOriginNote::NotLowercase => " The value is not in lower case.",
            AllowOriginNote::DefaultPort => {
                " The value spells out the default port, which a serialized origin never does."
            }
            AllowOriginNote::HasQueryOrFragment => " The value has a query or fragment.",
            _ => "",
        };
        explanation.push_str(s);
    }
    if let AllowOrigin::Origin(o) = &field.value {
        if let (Ok(a), Ok(b)) = (Url::parse(o), Url::parse(&f.origin)) {
            if a.scheme() != b.scheme() && a.host_str() == b.host_str() {
                explanation.push_str(" Only the scheme differs (http vs https).");
            } else if a.host_str() != b.host_str() {
                explanation.push_str(" It names another host: the server is configured for a different front-end, or a cache served a response made for another origin.");
            }
        }
    }
    explanation.push(' ');
    explanation.push_str(SCRIPT_SEES);
    let fix = fixes::echo_origin(
        Fix::new(format!(
            "Send `Access-Control-Allow-Origin: {}` for this origin (echo the allow-listed Origin).",
            f.origin
        ))
        .step("Compare the request's Origin with an allow-list and send it back verbatim.")
        .step("Add Vary: Origin so caches keep one copy per origin."),
        &f.origin,
        f.mode == CredentialsMode::Include,
    );
    out.push(cors_finding(ctx, f, FindingId::CorsAllowOriginMismatch, explanation, fix).confidence(80));
}

/// `cors-allow-origin-malformed` — Fetch #http-responses (one origin or `*`), Chromium
/// `MultipleAllowOriginValues` / `InvalidAllowOriginValue`.
fn cors_allow_origin_malformed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some((c @ (CorsFailure::MultipleAllowOrigin | CorsFailure::InvalidAllowOrigin), on_pre)) = own_cors_failure(f)
    else {
        return;
    };
    let h = f.failing_headers(ctx);
    let field = hc::allow_origin(h);
    let value = field.combined.clone().unwrap_or_default();
    let lines = hc::field_lines(h, "access-control-allow-origin").count();
    let what = if lines > 1 {
        format!("it appears on {lines} header lines (`{value}`): typically a proxy and the application each add it")
    } else if *c == CorsFailure::MultipleAllowOrigin {
        format!("it holds a list (`{value}`); only one origin (or `*`) is allowed")
    } else if field.notes.contains(&AllowOriginNote::WildcardPattern) {
        format!("`{value}` is a pattern; browsers do not expand wildcards inside an origin")
    } else {
        format!("`{value}` is not an origin")
    };
    let explanation = format!(
        "Access-Control-Allow-Origin on {} must hold exactly one serialized origin or `*`, but {what}. {SCRIPT_SEES}",
        where_words(on_pre)
    );
    let fix = fixes::echo_origin(
        Fix::new("Emit Access-Control-Allow-Origin once, with the single requesting origin.")
            .step("Set the header in one layer only; in nginx drop the upstream copy with `proxy_hide_header Access-Control-Allow-Origin;`.")
            .step("Match sub-domains on the server side and echo the one matching Origin."),
        &f.origin,
        f.mode == CredentialsMode::Include,
    );
    out.push(cors_finding(ctx, f, FindingId::CorsAllowOriginMalformed, explanation, fix).confidence(80));
}

/// `cors-allow-origin-missing` — Fetch #cors-check ("If origin is null, then return failure").
fn cors_allow_origin_missing(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some((CorsFailure::MissingAllowOrigin, on_pre)) = own_cors_failure(f) else {
        return;
    };
    if !on_pre && matches!(f.status, 401 | 403) {
        return; // cors-error-masks-401
    }
    if out.iter().any(|x| x.id == FindingId::CorsRedirectToLogin) {
        return; // the login redirect explains why the answering host has no CORS headers
    }
    let host = ctx.url.as_ref().and_then(|u| u.host_str()).unwrap_or("the server").to_string();
    let redirected = !ctx.redirect_hops().is_empty();
    let mut explanation = format!(
        "{} from {host} has no Access-Control-Allow-Origin header, so the browser refused to hand it to the page at {}. {SCRIPT_SEES}",
        capitalize(where_words(on_pre)),
        f.origin
    );
    if on_pre {
        explanation
            .push_str(&format!(" Because the preflight failed, the actual {} request was never sent.", f.method));
    } else if f.status != 0 {
        explanation.push_str(&format!(" The server did answer ({}).", f.status));
    }
    if redirected {
        explanation.push_str(&format!(
            " The request was redirected; {host}, the host that answered last, must send CORS headers too."
        ));
    }
    let fix = fixes::cors_on_all_responses(
        Fix::new(format!("Configure CORS on {host} for {}.", f.origin))
            .step("Send Access-Control-Allow-Origin (and Access-Control-Allow-Credentials: true for cookie requests) on every response.")
            .step("If a redirect leads to another host (an identity provider or a CDN), avoid the redirect for API calls."),
        &f.origin,
        f.mode == CredentialsMode::Include || ctx.creds.authorization,
    );
    let conf = if redirected { 40 } else { 75 };
    out.push(cors_finding(ctx, f, FindingId::CorsAllowOriginMissing, explanation, fix).confidence(conf));
}

/// `cors-error-masks-401` — Fetch #http-responses (any status can be a CORS response if it has
/// the headers) and #cors-check; the symptom of a 401/403 whose error path lacks CORS headers.
fn cors_error_masks_401(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 401 | 403) {
        return;
    }
    let on_response = matches!(f.primary, Some((Primary::Response(_), _)) | Some((Primary::Other(Kind::Unknown), _)));
    if !on_response {
        return;
    }
    let what = match f.cors_failure() {
        Some((CorsFailure::MissingAllowOrigin, _)) => "no Access-Control-Allow-Origin header".to_string(),
        Some((CorsFailure::WildcardWithCredentials, _)) => {
            "`Access-Control-Allow-Origin: *` on a credentialed request".to_string()
        }
        Some((CorsFailure::InvalidAllowCredentials, _)) => {
            "no valid `Access-Control-Allow-Credentials: true`".to_string()
        }
        Some((_, _)) => format!(
            "an Access-Control-Allow-Origin that does not match ({})",
            hv(&ctx.ex.response_headers, "access-control-allow-origin")
        ),
        None => "headers the browser rejected".to_string(),
    };
    let explanation = format!(
        "The server answered {} but with {what}, so the browser reports a CORS error and hides the {}. The page sees \
         only \"blocked by CORS policy\" / \"Failed to fetch\". CORS headers are often added only on the success path \
         (nginx add_header without `always`, CORS middleware registered after the auth middleware, or an API \
         gateway's own error responses). The CORS check applies to every status. This is the symptom: the other \
         findings for this request explain the {}.",
        f.status, f.status, f.status
    );
    let fix = fixes::cors_on_all_responses(
        Fix::new("Add the CORS headers to error responses too, then fix the underlying rejection.")
            .step("Make the CORS layer run before authentication, or add the headers with `always` / `Header always`.")
            .step(format!("Then look at why the server answered {}: see the other findings.", f.status)),
        &f.origin,
        f.mode == CredentialsMode::Include || ctx.creds.cookie,
    );
    let mut x = cors_finding(ctx, f, FindingId::CorsErrorMasks401, explanation, fix).confidence(80);
    if let Some(c) = ctx.ex.response_headers.get("www-authenticate") {
        x = x.with("WWW-Authenticate", c.trim().to_string());
    }
    out.push(x);
}

/// `cors-origin-null` — Fetch (tainted origin flag; byte-serializing an opaque origin gives `null`).
fn cors_origin_null(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if !f.origin_null || f.cors_failure().is_none() || out.iter().any(|x| x.id == FindingId::CorsRedirectToLogin) {
        return;
    }
    let after_redirect = ctx
        .redirect_hops()
        .iter()
        .any(|(_, h)| ctx.ex.url.as_ref() != h.url.as_ref() && origin_of(&h.url) != origin_of(&ctx.ex.url));
    let why = if after_redirect {
        "the request was redirected across origins on its way here, which taints the origin"
    } else {
        "the page has an opaque origin (a sandboxed iframe, a file: or data: document) or an earlier cross-origin redirect tainted it"
    };
    let explanation = format!(
        "The request was sent with `Origin: null` because {why}. The server's Access-Control-Allow-Origin ({}) \
         cannot match it. Do not add `null` to the allow-list: any sandboxed page can claim it.",
        hv(f.failing_headers(ctx), "access-control-allow-origin")
    );
    let fix = Fix::new(
        "Avoid the cross-origin redirect (call the final URL directly), or serve the page from a real origin.",
    )
    .step("Do not allow `null` in Access-Control-Allow-Origin.");
    out.push(cors_finding(ctx, f, FindingId::CorsOriginNull, explanation, fix).severity(Severity::Warn));
}

/// `cors-vary-origin-missing` — Fetch #cors-protocol-and-http-caches; RFC 9110 §12.5.5 (Vary).
fn cors_vary_origin_missing(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if !f.has_response {
        return;
    }
    let AllowOrigin::Origin(acao) = &f.acao.value else {
        return;
    };
    let h = &ctx.ex.response_headers;
    if cache::vary(h).covers("origin") {
        return;
    }
    let hits = cache::cache_hits(ctx.ex);
    let cc = cache::cache_control(h);
    let fresh_expires = match (cache::expires(h), ctx.server_date) {
        (Some(Ok(e)), Some(d)) => e > d,
        _ => false,
    };
    // `private` copies live only in the browser's cache, which is partitioned by top-level site
    // (so rarely shared between origins); flag those only when a hit was actually seen.
    let cacheable = !cc.no_store
        && !cc.private
        && (cc.max_age.is_some_and(|a| a > 0) || cc.s_maxage.is_some_and(|a| a > 0) || cc.public || fresh_expires);
    let reflected = *acao == f.origin;
    if !((reflected && (cacheable || !hits.is_empty())) || (!reflected && !hits.is_empty())) {
        return;
    }
    let cache_words = if hits.is_empty() {
        format!("it is cacheable (Cache-Control: {})", h.get("cache-control").unwrap_or("").trim())
    } else {
        format!("it came from a cache ({})", hits.iter().map(|x| x.describe()).collect::<Vec<_>>().join(", "))
    };
    let explanation = if reflected {
        format!(
            "Access-Control-Allow-Origin `{acao}` is chosen per request Origin, but the response has no `Vary: Origin` \
             and {cache_words}. A browser or CDN cache can hand this copy to a page on another origin (or a copy \
             without CORS headers to this one), so CORS failures come and go."
        )
    } else {
        format!(
            "Access-Control-Allow-Origin `{acao}` names another origin than this request's (`{}`), {cache_words}, and \
             the response has no `Vary: Origin`: a cache served a copy made for another origin.",
            f.origin
        )
    };
    let fix = Fix::new("Send `Vary: Origin` on every response whose Access-Control-Allow-Origin depends on the request.")
        .step("Purge cached copies after the change.")
        .snippet("nginx", "add_header Vary Origin always;")
        .snippet("apache", "Header always merge Vary Origin")
        .snippet("express", "// the cors package adds Vary: Origin when origin is a list or a function\napp.use(cors({ origin: allowList, credentials: true }));");
    let mut x = cors_finding(ctx, f, FindingId::CorsVaryOriginMissing, explanation, fix)
        .severity(Severity::Warn)
        .signal(Signal::Inferred)
        .with("Vary", hv(h, "vary"));
    if !reflected {
        x = x.confidence(70);
    }
    out.push(x);
}

/// `cors-challenge-headers-not-exposed` — Fetch #http-responses (Access-Control-Expose-Headers;
/// `*` only without credentials); RFC 9449 §9 (DPoP-Nonce).
fn cors_challenge_headers_not_exposed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if !f.has_response || f.primary.is_some() || f.orphan_preflight || !matches!(f.status, 400 | 401 | 403) {
        return;
    }
    let h = &ctx.ex.response_headers;
    let exposure = Exposure::of(h, f.mode);
    let hidden: Vec<&str> =
        ["WWW-Authenticate", "DPoP-Nonce"].into_iter().filter(|n| h.has(n) && !exposure.visible(n)).collect();
    if hidden.is_empty() {
        return;
    }
    let dpop = hidden.contains(&"DPoP-Nonce");
    let challenge = h.get("www-authenticate").map(|c| format!(" (`{}`)", c.trim())).unwrap_or_default();
    let star_note = if exposure.list.has_wildcard() && f.mode == CredentialsMode::Include {
        " A `*` in Access-Control-Expose-Headers does not count for credentialed requests."
    } else {
        ""
    };
    let explanation = format!(
        "This cross-origin {} carries {}{challenge}, but Access-Control-Expose-Headers is {}, so the app's JavaScript \
         cannot read it (the extension can). The app cannot tell an expired token from a missing scope{}.{star_note}",
        f.status,
        hidden.join(" and "),
        hv(h, "access-control-expose-headers"),
        if dpop { ", and cannot retry with the server's DPoP nonce" } else { "" }
    );
    let list = hidden.join(", ");
    let fix =
        Fix::new(format!("Expose {list} to script with Access-Control-Expose-Headers (names listed explicitly)."))
            .snippet("http", format!("Access-Control-Expose-Headers: {list}"))
            .snippet("nginx", format!("add_header Access-Control-Expose-Headers \"{list}\" always;"))
            .snippet(
                "express",
                format!(
                    "app.use(cors({{ exposedHeaders: [{}] }}));",
                    hidden.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                ),
            );
    out.push(
        cors_finding(ctx, f, FindingId::CorsChallengeHeadersNotExposed, explanation, fix)
            .severity(if dpop { Severity::Warn } else { Severity::Info })
            .signal(Signal::Inferred)
            .with("Access-Control-Expose-Headers", hv(h, "access-control-expose-headers")),
    );
}

/// `cors-redirect-contains-credentials` — Fetch #http-redirect-fetch (a CORS redirect to a URL
/// with credentials is a network error).
fn cors_redirect_contains_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let reported = f.reported.as_ref().is_some_and(|r| r.kind == Kind::RedirectContainsCredentials);
    let mut location = f.reported.as_ref().filter(|_| reported).map(|r| r.param.clone()).filter(|p| !p.is_empty());
    if !reported {
        let mut chain = ctx.redirect_hops();
        chain.push((ctx.index, ctx.ex));
        location = chain.iter().find_map(|(_, h)| {
            if !(300..400).contains(&h.status) {
                return None;
            }
            let target = redirect_target(h)?;
            hc::url_includes_credentials(&target).then(|| redact_userinfo(&target))
        });
        if location.is_none() {
            return;
        }
    }
    let loc = location.map(|l| redact_userinfo_str(&l)).unwrap_or_else(|| "(not captured)".to_string());
    let explanation = format!(
        "A redirect on this cross-origin request points to a URL with a user name or password in it ({loc}). \
         Browsers refuse to follow such a redirect for a CORS request."
    );
    let fix = Fix::new("Remove the `user:pass@` part from the Location header and authenticate with headers instead.");
    out.push(cors_finding(ctx, f, FindingId::CorsRedirectContainsCredentials, explanation, fix).with("Location", loc));
}

/// The resolved redirect target of a 3xx exchange.
fn redirect_target(h: &Exchange<'_>) -> Option<Url> {
    if let Some(r) = h.redirect_url.as_deref() {
        if let Ok(u) = Url::parse(r) {
            return Some(u);
        }
    }
    let loc = h.response_headers.get("location")?;
    Url::parse(&h.url).ok()?.join(loc.trim()).ok()
}

fn redact_userinfo(u: &Url) -> String {
    let mut c = u.clone();
    if !c.username().is_empty() {
        let _ = c.set_username("…");
    }
    if c.password().is_some() {
        let _ = c.set_password(Some("…"));
    }
    c.to_string()
}

fn redact_userinfo_str(s: &str) -> String {
    Url::parse(s).map(|u| redact_userinfo(&u)).unwrap_or_else(|_| "(redacted)".to_string())
}

/// `cors-mode-or-scheme-blocked` — Fetch "main fetch" (mode `same-origin`, CORS-enabled schemes,
/// `no-cors` with a redirect mode other than follow).
fn cors_mode_or_scheme_blocked(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some(r) = &f.reported else {
        return;
    };
    let why = match r.kind {
        Kind::DisallowedByMode => "the request used `mode: 'same-origin'` but goes to another origin",
        Kind::CorsDisabledScheme => "the target's scheme does not support CORS (only http and https do)",
        Kind::NoCorsRedirectModeNotFollow => "a `mode: 'no-cors'` request used a redirect mode other than 'follow'",
        _ => return,
    };
    let explanation =
        format!("The browser refused this request before sending it: {why}. No server change can fix this.");
    let fix =
        Fix::new("Use `mode: 'cors'` (the default for fetch) over http(s), with the default `redirect: 'follow'`.")
            .snippet("js", "fetch(url, { mode: 'cors', credentials: 'include' })");
    out.push(cors_finding(ctx, f, FindingId::CorsModeOrSchemeBlocked, explanation, fix));
}

/// How far back to look for an earlier preflight of the same request.
const PREFLIGHT_LOOKBACK: usize = 512;

/// `cors-preflight-cache-stale` — Fetch CORS-preflight cache (#cors-preflight-fetch-0: results are
/// cached for Access-Control-Max-Age, default 5 s, capped by the browser: Chromium 2 h).
fn cors_preflight_cache_stale(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if f.preflight.is_some() || !f.blocked || f.orphan_preflight {
        return;
    }
    let names = &f.unsafe_names;
    if hc::is_cors_safelisted_method(&ctx.ex.method) && names.is_empty() {
        return; // no preflight was needed
    }
    let Some(now) = ctx.ex.started_ms else {
        return;
    };
    let earlier = ctx.earlier().take(PREFLIGHT_LOOKBACK).find(|(_, e)| {
        facts::is_preflight(e)
            && e.url == ctx.ex.url
            && hc::request_method(&e.request_headers).is_some_and(|m| m == ctx.ex.method)
    });
    let Some((i, pre)) = earlier else {
        return;
    };
    let Some(age) = hc::max_age(&pre.response_headers).filter(|a| *a > 5) else {
        return;
    };
    let Some(then) = pre.started_ms else {
        return;
    };
    let elapsed = ((now - then) / 1000.0).max(0.0) as u64;
    // Each browser caps the cache: Chromium at 2 hours (preflight_result.cc kMaxTimeout), Firefox at
    // 24 hours, WebKit at 10 minutes. Past the cap the browser would have sent a new preflight.
    let cap = match ctx.browser() {
        crate::model::Browser::Chromium => 7_200,
        crate::model::Browser::Safari => 600,
        crate::model::Browser::Firefox | crate::model::Browser::Unknown => 86_400,
    };
    if elapsed > age.min(cap) || !(200..300).contains(&pre.status) {
        return;
    }
    let explanation = format!(
        "No preflight was sent for this {} request: the browser reused the preflight result cached {} ago \
         (Access-Control-Max-Age: {age}). A fix to the server's preflight answer does not take effect until that \
         entry expires, up to {} from when it was cached ({}).",
        ctx.ex.method,
        crate::headers::date::format_duration(elapsed as i64),
        crate::headers::date::format_duration(age.min(cap) as i64),
        match ctx.browser() {
            crate::model::Browser::Chromium => "Chromium keeps preflights 2 hours at most",
            crate::model::Browser::Safari => "WebKit keeps preflights 10 minutes at most",
            _ => "Firefox keeps preflights 24 hours at most",
        }
    );
    let fix = Fix::new("Wait for the cached preflight to expire, or restart the browser; use a short Access-Control-Max-Age (600) while rolling out CORS changes.")
        .snippet("http", "Access-Control-Max-Age: 600");
    out.push(
        cors_finding(ctx, f, FindingId::CorsPreflightCacheStale, explanation, fix)
            .severity(Severity::Info)
            .signal(Signal::Inferred)
            .with("Cached preflight", format!("OPTIONS {} → {}", pre.url, pre.status))
            .related(i),
    );
}

// ───────────────────────────── redirects to login ─────────────────────────────

/// Identity providers whose hosts mean "a login page" (host suffix, product name).
const IDP_HOSTS: &[(&str, &str)] = &[
    ("login.microsoftonline.com", "Microsoft Entra ID"),
    ("login.microsoft.com", "Microsoft Entra ID"),
    ("login.live.com", "Microsoft account"),
    ("b2clogin.com", "Azure AD B2C"),
    ("accounts.google.com", "Google"),
    ("cloudflareaccess.com", "Cloudflare Access"),
    ("amazoncognito.com", "Amazon Cognito"),
    ("okta.com", "Okta"),
    ("oktapreview.com", "Okta"),
    ("auth0.com", "Auth0"),
    ("onelogin.com", "OneLogin"),
    ("pingone.com", "PingOne"),
    ("duosecurity.com", "Duo"),
];

/// Why `u` looks like a login page or an identity provider, if it does.
fn login_target(u: &Url) -> Option<String> {
    let host = u.host_str()?.to_ascii_lowercase();
    for (h, name) in IDP_HOSTS {
        if host == *h || host.ends_with(&format!(".{h}")) {
            return Some(format!("{name} ({host})"));
        }
    }
    let path = u.path().to_ascii_lowercase();
    if path.contains("/oauth2/")
        || path.contains("/openid-connect/auth")
        || path.contains("/adfs/ls")
        || path.contains("/.auth/login")
    {
        return Some(format!("an OAuth/OIDC sign-in endpoint ({host}{})", u.path()));
    }
    if path.split('/').any(crate::signals::is_login_segment) {
        return Some(format!("a login page ({host}{})", u.path()));
    }
    let q = u.query().unwrap_or("").to_ascii_lowercase();
    if q.contains("samlrequest=") || (q.contains("redirect_uri=") && q.contains("response_type=")) {
        return Some(format!("an identity provider's authorization request ({host})"));
    }
    None
}

/// Signatures of identity-aware proxies on a redirect hop (`auth-proxy-redirects-api`).
fn auth_proxy_signature(hop: &Exchange<'_>, target: &Url) -> Option<&'static str> {
    let host = target.host_str().unwrap_or("").to_ascii_lowercase();
    let path = target.path().to_ascii_lowercase();
    let cookie_names = hop
        .response_headers
        .get_all("set-cookie")
        .flat_map(|l| l.split('\n'))
        .map(|l| l.split('=').next().unwrap_or("").trim().to_string())
        .chain(
            hop.request_headers
                .get_all("cookie")
                .flat_map(|c| c.split(';'))
                .map(|p| p.split('=').next().unwrap_or("").trim().to_string()),
        )
        .collect::<Vec<_>>();
    let has_cookie = |prefix: &str| cookie_names.iter().any(|n| n.starts_with(prefix));
    if host.ends_with("cloudflareaccess.com") || has_cookie("CF_Authorization") {
        return Some("Cloudflare Access");
    }
    if has_cookie("AWSELBAuthSessionCookie")
        || hop.response_headers.get("server").is_some_and(|s| s.to_ascii_lowercase().starts_with("awselb"))
    {
        return Some("AWS ALB authentication");
    }
    if has_cookie("_oauth2_proxy") || path.starts_with("/oauth2/start") || path.starts_with("/oauth2/sign_in") {
        return Some("oauth2-proxy");
    }
    if has_cookie("_pomerium") || path.starts_with("/.pomerium") {
        return Some("Pomerium");
    }
    if has_cookie("authelia_session") || host.starts_with("auth.") && path.is_empty() {
        return Some("Authelia");
    }
    if has_cookie("GCP_IAP")
        || host == "accounts.google.com" && hop.response_headers.has("x-goog-iap-generated-response")
    {
        return Some("Google IAP");
    }
    None
}

/// `cors-redirect-to-login` (and `auth-proxy-redirects-api`) — RFC 9110 §15.5.2 (401 is the
/// answer for missing credentials); Fetch #http-redirect-fetch (tainted origin).
fn cors_redirect_to_login(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    // The last captured hop of the chain carries the finding.
    if ctx.corr.redirected_to.get(ctx.index).copied().flatten().is_some() {
        return;
    }
    let mut chain = ctx.redirect_hops();
    chain.push((ctx.index, ctx.ex));
    let Some((first_i, first)) = chain.first().copied() else {
        return;
    };
    let api = ctx.is_api_call()
        || matches!(ctx.mode, Some(FetchMode::Cors | FetchMode::SameOrigin)) && ctx.dest == Some(FetchDest::Empty);
    if !api {
        return;
    }
    let Some((hop_i, hop, target, reason)) = chain.iter().find_map(|(i, h)| {
        if !(300..400).contains(&h.status) {
            return None;
        }
        let t = redirect_target(h)?;
        let r = login_target(&t)?;
        Some((*i, *h, t, r))
    }) else {
        return;
    };
    let Some(init) = ctx.initiator.as_ref().map(|u| u.origin()) else {
        return;
    };
    let api_origin = Url::parse(&first.url).map(|u| u.origin()).ok();
    let crosses = api_origin.as_ref().is_some_and(|o| *o != init) || target.origin() != init;
    if !crosses {
        return; // same-origin login redirects are `login-redirect-for-api`.
    }
    let end = if ctx.ex.status == 0 || ctx.ex.error.is_some() {
        "the browser blocked the redirected request (CORS error)".to_string()
    } else if (300..400).contains(&ctx.ex.status) {
        "the script gets a CORS error once the browser follows it".to_string()
    } else {
        format!("the script got {} from the login page instead of JSON", ctx.ex.status)
    };
    let explanation = format!(
        "This API call to {} was answered {} with a redirect to {reason} instead of a 401. The auth layer treats the \
         call like a page load, typically because the session expired. The login page does not send CORS headers for \
         {}, and after a cross-origin redirect the browser sends `Origin: null`; {end}. The app sees a CORS error or \
         \"Unexpected token <\" instead of a clean 401.",
        first.url,
        hop.status,
        init.ascii_serialization()
    );
    let fix = Fix::new("Return 401 (not a redirect) for API and XHR requests; let the app send the user to log in with a top-level navigation.")
        .step("Exempt API paths from the login redirect, or make the auth layer answer 401 when the request is not a navigation (Sec-Fetch-Mode: cors, Accept: application/json).")
        .step("In the app, on 401 do `window.location = loginUrl` (a top-level navigation).")
        .snippet("spring", "http.exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(\n    new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),\n    new AntPathRequestMatcher(\"/api/**\")));")
        .snippet("aspnet", "builder.Services.ConfigureApplicationCookie(o => {\n    o.Events.OnRedirectToLogin = ctx => { ctx.Response.StatusCode = 401; return Task.CompletedTask; };\n});")
        .snippet("yaml", "# AWS ALB listener rule for /api/*: answer 401 instead of redirecting\nAuthenticateOidcConfig:\n  OnUnauthenticatedRequest: deny")
        .snippet("shell", "# oauth2-proxy answers 401 to requests that send Accept: application/json\nfetch(url, { headers: { Accept: 'application/json' }, credentials: 'include' })");
    let mut x = Finding::new(FindingId::CorsRedirectToLogin, explanation, fix)
        .with("API request", format!("{} {}", first.method, first.url))
        .with("Redirect", format!("{} → {}", hop.status, redact_userinfo(&target)))
        .confidence(90);
    if first_i != ctx.index {
        x = x.related(first_i);
    }
    if hop_i != ctx.index {
        x = x.related(hop_i);
    }
    if let Some(proxy) = auth_proxy_signature(hop, &target) {
        let explanation = format!(
            "The redirect comes from an identity-aware proxy ({proxy}) in front of the API: its session for this \
             browser expired or was never created for the API host, and it answers XHR like a page load. Preflights \
             fail too, because they carry no cookie."
        );
        let fix = Fix::new(format!("Configure {proxy} to answer API calls with 401 and to let preflights through."))
            .step("AWS ALB: a listener rule for /api/* with authenticate-oidc and OnUnauthenticatedRequest: deny.")
            .step("oauth2-proxy: --skip-auth-preflight=true, and clients send Accept: application/json.")
            .step("Cloudflare Access: enable CORS settings / OPTIONS bypass and call with credentials: 'include' so CF_Authorization is sent.")
            .step("On 401 the SPA navigates the top-level window to log in.")
            .snippet("shell", "oauth2-proxy --skip-auth-preflight=true …");
        let mut p =
            Finding::new(FindingId::AuthProxyRedirectsApi, explanation, fix).with("Proxy", proxy).confidence(85);
        p.related = x.related.clone();
        out.push(p);
    }
    out.push(x);
}

// ───────────────────────────── the popup's CORS picture ─────────────────────────────

/// Access-Control-* (and Vary) pairs of a header list, for display.
fn cors_pairs(h: &Headers<'_>) -> Vec<Pair> {
    h.0.iter()
        .filter(|x| {
            let n = x.name.to_ascii_lowercase();
            n.starts_with("access-control-") || n == "vary" || n == "origin"
        })
        .map(|x| Pair { name: x.name.to_string(), value: x.value.to_string() })
        .collect()
}

/// Which check failed, in words.
fn failed_words(f: &Facts<'_, '_>) -> Option<String> {
    let (p, _) = f.primary.as_ref()?;
    Some(match p {
        Primary::Preflight(PreflightFailure::Redirected(s)) => format!("preflight was redirected ({s})"),
        Primary::Preflight(PreflightFailure::NotOk(0)) => "preflight got no response".to_string(),
        Primary::Preflight(PreflightFailure::NotOk(s)) => format!("preflight status {s} is not 2xx"),
        Primary::Preflight(PreflightFailure::Cors(c)) => format!("preflight: {}", cors_failure_words(c)),
        Primary::Preflight(PreflightFailure::AllowMethodsUnparseable(b)) => {
            format!("preflight Access-Control-Allow-Methods cannot be parsed (`{b}`)")
        }
        Primary::Preflight(PreflightFailure::AllowHeadersUnparseable(b)) => {
            format!("preflight Access-Control-Allow-Headers cannot be parsed (`{b}`)")
        }
        Primary::Preflight(PreflightFailure::MethodNotAllowed { method, .. }) => {
            format!("method {method} not in Access-Control-Allow-Methods")
        }
        Primary::Preflight(PreflightFailure::HeaderNotAllowed { name, .. }) => {
            format!("header {name} not in Access-Control-Allow-Headers")
        }
        Primary::Response(c) => cors_failure_words(c).to_string(),
        Primary::Other(_) => f
            .reported
            .as_ref()
            .map_or_else(|| "blocked by the browser".to_string(), |r| format!("browser reported {}", r.raw)),
    })
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

/// The CORS picture for the popup; `None` for same-origin requests.
pub fn cors_view(ctx: &Ctx<'_, '_>) -> Option<CorsView> {
    let f = Facts::build_for_view(ctx)?;
    let credentials_mode = match f.basis {
        CredBasis::Unknown => "unknown".to_string(),
        CredBasis::Reported => "include".to_string(),
        CredBasis::CookieSent | CredBasis::FailureOnlyWithCredentials => "include (inferred)".to_string(),
    };
    Some(CorsView {
        page_origin: ctx.page.as_ref().map(|p| p.origin().ascii_serialization()),
        request_origin: hc::field_lines(&ctx.ex.request_headers, "origin").next().map(str::to_string),
        credentials_mode,
        response_headers: if f.orphan_preflight { Vec::new() } else { cors_pairs(&ctx.ex.response_headers) },
        preflight_status: f.preflight.as_ref().map(|p| p.ex.status),
        preflight_headers: f
            .preflight
            .as_ref()
            .map(|p| {
                let mut v = cors_pairs(&p.ex.request_headers);
                v.extend(cors_pairs(&p.ex.response_headers));
                v
            })
            .unwrap_or_default(),
        failed_check: failed_words(&f).or_else(|| {
            f.blocked.then(|| "blocked by the browser; the capture lacks the headers that would say why".to_string())
        }),
    })
}

#[cfg(test)]
mod tests;
