//! Group A: the request reached the server without the credential it needed, or with one the
//! server cannot read (placeholder, wrong scheme, bad syntax, stripped by a redirect).

use super::facts::Facts;
use super::words;
use crate::catalogue::{FindingId, Severity};
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Fix};
use crate::headers::authorization::Note;
use crate::headers::scheme::Scheme;
use crate::quote;
use crate::secret::Exposure;
use crate::signals::{FetchDest, FetchMode, ResourceType};

/// Whether the exchange failed in a way a broken credential explains: a 400/401/403/407, or no
/// response at all together with a network error (a HAR entry without any response proves nothing).
pub fn failing(f: &Facts<'_>, ctx: &Ctx<'_, '_>) -> bool {
    matches!(f.status, 400 | 401 | 403 | 407) || (f.status == 0 && ctx.ex.error.is_some())
}

/// "answered 401" or "failed without a response", for explanations.
pub fn outcome(status: u16) -> String {
    if status == 0 { "failed without a response".to_string() } else { format!("answered {status}") }
}

/// Whether a later request for the same URL carried credentials and got a non-error answer.
fn resolved_later(ctx: &Ctx<'_, '_>) -> bool {
    ctx.same_url_after(8).any(|i| {
        ctx.capture.exchanges.get(i).is_some_and(|e| {
            (200..400).contains(&e.status)
                && (e.request_headers.sends_authorization() || e.request_headers.sends_cookie())
        })
    })
}

fn auth_evidence(f: &Facts<'_>) -> Option<Evidence> {
    f.auth_raw.map(|v| Evidence::secret("Authorization", v, Exposure::Prefix))
}

fn scheme_names(f: &Facts<'_>) -> String {
    let v: Vec<&str> = f.challenges.challenges.iter().map(|c| c.scheme).collect();
    v.join(", ")
}

