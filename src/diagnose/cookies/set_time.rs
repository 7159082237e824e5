//! Group D (and the set-time halves of I): what happened to each `Set-Cookie` line of this
//! response. Chromium's own verdict (CDP `blockedCookies`) is reported as is; without it, the
//! line is parsed (6265bis §5.6) and checked against the storage model (§5.7) of the jar.

use super::text::{redact_line, session_cookie_snippets, with_line};
use super::{Facts, SetLine, is_session_cookie_name};
use crate::catalogue::{FindingId, Severity};
use crate::cookies::jar::{PrefixRule, Rejection, SiteContext, Stored};
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::date::{format_duration, format_utc};
use crate::headers::set_cookie::{self, CookiePrefix, SameSite, SetCookie, SetCookieError, SetCookieNote};
use crate::signals::FetchMode;
use FindingId::*;

/// Runs the set-time rules on every line of this response.
pub fn check(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let login = super::is_login_like(ctx) || super::auth_failed(ctx);
    ignored_without_credentials(ctx, f, login, out);
    for l in &f.lines {
        // Tracking and preference cookies fail all the time; only auth cookies, or any cookie of
        // a login or failing exchange, can explain an authentication problem.
        if !login && !is_session_cookie_name(&l.name()) {
            continue;
        }
        if let Some(b) = l.reported {
            for reason in &b.blocked_reasons {
                if let Some(id) = reported_id(reason, f.site) {
                    out.push(reported(ctx, f, l, id, reason));
                }
            }
        }
        match &l.parsed {
            Err(e) if l.reported.is_none() => out.push(parse_error(ctx, l, *e)),
            Err(_) => {}
            Ok(c) => {
                if l.reported.is_none() {
                    if let Some(Err(r)) = &l.verdict {
                        rejected(ctx, f, l, c, r, out);
                    }
                }
                if let Some(Ok(s)) = &l.verdict {
                    expired_on_arrival(ctx, f, l, c, s, out);
                    default_path_too_narrow(ctx, f, l, c, s, out);
                    lifetime_capped(ctx, l, c, s, out);
                }
                samesite_invalid_value(ctx, f, l, c, out);
                unparseable_expires(ctx, l, c, out);
                attribute_too_long(ctx, f, l, c, out);
            }
        }
    }
}

/// How many later exchanges are searched for the cookie a login response set.
const LATER_LOOKAHEAD: usize = 300;

