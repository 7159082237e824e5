//! Tokens seen in the flow: algorithms and lifetimes of the JWTs the app sends.

use super::ids::AuditRule;
use super::{Area, AuditFinding, Scope};
use crate::catalogue::FindingId;
use crate::finding::{Finding, Fix};
use crate::headers::jwt;
use std::collections::HashSet;

/// Access-token lifetime past which the audit warns: a day (RFC 9700 recommends short-lived
/// access tokens; IdPs default to 5–60 minutes).
const LONG_LIVED_SECS: i64 = 86_400;

/// How many distinct tokens are decoded (a page cannot make the audit decode thousands).
const MAX_TOKENS: usize = 256;

/// Runs the token rules on every Bearer JWT the app sent.
pub(super) fn check(s: &Scope<'_, '_>, out: &mut Vec<AuditFinding>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, ex) in s.capture.exchanges.iter().enumerate() {
        let Some(c) = ex.request_headers.credentials() else { continue };
        let token = c.token;
        if !jwt::looks_like_jwt(token) || seen.len() >= MAX_TOKENS || !seen.insert(token) {
            continue;
        }
        let Ok(t) = jwt::decode(token) else { continue };
        let iss = t.claims().and_then(|m| m.get("iss")).and_then(|v| v.as_str()).unwrap_or("the issuer").to_string();
        if t.alg().is_some_and(|a| a.eq_ignore_ascii_case("none")) && !s.diagnosed(i, FindingId::JwtAlgRejected) {
            let f = Finding::new(
                FindingId::JwtAlgRejected,
                "The app sends an unsigned JWT (alg: none). Anyone can write such a token with any claims; an API \
                 that accepts it accepts forgeries."
                    .to_string(),
                Fix::new(
                    "Issue signed tokens (RS256/ES256) and reject alg none on the API: pin the accepted algorithms.",
                ),
            );
            out.push(AuditFinding::from_catalogue(&f, Area::Tokens, iss.clone()).at(i));
        }
        // The same signs the failure diagnosis reads (its rule only runs on failures).
        if let Some((signs, _)) = crate::diagnose::tokens::kind::id_token_signs(&t, false) {
            if !s.diagnosed(i, FindingId::IdTokenAsAccessToken) {
                let f = Finding::new(
                    FindingId::IdTokenAsAccessToken,
                    format!(
                        "The app sends an OpenID Connect ID token to the API as its access token: {}. An ID token \
                         is for the client app; APIs that check the audience or typ at+jwt reject it, and it \
                         usually lives longer than an access token should.",
                        signs.join("; ")
                    ),
                    Fix::new("Send the access_token, not the id_token, in the Authorization header."),
                );
                out.push(AuditFinding::from_catalogue(&f, Area::Tokens, iss.clone()).at(i));
            }
            continue;
        }
        let claims = t.claims();
        let num = |k: &str| claims.and_then(|m| m.get(k)).and_then(|v| v.as_i64());
        if let (Some(iat), Some(exp)) = (num("iat").or(num("nbf")), num("exp")) {
            let life = exp.saturating_sub(iat);
            if life > LONG_LIVED_SECS {
                out.push(
                    AuditFinding::rule(
                        AuditRule::JwtLongLived,
                        iss.clone(),
                        format!(
                            "An access token from {iss} is valid for {} hours. A leaked bearer token works for its \
                             whole lifetime and cannot be revoked without extra machinery; the norm is minutes, \
                             with a refresh token for longer sessions.",
                            life / 3600
                        ),
                        Fix::new("Shorten the access-token lifetime (5–60 minutes) and refresh it; keep long sessions in a rotating refresh token."),
                    )
                    .at(i),
                );
            }
        }
    }
}
