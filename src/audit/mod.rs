//! The site-owner audit: the authentication surface of a recorded sign-in, graded.
//!
//! A failure diagnosis (`diagnose`) asks "why did this request fail"; the audit asks "what in this
//! flow is unsafe, already broken for some users, or will break in another browser". It reuses
//! the diagnosis of every exchange (the same rules, the same ids) for what those rules judge, and
//! adds posture checks that only make sense over a whole healthy flow (`cookies`, `challenges`,
//! `cors`, `transport`, `tokens`). Findings are aggregated per cause and subject (a cookie name,
//! an origin), each with the entries it rests on and, for cookie and CORS findings, a verdict per
//! browser engine (`engines`). `grade` turns them into grades. Pure and linear in the capture.
//!
//! Careful sites are not punished for normal behaviour: failures the app recovered from (a
//! refresh-and-retry), and failures that only say "no credential yet / any more" (before sign-in,
//! after a logout) are the user's state, not the site's posture, so their findings stay out.

mod challenges;
mod cookies;
mod cors;
pub mod engines;
pub mod grade;
pub mod ids;
mod tokens;
mod transport;

use crate::catalogue::{FindingId, Group, Severity};
use crate::correlate::Correlation;
use crate::finding::{Evidence, Finding, Fix};
use crate::model::Capture;
use engines::BrowserVerdict;
use ids::{AuditRule, Id};
use serde::Serialize;
use std::collections::HashMap;

/// The part of the authentication surface a finding is about (one grade each).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Cookies,
    Challenges,
    Cors,
    Transport,
    Tokens,
}

impl Area {
    pub const ALL: [Area; 5] = [Area::Cookies, Area::Challenges, Area::Cors, Area::Transport, Area::Tokens];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Cookies => "cookies",
            Area::Challenges => "challenges",
            Area::Cors => "cors",
            Area::Transport => "transport",
            Area::Tokens => "tokens",
        }
    }

    /// Whether findings of this area get a verdict per browser engine.
    fn has_verdicts(self) -> bool {
        matches!(self, Area::Cookies | Area::Cors)
    }
}

/// One audit finding: the shape of a `check` finding plus its area, the entries it rests on and
/// the browser verdicts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditFinding {
    pub id: Id,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    pub evidence: Vec<Evidence>,
    pub fix: Fix,
    pub source: String,
    pub related: Vec<usize>,
    pub area: Area,
    /// Capture indexes of every exchange this finding rests on, in capture order.
    pub entries: Vec<usize>,
    /// Per engine: works, blocked, or works until a planned change (cookie and CORS findings).
    pub browsers: Vec<BrowserVerdict>,
    /// What the finding is about (a cookie name, an origin): findings aggregate per id and subject.
    #[serde(skip)]
    pub subject: String,
}

impl AuditFinding {
    /// An audit-rule finding with the rule's title, severity and source.
    pub(crate) fn rule(rule: AuditRule, subject: impl Into<String>, explanation: impl Into<String>, fix: Fix) -> Self {
        AuditFinding {
            id: Id::Audit(rule),
            severity: rule.severity(),
            title: rule.title().to_string(),
            explanation: explanation.into(),
            evidence: Vec::new(),
            fix,
            source: rule.source().to_string(),
            related: Vec::new(),
            area: area_of_rule(rule),
            entries: Vec::new(),
            browsers: Vec::new(),
            subject: subject.into(),
        }
    }

    /// A finding of the failure diagnosis, kept as the audit's.
    fn from_diagnosis(f: &Finding, area: Area, subject: String, index: usize) -> Self {
        Self::from_catalogue(f, area, subject).at(index)
    }

    /// A catalogue finding built by an audit rule (no entries yet).
    pub(crate) fn from_catalogue(f: &Finding, area: Area, subject: String) -> Self {
        AuditFinding {
            id: Id::Catalogue(f.id),
            severity: f.severity,
            title: f.title.clone(),
            explanation: f.explanation.clone(),
            evidence: f.evidence.clone(),
            fix: f.fix.clone(),
            source: f.source.clone(),
            related: f.related.clone(),
            area,
            entries: Vec::new(),
            browsers: Vec::new(),
            subject,
        }
    }

