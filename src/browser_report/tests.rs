//! The reason table against the protocol's own lists and DIAGNOSES Appendix A, and the matching,
//! merging and comparison of browser reports.

use super::reasons::{self, Cause, Enum, TABLE};
use super::*;
use crate::catalogue::FindingId::{self, *};
use crate::testkit::{T0_MS, capture, ex};

/// Every value of the six enums in devtools-protocol (data/cdp-browser-reasons.json) has a row.
#[test]
fn table_covers_every_protocol_value() {
    let data: serde_json::Value = serde_json::from_str(include_str!("../../data/cdp-browser-reasons.json")).unwrap();
    let enums = data["enums"].as_object().unwrap();
    let within = |name: &str| match name {
        "Network.CookieBlockedReason" => Enum::CookieBlockedReason,
        "Network.SetCookieBlockedReason" => Enum::SetCookieBlockedReason,
        "Network.CorsError" => Enum::CorsError,
        "Network.CookieExemptionReason" => Enum::CookieExemptionReason,
        "Audits.CookieExclusionReason" => Enum::CookieExclusionReason,
        "Audits.CookieWarningReason" => Enum::CookieWarningReason,
        other => panic!("unexpected enum {other}"),
    };
    let mut n = 0;
    for (name, values) in enums {
        let e = within(name);
        assert_eq!(e.protocol_name(), name);
        for v in values.as_array().unwrap() {
            let v = v.as_str().unwrap();
            let row = reasons::lookup(e, v).unwrap_or_else(|| panic!("{name}.{v} has no row"));
            assert!(!row.source.contains("A.9"), "{name}.{v} is current, not an alias");
            n += 1;
        }
    }
    assert_eq!(n, 18 + 20 + 28 + 7 + 9 + 14);
    // No row twice, and every row that is not an alias is in the protocol's lists.
    for (i, a) in TABLE.iter().enumerate() {
        assert!(!TABLE[i + 1..].iter().any(|b| a.within == b.within && a.name == b.name), "{} twice", a.name);
        let listed = enums[a.within.protocol_name()].as_array().unwrap().iter().any(|v| v == a.name);
        assert_eq!(listed, a.source != "A.9", "{}.{} source {}", a.within.protocol_name(), a.name, a.source);
    }
}