/// `no-credentials-sent` — RFC 9110 §11.4, §15.5.2: 401 and no credential of any kind on the wire.
pub fn no_credentials_sent(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || f.any_credential(ctx) {
        return;
    }
    // An exporter that removed every credential header (Chrome's sanitized HAR) leaves the request's
    // other headers: the absence is then thin evidence, not none (§0.7 rule 2: never silent).
    // A Bearer `error=` says a token was presented (RFC 6750 §3.1): then nothing is missing.
    let server_saw_token = f.challenges.bearer_like().is_some_and(|c| c.bearer().error.is_some());
    let removed = ctx.capture.credential_headers_removed && !ctx.ex.request_headers.is_empty() && !server_saw_token;
    // A capture that recorded none of the request's headers: thin evidence again, never silence.
    let headerless = ctx.ex.request_headers.is_empty() && !server_saw_token;
    if f.credentials_unknown && !removed && !headerless {
        return;
    }
    // Provisional headers (a HAR without the network stack's view) show what the page's script
    // set, so a missing Bearer token is still evidence; a missing cookie is only a likely reading.
    let wants_token = f.challenges.bearer_like().is_some();
    let thin = removed || headerless || (ctx.creds.cookie_unknown && !wants_token);
    // A CORS preflight never carries credentials (Fetch #cors-preflight-fetch): the CORS rules own it.
    if crate::signals::is_preflight(ctx.ex) {
        return;
    }
    // The normal first leg of HTTP authentication (and of an SPA's refresh-and-retry): the same
    // URL was requested again with credentials and succeeded.
    if resolved_later(ctx) {
        return;
    }
    // The URL's userinfo is its own rule.
    if ctx.url.as_ref().is_some_and(|u| !u.username().is_empty()) {
        return;
    }
    let first = f.challenges.challenges.first();
    let expects = match first.map(|c| c.kind()) {
        Some(Scheme::Basic) => "a username and password (Basic)",
        Some(Scheme::Digest) => "a username and password (Digest)",
        Some(Scheme::Bearer) => "an access token (Bearer)",
        Some(Scheme::Dpop) => "a proof-of-possession access token (DPoP)",
        Some(Scheme::Negotiate | Scheme::Ntlm) => "Windows integrated sign-in (Negotiate/NTLM)",
        Some(Scheme::Other) => "a custom credential",
        None => "a credential it did not name (no WWW-Authenticate): most likely a session cookie",
    };
    let mut explanation = format!(
        "The server answered 401 and the request carried no Authorization header, no cookie and no API-key header. \
         The server expects {expects}."
    );
    if let Some(rm) = f.challenges.bearer_like().and_then(|c| c.param("resource_metadata")) {
        explanation.push_str(&format!(
            " The challenge points to the API's OAuth metadata at {rm}, which names the authorization server and scopes."
        ));
    }
    if ctx.is_cross_origin() && ctx.is_api_call() {
        explanation.push_str(
            " This is a cross-origin call: cookies and cached HTTP credentials are only attached with \
             credentials: 'include', and an Authorization header must be set by the calling code.",
        );
    }
    if ctx.ex.fetched_by_worker {
        explanation.push_str(
            " The site's service worker made this request itself, forwarding the page's fetch: a fetch handler that \
             rebuilds the request (fetch(event.request.url), new Request(url, {…})) leaves the page's Authorization \
             header and credentials mode behind.",
        );
    }
    let sanitized = !thin && super::neighbours::possibly_sanitized(ctx);
    if removed {
        explanation.push_str(
            " Note: this HAR has no Cookie, Set-Cookie or Authorization header anywhere, which is what Chrome's \
             default \"Export HAR (sanitized)\" produces. The credential may have been sent and removed on export; \
             this is the most likely cause only if it was not. Export again with sensitive data to confirm or rule \
             it out.",
        );
    } else if headerless {
        explanation.push_str(
            " Note: the capture recorded none of this request's headers, so whether a credential went is not \
             known; this is the most likely cause only if none did. A capture with the request headers (the AuthLens \
             extension, or a HAR exported after the request completed) would confirm it.",
        );
    } else if thin {
        explanation.push_str(
            " Note: this entry's request headers are provisional (the browser recorded what the page asked for, not \
             what went on the wire), so a cookie the browser added is not visible. A capture with the network \
             stack's headers (the AuthLens extension, or DevTools with the request completed) would confirm it.",
        );
    }
    if sanitized {
        explanation.push_str(
            " Note: no request near this one carries any Cookie, Authorization or Set-Cookie header. If the tool that \
             saved this HAR removed them (as Chrome's default \"Export HAR (sanitized)\" does), this finding may be \
             wrong: export again with sensitive data to confirm.",
        );
    }
    let fix = match first.map(|c| c.kind()) {
        _ if ctx.ex.fetched_by_worker => Fix::new("Let the service worker forward the page's request as it is.")
            .step("In the fetch handler, pass event.request itself (it keeps headers, credentials mode and body).")
            .step("If the handler must build a new request, copy the headers and credentials from event.request.")
            .snippet(
                "js",
                "self.addEventListener('fetch', (event) => {\n  event.respondWith(fetch(event.request));   // not fetch(event.request.url)\n});",
            )
            .snippet("js", "const forwarded = new Request(event.request, { cache: 'no-store' });  // keeps Authorization"),
        Some(Scheme::Bearer | Scheme::Dpop) => Fix::new("Attach the access token to the request.")
            .step("Make sure the token exists before the call (await the login or refresh).")
            .step("Set the header on this request, e.g. in the HTTP client's interceptor.")
            .snippet("js", "fetch(url, { headers: { Authorization: `Bearer ${accessToken}` } });"),
        Some(Scheme::Basic) => Fix::new("Send a Basic credential.")
            .step("Build it as base64(user \":\" password), without a trailing newline.")
            .snippet("js", "fetch(url, { headers: { Authorization: 'Basic ' + btoa(`${user}:${password}`) } });")
            .snippet("shell", "curl -u 'user:password' https://host/path"),
        _ => Fix::new("Attach the credential the server expects.")
            .step("For a cookie session on another origin, send cookies explicitly.")
            .snippet("js", "fetch(url, { credentials: 'include' });  // axios: withCredentials: true"),
    };
    let mut finding = Finding::new(FindingId::NoCredentialsSent, explanation, fix)
        .source("RFC 9110 §11.4 and §15.5.2; RFC 6750 §3")
        .confidence(if thin {
            30
        } else if sanitized {
            35
        } else {
            60
        })
        .with("Status", "401")
        .with("Credentials on the request", "none (no Authorization, Cookie or API-key header)");
    if f.has_challenge_header {
        finding = finding.with("WWW-Authenticate", f.challenge_text(ctx));
    }
    if thin {
        finding = finding.severity(Severity::Warn);
    }
    out.push(finding);
}