    pub(crate) fn at(mut self, index: usize) -> Self {
        self.entries.push(index);
        self
    }

    pub(crate) fn with(mut self, label: impl Into<String>, value: impl Into<String>) -> Self {
        self.evidence.push(Evidence::new(label, value));
        self
    }

    /// The same finding with secret evidence shown in full.
    fn revealed(&self) -> Self {
        let mut f = self.clone();
        for e in &mut f.evidence {
            if let Some(raw) = e.raw.take() {
                e.value = raw.expose().to_string();
            }
        }
        f
    }
}

fn area_of_rule(rule: AuditRule) -> Area {
    match rule {
        AuditRule::CookieMissingSecure
        | AuditRule::CookieMissingHttponly
        | AuditRule::CookieSamesiteUnset
        | AuditRule::CookieHostPrefixRecommended
        | AuditRule::CookieLongLivedSession
        | AuditRule::CookieDomainBroaderThanNeeded => Area::Cookies,
        AuditRule::CorsOriginReflectedWithCredentials => Area::Cors,
        AuditRule::AuthFailureNotNoStore => Area::Challenges,
        AuditRule::LoginOverHttp | AuditRule::HstsMissing | AuditRule::HstsWeak => Area::Transport,
        AuditRule::JwtLongLived => Area::Tokens,
    }
}

/// The area of a catalogue finding the audit keeps; `None` for findings about the user's state
/// (no credential yet, an expired or rejected credential), which say nothing about the site.
fn area_of_catalogue(id: FindingId) -> Option<Area> {
    use FindingId as F;
    match id {
        F::UrlEmbeddedCredentials | F::AuthorizationDroppedOnCrossOriginRedirect => Some(Area::Transport),
        F::CredentialsModeOmitsCookies | F::NoCorsModeStripsAuthorization => Some(Area::Cors),
        F::ApiCannotAttachAuthorization => Some(Area::Challenges),
        F::DuplicateCookieShadowing => Some(Area::Cookies),
        F::JwtAlgRejected | F::IdTokenAsAccessToken | F::BearerTokenInUrl => Some(Area::Tokens),
        _ => match id.group() {
            Group::D | Group::E => Some(Area::Cookies),
            Group::F => Some(Area::Cors),
            Group::G | Group::H => Some(Area::Challenges),
            Group::I => Some(Area::Transport),
            Group::A | Group::B | Group::C => None,
        },
    }
}

/// Per-area totals and grade.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AreaGrade {
    pub area: Area,
    pub grade: grade::Grade,
    pub score: u8,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// Counts per severity (the same type as `check`'s summary).
pub use crate::finding::Summary;

/// `input` of the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    pub file: String,
    pub entries: usize,
}

/// The audit report: `authlens audit --format json` and the extension's audit page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub tool: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub input: Input,
    pub grade: grade::Grade,
    pub score: u8,
    pub summary: Summary,
    pub areas: Vec<AreaGrade>,
    pub findings: Vec<AuditFinding>,
    /// Per engine, how many findings block it or will.
    pub browsers: Vec<engines::EngineTotal>,
}

