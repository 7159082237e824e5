//! The shared vocabulary of the rules, each word defined once: what a preflight is, what an API
//! call is, what a login URL or a session cookie looks like, which statuses make an exchange
//! worth diagnosing, and the typed forms of `resourceType` and the Fetch metadata headers.
//!
//! Captures spell these things many ways (`xhr`, `XHR`, `xmlhttprequest`; `Document`,
//! `main_frame`), so the spelling is resolved here and rules compare enums, never strings.

use crate::model::Exchange;

/// What kind of request the browser made (HAR `_resourceType`, webRequest `type`, CDP `type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceType {
    /// A top-level navigation (`document`, `main_frame`).
    Document,
    /// A frame's navigation (`sub_frame`, `iframe`).
    Subdocument,
    /// `XMLHttpRequest` (`xhr`, `xmlhttprequest`).
    Xhr,
    /// `fetch()`.
    Fetch,
    /// A CORS preflight (Chromium's HAR and CDP mark them).
    Preflight,
    Script,
    Stylesheet,
    Image,
    Font,
    Media,
    WebSocket,
    /// Anything else (`ping`, `beacon`, `manifest`, `other` …).
    Other,
}

impl ResourceType {
    /// The type a capture's spelling names, case-insensitively; `None` for an empty string.
    pub fn parse(s: &str) -> Option<ResourceType> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        let t = t.to_ascii_lowercase();
        Some(match t.as_str() {
            "document" | "main_frame" => ResourceType::Document,
            "sub_frame" | "subdocument" | "iframe" | "frame" => ResourceType::Subdocument,
            "xhr" | "xmlhttprequest" => ResourceType::Xhr,
            "fetch" => ResourceType::Fetch,
            "preflight" => ResourceType::Preflight,
            "script" => ResourceType::Script,
            "stylesheet" => ResourceType::Stylesheet,
            "image" | "imageset" => ResourceType::Image,
            "font" => ResourceType::Font,
            "media" => ResourceType::Media,
            "websocket" => ResourceType::WebSocket,
            _ => ResourceType::Other,
        })
    }

    /// The type of `ex`, if the capture says.
    pub fn of(ex: &Exchange<'_>) -> Option<ResourceType> {
        ex.resource_type.as_deref().and_then(ResourceType::parse)
    }

    /// A script-initiated call (`fetch`/XHR).
    pub fn is_script_call(self) -> bool {
        matches!(self, ResourceType::Xhr | ResourceType::Fetch)
    }

    /// How a person names the API that made the request.
    pub fn api_name(self) -> &'static str {
        if self == ResourceType::Xhr { "XHR" } else { "fetch" }
    }
}

/// `Sec-Fetch-Mode` (Fetch Metadata §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchMode {
    Cors,
    NoCors,
    Navigate,
    SameOrigin,
    WebSocket,
    Other,
}

impl FetchMode {
    /// The mode a header value names.
    pub fn parse(s: &str) -> FetchMode {
        match s.trim() {
            "cors" => FetchMode::Cors,
            "no-cors" => FetchMode::NoCors,
            "navigate" => FetchMode::Navigate,
            "same-origin" => FetchMode::SameOrigin,
            "websocket" => FetchMode::WebSocket,
            _ => FetchMode::Other,
        }
    }
}

/// `Sec-Fetch-Dest` (Fetch Metadata §2.1), the values the rules tell apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchDest {
    /// `empty`: `fetch()`, XHR, beacons.
    Empty,
    Document,
    Iframe,
    /// A subresource a page element loads (`image`, `script`, `style`, `font`, `audio`, `video`).
    Subresource,
    Other,
}

impl FetchDest {
    /// The destination a header value names.
    pub fn parse(s: &str) -> FetchDest {
        match s.trim() {
            "empty" => FetchDest::Empty,
            "document" => FetchDest::Document,
            "iframe" | "frame" => FetchDest::Iframe,
            "image" | "script" | "style" | "font" | "audio" | "video" => FetchDest::Subresource,
            _ => FetchDest::Other,
        }
    }
}

/// `Sec-Fetch-Site` (Fetch Metadata §2.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchSite {
    SameOrigin,
    SameSite,
    CrossSite,
    /// `none`: a user-initiated navigation (address bar, bookmark).
    None,
    Other,
}

