//! A HAR file checked in the browser exactly as `authlens check` checks it: the same import
//! (`har::parse_bytes`), the same diagnosis (`diagnose::diagnose_capture`) and the same report
//! (`report::Report`), plus the popup's view of each flagged entry for painting and the exports
//! (Markdown report, redacted HAR of the flagged requests).

use crate::har::{self, HarError};
use crate::model::Capture;
use crate::report::{self, Report};
use crate::{diagnose, view};
use serde::Serialize;

/// Everything the extension's import page and DevTools panel show for one HAR file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Checked {
    /// What `authlens check --format json` prints for the file (same ids, same order).
    pub report: Report,
    /// The popup's view of every flagged entry, in the report's order.
    pub entries: Vec<view::EntryView>,
    /// What `authlens check --format markdown` prints.
    pub markdown: String,
}

/// Checks a HAR given as bytes, named `file` in the report; `reveal` shows secrets in full.
pub fn check_har(bytes: &[u8], file: &str, reveal: bool) -> Result<Checked, HarError> {
    let capture = har::parse_bytes(bytes)?;
    Ok(check_capture(&capture, file, reveal))
}

/// [`check_har`] on a capture already imported.
pub fn check_capture(capture: &Capture<'_>, file: &str, reveal: bool) -> Checked {
    let diagnoses = diagnose::diagnose_capture(capture);
    let report = Report::build(file, capture, &diagnoses, reveal);
    let markdown = report::markdown::render(&report);
    // The views come from the extension's own path (`analyze_with`); a test holds the two in step.
    let entries = crate::analyze_with(capture, reveal).entries;
    Checked { report, entries, markdown }
}

/// The capture indices of the entries `check_capture` flags (what a redacted export holds).
pub fn flagged_indices(capture: &Capture<'_>) -> Vec<usize> {
    diagnose::diagnose_capture(capture).into_iter().map(|d| d.index).collect()
}

/// A redacted HAR (see `har::redact`) of the flagged requests of the HAR `bytes`.
pub fn redacted_har(bytes: &[u8]) -> Result<String, HarError> {
    let capture = har::parse_bytes(bytes)?;
    Ok(har::redact::redacted_har(&capture, &flagged_indices(&capture), report::VERSION))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAR: &str = r#"{"log":{"entries":[
        {"request":{"method":"GET","url":"https://api.test/me","headers":[{"name":"Authorization","value":"Bearer abcdefghijklmnopqrstuvwxyz0123"}]},
         "response":{"status":401,"headers":[{"name":"WWW-Authenticate","value":"Bearer error=\"invalid_token\""}]}},
        {"request":{"method":"GET","url":"https://api.test/ok"},"response":{"status":200}}]}}"#;

    #[test]
    fn same_report_as_the_cli_path() {
        let c = check_har(HAR.as_bytes(), "x.har", false).unwrap();
        let capture = har::parse(HAR).unwrap();
        let cli = Report::build("x.har", &capture, &diagnose::diagnose_capture(&capture), false);
        assert_eq!(c.report, cli);
        assert!(!c.report.entries.is_empty(), "the 401 is flagged");
        let ids: Vec<_> = c.report.entries.iter().map(|e| e.index).collect();
        let view_ids: Vec<_> = c.entries.iter().map(|e| e.index).collect();
        assert_eq!(ids, view_ids, "views in the report's order");
        assert!(c.markdown.contains("api.test/me"));
    }

    #[test]
    fn errors_are_the_importers() {
        assert_eq!(check_har(b"", "x", false).unwrap_err(), HarError::Empty);
        assert_eq!(check_har(b"{}", "x", false).unwrap_err().to_string(), HarError::NotHar.to_string());
        assert!(redacted_har(b"{x").is_err());
    }

    #[test]
    fn export_holds_only_the_flagged_without_the_token() {
        let out = redacted_har(HAR.as_bytes()).unwrap();
        let back = har::parse(&out).unwrap();
        assert_eq!(back.exchanges.len(), 1, "the 200 is not flagged");
        assert!(!out.contains("abcdefghijklmnopqrstuvwxyz0123"));
    }
}
