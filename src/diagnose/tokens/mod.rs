//! Rules about tokens and JWTs (catalogue group C): decoded locally, never verified.
//!
//! The token is the credential of `Authorization: Bearer|DPoP <t>` (or a custom token header, or an
//! auth-named cookie). Its claims are compared with the server's clock (`Date`, the time the server
//! judged the token) and the client's clock (when the request started), and with what the server's
//! error text says. Signatures cannot be checked without keys, so no rule here ever says a signature
//! is bad on its own: only the server can.
//!
//! One module per concern: `facts` holds what is computed once per exchange (the token and its
//! decoding for the rules, the `Authorization` JWT's checks for the popup), `source` finds the
//! token, `time` the exp/nbf/iat and clock rules, `audience` the aud/iss rules, `alg` the
//! algorithm and key rules, `kind` the malformed, opaque and ID-token rules, `dpop` the DPoP rules,
//! `oauth` the capture-wide OAuth client rules (refresh races, tokens in URLs) and `server_text`
//! the validator error signatures. Nothing here words the popup: `view::jwt` does.

mod alg;
mod audience;
mod dpop;
mod facts;
pub(crate) mod kind;
mod oauth;
mod refresh;
mod server_text;
mod source;
mod time;

pub(crate) use facts::TokenFacts;
pub(crate) use facts::{AudienceCheck, Basis, JwtFacts, TimeCheck};

use super::context::Ctx;
use crate::catalogue::FindingId;
use crate::finding::Finding;

/// Runs every rule of this module; `token` is this exchange's [`TokenFacts`], computed once by
/// `diagnose()`.
pub(crate) fn check(ctx: &Ctx<'_, '_>, token: Option<&TokenFacts<'_>>, out: &mut Vec<Finding>) {
    oauth::bearer_token_in_url(ctx, out);
    oauth::refresh_token_rotation_race(ctx, out);
    let Some(f) = token else {
        time::clock_skew(ctx, None, out);
        return;
    };
    if f.in_authorization() {
        dpop::dpop_nonce_required(ctx, f, out);
        dpop::dpop_proof_invalid(ctx, f, out);
    }
    kind::opaque_token_to_jwt_api(f, out);
    time::clock_skew(ctx, Some(f), out);
    if f.decoded.is_none() {
        return;
    }
    kind::jwt_malformed(f, out);
    time::jwt_expired(f, out);
    time::jwt_not_yet_valid(f, out);
    audience::jwt_issuer_mismatch(f, out);
    alg::jwt_signing_key_unknown(f, out);
    alg::jwt_alg_rejected(f, out);
    // After the rules above: its weakest heuristic stands back when they found the cause.
    audience::jwt_audience_mismatch(ctx, f, out);
    kind::id_token_as_access_token(ctx, f, out);
}

/// Whether a more concrete token cause (lifetime, form, algorithm, key, issuer) was already found.
fn other_token_cause(out: &[Finding]) -> bool {
    out.iter().any(|x| {
        matches!(
            x.id,
            FindingId::JwtExpired
                | FindingId::JwtNotYetValid
                | FindingId::JwtMalformed
                | FindingId::JwtAlgRejected
                | FindingId::JwtSigningKeyUnknown
                | FindingId::JwtIssuerMismatch
        )
    })
}

#[cfg(test)]
mod tests;
