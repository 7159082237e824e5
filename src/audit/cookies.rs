//! Session and auth cookies as set and sent in the flow: attributes that protect them, and where
//! browsers will treat them differently.

use super::ids::AuditRule;
use super::{Area, AuditFinding, Scope};
use crate::catalogue::{FindingId, Severity};
use crate::finding::Fix;
use crate::headers::set_cookie::{self, SameSite, SetCookie};
use crate::signals;
use std::collections::{HashMap, HashSet};

/// Lifetime past which a session cookie is "long-lived" (90 days: OWASP's absolute-timeout advice
/// is hours to days for sessions; "remember me" cookies of up to a few weeks are common).
const LONG_LIVED_SECS: i64 = 90 * 86_400;

/// Whether `name` is a cookie the flow authenticates with: named like a session or token cookie,
/// or set by a sign-in step and sent back afterwards.
fn is_auth_cookie(name: &str, set_by_login: bool, sent: bool) -> bool {
    signals::is_session_cookie_name(name) || signals::is_token_cookie_name(name) || (set_by_login && sent)
}

/// Runs the cookie posture rules.
pub(super) fn check(s: &Scope<'_, '_>, out: &mut Vec<AuditFinding>) {
    // Who sent each cookie name, and from which page: one pass over the request Cookie headers.
    let mut sent_hosts: HashMap<String, HashSet<String>> = HashMap::new();
    for (i, ex) in s.capture.exchanges.iter().enumerate() {
        let Ok(url) = url::Url::parse(&ex.url) else { continue };
        let host = url.host_str().unwrap_or("").to_ascii_lowercase();
        for p in ex.request_headers.cookie_pairs() {
            let hosts = sent_hosts.entry(p.name.to_string()).or_default();
            // Bounded: a page cannot make this set grow with every request.
            if hosts.len() < 64 {
                hosts.insert(host.clone());
            }
        }
        sent_over_http(s, i, &url, out);
        third_party_use(s, i, &url, out);
    }
    for (i, ex) in s.capture.exchanges.iter().enumerate() {
        let Ok(url) = url::Url::parse(&ex.url) else { continue };
        let login = signals::is_sign_in_step(url.path()) || signals::is_login_url(url.as_str());
        for line in ex.response_headers.set_cookie_lines() {
            let Ok(c) = set_cookie::parse(line) else { continue };
            if c.name.is_empty() || deletes(&c) {
                continue;
            }
            let sent = sent_hosts.get(&c.name);
            if !is_auth_cookie(&c.name, login, sent.is_some()) {
                continue;
            }
            set_rules(s, i, &url, &c, sent, out);
        }
    }
}

/// A logout's `Max-Age=0` or past `Expires`: deleting a cookie needs no protective attributes.
fn deletes(c: &SetCookie) -> bool {
    c.max_age.is_some_and(|m| m <= 0) || c.value.is_empty() && c.expires.is_some()
}

/// The attribute rules of one auth cookie as set by exchange `i`.
fn set_rules(
    s: &Scope<'_, '_>,
    i: usize,
    url: &url::Url,
    c: &SetCookie,
    sent: Option<&HashSet<String>>,
    out: &mut Vec<AuditFinding>,
) {
    let name = c.name.as_str();
    let https = url.scheme() == "https";
    if !https && !s.diagnosed(i, FindingId::CredentialsOverCleartext) {
        out.push(cleartext(name, "set", url).at(i));
    }
    if https && !c.secure {
        out.push(
            AuditFinding::rule(
                AuditRule::CookieMissingSecure,
                name,
                format!(
                    "{name} carries the session, but has no Secure attribute: the browser also sends it over plain http \
                     (any http:// link, redirect or injected request to this host), where anyone on the network reads it."
                ),
                Fix::new(format!("Add Secure to the {name} cookie."))
                    .snippet("http", format!("Set-Cookie: {}=…; Path=/; Secure; HttpOnly; SameSite=Lax", http_name(name))),
            )
            .at(i),
        );
    }
    if !c.http_only {
        out.push(
            AuditFinding::rule(
                AuditRule::CookieMissingHttponly,
                name,
                format!(
                    "{name} carries the session and page scripts can read it (document.cookie): one cross-site \
                     scripting bug lets an attacker copy the session to another machine."
                ),
                Fix::new(format!("Add HttpOnly to the {name} cookie; scripts never need to read a session cookie."))
                    .snippet(
                        "express",
                        format!(
                            "res.cookie({}, value, {{ httpOnly: true, secure: true, sameSite: 'lax' }});",
                            crate::quote::js(name)
                        ),
                    ),
            )
            .at(i),
        );
    }
    if c.same_site == SameSite::Default && !s.diagnosed(i, FindingId::SetCookieSamesiteInvalidValue) {
        out.push(
            AuditFinding::rule(
                AuditRule::CookieSamesiteUnset,
                name,
                format!(
                    "{name} has no SameSite attribute. Chromium then treats it as Lax (not sent on cross-site \
                     subrequests or cross-site POSTs), Firefox and Safari as None (sent everywhere, open to \
                     cross-site request forgery). The same flow behaves differently per browser."
                ),
                Fix::new("Say what the cookie needs: SameSite=Lax for a first-party session, SameSite=None; Secure only for cross-site SSO or embeds.")
                    .snippet("http", format!("Set-Cookie: {}=…; Path=/; Secure; HttpOnly; SameSite=Lax", http_name(name))),
            )
            .at(i),
        );
    }
    let host_shaped = c.secure && c.domain.is_none() && c.path_value() == Some("/");
    if https && host_shaped && !name.starts_with("__Host-") && !name.starts_with("__Secure-") {
        out.push(
            AuditFinding::rule(
                AuditRule::CookieHostPrefixRecommended,
                name,
                format!(
                    "{name} is already Secure, host-only and Path=/. Naming it __Host-{name} makes browsers refuse any \
                     cookie of that name that is not, so a subdomain or an http page cannot plant or overwrite it."
                ),
                Fix::new(format!("Rename the cookie to __Host-{name} (and read that name on the server).")),
            )
            .at(i),
        );
    }
    if let Some(secs) = lifetime_secs(s, i, c) {
        if secs > LONG_LIVED_SECS && !s.diagnosed(i, FindingId::SetCookieLifetimeCapped) {
            out.push(
                AuditFinding::rule(
                    AuditRule::CookieLongLivedSession,
                    name,
                    format!(
                        "{name} stays valid for {} days. A stolen or forgotten session cookie keeps working that long; \
                         browsers cap any cookie at 400 days.",
                        secs / 86_400
                    ),
                    Fix::new("Give the session a lifetime of hours to days and renew it while the user is active; keep a separate, revocable remember-me token if needed."),
                )
                .at(i),
            );
        }
    }
    if let (Some(domain), Some(hosts)) = (c.domain.as_deref(), sent) {
        let setter = url.host_str().unwrap_or("").to_ascii_lowercase();
        let d = domain.trim_start_matches('.').to_ascii_lowercase();
        if d != setter && hosts.len() == 1 && hosts.contains(&setter) {
            out.push(
                AuditFinding::rule(
                    AuditRule::CookieDomainBroaderThanNeeded,
                    name,
                    format!(
                        "{name} is set with Domain={domain}, so every subdomain of {d} receives it (and can set a cookie \
                         that shadows it), but in this flow only {setter} uses it."
                    ),
                    Fix::new("Drop the Domain attribute: the cookie then stays with the host that set it.")
                        .snippet("http", format!("Set-Cookie: {}=…; Path=/; Secure; HttpOnly; SameSite=Lax", http_name(name))),
                )
                .at(i),
            );
        }
    }
}

