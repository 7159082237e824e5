//! What is computed once per exchange about its token, in `diagnose()`: [`TokenFacts`] for the
//! rules (where the token came from, its decoding, the server's words about it) and, for flagged
//! exchanges, [`JwtFacts`] for the popup (the `Authorization` JWT with its time and audience checks
//! as typed values). Nothing here is worded for people: the rules word their findings, `view::jwt`
//! the popup's rows.

use super::server_text::{Complaint, ServerText};
use super::source::{self, Reading};
use super::{audience, time};
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Signal};
use crate::headers::jwt::{self, Jwt, JwtError, Part, TimeClaim};
use crate::headers::redaction;
use crate::headers::www_authenticate::BearerError;
use crate::secret::Exposure;
use serde_json::{Map, Value};

/// Everything the token rules share for one exchange. Only built for a rejected request that
/// carried a token: every rule explains a failure.
pub(crate) struct TokenFacts<'c> {
    /// The scheme as sent (`Bearer`, `bearer`, `DPoP`, `JWT`); empty when there is none.
    pub(super) scheme: &'c str,
    /// The request header that carried the token (`Authorization`, a custom one like
    /// `x-access-token`, or `Cookie`).
    pub(super) header: &'c str,
    /// The cookie that carried the token, when `header` is `Cookie`.
    pub(super) cookie: Option<&'c str>,
    pub(super) token: &'c str,
    /// `None` when the token does not look like a JOSE token at all (opaque).
    pub(super) decoded: Option<Result<Jwt, JwtError>>,
    pub(super) text: ServerText,
    /// The server's `Date` (when it judged the token).
    pub(super) server: Option<i64>,
    /// The client's clock when the request started.
    pub(super) client: Option<i64>,
    /// The response was rejected (401/403, any error status the server's text blames on the token,
    /// or no response at all).
    pub(super) rejected: bool,
    pub(super) status: u16,
}

impl<'c> TokenFacts<'c> {
    /// The facts of the token `ctx`'s request carried; `None` when it carried none, or the
    /// request was not rejected for it.
    pub(crate) fn of(ctx: &Ctx<'c, '_>) -> Option<TokenFacts<'c>> {
        let src = source::token_source(ctx)?;
        if src.token.is_empty() {
            return None;
        }
        let status = ctx.ex.status;
        let text = if status >= 400 || status == 0 { ServerText::of(ctx.ex) } else { ServerText::default() };
        // No response at all counts only when it may be a hidden rejection (a CORS failure masks the
        // 401's status); DNS, TLS or blocked-by-client failures never reached token validation.
        let hidden_rejection = status == 0
            && (ctx.ex.cors_error.is_some()
                || ctx
                    .ex
                    .error
                    .as_deref()
                    .is_none_or(|e| e.contains("ERR_FAILED") || e.to_ascii_lowercase().contains("cors")));
        let rejected = matches!(status, 401 | 403) || hidden_rejection || (status >= 400 && text.any());
        if !rejected {
            // Every rule here explains a failure; an accepted token has nothing to explain.
            return None;
        }
        // `insufficient_scope` (RFC 6750 §3.1) means the token itself was accepted: its lifetime,
        // audience and form are not the problem unless the server's text says otherwise.
        let scope_denied =
            ctx.challenges.challenges.iter().any(|c| c.bearer().error == Some(BearerError::InsufficientScope));
        if scope_denied && !text.any() {
            return None;
        }
        let token = source::without_doubled_scheme(src.token);
        let decoded = match source::read(token) {
            Reading::Hidden => return None,
            Reading::Opaque => None,
            Reading::Jose(d) => Some(d),
        };
        Some(TokenFacts {
            scheme: src.scheme,
            header: src.header,
            cookie: src.cookie,
            token,
            decoded,
            text,
            server: ctx.server_date,
            client: ctx.clock,
            rejected,
            status,
        })
    }

    /// `Bearer token in the Authorization header`, `token in the x-access-token header`.
    pub(super) fn describe(&self) -> String {
        if let Some(name) = self.cookie {
            return format!("JWT in the `{name}` cookie");
        }
        if self.scheme.is_empty() {
            format!("token in the {} header", self.header)
        } else {
            format!("{} token in the {} header", self.scheme, self.header)
        }
    }

    pub(super) fn in_authorization(&self) -> bool {
        self.header.eq_ignore_ascii_case("authorization")
    }

    pub(super) fn jwt(&self) -> Option<&Jwt> {
        self.decoded.as_ref().and_then(|d| d.as_ref().ok())
    }

    /// "now" for claim checks: the server's Date, else the client clock.
    pub(super) fn now(&self) -> Option<(i64, Basis)> {
        self.server.map(|t| (t, Basis::Server)).or(self.client.map(|t| (t, Basis::Client)))
    }

    pub(super) fn token_evidence(&self) -> Evidence {
        match self.cookie {
            Some(name) => Evidence::secret(format!("Token (cookie {name})"), self.token, Exposure::Prefix),
            None => Evidence::secret("Token", self.token, Exposure::Prefix),
        }
    }

    /// Marks a finding reported (and confident) when the server's text agrees.
    pub(super) fn confirmed(&self, f: Finding, c: Complaint) -> Finding {
        match self.text.says(c) {
            Some(m) => f.with("Server said", m.quote.clone()).signal(Signal::Reported).confidence(95),
            None => f,
        }
    }
}

