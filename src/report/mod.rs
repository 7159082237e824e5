//! Reports of a diagnosed capture: the JSON contract of `authlens check --format json`,
//! and the text and Markdown renderings for people.

pub mod audit;
pub mod curl;
pub mod markdown;
pub mod sarif;
pub mod text;

use crate::diagnose::EntryDiagnosis;
use crate::finding::Finding;
use crate::model::Capture;
use serde::Serialize;

/// The tool's version, as reported in every report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// `input` of the JSON contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Input {
    pub file: String,
    pub entries: usize,
}

/// One analysed entry of the JSON contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    pub index: usize,
    pub method: String,
    pub url: String,
    pub status: u16,
    pub findings: Vec<Finding>,
}

/// `summary` of the JSON contract.
pub use crate::finding::Summary;

/// Something about the capture as a whole that changes how its findings read (not a cause, so
/// not a finding; the JSON has `notices` only when there is one).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Notice {
    pub id: &'static str,
    pub title: &'static str,
    pub explanation: String,
    pub steps: Vec<&'static str>,
}

/// The whole report: the contract's shape, plus `notices` when the capture needs one.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub tool: &'static str,
    pub version: &'static str,
    pub input: Input,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    pub entries: Vec<Entry>,
    pub summary: Summary,
}

/// The notices `capture` calls for.
fn notices(capture: &Capture<'_>) -> Vec<Notice> {
    let mut out = Vec::new();
    let failed = capture.exchanges.iter().filter(|x| matches!(x.status, 0 | 401 | 403 | 407)).count();
    if capture.credential_headers_removed && failed > 0 {
        out.push(Notice {
            id: "har-credential-headers-removed",
            title: "This HAR was exported without cookies and Authorization headers",
            explanation: format!(
                "No entry of this Chrome DevTools capture has a Cookie, Set-Cookie or Authorization header, which is \
                 what \"Export HAR (sanitized)\" (Chrome's default export since late 2024) produces. So AuthLens cannot \
                 tell whether {} carried credentials: findings that would rest on a missing credential are \
                 withheld, and cookie rules have nothing to read.",
                if failed == 1 { "the failed request".to_string() } else { format!("the {failed} failed requests") }
            ),
            steps: vec![
                "In Chrome DevTools open Settings › Preferences › Network and tick \"Allow to generate HAR with sensitive data\".",
                "Reproduce the failure, then use Network › Export HAR (with sensitive data) and run authlens check on that file.",
                "The file then holds live session cookies and tokens: keep it private, and share authlens reports (secrets redacted) instead.",
            ],
        });
    }
    out
}

impl Report {
    /// Builds the report of `capture` from its diagnoses. Secrets stay redacted unless `reveal`.
    pub fn build(file: &str, capture: &Capture<'_>, diagnoses: &[EntryDiagnosis], reveal: bool) -> Report {
        let findings = diagnoses
            .iter()
            .map(|d| (d.index, d.findings.iter().map(|f| if reveal { f.revealed() } else { f.clone() }).collect()));
        Self::assemble(file, capture, findings, reveal)
    }

    /// [`Report::build`] taking the diagnoses, so their findings move into the report instead of
    /// being cloned and then dropped (the CLI, which needs them for nothing else: issue 13).
    pub fn from_diagnoses(file: &str, capture: &Capture<'_>, diagnoses: Vec<EntryDiagnosis>, reveal: bool) -> Report {
        let findings = diagnoses
            .into_iter()
            .map(|d| (d.index, if reveal { d.findings.iter().map(Finding::revealed).collect() } else { d.findings }));
        Self::assemble(file, capture, findings, reveal)
    }

    /// The report from each flagged entry's index and its findings (already revealed or not).
    fn assemble(
        file: &str,
        capture: &Capture<'_>,
        findings: impl Iterator<Item = (usize, Vec<Finding>)>,
        reveal: bool,
    ) -> Report {
        let mut summary = Summary::default();
        let entries = findings
            .filter_map(|(index, findings)| {
                let ex = capture.exchanges.get(index)?;
                for f in &findings {
                    summary.add(f.severity);
                }
                Some(Entry {
                    index,
                    method: ex.method.to_string(),
                    url: if reveal { ex.url.to_string() } else { crate::secret::redact_url(&ex.url) },
                    status: ex.status,
                    findings,
                })
            })
            .collect();
        Report {
            tool: "authlens",
            version: VERSION,
            input: Input { file: file.to_string(), entries: capture.exchanges.len() },
            notices: notices(capture),
            entries,
            summary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_and_borrowed_diagnoses_give_one_report() {
        let text = include_str!("../../examples/spa-jwt-expired.har");
        let capture = crate::har::parse(text).unwrap();
        for reveal in [false, true] {
            let d = crate::diagnose::diagnose_capture(&capture);
            let built = Report::build("x.har", &capture, &d, reveal);
            assert!(!built.entries.is_empty(), "the example has findings");
            assert_eq!(Report::from_diagnoses("x.har", &capture, d, reveal), built, "reveal {reveal}");
        }
    }
}
