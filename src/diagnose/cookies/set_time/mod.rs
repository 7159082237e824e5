//! Group D (and the set-time halves of I): what happened to each `Set-Cookie` line of this
//! response. Chromium's own verdict (CDP `blockedCookies`) is reported as is; without it, the
//! line is parsed (6265bis §5.6) and checked against the storage model (§5.7) of the jar.

mod attributes;
mod explain;
mod login;
#[cfg(test)]
mod tests;

use super::Facts;
use super::facts::SetLine;
use super::text::{rejection_words, with_line};
use crate::catalogue::{FindingId, Severity};
use crate::cookies::jar::{Rejection, SiteContext};
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::set_cookie::{SetCookie, SetCookieError};
use crate::signals::is_session_cookie_name;
use FindingId::*;
use explain::explain;

/// Runs the set-time rules on every line of this response.
pub(super) fn check(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let login = super::is_login_like(ctx) || super::auth_failed(ctx);
    login::ignored_without_credentials(ctx, f, login, out);
    for l in &f.lines {
        // Tracking and preference cookies fail all the time; only auth cookies, or any cookie of
        // a login or failing exchange, can explain an authentication problem.
        if !login && !is_session_cookie_name(&l.name()) {
            continue;
        }
        if let Some(b) = l.reported {
            for reason in &b.blocked_reasons {
                if let Some(id) = reported_id(reason, f.site) {
                    out.push(reported(ctx, f, l, id, reason));
                }
            }
        }
        match &l.parsed {
            Err(e) if l.reported.is_none() => out.push(parse_error(ctx, l, *e)),
            Err(_) => {}
            Ok(c) => {
                if l.reported.is_none() {
                    if let Some(Err(r)) = &l.verdict {
                        rejected(ctx, f, l, c, r, out);
                    }
                }
                if let Some(Ok(s)) = &l.verdict {
                    attributes::expired_on_arrival(ctx, f, l, c, s, out);
                    attributes::default_path_too_narrow(ctx, f, l, c, s, out);
                    attributes::lifetime_capped(ctx, l, c, s, out);
                }
                attributes::samesite_invalid_value(ctx, f, l, c, out);
                attributes::unparseable_expires(ctx, l, c, out);
                attributes::attribute_too_long(ctx, f, l, c, out);
            }
        }
    }
}

/// A `Network.SetCookieBlockedReason` (DIAGNOSES Appendix A.1, with the A.9 aliases) → id.
pub(super) fn reported_id(reason: &str, site: SiteContext) -> Option<FindingId> {
    let schemeful = site == SiteContext::CrossSite { schemeful: true };
    Some(match reason {
        "SecureOnly" => SecureCookieInsecureOrigin,
        "SameSiteStrict" | "SameSiteLax" | "SameSiteUnspecifiedTreatedAsLax" => SetCookieSamesiteBlockedCrossSite,
        "SchemefulSameSiteStrict" | "SchemefulSameSiteLax" | "SchemefulSameSiteUnspecifiedTreatedAsLax" => {
            if schemeful { SchemefulSameSite } else { SetCookieSamesiteBlockedCrossSite }
        }
        "SameSiteNoneInsecure" => SetCookieSamesiteNoneInsecure,
        "UserPreferences"
        | "ThirdPartyPhaseout"
        | "ThirdPartyBlockedInFirstPartySet"
        | "SamePartyFromCrossPartyContext" => SetCookieThirdPartyBlocked,
        "SyntaxError" | "DisallowedCharacter" | "NoCookieContent" | "SamePartyConflictsWithOtherAttributes" => {
            SetCookieSyntaxError
        }
        "SchemeNotSupported" => SetCookieSchemeNotSupported,
        "OverwriteSecure" => OverwriteSecureCookie,
        "InvalidDomain" => SetCookieInvalidDomain,
        "InvalidPrefix" => SetCookieInvalidPrefix,
        "NameValuePairExceedsMaxSize" => SetCookieTooLarge,
        _ => return None,
    })
}

/// The jar rejection → id (6265bis §5.7 step by step).
pub(super) fn rejection_id(r: &Rejection) -> FindingId {
    match r {
        Rejection::Syntax(SetCookieError::NameValueTooLarge { .. }) => SetCookieTooLarge,
        Rejection::Syntax(_) => SetCookieSyntaxError,
        Rejection::SchemeNotSupported => SetCookieSchemeNotSupported,
        Rejection::DomainNonAscii | Rejection::DomainPublicSuffix | Rejection::DomainNotMatching => {
            SetCookieInvalidDomain
        }
        Rejection::SecureFromInsecure => SecureCookieInsecureOrigin,
        Rejection::HttpOnlyFromScript | Rejection::OverwriteHttpOnly => SetCookieSyntaxError,
        Rejection::OverwriteSecure => OverwriteSecureCookie,
        Rejection::SameSiteCrossSite { schemeful: true, .. } => SchemefulSameSite,
        Rejection::SameSiteCrossSite { .. } => SetCookieSamesiteBlockedCrossSite,
        Rejection::SameSiteNoneInsecure => SetCookieSamesiteNoneInsecure,
        Rejection::InvalidPrefix(..) => SetCookieInvalidPrefix,
        Rejection::PartitionedWithoutSecure => SetCookiePartitionedWithoutSecure,
        Rejection::ThirdPartyBlocked => SetCookieThirdPartyBlocked,
    }
}

fn host(f: &Facts<'_>) -> String {
    f.url.host_str().unwrap_or("").to_string()
}

