//! The popup's credential picture: which credential went out, in words, secrets redacted.
//!
//! Built from the parsed credential (`Ctx::auth`) and the entry's
//! [`CredentialFacts`] (state and key headers, computed for flagged entries); nothing is parsed again
//! here.

use super::{JwtView, Pair};
use crate::diagnose::context::Ctx;
use crate::diagnose::credentials::{CredentialFacts, CredentialState, words};
use crate::headers::authorization::Credentials;
use crate::headers::scheme::Scheme;
use crate::secret::{Exposure, redact};
use serde::Serialize;

/// The `Authorization` credential that was sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizationView {
    pub scheme: String,
    /// One line for people: `Basic, user "alice"`, `Bearer JWT (RS256)`.
    pub summary: String,
    /// Basic user name (not secret).
    pub user: Option<String>,
    /// The credential, redacted.
    pub credential_redacted: String,
    /// The decoded token, when it is a JWT: filled by `view::build` from the tokens facts.
    pub jwt: Option<JwtView>,
    /// Problems noticed while parsing (bad base64, trailing newline …).
    pub notes: Vec<String>,
}

/// Credentials sent, missing or rejected.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialsView {
    pub authorization: Option<AuthorizationView>,
    /// Custom key headers that were sent (`x-api-key`), values redacted.
    pub api_keys: Vec<Pair>,
    /// `sent`, `missing` or `rejected`, for the headline.
    pub state: String,
}

/// One-line summary of a credential for people.
fn summary(c: &Credentials<'_>) -> String {
    match c.kind {
        Some(Scheme::Basic) => match &c.basic {
            Some(b) => format!("Basic, user \"{}\"", b.user),
            None => "Basic (undecodable)".to_string(),
        },
        Some(Scheme::Digest) => format!("Digest, user \"{}\"", c.param("username").unwrap_or("")),
        None => "no scheme (bare token)".to_string(),
        _ if c.looks_like_jwt() => format!("{} JWT", c.scheme),
        _ => format!("{} token ({} characters)", c.scheme, c.token.chars().count()),
    }
}

/// The credential as the popup shows it: the Basic blob encodes the password, so only its
/// length (the user-id is shown apart); a Digest response by its non-secret parameters; a token
/// by its prefix.
fn redacted(c: &Credentials<'_>) -> String {
    match c.kind {
        Some(Scheme::Basic) => redact(c.credential, Exposure::LengthOnly),
        Some(Scheme::Digest) => format!(
            "username=\"{}\", realm=\"{}\", response …",
            c.param("username").unwrap_or(""),
            c.param("realm").unwrap_or("")
        ),
        _ => redact(c.token, Exposure::Prefix),
    }
}

/// The `Authorization` picture of a parsed credential (its `jwt` left to the tokens view).
fn authorization_view(c: &Credentials<'_>) -> AuthorizationView {
    AuthorizationView {
        scheme: c.scheme.to_string(),
        summary: summary(c),
        user: c.basic.as_ref().map(|b| b.user.clone()).or_else(|| c.param("username").map(str::to_string)),
        credential_redacted: redacted(c),
        jwt: None,
        notes: c.notes.iter().map(words::cred_note).collect(),
    }
}

/// The credential picture for the popup.
pub(crate) fn view(ctx: &Ctx<'_, '_>, facts: &CredentialFacts<'_>) -> CredentialsView {
    let state = match facts.state {
        CredentialState::Sent => "sent",
        CredentialState::Missing => "missing",
        CredentialState::Rejected => "rejected",
    };
    CredentialsView {
        authorization: ctx.auth.as_ref().map(authorization_view),
        api_keys: facts
            .api_keys
            .iter()
            .map(|k| Pair { name: k.name.to_string(), value: redact(k.value, Exposure::Prefix) })
            .collect(),
        state: state.to_string(),
    }
}

#[cfg(test)]
pub(super) mod tests {

    /// The popup entry of a one-exchange capture (the exchange must be flagged).
    pub(in crate::view) fn entry(
        status: u16,
        req: Vec<(&'static str, &'static str)>,
        res: Vec<(&'static str, &'static str)>,
    ) -> crate::view::EntryView {
        let cap = crate::testkit::single(status, req, res);
        crate::analyze(&cap).entries.into_iter().next().expect("the exchange is flagged")
    }

    #[test]
    fn basic_password_never_leaves_redacted() {
        // "Aladdin:open sesame"
        let v = entry(
            401,
            vec![("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")],
            vec![("WWW-Authenticate", "Basic realm=\"WallyWorld\"")],
        );
        let auth = v.credentials.authorization.as_ref().expect("sent");
        assert_eq!(auth.user.as_deref(), Some("Aladdin"));
        assert_eq!(auth.summary, "Basic, user \"Aladdin\"");
        assert_eq!(v.credentials.state, "rejected");
        let json = serde_json::to_string(&(&v.findings, &v.credentials, &v.challenges)).expect("serialises");
        assert!(!json.contains("open sesame"), "{json}");
        assert!(!json.contains("QWxhZGRpbjpvcGVuIHNlc2FtZQ"), "{json}");
        assert_eq!(v.challenges.first().map(|c| c.scheme.as_str()), Some("Basic"));
    }

    #[test]
    fn token_and_api_key_redacted() {
        let v = entry(
            403,
            vec![("Authorization", "Bearer sk_live_51HxOpaqueToken9Zq4"), ("X-API-Key", "key-0123456789abcdef")],
            vec![("WWW-Authenticate", "Bearer realm=\"api\", error=\"insufficient_scope\"")],
        );
        let json = serde_json::to_string(&(&v.findings, &v.credentials)).expect("serialises");
        assert!(!json.contains("sk_live_51HxOpaqueToken9Zq4") && !json.contains("key-0123456789abcdef"), "{json}");
        assert_eq!(
            v.credentials.authorization.as_ref().map(|a| a.summary.as_str()),
            Some("Bearer token (27 characters)")
        );
        assert_eq!(v.credentials.api_keys.iter().map(|k| k.name.as_str()).collect::<Vec<_>>(), ["X-API-Key"]);
    }

    #[test]
    fn missing_credentials() {
        let v = entry(401, vec![("Accept", "*/*")], vec![("WWW-Authenticate", "Bearer")]);
        assert_eq!(v.credentials.state, "missing");
        assert!(v.credentials.authorization.is_none());
    }
}
