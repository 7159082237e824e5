//! Group E (and the send-time halves of A and I): stored cookies a failing request did not carry.
//! Chromium's verdicts (CDP `associatedCookies`) are reported as is; without them the jar's
//! §5.8.3 retrieval says which cookie was left out and by which rule.

mod explain;
#[cfg(test)]
mod tests;

use super::text::{others, with_cookie};
use super::{Facts, auth_failed, last_setter_before};
use crate::catalogue::{FindingId, Severity};
use crate::cookies::jar::{Cookie, Exclusion, SiteContext};
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::scheme::Scheme;
use crate::signals::{FetchMode, FetchSite, is_session_cookie_name, is_token_cookie_name};
use crate::site::Relation;
use FindingId::*;
use explain::explain;

/// Runs the send-time rules.
pub(super) fn check(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let failed = auth_failed(ctx) || ctx.ex.status >= 400 || ctx.ex.status == 0;
    if failed {
        reported(ctx, f, out);
    }
    exemptions(ctx, out);
    if !auth_failed(ctx) {
        return;
    }
    httponly_unreadable_by_script(ctx, f, out);
    if ctx.ex.site_has_cookie_in_other_partition {
        out.push(other_partition_reported(ctx, f));
    }
    // With Chromium's own list of considered cookies, the jar's guesses add nothing; and a request
    // that authenticates with an Authorization header is not failing for want of a cookie.
    if ctx.ex.associated_cookies.is_empty() && !ctx.creds.authorization {
        inferred(ctx, f, out);
        credentials_mode_omits_cookies(ctx, f, out);
    }
}

/// A `Network.CookieBlockedReason` (DIAGNOSES Appendix A.2, with A.9 aliases) → id.
pub(crate) fn reported_id(reason: &str) -> Option<FindingId> {
    Some(match reason {
        "SecureOnly" => SecureCookieInsecureOrigin,
        "NotOnPath" => CookieNotOnPath,
        "DomainMismatch" => CookieDomainMismatch,
        "SameSiteStrict" | "SchemefulSameSiteStrict" => CookieSamesiteStrictExcluded,
        "SameSiteLax"
        | "SameSiteUnspecifiedTreatedAsLax"
        | "SchemefulSameSiteLax"
        | "SchemefulSameSiteUnspecifiedTreatedAsLax" => CookieSamesiteLaxExcluded,
        "SameSiteNoneInsecure" => SetCookieSamesiteNoneInsecure,
        "UserPreferences"
        | "ThirdPartyPhaseout"
        | "ThirdPartyBlockedInFirstPartySet"
        | "SamePartyFromCrossPartyContext" => CookieThirdPartyBlocked,
        "NameValuePairExceedsMaxSize" => SetCookieTooLarge,
        "PortMismatch" | "SchemeMismatch" => OriginBoundCookieMismatch,
        "AnonymousContext" => CookieAnonymousContext,
        _ => return None,
    })
}

/// The jar exclusion → id (6265bis §5.8.3).
pub(crate) fn exclusion_id(e: Exclusion) -> Option<FindingId> {
    Some(match e {
        Exclusion::Expired | Exclusion::SchemeNotSupported | Exclusion::HttpOnly => return None,
        Exclusion::DomainMismatch => CookieDomainMismatch,
        Exclusion::NotOnPath => CookieNotOnPath,
        Exclusion::SecureOnly => SecureCookieInsecureOrigin,
        Exclusion::SameSiteStrict { schemeful: true }
        | Exclusion::SameSiteLax { schemeful: true }
        | Exclusion::SameSiteDefaultLax { schemeful: true, .. } => SchemefulSameSite,
        Exclusion::SameSiteStrict { .. } => CookieSamesiteStrictExcluded,
        Exclusion::SameSiteDefaultLax { unsafe_too_old: true, .. } => CookieLaxAllowUnsafeExpired,
        Exclusion::SameSiteLax { .. } | Exclusion::SameSiteDefaultLax { .. } => CookieSamesiteLaxExcluded,
        Exclusion::SameSiteNoneInsecure => SetCookieSamesiteNoneInsecure,
        Exclusion::OtherPartition => CookieInOtherPartition,
        Exclusion::ThirdPartyBlocked => CookieThirdPartyBlocked,
    })
}