/// `set-cookie-ignored-without-credentials` — Fetch HTTP-network fetch ("if includeCredentials is
/// true, … parse and store response `Set-Cookie` headers"), #http-cors-protocol ("CORS with
/// credentials": Set-Cookie is ignored otherwise). A cross-origin script request made without
/// `credentials: 'include'` cannot store cookies; nothing reports it, so it is inferred from the
/// request (no cookies), the response (no `Access-Control-Allow-Credentials: true`) and what came
/// after (no later request to that origin ever carries the cookie).
fn ignored_without_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_>, login: bool, out: &mut Vec<Finding>) {
    let ex = ctx.ex;
    // A script request to another origin, answered (a failed or CORS-blocked one proves nothing),
    // that carried no cookie at all.
    if ctx.creds.cookie
        || ctx.creds.cookie_unknown
        || !ctx.is_api_call()
        || !ctx.is_cross_origin()
        || !matches!(ctx.mode, None | Some(FetchMode::Cors))
        || ex.status == 0
        || ex.error.is_some()
        || ex.cors_error.is_some()
        || !matches!(f.url.scheme(), "http" | "https")
    {
        return;
    }
    // Lines the browser would otherwise have stored (a line refused for another reason has its own
    // finding, and Chromium reports lines it processed and refused).
    // Only a cookie that can carry a session: load-balancer stickiness or bot-management cookies
    // (AWSALBCORS, __cf_bm …) on a token API's login are not lost sessions.
    let auth_like = |n: &str| {
        let n = n.to_ascii_lowercase();
        is_session_cookie_name(&n)
            || login
                && ["sess", "auth", "token", "login", "sid", "jwt", "remember", "refresh"].iter().any(|k| n.contains(k))
    };
    let storable = f.lines.iter().find(|l| {
        l.reported.is_none() && matches!(&l.verdict, Some(Ok(s)) if !s.expired_on_arrival) && auth_like(&l.name())
    });
    let Some(line) = storable else { return };
    let name = line.name();
    let origin = f.url.origin();
    let target = origin.ascii_serialization();
    // What came after: a later request to the same origin that carried the cookie proves it was
    // stored; later requests without it support the inference.
    let mut later_without: Option<(usize, &crate::model::Exchange<'_>)> = None;
    for (j, e) in ctx.capture.exchanges.iter().enumerate().skip(ctx.index + 1).take(LATER_LOOKAHEAD) {
        // A cheap prefix test first; only candidates are parsed (captures hold normalised URLs).
        let same_prefix = e.url.get(..target.len()).is_some_and(|p| p.eq_ignore_ascii_case(&target));
        if !same_prefix || url::Url::parse(&e.url).map(|u| u.origin()).ok().as_ref() != Some(&origin) {
            continue;
        }
        let sent = crate::headers::cookie::parse_all(e.request_headers.get_all("cookie"));
        // Sent later, or in the browser's store when the extension took a snapshot: it was stored.
        if sent.iter().any(|p| p.name == name) || e.jar.as_ref().is_some_and(|jar| jar.iter().any(|c| c.name == name)) {
            return;
        }
        if later_without.is_none() {
            later_without = Some((j, e));
        }
    }
    let no_acac =
        crate::headers::cors::allow_credentials(&ex.response_headers) != crate::headers::cors::AllowCredentials::True;
    let wildcard = ex.response_headers.get("access-control-allow-origin").is_some_and(|v| v.trim() == "*");
    if later_without.is_none() && !no_acac {
        return;
    }
    let page = ctx
        .initiator
        .as_ref()
        .or(ctx.page.as_ref())
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_else(|| "the page".into());
    let mut why = vec!["it carried no Cookie header".to_string()];
    if wildcard {
        why.push(
            "the response allows any origin (`Access-Control-Allow-Origin: *`), which only works without credentials"
                .into(),
        );
    } else if no_acac {
        why.push("the response has no `Access-Control-Allow-Credentials: true`".into());
    }
    let after = later_without
        .map(|(_, e)| format!(" Later requests to {target} went without it ({} {} → {}).", e.method, e.url, e.status))
        .unwrap_or_default();
    let mut fnd = Finding::new(
        SetCookieIgnoredWithoutCredentials,
        format!(
            "The response to this cross-origin {} from {page} sets `{name}`, but the request was made without \
             credentials ({}). Browsers ignore Set-Cookie on such responses: the call \"succeeded\" ({}) but no \
             cookie was stored, so no session exists.{after}",
            ex.method,
            why.join("; "),
            ex.status
        ),
        Fix::new("Send the login call (and every later API call) with credentials, and let the server accept them.")
            .step("fetch: `credentials: 'include'`; axios: `withCredentials: true`; XMLHttpRequest: `xhr.withCredentials = true`.")
            .step(format!(
                "Server: `Access-Control-Allow-Origin: {page}` (the exact origin, not `*`) and `Access-Control-Allow-Credentials: true`, on the preflight and on the response."
            ))
            .step("If the API is on another site, the cookie also needs `SameSite=None; Secure`.")
            .snippet("js", format!("await fetch('{}', {{ method: '{}', credentials: 'include', /* … */ }});", ex.url, ex.method))
            .snippet("express", format!("app.use(cors({{ origin: '{page}', credentials: true }}));"))
            .snippet(
                "spring",
                format!(
                    "@CrossOrigin(origins = \"{page}\", allowCredentials = \"true\")\n// or CorsConfiguration.setAllowCredentials(true) with an explicit allowed origin"
                ),
            ),
    )
    .with("request credentials", "no Cookie header (credentials mode 'same-origin' or 'omit', inferred)")
    .with(
        "Access-Control-Allow-Credentials",
        ex.response_headers.get("access-control-allow-credentials").unwrap_or("(absent)").to_string(),
    )
    .confidence(match (later_without.is_some(), no_acac) {
        (true, true) => 85,
        (false, true) => 60,
        _ => 65,
    });
    if let Some((j, _)) = later_without {
        fnd = fnd.related(j);
    }
    out.push(with_line(fnd, ctx, &name, line.raw));
}

/// A `Network.SetCookieBlockedReason` (DIAGNOSES Appendix A.1, with the A.9 aliases) → id.
pub fn reported_id(reason: &str, site: SiteContext) -> Option<FindingId> {
    let schemeful = site == SiteContext::CrossSite { schemeful: true };
    Some(match reason {
        "SecureOnly" => SecureCookieInsecureOrigin,
        "SameSiteStrict" | "SameSiteLax" | "SameSiteUnspecifiedTreatedAsLax" => SetCookieSamesiteBlockedCrossSite,
        "SchemefulSameSiteStrict" | "SchemefulSameSiteLax" | "SchemefulSameSiteUnspecifiedTreatedAsLax" => {
            if schemeful { SchemefulSameSite } else { SetCookieSamesiteBlockedCrossSite }
        }
        "SameSiteNoneInsecure" => SetCookieSamesiteNoneInsecure,
        "UserPreferences"
        | "ThirdPartyPhaseout"
        | "ThirdPartyBlockedInFirstPartySet"
        | "SamePartyFromCrossPartyContext" => SetCookieThirdPartyBlocked,
        "SyntaxError" | "DisallowedCharacter" | "NoCookieContent" | "SamePartyConflictsWithOtherAttributes" => {
            SetCookieSyntaxError
        }
        "SchemeNotSupported" => SetCookieSchemeNotSupported,
        "OverwriteSecure" => OverwriteSecureCookie,
        "InvalidDomain" => SetCookieInvalidDomain,
        "InvalidPrefix" => SetCookieInvalidPrefix,
        "NameValuePairExceedsMaxSize" => SetCookieTooLarge,
        _ => return None,
    })
}

/// The jar rejection → id (6265bis §5.7 step by step).
pub fn rejection_id(r: &Rejection) -> FindingId {
    match r {
        Rejection::Syntax(SetCookieError::NameValueTooLarge { .. }) => SetCookieTooLarge,
        Rejection::Syntax(_) => SetCookieSyntaxError,
        Rejection::SchemeNotSupported => SetCookieSchemeNotSupported,
        Rejection::DomainNonAscii | Rejection::DomainPublicSuffix | Rejection::DomainNotMatching => {
            SetCookieInvalidDomain
        }
        Rejection::SecureFromInsecure => SecureCookieInsecureOrigin,
        Rejection::HttpOnlyFromScript | Rejection::OverwriteHttpOnly => SetCookieSyntaxError,
        Rejection::OverwriteSecure => OverwriteSecureCookie,
        Rejection::SameSiteCrossSite { schemeful: true, .. } => SchemefulSameSite,
        Rejection::SameSiteCrossSite { .. } => SetCookieSamesiteBlockedCrossSite,
        Rejection::SameSiteNoneInsecure => SetCookieSamesiteNoneInsecure,
        Rejection::InvalidPrefix(..) => SetCookieInvalidPrefix,
        Rejection::PartitionedWithoutSecure => SetCookiePartitionedWithoutSecure,
        Rejection::ThirdPartyBlocked => SetCookieThirdPartyBlocked,
    }
}

/// What became of a line, in a few words, for the cookie table.
pub fn line_outcome(l: &SetLine<'_>) -> (Option<String>, Option<FindingId>) {
    if let Some(b) = l.reported {
        let id = b.blocked_reasons.iter().find_map(|r| reported_id(r, SiteContext::SameSite));
        return (Some(format!("refused by the browser: {}", b.blocked_reasons.join(", "))), id);
    }
    match (&l.parsed, &l.verdict) {
        (Err(e), _) => (Some(format!("ignored: {}", syntax_words(*e))), Some(rejection_id(&Rejection::Syntax(*e)))),
        (Ok(_), Some(Err(r))) => (Some(format!("refused: {}", rejection_words(r))), Some(rejection_id(r))),
        (Ok(_), Some(Ok(s))) if s.expired_on_arrival => (Some("deletes the cookie (already expired)".into()), None),
        (Ok(_), Some(Ok(_))) => (Some("stored".into()), None),
        (Ok(_), None) => (None, None),
    }
}

fn syntax_words(e: SetCookieError) -> String {
    match e {
        SetCookieError::ControlCharacter { at, byte } => {
            format!("control character 0x{byte:02X} at byte {at}")
        }
        SetCookieError::NoContent => "empty name and value".to_string(),
        SetCookieError::NameValueTooLarge { size } => format!("name plus value is {size} bytes (limit 4096)"),
    }
}

fn rejection_words(r: &Rejection) -> String {
    match r {
        Rejection::Syntax(e) => syntax_words(*e),
        Rejection::SchemeNotSupported => "this URL scheme cannot store cookies".into(),
        Rejection::DomainNonAscii => "Domain has non-ASCII characters".into(),
        Rejection::DomainPublicSuffix => "Domain is a public suffix".into(),
        Rejection::DomainNotMatching => "Domain does not cover the responding host".into(),
        Rejection::SecureFromInsecure => "Secure cookie from a plain-http response".into(),
        Rejection::HttpOnlyFromScript => "HttpOnly cookie from script".into(),
        Rejection::OverwriteHttpOnly => "script cannot replace an HttpOnly cookie".into(),
        Rejection::OverwriteSecure => "plain-http response would replace a Secure cookie".into(),
        Rejection::SameSiteCrossSite { same_site, .. } => {
            format!("SameSite={} cookie from a cross-site response", same_site.as_str())
        }
        Rejection::SameSiteNoneInsecure => "SameSite=None without Secure".into(),
        Rejection::InvalidPrefix(p, rule) => {
            format!("{} prefix rule broken ({})", p.as_str(), prefix_rule_words(*rule))
        }
        Rejection::PartitionedWithoutSecure => "Partitioned without Secure".into(),
        Rejection::ThirdPartyBlocked => "third-party cookies are blocked".into(),
    }
}

fn prefix_rule_words(r: PrefixRule) -> &'static str {
    match r {
        PrefixRule::NotSecure => "needs Secure, set over https",
        PrefixRule::HasDomain => "must not have a Domain attribute",
        PrefixRule::PathNotRoot => "needs Path=/",
        PrefixRule::NotHttpOnly => "needs HttpOnly",
        PrefixRule::NamelessLooksPrefixed => "a nameless cookie may not look prefixed",
    }
}

