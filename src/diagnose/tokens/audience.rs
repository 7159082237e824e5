//! Audience and issuer rules (RFC 7519 §4.1.1, §4.1.3; RFC 8725 §3.8–§3.9): the token names
//! another API, or comes from an issuer the API does not trust; plus the audience check the popup
//! shows ([`AudienceCheck`]).

use super::facts::{AudienceCheck, TokenFacts};
use super::server_text::{Complaint, Expected};
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix};
use crate::headers::jwt::{Jwt, Kind};
use crate::quote;

/// Microsoft Graph's application id, the `aud` of Graph access tokens (Entra v1 spelling).
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The hosts of `aud` values that are https URLs with a real host name, or `None` when any value is
/// not (an opaque API identifier tells us nothing).
fn aud_url_hosts(aud: &[&str]) -> Option<Vec<String>> {
    aud.iter()
        .map(|a| {
            let u = url::Url::parse(a).ok().filter(|u| u.scheme() == "https")?;
            let h = u.host_str()?.to_ascii_lowercase();
            h.contains('.').then_some(h)
        })
        .collect()
}

/// How many earlier exchanges are searched for the app's `client_id` (bounded work per finding).
const CLIENT_ID_SCAN: usize = 200;

/// Whether the token's single audience is an OAuth client id: its own `azp`/`client_id`, or a
/// `client_id` the capture shows the app using in an authorization request URL or a token request
/// body (RFC 6749 §4.1.1, §4.1.3). Such a token was issued to the client itself, not to an API.
pub(super) fn aud_is_client(ctx: &Ctx<'_, '_>, j: &Jwt) -> bool {
    let aud = j.aud();
    let [a] = aud.as_slice() else { return false };
    if [j.azp(), j.client_id()].contains(&Some(*a)) {
        return true;
    }
    // Client ids are not URLs; and the cheap substring test runs first, parsing only on a hit.
    if a.is_empty() || a.contains("://") {
        return false;
    }
    let is_it = |k: std::borrow::Cow<'_, str>, v: std::borrow::Cow<'_, str>| k == "client_id" && v == *a;
    ctx.earlier().take(CLIENT_ID_SCAN).any(|(_, ex)| {
        // Only authorization and token requests carry `client_id`: test for it before parsing.
        (ex.url.contains("client_id=")
            && ex.url.contains(a)
            && url::Url::parse(&ex.url).is_ok_and(|u| u.query_pairs().any(|(k, v)| is_it(k, v))))
            || ex.request_body.as_deref().is_some_and(|b| {
                b.contains("client_id=")
                    && b.contains(a)
                    && url::form_urlencoded::parse(b.as_bytes()).any(|(k, v)| is_it(k, v))
            })
    })
}

/// Audiences of well-known cloud resource APIs: a token for one of them is never for your API.
/// (host the token is for, product name).
fn well_known_resource(aud: &str) -> Option<(&'static str, &'static str)> {
    let a = aud.trim_end_matches('/').to_ascii_lowercase();
    const KNOWN: &[(&str, &str, &str)] = &[
        ("https://management.azure.com", "management.azure.com", "Azure Resource Manager"),
        ("https://management.core.windows.net", "management.azure.com", "Azure Resource Manager"),
        ("https://vault.azure.net", "vault.azure.net", "Azure Key Vault"),
        ("https://storage.azure.com", "storage.azure.com", "Azure Storage"),
        ("https://database.windows.net", "database.windows.net", "Azure SQL"),
        ("https://outlook.office.com", "outlook.office.com", "Outlook"),
        ("00000002-0000-0000-c000-000000000000", "graph.windows.net", "Azure AD Graph"),
        ("https://graph.windows.net", "graph.windows.net", "Azure AD Graph"),
    ];
    KNOWN.iter().find(|(k, _, _)| *k == a).map(|(_, h, n)| (*h, *n))
}

fn is_graph(a: &str) -> bool {
    a.eq_ignore_ascii_case(GRAPH_APP_ID) || a.trim_end_matches('/').eq_ignore_ascii_case("https://graph.microsoft.com")
}

