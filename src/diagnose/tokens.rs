//! Rules about tokens and JWTs (catalogue group C): decoded locally, never verified.
//!
//! The token is the credential of `Authorization: Bearer|DPoP <t>`. Its claims are compared with the
//! server's clock (`Date`, the time the server judged the token) and the client's clock (when the
//! request started), and with what the server's error text says. Signatures cannot be checked
//! without keys, so no rule here ever says a signature is bad on its own: only the server can.
//!
//! The JWT claim rules live here; `dpop` holds the DPoP rules, `oauth` the capture-wide OAuth client
//! rules (refresh races, tokens in URLs), `server_text` the validator error signatures and `view`
//! the popup's decoded-token rows.

mod dpop;
mod oauth;
mod server_text;
mod view;

pub use server_text::{Complaint, ServerText};
pub use view::jwt_view;

use super::context::Ctx;
use crate::catalogue::FindingId;
use crate::finding::{Evidence, Finding, Fix, Signal};
use crate::headers::date::{format_duration, format_utc};
use crate::headers::jwt::{self, Jwt, JwtError, JwtNote, Kind, Payload, TimeClaim};
use crate::headers::redaction;
use crate::headers::scheme::Scheme;
use crate::secret::Exposure;
use server_text::Expected;

/// Leeway before `nbf`/`iat` count as "in the future" (RFC 7519 §4.1.5 allows "some small leeway";
/// Spring's default is 60 s).
const NBF_LEEWAY: i64 = 60;
/// Client/server clock difference beyond which clocks are called skewed.
const SKEW_LIMIT: i64 = 60;
/// `iat` this far ahead of the server's `Date` means the issuer's clock runs ahead.
const IAT_AHEAD_LIMIT: i64 = 30;

/// How long past `exp` a token must be before a bare 403 is blamed on its expiry.
const FORBIDDEN_LEEWAY: i64 = 300;

/// Microsoft Graph's application id, the `aud` of Graph access tokens (Entra v1 spelling).
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Everything the token rules share for one exchange, computed once.
struct TokenFacts<'c> {
    /// The scheme as sent (`Bearer`, `bearer`, `DPoP`, `JWT`); empty when there is none.
    scheme: &'c str,
    /// The request header that carried the token (`Authorization`, a custom one like
    /// `x-access-token`, or `Cookie`).
    header: &'c str,
    /// The cookie that carried the token, when `header` is `Cookie`.
    cookie: Option<&'c str>,
    token: &'c str,
    /// `None` when the token does not look like a JOSE token at all (opaque).
    decoded: Option<Result<Jwt, JwtError>>,
    text: ServerText,
    /// The server's `Date` (when it judged the token).
    server: Option<i64>,
    /// The client's clock when the request started.
    client: Option<i64>,
    /// The response was rejected (401/403, any error status the server's text blames on the token,
    /// or no response at all).
    rejected: bool,
    status: u16,
}

impl TokenFacts<'_> {
    /// `Bearer token in the Authorization header`, `token in the x-access-token header`.
    fn describe(&self) -> String {
        if let Some(name) = self.cookie {
            return format!("JWT in the `{name}` cookie");
        }
        if self.scheme.is_empty() {
            format!("token in the {} header", self.header)
        } else {
            format!("{} token in the {} header", self.scheme, self.header)
        }
    }

    fn in_authorization(&self) -> bool {
        self.header.eq_ignore_ascii_case("authorization")
    }

    fn jwt(&self) -> Option<&Jwt> {
        self.decoded.as_ref().and_then(|d| d.as_ref().ok())
    }

    /// "now" for claim checks: the server's Date, else the client clock.
    fn now(&self) -> Option<(i64, Basis)> {
        self.server.map(|t| (t, Basis::Server)).or(self.client.map(|t| (t, Basis::Client)))
    }

    fn token_evidence(&self) -> Evidence {
        match self.cookie {
            Some(name) => Evidence::secret(format!("Token (cookie {name})"), self.token, Exposure::Prefix),
            None => Evidence::secret("Token", self.token, Exposure::Prefix),
        }
    }

    /// Marks a finding reported (and confident) when the server's text agrees.
    fn confirmed(&self, f: Finding, c: Complaint) -> Finding {
        match self.text.says(c) {
            Some(m) => f.with("Server said", m.quote.clone()).signal(Signal::Reported).confidence(95),
            None => f,
        }
    }
}

/// Whose clock "now" was taken from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Basis {
    Server,
    Client,
}

impl Basis {
    fn label(self) -> &'static str {
        match self {
            Basis::Server => "the server's Date",
            Basis::Client => "this computer's clock (the response had no Date)",
        }
    }
}

/// Runs every rule of this module.
pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    oauth::bearer_token_in_url(ctx, out);
    oauth::refresh_token_rotation_race(ctx, out);
    let Some(f) = facts(ctx) else {
        clock_skew(ctx, None, out);
        return;
    };
    if f.in_authorization() {
        dpop::dpop_nonce_required(ctx, &f, out);
        dpop::dpop_proof_invalid(ctx, &f, out);
    }
    opaque_token_to_jwt_api(&f, out);
    clock_skew(ctx, Some(&f), out);
    if f.decoded.is_none() {
        return;
    }
    jwt_malformed(&f, out);
    jwt_expired(&f, out);
    jwt_not_yet_valid(&f, out);
    jwt_issuer_mismatch(&f, out);
    jwt_signing_key_unknown(&f, out);
    jwt_alg_rejected(&f, out);
    // After the rules above: its weakest heuristic stands back when they found the cause.
    jwt_audience_mismatch(ctx, &f, out);
    id_token_as_access_token(ctx, &f, out);
}

/// Custom request headers some APIs read JWTs from (express-jwt `getToken`, DRF, Firebase apps…).
const JWT_HEADERS: &[&str] = &["x-access-token", "x-auth-token", "x-token", "x-jwt", "x-jwt-assertion"];

