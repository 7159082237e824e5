//! Rules about the `Authorization` credential and the server's challenge: catalogue groups A
//! (header-borne credentials), B (rejections other than cookies and JWT claims), the
//! header-stripping rules of G, and the protocol rules of H.
//!
//! Parsing lives in `headers::authorization` and `headers::www_authenticate`; the submodules
//! here only judge. Each rule is one function named after its catalogue id.

mod facts;
mod missing;
mod protocol;
mod proxy;
mod rejected;
mod words;

use super::context::Ctx;
use crate::finding::Finding;
use crate::headers::authorization::CredScheme;
use crate::headers::www_authenticate::{self, Challenge, Scheme};
use crate::secret::{Exposure, redact};
use crate::view::{AuthorizationView, ChallengeView, CredentialsView, Pair};
use facts::Facts;

/// A rule: reads the context and the shared facts, appends findings.
type Rule = fn(&Ctx<'_, '_>, &Facts<'_>, &mut Vec<Finding>);

/// Every rule, in catalogue order (the ranker orders the output).
const RULES: &[Rule] = &[
    // A
    missing::no_credentials_sent,
    missing::bearer_placeholder_value,
    missing::authorization_scheme_mismatch,
    missing::credential_syntax_invalid,
    missing::no_cors_mode_strips_authorization,
    missing::authorization_dropped_on_cross_origin_redirect,
    missing::api_cannot_attach_authorization,
    missing::url_embedded_credentials,
    missing::auth_prompt_suppressed,
    missing::negotiate_not_attempted,
    // B
    rejected::basic_credentials_invalid,
    rejected::basic_credentials_malformed,
    rejected::digest_stale_nonce,
    rejected::digest_unsupported_challenge,
    rejected::digest_uri_mismatch,
    rejected::bearer_invalid_token,
    rejected::bearer_insufficient_scope,
    rejected::bearer_invalid_request,
    rejected::stale_browser_auth_cache,
    rejected::oauth_invalid_client,
    rejected::oauth_invalid_grant,
    rejected::oauth_redirect_uri_mismatch,
    rejected::ntlm_handshake_broken,
    // G
    proxy::cdn_strips_authorization,
    proxy::proxy_stripped_authorization,
    proxy::apache_cgi_drops_authorization,
    proxy::nginx_drops_underscore_header,
    proxy::leftover_basic_auth_gate,
    proxy::api_gateway_authorizer_rejection,
    proxy::request_headers_too_large,
    // H
    protocol::status401_without_www_authenticate,
    protocol::www_authenticate_malformed,
    protocol::bearer_error_without_credentials,
    protocol::error_status_mismatch,
    protocol::status401_for_forbidden,
    protocol::status403_for_missing_credentials,
    protocol::login_redirect_for_api,
    protocol::challenge_loop,
    protocol::proxy_auth_required,
    protocol::resource_metadata_advertised,
    // Last: it stands back when a more specific rule above already explained the 401.
    rejected::credentials_rejected,
];

/// Whether anything in this module can apply: an auth-relevant status, a credential, a
/// challenge, or credentials in the URL. Ordinary 2xx traffic costs one check.
fn relevant(ctx: &Ctx<'_, '_>) -> bool {
    let ex = ctx.ex;
    let s = ex.status;
    s == 0
        || (300..400).contains(&s)
        || (400..=407).contains(&s)
        || s == 431
        || s == 494
        || (s == 200
            && ctx.is_api_call()
            && ex
                .response_headers
                .get("content-type")
                .or(ex.response_mime.as_deref())
                .is_some_and(|c| c.contains("text/html")))
        || ex.response_headers.has("www-authenticate")
        || ctx.url.as_ref().is_some_and(|u| !u.username().is_empty())
        // An OAuth callback that came back with the redirect_uri error in its query.
        || ex.url.contains("error=redirect_uri_mismatch")
        || ex.url.contains("AADSTS50011")
}

/// Runs every rule of this module.
pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    // A CORS preflight never carries credentials and is never prompted for (Fetch
    // #cors-preflight-fetch): a 401 to it is the CORS rules' business, not a credential problem.
    if !relevant(ctx) || crate::signals::is_preflight(ctx.ex) {
        return;
    }
    let f = Facts::new(ctx);
    for rule in RULES {
        rule(ctx, &f, out);
    }
}

/// One-line summary of a credential for people.
fn summary(c: &crate::headers::authorization::Credentials<'_>) -> String {
    match c.kind {
        CredScheme::Basic => match &c.basic {
            Some(b) => format!("Basic, user \"{}\"", b.user),
            None => "Basic (undecodable)".to_string(),
        },
        CredScheme::Digest => format!("Digest, user \"{}\"", c.param("username").unwrap_or("")),
        CredScheme::Missing => "no scheme (bare token)".to_string(),
        _ if c.looks_like_jwt() => format!("{} JWT", c.scheme),
        _ => format!("{} token ({} characters)", c.scheme, c.token.chars().count()),
    }
}