fn host(f: &Facts<'_>) -> String {
    f.url.host_str().unwrap_or("").to_string()
}

/// The finding for a reported (CDP) reason; the explanation is the same as the inferred one.
fn reported(ctx: &Ctx<'_, '_>, f: &Facts<'_>, l: &SetLine<'_>, id: FindingId, reason: &str) -> Finding {
    let name = l.name();
    let (explanation, fix) = explain(id, ctx, f, l, l.parsed.as_ref().ok(), None);
    with_line(Finding::new(id, explanation, fix), ctx, &name, l.raw)
        .with("browser verdict", format!("blocked: {reason}"))
        .signal(Signal::Reported)
        .confidence(95)
}

/// §5.6 step 1/5: the parser ignored the whole line.
fn parse_error(ctx: &Ctx<'_, '_>, l: &SetLine<'_>, e: SetCookieError) -> Finding {
    let name = l.name();
    let id = rejection_id(&Rejection::Syntax(e));
    let explanation = match e {
        SetCookieError::NameValueTooLarge { size } => format!(
            "The response to {} sets cookie `{name}` with a name plus value of {size} bytes. Browsers ignore a cookie \
             whose name and value together exceed 4096 bytes, so it was never stored.",
            ctx.ex.url
        ),
        SetCookieError::ControlCharacter { at, byte } => format!(
            "The Set-Cookie line for `{name}` contains the control character 0x{byte:02X} at byte {at}. Browsers ignore \
             the whole line when it has a control character (anything below 0x20 except tab, or 0x7F), so no cookie \
             was stored."
        ),
        SetCookieError::NoContent => format!(
            "The response to {} has a Set-Cookie line with neither a name nor a value, which browsers ignore.",
            ctx.ex.url
        ),
    };
    let fix = match e {
        SetCookieError::NameValueTooLarge { .. } => too_large_fix(),
        _ => syntax_fix(),
    };
    let src = match e {
        SetCookieError::NameValueTooLarge { .. } => "RFC 6265bis §5.6 step 5, §5.7 step 4",
        _ => "RFC 6265bis §5.6 steps 1 and 5, §4.1.1",
    };
    with_line(Finding::new(id, explanation, fix), ctx, &name, l.raw).source(src).confidence(85)
}

