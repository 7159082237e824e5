//! The CORS-check rules (Fetch #cors-check): what is wrong with the response's (or the
//! preflight's) Access-Control-Allow-Origin / -Allow-Credentials, and the caching of a response
//! whose CORS headers depend on the Origin.

use super::facts::{Facts, Primary};
use super::reported::Kind;
use super::{SCRIPT_SEES, cors_finding, fixes, hv, origin_of, preflight_status_ok, where_words};
use crate::catalogue::{FindingId, Severity};
use crate::diagnose::context::Ctx;
use crate::fetch::{CorsFailure, CredentialsMode};
use crate::finding::{Finding, Fix, Signal};
use crate::headers::cache;
use crate::headers::cors::{self as hc, AllowCredentials, AllowOrigin, AllowOriginNote};
use url::Url;

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
pub(super) fn cors_wildcard_with_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_allow_credentials_invalid(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_allow_origin_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_allow_origin_malformed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_allow_origin_missing(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_error_masks_401(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
    if let Some(c) = ctx.ex.response_headers.first_challenge_line() {
        x = x.with("WWW-Authenticate", c.trim().to_string());
    }
    out.push(x);
}

/// `cors-origin-null` — Fetch (tainted origin flag; byte-serializing an opaque origin gives `null`).
pub(super) fn cors_origin_null(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
pub(super) fn cors_vary_origin_missing(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
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
