//! Rules about cookies: set time (group D), send time (group E), the cookie-session rules of
//! A and B, the TLS-offload rule of G and the cookie rules of I; and the cookie table of a
//! flagged exchange, as typed facts for the views.
//!
//! Two kinds of evidence feed every rule. When the capture has Chromium's own verdicts (CDP
//! `blockedCookies` / `associatedCookies`), the rule reports them (signal Reported). Otherwise it
//! replays the capture's `Set-Cookie` lines (or takes the extension's `chrome.cookies` snapshot)
//! into a 6265bis jar and asks it which cookies this request carries and why the others are left
//! out (signal Inferred). The facts are computed once per exchange in [`Facts`], and the jar is
//! replayed at most once per exchange.

mod cache_layer;
mod facts;
mod send_time;
mod session;
mod set_time;
mod table;
pub(crate) mod text;

use super::context::Ctx;
use crate::cookies::jar;
use crate::finding::Finding;
use crate::headers::set_cookie;
use crate::signals::is_session_cookie_name;

pub(crate) use facts::Facts;
pub use table::{CookieFact, RowCookie, RowOutcome, RowSource};

/// The facts the cookie rules read about `ctx`'s exchange; `None` when no cookie rule can fire.
pub(crate) fn facts<'c>(ctx: &Ctx<'c, '_>) -> Option<Facts<'c>> {
    if !worth_looking(ctx) || !has_work(ctx) {
        return None;
    }
    // The replayed jar costs a pass over earlier exchanges: only failing requests and a plain-http
    // response (leave-secure-cookies-alone needs the old cookies) need it.
    let replay = auth_failed(ctx)
        || ctx.ex.status >= 400
        || ctx.url.as_ref().is_some_and(|u| !jar::is_secure_url(u) && ctx.ex.response_headers.has_set_cookie());
    Facts::build(ctx, replay)
}

/// Runs every rule of this module on the facts of [`facts`].
pub(crate) fn check(ctx: &Ctx<'_, '_>, facts: Option<&Facts<'_>>, out: &mut Vec<Finding>) {
    let Some(f) = facts else { return };
    set_time::check(ctx, f, out);
    send_time::check(ctx, f, out);
    session::check(ctx, f, out);
    cache_layer::check(ctx, f, out);
}

/// The cookie table of a flagged exchange: sent, not sent and why, set or refused. Reuses the
/// rules' facts, completing their jar when the rules did not need the replay.
pub(crate) fn cookie_table<'c>(ctx: &Ctx<'c, '_>, facts: Option<Facts<'c>>) -> Vec<CookieFact> {
    if !worth_looking(ctx) {
        return Vec::new();
    }
    let facts = match facts {
        Some(mut f) => {
            f.complete_jar(ctx);
            Some(f)
        }
        None => Facts::build(ctx, true),
    };
    facts.map(|f| table::build(ctx, &f)).unwrap_or_default()
}

/// The newest exchange before `ctx`'s that set cookie `name`.
fn last_setter_before(ctx: &Ctx<'_, '_>, name: &str) -> Option<usize> {
    ctx.corr.setters_before(name, ctx.index).last()
}

/// Cheap gate: nothing cookie-related can be said about an exchange without cookies, cookie
/// verdicts or an authentication failure.
fn worth_looking(ctx: &Ctx<'_, '_>) -> bool {
    let ex = ctx.ex;
    ctx.url.is_some()
        && (ex.response_headers.has_set_cookie()
            // Any Cookie line, even a blank one.
            || ex.request_headers.cookie_lines().next().is_some()
            || !ex.blocked_set_cookies.is_empty()
            || !ex.associated_cookies.is_empty()
            || ex.site_has_cookie_in_other_partition
            || ex.jar.is_some()
            || auth_failed(ctx))
}

/// Whether any rule can fire: a failure, a browser verdict, or a `Set-Cookie` that matters (an
/// auth cookie, or any cookie of a login exchange). A plain 200 that refreshes a tracking cookie
/// costs one header scan.
fn has_work(ctx: &Ctx<'_, '_>) -> bool {
    let ex = ctx.ex;
    auth_failed(ctx)
        || ex.status >= 400
        || ex.status == 0
        || !ex.blocked_set_cookies.is_empty()
        || !ex.associated_cookies.is_empty()
        || ex.site_has_cookie_in_other_partition
        || ex.response_headers.has_set_cookie()
            && (is_login_like(ctx)
                || ex
                    .response_headers
                    .set_cookie_lines()
                    .any(|l| set_cookie::line_name(l).is_none_or(is_session_cookie_name)))
}

/// Whether the exchange looks like an authentication failure: 401/403 (419/440 are the session
/// expiry codes of Laravel and IIS), or a redirect to a login page.
fn auth_failed(ctx: &Ctx<'_, '_>) -> bool {
    matches!(ctx.ex.status, 401 | 403 | 419 | 440) || redirects_to_login(ctx)
}

/// A 3xx whose `Location` looks like a sign-in page.
fn redirects_to_login(ctx: &Ctx<'_, '_>) -> bool {
    if !(300..400).contains(&ctx.ex.status) {
        return false;
    }
    let loc = ctx.ex.redirect_url.as_deref().or_else(|| ctx.ex.response_headers.get("location")).unwrap_or("");
    crate::signals::is_login_url(loc)
}

/// Whether the exchange looks like part of a sign-in (login form, SSO callback, token or session
/// endpoint), judged from its URL path.
fn is_login_like(ctx: &Ctx<'_, '_>) -> bool {
    ctx.url.as_ref().is_some_and(|u| crate::signals::is_sign_in_step(u.path()))
}

/// Whether the request is a top-level navigation. Captures without a resource type or fetch
/// metadata fall back to the shape of a navigation: a GET for HTML without an `Origin`.
fn is_top_level_navigation(ctx: &Ctx<'_, '_>) -> bool {
    if ctx.is_navigation() {
        return true;
    }
    if ctx.resource.is_some() || ctx.mode.is_some() {
        return false;
    }
    let rq = &ctx.ex.request_headers;
    ctx.ex.method.eq_ignore_ascii_case("GET")
        && !rq.has("origin")
        && rq.get("accept").is_some_and(|a| a.contains("text/html"))
}
