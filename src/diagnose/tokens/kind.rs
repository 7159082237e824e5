//! Rules about what kind of token was sent: one that looks like a JWT but cannot be read
//! (RFC 7519 §7.2), an opaque token to an API that parses JWTs (RFC 9068 §1), an OpenID Connect
//! ID token in place of an access token (OpenID Connect Core §2, RFC 9068 §2.1).

use super::audience::aud_is_client;
use super::facts::TokenFacts;
use super::server_text::Complaint;
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::jwt::{Jwt, JwtError, JwtNote, Kind, Payload, TimeClaim};

/// `jwt-malformed` — RFC 7519 §7.2 and RFC 7515 §7.1: a token that looks like a JWT but cannot be
/// read as one (segment count, base64url, JSON, `alg`).
pub(super) fn jwt_malformed(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(decoded) = &f.decoded else { return };
    let mut reasons: Vec<String> = Vec::new();
    let mut confidence = 70;
    match decoded {
        Err(e) => {
            reasons.push(e.to_string());
            confidence = 85;
            if matches!(e, JwtError::Truncated(_) | JwtError::SegmentCount(2)) {
                reasons.push(format!(
                    "it is {} characters long, and tokens are often cut off by a header or cookie size limit \
                     (4 KB, 8 KB) or a storage column",
                    f.token.len()
                ));
            }
        }
        Ok(j) => {
            if j.kind == Kind::Jwe {
                reasons.push(format!(
                    "it is an encrypted token (JWE, 5 segments, enc {}): APIs that validate signed JWTs cannot read it",
                    j.enc().unwrap_or("missing")
                ));
                confidence = 60;
            }
            if let Payload::Invalid(e) = &j.payload {
                reasons.push(e.to_string());
                confidence = 85;
            }
            if matches!(j.payload, Payload::Detached | Payload::Unencoded) {
                reasons.push("its payload is detached or unencoded, so it carries no claims".to_string());
            }
            for n in &j.notes {
                if n.breaks_strict_validation() && !matches!(n, JwtNote::SurroundingWhitespace) {
                    reasons.push(n.message().to_string());
                }
            }
            for (name, claim) in [("exp", j.exp()), ("nbf", j.nbf()), ("iat", j.iat())] {
                match claim {
                    Some(TimeClaim::NotNumeric) => reasons.push(format!("\"{name}\" is not a number")),
                    Some(TimeClaim::Seconds { from_string: true, .. }) => {
                        reasons.push(format!("\"{name}\" is a string; RFC 7519 requires a JSON number"))
                    }
                    _ => {}
                }
            }
        }
    }
    let complaint = f.text.says(Complaint::Malformed);
    if reasons.is_empty() && complaint.is_none() {
        return;
    }
    if reasons.is_empty() {
        reasons.push("the server could not parse it, although it decodes here".to_string());
        confidence = 60;
    }
    let explanation =
        format!("The {} looks like a JWT, but cannot be read as one: {}.", f.describe(), reasons.join("; "));
    let fix = Fix::new("Send the exact access_token string from the token response, unchanged.")
        .step("Log the token's length and first characters where the app stores it and where it sets the header; they must match the token endpoint's access_token.")
        .step("Do not JSON.stringify the token into storage (that adds quotes) and do not join two tokens into one header.")
        .step("If the token is cut off, look for size limits: cookie (4 KB), proxy header buffers (nginx large_client_header_buffers), database columns.")
        .step("If it is an encrypted token (JWE), ask the authorization server for a signed access token for this API, or decrypt it at the gateway.")
        .snippet("js", "// one token, no quotes, no extra whitespace\nheaders.Authorization = `Bearer ${tokenResponse.access_token}`;");
    let mut finding = Finding::new(FindingId::JwtMalformed, explanation, fix)
        .title("The token looks like a JWT but cannot be decoded")
        .source("RFC 7519 §7.2; RFC 7515 §7.1 (compact serialization); RFC 7516 §7.1")
        .confidence(confidence)
        .with("Problems", reasons.join("; "))
        .evidence(f.token_evidence());
    if let Some(m) = complaint {
        finding = finding.with("Server said", m.quote.clone()).signal(Signal::Reported).confidence(95);
    }
    out.push(finding);
}

