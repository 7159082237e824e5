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
    crate::signals::is_token_request(ctx.ex)
}

/// A refresh (`grant_type=refresh_token`) answered 400 whose body the capture lacks (browser
/// extensions never see response bodies): RFC 6749 §5.2 makes `invalid_grant` the refusal of a
/// refresh token that expired, was revoked or was already used, by far the likeliest; said at
/// `warn`, with what would confirm it.
fn unread_refresh_refusal(ex: &crate::model::Exchange<'_>) -> Option<Finding> {
    if !is_unread_refresh_refusal(ex) {
        return None;
    }
    let explanation = "The token endpoint refused a refresh (grant_type=refresh_token) with 400. The reason is in \
         the response body, which browser extensions cannot read; for a refresh it is almost always invalid_grant: the \
         refresh token expired, was revoked, or was already used (rotation). The AuthLens DevTools panel, or a HAR \
         export, shows the body and would confirm it.";
    let fix = Fix::new("When a refresh is refused, send the user through the login again; make refresh single-flight.")
        .step("Store the rotated refresh token from every successful refresh before using it again.")
        .step("Run one refresh at a time, shared by every caller and tab (a Web Lock or a shared promise).");
    Some(
        Finding::new(FindingId::OauthInvalidGrant, explanation, fix)
            .title("A token refresh was refused (most likely invalid_grant)")
            .source("RFC 6749 §5.2 (invalid_grant), §6 (refreshing an access token)")
            .severity(crate::catalogue::Severity::Warn)
            .confidence(45)
            .with("Token endpoint", ex.url.to_string())
            .with("grant_type", "refresh_token"),
    )
}

/// Whether `ex` is a refresh (`grant_type=refresh_token`) answered 400 whose body the capture lacks.
fn is_unread_refresh_refusal(ex: &crate::model::Exchange<'_>) -> bool {
    ex.status == 400
        && ex.response_body.is_none()
        && crate::signals::is_token_request(ex)
        && grant_type(ex.request_body.as_deref()).as_deref() == Some("refresh_token")
}

/// The token request's refusal codes that leave the app without a token (RFC 6749 §5.2).
const NO_TOKEN_CODES: &[&str] = &["invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope"];
/// At most this many earlier exchanges are searched for the token request that failed.
const TOKEN_FAILURE_LOOKBACK: usize = 100;
/// A token failure this long before the 401 (by the client's clock) is another story.
const TOKEN_FAILURE_WINDOW_MS: f64 = 300_000.0;

