//! Send-time rules, end to end through `diagnose_entry`.

use crate::catalogue::FindingId::{self, *};
use crate::correlate::Correlation;
use crate::diagnose::diagnose_entry;
use crate::model::{AssociatedCookie, Capture, Exchange, Header, Headers};
use std::borrow::Cow;

fn nav(url: &'static str, status: u16, location: Option<&'static str>) -> Exchange<'static> {
    let mut res = vec![];
    if let Some(l) = location {
        res.push(Header::new("Location", l));
    }
    Exchange {
        method: Cow::Borrowed("GET"),
        url: Cow::Borrowed(url),
        status,
        response_headers: Headers(res),
        redirect_url: location.map(Cow::Borrowed),
        started_ms: Some(1_790_000_000_000.0),
        initiator: Some(Cow::Borrowed("https://app.example.com/home")),
        resource_type: Some(Cow::Borrowed("document")),
        ..Default::default()
    }
}

fn blocked(reason: &str, exemption: Option<&'static str>) -> Vec<AssociatedCookie<'static>> {
    vec![AssociatedCookie {
        name: Cow::Borrowed("sid"),
        blocked_reasons: if reason.is_empty() { vec![] } else { vec![reason.to_string()] },
        exemption_reason: exemption.map(Cow::Borrowed),
    }]
}

fn ids(exchanges: Vec<Exchange<'static>>, i: usize) -> Vec<FindingId> {
    let cap = Capture { exchanges, ..Default::default() };
    let corr = Correlation::build(&cap);
    diagnose_entry(&cap, &corr, i).iter().map(|f| f.id).collect()
}

/// A → B → A: the final hop, with Chromium's verdict on `sid`.
fn bounce(via: &'static str, reason: &str) -> Vec<Exchange<'static>> {
    let back = "https://app.example.com/reports?sso=1";
    let mut last = nav(back, 302, Some("https://app.example.com/login"));
    last.associated_cookies = blocked(reason, None);
    vec![nav("https://app.example.com/reports", 302, Some(via)), nav(via, 302, Some(back)), last]
}

#[test]
fn redirect_downgrade_table() {
    let cases: &[(&str, &'static str, &str, bool)] = &[
        ("strict lost after an IdP hop", "https://login.idp.test/authorize", "SameSiteStrict", true),
        ("lax lost after an IdP hop", "https://login.idp.test/authorize", "SameSiteLax", true),
        ("same-site hop", "https://login.example.com/authorize", "SameSiteStrict", false),
        ("cookie not blocked", "https://login.idp.test/authorize", "", false),
        ("blocked for another reason", "https://login.idp.test/authorize", "NotOnPath", false),
    ];
    for (name, via, reason, want) in cases {
        let got = ids(bounce(via, reason), 2);
        assert_eq!(got.contains(&CookieCrossSiteRedirectDowngrade), *want, "{name}: {got:?}");
        if *want {
            assert_eq!(got.first(), Some(&CookieCrossSiteRedirectDowngrade), "{name}: ranks ahead of the exclusion");
        }
    }
}

#[test]
fn exemption_and_anonymous_context() {
    let mut ok = nav("https://widget.test/api", 200, None);
    ok.resource_type = Some(Cow::Borrowed("fetch"));
    let with = |a: Vec<AssociatedCookie<'static>>, status: u16| {
        let mut e = ok.clone();
        e.associated_cookies = a;
        e.status = status;
        e
    };
    let cases: Vec<(&str, Exchange<'static>, FindingId, bool)> = vec![
        ("storage access grant", with(blocked("", Some("StorageAccess")), 200), CookieExemptionInEffect, true),
        ("removed TPCD value", with(blocked("", Some("TPCDHeuristics")), 200), CookieExemptionInEffect, true),
        ("no exemption", with(blocked("", Some("None")), 200), CookieExemptionInEffect, false),
        (
            "exempt but blocked anyway",
            with(blocked("UserPreferences", Some("UserSetting")), 401),
            CookieExemptionInEffect,
            false,
        ),
        ("credentialless iframe", with(blocked("AnonymousContext", None), 401), CookieAnonymousContext, true),
        ("normal iframe", with(blocked("", None), 401), CookieAnonymousContext, false),
    ];
    for (name, e, id, want) in cases {
        assert_eq!(crate::diagnose::is_candidate(&e), want || e.status >= 400, "{name}: candidate");
        assert_eq!(ids(vec![e], 0).contains(&id), want, "{name}");
    }
}
