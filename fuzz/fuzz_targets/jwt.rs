//! The JWT decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = authlens::headers::jwt::looks_like_jwt(s);
    let _ = authlens::headers::jwt::decode(s);
});
