//! The one module that binds to JavaScript. Data crosses as JSON text in and serde-wasm-bindgen
//! values out; no other module sees `JsValue`.

use crate::model::Capture;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The core's version (for the popup's footer and for start-up checks).
#[wasm_bindgen]
pub fn version() -> String {
    crate::report::VERSION.to_string()
}

fn parse(capture_json: &str) -> Result<Capture<'_>, JsValue> {
    serde_json::from_str(capture_json).map_err(|e| JsValue::from(js_sys::Error::new(&format!("invalid capture: {e}"))))
}

fn to_js(out: &crate::Analysis) -> Result<JsValue, JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    out.serialize(&ser).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

/// Analyses a capture given as JSON text (`{"exchanges":[…], "browser":"chromium"}`) and returns
/// `{version, entries: EntryView[]}` for the exchanges that have findings. Secret evidence is
/// redacted. Bad input becomes a JS `Error`.
#[wasm_bindgen]
pub fn analyze(capture_json: &str) -> Result<JsValue, JsValue> {
    to_js(&crate::analyze(&parse(capture_json)?))
}

/// The same analysis with secrets shown in full (evidence, raw headers, the Markdown report and
/// the cURL command): only for the popup's "Reveal secrets" toggle, which runs it locally on the
/// session-only capture and never stores the result.
#[wasm_bindgen(js_name = analyzeRevealed)]
pub fn analyze_revealed(capture_json: &str) -> Result<JsValue, JsValue> {
    to_js(&crate::analyze_with(&parse(capture_json)?, true))
}

/// The registrable domain (eTLD+1) of `host` by the bundled Public Suffix List, or `host` itself
/// when it has none (an IP address, a bare public suffix). The extension uses it to snapshot
/// every cookie of the site, so the core can tell path and host mismatches apart.
#[wasm_bindgen(js_name = registrableDomain)]
pub fn registrable_domain(host: &str) -> String {
    crate::site::registrable_domain(host).unwrap_or_else(|| host.to_string())
}
