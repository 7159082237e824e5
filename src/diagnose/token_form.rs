//! The body of an OAuth token request (RFC 6749 §4.1.3, §4.4.2, §6): `application/x-www-form-urlencoded`
//! as the RFC says, or the JSON some clients send. Read once for the rules that need its grant.

use std::borrow::Cow;

/// The fields of a token request the rules read.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TokenForm<'b> {
    pub grant_type: Option<Cow<'b, str>>,
    pub refresh_token: Option<Cow<'b, str>>,
}

/// Parses a token request body; `None` for JSON that does not parse. A repeated form field
/// (RFC 6749 §3.2 forbids it) keeps its last value.
pub(crate) fn token_form(body: &str) -> Option<TokenForm<'_>> {
    let b = body.trim_start();
    if b.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(b).ok()?;
        let field = |k: &str| v.get(k).and_then(serde_json::Value::as_str).map(|s| Cow::Owned(s.to_string()));
        return Some(TokenForm { grant_type: field("grant_type"), refresh_token: field("refresh_token") });
    }
    let mut form = TokenForm::default();
    for (k, v) in url::form_urlencoded::parse(b.as_bytes()) {
        match k.as_ref() {
            "grant_type" => form.grant_type = Some(v),
            "refresh_token" => form.refresh_token = Some(v),
            _ => {}
        }
    }
    Some(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_and_json_bodies() {
        let f = token_form("grant_type=refresh_token&refresh_token=r%201&client_id=spa").unwrap();
        assert_eq!(f.grant_type.as_deref(), Some("refresh_token"));
        assert_eq!(f.refresh_token.as_deref(), Some("r 1"));
        let j = token_form(r#" {"grant_type":"authorization_code","code":"c"}"#).unwrap();
        assert_eq!(j.grant_type.as_deref(), Some("authorization_code"));
        assert_eq!(j.refresh_token, None);
        // Near misses: broken JSON reads as nothing; a form without the fields has none.
        assert_eq!(token_form(r#"{"grant_type":"#), None);
        assert_eq!(token_form("client_id=spa"), Some(TokenForm::default()));
    }
}
