//! CORS redirects (Fetch #http-redirect-fetch) and requests the browser refuses before sending
//! them (Fetch main fetch: mode, scheme, redirect mode).

use super::cors_finding;
use super::facts::Facts;
use super::reported::Kind;
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::fetch;
use crate::finding::{Finding, Fix};
use url::Url;

/// `cors-redirect-contains-credentials` — Fetch #http-redirect-fetch (a CORS redirect to a URL
/// with credentials is a network error).
pub(super) fn cors_redirect_contains_credentials(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let reported = f.reported.as_ref().is_some_and(|r| r.kind == Kind::RedirectContainsCredentials);
    let mut location = f.reported.as_ref().filter(|_| reported).map(|r| r.param.clone()).filter(|p| !p.is_empty());
    if !reported {
        let mut chain = ctx.redirect_hops();
        chain.push((ctx.index, ctx.ex));
        location = chain.iter().find_map(|(_, h)| {
            if !(300..400).contains(&h.status) {
                return None;
            }
            let target = fetch::location_url(h)?;
            fetch::url_includes_credentials(&target).then(|| redact_userinfo(&target))
        });
        if location.is_none() {
            return;
        }
    }
    let loc = location.map(|l| crate::secret::redact_url(&l)).unwrap_or_else(|| "(not captured)".to_string());
    let explanation = format!(
        "A redirect on this cross-origin request points to a URL with a user name or password in it ({loc}). \
         Browsers refuse to follow such a redirect for a CORS request."
    );
    let fix = Fix::new("Remove the `user:pass@` part from the Location header and authenticate with headers instead.");
    out.push(cors_finding(ctx, f, FindingId::CorsRedirectContainsCredentials, explanation, fix).with("Location", loc));
}

/// A URL for evidence, through the one URL redactor (`user:` kept, password and token-like
/// parameters redacted).
pub(crate) fn redact_userinfo(u: &Url) -> String {
    crate::secret::redact_url(u.as_str())
}

/// `cors-mode-or-scheme-blocked` — Fetch "main fetch" (mode `same-origin`, CORS-enabled schemes,
/// `no-cors` with a redirect mode other than follow).
pub(super) fn cors_mode_or_scheme_blocked(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some(r) = &f.reported else {
        return;
    };
    let why = match r.kind {
        Kind::DisallowedByMode => "the request used `mode: 'same-origin'` but goes to another origin",
        Kind::CorsDisabledScheme => "the target's scheme does not support CORS (only http and https do)",
        Kind::NoCorsRedirectModeNotFollow => "a `mode: 'no-cors'` request used a redirect mode other than 'follow'",
        _ => return,
    };
    let explanation =
        format!("The browser refused this request before sending it: {why}. No server change can fix this.");
    let fix =
        Fix::new("Use `mode: 'cors'` (the default for fetch) over http(s), with the default `redirect: 'follow'`.")
            .snippet("js", "fetch(url, { mode: 'cors', credentials: 'include' })");
    out.push(cors_finding(ctx, f, FindingId::CorsModeOrSchemeBlocked, explanation, fix));
}
