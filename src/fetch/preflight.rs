//! Fetch #cors-preflight-fetch-0 steps 6–7: whether a captured preflight response lets the
//! actual request through, and the first check it fails (in Chromium's order).
use super::CredentialsMode;
use super::cors_check::{CorsFailure, cors_check_headers};
use super::request::{is_cors_non_wildcard_request_header_name, is_cors_safelisted_method};
use crate::headers::cors::{TokenList, max_age, token_list};
use crate::model::Headers;

/// How `Access-Control-Allow-Headers: *` is treated for `Authorization`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizationWildcard {
    /// Fetch: `*` never covers `Authorization`.
    Spec,
    /// Chromium and Firefox (measured: Chromium 156, Firefox ESR 153): without credentials `*`
    /// lets `Authorization` through (`engine::wildcard_covers_authorization`).
    Lenient,
}

/// The actual request a preflight was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightRequest<'a> {
    pub method: &'a str,
    /// CORS-unsafe request-header names, lowercase.
    pub unsafe_headers: &'a [String],
    pub mode: CredentialsMode,
    /// The request's serialized origin (`null` included).
    pub origin: &'a str,
    pub authorization_wildcard: AuthorizationWildcard,
}

/// Why a preflight failed (Fetch #cors-preflight-fetch-0, in Chromium's order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreflightFailure {
    /// The preflight was answered with a redirect, which is never followed.
    Redirected(u16),
    /// The preflight's own CORS check failed.
    Cors(CorsFailure),
    /// Not an ok status (2xx); 0 when no response arrived.
    NotOk(u16),
    AllowMethodsUnparseable(String),
    AllowHeadersUnparseable(String),
    /// `wildcard_ignored`: the list had `*`, which did not count (credentials).
    MethodNotAllowed {
        method: String,
        wildcard_ignored: bool,
    },
    /// `wildcard_ignored`: the list had `*`, which did not count (credentials, or `Authorization`).
    HeaderNotAllowed {
        name: String,
        wildcard_ignored: bool,
    },
}

/// What a successful preflight allows, for the view and for cache reasoning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightOk {
    /// `Authorization` passed only because `*` was accepted leniently.
    pub authorization_by_wildcard: bool,
    /// Seconds the result may be cached (`Access-Control-Max-Age`, default 5).
    pub max_age: u64,
}