/// The cause on another entry (DIAGNOSES §0.7 rule 1): a 401 that went without a token right after
/// the app's token request was refused (RFC 6749 §5.2) carries that refusal, pointing at it, so it
/// leads over the generic `no-credentials-sent`.
pub fn token_request_failed_before(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || ctx.creds.authorization || is_token_endpoint(ctx) {
        return;
    }
    let all = &ctx.capture.exchanges;
    let t0 = ctx.ex.started_ms;
    for i in (0..ctx.index).rev().take(TOKEN_FAILURE_LOOKBACK) {
        let Some(ex) = all.get(i) else { break };
        if let (Some(a), Some(b)) = (t0, ex.started_ms) {
            if a - b > TOKEN_FAILURE_WINDOW_MS {
                return;
            }
        }
        if !crate::signals::is_token_request(ex) {
            continue;
        }
        if (200..300).contains(&ex.status) {
            // The app got a token after all: a later failure is not this one's doing.
            return;
        }
        if !is_token_error_status(ex.status) {
            continue;
        }
        let (code, desc, unread) = match oauth_error(ex.response_body.as_deref()) {
            Some((c, d)) => (c, d, false),
            // The extension's capture: a refused refresh whose body it could not read.
            None if is_unread_refresh_refusal(ex) => ("invalid_grant".to_string(), None, true),
            None => continue,
        };
        if !NO_TOKEN_CODES.contains(&code.as_str()) {
            continue;
        }
        let id = if code == "invalid_grant" { FindingId::OauthInvalidGrant } else { FindingId::OauthInvalidClient };
        let grant = grant_type(ex.request_body.as_deref()).unwrap_or_else(|| "unknown".to_string());
        let sent = if ctx.creds.cookie_unknown {
            "this request's headers are not all in the capture, and it was refused"
        } else {
            "this request went out without a token"
        };
        let refused = if unread {
            "was refused (400; most likely invalid_grant: the reason is in the response body, which browser \
             extensions cannot read)"
                .to_string()
        } else {
            format!("was refused with {code} ({} answer)", ex.status)
        };
        let explanation = format!(
            "The app's token request (#{i}, grant_type={grant}) {refused}, and {sent}: without a new token the API \
             call cannot succeed. The cause is at the token endpoint; see that entry."
        );
        let fix = if code == "invalid_grant" {
            Fix::new("Fix the token request first; when a refresh token is refused, send the user through the login again.")
                .step("invalid_grant on a refresh: the refresh token expired, was revoked or was already used (rotation); start a new login instead of calling the API without a token.")
                .step("Make token refresh single-flight, so parallel refreshes do not consume a rotated refresh token twice.")
        } else {
            Fix::new("Fix the client's registration or its token request (see the token endpoint's entry).")
                .step("Check the client_id, the client authentication method and the grant types and scopes enabled for the client.")
        };
        let mut finding = Finding::new(id, explanation, fix)
            .title(format!("The token request before this call was refused ({code})"))
            .source("RFC 6749 §5.2; DIAGNOSES §0.7 rule 1 (the cause on another entry)")
            .signal(if unread { Signal::Inferred } else { Signal::Reported })
            .confidence(if unread { 60 } else { 80 })
            .related(i)
            .with("Token endpoint", ex.url.to_string())
            .with("error", code);
        if let Some(d) = desc {
            finding = finding.with(super::rejected::SERVER_SAID, d);
        }
        out.push(finding);
        return;
    }
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

/// Statuses a token endpoint's error arrives with: RFC 6749 §5.2 says 400 (401 for a client that
/// authenticated with the Authorization header); some providers answer 403.
fn is_token_error_status(status: u16) -> bool {
    matches!(status, 400 | 401 | 403)
}

/// The client-side error codes of RFC 6749 §5.2 and §4.1.2.1 that say the client's registration
/// does not allow what it asked for, with what each means.
fn client_refusal(code: &str) -> Option<(&'static str, &'static str)> {
    match code {
        "invalid_client" => Some((
            "refused to authenticate the client (invalid_client)",
            "Usual causes: a wrong client_id or secret, the secret sent in the body while the client is registered \
             for Basic (or the reverse), a secret not form-URL-encoded before Basic encoding, or a browser app \
             registered as a confidential client.",
        )),
        "unauthorized_client" => Some((
            "said this client may not use this grant type (unauthorized_client)",
            "The client is registered, but the grant it used (authorization_code, refresh_token, client_credentials \
             …) is not enabled for it, or a public client asked for a confidential-client grant.",
        )),
        "invalid_scope" => Some((
            "refused the requested scope (invalid_scope)",
            "The scope is unknown, malformed, not granted to this client, or (on a refresh) wider than the scope \
             originally granted.",
        )),
        _ => None,
    }
}

/// `oauth-invalid-client` — RFC 6749 §2.3.1, §5.2 (`invalid_client`, `unauthorized_client`,
/// `invalid_scope`: the client's registration refuses the request).
pub fn oauth_invalid_client(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !is_token_error_status(f.status) || !is_token_endpoint(ctx) {
        return;
    }
    let json = oauth_error(ctx.ex.response_body.as_deref());
    let aad = f.body_has(&["aadsts7000215", "aadsts700016", "aadsts7000218"]);
    let code = json.as_ref().map(|(e, _)| e.as_str()).unwrap_or(if aad.is_some() { "invalid_client" } else { "" });
    let Some((what, causes)) = client_refusal(code) else { return };
    let desc = json.as_ref().and_then(|(_, d)| d.clone());
    let secret_in = if f.cred.is_some_and(|c| c.kind == Some(Scheme::Basic)) {
        "in the Authorization header (client_secret_basic)"
    } else if ctx.ex.request_body.as_deref().is_some_and(|b| b.contains("client_secret=")) {
        "in the form body (client_secret_post)"
    } else {
        "not at all (a public client)"
    };
    let grant = grant_type(ctx.ex.request_body.as_deref());
    let mut explanation =
        format!("The token endpoint {what}, answering {}. {causes} The client secret was sent {secret_in}", f.status);
    if let Some(g) = &grant {
        explanation.push_str(&format!("; grant_type was {g}"));
    }
    explanation.push('.');
    if desc.is_some() {
        explanation.push_str(" What the server said is quoted under Evidence.");
    }
    let fix = match code {
        "unauthorized_client" => Fix::new("Enable the grant type for this client, or use the one it is registered for.")
            .step("In the client's registration (Auth0/Okta Grant Types, Keycloak Standard flow / Service accounts, Entra platform settings) enable the grant the app uses.")
            .step("A single-page app uses authorization_code with PKCE; enable refresh_token too if it refreshes."),
        "invalid_scope" => Fix::new("Request only scopes the client is allowed and that the server knows.")
            .step("Compare the scope parameter with the scopes granted to the client (API permissions, client scopes).")
            .step("On a refresh, ask for the original scope or a subset of it.")
            .snippet("js", "body.set('scope', 'openid profile api.read'); // only scopes granted to this client"),
        _ => Fix::new("Make the client authentication match the registration.")
            .step("Check token_endpoint_auth_method in the client registration and send the secret that way.")
            .step("For Basic, form-URL-encode client_id and secret before base64.")
            .step("A single-page app cannot keep a secret: register it as a public client and use PKCE.")
            .snippet("js", "const basic = btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`);"),
    };
    let mut finding = Finding::new(FindingId::OauthInvalidClient, explanation, fix)
        .source("RFC 6749 §2.3.1 and §5.2 (invalid_client, unauthorized_client, invalid_scope); RFC 7636")
        .signal(Signal::Reported)
        .with("Token endpoint", ctx.ex.url.to_string())
        .with("error", code.to_string());
    if code != "invalid_client" {
        finding = finding.title(format!("The token endpoint refused the client's request ({code})"));
    }
    if let Some(code) = aad {
        finding = finding.with("Entra ID code", code.to_ascii_uppercase());
    }
    if let Some(d) = desc {
        finding = finding.with(super::rejected::SERVER_SAID, d);
    }
    out.push(finding);
}

/// The `grant_type` of a token request's form or JSON body.
fn grant_type(body: Option<&str>) -> Option<String> {
    crate::diagnose::token_form::token_form(body?)?.grant_type.map(std::borrow::Cow::into_owned)
}

/// `oauth-invalid-client` from the authorization endpoint — RFC 6749 §4.1.2.1: the server
/// redirects back to the client with `error=unauthorized_client` or `error=invalid_scope` in the
/// query (the redirect's `Location`, or the callback request itself), so no code was issued.
pub fn oauth_authorize_error(ctx: &Ctx<'_, '_>, _: &Facts<'_>, out: &mut Vec<Finding>) {
    let location = (300..400)
        .contains(&ctx.ex.status)
        .then(|| ctx.ex.response_headers.get("location"))
        .flatten()
        .and_then(|l| ctx.url.as_ref().and_then(|u| u.join(l.trim()).ok()));
    // The callback is read only when the redirect that led to it was not captured (that hop says it).
    let hop_said_it = ctx.corr.redirected_from.get(ctx.index).copied().flatten().is_some();
    let on_callback = ctx.url.as_ref().filter(|u| !hop_said_it && u.query_pairs().any(|(k, _)| k == "state"));
    let Some(u) = location.as_ref().or(on_callback) else { return };
    let mut code = None;
    let mut desc = None;
    for (k, v) in u.query_pairs() {
        match k.as_ref() {
            "error" => code = Some(v.into_owned()),
            "error_description" => desc = Some(v.into_owned()),
            _ => {}
        }
    }
    let Some(code) = code.filter(|c| c != "invalid_client") else { return };
    let Some((what, causes)) = client_refusal(&code) else { return };
    let explanation = format!(
        "The authorization server {what} and sent the browser back to the app with the error in the URL, so no \
         authorization code (and no token) was issued; the app's API calls then fail. {causes}"
    );
    let fix = if code == "invalid_scope" {
        Fix::new("Request only scopes the client is allowed and that the server knows.")
            .step("Compare the scope parameter of the authorization request with the scopes granted to the client.")
    } else {
        Fix::new("Enable the response type and grant for this client in its registration.")
            .step("A single-page app uses response_type=code with PKCE: enable the authorization code grant for it.")
    };
    let mut finding = Finding::new(FindingId::OauthInvalidClient, explanation, fix)
        .title(format!("The authorization server refused the client's request ({code})"))
        .source("RFC 6749 §4.1.2.1 (error response of the authorization endpoint)")
        .signal(Signal::Reported)
        .with("error", code);
    if let Some(d) = desc {
        finding = finding.with(super::rejected::SERVER_SAID, d);
    }
    out.push(finding);
}

/// `oauth-invalid-grant` — RFC 6749 §4.1.3, §5.2 (`invalid_grant`); RFC 7636 §4.6.
pub fn oauth_invalid_grant(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !is_token_error_status(f.status) || !is_token_endpoint(ctx) {
        return;
    }
    let Some((err, desc)) = oauth_error(ctx.ex.response_body.as_deref()) else {
        if let Some(f) = unread_refresh_refusal(ctx.ex) {
            out.push(f);
        }
        return;
    };
    if err != "invalid_grant" {
        return;
    }
    let grant = grant_type(ctx.ex.request_body.as_deref()).unwrap_or_else(|| "unknown".to_string());
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
