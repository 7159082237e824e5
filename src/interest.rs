//! Which browser events the extension keeps: the core's answer to "does this exchange matter for
//! authentication?", exported to the shell so it keeps no list of its own.
//!
//! The extension sees every request the browser makes; almost all of them are ordinary traffic and
//! must cost nothing. This module is the one place that decides, per finished request (with its
//! redirect hops), whether the shell stores it, whether it triggers an analysis and a cookie-jar
//! snapshot, and whether a later success repeats an earlier failure. It judges nothing beyond that:
//! the diagnosis itself is `diagnose/`. Pure, like the rest of the core: `wasm.rs` exports it.

use crate::model::{Exchange, Header, Headers};
use serde::Serialize;

/// How much one exchange matters to the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Interest {
    /// An authentication failure (401/403/407, a browser auth challenge, a network error, an error
    /// answer to a credentialed request): kept, analysed, and the cookie jar is snapshotted.
    Failure,
    /// A response that sets cookies: kept, analysed, jar snapshotted (a refused `Set-Cookie`).
    Cookie,
    /// Kept only so the core can correlate: a CORS preflight, a redirected API call.
    Context,
}

/// Network errors that are not authentication trouble: a navigation cancelled by the user, a
/// cache probe, an ad blocker (Chromium `net::` codes and Firefox's cancelled-load code).
const IGNORED_ERRORS: &[&str] =
    &["net::ERR_ABORTED", "net::ERR_CACHE_MISS", "net::ERR_BLOCKED_BY_CLIENT", "NS_BINDING_ABORTED"];

/// Whether `error` is a network error that says nothing about authentication.
pub fn is_ignored_error(error: &str) -> bool {
    IGNORED_ERRORS.contains(&error)
}

/// A script's request (webRequest types `xmlhttprequest`, `fetch`, `ping`), as the shell reports
/// it. Narrower than `Ctx::is_api_call`, which also reads `Sec-Fetch-Dest`: the pre-filter only
/// looks at what webRequest says, cheaply, before any correlation exists.
fn is_script_request(ex: &Exchange<'_>) -> bool {
    matches!(ex.resource_type.as_deref(), Some("xmlhttprequest" | "fetch" | "ping"))
}

/// How much `ex` matters: [`Interest::Failure`] and [`Interest::Cookie`] trigger an analysis,
/// [`Interest::Context`] is kept for correlation, `None` is dropped.
pub fn interest(ex: &Exchange<'_>) -> Option<Interest> {
    let s = ex.status;
    if matches!(s, 401 | 403 | 407) || ex.auth_required.is_some() {
        return Some(Interest::Failure);
    }
    if let Some(error) = ex.error.as_deref() {
        return if is_ignored_error(error) { None } else { Some(Interest::Failure) };
    }
    if ex.response_headers.has_set_cookie() {
        return Some(Interest::Cookie);
    }
    // An authorization server's refusal in the callback URL or in a redirect's Location (RFC 6749
    // §4.1.2.1): no code, no token, so the app's next calls fail.
    if crate::signals::carries_oauth_error(&ex.url)
        || ((300..400).contains(&s)
            && ex.response_headers.get("location").is_some_and(crate::signals::carries_oauth_error))
    {
        return Some(Interest::Failure);
    }
    // A token request (RFC 6749 §3.2), even a successful one: the clock and refresh rules read it.
    if crate::signals::is_token_request(ex) {
        return Some(Interest::Context);
    }
    if ex.resource_type.as_deref() == Some("preflight") {
        return Some(Interest::Context);
    }
    if (300..400).contains(&s) && is_script_request(ex) {
        return Some(Interest::Context);
    }
    if ex.request_headers.authorization().is_some() && s >= 400 {
        return Some(Interest::Failure);
    }
    if fails_cors_check(ex) {
        return Some(Interest::Failure);
    }
    None
}