/// Appendix A, restated row by row: reason → the ids it states (`-` none, `!` browser-only,
/// `~` predictive only).
const EXPECTED: &str = "
CB SecureOnly secure-cookie-insecure-origin
CB NotOnPath cookie-not-on-path
CB DomainMismatch cookie-domain-mismatch
CB SameSiteStrict cookie-samesite-strict-excluded
CB SameSiteLax cookie-samesite-lax-excluded
CB SameSiteUnspecifiedTreatedAsLax cookie-samesite-lax-excluded cookie-lax-allow-unsafe-expired
CB SameSiteNoneInsecure set-cookie-samesite-none-insecure
CB UserPreferences cookie-third-party-blocked
CB ThirdPartyPhaseout cookie-third-party-blocked
CB ThirdPartyBlockedInFirstPartySet cookie-third-party-blocked
CB UnknownError -
CB SchemefulSameSiteStrict schemeful-same-site cookie-samesite-strict-excluded
CB SchemefulSameSiteLax schemeful-same-site cookie-samesite-lax-excluded cookie-lax-allow-unsafe-expired
CB SchemefulSameSiteUnspecifiedTreatedAsLax schemeful-same-site cookie-samesite-lax-excluded cookie-lax-allow-unsafe-expired
CB NameValuePairExceedsMaxSize set-cookie-too-large
CB PortMismatch origin-bound-cookie-mismatch
CB SchemeMismatch origin-bound-cookie-mismatch
CB AnonymousContext ! cookie-anonymous-context
CB SamePartyFromCrossPartyContext cookie-third-party-blocked
SB SecureOnly secure-cookie-insecure-origin
SB SameSiteStrict set-cookie-samesite-blocked-cross-site
SB SameSiteLax set-cookie-samesite-blocked-cross-site
SB SameSiteUnspecifiedTreatedAsLax set-cookie-samesite-blocked-cross-site
SB SameSiteNoneInsecure set-cookie-samesite-none-insecure
SB UserPreferences set-cookie-third-party-blocked
SB ThirdPartyPhaseout set-cookie-third-party-blocked
SB ThirdPartyBlockedInFirstPartySet set-cookie-third-party-blocked
SB SyntaxError set-cookie-syntax-error
SB SchemeNotSupported set-cookie-scheme-not-supported
SB OverwriteSecure overwrite-secure-cookie
SB InvalidDomain set-cookie-invalid-domain
SB InvalidPrefix set-cookie-invalid-prefix
SB UnknownError -
SB SchemefulSameSiteStrict schemeful-same-site set-cookie-samesite-blocked-cross-site
SB SchemefulSameSiteLax schemeful-same-site set-cookie-samesite-blocked-cross-site
SB SchemefulSameSiteUnspecifiedTreatedAsLax schemeful-same-site set-cookie-samesite-blocked-cross-site
SB NameValuePairExceedsMaxSize set-cookie-too-large
SB DisallowedCharacter set-cookie-syntax-error
SB NoCookieContent set-cookie-syntax-error
SB SamePartyFromCrossPartyContext set-cookie-third-party-blocked
SB SamePartyConflictsWithOtherAttributes set-cookie-syntax-error
EX None -
EX UserSetting ! cookie-exemption-in-effect
EX EnterprisePolicy ! cookie-exemption-in-effect
EX StorageAccess ! cookie-exemption-in-effect
EX TopLevelStorageAccess ! cookie-exemption-in-effect
EX Scheme ! cookie-exemption-in-effect
EX SameSiteNoneCookiesInSandbox ! cookie-exemption-in-effect
EX TPCDMetadata ! cookie-exemption-in-effect
EX TPCDDeprecationTrial ! cookie-exemption-in-effect
EX TopLevelTPCDDeprecationTrial ! cookie-exemption-in-effect
EX TPCDHeuristics ! cookie-exemption-in-effect
CE DisallowedByMode cors-mode-or-scheme-blocked
CE InvalidResponse cors-preflight-bad-status
CE WildcardOriginNotAllowed cors-wildcard-with-credentials
CE MissingAllowOriginHeader cors-error-masks-401 cors-allow-origin-missing cors-redirect-to-login
CE MultipleAllowOriginValues cors-allow-origin-malformed
CE InvalidAllowOriginValue cors-allow-origin-malformed
CE AllowOriginMismatch cors-allow-origin-mismatch cors-origin-null
CE InvalidAllowCredentials cors-allow-credentials-invalid
CE CorsDisabledScheme cors-mode-or-scheme-blocked
CE PreflightInvalidStatus cors-preflight-blocked-by-auth cors-preflight-bad-status
CE PreflightDisallowedRedirect cors-preflight-redirect
CE PreflightWildcardOriginNotAllowed cors-wildcard-with-credentials
CE PreflightMissingAllowOriginHeader cors-preflight-blocked-by-auth cors-allow-origin-missing cors-preflight-bad-status
CE PreflightMultipleAllowOriginValues cors-allow-origin-malformed
CE PreflightInvalidAllowOriginValue cors-allow-origin-malformed
CE PreflightAllowOriginMismatch cors-allow-origin-mismatch cors-origin-null
CE PreflightInvalidAllowCredentials cors-allow-credentials-invalid
CE PreflightMissingAllowExternal -
CE PreflightInvalidAllowExternal -
CE InvalidAllowMethodsPreflightResponse cors-allow-list-unparseable
CE InvalidAllowHeadersPreflightResponse cors-allow-list-unparseable
CE MethodDisallowedByPreflightResponse cors-method-not-allowed
CE HeaderDisallowedByPreflightResponse cors-authorization-not-allowed cors-request-header-not-allowed
CE RedirectContainsCredentials cors-redirect-contains-credentials
CE InsecureLocalNetwork lna-insecure-initiator
CE InvalidLocalNetworkAccess lna-address-space-mismatch
CE NoCorsRedirectModeNotFollow cors-mode-or-scheme-blocked
CE LocalNetworkAccessPermissionDenied lna-permission-denied
CE InsecurePrivateNetwork lna-insecure-initiator
CE InvalidPrivateNetworkAccess lna-address-space-mismatch
CE UnexpectedPrivateNetworkAccess lna-address-space-mismatch
CE PreflightMissingAllowPrivateNetwork lna-permission-denied
CE PreflightInvalidAllowPrivateNetwork lna-permission-denied
CE PrivateNetworkAccessPermissionDenied lna-permission-denied
CE PrivateNetworkAccessPermissionUnavailable lna-permission-denied
CE PreflightMissingPrivateNetworkAccessId lna-permission-denied
CE PreflightMissingPrivateNetworkAccessName lna-permission-denied
CX ExcludeSameSiteUnspecifiedTreatedAsLax cookie-samesite-lax-excluded cookie-lax-allow-unsafe-expired set-cookie-samesite-blocked-cross-site
CX ExcludeSameSiteNoneInsecure set-cookie-samesite-none-insecure
CX ExcludeSameSiteLax cookie-samesite-lax-excluded set-cookie-samesite-blocked-cross-site
CX ExcludeSameSiteStrict cookie-samesite-strict-excluded set-cookie-samesite-blocked-cross-site
CX ExcludeDomainNonASCII set-cookie-invalid-domain
CX ExcludeThirdPartyCookieBlockedInFirstPartySet cookie-third-party-blocked set-cookie-third-party-blocked
CX ExcludeThirdPartyPhaseout cookie-third-party-blocked set-cookie-third-party-blocked
CX ExcludePortMismatch origin-bound-cookie-mismatch
CX ExcludeSchemeMismatch origin-bound-cookie-mismatch
CX ExcludeSamePartyCrossPartyContext cookie-third-party-blocked
CX ExcludeInvalidSameParty set-cookie-syntax-error
CW WarnSameSiteUnspecifiedCrossSiteContext ~ cookie-samesite-lax-excluded
CW WarnSameSiteNoneInsecure ~ set-cookie-samesite-none-insecure
CW WarnSameSiteUnspecifiedLaxAllowUnsafe ~ cookie-lax-allow-unsafe-expired
CW WarnSameSiteStrictLaxDowngradeStrict ~ schemeful-same-site
CW WarnSameSiteStrictCrossDowngradeStrict ~ schemeful-same-site
CW WarnSameSiteStrictCrossDowngradeLax ~ schemeful-same-site
CW WarnSameSiteLaxCrossDowngradeStrict ~ schemeful-same-site
CW WarnSameSiteLaxCrossDowngradeLax ~ schemeful-same-site
CW WarnAttributeValueExceedsMaxSize ~ set-cookie-attribute-too-long
CW WarnDomainNonASCII ~ set-cookie-invalid-domain
CW WarnThirdPartyPhaseout ~ cookie-third-party-blocked
CW WarnCrossSiteRedirectDowngradeChangesInclusion ~ cookie-cross-site-redirect-downgrade
CW WarnDeprecationTrialMetadata ~ cookie-exemption-in-effect
CW WarnThirdPartyCookieHeuristic ~ cookie-exemption-in-effect
";

