//! The server's own words about a rejected token: the `WWW-Authenticate` values and the response
//! body, matched against the error strings of common JWT validators (DIAGNOSES.md Appendix B).
//!
//! These are hints, not proof: products change their wording and can turn descriptions off, so a
//! rule uses a complaint to confirm (and to mark a finding `reported`), never as its only reason
//! unless the catalogue says the message itself is the evidence.

use crate::model::Exchange;

/// How much of a response body is searched (error JSON is short; HTML error pages put it early).
const BODY_LIMIT: usize = 16 * 1024;

/// What a validator's message complains about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Complaint {
    Expired,
    /// The API requires `exp` and the token has none (ASP.NET IDX10225).
    NoExpiration,
    NotYetValid,
    /// `exp`/`nbf` wrong without saying which (ASP.NET "lifetime is invalid").
    Lifetime,
    Audience,
    Issuer,
    SigningKey,
    Algorithm,
    Malformed,
    /// The token is of the wrong type (`typ` is not `at+jwt`, Cognito `token_use`).
    TokenType,
}

/// Lowercased signatures (case-insensitive substring match) → complaint. Sources in Appendix B:
/// ASP.NET Core (IDX…), Spring Security/Nimbus, Node jsonwebtoken and jose, PyJWT, golang-jwt,
/// AWS API Gateway JWT authorizers, aws-jwt-verify, express-jwt/jwks-rsa.
const SIGNATURES: &[(&str, Complaint)] = &[
    ("the token expired at", Complaint::Expired),
    ("the token is expired", Complaint::Expired),
    ("idx10223", Complaint::Expired),
    ("jwt expired", Complaint::Expired),
    ("tokenexpirederror", Complaint::Expired),
    ("\"exp\" claim timestamp check failed", Complaint::Expired),
    ("signature has expired", Complaint::Expired),
    ("token has expired", Complaint::Expired),
    ("token is expired", Complaint::Expired),
    ("token expired", Complaint::Expired),
    ("expired token", Complaint::Expired),
    ("the token has no expiration", Complaint::NoExpiration),
    ("idx10225", Complaint::NoExpiration),
    ("the token is not valid before", Complaint::NotYetValid),
    ("idx10222", Complaint::NotYetValid),
    ("jwt not active", Complaint::NotYetValid),
    ("notbeforeerror", Complaint::NotYetValid),
    ("\"nbf\" claim timestamp check failed", Complaint::NotYetValid),
    ("token is not yet valid", Complaint::NotYetValid),
    ("token not yet valid", Complaint::NotYetValid),
    ("token is not valid yet", Complaint::NotYetValid),
    ("immature signature", Complaint::NotYetValid),
    ("token used before issued", Complaint::NotYetValid),
    ("the token lifetime is invalid", Complaint::Lifetime),
    ("idx10214", Complaint::Audience),
    ("audience validation failed", Complaint::Audience),
    ("the audience '", Complaint::Audience),
    ("the audience is invalid", Complaint::Audience),
    ("aud claim is not valid", Complaint::Audience),
    ("required audience is missing", Complaint::Audience),
    ("jwt audience invalid", Complaint::Audience),
    ("unexpected \"aud\" claim value", Complaint::Audience),
    ("invalid audience", Complaint::Audience),
    ("does not have a valid audience", Complaint::Audience),
    ("audience mismatch", Complaint::Audience),
    ("idx10205", Complaint::Issuer),
    ("issuer validation failed", Complaint::Issuer),
    ("the issuer '", Complaint::Issuer),
    ("iss claim is not valid", Complaint::Issuer),
    ("jwt issuer invalid", Complaint::Issuer),
    ("unexpected \"iss\" claim value", Complaint::Issuer),
    ("invalid issuer", Complaint::Issuer),
    ("issuer mismatch", Complaint::Issuer),
    ("does not have a valid issuer", Complaint::Issuer),
    ("the signature key was not found", Complaint::SigningKey),
    ("idx10501", Complaint::SigningKey),
    ("idx10503", Complaint::SigningKey),
    ("idx10511", Complaint::SigningKey),
    ("idx10500", Complaint::SigningKey),
    ("the signature is invalid", Complaint::SigningKey),
    ("invalid signature", Complaint::SigningKey),
    ("signature verification failed", Complaint::SigningKey),
    ("signature validation failed", Complaint::SigningKey),
    ("no matching key", Complaint::SigningKey),
    ("unable to find a signing key", Complaint::SigningKey),
    ("another algorithm expected", Complaint::Algorithm),
    ("invalid algorithm", Complaint::Algorithm),
    ("algorithm not supported", Complaint::Algorithm),
    ("unsupported algorithm", Complaint::Algorithm),
    ("\"alg\" (algorithm) header parameter value not allowed", Complaint::Algorithm),
    ("unexpected signing method", Complaint::Algorithm),
    ("signing method (alg) is unavailable", Complaint::Algorithm),
    ("jwt malformed", Complaint::Malformed),
    ("jwt is malformed", Complaint::Malformed),
    ("malformed jwt", Complaint::Malformed),
    ("malformed token", Complaint::Malformed),
    ("token is malformed", Complaint::Malformed),
    ("idx14100", Complaint::Malformed),
    ("idx14101", Complaint::Malformed),
    ("idx12741", Complaint::Malformed),
    ("idx12709", Complaint::Malformed),
    ("not well formed", Complaint::Malformed),
    ("invalid compact", Complaint::Malformed),
    ("invalid number of segments", Complaint::Malformed),
    ("not enough segments", Complaint::Malformed),
    ("invalid jwt serialization", Complaint::Malformed),
    ("invalid token specified", Complaint::Malformed),
    ("token use not allowed", Complaint::TokenType),
    ("invalid token type", Complaint::TokenType),
    ("at+jwt", Complaint::TokenType),
    ("idx10256", Complaint::TokenType),
];

