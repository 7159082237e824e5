//! Unit tests of the token rules on small hand-built exchanges (the golden scenarios cover whole
//! captures).

use super::*;
use crate::correlate::Correlation;
use crate::finding::Signal;
use crate::model::{Capture, Exchange, Header, Headers};

fn b64(s: &str) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for c in s.as_bytes().chunks(3) {
        let n =
            (u32::from(c[0]) << 16) | (u32::from(*c.get(1).unwrap_or(&0)) << 8) | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..=c.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn token(header: &str, claims: &str) -> String {
    format!("{}.{}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk", b64(header), b64(claims))
}

/// 2026-09-21 14:16:32 UTC.
const DATE: &str = "Mon, 21 Sep 2026 14:16:32 GMT";
const NOW: i64 = 1_790_000_192;

struct Case<'a> {
    status: u16,
    auth: String,
    www: &'a str,
    body: &'a str,
    date: Option<&'a str>,
    client: Option<i64>,
    url: &'a str,
}

impl Default for Case<'_> {
    fn default() -> Self {
        Case {
            status: 401,
            auth: String::new(),
            www: "Bearer error=\"invalid_token\"",
            body: "",
            date: Some(DATE),
            client: Some(NOW),
            url: "https://api.example.com/v1/me",
        }
    }
}

fn run(c: Case<'_>) -> Vec<Finding> {
    let mut rs = vec![Header::new("WWW-Authenticate", c.www)];
    if let Some(d) = c.date {
        rs.push(Header::new("Date", d));
    }
    let ex = Exchange {
        method: "GET".into(),
        url: c.url.into(),
        status: c.status,
        request_headers: Headers(vec![Header { name: "Authorization".into(), value: c.auth.into() }]),
        response_headers: Headers(rs),
        response_body: Some(c.body.into()),
        started_ms: c.client.map(|t| t as f64 * 1000.0),
        ..Default::default()
    };
    let capture = Capture { exchanges: vec![ex], ..Default::default() };
    let corr = Correlation::build(&capture);
    let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
    let mut out = Vec::new();
    check(&ctx, TokenFacts::of(&ctx).as_ref(), &mut out);
    out
}

fn ids(v: &[Finding]) -> Vec<&'static str> {
    v.iter().map(|f| f.id.as_str()).collect()
}

