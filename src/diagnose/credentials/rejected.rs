//! Group B: credentials that were sent and refused (Basic, Digest, Bearer error codes, OAuth
//! token and authorization endpoints).

use super::facts::Facts;
use super::words;
use crate::catalogue::{FindingId, Severity};
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Fix, Signal};
use crate::headers::authorization::Note;
use crate::headers::scheme::Scheme;
use crate::headers::www_authenticate::{BearerError, Challenge};
use crate::quote;
use crate::secret::Exposure;
use crate::signals;

/// `credentials-rejected` — RFC 9110 §15.5.2: a 401 although credentials were sent (generic; the
/// ranker drops it when a more specific cause is present).
pub fn credentials_rejected(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || !(ctx.creds.any() || f.cookie_sent || ctx.creds.api_key_header.is_some()) {
        return;
    }
    // Group H ids the ranker does not weigh against this one, but which explain the 401 better.
    if out.iter().any(|x| matches!(x.id, FindingId::Status401ForForbidden | FindingId::LoginRedirectForApi)) {
        return;
    }
    let mut sent = Vec::new();
    if let Some(c) = f.cred {
        sent.push(if c.scheme.is_empty() {
            "an Authorization header".to_string()
        } else {
            format!("{} credentials", c.scheme)
        });
    }
    if f.cookie_sent {
        sent.push("cookies".into());
    }
    if let Some(k) = &ctx.creds.api_key_header {
        sent.push(format!("the {k} header"));
    }
    // Server text stays in its own evidence field, never inside our sentences (issue 8 item 5).
    let said = f.challenges.bearer_like().and_then(|c| c.param("error_description").or(c.param("error")));
    let detail = if said.is_some() { " What the server said is quoted under Evidence." } else { "" };
    let explanation = format!(
        "The request carried {} and the server still answered 401, which means it refused those credentials.{detail} \
         Nothing more specific could be established from the capture: read the challenge and the response body.",
        sent.join(" and ")
    );
    let fix = Fix::new("Obtain fresh or correct credentials, then retry once.")
        .step("Sign in again or refresh the token; compare the credential with one that works (e.g. with curl).")
        .step("If the same credential works when calling the application directly, something in between changes it (see the proxy and cache findings).");
    let mut finding =
        Finding::new(FindingId::CredentialsRejected, explanation, fix).source("RFC 9110 §15.5.2").confidence(20);
    if let Some(v) = f.auth_raw {
        finding = finding.evidence(Evidence::secret("Authorization", v, Exposure::Prefix));
    }
    if f.has_challenge_header {
        finding = finding.with("WWW-Authenticate", f.challenge_text(ctx));
    }
    if let Some(d) = said {
        finding = finding.with(SERVER_SAID, d);
    }
    out.push(finding);
}

/// The evidence label of the server's own error text (`error_description`, an OAuth error body).
pub(crate) const SERVER_SAID: &str = "Server said";

