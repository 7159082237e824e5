//! Lifetime rules (RFC 7519 §4.1.4–§4.1.6): `exp`, `nbf` and `iat` against the server's `Date` and
//! the client's clock, and the clock skew between them; plus the same checks as typed values for
//! the popup's token rows ([`TimeCheck`]).

use super::facts::{Basis, Relative, TimeCheck, TokenFacts};
use super::refresh::{self, ExpiryFrom};
use super::server_text::Complaint;
use crate::catalogue::FindingId;
use crate::clock::ClockOffset;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix};
use crate::headers::date::{format_duration, format_utc};
use crate::headers::jwt::{Jwt, TimeClaim};

/// Leeway before `nbf`/`iat` count as "in the future" (RFC 7519 §4.1.5 allows "some small leeway";
/// Spring's default is 60 s).
pub(super) const NBF_LEEWAY: i64 = 60;
/// Client/server clock difference beyond which clocks are called skewed.
pub(super) const SKEW_LIMIT: i64 = 60;
/// `iat` this far ahead of the server's `Date` means the issuer's clock runs ahead.
const IAT_AHEAD_LIMIT: i64 = 30;

/// How long past `exp` a token must be before a bare 403 is blamed on its expiry.
const FORBIDDEN_LEEWAY: i64 = 300;

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

/// `jwt-expired` — RFC 7519 §4.1.4: the token MUST NOT be accepted on or after `exp`.
pub(super) fn jwt_expired(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
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
pub(super) fn jwt_not_yet_valid(f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
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
/// Runs on token failures, on other rejected credentialed requests (cookie sessions, whose expiry
/// the skew also breaks), and on failures right after a successful token refresh; `f` is the token,
/// when there is one. The client's skew is the capture-wide median ([`crate::clock`]) when enough
/// responses agree, else this one entry's difference.
pub(super) fn clock_skew(ctx: &Ctx<'_, '_>, f: Option<&TokenFacts<'_>>, out: &mut Vec<Finding>) {
    let rejected = matches!(ctx.ex.status, 401 | 403 | 419 | 440);
    let measured = ctx.corr.clock(ctx.capture).filter(ClockOffset::is_consistent);
    let refresh_story = measured.and_then(|o| skew_after_refresh(ctx, f, o));
    if f.is_none() && refresh_story.is_none() {
        let credentialed = ctx.creds.any() || ctx.ex.response_headers.has_set_cookie();
        if !(credentialed && rejected) {
            return;
        }
    }
    let server = ctx.server_date.or_else(|| Some(measured?.to_server(ctx.clock?)));
    let Some(server) = server else { return };
    let mut parts = Vec::new();
    let mut evidence = Vec::new();
    let mut confidence = 50;
    let mut leads = false;
    if let Some(o) = measured {
        let skew = o.server_minus_client;
        if skew.abs() > SKEW_LIMIT {
            parts.push(format!(
                "This computer's clock runs {} {} the servers': {} of the {} timed responses in this capture agree \
                 (each response's Date against the moment this computer started the request).{}",
                format_duration(skew),
                if skew > 0 { "behind" } else { "ahead of" },
                o.agreeing,
                o.samples,
                // A story below says what the skew did; the generic consequence would repeat it.
                if refresh_story.is_some() {
                    String::new()
                } else {
                    format!(" {}", skew_consequence(skew > 0, f.is_some()))
                }
            ));
            evidence.push((
                "Client clock offset",
                format!("{}{}", if skew > 0 { "-" } else { "+" }, format_duration(skew)),
            ));
            confidence = 70;
        }
    } else if let Some(client) = ctx.clock.filter(|_| ctx.server_date.is_some() && !crate::clock::is_stored(ctx.ex)) {
        let skew = server - client;
        if skew.abs() > SKEW_LIMIT {
            parts.push(format!(
                "This computer's clock and the server's disagree by {}: the request started at {} by this \
                 computer's clock, and the server's Date says {}. {}",
                format_duration(skew),
                format_utc(client),
                at(server, client),
                skew_consequence(skew > 0, f.is_some())
            ));
            evidence.push(("Client clock", format_utc(client)));
        }
    }
    let mut related = None;
    if let Some(story) = refresh_story.or_else(|| measured.and_then(|o| expired_by_server_only(ctx, f?, o))) {
        parts.push(story.text);
        confidence = confidence.max(story.confidence);
        leads |= story.leads;
        related = story.related;
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
                .step("In the app: judge token expiry by expires_in counted from when the response arrived, not by comparing exp with the local clock.")
                .step("On the API: allow about 60 s of clock skew for exp, nbf and iat (library defaults differ)."),
        ),
    )
    .title("Clocks disagree")
    .source("RFC 7519 §4.1.4–§4.1.5 (leeway); RFC 9110 §6.6.1 (Date); RFC 6749 §5.1 (expires_in)")
    .confidence(confidence)
    .with("Server Date", format_utc(server));
    if leads {
        finding = finding.leads();
    }
    if let Some(r) = related {
        finding = finding.related(r);
    }
    for (l, v) in evidence {
        finding = finding.with(l, v);
    }
    out.push(finding);
}

/// A clock story told across entries: its words, how sure it is, whether it explains the
/// exchange's other findings, and the entry it points at.
struct Story {
    text: String,
    confidence: u8,
    leads: bool,
    related: Option<usize>,
}

/// What a client clock that is behind (`behind`) or ahead does to tokens or cookies.
fn skew_consequence(behind: bool, token: bool) -> &'static str {
    match (behind, token) {
        (true, true) => {
            "This computer is behind, so the app believes tokens are still valid after the server has stopped \
             accepting them."
        }
        (false, true) => "This computer is ahead, so the app may think fresh tokens are expired or not yet valid.",
        (true, false) => "This computer is behind, so cookies keep being sent after the server considers them expired.",
        (false, false) => {
            "This computer is ahead, so the app may think fresh tokens are expired, and cookies with an Expires date \
             can be dropped as already expired when they arrive."
        }
    }
}

