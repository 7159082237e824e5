//! The one module that binds to JavaScript. Data crosses as JSON in (a capture as UTF-8 bytes,
//! anything small as text) and serde-wasm-bindgen values out; no other module sees `JsValue`.
//! `web-sys` lives here too, and only here: the console (input the core rejects is reported, never
//! dropped silently) and the `performance` timeline (each analysis is measured as
//! `authlens:analyze`, which the in-browser benchmark and a developer's Performance panel read).
//!
//! Two modules are built from this file (`build.sh`): the **worker** module (default features), which
//! the service worker compiles at every start and the popup loads for Reveal, holds what they call;
//! the **page** module (feature `page`) adds the audit, HAR import and HAR export exports that only
//! the audit page, the DevTools panel and `har-worker.js` call. Code no export reaches is dropped by
//! the linker, so the audit, HAR parser and report renderers never weigh on the worker's start-up.

use crate::interest::{self, Triage};
use crate::model::{Capture, Exchange};
use serde::Serialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The `performance` measure around every analysis (marks `…:start` and `…:end`).
const MEASURE: &str = "authlens:analyze";

/// The core's version (for the popup's footer and for start-up checks).
#[wasm_bindgen]
pub fn version() -> String {
    crate::report::VERSION.to_string()
}

/// Says on the console what the core refused, and why (the shell's own bug, or a browser's
/// unexpected event shape: either way someone should see it).
fn warn(what: &str, e: &dyn std::fmt::Display) {
    web_sys::console::warn_1(&JsValue::from_str(&format!("AuthLens core: rejected {what}: {e}")));
}

/// A capture from its JSON as UTF-8 bytes (`TextEncoder` output in `extension/core.js`). Bytes,
/// not a `&str`: wasm-bindgen copies a string argument into wasm one UTF-16 unit at a time in JS
/// (`passStringToWasm0`), 18% of `analyze` on a 10,000-exchange capture, where `TextEncoder` and
/// one `Uint8Array.set` are native copies. The text is validated once, then parsed as before.
fn parse(capture_json: &[u8]) -> Result<Capture<'_>, JsValue> {
    let rejected = |e: &dyn std::fmt::Display| {
        warn("a capture", e);
        JsValue::from(js_sys::Error::new(&format!("invalid capture: {e}")))
    };
    let text = std::str::from_utf8(capture_json).map_err(|e| rejected(&e))?;
    serde_json::from_str(text).map_err(|e| rejected(&e))
}

/// One exchange (or a list of them) from JSON, or `None` after a console warning.
/// The browser's reports (precise mode: a JSON array of `browser_report::BrowserReport`); bad input
/// becomes a JS `Error`.
fn parse_reports(reports_json: &str) -> Result<Vec<crate::browser_report::BrowserReport<'_>>, JsValue> {
    serde_json::from_str(reports_json).map_err(|e| {
        warn("browser reports", &e);
        JsValue::from(js_sys::Error::new(&format!("invalid browser reports: {e}")))
    })
}

fn parse_quiet<'a, T: serde::Deserialize<'a>>(what: &str, json: &'a str) -> Option<T> {
    serde_json::from_str(json).map_err(|e| warn(what, &e)).ok()
}

fn to_js<T: Serialize + ?Sized>(out: &T) -> Result<JsValue, JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    out.serialize(&ser).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// The global scope's `performance` (a window's or a worker's; `web_sys::window()` is absent in a
/// service worker), when there is one.
fn performance() -> Option<web_sys::Performance> {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok()?.dyn_into().ok()
}

/// Runs `f` between two `performance` marks and records the `authlens:analyze` measure. Only the
/// newest measure is kept in the timeline (a long-lived worker must not grow it without bound);
/// a `PerformanceObserver` sees every one.
fn measured<T>(f: impl FnOnce() -> T) -> T {
    let perf = performance();
    let start = format!("{MEASURE}:start");
    let end = format!("{MEASURE}:end");
    if let Some(p) = &perf {
        let _ = p.mark(&start);
    }
    let out = f();
    if let Some(p) = &perf {
        let _ = p.mark(&end);
        p.clear_measures_with_measure_name(MEASURE);
        let _ = p.measure_with_start_mark_and_end_mark(MEASURE, &start, &end);
        p.clear_marks_with_mark_name(&start);
        p.clear_marks_with_mark_name(&end);
    }
    out
}