/// Whose clock "now" was taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The server's `Date`.
    Server,
    /// The client's clock when the request started (the response had no `Date`).
    Client,
}

impl Basis {
    /// For findings: whose clock the comparison used.
    pub(super) fn label(self) -> &'static str {
        match self {
            Basis::Server => "the server's Date",
            Basis::Client => "this computer's clock (the response had no Date)",
        }
    }
}

/// The JWT of the request's `Authorization` header, decoded once (never verified), with the checks
/// of its times and audience against this exchange.
#[derive(Clone, Debug, PartialEq)]
pub struct JwtFacts {
    /// The decoded token, or why it cannot be decoded.
    pub decoded: Result<Jwt, Undecodable>,
    /// `exp`, `nbf` and `iat` against "now", when the token has them.
    pub exp: Option<TimeCheck>,
    pub nbf: Option<TimeCheck>,
    pub iat: Option<TimeCheck>,
    /// `aud` against the request's host.
    pub audience: AudienceCheck,
}

/// A token that looks like a JWT but cannot be decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Undecodable {
    pub error: JwtError,
    /// The JOSE header, read on its own (empty when even that fails).
    pub header: Map<String, Value>,
}

/// A NumericDate claim (RFC 7519 §2) checked against "now".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeCheck {
    pub claim: TimeClaim,
    /// Where the claim falls against "now"; `None` when it is not a number, looks like
    /// milliseconds, or the capture has no clock.
    pub relative: Option<Relative>,
}

/// A claim's time relative to "now".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Relative {
    /// Whose clock "now" is.
    pub basis: Basis,
    /// The claim minus "now", in seconds.
    pub from_now: i64,
    /// The claim minus the client clock, when that clock disagrees with the server's `Date` by
    /// more than a minute.
    pub from_client: Option<i64>,
    /// Whether the check fails: `exp` has passed; `nbf` or `iat` lies beyond the leeway ahead.
    pub fails: bool,
}

/// How `aud` relates to the request's host.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AudienceCheck {
    /// A Microsoft Graph token sent to another host.
    GraphElsewhere,
    /// An audience names the request's host.
    NamesHost,
    /// Nothing to say (no `aud`, or an identifier that names no host).
    #[default]
    Unknown,
}

impl JwtFacts {
    /// The facts of the JWT `ctx`'s `Authorization` header carries (a token-style scheme and a
    /// compact JOSE shape); `None` for anything else. `token` is the rules' facts of the same
    /// exchange: their decoding is reused when it is of the same text.
    pub(crate) fn of(ctx: &Ctx<'_, '_>, token: Option<TokenFacts<'_>>) -> Option<JwtFacts> {
        let c = ctx.auth.as_ref().filter(|c| c.is_token() && c.looks_like_jwt())?;
        // The rules judge the token behind a doubled scheme or a cut signature, and keep its
        // quotes; reuse their decoding only when they read exactly this text the same way.
        let reused = token
            .filter(|t| t.in_authorization() && t.token == c.token && !redaction::is_marker(t.token))
            .and_then(|t| t.decoded);
        // Otherwise the context's decoding, shared with the credential rules (scopes).
        let decoded = reused.or_else(|| ctx.auth_jwt().cloned())?.map_err(|error| Undecodable {
            error,
            header: jwt::decode_part(c.token, Part::Header).unwrap_or_default(),
        });
        let (server, client) = (ctx.server_date, ctx.clock);
        let check = |name: &str, claim: Option<TimeClaim>| claim.map(|t| time::time_check(name, t, server, client));
        let (exp, nbf, iat, audience) = match &decoded {
            Ok(j) => {
                (check("exp", j.exp()), check("nbf", j.nbf()), check("iat", j.iat()), audience::audience_check(ctx, j))
            }
            Err(_) => (None, None, None, AudienceCheck::Unknown),
        };
        Some(JwtFacts { decoded, exp, nbf, iat, audience })
    }
}