/// `bearer-placeholder-value` — RFC 6750 §2.1: the token variable was empty when the header was built.
pub fn bearer_placeholder_value(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if !failing(f, ctx) || !c.is_token() {
        return;
    }
    let short = c.has(&Note::TooShort) && c.token.chars().count() < 8;
    let Some(what) = c
        .placeholder()
        .map(|p| words::cred_note(&Note::Placeholder(p)))
        .or_else(|| short.then(|| format!("the token is only {} characters long", c.token.chars().count())))
    else {
        return;
    };
    let scheme = if c.scheme.is_empty() { "Authorization" } else { c.scheme };
    let explanation = format!(
        "The {scheme} header was built from a variable that held no token: {what}. The request {} because there is \
         nothing to validate. This happens when the call runs before login or refresh has stored the token, or \
         when the code reads the wrong storage key.",
        outcome(f.status)
    );
    let fix = Fix::new("Send Authorization only once a real token exists.")
        .step("Await the login/refresh promise in the HTTP interceptor before attaching the header.")
        .step("Check the storage key the token is read from.")
        .snippet(
            "js",
            "const token = await auth.getAccessToken();\nif (!token) throw new Error('not signed in');\nheaders.Authorization = `Bearer ${token}`;",
        );
    let mut finding = Finding::new(FindingId::BearerPlaceholderValue, explanation, fix)
        .source("RFC 6750 §2.1 (b64token); RFC 9110 §11.4")
        .confidence(if c.placeholder().is_some() { 90 } else { 60 });
    if let Some(e) = auth_evidence(f) {
        finding = finding.evidence(e);
    }
    out.push(finding.with("Token length", c.token.chars().count().to_string()));
}

/// `authorization-scheme-mismatch` — RFC 9110 §11.1, §11.4; RFC 6750 §2.1; RFC 9449 §7.1.
pub fn authorization_scheme_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if !failing(f, ctx) || c.placeholder().is_some() {
        return;
    }
    let offered: Vec<Scheme> = f.challenges.challenges.iter().map(|ch| ch.kind()).collect();
    let offered_named = |s: &str| f.challenges.challenges.iter().any(|ch| ch.scheme.eq_ignore_ascii_case(s));
    let problem = if c.has(&Note::NoScheme) {
        Some("the value has no scheme word: it is a bare token, so the server sees no recognisable credential".into())
    } else if c.has(&Note::DoubledScheme) {
        Some(format!(
            "the scheme is doubled (\"{0} {0} …\"), so the token the server reads is the word \"{0}\"",
            c.scheme
        ))
    } else if c.has(&Note::SchemeWithColon) {
        Some(format!("the scheme is written \"{}:\" with a colon, which is not the scheme token", c.scheme))
    } else if c.kind == Some(Scheme::Bearer) && c.has(&Note::BasicEncodedToken) && offered.contains(&Scheme::Bearer) {
        Some("the Bearer \"token\" is base64 of user:password, a Basic credential sent under the Bearer scheme".into())
    } else if f.status == 401 && !offered.is_empty() && !offered_named(c.scheme) && !super::proxy::is_basic_gate(f) {
        let dpop_for_bearer = c.kind == Some(Scheme::Bearer) && offered.contains(&Scheme::Dpop);
        if dpop_for_bearer {
            Some(
                "the token was sent as Bearer, but the API asks for DPoP (a proof-bound token with a DPoP header)"
                    .into(),
            )
        } else {
            Some(format!(
                "the request used the scheme \"{}\", but the server only offers {}",
                c.scheme,
                scheme_names(f)
            ))
        }
    } else {
        None
    };
    let Some(problem) = problem else { return };
    let want = if offered.contains(&Scheme::Dpop) && !offered.contains(&Scheme::Bearer) { "DPoP" } else { "Bearer" };
    let explanation = format!(
        "The Authorization header is not in a form the server accepts: {problem}. Servers accept only the schemes \
         they list in WWW-Authenticate; anything else counts as no credential (the request {}).",
        outcome(f.status)
    );
    let fix = Fix::new(format!("Send `Authorization: {want} <access_token>` exactly once."))
        .step("Prefix the token with the scheme and one space; do not repeat the scheme if the stored value already has it.")
        .snippet("js", format!("headers.Authorization = `{want} ${{token.replace(/^Bearer\\s+/i, '')}}`;"));
    let mut finding = Finding::new(FindingId::AuthorizationSchemeMismatch, explanation, fix)
        .source("RFC 9110 §11.1 and §11.4; RFC 6750 §2.1; RFC 9449 §7.1");
    if let Some(e) = auth_evidence(f) {
        finding = finding.evidence(e);
    }
    if f.has_challenge_header {
        finding = finding.with("WWW-Authenticate", f.challenge_text(ctx));
    }
    out.push(finding);
}