impl FetchSite {
    /// The relation a header value names.
    pub fn parse(s: &str) -> FetchSite {
        match s.trim() {
            "same-origin" => FetchSite::SameOrigin,
            "same-site" => FetchSite::SameSite,
            "cross-site" => FetchSite::CrossSite,
            "none" => FetchSite::None,
            _ => FetchSite::Other,
        }
    }

    /// `same-site` or `cross-site`: the request left its origin.
    pub fn crosses_origin(self) -> bool {
        matches!(self, FetchSite::SameSite | FetchSite::CrossSite)
    }
}

/// Where a response came from when it did not come from the network (HAR `_fromCache`, the
/// extension's `fromCache`): the browser's memory or disk cache, or a service worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheSource {
    Memory,
    Disk,
    ServiceWorker,
    /// Another spelling a capture used (`prefetch`, `push` …): still not the network.
    Other,
}

impl CacheSource {
    /// The source a capture names, case-insensitively; `None` when blank (the network answered).
    pub fn parse(s: &str) -> Option<CacheSource> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        Some(match t.to_ascii_lowercase().as_str() {
            "memory" => CacheSource::Memory,
            "disk" => CacheSource::Disk,
            "service-worker" => CacheSource::ServiceWorker,
            _ => CacheSource::Other,
        })
    }

    /// The source of `ex`'s response, if not the network.
    pub fn of(ex: &Exchange<'_>) -> Option<CacheSource> {
        ex.from_cache.as_deref().and_then(CacheSource::parse)
    }
}

/// A CORS preflight (Fetch §4.8 CORS-preflight fetch): an `OPTIONS` carrying
/// `Access-Control-Request-Method`, or one the capture marks as a preflight.
pub fn is_preflight(ex: &Exchange<'_>) -> bool {
    ex.method.eq_ignore_ascii_case("OPTIONS")
        && (ex.request_headers.has("access-control-request-method")
            || ResourceType::of(ex) == Some(ResourceType::Preflight))
}

/// A script-initiated API call (`fetch`/XHR) rather than a navigation or a subresource: the
/// capture's resource type, else `Sec-Fetch-Dest: empty`.
pub fn is_api_call(ex: &Exchange<'_>) -> bool {
    match ResourceType::of(ex) {
        Some(t) if t.is_script_call() => true,
        Some(ResourceType::Other) | None => {
            ex.request_headers.get("sec-fetch-dest").map(FetchDest::parse) == Some(FetchDest::Empty)
        }
        Some(_) => false,
    }
}

/// Statuses that make an exchange worth diagnosing by themselves: network failures (0),
/// redirects (login walls, dropped credentials), 400–407 (auth, CORS and malformed requests),
/// 429 (WAF and rate limits answering like auth), 431/494 (headers too large: cookie bloat).
pub fn is_candidate_status(s: u16) -> bool {
    s == 0 || (300..400).contains(&s) || (400..=407).contains(&s) || s == 429 || s == 431 || s == 494
}

/// Whether `ex` is an OAuth token request (RFC 6749 §3.2): a POST to a token path (`/token`,
/// `/oauth/token`, `/oauth2/v2.0/token`, `/connect/token`, `/protocol/openid-connect/token`,
/// GitHub's `/access_token`), or a POST whose body names a grant.
pub fn is_token_request(ex: &Exchange<'_>) -> bool {
    if !ex.method.eq_ignore_ascii_case("POST") {
        return false;
    }
    let path = ex.url.split(['?', '#']).next().unwrap_or("").trim_end_matches('/').to_ascii_lowercase();
    let path_token = path.ends_with("/token") || path.ends_with("/access_token");
    let body_grant = ex.request_body.as_deref().is_some_and(|b| b.contains("grant_type"));
    path_token || body_grant
}

/// Form fields that carry a credential in a request body: OAuth client authentication and grants
/// (RFC 6749 §2.3.1, §4.1.3, §6; RFC 7523; RFC 7636) and form logins.
const BODY_CREDENTIAL_KEYS: &[&str] =
    &["client_secret", "client_assertion", "password", "refresh_token", "code_verifier", "access_token"];

/// Whether a request body (form or JSON) carries a credential.
pub fn body_carries_credentials(body: &str) -> bool {
    BODY_CREDENTIAL_KEYS.iter().any(|k| {
        body.match_indices(k).any(|(i, _)| {
            let after = body.get(i + k.len()..).and_then(|r| r.chars().next());
            after == Some('=') || (after == Some('"') && body.get(..i).is_some_and(|b| b.ends_with('"')))
        })
    })
}