/// §5.7: the line parsed, but the store refuses it.
fn rejected(ctx: &Ctx<'_, '_>, f: &Facts<'_>, l: &SetLine<'_>, c: &SetCookie, r: &Rejection, out: &mut Vec<Finding>) {
    let id = rejection_id(r);
    let (explanation, fix) = explain(id, ctx, f, l, Some(c), Some(r));
    let mut fnd = with_line(Finding::new(id, explanation, fix), ctx, &c.name, l.raw)
        .with("refused because", rejection_words(r))
        .confidence(80);
    if id == SetCookieSamesiteNoneInsecure && ctx.browser() != crate::model::Browser::Chromium {
        // Only Chromium enforces "None requires Secure" today; elsewhere it will break later.
        fnd = fnd.severity(Severity::Warn).signal(Signal::Predictive);
    }
    if let Some(src) = rejection_source(r) {
        fnd = fnd.source(src);
    }
    out.push(fnd);
    // A Partitioned cookie without Secure also breaks the CHIPS rule Chromium never reports.
    if c.partitioned && !c.secure && id != SetCookiePartitionedWithoutSecure {
        let (e, fx) = explain(SetCookiePartitionedWithoutSecure, ctx, f, l, Some(c), None);
        out.push(with_line(Finding::new(SetCookiePartitionedWithoutSecure, e, fx), ctx, &c.name, l.raw).confidence(70));
    }
}

fn rejection_source(r: &Rejection) -> Option<&'static str> {
    Some(match r {
        Rejection::DomainNonAscii => "RFC 6265bis §5.7 step 8",
        Rejection::DomainPublicSuffix => "RFC 6265bis §5.7 step 9, §8.9",
        Rejection::DomainNotMatching => "RFC 6265bis §5.7 step 10, §5.1.3",
        Rejection::SecureFromInsecure => "RFC 6265bis §5.7 step 13, §4.1.2.5",
        Rejection::OverwriteSecure => "RFC 6265bis §5.7 step 16",
        Rejection::SameSiteCrossSite { .. } => "RFC 6265bis §5.7 step 18, §4.1.2.7",
        Rejection::SameSiteNoneInsecure => "RFC 6265bis §5.7 step 19",
        Rejection::InvalidPrefix(..) => "RFC 6265bis §4.1.3, §5.7 steps 20–22",
        Rejection::PartitionedWithoutSecure => {
            "CHIPS (privacycg/CHIPS); Chromium CanonicalCookie::IsCookiePartitionedValid"
        }
        Rejection::ThirdPartyBlocked => "RFC 6265bis §7.1, §5.3; CHIPS; Storage Access API",
        _ => return None,
    })
}

fn syntax_fix() -> Fix {
    Fix::new("Encode cookie values so the header holds only cookie-safe characters.")
        .step("Percent-encode or base64url-encode the value; never put raw JSON, spaces, newlines or `;` in it.")
        .step("Check the code that builds the header for a stray `\\r\\n` or NUL (often from an unescaped variable).")
        .snippet("js", "res.cookie('sid', value) // express encodes with encodeURIComponent by default")
}

fn too_large_fix() -> Fix {
    Fix::new("Keep the cookie small: store a session id in it and the data on the server.")
        .step("Replace a JWT or serialized session in the cookie with an opaque id (a few dozen bytes).")
        .step("If the data must live in the cookie, trim claims or split it deliberately into numbered cookies.")
        .snippet("http", "Set-Cookie: sid=3f9a…(32 bytes); Path=/; Secure; HttpOnly; SameSite=Lax")
}