#[test]
fn every_mapped_reason_states_its_appendix_ids() {
    let mut rows = 0;
    for line in EXPECTED.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let within = match words.next().unwrap() {
            "CB" => Enum::CookieBlockedReason,
            "SB" => Enum::SetCookieBlockedReason,
            "CE" => Enum::CorsError,
            "EX" => Enum::CookieExemptionReason,
            "CX" => Enum::CookieExclusionReason,
            "CW" => Enum::CookieWarningReason,
            other => panic!("{other}"),
        };
        let name = words.next().unwrap();
        let rest: Vec<&str> = words.collect();
        let id = |s: &str| FindingId::parse(s).unwrap_or_else(|| panic!("{s} is not a catalogue id"));
        let cause = reasons::cause_of(within, name);
        let want = match rest.first().copied() {
            Some("-") => None,
            Some("!") => Some((rest[1..].iter().map(|s| id(s)).collect::<Vec<_>>(), "browser-only")),
            Some("~") => Some((rest[1..].iter().map(|s| id(s)).collect::<Vec<_>>(), "predictive")),
            _ => Some((rest.iter().map(|s| id(s)).collect::<Vec<_>>(), "compared")),
        };
        match (cause, want) {
            (Cause::Generic | Cause::Ignored, None) => {}
            (Cause::Ids(ids), Some((w, "compared")))
            | (Cause::BrowserOnly(ids), Some((w, "browser-only")))
            | (Cause::Predictive(ids), Some((w, "predictive"))) => assert_eq!(ids, w.as_slice(), "{line}"),
            (got, _) => panic!("{line}: got {got:?}"),
        }
        rows += 1;
    }
    assert_eq!(rows, TABLE.len(), "every row of the table is restated here");
}

