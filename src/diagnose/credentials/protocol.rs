//! Group H: the 401/403 itself is malformed or misused (no challenge, bad grammar, wrong status,
//! login pages for API calls, retry loops).

use super::facts::Facts;
use super::words;
use crate::catalogue::{FindingId, Severity};
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::www_authenticate::{BearerError, Note};
use crate::quote;
use std::collections::HashSet;

/// `401-without-www-authenticate` — RFC 9110 §11.6.1, §15.5.2 (a 401 MUST carry a challenge).
pub fn status401_without_www_authenticate(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || f.has_challenge_header || f.response_headers_unknown {
        return;
    }
    let empty_line = ctx.ex.response_headers.has_challenge();
    let explanation = format!(
        "The server answered 401 {}. A 401 must say how to authenticate; without a challenge, HTTP clients cannot \
         choose a scheme and some libraries raise errors. Cookie and form-login applications often do this.",
        if empty_line { "with an empty WWW-Authenticate header" } else { "without any WWW-Authenticate header" }
    );
    let fix = Fix::new("Send the scheme the API accepts in WWW-Authenticate on every 401.")
        .snippet("http", "WWW-Authenticate: Bearer realm=\"api\", resource_metadata=\"https://api.example.com/.well-known/oauth-protected-resource\"")
        .snippet("express", "res.set('WWW-Authenticate', 'Bearer realm=\"api\"').status(401).json({ error: 'unauthorized' });")
        .snippet("spring", "http.exceptionHandling(e -> e.authenticationEntryPoint(new BearerTokenAuthenticationEntryPoint()));")
        .snippet("aspnet", "// JwtBearer adds the challenge itself; custom handlers must call:\nResponse.Headers.WWWAuthenticate = \"Bearer realm=\\\"api\\\"\";")
        .snippet("django", "# DRF: give the authentication class an authenticate_header() so 401 (not 403) is returned\nclass TokenAuth(BaseAuthentication):\n    def authenticate_header(self, request): return 'Bearer realm=\"api\"'")
        .step("For cookie-session apps: redirect navigations to the login page, and answer API calls 401 with a challenge.");
    out.push(
        Finding::new(FindingId::Status401WithoutWwwAuthenticate, explanation, fix)
            .source("RFC 9110 §11.6.1 and §15.5.2")
            .signal(Signal::Reported),
    );
}

/// Notes that make a challenge malformed enough to report.
fn reportable(n: &Note) -> bool {
    !matches!(n, Note::SeveralChallengesOnOneLine | Note::ObsFold | Note::EmptyField)
}

/// `www-authenticate-malformed` — RFC 9110 §11.2, §11.3, §11.5, §11.6.1; RFC 7617 §2.
pub fn www_authenticate_malformed(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !f.has_challenge_header {
        return;
    }
    // In order, each once; the set keeps a header with thousands of notes linear.
    let (mut problems, mut said): (Vec<String>, HashSet<String>) = Default::default();
    for n in f.challenges.all_notes().filter(|n| reportable(n)) {
        let w = words::challenge_note(n);
        if said.insert(w.clone()) {
            problems.push(w);
        }
    }
    if problems.is_empty() {
        return;
    }
    if f.challenges.notes.contains(&Note::SeveralChallengesOnOneLine) {
        problems.push(words::challenge_note(&Note::SeveralChallengesOnOneLine));
    }
    let explanation = format!(
        "The WWW-Authenticate challenge breaks the grammar: {}. Clients may ignore a challenge they cannot parse, or \
         pick the wrong one.",
        problems.join("; ")
    );
    let fix = Fix::new("One challenge per line, parameters as name=\"value\", a quoted realm, each parameter once, well-supported schemes first.")
        .snippet("http", "WWW-Authenticate: Basic realm=\"api\", charset=\"UTF-8\"\nWWW-Authenticate: Bearer realm=\"api\", error=\"invalid_token\", error_description=\"token expired\"");
    out.push(
        Finding::new(FindingId::WwwAuthenticateMalformed, explanation, fix)
            .source("RFC 9110 §11.2, §11.3, §11.5 and §11.6.1; RFC 7617 §2")
            .with("WWW-Authenticate", f.challenge_text(ctx)),
    );
}