/// `credential-syntax-invalid` — RFC 9110 §11.2 (token68), RFC 6750 §2.1 (b64token).
pub fn credential_syntax_invalid(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if !failing(f, ctx) || !c.is_token() || c.placeholder().is_some() {
        return;
    }
    let bad: Vec<String> = c
        .notes
        .iter()
        .filter(|n| {
            matches!(
                n,
                Note::Quoted
                    | Note::JsonBlob
                    | Note::InnerSpace
                    | Note::Comma
                    | Note::PercentEncoded
                    | Note::NonAscii
                    | Note::TrailingNewline
                    | Note::BadToken68Char(_)
            )
        })
        .map(words::cred_note)
        .collect();
    if bad.is_empty() {
        return;
    }
    let explanation = format!(
        "The credential is not a valid token68: {}. A token is one run of letters, digits and - . _ ~ + / with \
         optional = padding; servers reject or mis-read anything else.",
        bad.join("; ")
    );
    let fix = Fix::new("Send only the access_token value: unquoted, trimmed, not URL-encoded.")
        .step("If the value came from a token response, take its access_token field, not the whole JSON.")
        .step("Trim whitespace and newlines read from files or environment variables.")
        .snippet(
            "js",
            "const { access_token } = await res.json();\nheaders.Authorization = `Bearer ${access_token.trim()}`;",
        );
    let mut finding = Finding::new(FindingId::CredentialSyntaxInvalid, explanation, fix)
        .source("RFC 9110 §11.2 (token68); RFC 6750 §2.1 (b64token)");
    if let Some(e) = auth_evidence(f) {
        finding = finding.evidence(e);
    }
    out.push(finding);
}

/// `authorization-dropped-on-cross-origin-redirect` — Fetch "HTTP-redirect fetch" step removing
/// `Authorization` once another origin is seen.
pub fn authorization_dropped_on_cross_origin_redirect(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !matches!(f.status, 401 | 403) || ctx.creds.authorization {
        return;
    }
    let hops = ctx.redirect_hops();
    let Some((first_i, first)) = hops.first() else { return };
    if first.request_headers.authorization().is_none() {
        return;
    }
    let mut urls: Vec<&str> = hops.iter().map(|(_, e)| e.url.as_ref()).collect();
    urls.push(ctx.ex.url.as_ref());
    let origin = |u: &str| url::Url::parse(u).ok().map(|u| u.origin());
    let change = urls.windows(2).find_map(|w| match w {
        [a, b] if origin(a) != origin(b) => Some((a.to_string(), b.to_string())),
        _ => None,
    });
    let Some((from, to)) = change else { return };
    let scheme_only = url::Url::parse(&from)
        .ok()
        .zip(url::Url::parse(&to).ok())
        .is_some_and(|(a, b)| a.host_str() == b.host_str() && a.scheme() != b.scheme());
    let why = if scheme_only {
        "only the scheme changed (http ↔ https), which still makes it another origin"
    } else {
        "the host or port changed"
    };
    let explanation = format!(
        "The first request carried Authorization, but a redirect went from {from} to {to}: {why}. Browsers delete \
         Authorization when a redirect reaches another origin, so the final request arrived without it and got {}.",
        f.status
    );
    let fix = Fix::new("Call the final URL directly, and make the server redirect within one origin.")
        .step("Use the canonical URL in the client (https, exact host, with or without the trailing slash as the server wants).")
        .step("Behind a TLS-terminating proxy, let the app know the original scheme so it builds https:// redirects.")
        .snippet("nginx", "proxy_set_header X-Forwarded-Proto $scheme;\nproxy_set_header Host $host;")
        .snippet("django", "SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")\n# and review APPEND_SLASH")
        .snippet("express", "app.set('trust proxy', 1);")
        .snippet("shell", "uvicorn app:app --proxy-headers --forwarded-allow-ips='*'");
    let mut finding = Finding::new(FindingId::AuthorizationDroppedOnCrossOriginRedirect, explanation, fix)
        .source("WHATWG Fetch, HTTP-redirect fetch (Authorization removed on a cross-origin redirect)")
        .with("Redirect", format!("{from} → {to}"))
        .with("Final request", "no Authorization header")
        .related(*first_i);
    for (i, _) in hops.iter().skip(1) {
        finding = finding.related(*i);
    }
    out.push(finding);
}

