//! The date parsers: cookie-date, HTTP-date and HAR's RFC 3339 timestamps.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let _ = authlens::headers::date::parse_cookie_date(s);
    let _ = authlens::headers::date::parse_http_date(s);
    let _ = authlens::har::parse_rfc3339_ms(s);
});
