//! The explanation and fix of each set-time finding.

use super::super::Facts;
use super::super::facts::SetLine;
use super::super::text::{prefix_rule_words, redact_line, session_cookie_snippets};
use super::{host, syntax_fix, too_large_fix};
use crate::catalogue::FindingId::{self, *};
use crate::cookies::jar::Rejection;
use crate::diagnose::context::Ctx;
use crate::finding::Fix;
use crate::headers::set_cookie::{CookiePrefix, SameSite, SetCookie};

/// Explanation and fix of a set-time id for this line.
pub(super) fn explain(
    id: FindingId,
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: Option<&SetCookie>,
    r: Option<&Rejection>,
) -> (String, Fix) {
    let name = l.name();
    let url = &ctx.ex.url;
    let host = host(f);
    let line = redact_line(l.raw);
    match id {
        SetCookieSamesiteNoneInsecure => (
            format!(
                "The response to {url} sets `{name}` with `SameSite=None` but without `Secure`. A cookie that may travel \
                 cross-site must be Secure (RFC 6265bis), {} (`{line}`).",
                none_insecure_verdict(ctx, f)
            ),
            session_cookie_snippets(
                Fix::new("Add `Secure` to every `SameSite=None` cookie and serve it over https.")
                    .step("Add the `Secure` attribute (the response must come over https).")
                    .step("If the cookie does not need to travel cross-site, use `SameSite=Lax` instead."),
                &name,
                "None",
                None,
            ),
        ),
        SetCookieSamesiteBlockedCrossSite => {
            let ss = c.map(|c| c.same_site).unwrap_or_default();
            let how = if ss == SameSite::Default {
                "has no valid SameSite attribute, which Chromium treats as Lax".to_string()
            } else {
                format!("is `SameSite={}`", ss.as_str())
            };
            let page = ctx.page.as_ref().or(ctx.initiator.as_ref()).map(|u| u.origin().ascii_serialization());
            (
                format!(
                    "`{name}` {how}, and it arrived on a cross-site request from {} to {host} that is not a top-level \
                     navigation. Such cookies can only be set by same-site responses, so the browser dropped it and \
                     the session was never created.",
                    page.unwrap_or_else(|| "another site".into())
                ),
                session_cookie_snippets(
                    Fix::new("Serve the API from the app's site, or mark the cookie `SameSite=None; Secure`.")
                        .step("Best: host the API on the same site as the app (for example api.example.com for app.example.com).")
                        .step("Or set the cookie during a top-level navigation to the API origin.")
                        .step("If it must be set and sent cross-site: `SameSite=None; Secure` (and `Partitioned` inside iframes), with CSRF protection."),
                    &name,
                    "None",
                    None,
                ),
            )
        }
        SetCookieThirdPartyBlocked => (
            format!(
                "{host} is a third party on this page, and {}, so `{name}` was not stored. The same flow may work in \
                 another profile or browser.",
                super::super::text::third_party_block_words(f)
            ),
            Fix::new("Do not depend on third-party cookies for this login.")
                .step("Embedded widget: use partitioned cookies (`Partitioned; Secure; SameSite=None`).")
                .step("Or ask for access with the Storage Access API (`await document.requestStorageAccess()` after a click).")
                .step("Or serve the API from the page's own site (reverse proxy), or use an Authorization-header token.")
                .snippet("http", format!("Set-Cookie: __Host-{name}=<value>; Path=/; Secure; HttpOnly; SameSite=None; Partitioned")),
        ),
        SetCookieSyntaxError => (
            format!("The Set-Cookie line for `{name}` in the response to {url} cannot be parsed, so the browser ignored it (`{line}`)."),
            syntax_fix(),
        ),
        SetCookieTooLarge => (
            format!(
                "Cookie `{name}` set by {url} is larger than 4096 bytes (name plus value{}), so browsers ignore it.",
                c.map(|c| format!(": {} bytes", c.size())).unwrap_or_default()
            ),
            too_large_fix(),
        ),
        SetCookieInvalidDomain => {
            let dom = c.and_then(|c| c.domain_raw.clone()).unwrap_or_default();
            let why = match r {
                Some(Rejection::DomainPublicSuffix) => format!(
                    "`Domain={dom}` is a public suffix: no site may set cookies for all of it (for example every \
                     *.vercel.app or *.co.uk site)"
                ),
                Some(Rejection::DomainNonAscii) => format!("`Domain={dom}` has non-ASCII characters"),
                _ => format!("`Domain={dom}` does not cover the responding host {host}"),
            };
            (
                format!("The response to {url} sets `{name}`, but {why}. The browser refused the cookie."),
                Fix::new("Use a Domain that is the responding host or one of its parents, or omit Domain.")
                    .step(format!("Omit `Domain` (the cookie stays on {host}), or use a parent domain of {host} that you own."))
                    .step("To share a session between subdomains, put them under one registrable domain you control.")
                    .snippet("http", format!("Set-Cookie: {name}=<value>; Path=/; Secure; HttpOnly; SameSite=Lax")),
            )
        }
        SetCookieInvalidPrefix => {
            let p = c.and_then(SetCookie::prefix).or_else(|| CookiePrefix::of(&name)).unwrap_or(CookiePrefix::Host);
            let rule = match r {
                Some(Rejection::InvalidPrefix(_, rule)) => prefix_rule_words(*rule),
                _ => "its prefix rules",
            };
            (
                format!(
                    "`{name}` starts with `{}`, which promises how the cookie was set; this one breaks that promise \
                     ({rule}), so the browser refused it.",
                    p.as_str()
                ),
                Fix::new(format!("Set `{}` cookies exactly as the prefix requires.", p.as_str()))
                    .step("Serve the response over https and add `Secure`.")
                    .step("For `__Host-`: no `Domain` attribute and `Path=/`. For `__Http-`/`__Host-Http-`: also `HttpOnly`.")
                    .snippet("http", format!("Set-Cookie: {name}=<value>; Path=/; Secure; HttpOnly; SameSite=Lax")),
            )
        }
        SetCookiePartitionedWithoutSecure => (
            format!(
                "`{name}` is `Partitioned` but not `Secure`. Partitioned (CHIPS) cookies must be Secure and set over \
                 https; Chromium drops this one silently (DevTools does not list it as blocked)."
            ),
            Fix::new("Add `Secure` (and serve over https) to partitioned cookies.").snippet(
                "http",
                format!("Set-Cookie: __Host-{name}=<value>; Path=/; Secure; HttpOnly; SameSite=None; Partitioned"),
            ),
        ),
        SecureCookieInsecureOrigin => (
            format!(
                "`{name}` is `Secure`, but it was set by the plain-http response of {url}. Secure cookies are only \
                 accepted from secure origins (https, or localhost), so the login cookie was discarded."
            ),
            Fix::new("Serve the login and the app over https.")
                .step("Redirect http to https (and send HSTS).")
                .step("For local development use http://localhost, which browsers treat as secure, not a LAN IP or a custom host name."),
        ),
        SchemefulSameSite => (
            format!(
                "`{name}` could not be set because the request crossed from http to https (or back) within the same \
                 domain. Browsers count the scheme as part of the site, so http://{host} and https://{host} are \
                 cross-site, and SameSite Lax/Strict cookies are refused."
            ),
            Fix::new("Serve every part of the app over https.").step("Redirect http to https and send HSTS."),
        ),
        OverwriteSecureCookie => (
            format!(
                "The plain-http response of {url} tried to replace `{name}`, which already exists as a Secure cookie. \
                 Browsers leave Secure cookies alone on non-secure responses, so the change was ignored."
            ),
            Fix::new("Use https for every authentication endpoint (login and logout).").step("Redirect http to https and send HSTS."),
        ),
        SetCookieSchemeNotSupported => {
            let scheme = f.url.scheme();
            (
                format!(
                    "The response to {url} sets `{name}`, but the browser cannot store cookies for `{scheme}:` URLs: \
                     only http, https, ws and wss carry cookies. The cookie was dropped, so the login leaves no session."
                ),
                Fix::new("Serve the app and its API over http(s).")
                    .step("For local development use http://localhost (a secure context), not a file: or custom-scheme URL.")
                    .step("Desktop or hybrid shells (Electron, Capacitor, WebView) that serve their UI from a custom scheme: call the API at its https URL, or keep the session in an Authorization header instead of a cookie."),
            )
        }
        _ => (format!("Cookie `{name}` from {url} was not stored."), Fix::new("See the Set-Cookie line.")),
    }
}

/// Who refused a `SameSite=None` cookie without `Secure`, in the capturing engine's terms.
fn none_insecure_verdict(ctx: &Ctx<'_, '_>, f: &Facts<'_>) -> String {
    match f.engine {
        _ if !crate::engine::rejects_samesite_none_insecure(ctx.browser()) => format!(
            "which Chromium and Firefox enforce by refusing the cookie; {} still stores it, so the flow works here \
             and fails there",
            f.engine.unwrap_or("this browser")
        ),
        Some(e) => format!("so {e} refused it ({} does too)", if e == "Firefox" { "Chromium" } else { "Firefox" }),
        None => "so the browser refused it".to_string(),
    }
}