/// The token to judge, as `(scheme, token, header, cookie name when the header is Cookie)`:
/// `Authorization: Bearer|DPoP|JWT <t>`, a bare JWT in `Authorization` (no scheme;
/// authorization-scheme-mismatch reports that part), a JWT in a custom token header, or a JWT in
/// an auth-named cookie.
fn token_source<'c>(ctx: &Ctx<'c, '_>) -> Option<(&'c str, &'c str, &'c str, Option<&'c str>)> {
    header_token(ctx)
        .map(|(scheme, token, header)| (scheme, token, header, None))
        .or_else(|| cookie_jwt(ctx).map(|(name, v)| ("", v, "Cookie", Some(name))))
}

/// Cookie names that say "this is the credential" (`access_token`, `jwt`, `id_token`,
/// `sb-access-token`, `auth`, `session` …), lowercase.
const AUTH_COOKIE_WORDS: &[&str] = &["token", "jwt", "access", "auth", "session", "sid", "identity"];

/// A compact JWS in an auth-named cookie of a request without an `Authorization` header (apps
/// that keep the access token in a cookie): `(name, value)`. JWEs (5 segments) are encrypted
/// session blobs whose claims cannot be read, so they are left out.
fn cookie_jwt<'c>(ctx: &Ctx<'c, '_>) -> Option<(&'c str, &'c str)> {
    if ctx.creds.authorization {
        return None;
    }
    ctx.ex.request_headers.get_all("cookie").flat_map(|line| line.split(';')).find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let (name, value) = (name.trim(), value.trim().trim_matches('"'));
        let lname = name.to_ascii_lowercase();
        let auth_named = AUTH_COOKIE_WORDS.iter().any(|w| lname.contains(w));
        (auth_named && value.matches('.').count() == 2 && jwt::looks_like_jwt(value)).then_some((name, value))
    })
}

/// The token of `Authorization` or of a custom token header.
fn header_token<'c>(ctx: &Ctx<'c, '_>) -> Option<(&'c str, &'c str, &'c str)> {
    if let Some(c) = &ctx.auth {
        if matches!(c.kind, Some(Scheme::Bearer | Scheme::Dpop)) || c.scheme.eq_ignore_ascii_case("jwt") {
            return Some((c.scheme, c.credential.trim(), "Authorization"));
        }
        if c.kind.is_none() && jwt::looks_like_jwt(c.token) && c.token.contains('.') {
            return Some(("", c.token, "Authorization"));
        }
        return None;
    }
    ctx.ex.request_headers.0.iter().find_map(|h| {
        let name = JWT_HEADERS.iter().find(|n| h.name.eq_ignore_ascii_case(n))?;
        let v = h.value.trim();
        let v = v.get(..7).filter(|p| p.eq_ignore_ascii_case("bearer ")).and_then(|_| v.get(7..)).unwrap_or(v).trim();
        (jwt::looks_like_jwt(v) && v.contains('.')).then_some(("", v, *name))
    })
}