/// The signatures' indexes by their first byte, built once: one pass over a text then finds every
/// signature (a substring search per signature cost more in set-up than in scanning, ~5% of `check`).
fn by_first_byte() -> &'static [Vec<u8>; 256] {
    static INDEX: std::sync::OnceLock<[Vec<u8>; 256]> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: [Vec<u8>; 256] = std::array::from_fn(|_| Vec::new());
        for (i, (sig, _)) in SIGNATURES.iter().enumerate() {
            if let (Some(&b), Ok(i)) = (sig.as_bytes().first(), u8::try_from(i)) {
                index[usize::from(b)].push(i);
            }
        }
        index
    })
}

/// Where each signature first occurs in `lower` (in `SIGNATURES` order), in one pass.
fn first_positions(lower: &str) -> [Option<usize>; SIGNATURES.len()] {
    let index = by_first_byte();
    let bytes = lower.as_bytes();
    let mut first = [None; SIGNATURES.len()];
    for (pos, &b) in bytes.iter().enumerate() {
        for &i in &index[usize::from(b)] {
            let i = usize::from(i);
            if first[i].is_none() && bytes[pos..].starts_with(SIGNATURES[i].0.as_bytes()) {
                first[i] = Some(pos);
            }
        }
    }
    first
}

// The first-byte index stores signature indexes as bytes.
const _: () = assert!(SIGNATURES.len() <= 256);

/// One matched signature, with the text around it for evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Match {
    pub(super) complaint: Complaint,
    /// What the server said: the `error_description`, else the sentence around the match.
    pub(super) quote: String,
}

/// The server's error text for one exchange, searched once.
#[derive(Clone, Debug, Default)]
pub(super) struct ServerText {
    /// Original text: every `WWW-Authenticate` value then the body prefix, newline-separated.
    raw: String,
    matches: Vec<Match>,
}