/// Audits `capture` (`file` names it in the report). Secrets stay redacted unless `reveal`.
pub fn audit(file: &str, capture: &Capture<'_>, reveal: bool) -> Report {
    let corr = Correlation::build(capture);
    let mut found: Vec<AuditFinding> = Vec::new();
    let mut flagged: HashMap<usize, Vec<FindingId>> = HashMap::new();
    for (i, ex) in capture.exchanges.iter().enumerate() {
        if !crate::diagnose::is_candidate(ex) {
            continue;
        }
        let Some(d) = crate::diagnose::diagnose(capture, &corr, i) else { continue };
        if d.findings.is_empty() {
            continue;
        }
        flagged.insert(i, d.findings.iter().map(|f| f.id).collect());
        if d.recovered_by.is_some() {
            continue;
        }
        for f in &d.findings {
            if let Some(area) = area_of_catalogue(f.id) {
                found.push(AuditFinding::from_diagnosis(f, area, origin_of(&ex.url), i));
            }
        }
    }
    let ctx = Scope { capture, flagged: &flagged };
    cookies::check(&ctx, &mut found);
    challenges::check(&ctx, &mut found);
    cors::check(&ctx, &mut found);
    transport::check(&ctx, &mut found);
    tokens::check(&ctx, &mut found);
    let mut findings = aggregate(found);
    for f in &mut findings {
        if f.area.has_verdicts() && f.browsers.is_empty() {
            f.browsers = engines::verdicts(f);
        }
        if reveal {
            *f = f.revealed();
        }
        if !reveal {
            for e in &mut f.evidence {
                if e.raw.is_none() && looks_like_url(&e.value) {
                    e.value = crate::secret::redact_url(&e.value);
                }
            }
        }
    }
    findings.sort_by(|a, b| {
        (a.severity, a.area, a.entries.first(), a.id).cmp(&(b.severity, b.area, b.entries.first(), b.id))
    });
    let summary = count(&findings);
    let areas = Area::ALL
        .iter()
        .map(|&area| {
            let c = count(findings.iter().filter(|f| f.area == area));
            let (grade, score) = grade::grade(&c);
            AreaGrade { area, grade, score, errors: c.errors, warnings: c.warnings, infos: c.infos }
        })
        .collect();
    let (grade, score) = grade::grade(&summary);
    let browsers = engines::totals(&findings);
    Report {
        tool: "authlens",
        version: env!("CARGO_PKG_VERSION"),
        kind: "audit",
        input: Input { file: file.to_string(), entries: capture.exchanges.len() },
        grade,
        score,
        summary,
        areas,
        findings,
        browsers,
    }
}

/// What the audit's own rules read besides the capture: the diagnosis ids of each flagged exchange
/// (a rule steps aside where the diagnosis already judged the same thing).
pub(crate) struct Scope<'s, 'a> {
    pub capture: &'s Capture<'a>,
    pub flagged: &'s HashMap<usize, Vec<FindingId>>,
}

impl Scope<'_, '_> {
    /// Whether the diagnosis of exchange `i` has finding `id`.
    pub fn diagnosed(&self, i: usize, id: FindingId) -> bool {
        self.flagged.get(&i).is_some_and(|v| v.contains(&id))
    }
}

fn count<'f>(fs: impl IntoIterator<Item = &'f AuditFinding>) -> Summary {
    let mut s = Summary::default();
    for f in fs {
        s.add(f.severity);
    }
    s
}

/// One finding per (id, subject): the first occurrence's words, every occurrence's entries and
/// related exchanges, the worst severity. Linear (a hash map of keys).
fn aggregate(found: Vec<AuditFinding>) -> Vec<AuditFinding> {
    let mut out: Vec<AuditFinding> = Vec::new();
    let mut at: HashMap<(Id, String), usize> = HashMap::new();
    for f in found {
        match at.get(&(f.id, f.subject.clone())) {
            Some(&k) => {
                if let Some(o) = out.get_mut(k) {
                    o.entries.extend(f.entries);
                    o.related.extend(f.related);
                    o.severity = o.severity.min(f.severity);
                }
            }
            None => {
                at.insert((f.id, f.subject.clone()), out.len());
                out.push(f);
            }
        }
    }
    for f in &mut out {
        f.entries.sort_unstable();
        f.entries.dedup();
        f.related.sort_unstable();
        f.related.dedup();
        f.related.retain(|r| !f.entries.contains(r));
    }
    out
}

/// `scheme://host[:port]` of a URL string, or the string when it does not parse.
pub(crate) fn origin_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => u.origin().ascii_serialization(),
        Err(_) => url.chars().take(200).collect(),
    }
}

fn looks_like_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

#[cfg(test)]
mod tests;
