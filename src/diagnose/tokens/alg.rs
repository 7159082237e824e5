//! Signature rules (RFC 7515 §4.1.1, §4.1.4; RFC 8725 §3.1–§3.2): the algorithm the token is
//! signed with, and the key the server could not find. Only the server can say a signature is bad.

use super::facts::TokenFacts;
use super::server_text::Complaint;
use crate::catalogue::FindingId;
use crate::finding::{Finding, Fix};
use crate::headers::jwt::{self, Kind};

/// `jwt-signing-key-unknown` — RFC 7515 §4.1.4, RFC 7517 §4.5, OpenID Connect Core §10.1.1: the
/// server says it has no key for the token, or the signature does not verify.
pub(super) fn jwt_signing_key_unknown(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if f.text.says(Complaint::SigningKey).is_none() {
        return;
    }
    let kid = j.kid().map_or("(no kid)".to_string(), str::to_string);
    let explanation = format!(
        "The server could not verify the token's signature with any key it knows (kid {kid}, alg {}, iss {}). \
         Usually the issuer rotated its keys and the API's cached key set is stale, the token comes from another \
         environment or tenant, services share different HS256 secrets, or the API's authority URL is wrong so it \
         never loaded the right keys.",
        j.alg().unwrap_or("missing"),
        j.iss().unwrap_or("missing")
    );
    let fix = Fix::new("Make the API load the issuer's current keys, and send tokens from the issuer it trusts.")
        .step("Refetch the JWKS when a token with an unknown kid arrives (rate-limited); most libraries do this when configured with the authority/issuer URL instead of a fixed key.")
        .step("Check the API's Authority / issuer-uri / jwks_uri: it must be the same issuer as the token's iss.")
        .step("For HS256, every service must use the same secret; distribute it from one secret store.");
    let finding = Finding::new(FindingId::JwtSigningKeyUnknown, explanation, fix)
        .title("The API does not know the key that signed the token")
        .source("RFC 7515 §4.1.4; RFC 7517 §4.5; OpenID Connect Core §10.1.1")
        .with("kid", kid)
        .evidence(f.token_evidence());
    out.push(f.confirmed(finding, Complaint::SigningKey));
}

/// `jwt-alg-rejected` — RFC 7519 §6, RFC 8725 §2.1, §3.1–3.2: `alg: none`, an unregistered algorithm,
/// or the server's word that the algorithm is not allowed.
pub(super) fn jwt_alg_rejected(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if j.kind == Kind::Jwe {
        return;
    }
    let Some(alg) = j.alg() else { return };
    let says = f.text.says(Complaint::Algorithm).is_some();
    let (explanation, confidence) = if j.kind == Kind::Unsecured {
        (
            format!(
                "The token is unsecured: its header says alg \"{alg}\", so it carries no signature at all. An API \
                 must never accept such a token as a credential; anyone could have written it."
            ),
            90,
        )
    } else if !jwt::is_registered_alg(alg) {
        let hint = jwt::registered_alg_ignoring_case(alg)
            .map_or(String::new(), |r| format!(" Algorithm names are case-sensitive: it should be \"{r}\"."));
        (format!("The token's header names alg \"{alg}\", which is not a registered JWS algorithm.{hint}"), 75)
    } else if says {
        let family = match alg.get(..2) {
            Some("HS") => {
                "a shared-secret (HMAC) algorithm; APIs configured with the issuer's public keys expect RS256, ES256 or similar"
            }
            Some("RS" | "PS" | "ES" | "Ed") => {
                "a public-key algorithm; the API may be pinned to another one (or to HS256 with a shared secret)"
            }
            _ => "not what the API allows",
        };
        (format!("The server refused the token's algorithm, {alg}: {family}."), 80)
    } else {
        return;
    };
    let fix = Fix::new("Issue signed tokens with the algorithm the API expects, and keep an explicit algorithm allow-list on the API.")
        .step("Configure the authorization server (or the client registration) to sign access tokens with the API's algorithm, typically RS256 or ES256.")
        .step("Never accept alg \"none\"; list the allowed algorithms explicitly when validating.")
        .snippet("js", "jwt.verify(token, publicKey, { algorithms: ['RS256'] });")
        .snippet("python", "jwt.decode(token, key, algorithms=[\"RS256\"], audience=API_AUDIENCE)");
    let finding = Finding::new(FindingId::JwtAlgRejected, explanation, fix)
        .title(if j.kind == Kind::Unsecured {
            "The token is unsigned (alg: none)"
        } else {
            "The token's algorithm is not accepted"
        })
        .source(if j.kind == Kind::Unsecured {
            "RFC 7519 §6; RFC 8725 §3.1"
        } else {
            "RFC 8725 §3.1–§3.2; RFC 7518 §3.1"
        })
        .confidence(confidence)
        .with("alg", alg.to_string())
        .evidence(f.token_evidence());
    out.push(f.confirmed(finding, Complaint::Algorithm));
}