/// The signs that `j` is an OpenID Connect ID token (OIDC Core §2), with their strength; `None`
/// when it carries an access token's counter-signs or fewer than two independent signs.
/// `aud_is_client`: its audience is the client app (the caller knows the client id).
pub(crate) fn id_token_signs(j: &Jwt, aud_is_client: bool) -> Option<(Vec<String>, u8)> {
    let claims = j.claims();
    let claim_typ = claims.and_then(|m| m.get("typ")).and_then(serde_json::Value::as_str);
    // Counter-signs: Keycloak marks access tokens with a `typ: Bearer` claim (and may copy `nonce`
    // into them), Cognito with `token_use: access`, and only access tokens carry scopes.
    if claim_typ.is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
        || j.token_use() == Some("access")
        || !j.scope().is_empty()
        || !j.scp().is_empty()
    {
        return None;
    }
    let mut signs: Vec<String> = Vec::new();
    let mut strong = 0;
    if claim_typ.is_some_and(|t| t.eq_ignore_ascii_case("id")) {
        signs.push("its typ claim is \"ID\" (a Keycloak ID token)".to_string());
        strong += 2;
    }
    if j.token_use() == Some("id") {
        signs.push("token_use is \"id\" (an Amazon Cognito ID token)".to_string());
        strong += 2;
    }
    if j.nonce().is_some() {
        signs.push("it has a nonce claim, which only ID tokens carry".to_string());
        strong += 1;
    }
    if j.at_hash().is_some() || j.c_hash().is_some() {
        signs.push("it has at_hash/c_hash, which only ID tokens carry".to_string());
        strong += 1;
    }
    let aud = j.aud();
    if aud_is_client {
        signs.push(format!("its audience is the client app itself ({})", aud.join(", ")));
        strong += 1;
    }
    // Two independent signs; the header typ alone proves little (most access tokens say "JWT").
    if strong < 2 {
        return None;
    }
    Some((signs, strong))
}

/// `id-token-as-access-token` — OpenID Connect Core §2, RFC 9068 §2.1 and §4, RFC 8725 §3.11: an ID
/// token (for the client app) sent to an API as its access token.
pub(super) fn id_token_as_access_token(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    let Some((mut signs, strong)) = id_token_signs(j, aud_is_client(ctx, j)) else { return };
    if let Some(t) =
        j.typ().filter(|t| !t.eq_ignore_ascii_case("at+jwt") && !t.eq_ignore_ascii_case("application/at+jwt"))
    {
        signs.push(format!("its typ is \"{t}\", not \"at+jwt\""));
    }
    let explanation = format!(
        "The token sent to the API is an OpenID Connect ID token, not an access token: {}. An ID token tells the \
         client app who signed in; its audience is the client, so APIs reject it (and APIs that require typ \
         at+jwt reject it for that reason too).",
        signs.join("; ")
    );
    let fix = Fix::new("Send the access_token, not the id_token, in the Authorization header.")
        .step("Check the HTTP interceptor and the storage key it reads: it must use tokenResponse.access_token.")
        .step("If the access token is opaque or has the wrong audience, request it for this API (Auth0 audience=, Entra scope=api://<app-id>/.default, RFC 8707 resource=).")
        .snippet("js", "// oidc-client-ts / react-oidc-context\nheaders.Authorization = `Bearer ${user.access_token}`; // not user.id_token");
    let finding = Finding::new(FindingId::IdTokenAsAccessToken, explanation, fix)
        .title("An ID token was sent as the access token")
        .source("OpenID Connect Core 1.0 §2; RFC 9068 §2.1, §4; RFC 8725 §3.11")
        .confidence(if strong >= 3 { 88 } else { 80 })
        .with("Signs", signs.join("; "))
        .evidence(f.token_evidence());
    let c = if f.text.says(Complaint::TokenType).is_some() { Complaint::TokenType } else { Complaint::Audience };
    // The wrong kind of token is the root cause of the audience complaint it also triggers: rank it
    // first. But some backends take ID tokens on purpose (Google Sign-In, Firebase): when the server
    // complained about nothing type-related and a concrete cause (expiry…) was found, that comes first.
    let concrete_elsewhere = super::other_token_cause(out) && f.text.says(c).is_none();
    let confirmed = f.confirmed(finding, c);
    let confidence = if concrete_elsewhere { 55 } else { confirmed.confidence.saturating_add(3) };
    out.push(confirmed.confidence(confidence));
}

/// `opaque-token-to-jwt-api` — RFC 9068 §1, RFC 8707 §2: an opaque (reference) token sent to an API
/// whose error text shows it tried to parse a JWT.
pub(super) fn opaque_token_to_jwt_api(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    if f.decoded.is_some() || !f.rejected {
        return;
    }
    let Some(m) = f.text.says(Complaint::Malformed) else { return };
    let explanation = format!(
        "The {} is opaque (not a JWT: {} characters, no header segment), and the API's error shows it tried \
         to parse a JWT. Some authorization servers issue opaque reference tokens unless told which API the token \
         is for; Auth0 does so when the audience parameter is omitted.",
        f.describe(),
        f.token.len()
    );
    let fix = Fix::new("Request the token for this API so the authorization server issues a JWT, or make the API introspect opaque tokens.")
        .step("Auth0: add audience=<API identifier> to the authorization request.")
        .step("RFC 8707 servers: add resource=<API URL>. Entra ID: scope=api://<app-id>/.default.")
        .step("Or validate opaque tokens by introspection (RFC 7662) on the API.")
        .snippet("js", "await auth0.loginWithRedirect({ authorizationParams: { audience: 'https://api.example.com' } });");
    out.push(
        Finding::new(FindingId::OpaqueTokenToJwtApi, explanation, fix)
            .title("An opaque token was sent to an API that expects a JWT")
            .source("RFC 9068 §1; RFC 8707 §2; RFC 7662")
            .signal(Signal::Reported)
            .with("Server said", m.quote.clone())
            .evidence(f.token_evidence()),
    );
}