/// `jwt-audience-mismatch` — RFC 7519 §4.1.3, RFC 8725 §3.9, RFC 9068 §4: the token names another
/// recipient. Only on the server's word, or on strong evidence (a Graph token, the client's own id,
/// https URLs of other sites).
pub(super) fn jwt_audience_mismatch(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if j.kind == Kind::Jwe {
        return;
    }
    let aud = j.aud();
    let host = ctx.url.as_ref().and_then(|u| u.host_str()).map(str::to_ascii_lowercase);
    let says = f.text.says(Complaint::Audience).is_some();
    let client_ids: Vec<&str> = [j.azp(), j.client_id()].into_iter().flatten().collect();
    let mut why: Option<String> = None;
    let mut confidence = 65;
    // Heuristics need a status the server really sent; a hidden (CORS-masked) failure may be anything.
    let answered = matches!(f.status, 401 | 403);
    // Another cause this module found already explains the rejection better than a guess about aud.
    let explained = super::other_token_cause(out);
    let well_known = aud.iter().find_map(|a| well_known_resource(a)).filter(|(h, _)| host.as_deref() != Some(*h));
    if !answered && !says {
        return;
    }
    if !aud.is_empty() && host.as_deref() != Some("graph.microsoft.com") && aud.iter().all(|a| is_graph(a)) {
        why = Some("it is a Microsoft Graph token (aud is Graph), which only graph.microsoft.com accepts".to_string());
        confidence = 80;
    } else if let Some((h, name)) = well_known.filter(|_| aud.len() == 1) {
        why = Some(format!("it is a {name} token (aud {}), which only {h} accepts", aud.join(", ")));
        confidence = 80;
    } else if aud_is_client(ctx, j) {
        why = Some(format!(
            "its audience is the client application itself ({}), which is what ID tokens and tokens requested \
             without an API audience look like",
            aud.join(", ")
        ));
    } else if let (Some(h), Some(hosts), false) = (host.as_deref(), aud_url_hosts(&aud), explained) {
        let site = crate::site::registrable_domain(h);
        let other = |a: &String| a != h && crate::site::registrable_domain(a) != site;
        if !hosts.is_empty() && hosts.iter().all(other) {
            why = Some(format!("its audience names other sites ({}), not {h}", hosts.join(", ")));
            confidence = 60;
        }
    }
    if why.is_none() && !says {
        return;
    }
    let aud_text = if aud.is_empty() { "(no aud claim)".to_string() } else { aud.join(", ") };
    let mut explanation = match &why {
        Some(w) => format!("The token was issued for another API: {w}."),
        None => format!(
            "The server rejected the token's audience ({aud_text}): this API does not count itself among the token's intended recipients."
        ),
    };
    if let Some(exp) = f.text.expected(Expected::Audience) {
        explanation.push_str(&format!(" The server expects {exp}."));
    }
    explanation.push_str(" An API must reject a token whose aud does not name it (RFC 7519 §4.1.3).");
    let target = host.as_deref().map_or("https://api.example.com".to_string(), |h| format!("https://{h}"));
    let fix = Fix::new("Request the access token for this API, or add this token's audience to the API's accepted audiences.")
        .step(format!("Auth0: pass audience={target} (the API identifier) when requesting the token."))
        .step("Microsoft Entra ID: request scope=api://<api-app-id>/.default (or a named scope of this API), not a Graph scope.")
        .step(format!("Other OAuth servers: send resource={target} (RFC 8707) or the API's scope."))
        .step("If the token is right and the API is strict: add the identifier to the API's valid audiences.")
        // The host came off the network: quoted for each snippet's language.
        .snippet("js", format!("await auth0.getTokenSilently({{ authorizationParams: {{ audience: {} }} }});", quote::c_string(&target)))
        .snippet("aspnet", format!("options.TokenValidationParameters.ValidAudiences = new[] {{ {}, \"api://<api-app-id>\" }};", quote::c_string(&target)))
        .snippet("spring", format!("spring.security.oauth2.resourceserver.jwt.audiences: {}", quote::c_string(&target)));
    let mut finding = Finding::new(FindingId::JwtAudienceMismatch, explanation, fix)
        .title("The token was issued for another API")
        .source("RFC 7519 §4.1.3; RFC 8725 §3.9; RFC 9068 §4")
        .confidence(confidence)
        .with("aud", aud_text);
    if let Some(h) = &host {
        finding = finding.with("Request host", h.clone());
    }
    if !client_ids.is_empty() {
        finding = finding.with("azp / client_id", client_ids.join(", "));
    }
    out.push(f.confirmed(finding.evidence(f.token_evidence()), Complaint::Audience));
}

