//! The popup's challenge picture: each `WWW-Authenticate` / `Proxy-Authenticate` challenge with
//! its parameters and what they mean, in plain words.
//!
//! Built from the challenges parsed once (`Ctx::challenges`, `Ctx::proxy_challenges`); nothing
//! is parsed again here.

use super::Pair;
use crate::diagnose::context::Ctx;
use crate::diagnose::credentials::words;
use crate::headers::scheme::Scheme;
use crate::headers::www_authenticate::Challenge;
use serde::Serialize;

/// One parsed challenge of `WWW-Authenticate` / `Proxy-Authenticate`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeView {
    pub scheme: String,
    pub params: Vec<Pair>,
    pub token68: Option<String>,
    /// Plain-words meaning (`error=invalid_token: the token is expired, revoked or malformed`).
    pub meaning: Vec<String>,
    pub proxy: bool,
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

/// One challenge for the popup.
fn challenge_view(c: &Challenge<'_>, proxy: bool) -> ChallengeView {
    ChallengeView {
        scheme: c.scheme.to_string(),
        params: c.params.iter().map(|p| Pair { name: p.name.to_string(), value: p.value.to_string() }).collect(),
        token68: c.token68.map(str::to_string),
        meaning: meaning(c),
        proxy,
    }
}

/// The parsed challenges for the popup: the site's (`WWW-Authenticate`), then the proxy's.
pub(crate) fn view(ctx: &Ctx<'_, '_>) -> Vec<ChallengeView> {
    ctx.challenges
        .challenges
        .iter()
        .map(|c| challenge_view(c, false))
        .chain(ctx.proxy_challenges.challenges.iter().map(|c| challenge_view(c, true)))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::view::credentials::tests::entry;

    #[test]
    fn challenge_meaning_in_plain_words() {
        let v = entry(
            403,
            vec![("Authorization", "Bearer sk_live_51HxOpaqueToken9Zq4")],
            vec![
                ("WWW-Authenticate", "Bearer realm=\"api\", error=\"insufficient_scope\", scope=\"orders:write\""),
                ("Proxy-Authenticate", "Basic realm=\"corp\""),
            ],
        );
        assert_eq!(v.challenges.len(), 2);
        let b = v.challenges.first().expect("two");
        assert!(!b.proxy && b.meaning.iter().any(|m| m.starts_with("insufficient_scope:")), "{b:?}");
        assert!(b.meaning.iter().any(|m| m.contains("orders:write")));
        assert!(v.challenges.get(1).is_some_and(|c| c.proxy && c.scheme == "Basic"));
    }
}
