//! The cookie table of one exchange as typed facts: every cookie the request carried, every
//! stored cookie it left out and the rule that stopped it, Chromium's verdicts on cookies the jar
//! does not know, and what became of each `Set-Cookie` line of the response.
//!
//! Computed once per flagged exchange in `diagnose()`; `view::cookies` turns it into words.

use super::facts::{Facts, SetLine};
use super::{send_time, set_time};
use crate::catalogue::FindingId;
use crate::cookies::jar::{self, Cookie, Exclusion, Rejection, SiteContext};
use crate::diagnose::context::Ctx;
use crate::headers::set_cookie::{self, SetCookie, SetCookieError};
use std::collections::{HashMap, HashSet};

/// Where a row of the cookie table comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowSource {
    /// The browser's own cookie store (the extension's snapshot).
    Jar,
    /// The request (its `Cookie` header, Chromium's verdicts on it, or the jar replayed from the capture).
    Request,
    /// A `Set-Cookie` line of this response.
    SetCookie,
}

/// The cookie a row describes.
#[derive(Clone, Debug, PartialEq)]
pub enum RowCookie {
    /// A cookie of the jar, with all its attributes.
    Stored(Cookie),
    /// A pair of the request's `Cookie` header the jar does not know.
    Pair { name: String, value: String },
    /// A cookie Chromium judged (CDP `associatedCookies`), known by name only.
    Named(String),
    /// A `Set-Cookie` line that parsed; `host` and `default_path` are what its missing `Domain`
    /// and `Path` default to, `top_site` the partition a `Partitioned` cookie would go to.
    Set { cookie: SetCookie, host: String, default_path: String, top_site: Option<String> },
    /// A `Set-Cookie` line that did not parse, with the name as far as it can be read.
    Unparsed(String),
}

impl RowCookie {
    /// The cookie's name.
    pub fn name(&self) -> &str {
        match self {
            RowCookie::Stored(c) => &c.name,
            RowCookie::Set { cookie, .. } => &cookie.name,
            RowCookie::Pair { name, .. } | RowCookie::Named(name) | RowCookie::Unparsed(name) => name,
        }
    }
}

/// Why a cookie was not sent, or what became of a `Set-Cookie` line.
#[derive(Clone, Debug, PartialEq)]
pub enum RowOutcome {
    /// The jar would send it, but the captured `Cookie` header does not show it.
    NotInRequest,
    /// The jar's retrieval (6265bis §5.8.3) left it out.
    Excluded(Exclusion),
    /// Chromium blocked it from the request (CDP `blockedReasons`).
    Blocked(Vec<String>),
    /// Chromium refused the line (CDP `blockedCookies`).
    Refused(Vec<String>),
    /// The parser ignored the line (6265bis §5.6).
    Ignored(SetCookieError),
    /// The store refused the line (6265bis §5.7).
    Rejected(Rejection),
    /// The line deletes the cookie (already expired on arrival).
    Deletes,
    /// The line was stored.
    Stored,
}

/// One row of the cookie table.
#[derive(Clone, Debug, PartialEq)]
pub struct CookieFact {
    pub cookie: RowCookie,
    pub sent: bool,
    /// Why it was not sent (or what became of the line); `None` when sent, or unknown.
    pub outcome: Option<RowOutcome>,
    /// The catalogue finding behind the outcome, when one applies.
    pub finding: Option<FindingId>,
    pub source: RowSource,
}

/// The cookie table of `ctx`'s exchange, from its facts (whose jar must be complete).
pub(crate) fn build(ctx: &Ctx<'_, '_>, f: &Facts<'_>) -> Vec<CookieFact> {
    let mut out: Vec<CookieFact> = Vec::new();
    let rctx = f.context(&ctx.ex.method);
    let r = f.jar.retrieve(&rctx);
    let source = if f.from_snapshot { RowSource::Jar } else { RowSource::Request };
    let sent = &ctx.sent_cookies;
    let row = |cookie, sent, outcome, finding, source| CookieFact { cookie, sent, outcome, finding, source };
    // The jar's sent cookies by (name, value), the first winning as a scan would.
    let mut by_pair: HashMap<(&str, &str), &Cookie> = HashMap::new();
    for c in &r.sent {
        by_pair.entry((c.name.as_str(), c.value.as_str())).or_insert(c);
    }
    // Cookies the request carried, with their attributes when the jar knows them.
    for p in sent {
        let cookie = match by_pair.get(&(p.name, p.value)) {
            Some(c) => RowCookie::Stored((*c).clone()),
            None => RowCookie::Pair { name: p.name.to_string(), value: p.value.to_string() },
        };
        out.push(row(cookie, true, None, None, RowSource::Request));
    }
    // Cookies the jar would send that the captured request did not show (a replayed jar says
    // nothing when the capture has no Cookie header at all).
    for c in &r.sent {
        if f.was_sent(&c.name) || sent.is_empty() && !f.from_snapshot {
            continue;
        }
        out.push(row(RowCookie::Stored((*c).clone()), false, Some(RowOutcome::NotInRequest), None, source));
    }
    for (c, e) in &r.excluded {
        if !f.related(c) || *e == Exclusion::Expired && !f.from_snapshot {
            continue;
        }
        let finding = send_time::exclusion_id(*e);
        out.push(row(RowCookie::Stored((*c).clone()), false, Some(RowOutcome::Excluded(*e)), finding, source));
    }
    // Chromium's verdicts on cookies the jar does not know.
    let mut named: HashSet<String> = out.iter().map(|x| x.cookie.name().to_string()).collect();
    for a in &ctx.ex.associated_cookies {
        if a.blocked_reasons.is_empty() || named.contains(a.name.as_ref()) {
            continue;
        }
        named.insert(a.name.to_string());
        let finding = a.blocked_reasons.iter().find_map(|r| send_time::reported_id(r));
        let outcome = Some(RowOutcome::Blocked(a.blocked_reasons.clone()));
        out.push(row(RowCookie::Named(a.name.to_string()), false, outcome, finding, RowSource::Request));
    }
    // This response's Set-Cookie lines.
    for l in &f.lines {
        let (outcome, finding) = line_outcome(l);
        let cookie = match &l.parsed {
            Ok(c) => RowCookie::Set {
                cookie: c.clone(),
                host: jar::canonical_host(&f.url).unwrap_or_default(),
                default_path: set_cookie::default_path(f.url.path()).to_string(),
                top_site: f.top_site.clone(),
            },
            Err(_) => RowCookie::Unparsed(l.name()),
        };
        out.push(row(cookie, false, outcome, finding, RowSource::SetCookie));
    }
    out
}

/// What became of a line, and the finding that says so.
fn line_outcome(l: &SetLine<'_>) -> (Option<RowOutcome>, Option<FindingId>) {
    if let Some(b) = l.reported {
        let id = b.blocked_reasons.iter().find_map(|r| set_time::reported_id(r, SiteContext::SameSite));
        return (Some(RowOutcome::Refused(b.blocked_reasons.clone())), id);
    }
    match (&l.parsed, &l.verdict) {
        (Err(e), _) => (Some(RowOutcome::Ignored(*e)), Some(set_time::rejection_id(&Rejection::Syntax(*e)))),
        (Ok(_), Some(Err(r))) => (Some(RowOutcome::Rejected(r.clone())), Some(set_time::rejection_id(r))),
        (Ok(_), Some(Ok(s))) if s.expired_on_arrival => (Some(RowOutcome::Deletes), None),
        (Ok(_), Some(Ok(_))) => (Some(RowOutcome::Stored), None),
        (Ok(_), None) => (None, None),
    }
}