/// `url-embedded-credentials` — Fetch `Request` constructor rejects URLs with credentials.
pub fn url_embedded_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(u) = &ctx.url else { return };
    if u.username().is_empty() && u.password().is_none() {
        return;
    }
    if ctx.is_navigation() && !failing(f, ctx) {
        return;
    }
    let explanation = format!(
        "The URL embeds credentials (user \"{}\"). fetch() and new Request() refuse such URLs with a TypeError, and \
         Chromium blocks subresource loads whose URL carries credentials, so they never reach the server as an \
         Authorization header.",
        u.username()
    );
    let fix = Fix::new("Remove user:password@ from the URL and send the credential as a header.").snippet(
        "js",
        "fetch('https://host/path', { headers: { Authorization: 'Basic ' + btoa(`${user}:${password}`) } });",
    );
    let mut redacted = u.clone();
    let _ = redacted.set_password(None);
    let mut finding = Finding::new(FindingId::UrlEmbeddedCredentials, explanation, fix)
        .title("user:password@ in the URL of a fetch or subresource")
        .source("WHATWG Fetch, Request constructor (URLs that include credentials throw a TypeError)")
        .with("URL (password removed)", redacted.to_string());
    if let Some(p) = u.password() {
        finding = finding.evidence(Evidence::secret("Password in URL", p, Exposure::LengthOnly));
    }
    if f.status == 0 {
        finding = finding.severity(Severity::Error);
    }
    out.push(finding);
}

/// `no-cors-mode-strips-authorization` — Fetch, Headers append with guard "request-no-cors".
pub fn no_cors_mode_strips_authorization(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if ctx.mode != Some(FetchMode::NoCors) || ctx.creds.authorization || !matches!(f.status, 0 | 401) {
        return;
    }
    // Only script requests (fetch with mode: 'no-cors'); images and scripts are no-cors by nature.
    if ctx.dest.is_some_and(|d| d != FetchDest::Empty) {
        return;
    }
    if f.challenges.bearer_like().is_none() && f.status == 401 && f.has_challenge_header {
        return;
    }
    let explanation = "The request was made with mode: 'no-cors'. In that mode only CORS-safelisted headers survive: \
        the Headers object silently drops Authorization, so the request went out without it and the page gets an \
        opaque response (status 0) it cannot read either."
        .to_string();
    let fix = Fix::new("Remove mode: 'no-cors' and configure CORS on the server instead.")
        .snippet("js", "fetch(url, { headers: { Authorization: `Bearer ${token}` } });   // default mode: 'cors'")
        .snippet("express", "app.use(require('cors')({ origin: 'https://app.example.com', allowedHeaders: ['Authorization', 'Content-Type'] }));");
    out.push(
        Finding::new(FindingId::NoCorsModeStripsAuthorization, explanation, fix)
            .title("mode: 'no-cors' silently dropped the Authorization header")
            .source("WHATWG Fetch, Headers append (guard \"request-no-cors\")")
            .with("Sec-Fetch-Mode", "no-cors"),
    );
}

/// `api-cannot-attach-authorization` — WebSockets, EventSource and navigations cannot carry a
/// script-set `Authorization` (RFC 6750 §2.3 for the query-parameter fallback).
pub fn api_cannot_attach_authorization(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || ctx.creds.authorization || f.cookie_sent {
        return;
    }
    if !f.challenges.has(Scheme::Bearer) && !f.challenges.has(Scheme::Dpop) {
        return;
    }
    let rq = &ctx.ex.request_headers;
    let kind = if rq.get("upgrade").is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
        || ctx.mode == Some(FetchMode::WebSocket)
        || ctx.resource == Some(ResourceType::WebSocket)
    {
        "a WebSocket handshake"
    } else if rq.get("accept").is_some_and(|a| a.contains("text/event-stream")) {
        "an EventSource (server-sent events) request"
    } else if let Some(d) =
        ctx.dest.filter(|d| matches!(d, FetchDest::Document | FetchDest::Iframe | FetchDest::Subresource))
    {
        match d {
            FetchDest::Document | FetchDest::Iframe => "a page navigation",
            _ => "a subresource load (<img>, <script>, <link>, media)",
        }
    } else {
        return;
    };
    let explanation = format!(
        "The API wants a Bearer token, but this is {kind}, which script cannot add an Authorization header to. Such \
         requests carry only cookies, or credentials the browser cached for HTTP authentication."
    );
    let fix = Fix::new("Authenticate these requests another way.")
        .step("Accept a session cookie on these endpoints (Secure, HttpOnly, a suitable SameSite).")
        .step("Or issue a short-lived, single-use ticket in the URL (Cache-Control: no-store, scrub it from logs).")
        .step("WebSocket: pass the token in Sec-WebSocket-Protocol; SSE: read the stream with fetch() instead of EventSource.")
        .snippet("js", "const res = await fetch('/events', { headers: { Authorization: `Bearer ${token}` } });\nconst reader = res.body.getReader();");
    out.push(
        Finding::new(FindingId::ApiCannotAttachAuthorization, explanation, fix)
            .source("WHATWG WebSockets; HTML EventSource; RFC 6750 §2.3"),
    );
}

