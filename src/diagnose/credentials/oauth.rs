//! Group B, OAuth endpoints: the authorization server refused the client, the grant or the
//! redirect URI, so no usable token ever reached the API (RFC 6749 §5.2 error responses).

use super::facts::Facts;
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::scheme::Scheme;

/// Whether `path` names an OAuth token endpoint (`/token`, `/oauth/token`, `/oauth2/v2.0/token`,
/// `/connect/token`, `/protocol/openid-connect/token`).
fn is_token_endpoint(ctx: &Ctx<'_, '_>) -> bool {
    if !ctx.ex.method.eq_ignore_ascii_case("POST") {
        return false;
    }
    let path_token = ctx.url.as_ref().is_some_and(|u| {
        let p = u.path().trim_end_matches('/').to_ascii_lowercase();
        p.ends_with("/token") || p.ends_with("/access_token") || p.ends_with("/oauth2/token")
    });
    let body_grant = ctx.ex.request_body.as_deref().is_some_and(|b| b.contains("grant_type="));
    path_token || body_grant
}

/// The OAuth error object of a JSON body (`{"error": "...", "error_description": "..."}`, RFC 6749 §5.2).
fn oauth_error(body: Option<&str>) -> Option<(String, Option<String>)> {
    let b = body?.trim_start();
    if !b.starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(b).ok()?;
    let err = v.get("error")?.as_str()?.to_string();
    let desc = v.get("error_description").and_then(|d| d.as_str()).map(str::to_string);
    Some((err, desc))
}

/// `oauth-invalid-client` — RFC 6749 §2.3.1, §5.2 (`invalid_client`).
pub fn oauth_invalid_client(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 400 | 401) || !is_token_endpoint(ctx) {
        return;
    }
    let json = oauth_error(ctx.ex.response_body.as_deref());
    let aad = f.body_has(&["aadsts7000215", "aadsts700016", "aadsts7000218"]);
    let coded = json.as_ref().is_some_and(|(e, _)| e == "invalid_client");
    if !coded && aad.is_none() {
        return;
    }
    let desc = json.as_ref().and_then(|(_, d)| d.clone());
    let secret_in = if f.cred.is_some_and(|c| c.kind == Some(Scheme::Basic)) {
        "in the Authorization header (client_secret_basic)"
    } else if ctx.ex.request_body.as_deref().is_some_and(|b| b.contains("client_secret=")) {
        "in the form body (client_secret_post)"
    } else {
        "not at all (a public client)"
    };
    let mut explanation = format!(
        "The token endpoint refused to authenticate the client (invalid_client). The client secret was sent \
         {secret_in}. Usual causes: a wrong client_id or secret, the secret sent in the body while the client is \
         registered for Basic (or the reverse), a secret not form-URL-encoded before Basic encoding, or a browser app \
         registered as a confidential client."
    );
    if desc.is_some() {
        explanation.push_str(" What the server said is quoted under Evidence.");
    }
    let fix = Fix::new("Make the client authentication match the registration.")
        .step("Check token_endpoint_auth_method in the client registration and send the secret that way.")
        .step("For Basic, form-URL-encode client_id and secret before base64.")
        .step("A single-page app cannot keep a secret: register it as a public client and use PKCE.")
        .snippet("js", "const basic = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`);");
    let mut finding = Finding::new(FindingId::OauthInvalidClient, explanation, fix)
        .source("RFC 6749 §2.3.1 and §5.2 (invalid_client); RFC 7636")
        .signal(Signal::Reported)
        .with("Token endpoint", ctx.ex.url.to_string());
    if let Some(code) = aad {
        finding = finding.with("Entra ID code", code.to_ascii_uppercase());
    }
    if let Some(d) = desc {
        finding = finding.with(super::rejected::SERVER_SAID, d);
    }
    out.push(finding);
}

/// `oauth-invalid-grant` — RFC 6749 §4.1.3, §5.2 (`invalid_grant`); RFC 7636 §4.6.
pub fn oauth_invalid_grant(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 400 | 401) || !is_token_endpoint(ctx) {
        return;
    }
    let Some((err, desc)) = oauth_error(ctx.ex.response_body.as_deref()) else { return };
    if err != "invalid_grant" {
        return;
    }
    let body = ctx.ex.request_body.as_deref().unwrap_or("");
    let grant = body.split('&').find_map(|kv| kv.strip_prefix("grant_type=")).unwrap_or("unknown").replace("%3A", ":");
    let cause = match grant.as_str() {
        "refresh_token" => {
            "The refresh token expired, was revoked, or was already used (rotation: a parallel refresh may have consumed it)."
        }
        "authorization_code" => {
            "The authorization code expired or was already used, the redirect_uri differs from the one in the authorization request, or the PKCE code_verifier does not match the code_challenge."
        }
        _ => "The grant (code, refresh token or credentials) is invalid, expired or revoked.",
    };
    let mut explanation = format!("The token endpoint rejected the grant (invalid_grant, grant_type={grant}). {cause}");
    if desc.is_some() {
        explanation.push_str(" What the server said is quoted under Evidence.");
    }
    let fix = Fix::new("Restart the login flow, and keep the flow's values consistent.")
        .step("Send the identical redirect_uri in the authorization and token requests.")
        .step("Send the code_verifier that matches the code_challenge of this flow; use each code once.")
        .step("Refresh tokens: run one refresh at a time (single-flight) and store the rotated token before reuse.")
        .snippet("js", "let refreshing;\nfunction refreshOnce() { return refreshing ??= doRefresh().finally(() => (refreshing = undefined)); }");
    let mut finding = Finding::new(FindingId::OauthInvalidGrant, explanation, fix)
        .source("RFC 6749 §4.1.3 and §5.2 (invalid_grant); RFC 7636 §4.6")
        .signal(Signal::Reported)
        .with("Token endpoint", ctx.ex.url.to_string())
        .with("grant_type", grant);
    if let Some(d) = desc {
        finding = finding.with(super::rejected::SERVER_SAID, d);
    }
    out.push(finding);
}

