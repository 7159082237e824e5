//! Group G (header rules): something between the browser and the application dropped, replaced
//! or pre-empted the `Authorization` header.

use super::facts::Facts;
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Fix};
use crate::headers::authorization::Note;
use crate::headers::scheme::Scheme;
use crate::headers::set_cookie;
use crate::secret::Exposure;

/// Body texts of servers that saw no token at all.
const NO_TOKEN_BODIES: &[&str] = &[
    "no authorization header",
    "authorization header not found",
    "authorization header is missing",
    "missing authorization header",
    "missing authorization",
    "authorization header required",
    "token not provided",
    "no token provided",
    "missing bearer",
    "bearer token missing",
    "no auth token",
    "jwt_auth_no_auth_header",
    "rest_not_logged_in",
    "missing authentication token",
    "no credentials provided",
    "authentication credentials were not provided",
];

/// Body texts of servers that saw the token and judged it.
const TOKEN_SEEN_BODIES: &[&str] = &[
    "invalid token",
    "invalid_token",
    "token is invalid",
    "token expired",
    "token has expired",
    "expired token",
    "jwt expired",
    "jwt malformed",
    "invalid signature",
    "signature verification",
    "token is not valid",
    "not yet valid",
    "signature has expired",
    "could not validate credentials",
    "audience",
    "issuer",
];

/// The confidence of a strip the body confirms ("no token"): the ranker keeps only such a strip
/// above a defect visible in the token itself.
pub(crate) const BODY_SAYS_MISSING: u8 = 80;

/// PHP application signatures in a body.
const PHP_BODIES: &[&str] =
    &["token not provided", "authorization header not found", "rest_not_logged_in", "jwt_auth_no_auth_header"];

/// Cookies PHP frameworks set by default (PHP sessions, Laravel), fingerprints of a PHP application.
const PHP_COOKIES: &[&str] = &["phpsessid", "laravel_session", "xsrf-token"];

/// A usable token credential was sent (not a placeholder, not malformed).
fn usable_token(f: &Facts<'_>) -> bool {
    f.cred.is_some_and(|c| {
        matches!(c.kind, Some(Scheme::Bearer | Scheme::Dpop | Scheme::Other))
            && c.placeholder().is_none()
            && !c.has(&Note::NoScheme)
            && !c.has(&Note::DoubledScheme)
            && !c.has(&Note::TooShort)
    })
}

/// The server saw no token: a Bearer/DPoP challenge without `error=` (RFC 6750 §3.1), or a body saying so.
fn saw_no_token(f: &Facts<'_>) -> Option<String> {
    if let Some(ch) = f.challenges.bearer_like() {
        if ch.param("error").is_none() {
            return Some(format!(
                "the {} challenge has no error code, which is what a server sends when the request had no token at all",
                ch.scheme
            ));
        }
    }
    f.body_has(NO_TOKEN_BODIES).map(|s| format!("the response body says \"{s}\""))
}

fn is_apache_php(ctx: &Ctx<'_, '_>, f: &Facts<'_>) -> bool {
    let apache = f.server.contains("apache");
    let powered = ctx.ex.response_headers.get("x-powered-by").unwrap_or("").to_ascii_lowercase();
    let php_header = powered.contains("php")
        || ctx
            .ex
            .response_headers
            .set_cookie_lines()
            .filter_map(|l| set_cookie::parse(l).ok())
            .any(|c| PHP_COOKIES.iter().any(|n| c.name.eq_ignore_ascii_case(n)));
    let php_body = f.body_has(PHP_BODIES).is_some();
    let php_path = ctx.url.as_ref().is_some_and(|u| u.path().contains(".php") || u.path().contains("/wp-json/"));
    (apache && (php_header || php_body || php_path)) || (php_header && php_body)
}

fn is_cloudfront(ctx: &Ctx<'_, '_>) -> bool {
    let h = &ctx.ex.response_headers;
    h.has("x-amz-cf-id")
        || h.has("x-amz-cf-pop")
        || h.get("via").is_some_and(|v| v.to_ascii_lowercase().contains("cloudfront"))
}

