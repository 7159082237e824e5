//! The transport of the sign-in: http, and HSTS on the origins where users type passwords.

use super::ids::AuditRule;
use super::{AuditFinding, Scope, origin_of};
use crate::finding::Fix;
use std::collections::HashMap;

/// HSTS max-age below which the policy is weak: six months, as Mozilla Observatory grades it.
const HSTS_MIN_SECS: u64 = 15_768_000;

/// Whether `host` is the local machine (http there is a secure context; HSTS does not apply).
fn is_local(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost") || crate::site::is_ip(host)
}

/// Runs the transport rules.
pub(super) fn check(s: &Scope<'_, '_>, out: &mut Vec<AuditFinding>) {
    // Sign-in origins (https) → (entries of the sign-in, the longest HSTS max-age the origin sent).
    let mut login_origins: HashMap<String, (Vec<usize>, Option<u64>)> = HashMap::new();
    for (i, ex) in s.capture.exchanges.iter().enumerate() {
        let Ok(url) = url::Url::parse(&ex.url) else { continue };
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        let sign_in = crate::signals::is_sign_in_step(url.path())
            || (crate::signals::is_login_url(url.as_str()) && ex.method.eq_ignore_ascii_case("POST"));
        if sign_in && url.scheme() == "http" && !is_local(&host) {
            let origin = origin_of(&ex.url);
            out.push(
                AuditFinding::rule(
                    AuditRule::LoginOverHttp,
                    origin.clone(),
                    format!(
                        "The sign-in request goes to {origin} over plain http: the password and the session it \
                         returns cross the network readable and changeable by anyone on the path."
                    ),
                    Fix::new(
                        "Serve the sign-in (and the whole site) over https only; redirect http to https and send HSTS.",
                    )
                    .snippet("nginx", "server { listen 80; return 301 https://$host$request_uri; }"),
                )
                .at(i),
            );
        }
        if sign_in && url.scheme() == "https" && !is_local(&host) {
            login_origins.entry(origin_of(&ex.url)).or_default().0.push(i);
        }
    }
    // The strongest HSTS any response of a sign-in origin sent (the login page counts too).
    for ex in &s.capture.exchanges {
        let origin = origin_of(&ex.url);
        if let Some(e) = login_origins.get_mut(&origin) {
            e.1 = e.1.max(ex.response_headers.get("strict-transport-security").and_then(max_age));
        }
    }
    for (origin, (entries, best)) in login_origins {
        let finding = match best {
            None => AuditFinding::rule(
                AuditRule::HstsMissing,
                origin.clone(),
                format!(
                    "{origin} takes passwords but never sends Strict-Transport-Security: a user who types the address \
                     or follows an http:// link reaches it over http first, where the connection can be intercepted."
                ),
                Fix::new("Send HSTS with a max-age of at least one year on every https response of the origin.")
                    .snippet(
                        "nginx",
                        "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;",
                    ),
            ),
            Some(secs) if secs < HSTS_MIN_SECS => AuditFinding::rule(
                AuditRule::HstsWeak,
                origin.clone(),
                format!(
                    "{origin} sends Strict-Transport-Security with max-age={secs} (under six months): browsers forget \
                     the policy quickly and fall back to http on the next visit after it expires."
                ),
                Fix::new("Raise max-age to at least 31536000 (one year).").snippet(
                    "nginx",
                    "add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;",
                ),
            ),
            Some(_) => continue,
        };
        let mut f = finding;
        f.entries = entries;
        out.push(f);
    }
}

/// The `max-age` directive of a Strict-Transport-Security value (RFC 6797 §6.1.1).
fn max_age(v: &str) -> Option<u64> {
    crate::headers::syntax::split_list(&v.replace(';', ",")).find_map(|d| {
        let (k, val) = d.split_once('=')?;
        k.trim().eq_ignore_ascii_case("max-age").then(|| val.trim().trim_matches('"').parse().ok()).flatten()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn hsts_max_age() {
        assert_eq!(super::max_age("max-age=31536000; includeSubDomains"), Some(31_536_000));
        assert_eq!(super::max_age("includeSubDomains; Max-Age=\"300\""), Some(300));
        assert_eq!(super::max_age("includeSubDomains"), None);
        assert_eq!(super::max_age("max-age=abc"), None);
    }
}