/// The credential picture for the popup.
pub fn credentials_view(ctx: &Ctx<'_, '_>) -> CredentialsView {
    let authorization = ctx.authorization().filter(|v| !v.trim().is_empty()).map(|raw| {
        let c = crate::headers::authorization::parse(raw);
        // Filled by `view::build` from `EntryFacts::jwt` (decoded once by the diagnosis).
        let jwt = None;
        let credential_redacted = match c.kind {
            // The user-id is shown apart; the blob encodes the password, so only its length.
            CredScheme::Basic => redact(c.credential, Exposure::LengthOnly),
            CredScheme::Digest => {
                format!(
                    "username=\"{}\", realm=\"{}\", response …",
                    c.param("username").unwrap_or(""),
                    c.param("realm").unwrap_or("")
                )
            }
            _ => redact(c.token, Exposure::Prefix),
        };
        AuthorizationView {
            scheme: c.scheme.to_string(),
            summary: summary(&c),
            user: c.basic.as_ref().map(|b| b.user.clone()).or_else(|| c.param("username").map(str::to_string)),
            credential_redacted,
            jwt,
            notes: c.notes.iter().map(words::cred_note).collect(),
        }
    });
    let api_keys = ctx
        .ex
        .request_headers
        .0
        .iter()
        .filter(|h| crate::signals::is_api_key_header(&h.name))
        .map(|h| Pair { name: h.name.to_string(), value: redact(&h.value, Exposure::Prefix) })
        .collect::<Vec<_>>();
    let sent = authorization.is_some() || !api_keys.is_empty() || ctx.creds.cookie;
    let state = match (sent, ctx.ex.status) {
        (true, 401 | 403 | 407) => "rejected",
        (true, _) => "sent",
        (false, _) => "missing",
    };
    CredentialsView { authorization, api_keys, state: state.to_string() }
}

/// Plain-words meaning of one challenge's parameters.
fn meaning(c: &Challenge<'_>) -> Vec<String> {
    let mut m = Vec::new();
    match c.kind() {
        Scheme::Basic => m.push("Basic: the server wants a username and password".into()),
        Scheme::Bearer => m.push("Bearer: the server wants an OAuth access token in Authorization".into()),
        Scheme::Dpop => m.push("DPoP: the server wants a proof-bound access token plus a DPoP proof header".into()),
        Scheme::Digest => m.push("Digest: the server wants a username and password, hashed with the nonce".into()),
        Scheme::Negotiate => m.push("Negotiate: Windows integrated sign-in (Kerberos, or NTLM as fallback)".into()),
        Scheme::Ntlm => m.push("NTLM: Windows integrated sign-in over one kept-alive connection".into()),
        Scheme::Other => m.push(format!("{}: a scheme browsers do not answer by themselves", c.scheme)),
    }
    if let Some(r) = c.realm() {
        m.push(format!("realm=\"{r}\": the protection space; credentials for it are reused on this origin"));
    }
    if matches!(c.kind(), Scheme::Bearer | Scheme::Dpop) {
        let b = c.bearer();
        if let Some(e) = &b.error {
            m.push(words::bearer_error(e));
        } else {
            m.push("no error code: what a server sends when the request carried no token (RFC 6750 §3.1)".into());
        }
        if let Some(s) = b.scope {
            m.push(format!("scope=\"{s}\": the permissions this resource requires"));
        }
        if let Some(r) = b.resource_metadata {
            m.push(format!("resource_metadata: the API's OAuth metadata is at {r}"));
        }
    }
    if c.kind() == Scheme::Digest {
        let d = c.digest();
        if d.stale {
            m.push("stale=true: the password was right, only the nonce expired; the browser retries silently".into());
        }
        if !d.chromium_usable() {
            m.push("Chromium cannot answer this Digest challenge (missing nonce or unsupported algorithm)".into());
        }
    }
    if c.kind() == Scheme::Basic && c.param("charset").is_some() {
        m.push("charset: the server decodes user-id and password as UTF-8".into());
    }
    m.extend(c.notes.iter().map(words::challenge_note));
    m
}

fn challenge_view(c: &Challenge<'_>, proxy: bool) -> ChallengeView {
    ChallengeView {
        scheme: c.scheme.to_string(),
        params: c.params.iter().map(|p| Pair { name: p.name.to_string(), value: p.value.to_string() }).collect(),
        token68: c.token68.map(str::to_string),
        meaning: meaning(c),
        proxy,
    }
}

