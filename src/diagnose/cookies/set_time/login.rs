//! The login-response rule of group D: a cross-origin login call made without credentials, whose
//! `Set-Cookie` the browser ignored.

use super::super::Facts;
use super::super::text::with_line;
use crate::catalogue::FindingId::*;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix};
use crate::signals::{FetchMode, is_session_cookie_name, is_token_cookie_name};

/// How many later exchanges are searched for the cookie a login response set.
const LATER_LOOKAHEAD: usize = 300;

/// `set-cookie-ignored-without-credentials` — Fetch HTTP-network fetch ("if includeCredentials is
/// true, … parse and store response `Set-Cookie` headers"), #http-cors-protocol ("CORS with
/// credentials": Set-Cookie is ignored otherwise). A cross-origin script request made without
/// `credentials: 'include'` cannot store cookies; nothing reports it, so it is inferred from the
/// request (no cookies), the response (no `Access-Control-Allow-Credentials: true`) and what came
/// after (no later request to that origin ever carries the cookie).
pub(super) fn ignored_without_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_>, login: bool, out: &mut Vec<Finding>) {
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
    let auth_like = |n: &str| is_session_cookie_name(n) || login && is_token_cookie_name(n);
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
        let sent = e.request_headers.cookie_pairs();
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
            .snippet("js", format!("await fetch({}, {{ method: {}, credentials: 'include', /* … */ }});", crate::quote::js(&ex.url), crate::quote::js(&ex.method)))
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
