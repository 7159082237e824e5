//! The `WWW-Authenticate` challenge parser, on one line or several (split at newlines).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = authlens::headers::www_authenticate::parse([s]);
    let _ = authlens::headers::www_authenticate::parse(s.split('\n'));
});