/// The parsed challenges for the popup.
pub fn challenges_view(ctx: &Ctx<'_, '_>) -> Vec<ChallengeView> {
    let h = &ctx.ex.response_headers;
    let www = www_authenticate::parse(h.get_all("www-authenticate"));
    let prx = www_authenticate::parse(h.get_all("proxy-authenticate"));
    www.challenges
        .iter()
        .map(|c| challenge_view(c, false))
        .chain(prx.challenges.iter().map(|c| challenge_view(c, true)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::{Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    fn capture(
        status: u16,
        req: Vec<(&'static str, &'static str)>,
        res: Vec<(&'static str, &'static str)>,
    ) -> Capture<'static> {
        Capture {
            exchanges: vec![Exchange {
                method: Cow::Borrowed("GET"),
                url: Cow::Borrowed("https://api.example.com/v1/me"),
                status,
                request_headers: Headers(req.into_iter().map(|(n, v)| Header::new(n, v)).collect()),
                response_headers: Headers(res.into_iter().map(|(n, v)| Header::new(n, v)).collect()),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn run(cap: &Capture<'_>) -> (Vec<Finding>, CredentialsView, Vec<ChallengeView>) {
        let corr = Correlation::build(cap);
        let ex = cap.exchanges.first().unwrap();
        let ctx = Ctx::new(cap, &corr, 0, ex);
        let mut out = Vec::new();
        check(&ctx, &mut out);
        (out, credentials_view(&ctx), challenges_view(&ctx))
    }

    #[test]
    fn a_worker_made_request_points_at_the_fetch_handler() {
        for by_worker in [true, false] {
            let mut cap = capture(401, vec![("Accept", "*/*")], vec![("WWW-Authenticate", "Bearer realm=\"api\"")]);
            cap.exchanges[0].fetched_by_worker = by_worker;
            let (findings, _, _) = run(&cap);
            let f = findings.iter().find(|f| f.id == crate::catalogue::FindingId::NoCredentialsSent).expect("found");
            assert_eq!(f.explanation.contains("service worker made this request"), by_worker, "{}", f.explanation);
            assert_eq!(f.fix.summary.contains("service worker"), by_worker, "{}", f.fix.summary);
        }
    }

    #[test]
    fn basic_password_never_leaves_redacted() {
        // "Aladdin:open sesame"
        let cap = capture(
            401,
            vec![("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")],
            vec![("WWW-Authenticate", "Basic realm=\"WallyWorld\"")],
        );
        let (findings, view, challenges) = run(&cap);
        let auth = view.authorization.as_ref().unwrap();
        assert_eq!(auth.user.as_deref(), Some("Aladdin"));
        assert_eq!(auth.summary, "Basic, user \"Aladdin\"");
        assert_eq!(view.state, "rejected");
        let json = serde_json::to_string(&(&findings, &view, &challenges)).unwrap();
        assert!(!json.contains("open sesame"), "{json}");
        assert!(!json.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ"), "{json}");
        assert!(findings.iter().any(|f| f.id == crate::catalogue::FindingId::BasicCredentialsInvalid));
        assert_eq!(challenges.first().map(|c| c.scheme.as_str()), Some("Basic"));
    }

    #[test]
    fn challenge_meaning_in_plain_words() {
        let cap = capture(
            403,
            vec![("Authorization", "Bearer sk_live_51HxOpaqueToken9Zq4")],
            vec![
                ("WWW-Authenticate", "Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"orders:write\""),
                ("Proxy-Authenticate", "Basic realm=\"corp\""),
            ],
        );
        let (findings, view, challenges) = run(&cap);
        assert_eq!(challenges.len(), 2);
        let b = challenges.first().unwrap();
        assert!(!b.proxy && b.meaning.iter().any(|m| m.starts_with("insufficient_scope:")), "{b:?}");
        assert!(b.meaning.iter().any(|m| m.contains("orders:write")));
        assert!(challenges.get(1).is_some_and(|c| c.proxy));
        let json = serde_json::to_string(&(&findings, &view)).unwrap();
        assert!(!json.contains("sk_live_51HxOpaqueToken9Zq4"), "{json}");
        assert_eq!(view.authorization.unwrap().summary, "Bearer token (27 characters)");
    }

    #[test]
    fn missing_credentials_view_and_quiet_200() {
        let cap = capture(401, vec![("Accept", "*/*")], vec![("WWW-Authenticate", "Bearer")]);
        let (_, view, _) = run(&cap);
        assert_eq!(view.state, "missing");
        assert!(view.authorization.is_none());
        // An ordinary 200 produces nothing and costs nothing.
        let ok =
            capture(200, vec![("Authorization", "Bearer abcdefghijkl")], vec![("Content-Type", "application/json")]);
        assert!(run(&ok).0.is_empty());
    }

    #[test]
    fn hostile_exchanges_do_not_panic() {
        let values = ["", "\u{0}", "Basic", "Basic ====", "Digest \"", "Bearer \"", "é", "eyJ.eyJ.", "x=\"\\"];
        for v in values {
            for status in [0, 302, 400, 401, 403, 407, 431] {
                let cap = Capture {
                    exchanges: vec![Exchange {
                        method: Cow::Borrowed("POST"),
                        url: Cow::Borrowed("https://u:p@h/oauth/token?redirect_uri=%ZZ&access_token=x"),
                        status,
                        request_headers: Headers(vec![Header::new("authorization", v), Header::new("cookie", v)]),
                        response_headers: Headers(vec![
                            Header::new("www-authenticate", v),
                            Header::new("proxy-authenticate", v),
                            Header::new("location", v),
                        ]),
                        response_body: Some(Cow::Borrowed(v)),
                        request_body: Some(Cow::Borrowed("grant_type=")),
                        ..Default::default()
                    }],
                    ..Default::default()
                };
                let _ = run(&cap);
            }
        }
    }
}