fn facts<'c>(ctx: &Ctx<'c, '_>) -> Option<TokenFacts<'c>> {
    let (scheme, token, header, cookie) = token_source(ctx)?;
    if token.is_empty() {
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
    // `insufficient_scope` (RFC 6750 §3.1) means the token itself was accepted: its lifetime, audience
    // and form are not the problem unless the server's text says otherwise.
    let scope_denied = ctx
        .ex
        .response_headers
        .get_all("www-authenticate")
        .any(|v| v.to_ascii_lowercase().contains("insufficient_scope"));
    if scope_denied && !text.any() {
        return None;
    }
    // `Bearer Bearer eyJ…` is authorization-scheme-mismatch's finding; judge the token behind it.
    let token = ["bearer ", "dpop "]
        .iter()
        .find_map(|p| token.get(..p.len()).filter(|h| h.eq_ignore_ascii_case(p)).and_then(|_| token.get(p.len()..)))
        .map_or(token, str::trim_start);
    let decoded = if redaction::is_marker(token) {
        // A shared HAR whose token was redacted: nothing to judge, unless only the signature was
        // cut (`h.p.[REDACTED]`), which leaves the claims readable.
        Some(Ok(claims_without_signature(token)?))
    } else {
        jwt::looks_like_jwt(token).then(|| jwt::decode(token))
    };
    Some(TokenFacts {
        scheme,
        header,
        cookie,
        token,
        decoded,
        text,
        server: ctx.server_date,
        client: ctx.clock,
        rejected,
        status,
    })
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

/// `2026-09-23 12:03:11 UTC`, or just `12:03:11 UTC` when `t` is on the same day as `same_day_as`.
fn at(t: i64, same_day_as: i64) -> String {
    let full = format_utc(t);
    if t.div_euclid(86_400) == same_day_as.div_euclid(86_400) {
        full.get(11..).map(str::to_string).unwrap_or(full)
    } else {
        full
    }
}

/// Explains a client clock reading next to the reference time, when both exist and differ.
fn client_clock_note(f: &TokenFacts<'_>, reference: i64) -> String {
    match (f.server, f.client) {
        (Some(_), Some(c)) => {
            let d = c - reference;
            if d.abs() <= SKEW_LIMIT {
                format!(" This computer's clock read {} at the time.", at(c, reference))
            } else {
                format!(
                    " This computer's clock read {} at the time, {} {} the server.",
                    at(c, reference),
                    format_duration(d),
                    if d < 0 { "behind" } else { "ahead of" }
                )
            }
        }
        _ => String::new(),
    }
}

const LEEWAY_SNIPPETS: &[(&str, &str)] = &[
    ("aspnet", "options.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(60); // default is 5 min"),
    (
        "spring",
        "JwtTimestampValidator ts = new JwtTimestampValidator(Duration.ofSeconds(60));\n\
         decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(ts, JwtValidators.createDefault()));",
    ),
    ("js", "jwt.verify(token, key, { algorithms: ['RS256'], clockTolerance: 60 }); // jsonwebtoken default is 0"),
    ("python", "jwt.decode(token, key, algorithms=[\"RS256\"], leeway=60)  # PyJWT default is 0"),
];

fn with_leeway_snippets(mut fix: Fix) -> Fix {
    for (lang, code) in LEEWAY_SNIPPETS {
        fix = fix.snippet(lang, *code);
    }
    fix
}

/// `jwt-malformed` — RFC 7519 §7.2 and RFC 7515 §7.1: a token that looks like a JWT but cannot be
/// read as one (segment count, base64url, JSON, `alg`).
fn jwt_malformed(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(decoded) = &f.decoded else { return };
    let mut reasons: Vec<String> = Vec::new();
    let mut confidence = 70;
    match decoded {
        Err(e) => {
            reasons.push(e.to_string());
            confidence = 85;
            if matches!(e, JwtError::Truncated(_) | JwtError::SegmentCount(2)) {
                reasons.push(format!(
                    "it is {} characters long, and tokens are often cut off by a header or cookie size limit \
                     (4 KB, 8 KB) or a storage column",
                    f.token.len()
                ));
            }
        }
        Ok(j) => {
            if j.kind == Kind::Jwe {
                reasons.push(format!(
                    "it is an encrypted token (JWE, 5 segments, enc {}): APIs that validate signed JWTs cannot read it",
                    j.enc().unwrap_or("missing")
                ));
                confidence = 60;
            }
            if let Payload::Invalid(e) = &j.payload {
                reasons.push(e.to_string());
                confidence = 85;
            }
            if matches!(j.payload, Payload::Detached | Payload::Unencoded) {
                reasons.push("its payload is detached or unencoded, so it carries no claims".to_string());
            }
            for n in &j.notes {
                if n.breaks_strict_validation() && !matches!(n, JwtNote::SurroundingWhitespace) {
                    reasons.push(n.message().to_string());
                }
            }
            for (name, claim) in [("exp", j.exp()), ("nbf", j.nbf()), ("iat", j.iat())] {
                match claim {
                    Some(TimeClaim::NotNumeric) => reasons.push(format!("\"{name}\" is not a number")),
                    Some(TimeClaim::Seconds { from_string: true, .. }) => {
                        reasons.push(format!("\"{name}\" is a string; RFC 7519 requires a JSON number"))
                    }
                    _ => {}
                }
            }
        }
    }
    let complaint = f.text.says(Complaint::Malformed);
    if reasons.is_empty() && complaint.is_none() {
        return;
    }
    if reasons.is_empty() {
        reasons.push("the server could not parse it, although it decodes here".to_string());
        confidence = 60;
    }
    let explanation =
        format!("The {} looks like a JWT, but cannot be read as one: {}.", f.describe(), reasons.join("; "));
    let fix = Fix::new("Send the exact access_token string from the token response, unchanged.")
        .step("Log the token's length and first characters where the app stores it and where it sets the header; they must match the token endpoint's access_token.")
        .step("Do not JSON.stringify the token into storage (that adds quotes) and do not join two tokens into one header.")
        .step("If the token is cut off, look for size limits: cookie (4 KB), proxy header buffers (nginx large_client_header_buffers), database columns.")
        .step("If it is an encrypted token (JWE), ask the authorization server for a signed access token for this API, or decrypt it at the gateway.")
        .snippet("js", "// one token, no quotes, no extra whitespace\nheaders.Authorization = `Bearer ${tokenResponse.access_token}`;");
    let mut finding = Finding::new(FindingId::JwtMalformed, explanation, fix)
        .title("The token looks like a JWT but cannot be decoded")
        .source("RFC 7519 §7.2; RFC 7515 §7.1 (compact serialization); RFC 7516 §7.1")
        .confidence(confidence)
        .with("Problems", reasons.join("; "))
        .evidence(f.token_evidence());
    if let Some(m) = complaint {
        finding = finding.with("Server said", m.quote.clone()).signal(Signal::Reported).confidence(95);
    }
    out.push(finding);
}

/// `jwt-expired` — RFC 7519 §4.1.4: the token MUST NOT be accepted on or after `exp`.
fn jwt_expired(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    let says_expired = f.text.says(Complaint::Expired).is_some();
    let says_lifetime = f.text.says(Complaint::Lifetime).is_some();
    if j.exp().is_none() && f.text.says(Complaint::NoExpiration).is_some() {
        let fix = Fix::new("Issue access tokens with an exp claim, or stop requiring one on the API.")
            .step("Configure the authorization server to set a lifetime on access tokens for this API.")
            .step("Only if the tokens are deliberately without expiry: set RequireExpirationTime = false on the API.");
        out.push(
            f.confirmed(
                Finding::new(
                    FindingId::JwtExpired,
                    "The API requires an expiry time, and the token has no \"exp\" claim, so the API treats it as invalid.",
                    fix,
                )
                .title("The token has no expiry time, which the API requires")
                .source("RFC 7519 §4.1.4"),
                Complaint::NoExpiration,
            ),
        );
        return;
    }
    let Some(exp) = j.exp().and_then(TimeClaim::secs) else { return };
    let Some((now, basis)) = f.now() else { return };
    let past = now - exp;
    let says_so = says_expired || (says_lifetime && j.nbf().and_then(TimeClaim::secs).is_none_or(|n| n <= now));
    if past < 0 && !says_so {
        // Still valid when the server answered (a token expiring 2 s after Date is not expired).
        return;
    }
    if f.status == 403 && !says_so && past < FORBIDDEN_LEEWAY {
        // A 403 usually means the token was accepted and the permission is missing; only a token
        // expired beyond common validator leeway (ASP.NET's 5 min) is the likelier cause.
        return;
    }
    let mut explanation = if past >= 0 {
        format!(
            "The token expired {} before {}: exp is {}, and {} was {}.",
            format_duration(past),
            basis.label(),
            format_utc(exp),
            if basis == Basis::Server { "the server's Date" } else { "this computer's clock" },
            at(now, exp)
        )
    } else {
        format!(
            "The server says the token has expired, although exp ({}) is {} after {} ({}). The server's own clock \
             is probably ahead of its Date header, or it allows no leeway and the request took time to arrive.",
            format_utc(exp),
            format_duration(past),
            basis.label(),
            at(now, exp)
        )
    };
    explanation.push_str(&client_clock_note(f, now));
    if let (Basis::Server, Some(c)) = (basis, f.client) {
        if c < exp && past > 0 {
            explanation.push_str(&format!(
                " By this computer's clock the token still had {} to live, so an expiry check in the app did not \
                 refresh it: fix the clocks as well (see clock-skew).",
                format_duration(exp - c)
            ));
        }
    }
    let fix = Fix::new("Refresh the access token before it expires, and retry once after a 401.")
        .step("Refresh proactively when less than about 60 s remain before exp (refresh token, or silent renewal).")
        .step("On a 401 with error=\"invalid_token\", refresh once and retry the request once; never loop.")
        .step("If the refresh itself fails, look at the token endpoint's answer: invalid_grant means the refresh token is dead and the user must sign in again.")
        .snippet(
            "js",
            "// exp is in seconds; refresh a minute early\nfunction expiresSoon(jwt) {\n  const b64 = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');\n  const { exp } = JSON.parse(atob(b64));\n  return exp * 1000 - Date.now() < 60_000;\n}\nif (expiresSoon(accessToken)) accessToken = await refreshAccessToken();",
        );
    let finding = Finding::new(FindingId::JwtExpired, explanation, fix)
        .title("The token has expired")
        .source("RFC 7519 §4.1.4")
        .confidence(if basis == Basis::Server { 80 } else { 60 })
        .with("exp", format!("{exp} ({})", format_utc(exp)))
        .with(if basis == Basis::Server { "Server Date" } else { "Client clock" }, format_utc(now))
        .evidence(f.token_evidence());
    let c = if says_expired { Complaint::Expired } else { Complaint::Lifetime };
    out.push(f.confirmed(finding, c));
}

/// `jwt-not-yet-valid` — RFC 7519 §4.1.5 (`nbf`) and §4.1.6 (`iat`): the token is not valid yet
/// from the server's point of view.
fn jwt_not_yet_valid(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    let Some((now, basis)) = f.now() else { return };
    let says = f.text.says(Complaint::NotYetValid).is_some();
    let says_lifetime = f.text.says(Complaint::Lifetime).is_some();
    let limit = if says || says_lifetime { 0 } else { NBF_LEEWAY };
    let nbf = j.nbf().and_then(TimeClaim::secs).filter(|n| n - now > limit);
    let iat = j.iat().and_then(TimeClaim::secs).filter(|i| i - now > limit);
    let (name, t) = match (nbf, iat) {
        (Some(n), _) => ("nbf", n),
        (None, Some(i)) => ("iat", i),
        (None, None) => return,
    };
    // An expired token with a lifetime complaint is jwt-expired's case.
    if !says && says_lifetime && j.exp().and_then(TimeClaim::secs).is_some_and(|e| e <= now) {
        return;
    }
    let ahead = t - now;
    let mut explanation = format!(
        "The token only becomes valid {} after {}: {name} is {}, and {} was {}.",
        format_duration(ahead),
        basis.label(),
        format_utc(t),
        if basis == Basis::Server { "the server's Date" } else { "this computer's clock" },
        at(now, t)
    );
    explanation.push_str(
        " The issuer's clock runs ahead of the API's, so tokens fail right after they are issued and start working \
         a little later.",
    );
    explanation.push_str(&client_clock_note(f, now));
    let fix = with_leeway_snippets(
        Fix::new("Synchronise the issuer's and the API's clocks, and allow a small leeway on the API.")
            .step("Run NTP on the authorization server and on every API host (chronyc tracking; timedatectl set-ntp true).")
            .step("Allow about 60 s of clock skew when validating nbf and iat."),
    );
    let finding = Finding::new(FindingId::JwtNotYetValid, explanation, fix)
        .title("The token is not valid yet by the server's clock")
        .source(if name == "nbf" { "RFC 7519 §4.1.5" } else { "RFC 7519 §4.1.6; OpenID Connect Core §3.1.3.7" })
        // Only some validators bound iat (PyJWT, OIDC ID-token checks); nbf binds them all.
        .confidence(match (basis, name) {
            (Basis::Server, "nbf") => 80,
            (Basis::Server, _) => 65,
            _ => 55,
        })
        .with(name, format!("{t} ({})", format_utc(t)))
        .with(if basis == Basis::Server { "Server Date" } else { "Client clock" }, format_utc(now))
        .evidence(f.token_evidence());
    out.push(f.confirmed(finding, if says { Complaint::NotYetValid } else { Complaint::Lifetime }));
}

/// `clock-skew` — RFC 7519 §4.1.4–4.1.5 and RFC 9110 §6.6.1: the client's clock, the server's `Date`
/// or the issuer's `iat` disagree by more than a minute.
///
/// Runs on token failures, and on other rejected credentialed requests (cookie sessions, whose
/// expiry the skew also breaks); `f` is the token, when there is one.
fn clock_skew(ctx: &Ctx<'_, '_>, f: Option<&TokenFacts<'_>>, out: &mut Vec<Finding>) {
    let Some(server) = ctx.server_date else { return };
    if f.is_none() {
        let status = ctx.ex.status;
        let credentialed = ctx.creds.any() || ctx.ex.response_headers.has("set-cookie");
        if !(credentialed && matches!(status, 401 | 403 | 419 | 440)) {
            return;
        }
    }
    let cached = ctx.ex.from_cache.as_deref().is_some_and(|s| !s.trim().is_empty())
        || ctx.ex.response_headers.get("age").and_then(|a| a.trim().parse::<u64>().ok()).is_some_and(|a| a > 0);
    let mut parts = Vec::new();
    let mut evidence = Vec::new();
    if let Some(client) = ctx.clock.filter(|_| !cached) {
        let skew = server - client;
        if skew.abs() > SKEW_LIMIT {
            parts.push(format!(
                "This computer's clock and the server's disagree by {}: the request started at {} by this \
                 computer's clock, and the server's Date says {}. {}",
                format_duration(skew),
                format_utc(client),
                at(server, client),
                match (skew > 0, f.is_some()) {
                    (true, true) => {
                        "This computer is behind, so the app believes tokens are still valid after the server has \
                         stopped accepting them."
                    }
                    (false, true) => {
                        "This computer is ahead, so the app may think fresh tokens are expired or not yet valid."
                    }
                    (true, false) => {
                        "This computer is behind, so cookies keep being sent after the server considers them expired."
                    }
                    (false, false) => {
                        "This computer is ahead, so cookies with an Expires date can be dropped as already expired \
                         when they arrive."
                    }
                }
            ));
            evidence.push(("Client clock", format_utc(client)));
        }
    }
    if let Some(iat) = f.and_then(TokenFacts::jwt).and_then(Jwt::iat).and_then(TimeClaim::secs) {
        let ahead = iat - server;
        if ahead > IAT_AHEAD_LIMIT {
            parts.push(format!(
                "The token was issued at {} (iat), {} after the server's Date of {}: the issuer's clock runs ahead \
                 of the API's.",
                format_utc(iat),
                format_duration(ahead),
                at(server, iat)
            ));
            evidence.push(("iat", format_utc(iat)));
        }
    }
    if parts.is_empty() {
        return;
    }
    let explanation = parts.join(" ") + " Token lifetimes and cookie expiry assume clocks that agree within seconds.";
    let mut finding = Finding::new(
        FindingId::ClockSkew,
        explanation,
        with_leeway_snippets(
            Fix::new("Synchronise clocks with NTP, and allow a small leeway when validating tokens.")
                .step("On servers: timedatectl set-ntp true, then check chronyc tracking (or w32tm /query /status on Windows).")
                .step("On the client: turn on \"Set time automatically\" in the system settings.")
                .step("On the API: allow about 60 s of clock skew for exp, nbf and iat (library defaults differ)."),
        ),
    )
    .title("Clocks disagree")
    .source("RFC 7519 §4.1.4–§4.1.5 (leeway); RFC 9110 §6.6.1 (Date)")
    .with("Server Date", format_utc(server));
    for (l, v) in evidence {
        finding = finding.with(l, v);
    }
    out.push(finding);
}

/// The hosts of `aud` values that are https URLs with a real host name, or `None` when any value is
/// not (an opaque API identifier tells us nothing).
fn aud_url_hosts(aud: &[&str]) -> Option<Vec<String>> {
    aud.iter()
        .map(|a| {
            let u = url::Url::parse(a).ok().filter(|u| u.scheme() == "https")?;
            let h = u.host_str()?.to_ascii_lowercase();
            h.contains('.').then_some(h)
        })
        .collect()
}

/// How many earlier exchanges are searched for the app's `client_id` (bounded work per finding).
const CLIENT_ID_SCAN: usize = 200;

/// Whether the token's single audience is an OAuth client id: its own `azp`/`client_id`, or a
/// `client_id` the capture shows the app using in an authorization request URL or a token request
/// body (RFC 6749 §4.1.1, §4.1.3). Such a token was issued to the client itself, not to an API.
fn aud_is_client(ctx: &Ctx<'_, '_>, j: &Jwt) -> bool {
    let aud = j.aud();
    let [a] = aud.as_slice() else { return false };
    if [j.azp(), j.client_id()].contains(&Some(*a)) {
        return true;
    }
    // Client ids are not URLs; and the cheap substring test runs first, parsing only on a hit.
    if a.is_empty() || a.contains("://") {
        return false;
    }
    let is_it = |k: std::borrow::Cow<'_, str>, v: std::borrow::Cow<'_, str>| k == "client_id" && v == *a;
    ctx.earlier().take(CLIENT_ID_SCAN).any(|(_, ex)| {
        // Only authorization and token requests carry `client_id`: test for it before parsing.
        (ex.url.contains("client_id=")
            && ex.url.contains(a)
            && url::Url::parse(&ex.url).is_ok_and(|u| u.query_pairs().any(|(k, v)| is_it(k, v))))
            || ex.request_body.as_deref().is_some_and(|b| {
                b.contains("client_id=")
                    && b.contains(a)
                    && url::form_urlencoded::parse(b.as_bytes()).any(|(k, v)| is_it(k, v))
            })
    })
}

/// Whether a more concrete token cause (lifetime, form, algorithm, key, issuer) was already found.
fn other_token_cause(out: &[Finding]) -> bool {
    out.iter().any(|x| {
        matches!(
            x.id,
            FindingId::JwtExpired
                | FindingId::JwtNotYetValid
                | FindingId::JwtMalformed
                | FindingId::JwtAlgRejected
                | FindingId::JwtSigningKeyUnknown
                | FindingId::JwtIssuerMismatch
        )
    })
}

/// Audiences of well-known cloud resource APIs: a token for one of them is never for your API.
/// (host the token is for, product name).
fn well_known_resource(aud: &str) -> Option<(&'static str, &'static str)> {
    let a = aud.trim_end_matches('/').to_ascii_lowercase();
    const KNOWN: &[(&str, &str, &str)] = &[
        ("https://management.azure.com", "management.azure.com", "Azure Resource Manager"),
        ("https://management.core.windows.net", "management.azure.com", "Azure Resource Manager"),
        ("https://vault.azure.net", "vault.azure.net", "Azure Key Vault"),
        ("https://storage.azure.com", "storage.azure.com", "Azure Storage"),
        ("https://database.windows.net", "database.windows.net", "Azure SQL"),
        ("https://outlook.office.com", "outlook.office.com", "Outlook"),
        ("00000002-0000-0000-c000-000000000000", "graph.windows.net", "Azure AD Graph"),
        ("https://graph.windows.net", "graph.windows.net", "Azure AD Graph"),
    ];
    KNOWN.iter().find(|(k, _, _)| *k == a).map(|(_, h, n)| (*h, *n))
}

fn is_graph(a: &str) -> bool {
    a.eq_ignore_ascii_case(GRAPH_APP_ID) || a.trim_end_matches('/').eq_ignore_ascii_case("https://graph.microsoft.com")
}

/// `jwt-audience-mismatch` — RFC 7519 §4.1.3, RFC 8725 §3.9, RFC 9068 §4: the token names another
/// recipient. Only on the server's word, or on strong evidence (a Graph token, the client's own id,
/// https URLs of other sites).
fn jwt_audience_mismatch(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if j.kind == Kind::Jwe {
        return;
    }
    let aud = j.aud();
    let host = ctx.url.as_ref().and_then(|u| u.host_str()).map(str::to_ascii_lowercase);
    let says = f.text.says(Complaint::Audience).is_some();
    let client_ids: Vec<&str> = [j.azp(), j.client_id()].into_iter().flatten().collect();
    let mut why: Option<String> = None;
    let mut confidence = 65;
    // Heuristics need a status the server really sent; a hidden (CORS-masked) failure may be anything.
    let answered = matches!(f.status, 401 | 403);
    // Another cause this module found already explains the rejection better than a guess about aud.
    let explained = other_token_cause(out);
    let well_known = aud.iter().find_map(|a| well_known_resource(a)).filter(|(h, _)| host.as_deref() != Some(*h));
    if !answered && !says {
        return;
    }
    if !aud.is_empty() && host.as_deref() != Some("graph.microsoft.com") && aud.iter().all(|a| is_graph(a)) {
        why = Some("it is a Microsoft Graph token (aud is Graph), which only graph.microsoft.com accepts".to_string());
        confidence = 80;
    } else if let Some((h, name)) = well_known.filter(|_| aud.len() == 1) {
        why = Some(format!("it is a {name} token (aud {}), which only {h} accepts", aud.join(", ")));
        confidence = 80;
    } else if aud_is_client(ctx, j) {
        why = Some(format!(
            "its audience is the client application itself ({}), which is what ID tokens and tokens requested \
             without an API audience look like",
            aud.join(", ")
        ));
    } else if let (Some(h), Some(hosts), false) = (host.as_deref(), aud_url_hosts(&aud), explained) {
        let site = crate::site::registrable_domain(h);
        let other = |a: &String| a != h && crate::site::registrable_domain(a) != site;
        if !hosts.is_empty() && hosts.iter().all(other) {
            why = Some(format!("its audience names other sites ({}), not {h}", hosts.join(", ")));
            confidence = 60;
        }
    }
    if why.is_none() && !says {
        return;
    }
    let aud_text = if aud.is_empty() { "(no aud claim)".to_string() } else { aud.join(", ") };
    let mut explanation = match &why {
        Some(w) => format!("The token was issued for another API: {w}."),
        None => format!(
            "The server rejected the token's audience ({aud_text}): this API does not count itself among the token's intended recipients."
        ),
    };
    if let Some(exp) = f.text.expected(Expected::Audience) {
        explanation.push_str(&format!(" The server expects {exp}."));
    }
    explanation.push_str(" An API must reject a token whose aud does not name it (RFC 7519 §4.1.3).");
    let target = host.as_deref().map_or("https://api.example.com".to_string(), |h| format!("https://{h}"));
    let fix = Fix::new("Request the access token for this API, or add this token's audience to the API's accepted audiences.")
        .step(format!("Auth0: pass audience={target} (the API identifier) when requesting the token."))
        .step("Microsoft Entra ID: request scope=api://<api-app-id>/.default (or a named scope of this API), not a Graph scope.")
        .step(format!("Other OAuth servers: send resource={target} (RFC 8707) or the API's scope."))
        .step("If the token is right and the API is strict: add the identifier to the API's valid audiences.")
        .snippet("js", format!("await auth0.getTokenSilently({{ authorizationParams: {{ audience: '{target}' }} }});"))
        .snippet("aspnet", format!("options.TokenValidationParameters.ValidAudiences = new[] {{ \"{target}\", \"api://<api-app-id>\" }};"))
        .snippet("spring", format!("spring.security.oauth2.resourceserver.jwt.audiences: {target}"));
    let mut finding = Finding::new(FindingId::JwtAudienceMismatch, explanation, fix)
        .title("The token was issued for another API")
        .source("RFC 7519 §4.1.3; RFC 8725 §3.9; RFC 9068 §4")
        .confidence(confidence)
        .with("aud", aud_text);
    if let Some(h) = &host {
        finding = finding.with("Request host", h.clone());
    }
    if !client_ids.is_empty() {
        finding = finding.with("azp / client_id", client_ids.join(", "));
    }
    out.push(f.confirmed(finding.evidence(f.token_evidence()), Complaint::Audience));
}

/// Differences between `iss` and an expected issuer that exact string comparison trips on.
fn issuer_variant(iss: &str, expected: &str) -> Option<&'static str> {
    let strip = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
    let (a, b) = (strip(iss), strip(expected));
    if iss != expected && a == b {
        return Some("they differ only by a trailing slash or letter case");
    }
    let unscheme = |s: &str| s.split_once("://").map_or(s.to_string(), |(_, r)| r.to_string());
    if unscheme(&a) == unscheme(&b) {
        return Some("they differ only by the scheme (http vs https)");
    }
    let unversion = |s: &str| s.trim_end_matches("/v2.0").trim_end_matches("/v1.0").to_string();
    if unversion(&a) == unversion(&b) {
        return Some("they differ only by a version path (/v2.0)");
    }
    let entra = |s: &str| s.contains("sts.windows.net") || s.contains("login.microsoftonline.com");
    if entra(&a) && entra(&b) {
        return Some(
            "one is an Entra ID v1 issuer (sts.windows.net) and the other a v2 issuer (login.microsoftonline.com/…/v2.0)",
        );
    }
    None
}

/// `jwt-issuer-mismatch` — RFC 7519 §4.1.1, RFC 8725 §3.8, OpenID Connect Discovery §4.3: `iss` is
/// compared as an exact string. Only on the server's word: a token's `iss` alone proves nothing.
fn jwt_issuer_mismatch(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if f.text.says(Complaint::Issuer).is_none() {
        return;
    }
    let iss = j.iss().unwrap_or("(no iss claim)");
    let mut explanation = format!("The server rejected the token's issuer, {iss}.");
    let expected = f.text.expected(Expected::Issuer);
    if let Some(e) = expected {
        explanation.push_str(&format!(" It expects {e}"));
        match issuer_variant(iss, e) {
            Some(v) => explanation.push_str(&format!(": {v}, and issuers are compared as exact strings.")),
            None => explanation.push_str(": the token comes from another authorization server, tenant or environment."),
        }
    } else if iss.contains("sts.windows.net") {
        explanation.push_str(
            " This is an Entra ID v1 issuer (sts.windows.net); APIs configured for v2 expect \
             https://login.microsoftonline.com/<tenant>/v2.0.",
        );
    } else if iss.ends_with("/v2.0") && iss.contains("login.microsoftonline.com") {
        explanation.push_str(
            " This is an Entra ID v2 issuer; APIs configured for v1 expect https://sts.windows.net/<tenant>/.",
        );
    } else {
        explanation.push_str(
            " Issuers are compared as exact strings: a trailing slash, http instead of https, an internal host name \
             or another tenant or environment is enough to fail.",
        );
    }
    let fix = Fix::new("Configure the API's authority exactly as the issuer in the authorization server's discovery document.")
        .step("Open <authority>/.well-known/openid-configuration and copy its \"issuer\" value verbatim into the API's configuration.")
        .step("Microsoft Entra ID: set \"accessTokenAcceptedVersion\": 2 (api.requestedAccessTokenVersion) in the API's app manifest, or accept both the v1 and v2 issuers.")
        .step("Keycloak behind a proxy: set KC_HOSTNAME so tokens carry the same issuer internally and externally.")
        .step("Check that the token comes from the same environment (staging vs production) as the API.")
        .snippet("spring", "spring.security.oauth2.resourceserver.jwt.issuer-uri: https://login.example.com/realms/main")
        .snippet("aspnet", "options.TokenValidationParameters.ValidIssuers = new[] {\n  \"https://login.microsoftonline.com/<tenant-id>/v2.0\",\n  \"https://sts.windows.net/<tenant-id>/\" };");
    let mut finding = Finding::new(FindingId::JwtIssuerMismatch, explanation, fix)
        .title("The token's issuer is not the one the API trusts")
        .source("RFC 7519 §4.1.1; RFC 8725 §3.8; OpenID Connect Discovery 1.0 §4.3")
        .with("iss", iss.to_string());
    if let Some(e) = expected {
        finding = finding.with("Expected issuer", e.to_string());
    }
    out.push(f.confirmed(finding.evidence(f.token_evidence()), Complaint::Issuer));
}

/// `jwt-signing-key-unknown` — RFC 7515 §4.1.4, RFC 7517 §4.5, OpenID Connect Core §10.1.1: the
/// server says it has no key for the token, or the signature does not verify.
fn jwt_signing_key_unknown(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if f.text.says(Complaint::SigningKey).is_none() {
        return;
    }
    let kid = j.kid().map_or("(no kid)".to_string(), str::to_string);
    let explanation = format!(
        "The server could not verify the token's signature with any key it knows (kid {kid}, alg {}, iss {}). \
         Usually the issuer rotated its keys and the API's cached key set is stale, the token comes from another \
         environment or tenant, services share different HS256 secrets, or the API's authority URL is wrong so it \
         never loaded the right keys.",
        j.alg().unwrap_or("missing"),
        j.iss().unwrap_or("missing")
    );
    let fix = Fix::new("Make the API load the issuer's current keys, and send tokens from the issuer it trusts.")
        .step("Refetch the JWKS when a token with an unknown kid arrives (rate-limited); most libraries do this when configured with the authority/issuer URL instead of a fixed key.")
        .step("Check the API's Authority / issuer-uri / jwks_uri: it must be the same issuer as the token's iss.")
        .step("For HS256, every service must use the same secret; distribute it from one secret store.");
    let finding = Finding::new(FindingId::JwtSigningKeyUnknown, explanation, fix)
        .title("The API does not know the key that signed the token")
        .source("RFC 7515 §4.1.4; RFC 7517 §4.5; OpenID Connect Core §10.1.1")
        .with("kid", kid)
        .evidence(f.token_evidence());
    out.push(f.confirmed(finding, Complaint::SigningKey));
}

/// JWS `alg` values registered in the IANA JOSE registry (RFC 7518 §3.1, RFC 8037 §3.1, RFC 8812
/// §3.2, RFC 9864 fully-specified EdDSA). Case-sensitive (RFC 7515 §4.1.1).
const REGISTERED_ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
    "EdDSA", "ES256K", "Ed25519", "Ed448", "none",
];

