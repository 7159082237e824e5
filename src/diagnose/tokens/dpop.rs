//! DPoP rules (RFC 9449): the resource server's nonce demand and the proof of possession, checked
//! as a resource server would except for the signature and `ath` hash (no crypto here).

use super::facts::TokenFacts;
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::date::{format_duration, format_utc};
use crate::headers::jwt::{self, Jwt, TimeClaim};
use crate::headers::scheme::Scheme;
use crate::headers::www_authenticate::{BearerError, Challenge};

/// The first `DPoP` challenge of the response with `error` = `e` (RFC 9449 §7.1).
fn dpop_error<'a, 'c>(ctx: &'a Ctx<'c, '_>, e: &BearerError) -> Option<&'a Challenge<'c>> {
    ctx.challenges.challenges.iter().find(|c| c.kind() == Scheme::Dpop && c.bearer().error.as_ref() == Some(e))
}

/// The `WWW-Authenticate` field line a parsed challenge came from, as sent (for evidence). The
/// parser borrows every challenge from its line, so the line is the one whose text holds it.
fn line_of<'c>(ctx: &Ctx<'c, '_>, ch: &Challenge<'c>) -> Option<&'c str> {
    let at = ch.scheme.as_ptr() as usize;
    ctx.ex.response_headers.challenge_lines().find(|l| {
        let start = l.as_ptr() as usize;
        (start..start + l.len()).contains(&at)
    })
}

/// `dpop-nonce-required` — RFC 9449 §9: the resource server wants a server-provided nonce in the
/// DPoP proof (`WWW-Authenticate: DPoP error="use_dpop_nonce"` plus `DPoP-Nonce`).
pub(super) fn dpop_nonce_required(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(ch) = dpop_error(ctx, &BearerError::UseDpopNonce) else { return };
    let nonce = ctx.ex.response_headers.get("dpop-nonce");
    let exposed = ctx
        .ex
        .response_headers
        .get_all("access-control-expose-headers")
        .any(|v| v.split(',').any(|h| h.trim().eq_ignore_ascii_case("dpop-nonce") || h.trim() == "*"));
    let mut explanation = "The API requires a nonce it issues in every DPoP proof. The client must retry once, \
                           putting the DPoP-Nonce response header's value into the proof's nonce claim."
        .to_string();
    if nonce.is_none() {
        explanation.push_str(" This response carries no DPoP-Nonce header, so the client has no nonce to use.");
    }
    if ctx.is_cross_origin() && !exposed {
        explanation.push_str(
            " The API is cross-origin and does not list DPoP-Nonce in Access-Control-Expose-Headers, so script \
             cannot read the nonce and the client keeps failing.",
        );
    }
    let fix = Fix::new("Retry once with the server's nonce in the DPoP proof; expose the nonce header to script on cross-origin APIs.")
        .step("Client: on 401 with error=\"use_dpop_nonce\", read DPoP-Nonce, build a new proof with \"nonce\": <value>, retry once, and keep using the latest nonce.")
        .step("Server (cross-origin): send Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate.")
        .snippet("nginx", "add_header Access-Control-Expose-Headers \"DPoP-Nonce, WWW-Authenticate\" always;");
    let mut finding = Finding::new(FindingId::DpopNonceRequired, explanation, fix)
        .title("The API requires a DPoP nonce")
        .source("RFC 9449 §9; Fetch Standard (Access-Control-Expose-Headers)")
        .signal(Signal::Reported)
        .with("WWW-Authenticate", line_of(ctx, ch).unwrap_or_default().to_string())
        .with("Scheme sent", f.scheme.to_string());
    if let Some(n) = nonce {
        finding = finding.with("DPoP-Nonce", n.to_string());
    }
    out.push(finding);
}

