//! The `Cookie` request header parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let pairs = authlens::headers::cookie::parse(s);
    let _ = authlens::headers::cookie::duplicate_names(&pairs);
    let _ = authlens::headers::cookie::parse_all(s.split('\n'));
});