fn bearer(claims: &str) -> String {
    format!("Bearer {}", token(r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#, claims))
}

#[test]
fn expired_quotes_both_clocks() {
    let out =
        run(Case { auth: bearer(&format!(r#"{{"exp":{}}}"#, NOW - 192)), client: Some(NOW - 3), ..Default::default() });
    assert_eq!(ids(&out), ["jwt-expired"]);
    let e = &out[0].explanation;
    assert!(e.contains("expired 3 min 12 s before the server's Date"), "{e}");
    assert!(e.contains("14:13:20 UTC") && e.contains("14:16:32 UTC") && e.contains("14:16:29 UTC"), "{e}");
    assert_eq!(out[0].signal, Signal::Inferred);
}

#[test]
fn expired_within_two_seconds_after_date_is_not_expired() {
    let out = run(Case { auth: bearer(&format!(r#"{{"exp":{}}}"#, NOW + 2)), ..Default::default() });
    assert!(ids(&out).is_empty(), "{:?}", ids(&out));
}

#[test]
fn server_text_makes_it_reported() {
    let out = run(Case {
        auth: bearer(&format!(r#"{{"exp":{}}}"#, NOW - 30)),
        www: "Bearer error=\"invalid_token\", error_description=\"The token expired at '09/21/2026 14:16:02'\"",
        ..Default::default()
    });
    assert_eq!(ids(&out), ["jwt-expired"]);
    assert_eq!(out[0].signal, Signal::Reported);
}

#[test]
fn accepted_tokens_are_not_judged() {
    let out =
        run(Case { status: 200, www: "", auth: bearer(&format!(r#"{{"exp":{}}}"#, NOW - 500)), ..Default::default() });
    assert!(out.is_empty());
}

#[test]
fn lowercase_scheme_and_dpop_are_read() {
    let t = token(r#"{"alg":"none"}"#, "{}");
    let t = t.rsplit_once('.').map(|(a, _)| format!("{a}.")).unwrap();
    for scheme in ["bearer", "BEARER", "DPoP"] {
        let out = run(Case { auth: format!("{scheme} {t}"), ..Default::default() });
        assert!(ids(&out).contains(&"jwt-alg-rejected"), "{scheme}: {:?}", ids(&out));
    }
}

#[test]
fn not_yet_valid_and_leeway() {
    let rows = [
        ("nbf 2 min ahead", format!(r#"{{"nbf":{}}}"#, NOW + 125), true),
        ("nbf 30 s ahead (leeway)", format!(r#"{{"nbf":{}}}"#, NOW + 30), false),
        ("iat 5 min ahead", format!(r#"{{"iat":{}}}"#, NOW + 300), true),
    ];
    for (name, claims, want) in rows {
        let out = run(Case { auth: bearer(&claims), ..Default::default() });
        assert_eq!(ids(&out).contains(&"jwt-not-yet-valid"), want, "{name}: {:?}", ids(&out));
    }
}

#[test]
fn clock_skew_ignores_cached_responses() {
    let auth = bearer(&format!(r#"{{"exp":{}}}"#, NOW + 3600));
    let out = run(Case { auth: auth.clone(), client: Some(NOW - 300), ..Default::default() });
    assert_eq!(ids(&out), ["clock-skew"]);
    assert!(out[0].explanation.contains("5 min 0 s"), "{}", out[0].explanation);
    let out = run(Case { auth, client: Some(NOW - 30), ..Default::default() });
    assert!(out.is_empty());
}

#[test]
fn audience_only_on_evidence() {
    let opaque_aud = bearer(&format!(r#"{{"exp":{},"aud":"my-api"}}"#, NOW + 3600));
    assert!(run(Case { auth: opaque_aud.clone(), ..Default::default() }).is_empty());
    let out = run(Case {
        auth: opaque_aud,
        www: "Bearer error=\"invalid_token\", error_description=\"IDX10214: Audience validation failed.\"",
        ..Default::default()
    });
    assert_eq!(ids(&out), ["jwt-audience-mismatch"]);
    let graph = bearer(&format!(r#"{{"exp":{},"aud":"00000003-0000-0000-c000-000000000000"}}"#, NOW + 3600));
    assert_eq!(ids(&run(Case { auth: graph, ..Default::default() })), ["jwt-audience-mismatch"]);
    let same_site = bearer(&format!(r#"{{"exp":{},"aud":"https://example.com"}}"#, NOW + 3600));
    assert!(run(Case { auth: same_site, ..Default::default() }).is_empty());
    let other_site = bearer(&format!(r#"{{"exp":{},"aud":"https://api.other.org"}}"#, NOW + 3600));
    assert_eq!(ids(&run(Case { auth: other_site, ..Default::default() })), ["jwt-audience-mismatch"]);
}

#[test]
fn id_token_needs_two_signs() {
    let id = bearer(&format!(r#"{{"exp":{},"aud":"client1","azp":"client1","nonce":"n","at_hash":"h"}}"#, NOW + 3600));
    let out = run(Case { auth: id, ..Default::default() });
    assert!(ids(&out).contains(&"id-token-as-access-token"), "{:?}", ids(&out));
    let nonce_only = format!(
        "Bearer {}",
        token(r#"{"alg":"RS256","typ":"at+jwt"}"#, &format!(r#"{{"exp":{},"nonce":"n"}}"#, NOW + 3600))
    );
    assert!(run(Case { auth: nonce_only, ..Default::default() }).is_empty());
}

#[test]
fn malformed_shapes() {
    let good = token(r#"{"alg":"RS256"}"#, &format!(r#"{{"exp":{}}}"#, NOW + 3600));
    let cut = good.get(..good.len() - 40).unwrap().to_string();
    let rows = [
        ("quoted", format!("Bearer \"{good}\""), true),
        ("truncated", format!("Bearer {cut}"), true),
        ("two segments", format!("Bearer {}", good.rsplit_once('.').unwrap().0), true),
        ("fine", format!("Bearer {good}"), false),
        ("opaque with dots", "Bearer ya29.a0AfB_byDg8-jTAQMiRXx".to_string(), false),
    ];
    for (name, auth, want) in rows {
        let out = run(Case { auth, ..Default::default() });
        assert_eq!(ids(&out).contains(&"jwt-malformed"), want, "{name}: {:?}", ids(&out));
    }
}

#[test]
fn token_never_in_text() {
    let t = token(r#"{"alg":"none"}"#, &format!(r#"{{"exp":{}}}"#, NOW - 100));
    let out = run(Case { auth: format!("Bearer {t}"), client: Some(NOW - 400), ..Default::default() });
    assert!(out.len() >= 3, "{:?}", ids(&out));
    for f in &out {
        let json = serde_json::to_string(f).unwrap();
        assert!(!json.contains(&t), "{}", f.id.as_str());
        assert!(!json.contains(t.split('.').nth(1).unwrap()), "{}", f.id.as_str());
    }
}

#[test]
fn signing_key_and_opaque_need_server_text() {
    let auth = bearer(&format!(r#"{{"exp":{}}}"#, NOW + 3600));
    let out = run(Case {
        auth: auth.clone(),
        body: "IDX10503: Signature validation failed. Keys tried: ...",
        ..Default::default()
    });
    assert_eq!(ids(&out), ["jwt-signing-key-unknown"]);
    let out = run(Case {
        auth: "Bearer abcdefOPAQUE123".to_string(),
        body: "{\"error\":\"jwt malformed\"}",
        ..Default::default()
    });
    assert_eq!(ids(&out), ["opaque-token-to-jwt-api"]);
    assert!(run(Case { auth: "Bearer abcdefOPAQUE123".to_string(), ..Default::default() }).is_empty());
}

#[test]
fn dpop_rules() {
    let bound =
        bearer(&format!(r#"{{"exp":{},"cnf":{{"jkt":"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}}}}"#, NOW + 3600));
    assert_eq!(ids(&run(Case { auth: bound, ..Default::default() })), ["dpop-proof-invalid"]);
    let t = format!("DPoP {}", token(r#"{"alg":"ES256"}"#, &format!(r#"{{"exp":{}}}"#, NOW + 3600)));
    let out = run(Case {
        auth: t,
        www: "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"",
        ..Default::default()
    });
    assert!(ids(&out).contains(&"dpop-nonce-required"), "{:?}", ids(&out));
}

#[test]
fn scope_denial_means_the_token_was_accepted() {
    let out = run(Case {
        status: 403,
        auth: bearer(&format!(r#"{{"exp":{}}}"#, NOW - 30)),
        www: "Bearer error=\"insufficient_scope\", scope=\"admin\"",
        ..Default::default()
    });
    assert!(out.is_empty(), "{:?}", ids(&out));
}

#[test]
fn keycloak_access_token_with_nonce_is_not_an_id_token() {
    let kc = bearer(&format!(
        r#"{{"exp":{},"aud":"account","azp":"web","nonce":"n","typ":"Bearer","scope":"openid email","session_state":"s"}}"#,
        NOW + 3600
    ));
    assert!(run(Case { auth: kc, ..Default::default() }).is_empty());
    let kc_id = bearer(&format!(r#"{{"exp":{},"aud":"web","azp":"web","nonce":"n","typ":"ID"}}"#, NOW + 3600));
    assert!(ids(&run(Case { auth: kc_id, ..Default::default() })).contains(&"id-token-as-access-token"));
}

#[test]
fn doubled_scheme_still_reads_the_token() {
    let t = token(r#"{"alg":"RS256"}"#, &format!(r#"{{"exp":{}}}"#, NOW - 100));
    let out = run(Case { auth: format!("Bearer Bearer {t}"), ..Default::default() });
    assert_eq!(ids(&out), ["jwt-expired"]);
}

#[test]
fn dpop_proof_checks() {
    let at = format!("DPoP {}", token(r#"{"alg":"ES256","typ":"at+jwt"}"#, &format!(r#"{{"exp":{}}}"#, NOW + 3600)));
    let jwk = r#""jwk":{"kty":"EC","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}"#;
    let proof = |htm: &str, htu: &str, iat: i64| {
        token(
            &format!(r#"{{"typ":"dpop+jwt","alg":"ES256",{jwk}}}"#),
            &format!(r#"{{"htm":"{htm}","htu":"{htu}","iat":{iat},"jti":"j1","ath":"x"}}"#),
        )
    };
    let run_with = |p: String| {
        let mut rs =
            vec![Header::new("WWW-Authenticate", "DPoP error=\"invalid_dpop_proof\""), Header::new("Date", DATE)];
        rs.push(Header::new("Content-Length", "0"));
        let ex = Exchange {
            method: "GET".into(),
            url: "https://api.example.com/v1/me?x=1".into(),
            status: 401,
            request_headers: Headers(vec![
                Header { name: "Authorization".into(), value: at.clone().into() },
                Header { name: "DPoP".into(), value: p.into() },
            ]),
            response_headers: Headers(rs),
            ..Default::default()
        };
        let capture = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&capture);
        let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
        let mut out = Vec::new();
        check(&ctx, TokenFacts::of(&ctx).as_ref(), &mut out);
        out.into_iter().find(|f| f.id == FindingId::DpopProofInvalid).map(|f| f.explanation)
    };
    let ok = run_with(proof("GET", "https://api.example.com/v1/me", NOW)).unwrap();
    assert!(ok.contains("look right here"), "{ok}");
    let bad = run_with(proof("POST", "https://api.example.com/internal/me", NOW - 3600)).unwrap();
    assert!(bad.contains("htm is POST") && bad.contains("htu is") && bad.contains("1 h 0 min before"), "{bad}");
}

#[test]
fn random_exchanges_never_panic() {
    let pieces: Vec<String> = vec![
        token(r#"{"alg":"none"}"#, r#"{"exp":"x","aud":[1,"a"],"cnf":{"jkt":5}}"#),
        token(
            r#"{"alg":"RS256","typ":"JWT"}"#,
            r#"{"exp":1e300,"nbf":-1,"iat":"9999999999999","aud":"https://é.example"}"#,
        ),
        token(r#"{"enc":"A128GCM"}"#, r#"{"token_use":"id","nonce":null}"#),
        "eyJ".into(),
        ".".into(),
        "\"".into(),
        " ".into(),
        "é".into(),
        "Bearer".into(),
        "=".into(),
    ];
    let bodies =
        ["", "jwt expired", "IDX10205 validissuer: '", "validIssuer: 'é", "error_description=\"", "invalid_grant"];
    let mut state: u64 = 7;
    let mut next = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..3_000 {
        let mut auth = String::from(["Bearer ", "DPoP ", "bearer\t", "Bearer"][next() % 4]);
        for _ in 0..(next() % 4) {
            auth.push_str(&pieces[next() % pieces.len()]);
        }
        let body = bodies[next() % bodies.len()];
        let www =
            ["DPoP error=\"invalid_dpop_proof\"", "Bearer error=\"invalid_token\"", "DPoP error=\"use_dpop_nonce\""]
                [next() % 3];
        let _ = run(Case {
            auth,
            body,
            www,
            client: [None, Some(NOW), Some(NOW - 999)][next() % 3],
            date: [None, Some(DATE)][next() % 2],
            ..Default::default()
        });
    }
}

#[test]
fn other_token_carriers() {
    let t = token(r#"{"alg":"HS256"}"#, &format!(r#"{{"exp":{}}}"#, NOW - 100));
    for auth in [format!("JWT {t}"), t.clone()] {
        assert_eq!(ids(&run(Case { auth: auth.clone(), ..Default::default() })), ["jwt-expired"], "{auth}");
    }
    let ex = Exchange {
        url: "https://api.example.com/x".into(),
        status: 401,
        request_headers: Headers(vec![Header { name: "x-access-token".into(), value: t.clone().into() }]),
        response_headers: Headers(vec![Header::new("Date", DATE)]),
        response_body: Some("{\"message\":\"jwt expired\"}".into()),
        ..Default::default()
    };
    let capture = Capture { exchanges: vec![ex], ..Default::default() };
    let corr = Correlation::build(&capture);
    let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
    let mut out = Vec::new();
    check(&ctx, TokenFacts::of(&ctx).as_ref(), &mut out);
    assert_eq!(ids(&out), ["jwt-expired"]);
    assert_eq!(out[0].signal, Signal::Reported);
    // Basic credentials are never read as tokens.
    assert!(run(Case { auth: "Basic dXNlcjpwYXNz".into(), ..Default::default() }).is_empty());
}

#[test]
fn forbidden_and_network_failures() {
    let just_expired = bearer(&format!(r#"{{"exp":{}}}"#, NOW - 60));
    assert!(run(Case { status: 403, www: "", auth: just_expired.clone(), ..Default::default() }).is_empty());
    let long_expired = bearer(&format!(r#"{{"exp":{}}}"#, NOW - 3600));
    assert_eq!(
        ids(&run(Case { status: 403, www: "", auth: long_expired.clone(), ..Default::default() })),
        ["jwt-expired"]
    );
    // A DNS failure never reached the API; a CORS-masked failure may hide a 401.
    let dns = Exchange {
        url: "https://api.example.com/x".into(),
        request_headers: Headers(vec![Header { name: "Authorization".into(), value: long_expired.into() }]),
        started_ms: Some(NOW as f64 * 1000.0),
        error: Some("net::ERR_NAME_NOT_RESOLVED".into()),
        ..Default::default()
    };
    let mut cors = dns.clone();
    cors.error = Some("net::ERR_FAILED".into());
    for (name, ex, want) in [("dns", dns.clone(), 0), ("cors", cors, 1)] {
        let capture = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&capture);
        let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
        let mut out = Vec::new();
        check(&ctx, TokenFacts::of(&ctx).as_ref(), &mut out);
        assert_eq!(out.len(), want, "{name}: {:?}", ids(&out));
    }
}

#[test]
fn clock_skew_on_cookie_sessions() {
    let mk = |status: u16, client: i64| Exchange {
        url: "https://app.example.com/account".into(),
        status,
        started_ms: Some(client as f64 * 1000.0),
        request_headers: Headers(vec![Header::new("Cookie", "sid=abc")]),
        response_headers: Headers(vec![Header::new("Date", DATE)]),
        ..Default::default()
    };
    for (name, ex, want) in
        [("skewed 401", mk(401, NOW + 900), 1), ("skewed 200", mk(200, NOW + 900), 0), ("in sync", mk(401, NOW + 5), 0)]
    {
        let capture = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&capture);
        let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
        let mut out = Vec::new();
        check(&ctx, TokenFacts::of(&ctx).as_ref(), &mut out);
        assert_eq!(out.len(), want, "{name}: {:?}", ids(&out));
    }
}

#[test]
fn audience_heuristics_are_guarded() {
    let arm = bearer(&format!(r#"{{"exp":{},"aud":"https://management.azure.com/"}}"#, NOW + 3600));
    let out = run(Case { auth: arm, ..Default::default() });
    assert_eq!(ids(&out), ["jwt-audience-mismatch"]);
    assert!(out[0].explanation.contains("Azure Resource Manager"), "{}", out[0].explanation);
    // An expired token explains the 401; an Auth0-style logical identifier is not blamed on top.
    let logical = bearer(&format!(r#"{{"exp":{},"aud":"https://api.mycompany.com"}}"#, NOW - 600));
    let out = run(Case { auth: logical, url: "https://mycompany-api.herokuapp.com/orders", ..Default::default() });
    assert_eq!(ids(&out), ["jwt-expired"]);
}

#[test]
fn expired_id_token_ranks_expiry_first() {
    let google = bearer(&format!(
        r#"{{"exp":{},"aud":"123.apps.googleusercontent.com","azp":"123.apps.googleusercontent.com","at_hash":"h","iss":"https://accounts.google.com"}}"#,
        NOW - 600
    ));
    let mut out = run(Case { auth: google, ..Default::default() });
    crate::diagnose::rank::rank(&mut out);
    assert_eq!(ids(&out).first(), Some(&"jwt-expired"), "{:?}", ids(&out));
    assert!(ids(&out).contains(&"id-token-as-access-token"));
}

#[test]
fn a_jwt_kept_in_an_auth_cookie_is_judged() {
    let jwt = token(r#"{"alg":"HS256","typ":"JWT"}"#, &format!(r#"{{"exp":{}}}"#, NOW - 300));
    let cases = [("access_token", true), ("sb-access-token", true), ("jwt", true), ("consent_prefs", false)];
    for (name, judged) in cases {
        let ex = Exchange {
            method: "GET".into(),
            url: "https://app.example.com/api/me".into(),
            status: 401,
            request_headers: Headers(vec![Header::new("Cookie", "theme=dark")]),
            response_headers: Headers(vec![Header::new("Date", DATE)]),
            started_ms: Some(NOW as f64 * 1000.0),
            ..Default::default()
        };
        let line = format!("theme=dark; {name}={jwt}");
        let ex =
            Exchange { request_headers: Headers(vec![Header { name: "Cookie".into(), value: line.into() }]), ..ex };
        let capture = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&capture);
        let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
        let mut out = Vec::new();
        check(&ctx, TokenFacts::of(&ctx).as_ref(), &mut out);
        let expired = out.iter().find(|f| f.id == FindingId::JwtExpired);
        assert_eq!(expired.is_some(), judged, "{name}: {:?}", ids(&out));
        if let Some(f) = expired {
            assert!(f.evidence.iter().any(|e| e.label == format!("Token (cookie {name})")), "{name}");
        }
    }
}

/// Runs the rules on one exchange with the given request and response headers.
fn run_headers(request: Vec<Header<'static>>, response: Vec<Header<'static>>) -> Vec<Finding> {
    let ex = Exchange {
        method: "GET".into(),
        url: "https://api.example.com/v1/me".into(),
        status: 401,
        request_headers: Headers(request),
        response_headers: Headers(response),
        started_ms: Some(NOW as f64 * 1000.0),
        ..Default::default()
    };
    let capture = Capture { exchanges: vec![ex], ..Default::default() };
    let corr = Correlation::build(&capture);
    let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
    let mut out = Vec::new();
    check(&ctx, TokenFacts::of(&ctx).as_ref(), &mut out);
    out
}

#[test]
fn dpop_evidence_quotes_the_line_of_the_parsed_challenge() {
    let t = format!("DPoP {}", token(r#"{"alg":"ES256"}"#, &format!(r#"{{"exp":{}}}"#, NOW + 3600)));
    let nonce = "DPoP error=\"use_dpop_nonce\", algs=\"ES256\"";
    let out = run_headers(
        vec![Header { name: "Authorization".into(), value: t.into() }],
        vec![
            Header::new("WWW-Authenticate", "Bearer realm=\"api\""),
            Header::new("WWW-Authenticate", nonce),
            Header::new("Date", DATE),
        ],
    );
    let f = out.iter().find(|f| f.id == FindingId::DpopNonceRequired).expect("nonce demand found");
    assert!(f.evidence.iter().any(|e| e.label == "WWW-Authenticate" && e.value == nonce), "{:?}", f.evidence);
    // The words in a description are not the error code.
    let said = "Bearer error=\"invalid_token\", error_description=\"no use_dpop_nonce here\"";
    let t = format!("Bearer {}", token(r#"{"alg":"ES256"}"#, &format!(r#"{{"exp":{}}}"#, NOW + 3600)));
    let out = run_headers(
        vec![Header { name: "Authorization".into(), value: t.into() }],
        vec![Header::new("WWW-Authenticate", said), Header::new("Date", DATE)],
    );
    assert!(!ids(&out).contains(&"dpop-nonce-required"), "{:?}", ids(&out));
}

#[test]
fn quoted_cookie_jwt_is_read_from_the_parsed_pairs() {
    let jwt = token(r#"{"alg":"HS256"}"#, &format!(r#"{{"exp":{}}}"#, NOW - 300));
    let line = format!("theme=dark;access_token=\"{jwt}\"");
    let out = run_headers(
        vec![Header { name: "Cookie".into(), value: line.into() }, Header::new("Cookie", "jwt=not-a-token")],
        vec![Header::new("Date", DATE)],
    );
    assert_eq!(ids(&out), ["jwt-expired"]);
    assert!(out[0].evidence.iter().any(|e| e.label == "Token (cookie access_token)"));
}

/// The popup's facts reuse the rules' decoding only where a fresh decoding would be the same.
#[test]
fn jwt_facts_equal_a_fresh_decoding() {
    let t = token(r#"{"alg":"RS256","kid":"k"}"#, &format!(r#"{{"exp":{},"aud":"https://api.example.com"}}"#, NOW));
    let signed = t.rsplit_once('.').map(|(s, _)| s.to_string()).unwrap();
    for auth in [
        format!("Bearer {t}"),
        format!("Bearer \"{t}\""),
        format!("Bearer Bearer {t}"),
        format!("DPoP {t}"),
        format!("bearer {signed}.[REDACTED]"),
        format!("Bearer {signed}.a.b"),
    ] {
        let ex = Exchange {
            url: "https://api.example.com/v1/me".into(),
            status: 401,
            request_headers: Headers(vec![Header { name: "Authorization".into(), value: auth.clone().into() }]),
            response_headers: Headers(vec![Header::new("Date", DATE)]),
            started_ms: Some((NOW + 600) as f64 * 1000.0),
            ..Default::default()
        };
        let capture = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&capture);
        let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
        let fresh = JwtFacts::of(&ctx, None).expect("a JWT in Authorization");
        assert_eq!(JwtFacts::of(&ctx, TokenFacts::of(&ctx)), Some(fresh.clone()), "{auth}");
        if let Ok(j) = &fresh.decoded {
            assert!(j.claims().is_some(), "{auth}");
            let exp = fresh.exp.and_then(|c| c.relative).expect("exp checked");
            assert_eq!((exp.basis, exp.from_now, exp.from_client, exp.fails), (Basis::Server, 0, Some(-600), true));
            assert_eq!(fresh.audience, AudienceCheck::NamesHost, "{auth}");
        }
    }
}

/// Issue 8: the request host enters the audience snippets as a string literal of each language.
#[test]
fn hostile_host_stays_quoted_in_audience_snippets() {
    let graph = bearer(&format!(r#"{{"exp":{},"aud":"00000003-0000-0000-c000-000000000000"}}"#, NOW + 3600));
    let out = run(Case { auth: graph, url: "https://x'\"$(id)`id`.example/v1", ..Default::default() });
    let f = out.iter().find(|f| f.id == FindingId::JwtAudienceMismatch).expect("audience finding");
    let code = |lang: &str| f.fix.snippets.iter().find(|s| s.lang == lang).map(|s| s.code.clone()).unwrap_or_default();
    let lit = r#""https://x'\"$(id)`id`.example""#;
    assert_eq!(code("js"), format!("await auth0.getTokenSilently({{ authorizationParams: {{ audience: {lit} }} }});"));
    assert!(code("aspnet").contains(&format!("new[] {{ {lit}, ")), "{}", code("aspnet"));
    assert_eq!(code("spring"), format!("spring.security.oauth2.resourceserver.jwt.audiences: {lit}"));
}

/// A capture of an SPA whose computer's clock is `skew` seconds off the servers' (positive: ahead):
/// five page loads, a token refresh answered with `token_body`, then `api` (the failing call) 30 s
/// later. Every response's Date is the servers' time; every start is the client's.
fn skewed_capture(skew: i64, token_body: String, api: Exchange<'static>) -> Capture<'static> {
    use crate::headers::date::format_http_date;
    let at = |server: i64, mut ex: Exchange<'static>| {
        ex.started_ms = Some((server + skew) as f64 * 1000.0 + 120.0);
        ex.response_headers.0.push(Header { name: "Date".into(), value: format_http_date(server).into() });
        ex
    };
    let page = |i: i64| {
        at(
            NOW - 60 + i,
            Exchange {
                url: format!("https://app.example.com/static/{i}.js").into(),
                status: 200,
                ..Default::default()
            },
        )
    };
    let refresh = at(
        NOW - 30,
        Exchange {
            method: "POST".into(),
            url: "https://id.example.com/oauth/token".into(),
            status: 200,
            request_body: Some("grant_type=refresh_token&refresh_token=r1".into()),
            response_body: Some(token_body.into()),
            ..Default::default()
        },
    );
    let mut exchanges: Vec<_> = (0..5).map(page).collect();
    exchanges.push(refresh);
    exchanges.push(at(NOW, api));
    Capture { exchanges, ..Default::default() }
}

fn api_call(auth: Option<String>) -> Exchange<'static> {
    let mut rq = vec![Header::new("Accept", "application/json")];
    let www = if auth.is_some() { "Bearer error=\"invalid_token\"" } else { "Bearer realm=\"api\"" };
    if let Some(a) = auth {
        rq.push(Header { name: "Authorization".into(), value: a.into() });
    }
    Exchange {
        url: "https://api.example.com/v1/orders".into(),
        status: 401,
        resource_type: Some("fetch".into()),
        request_headers: Headers(rq),
        response_headers: Headers(vec![Header::new("WWW-Authenticate", www)]),
        ..Default::default()
    }
}

fn first_ids(c: &Capture<'_>) -> Vec<&'static str> {
    let d = crate::diagnose::diagnose_capture(c);
    let last = d.iter().find(|e| e.index == c.exchanges.len() - 1).expect("the API call is diagnosed");
    ids(&last.findings)
}

#[test]
fn a_clock_ahead_discards_a_fresh_token_and_the_skew_leads() {
    let body = |life: i64| {
        let at = token(r#"{"alg":"RS256"}"#, &format!(r#"{{"exp":{}}}"#, NOW - 30 + life));
        format!(r#"{{"access_token":"{at}","token_type":"Bearer","expires_in":{life}}}"#)
    };
    // Two hours ahead, a five-minute token: by this computer's clock it expired before it arrived.
    let c = skewed_capture(7200, body(300), api_call(None));
    let got = first_ids(&c);
    assert_eq!(got.first(), Some(&"clock-skew"), "{got:?}");
    let d = crate::diagnose::diagnose_capture(&c);
    let f = &d.last().unwrap().findings[0];
    assert!(f.explanation.contains("follows this computer's clock"), "{}", f.explanation);
    assert!(f.explanation.contains("7 of the 7"), "{}", f.explanation);
    assert_eq!(f.related, [5], "points at the refresh");
    // Opaque token: expires_in alone dates it.
    let opaque = skewed_capture(7200, r#"{"access_token":"abc","expires_in":"600"}"#.into(), api_call(None));
    assert_eq!(first_ids(&opaque).first(), Some(&"clock-skew"));
    // Near misses: the clocks agree; the token outlives the skew; the token really is expired.
    assert_ne!(first_ids(&skewed_capture(3, body(300), api_call(None))).first(), Some(&"clock-skew"));
    let story = |c: &Capture<'_>| {
        crate::diagnose::diagnose_capture(c)
            .last()
            .is_some_and(|d| d.findings.iter().any(|f| f.explanation.contains("token endpoint issued")))
    };
    assert!(story(&c));
    assert!(!story(&skewed_capture(7200, body(86_400), api_call(None))), "the token outlives the skew");
    assert!(!story(&skewed_capture(7200, body(10), api_call(None))), "expired by the servers' clock too");
    // The extension's capture has no response bodies: the story stands, said to be unconfirmed.
    let mut blind = skewed_capture(7200, body(300), api_call(None));
    blind.exchanges[5].response_body = None;
    let d = crate::diagnose::diagnose_capture(&blind);
    let f = &d.last().unwrap().findings[0];
    assert_eq!(f.id.as_str(), "clock-skew");
    assert!(f.explanation.contains("cannot read response bodies"), "{}", f.explanation);
    // …but only after a token request: any other POST that succeeded is not a refresh.
    let mut other = skewed_capture(7200, body(300), api_call(None));
    other.exchanges[5].response_body = None;
    other.exchanges[5].url = "https://app.example.com/api/events".into();
    other.exchanges[5].request_body = None;
    assert!(
        !story(&other)
            && crate::diagnose::diagnose_capture(&other)
                .last()
                .unwrap()
                .findings
                .iter()
                .all(|f| !f.explanation.contains("token request"))
    );
    let dead = skewed_capture(7200, body(10), api_call(None));
    let d = crate::diagnose::diagnose_capture(&dead);
    assert!(d.last().unwrap().findings.iter().all(|f| !f.explanation.contains("token endpoint issued")));
}

#[test]
fn a_clock_behind_keeps_an_expired_token_and_the_skew_leads() {
    let expired = bearer(&format!(r#"{{"exp":{}}}"#, NOW - 300));
    // Ten minutes behind: the app's clock says the token has 5 min left.
    let c = skewed_capture(-600, r#"{"access_token":"abc","expires_in":300}"#.into(), api_call(Some(expired.clone())));
    let got = first_ids(&c);
    assert_eq!(got[..2], ["clock-skew", "jwt-expired"], "{got:?}");
    // In sync: the token is simply expired.
    let c = skewed_capture(0, r#"{"access_token":"abc","expires_in":300}"#.into(), api_call(Some(expired)));
    let got = first_ids(&c);
    assert_eq!(got.first(), Some(&"jwt-expired"), "{got:?}");
    assert!(!got.contains(&"clock-skew"), "{got:?}");
}