/// `apache-cgi-drops-authorization` — RFC 3875 §4.1.18; Apache `CGIPassAuth`.
pub fn apache_cgi_drops_authorization(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401
        || !usable_token(f) && !f.cred.is_some_and(|c| c.kind == Some(Scheme::Basic) && f.challenges.is_empty())
    {
        return;
    }
    if !is_apache_php(ctx, f) {
        return;
    }
    let why = saw_no_token(f).unwrap_or_else(|| "the PHP application answered 401".into());
    let explanation = format!(
        "The request carried Authorization, but the application behind Apache (PHP via CGI/FastCGI/PHP-FPM) did not \
         receive it: {why}. By default Apache does not pass Authorization to CGI-style scripts, so \
         $_SERVER['HTTP_AUTHORIZATION'] is empty."
    );
    let fix = Fix::new("Tell Apache to pass Authorization to the script.")
        .snippet("apache", "# Apache >= 2.4.13: vhost, <Directory> or .htaccess\nCGIPassAuth On")
        .snippet("apache", "# older Apache / alternative\nSetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1\n# or with mod_rewrite (Laravel's default .htaccess)\nRewriteEngine On\nRewriteCond %{HTTP:Authorization} .\nRewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]")
        .snippet("php", "$auth = $_SERVER['HTTP_AUTHORIZATION'] ?? $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ?? null;");
    let mut finding = Finding::new(FindingId::ApacheCgiDropsAuthorization, explanation, fix)
        .source("RFC 3875 §4.1.18; Apache httpd core CGIPassAuth (2.4.13+)")
        .confidence(80);
    if !f.server.is_empty() {
        finding = finding.with("Server", f.server.clone());
    }
    if let Some(p) = ctx.ex.response_headers.get("x-powered-by") {
        finding = finding.with("X-Powered-By", p.to_string());
    }
    if let Some(v) = f.auth_raw {
        finding = finding.evidence(Evidence::secret("Authorization", v, Exposure::Prefix));
    }
    out.push(finding);
}

/// `cdn-strips-authorization` — AWS CloudFront forwards Authorization only when it is in the cache key.
pub fn cdn_strips_authorization(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || !usable_token(f) || !is_cloudfront(ctx) {
        return;
    }
    let Some(why) = saw_no_token(f) else { return };
    let explanation = format!(
        "The request carried Authorization and went through CloudFront, but the origin saw no token: {why}. CloudFront \
         forwards Authorization to the origin only when the header is part of the cache key; an origin request policy \
         cannot add it."
    );
    let fix = Fix::new("Include Authorization in the cache policy of the API behaviour.")
        .step("CloudFront console → Policies → Cache: create a policy for the API with header Authorization in the cache key (TTL may be 0), and attach it to the /api/* behaviour.")
        .step("S3 origins cannot cache on Authorization: route API calls to the application origin.");
    out.push(
        Finding::new(FindingId::CdnStripsAuthorization, explanation, fix)
            .source("AWS CloudFront docs (Authorization must be in the cache key); RFC 6750 §3.1")
            .confidence(80),
    );
}

/// `proxy-stripped-authorization` — RFC 9110 §11.6.2 (proxies must not modify Authorization); RFC 6750 §3.1.
pub fn proxy_stripped_authorization(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || !usable_token(f) {
        return;
    }
    // The more specific strip rules and a server-level Basic gate explain it better; so does
    // service-worker-drops-credentials when a worker answered (the header never left the page).
    if is_apache_php(ctx, f) || is_cloudfront(ctx) || f.challenges.has(Scheme::Basic) || ctx.ex.answered_by_worker() {
        return;
    }
    let Some(why) = saw_no_token(f) else { return };
    // The same header worked elsewhere on this origin: the hop does not strip it.
    if super::neighbours::accepted_elsewhere(ctx).is_some() {
        return;
    }
    // A body that talks about the token's validity proves the application saw it (servers that
    // never send error codes would otherwise look stripped).
    let body_says_missing = f.body_has(NO_TOKEN_BODIES).is_some();
    if !body_says_missing && f.body_has(TOKEN_SEEN_BODIES).is_some() {
        return;
    }
    let explanation = format!(
        "The Authorization header left the browser, but the application answered as if there were none: {why}. A \
         proxy, load balancer, ingress, serverless adapter or API gateway between the browser and the application \
         dropped or replaced the header."
    );
    let fix = Fix::new("Find the hop that drops Authorization and make it pass the header through.")
        .step("Call the application directly (bypassing the proxy) with the same header to confirm.")
        .snippet("nginx", "# do not clear it:  proxy_set_header Authorization \"\";\nproxy_pass_request_headers on;\n# with auth_request, pass it on explicitly:\nproxy_set_header Authorization $http_authorization;")
        .step("Kubernetes ingress: check configuration snippets and auth annotations that rewrite headers.")
        .step("Edge/serverless functions: copy the incoming Authorization header onto the upstream request.");
    let mut finding = Finding::new(FindingId::ProxyStrippedAuthorization, explanation, fix)
        .source("RFC 9110 §11.6.2; RFC 6750 §3.1")
        .confidence(if body_says_missing { BODY_SAYS_MISSING } else { 55 });
    if f.has_challenge_header {
        finding = finding.with("WWW-Authenticate", f.challenge_text(ctx));
    }
    if let Some(v) = f.auth_raw {
        finding = finding.evidence(Evidence::secret("Authorization", v, Exposure::Prefix));
    }
    out.push(finding);
}