/// `basic-credentials-malformed` — RFC 7617 §2 (syntax), §2.1 (charset).
pub fn basic_credentials_malformed(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if c.kind != Some(Scheme::Basic) || !super::missing::failing(f, ctx) {
        return;
    }
    let utf8_declared = f
        .challenges
        .find(Scheme::Basic)
        .and_then(|b| b.param("charset"))
        .is_some_and(|cs| cs.trim().eq_ignore_ascii_case("utf-8"));
    let bad: Vec<String> = c
        .notes
        .iter()
        .filter(|n| match n {
            Note::Base64Invalid
            | Note::Base64Url
            | Note::MissingColon
            | Note::DecodedPercentEncoded
            | Note::ControlChar
            | Note::DecodedTrailingNewline
            | Note::PercentEncoded
            | Note::TrailingNewline
            | Note::Placeholder(_) => true,
            Note::NotUtf8 | Note::DecodedNonAscii => !utf8_declared,
            _ => false,
        })
        .map(words::cred_note)
        .collect();
    if bad.is_empty() {
        return;
    }
    let user = c
        .basic
        .as_ref()
        .filter(|b| !b.user.is_empty())
        .map(|b| format!(" (user-id \"{}\")", b.user.trim_end()))
        .unwrap_or_default();
    let explanation = format!(
        "The Basic credential{user} does not decode to user-id \":\" password in standard base64: {}. The server \
         cannot check a password it cannot read, so it fails the request as if the password were wrong (status {}).",
        bad.join("; "),
        f.status
    );
    let fix = Fix::new("Encode exactly `user:password` with standard base64 and no trailing newline.")
        .snippet("shell", "printf '%s' 'user:password' | base64        # not: echo user:password | base64")
        .snippet("js", "'Basic ' + btoa(unescape(encodeURIComponent(`${user}:${password}`)))  // UTF-8 safe")
        .step("If passwords may hold non-ASCII characters, have the server declare UTF-8:")
        .snippet("http", "WWW-Authenticate: Basic realm=\"api\", charset=\"UTF-8\"");
    let mut finding = Finding::new(FindingId::BasicCredentialsMalformed, explanation, fix)
        .source("RFC 7617 §2 (user-pass syntax, no control characters), §2.1 (charset)");
    if let Some(v) = f.auth_raw {
        finding = finding.evidence(Evidence::secret("Authorization", v, Exposure::Prefix));
    }
    if let Some(b) = c.basic.as_ref().filter(|b| !b.user.is_empty()) {
        finding = finding.with("Decoded user-id", b.user.escape_debug().to_string());
    }
    out.push(finding);
}

/// `basic-credentials-invalid` — RFC 7617 §2, RFC 9110 §15.5.2: well-formed Basic refused with
/// the same Basic challenge.
pub fn basic_credentials_invalid(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if c.kind != Some(Scheme::Basic) || f.status != 401 {
        return;
    }
    let Some(b) = &c.basic else { return };
    let malformed = c.notes.iter().any(|n| {
        matches!(
            n,
            Note::Base64Invalid
                | Note::Base64Url
                | Note::MissingColon
                | Note::DecodedPercentEncoded
                | Note::ControlChar
                | Note::DecodedTrailingNewline
                | Note::PercentEncoded
                | Note::TrailingNewline
        )
    });
    let Some(ch) = f.challenges.find(Scheme::Basic) else { return };
    if malformed {
        return;
    }
    let realm = ch.realm().unwrap_or("");
    let explanation = format!(
        "A well-formed Basic credential for user \"{}\" (password of {} characters) was refused, and the server \
         challenged again for realm \"{realm}\". The user name or password is wrong, the account is locked, or the \
         server cannot verify the stored password hash (e.g. a bcrypt entry in an htpasswd file on a server without \
         bcrypt support).",
        b.user,
        b.password.chars().count()
    );
    let fix = Fix::new("Check the user name and password, then reset them if needed.")
        .step("Verify with curl against the same URL: curl -u 'user:password' -i <url>.")
        .step("Regenerate the password file with a hash the server supports.")
        .snippet("shell", "htpasswd -B /etc/nginx/.htpasswd alice      # bcrypt (Apache 2.4+, nginx on glibc with bcrypt)\nopenssl passwd -apr1                          # APR1-MD5, understood everywhere")
        .snippet("nginx", "auth_basic \"api\";\nauth_basic_user_file /etc/nginx/.htpasswd;");
    let mut finding = Finding::new(FindingId::BasicCredentialsInvalid, explanation, fix)
        .source("RFC 7617 §2; RFC 9110 §15.5.2")
        .with("User", b.user.clone())
        .evidence(Evidence::secret("Password", &b.password, Exposure::LengthOnly))
        .with("WWW-Authenticate", f.challenge_text(ctx));
    // A prompt the browser answered from its cache repeats the same stale credentials.
    if ctx.ex.auth_required.is_some() {
        finding = finding.confidence(70);
    }
    out.push(finding);
}

