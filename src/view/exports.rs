//! The two texts a flagged request can be copied as — "Copy report" (Markdown) and "Copy as cURL" —
//! built only when asked (issue 13): they were once built for every flagged entry of every analysis
//! and stored with it, which made a tab's record ~20 KiB per entry and most of a flagged entry's
//! cost, for buttons rarely pressed.

use crate::finding::Finding;
use crate::model::{Capture, Exchange};
use serde::Serialize;

/// What the Copy buttons of one flagged request copy (redacted unless built revealed).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct EntryExports {
    /// The capture index of the request (`EntryView::index`).
    pub index: usize,
    /// A Markdown report of this entry, for "Copy report".
    pub markdown: String,
    /// The request as a cURL command, for "Copy as cURL".
    pub curl: String,
}

/// The exports of one diagnosed exchange, from its ranked (unrevealed) findings; with `reveal`
/// the evidence, headers, URL and command show secrets in full, as the revealed view does.
pub(crate) fn of(ex: &Exchange<'_>, index: usize, findings: &[Finding], reveal: bool) -> EntryExports {
    let revealed: Vec<Finding>;
    let findings = if reveal {
        revealed = findings.iter().map(Finding::revealed).collect();
        &revealed[..]
    } else {
        findings
    };
    // Each header judged once, exactly as the view's raw header lists are.
    let shown = |h: &crate::model::Headers<'_>| -> Vec<(String, String)> {
        h.0.iter().map(|x| (x.name.to_string(), crate::secret::header_value(&x.name, &x.value, reveal))).collect()
    };
    let request = shown(&ex.request_headers);
    let response = shown(&ex.response_headers);
    let markdown = crate::report::markdown::entry_markdown(
        ex,
        findings,
        request.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        response.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        reveal,
    );
    EntryExports { index, markdown, curl: crate::report::curl::curl(ex, reveal) }
}

/// The exports of every flagged request of `capture`, in capture order: the same entries, findings
/// and redaction as `crate::analyze_with(capture, reveal)` gives views for, without the views.
pub fn exports(capture: &Capture<'_>, reveal: bool) -> Vec<EntryExports> {
    crate::diagnose::diagnose_capture(capture)
        .into_iter()
        .filter_map(|d| capture.exchanges.get(d.index).map(|ex| of(ex, d.index, &d.findings, reveal)))
        .collect()
}
