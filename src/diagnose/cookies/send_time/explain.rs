//! The explanation and fix of each send-time finding.

use super::super::text::session_cookie_snippets;
use super::super::{Facts, last_setter_before, redirects_to_login};
use super::cross_site_hop;
use crate::catalogue::FindingId::{self, *};
use crate::cookies::jar::Cookie;
use crate::diagnose::context::Ctx;
use crate::finding::Fix;

/// Explanation and fix of a send-time id for one cookie.
pub(super) fn explain(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    id: FindingId,
    name: &str,
    c: Option<&Cookie>,
) -> (String, Fix) {
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
                "{host} is a different site than the page ({from}), and {}, so `{name}` was not sent to {url}.",
                super::super::text::third_party_block_words(f)
            ),
            if f.tp_blocked_by_etp.is_some() {
                Fix::new("Do not send sign-in traffic through a host Firefox classifies as a tracker.")
                    .step("Serve the login and the API from the page's own site (a first party is never blocked), or use an Authorization-header token.")
                    .step("Inside an embed, the Storage Access API (`await document.requestStorageAccess()` after a click) can grant the classified host its cookies.")
                    .step("If the host is misclassified: Firefox's tracker lists come from Disconnect, which reviews requests to reclassify a domain.")
            } else {
                Fix::new("Do not depend on third-party cookies.")
                    .step("Embedded widget: partitioned cookies (`Partitioned; Secure; SameSite=None`) or the Storage Access API.")
                    .step("Or serve the API from the page's own site, or use an Authorization-header token.")
            },
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
                "`{name}` is `SameSite=None` without `Secure`. {} such a cookie, so the request to {url} went without it.",
                match f.engine {
                    Some(e) if crate::engine::rejects_samesite_none_insecure(ctx.browser()) => format!("{e} refuses to store or send"),
                    Some(e) => format!("{e} keeps it today, but Chromium and Firefox refuse"),
                    None => "Browsers refuse to store or send".to_string(),
                }
            ),
            session_cookie_snippets(Fix::new("Add `Secure` to every `SameSite=None` cookie (https only)."), name, "None", None),
        ),
        SetCookieTooLarge => (
            format!("`{name}` is larger than 4096 bytes (name plus value), so the browser does not send it."),
            Fix::new("Keep a small session id in the cookie and the data on the server."),
        ),
        CookieInOtherPartition => {
            let top = f.top_site.clone().unwrap_or_else(|| from.clone());
            let elsewhere = match c.and_then(|c| c.partition.clone()) {
                Some(p) => format!("under the top-level site {p}"),
                None => format!("while {host} was the top-level site (visited directly)"),
            };
            let why = match (f.tp_partitioned, f.engine) {
                (true, Some(e)) => format!(
                    "{e}'s Total Cookie Protection keeps a separate cookie jar for every top-level site: `{name}` was stored {elsewhere}, and this request to {url} is made from inside {top}, whose jar for {host} does not have it"
                ),
                _ => format!(
                    "`{name}` exists, but partitioned {elsewhere}: partitioned (CHIPS) cookies are keyed by the top-level site, so it is invisible from {top}"
                ),
            };
            (
                format!("{why}. The request went without it."),
                Fix::new("Get access to the unpartitioned cookie, or authenticate inside this partition.")
                    .step("Storage Access API: inside the embedded frame, after a user click, `await document.requestStorageAccess()`; then the frame's requests carry the cookies set first-party.")
                    .step("Or sign in inside the embed (a popup that hands a token to the iframe with postMessage), keeping state per top-level site.")
                    .snippet("js", "button.onclick = async () => { await document.requestStorageAccess(); location.reload(); };"),
            )
        }
        OriginBoundCookieMismatch => {
            let here = ctx.url.as_ref().map(|u| u.origin().ascii_serialization()).unwrap_or_default();
            let setter = last_setter_before(ctx, name)
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
                    if redirects_to_login(ctx) { " and sent the frame to its login page" } else { "" }
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