/// `jwt-alg-rejected` — RFC 7519 §6, RFC 8725 §2.1, §3.1–3.2: `alg: none`, an unregistered algorithm,
/// or the server's word that the algorithm is not allowed.
fn jwt_alg_rejected(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    if j.kind == Kind::Jwe {
        return;
    }
    let Some(alg) = j.alg() else { return };
    let says = f.text.says(Complaint::Algorithm).is_some();
    let (explanation, confidence) = if j.kind == Kind::Unsecured {
        (
            format!(
                "The token is unsecured: its header says alg \"{alg}\", so it carries no signature at all. An API \
                 must never accept such a token as a credential; anyone could have written it."
            ),
            90,
        )
    } else if !REGISTERED_ALGS.contains(&alg) {
        let hint = REGISTERED_ALGS
            .iter()
            .find(|r| r.eq_ignore_ascii_case(alg))
            .map_or(String::new(), |r| format!(" Algorithm names are case-sensitive: it should be \"{r}\"."));
        (format!("The token's header names alg \"{alg}\", which is not a registered JWS algorithm.{hint}"), 75)
    } else if says {
        let family = match alg.get(..2) {
            Some("HS") => {
                "a shared-secret (HMAC) algorithm; APIs configured with the issuer's public keys expect RS256, ES256 or similar"
            }
            Some("RS" | "PS" | "ES" | "Ed") => {
                "a public-key algorithm; the API may be pinned to another one (or to HS256 with a shared secret)"
            }
            _ => "not what the API allows",
        };
        (format!("The server refused the token's algorithm, {alg}: {family}."), 80)
    } else {
        return;
    };
    let fix = Fix::new("Issue signed tokens with the algorithm the API expects, and keep an explicit algorithm allow-list on the API.")
        .step("Configure the authorization server (or the client registration) to sign access tokens with the API's algorithm, typically RS256 or ES256.")
        .step("Never accept alg \"none\"; list the allowed algorithms explicitly when validating.")
        .snippet("js", "jwt.verify(token, publicKey, { algorithms: ['RS256'] });")
        .snippet("python", "jwt.decode(token, key, algorithms=[\"RS256\"], audience=API_AUDIENCE)");
    let finding = Finding::new(FindingId::JwtAlgRejected, explanation, fix)
        .title(if j.kind == Kind::Unsecured {
            "The token is unsigned (alg: none)"
        } else {
            "The token's algorithm is not accepted"
        })
        .source(if j.kind == Kind::Unsecured {
            "RFC 7519 §6; RFC 8725 §3.1"
        } else {
            "RFC 8725 §3.1–§3.2; RFC 7518 §3.1"
        })
        .confidence(confidence)
        .with("alg", alg.to_string())
        .evidence(f.token_evidence());
    out.push(f.confirmed(finding, Complaint::Algorithm));
}