/// `oauth-redirect-uri-mismatch` — RFC 6749 §3.1.2, §4.1.2.1; RFC 9700 §2.1 (exact matching).
pub fn oauth_redirect_uri_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(u) = &ctx.url else { return };
    let param = |u: &url::Url| u.query_pairs().find(|(k, _)| k == "redirect_uri").map(|(_, v)| v.into_owned());
    let authorize_path = |u: &url::Url| {
        let p = u.path().to_ascii_lowercase();
        p.contains("authorize") || p.ends_with("/auth") || p.contains("/oauth")
    };
    // The IdP may first redirect to its own error page (Google: /signin/oauth/error): the
    // redirect_uri is then on the first hop.
    let hops = ctx.redirect_hops();
    let from_hop = hops
        .iter()
        .find_map(|(_, e)| url::Url::parse(&e.url).ok().filter(|h| authorize_path(h)).and_then(|h| param(&h)));
    let redirect_uri = param(u).filter(|_| authorize_path(u)).or(from_hop);
    let body_sig = f.body_has(&[
        "redirect_uri_mismatch",
        "aadsts50011",
        "invalid redirect_uri",
        "invalid_redirect_uri",
        "redirect uri mismatch",
        "redirect_uri is not",
        "invalid parameter: redirect_uri",
    ]);
    let location = ctx.ex.response_headers.get("location").unwrap_or("");
    let loc_lc = location.to_ascii_lowercase();
    let loc_sig = (300..400).contains(&f.status)
        && (loc_lc.contains("error=redirect_uri_mismatch") || loc_lc.contains("aadsts50011"));
    // Some servers do redirect back: the app's callback then arrives with the error in its query.
    let callback_sig = u.query_pairs().any(|(k, v)| {
        (k == "error" && v.eq_ignore_ascii_case("redirect_uri_mismatch"))
            || (k == "error_description" && v.to_ascii_lowercase().contains("aadsts50011"))
    });
    let loc_sig = loc_sig || callback_sig;
    let page_400 = f.status == 400 && f.is_html() && body_mentions_redirect(f) && redirect_uri.is_some();
    // Without the redirect_uri on the request, only an explicit error code is evidence enough.
    let strong = body_sig.is_some_and(|s| s == "redirect_uri_mismatch" || s == "aadsts50011") || loc_sig;
    if !(strong || (redirect_uri.is_some() && (body_sig.is_some() || page_400))) {
        return;
    }
    let sent = redirect_uri.as_deref().map(|r| format!(" \"{r}\"")).unwrap_or_default();
    let explanation = format!(
        "The authorization server rejected the login request before any token existed: the redirect_uri{sent} is not \
         registered exactly. Servers compare the whole string, so http vs https, a trailing slash, a port, letter \
         case or www all count. Without a token, the app's API calls then fail with 401."
    );
    let fix = Fix::new("Register the exact redirect URI the app sends, or make the app send the registered one.")
        .step(format!(
            "Add exactly{sent} to the client's redirect URIs (Google Cloud console, Entra app registration, Auth0/Okta/Keycloak client)."
        ))
        .step("Build the redirect URI from configuration, not from window.location (which may differ in scheme, port or path).");
    let mut finding = Finding::new(FindingId::OauthRedirectUriMismatch, explanation, fix)
        .source("RFC 6749 §3.1.2 and §4.1.2.1; RFC 9700 §2.1 (exact string matching)")
        .with("Authorization server page", format!("{}://{}{}", u.scheme(), u.host_str().unwrap_or(""), u.path()));
    if let Some(r) = redirect_uri {
        finding = finding.with("redirect_uri sent", r);
    }
    if let Some(s) = body_sig {
        finding = finding.with("Server message", s.to_string());
    }
    for (i, _) in hops {
        finding = finding.related(i);
    }
    out.push(finding);
}

fn body_mentions_redirect(f: &Facts<'_>) -> bool {
    f.body_has(&["redirect_uri", "redirect uri", "reply url"]).is_some()
}
