//! Group E (and the send-time halves of A and I): stored cookies a failing request did not carry.
//! Chromium's verdicts (CDP `associatedCookies`) are reported as is; without them the jar's
//! §5.8.3 retrieval says which cookie was left out and by which rule.

use super::text::{others, session_cookie_snippets, with_cookie};
use super::{Facts, auth_failed, is_session_cookie_name};
use crate::catalogue::{FindingId, Severity};
use crate::cookies::jar::{Cookie, Exclusion, SiteContext};
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
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
        out.push(other_partition_reported(ctx));
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
                "`{}` reached {} only because of an exemption ({reason}): it would otherwise be blocked as a \
                 third-party cookie. Users without that exemption (other profiles, other browsers) will be logged out here.",
                a.name, ctx.ex.url
            ),
            Fix::new("Plan for blocked third-party cookies: partitioned cookies, the Storage Access API, or a first-party deployment."),
        )
        .with("cookie", a.name.to_string())
        .with("exemption", reason.to_string())
        .signal(Signal::Reported),
    );
}

/// `cookie-in-other-partition` — CDP `siteHasCookieInOtherPartition` on a failing request.
fn other_partition_reported(ctx: &Ctx<'_, '_>) -> Finding {
    Finding::new(
        CookieInOtherPartition,
        format!(
            "The browser has a cookie for {} but in another top-level partition: partitioned (CHIPS) cookies are keyed \
             by the top-level site, so a login done while embedded elsewhere (or visited directly) is invisible here.",
            ctx.url.as_ref().and_then(|u| u.host_str()).unwrap_or("this site")
        ),
        Fix::new("Authenticate inside this partition.").step(
            "Log in through a popup and hand a token to the iframe with postMessage, or use the Storage Access API.",
        ),
    )
    .signal(Signal::Reported)
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
    // A redirect through another site turned a same-site request cross-site.
    if hits.iter().any(|(id, _)| matches!(id, CookieSamesiteLaxExcluded | CookieSamesiteStrictExcluded)) {
        redirect_downgrade(ctx, out);
    }
}

/// `cookie-cross-site-redirect-downgrade` — 6265bis §5.2: a cross-site hop makes the final request cross-site.
fn redirect_downgrade(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let Some(url) = ctx.url.as_ref() else { return };
    let same_site_start = matches!(ctx.relation, Some(Relation::SameOrigin | Relation::SameSite));
    let hop = ctx.redirect_hops().into_iter().find(|(_, h)| {
        url::Url::parse(&h.url).is_ok_and(|u| matches!(crate::site::relation(&u, url), Relation::CrossSite))
    });
    let (Some((i, h)), true) = (hop, same_site_start) else { return };
    out.push(
        Finding::new(
            CookieCrossSiteRedirectDowngrade,
            format!(
                "The request to {} went through {} on another site. A redirect chain that leaves the site makes the \
                 final request cross-site, so Lax and Strict cookies were withheld.",
                ctx.ex.url, h.url
            ),
            Fix::new("Do not bounce same-site requests through another site, or use `SameSite=None; Secure` for cookies that must survive the chain."),
        )
        .with("cross-site hop", h.url.to_string())
        .related(i),
    );
}

/// `cookie-httponly-unreadable-by-script` — 6265bis §5.8.2/§5.8.3 (`http-only-flag`): script built an
/// empty `Authorization` from a token that lives in an HttpOnly cookie it cannot read.
fn httponly_unreadable_by_script(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some((scheme, cred)) = ctx.auth_scheme_and_credential() else { return };
    let c = cred.trim().to_ascii_lowercase();
    let placeholder = c.is_empty() || matches!(c.as_str(), "undefined" | "null" | "[object object]" | "\"\"" | "none");
    if !placeholder || !scheme.eq_ignore_ascii_case("bearer") {
        return;
    }
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
    if !ctx.is_api_call() || ctx.creds.cookie || !matches!(ctx.ex.status, 401 | 403) {
        return;
    }
    if matches!(ctx.fetch_mode(), Some("navigate" | "no-cors" | "same-origin" | "websocket")) {
        return;
    }
    let cross_origin =
        matches!(ctx.relation, Some(Relation::SameSite | Relation::SchemefulCrossSite | Relation::CrossSite))
            || matches!(ctx.fetch_site(), Some("same-site" | "cross-site"));
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
    let mut fnd = Finding::new(
        CredentialsModeOmitsCookies,
        format!(
            "This {} from {origin} to {target} carried no Cookie header, although the browser holds `{}` for {target} \
             and its Domain, Path, Secure and SameSite would all allow it. A cross-origin fetch() defaults to \
             `credentials: \"same-origin\"` (XMLHttpRequest to `withCredentials = false`), so the browser left the \
             cookies out and the API answered {}.",
            if ctx.ex.resource_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("xhr")) { "XHR" } else { "fetch" },
            first.name,
            ctx.ex.status
        ),
        Fix::new("Send credentials on cross-origin API calls, and let the server accept them.")
            .step("fetch: pass `credentials: 'include'`; axios: `withCredentials: true`; XHR: `xhr.withCredentials = true`.")
            .step("Server: answer with the exact Origin in `Access-Control-Allow-Origin` (not `*`) and `Access-Control-Allow-Credentials: true`.")
            .snippet("js", format!("fetch('{}', {{ credentials: 'include' }})", ctx.ex.url))
            .snippet(
                "express",
                format!("app.use(cors({{ origin: '{origin}', credentials: true }}));"),
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
                "`{name}` is `SameSite=Strict`, and this request to {url} started from {from}, another site. Strict \
                 cookies are withheld from every cross-site request, including clicking a link or returning from an \
                 identity provider, so the first page load looks logged out."
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
                    "`{name}` {what}, and this is {kind} from {from} to {url}. Lax cookies only travel cross-site on \
                     top-level navigations with a safe method such as GET, so the browser withheld it."
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
        OriginBoundCookieMismatch => (
            format!(
                "`{name}` is bound to the scheme or port that set it (origin-bound cookies), and {url} uses another one."
            ),
            Fix::new("Use one origin: put the API behind the app's dev-server proxy, and https everywhere."),
        ),
        CookieAnonymousContext => (
            format!("`{name}` was withheld because the request comes from a credentialless (anonymous) iframe."),
            Fix::new("Do not load authenticated content in `<iframe credentialless>`, or authenticate it with an explicit token."),
        ),
        _ => (format!("`{name}` was not sent to {url}."), Fix::new("See the cookie's attributes.")),
    }
}
