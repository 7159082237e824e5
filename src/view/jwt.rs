//! The decoded token for the popup: header and claims as rows, times shown in UTC and relative to
//! the server's clock (and the client's, when they disagree). The signature is never shown.
//!
//! Words only: the token was decoded and checked once by the diagnosis
//! ([`JwtFacts`](crate::diagnose::tokens::JwtFacts)).

use crate::diagnose::tokens::{AudienceCheck, Basis, JwtFacts, TimeCheck};
use crate::headers::date::{format_duration, format_utc};
use crate::headers::jwt::{self, Jwt, Payload, TimeClaim};
use serde::Serialize;
use serde_json::{Map, Value};

/// A decoded JWT claim with a human note (`expired 3 min 12 s before the server's clock`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimView {
    pub name: String,
    pub value: String,
    /// Relative-time or check result, when the claim is a time or is checked.
    pub note: Option<String>,
    /// `ok`, `bad` or `info`.
    pub status: String,
}

/// A decoded JWT (never verified).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtView {
    pub header: Vec<ClaimView>,
    pub claims: Vec<ClaimView>,
    /// `JWS`, `JWE`, `unsecured`, `malformed`.
    pub kind: String,
    pub problems: Vec<String>,
}

/// Longest value shown in a row; longer ones are cut with an ellipsis.
const MAX_VALUE_CHARS: usize = 200;

/// Claims shown first, in this order; the rest follow alphabetically.
const CLAIM_ORDER: &[&str] = &[
    "iss",
    "sub",
    "aud",
    "azp",
    "client_id",
    "scope",
    "scp",
    "roles",
    "exp",
    "nbf",
    "iat",
    "typ",
    "token_use",
    "nonce",
];

/// The popup's rows of the `Authorization` JWT.
pub(crate) fn view(f: &JwtFacts) -> JwtView {
    let j = match &f.decoded {
        Ok(j) => j,
        Err(u) => {
            return JwtView {
                header: header_rows(&u.header),
                claims: Vec::new(),
                kind: "malformed".to_string(),
                problems: vec![u.error.to_string()],
            };
        }
    };
    let mut problems: Vec<String> = j.notes.iter().map(|n| n.message().to_string()).collect();
    let claims = match &j.payload {
        Payload::Claims(m) => claim_rows(f, j, m),
        Payload::Encrypted => {
            problems.push("the payload is encrypted (JWE): only the header can be read".to_string());
            Vec::new()
        }
        Payload::Detached | Payload::Unencoded => Vec::new(),
        Payload::Invalid(e) => {
            problems.push(e.to_string());
            Vec::new()
        }
    };
    let kind = if matches!(j.payload, Payload::Invalid(_)) { "malformed" } else { j.kind.as_str() };
    JwtView { header: header_rows(&j.header), claims, kind: kind.to_string(), problems }
}

fn display(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Array(a) if a.iter().all(Value::is_string) => {
            a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    };
    if s.chars().count() > MAX_VALUE_CHARS {
        let cut: String = s.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        s
    }
}

fn row(name: &str, value: String, note: Option<String>, status: &str) -> ClaimView {
    ClaimView { name: name.to_string(), value, note, status: status.to_string() }
}

fn header_rows(h: &Map<String, Value>) -> Vec<ClaimView> {
    let mut keys: Vec<&String> = h.keys().collect();
    keys.sort_by_key(|k| (["alg", "typ", "kid", "enc", "cty"].iter().position(|x| x == k).unwrap_or(99), k.as_str()));
    keys.into_iter()
        .filter_map(|k| {
            let v = h.get(k)?;
            let (note, status) = match (k.as_str(), v.as_str()) {
                ("alg", Some(a)) if a.eq_ignore_ascii_case("none") => {
                    (Some("unsecured: no signature at all".to_string()), "bad")
                }
                ("alg", Some(a)) if !jwt::is_registered_alg(a) => {
                    (Some("not a registered JWS algorithm".to_string()), "bad")
                }
                ("alg", None) => (Some("alg must be a string".to_string()), "bad"),
                ("typ", Some(t))
                    if t.eq_ignore_ascii_case("at+jwt") || t.eq_ignore_ascii_case("application/at+jwt") =>
                {
                    (Some("access token (RFC 9068)".to_string()), "ok")
                }
                _ => (None, "info"),
            };
            Some(row(k, display(v), note, status))
        })
        .collect()
}

