//! Which response headers script can read on a CORS response (Fetch main fetch, "CORS-filtered
//! response", #cors-safelisted-response-header-name, `Access-Control-Expose-Headers`).
use super::CredentialsMode;
use crate::headers::cors::{TokenList, token_list};
use crate::model::Headers;

/// Fetch "forbidden response-header name": never exposed to script.
fn is_forbidden_response_header_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

/// Fetch "CORS-safelisted response-header name" without any exposure list.
fn is_cors_safelisted_response_header_name(name: &str) -> bool {
    const SAFE: &[&str] =
        &["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];
    SAFE.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// Which response headers script can read on a CORS response (main fetch, CORS-filtered response).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// `Access-Control-Expose-Headers`, parsed.
    pub list: TokenList,
    /// `*` counted as "everything" (only without credentials).
    pub all: bool,
}

impl Exposure {
    /// Computes the exposure of a response to a request whose credentials mode is `mode`.
    pub fn of(headers: &Headers<'_>, mode: CredentialsMode) -> Exposure {
        let list = token_list(headers, "access-control-expose-headers");
        let all = mode != CredentialsMode::Include && list.has_wildcard();
        Exposure { list, all }
    }

    /// Whether script can read header `name`.
    pub fn visible(&self, name: &str) -> bool {
        if is_cors_safelisted_response_header_name(name) {
            return true;
        }
        if is_forbidden_response_header_name(name) {
            return false;
        }
        self.all || self.list.contains_ci(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, Headers};

    fn hs(pairs: &[(&'static str, &'static str)]) -> Headers<'static> {
        Headers(pairs.iter().map(|(n, v)| Header::new(n, v)).collect())
    }

    #[test]
    fn exposure() {
        let h = hs(&[("access-control-expose-headers", "*"), ("www-authenticate", "Bearer")]);
        assert!(Exposure::of(&h, CredentialsMode::Omit).visible("WWW-Authenticate"));
        assert!(!Exposure::of(&h, CredentialsMode::Include).visible("WWW-Authenticate"));
        assert!(Exposure::of(&h, CredentialsMode::Include).visible("content-type"));
        assert!(!Exposure::of(&h, CredentialsMode::Omit).visible("set-cookie"));
    }
}
