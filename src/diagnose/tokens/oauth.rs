//! OAuth client-side mistakes visible in a capture: racing refreshes of a rotated refresh token
//! (RFC 9700 §4.14.2) and access tokens in URLs (RFC 6750 §2.3).

use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Fix};
use crate::secret::Exposure;

/// Refreshes this close together count as concurrent.
const REFRESH_RACE_WINDOW_MS: f64 = 2_000.0;
/// At most this many exchanges on each side are looked at for concurrent refreshes.
const REFRESH_RACE_NEIGHBOURS: usize = 200;

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
    let form = crate::diagnose::token_form::token_form(body)?;
    (form.grant_type.as_deref() == Some("refresh_token")).then(|| form.refresh_token.unwrap_or_default())
}

/// `refresh-token-rotation-race` — RFC 9700 §4.14.2, RFC 6749 §6: several refreshes with a
/// single-use (rotated) refresh token at once; the losers get `invalid_grant`.
pub(super) fn refresh_token_rotation_race(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let ex = ctx.ex;
    // RFC 6749 §5.2 says 400; some providers answer 401 or 403.
    if !matches!(ex.status, 400 | 401 | 403) {
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
    // Captures are in start order: walk outwards from this exchange and stop past the window (or after
    // a bounded number of neighbours), so a storm of failed refreshes stays linear.
    let all = &ctx.capture.exchanges;
    let before = (0..ctx.index).rev().take(REFRESH_RACE_NEIGHBOURS);
    let after = (ctx.index + 1..all.len()).take(REFRESH_RACE_NEIGHBOURS);
    for range in [before.collect::<Vec<_>>(), after.collect::<Vec<_>>()] {
        for i in range {
            let Some(other) = all.get(i) else { break };
            let Some(t) = other.started_ms else { continue };
            if (t - t0).abs() > REFRESH_RACE_WINDOW_MS {
                break;
            }
            if other.url.split('?').next() != Some(endpoint) {
                continue;
            }
            if let Some(theirs) = refresh_grant(other) {
                others.push((i, !mine.is_empty() && theirs == mine));
            }
        }
    }
    others.sort_unstable();
    if others.is_empty() {
        return;
    }
    let same = others.iter().filter(|(_, s)| *s).count();
    let winner =
        others.iter().find(|(i, _)| ctx.capture.exchanges.get(*i).is_some_and(|e| (200..300).contains(&e.status)));
    let mut explanation = format!(
        "{} other refresh request{} went to the same token endpoint within 2 s of this one, and this one was answered invalid_grant.",
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
        " With refresh-token rotation each refresh token works once; concurrent refreshes from several tabs or requests present an already-used token, and many servers then revoke the whole token family and log the user out.",
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

/// The first token-carrying query parameter of `raw` (a URL), with its value.
fn url_token(raw: &str) -> Option<(String, String)> {
    if !raw.contains("_token=") {
        return None;
    }
    let url = url::Url::parse(raw).ok()?;
    url.query_pairs()
        .find(|(k, v)| URL_TOKEN_PARAMS.contains(&k.as_ref()) && !v.is_empty())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
}

/// `bearer-token-in-url` — RFC 6750 §2.3 (query method SHOULD NOT be used) and §5.3: a token in the
/// request URL, or in the query of a redirect's `Location`, leaks through logs, history and Referer.
pub(super) fn bearer_token_in_url(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let location = || {
        let loc = ctx.ex.redirect_url.as_deref().or_else(|| ctx.ex.response_headers.get("location"))?;
        // A relative Location resolves against the request URL.
        let abs = ctx.url.as_ref().and_then(|u| u.join(loc.trim()).ok())?;
        url_token(abs.as_str()).map(|t| (t, "the redirect's Location"))
    };
    let Some(((name, value), place)) = url_token(&ctx.ex.url).map(|t| (t, "the request URL")).or_else(location) else {
        return;
    };
    let explanation = format!(
        "{} carries a token in its query string ({name}=…). URLs end up in server and proxy logs, browser \
         history and the Referer header, so the token leaks; RFC 6750 keeps this method as a last resort.",
        capitalise(place)
    );
    let fix = Fix::new("Send the token in the Authorization header instead of the URL.")
        .step("Use Authorization: Bearer <token> for API calls.")
        .step("Authorization servers: return tokens from the token endpoint (authorization code flow with PKCE), never in a redirect's query.")
        .step("If a URL token is unavoidable (WebSocket, download links): make it single-use and short-lived, and answer with Cache-Control: no-store.")
        .snippet("js", "fetch(url, { headers: { Authorization: `Bearer ${accessToken}` } });");
    out.push(
        Finding::new(FindingId::BearerTokenInUrl, explanation, fix)
            .title("Access token in the URL")
            .source("RFC 6750 §2.3, §5.3; RFC 9700 §2.1.2")
            .with("Parameter", name)
            .with("Where", place.to_string())
            .evidence(Evidence::secret("Token", &value, Exposure::Prefix)),
    );
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
