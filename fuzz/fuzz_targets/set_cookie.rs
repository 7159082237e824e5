//! The `Set-Cookie` parser (6265bis §5.6), line by line as Firefox joins them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    for line in authlens::headers::set_cookie::split_lines(s) {
        let _ = authlens::headers::set_cookie::parse(line);
    }
    let _ = authlens::headers::set_cookie::default_path(s);
});
