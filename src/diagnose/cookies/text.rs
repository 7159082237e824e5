//! Wording shared by the cookie rules: how a cookie is described, how a `Set-Cookie` line is
//! shown without its secret value, and the framework settings that fix common cookie problems.
//! The few words for a refused or ignored line serve the findings and the popup's cookie table
//! (`view::cookies`) alike.

use super::Facts;
use crate::cookies::jar::{Cookie, PrefixRule, Rejection, Source};
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding};
use crate::headers::set_cookie::{self, SetCookieError};
use crate::secret::{Exposure, redact};

/// `Domain=app.example.com (host-only), Path=/api, SameSite=Lax, Secure, HttpOnly`.
pub(crate) fn describe(c: &Cookie) -> String {
    let mut s = if c.host_only {
        format!("host-only on {}, Path={}", c.domain, c.path)
    } else {
        format!("Domain={}, Path={}", c.domain, c.path)
    };
    s.push_str(", SameSite=");
    s.push_str(c.same_site.as_str());
    if c.secure {
        s.push_str(", Secure");
    }
    if c.http_only {
        s.push_str(", HttpOnly");
    }
    if let Some(p) = &c.partition {
        s.push_str(", Partitioned (top-level site ");
        s.push_str(p);
        s.push(')');
    }
    s
}

/// A `Set-Cookie` line with its value redacted (names and attributes are not secret).
pub(crate) fn redact_line(line: &str) -> String {
    let (pair, rest) = set_cookie::split_pair(line);
    let shown = match set_cookie::name_value(pair) {
        Some((n, v)) => format!("{n}={}", redact(v, Exposure::Prefix)),
        None => redact(pair.trim(), Exposure::Prefix),
    };
    match rest {
        Some(r) => {
            // Cap very long lines so a 5 kB cookie does not flood the popup.
            let r: String = r.chars().take(300).collect();
            format!("{shown};{r}")
        }
        None => shown,
    }
}

/// Where a stored cookie came from, in words, plus the exchange that set it.
pub(crate) fn origin_of(ctx: &Ctx<'_, '_>, c: &Cookie) -> (String, Option<usize>) {
    match c.source {
        Source::Exchange(i) => {
            let url = ctx.capture.exchanges.get(i).map(|e| e.url.as_ref()).unwrap_or("");
            (format!("set by {} {url}", ctx.capture.exchanges.get(i).map(|e| e.method.as_ref()).unwrap_or("")), Some(i))
        }
        Source::Snapshot => {
            // The snapshot does not say who set it; the capture may.
            match super::last_setter_before(ctx, &c.name) {
                Some(i) => {
                    let url = ctx.capture.exchanges.get(i).map(|e| e.url.as_ref()).unwrap_or("");
                    (format!("in the browser's cookie store (last set by {url})"), Some(i))
                }
                None => ("in the browser's cookie store".to_string(), None),
            }
        }
        Source::Other => ("in the cookie store".to_string(), None),
    }
}

/// Adds the standard evidence about a stored cookie: name, attributes, redacted value, setter.
pub(crate) fn with_cookie(f: Finding, ctx: &Ctx<'_, '_>, c: &Cookie) -> Finding {
    let (origin, setter) = origin_of(ctx, c);
    let mut f = f
        .with("cookie", c.name.clone())
        .with("attributes", describe(c))
        .evidence(Evidence::secret("value", &c.value, Exposure::Prefix))
        .with("origin", origin)
        .with("request", format!("{} {}", ctx.ex.method, ctx.ex.url));
    if let Some(i) = setter {
        f = f.related(i);
    }
    f
}

/// Adds the evidence about one `Set-Cookie` line of this response.
pub(crate) fn with_line(f: Finding, ctx: &Ctx<'_, '_>, name: &str, line: &str) -> Finding {
    f.with("cookie", name.to_string())
        .with("Set-Cookie", redact_line(line))
        .with("response", format!("{} {} → {}", ctx.ex.method, ctx.ex.url, ctx.ex.status))
}