/// `auth-prompt-suppressed` — Fetch HTTP-network-or-cache fetch (no prompt for CORS-tainted
/// responses); Chrome policy `AllowCrossOriginAuthPrompt`.
pub fn auth_prompt_suppressed(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || ctx.creds.authorization {
        return;
    }
    let Some(ch) = f.challenges.challenges.iter().find(|c| matches!(c.kind(), Scheme::Basic | Scheme::Digest)) else {
        return;
    };
    let cors = ctx.mode == Some(FetchMode::Cors) && ctx.is_cross_origin();
    let cross_sub = !ctx.is_navigation() && ctx.is_cross_origin() && ctx.dest.is_some_and(|d| d != FetchDest::Empty);
    if !(cors || cross_sub) || ctx.ex.auth_required.is_some() {
        return;
    }
    let explanation = format!(
        "The server asked for {} credentials, but browsers show the username/password dialog only for requests that \
         are not cross-origin script (CORS) calls{}. So no dialog appeared and the page simply got the 401.",
        ch.scheme,
        if cross_sub { " and, in Chromium and Firefox, not for cross-origin subresources" } else { "" }
    );
    let fix = Fix::new("Have the page send the credential itself, or authenticate first through a top-level visit.")
        .snippet("js", "fetch(url, { headers: { Authorization: 'Basic ' + btoa(`${user}:${password}`) } });")
        .step("Or open the API origin once in a tab so the browser caches the credential, then call it with credentials: 'include'.")
        .step("Longer term, move the API to token or cookie authentication.");
    out.push(
        Finding::new(FindingId::AuthPromptSuppressed, explanation, fix)
            .source("WHATWG Fetch, HTTP-network-or-cache fetch (prompt only when not CORS-tainted); Chrome policy AllowCrossOriginAuthPrompt"),
    );
}

/// `negotiate-not-attempted` — RFC 4559; Chromium `AuthServerAllowlist`.
pub fn negotiate_not_attempted(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || ctx.creds.authorization {
        return;
    }
    let Some(ch) = f.challenges.challenges.iter().find(|c| matches!(c.kind(), Scheme::Negotiate | Scheme::Ntlm)) else {
        return;
    };
    // The browser answers a Negotiate/NTLM challenge with a new request to the same URL; none came
    // with a token.
    let retried = ctx.same_url_after(8).any(|i| {
        ctx.capture.exchanges.get(i).is_some_and(|e| {
            e.request_headers.credentials().is_some_and(|a| matches!(a.kind, Some(Scheme::Negotiate | Scheme::Ntlm)))
        })
    });
    if retried {
        return;
    }
    let host = ctx.url.as_ref().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let explanation = format!(
        "The server offered {} (Windows integrated sign-in) and the browser never answered with a token. Chromium \
         answers only for hosts it considers intranet or that are allow-listed, and Kerberos also needs an SPN for \
         HTTP/{host}; cross-origin CORS requests do not do it either.",
        ch.scheme
    );
    let fix = Fix::new("Allow the host for integrated authentication, and check the SPN.")
        // A URL host may hold ' " $ ( ) and backticks: quoted for each snippet.
        .snippet(
            "json",
            format!("{{ \"AuthServerAllowlist\": {} }}   // Chrome/Edge enterprise policy", quote::c_string(&host)),
        )
        .snippet("shell", format!("setspn -S {} svc-account", quote::shell(&format!("HTTP/{host}"))))
        .step("Or offer a token-based alternative for browsers outside the domain.");
    out.push(
        Finding::new(FindingId::NegotiateNotAttempted, explanation, fix)
            .source("RFC 4559; Chromium HTTP authentication policies (AuthServerAllowlist)"),
    );
}