/// Realms web servers use for password gates.
const GATE_REALMS: &[&str] = &[
    "restricted",
    "staging",
    "protected",
    "private",
    "authentication required",
    "password",
    "dev",
    "test",
    "preview",
    "admin",
    "closed",
    "members",
    "internal",
    "login required",
];

/// Whether the Basic challenge looks like a web-server password gate rather than the
/// application: `Some(true)` when the server's own error page proves it, `Some(false)` when only
/// the realm and server suggest it.
fn gate_signature(f: &Facts<'_>) -> Option<bool> {
    let basic = f.challenges.find(Scheme::Basic)?;
    let realm_lc = basic.realm().unwrap_or("").to_ascii_lowercase();
    let gate_realm = GATE_REALMS.iter().any(|g| realm_lc.contains(g));
    let server_page = f.is_html()
        && f.body_has(&[
            "401 authorization required",
            "could not verify that you are authorized",
            "<center>nginx",
            "401 unauthorized</title>",
        ])
        .is_some();
    let web_server = ["nginx", "apache", "iis", "caddy"].iter().any(|s| f.server.contains(s));
    if server_page {
        Some(true)
    } else if gate_realm && (web_server || f.is_html()) {
        Some(false)
    } else {
        None
    }
}

/// Whether a server-level Basic gate answered a request that carried a token or a cookie (the
/// condition of `leftover-basic-auth-gate`), for rules that should stand back.
pub fn is_basic_gate(f: &Facts<'_>) -> bool {
    let token_sent = f.cred.is_some_and(|c| matches!(c.kind, Some(Scheme::Bearer | Scheme::Dpop)));
    f.status == 401 && (token_sent || f.cookie_sent) && gate_signature(f).is_some()
}

/// `leftover-basic-auth-gate` — RFC 9110 §11.6.2 (one credential per request), RFC 7617 §2.
pub fn leftover_basic_auth_gate(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 {
        return;
    }
    let Some(basic) = f.challenges.find(Scheme::Basic) else { return };
    let bearer_sent = f.cred.is_some_and(|c| matches!(c.kind, Some(Scheme::Bearer | Scheme::Dpop)));
    let basic_sent = f.cred.is_some_and(|c| c.kind == Some(Scheme::Basic));
    if basic_sent || !(bearer_sent || f.cookie_sent) {
        return;
    }
    let realm = basic.realm().unwrap_or("");
    let Some(server_page) = gate_signature(f) else { return };
    let carried = if bearer_sent { "a Bearer token" } else { "a session cookie" };
    let explanation = format!(
        "A Basic password gate (realm \"{realm}\") answered before the application: the request carried {carried}, \
         but the web server{} wants a Basic username and password first. A request can carry only one Authorization \
         header, so the gate and a Bearer token cannot both be satisfied; the gate also rejects CORS preflights.",
        if f.server.is_empty() { String::new() } else { format!(" ({})", f.server) }
    );
    let fix = Fix::new("Exempt the API (and preflights) from the password gate, or replace it with network rules.")
        .snippet("nginx", "location /api/ { auth_basic off; proxy_pass http://app; }\n# or: satisfy any; allow 10.0.0.0/8; deny all;\n#     auth_basic \"Staging\"; auth_basic_user_file /etc/nginx/.htpasswd;")
        .snippet("apache", "<If \"%{REQUEST_URI} =~ m#^/api/#\">\n  Require all granted\n</If>\n<LimitExcept OPTIONS>\n  Require valid-user\n</LimitExcept>");
    let mut finding = Finding::new(FindingId::LeftoverBasicAuthGate, explanation, fix)
        .source("RFC 9110 §11.6.2 (a single credential); RFC 7617 §2; nginx auth_basic")
        .with("WWW-Authenticate", f.challenge_text(ctx))
        .confidence(if server_page { 85 } else { 65 });
    if !f.server.is_empty() {
        finding = finding.with("Server", f.server.clone());
    }
    out.push(finding);
}

/// `nginx-drops-underscore-header` — nginx `underscores_in_headers off` (default).
pub fn nginx_drops_underscore_header(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 401 | 403) || !f.server.contains("nginx") {
        return;
    }
    let Some(h) = ctx.ex.request_headers.0.iter().find(|h| {
        h.name.contains('_') && {
            let n = h.name.to_ascii_lowercase();
            n.contains("key") || n.contains("token") || n.contains("auth") || n.contains("secret")
        }
    }) else {
        return;
    };
    let hyphen = h.name.replace('_', "-");
    let explanation = format!(
        "The credential header \"{}\" contains an underscore. nginx silently drops such headers unless \
         underscores_in_headers is on, so the application never saw it.",
        h.name
    );
    let fix = Fix::new(format!("Rename the header to \"{hyphen}\", or let nginx accept underscores."))
        .snippet("nginx", "server {\n    underscores_in_headers on;\n}");
    out.push(
        Finding::new(FindingId::NginxDropsUnderscoreHeader, explanation, fix)
            .source("nginx ngx_http_core_module underscores_in_headers / ignore_invalid_headers; RFC 9110 §5.1")
            .evidence(Evidence::secret(h.name.to_string(), &h.value, Exposure::Prefix)),
    );
}