/// Whether a completed cross-origin script request's response fails the Fetch CORS check
/// (Fetch #cors-check). Firefox reports such a response to the extension as an ordinary completed
/// one (no `onErrorOccurred`: only the console knows), so the pre-filter must judge the headers.
/// Credentials mode: `include` when the request carried cookies (the only mode that sends them
/// cross-origin) or the server answers `Access-Control-Allow-Credentials: true` (it serves
/// credentialed calls, for which a wildcard always fails), else `same-origin`, under which a
/// wildcard passes.
fn fails_cors_check(ex: &Exchange<'_>) -> bool {
    use crate::fetch::{CredentialsMode, cors_check_headers};
    if !is_script_request(ex) || !(200..300).contains(&ex.status) || crate::signals::is_preflight(ex) {
        return false;
    }
    let Some(origin) = ex.request_headers.get("origin").map(str::trim) else { return false };
    let same_origin = url::Url::parse(&ex.url).is_ok_and(|u| u.origin().ascii_serialization() == origin);
    if same_origin {
        return false;
    }
    let acac = ex.response_headers.get("access-control-allow-credentials").is_some_and(|v| v.trim() == "true");
    let mode =
        if ex.request_headers.sends_cookie() || acac { CredentialsMode::Include } else { CredentialsMode::SameOrigin };
    cors_check_headers(origin, mode, &ex.response_headers).is_err()
}

/// Whether a request that was redirected (`chain` holds its hops, `last` where it ended) is an API
/// call that landed on an HTML page: a login wall answering a script's request with a sign-in form.
pub fn hit_login_wall(chain: &[Exchange<'_>]) -> bool {
    let [_, .., last] = chain else { return false };
    is_script_request(last)
        && last.response_headers.get("content-type").is_some_and(|c| c.to_ascii_lowercase().contains("text/html"))
}

/// The shell's decision for one finished request and its redirect hops.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Triage {
    /// Store the hops (something in them matters).
    pub keep: bool,
    /// What the request triggers: an analysis on `failure` or `cookie`, nothing on `None`.
    pub trigger: Option<Interest>,
    /// Each hop's own interest, in chain order (the shell snapshots the jar for failures and
    /// cookie setters, and evicts context before failures).
    pub interests: Vec<Option<Interest>>,
    /// A request that ended at once with an ignored error (a cancelled navigation): not even a
    /// candidate for a recovery.
    pub ignored: bool,
}