/// OAuth error codes that an authorization server sends back in the callback's query (RFC 6749
/// §4.1.2.1) and that the rules read, plus Entra's redirect-URI code.
const CALLBACK_ERRORS: &[&str] =
    &["error=redirect_uri_mismatch", "error=unauthorized_client", "error=invalid_scope", "AADSTS50011"];

/// Whether a URL carries an authorization server's refusal that a rule reads.
pub fn carries_oauth_error(url: &str) -> bool {
    url.contains("error=") && CALLBACK_ERRORS.iter().any(|e| url.contains(e))
}

/// Path and query words of sign-in pages and identity-provider endpoints, lowercase.
const LOGIN_WORDS: &[&str] = &[
    "login",
    "signin",
    "sign-in",
    "sign_in",
    "logon",
    "authorize",
    "authenticate",
    "/sso",
    "saml",
    "/oauth",
    "/auth/",
    "/cas/",
];

/// Whether a URL or path looks like a sign-in page (a redirect target, a `Location`): contains a
/// login word anywhere, case-insensitively.
pub fn is_login_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    LOGIN_WORDS.iter().any(|w| l.contains(w)) || l.ends_with("/auth")
}

/// Path segments that are, by themselves, a login or authorization endpoint (`/cas/login`,
/// `/saml2/…`), compared whole so `/authorities` or `/signing-keys` do not count.
const LOGIN_SEGMENTS: &[&str] =
    &["login", "signin", "sign-in", "sign_in", "logon", "authorize", "saml", "saml2", "sso", "authenticate", "cas"];

/// Whether one path segment (lowercased by the caller or not) names a login endpoint.
pub fn is_login_segment(segment: &str) -> bool {
    LOGIN_SEGMENTS.iter().any(|s| segment.eq_ignore_ascii_case(s))
}

/// Whether a URL path is a step of a sign-in flow: a login page, but also the session, token,
/// callback and assertion-consumer endpoints that set the session after it.
pub fn is_sign_in_step(path: &str) -> bool {
    const STEPS: &[&str] = &["auth", "session", "oauth", "callback", "sso", "saml", "token", "/acs"];
    is_login_url(path) || {
        let p = path.to_ascii_lowercase();
        STEPS.iter().any(|w| p.contains(w))
    }
}

/// Words that name anti-CSRF machinery, lowercase: in cookie names and in refusals' text.
const CSRF_WORDS: &[&str] = &["csrf", "xsrf", "antiforgery"];

/// Whether lowercase `text` names anti-CSRF machinery.
fn names_csrf(text: &str) -> bool {
    CSRF_WORDS.iter().any(|k| text.contains(k))
}

/// Whether a cookie name is an anti-CSRF cookie (Django `csrftoken`, Angular/Laravel `XSRF-TOKEN`,
/// Express `_csrf`, ASP.NET Core `.AspNetCore.Antiforgery.*`).
pub fn is_csrf_cookie_name(name: &str) -> bool {
    names_csrf(&name.to_ascii_lowercase())
}

/// Whether an answer is a CSRF refusal: 403 (419 is Laravel's) whose body names CSRF.
pub fn is_csrf_failure(ex: &Exchange<'_>) -> bool {
    matches!(ex.status, 403 | 419)
        && ex
            .response_body
            .as_deref()
            .is_some_and(|b| names_csrf(&b.get(..b.len().min(4096)).unwrap_or(b).to_ascii_lowercase()))
}