#[test]
fn unknown_reasons_are_shown_raw_and_name_nothing() {
    assert_eq!(reasons::cause_of(Enum::CookieBlockedReason, "SomethingNew2027"), Cause::Generic);
    assert_eq!(reasons::cause_of(Enum::CorsError, ""), Cause::Generic);
    // Names are case-sensitive in the protocol: a near miss is unknown, not a match.
    assert_eq!(reasons::cause_of(Enum::CookieBlockedReason, "samesitelax"), Cause::Generic);
    let r = BrowserReport {
        associated_cookies: Some(vec![AssociatedCookie {
            name: "sid".into(),
            blocked_reasons: vec!["SomethingNew2027".into()],
            exemption_reason: None,
        }]),
        ..Default::default()
    };
    let v = verdicts(&r);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].reasons, ["Network.CookieBlockedReason.SomethingNew2027"]);
    assert!(v[0].ids.is_empty());
    assert!(!v[0].compared);
}

#[test]
fn exemption_none_is_no_verdict_and_a_real_exemption_is_browser_only() {
    let cookie = |e: &'static str| AssociatedCookie {
        name: "sid".into(),
        blocked_reasons: vec![],
        exemption_reason: Some(e.into()),
    };
    let r = BrowserReport { associated_cookies: Some(vec![cookie("None")]), ..Default::default() };
    assert!(verdicts(&r).is_empty());
    let r = BrowserReport { associated_cookies: Some(vec![cookie("StorageAccess")]), ..Default::default() };
    let v = verdicts(&r);
    assert_eq!(v[0].kind, VerdictKind::CookieExempted);
    assert_eq!(v[0].ids, [CookieExemptionInEffect]);
    assert!(!v[0].compared);
}

#[test]
fn set_cookie_verdicts_name_the_cookie_and_hostile_text_is_bounded() {
    let long = "x".repeat(10_000);
    let r = BrowserReport {
        blocked_cookies: vec![
            BlockedSetCookie {
                cookie_line: "bad_none=1; SameSite=None".into(),
                blocked_reasons: vec!["SameSiteNoneInsecure".into()],
            },
            BlockedSetCookie { cookie_line: long.clone().into(), blocked_reasons: vec![long.clone()] },
        ],
        ..Default::default()
    };
    let v = verdicts(&r);
    assert_eq!(v[0].subject, "bad_none");
    assert_eq!(v[0].ids, [SetCookieSamesiteNoneInsecure]);
    assert!(v[1].subject.len() <= 120 && v[1].reasons[0].len() < 200);
}

fn report(method: &'static str, url: &'static str, at: f64) -> BrowserReport<'static> {
    BrowserReport { method: method.into(), url: url.into(), started_ms: Some(T0_MS + at), ..Default::default() }
}

#[test]
fn attach_matches_method_url_and_the_nearest_start() {
    let a = ex("GET", "https://api.example.com/me", 401, &[], &[]);
    let mut b = a.clone();
    b.started_ms = Some(T0_MS + 3000.0);
    let other = ex("POST", "https://api.example.com/me", 401, &[], &[]);
    let reports = vec![
        report("get", "https://api.example.com/me", 2900.0),
        report("GET", "https://api.example.com/me", 50.0),
        report("GET", "https://api.example.com/elsewhere", 0.0),
        report("GET", "https://api.example.com/me", 60_000.0),
    ];
    let m = attach(&[a, b, other], &reports);
    assert_eq!(m, [Some(1), Some(0), None]);
    // Each report describes one request: a second identical exchange gets the next nearest, or none.
    let same = ex("GET", "https://api.example.com/me", 401, &[], &[]);
    let m = attach(&[same.clone(), same.clone(), same], &[report("GET", "https://api.example.com/me", 0.0)]);
    assert_eq!(m.iter().flatten().count(), 1);
}

#[test]
fn merge_copies_verdicts_and_the_hidden_status_only() {
    let mut failed = ex("GET", "https://api.example.com/me", 0, &[], &[]);
    failed.error = Some("net::ERR_FAILED".into());
    let ok = ex("GET", "https://api.example.com/ok", 200, &[], &[]);
    let cap = capture(vec![failed, ok]);
    let mut r0 = report("GET", "https://api.example.com/me", 0.0);
    r0.status = Some(401);
    r0.cors_error_status =
        Some(CorsErrorStatus { cors_error: "MissingAllowOriginHeader".into(), failed_parameter: "".into() });
    r0.associated_cookies = Some(vec![]);
    let mut r1 = report("GET", "https://api.example.com/ok", 0.0);
    r1.status = Some(304);
    let reports = vec![r0, r1];
    let m = attach(&cap.exchanges, &reports);
    let out = merged(&cap, &reports, &m);
    assert_eq!(out.exchanges[0].status, 401, "the real status behind the CORS failure");
    assert_eq!(out.exchanges[1].status, 200, "a status webRequest saw is kept");
    assert!(out.exchanges[0].cors_error.is_some());
    assert!(stripped(&out).exchanges.iter().all(|x| x.cors_error.is_none() && x.associated_cookies.is_empty()));
}

