//! Successful token responses seen earlier in the capture (RFC 6749 §5.1: the token endpoint's
//! JSON answer carrying `access_token` and `expires_in`), read for the clock rules.

use crate::diagnose::context::Ctx;
use crate::headers::date::parse_http_date;
use crate::headers::jwt::TimeClaim;

/// At most this many earlier exchanges are searched for the last token response.
const LOOKBACK: usize = 200;
/// Token responses are small; a bigger body is not one (and is not parsed).
const MAX_BODY: usize = 64 * 1024;

/// Where a refreshed token's expiry comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ExpiryFrom {
    /// The access token is a JWT with `exp` (RFC 7519 §4.1.4).
    JwtExp,
    /// `expires_in` seconds after the response's `Date` (RFC 6749 §5.1).
    ExpiresIn(i64),
}

/// A token response that handed the app a new access token.
#[derive(Clone, Debug)]
pub(super) struct Refresh {
    pub index: usize,
    /// When it was issued, by the server's clock (its `Date`).
    pub issued: i64,
    /// When the new token expires, by the server's clock, and how that is known; `None` when the
    /// capture has no body for the answer (the extension never sees response bodies).
    pub expires: Option<(i64, ExpiryFrom)>,
}

/// The last successful token response before this exchange, within [`LOOKBACK`] entries.
pub(super) fn latest_before(ctx: &Ctx<'_, '_>) -> Option<Refresh> {
    let all = &ctx.capture.exchanges;
    (0..ctx.index).rev().take(LOOKBACK).find_map(|i| all.get(i).and_then(|ex| read(i, ex)))
}

/// Reads one exchange as a token response, if it is one: a successful token request whose JSON
/// answer carries `access_token`, or one whose answer the capture does not hold.
fn read(index: usize, ex: &crate::model::Exchange<'_>) -> Option<Refresh> {
    if !(200..300).contains(&ex.status) {
        return None;
    }
    let issued = parse_http_date(ex.response_headers.get("date")?)?;
    let Some(body) = ex.response_body.as_deref() else {
        return crate::signals::is_token_request(ex).then_some(Refresh { index, issued, expires: None });
    };
    if body.len() > MAX_BODY || !body.contains("access_token") || !body.trim_start().starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let token = v.get("access_token")?.as_str()?;
    let exp = crate::headers::jwt::decode(token).ok().and_then(|j| j.exp()).and_then(|c| match c {
        TimeClaim::Seconds { secs, looks_like_millis: false, .. } => Some(secs),
        _ => None,
    });
    let expires_in = v.get("expires_in").and_then(|e| {
        e.as_i64().or_else(|| e.as_f64().map(|f| f as i64)).or_else(|| e.as_str().and_then(|s| s.trim().parse().ok()))
    });
    let expires = match (exp, expires_in) {
        (Some(exp), _) => (exp, ExpiryFrom::JwtExp),
        (None, Some(s)) if (0..=10 * 365 * 86_400).contains(&s) => (issued.saturating_add(s), ExpiryFrom::ExpiresIn(s)),
        _ => return None,
    };
    Some(Refresh { index, issued, expires: Some(expires) })
}
