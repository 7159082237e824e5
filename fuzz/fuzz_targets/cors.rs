//! The CORS header parsers and checks, on header lines `name: value` taken from the input.
#![no_main]

use authlens::fetch::{self, CredentialsMode};
use authlens::headers::cors;
use authlens::model::{Header, Headers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let headers = Headers(
        s.lines().filter_map(|l| l.split_once(':')).map(|(n, v)| Header::new(n.trim(), v.trim())).collect(),
    );
    let origin = headers.get("origin").unwrap_or("https://app.example");
    let _ = cors::allow_origin(&headers);
    let _ = cors::allow_credentials(&headers);
    let _ = cors::token_list(&headers, "access-control-allow-headers");
    let _ = cors::token_list(&headers, "access-control-allow-methods");
    let _ = cors::max_age(&headers);
    let _ = cors::request_origin(&headers);
    let _ = cors::request_header_names(&headers);
    for mode in [CredentialsMode::Omit, CredentialsMode::SameOrigin, CredentialsMode::Include] {
        let _ = fetch::cors_check_headers(origin, mode, &headers);
    }
    let method = headers.get("access-control-request-method").unwrap_or("GET");
    let _ = fetch::needs_preflight(method, headers.0.iter().map(|h| (h.name.as_ref(), h.value.as_ref())));
});