/// Explanation and fix of a set-time id for this line.
fn explain(
    id: FindingId,
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: Option<&SetCookie>,
    r: Option<&Rejection>,
) -> (String, Fix) {
    let name = l.name();
    let url = &ctx.ex.url;
    let host = host(f);
    let line = redact_line(l.raw);
    match id {
        SetCookieSamesiteNoneInsecure => (
            format!(
                "The response to {url} sets `{name}` with `SameSite=None` but without `Secure`. A cookie that may travel \
                 cross-site must be Secure, so the browser refused it (`{line}`)."
            ),
            session_cookie_snippets(
                Fix::new("Add `Secure` to every `SameSite=None` cookie and serve it over https.")
                    .step("Add the `Secure` attribute (the response must come over https).")
                    .step("If the cookie does not need to travel cross-site, use `SameSite=Lax` instead."),
                &name,
                "None",
                None,
            ),
        ),
        SetCookieSamesiteBlockedCrossSite => {
            let ss = c.map(|c| c.same_site).unwrap_or_default();
            let how = if ss == SameSite::Default {
                "has no valid SameSite attribute, which Chromium treats as Lax".to_string()
            } else {
                format!("is `SameSite={}`", ss.as_str())
            };
            let page = ctx.page.as_ref().or(ctx.initiator.as_ref()).map(|u| u.origin().ascii_serialization());
            (
                format!(
                    "`{name}` {how}, and it arrived on a cross-site request from {} to {host} that is not a top-level \
                     navigation. Such cookies can only be set by same-site responses, so the browser dropped it and \
                     the session was never created.",
                    page.unwrap_or_else(|| "another site".into())
                ),
                session_cookie_snippets(
                    Fix::new("Serve the API from the app's site, or mark the cookie `SameSite=None; Secure`.")
                        .step("Best: host the API on the same site as the app (for example api.example.com for app.example.com).")
                        .step("Or set the cookie during a top-level navigation to the API origin.")
                        .step("If it must be set and sent cross-site: `SameSite=None; Secure` (and `Partitioned` inside iframes), with CSRF protection."),
                    &name,
                    "None",
                    None,
                ),
            )
        }
        SetCookieThirdPartyBlocked => (
            format!(
                "{host} is a third party on this page, and this browser profile blocks third-party cookies, so `{name}` \
                 was not stored. The same flow may work in another profile or browser."
            ),
            Fix::new("Do not depend on third-party cookies for this login.")
                .step("Embedded widget: use partitioned cookies (`Partitioned; Secure; SameSite=None`).")
                .step("Or ask for access with the Storage Access API (`await document.requestStorageAccess()` after a click).")
                .step("Or serve the API from the page's own site (reverse proxy), or use an Authorization-header token.")
                .snippet("http", format!("Set-Cookie: __Host-{name}=<value>; Path=/; Secure; HttpOnly; SameSite=None; Partitioned")),
        ),
        SetCookieSyntaxError => (
            format!("The Set-Cookie line for `{name}` in the response to {url} cannot be parsed, so the browser ignored it (`{line}`)."),
            syntax_fix(),
        ),
        SetCookieTooLarge => (
            format!(
                "Cookie `{name}` set by {url} is larger than 4096 bytes (name plus value{}), so browsers ignore it.",
                c.map(|c| format!(": {} bytes", c.size())).unwrap_or_default()
            ),
            too_large_fix(),
        ),
        SetCookieInvalidDomain => {
            let dom = c.and_then(|c| c.domain_raw.clone()).unwrap_or_default();
            let why = match r {
                Some(Rejection::DomainPublicSuffix) => format!(
                    "`Domain={dom}` is a public suffix: no site may set cookies for all of it (for example every \
                     *.vercel.app or *.co.uk site)"
                ),
                Some(Rejection::DomainNonAscii) => format!("`Domain={dom}` has non-ASCII characters"),
                _ => format!("`Domain={dom}` does not cover the responding host {host}"),
            };
            (
                format!("The response to {url} sets `{name}`, but {why}. The browser refused the cookie."),
                Fix::new("Use a Domain that is the responding host or one of its parents, or omit Domain.")
                    .step(format!("Omit `Domain` (the cookie stays on {host}), or use a parent domain of {host} that you own."))
                    .step("To share a session between subdomains, put them under one registrable domain you control.")
                    .snippet("http", format!("Set-Cookie: {name}=<value>; Path=/; Secure; HttpOnly; SameSite=Lax")),
            )
        }
        SetCookieInvalidPrefix => {
            let p = c.and_then(SetCookie::prefix).or_else(|| CookiePrefix::of(&name)).unwrap_or(CookiePrefix::Host);
            let rule = match r {
                Some(Rejection::InvalidPrefix(_, rule)) => prefix_rule_words(*rule),
                _ => "its prefix rules",
            };
            (
                format!(
                    "`{name}` starts with `{}`, which promises how the cookie was set; this one breaks that promise \
                     ({rule}), so the browser refused it.",
                    p.as_str()
                ),
                Fix::new(format!("Set `{}` cookies exactly as the prefix requires.", p.as_str()))
                    .step("Serve the response over https and add `Secure`.")
                    .step("For `__Host-`: no `Domain` attribute and `Path=/`. For `__Http-`/`__Host-Http-`: also `HttpOnly`.")
                    .snippet("http", format!("Set-Cookie: {name}=<value>; Path=/; Secure; HttpOnly; SameSite=Lax")),
            )
        }
        SetCookiePartitionedWithoutSecure => (
            format!(
                "`{name}` is `Partitioned` but not `Secure`. Partitioned (CHIPS) cookies must be Secure and set over \
                 https; Chromium drops this one silently (DevTools does not list it as blocked)."
            ),
            Fix::new("Add `Secure` (and serve over https) to partitioned cookies.").snippet(
                "http",
                format!("Set-Cookie: __Host-{name}=<value>; Path=/; Secure; HttpOnly; SameSite=None; Partitioned"),
            ),
        ),
        SecureCookieInsecureOrigin => (
            format!(
                "`{name}` is `Secure`, but it was set by the plain-http response of {url}. Secure cookies are only \
                 accepted from secure origins (https, or localhost), so the login cookie was discarded."
            ),
            Fix::new("Serve the login and the app over https.")
                .step("Redirect http to https (and send HSTS).")
                .step("For local development use http://localhost, which browsers treat as secure, not a LAN IP or a custom host name."),
        ),
        SchemefulSameSite => (
            format!(
                "`{name}` could not be set because the request crossed from http to https (or back) within the same \
                 domain. Browsers count the scheme as part of the site, so http://{host} and https://{host} are \
                 cross-site, and SameSite Lax/Strict cookies are refused."
            ),
            Fix::new("Serve every part of the app over https.").step("Redirect http to https and send HSTS."),
        ),
        OverwriteSecureCookie => (
            format!(
                "The plain-http response of {url} tried to replace `{name}`, which already exists as a Secure cookie. \
                 Browsers leave Secure cookies alone on non-secure responses, so the change was ignored."
            ),
            Fix::new("Use https for every authentication endpoint (login and logout).").step("Redirect http to https and send HSTS."),
        ),
        SetCookieSchemeNotSupported => {
            let scheme = f.url.scheme();
            (
                format!(
                    "The response to {url} sets `{name}`, but the browser cannot store cookies for `{scheme}:` URLs: \
                     only http, https, ws and wss carry cookies. The cookie was dropped, so the login leaves no session."
                ),
                Fix::new("Serve the app and its API over http(s).")
                    .step("For local development use http://localhost (a secure context), not a file: or custom-scheme URL.")
                    .step("Desktop or hybrid shells (Electron, Capacitor, WebView) that serve their UI from a custom scheme: call the API at its https URL, or keep the session in an Authorization header instead of a cookie."),
            )
        }
        _ => (format!("Cookie `{name}` from {url} was not stored."), Fix::new("See the Set-Cookie line.")),
    }
}

