//! Facts every credential rule reads, computed once per exchange: the parsed `Authorization`,
//! the parsed challenges, a lowercased prefix of the body, and server fingerprints.

use super::super::context::Ctx;
use crate::headers::authorization::{self, Credentials};
use crate::headers::www_authenticate::{self, Challenges};

/// How much of a response body the signature checks read.
const BODY_PREFIX: usize = 16 * 1024;

/// Parsed inputs shared by the rules of this module.
pub struct Facts<'c> {
    pub status: u16,
    /// The parsed `Authorization` (lowercase or not, HTTP/2 or not: `Headers::get` folds case).
    pub cred: Option<Credentials<'c>>,
    /// The raw `Authorization` value.
    pub auth_raw: Option<&'c str>,
    /// `WWW-Authenticate`, every field line.
    pub challenges: Challenges<'c>,
    /// `Proxy-Authenticate`, every field line.
    pub proxy_challenges: Challenges<'c>,
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

impl<'c> Facts<'c> {
    /// Gathers the facts of `ctx`'s exchange.
    pub fn new(ctx: &Ctx<'c, '_>) -> Facts<'c> {
        let ex = ctx.ex;
        let auth_raw = ctx.authorization();
        let cred = auth_raw.filter(|v| !v.is_empty()).map(authorization::parse);
        let lines: Vec<&'c str> = ex.response_headers.get_all("www-authenticate").collect();
        let has_challenge_header = lines.iter().any(|l| !l.trim().is_empty());
        let challenges = www_authenticate::parse(lines);
        let proxy_challenges = www_authenticate::parse(ex.response_headers.get_all("proxy-authenticate"));
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
            cred,
            auth_raw,
            challenges,
            proxy_challenges,
            has_challenge_header,
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
    pub fn challenge_text(&self, ctx: &Ctx<'c, '_>) -> String {
        ctx.ex.response_headers.get_all("www-authenticate").collect::<Vec<_>>().join(" | ")
    }

    /// Whether any credential at all reached the wire (Authorization, Cookie, Proxy-Authorization
    /// or a custom key header).
    pub fn any_credential(&self, ctx: &Ctx<'_, '_>) -> bool {
        ctx.creds.any() || self.cookie_sent || ctx.creds.api_key_header.is_some()
    }
}

/// Whether `path` names an OAuth token endpoint (`/token`, `/oauth/token`, `/oauth2/v2.0/token`,
/// `/connect/token`, `/protocol/openid-connect/token`).
pub fn is_token_endpoint(ctx: &Ctx<'_, '_>) -> bool {
    if !ctx.ex.method.eq_ignore_ascii_case("POST") {
        return false;
    }
    let path_token = ctx.url.as_ref().is_some_and(|u| {
        let p = u.path().trim_end_matches('/').to_ascii_lowercase();
        p.ends_with("/token") || p.ends_with("/access_token") || p.ends_with("/oauth2/token")
    });
    let body_grant = ctx.ex.request_body.as_deref().is_some_and(|b| b.contains("grant_type="));
    path_token || body_grant
}

/// The OAuth error object of a JSON body (`{"error": "...", "error_description": "..."}`, RFC 6749 §5.2).
pub fn oauth_error(body: Option<&str>) -> Option<(String, Option<String>)> {
    let b = body?.trim_start();
    if !b.starts_with('{') {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(b).ok()?;
    let err = v.get("error")?.as_str()?.to_string();
    let desc = v.get("error_description").and_then(|d| d.as_str()).map(str::to_string);
    Some((err, desc))
}

/// The `scope`, `scp` and `roles` claims of a JWT access token (decoded by `headers::jwt`,
/// never verified). `None` when the token is not a decodable JWT.
pub fn token_scopes(token: &str) -> Option<Vec<String>> {
    let jwt = crate::headers::jwt::decode(token).ok()?;
    jwt.claims()?;
    let mut out: Vec<String> = jwt.scope().into_iter().map(str::to_string).collect();
    for s in jwt.scp() {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    for r in jwt.roles() {
        if !out.iter().any(|o| o == r) {
            out.push(r.to_string());
        }
    }
    Some(out)
}

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

/// Whether `e` carried the same credential as this request (Authorization, else Cookie).
fn same_credentials(ctx: &Ctx<'_, '_>, e: &crate::model::Exchange<'_>) -> bool {
    let rq = &ctx.ex.request_headers;
    match rq.get("authorization") {
        Some(a) => e.request_headers.get("authorization") == Some(a),
        None => match rq.get("cookie") {
            Some(c) if !c.trim().is_empty() => e.request_headers.get("cookie") == Some(c),
            _ => false,
        },
    }
}

/// An exchange near this one (±300 entries) on the same origin that got 2xx with the same
/// credential: later in the capture (so the credential is still valid after this failure), or at
/// most two minutes earlier.
pub fn accepted_elsewhere<'c, 'a>(ctx: &Ctx<'c, 'a>) -> Option<(usize, &'c crate::model::Exchange<'a>)> {
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
        e.request_headers.has("cookie")
            || e.request_headers.has("authorization")
            || e.response_headers.has("set-cookie")
    })
}