/// Whether a cookie name is a well-known session or auth cookie (DIAGNOSES `session-cookie-rejected`
/// list, plus the common framework defaults). Anti-CSRF, consent and analytics names are not.
pub fn is_session_cookie_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n
        .strip_prefix("__host-http-")
        .or_else(|| n.strip_prefix("__host-"))
        .or_else(|| n.strip_prefix("__secure-"))
        .unwrap_or(&n);
    if n.is_empty()
        || names_csrf(n)
        || ["correlation", "nonce", "consent", "culture", "tempdata"].iter().any(|k| n.contains(k))
    {
        return false;
    }
    const EXACT: &[&str] = &[
        "sid",
        "sess",
        "session",
        "sessionid",
        "session_id",
        "session-id",
        "jsessionid",
        "phpsessid",
        "connect.sid",
        "laravel_session",
        "asp.net_sessionid",
        "cf_authorization",
        "ci_session",
        "express.sid",
        "koa.sess",
        "_oauth2_proxy",
        "oauth2_proxy",
        "access_token",
        "auth_token",
        "authtoken",
        "auth",
        "jwt",
        "token",
        "id_token",
        "remember_token",
        "appsession",
        "_forward_auth",
        "authjs.session-token",
        "next-auth.session-token",
        "_pomerium",
        "mod_auth_openidc_session",
        "keycloak_session",
        "keycloak_identity",
        "sessid",
        "cfid",
        "cftoken",
        "wordpress_logged_in",
        "pma_auth",
    ];
    if EXACT.contains(&n) {
        return true;
    }
    n.starts_with(".aspnetcore.")
        || n.starts_with("awselbauthsessioncookie")
        || n.starts_with("wordpress_logged_in_")
        || n.starts_with("_shibsession")
        || n.starts_with("sess_")
        || n.ends_with("session")
        || n.ends_with("_sid")
        || n.ends_with(".sid")
        || n.ends_with("-sid")
        || n.ends_with("sessionid")
        || n.ends_with("_session_id")
        || n.ends_with("session-token")
        || n.ends_with("_auth_token")
}

/// Cookie-name parts of cookies that hold a bearer token (`access_token`, `jwt`,
/// `sb-access-token` …): their JWT is judged like an `Authorization` one.
const TOKEN_COOKIE_PARTS: &[&str] = &["token", "jwt", "access", "auth", "session", "sid", "identity"];

/// Whether a cookie's name says it holds a token.
pub fn is_token_cookie_name(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    TOKEN_COOKIE_PARTS.iter().any(|w| l.contains(w))
}

/// Request header names that carry an API key or a custom token (compared lowercased).
pub const API_KEY_HEADERS: &[&str] = &[
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "x-token",
    "x-csrf-token",
    "x-xsrf-token",
    "x-amz-security-token",
    "x-goog-api-key",
    "ocp-apim-subscription-key",
    "x-functions-key",
    "private-token",
    "x-vault-token",
];

/// Whether `name` is one of [`API_KEY_HEADERS`].
pub fn is_api_key_header(name: &str) -> bool {
    API_KEY_HEADERS.iter().any(|k| name.eq_ignore_ascii_case(k))
}

/// Custom request headers some APIs read JWTs from (express-jwt `getToken`, DRF, Firebase apps…).
const JWT_HEADERS: &[&str] = &["x-access-token", "x-auth-token", "x-token", "x-jwt", "x-jwt-assertion"];

/// Whether `name` is one of the custom headers that carry a JWT (compared case-insensitively).
pub fn is_jwt_header(name: &str) -> bool {
    JWT_HEADERS.iter().any(|k| name.eq_ignore_ascii_case(k))
}

/// Whether a URL, query string or form body carries an `access_token` parameter (RFC 6750 §2.2,
/// §2.3): a `?`- or `&`-separated `access_token=` (not `my_access_token=`).
pub fn has_access_token_param(s: &str) -> bool {
    s.split(['&', '?']).any(|kv| kv.trim_start().starts_with("access_token="))
}

#[cfg(test)]
mod tests {

