//! The one module that binds to JavaScript. Data crosses as JSON text in and serde-wasm-bindgen
//! values out; no other module sees `JsValue`.

use crate::model::Capture;
use wasm_bindgen::prelude::*;

/// The core's version (for the popup's footer and for start-up checks).
#[wasm_bindgen]
pub fn version() -> String {
    crate::report::VERSION.to_string()
}

/// Analyses a capture given as JSON text (`{"exchanges":[…], "browser":"chromium"}`) and returns
/// `{entries: EntryView[]}` for the exchanges that have findings. Bad input becomes a JS `Error`.
#[wasm_bindgen]
pub fn analyze(capture_json: &str) -> Result<JsValue, JsValue> {
    let capture: Capture<'_> = serde_json::from_str(capture_json)
        .map_err(|e| JsValue::from(js_sys::Error::new(&format!("invalid capture: {e}"))))?;
    let out = crate::analyze(&capture);
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true).serialize_missing_as_null(true);
    out.serialize(&ser).map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))
}

use serde::Serialize;
