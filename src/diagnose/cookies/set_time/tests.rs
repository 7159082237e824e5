//! Set-time rules, end to end through `diagnose_entry`.

use crate::catalogue::FindingId::{self, *};
use crate::correlate::Correlation;
use crate::diagnose::diagnose_entry;
use crate::model::{Capture, Exchange};
use std::borrow::Cow;

use crate::testkit::Hs;

/// A `fetch()` from the app's login page (`testkit::ex` plus the page and initiator).
fn ex(method: &'static str, url: &'static str, status: u16, req: Hs, res: Hs) -> Exchange<'static> {
    let mut e = crate::testkit::ex(method, url, status, req, res);
    e.page_url = Some(Cow::Borrowed("https://app.example.com/login"));
    e.initiator = Some(Cow::Borrowed("https://app.example.com"));
    e
}

fn ids(exchanges: Vec<Exchange<'static>>, i: usize) -> Vec<FindingId> {
    let cap = Capture { exchanges, ..Default::default() };
    let corr = Correlation::build(&cap);
    diagnose_entry(&cap, &corr, i).iter().map(|f| f.id).collect()
}

const API: &str = "https://api.example.com/auth/login";
const ME: &str = "https://api.example.com/v1/me";
const CORS_REQ: Hs = &[("Origin", "https://app.example.com"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty")];
const SET: Hs = &[
    ("Access-Control-Allow-Origin", "https://app.example.com"),
    ("Set-Cookie", "sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax"),
];
const SET_ACAC: Hs = &[
    ("Access-Control-Allow-Origin", "https://app.example.com"),
    ("Access-Control-Allow-Credentials", "true"),
    ("Set-Cookie", "sid=abc123; Path=/; Secure; HttpOnly; SameSite=Lax"),
];

#[test]
fn ignored_without_credentials_table() {
    let later = |req: Hs| ex("GET", ME, 401, req, &[]);
    let with_jar = |mut e: Exchange<'static>| {
        e.jar = Some(vec![crate::model::JarCookie {
            name: Cow::Borrowed("sid"),
            value: Cow::Borrowed("abc123"),
            domain: Cow::Borrowed("api.example.com"),
            host_only: true,
            path: Cow::Borrowed("/"),
            secure: true,
            ..Default::default()
        }]);
        e
    };
    let cases: Vec<(&str, Vec<Exchange<'static>>, bool)> = vec![
        ("no ACAC, nothing after", vec![ex("POST", API, 200, CORS_REQ, SET)], true),
        ("later call without the cookie", vec![ex("POST", API, 200, CORS_REQ, SET_ACAC), later(CORS_REQ)], true),
        ("ACAC true, nothing after", vec![ex("POST", API, 200, CORS_REQ, SET_ACAC)], false),
        (
            "later call carries the cookie",
            vec![
                ex("POST", API, 200, CORS_REQ, SET),
                later(&[("Origin", "https://app.example.com"), ("Cookie", "sid=abc123")]),
            ],
            false,
        ),
        (
            "request already carried cookies",
            vec![ex("POST", API, 200, &[("Origin", "https://app.example.com"), ("Cookie", "lang=en")], SET)],
            false,
        ),
        ("same origin", vec![ex("POST", "https://app.example.com/auth/login", 200, CORS_REQ, SET)], false),
        ("failed request", vec![ex("POST", API, 0, CORS_REQ, SET)], false),
        (
            "in the store at the next failure",
            vec![ex("POST", API, 200, CORS_REQ, SET), with_jar(later(CORS_REQ))],
            false,
        ),
        (
            "stickiness cookie on a token login",
            vec![ex(
                "POST",
                API,
                200,
                CORS_REQ,
                &[
                    ("Set-Cookie", "AWSALBCORS=Zm9v; Path=/; Secure; SameSite=None"),
                    ("Content-Type", "application/json"),
                ],
            )],
            false,
        ),
        (
            "refresh-token cookie on a token login",
            vec![ex("POST", API, 200, CORS_REQ, &[("Set-Cookie", "refresh_token=r1; Path=/auth; Secure; HttpOnly")])],
            true,
        ),
        (
            "not a session cookie, not a login",
            vec![ex("GET", "https://api.example.com/v1/prefs", 200, CORS_REQ, &[("Set-Cookie", "theme=dark; Path=/")])],
            false,
        ),
    ];
    for (name, exchanges, want) in cases {
        assert_eq!(ids(exchanges, 0).contains(&SetCookieIgnoredWithoutCredentials), want, "{name}");
    }
    // A navigation is not a CORS request.
    let mut nav = ex("POST", API, 200, &[], SET);
    nav.resource_type = Some(Cow::Borrowed("document"));
    assert!(!ids(vec![nav], 0).contains(&SetCookieIgnoredWithoutCredentials));
}

#[test]
fn attribute_too_long_names_the_fallback() {
    let long_path = format!("sid=1; Path=/{}; Secure", "a".repeat(1100));
    let line: &'static str = Box::leak(long_path.into_boxed_str());
    let set: &'static [(&'static str, &'static str)] = Box::leak(vec![("Set-Cookie", line)].into_boxed_slice());
    let cap = Capture {
        exchanges: vec![ex("POST", "https://app.example.com/auth/login", 200, &[], set)],
        ..Default::default()
    };
    let corr = Correlation::build(&cap);
    let f = diagnose_entry(&cap, &corr, 0);
    let x = f.iter().find(|x| x.id == SetCookieAttributeTooLong).expect("attribute-too-long");
    assert!(x.explanation.contains("default path `/auth`"), "{}", x.explanation);
    let short = ex("POST", "https://app.example.com/auth/login", 200, &[], &[("Set-Cookie", "sid=1; Path=/; Secure")]);
    assert!(!ids(vec![short], 0).contains(&SetCookieAttributeTooLong));
}

#[test]
fn lifetime_cap_table() {
    let cases: &[(&str, Hs, bool)] = &[
        ("five years", &[("Set-Cookie", "remember=1; Path=/; Max-Age=157680000; Secure")], true),
        ("401 days", &[("Set-Cookie", "remember=1; Path=/; Max-Age=34646400; Secure")], true),
        ("one year", &[("Set-Cookie", "remember=1; Path=/; Max-Age=31536000; Secure")], false),
        ("session cookie", &[("Set-Cookie", "remember=1; Path=/; Secure")], false),
    ];
    for (name, res, want) in cases {
        let e = ex("POST", "https://app.example.com/login", 200, &[], res);
        assert_eq!(ids(vec![e], 0).contains(&SetCookieLifetimeCapped), *want, "{name}");
    }
}

/// `SameSite=None` without `Secure` is an error where the engine refuses it (Chromium, Firefox,
/// and the spec for an unknown browser), and only a predictive warning in Safari, which stores it;
/// the later 401 leads with it only where the cookie was refused.
#[test]
fn samesite_none_insecure_severity_by_engine() {
    use crate::catalogue::Severity;
    use crate::finding::Signal;
    use crate::model::Browser;
    let set = ex(
        "POST",
        "https://app.example.com/login",
        200,
        &[],
        &[("Set-Cookie", "sid=abc123; Path=/; HttpOnly; SameSite=None")],
    );
    let later = ex("GET", "https://app.example.com/api/me", 401, &[], &[]);
    for (browser, severity, leads) in [
        (Browser::Chromium, Severity::Error, true),
        (Browser::Firefox, Severity::Error, true),
        (Browser::Unknown, Severity::Error, true),
        (Browser::Safari, Severity::Warn, false),
    ] {
        let cap = Capture { exchanges: vec![set.clone(), later.clone()], browser, ..Default::default() };
        let corr = Correlation::build(&cap);
        let at_set = diagnose_entry(&cap, &corr, 0);
        let f = at_set.iter().find(|f| f.id == SetCookieSamesiteNoneInsecure).expect("reported at set time");
        assert_eq!(f.severity, severity, "{browser:?}");
        assert_eq!(f.signal == Signal::Predictive, severity == Severity::Warn, "{browser:?}");
        let on_401 = diagnose_entry(&cap, &corr, 1);
        assert_eq!(on_401.first().map(|f| f.id) == Some(SetCookieSamesiteNoneInsecure), leads, "{browser:?}");
        if leads {
            assert_eq!(on_401.first().and_then(|f| f.related.first().copied()), Some(0), "{browser:?}");
        }
    }
}