/// The finding for a reported (CDP) reason; the explanation is the same as the inferred one.
fn reported(ctx: &Ctx<'_, '_>, f: &Facts<'_>, l: &SetLine<'_>, id: FindingId, reason: &str) -> Finding {
    let name = l.name();
    let (explanation, fix) = explain(id, ctx, f, l, l.parsed.as_ref().ok(), None);
    with_line(Finding::new(id, explanation, fix), ctx, &name, l.raw)
        .with("browser verdict", format!("blocked: {reason}"))
        .signal(Signal::Reported)
        .confidence(95)
}

/// §5.6 step 1/5: the parser ignored the whole line.
fn parse_error(ctx: &Ctx<'_, '_>, l: &SetLine<'_>, e: SetCookieError) -> Finding {
    let name = l.name();
    let id = rejection_id(&Rejection::Syntax(e));
    let explanation = match e {
        SetCookieError::NameValueTooLarge { size } => format!(
            "The response to {} sets cookie `{name}` with a name plus value of {size} bytes. Browsers ignore a cookie \
             whose name and value together exceed 4096 bytes, so it was never stored.",
            ctx.ex.url
        ),
        SetCookieError::ControlCharacter { at, byte } => format!(
            "The Set-Cookie line for `{name}` contains the control character 0x{byte:02X} at byte {at}. Browsers ignore \
             the whole line when it has a control character (anything below 0x20 except tab, or 0x7F), so no cookie \
             was stored."
        ),
        SetCookieError::NoContent => format!(
            "The response to {} has a Set-Cookie line with neither a name nor a value, which browsers ignore.",
            ctx.ex.url
        ),
    };
    let fix = match e {
        SetCookieError::NameValueTooLarge { .. } => too_large_fix(),
        _ => syntax_fix(),
    };
    let src = match e {
        SetCookieError::NameValueTooLarge { .. } => "RFC 6265bis §5.6 step 5, §5.7 step 4",
        _ => "RFC 6265bis §5.6 steps 1 and 5, §4.1.1",
    };
    with_line(Finding::new(id, explanation, fix), ctx, &name, l.raw).source(src).confidence(85)
}

/// §5.7: the line parsed, but the store refuses it.
fn rejected(ctx: &Ctx<'_, '_>, f: &Facts<'_>, l: &SetLine<'_>, c: &SetCookie, r: &Rejection, out: &mut Vec<Finding>) {
    let id = rejection_id(r);
    let (explanation, fix) = explain(id, ctx, f, l, Some(c), Some(r));
    let mut fnd = with_line(Finding::new(id, explanation, fix), ctx, &c.name, l.raw)
        .with("refused because", rejection_words(r))
        .confidence(80);
    if id == SetCookieSamesiteNoneInsecure && !crate::engine::rejects_samesite_none_insecure(ctx.browser()) {
        // WebKit stores it; the engines that refuse it (and the spec) break the flow.
        fnd = fnd.severity(Severity::Warn).signal(Signal::Predictive);
    }
    if let Some(src) = rejection_source(r) {
        fnd = fnd.source(src);
    }
    out.push(fnd);
    // A Partitioned cookie without Secure also breaks the CHIPS rule Chromium never reports.
    if c.partitioned && !c.secure && id != SetCookiePartitionedWithoutSecure {
        let (e, fx) = explain(SetCookiePartitionedWithoutSecure, ctx, f, l, Some(c), None);
        out.push(with_line(Finding::new(SetCookiePartitionedWithoutSecure, e, fx), ctx, &c.name, l.raw).confidence(70));
    }
}

fn rejection_source(r: &Rejection) -> Option<&'static str> {
    Some(match r {
        Rejection::DomainNonAscii => "RFC 6265bis §5.7 step 8",
        Rejection::DomainPublicSuffix => "RFC 6265bis §5.7 step 9, §8.9",
        Rejection::DomainNotMatching => "RFC 6265bis §5.7 step 10, §5.1.3",
        Rejection::SecureFromInsecure => "RFC 6265bis §5.7 step 13, §4.1.2.5",
        Rejection::OverwriteSecure => "RFC 6265bis §5.7 step 16",
        Rejection::SameSiteCrossSite { .. } => "RFC 6265bis §5.7 step 18, §4.1.2.7",
        Rejection::SameSiteNoneInsecure => "RFC 6265bis §5.7 step 19",
        Rejection::InvalidPrefix(..) => "RFC 6265bis §4.1.3, §5.7 steps 20–22",
        Rejection::PartitionedWithoutSecure => {
            "CHIPS (privacycg/CHIPS); Chromium CanonicalCookie::IsCookiePartitionedValid"
        }
        Rejection::ThirdPartyBlocked => "RFC 6265bis §7.1, §5.3; CHIPS; Storage Access API",
        _ => return None,
    })
}

fn syntax_fix() -> Fix {
    Fix::new("Encode cookie values so the header holds only cookie-safe characters.")
        .step("Percent-encode or base64url-encode the value; never put raw JSON, spaces, newlines or `;` in it.")
        .step("Check the code that builds the header for a stray `\\r\\n` or NUL (often from an unescaped variable).")
        .snippet("js", "res.cookie('sid', value) // express encodes with encodeURIComponent by default")
}

fn too_large_fix() -> Fix {
    Fix::new("Keep the cookie small: store a session id in it and the data on the server.")
        .step("Replace a JWT or serialized session in the cookie with an opaque id (a few dozen bytes).")
        .step("If the data must live in the cookie, trim claims or split it deliberately into numbered cookies.")
        .snippet("http", "Set-Cookie: sid=3f9a…(32 bytes); Path=/; Secure; HttpOnly; SameSite=Lax")
}