/// Refines a reported id with what the capture knows: schemeful-only cross-site, Lax-allowing-unsafe.
fn refine_reported(ctx: &Ctx<'_, '_>, f: &Facts<'_>, reason: &str, id: FindingId) -> FindingId {
    let schemeful = f.site == SiteContext::CrossSite { schemeful: true };
    if reason.starts_with("Schemeful") && schemeful {
        return SchemefulSameSite;
    }
    if reason.ends_with("UnspecifiedTreatedAsLax") && f.nav && ctx.ex.method.eq_ignore_ascii_case("POST") {
        // A default-Lax cookie is only withheld from a cross-site top-level POST once it is older
        // than the 2-minute Lax-allowing-unsafe window.
        return CookieLaxAllowUnsafeExpired;
    }
    id
}

/// CDP verdicts on the cookies Chromium considered for this request.
fn reported(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    for a in &ctx.ex.associated_cookies {
        for reason in &a.blocked_reasons {
            let Some(id) = reported_id(reason) else { continue };
            let id = refine_reported(ctx, f, reason, id);
            let stored = f.jar.cookies().find(|c| c.name == a.name);
            let (explanation, fix) = explain(ctx, f, id, &a.name, stored);
            let mut fnd = Finding::new(id, explanation, fix)
                .with("browser verdict", format!("`{}` blocked: {reason}", a.name))
                .signal(Signal::Reported)
                .confidence(if is_session_cookie_name(&a.name) { 95 } else { 85 });
            fnd = match stored {
                Some(c) => with_cookie(fnd, ctx, c),
                None => {
                    let mut x = fnd
                        .with("cookie", a.name.to_string())
                        .with("request", format!("{} {}", ctx.ex.method, ctx.ex.url));
                    if let Some(i) = last_setter_before(ctx, &a.name) {
                        x = x.related(i);
                    }
                    x
                }
            };
            out.push(fnd);
        }
    }
    redirect_downgrade(ctx, out);
}

/// `cookie-exemption-in-effect` — CDP `CookieExemptionReason`: works only thanks to an exemption.
fn exemptions(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let Some(a) = ctx.ex.associated_cookies.iter().find(|a| {
        a.exemption_reason.as_deref().is_some_and(|r| !r.is_empty() && r != "None") && a.blocked_reasons.is_empty()
    }) else {
        return;
    };
    let reason = a.exemption_reason.as_deref().unwrap_or("");
    out.push(
        Finding::new(
            CookieExemptionInEffect,
            format!(
                "`{}` reached {}{} only because of an exemption ({}): it would otherwise be blocked as a \
                 third-party cookie. Users without that exemption (other profiles, other browsers, Incognito) will \
                 see this request fail.",
                a.name,
                ctx.ex.url,
                ctx.page.as_ref().map(|p| format!(" (embedded in {})", p.origin().ascii_serialization())).unwrap_or_default(),
                exemption_words(reason)
            ),
            Fix::new("Plan for blocked third-party cookies: partitioned cookies, the Storage Access API, or a first-party deployment."),
        )
        .with("cookie", a.name.to_string())
        .with("exemption", reason.to_string())
        .signal(Signal::Reported),
    );
}

/// What a `Network.CookieExemptionReason` (DIAGNOSES Appendix A.3, with removed values) means.
fn exemption_words(reason: &str) -> String {
    let what = match reason {
        "UserSetting" => "a site exception in this browser's cookie settings",
        "EnterprisePolicy" => "an enterprise policy",
        "StorageAccess" => "a Storage Access API grant",
        "TopLevelStorageAccess" => "a top-level Storage Access grant",
        "Scheme" => "the top-level page's URL scheme",
        "SameSiteNoneCookiesInSandbox" => "the sandbox flag allow-same-site-none-cookies",
        "TPCDMetadata" | "TPCDDeprecationTrial" | "TopLevelTPCDDeprecationTrial" => {
            "a third-party-cookie deprecation grace period"
        }
        "TPCDHeuristics" => "a heuristics-based exemption",
        _ => return reason.to_string(),
    };
    format!("{reason}: {what}")
}

