//! Typed access to the auth-relevant fields of a header list: the one place their names are
//! spelled and their repeated lines are split.
//!
//! Rules under `diagnose/` read `Authorization`, `Cookie`, `Set-Cookie` and `WWW-Authenticate`
//! only through these accessors (the lint step of `build.sh` greps for raw look-ups), so a field
//! is always split and parsed the same way: Firefox's newline-joined `Set-Cookie`, HTTP/2's split
//! `Cookie` lines and a challenge list spread over several lines each have one reader.

use super::authorization::{self, Credentials};
use super::cookie::{self, CookiePair};
use super::set_cookie;
use super::www_authenticate::{self, Challenges};
use crate::model::Headers;

impl<'a> Headers<'a> {
    /// The raw `Authorization` value (first line), untrimmed; `None` when absent.
    pub fn authorization(&self) -> Option<&str> {
        self.get("authorization")
    }

    /// Whether a non-blank `Authorization` was sent (`credsSent`, DIAGNOSES.md §0.2).
    pub fn sends_authorization(&self) -> bool {
        self.authorization().is_some_and(|v| !v.trim().is_empty())
    }

    /// The `Authorization` credential, parsed (RFC 9110 §11.6.2); `None` when absent or blank.
    pub fn credentials(&self) -> Option<Credentials<'_>> {
        self.authorization().filter(|v| !v.trim().is_empty()).map(authorization::parse)
    }

    /// The raw `Proxy-Authorization` value (first line).
    pub fn proxy_authorization(&self) -> Option<&str> {
        self.get("proxy-authorization")
    }

    /// Every `Cookie` line, in order (HTTP/2 may split the field).
    pub fn cookie_lines(&self) -> impl Iterator<Item = &str> {
        self.get_all("cookie")
    }

    /// The `Cookie` lines joined as one field value (`; `), for evidence and equality tests.
    pub fn cookie_field(&self) -> Option<String> {
        let mut lines = self.cookie_lines();
        let first = lines.next()?;
        Some(lines.fold(first.to_string(), |mut acc, l| {
            acc.push_str("; ");
            acc.push_str(l);
            acc
        }))
    }

    /// Whether a non-blank `Cookie` was sent.
    pub fn sends_cookie(&self) -> bool {
        self.cookie_lines().any(|v| !v.trim().is_empty())
    }

    /// The `name=value` pairs of every `Cookie` line (6265bis §5.8.3), in order.
    pub fn cookie_pairs(&self) -> Vec<CookiePair<'_>> {
        cookie::parse_all(self.cookie_lines())
    }

    /// Whether any `Set-Cookie` line is present (even a blank one).
    pub fn has_set_cookie(&self) -> bool {
        self.has("set-cookie")
    }

    /// Every `Set-Cookie` line, Firefox's and CDP's newline-joined values split, blanks dropped.
    pub fn set_cookie_lines(&self) -> impl Iterator<Item = &str> {
        self.get_all("set-cookie").flat_map(set_cookie::split_lines)
    }

    /// Whether any `WWW-Authenticate` line is present (even a blank one).
    pub fn has_challenge(&self) -> bool {
        self.has("www-authenticate")
    }

    /// Every `WWW-Authenticate` line, as sent.
    pub fn challenge_lines(&self) -> impl Iterator<Item = &str> {
        self.get_all("www-authenticate")
    }

    /// The first `WWW-Authenticate` line, as sent (for evidence).
    pub fn first_challenge_line(&self) -> Option<&str> {
        self.get("www-authenticate")
    }

    /// The challenges of every `WWW-Authenticate` line, parsed (RFC 9110 §11.6.1).
    pub fn challenges(&self) -> Challenges<'_> {
        www_authenticate::parse(self.challenge_lines())
    }

    /// Every `Proxy-Authenticate` line, as sent.
    pub fn proxy_challenge_lines(&self) -> impl Iterator<Item = &str> {
        self.get_all("proxy-authenticate")
    }

    /// The challenges of every `Proxy-Authenticate` line, parsed (RFC 9110 §11.7.1).
    pub fn proxy_challenges(&self) -> Challenges<'_> {
        www_authenticate::parse(self.proxy_challenge_lines())
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Header, Headers};

    #[test]
    fn firefox_joined_set_cookie_is_split() {
        let h = Headers(vec![Header::new("Set-Cookie", "a=1; Path=/\nb=2\r\n\n")]);
        assert_eq!(h.set_cookie_lines().collect::<Vec<_>>(), ["a=1; Path=/", "b=2"]);
        assert!(h.has_set_cookie());
    }

    #[test]
    fn split_cookie_lines_are_one_field() {
        let h = Headers(vec![Header::new("cookie", "a=1"), Header::new("Cookie", "b=2")]);
        assert_eq!(h.cookie_field().as_deref(), Some("a=1; b=2"));
        assert_eq!(h.cookie_pairs().len(), 2);
        assert!(h.sends_cookie());
    }

    #[test]
    fn blank_credentials_are_not_sent() {
        let h = Headers(vec![Header::new("Authorization", "  "), Header::new("Cookie", "")]);
        assert!(!h.sends_authorization());
        assert!(h.credentials().is_none());
        assert!(!h.sends_cookie());
        assert!(h.cookie_field().is_some());
    }

    #[test]
    fn challenges_span_lines() {
        let h = Headers(vec![
            Header::new("WWW-Authenticate", "Basic realm=\"a\""),
            Header::new("www-authenticate", "Bearer error=\"invalid_token\""),
        ]);
        assert_eq!(h.challenges().challenges.len(), 2);
        assert_eq!(h.first_challenge_line(), Some("Basic realm=\"a\""));
    }
}