/// A 401 cross-site API call that carried no cookie, and Chromium's verdict on `sid`.
fn lax_case(reason: &'static str) -> (Capture<'static>, Vec<BrowserReport<'static>>) {
    let mut login = ex(
        "POST",
        "https://app.example.com/login",
        200,
        &[],
        &[("Set-Cookie", "sid=abc123; Path=/; Secure; HttpOnly")],
    );
    login.resource_type = Some("document".into());
    let mut call = ex(
        "GET",
        "https://api.example.com/v1/me",
        401,
        &[("Origin", "https://www.other.test"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "cors")],
        &[
            ("WWW-Authenticate", "Bearer realm=\"api\""),
            ("Access-Control-Allow-Origin", "https://www.other.test"),
            ("Access-Control-Allow-Credentials", "true"),
        ],
    );
    call.started_ms = Some(T0_MS + 1000.0);
    let mut r = report("GET", "https://api.example.com/v1/me", 1000.0);
    r.associated_cookies = Some(if reason.is_empty() {
        vec![]
    } else {
        vec![AssociatedCookie { name: "sid".into(), blocked_reasons: vec![reason.into()], exemption_reason: None }]
    });
    (capture(vec![login, call]), vec![r])
}

#[test]
fn a_verdict_inference_missed_is_a_disagreement_and_the_merged_finding_says_browser() {
    let (cap, reports) = lax_case("SameSiteLax");
    let out = crate::analyze_precise(&cap, &reports, false);
    let c = out.comparisons.iter().find(|c| c.index == 1).expect("compared");
    assert_eq!(c.verdicts[0].ids, [CookieSamesiteLaxExcluded]);
    assert!(
        !c.inferred.contains(&CookieSamesiteLaxExcluded),
        "the jar has no sid for api.example.com: {:?}",
        c.inferred
    );
    assert_eq!(c.missed, [CookieSamesiteLaxExcluded]);
    assert!(!c.agree);
    let e = out.entries.iter().find(|e| e.entry.index == 1).expect("flagged");
    let at = e.entry.findings.iter().position(|f| f.id == CookieSamesiteLaxExcluded).expect("merged in");
    assert_eq!(e.bases[at], Basis::Browser);
    assert!(
        e.bases
            .iter()
            .zip(&e.entry.findings)
            .all(|(b, f)| (*b == Basis::Browser) == (f.id == CookieSamesiteLaxExcluded))
    );
}

#[test]
fn the_browser_and_inference_agree_on_a_host_only_cookie() {
    // sid is host-only on app.example.com: inference says it does not reach api.example.com, and
    // Chromium lists it with DomainMismatch.
    let (cap, reports) = lax_case("DomainMismatch");
    let out = crate::analyze_precise(&cap, &reports, false);
    let c = out.comparisons.iter().find(|c| c.index == 1).expect("compared");
    assert!(c.inferred.contains(&CookieDomainMismatch), "{c:?}");
    assert!(c.missed.is_empty() && c.unconfirmed.is_empty(), "{c:?}");
    assert!(c.agree);
    assert!(c.reasons_missed.is_empty(), "{c:?}");
    assert_eq!(out.unmatched_reports, 0);
    let e = out.entries.iter().find(|e| e.entry.index == 1).expect("flagged");
    assert_eq!(e.comparison.as_ref().map(|c| c.agree), Some(true));
}

#[test]
fn a_cookie_cause_the_browser_did_not_report_is_unconfirmed() {
    // The browser saw the request and listed no blocked cookie: the inferred mismatch is contradicted.
    let (cap, reports) = lax_case("");
    let out = crate::analyze_precise(&cap, &reports, false);
    let c = out.comparisons.iter().find(|c| c.index == 1).expect("inference flagged the 401");
    assert!(c.verdicts.is_empty());
    assert_eq!(c.unconfirmed, [CookieDomainMismatch]);
    assert!(!c.agree);
}

