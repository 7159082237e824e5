//! Rules about tokens and JWTs (catalogue group C): decoded locally, never verified.
//!
//! The token is the credential of `Authorization: Bearer|DPoP <t>`. Its claims are compared with the
//! server's clock (`Date`, the time the server judged the token) and the client's clock (when the
//! request started), and with what the server's error text says. Signatures cannot be checked
//! without keys, so no rule here ever says a signature is bad on its own: only the server can.

mod server_text;
mod view;

pub use server_text::{Complaint, ServerText};
pub use view::jwt_view;

use super::context::Ctx;
use crate::catalogue::FindingId;
use crate::finding::{Evidence, Finding, Fix, Signal};
use crate::headers::date::{format_duration, format_utc};
use crate::headers::jwt::{self, Jwt, JwtError, JwtNote, Kind, Payload, TimeClaim};
use crate::secret::Exposure;
use server_text::Expected;

/// Leeway before `nbf`/`iat` count as "in the future" (RFC 7519 §4.1.5 allows "some small leeway";
/// Spring's default is 60 s).
const NBF_LEEWAY: i64 = 60;
/// Client/server clock difference beyond which clocks are called skewed.
const SKEW_LIMIT: i64 = 60;
/// `iat` this far ahead of the server's `Date` means the issuer's clock runs ahead.
const IAT_AHEAD_LIMIT: i64 = 30;

/// Microsoft Graph's application id, the `aud` of Graph access tokens (Entra v1 spelling).
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// Everything the token rules share for one exchange, computed once.
struct TokenFacts<'c> {
    /// The scheme as sent (`Bearer`, `bearer`, `DPoP`).
    scheme: &'c str,
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
}

impl TokenFacts<'_> {
    fn jwt(&self) -> Option<&Jwt> {
        self.decoded.as_ref().and_then(|d| d.as_ref().ok())
    }

    /// "now" for claim checks: the server's Date, else the client clock.
    fn now(&self) -> Option<(i64, Basis)> {
        self.server.map(|t| (t, Basis::Server)).or(self.client.map(|t| (t, Basis::Client)))
    }

    fn token_evidence(&self) -> Evidence {
        Evidence::secret("Token", self.token, Exposure::Prefix)
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
    bearer_token_in_url(ctx, out);
    refresh_token_rotation_race(ctx, out);
    let Some(f) = facts(ctx) else {
        return;
    };
    dpop_nonce_required(ctx, &f, out);
    dpop_proof_invalid(ctx, &f, out);
    opaque_token_to_jwt_api(&f, out);
    if f.decoded.is_none() {
        return;
    }
    jwt_malformed(&f, out);
    jwt_expired(&f, out);
    jwt_not_yet_valid(&f, out);
    clock_skew(ctx, &f, out);
    jwt_audience_mismatch(ctx, &f, out);
    jwt_issuer_mismatch(&f, out);
    jwt_signing_key_unknown(&f, out);
    jwt_alg_rejected(&f, out);
    id_token_as_access_token(ctx, &f, out);
}

/// The `Bearer`/`DPoP` credential of the request, with its scheme. Scheme names are
/// case-insensitive (RFC 9110 §11.1).
pub fn bearer_credential<'c>(ctx: &Ctx<'c, '_>) -> Option<(&'c str, &'c str)> {
    let (scheme, cred) = ctx.auth_scheme_and_credential()?;
    (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop")).then_some((scheme, cred))
}