/// `digest-stale-nonce` — RFC 7616 §3.3 (`stale`).
pub fn digest_stale_nonce(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 {
        return;
    }
    let Some(ch) = f.challenges.challenges.iter().find(|c| c.kind() == Scheme::Digest && c.digest().stale) else {
        return;
    };
    // Earlier stale 401s for the same URL: a loop, not the normal single silent retry.
    let earlier: Vec<usize> = ctx
        .same_url_before(16)
        .filter(|&i| {
            ctx.capture.exchanges.get(i).is_some_and(|e| {
                e.status == 401
                    && e.response_headers
                        .challenges()
                        .challenges
                        .iter()
                        .any(|c| c.kind() == Scheme::Digest && c.digest().stale)
            })
        })
        .collect();
    let looping = !earlier.is_empty();
    let explanation = if looping {
        format!(
            "The server said the Digest nonce is stale (stale=true) {} times in a row for this URL. The password was \
             accepted each time, but the fresh nonce expires again before it can be used: the nonce lifetime is too \
             short, or load-balanced servers do not share nonce state.",
            earlier.len() + 1
        )
    } else {
        "The server said the Digest nonce expired (stale=true). The password was right; the browser retries once with \
         the new nonce without asking the user. This only matters if it keeps happening."
            .to_string()
    };
    let fix = Fix::new("Give nonces a realistic lifetime and share them across servers.")
        .snippet("apache", "AuthDigestNonceLifetime 300")
        .step("Share nonce state between load-balanced nodes, or use sticky sessions.");
    let mut finding = Finding::new(FindingId::DigestStaleNonce, explanation, fix)
        .source("RFC 7616 §3.3 (stale)")
        .with("Challenge", format!("Digest realm=\"{}\", stale=true", ch.realm().unwrap_or("")))
        .severity(if looping { Severity::Warn } else { Severity::Info });
    for i in earlier {
        finding = finding.related(i);
    }
    out.push(finding);
}

/// The Bearer/DPoP challenge of a 4xx answer to a request that carried a token, when its `error` is
/// `want` (RFC 6750 §3.1). With no token on the request the error code is the server's mistake
/// (bearer-error-without-credentials); the cause is then that nothing was sent.
fn token_rejected_with<'f>(ctx: &Ctx<'_, '_>, f: &'f Facts<'_>, want: BearerError) -> Option<&'f Challenge<'f>> {
    // RFC 6750 §3.1: a server sends an error code only when the request carried a token, so with
    // the credential headers removed from the capture the code itself says one was sent.
    if !(400..500).contains(&f.status) || !(token_sent(ctx) || f.credentials_unknown) {
        return None;
    }
    let ch = f.challenges.bearer_like()?;
    (ch.bearer().error == Some(want)).then_some(ch)
}

/// `bearer-invalid-token` — RFC 6750 §3.1 (`invalid_token`).
pub fn bearer_invalid_token(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(ch) = token_rejected_with(ctx, f, BearerError::InvalidToken) else { return };
    let b = ch.bearer();
    let said = b.error_description;
    let desc = if said.is_some() { " What the server said is quoted under Evidence." } else { "" };
    let explanation = format!(
        "The API rejected the access token (error=\"invalid_token\"): it is expired, revoked, malformed, or issued \
         for another API.{desc} The token findings below, if any, say which."
    );
    let fix = Fix::new(
        "Refresh the token once and retry; if the new token also fails, fix its audience, issuer or clock.",
    )
    .step("Request the token for this API (audience/resource) and check its expiry against the server's Date.")
    .snippet(
        "js",
        "if (res.status === 401) { await auth.refresh(); return fetch(url, withToken(await auth.getAccessToken())); }",
    );
    let mut finding = Finding::new(FindingId::BearerInvalidToken, explanation, fix)
        .title("The API rejected the access token (invalid_token)")
        .source("RFC 6750 §3.1 (invalid_token)")
        .signal(Signal::Reported)
        .with("WWW-Authenticate", f.challenge_text(ctx));
    if let Some(d) = said {
        finding = finding.with(SERVER_SAID, d);
    }
    if let Some(v) = f.auth_raw {
        finding = finding.evidence(Evidence::secret("Authorization", v, Exposure::Prefix));
    }
    out.push(finding);
}