/// `exp`, `nbf`, `iat` relative to the server's Date (else the client clock).
fn time_row(name: &str, raw: &Value, check: Option<&TimeCheck>) -> ClaimView {
    let Some(TimeCheck { claim: TimeClaim::Seconds { secs, from_string, looks_like_millis }, relative }) =
        check.copied()
    else {
        return row(name, display(raw), Some("not a number (RFC 7519 NumericDate)".to_string()), "bad");
    };
    let value = format!("{secs} ({})", format_utc(secs));
    if looks_like_millis {
        return row(name, value, Some("looks like milliseconds; JWT times are in seconds".to_string()), "bad");
    }
    let Some(r) = relative else { return row(name, value, None, "info") };
    let whose = match r.basis {
        Basis::Server => "the server's Date",
        Basis::Client => "this computer's clock",
    };
    let rel = |d: i64| format!("{} {} {whose}", format_duration(d), if d < 0 { "before" } else { "after" });
    let d = r.from_now;
    let (mut note, status) = match (name, r.fails) {
        ("exp", true) => (format!("expired {}", rel(d)), "bad"),
        ("exp", false) => (format!("expires {}", rel(d)), "ok"),
        ("nbf", true) => (format!("not valid until {}", rel(d)), "bad"),
        ("nbf", false) => (format!("valid from {}", rel(d)), "ok"),
        (_, true) => (format!("issued {} (the issuer's clock is ahead)", rel(d)), "bad"),
        (_, false) => (format!("issued {}", rel(d)), "info"),
    };
    if let Some(dc) = r.from_client {
        note.push_str(&format!(
            "; {} {} this computer's clock",
            format_duration(dc),
            if dc < 0 { "before" } else { "after" }
        ));
    }
    if from_string {
        note.push_str("; written as a string, not a number");
    }
    row(name, value, Some(note), if from_string && status == "ok" { "bad" } else { status })
}

fn claim_rows(f: &JwtFacts, j: &Jwt, m: &Map<String, Value>) -> Vec<ClaimView> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by_key(|k| (CLAIM_ORDER.iter().position(|x| x == k).unwrap_or(usize::MAX), k.as_str()));
    keys.into_iter()
        .filter_map(|k| {
            let v = m.get(k)?;
            Some(match k.as_str() {
                "exp" => time_row(k, v, f.exp.as_ref()),
                "nbf" => time_row(k, v, f.nbf.as_ref()),
                "iat" => time_row(k, v, f.iat.as_ref()),
                "aud" => match f.audience {
                    AudienceCheck::GraphElsewhere => {
                        row(k, display(v), Some("Microsoft Graph: not for this API".to_string()), "bad")
                    }
                    AudienceCheck::NamesHost => row(k, display(v), Some("names this host".to_string()), "ok"),
                    AudienceCheck::Unknown => row(k, display(v), None, "info"),
                },
                "nonce" | "at_hash" | "c_hash" => {
                    row(k, display(v), Some("only ID tokens carry this claim".to_string()), "info")
                }
                "cnf" if j.cnf_jkt().is_some() => {
                    row(k, display(v), Some("bound to a DPoP key: send as Authorization: DPoP".to_string()), "info")
                }
                _ => row(k, display(v), None, "info"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::diagnose::context::Ctx;
    use crate::model::{Capture, Exchange, Header, Headers};

    // {"alg":"RS256","kid":"k"} . {"aud":"https://api.example.com","exp":1790000000,"iat":1789999000,"sub":"u"}
    const TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJhdWQiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImV4cCI6MTc5MDAwMDAwMCwiaWF0IjoxNzg5OTk5MDAwLCJzdWIiOiJ1In0.c2lnbmF0dXJl";

    /// The view of the JWT sent as `Authorization: Bearer <token>` in `ex`.
    fn view_of(ex: Exchange<'_>, token: &str) -> Option<JwtView> {
        let auth = format!("Bearer {token}");
        let mut ex = ex;
        ex.request_headers = Headers(vec![Header { name: "Authorization".into(), value: auth.into() }]);
        let capture = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&capture);
        let ctx = Ctx::new(&capture, &corr, 0, &capture.exchanges[0]);
        JwtFacts::of(&ctx, None).as_ref().map(view)
    }

    #[test]
    fn rows_with_server_relative_times() {
        let ex = Exchange {
            url: "https://api.example.com/me".into(),
            status: 401,
            started_ms: Some(1_790_000_192_000.0),
            response_headers: Headers(vec![Header::new("Date", "Mon, 21 Sep 2026 14:16:32 GMT")]),
            ..Default::default()
        };
        let v = view_of(ex, TOKEN).unwrap();
        assert_eq!(v.kind, "JWS");
        assert_eq!(v.header.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["alg", "kid"]);
        let names: Vec<_> = v.claims.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["sub", "aud", "exp", "iat"]);
        let exp = &v.claims[2];
        assert_eq!(exp.status, "bad");
        assert_eq!(exp.note.as_deref(), Some("expired 3 min 12 s before the server's Date"));
        assert_eq!(v.claims[1].status, "ok");
        let json = serde_json::to_string(&v).unwrap();
        assert!(!json.contains("c2lnbmF0dXJl"), "signature must never be shown");
    }

    #[test]
    fn malformed_and_opaque() {
        assert!(view_of(Exchange::default(), "ya29.opaque.token").is_none());
        for token in ["eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1.c2ln", "eyJhbGciOiJSUzI1NiJ9.a.b.c"] {
            let v = view_of(Exchange::default(), token).unwrap();
            assert_eq!(v.kind, "malformed", "{token}");
            assert_eq!(v.header[0].value, "RS256", "{token}");
            assert_eq!(v.problems.len(), 1, "{token}: {:?}", v.problems);
        }
    }
}