/// Analyses a capture given as JSON (UTF-8 bytes of `{"exchanges":[…], "browser":"chromium"}`) and
/// returns `{version, entries: EntryView[]}` for the exchanges that have findings. Secret evidence is
/// redacted. Bad input becomes a JS `Error` (and a console warning).
#[wasm_bindgen]
pub fn analyze(capture_json: &[u8]) -> Result<JsValue, JsValue> {
    let capture = parse(capture_json)?;
    to_js(&measured(|| crate::analyze(&capture)))
}

/// The same analysis with secrets shown in full (evidence, raw headers; the Copy texts are
/// [`entry_exports`]): only for the popup's "Reveal secrets" toggle, which runs it locally on the
/// session-only capture and never stores the result.
#[wasm_bindgen(js_name = analyzeRevealed)]
pub fn analyze_revealed(capture_json: &[u8]) -> Result<JsValue, JsValue> {
    let capture = parse(capture_json)?;
    to_js(&measured(|| crate::analyze_with(&capture, true)))
}

/// What the Copy buttons copy, built only when one is pressed (the stored views carry neither
/// text): `[{index, markdown, curl}]` for every flagged request of the capture (JSON, as
/// [`analyze`]), the same entries and redaction as [`analyze`] (`reveal`: as
/// [`analyze_revealed`]). With browser reports (JSON array, as [`analyze_precise`]; `"[]"` for
/// none) the findings are precise mode's. Bad input becomes a JS `Error`.
#[wasm_bindgen(js_name = entryExports)]
pub fn entry_exports(capture_json: &[u8], reports_json: &str, reveal: bool) -> Result<JsValue, JsValue> {
    let capture = parse(capture_json)?;
    let reports = parse_reports(reports_json)?;
    let out = if reports.is_empty() {
        crate::view::exports::exports(&capture, reveal)
    } else {
        // The capture precise mode diagnoses (`crate::analyze_precise`).
        let matches = crate::browser_report::attach(&capture.exchanges, &reports);
        crate::view::exports::exports(&crate::browser_report::merged(&capture, &reports, &matches), reveal)
    };
    to_js(&out)
}

/// Precise mode (`crate::analyze_precise`): the capture (JSON, as [`analyze`]) with the browser's
/// own verdicts (JSON array of `browser_report::BrowserReport`, collected through
/// `chrome.debugger`) merged in; `{version, entries, comparisons, unmatchedReports}`. Secrets
/// redacted unless `reveal`. Bad input becomes a JS `Error`.
#[wasm_bindgen(js_name = analyzePrecise)]
pub fn analyze_precise(capture_json: &[u8], reports_json: &str, reveal: bool) -> Result<JsValue, JsValue> {
    let capture = parse(capture_json)?;
    let reports = parse_reports(reports_json)?;
    to_js(&measured(|| crate::analyze_precise(&capture, &reports, reveal)))
}

/// Audits a recorded sign-in (the same capture JSON as [`analyze`], every exchange of the flow):
/// `audit::Report`, the JSON of `authlens audit --format json`. Secrets redacted unless `reveal`
/// (the audit page's own Reveal toggle).
#[cfg(feature = "page")]
#[wasm_bindgen]
pub fn audit(capture_json: &[u8], reveal: bool) -> Result<JsValue, JsValue> {
    let capture = parse(capture_json)?;
    to_js(&crate::audit::audit("extension recording", &capture, reveal))
}

/// The Markdown of [`audit`], for the audit page's export (inert, redacted unless `reveal`).
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = auditMarkdown)]
pub fn audit_markdown(capture_json: &[u8], reveal: bool) -> Result<String, JsValue> {
    let capture = parse(capture_json)?;
    Ok(crate::report::audit::markdown(&crate::audit::audit("extension recording", &capture, reveal)))
}

/// How much one exchange (JSON, `model::Exchange`) matters: `"failure"`, `"cookie"`,
/// `"context"` or `null` (see `interest::interest`). Unparseable input warns and gives `null`.
#[wasm_bindgen]
pub fn interest(exchange_json: &str) -> JsValue {
    parse_quiet::<Exchange<'_>>("an exchange", exchange_json)
        .and_then(|ex| interest::interest(&ex))
        .and_then(|i| to_js(&i).ok())
        .unwrap_or(JsValue::NULL)
}

/// Whether an audit recording keeps this exchange (JSON, `model::Exchange`); see
/// `interest::audit_relevant`. Unparseable input warns and gives `false`.
#[wasm_bindgen(js_name = auditKeeps)]
pub fn audit_keeps(exchange_json: &str) -> bool {
    parse_quiet::<Exchange<'_>>("an exchange", exchange_json).is_some_and(|ex| interest::audit_relevant(&ex))
}

