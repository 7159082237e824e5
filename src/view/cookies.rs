//! The popup's cookie table: the typed cookie facts of one exchange (`diagnose::cookies`) in
//! words, values redacted.

use crate::cookies::jar::{Cookie, Exclusion};
use crate::diagnose::cookies::text::{rejection_words, syntax_words};
use crate::diagnose::cookies::{CookieFact, RowCookie, RowOutcome, RowSource};
use crate::headers::date::format_utc;
use crate::secret::{Exposure, redact};
use serde::Serialize;

/// One row of the cookie table.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CookieRow {
    pub name: String,
    pub value_redacted: String,
    pub sent: bool,
    /// Why it was not sent (or not stored), in a few words; `None` when sent.
    pub reason: Option<String>,
    /// The finding id behind the reason, when one applies.
    pub finding: Option<crate::catalogue::FindingId>,
    pub same_site: String,
    pub secure: bool,
    pub http_only: bool,
    pub domain: String,
    pub path: String,
    pub expires: String,
    pub partitioned: Option<String>,
    /// `jar`, `request` or `set-cookie` (where the row comes from).
    pub origin: String,
}

/// The cookie table of one exchange.
/// Rows shown per request. A site can hold thousands of cookies (the jar keeps up to 3,300, as
/// Chromium does) and a hostile one sets them on purpose; the popup needs the ones that explain the
/// failure, so rows behind a finding are kept first, then the rest in order, up to this bound.
const MAX_ROWS: usize = 150;

pub(crate) fn rows(facts: &[CookieFact]) -> Vec<CookieRow> {
    if facts.len() <= MAX_ROWS {
        return facts.iter().map(row).collect();
    }
    let mut keep = vec![false; facts.len()];
    let mut kept = 0;
    for with_finding_only in [true, false] {
        for (i, f) in facts.iter().enumerate() {
            if kept == MAX_ROWS {
                break;
            }
            if !keep[i] && (!with_finding_only || f.finding.is_some()) {
                keep[i] = true;
                kept += 1;
            }
        }
    }
    facts.iter().zip(keep).filter(|(_, k)| *k).map(|(f, _)| row(f)).collect()
}

fn row(f: &CookieFact) -> CookieRow {
    let mut row = match &f.cookie {
        RowCookie::Stored(c) => stored(c),
        RowCookie::Pair { name, value } => {
            CookieRow { name: name.clone(), value_redacted: redact(value, Exposure::Prefix), ..Default::default() }
        }
        RowCookie::Named(name) => CookieRow { name: name.clone(), ..Default::default() },
        RowCookie::Set { cookie: c, host, default_path, top_site } => CookieRow {
            name: c.name.clone(),
            value_redacted: redact(&c.value, Exposure::Prefix),
            same_site: c.same_site.as_str().to_string(),
            secure: c.secure,
            http_only: c.http_only,
            domain: c.domain.clone().unwrap_or_else(|| host.clone()),
            path: c.path_value().unwrap_or(default_path).to_string(),
            expires: match (c.max_age, c.expires) {
                (Some(m), _) => format!("Max-Age={m}"),
                (None, Some(e)) => format_utc(e),
                _ => "session".to_string(),
            },
            partitioned: c.partitioned.then(|| top_site.clone().unwrap_or_default()),
            ..Default::default()
        },
        RowCookie::Unparsed(name) => {
            CookieRow { name: name.clone(), value_redacted: "(unparsed)".into(), ..Default::default() }
        }
    };
    row.sent = f.sent;
    row.reason = f.outcome.as_ref().map(outcome_words);
    row.finding = f.finding;
    row.origin = match f.source {
        RowSource::Jar => "jar",
        RowSource::Request => "request",
        RowSource::SetCookie => "set-cookie",
    }
    .to_string();
    row
}

/// A stored cookie's attributes.
fn stored(c: &Cookie) -> CookieRow {
    CookieRow {
        name: c.name.clone(),
        value_redacted: redact(&c.value, Exposure::Prefix),
        same_site: c.same_site.as_str().to_string(),
        secure: c.secure,
        http_only: c.http_only,
        domain: c.display_domain(),
        path: c.path.clone(),
        expires: expiry_text(c),
        partitioned: c.partition.clone(),
        ..Default::default()
    }
}

fn expiry_text(c: &Cookie) -> String {
    match c.expiry_ms {
        None => "session".to_string(),
        Some(ms) if ms == i64::MIN => "expired".to_string(),
        Some(ms) => format_utc(ms.div_euclid(1000)),
    }
}