/// A correct session-cookie line plus the common framework settings, for fixes.
pub(crate) fn session_cookie_snippets(
    f: crate::finding::Fix,
    name: &str,
    same_site: &str,
    domain: Option<&str>,
) -> crate::finding::Fix {
    let dom = domain.map(|d| format!("; Domain={d}")).unwrap_or_default();
    let ss_lower = same_site.to_ascii_lowercase();
    let name = if name.is_empty() { "sid" } else { name };
    f.snippet("http", format!("Set-Cookie: {name}=<value>; Path=/{dom}; Secure; HttpOnly; SameSite={same_site}"))
        .snippet(
            "express",
            format!(
                "app.use(session({{ /* … */ cookie: {{ path: '/', secure: true, httpOnly: true, sameSite: '{ss_lower}'{} }} }}));",
                domain.map(|d| format!(", domain: '{d}'")).unwrap_or_default()
            ),
        )
        .snippet(
            "django",
            format!(
                "SESSION_COOKIE_PATH = \"/\"\nSESSION_COOKIE_SECURE = True\nSESSION_COOKIE_SAMESITE = \"{same_site}\"{}",
                domain.map(|d| format!("\nSESSION_COOKIE_DOMAIN = \".{d}\"")).unwrap_or_default()
            ),
        )
        .snippet(
            "aspnet",
            format!(
                "services.ConfigureApplicationCookie(o => {{\n    o.Cookie.Path = \"/\";\n    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;\n    o.Cookie.SameSite = SameSiteMode.{same_site};{}\n}});",
                domain.map(|d| format!("\n    o.Cookie.Domain = \"{d}\";")).unwrap_or_default()
            ),
        )
        .snippet(
            "spring",
            format!(
                "server.servlet.session.cookie.path=/\nserver.servlet.session.cookie.secure=true\nserver.servlet.session.cookie.same-site={ss_lower}{}",
                domain.map(|d| format!("\nserver.servlet.session.cookie.domain={d}")).unwrap_or_default()
            ),
        )
}

/// Lists up to three more names after the first, for "also affected" evidence.
pub(crate) fn others(names: &[String]) -> Option<String> {
    let rest: Vec<&str> = names.iter().skip(1).take(3).map(String::as_str).collect();
    (!rest.is_empty()).then(|| rest.join(", "))
}

/// A `Set-Cookie` line the parser ignored, in a few words.
pub(crate) fn syntax_words(e: SetCookieError) -> String {
    match e {
        SetCookieError::ControlCharacter { at, byte } => {
            format!("control character 0x{byte:02X} at byte {at}")
        }
        SetCookieError::NoContent => "empty name and value".to_string(),
        SetCookieError::NameValueTooLarge { size } => format!("name plus value is {size} bytes (limit 4096)"),
    }
}

/// Why the store refused a line, in a few words.
pub(crate) fn rejection_words(r: &Rejection) -> String {
    match r {
        Rejection::Syntax(e) => syntax_words(*e),
        Rejection::SchemeNotSupported => "this URL scheme cannot store cookies".into(),
        Rejection::DomainNonAscii => "Domain has non-ASCII characters".into(),
        Rejection::DomainPublicSuffix => "Domain is a public suffix".into(),
        Rejection::DomainNotMatching => "Domain does not cover the responding host".into(),
        Rejection::SecureFromInsecure => "Secure cookie from a plain-http response".into(),
        Rejection::HttpOnlyFromScript => "HttpOnly cookie from script".into(),
        Rejection::OverwriteHttpOnly => "script cannot replace an HttpOnly cookie".into(),
        Rejection::OverwriteSecure => "plain-http response would replace a Secure cookie".into(),
        Rejection::SameSiteCrossSite { same_site, .. } => {
            format!("SameSite={} cookie from a cross-site response", same_site.as_str())
        }
        Rejection::SameSiteNoneInsecure => "SameSite=None without Secure".into(),
        Rejection::InvalidPrefix(p, rule) => {
            format!("{} prefix rule broken ({})", p.as_str(), prefix_rule_words(*rule))
        }
        Rejection::PartitionedWithoutSecure => "Partitioned without Secure".into(),
        Rejection::ThirdPartyBlocked => "third-party cookies are blocked".into(),
    }
}

/// The rule of a cookie prefix that was broken, in a few words.
pub(crate) fn prefix_rule_words(r: PrefixRule) -> &'static str {
    match r {
        PrefixRule::NotSecure => "needs Secure, set over https",
        PrefixRule::HasDomain => "must not have a Domain attribute",
        PrefixRule::PathNotRoot => "needs Path=/",
        PrefixRule::NotHttpOnly => "needs HttpOnly",
        PrefixRule::NamelessLooksPrefixed => "a nameless cookie may not look prefixed",
    }
}

/// Why third-party cookies are blocked here: Firefox's tracker classification (ETP), the engine's
/// default (Safari's ITP) or the profile.
pub(crate) fn third_party_block_words(f: &Facts<'_>) -> String {
    if let Some(class) = &f.tp_blocked_by_etp {
        let host = f.url.host_str().unwrap_or("this host");
        return format!(
            "Firefox's Enhanced Tracking Protection classifies {host} as a tracker ({class}) and blocks its cookies \
             in third-party context (other third-party cookies are only partitioned by Total Cookie Protection)"
        );
    }
    match f.engine {
        Some(e) if f.tp_blocked_by_engine => {
            format!("{e} blocks third-party cookies by default (Intelligent Tracking Prevention)")
        }
        _ => "this browser profile blocks third-party cookies".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_redacted() {
        let r = redact_line("sid=supersecretvalue123; Path=/; Secure");
        assert!(r.starts_with("sid=supe…("), "{r}");
        assert!(r.ends_with("; Path=/; Secure"));
        assert!(!r.contains("supersecretvalue123"));
        assert!(!redact_line("nameless-secret-value").contains("nameless-secret-value"));
    }
}
