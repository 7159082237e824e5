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

/// Reads what `authlens check` accepts: a HAR, or an AuthLens capture file (the extension's stored
/// record of a tab: a JSON object with `exchanges` in the core's own shape, as the popup hands it to
/// the core), so the CLI can replay exactly what the popup diagnosed.
pub fn parse_input(bytes: &[u8]) -> Result<Capture<'_>, HarError> {
    let har_error = match har::parse_bytes(bytes) {
        Ok(c) => return Ok(c),
        Err(e) => e,
    };
    let Ok(text) = std::str::from_utf8(bytes) else { return Err(har_error) };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Only a document that names `exchanges` is tried as a capture; any other reads as a HAR error.
    if !text.contains("\"exchanges\"") {
        return Err(har_error);
    }
    serde_json::from_str::<Capture<'_>>(text).map_err(|_| har_error)
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
    fn a_capture_file_reads_like_the_popup_does() {
        let cap = r#"{"exchanges":[{"method":"GET","url":"https://api.test/me","status":401,
            "requestHeaders":[{"name":"Authorization","value":"Bearer abcdefghijklmnopqrstuvwxyz0123"}],
            "responseHeaders":[{"name":"WWW-Authenticate","value":"Bearer error=\"invalid_token\""}]}],
            "browser":"firefox","updatedMs":1,"entries":[]}"#;
        let c = parse_input(cap.as_bytes()).expect("a capture file");
        assert_eq!(c.exchanges.len(), 1);
        assert_eq!(c.browser, crate::model::Browser::Firefox);
        assert_eq!(parse_input(HAR.as_bytes()).unwrap().exchanges.len(), 2);
        // Near misses keep the HAR importer's error: no `exchanges`, or exchanges of the wrong shape.
        assert_eq!(parse_input(b"{\"foo\":1}").unwrap_err(), har::parse(r#"{"foo":1}"#).unwrap_err());
        assert!(parse_input(br#"{"exchanges":5}"#).is_err());
    }

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