/// `api-gateway-authorizer-rejection` — AWS API Gateway authorizer and gateway responses.
pub fn api_gateway_authorizer_rejection(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 401 | 403) {
        return;
    }
    let h = &ctx.ex.response_headers;
    let gw = h.has("x-amzn-requestid") || h.has("apigw-requestid") || h.has("x-amz-apigw-id");
    if !gw {
        return;
    }
    let errtype = h.get("x-amzn-errortype").unwrap_or("").to_string();
    let missing_token = f.body_has(&["missing authentication token"]).is_some();
    let unauthorized = errtype.starts_with("UnauthorizedException")
        || f.body_has(&["\"message\":\"unauthorized\"", "\"message\": \"unauthorized\""]).is_some();
    let denied = errtype.starts_with("AccessDeniedException")
        || f.body_has(&["not authorized to access this resource", "\"message\":\"forbidden\""]).is_some();
    let jwt_authorizer = f.challenges.bearer_like().is_some_and(|c| c.param("error").is_some());
    if !(missing_token || unauthorized || denied || jwt_authorizer) {
        return;
    }
    let what = if missing_token {
        "\"Missing Authentication Token\" (403) usually means a wrong path or stage, or an IAM-authorised route called without a SigV4 signature"
    } else if unauthorized && !ctx.creds.authorization {
        "the identity-source header was missing or empty, so the gateway answered 401 without calling the authorizer"
    } else if unauthorized {
        "the authorizer rejected the token (a Lambda authorizer threw Unauthorized)"
    } else if denied {
        "the authorizer returned a Deny policy; cached authorizer results (TTL 300 s by default) scoped to one methodArn can wrongly deny other routes"
    } else {
        "the HTTP API JWT authorizer rejected the token; its error_description says why"
    };
    let explanation = format!("AWS API Gateway answered, not the backend: {what}.");
    let fix = Fix::new("Fix the request or the authorizer configuration.")
        .step("Send the header named in the identity source (method.request.header.Authorization).")
        .step("Return wildcard resources in Lambda authorizer policies, or disable authorizer caching.")
        .step("Add CORS headers to gateway responses (DEFAULT_4XX, UNAUTHORIZED, ACCESS_DENIED) so the browser can read them.");
    let mut finding = Finding::new(FindingId::ApiGatewayAuthorizerRejection, explanation, fix)
        .source("AWS API Gateway docs (Lambda and JWT authorizers, gateway responses); RFC 6750 §3");
    if !errtype.is_empty() {
        finding = finding.with("x-amzn-ErrorType", errtype);
    }
    out.push(finding);
}

/// `request-headers-too-large` — RFC 6585 §5 (431); nginx 494/400 "Request Header Or Cookie Too Large".
pub fn request_headers_too_large(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let nginx_400 = f.status == 400
        && f.body_has(&["request header or cookie too large", "size of a request header field exceeds"]).is_some();
    if !(matches!(f.status, 431 | 494) || nginx_400) {
        return;
    }
    let cookie: usize = ctx.ex.request_headers.cookie_lines().map(str::len).sum();
    let auth = f.auth_raw.map(str::len).unwrap_or(0);
    let total: usize = ctx.ex.request_headers.0.iter().map(|h| h.name.len() + h.value.len() + 4).sum();
    let explanation = format!(
        "The server refused the request because its headers are too large (status {}). Cookie: {cookie} bytes, \
         Authorization: {auth} bytes, all headers: about {total} bytes. Many servers limit one header line or all \
         headers to about 8 KB (nginx large_client_header_buffers 4 8k; Node.js about 16 KB in total).",
        f.status
    );
    let fix = Fix::new("Shrink the cookies and tokens, or raise the limits.")
        .step("Delete stale cookies for the domain; keep tokens small (drop group claims, use references).")
        .snippet("nginx", "large_client_header_buffers 4 32k;")
        .snippet("shell", "node --max-http-header-size=32768 server.js");
    out.push(
        Finding::new(FindingId::RequestHeadersTooLarge, explanation, fix)
            .source("RFC 6585 §5 (431); draft-ietf-httpbis-rfc6265bis §6.1")
            .with("Cookie bytes", cookie.to_string())
            .with("Authorization bytes", auth.to_string()),
    );
}
