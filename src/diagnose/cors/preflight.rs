//! The CORS-preflight rules (Fetch #cors-preflight-fetch-0): who answered the OPTIONS, with which
//! status, and which of the request's method and headers its Access-Control-Allow-* lists left
//! out; and the preflight cache that can hide a fixed server.

use super::facts::Facts;
use super::{PreStatus, SCRIPT_SEES, cors_finding, fixes, hv, pre_status, preflight_status_ok, status_words};
use crate::catalogue::{FindingId, Severity};
use crate::diagnose::context::Ctx;
use crate::fetch::{self, CredentialsMode, PreflightFailure};
use crate::finding::{Finding, Fix, Signal};
use crate::headers::cors as hc;
use crate::signals::is_preflight;

/// `cors-preflight-blocked-by-auth` — Fetch #cors-preflight-fetch-0 (ok status) and
/// #http-cors-protocol ("a CORS-preflight request never includes credentials").
pub(super) fn cors_preflight_blocked_by_auth(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if f.preflight_failure().is_none() {
        return;
    }
    let (Some(status), Some(p)) = (f.preflight_auth_status(), f.preflight.as_ref()) else {
        return;
    };
    let challenge =
        p.ex.response_headers.first_challenge_line().or_else(|| p.ex.response_headers.proxy_challenge_lines().next());
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
fn preflight_header_list(f: &Facts<'_, '_>) -> Vec<String> {
    let mut v: Vec<String> = vec!["Authorization".into(), "Content-Type".into()];
    for n in &f.unsafe_names {
        if !v.iter().any(|x| x.eq_ignore_ascii_case(n)) {
            v.push(canonical_name(n));
        }
    }
    v
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
pub(super) fn cors_preflight_redirect(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_preflight_bad_status(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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

/// `cors-allow-list-unparseable` — Fetch "extract header list values" (failure → network error).
pub(super) fn cors_allow_list_unparseable(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_method_not_allowed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
        &["GET".to_string(), "POST".to_string(), method.clone()],
    );
    out.push(
        cors_finding(ctx, f, FindingId::CorsMethodNotAllowed, explanation, fix)
            .with("Access-Control-Allow-Methods", value),
    );
}

/// `cors-authorization-not-allowed` — Fetch #cors-non-wildcard-request-header-name (`*` never
/// covers Authorization) and #cors-preflight-fetch-0.
pub(super) fn cors_authorization_not_allowed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let failed = matches!(f.preflight_failure(), Some(PreflightFailure::HeaderNotAllowed { name, .. }) if fetch::is_cors_non_wildcard_request_header_name(name))
        && preflight_status_ok(f);
    // "Works here" only when the browser did not refuse the exchange for another reason.
    let predictive = !failed && f.authorization_by_wildcard && !f.blocked;
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
        explanation.push_str(&format!(
            " {} still lets Authorization through under `*` when the request has no credentials, so this works \
             here, but the Fetch standard, and engines that follow it (Safari), refuse the request.",
            f.engine.unwrap_or("This browser")
        ));
        x = Finding::new(FindingId::CorsAuthorizationNotAllowed, String::new(), Fix::default())
            .severity(Severity::Warn)
            .signal(Signal::Predictive);
        let base = cors_finding(ctx, f, FindingId::CorsAuthorizationNotAllowed, String::new(), Fix::default());
        x.evidence = base.evidence;
        x.related = base.related;
    } else {
        if star && f.mode != CredentialsMode::Include {
            if let Some(e) = f.engine {
                // Only an engine that follows the spec here gets this far without credentials.
                explanation.push_str(&format!(" {e} follows the standard here."));
            }
        }
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
pub(super) fn cors_request_header_not_allowed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some(PreflightFailure::HeaderNotAllowed { name, wildcard_ignored }) = f.preflight_failure() else {
        return;
    };
    if fetch::is_cors_non_wildcard_request_header_name(name) || !preflight_status_ok(f) {
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

/// A preflight-cache cap in words ("2 hours", "10 minutes").
fn cap_words(secs: u64) -> String {
    if secs % 3600 == 0 { format!("{} hours", secs / 3600) } else { format!("{} minutes", secs / 60) }
}

/// How far back to look for an earlier preflight of the same request.
const PREFLIGHT_LOOKBACK: usize = 512;

/// `cors-preflight-cache-stale` — Fetch CORS-preflight cache (#cors-preflight-fetch-0: results are
/// cached for Access-Control-Max-Age, default 5 s, capped by the browser: Chromium 2 h).
pub(super) fn cors_preflight_cache_stale(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if f.preflight.is_some() || !f.blocked || f.orphan_preflight {
        return;
    }
    let names = &f.unsafe_names;
    if fetch::is_cors_safelisted_method(&ctx.ex.method) && names.is_empty() {
        return; // no preflight was needed
    }
    let Some(now) = ctx.ex.started_ms else {
        return;
    };
    let earlier = ctx.earlier().take(PREFLIGHT_LOOKBACK).find(|(_, e)| {
        is_preflight(e)
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
    // Each engine caps the cache; past the cap the browser would have sent a new preflight.
    let cap = crate::engine::preflight_cache_cap_secs(ctx.browser());
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
        match crate::engine::name(ctx.browser()) {
            Some(engine) => format!("{engine} keeps preflights {} at most", cap_words(cap)),
            None => format!("browsers keep preflights {} at most", cap_words(cap)),
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