/// `id-token-as-access-token` — OpenID Connect Core §2, RFC 9068 §2.1 and §4, RFC 8725 §3.11: an ID
/// token (for the client app) sent to an API as its access token.
fn id_token_as_access_token(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(j) = f.jwt() else { return };
    let claims = j.claims();
    let claim_typ = claims.and_then(|m| m.get("typ")).and_then(serde_json::Value::as_str);
    // Counter-signs: Keycloak marks access tokens with a `typ: Bearer` claim (and may copy `nonce`
    // into them), Cognito with `token_use: access`, and only access tokens carry scopes.
    if claim_typ.is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
        || j.token_use() == Some("access")
        || !j.scope().is_empty()
        || !j.scp().is_empty()
    {
        return;
    }
    let mut signs: Vec<String> = Vec::new();
    let mut strong = 0;
    if claim_typ.is_some_and(|t| t.eq_ignore_ascii_case("id")) {
        signs.push("its typ claim is \"ID\" (a Keycloak ID token)".to_string());
        strong += 2;
    }
    if j.token_use() == Some("id") {
        signs.push("token_use is \"id\" (an Amazon Cognito ID token)".to_string());
        strong += 2;
    }
    if j.nonce().is_some() {
        signs.push("it has a nonce claim, which only ID tokens carry".to_string());
        strong += 1;
    }
    if j.at_hash().is_some() || j.c_hash().is_some() {
        signs.push("it has at_hash/c_hash, which only ID tokens carry".to_string());
        strong += 1;
    }
    let aud = j.aud();
    if aud_is_client(ctx, j) {
        signs.push(format!("its audience is the client app itself ({})", aud.join(", ")));
        strong += 1;
    }
    // Two independent signs; the header typ alone proves little (most access tokens say "JWT").
    if strong < 2 {
        return;
    }
    if let Some(t) =
        j.typ().filter(|t| !t.eq_ignore_ascii_case("at+jwt") && !t.eq_ignore_ascii_case("application/at+jwt"))
    {
        signs.push(format!("its typ is \"{t}\", not \"at+jwt\""));
    }
    let explanation = format!(
        "The token sent to the API is an OpenID Connect ID token, not an access token: {}. An ID token tells the \
         client app who signed in; its audience is the client, so APIs reject it (and APIs that require typ \
         at+jwt reject it for that reason too).",
        signs.join("; ")
    );
    let fix = Fix::new("Send the access_token, not the id_token, in the Authorization header.")
        .step("Check the HTTP interceptor and the storage key it reads: it must use tokenResponse.access_token.")
        .step("If the access token is opaque or has the wrong audience, request it for this API (Auth0 audience=, Entra scope=api://<app-id>/.default, RFC 8707 resource=).")
        .snippet("js", "// oidc-client-ts / react-oidc-context\nheaders.Authorization = `Bearer ${user.access_token}`; // not user.id_token");
    let finding = Finding::new(FindingId::IdTokenAsAccessToken, explanation, fix)
        .title("An ID token was sent as the access token")
        .source("OpenID Connect Core 1.0 §2; RFC 9068 §2.1, §4; RFC 8725 §3.11")
        .confidence(if strong >= 3 { 88 } else { 80 })
        .with("Signs", signs.join("; "))
        .evidence(f.token_evidence());
    let c = if f.text.says(Complaint::TokenType).is_some() { Complaint::TokenType } else { Complaint::Audience };
    // The wrong kind of token is the root cause of the audience complaint it also triggers: rank it
    // first. But some backends take ID tokens on purpose (Google Sign-In, Firebase): when the server
    // complained about nothing type-related and a concrete cause (expiry…) was found, that comes first.
    let concrete_elsewhere = other_token_cause(out) && f.text.says(c).is_none();
    let confirmed = f.confirmed(finding, c);
    let confidence = if concrete_elsewhere { 55 } else { confirmed.confidence.saturating_add(3) };
    out.push(confirmed.confidence(confidence));
}