/// Fetch #cors-preflight-fetch-0 steps 6–7 on a captured preflight response.
pub fn check_preflight(
    req: &PreflightRequest<'_>,
    status: u16,
    headers: &Headers<'_>,
) -> Result<PreflightOk, PreflightFailure> {
    if (300..400).contains(&status) {
        return Err(PreflightFailure::Redirected(status));
    }
    if status == 0 {
        return Err(PreflightFailure::NotOk(0));
    }
    cors_check_headers(req.origin, req.mode, headers).map_err(PreflightFailure::Cors)?;
    if !(200..300).contains(&status) {
        return Err(PreflightFailure::NotOk(status));
    }
    let methods = token_list(headers, "access-control-allow-methods");
    if let TokenList::Failure { bad } = &methods {
        return Err(PreflightFailure::AllowMethodsUnparseable(bad.clone()));
    }
    let names = token_list(headers, "access-control-allow-headers");
    if let TokenList::Failure { bad } = &names {
        return Err(PreflightFailure::AllowHeadersUnparseable(bad.clone()));
    }
    let credentialed = req.mode == CredentialsMode::Include;
    // Step 3 (a null list counts as the request's method) only applies to preflights forced by
    // the use-CORS-preflight flag; a captured preflight for PUT without a list fails.
    let method_ok = is_cors_safelisted_method(req.method)
        || methods.contains_exact(req.method)
        || (!credentialed && methods.has_wildcard());
    if !method_ok {
        return Err(PreflightFailure::MethodNotAllowed {
            method: req.method.to_string(),
            wildcard_ignored: methods.has_wildcard(),
        });
    }
    let mut authorization_by_wildcard = false;
    for name in req.unsafe_headers {
        if names.contains_ci(name) {
            continue;
        }
        let star = names.has_wildcard();
        if is_cors_non_wildcard_request_header_name(name) {
            if star && !credentialed && req.authorization_wildcard == AuthorizationWildcard::Lenient {
                authorization_by_wildcard = true;
                continue;
            }
            return Err(PreflightFailure::HeaderNotAllowed { name: name.clone(), wildcard_ignored: star });
        }
        if star && !credentialed {
            continue;
        }
        return Err(PreflightFailure::HeaderNotAllowed { name: name.clone(), wildcard_ignored: star });
    }
    Ok(PreflightOk { authorization_by_wildcard, max_age: max_age(headers).unwrap_or(5) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, Headers};

    fn hs(pairs: &[(&'static str, &'static str)]) -> Headers<'static> {
        Headers(pairs.iter().map(|(n, v)| Header::new(n, v)).collect())
    }

    const O: &str = "https://app.example.com";

    fn pf(
        method: &str,
        names: &[String],
        mode: CredentialsMode,
        h: &[(&'static str, &'static str)],
        status: u16,
    ) -> Result<PreflightOk, PreflightFailure> {
        let req = PreflightRequest {
            method,
            unsafe_headers: names,
            mode,
            origin: O,
            authorization_wildcard: AuthorizationWildcard::Spec,
        };
        check_preflight(&req, status, &hs(h))
    }

    #[test]
    fn preflight_table() {
        use CredentialsMode::*;
        let auth = vec!["authorization".to_string()];
        let xk = vec!["x-api-key".to_string()];
        let ok = &[
            ("access-control-allow-origin", O),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-allow-headers", "Authorization"),
        ];
        assert!(pf("PUT", &auth, Include, ok, 204).is_ok());
        assert_eq!(pf("PUT", &auth, Include, ok, 401), Err(PreflightFailure::NotOk(401)));
        assert_eq!(pf("PUT", &auth, Include, ok, 302), Err(PreflightFailure::Redirected(302)));
        assert_eq!(pf("PUT", &auth, Include, &[], 401), Err(PreflightFailure::Cors(CorsFailure::MissingAllowOrigin)));
        assert!(matches!(pf("PATCH", &auth, Include, ok, 204), Err(PreflightFailure::MethodNotAllowed { .. })));
        assert!(
            matches!(pf("PUT", &xk, Include, ok, 204), Err(PreflightFailure::HeaderNotAllowed { ref name, .. }) if name == "x-api-key")
        );
        let star = &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "*"),
            ("access-control-allow-headers", "*"),
        ];
        assert!(pf("PUT", &xk, Omit, star, 200).is_ok());
        assert_eq!(
            pf("PUT", &auth, Omit, star, 200),
            Err(PreflightFailure::HeaderNotAllowed { name: "authorization".into(), wildcard_ignored: true })
        );
        let req = PreflightRequest {
            method: "PUT",
            unsafe_headers: &auth,
            mode: Omit,
            origin: O,
            authorization_wildcard: AuthorizationWildcard::Lenient,
        };
        assert_eq!(check_preflight(&req, 200, &hs(star)).map(|o| o.authorization_by_wildcard), Ok(true));
        let lower = &[("access-control-allow-origin", "*"), ("access-control-allow-methods", "put")];
        assert!(
            matches!(pf("PUT", &[], Omit, lower, 200), Err(PreflightFailure::MethodNotAllowed { .. })),
            "methods are case-sensitive"
        );
        let bad = &[("access-control-allow-origin", "*"), ("access-control-allow-headers", "Bad value")];
        assert!(matches!(pf("GET", &xk, Omit, bad, 200), Err(PreflightFailure::AllowHeadersUnparseable(_))));
    }
}
