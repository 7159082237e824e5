//! Other exchanges of the capture that say something about this one's credential: the same
//! credential accepted nearby, and whether the capture kept credential headers at all. They are
//! read through the typed `Headers` accessors, compared as sent.

use super::super::context::Ctx;
use crate::model::Exchange;

/// `scheme://authority` of a URL string, without parsing (captures hold serialized URLs).
fn origin_prefix(u: &str) -> &str {
    let start = u.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = u.get(start..).unwrap_or("");
    let end = rest.find(['/', '?', '#']).map(|i| start + i).unwrap_or(u.len());
    u.get(..end).unwrap_or(u)
}

/// Whether two URLs share an origin. A cheap string comparison first (the common case in a
/// capture); the full parse only when the strings differ only in spelling (case, default port).
pub fn same_origin(a: &str, b: &str) -> bool {
    let (pa, pb) = (origin_prefix(a), origin_prefix(b));
    if pa == pb {
        return true;
    }
    // An explicit port (`:443`) may be the default one; everything else differs for real.
    let port = |p: &str| {
        p.split_once("://").is_some_and(|(_, auth)| auth.rsplit_once(':').is_some_and(|(_, x)| !x.contains(']')))
    };
    if !pa.eq_ignore_ascii_case(pb) && !port(pa) && !port(pb) {
        return false;
    }
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

/// Whether `e` carried the same credential as this request (Authorization, else Cookie), as
/// sent: equality of the field values, not of their parse.
fn same_credentials(ctx: &Ctx<'_, '_>, e: &Exchange<'_>) -> bool {
    match ctx.authorization() {
        Some(a) => e.request_headers.authorization() == Some(a),
        None => match ctx.ex.request_headers.cookie_field() {
            Some(c) if !c.trim().is_empty() => e.request_headers.cookie_field().is_some_and(|o| o == c),
            _ => false,
        },
    }
}

/// An exchange near this one (±300 entries) on the same origin that got 2xx with the same
/// credential: later in the capture (so the credential is still valid after this failure), or at
/// most two minutes earlier.
pub fn accepted_elsewhere<'c, 'a>(ctx: &Ctx<'c, 'a>) -> Option<(usize, &'c Exchange<'a>)> {
    const WINDOW: usize = 300;
    let lo = ctx.index.saturating_sub(WINDOW);
    let hi = ctx.index.saturating_add(WINDOW).min(ctx.capture.exchanges.len());
    let now = ctx.ex.started_ms;
    ctx.capture.exchanges.get(lo..hi).unwrap_or(&[]).iter().enumerate().find_map(|(k, e)| {
        let i = lo + k;
        if i == ctx.index
            || !(200..300).contains(&e.status)
            || !same_credentials(ctx, e)
            || !same_origin(&e.url, &ctx.ex.url)
        {
            return None;
        }
        let recent = match (now, e.started_ms) {
            (Some(a), Some(b)) => (a - b).abs() <= 120_000.0,
            _ => true,
        };
        (i > ctx.index || recent).then_some((i, e))
    })
}

/// Whether credential headers may have been removed from the capture: no exchange near this one
/// (±300) carries `Cookie`, `Authorization` or `Set-Cookie` at all. Chrome's default "Export HAR
/// (sanitized)" drops exactly those (the HAR import flags that exporter's files outright, see
/// `Capture::credential_headers_removed`); other tools may too, so findings soften their claim.
pub fn possibly_sanitized(ctx: &Ctx<'_, '_>) -> bool {
    const WINDOW: usize = 300;
    let lo = ctx.index.saturating_sub(WINDOW);
    let hi = ctx.index.saturating_add(WINDOW).min(ctx.capture.exchanges.len());
    !ctx.capture.exchanges.get(lo..hi).unwrap_or(&[]).iter().any(|e| {
        e.request_headers.cookie_lines().next().is_some()
            || e.request_headers.authorization().is_some()
            || e.response_headers.has_set_cookie()
    })
}