/// `bearer-insufficient-scope` — RFC 6750 §3 (`scope`), §3.1 (`insufficient_scope`).
pub fn bearer_insufficient_scope(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(ch) = token_rejected_with(ctx, f, BearerError::InsufficientScope) else { return };
    let b = ch.bearer();
    let required: Vec<&str> = b.scope.map(|s| s.split_whitespace().collect()).unwrap_or_default();
    // `Ctx::auth_jwt` decodes only a credential that looks like a JWT, once for rules and views.
    let have = ctx.auth_jwt().and_then(|d| d.as_ref().ok()).and_then(token_scopes);
    let mut explanation = String::from(
        "The token is valid, but it does not grant the permission this call needs (error=\"insufficient_scope\").",
    );
    if !required.is_empty() {
        explanation.push_str(&format!(" Required scope: {}.", required.join(" ")));
    }
    if let Some(have) = &have {
        let missing: Vec<&str> = required.iter().copied().filter(|r| !have.iter().any(|h| h == r)).collect();
        explanation.push_str(&format!(
            " The token carries: {}.",
            if have.is_empty() { "no scope, scp or roles claim".to_string() } else { have.join(" ") }
        ));
        if !missing.is_empty() {
            explanation.push_str(&format!(" Missing: {}.", missing.join(" ")));
        }
    }
    let fix = Fix::new("Request a token that includes the required scopes (and obtain consent), or grant the role.")
        .step("Add the scopes to the authorization request's scope parameter.")
        .snippet(
            "js",
            format!(
                "auth.loginWithRedirect({{ scope: {} }});",
                quote::c_string(&format!("openid {}", required.join(" ")))
            ),
        )
        .step("Server side: answer 403 for this case (see error-status-mismatch).");
    let mut finding = Finding::new(FindingId::BearerInsufficientScope, explanation, fix)
        .title("The token lacks the required scope (insufficient_scope)")
        .source("RFC 6750 §3 (scope) and §3.1 (insufficient_scope)")
        .signal(Signal::Reported)
        .with("WWW-Authenticate", f.challenge_text(ctx));
    if let Some(s) = b.scope {
        finding = finding.with("Required scope", s.to_string());
    }
    if let Some(h) = have {
        finding = finding.with("Token scopes", h.join(" "));
    }
    out.push(finding);
}

/// Whether a token reached the server: Authorization, or an `access_token` query/form parameter.
fn token_sent(ctx: &Ctx<'_, '_>) -> bool {
    ctx.creds.authorization
        || ctx.url.as_ref().and_then(|u| u.query()).is_some_and(signals::has_access_token_param)
        || ctx.ex.request_body.as_deref().is_some_and(signals::has_access_token_param)
}

