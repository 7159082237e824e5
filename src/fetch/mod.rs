//! What the browser does with the CORS headers (WHATWG Fetch), as pure functions: the CORS
//! check, the CORS-preflight checks, which requests need a preflight, which response headers
//! script may read, and the redirect steps. It sits beside the cookie jar (`cookies/`): both are
//! the browser's behaviour, not a header's grammar (that is `headers::cors`).
//!
//! Nothing here judges a capture: `diagnose::cors` runs these on captured exchanges and decides
//! what is a finding.

mod cors_check;
mod exposure;
mod preflight;
mod redirect;
mod request;

pub(crate) use cors_check::cors_check;
pub use cors_check::{CorsFailure, cors_check_headers};
pub use exposure::Exposure;
pub use preflight::{AuthorizationWildcard, PreflightFailure, PreflightOk, PreflightRequest, check_preflight};
pub(crate) use redirect::{location_url, url_includes_credentials};
pub use redirect::{redirect_credentials_blocked, redirect_taints_origin};
pub(crate) use request::{author_request_headers, is_cors_non_wildcard_request_header_name};
pub use request::{
    cors_unsafe_request_header_names, is_cors_safelisted_method, is_cors_safelisted_request_header, needs_preflight,
};

/// The request's credentials mode (Fetch `credentials`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialsMode {
    Omit,
    SameOrigin,
    Include,
}

/// Whether a request in `mode` carries cookies and HTTP auth (Fetch "includeCredentials").
pub fn includes_credentials(mode: CredentialsMode, same_origin: bool) -> bool {
    match mode {
        CredentialsMode::Include => true,
        CredentialsMode::SameOrigin => same_origin,
        CredentialsMode::Omit => false,
    }
}