impl ServerText {
    /// Collects and searches the challenge values and the body of `ex`.
    pub(super) fn of(ex: &Exchange<'_>) -> ServerText {
        let mut raw = String::new();
        for v in ex.response_headers.challenge_lines() {
            raw.push_str(v);
            raw.push('\n');
        }
        if let Some(body) = ex.response_body.as_deref() {
            raw.push_str(prefix(body, BODY_LIMIT));
        }
        if raw.is_empty() {
            return ServerText::default();
        }
        // ASCII lowercasing keeps byte offsets, so a match can be quoted from `raw`.
        let lower = raw.to_ascii_lowercase();
        let first = first_positions(&lower);
        let mut matches: Vec<Match> = Vec::new();
        for (&(sig, complaint), pos) in SIGNATURES.iter().zip(first) {
            if matches.iter().any(|m| m.complaint == complaint) {
                continue;
            }
            if let Some(pos) = pos {
                matches.push(Match { complaint, quote: quote_around(&raw, &lower, pos, sig.len()) });
            }
        }
        ServerText { raw, matches }
    }

    /// The match for `c`, if the server complained about it.
    pub(super) fn says(&self, c: Complaint) -> Option<&Match> {
        self.matches.iter().find(|m| m.complaint == c)
    }

    /// Whether any complaint was found.
    pub(super) fn any(&self) -> bool {
        !self.matches.is_empty()
    }

    /// The value the server says it expected, when its message names one: ASP.NET
    /// `ValidIssuer: 'X'` / `ValidAudience: 'X'`, jsonwebtoken `… invalid. expected: X`.
    pub(super) fn expected(&self, what: Expected) -> Option<&str> {
        let lower = self.raw.to_ascii_lowercase();
        let keys: &[&str] = match what {
            Expected::Issuer => &["validissuer: '", "validissuers: '", "jwt issuer invalid. expected: "],
            Expected::Audience => &["validaudience: '", "validaudiences: '", "jwt audience invalid. expected: "],
        };
        for k in keys {
            if let Some(p) = lower.find(k) {
                let start = p + k.len();
                let rest = self.raw.get(start..)?;
                let end = rest.find(['\'', '"', ' ', '\n', ',']).unwrap_or(rest.len());
                let v = rest.get(..end)?.trim();
                if !v.is_empty() && v != "null" && v != "(null)" {
                    return Some(v);
                }
            }
        }
        None
    }
}

/// Which expected value to look for in the server's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Expected {
    Issuer,
    Audience,
}

fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// The `error_description` containing `pos`, else up to ~160 characters of the line around it.
fn quote_around(raw: &str, lower: &str, pos: usize, len: usize) -> String {
    if let Some(d) = lower.get(..pos).and_then(|s| s.rfind("error_description=\"")) {
        let start = d + "error_description=\"".len();
        if let Some(len) = raw.get(start..).and_then(|r| r.find('"')) {
            if start + len >= pos {
                return raw.get(start..start + len).unwrap_or("").to_string();
            }
        }
    }
    // The JSON string, HTML element or line holding the match.
    let line_start = raw.get(..pos).and_then(|s| s.rfind(['\n', '{', ',', '>', '"'])).map_or(0, |i| i + 1);
    let after = pos + len;
    let line_end = raw.get(after..).and_then(|s| s.find(['\n', '}', '<', '"'])).map_or(raw.len(), |i| after + i);
    let mut start = line_start.max(pos.saturating_sub(80));
    let mut end = line_end.min(pos + 80);
    while start > 0 && !raw.is_char_boundary(start) {
        start -= 1;
    }
    while end < raw.len() && !raw.is_char_boundary(end) {
        end += 1;
    }
    raw.get(start..end).unwrap_or("").trim().trim_matches([':', ' ']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Exchange, Header, Headers};

    fn ex<'a>(www: &'a str, body: &'a str) -> Exchange<'a> {
        Exchange {
            response_headers: Headers(vec![Header::new("WWW-Authenticate", www)]),
            response_body: Some(body.into()),
            ..Default::default()
        }
    }

    #[test]
    fn signatures() {
        let rows = [
            (
                "aspnet expired",
                "Bearer error=\"invalid_token\", error_description=\"The token expired at '09/23/2026 12:03:11'\"",
                "",
                Complaint::Expired,
                "The token expired at '09/23/2026 12:03:11'",
            ),
            (
                "aws audience",
                "Bearer scope=\"\" error=\"invalid_token\" error_description=\"the token does not have a valid audience\"",
                "",
                Complaint::Audience,
                "the token does not have a valid audience",
            ),
            (
                "node body",
                "",
                "{\"name\":\"TokenExpiredError\",\"message\":\"jwt expired\"}",
                Complaint::Expired,
                "jwt expired",
            ),
            (
                "spring issuer",
                "Bearer error=\"invalid_token\", error_description=\"An error occurred while attempting to decode the Jwt: The iss claim is not valid\"",
                "",
                Complaint::Issuer,
                "An error occurred while attempting to decode the Jwt: The iss claim is not valid",
            ),
            (
                "idx key",
                "",
                "IDX10503: Signature validation failed.",
                Complaint::SigningKey,
                "IDX10503: Signature validation failed.",
            ),
            (
                "jose nbf",
                "",
                "\"nbf\" claim timestamp check failed",
                Complaint::NotYetValid,
                "\"nbf\" claim timestamp check failed",
            ),
        ];
        for (name, www, body, c, quote) in rows {
            let t = ServerText::of(&ex(www, body));
            let m = t.says(c).unwrap_or_else(|| panic!("{name}: no {c:?}"));
            assert_eq!(m.quote, quote, "{name}");
        }
    }

    #[test]
    fn no_false_complaints() {
        let rows = [
            ("plain invalid_token", "Bearer error=\"invalid_token\"", ""),
            ("no text", "", ""),
            ("html login page", "", "<html><body>Please sign in to continue</body></html>"),
        ];
        for (name, www, body) in rows {
            assert!(!ServerText::of(&ex(www, body)).any(), "{name}");
        }
    }

    #[test]
    fn expected_values() {
        let t = ServerText::of(&ex(
            "",
            "IDX10205: Issuer validation failed. Issuer: 'https://sts.windows.net/t/'. Did not match: validationParameters.ValidIssuer: 'https://login.microsoftonline.com/t/v2.0' or validationParameters.ValidIssuers: 'null'.",
        ));
        assert_eq!(t.expected(Expected::Issuer), Some("https://login.microsoftonline.com/t/v2.0"));
        let t = ServerText::of(&ex("", "jwt issuer invalid. expected: https://a.example/"));
        assert_eq!(t.expected(Expected::Issuer), Some("https://a.example/"));
        assert_eq!(t.expected(Expected::Audience), None);
    }

    #[test]
    fn huge_body_is_cut_on_a_char_boundary() {
        let body = "é".repeat(20_000);
        let t = ServerText::of(&ex("", &body));
        assert!(!t.any());
    }
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    /// The one-pass scan finds exactly what a search per signature finds.
    #[test]
    fn one_pass_equals_a_search_per_signature() {
        let mut texts: Vec<String> = SIGNATURES.iter().map(|(s, _)| format!("xx {s} yy {s}")).collect();
        texts.push(SIGNATURES.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(" | "));
        texts.push(String::new());
        texts.push("bearer error=\"invalid_token\", error_description=\"jwt expired\" é".to_string());
        texts.push("idx1410 idx14100x at+jw".to_string());
        for t in &texts {
            let naive: Vec<Option<usize>> = SIGNATURES.iter().map(|(s, _)| t.find(s)).collect();
            assert_eq!(first_positions(t).to_vec(), naive, "{t}");
        }
    }
}