/// `error-status-mismatch` — RFC 6750 §3.1 (invalid_request 400, invalid_token 401, insufficient_scope 403).
pub fn error_status_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(ch) = f.challenges.bearer_like() else { return };
    let Some(err) = ch.bearer().error else { return };
    let Some(expected) = err.expected_status() else { return };
    if expected == f.status || !(400..500).contains(&f.status) {
        return;
    }
    let effect = match (&err, f.status) {
        (BearerError::InsufficientScope, 401) => {
            "clients treat 401 as \"refresh the token or log in again\", so they refresh or log out in a loop although the token is fine"
        }
        (BearerError::InvalidToken, _) => {
            "clients treat 403 as \"not allowed\" and never refresh the expired or invalid token"
        }
        _ => "clients pick the wrong recovery",
    };
    let explanation = format!(
        "The server answered {} with error=\"{}\", which RFC 6750 maps to {expected}: {effect}.",
        f.status,
        err.as_str()
    );
    let fix = Fix::new(format!("Answer {expected} for error=\"{}\".", err.as_str()))
        .step("Map invalid_token → 401, insufficient_scope → 403, invalid_request → 400.")
        .snippet("spring", "// Spring Security's BearerTokenAccessDeniedHandler answers 403 insufficient_scope\nhttp.exceptionHandling(e -> e.accessDeniedHandler(new BearerTokenAccessDeniedHandler()));");
    out.push(
        Finding::new(FindingId::ErrorStatusMismatch, explanation, fix)
            .source("RFC 6750 §3.1")
            .with("Status", f.status.to_string())
            .with("WWW-Authenticate", f.challenge_text(ctx)),
    );
}

/// Body words of an authorization (not authentication) failure.
const FORBIDDEN_BODIES: &[&str] = &[
    "forbidden",
    "permission",
    "not allowed",
    "access denied",
    "insufficient privileges",
    "insufficient_privileges",
    "insufficient permissions",
    "missing role",
    "required role",
    "does not have access",
    "not authorized to perform",
];

/// `401-for-forbidden` — RFC 9110 §11.4, §15.5.4 (valid but inadequate credentials → 403).
pub fn status401_for_forbidden(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || !(ctx.creds.authorization || f.cookie_sent) {
        return;
    }
    let bearer_err = f.challenges.bearer_like().and_then(|c| c.bearer().error);
    if matches!(bearer_err, Some(BearerError::InvalidToken | BearerError::InvalidRequest)) {
        return;
    }
    let scope = bearer_err == Some(BearerError::InsufficientScope);
    let accepted = super::neighbours::accepted_elsewhere(ctx);
    // Words in an HTML page (menus, footers) say nothing about this refusal.
    let body = if f.is_html() { None } else { f.body_has(FORBIDDEN_BODIES) };
    if !scope && accepted.is_none() && body.is_none() {
        return;
    }
    let mut reasons = Vec::new();
    if let Some((_, e)) = accepted {
        reasons.push(format!("the same credential got {} for {} {}", e.status, e.method, e.url));
    }
    if let Some(b) = body {
        reasons.push(format!("the response body says \"{b}\""));
    }
    if scope {
        reasons.push("the challenge itself says insufficient_scope".into());
    }
    let explanation = format!(
        "The credential is valid but not allowed to do this, and the server answered 401 instead of 403: {}. 401 \
         means \"credentials missing or invalid\", so clients that re-authenticate on 401 will loop.",
        reasons.join("; ")
    );
    let fix = Fix::new("Answer 403 when the caller is authenticated but not authorised.")
        .snippet("express", "if (!req.user) return res.status(401).set('WWW-Authenticate', 'Bearer').end();\nif (!req.user.roles.includes('admin')) return res.status(403).json({ error: 'forbidden' });")
        .snippet("aspnet", "// [Authorize(Roles = \"admin\")] already yields 403 for authenticated users;\n// custom handlers: context.Fail() only for unauthenticated, Forbid() otherwise")
        .snippet("http", "HTTP/1.1 403 Forbidden\nWWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"admin\"");
    let mut finding = Finding::new(FindingId::Status401ForForbidden, explanation, fix)
        .source("RFC 9110 §11.4 and §15.5.4")
        .confidence(if accepted.is_some_and(|(i, _)| i > ctx.index) { 70 } else { 50 });
    if let Some((i, _)) = accepted {
        finding = finding.related(i);
    }
    out.push(finding);
}