/// `cookie-in-other-partition` — CHIPS; CDP `siteHasCookieInOtherPartition` on a failing request.
fn other_partition_reported(ctx: &Ctx<'_, '_>, f: &Facts<'_>) -> Finding {
    let host = ctx.url.as_ref().and_then(|u| u.host_str()).unwrap_or("this site");
    let top = ctx.page.as_ref().map(|u| u.origin().ascii_serialization());
    // The jar snapshot, when the extension sent one, says under which top-level site it lives.
    let other =
        f.jar.cookies().find(|c| c.partition.as_ref().is_some_and(|p| Some(p) != f.top_site.as_ref()) && f.related(c));
    let mut fnd = Finding::new(
        CookieInOtherPartition,
        format!(
            "The browser holds a cookie for {host}, but in another top-level partition{}. {}, so a login done while \
             {host} was embedded in another site (or visited directly) is invisible while it is embedded in {}.",
            other.and_then(|c| c.partition.as_ref()).map(|p| format!(" (`{}` is stored under {p})", other.map(|c| c.name.as_str()).unwrap_or(""))).unwrap_or_default(),
            match (f.tp_partitioned, f.engine) {
                (true, Some(e)) => format!("{e}'s Total Cookie Protection keeps a separate cookie jar for every top-level site"),
                _ => "Partitioned (CHIPS) cookies are keyed by the top-level site".to_string(),
            },
            top.as_deref().unwrap_or("this page")
        ),
        Fix::new("Get access to the unpartitioned cookie, or authenticate inside this partition.")
            .step("Storage Access API: inside the embedded frame, after a user click, `await document.requestStorageAccess()`; then the frame's requests carry the cookies set first-party.")
            .step("Or log in through a popup and hand a token to the iframe with postMessage, keeping state per top-level site."),
    )
    .with("browser verdict", "siteHasCookieInOtherPartition: true")
    .with("request", format!("{} {}", ctx.ex.method, ctx.ex.url))
    .signal(Signal::Reported)
    .confidence(85);
    if let Some(t) = top {
        fnd = fnd.with("top-level site", t);
    }
    fnd
}

/// Whether an excluded cookie is worth reporting: it belongs to this site, the request did not
/// carry a cookie of that name anyway, and it is the session (or no session cookie went at all),
/// or the answer is a CSRF refusal and it is the anti-CSRF cookie (double-submit needs it).
fn relevant(ctx: &Ctx<'_, '_>, f: &Facts<'_>, c: &Cookie, csrf_failure: bool) -> bool {
    if !f.related(c) || f.was_sent(&c.name) {
        return false;
    }
    is_session_cookie_name(&c.name)
        || !ctx.sent_cookies.iter().any(|p| is_session_cookie_name(p.name))
        || (csrf_failure && crate::signals::is_csrf_cookie_name(&c.name))
}

/// The jar's §5.8.3 verdicts (signal Inferred), one finding per id, session cookies first.
fn inferred(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let rctx = f.context(&ctx.ex.method);
    let r = f.jar.retrieve(&rctx);
    let mut hits: Vec<(FindingId, &Cookie)> = Vec::new();
    let csrf_failure = crate::signals::is_csrf_failure(ctx.ex);
    for (c, e) in &r.excluded {
        if !relevant(ctx, f, c, csrf_failure) {
            continue;
        }
        if let Some(id) = exclusion_id(*e) {
            hits.push((id, c));
        }
    }
    hits.sort_by_key(|(_, c)| !is_session_cookie_name(&c.name));
    let mut done: Vec<FindingId> = Vec::new();
    for (id, c) in &hits {
        if done.contains(id) {
            continue;
        }
        done.push(*id);
        let names: Vec<String> = hits.iter().filter(|(i, _)| i == id).map(|(_, c)| c.name.clone()).collect();
        let (explanation, fix) = explain(ctx, f, *id, &c.name, Some(c));
        let mut fnd = with_cookie(Finding::new(*id, explanation, fix), ctx, c)
            .confidence(if is_session_cookie_name(&c.name) { 80 } else { 60 });
        if let Some(o) = others(&names) {
            fnd = fnd.with("also not sent for the same reason", o);
        }
        if *id == SetCookieSamesiteNoneInsecure && !crate::engine::rejects_samesite_none_insecure(ctx.browser()) {
            fnd = fnd.severity(Severity::Warn).signal(Signal::Predictive);
        }
        out.push(fnd);
    }
    redirect_downgrade(ctx, out);
}

