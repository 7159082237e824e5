//! Fetch #cors-check: whether a response's `Access-Control-Allow-Origin` and
//! `-Allow-Credentials` let a request with this origin and credentials mode read it.
use super::CredentialsMode;
use crate::headers::cors::{AllowCredentials, AllowOrigin, AllowOriginField, allow_credentials, allow_origin};
use crate::model::Headers;

/// Why the CORS check failed, in Chromium's classification (`network::mojom::CorsError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsFailure {
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// `*` while the credentials mode is `include`.
    WildcardWithCredentials,
    /// Several values.
    MultipleAllowOrigin,
    /// A value that is not `*`, `null` or a URL.
    InvalidAllowOrigin,
    /// A single value that is not the request's origin.
    AllowOriginMismatch,
    /// Credentialed, and `Access-Control-Allow-Credentials` is not exactly `true`.
    InvalidAllowCredentials,
}

/// Fetch #cors-check, for a request whose serialized origin is `origin` (`null` included).
pub(crate) fn cors_check(
    origin: &str,
    mode: CredentialsMode,
    acao: &AllowOriginField,
    acac: &AllowCredentials,
) -> Result<(), CorsFailure> {
    let Some(value) = acao.combined.as_deref() else {
        return Err(CorsFailure::MissingAllowOrigin);
    };
    if mode != CredentialsMode::Include && value == "*" {
        return Ok(());
    }
    if value != origin {
        return Err(match &acao.value {
            AllowOrigin::Wildcard => CorsFailure::WildcardWithCredentials,
            AllowOrigin::Multiple(_) => CorsFailure::MultipleAllowOrigin,
            AllowOrigin::Invalid(_) => CorsFailure::InvalidAllowOrigin,
            _ => CorsFailure::AllowOriginMismatch,
        });
    }
    if mode != CredentialsMode::Include {
        return Ok(());
    }
    match acac {
        AllowCredentials::True => Ok(()),
        _ => Err(CorsFailure::InvalidAllowCredentials),
    }
}

/// Convenience: the CORS check straight from response headers.
pub fn cors_check_headers(origin: &str, mode: CredentialsMode, headers: &Headers<'_>) -> Result<(), CorsFailure> {
    cors_check(origin, mode, &allow_origin(headers), &allow_credentials(headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testkit::hs;

    const O: &str = "https://app.example.com";
    type Hdrs = &'static [(&'static str, &'static str)];
    type CheckCase = (&'static str, Hdrs, CredentialsMode, Result<(), CorsFailure>);

    #[test]
    fn cors_check_table() {
        use CorsFailure::*;
        use CredentialsMode::*;
        let cases: &[CheckCase] = &[
            ("exact origin", &[("Access-Control-Allow-Origin", O)], Omit, Ok(())),
            ("wildcard without credentials", &[("access-control-allow-origin", " * ")], Omit, Ok(())),
            (
                "wildcard with credentials",
                &[("access-control-allow-origin", "*")],
                Include,
                Err(WildcardWithCredentials),
            ),
            ("missing", &[], Omit, Err(MissingAllowOrigin)),
            (
                "trailing slash",
                &[("access-control-allow-origin", "https://app.example.com/")],
                Omit,
                Err(AllowOriginMismatch),
            ),
            ("other origin", &[("access-control-allow-origin", "https://evil.test")], Omit, Err(AllowOriginMismatch)),
            (
                "two lines",
                &[("access-control-allow-origin", O), ("access-control-allow-origin", O)],
                Omit,
                Err(MultipleAllowOrigin),
            ),
            (
                "cdp joined lines",
                &[("access-control-allow-origin", "https://app.example.com\nhttps://app.example.com")],
                Omit,
                Err(MultipleAllowOrigin),
            ),
            (
                "list",
                &[("access-control-allow-origin", "https://a.test, https://app.example.com")],
                Omit,
                Err(MultipleAllowOrigin),
            ),
            ("pattern", &[("access-control-allow-origin", "https://*.example.com")], Omit, Err(InvalidAllowOrigin)),
            (
                "credentials ok",
                &[("access-control-allow-origin", O), ("access-control-allow-credentials", "true")],
                Include,
                Ok(()),
            ),
            (
                "credentials True",
                &[("access-control-allow-origin", O), ("access-control-allow-credentials", "True")],
                Include,
                Err(InvalidAllowCredentials),
            ),
            ("credentials missing", &[("access-control-allow-origin", O)], Include, Err(InvalidAllowCredentials)),
            (
                "credentials ignored when omitted",
                &[("access-control-allow-origin", O), ("access-control-allow-credentials", "1")],
                Omit,
                Ok(()),
            ),
        ];
        for (name, h, mode, want) in cases {
            assert_eq!(&cors_check_headers(O, *mode, &hs(h)), want, "{name}");
        }
    }
}