/// The shell's decision for a finished request: `chain_json` is its redirect hops then where it
/// ended (a JSON array of exchanges). Returns `{keep, trigger, interests, ignored}` (see
/// `interest::triage`). Unparseable input warns and keeps nothing.
#[wasm_bindgen]
pub fn triage(chain_json: &str) -> Result<JsValue, JsValue> {
    let chain: Vec<Exchange<'_>> = parse_quiet("a request chain", chain_json).unwrap_or_default();
    if chain.is_empty() {
        return to_js(&Triage::default());
    }
    to_js(&interest::triage(&chain))
}

/// Whether `later` repeats the failed request `failed` with a credential and succeeded (both JSON
/// exchanges; see `interest::is_recovery`). Unparseable input warns and gives `false`.
#[wasm_bindgen(js_name = isRecovery)]
pub fn is_recovery(failed_json: &str, later_json: &str) -> bool {
    match (
        parse_quiet::<Exchange<'_>>("an exchange", failed_json),
        parse_quiet::<Exchange<'_>>("an exchange", later_json),
    ) {
        (Some(failed), Some(later)) => interest::is_recovery(&failed, &later),
        _ => false,
    }
}

#[derive(Serialize)]
struct HeaderLine<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct Borrowing<'a> {
    index: usize,
    headers: Vec<HeaderLine<'a>>,
}

/// For a tab's exchanges (a JSON array), the failed requests that borrow request headers from
/// their preflight: `[{index, headers: [{name, value}]}]` (see `interest::preflight_borrowings`).
/// Unparseable input warns and gives `[]`.
#[wasm_bindgen(js_name = preflightBorrowings)]
pub fn preflight_borrowings(exchanges_json: &str) -> Result<JsValue, JsValue> {
    let list: Vec<Exchange<'_>> = parse_quiet("a list of exchanges", exchanges_json).unwrap_or_default();
    let found = interest::preflight_borrowings(&list);
    let out: Vec<Borrowing<'_>> = found
        .iter()
        .map(|(index, h)| Borrowing {
            index: *index,
            headers: h.0.iter().map(|h| HeaderLine { name: &h.name, value: &h.value }).collect(),
        })
        .collect();
    to_js(&out)
}

/// The registrable domain (eTLD+1) of `host` by the bundled Public Suffix List, or `host` itself
/// when it has none (an IP address, a bare public suffix). The extension uses it to snapshot
/// every cookie of the site, so the core can tell path and host mismatches apart.
#[wasm_bindgen(js_name = registrableDomain)]
pub fn registrable_domain(host: &str) -> String {
    crate::site::registrable_domain(host).unwrap_or_else(|| host.to_string())
}

/// `url` with its secrets redacted, as every view shows URLs (`secret::redact_url`: token-like
/// query and fragment parameters, a userinfo password). The extension stores the tab's page URL
/// this way beside the sealed capture, so the popup's header never shows a `?code=` raw.
#[wasm_bindgen(js_name = redactUrl)]
pub fn redact_url(url: &str) -> String {
    crate::secret::redact_url(url)
}

// ---- HAR import and export (DevTools panel, import page): the page module only -------------

/// A HAR file checked as `authlens check` does (`offline::check_har`): `{report, entries,
/// markdown}`, where `report` is the JSON `authlens check --format json` prints and `entries` the
/// popup's views. A file that is not a HAR becomes a JS `Error` whose message is the CLI's text
/// (`HarError`'s Display).
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = checkHar)]
pub fn check_har(bytes: &[u8], file: &str, reveal: bool) -> Result<JsValue, JsValue> {
    match measured(|| crate::offline::check_har(bytes, file, reveal)) {
        Ok(checked) => to_js(&checked),
        Err(e) => Err(JsValue::from(js_sys::Error::new(&e.to_string()))),
    }
}

/// A redacted HAR (text) of the flagged requests of the HAR `bytes` (`har::redact`: Cookie,
/// Set-Cookie and Authorization removed as in Chrome's sanitized export, token-like values
/// redacted). Errors as [`check_har`].
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = redactedHar)]
pub fn redacted_har(bytes: &[u8]) -> Result<String, JsValue> {
    crate::offline::redacted_har(bytes).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// A redacted HAR of the flagged requests of a capture given as JSON (UTF-8 bytes; the tab record
/// the background keeps), for the panel's export of live requests.
#[cfg(feature = "page")]
#[wasm_bindgen(js_name = redactedHarOfCapture)]
pub fn redacted_har_of_capture(capture_json: &[u8]) -> Result<String, JsValue> {
    let capture = parse(capture_json)?;
    let flagged = crate::offline::flagged_indices(&capture);
    Ok(crate::har::redact::redacted_har(&capture, &flagged, crate::report::VERSION))
}