/// `403-for-missing-credentials` — RFC 9110 §11.4 (a request without credentials → 401 with a challenge).
pub fn status403_for_missing_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    // With provisional headers a session cookie may have gone out unseen: absence proves nothing.
    if f.status != 403
        || f.credentials_unknown
        || ctx.creds.cookie_unknown
        || f.any_credential(ctx)
        || f.has_challenge_header
    {
        return;
    }
    if ctx.ex.method.eq_ignore_ascii_case("OPTIONS") {
        return;
    }
    let h = &ctx.ex.response_headers;
    if h.has("cf-mitigated") || h.has("x-amzn-waf-action") {
        return;
    }
    let body = f.body_has(&[
        "missing authentication token",
        "authentication credentials were not provided",
        "not authenticated",
        "unauthenticated",
        "login required",
        "authentication required",
        "accessdenied",
        "anonymous",
    ]);
    if body.is_none() && !ctx.is_api_call() {
        return;
    }
    let explanation = format!(
        "The request carried no credentials and the server answered 403 without a challenge{}. This hides a \"401\": \
         the client is not told that signing in would help.",
        body.map(|b| format!(" (body: \"{b}\")")).unwrap_or_default()
    );
    let fix = Fix::new("Answer 401 with a WWW-Authenticate challenge when credentials are missing; keep 403 for authenticated callers without permission.")
        .snippet("django", "# DRF answers 403 when the first authentication class has no authenticate_header();\n# put one that has it first, e.g.:\nREST_FRAMEWORK = {'DEFAULT_AUTHENTICATION_CLASSES': ['rest_framework.authentication.TokenAuthentication', ...]}")
        .snippet("spring", "http.exceptionHandling(e -> e.authenticationEntryPoint(new BearerTokenAuthenticationEntryPoint()));");
    out.push(
        Finding::new(FindingId::Status403ForMissingCredentials, explanation, fix)
            .source("RFC 9110 §11.4 and §15.5.2")
            .confidence(if body.is_some() { 70 } else { 40 }),
    );
}

