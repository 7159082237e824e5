//! Group E (and the send-time halves of A and I): stored cookies a failing request did not carry.
//! Chromium's verdicts (CDP `associatedCookies`) are reported as is; without them the jar's
//! §5.8.3 retrieval says which cookie was left out and by which rule.

use super::text::{others, session_cookie_snippets, with_cookie};
use super::{Facts, auth_failed, is_session_cookie_name};
use crate::catalogue::{FindingId, Severity};
use crate::cookies::jar::{Cookie, Exclusion, SiteContext};
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::scheme::Scheme;
use crate::signals::{FetchMode, FetchSite};
use crate::site::Relation;
use FindingId::*;

/// Runs the send-time rules.
pub fn check(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
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
pub fn reported_id(reason: &str) -> Option<FindingId> {
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
pub fn exclusion_id(e: Exclusion) -> Option<FindingId> {
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
            let stored = f.jar.cookies().iter().find(|c| c.name == a.name);
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
                    if let Some(i) = super::last_setter_before(ctx, &a.name) {
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
    let other = f
        .jar
        .cookies()
        .iter()
        .find(|c| c.partition.as_ref().is_some_and(|p| Some(p) != f.top_site.as_ref()) && f.related(c));
    let mut fnd = Finding::new(
        CookieInOtherPartition,
        format!(
            "The browser holds a cookie for {host}, but in another top-level partition{}. Partitioned (CHIPS) cookies \
             are keyed by the top-level site, so a login done while {host} was embedded in another site (or visited \
             directly) is invisible while it is embedded in {}.",
            other.and_then(|c| c.partition.as_ref()).map(|p| format!(" (`{}` is stored under {p})", other.map(|c| c.name.as_str()).unwrap_or(""))).unwrap_or_default(),
            top.as_deref().unwrap_or("this page")
        ),
        Fix::new("Authenticate inside this partition.")
            .step("Log in through a popup and hand a token to the iframe with postMessage, or use the Storage Access API (`document.requestStorageAccess()` after a user gesture).")
            .step("Design per-partition state: each embedding site gets its own session."),
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
/// carry a cookie of that name anyway, and it is the session (or no session cookie went at all).
fn relevant(f: &Facts<'_>, c: &Cookie) -> bool {
    if !f.related(c) || f.was_sent(&c.name) {
        return false;
    }
    is_session_cookie_name(&c.name) || !f.sent.iter().any(|p| is_session_cookie_name(p.name))
}

/// The jar's §5.8.3 verdicts (signal Inferred), one finding per id, session cookies first.
fn inferred(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let rctx = f.context(&ctx.ex.method);
    let r = f.jar.retrieve(&rctx);
    let mut hits: Vec<(FindingId, &Cookie)> = Vec::new();
    for (c, e) in &r.excluded {
        if !relevant(f, c) {
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
        if *id == SetCookieSamesiteNoneInsecure && ctx.browser() != crate::model::Browser::Chromium {
            fnd = fnd.severity(Severity::Warn).signal(Signal::Predictive);
        }
        out.push(fnd);
    }
    redirect_downgrade(ctx, out);
}

/// The first redirect hop on another site than this request's URL, when the chain started on
/// this request's own site (6265bis §5.2: such a hop makes the final request cross-site).
fn cross_site_hop<'c, 'a>(ctx: &Ctx<'c, 'a>) -> Option<(usize, &'c crate::model::Exchange<'a>)> {
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
    let tokenish = |x: &Cookie| {
        let n = x.name.to_ascii_lowercase();
        x.http_only && (n.contains("token") || n.contains("jwt") || n.contains("access") || x.value.starts_with("eyJ"))
    };
    let Some(cookie) = f.jar.cookies().iter().find(|x| tokenish(x) && f.related(x)) else { return };
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

/// Explanation and fix of a send-time id for one cookie.
fn explain(ctx: &Ctx<'_, '_>, f: &Facts<'_>, id: FindingId, name: &str, c: Option<&Cookie>) -> (String, Fix) {
    let url = &ctx.ex.url;
    let host = f.url.host_str().unwrap_or("");
    let path = f.url.path();
    let from = ctx
        .page
        .as_ref()
        .filter(|_| !f.nav)
        .or(ctx.initiator.as_ref())
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|| "another site".to_string());
    // A same-site request made cross-site by its redirect chain: say so instead of "another site".
    let via = cross_site_hop(ctx)
        .and_then(|(_, h)| url::Url::parse(&h.url).ok())
        .map(|hop| hop.origin().ascii_serialization());
    match id {
        CookieNotOnPath => {
            let cp = c.map(|c| c.path.clone()).unwrap_or_else(|| "(narrower path)".into());
            (
                format!(
                    "`{name}` exists but its `Path={cp}` does not cover `{path}`, so the browser did not send it to {url}. \
                     A path only matches itself and its sub-paths at a `/` boundary; without a Path attribute the \
                     cookie gets the directory of the URL that set it."
                ),
                session_cookie_snippets(
                    Fix::new("Set the session cookie with `Path=/`.").step("Re-issue the cookie with `Path=/` (and delete the old narrow copy with `Max-Age=0` and its old Path)."),
                    name,
                    "Lax",
                    None,
                ),
            )
        }
        CookieDomainMismatch => {
            let (d, ho) = c.map(|c| (c.domain.clone(), c.host_only)).unwrap_or_default();
            let parent = crate::site::registrable_domain(host).unwrap_or_else(|| host.to_string());
            let why = if ho {
                format!("is host-only for {d} (it was set without a Domain attribute), so it only goes back to {d}, not to {host}")
            } else {
                format!("has `Domain={d}`, which does not cover {host}")
            };
            (
                format!("`{name}` {why}. The request to {url} therefore went without it."),
                session_cookie_snippets(
                    Fix::new(format!("Set `Domain={parent}` on the session cookie if it must reach sibling subdomains."))
                        .step("Widening the domain exposes the cookie to every subdomain; keep it host-only if the API can live on the same host.")
                        .step(format!("Laravel: SESSION_DOMAIN=.{parent}; Rails: `domain: :all` or \"{parent}\".")),
                    name,
                    "Lax",
                    Some(&parent),
                ),
            )
        }
        CookieSamesiteStrictExcluded => (
            format!(
                "`{name}` is `SameSite=Strict`, and this request to {url} started from {from}{}. Strict \
                 cookies are withheld from every cross-site request, including clicking a link or returning from an \
                 identity provider, so the first page load looks logged out.",
                via.as_ref().map(|o| format!(" but was redirected through {o}")).unwrap_or_else(|| ", another site".into())
            ),
            session_cookie_snippets(
                Fix::new("Use `SameSite=Lax` for the session cookie; keep Strict for a separate cookie that guards state-changing actions.")
                    .step("Lax still blocks cross-site subresource requests and cross-site POSTs."),
                name,
                "Lax",
                None,
            ),
        ),
        CookieSamesiteLaxExcluded => {
            let default = c.is_some_and(|c| c.same_site == crate::headers::set_cookie::SameSite::Default);
            let what = if default { "has no SameSite attribute, which Chromium treats as Lax" } else { "is `SameSite=Lax`" };
            let kind = if f.nav { format!("a cross-site {} navigation", ctx.ex.method) } else { "a cross-site subresource request (fetch, XHR, iframe or image)".to_string() };
            (
                format!(
                    "`{name}` {what}, and this is {kind} from {from}{} to {url}. Lax cookies only travel cross-site \
                     on top-level navigations with a safe method such as GET, so the browser withheld it.",
                    via.as_ref().map(|o| format!(" (redirected through {o})")).unwrap_or_default()
                ),
                session_cookie_snippets(
                    Fix::new("Serve the API from the app's site, or mark the cookie `SameSite=None; Secure`.")
                        .step("Best: host the API on the same site as the app (for example api.example.com beside app.example.com).")
                        .step("If the cookie must go cross-site: `SameSite=None; Secure` plus CSRF protection."),
                    name,
                    "None",
                    None,
                ),
            )
        }
        CookieLaxAllowUnsafeExpired => {
            let age = c.map(|c| f.now_ms.unwrap_or(0).saturating_sub(c.creation_ms) / 1000);
            (
                format!(
                    "This cross-site top-level POST to {url} (an SSO form_post or SAML callback) arrived without `{name}`, \
                     which has no SameSite attribute. Chromium sends such cookies on cross-site POSTs only during their \
                     first 2 minutes{}; after that the state/nonce cookie is withheld and the callback fails.",
                    age.filter(|a| *a > 0)
                        .map(|a| format!(" (this one was {} old)", crate::headers::date::format_duration(a)))
                        .unwrap_or_default()
                ),
                session_cookie_snippets(
                    Fix::new("Set transient login cookies (state, nonce, correlation) with `SameSite=None; Secure`, or use GET callbacks.")
                        .step("OIDC: use `response_mode=query` instead of `form_post` where possible.")
                        .step("ASP.NET Core: `options.CorrelationCookie.SameSite = SameSiteMode.None` and `options.NonceCookie.SameSite = SameSiteMode.None`."),
                    name,
                    "None",
                    None,
                ),
            )
        }
        CookieThirdPartyBlocked => (
            format!(
                "{host} is a different site than the page ({from}), and third-party cookies are blocked in this browser \
                 profile, so `{name}` was not sent to {url}."
            ),
            Fix::new("Do not depend on third-party cookies.")
                .step("Embedded widget: partitioned cookies (`Partitioned; Secure; SameSite=None`) or the Storage Access API.")
                .step("Or serve the API from the page's own site, or use an Authorization-header token."),
        ),
        SecureCookieInsecureOrigin => (
            format!(
                "`{name}` is `Secure`, and this request goes to {url} over plain http. Secure cookies are only sent \
                 over https (or to localhost), so the session did not go with it."
            ),
            Fix::new("Use https for the app and the API.")
                .step("Redirect http to https and send HSTS.")
                .step("For local development use http://localhost, not a LAN IP or a custom host name."),
        ),
        SchemefulSameSite => (
            format!(
                "`{name}` was withheld because {from} and {url} differ only in scheme (http vs https). Browsers count \
                 the scheme as part of the site, so the request is cross-site and Lax/Strict cookies stay behind."
            ),
            Fix::new("Serve every part of the app over https.").step("Redirect http to https and send HSTS."),
        ),
        SetCookieSamesiteNoneInsecure => (
            format!(
                "`{name}` is `SameSite=None` without `Secure`. Browsers refuse to send such a cookie, so the request to \
                 {url} went without it."
            ),
            session_cookie_snippets(Fix::new("Add `Secure` to every `SameSite=None` cookie (https only)."), name, "None", None),
        ),
        SetCookieTooLarge => (
            format!("`{name}` is larger than 4096 bytes (name plus value), so the browser does not send it."),
            Fix::new("Keep a small session id in the cookie and the data on the server."),
        ),
        CookieInOtherPartition => (
            format!(
                "`{name}` exists, but partitioned under another top-level site ({}), so it is invisible from this page.",
                c.and_then(|c| c.partition.clone()).unwrap_or_default()
            ),
            Fix::new("Authenticate inside this partition (popup + postMessage, or the Storage Access API)."),
        ),
        OriginBoundCookieMismatch => {
            let here = ctx.url.as_ref().map(|u| u.origin().ascii_serialization()).unwrap_or_default();
            let setter = super::last_setter_before(ctx, name)
                .and_then(|i| ctx.capture.exchanges.get(i))
                .and_then(|e| url::Url::parse(&e.url).ok())
                .map(|u| u.origin().ascii_serialization());
            (
                format!(
                    "`{name}` is bound to the origin that set it{}: with origin-bound cookies, Chromium sends a cookie \
                     back only to the same scheme and port. This request goes to {here}, so the cookie stayed behind. \
                     A typical case is a session created on the dev server's port (localhost:3000) and an API on \
                     another port (localhost:8080), or a cookie set over http and read over https.",
                    setter.map(|o| format!(" ({o})")).unwrap_or_default()
                ),
                Fix::new("Serve the app and the API from one origin, and use https everywhere.")
                    .step("Development: proxy the API through the dev server so the page and the API share scheme, host and port.")
                    .step("If only the port differs, a `Domain` attribute relaxes the port binding (not the scheme binding).")
                    .snippet("js", "// vite.config.js\nexport default { server: { proxy: { '/api': 'http://localhost:8080' } } };"),
            )
        }
        CookieAnonymousContext => {
            let page = ctx.page.as_ref().map(|u| u.origin().ascii_serialization()).unwrap_or_else(|| "the page".into());
            (
                format!(
                    "`{name}` was withheld because this request comes from a credentialless (anonymous) iframe on \
                     {page}. Such a frame starts with its own empty, temporary cookie jar and never sees the browser's \
                     normal cookies, so {host} received no session{}.",
                    if super::redirects_to_login(ctx) { " and sent the frame to its login page" } else { "" }
                ),
                Fix::new("Do not load authenticated content in `<iframe credentialless>`.")
                    .step("Remove the `credentialless` attribute and make the embedded site send `Cross-Origin-Resource-Policy: cross-origin` (or COEP-compatible headers) instead.")
                    .step("Or authenticate the embedded content explicitly (a token passed with postMessage, sent in an Authorization header).")
                    .snippet("html", format!("<iframe src=\"{url}\"></iframe> <!-- without credentialless -->")),
            )
        }
        _ => (format!("`{name}` was not sent to {url}."), Fix::new("See the cookie's attributes.")),
    }
}

#[cfg(test)]
mod tests {
    use crate::catalogue::FindingId::{self, *};
    use crate::correlate::Correlation;
    use crate::diagnose::diagnose_entry;
    use crate::model::{AssociatedCookie, Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    fn nav(url: &'static str, status: u16, location: Option<&'static str>) -> Exchange<'static> {
        let mut res = vec![];
        if let Some(l) = location {
            res.push(Header::new("Location", l));
        }
        Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed(url),
            status,
            response_headers: Headers(res),
            redirect_url: location.map(Cow::Borrowed),
            started_ms: Some(1_790_000_000_000.0),
            initiator: Some(Cow::Borrowed("https://app.example.com/home")),
            resource_type: Some(Cow::Borrowed("document")),
            ..Default::default()
        }
    }

    fn blocked(reason: &str, exemption: Option<&'static str>) -> Vec<AssociatedCookie<'static>> {
        vec![AssociatedCookie {
            name: Cow::Borrowed("sid"),
            blocked_reasons: if reason.is_empty() { vec![] } else { vec![reason.to_string()] },
            exemption_reason: exemption.map(Cow::Borrowed),
        }]
    }

    fn ids(exchanges: Vec<Exchange<'static>>, i: usize) -> Vec<FindingId> {
        let cap = Capture { exchanges, ..Default::default() };
        let corr = Correlation::build(&cap);
        diagnose_entry(&cap, &corr, i).iter().map(|f| f.id).collect()
    }

    /// A → B → A: the final hop, with Chromium's verdict on `sid`.
    fn bounce(via: &'static str, reason: &str) -> Vec<Exchange<'static>> {
        let back = "https://app.example.com/reports?sso=1";
        let mut last = nav(back, 302, Some("https://app.example.com/login"));
        last.associated_cookies = blocked(reason, None);
        vec![nav("https://app.example.com/reports", 302, Some(via)), nav(via, 302, Some(back)), last]
    }

    #[test]
    fn redirect_downgrade_table() {
        let cases: &[(&str, &'static str, &str, bool)] = &[
            ("strict lost after an IdP hop", "https://login.idp.test/authorize", "SameSiteStrict", true),
            ("lax lost after an IdP hop", "https://login.idp.test/authorize", "SameSiteLax", true),
            ("same-site hop", "https://login.example.com/authorize", "SameSiteStrict", false),
            ("cookie not blocked", "https://login.idp.test/authorize", "", false),
            ("blocked for another reason", "https://login.idp.test/authorize", "NotOnPath", false),
        ];
        for (name, via, reason, want) in cases {
            let got = ids(bounce(via, reason), 2);
            assert_eq!(got.contains(&CookieCrossSiteRedirectDowngrade), *want, "{name}: {got:?}");
            if *want {
                assert_eq!(
                    got.first(),
                    Some(&CookieCrossSiteRedirectDowngrade),
                    "{name}: ranks ahead of the exclusion"
                );
            }
        }
    }

    #[test]
    fn exemption_and_anonymous_context() {
        let mut ok = nav("https://widget.test/api", 200, None);
        ok.resource_type = Some(Cow::Borrowed("fetch"));
        let with = |a: Vec<AssociatedCookie<'static>>, status: u16| {
            let mut e = ok.clone();
            e.associated_cookies = a;
            e.status = status;
            e
        };
        let cases: Vec<(&str, Exchange<'static>, FindingId, bool)> = vec![
            ("storage access grant", with(blocked("", Some("StorageAccess")), 200), CookieExemptionInEffect, true),
            ("removed TPCD value", with(blocked("", Some("TPCDHeuristics")), 200), CookieExemptionInEffect, true),
            ("no exemption", with(blocked("", Some("None")), 200), CookieExemptionInEffect, false),
            (
                "exempt but blocked anyway",
                with(blocked("UserPreferences", Some("UserSetting")), 401),
                CookieExemptionInEffect,
                false,
            ),
            ("credentialless iframe", with(blocked("AnonymousContext", None), 401), CookieAnonymousContext, true),
            ("normal iframe", with(blocked("", None), 401), CookieAnonymousContext, false),
        ];
        for (name, e, id, want) in cases {
            assert_eq!(crate::diagnose::is_candidate(&e), want || e.status >= 400, "{name}: candidate");
            assert_eq!(ids(vec![e], 0).contains(&id), want, "{name}");
        }
    }
}
