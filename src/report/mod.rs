//! Reports of a diagnosed capture: the JSON contract of `authlens check --format json`,
//! and the text and Markdown renderings for people.

pub mod curl;
pub mod markdown;
pub mod text;

use crate::catalogue::Severity;
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
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

/// The whole report: exactly the contract's shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub tool: &'static str,
    pub version: &'static str,
    pub input: Input,
    pub entries: Vec<Entry>,
    pub summary: Summary,
}

impl Report {
    /// Builds the report of `capture` from its diagnoses. Secrets stay redacted unless `reveal`.
    pub fn build(file: &str, capture: &Capture<'_>, diagnoses: &[EntryDiagnosis], reveal: bool) -> Report {
        let mut summary = Summary::default();
        let entries = diagnoses
            .iter()
            .filter_map(|d| {
                let ex = capture.exchanges.get(d.index)?;
                let findings: Vec<Finding> =
                    d.findings.iter().map(|f| if reveal { f.revealed() } else { f.clone() }).collect();
                for f in &findings {
                    match f.severity {
                        Severity::Error => summary.errors += 1,
                        Severity::Warn => summary.warnings += 1,
                        Severity::Info => summary.infos += 1,
                    }
                }
                Some(Entry {
                    index: d.index,
                    method: ex.method.to_string(),
                    url: ex.url.to_string(),
                    status: ex.status,
                    findings,
                })
            })
            .collect();
        Report {
            tool: "authlens",
            version: VERSION,
            input: Input { file: file.to_string(), entries: capture.exchanges.len() },
            entries,
            summary,
        }
    }
}
