//! `diagnose_capture` on a capture in the extension's JSON form (`model::Capture`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(capture) = serde_json::from_slice::<authlens::model::Capture<'_>>(data) {
        let _ = authlens::diagnose::diagnose_capture(&capture);
        let _ = authlens::analyze(&capture);
    }
});
