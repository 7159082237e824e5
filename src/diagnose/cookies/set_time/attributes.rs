//! The attribute rules of group D on a stored line: deleted on arrival, default path, SameSite
//! and Expires values the browser ignores, the 400-day cap, attribute values over 1024 bytes.

use super::super::Facts;
use super::super::facts::SetLine;
use super::super::text::{session_cookie_snippets, with_line};
use super::host;
use crate::catalogue::{FindingId::*, Severity};
use crate::cookies::jar::Stored;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::date::{format_duration, format_utc};
use crate::headers::set_cookie::{self, SameSite, SetCookie, SetCookieNote};
use crate::signals::is_session_cookie_name;

/// `set-cookie-expired-on-arrival` — 6265bis §5.6.2 step 7, §5.7 step 6: `Max-Age<=0` or a past `Expires`.
pub(super) fn expired_on_arrival(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: &SetCookie,
    s: &Stored,
    out: &mut Vec<Finding>,
) {
    if !s.expired_on_arrival && !matches!(c.max_age, Some(m) if m <= 0) {
        return;
    }
    let server = ctx.server_date;
    let client = ctx.clock;
    // Deliberate deletion: Max-Age ≤ 0, or Expires already past by the server's own clock.
    let skew = match (c.max_age, c.expires) {
        (None, Some(e)) => server.is_some_and(|d| e > d) && client.is_some_and(|n| e <= n),
        _ => false,
    };
    if !skew {
        // A deletion is normal (logout, clearing stale state); it matters only for a session cookie
        // on a failing exchange, where it explains why the next request is anonymous.
        // When the request carried it, `session-cookie-rejected` tells that story better.
        if !(is_session_cookie_name(&c.name) && super::super::auth_failed(ctx)) || f.was_sent(&c.name) {
            return;
        }
        let how = match c.max_age {
            Some(m) => format!("`Max-Age={m}`"),
            None => format!("`Expires={}`", c.expires_raw.clone().unwrap_or_default()),
        };
        let fnd = Finding::new(
            SetCookieExpiredOnArrival,
            format!(
                "The {} response to {} deletes the session cookie `{}` ({how}). The server ended the session; the \
                 next requests will be anonymous until the user logs in again.",
                ctx.ex.status, ctx.ex.url, c.name
            ),
            Fix::new("If the logout was not intended, find why the server cleared the session (expired or unknown session id).")
                .step("Check the server log for why the session was rejected (store restart, rotated secret, another instance)."),
        )
        .severity(Severity::Info)
        .confidence(40);
        out.push(with_line(fnd, ctx, &c.name, l.raw));
        return;
    }
    let (Some(e), Some(d), Some(n)) = (c.expires, server, client) else { return };
    let fnd = Finding::new(
        SetCookieExpiredOnArrival,
        format!(
            "`{}` was set with `Expires={}` ({}). By the server's clock ({}) that is {} ahead, but this browser's \
             clock ({}) is already past it, so the cookie was deleted the moment it arrived. The server and client \
             clocks disagree by {}.",
            c.name,
            c.expires_raw.clone().unwrap_or_default(),
            format_utc(e),
            format_utc(d),
            format_duration(e - d),
            format_utc(n),
            format_duration(n - d)
        ),
        Fix::new("Use `Max-Age` (relative, immune to clock differences) and fix the clocks.")
            .step("Send `Max-Age=<seconds>`; keep `Expires` only for very old clients (Max-Age wins when both are present).")
            .step("Synchronise the server clock (NTP) and check the client's clock and time zone.")
            .snippet("http", format!("Set-Cookie: {}=<value>; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax", c.name)),
    )
    .with("client clock", format_utc(n))
    .with("server Date", format_utc(d))
    .confidence(85);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-default-path-too-narrow` — 6265bis §5.1.4: no `Path`, so the cookie only covers the setter's directory.
pub(super) fn default_path_too_narrow(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: &SetCookie,
    s: &Stored,
    out: &mut Vec<Finding>,
) {
    if s.expired_on_arrival || c.path_value().is_some() {
        return;
    }
    let dp = set_cookie::default_path(f.url.path());
    if dp == "/" {
        return;
    }
    // Evidence that the narrow path hurts: a later request to the same host outside the path that
    // went without the cookie and failed; else a session cookie (which an app needs everywhere).
    let host = f.url.host_str().unwrap_or("");
    let later_miss = ctx.capture.exchanges.iter().enumerate().skip(ctx.index + 1).take(500).find(|(_, e)| {
        let Ok(u) = url::Url::parse(&e.url) else { return false };
        u.host_str() == Some(host)
            && !crate::cookies::jar::path_match(u.path(), dp)
            && matches!(e.status, 401 | 403)
            && !e.request_headers.cookie_pairs().iter().any(|p| p.name == c.name)
    });
    if later_miss.is_none() && !is_session_cookie_name(&c.name) {
        return;
    }
    let mut fnd = Finding::new(
        SetCookieDefaultPathTooNarrow,
        format!(
            "`{}` was set by {} without a `Path` attribute, so its path defaults to `{dp}` (the directory of that URL). \
             The browser will only send it to URLs under `{dp}/`; requests to other paths such as `/api/…` go without it.",
            c.name, ctx.ex.url
        ),
        session_cookie_snippets(
            Fix::new("Send `Path=/` with the session cookie.")
                .step("Add `Path=/` to the Set-Cookie line (most frameworks have a cookie-path setting)."),
            &c.name,
            if c.same_site == SameSite::Default { "Lax" } else { c.same_site.as_str() },
            None,
        ),
    )
    .with("default path", dp.to_string())
    .signal(Signal::Predictive)
    .confidence(if later_miss.is_some() { 80 } else { 55 });
    if let Some((i, e)) = later_miss {
        fnd = fnd
            .related(i)
            .with("later request without it", format!("{} {} → {}", e.method, e.url, e.status))
            .signal(Signal::Inferred);
    }
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-samesite-invalid-value` — 6265bis §5.6.7, §4.1.2.7: an unknown SameSite value means Default.
pub(super) fn samesite_invalid_value(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: &SetCookie,
    out: &mut Vec<Finding>,
) {
    let Some(bad) = c.notes.iter().find_map(|n| match n {
        SetCookieNote::SameSiteInvalid(v) => Some(v.clone()),
        _ => None,
    }) else {
        return;
    };
    let meant_none = {
        let b = bad.trim_matches('"').to_ascii_lowercase();
        b == "none" || b == "no_restriction" || b == "false" || b == "off" || b == "unset"
    };
    let consequence = if meant_none {
        "If it was meant as `None`, the cookie stops working cross-site: Chromium enforces the default as Lax."
    } else {
        "Chromium enforces the default as Lax; Firefox and Safari as None."
    };
    let fnd = Finding::new(
        SetCookieSamesiteInvalidValue,
        format!(
            "`{}` is set with `SameSite={bad}`, which is not `Strict`, `Lax` or `None`. Browsers ignore the value and \
             treat the cookie as if it had no SameSite attribute. {consequence}",
            c.name
        ),
        session_cookie_snippets(
            Fix::new("Spell SameSite exactly: `None` (with `Secure`), `Lax` or `Strict`.").step(
                "Check the framework setting: values like `false`, `no_restriction` or a quoted \"None\" are invalid.",
            ),
            &c.name,
            if meant_none { "None" } else { "Lax" },
            None,
        ),
    )
    .with("SameSite value", bad)
    .signal(if f.site.is_cross_site() { Signal::Inferred } else { Signal::Predictive })
    .confidence(70);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-unparseable-expires` — 6265bis §5.1.1, §5.6.1: a bad `Expires` makes a session cookie.
pub(super) fn unparseable_expires(ctx: &Ctx<'_, '_>, l: &SetLine<'_>, c: &SetCookie, out: &mut Vec<Finding>) {
    if c.max_age.is_some() || c.expires.is_some() {
        return;
    }
    let Some(bad) = c.notes.iter().find_map(|n| match n {
        SetCookieNote::ExpiresUnparseable(v) => Some(v.clone()),
        _ => None,
    }) else {
        return;
    };
    let fnd = Finding::new(
        SetCookieUnparseableExpires,
        format!(
            "`{}` has `Expires={bad}`, which browsers cannot read as a date. The attribute is ignored, so the cookie \
             becomes a session cookie and disappears when the browser closes.",
            c.name
        ),
        Fix::new("Use `Max-Age`, or an IMF-fixdate for Expires.").snippet(
            "http",
            format!("Set-Cookie: {}=<value>; Path=/; Max-Age=2592000; Secure; HttpOnly; SameSite=Lax", c.name),
        ),
    )
    .signal(Signal::Predictive);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-lifetime-capped` — 6265bis §5.5 (lifetimes over 400 days are cut to 400 days), §5.6.1, §5.6.2.
pub(super) fn lifetime_capped(ctx: &Ctx<'_, '_>, l: &SetLine<'_>, c: &SetCookie, s: &Stored, out: &mut Vec<Finding>) {
    if !s.lifetime_capped || ctx.clock.is_none() && c.max_age.is_none() {
        return;
    }
    const CAP_S: i64 = 400 * 86_400;
    // Max-Age wins over Expires (§4.1.2.2); Expires is measured from the client clock.
    let asked = match (c.max_age, c.expires, ctx.clock) {
        (Some(m), _, _) => Some((m, format!("Max-Age={m}"))),
        (None, Some(e), Some(now)) => Some((e - now, format!("Expires={}", format_utc(e)))),
        _ => None,
    };
    let (what, ends) = match (asked, ctx.clock) {
        (Some((secs, attr)), Some(now)) => (
            format!("asks to live {} (`{attr}`)", format_duration(secs)),
            format!(" It will expire on {} instead, unless it is re-issued.", format_utc(now.saturating_add(CAP_S))),
        ),
        (Some((secs, attr)), None) => (format!("asks to live {} (`{attr}`)", format_duration(secs)), String::new()),
        _ => ("asks to live longer than 400 days".to_string(), String::new()),
    };
    let fnd = Finding::new(
        SetCookieLifetimeCapped,
        format!(
            "`{}` {what}. Browsers cap cookie lifetimes at 400 days (Chrome since version 104), so a \
             \"remember me\" that should last longer ends after 400 days.{ends}",
            c.name
        ),
        Fix::new("Re-issue long-lived cookies when the user comes back instead of relying on a multi-year lifetime.")
            .step("Refresh the remember-me cookie (new value, new Max-Age) on each visit or each login.")
            .step("Ask for at most 400 days: `Max-Age=34560000`.")
            .snippet(
                "http",
                format!("Set-Cookie: {}=<value>; Path=/; Max-Age=34560000; Secure; HttpOnly; SameSite=Lax", c.name),
            ),
    )
    .signal(Signal::Predictive)
    .confidence(90);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}

/// `set-cookie-attribute-too-long` — 6265bis §5.6 (an attribute value over 1024 octets is ignored),
/// §5.7 steps 7 and 11 (the defaults that then apply).
pub(super) fn attribute_too_long(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_>,
    l: &SetLine<'_>,
    c: &SetCookie,
    out: &mut Vec<Finding>,
) {
    let Some((attr, len)) = c.notes.iter().find_map(|n| match n {
        SetCookieNote::AttributeTooLong { attribute, len } => Some((attribute.as_str(), *len)),
        _ => None,
    }) else {
        return;
    };
    let fallback = match attr.to_ascii_lowercase().as_str() {
        // The parser dropped the long value, so a later short Path/Domain (if any) is what applies.
        "path" => match c.path_value() {
            Some(p) => format!("the cookie keeps its other `Path={p}`"),
            None => format!(
                "the cookie gets the default path `{}` (the directory of the URL that set it) and is not sent elsewhere",
                set_cookie::default_path(f.url.path())
            ),
        },
        "domain" => match &c.domain {
            Some(d) => format!("the cookie keeps its other `Domain={d}`"),
            None => format!("the cookie becomes host-only for {} and is not sent to sibling subdomains", host(f)),
        },
        "expires" | "max-age" => "the cookie loses that lifetime and may become a session cookie".to_string(),
        "samesite" => "the cookie falls back to the default SameSite enforcement (Lax in Chromium)".to_string(),
        _ => "the browser applies its default for it".to_string(),
    };
    let fnd = Finding::new(
        SetCookieAttributeTooLong,
        format!(
            "The `{attr}` attribute of `{}` is {len} bytes long; browsers ignore any attribute value over 1024 bytes as \
             if it were absent, so {fallback}.",
            c.name
        ),
        Fix::new("Keep attribute values short, and never build Path or Domain from the request URL.")
            .step("Use a fixed `Path=/` (or a short application prefix) instead of the current URL or its query string.")
            .step("Use a fixed Domain (or none) instead of a value derived from request headers.")
            .snippet("http", format!("Set-Cookie: {}=<value>; Path=/; Secure; HttpOnly; SameSite=Lax", c.name))
            .snippet("php", format!("setcookie({}, $value, ['path' => '/', 'secure' => true, 'httponly' => true, 'samesite' => 'Lax']);", crate::quote::php(&c.name))),
    )
    .with("attribute length", format!("{attr}: {len} bytes (limit 1024)"))
    // The parser measured it: as certain as a browser report.
    .confidence(90);
    out.push(with_line(fnd, ctx, &c.name, l.raw));
}
