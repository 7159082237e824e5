//! Rule-level tests: each builds a small capture and checks the ids `check` produces.

use super::*;
use crate::correlate::Correlation;
use crate::model::{Capture, CorsErrorStatus, Header};
use std::borrow::Cow;

fn ex(
    method: &'static str,
    url: &'static str,
    status: u16,
    req: &[(&'static str, &'static str)],
    res: &[(&'static str, &'static str)],
) -> Exchange<'static> {
    Exchange {
        method: Cow::Borrowed(method),
        url: Cow::Borrowed(url),
        status,
        request_headers: Headers(req.iter().map(|(n, v)| Header::new(n, v)).collect()),
        response_headers: Headers(res.iter().map(|(n, v)| Header::new(n, v)).collect()),
        page_url: Some(Cow::Borrowed("https://app.example.com/dashboard")),
        resource_type: Some(Cow::Borrowed(if method == "OPTIONS" { "preflight" } else { "fetch" })),
        ..Default::default()
    }
}

fn ids(cap: &Capture<'_>, i: usize) -> Vec<FindingId> {
    let corr = Correlation::build(cap);
    let ctx = Ctx::new(cap, &corr, i, &cap.exchanges[i]);
    let mut out = Vec::new();
    check(&ctx, &mut out);
    out.iter().map(|f| f.id).collect()
}

const ORIGIN: (&str, &str) = ("Origin", "https://app.example.com");
const MODE: (&str, &str) = ("Sec-Fetch-Mode", "cors");

#[test]
fn healthy_credentialed_exchange_is_silent() {
    let cap = Capture {
        exchanges: vec![
            ex(
                "OPTIONS",
                "https://api.example.net/v1/me",
                204,
                &[
                    ORIGIN,
                    ("Access-Control-Request-Method", "GET"),
                    ("Access-Control-Request-Headers", "authorization"),
                ],
                &[
                    ("Access-Control-Allow-Origin", "https://app.example.com"),
                    ("Access-Control-Allow-Credentials", "true"),
                    ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                    ("Access-Control-Allow-Methods", "GET, POST"),
                    ("Vary", "Origin"),
                ],
            ),
            ex(
                "GET",
                "https://api.example.net/v1/me",
                200,
                &[ORIGIN, MODE, ("Authorization", "Bearer abc.def.ghi"), ("Cookie", "sid=1")],
                &[
                    ("Access-Control-Allow-Origin", "https://app.example.com"),
                    ("Access-Control-Allow-Credentials", "true"),
                    ("Vary", "Origin"),
                    ("Cache-Control", "private, max-age=60"),
                ],
            ),
        ],
        ..Default::default()
    };
    assert_eq!(ids(&cap, 0), []);
    assert_eq!(ids(&cap, 1), []);
}

#[test]
fn reported_header_disallowed_maps_to_authorization() {
    let mut main = ex("GET", "https://api.example.net/v1/me", 0, &[ORIGIN, MODE, ("Authorization", "Bearer x")], &[]);
    main.cors_error = Some(CorsErrorStatus {
        cors_error: Cow::Borrowed("HeaderDisallowedByPreflightResponse"),
        failed_parameter: Cow::Borrowed("authorization"),
    });
    let cap = Capture { exchanges: vec![main], ..Default::default() };
    assert_eq!(ids(&cap, 0), [FindingId::CorsAuthorizationNotAllowed]);
}

#[test]
fn missing_acao_on_401_is_the_mask_only() {
    let cap = Capture {
        exchanges: vec![ex(
            "GET",
            "https://api.example.net/v1/me",
            401,
            &[ORIGIN, MODE],
            &[("WWW-Authenticate", "Bearer error=\"invalid_token\"")],
        )],
        ..Default::default()
    };
    let got = ids(&cap, 0);
    assert!(got.contains(&FindingId::CorsErrorMasks401), "{got:?}");
    assert!(!got.contains(&FindingId::CorsAllowOriginMissing), "{got:?}");
}

#[test]
fn same_origin_has_no_cors_view() {
    let cap = Capture {
        exchanges: vec![ex(
            "GET",
            "https://app.example.com/api/me",
            401,
            &[MODE, ("Sec-Fetch-Site", "same-origin")],
            &[],
        )],
        ..Default::default()
    };
    let corr = Correlation::build(&cap);
    let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
    assert!(cors_view(&ctx).is_none());
    assert_eq!(ids(&cap, 0), []);
}
