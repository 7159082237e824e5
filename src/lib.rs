//! AuthLens core: why was this request unauthorized?
//!
//! One way down: **parse** (`headers/`) → **correlate** (`correlate`) → **diagnose** (`diagnose/`)
//! → **present** (`report/`, `view`). The core is pure: no clock reads, no I/O, no `JsValue`
//! outside `wasm`. The same core runs natively (the `authlens` CLI on HAR files) and in the
//! browser extension (wasm).

#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod audit;
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
