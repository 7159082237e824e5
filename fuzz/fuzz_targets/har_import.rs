//! The HAR importer, then the whole pipeline on whatever it accepts.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(capture) = authlens::har::parse_bytes(data) {
        let diagnoses = authlens::diagnose::diagnose_capture(&capture);
        let report = authlens::report::Report::build("fuzz", &capture, &diagnoses, false);
        let _ = authlens::report::text::render(&report, false);
        let _ = authlens::report::markdown::render(&report);
        let _ = authlens::analyze(&capture);
    }
});
