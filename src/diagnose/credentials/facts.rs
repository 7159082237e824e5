//! The typed facts of the credential side of one exchange.
//!
//! The rules read the credential (`Ctx::auth`), the challenges (`Ctx::challenges`,
//! `Ctx::proxy_challenges`) and the key headers (`Ctx::api_keys`) from the context, plus
//! [`Facts`]: a lowercased body prefix and server fingerprints, gathered only when a rule can
//! apply. [`CredentialFacts`] is what only the views need — whether a credential went out and how
//! it fared, with the key headers sent — computed by `diagnose()` for flagged entries only.

use super::super::context::{ApiKey, Ctx};
use crate::headers::authorization::Credentials;
use crate::headers::www_authenticate::Challenges;

/// How much of a response body the signature checks read.
const BODY_PREFIX: usize = 16 * 1024;

/// Whether credentials went out, and whether the server turned them away.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CredentialState {
    /// No `Authorization`, cookie or custom key header on the request.
    #[default]
    Missing,
    /// A credential went out and the answer is not a refusal.
    Sent,
    /// A credential went out and the server answered 401, 403 or 407.
    Rejected,
}

/// The credential facts the views show for one flagged exchange (see the module docs).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CredentialFacts<'c> {
    pub state: CredentialState,
    /// Every custom key header sent, in order (`Ctx::api_keys`, read once from the headers).
    pub api_keys: Vec<ApiKey<'c>>,
}

impl<'c> CredentialFacts<'c> {
    /// Gathers the facts of `ctx`'s exchange.
    pub fn new(ctx: &Ctx<'c, '_>) -> CredentialFacts<'c> {
        let sent = ctx.auth.is_some() || !ctx.api_keys.is_empty() || ctx.creds.cookie;
        let state = match (sent, ctx.ex.status) {
            (true, 401 | 403 | 407) => CredentialState::Rejected,
            (true, _) => CredentialState::Sent,
            (false, _) => CredentialState::Missing,
        };
        CredentialFacts { state, api_keys: ctx.api_keys.clone() }
    }
}

/// What the rules of this module read: the context's parsed credential and challenges plus
/// response fingerprints.
pub struct Facts<'f> {
    pub status: u16,
    /// The parsed `Authorization` (`Ctx::auth`).
    pub cred: Option<&'f Credentials<'f>>,
    /// The raw `Authorization` value, for evidence.
    pub auth_raw: Option<&'f str>,
    /// `WWW-Authenticate`, every field line (`Ctx::challenges`).
    pub challenges: &'f Challenges<'f>,
    /// `Proxy-Authenticate`, every field line.
    pub proxy_challenges: &'f Challenges<'f>,
    /// Whether any `WWW-Authenticate` line with a non-empty value exists.
    pub has_challenge_header: bool,
    /// The first kilobytes of the response body, lowercased ASCII (None when not captured).
    pub body_lc: Option<String>,
    /// The `Server` header, lowercased.
    pub server: String,
    /// The response content type, lowercased.
    pub content_type: String,
    /// The request's credential headers are unknown, so their absence proves nothing: the HAR
    /// recorded no request header lines, or its exporter removed `Cookie` and `Authorization`
    /// (`Capture::credential_headers_removed`).
    pub credentials_unknown: bool,
    /// The response carried no header lines at all.
    pub response_headers_unknown: bool,
    /// A cookie was sent, per the `Cookie` header or CDP's included associated cookies.
    pub cookie_sent: bool,
}

impl<'f> Facts<'f> {
    /// Gathers what the rules read about `ctx`'s exchange.
    pub fn new(ctx: &'f Ctx<'_, '_>) -> Facts<'f> {
        let ex = ctx.ex;
        let body_lc = ex.response_body.as_deref().map(|b| {
            let mut end = b.len().min(BODY_PREFIX);
            while !b.is_char_boundary(end) {
                end -= 1;
            }
            b.get(..end).unwrap_or("").to_ascii_lowercase()
        });
        let content_type =
            ex.response_headers.get("content-type").or(ex.response_mime.as_deref()).unwrap_or("").to_ascii_lowercase();
        let cookie_sent = ctx.creds.cookie || ex.associated_cookies.iter().any(|c| c.blocked_reasons.is_empty());
        Facts {
            status: ex.status,
            cred: ctx.auth.as_ref(),
            auth_raw: ctx.authorization(),
            challenges: &ctx.challenges,
            proxy_challenges: &ctx.proxy_challenges,
            has_challenge_header: ex.response_headers.challenge_lines().any(|l| !l.trim().is_empty()),
            body_lc,
            server: ex.response_headers.get("server").unwrap_or("").to_ascii_lowercase(),
            content_type,
            credentials_unknown: ex.request_headers.is_empty() || ctx.capture.credential_headers_removed,
            response_headers_unknown: ex.response_headers.is_empty(),
            cookie_sent,
        }
    }

    /// Whether the body contains any of `needles` (lowercase).
    pub fn body_has(&self, needles: &[&'static str]) -> Option<&'static str> {
        let body = self.body_lc.as_deref()?;
        needles.iter().copied().find(|n| body.contains(n))
    }

    /// Whether the response is HTML.
    pub fn is_html(&self) -> bool {
        self.content_type.contains("text/html")
            || self.body_lc.as_deref().is_some_and(|b| {
                let t = b.trim_start();
                t.starts_with("<!doctype html") || t.starts_with("<html")
            })
    }

    /// The raw `WWW-Authenticate` lines joined for evidence.
    pub fn challenge_text(&self, ctx: &Ctx<'_, '_>) -> String {
        ctx.ex.response_headers.challenge_lines().collect::<Vec<_>>().join(" | ")
    }

    /// Whether any credential at all reached the wire (Authorization, Cookie, Proxy-Authorization
    /// or a custom key header).
    pub fn any_credential(&self, ctx: &Ctx<'_, '_>) -> bool {
        ctx.creds.any()
            || self.cookie_sent
            || ctx.creds.api_key_header.is_some()
            || ctx.ex.request_body.as_deref().is_some_and(crate::signals::body_carries_credentials)
    }
}