/// The first redirect hop on another site than this request's URL, when the chain started on
/// this request's own site (6265bis §5.2: such a hop makes the final request cross-site).
pub(super) fn cross_site_hop<'c, 'a>(ctx: &Ctx<'c, 'a>) -> Option<(usize, &'c crate::model::Exchange<'a>)> {
    let url = ctx.url.as_ref()?;
    if !matches!(ctx.relation, Some(Relation::SameOrigin | Relation::SameSite)) {
        return None;
    }
    ctx.redirect_hops().into_iter().find(|(_, h)| {
        url::Url::parse(&h.url).is_ok_and(|u| matches!(crate::site::relation(&u, url), Relation::CrossSite))
    })
}

/// `cookie-cross-site-redirect-downgrade` — 6265bis §5.2 (a cross-site hop in the redirect chain makes
/// the request cross-site); Audits `WarnCrossSiteRedirectDowngradeChangesInclusion`. Runs after the
/// exclusion rules: it explains a Lax/Strict exclusion of this request, so it takes that finding's
/// signal and ranks just ahead of it.
fn redirect_downgrade(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let Some(excl) = out
        .iter()
        .filter(|x| {
            matches!(x.id, CookieSamesiteLaxExcluded | CookieSamesiteStrictExcluded | CookieLaxAllowUnsafeExpired)
        })
        .min_by_key(|x| (x.signal, 100 - x.confidence.min(100)))
    else {
        return;
    };
    let Some((i, h)) = cross_site_hop(ctx) else { return };
    let (signal, confidence) = (excl.signal, excl.confidence.saturating_add(5).min(100));
    let cookie = excl.evidence.iter().find(|e| e.label == "cookie").map(|e| e.value.clone());
    let hop_host = url::Url::parse(&h.url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let here = ctx.url.as_ref().and_then(|u| u.host_str()).unwrap_or("");
    let what = cookie.as_deref().map(|c| format!("`{c}`")).unwrap_or_else(|| "the site's Lax/Strict cookies".into());
    let mut fnd = Finding::new(
        CookieCrossSiteRedirectDowngrade,
        format!(
            "This request started on {here}'s own site, but its redirect chain passed through {hop_host}. A chain \
             that leaves the site makes the final request cross-site even though it comes back to {here}, so the \
             browser withheld {what} ({}).",
            match excl.id {
                CookieSamesiteStrictExcluded => "SameSite=Strict is never sent cross-site",
                _ => "SameSite=Lax is only sent cross-site on top-level GET navigations",
            }
        ),
        Fix::new("Keep same-site requests on the site, or let the cookies that must survive the bounce travel cross-site.")
            .step(format!("Avoid bouncing through {hop_host} for requests that need the session (call it from the page instead, or return to a URL that does not need the cookie)."))
            .step("Session cookies that must survive an SSO round trip: `SameSite=Lax` is sent on top-level GET navigations; `Strict` never is.")
            .step("Cookies that must survive a subresource bounce: `SameSite=None; Secure` (with CSRF protection)."),
    )
    .with("cross-site hop", format!("{} {} → {}", h.method, h.url, h.status))
    .related(i)
    .signal(signal)
    .confidence(confidence);
    if let Some(c) = cookie {
        fnd = fnd.with("cookie withheld", c);
    }
    out.push(fnd);
}

/// `cookie-httponly-unreadable-by-script` — 6265bis §5.8.2/§5.8.3 (`http-only-flag`): script built an
/// empty `Authorization` from a token that lives in an HttpOnly cookie it cannot read.
fn httponly_unreadable_by_script(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(auth) = &ctx.auth else { return };
    let c = auth.credential.trim().to_ascii_lowercase();
    let placeholder = c.is_empty() || matches!(c.as_str(), "undefined" | "null" | "[object object]" | "\"\"" | "none");
    if !placeholder || auth.kind != Some(Scheme::Bearer) {
        return;
    }
    let (scheme, cred) = (auth.scheme, auth.credential);
    let tokenish = |x: &Cookie| x.http_only && (is_token_cookie_name(&x.name) || x.value.starts_with("eyJ"));
    let Some(cookie) = f.jar.cookies().find(|x| tokenish(x) && f.related(x)) else { return };
    let fnd = Finding::new(
        CookieHttponlyUnreadableByScript,
        format!(
            "The request sent `Authorization: {scheme} {cred}`, an empty token, while the token apparently lives in \
             the HttpOnly cookie `{}`. Script cannot read HttpOnly cookies (document.cookie hides them), so code \
             that copies the cookie into the header sends nothing.",
            cookie.name
        ),
        Fix::new("Either let the browser send the cookie and have the API read it, or return the token in the login response body.")
            .step("Cookie-based: call the API with `credentials: 'include'` and read the token from the cookie on the server.")
            .step("Header-based: return the access token in the JSON body and keep it in memory, not in an HttpOnly cookie."),
    )
    .with("Authorization", format!("{scheme} {cred}"))
    .signal(Signal::Inferred);
    out.push(with_cookie(fnd, ctx, cookie));
}

/// `credentials-mode-omits-cookies` — Fetch "credentials mode": a cross-origin fetch/XHR without
/// `credentials: 'include'` carries no cookies although the jar has some for the target.
fn credentials_mode_omits_cookies(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !ctx.is_api_call() || ctx.creds.cookie || ctx.creds.cookie_unknown || !matches!(ctx.ex.status, 401 | 403) {
        return;
    }
    if matches!(ctx.mode, Some(FetchMode::Navigate | FetchMode::NoCors | FetchMode::SameOrigin | FetchMode::WebSocket))
    {
        return;
    }
    let cross_origin =
        matches!(ctx.relation, Some(Relation::SameSite | Relation::SchemefulCrossSite | Relation::CrossSite))
            || ctx.site.is_some_and(FetchSite::crosses_origin);
    if !cross_origin {
        return;
    }
    let rctx = f.context(&ctx.ex.method);
    let r = f.jar.retrieve(&rctx);
    let would: Vec<&Cookie> = r.sent.iter().copied().filter(|c| f.related(c)).collect();
    let Some(first) = would.iter().find(|c| is_session_cookie_name(&c.name)).or(would.first()) else { return };
    let origin = ctx.initiator.as_ref().map(|u| u.origin().ascii_serialization()).unwrap_or_else(|| "the page".into());
    let names: Vec<String> = would.iter().map(|c| c.name.clone()).collect();
    let target = ctx.url.as_ref().map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    // A replayed cookie whose Set-Cookie came on a cross-origin response fetched without
    // credentials was in fact never stored (set-cookie-ignored-without-credentials).
    let setter = super::text::origin_of(ctx, first).1;
    let never_stored = setter.and_then(|i| ctx.capture.exchanges.get(i).map(|e| (i, e))).is_some_and(|(i, e)| {
        let sctx = Ctx::new(ctx.capture, ctx.corr, i, e);
        sctx.is_api_call()
            && sctx.is_cross_origin()
            && !sctx.creds.cookie
            && crate::headers::cors::allow_credentials(&e.response_headers)
                != crate::headers::cors::AllowCredentials::True
    });
    let holds = if never_stored {
        format!(
            "although the server set `{}` for {target} earlier (on a response the browser ignored for the same reason, \
             so the cookie was never even stored)",
            first.name
        )
    } else {
        format!(
            "although the browser holds `{}` for {target} and its Domain, Path, Secure and SameSite would all allow it",
            first.name
        )
    };
    let mut fnd = Finding::new(
        CredentialsModeOmitsCookies,
        format!(
            "This {} from {origin} to {target} carried no Cookie header, {holds}. A cross-origin fetch() defaults to \
             `credentials: \"same-origin\"` (XMLHttpRequest to `withCredentials = false`), so the browser left the \
             cookies out and the API answered {}.",
            ctx.resource.map_or("fetch", crate::signals::ResourceType::api_name),
            ctx.ex.status
        ),
        Fix::new("Send credentials on cross-origin API calls, and let the server accept them.")
            .step("fetch: pass `credentials: 'include'`; axios: `withCredentials: true`; XHR: `xhr.withCredentials = true`.")
            .step("Server: answer with the exact Origin in `Access-Control-Allow-Origin` (not `*`) and `Access-Control-Allow-Credentials: true`.")
            // Capture values enter snippets quoted (issue 8 item 1).
            .snippet("js", format!("fetch({}, {{ credentials: 'include' }})", crate::quote::c_string(&ctx.ex.url)))
            .snippet(
                "express",
                format!("app.use(cors({{ origin: {}, credentials: true }}));", crate::quote::c_string(&origin)),
            ),
    )
    .with("cookies in the jar for this URL", names.join(", "))
    .with("request", format!("{} {}", ctx.ex.method, ctx.ex.url))
    .confidence(75);
    if let Some(i) = super::text::origin_of(ctx, first).1 {
        fnd = fnd.related(i);
    }
    out.push(fnd);
}