/// The `scope`, `scp` and `roles` claims of a JWT access token (decoded by `headers::jwt`,
/// never verified). `None` when it has no claims to read.
fn token_scopes(jwt: &crate::headers::jwt::Jwt) -> Option<Vec<String>> {
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

/// `bearer-invalid-request` — RFC 6750 §2 (one method only), §3.1 (`invalid_request`).
pub fn bearer_invalid_request(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !(400..500).contains(&f.status) {
        return;
    }
    let coded = f.challenges.bearer_like().is_some_and(|c| c.bearer().error == Some(BearerError::InvalidRequest));
    let header = f.cred.is_some_and(|c| matches!(c.kind, Some(Scheme::Bearer | Scheme::Dpop)));
    let in_query = ctx.url.as_ref().and_then(|u| u.query()).is_some_and(signals::has_access_token_param);
    let in_body = ctx.ex.request_body.as_deref().is_some_and(signals::has_access_token_param);
    let places = [header, in_query, in_body].iter().filter(|x| **x).count();
    let twice = places >= 2;
    if !(coded || (twice && matches!(f.status, 400 | 401))) {
        return;
    }
    let mut where_ = Vec::new();
    if header {
        where_.push("the Authorization header");
    }
    if in_query {
        where_.push("the access_token query parameter");
    }
    if in_body {
        where_.push("the access_token form field");
    }
    let said = f.challenges.bearer_like().and_then(|c| c.param("error_description"));
    let explanation = if twice {
        format!(
            "The token was sent {} ways at once ({}). RFC 6750 forbids more than one method per request, and servers \
             answer invalid_request.",
            places,
            where_.join(", ")
        )
    } else {
        let desc = if said.is_some() { " What the server said is quoted under Evidence." } else { "" };
        format!(
            "The server says the request is malformed for the Bearer scheme (error=\"invalid_request\"): a required \
             parameter is missing or repeated, or the token was sent more than one way.{desc}"
        )
    };
    let fix = Fix::new("Send the token in the Authorization header only, once.")
        .step("Remove access_token from the URL and the form body.")
        .snippet("js", "fetch('/api/items', { headers: { Authorization: `Bearer ${token}` } });");
    let mut finding = Finding::new(FindingId::BearerInvalidRequest, explanation, fix)
        .title(if twice {
            "The token was sent in more than one place"
        } else {
            "The request is malformed for Bearer (invalid_request)"
        })
        .source("RFC 6750 §2 (one method per request) and §3.1 (invalid_request)")
        .signal(if coded { Signal::Reported } else { Signal::Inferred });
    if f.has_challenge_header {
        finding = finding.with("WWW-Authenticate", f.challenge_text(ctx));
    }
    if let Some(d) = said {
        finding = finding.with(SERVER_SAID, d);
    }
    out.push(finding.with("Token sent in", where_.join(", ")));
}

/// `digest-unsupported-challenge` — RFC 7616 §3.3; Chromium `http_auth_handler_digest.cc`.
pub fn digest_unsupported_challenge(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if f.status != 401 || ctx.creds.authorization {
        return;
    }
    let digests: Vec<_> = f.challenges.challenges.iter().filter(|c| c.kind() == Scheme::Digest).collect();
    if digests.is_empty() || digests.iter().any(|c| c.digest().chromium_usable()) {
        return;
    }
    // Another scheme the browser can answer makes this harmless.
    if f.challenges.challenges.iter().any(|c| matches!(c.kind(), Scheme::Basic | Scheme::Negotiate | Scheme::Ntlm)) {
        return;
    }
    let offered: Vec<String> = digests
        .iter()
        .map(|c| {
            let d = c.digest();
            let alg = d.algorithm();
            if d.nonce.is_none() {
                "a challenge without nonce".to_string()
            } else {
                format!("algorithm={}", if alg.as_str().is_empty() { "MD5" } else { alg.as_str() })
            }
        })
        .collect();
    let explanation = format!(
        "Every Digest challenge offers something the browser cannot use ({}). Chromium supports MD5, MD5-sess, \
         SHA-256 and SHA-256-sess with qop=auth, and needs a nonce; SHA-512-256 and auth-int are not supported. The \
         browser cannot answer, so the 401 stands.",
        offered.join("; ")
    );
    let fix = Fix::new("Offer a challenge the browser supports, strongest first.")
        .snippet("http", "WWW-Authenticate: Digest realm=\"api\", qop=\"auth\", algorithm=SHA-256, nonce=\"…\"\nWWW-Authenticate: Digest realm=\"api\", qop=\"auth\", algorithm=MD5, nonce=\"…\"");
    out.push(
        Finding::new(FindingId::DigestUnsupportedChallenge, explanation, fix)
            .source("RFC 7616 §3.3 and §3.7; Chromium net/http/http_auth_handler_digest.cc")
            .with("WWW-Authenticate", f.challenge_text(ctx)),
    );
}

/// `stale-browser-auth-cache` — RFC 9110 §11.5; RFC 7617 §2.2: the browser resent cached Basic
/// credentials that keep failing (the header came from the network stack, not from script).
pub fn stale_browser_auth_cache(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if f.status != 401 || !matches!(c.kind, Some(Scheme::Basic | Scheme::Digest)) || ctx.is_api_call() {
        return;
    }
    // A navigation or subresource cannot set Authorization itself: it came from the auth cache.
    // Require an earlier 2xx with the same credential (it used to work).
    let raw = f.auth_raw.unwrap_or("");
    let worked = ctx.earlier().take(500).find(|(_, e)| {
        (200..300).contains(&e.status)
            && e.request_headers.authorization() == Some(raw)
            && super::neighbours::same_origin(&e.url, &ctx.ex.url)
    });
    let Some((i, _)) = worked else { return };
    let explanation = "The browser attached a Basic/Digest credential from its HTTP-auth cache (the page did not set \
        it): it worked earlier in this session and is refused now. The password changed, or a \"logout\" was attempted; \
        HTTP authentication has no logout, so the browser keeps resending the old credential for this protection space."
        .to_string();
    let fix = Fix::new("Clear the cached credential.")
        .step("Close every window of the browser profile, or clear browsing data for the site.")
        .step("Server side: change the realm to force a fresh prompt.");
    out.push(
        Finding::new(FindingId::StaleBrowserAuthCache, explanation, fix)
            .source("RFC 9110 §11.5 (protection space); RFC 7617 §2.2 (credential reuse)")
            .related(i),
    );
}

/// `ntlm-handshake-broken` — RFC 4559; MS-NTHT: repeated 401s during an NTLM/Negotiate handshake.
pub fn ntlm_handshake_broken(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if f.status != 401 || !matches!(c.kind, Some(Scheme::Ntlm | Scheme::Negotiate)) {
        return;
    }
    // The type-3 (or a later Negotiate leg) was sent and refused: look for earlier legs.
    let legs =
        ctx.same_url_before(16)
            .filter(|&i| {
                ctx.capture.exchanges.get(i).is_some_and(|e| {
                    e.status == 401 && e.request_headers.credentials().is_some_and(|a| a.kind == c.kind)
                })
            })
            .count();
    if legs == 0 {
        return;
    }
    let explanation = format!(
        "The {} handshake did not complete: {} earlier leg(s) for this URL were also answered 401. NTLM authenticates \
         one TCP connection; a load balancer or proxy that spreads the legs over different backend connections, or \
         HTTP/2 (where Chromium does not do NTLM and IIS answers HTTP_1_1_REQUIRED), breaks it.",
        c.scheme, legs
    );
    let fix = Fix::new("Keep the handshake on one connection.")
        .step("Enable connection affinity and keep-alive through the load balancer (a layer-4 balancer passes connections through).")
        .step("Disable HTTP/2 for this host, or prefer Kerberos (Negotiate) with a correct SPN.");
    out.push(
        Finding::new(FindingId::NtlmHandshakeBroken, explanation, fix)
            .source("RFC 4559; MS-NTHT; Chromium: NTLM is not supported over HTTP/2"),
    );
}

/// `digest-uri-mismatch` — RFC 7616 §3.4, §3.4.6: the Digest `uri` no longer matches the
/// request-target the origin saw (a path-rewriting proxy).
pub fn digest_uri_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(c) = f.cred else { return };
    if c.kind != Some(Scheme::Digest) || !matches!(f.status, 400 | 401) {
        return;
    }
    let Some(uri) = c.param("uri") else { return };
    let Some(u) = &ctx.url else { return };
    let target = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    let body_says = f.body_has(&["uri mismatch", "digest uri", "uri does not match"]).is_some();
    let proxied = ctx.ex.response_headers.has("via") || ctx.ex.response_headers.has("x-forwarded-for");
    let differs = uri != target && uri != u.as_str();
    if !(body_says || (differs && proxied) || (f.status == 400 && differs)) {
        return;
    }
    let explanation = format!(
        "The Digest response covers uri=\"{uri}\" while the request target is \"{target}\". The server must check that \
         they match and rejects the request otherwise; a reverse proxy that rewrites the path (strips a prefix) makes \
         them differ."
    );
    let fix = Fix::new("Do not rewrite paths under Digest-protected locations, or terminate Digest at the proxy.")
        .snippet(
            "nginx",
            "location /app/ { proxy_pass http://backend; }   # no trailing URI part: the path is passed unchanged",
        );
    out.push(
        Finding::new(FindingId::DigestUriMismatch, explanation, fix)
            .source("RFC 7616 §3.4 and §3.4.6")
            .with("Digest uri", uri.to_string())
            .with("Request target", target),
    );
}