/// `opaque-token-to-jwt-api` — RFC 9068 §1, RFC 8707 §2: an opaque (reference) token sent to an API
/// whose error text shows it tried to parse a JWT.
fn opaque_token_to_jwt_api(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    if f.decoded.is_some() || !f.rejected {
        return;
    }
    let Some(m) = f.text.says(Complaint::Malformed) else { return };
    let explanation = format!(
        "The {} is opaque (not a JWT: {} characters, no header segment), and the API's error shows it tried \
         to parse a JWT. Some authorization servers issue opaque reference tokens unless told which API the token \
         is for; Auth0 does so when the audience parameter is omitted.",
        f.describe(),
        f.token.len()
    );
    let fix = Fix::new("Request the token for this API so the authorization server issues a JWT, or make the API introspect opaque tokens.")
        .step("Auth0: add audience=<API identifier> to the authorization request.")
        .step("RFC 8707 servers: add resource=<API URL>. Entra ID: scope=api://<app-id>/.default.")
        .step("Or validate opaque tokens by introspection (RFC 7662) on the API.")
        .snippet("js", "await auth0.loginWithRedirect({ authorizationParams: { audience: 'https://api.example.com' } });");
    out.push(
        Finding::new(FindingId::OpaqueTokenToJwtApi, explanation, fix)
            .title("An opaque token was sent to an API that expects a JWT")
            .source("RFC 9068 §1; RFC 8707 §2; RFC 7662")
            .signal(Signal::Reported)
            .with("Server said", m.quote.clone())
            .evidence(f.token_evidence()),
    );
}

#[cfg(test)]
mod tests;