#[test]
fn an_inferred_cors_cause_the_browser_did_not_report_is_unconfirmed() {
    // A completed cross-origin 401 without Access-Control-Allow-Origin: inference says the CORS
    // check failed; a browser that reports no CORS error contradicts it, one that does confirms it.
    let mut call = ex(
        "GET",
        "https://api.example.com/v1/me",
        401,
        &[("Origin", "https://app.example.com"), ("Authorization", "Bearer abc.def.ghi"), ("Sec-Fetch-Mode", "cors")],
        &[("WWW-Authenticate", "Bearer error=\"invalid_token\"")],
    );
    call.error = Some("net::ERR_FAILED".into());
    let cap = capture(vec![call]);
    let silent = vec![report("GET", "https://api.example.com/v1/me", 0.0)];
    let out = crate::analyze_precise(&cap, &silent, false);
    let c = &out.comparisons[0];
    let cors: Vec<_> = c.inferred.iter().filter(|id| id.as_str().starts_with("cors-")).collect();
    assert!(!cors.is_empty(), "inference names a CORS cause: {:?}", c.inferred);
    assert!(!c.unconfirmed.is_empty() && !c.agree, "{c:?}");
    let mut said = report("GET", "https://api.example.com/v1/me", 0.0);
    said.cors_error_status =
        Some(CorsErrorStatus { cors_error: "MissingAllowOriginHeader".into(), failed_parameter: "".into() });
    let out = crate::analyze_precise(&cap, &[said], false);
    let c = &out.comparisons[0];
    assert!(c.missed.is_empty(), "{c:?}");
}

#[test]
fn reports_for_requests_not_captured_are_counted_not_compared() {
    let (cap, mut reports) = lax_case("");
    reports.push(report("GET", "https://cdn.example.com/app.js", 0.0));
    let out = crate::analyze_precise(&cap, &reports, false);
    assert_eq!(out.unmatched_reports, 1);
    assert!(out.comparisons.iter().all(|c| !c.url.contains("cdn")));
}

#[test]
fn a_second_reason_inference_did_not_name_is_a_reason_level_miss_only() {
    // Chromium: sid blocked by DomainMismatch and by third-party blocking; inference names the
    // domain mismatch only. The cause agrees; the reason-level detail keeps the other reason.
    let (cap, mut reports) = lax_case("DomainMismatch");
    if let Some(a) = reports[0].associated_cookies.as_mut().and_then(|a| a.first_mut()) {
        a.blocked_reasons.push("UserPreferences".into());
    }
    let out = crate::analyze_precise(&cap, &reports, false);
    let c = out.comparisons.iter().find(|c| c.index == 1).expect("compared");
    assert!(c.agree, "{c:?}");
    assert_eq!(c.reasons_missed, ["sid: Network.CookieBlockedReason.UserPreferences"]);
}

#[test]
fn a_cookie_left_out_of_a_request_that_succeeded_is_shown_not_compared() {
    // Chromium lists auth_token as NotOnPath on a 200 page load: true, and no cause of anything.
    let page = ex("GET", "https://www.example.com/signin", 200, &[], &[]);
    let mut r = report("GET", "https://www.example.com/signin", 0.0);
    r.associated_cookies = Some(vec![AssociatedCookie {
        name: "auth_token".into(),
        blocked_reasons: vec!["NotOnPath".into()],
        exemption_reason: None,
    }]);
    let out = crate::analyze_precise(&capture(vec![page.clone()]), std::slice::from_ref(&r), false);
    let c = &out.comparisons[0];
    assert!(!c.verdicts[0].compared && c.agree && c.missed.is_empty() && c.reasons_missed.is_empty(), "{c:?}");
    // Near miss: the same verdict on a 401 is compared (and missed by an inference that has no jar).
    let mut failed = page;
    failed.status = 401;
    let out = crate::analyze_precise(&capture(vec![failed]), &[r], false);
    let c = &out.comparisons[0];
    assert!(c.verdicts[0].compared && !c.agree && c.missed == [CookieNotOnPath], "{c:?}");
}

#[test]
fn a_predictive_inferred_finding_is_never_unconfirmed() {
    // ACAO: * with Allow-Credentials: true on a call that was not credentialed: nothing failed, the
    // finding warns about the calls that will be; the browser rightly reported nothing.
    let call = ex(
        "GET",
        "https://api.example.com/config",
        200,
        &[("Origin", "https://app.example.com"), ("Sec-Fetch-Mode", "cors")],
        &[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
    );
    let out =
        crate::analyze_precise(&capture(vec![call]), &[report("GET", "https://api.example.com/config", 0.0)], false);
    let c = &out.comparisons[0];
    assert!(c.inferred.contains(&CorsWildcardWithCredentials), "{c:?}");
    assert!(c.unconfirmed.is_empty() && c.agree, "{c:?}");
}