/// `set-cookie-expired-on-arrival` — 6265bis §5.6.2 step 7, §5.7 step 6: `Max-Age<=0` or a past `Expires`.
fn expired_on_arrival(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: &SetCookie,
    s: &Stored,
    out: &mut Vec<Finding>,
) {
    if !s.expired_on_arrival && !matches!(c.max_age, Some(m) if m <= 0) {
        return;
    }
    let server = ctx.server_date;
    let client = ctx.clock;
    // Deliberate deletion: Max-Age ≤ 0, or Expires already past by the server's own clock.
    let skew = match (c.max_age, c.expires) {
        (None, Some(e)) => server.is_some_and(|d| e > d) && client.is_some_and(|n| e <= n),
        _ => false,
    };
    if !skew {
        // A deletion is normal (logout, clearing stale state); it matters only for a session cookie
        // on a failing exchange, where it explains why the next request is anonymous.
        // When the request carried it, `session-cookie-rejected` tells that story better.
        if !(is_session_cookie_name(&c.name) && super::auth_failed(ctx)) || f.was_sent(&c.name) {
            return;
        }
        let how = match c.max_age {
            Some(m) => format!("`Max-Age={m}`"),
            None => format!("`Expires={}`", c.expires_raw.clone().unwrap_or_default()),
        };
        let fnd = Finding::new(
            SetCookieExpiredOnArrival,
            format!(
                "The {} response to {} deletes the session cookie `{}` ({how}). The server ended the session; the \
                 next requests will be anonymous until the user logs in again.",
                ctx.ex.status, ctx.ex.url, c.name
            ),
            Fix::new("If the logout was not intended, find why the server cleared the session (expired or unknown session id).")
                .step("Check the server log for why the session was rejected (store restart, rotated secret, another instance)."),
        )
        .severity(Severity::Info)
        .confidence(40);
        out.push(with_line(fnd, ctx, &c.name, l.raw));
        return;
    }
    let (Some(e), Some(d), Some(n)) = (c.expires, server, client) else { return };
    let fnd = Finding::new(
        SetCookieExpiredOnArrival,
        format!(
            "`{}` was set with `Expires={}` ({}). By the server's clock ({}) that is {} ahead, but this browser's \
             clock ({}) is already past it, so the cookie was deleted the moment it arrived. The server and client \
             clocks disagree by {}.",
            c.name,
            c.expires_raw.clone().unwrap_or_default(),
            format_utc(e),
            format_utc(d),
            format_duration(e - d),
            format_utc(n),
            format_duration(n - d)
        ),
        Fix::new("Use `Max-Age` (relative, immune to clock differences) and fix the clocks.")
            .step("Send `Max-Age=<seconds>`; keep `Expires` only for very old clients (Max-Age wins when both are present).")
            .step("Synchronise the server clock (NTP) and check the client's clock and time zone.")
            .snippet("http", format!("Set-Cookie: {}=<value>; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax", c.name)),
    )
    .with("client clock", format_utc(n))
    .with("server Date", format_utc(d))
    .confidence(85);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-default-path-too-narrow` — 6265bis §5.1.4: no `Path`, so the cookie only covers the setter's directory.
fn default_path_too_narrow(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: &SetCookie,
    s: &Stored,
    out: &mut Vec<Finding>,
) {
    if s.expired_on_arrival || c.path_value().is_some() {
        return;
    }
    let dp = set_cookie::default_path(f.url.path());
    if dp == "/" {
        return;
    }
    // Evidence that the narrow path hurts: a later request to the same host outside the path that
    // went without the cookie and failed; else a session cookie (which an app needs everywhere).
    let host = f.url.host_str().unwrap_or("");
    let later_miss = ctx.capture.exchanges.iter().enumerate().skip(ctx.index + 1).take(500).find(|(_, e)| {
        let Ok(u) = url::Url::parse(&e.url) else { return false };
        u.host_str() == Some(host)
            && !crate::cookies::jar::path_match(u.path(), dp)
            && matches!(e.status, 401 | 403)
            && !crate::headers::cookie::parse_all(e.request_headers.get_all("cookie")).iter().any(|p| p.name == c.name)
    });
    if later_miss.is_none() && !is_session_cookie_name(&c.name) {
        return;
    }
    let mut fnd = Finding::new(
        SetCookieDefaultPathTooNarrow,
        format!(
            "`{}` was set by {} without a `Path` attribute, so its path defaults to `{dp}` (the directory of that URL). \
             The browser will only send it to URLs under `{dp}/`; requests to other paths such as `/api/…` go without it.",
            c.name, ctx.ex.url
        ),
        session_cookie_snippets(
            Fix::new("Send `Path=/` with the session cookie.")
                .step("Add `Path=/` to the Set-Cookie line (most frameworks have a cookie-path setting)."),
            &c.name,
            if c.same_site == SameSite::Default { "Lax" } else { c.same_site.as_str() },
            None,
        ),
    )
    .with("default path", dp.to_string())
    .signal(Signal::Predictive)
    .confidence(if later_miss.is_some() { 80 } else { 55 });
    if let Some((i, e)) = later_miss {
        fnd = fnd
            .related(i)
            .with("later request without it", format!("{} {} → {}", e.method, e.url, e.status))
            .signal(Signal::Inferred);
    }
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-samesite-invalid-value` — 6265bis §5.6.7, §4.1.2.7: an unknown SameSite value means Default.
fn samesite_invalid_value(ctx: &Ctx<'_, '_>, f: &Facts<'_>, l: &SetLine<'_>, c: &SetCookie, out: &mut Vec<Finding>) {
    let Some(bad) = c.notes.iter().find_map(|n| match n {
        SetCookieNote::SameSiteInvalid(v) => Some(v.clone()),
        _ => None,
    }) else {
        return;
    };
    let meant_none = {
        let b = bad.trim_matches('"').to_ascii_lowercase();
        b == "none" || b == "no_restriction" || b == "false" || b == "off" || b == "unset"
    };
    let consequence = if meant_none {
        "If it was meant as `None`, the cookie stops working cross-site: Chromium enforces the default as Lax."
    } else {
        "Chromium enforces the default as Lax; Firefox and Safari as None."
    };
    let fnd = Finding::new(
        SetCookieSamesiteInvalidValue,
        format!(
            "`{}` is set with `SameSite={bad}`, which is not `Strict`, `Lax` or `None`. Browsers ignore the value and \
             treat the cookie as if it had no SameSite attribute. {consequence}",
            c.name
        ),
        session_cookie_snippets(
            Fix::new("Spell SameSite exactly: `None` (with `Secure`), `Lax` or `Strict`.").step(
                "Check the framework setting: values like `false`, `no_restriction` or a quoted \"None\" are invalid.",
            ),
            &c.name,
            if meant_none { "None" } else { "Lax" },
            None,
        ),
    )
    .with("SameSite value", bad)
    .signal(if f.site.is_cross_site() { Signal::Inferred } else { Signal::Predictive })
    .confidence(70);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-unparseable-expires` — 6265bis §5.1.1, §5.6.1: a bad `Expires` makes a session cookie.
fn unparseable_expires(ctx: &Ctx<'_, '_>, l: &SetLine<'_>, c: &SetCookie, out: &mut Vec<Finding>) {
    if c.max_age.is_some() || c.expires.is_some() {
        return;
    }
    let Some(bad) = c.notes.iter().find_map(|n| match n {
        SetCookieNote::ExpiresUnparseable(v) => Some(v.clone()),
        _ => None,
    }) else {
        return;
    };
    let fnd = Finding::new(
        SetCookieUnparseableExpires,
        format!(
            "`{}` has `Expires={bad}`, which browsers cannot read as a date. The attribute is ignored, so the cookie \
             becomes a session cookie and disappears when the browser closes.",
            c.name
        ),
        Fix::new("Use `Max-Age`, or an IMF-fixdate for Expires.").snippet(
            "http",
            format!("Set-Cookie: {}=<value>; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax", c.name),
        ),
    )
    .signal(Signal::Predictive);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-lifetime-capped` — 6265bis §5.5 (lifetimes over 400 days are cut to 400 days), §5.6.1, §5.6.2.
fn lifetime_capped(ctx: &Ctx<'_, '_>, l: &SetLine<'_>, c: &SetCookie, s: &Stored, out: &mut Vec<Finding>) {
    if !s.lifetime_capped || ctx.clock.is_none() && c.max_age.is_none() {
        return;
    }
    const CAP_S: i64 = 400 * 86_400;
    // Max-Age wins over Expires (§4.1.2.2); Expires is measured from the client clock.
    let asked = match (c.max_age, c.expires, ctx.clock) {
        (Some(m), _, _) => Some((m, format!("Max-Age={m}"))),
        (None, Some(e), Some(now)) => Some((e - now, format!("Expires={}", format_utc(e)))),
        _ => None,
    };
    let (what, ends) = match (asked, ctx.clock) {
        (Some((secs, attr)), Some(now)) => (
            format!("asks to live {} (`{attr}`)", format_duration(secs)),
            format!(" It will expire on {} instead, unless it is re-issued.", format_utc(now.saturating_add(CAP_S))),
        ),
        (Some((secs, attr)), None) => (format!("asks to live {} (`{attr}`)", format_duration(secs)), String::new()),
        _ => ("asks to live longer than 400 days".to_string(), String::new()),
    };
    let fnd = Finding::new(
        SetCookieLifetimeCapped,
        format!(
            "`{}` {what}. Browsers cap cookie lifetimes at 400 days (Chrome since version 104), so a \
             \"remember me\" that should last longer ends after 400 days.{ends}",
            c.name
        ),
        Fix::new("Re-issue long-lived cookies when the user comes back instead of relying on a multi-year lifetime.")
            .step("Refresh the remember-me cookie (new value, new Max-Age) on each visit or each login.")
            .step("Ask for at most 400 days: `Max-Age=34560000`.")
            .snippet(
                "http",
                format!("Set-Cookie: {}=<value>; Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=Lax", c.name),
            ),
    )
    .signal(Signal::Predictive)
    .confidence(90);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-attribute-too-long` — 6265bis §5.6 (an attribute value over 1024 octets is ignored),
/// §5.7 steps 7 and 11 (the defaults that then apply).
fn attribute_too_long(ctx: &Ctx<'_, '_>, f: &Facts<'_>, l: &SetLine<'_>, c: &SetCookie, out: &mut Vec<Finding>) {
    let Some((attr, len)) = c.notes.iter().find_map(|n| match n {
        SetCookieNote::AttributeTooLong { attribute, len } => Some((attribute.as_str(), *len)),
        _ => None,
    }) else {
        return;
    };
    let fallback = match attr.to_ascii_lowercase().as_str() {
        // The parser dropped the long value, so a later short Path/Domain (if any) is what applies.
        "path" => match c.path_value() {
            Some(p) => format!("the cookie keeps its other `Path={p}`"),
            None => format!(
                "the cookie gets the default path `{}` (the directory of the URL that set it) and is not sent elsewhere",
                set_cookie::default_path(f.url.path())
            ),
        },
        "domain" => match &c.domain {
            Some(d) => format!("the cookie keeps its other `Domain={d}`"),
            None => format!("the cookie becomes host-only for {} and is not sent to sibling subdomains", host(f)),
        },
        "expires" | "max-age" => "the cookie loses that lifetime and may become a session cookie".to_string(),
        "samesite" => "the cookie falls back to the default SameSite enforcement (Lax in Chromium)".to_string(),
        _ => "the browser applies its default for it".to_string(),
    };
    let fnd = Finding::new(
        SetCookieAttributeTooLong,
        format!(
            "The `{attr}` attribute of `{}` is {len} bytes long; browsers ignore any attribute value over 1024 bytes as \
             if it were absent, so {fallback}.",
            c.name
        ),
        Fix::new("Keep attribute values short, and never build Path or Domain from the request URL.")
            .step("Use a fixed `Path=/` (or a short application prefix) instead of the current URL or its query string.")
            .step("Use a fixed Domain (or none) instead of a value derived from request headers.")
            .snippet("http", format!("Set-Cookie: {}=<value>; Path=/; Secure; HttpOnly; SameSite=Lax", c.name))
            .snippet("php", format!("setcookie('{}', $value, ['path' => '/', 'secure' => true, 'httponly' => true, 'samesite' => 'Lax']);", c.name)),
    )
    .with("attribute length", format!("{attr}: {len} bytes (limit 1024)"))
    // The parser measured it: as certain as a browser report.
    .confidence(90);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

#[cfg(test)]
mod tests {
    use crate::catalogue::FindingId::{self, *};
    use crate::correlate::Correlation;
    use crate::diagnose::diagnose_entry;
    use crate::model::{Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    type Hs = &'static [(&'static str, &'static str)];

    fn ex(method: &'static str, url: &'static str, status: u16, req: Hs, res: Hs) -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed(method),
            url: Cow::Borrowed(url),
            status,
            request_headers: Headers(req.iter().map(|(n, v)| Header::new(n, v)).collect()),
            response_headers: Headers(res.iter().map(|(n, v)| Header::new(n, v)).collect()),
            started_ms: Some(1_790_000_000_000.0),
            page_url: Some(Cow::Borrowed("https://app.example.com/login")),
            initiator: Some(Cow::Borrowed("https://app.example.com")),
            resource_type: Some(Cow::Borrowed("fetch")),
            ..Default::default()
        }
    }

    fn ids(exchanges: Vec<Exchange<'static>>, i: usize) -> Vec<FindingId> {
        let cap = Capture { exchanges, ..Default::default() };
        let corr = Correlation::build(&cap);
        diagnose_entry(&cap, &corr, i).iter().map(|f| f.id).collect()
    }

    const API: &str = "https://api.example.com/auth/login";
    const ME: &str = "https://api.example.com/v1/me";
    const CORS_REQ: Hs =
        &[("Origin", "https://app.example.com"), ("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Dest", "empty")];
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
                vec![ex(
                    "POST",
                    API,
                    200,
                    CORS_REQ,
                    &[("Set-Cookie", "refresh_token=r1; Path=/auth; Secure; HttpOnly")],
                )],
                true,
            ),
            (
                "not a session cookie, not a login",
                vec![ex(
                    "GET",
                    "https://api.example.com/v1/prefs",
                    200,
                    CORS_REQ,
                    &[("Set-Cookie", "theme=dark; Path=/")],
                )],
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
        let short =
            ex("POST", "https://app.example.com/auth/login", 200, &[], &[("Set-Cookie", "sid=1; Path=/; Secure")]);
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
}