/// Differences between `iss` and an expected issuer that exact string comparison trips on.
fn issuer_variant(iss: &str, expected: &str) -> Option<&'static str> {
    let strip = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
    let (a, b) = (strip(iss), strip(expected));
    if iss != expected && a == b {
        return Some("they differ only by a trailing slash or letter case");
    }
    let unscheme = |s: &str| s.split_once("://").map_or(s.to_string(), |(_, r)| r.to_string());
    if unscheme(&a) == unscheme(&b) {
        return Some("they differ only by the scheme (http vs https)");
    }
    let unversion = |s: &str| s.trim_end_matches("/v2.0").trim_end_matches("/v1.0").to_string();
    if unversion(&a) == unversion(&b) {
        return Some("they differ only by a version path (/v2.0)");
    }
    let entra = |s: &str| s.contains("sts.windows.net") || s.contains("login.microsoftonline.com");
    if entra(&a) && entra(&b) {
        return Some(
            "one is an Entra ID v1 issuer (sts.windows.net) and the other a v2 issuer (login.microsoftonline.com/…/v2.0)",
        );
    }
    None
}

/// `jwt-issuer-mismatch` — RFC 7519 §4.1.1, RFC 8725 §3.8, OpenID Connect Discovery §4.3: `iss` is
/// compared as an exact string. Only on the server's word: a token's `iss` alone proves nothing.
pub(super) fn jwt_issuer_mismatch(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if f.text.says(Complaint::Issuer).is_none() {
        return;
    }
    let iss = j.iss().unwrap_or("(no iss claim)");
    let mut explanation = format!("The server rejected the token's issuer, {iss}.");
    let expected = f.text.expected(Expected::Issuer);
    if let Some(e) = expected {
        explanation.push_str(&format!(" It expects {e}"));
        match issuer_variant(iss, e) {
            Some(v) => explanation.push_str(&format!(": {v}, and issuers are compared as exact strings.")),
            None => explanation.push_str(": the token comes from another authorization server, tenant or environment."),
        }
    } else if iss.contains("sts.windows.net") {
        explanation.push_str(
            " This is an Entra ID v1 issuer (sts.windows.net); APIs configured for v2 expect \
             https://login.microsoftonline.com/<tenant>/v2.0.",
        );
    } else if iss.ends_with("/v2.0") && iss.contains("login.microsoftonline.com") {
        explanation.push_str(
            " This is an Entra ID v2 issuer; APIs configured for v1 expect https://sts.windows.net/<tenant>/.",
        );
    } else {
        explanation.push_str(
            " Issuers are compared as exact strings: a trailing slash, http instead of https, an internal host name \
             or another tenant or environment is enough to fail.",
        );
    }
    let fix = Fix::new("Configure the API's authority exactly as the issuer in the authorization server's discovery document.")
        .step("Open <authority>/.well-known/openid-configuration and copy its \"issuer\" value verbatim into the API's configuration.")
        .step("Microsoft Entra ID: set \"accessTokenAcceptedVersion\": 2 (api.requestedAccessTokenVersion) in the API's app manifest, or accept both the v1 and v2 issuers.")
        .step("Keycloak behind a proxy: set KC_HOSTNAME so tokens carry the same issuer internally and externally.")
        .step("Check that the token comes from the same environment (staging vs production) as the API.")
        .snippet("spring", "spring.security.oauth2.resourceserver.jwt.issuer-uri: https://login.example.com/realms/main")
        .snippet("aspnet", "options.TokenValidationParameters.ValidIssuers = new[] {\n  \"https://login.microsoftonline.com/<tenant-id>/v2.0\",\n  \"https://sts.windows.net/<tenant-id>/\" };");
    let mut finding = Finding::new(FindingId::JwtIssuerMismatch, explanation, fix)
        .title("The token's issuer is not the one the API trusts")
        .source("RFC 7519 §4.1.1; RFC 8725 §3.8; OpenID Connect Discovery 1.0 §4.3")
        .with("iss", iss.to_string());
    if let Some(e) = expected {
        finding = finding.with("Expected issuer", e.to_string());
    }
    out.push(f.confirmed(finding.evidence(f.token_evidence()), Complaint::Issuer));
}

/// How the token's `aud` relates to the request's host, as the popup shows it.
pub(super) fn audience_check(ctx: &Ctx<'_, '_>, j: &Jwt) -> AudienceCheck {
    let aud = j.aud();
    let host = ctx.url.as_ref().and_then(|u| u.host_str()).map(str::to_ascii_lowercase);
    if aud.iter().any(|a| is_graph(a)) && host.as_deref() != Some("graph.microsoft.com") {
        AudienceCheck::GraphElsewhere
    } else if host.as_deref().is_some_and(|h| aud.iter().any(|a| a.to_ascii_lowercase().contains(h))) {
        AudienceCheck::NamesHost
    } else {
        AudienceCheck::Unknown
    }
}