/// `login-redirect-for-api` — RFC 9110 §15.5.2; Fetch Metadata: an API call answered by a login page.
pub fn login_redirect_for_api(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !ctx.is_api_call() || ctx.is_cross_origin() {
        return;
    }
    let location = ctx.ex.response_headers.get("location").unwrap_or("");
    let redirect = (300..400).contains(&f.status) && f.status != 304 && crate::signals::is_login_url(location);
    let hops = ctx.redirect_hops();
    let via_hops =
        hops.iter().any(|(_, e)| e.response_headers.get("location").is_some_and(crate::signals::is_login_url));
    let login_page = f.status == 200
        && f.is_html()
        && (via_hops
            || ctx.url.as_ref().is_some_and(|u| crate::signals::is_login_url(u.path()))
            || f.body_has(&["type=\"password\"", "type='password'", "type=password"]).is_some());
    if !redirect && !login_page {
        return;
    }
    let wants_json = ctx.ex.request_headers.get("accept").is_some_and(|a| a.contains("json"));
    let what =
        if redirect { format!("a {} redirect to {location}", f.status) } else { "a 200 HTML login page".to_string() };
    let explanation = format!(
        "This script call (fetch/XHR{}) was answered with {what} instead of 401. fetch follows redirects silently and \
         hands the app an HTML page, so it fails to parse it or shows a broken state instead of asking the user to \
         sign in. The session has most likely expired.",
        if wants_json { ", Accept: application/json" } else { "" }
    );
    let fix = Fix::new("Answer API calls 401 (with a challenge) and keep login redirects for page navigations.")
        .snippet("spring", "http.exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(\n    new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED), new AntPathRequestMatcher(\"/api/**\")));")
        .snippet("aspnet", "options.Events.OnRedirectToLogin = ctx => {\n    if (ctx.Request.Path.StartsWithSegments(\"/api\")) { ctx.Response.StatusCode = 401; return Task.CompletedTask; }\n    ctx.Response.Redirect(ctx.RedirectUri); return Task.CompletedTask; };")
        .snippet("django", "# for API views, use DRF authentication (401/403) instead of @login_required (302)")
        .snippet("express", "if (req.get('Sec-Fetch-Mode') !== 'navigate') return res.status(401).json({ error: 'login required' });\nres.redirect('/login');")
        .step("In the app, on 401 do a top-level navigation to the login page.");
    let mut finding = Finding::new(FindingId::LoginRedirectForApi, explanation, fix)
        .source("RFC 9110 §15.5.2; W3C Fetch Metadata (Sec-Fetch-Mode, Sec-Fetch-Dest)");
    if redirect {
        finding = finding.with("Location", location.to_string());
    }
    for (i, _) in hops {
        finding = finding.related(i);
    }
    out.push(finding);
}

/// `challenge-loop` — RFC 9110 §15.5.2 (same challenge after an attempt: stop and show the body).
pub fn challenge_loop(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 {
        return;
    }
    let challenge: Vec<&str> = ctx.ex.response_headers.challenge_lines().collect();
    let t0 = ctx.ex.started_ms;
    // The run of identical 401s right before this one (bounded: a loop shows in a few entries).
    let prior: Vec<usize> = ctx
        .same_url_before(32)
        .filter(|&i| {
            ctx.capture.exchanges.get(i).is_some_and(|e| {
                e.status == 401
                    && e.method == ctx.ex.method
                    && e.response_headers.challenge_lines().eq(challenge.iter().copied())
                    && match (t0, e.started_ms) {
                        (Some(a), Some(b)) => a - b <= 60_000.0,
                        _ => true,
                    }
            })
        })
        .collect();
    if prior.len() < 2 {
        return;
    }
    let with_creds = prior
        .iter()
        .filter(|&&i| {
            ctx.capture
                .exchanges
                .get(i)
                .is_some_and(|e| e.request_headers.authorization().is_some() || e.request_headers.sends_cookie())
        })
        .count()
        + usize::from(ctx.creds.authorization || f.cookie_sent);
    if with_creds < 2 {
        return;
    }
    let n = prior.len() + 1;
    let explanation = format!(
        "This URL got the same 401 challenge {n} times in a row, with credentials on the retries. Retrying will not \
         help: the credential is rejected for a stable reason (audience, issuer, clock, a stripped header or a Basic \
         gate). The other findings on these requests name it."
    );
    let fix = Fix::new("Fix the cause named by the other findings, and cap automatic retries.")
        .step(
            "Refresh-and-retry at most once per request; on a second 401, stop and show the sign-in page or the error.",
        )
        .snippet(
            "js",
            "if (res.status === 401 && !req._retried) { req._retried = true; await refreshOnce(); return send(req); }",
        );
    let mut finding = Finding::new(FindingId::ChallengeLoop, explanation, fix)
        .source("RFC 9110 §15.5.2")
        .with("401s for this URL", n.to_string());
    if !challenge.is_empty() {
        finding = finding.with("WWW-Authenticate", challenge.join(" | "));
    }
    for i in prior {
        finding = finding.related(i);
    }
    out.push(finding);
}