/// Seconds the cookie stays valid from its response's clock; `None` for a session cookie.
fn lifetime_secs(s: &Scope<'_, '_>, i: usize, c: &SetCookie) -> Option<i64> {
    if let Some(m) = c.max_age {
        return Some(m);
    }
    let exp = c.expires?;
    let ex = s.capture.exchanges.get(i)?;
    let now = ex
        .response_headers
        .get("date")
        .and_then(|d| crate::headers::date::parse_http_date(d.trim()))
        .or(ex.started_ms.filter(|m| m.is_finite()).map(|m| (m / 1000.0) as i64))?;
    Some(exp.saturating_sub(now))
}

/// `credentials-over-cleartext` for an auth cookie set or sent over http.
fn cleartext(name: &str, how: &str, url: &url::Url) -> AuditFinding {
    let f = crate::finding::Finding::new(
        FindingId::CredentialsOverCleartext,
        format!(
            "The session cookie {name} is {how} over plain http ({}): anyone on the network path can read it and \
             sign in as the user.",
            url.origin().ascii_serialization()
        ),
        Fix::new("Serve the whole site over https, redirect http to https, and mark the cookie Secure."),
    );
    // Per origin, like the diagnosis's own finding of this id, so the two aggregate into one.
    AuditFinding::from_catalogue(&f, Area::Transport, url.origin().ascii_serialization())
}

/// Auth cookies sent on a plain-http request.
fn sent_over_http(s: &Scope<'_, '_>, i: usize, url: &url::Url, out: &mut Vec<AuditFinding>) {
    if url.scheme() != "http" || crate::site::is_ip(url.host_str().unwrap_or("")) && url.host_str() == Some("127.0.0.1")
    {
        return;
    }
    let Some(ex) = s.capture.exchanges.get(i) else { return };
    if s.diagnosed(i, FindingId::CredentialsOverCleartext) {
        return;
    }
    for p in ex.request_headers.cookie_pairs() {
        if signals::is_session_cookie_name(p.name) || signals::is_token_cookie_name(p.name) {
            out.push(cleartext(p.name, "sent", url).at(i));
        }
    }
}

/// An auth cookie sent on a request whose top-level page is another site: third-party cookie
/// rules apply, and engines differ (see `engines`).
fn third_party_use(s: &Scope<'_, '_>, i: usize, url: &url::Url, out: &mut Vec<AuditFinding>) {
    let Some(ex) = s.capture.exchanges.get(i) else { return };
    let Some(page) = ex.page_url.as_deref().and_then(|p| url::Url::parse(p).ok()) else { return };
    if !matches!(crate::site::relation(&page, url), crate::site::Relation::CrossSite) {
        return;
    }
    for p in ex.request_headers.cookie_pairs() {
        if !(signals::is_session_cookie_name(p.name) || signals::is_token_cookie_name(p.name)) {
            continue;
        }
        let f = crate::finding::Finding::new(
            FindingId::CookieThirdPartyBlocked,
            format!(
                "The session cookie {} of {} is sent while the top-level page is {}: a third-party cookie. It works \
                 where third-party cookies are allowed, and is blocked or partitioned where they are not (see the \
                 browser verdicts).",
                p.name,
                url.host_str().unwrap_or(""),
                page.host_str().unwrap_or("")
            ),
            Fix::new("Do not rely on third-party cookies for the session: use a first-party endpoint (same site as the page), or the Storage Access API inside the embed; Partitioned (CHIPS) cookies where per-site state is enough."),
        )
        .severity(Severity::Warn);
        out.push(AuditFinding::from_catalogue(&f, Area::Cookies, p.name.to_string()).at(i));
    }
}

/// A cookie name for an HTTP snippet line, or a placeholder when it holds a control character.
fn http_name(name: &str) -> String {
    crate::quote::line(name).unwrap_or_else(|| "<cookie name>".to_string())
}