/// Decides what to do with a finished request: `chain` is its redirect hops, then where it ended.
pub fn triage(chain: &[Exchange<'_>]) -> Triage {
    let interests: Vec<Option<Interest>> = chain.iter().map(interest).collect();
    let mut keep = false;
    let mut trigger = None;
    for i in interests.iter().flatten() {
        keep = true;
        match i {
            Interest::Failure => trigger = Some(Interest::Failure),
            Interest::Cookie if trigger != Some(Interest::Failure) => trigger = Some(Interest::Cookie),
            _ => {}
        }
    }
    if trigger.is_none() && hit_login_wall(chain) {
        trigger = Some(Interest::Failure);
        keep = true;
    }
    let ignored = matches!(chain, [only] if only.error.as_deref().is_some_and(is_ignored_error));
    Triage { keep, trigger, interests, ignored }
}

/// Whether `later` repeats `failed` (same method and URL), carried a credential (`Authorization`
/// or `Cookie`) and succeeded (2xx/3xx): an SPA's refresh-and-retry, or a login in between. The
/// shell keeps such a success although nothing in it failed, so the core can judge the pair: a
/// retry with a *new* credential is a recovery (`diagnose::recovery::recovered_by` decides it and
/// marks the failure), one with the same credential is evidence for other rules. Wider than
/// `recovered_by` on purpose; the shell keeps, the core judges.
pub fn is_recovery(failed: &Exchange<'_>, later: &Exchange<'_>) -> bool {
    (200..400).contains(&later.status)
        && later.method == failed.method
        && later.url == failed.url
        && (later.request_headers.authorization().is_some() || later.request_headers.cookie_lines().next().is_some())
}

/// A request whose CORS preflight failed is never sent, so webRequest shows it only as an error,
/// without request headers. Its preflight (same URL, `Access-Control-Request-Method` naming its
/// method) carried the very `Origin` and `Sec-Fetch-*` values the request would have had (Fetch
/// §4.8 "CORS-preflight fetch" copies them from the request), so they are borrowed: the core can
/// still tell it was a CORS request, and from where. `None` when `preflight` is not `failed`'s
/// preflight or `failed` needs nothing.
pub fn headers_from_preflight<'a>(failed: &Exchange<'_>, preflight: &Exchange<'a>) -> Option<Headers<'a>> {
    const COPIED: &[&str] = &["origin", "sec-fetch-mode", "sec-fetch-site", "sec-fetch-dest"];
    let needs = failed.error.is_some()
        && failed.request_headers.is_empty()
        && failed.resource_type.as_deref() != Some("preflight");
    let is_its_preflight = preflight.resource_type.as_deref() == Some("preflight")
        && preflight.url == failed.url
        && preflight
            .request_headers
            .get("access-control-request-method")
            .is_some_and(|m| m.eq_ignore_ascii_case(&failed.method));
    if !(needs && is_its_preflight) {
        return None;
    }
    let copied: Vec<Header<'a>> = preflight
        .request_headers
        .0
        .iter()
        .filter(|h| COPIED.iter().any(|c| h.name.eq_ignore_ascii_case(c)))
        .cloned()
        .collect();
    Some(Headers(copied))
}

/// Every exchange in `list` that borrows request headers from its preflight (newest matching
/// preflight first; see [`headers_from_preflight`]), as `(index, headers)`. One call per stored
/// record: the shell applies them, and an exchange that already has headers needs nothing.
pub fn preflight_borrowings<'a>(list: &[Exchange<'a>]) -> Vec<(usize, Headers<'a>)> {
    list.iter()
        .enumerate()
        .filter(|(_, x)| x.error.is_some() && x.request_headers.is_empty())
        .filter_map(|(i, x)| {
            list.iter()
                .enumerate()
                .rev()
                .filter(|&(j, _)| j != i)
                .find_map(|(_, p)| headers_from_preflight(x, p))
                .map(|h| (i, h))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AuthRequired;
    use std::borrow::Cow;

    fn ex(status: u16, rtype: &'static str) -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed("https://api.a.test/me"),
            status,
            resource_type: Some(Cow::Borrowed(rtype)),
            ..Default::default()
        }
    }
    fn req(mut e: Exchange<'static>, name: &'static str, value: &'static str) -> Exchange<'static> {
        e.request_headers.0.push(Header::new(name, value));
        e
    }
    fn res(mut e: Exchange<'static>, name: &'static str, value: &'static str) -> Exchange<'static> {
        e.response_headers.0.push(Header::new(name, value));
        e
    }
    fn err(mut e: Exchange<'static>, error: &'static str) -> Exchange<'static> {
        e.error = Some(Cow::Borrowed(error));
        e
    }

    #[test]
    fn interest_table() {
        use Interest::*;
        let auth_required = Exchange { auth_required: Some(AuthRequired::default()), ..ex(200, "main_frame") };
        let cases: Vec<(&str, Exchange<'static>, Option<Interest>)> = vec![
            ("401", ex(401, "fetch"), Some(Failure)),
            ("403 image", ex(403, "image"), Some(Failure)),
            ("407", ex(407, "main_frame"), Some(Failure)),
            ("browser auth challenge", auth_required, Some(Failure)),
            ("network error", err(ex(0, "fetch"), "net::ERR_FAILED"), Some(Failure)),
            ("cancelled navigation", err(ex(0, "main_frame"), "net::ERR_ABORTED"), None),
            ("ad blocker", err(ex(0, "script"), "net::ERR_BLOCKED_BY_CLIENT"), None),
            ("firefox cancel", err(ex(0, "main_frame"), "NS_BINDING_ABORTED"), None),
            ("401 with an ignored error is still a 401", err(ex(401, "fetch"), "net::ERR_ABORTED"), Some(Failure)),
            (
                "error wins over Set-Cookie",
                res(err(ex(200, "fetch"), "net::ERR_FAILED"), "Set-Cookie", "a=1"),
                Some(Failure),
            ),
            ("Set-Cookie", res(ex(200, "main_frame"), "set-cookie", "sid=1"), Some(Cookie)),
            ("preflight", ex(204, "preflight"), Some(Context)),
            ("redirected fetch", ex(302, "fetch"), Some(Context)),
            ("redirected XHR", ex(301, "xmlhttprequest"), Some(Context)),
            ("redirected ping", ex(307, "ping"), Some(Context)),
            ("redirected navigation", ex(302, "main_frame"), None),
            (
                "token request",
                Exchange {
                    method: "POST".into(),
                    url: "https://id.test/oauth/token".into(),
                    ..ex(200, "xmlhttprequest")
                },
                Some(Context),
            ),
            (
                "a GET of a /token page is not one",
                Exchange { url: "https://id.test/oauth/token".into(), ..ex(200, "xmlhttprequest") },
                None,
            ),
            (
                "authorize redirect with error=",
                res(ex(302, "main_frame"), "Location", "https://app.test/cb?error=invalid_scope&state=s"),
                Some(Failure),
            ),
            (
                "callback carrying the error",
                Exchange {
                    url: "https://app.test/cb?error=unauthorized_client&state=s".into(),
                    ..ex(200, "main_frame")
                },
                Some(Failure),
            ),
            (
                "a page with another error=",
                Exchange { url: "https://app.test/search?error=none".into(), ..ex(200, "main_frame") },
                None,
            ),
            ("500 with Authorization", req(ex(500, "fetch"), "Authorization", "Bearer x"), Some(Failure)),
            ("404 with Authorization", req(ex(404, "fetch"), "authorization", "Bearer x"), Some(Failure)),
            ("404 without Authorization", ex(404, "fetch"), None),
            ("200 with Authorization", req(ex(200, "fetch"), "Authorization", "Bearer x"), None),
            ("ordinary 200", ex(200, "script"), None),
        ];
        for (name, e, want) in cases {
            assert_eq!(interest(&e), want, "{name}");
        }
    }

    #[test]
    fn interest_serialises_lowercase() {
        let s =
            serde_json::to_string(&[Some(Interest::Failure), Some(Interest::Cookie), Some(Interest::Context), None]);
        assert_eq!(s.ok().as_deref(), Some(r#"["failure","cookie","context",null]"#));
    }

    #[test]
    fn triage_table() {
        use Interest::*;
        let html = |e| res(e, "Content-Type", "text/HTML; charset=utf-8");
        /// name, chain, then the expected keep, trigger and ignored.
        type Case = (&'static str, Vec<Exchange<'static>>, bool, Option<Interest>, bool);
        let cases: Vec<Case> = vec![
            ("ordinary request", vec![ex(200, "script")], false, None, false),
            ("a 401", vec![ex(401, "fetch")], true, Some(Failure), false),
            ("cookie setter", vec![res(ex(200, "main_frame"), "Set-Cookie", "a=1")], true, Some(Cookie), false),
            (
                "failure outranks cookie, whatever the order",
                vec![res(ex(302, "main_frame"), "Set-Cookie", "a=1"), ex(401, "main_frame")],
                true,
                Some(Failure),
                false,
            ),
            (
                "a later cookie does not downgrade a failure",
                vec![ex(401, "main_frame"), res(ex(200, "main_frame"), "Set-Cookie", "a=1")],
                true,
                Some(Failure),
                false,
            ),
            ("context only: kept, no analysis", vec![ex(204, "preflight")], true, None, false),
            (
                "login wall: API call redirected to HTML",
                vec![ex(302, "fetch"), html(ex(200, "fetch"))],
                true,
                Some(Failure),
                false,
            ),
            ("HTML without a redirect is no login wall", vec![html(ex(200, "fetch"))], false, None, false),
            (
                "a redirected navigation to HTML is no login wall",
                vec![ex(302, "main_frame"), html(ex(200, "main_frame"))],
                false,
                None,
                false,
            ),
            ("cancelled at once", vec![err(ex(0, "main_frame"), "net::ERR_ABORTED")], false, None, true),
            (
                "cancelled after a redirect",
                vec![ex(302, "main_frame"), err(ex(0, "main_frame"), "net::ERR_ABORTED")],
                false,
                None,
                false,
            ),
        ];
        for (name, chain, keep, trigger, ignored) in cases {
            let t = triage(&chain);
            assert_eq!((t.keep, t.trigger, t.ignored), (keep, trigger, ignored), "{name}");
            assert_eq!(t.interests.len(), chain.len(), "{name}");
        }
    }

    #[test]
    fn recovery_table() {
        let failed = req(ex(401, "fetch"), "Authorization", "Bearer old");
        let mut post = req(ex(200, "fetch"), "Authorization", "Bearer new");
        post.method = Cow::Borrowed("POST");
        let mut other_url = req(ex(200, "fetch"), "Authorization", "Bearer new");
        other_url.url = Cow::Borrowed("https://api.a.test/other");
        let cases: Vec<(&str, Exchange<'static>, bool)> = vec![
            ("new token, 200", req(ex(200, "fetch"), "Authorization", "Bearer new"), true),
            ("cookie, 302", req(ex(302, "fetch"), "Cookie", "sid=2"), true),
            ("same token, 200 (kept: the core judges it)", req(ex(200, "fetch"), "Authorization", "Bearer old"), true),
            ("no credential", ex(200, "fetch"), false),
            ("failed again", req(ex(401, "fetch"), "Authorization", "Bearer new"), false),
            ("other method", post, false),
            ("other URL", other_url, false),
        ];
        for (name, later, want) in cases {
            assert_eq!(is_recovery(&failed, &later), want, "{name}");
        }
    }

    #[test]
    fn preflight_headers_are_borrowed_only_from_its_own_preflight() {
        let preflight = req(
            req(
                req(req(ex(204, "preflight"), "Origin", "https://app.a.test"), "Sec-Fetch-Mode", "cors"),
                "Access-Control-Request-Method",
                "get",
            ),
            "User-Agent",
            "x",
        );
        let failed = err(ex(0, "fetch"), "net::ERR_FAILED");
        let got = headers_from_preflight(&failed, &preflight)
            .map(|h| h.0.iter().map(|h| h.name.to_string()).collect::<Vec<_>>());
        assert_eq!(got, Some(vec!["Origin".to_string(), "Sec-Fetch-Mode".to_string()]));

        let mut put = failed.clone();
        put.method = Cow::Borrowed("PUT");
        assert_eq!(headers_from_preflight(&put, &preflight), None, "another method's preflight");
        let mut elsewhere = failed.clone();
        elsewhere.url = Cow::Borrowed("https://api.a.test/other");
        assert_eq!(headers_from_preflight(&elsewhere, &preflight), None, "another URL");
        let sent = req(failed.clone(), "Origin", "https://app.a.test");
        assert_eq!(headers_from_preflight(&sent, &preflight), None, "the request has its own headers");
        assert_eq!(headers_from_preflight(&ex(401, "fetch"), &preflight), None, "not a failed request");
        assert_eq!(headers_from_preflight(&failed, &ex(204, "fetch")), None, "not a preflight");

        let older = req(preflight.clone(), "Sec-Fetch-Site", "same-site");
        let list = vec![older, failed.clone(), ex(200, "script"), preflight.clone()];
        let got: Vec<(usize, usize)> = preflight_borrowings(&list).into_iter().map(|(i, h)| (i, h.0.len())).collect();
        assert_eq!(got, vec![(1, 2)], "the newest preflight of the request lends its headers");
    }
}

/// Whether a site owner's audit recording keeps `ex`: documents and frames, script calls and
/// preflights, anything that sets cookies, carries credentials or a challenge, redirects, or
/// failed. Static subresources (images, styles, fonts, scripts) without any of that are left out:
/// they say nothing about the authentication surface and would fill the recording.
pub fn audit_relevant(ex: &Exchange<'_>) -> bool {
    use crate::signals::ResourceType as R;
    let typed = crate::signals::ResourceType::of(ex);
    matches!(typed, Some(R::Document | R::Subdocument | R::Xhr | R::Fetch | R::Preflight | R::WebSocket))
        || typed.is_none()
        || crate::signals::is_preflight(ex)
        || ex.response_headers.has_set_cookie()
        || ex.response_headers.has_challenge()
        || ex.request_headers.authorization().is_some()
        || ex.request_headers.sends_cookie()
        || (300..400).contains(&ex.status)
        || ex.status >= 400
        || ex.error.is_some()
        || ex.resource_type.as_deref() == Some("ping")
}

#[cfg(test)]
mod cors_tests {
    use super::*;
    use crate::testkit::ex;

    /// Firefox's CORS-blocked 200s reach the extension as completed responses: kept as failures.
    #[test]
    fn a_completed_response_that_fails_cors_is_a_failure() {
        const O: (&str, &str) = ("Origin", "https://www.b.test");
        const WITH_COOKIE: crate::testkit::Hs = &[O, ("Cookie", "sid=1")];
        const BARE: crate::testkit::Hs = &[O];
        let wildcard: crate::testkit::Hs =
            &[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")];
        let x = ex("GET", "https://api.a.test/cors/wildcard", 200, WITH_COOKIE, wildcard);
        assert_eq!(interest(&x), Some(Interest::Failure));
        // Near misses: no cookies (a wildcard passes), a correct answer, a same-origin request.
        // Without cookies, Allow-Credentials: true still says the endpoint serves credentialed calls.
        let x = ex("GET", "https://api.a.test/cors/wildcard", 200, BARE, wildcard);
        assert_eq!(interest(&x), Some(Interest::Failure));
        let plain: crate::testkit::Hs = &[("Access-Control-Allow-Origin", "*")];
        let x = ex("GET", "https://api.a.test/cors/open", 200, BARE, plain);
        assert_eq!(interest(&x), None, "a public wildcard API is fine");
        let ok: crate::testkit::Hs =
            &[("Access-Control-Allow-Origin", "https://www.b.test"), ("Access-Control-Allow-Credentials", "true")];
        let x = ex("GET", "https://api.a.test/x", 200, WITH_COOKIE, ok);
        assert_eq!(interest(&x), None);
        let x = ex("POST", "https://www.b.test/x", 200, BARE, &[]);
        assert_eq!(interest(&x), None, "same-origin POSTs carry Origin too");
        // Missing Allow-Credentials on a credentialed call.
        let no_acac: crate::testkit::Hs = &[("Access-Control-Allow-Origin", "https://www.b.test")];
        let x = ex("GET", "https://api.a.test/x", 200, WITH_COOKIE, no_acac);
        assert_eq!(interest(&x), Some(Interest::Failure));
    }
}

#[cfg(test)]
mod audit_tests {
    use super::*;
    use crate::testkit::{Adjust, ex};

    #[test]
    fn audit_keeps_auth_traffic_and_drops_plain_static_files() {
        let img = ex("GET", "https://app.example.com/logo.png", 200, &[], &[]).typed(Some("image"));
        assert!(!audit_relevant(&img), "a plain image");
        let img_cookie =
            ex("GET", "https://app.example.com/logo.png", 200, &[("Cookie", "sid=1")], &[]).typed(Some("image"));
        assert!(audit_relevant(&img_cookie), "an image that carries the session");
        let set = ex("GET", "https://app.example.com/app.js", 200, &[], &[("Set-Cookie", "a=1")]).typed(Some("script"));
        assert!(audit_relevant(&set));
        assert!(audit_relevant(&ex("GET", "https://api.example.com/v1", 200, &[], &[])), "a fetch");
        assert!(audit_relevant(&ex("GET", "https://x.example/", 200, &[], &[]).typed(Some("main_frame"))));
        let css401 = ex("GET", "https://app.example.com/a.css", 401, &[], &[]).typed(Some("stylesheet"));
        assert!(audit_relevant(&css401), "a failure of any kind");
    }
}
