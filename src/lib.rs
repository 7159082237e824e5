//! AuthLens core: why was this request unauthorized?
//!
//! One way down: **parse** (`headers/`) → **correlate** (`correlate`) → **diagnose** (`diagnose/`)
//! → **present** (`report/`, `view`). The core is pure: no clock reads, no I/O, no `JsValue`
//! outside `wasm`. The same core runs natively (the `authlens` CLI on HAR files) and in the
//! browser extension (wasm).

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod audit;
pub mod browser_report;
pub mod catalogue;
pub mod clock;
pub mod cookies;
pub mod correlate;
pub mod diagnose;
pub mod engine;
pub mod fetch;
pub mod finding;
pub mod har;
pub mod headers;
pub mod interest;
pub mod model;
pub mod offline;
pub mod quote;
pub mod report;
pub(crate) mod secret;
pub(crate) mod signals;
pub mod site;
#[cfg(test)]
mod testkit;
pub mod view;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

use serde::Serialize;

/// The result of analysing a capture for the extension: one view per flagged exchange.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Analysis {
    pub version: &'static str,
    pub entries: Vec<view::EntryView>,
}

/// Diagnoses `capture` and builds the popup's view of every exchange that has findings, secrets
/// redacted.
pub fn analyze(capture: &model::Capture<'_>) -> Analysis {
    analyze_with(capture, false)
}

/// [`analyze`], with secrets shown in full when `reveal` (the popup's explicit "Reveal secrets").
pub fn analyze_with(capture: &model::Capture<'_>, reveal: bool) -> Analysis {
    let corr = correlate::Correlation::build(capture);
    let entries = capture
        .exchanges
        .iter()
        .enumerate()
        .filter(|(_, ex)| diagnose::is_candidate(ex))
        .filter_map(|(i, _)| diagnose::diagnose(capture, &corr, i))
        .filter(|d| !d.findings.is_empty())
        .map(|d| view::build(d, reveal))
        .collect();
    Analysis { version: report::VERSION, entries }
}

/// One flagged request in precise mode: the popup's view of the diagnosis with the browser's
/// verdicts merged in, the basis of each finding (in rank order), the verdicts themselves and what
/// inference alone found, so the popup can show both where they differ.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreciseEntry {
    #[serde(flatten)]
    pub entry: view::EntryView,
    /// `browser` or `inferred`, one per finding.
    pub bases: Vec<browser_report::Basis>,
    pub verdicts: Vec<browser_report::Verdict>,
    /// The comparison for this request, when the browser saw it.
    pub comparison: Option<browser_report::Comparison>,
}

/// [`Analysis`] in precise mode, plus the comparison of every request the browser reported on.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreciseAnalysis {
    pub version: &'static str,
    pub entries: Vec<PreciseEntry>,
    pub comparisons: Vec<browser_report::Comparison>,
    /// Reports that matched no captured exchange (requests the extension did not keep).
    pub unmatched_reports: usize,
}

/// Precise mode (issue 12 §4): diagnoses `capture` with the browser's own verdicts (`reports`)
/// merged in, labels each finding *reported by the browser* or *inferred*, and compares the
/// verdicts with what inference finds on the same capture without them.
pub fn analyze_precise(
    capture: &model::Capture<'_>,
    reports: &[browser_report::BrowserReport<'_>],
    reveal: bool,
) -> PreciseAnalysis {
    let matches = browser_report::attach(&capture.exchanges, reports);
    let used = matches.iter().flatten().count();
    let merged = browser_report::merged(capture, reports, &matches);
    let plain = browser_report::stripped(capture);
    let inferred: std::collections::HashMap<usize, Vec<finding::Finding>> =
        diagnose::diagnose_capture(&plain).into_iter().map(|d| (d.index, d.findings)).collect();
    let comparisons = browser_report::compare(capture, reports, &matches, &inferred);
    let by_index: std::collections::HashMap<usize, &browser_report::Comparison> =
        comparisons.iter().map(|c| (c.index, c)).collect();
    let verdicts_at = |i: usize| {
        matches
            .get(i)
            .copied()
            .flatten()
            .and_then(|ri| reports.get(ri))
            .map(browser_report::verdicts)
            .unwrap_or_default()
    };
    let entries = analyze_with(&merged, reveal)
        .entries
        .into_iter()
        .map(|entry| {
            let verdicts = verdicts_at(entry.index);
            PreciseEntry {
                bases: browser_report::bases(&entry.findings, &verdicts),
                comparison: by_index.get(&entry.index).map(|c| (*c).clone()),
                verdicts,
                entry,
            }
        })
        .collect();
    PreciseAnalysis {
        version: report::VERSION,
        entries,
        comparisons,
        unmatched_reports: reports.len().saturating_sub(used),
    }
}