/// Why a cookie was not sent, or what became of a line, in a few words.
fn outcome_words(o: &RowOutcome) -> String {
    match o {
        RowOutcome::NotInRequest => "in the jar, but not in the request's Cookie header".to_string(),
        RowOutcome::Excluded(e) => exclusion_words(*e).to_string(),
        RowOutcome::Blocked(reasons) => format!("blocked by the browser: {}", reasons.join(", ")),
        RowOutcome::Refused(reasons) => format!("refused by the browser: {}", reasons.join(", ")),
        RowOutcome::Ignored(e) => format!("ignored: {}", syntax_words(*e)),
        RowOutcome::Rejected(r) => format!("refused: {}", rejection_words(r)),
        RowOutcome::Deletes => "deletes the cookie (already expired)".to_string(),
        RowOutcome::Stored => "stored".to_string(),
    }
}

/// A short human reason for an exclusion.
fn exclusion_words(e: Exclusion) -> &'static str {
    match e {
        Exclusion::Expired => "expired",
        Exclusion::SchemeNotSupported => "this scheme carries no cookies",
        Exclusion::DomainMismatch => "Domain does not cover this host",
        Exclusion::NotOnPath => "Path does not cover this URL",
        Exclusion::SecureOnly => "Secure cookie, plain-http request",
        Exclusion::HttpOnly => "HttpOnly, hidden from script",
        Exclusion::SameSiteStrict { .. } => "SameSite=Strict on a cross-site request",
        Exclusion::SameSiteLax { .. } => "SameSite=Lax on a cross-site request",
        Exclusion::SameSiteDefaultLax { unsafe_too_old: true, .. } => {
            "no SameSite (Lax), older than 2 min on a cross-site POST"
        }
        Exclusion::SameSiteDefaultLax { .. } => "no SameSite, treated as Lax on a cross-site request",
        Exclusion::SameSiteNoneInsecure => "SameSite=None without Secure",
        Exclusion::OtherPartition => "stored in another top-level partition",
        Exclusion::ThirdPartyBlocked => "third-party cookies are blocked",
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    fn ex(url: &'static str, status: u16, req: Vec<Header<'static>>, res: Vec<Header<'static>>) -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed(url),
            status,
            request_headers: Headers(req),
            response_headers: Headers(res),
            started_ms: Some(1.79e12),
            ..Default::default()
        }
    }

    /// A hostile page's thousands of cookies: the table stays bounded and keeps the rows behind a
    /// finding, in their original order.
    #[test]
    fn rows_are_bounded_and_keep_the_explaining_ones() {
        use crate::catalogue::FindingId;
        use crate::diagnose::cookies::{CookieFact, RowCookie, RowSource};
        let fact = |i: usize| CookieFact {
            cookie: RowCookie::Named(format!("c{i}")),
            sent: false,
            outcome: None,
            finding: (i % 500 == 499).then_some(FindingId::CookieNotOnPath),
            source: RowSource::Request,
        };
        let facts: Vec<CookieFact> = (0..3_000).map(fact).collect();
        let rows = super::rows(&facts);
        assert_eq!(rows.len(), super::MAX_ROWS);
        let explained: Vec<&str> = rows.iter().filter(|r| r.finding.is_some()).map(|r| r.name.as_str()).collect();
        assert_eq!(explained, ["c499", "c999", "c1499", "c1999", "c2499", "c2999"]);
        assert_eq!(rows.first().map(|r| r.name.as_str()), Some("c0"));
        // Near miss: a table within the bound is shown whole.
        assert_eq!(super::rows(&facts[..super::MAX_ROWS]).len(), super::MAX_ROWS);
    }

    #[test]
    fn rows_redact_values_and_explain_exclusions() {
        let cap = Capture {
            exchanges: vec![
                ex(
                    "https://app.example.com/login",
                    200,
                    vec![],
                    vec![Header::new("Set-Cookie", "sid=topsecretsessionvalue; Path=/api/auth; Secure; HttpOnly")],
                ),
                ex(
                    "https://app.example.com/api/users",
                    401,
                    vec![Header::new("Cookie", "theme=darkmodevalue")],
                    vec![],
                ),
            ],
            ..Default::default()
        };
        let a = crate::analyze(&cap);
        let rows = &a.entries.iter().find(|e| e.index == 1).expect("the 401 is flagged").cookies;
        let json = serde_json::to_string(rows).unwrap();
        assert!(!json.contains("topsecretsessionvalue") && !json.contains("darkmodevalue"), "{json}");
        let sid = rows.iter().find(|r| r.name == "sid").expect("sid row");
        assert!(!sid.sent);
        assert_eq!(sid.finding.map(|id| id.as_str()), Some("cookie-not-on-path"));
        assert_eq!(sid.reason.as_deref(), Some("Path does not cover this URL"));
        assert_eq!(sid.path, "/api/auth");
        assert!(rows.iter().any(|r| r.name == "theme" && r.sent));
    }
}
