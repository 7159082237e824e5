//! Fetch #http-redirect-fetch: the redirect steps that taint a request's origin or forbid
//! credentials in a `Location`.

use crate::model::Exchange;
use url::Url;

/// Fetch #http-redirect-fetch: whether following `current → location` sets the request's
/// tainted-origin flag (its `Origin` becomes `null`): the hop changes origin and the request's
/// origin is not the origin it is leaving.
pub fn redirect_taints_origin(request_origin: &url::Origin, current: &url::Url, location: &url::Url) -> bool {
    location.origin() != current.origin() && *request_origin != current.origin()
}

/// Whether a URL carries `user:pass@` (Fetch "includes credentials").
pub(crate) fn url_includes_credentials(u: &url::Url) -> bool {
    !u.username().is_empty() || u.password().is_some()
}

/// Fetch #http-redirect-fetch steps 7–8: whether a CORS redirect to `location` is a network
/// error because the URL holds credentials. `tainting_cors` is the response tainting so far.
pub fn redirect_credentials_blocked(request_origin: &url::Origin, tainting_cors: bool, location: &url::Url) -> bool {
    url_includes_credentials(location) && (*request_origin != location.origin() || tainting_cors)
}

/// The response's location URL (Fetch #concept-response-location-url) of a 3xx exchange: the
/// capture's resolved redirect URL, else `Location` resolved against the request URL.
pub(crate) fn location_url(ex: &Exchange<'_>) -> Option<Url> {
    if let Some(r) = ex.redirect_url.as_deref() {
        if let Ok(u) = Url::parse(r) {
            return Some(u);
        }
    }
    let loc = ex.response_headers.get("location")?;
    Url::parse(&ex.url).ok()?.join(loc.trim()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn redirects() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        let page = u("https://app.test/").origin();
        assert!(!redirect_taints_origin(&page, &u("https://app.test/a"), &u("https://api.test/b")));
        assert!(redirect_taints_origin(&page, &u("https://api.test/a"), &u("https://idp.test/b")));
        assert!(!redirect_taints_origin(&page, &u("https://api.test/a"), &u("https://api.test/b")));
        assert!(redirect_credentials_blocked(&page, false, &u("https://u:p@api.test/")));
        assert!(!redirect_credentials_blocked(&page, false, &u("https://u:p@app.test/")));
        assert!(redirect_credentials_blocked(&page, true, &u("https://u:p@app.test/")));
    }
}
