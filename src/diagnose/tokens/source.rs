//! Where the token to judge comes from, and how it reads: `Authorization: Bearer|DPoP|JWT <t>`, a
//! bare JWT in `Authorization`, a JWT in a custom token header, or a JWT in an auth-named cookie.
//!
//! Reads only the parsed credential and cookie pairs of the context, never the raw header text.

use crate::diagnose::context::Ctx;
use crate::headers::jwt::{self, Jwt, JwtError, JwtNote};
use crate::headers::redaction;
use crate::headers::scheme::Scheme;
use crate::signals;

/// The token of one request and what carried it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Source<'c> {
    /// The scheme as sent (`Bearer`, `bearer`, `DPoP`, `JWT`); empty when there is none.
    pub(super) scheme: &'c str,
    /// The token text, as carried.
    pub(super) token: &'c str,
    /// The request header that carried the token (`Authorization`, a custom one like
    /// `x-access-token`, or `Cookie`).
    pub(super) header: &'c str,
    /// The cookie that carried the token, when `header` is `Cookie`.
    pub(super) cookie: Option<&'c str>,
}

/// The token to judge: `Authorization: Bearer|DPoP|JWT <t>`, a bare JWT in `Authorization` (no
/// scheme; authorization-scheme-mismatch reports that part), a JWT in a custom token header, or a
/// JWT in an auth-named cookie.
pub(super) fn token_source<'c>(ctx: &Ctx<'c, '_>) -> Option<Source<'c>> {
    header_token(ctx).or_else(|| {
        cookie_jwt(ctx).map(|(name, token)| Source { scheme: "", token, header: "Cookie", cookie: Some(name) })
    })
}

/// A compact JWS in a token-named cookie (`access_token`, `jwt`, `sb-access-token` …) of a request
/// without an `Authorization` header (apps that keep the access token in a cookie): `(name, value)`.
/// JWEs (5 segments) are encrypted session blobs whose claims cannot be read, so they are left out.
fn cookie_jwt<'c>(ctx: &Ctx<'c, '_>) -> Option<(&'c str, &'c str)> {
    if ctx.creds.authorization {
        return None;
    }
    ctx.sent_cookies.iter().find_map(|pair| {
        // The parser trims spaces and tabs; any other whitespace and quotes are not the token's.
        let (name, value) = (pair.name.trim(), pair.value.trim().trim_matches('"'));
        let token_named = signals::is_token_cookie_name(name);
        (token_named && value.matches('.').count() == 2 && jwt::looks_like_jwt(value)).then_some((name, value))
    })
}

/// The token of `Authorization` or of a custom token header.
fn header_token<'c>(ctx: &Ctx<'c, '_>) -> Option<Source<'c>> {
    let from_auth = |scheme, token| Source { scheme, token, header: "Authorization", cookie: None };
    if let Some(c) = &ctx.auth {
        if matches!(c.kind, Some(Scheme::Bearer | Scheme::Dpop)) || c.scheme.eq_ignore_ascii_case("jwt") {
            return Some(from_auth(c.scheme, c.credential.trim()));
        }
        if c.kind.is_none() && jwt::looks_like_jwt(c.token) && c.token.contains('.') {
            return Some(from_auth("", c.token));
        }
        return None;
    }
    ctx.ex.request_headers.0.iter().find_map(|h| {
        if !signals::is_jwt_header(&h.name) {
            return None;
        }
        let v = h.value.trim();
        let v = v.get(..7).filter(|p| p.eq_ignore_ascii_case("bearer ")).and_then(|_| v.get(7..)).unwrap_or(v).trim();
        (jwt::looks_like_jwt(v) && v.contains('.')).then_some(Source {
            scheme: "",
            token: v,
            header: &h.name,
            cookie: None,
        })
    })
}

/// The token behind a doubled scheme: `Bearer Bearer eyJ…` is authorization-scheme-mismatch's
/// finding; the token rules judge what follows it.
pub(super) fn without_doubled_scheme(token: &str) -> &str {
    ["bearer ", "dpop "]
        .iter()
        .find_map(|p| token.get(..p.len()).filter(|h| h.eq_ignore_ascii_case(p)).and_then(|_| token.get(p.len()..)))
        .map_or(token, str::trim_start)
}

/// How a token reads.
#[derive(Debug)]
pub(super) enum Reading {
    /// A shared capture replaced it with a redaction marker: nothing to judge.
    Hidden,
    /// Not a JOSE token at all (an opaque reference token).
    Opaque,
    /// A JOSE token, decoded (or why it cannot be).
    Jose(Result<Jwt, JwtError>),
}

/// Decodes `token` when it looks like a JOSE token.
pub(super) fn read(token: &str) -> Reading {
    if redaction::is_marker(token) {
        // A shared HAR whose token was redacted: nothing to judge, unless only the signature was
        // cut (`h.p.[REDACTED]`), which leaves the claims readable.
        return claims_without_signature(token).map_or(Reading::Hidden, |j| Reading::Jose(Ok(j)));
    }
    if jwt::looks_like_jwt(token) { Reading::Jose(jwt::decode(token)) } else { Reading::Opaque }
}

/// The header and claims of a compact JWS whose signature segment a redaction replaced.
fn claims_without_signature(token: &str) -> Option<Jwt> {
    let (signed, _sig) = token.rsplit_once('.')?;
    if signed.matches('.').count() != 1 || redaction::is_marker(signed) || !jwt::looks_like_jwt(signed) {
        return None;
    }
    let mut decoded = jwt::decode(&format!("{signed}.")).ok()?;
    decoded.notes.retain(|n| *n != JwtNote::EmptySignature);
    Some(decoded)
}