    #[test]
    fn csrf_refusals_and_cookies() {
        let ex = |status: u16, body: &'static str| crate::model::Exchange {
            status,
            response_body: Some(body.into()),
            ..Default::default()
        };
        assert!(is_csrf_failure(&ex(403, r#"{"detail":"CSRF Failed: CSRF cookie not set."}"#)));
        assert!(is_csrf_failure(&ex(419, "CSRF token mismatch.")));
        // Near misses: a 403 about something else; a 401 naming CSRF.
        assert!(!is_csrf_failure(&ex(403, r#"{"detail":"You do not have permission."}"#)));
        assert!(!is_csrf_failure(&ex(401, "csrf")));
        for n in ["csrftoken", "XSRF-TOKEN", "_csrf", ".AspNetCore.Antiforgery.x1"] {
            assert!(is_csrf_cookie_name(n), "{n}");
        }
        assert!(!is_csrf_cookie_name("sessionid"));
    }
    use super::*;
    use crate::model::{Exchange, Header, Headers};
    use std::borrow::Cow;

    fn ex(method: &'static str, rt: Option<&'static str>, headers: Vec<Header<'static>>) -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed(method),
            resource_type: rt.map(Cow::Borrowed),
            request_headers: Headers(headers),
            ..Default::default()
        }
    }

    #[test]
    fn resource_type_spellings() {
        assert_eq!(ResourceType::parse("XMLHttpRequest"), Some(ResourceType::Xhr));
        assert_eq!(ResourceType::parse("main_frame"), Some(ResourceType::Document));
        assert_eq!(ResourceType::parse("Document"), Some(ResourceType::Document));
        assert_eq!(ResourceType::parse("beacon"), Some(ResourceType::Other));
        assert_eq!(ResourceType::parse(" "), None);
        assert_eq!(ResourceType::Xhr.api_name(), "XHR");
        assert_eq!(ResourceType::Fetch.api_name(), "fetch");
    }

    #[test]
    fn cache_sources() {
        assert_eq!(CacheSource::parse(" Service-Worker "), Some(CacheSource::ServiceWorker));
        assert_eq!(CacheSource::parse("disk"), Some(CacheSource::Disk));
        assert_eq!(CacheSource::parse("prefetch"), Some(CacheSource::Other));
        assert_eq!(CacheSource::parse(""), None);
    }

    #[test]
    fn preflight_needs_options() {
        let acrm = || vec![Header::new("Access-Control-Request-Method", "PUT")];
        assert!(is_preflight(&ex("options", None, acrm())));
        assert!(is_preflight(&ex("OPTIONS", Some("Preflight"), vec![])));
        assert!(!is_preflight(&ex("GET", Some("preflight"), acrm())));
        assert!(!is_preflight(&ex("OPTIONS", Some("fetch"), vec![])));
    }

    #[test]
    fn api_call_from_type_or_fetch_metadata() {
        assert!(is_api_call(&ex("GET", Some("xmlhttprequest"), vec![])));
        assert!(is_api_call(&ex("GET", None, vec![Header::new("Sec-Fetch-Dest", "empty")])));
        assert!(!is_api_call(&ex("GET", Some("document"), vec![Header::new("Sec-Fetch-Dest", "empty")])));
        assert!(!is_api_call(&ex("GET", None, vec![Header::new("Sec-Fetch-Dest", "document")])));
    }

    #[test]
    fn candidate_statuses() {
        for s in [0, 302, 400, 401, 403, 407, 429, 431, 494] {
            assert!(is_candidate_status(s), "{s}");
        }
        for s in [200, 204, 408, 500, 503] {
            assert!(!is_candidate_status(s), "{s}");
        }
    }

    #[test]
    fn login_urls() {
        assert!(is_login_url("https://id.example.com/Account/Login?ReturnUrl=%2F"));
        assert!(is_login_url("/api/auth"));
        assert!(!is_login_url("https://example.com/author/42"));
        assert!(is_sign_in_step("/oauth2/callback"));
        assert!(!is_sign_in_step("/api/orders"));
    }

    #[test]
    fn cookie_names() {
        assert!(is_token_cookie_name("sb-access-token"));
        assert!(!is_token_cookie_name("lang"));
    }
    #[test]
    fn session_names_table() {
        let yes = [
            "sid",
            "SID",
            "session",
            "JSESSIONID",
            "PHPSESSID",
            "connect.sid",
            ".AspNetCore.Cookies",
            ".AspNetCore.Session",
            "laravel_session",
            "_myapp_session",
            "AWSELBAuthSessionCookie-0",
            "CF_Authorization",
            "__Host-sid",
            "__Secure-next-auth.session-token",
            "ASP.NET_SessionId",
            "_oauth2_proxy",
        ];
        for n in yes {
            assert!(is_session_cookie_name(n), "{n}");
        }
        let no = [
            "_ga",
            "XSRF-TOKEN",
            "csrftoken",
            ".AspNetCore.Antiforgery.abc",
            "theme",
            "lang",
            "_gid",
            "cookie_consent",
        ];
        for n in no {
            assert!(!is_session_cookie_name(n), "{n}");
        }
    }

    #[test]
    fn access_token_params_and_jwt_headers() {
        for (s, want) in [
            ("https://api.example.com/v1?access_token=abc", true),
            ("a=1&access_token=abc", true),
            ("a=1& access_token=abc", true),
            ("access_token=abc", true),
            ("my_access_token=abc", false),
            ("https://api.example.com/v1?x=access_token", false),
        ] {
            assert_eq!(has_access_token_param(s), want, "{s}");
        }
        assert!(is_jwt_header("X-Access-Token") && is_jwt_header("x-jwt-assertion"));
        assert!(!is_jwt_header("x-api-key"));
    }
}
