//! The `Authorization` credentials parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = authlens::headers::authorization::parse(s);
});