fn facts<'c>(ctx: &Ctx<'c, '_>) -> Option<TokenFacts<'c>> {
    let (scheme, token) = bearer_credential(ctx)?;
    if token.is_empty() {
        return None;
    }
    let status = ctx.ex.status;
    let text = if status >= 400 || status == 0 { ServerText::of(ctx.ex) } else { ServerText::default() };
    let rejected = matches!(status, 401 | 403 | 0) || (status >= 400 && text.any());
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
    let decoded = jwt::looks_like_jwt(token).then(|| jwt::decode(token));
    Some(TokenFacts { scheme, token, decoded, text, server: ctx.server_date, client: ctx.clock, rejected })
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
    let explanation = format!(
        "The {} token in the Authorization header looks like a JWT, but cannot be read as one: {}.",
        f.scheme,
        reasons.join("; ")
    );
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
    if past < 0 && !(says_expired || says_lifetime && j.nbf().and_then(TimeClaim::secs).is_none_or(|n| n <= now)) {
        // Still valid when the server answered (a token expiring 2 s after Date is not expired).
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
        .confidence(if basis == Basis::Server { 80 } else { 55 })
        .with(name, format!("{t} ({})", format_utc(t)))
        .with(if basis == Basis::Server { "Server Date" } else { "Client clock" }, format_utc(now))
        .evidence(f.token_evidence());
    out.push(f.confirmed(finding, if says { Complaint::NotYetValid } else { Complaint::Lifetime }));
}

/// `clock-skew` — RFC 7519 §4.1.4–4.1.5 and RFC 9110 §6.6.1: the client's clock, the server's `Date`
/// or the issuer's `iat` disagree by more than a minute.
fn clock_skew(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(server) = f.server else { return };
    let cached = ctx.ex.from_cache.as_deref().is_some_and(|s| !s.trim().is_empty())
        || ctx.ex.response_headers.get("age").and_then(|a| a.trim().parse::<u64>().ok()).is_some_and(|a| a > 0);
    let mut parts = Vec::new();
    let mut evidence = Vec::new();
    if let Some(client) = f.client.filter(|_| !cached) {
        let skew = server - client;
        if skew.abs() > SKEW_LIMIT {
            parts.push(format!(
                "This computer's clock and the server's disagree by {}: the request started at {} by this \
                 computer's clock, and the server's Date says {}. {}",
                format_duration(skew),
                format_utc(client),
                at(server, client),
                if skew > 0 {
                    "This computer is behind, so the app believes tokens are still valid after the server has \
                     stopped accepting them."
                } else {
                    "This computer is ahead, so the app may think fresh tokens are expired or not yet valid."
                }
            ));
            evidence.push(("Client clock", format_utc(client)));
        }
    }
    if let Some(iat) = f.jwt().and_then(Jwt::iat).and_then(TimeClaim::secs) {
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

/// How many exchanges `capture_client_ids` looks at, nearest first (bounded work per finding).
const CLIENT_ID_SCAN: usize = 500;

/// OAuth `client_id`s the capture shows the app using: in authorization-request URLs and in
/// token-request form bodies (RFC 6749 §4.1.1, §4.1.3). A token whose only audience is one of them
/// was issued to the client itself, not to an API.
fn capture_client_ids(ctx: &Ctx<'_, '_>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (_, ex) in ctx.earlier().take(CLIENT_ID_SCAN) {
        if ex.url.contains("client_id=") {
            if let Ok(u) = url::Url::parse(&ex.url) {
                ids.extend(u.query_pairs().filter(|(k, _)| k == "client_id").map(|(_, v)| v.into_owned()));
            }
        }
        if let Some(body) = ex.request_body.as_deref().filter(|b| b.contains("client_id=")) {
            ids.extend(
                url::form_urlencoded::parse(body.as_bytes())
                    .filter(|(k, _)| k == "client_id")
                    .map(|(_, v)| v.into_owned()),
            );
        }
    }
    ids.retain(|i| !i.is_empty());
    ids.sort();
    ids.dedup();
    ids
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
    let mut client_ids: Vec<String> = [j.azp(), j.client_id()].into_iter().flatten().map(str::to_string).collect();
    client_ids.extend(capture_client_ids(ctx));
    let mut why: Option<String> = None;
    let mut confidence = 65;
    if !aud.is_empty() && host.as_deref() != Some("graph.microsoft.com") && aud.iter().all(|a| is_graph(a)) {
        why = Some("it is a Microsoft Graph token (aud is Graph), which only graph.microsoft.com accepts".to_string());
        confidence = 80;
    } else if aud.len() == 1 && aud.iter().all(|a| client_ids.iter().any(|c| c == a)) {
        why = Some(format!(
            "its audience is the client application itself ({}), which is what ID tokens and tokens requested \
             without an API audience look like",
            aud.join(", ")
        ));
    } else if let (Some(h), Some(hosts)) = (host.as_deref(), aud_url_hosts(&aud)) {
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
    client_ids.dedup();
    if !client_ids.is_empty() {
        finding = finding.with("Client ids seen", client_ids.join(", "));
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
    let mut client_ids: Vec<String> = [j.azp(), j.client_id()].into_iter().flatten().map(str::to_string).collect();
    client_ids.extend(capture_client_ids(ctx));
    if aud.len() == 1 && aud.iter().all(|a| client_ids.iter().any(|c| c == a)) {
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
    // The wrong kind of token is the root cause of the audience complaint it also triggers: rank it first.
    let confirmed = f.confirmed(finding, c);
    let confidence = confirmed.confidence.saturating_add(3);
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
        "The {} token is opaque (not a JWT: {} characters, no header segment), and the API's error shows it tried \
         to parse a JWT. Some authorization servers issue opaque reference tokens unless told which API the token \
         is for; Auth0 does so when the audience parameter is omitted.",
        f.scheme,
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

/// The `WWW-Authenticate` lines that use the DPoP scheme.
fn dpop_challenges<'c>(ctx: &Ctx<'c, '_>) -> impl Iterator<Item = &'c str> {
    ctx.ex.response_headers.get_all("www-authenticate").filter(|v| {
        v.split([',', '\n']).any(|c| c.trim_start().get(..4).is_some_and(|s| s.eq_ignore_ascii_case("dpop")))
    })
}

/// `dpop-nonce-required` — RFC 9449 §9: the resource server wants a server-provided nonce in the
/// DPoP proof (`WWW-Authenticate: DPoP error="use_dpop_nonce"` plus `DPoP-Nonce`).
fn dpop_nonce_required(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let Some(ch) = dpop_challenges(ctx).find(|v| v.to_ascii_lowercase().contains("use_dpop_nonce")) else { return };
    let nonce = ctx.ex.response_headers.get("dpop-nonce");
    let exposed = ctx
        .ex
        .response_headers
        .get_all("access-control-expose-headers")
        .any(|v| v.split(',').any(|h| h.trim().eq_ignore_ascii_case("dpop-nonce") || h.trim() == "*"));
    let mut explanation = "The API requires a nonce it issues in every DPoP proof. The client must retry once, \
                           putting the DPoP-Nonce response header's value into the proof's nonce claim."
        .to_string();
    if nonce.is_none() {
        explanation.push_str(" This response carries no DPoP-Nonce header, so the client has no nonce to use.");
    }
    if ctx.is_cross_origin() && !exposed {
        explanation.push_str(
            " The API is cross-origin and does not list DPoP-Nonce in Access-Control-Expose-Headers, so script \
             cannot read the nonce and the client keeps failing.",
        );
    }
    let fix = Fix::new("Retry once with the server's nonce in the DPoP proof; expose the nonce header to script on cross-origin APIs.")
        .step("Client: on 401 with error=\"use_dpop_nonce\", read DPoP-Nonce, build a new proof with \"nonce\": <value>, retry once, and keep using the latest nonce.")
        .step("Server (cross-origin): send Access-Control-Expose-Headers: DPoP-Nonce, WWW-Authenticate.")
        .snippet("nginx", "add_header Access-Control-Expose-Headers \"DPoP-Nonce, WWW-Authenticate\" always;");
    let mut finding = Finding::new(FindingId::DpopNonceRequired, explanation, fix)
        .title("The API requires a DPoP nonce")
        .source("RFC 9449 §9; Fetch Standard (Access-Control-Expose-Headers)")
        .signal(Signal::Reported)
        .with("WWW-Authenticate", ch.to_string())
        .with("Scheme sent", f.scheme.to_string());
    if let Some(n) = nonce {
        finding = finding.with("DPoP-Nonce", n.to_string());
    }
    out.push(finding);
}

/// `dpop-proof-invalid` — RFC 9449 §4.3, §7.1: the server rejected the DPoP proof, or a token bound to
/// a DPoP key (`cnf.jkt`) was sent as Bearer or without a proof.
fn dpop_proof_invalid(ctx: &Ctx<'_, '_>, f: &TokenFacts<'_>, out: &mut Vec<Finding>) {
    let said = dpop_challenges(ctx).find(|v| v.to_ascii_lowercase().contains("invalid_dpop_proof"));
    let jkt = f.jwt().and_then(Jwt::cnf_jkt);
    let proofs = ctx.ex.request_headers.count("dpop");
    let is_dpop = f.scheme.eq_ignore_ascii_case("dpop");
    let mut problems: Vec<String> = Vec::new();
    if jkt.is_some() && !is_dpop {
        problems.push(
            "the access token is bound to a DPoP key (it has cnf.jkt) but was sent with the Bearer scheme; it \
             must be sent as Authorization: DPoP <token> with a DPoP proof"
                .to_string(),
        );
    }
    if (is_dpop || jkt.is_some()) && proofs == 0 {
        problems.push("the request has no DPoP header, so there is no proof of possession".to_string());
    }
    if proofs > 1 {
        problems.push("the request carries more than one DPoP header; exactly one proof is allowed".to_string());
    }
    // A nonce request is dpop-nonce-required's case: the proof is otherwise judged only when the server
    // rejected it or the DPoP-scheme request failed.
    let nonce_asked = dpop_challenges(ctx).any(|v| v.to_ascii_lowercase().contains("use_dpop_nonce"));
    if proofs == 1 && (said.is_some() || is_dpop && !nonce_asked) {
        if let Some(proof) = ctx.ex.request_headers.get("dpop") {
            problems.extend(proof_problems(ctx, proof, f.server.or(f.client)));
        }
    }
    if problems.is_empty() {
        match said {
            Some(_) => problems.push(
                "the server says the DPoP proof is invalid, although its htm, htu, typ, alg and iat look right \
                 here: check whether a proxy or gateway rewrites the URL before the API sees it, jti reuse, the \
                 signature, and ath = SHA-256 of this exact access token"
                    .to_string(),
            ),
            None => return,
        }
    }
    let problem = problems.join("; ");
    let fix = Fix::new("Send Authorization: DPoP <token> with one fresh DPoP proof per request, signed by the key the token is bound to.")
        .step("Create a new proof for every request with htm = method, htu = URL without query and fragment, a unique jti, the current iat, and ath = base64url(SHA-256(access token)).")
        .step("Cross-origin: the API must list DPoP in Access-Control-Allow-Headers.")
        .snippet("nginx", "add_header Access-Control-Allow-Headers \"Authorization, DPoP, Content-Type\" always;");
    let mut finding =
        Finding::new(FindingId::DpopProofInvalid, format!("The DPoP proof is missing or wrong: {problem}."), fix)
            .title("DPoP proof missing or invalid")
            .source("RFC 9449 §4.2, §4.3, §7.1")
            .with("Scheme sent", f.scheme.to_string())
            .with("DPoP headers", proofs.to_string());
    if let Some(k) = jkt {
        finding = finding.with("cnf.jkt", k.to_string());
    }
    if let Some(s) = said {
        finding = finding.with("WWW-Authenticate", s.to_string()).signal(Signal::Reported);
    }
    out.push(finding);
}

/// How far a DPoP proof's `iat` may be from the server's clock (RFC 9449 §11.1 suggests seconds to
/// minutes; common servers allow 60–300 s).
const DPOP_IAT_WINDOW: i64 = 300;

/// What is wrong with a DPoP proof, checked as a resource server would (RFC 9449 §4.3 steps 1–11,
/// except the signature and `ath`'s hash, which need crypto).
fn proof_problems(ctx: &Ctx<'_, '_>, proof: &str, now: Option<i64>) -> Vec<String> {
    let mut p = Vec::new();
    let j = match jwt::decode(proof) {
        Ok(j) => j,
        Err(e) => return vec![format!("the DPoP proof cannot be decoded: {e}")],
    };
    if !j.typ().is_some_and(|t| t.eq_ignore_ascii_case("dpop+jwt")) {
        p.push(format!("the proof's typ is {:?}, not \"dpop+jwt\"", j.typ().unwrap_or("missing")));
    }
    match j.alg() {
        Some(a) if a.eq_ignore_ascii_case("none") || a.starts_with("HS") => {
            p.push(format!("the proof uses alg {a}; DPoP proofs must use an asymmetric algorithm"))
        }
        None => p.push("the proof has no alg".to_string()),
        _ => {}
    }
    if !j.header.contains_key("jwk") {
        p.push("the proof's header has no jwk (the public key)".to_string());
    }
    let Some(claims) = j.claims() else {
        p.push("the proof's payload is not a JSON object".to_string());
        return p;
    };
    let s = |k: &str| claims.get(k).and_then(serde_json::Value::as_str);
    match s("htm") {
        Some(m) if m == ctx.ex.method => {}
        Some(m) => p.push(format!("htm is {m} but the request method is {}", ctx.ex.method)),
        None => p.push("the proof has no htm".to_string()),
    }
    let target = ctx.url.as_ref().map(|u| {
        let mut u = u.clone();
        u.set_query(None);
        u.set_fragment(None);
        u
    });
    match (s("htu"), target) {
        (None, _) => p.push("the proof has no htu".to_string()),
        (Some(h), Some(t)) => {
            let same = url::Url::parse(h).is_ok_and(|mut hu| {
                hu.set_query(None);
                hu.set_fragment(None);
                hu == t
            });
            if !same {
                p.push(format!(
                    "htu is {h} but the request went to {t}: the client signed the proof for another URL (check the base URL it uses)"
                ));
            }
        }
        _ => {}
    }
    if s("jti").is_none() {
        p.push("the proof has no jti".to_string());
    }
    match (j.iat().and_then(TimeClaim::secs), now) {
        (None, _) => p.push("the proof has no numeric iat".to_string()),
        (Some(iat), Some(now)) if (iat - now).abs() > DPOP_IAT_WINDOW => p.push(format!(
            "the proof was created {} {} the server's clock (iat {}): proofs must be fresh",
            format_duration(iat - now),
            if iat < now { "before" } else { "after" },
            format_utc(iat)
        )),
        _ => {}
    }
    if s("ath").is_none() {
        p.push("the proof has no ath (the access token's hash), which is required with an access token".to_string());
    }
    p
}

/// Refreshes this close together count as concurrent.
const REFRESH_RACE_WINDOW_MS: f64 = 2_000.0;

/// The refresh token of a `grant_type=refresh_token` request body (form or JSON), or `Some("")` when
/// it is a refresh grant whose token is not readable.
fn refresh_grant<'b>(ex: &'b crate::model::Exchange<'_>) -> Option<std::borrow::Cow<'b, str>> {
    if !ex.method.eq_ignore_ascii_case("POST") {
        return None;
    }
    let body = ex.request_body.as_deref()?;
    if !body.contains("refresh_token") {
        return None;
    }
    if body.trim_start().starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(body).ok()?;
        if v.get("grant_type").and_then(serde_json::Value::as_str) != Some("refresh_token") {
            return None;
        }
        return Some(v.get("refresh_token").and_then(serde_json::Value::as_str).unwrap_or("").to_string().into());
    }
    let mut grant = false;
    let mut token = std::borrow::Cow::Borrowed("");
    for (k, v) in url::form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "grant_type" => grant = v == "refresh_token",
            "refresh_token" => token = v,
            _ => {}
        }
    }
    grant.then_some(token)
}

/// `refresh-token-rotation-race` — RFC 9700 §4.14.2, RFC 6749 §6: several refreshes with a
/// single-use (rotated) refresh token at once; the losers get `invalid_grant`.
fn refresh_token_rotation_race(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let ex = ctx.ex;
    if !matches!(ex.status, 400 | 401) {
        return;
    }
    let Some(mine) = refresh_grant(ex) else { return };
    let said_invalid_grant = ex.response_body.as_deref().is_some_and(|b| b.contains("invalid_grant"));
    if !said_invalid_grant {
        return;
    }
    let Some(t0) = ex.started_ms else { return };
    let endpoint = ex.url.split('?').next().unwrap_or("");
    let mut others: Vec<(usize, bool)> = Vec::new();
    for (i, other) in ctx.capture.exchanges.iter().enumerate() {
        if i == ctx.index || other.url.split('?').next() != Some(endpoint) {
            continue;
        }
        let Some(t) = other.started_ms else { continue };
        if (t - t0).abs() > REFRESH_RACE_WINDOW_MS {
            continue;
        }
        if let Some(theirs) = refresh_grant(other) {
            others.push((i, !mine.is_empty() && theirs == mine));
        }
    }
    if others.is_empty() {
        return;
    }
    let same = others.iter().filter(|(_, s)| *s).count();
    let winner =
        others.iter().find(|(i, _)| ctx.capture.exchanges.get(*i).is_some_and(|e| (200..300).contains(&e.status)));
    let mut explanation = format!(
        "{} other refresh request{} went to the same token endpoint within 2 s of this one, and this one was          answered invalid_grant.",
        others.len(),
        if others.len() == 1 { "" } else { "s" }
    );
    if same > 0 {
        explanation.push_str(" They sent the very same refresh token.");
    }
    if let Some((w, _)) = winner {
        explanation.push_str(&format!(" Request #{w} won the race and received the new tokens."));
    }
    explanation.push_str(
        " With refresh-token rotation each refresh token works once; concurrent refreshes from several tabs or          requests present an already-used token, and many servers then revoke the whole token family and log          the user out.",
    );
    let fix = Fix::new("Make token refresh single-flight: one refresh at a time, shared by every caller and tab.")
        .step("Within a tab, keep one shared promise for the refresh in progress and let every 401 handler await it.")
        .step("Across tabs, take a Web Lock (navigator.locks.request('token-refresh', …)) or coordinate over a BroadcastChannel.")
        .step("Or allow a short reuse grace period for rotated refresh tokens on the authorization server.")
        .snippet(
            "js",
            "let refreshing = null;
function refreshOnce() {
  refreshing ??= navigator.locks.request('token-refresh', () => doRefresh())
    .finally(() => { refreshing = null; });
  return refreshing;
}",
        );
    let mut f = Finding::new(FindingId::RefreshTokenRotationRace, explanation, fix)
        .title("Parallel token refreshes invalidated each other")
        .source("RFC 9700 §4.14.2; RFC 6749 §6")
        .confidence(if same > 0 { 85 } else { 65 })
        .with("Concurrent refreshes", (others.len() + 1).to_string());
    for (i, _) in &others {
        f = f.related(*i);
    }
    if !mine.is_empty() {
        f = f.evidence(Evidence::secret("Refresh token", &mine, Exposure::Prefix));
    }
    out.push(f);
}

/// Query parameters that carry OAuth tokens.
const URL_TOKEN_PARAMS: &[&str] = &["access_token", "id_token"];

/// `bearer-token-in-url` — RFC 6750 §2.3 (query method SHOULD NOT be used) and §5.3: a token in the
/// request URL leaks through logs, history and Referer.
fn bearer_token_in_url(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    if !ctx.ex.url.contains("_token=") {
        return;
    }
    let Some(url) = &ctx.url else { return };
    let Some((name, value)) = url.query_pairs().find(|(k, v)| URL_TOKEN_PARAMS.contains(&k.as_ref()) && !v.is_empty())
    else {
        return;
    };
    let explanation = format!(
        "The request URL carries a token in its query string ({name}=…). URLs end up in server and proxy logs, \
         browser history and the Referer header, so the token leaks; RFC 6750 keeps this method as a last resort."
    );
    let fix = Fix::new("Send the token in the Authorization header instead of the URL.")
        .step("Use Authorization: Bearer <token> for API calls.")
        .step("If a URL token is unavoidable (WebSocket, download links): make it single-use and short-lived, and answer with Cache-Control: no-store.")
        .snippet("js", "fetch(url, { headers: { Authorization: `Bearer ${accessToken}` } });");
    out.push(
        Finding::new(FindingId::BearerTokenInUrl, explanation, fix)
            .title("Access token in the URL")
            .source("RFC 6750 §2.3, §5.3")
            .with("Parameter", name.to_string())
            .evidence(Evidence::secret("Token", &value, Exposure::Prefix)),
    );
}

#[cfg(test)]
mod tests;
