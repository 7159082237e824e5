//! Rules about the `Authorization` credential and the server's challenge: catalogue groups A
//! (header-borne credentials), B (rejections other than cookies and JWT claims), the
//! header-stripping rules of G, and the protocol rules of H.
//!
//! Parsing lives in `headers::authorization` and `headers::www_authenticate`; the submodules
//! here only judge, reading the parsed credential (`Ctx::auth`), the parsed challenges
//! (`Ctx::challenges`, `Ctx::proxy_challenges`) and the key headers (`Ctx::api_keys`); the
//! [`CredentialFacts`] the views show are computed for flagged entries only. Each rule is one
//! function named after its catalogue id. The popup's words for all this live in
//! `view::credentials` and `view::challenge`.

mod facts;
mod missing;
mod neighbours;
mod oauth;
mod protocol;
mod proxy;
mod rejected;
#[cfg(test)]
mod tests;
pub(crate) mod words;

pub use facts::{CredentialFacts, CredentialState};
pub(crate) use proxy::BODY_SAYS_MISSING;

use super::context::Ctx;
use crate::finding::Finding;
use facts::Facts;

/// A rule: reads the context and the shared facts, appends findings.
type Rule = fn(&Ctx<'_, '_>, &Facts<'_>, &mut Vec<Finding>);

/// Every rule, in catalogue order (the ranker orders the output).
const RULES: &[Rule] = &[
    // A
    missing::no_credentials_sent,
    missing::bearer_placeholder_value,
    missing::authorization_scheme_mismatch,
    missing::credential_syntax_invalid,
    missing::no_cors_mode_strips_authorization,
    missing::authorization_dropped_on_cross_origin_redirect,
    missing::api_cannot_attach_authorization,
    missing::url_embedded_credentials,
    missing::auth_prompt_suppressed,
    missing::negotiate_not_attempted,
    // B
    rejected::basic_credentials_invalid,
    rejected::basic_credentials_malformed,
    rejected::digest_stale_nonce,
    rejected::digest_unsupported_challenge,
    rejected::digest_uri_mismatch,
    rejected::bearer_invalid_token,
    rejected::bearer_insufficient_scope,
    rejected::bearer_invalid_request,
    rejected::stale_browser_auth_cache,
    oauth::oauth_invalid_client,
    oauth::oauth_authorize_error,
    oauth::token_request_failed_before,
    oauth::oauth_invalid_grant,
    oauth::oauth_redirect_uri_mismatch,
    rejected::ntlm_handshake_broken,
    // G
    proxy::cdn_strips_authorization,
    proxy::proxy_stripped_authorization,
    proxy::apache_cgi_drops_authorization,
    proxy::nginx_drops_underscore_header,
    proxy::leftover_basic_auth_gate,
    proxy::api_gateway_authorizer_rejection,
    proxy::request_headers_too_large,
    // H
    protocol::status401_without_www_authenticate,
    protocol::www_authenticate_malformed,
    protocol::bearer_error_without_credentials,
    protocol::error_status_mismatch,
    protocol::status401_for_forbidden,
    protocol::status403_for_missing_credentials,
    protocol::login_redirect_for_api,
    protocol::challenge_loop,
    protocol::proxy_auth_required,
    protocol::resource_metadata_advertised,
    // Last: it stands back when a more specific rule above already explained the 401.
    rejected::credentials_rejected,
];

/// Whether anything in this module can apply: an auth-relevant status, a credential, a
/// challenge, or credentials in the URL. Ordinary 2xx traffic costs one check.
fn relevant(ctx: &Ctx<'_, '_>) -> bool {
    let ex = ctx.ex;
    let s = ex.status;
    s == 0
        || (300..400).contains(&s)
        || (400..=407).contains(&s)
        || s == 431
        || s == 494
        || (s == 200
            && ctx.is_api_call()
            && ex
                .response_headers
                .get("content-type")
                .or(ex.response_mime.as_deref())
                .is_some_and(|c| c.contains("text/html")))
        || ex.response_headers.has_challenge()
        || ctx.url.as_ref().is_some_and(|u| !u.username().is_empty())
        // An OAuth callback that came back with the authorization server's error in its query.
        || crate::signals::carries_oauth_error(&ex.url)
}

/// Runs every rule of this module on `ctx`'s exchange.
pub(crate) fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    // A CORS preflight never carries credentials and is never prompted for (Fetch
    // #cors-preflight-fetch): a 401 to it is the CORS rules' business, not a credential problem.
    if !relevant(ctx) || crate::signals::is_preflight(ctx.ex) {
        return;
    }
    let f = Facts::new(ctx);
    for rule in RULES {
        rule(ctx, &f, out);
    }
}