/// `bearer-error-without-credentials` — RFC 6750 §3.1 (no error code when no token was sent).
pub fn bearer_error_without_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || ctx.creds.authorization || f.credentials_unknown {
        return;
    }
    let Some(ch) = f.challenges.bearer_like() else { return };
    let Some(err) = ch.param("error") else { return };
    if ctx.url.as_ref().and_then(|u| u.query()).is_some_and(crate::signals::has_access_token_param) {
        return;
    }
    let explanation = format!(
        "The request carried no token, yet the challenge reports error=\"{err}\". For a request without credentials \
         the server should only name the scheme. Besides misleading clients, this hides the difference between \
         \"no token arrived\" and \"the token was rejected\"."
    );
    let fix = Fix::new("Omit error, error_description and error_uri when no token was presented.")
        .snippet("http", "WWW-Authenticate: Bearer realm=\"api\"");
    out.push(
        Finding::new(FindingId::BearerErrorWithoutCredentials, explanation, fix)
            .title("An error code was sent although the request had no token")
            .source("RFC 6750 §3.1")
            .with("WWW-Authenticate", f.challenge_text(ctx)),
    );
}

/// `proxy-auth-required` — RFC 9110 §11.7.1, §15.5.8.
pub fn proxy_auth_required(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let proxy_flag = ctx.ex.auth_required.as_ref().is_some_and(|a| a.is_proxy);
    let on_401 = f.status == 401 && !f.proxy_challenges.is_empty();
    if f.status != 407 && !on_401 && !proxy_flag {
        return;
    }
    let schemes: Vec<&str> = f.proxy_challenges.challenges.iter().map(|c| c.scheme).collect();
    let explanation = if on_401 {
        "A 401 carried Proxy-Authenticate. Proxy challenges belong on 407; a client reading this 401 will look for \
         WWW-Authenticate and ask for the site's credentials instead of the proxy's."
            .to_string()
    } else {
        format!(
            "A forward proxy between the browser and the site (corporate proxy, or a proxy extension) wants its own \
             credentials{}. This is unrelated to the site's login.",
            if schemes.is_empty() { String::new() } else { format!(" ({})", schemes.join(", ")) }
        )
    };
    let fix = Fix::new("Configure the proxy credentials; proxies must answer 407.")
        .step("Set the proxy credentials in the OS, PAC file or enterprise policy, or sign in to the proxy.")
        .step("If you run the proxy: send 407 with Proxy-Authenticate, never 401.");
    let finding = Finding::new(FindingId::ProxyAuthRequired, explanation, fix)
        .source("RFC 9110 §11.7.1 and §15.5.8")
        .signal(Signal::Reported)
        .severity(if on_401 { Severity::Warn } else { Severity::Info });
    out.push(finding);
}

/// `resource-metadata-advertised` — RFC 9728 §5.1: the challenge points at protected-resource metadata.
pub fn resource_metadata_advertised(_ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 401 | 403) {
        return;
    }
    let Some(url) = f.challenges.bearer_like().and_then(|c| c.param("resource_metadata")) else { return };
    let explanation = format!(
        "The API publishes its OAuth protected-resource metadata at {url}: which authorization servers it trusts, the \
         scopes it supports and the resource identifier to request tokens for. Use it to get a token with the right \
         audience and scopes."
    );
    let fix = Fix::new("Read the metadata and request the token it describes.")
        // The URL is the server's choice: one single-quoted shell word, whatever it holds.
        .snippet(
            "shell",
            format!("curl -s {} | jq '{{authorization_servers, scopes_supported, resource}}'", quote::shell(url)),
        );
    out.push(
        Finding::new(FindingId::ResourceMetadataAdvertised, explanation, fix)
            .source("RFC 9728 §5.1 (resource_metadata), §2–§3")
            .signal(Signal::Reported)
            .with("resource_metadata", url.to_string()),
    );
}