/// The app refreshed its token successfully, its clock runs ahead by more than the new token's
/// remaining life, and then it called the API without a token: by its own clock the token had
/// already expired (RFC 7519 §4.1.4 judged on the wrong clock).
fn skew_after_refresh(ctx: &Ctx<'_, '_>, f: Option<&TokenFacts<'_>>, o: ClockOffset) -> Option<Story> {
    let ahead = -o.server_minus_client;
    if ahead <= SKEW_LIMIT || !matches!(ctx.ex.status, 401 | 403) || f.is_some_and(TokenFacts::in_authorization) {
        return None;
    }
    let client_now = ctx.clock?;
    let r = refresh::latest_before(ctx)?;
    let sent = if ctx.creds.cookie_unknown {
        "this request's credentials are not in the capture (it was exported without them), and it was refused"
    } else {
        "this request went out without an Authorization header"
    };
    let Some((expires, from)) = r.expires else {
        // The extension never sees response bodies: the story is likely, and said to be unconfirmed.
        return Some(Story {
            text: format!(
                "A token request (#{}) succeeded just before, and then {sent}. Its answer (the new token's lifetime) \
                 is not in the capture: browser extensions cannot read response bodies. If that token lives less \
                 than {}, this computer's clock judged it expired on arrival, and an app that compares the token's \
                 expiry with the local clock throws it away. The AuthLens DevTools panel, or a HAR export, shows the \
                 token response and would confirm it.",
                r.index,
                format_duration(ahead)
            ),
            confidence: 70,
            leads: false,
            related: Some(r.index),
        });
    };
    // Expired by this computer's clock, still valid by the servers'.
    if client_now < expires || o.to_server(client_now) >= expires {
        return None;
    }
    let lifetime = match from {
        ExpiryFrom::JwtExp => format!("its exp is {}", format_utc(expires)),
        ExpiryFrom::ExpiresIn(s) => {
            format!("expires_in {s}, so it is valid until {} by the servers' clock", format_utc(expires))
        }
    };
    Some(Story {
        text: format!(
            "The token endpoint issued a new access token at {} (request #{}, {lifetime}), and then {sent}. By this \
             computer's clock the request started at {}, after that expiry, although the server still had {} of the \
             token's life left: an app that compares the token's expiry with the local clock throws the new token \
             away or never attaches it. The failure follows this computer's clock, not the server's.",
            format_utc(r.issued),
            r.index,
            format_utc(client_now),
            format_duration(expires - o.to_server(client_now)),
        ),
        confidence: 90,
        leads: false,
        related: Some(r.index),
    })
}

/// The token was sent, the server's clock says it has expired, and this computer's clock (behind by
/// the capture's consistent skew) says it has not: the app did not refresh it because its clock is
/// wrong, so the skew leads over `jwt-expired`.
fn expired_by_server_only(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, o: ClockOffset) -> Option<Story> {
    let behind = o.server_minus_client;
    if behind <= SKEW_LIMIT || !f.rejected {
        return None;
    }
    let exp = f.jwt()?.exp()?.secs()?;
    let server = ctx.server_date?;
    let client = ctx.clock?;
    if server < exp || client >= exp {
        return None;
    }
    Some(Story {
        text: format!(
            "The token expired at {} by the server's clock, {} before it answered; by this computer's clock it still \
             had {} left, so the app kept sending it instead of refreshing it. The failure follows the server's \
             clock; this computer's clock is the cause.",
            format_utc(exp),
            format_duration(server - exp),
            format_duration(exp - client)
        ),
        confidence: 85,
        leads: true,
        related: None,
    })
}

/// Where a NumericDate claim stands against "now" (the server's `Date`, else the client clock),
/// as the popup shows it: `exp` fails once passed, `nbf` and `iat` when more than the leeway ahead.
pub(super) fn time_check(name: &str, claim: TimeClaim, server: Option<i64>, client: Option<i64>) -> TimeCheck {
    let relative = match claim {
        TimeClaim::Seconds { secs, looks_like_millis: false, .. } => {
            let now = server.map(|t| (t, Basis::Server)).or(client.map(|t| (t, Basis::Client)));
            now.map(|(now, basis)| {
                let from_now = secs - now;
                let fails = if name == "exp" { from_now <= 0 } else { from_now > NBF_LEEWAY };
                // The client's view only matters when it disagrees with the server's.
                let from_client = match (server, client) {
                    (Some(_), Some(c)) if (c - now).abs() > SKEW_LIMIT => Some(secs - c),
                    _ => None,
                };
                Relative { basis, from_now, from_client, fails }
            })
        }
        _ => None,
    };
    TimeCheck { claim, relative }
}