/// `dpop-proof-invalid` — RFC 9449 §4.3, §7.1: the server rejected the DPoP proof, or a token bound to
/// a DPoP key (`cnf.jkt`) was sent as Bearer or without a proof.
pub(super) fn dpop_proof_invalid(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let said = dpop_error(ctx, &BearerError::InvalidDpopProof);
    let jkt = f.jwt().and_then(Jwt::cnf_jkt);
    let proofs = ctx.ex.request_headers.count("dpop");
    let is_dpop = f.scheme.eq_ignore_ascii_case("dpop");
    let mut problems: Vec<String> = Vec::new();
    if jkt.is_some() && !is_dpop {
        problems.push(
            "the access token is bound to a DPoP key (it has cnf.jkt) but was sent with the Bearer scheme; it \
             must be sent as Authorization: DPoP <token> with a DPoP proof"
                .to_string(),
        );
    }
    if (is_dpop || jkt.is_some()) && proofs == 0 {
        problems.push("the request has no DPoP header, so there is no proof of possession".to_string());
    }
    if proofs > 1 {
        problems.push("the request carries more than one DPoP header; exactly one proof is allowed".to_string());
    }
    // A nonce request is dpop-nonce-required's case: the proof is otherwise judged only when the server
    // rejected it or the DPoP-scheme request failed.
    let nonce_asked = dpop_error(ctx, &BearerError::UseDpopNonce).is_some();
    if proofs == 1 && (said.is_some() || is_dpop && !nonce_asked) {
        if let Some(proof) = ctx.ex.request_headers.get("dpop") {
            problems.extend(proof_problems(ctx, proof, f.server.or(f.client)));
        }
    }
    if problems.is_empty() {
        match said {
            Some(_) => problems.push(
                "the server says the DPoP proof is invalid, although its htm, htu, typ, alg and iat look right \
                 here: check whether a proxy or gateway rewrites the URL before the API sees it, jti reuse, the \
                 signature, and ath = SHA-256 of this exact access token"
                    .to_string(),
            ),
            None => return,
        }
    }
    let problem = problems.join("; ");
    let fix = Fix::new("Send Authorization: DPoP <token> with one fresh DPoP proof per request, signed by the key the token is bound to.")
        .step("Create a new proof for every request with htm = method, htu = URL without query and fragment, a unique jti, the current iat, and ath = base64url(SHA-256(access token)).")
        .step("Cross-origin: the API must list DPoP in Access-Control-Allow-Headers.")
        .snippet("nginx", "add_header Access-Control-Allow-Headers \"Authorization, DPoP, Content-Type\" always;");
    let mut finding =
        Finding::new(FindingId::DpopProofInvalid, format!("The DPoP proof is missing or wrong: {problem}."), fix)
            .title("DPoP proof missing or invalid")
            .source("RFC 9449 §4.2, §4.3, §7.1")
            .with("Scheme sent", f.scheme.to_string())
            .with("DPoP headers", proofs.to_string());
    if let Some(k) = jkt {
        finding = finding.with("cnf.jkt", k.to_string());
    }
    if let Some(s) = said {
        finding =
            finding.with("WWW-Authenticate", line_of(ctx, s).unwrap_or_default().to_string()).signal(Signal::Reported);
    }
    out.push(finding);
}

/// How far a DPoP proof's `iat` may be from the server's clock (RFC 9449 §11.1 suggests seconds to
/// minutes; common servers allow 60–300 s).
const DPOP_IAT_WINDOW: i64 = 300;

/// What is wrong with a DPoP proof, checked as a resource server would (RFC 9449 §4.3 steps 1–11,
/// except the signature and `ath`'s hash, which need crypto).
fn proof_problems(ctx: &Ctx<'_, '_>, proof: &str, now: Option<i64>) -> Vec<String> {
    let mut p = Vec::new();
    let j = match jwt::decode(proof) {
        Ok(j) => j,
        Err(e) => return vec![format!("the DPoP proof cannot be decoded: {e}")],
    };
    if !j.typ().is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt")) {
        p.push(format!("the proof's typ is {:?}, not \"dpop+jwt\"", j.typ().unwrap_or("missing")));
    }
    match j.alg() {
        Some(a) if a.eq_ignore_ascii_case("none") || a.starts_with("HS") => {
            p.push(format!("the proof uses alg {a}; DPoP proofs must use an asymmetric algorithm"))
        }
        None => p.push("the proof has no alg".to_string()),
        _ => {}
    }
    if !j.header.contains_key("jwk") {
        p.push("the proof's header has no jwk (the public key)".to_string());
    }
    let Some(claims) = j.claims() else {
        p.push("the proof's payload is not a JSON object".to_string());
        return p;
    };
    let s = |k: &str| claims.get(k).and_then(serde_json::Value::as_str);
    match s("htm") {
        Some(m) if m == ctx.ex.method => {}
        Some(m) => p.push(format!("htm is {m} but the request method is {}", ctx.ex.method)),
        None => p.push("the proof has no htm".to_string()),
    }
    let target = ctx.url.as_ref().map(|u| {
        let mut u = u.clone();
        u.set_query(None);
        u.set_fragment(None);
        u
    });
    match (s("htu"), target) {
        (None, _) => p.push("the proof has no htu".to_string()),
        (Some(h), Some(t)) => {
            let same = url::Url::parse(h).is_ok_and(|mut hu| {
                hu.set_query(None);
                hu.set_fragment(None);
                hu == t
            });
            if !same {
                p.push(format!(
                    "htu is {h} but the request went to {t}: the client signed the proof for another URL (check the base URL it uses)"
                ));
            }
        }
        _ => {}
    }
    if s("jti").is_none() {
        p.push("the proof has no jti".to_string());
    }
    match (j.iat().and_then(TimeClaim::secs), now) {
        (None, _) => p.push("the proof has no numeric iat".to_string()),
        (Some(iat), Some(now)) if (iat - now).abs() > DPOP_IAT_WINDOW => p.push(format!(
            "the proof was created {} {} the server's clock (iat {}): proofs must be fresh",
            format_duration(iat - now),
            if iat < now { "before" } else { "after" },
            format_utc(iat)
        )),
        _ => {}
    }
    if s("ath").is_none() {
        p.push("the proof has no ath (the access token's hash), which is required with an access token".to_string());
    }
    p
}
