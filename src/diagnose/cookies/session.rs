//! The cookie-session rules: the session cookie is missing (A), sent but refused or shadowed by
//! a duplicate (B), and never issued because a TLS-terminating proxy hid https from the app (G).

use super::text::{redact_line, session_cookie_snippets};
use super::{Facts, auth_failed, last_setter_before, redirects_to_login};
use crate::catalogue::{FindingId, Group};
use crate::cookies::jar::Rejection;
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Fix};
use crate::headers::cookie::duplicate_names;
use crate::headers::date::format_utc;
use crate::secret::Exposure;
use crate::signals::is_session_cookie_name;
use FindingId::*;

/// Runs the session rules (after the set- and send-time rules, whose findings they defer to).
pub(crate) fn check(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !auth_failed(ctx) {
        return;
    }
    session_cookie_rejected(ctx, f, out);
    refused_at_set_time(ctx, f, out);
    duplicate_cookie_shadowing(ctx, f, out);
    instance_session_mismatch(ctx, f, out);
    let explained = out.iter().any(|x| {
        matches!(x.id.group(), Group::E)
            || matches!(
                x.id,
                CredentialsModeOmitsCookies
                    | SecureCookieInsecureOrigin
                    | SchemefulSameSite
                    | SetCookieSamesiteNoneInsecure
            )
    });
    if !explained {
        tls_offload_secure_cookie_missing(ctx, f, out);
        session_cookie_absent(ctx, f, out);
    }
}

/// The set-time refusals that lead on a later failing request (DIAGNOSES §0.7 rule 1): the
/// refused session cookie is why the request went without a session. Class 1 of issue 10 widens
/// this list to every set-time cause.
const LEADS_ON_LATER_FAILURE: &[FindingId] = &[SetCookieSamesiteNoneInsecure];

/// `set-cookie-samesite-none-insecure` on the failing request — RFC 6265bis §5.7 step 19, in the
/// engines that enforce it (`engine::rejects_samesite_none_insecure`): the session cookie this
/// request lacks was refused when an earlier response of the site set it.
fn refused_at_set_time(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if ctx.sent_cookies.iter().any(|p| is_session_cookie_name(p.name)) || ctx.creds.authorization {
        return;
    }
    let site = crate::site::registrable_domain(f.url.host_str().unwrap_or(""));
    let same_site = |i: usize| {
        ctx.capture
            .exchanges
            .get(i)
            .and_then(|e| url::Url::parse(&e.url).ok())
            .is_some_and(|u| site.is_some() && crate::site::registrable_domain(u.host_str().unwrap_or("")) == site)
    };
    let Some((i, name, r)) =
        f.earlier_rejections.iter().rev().find(|(i, n, _)| is_session_cookie_name(n) && same_site(*i))
    else {
        return;
    };
    let id = super::set_time::rejection_id(r);
    if !LEADS_ON_LATER_FAILURE.contains(&id) || !crate::engine::rejects_samesite_none_insecure(ctx.browser()) {
        return;
    }
    // Already carried by this very response (a login that failed on its own)?
    if out.iter().any(|x| x.id == id) {
        return;
    }
    let who = f.engine.map_or_else(|| "the browser".to_string(), |e| format!("{e} (like every engine but Safari)"));
    out.push(
        Finding::new(
            id,
            format!(
                "This request to {} went without the session cookie `{name}` because the cookie never reached the \
                 cookie jar: when {} set it with `SameSite=None` but without `Secure`, {who} refused it. A cookie \
                 that may travel cross-site must be Secure (RFC 6265bis §5.7).",
                ctx.ex.url,
                url_of(ctx, *i)
            ),
            session_cookie_snippets(
                Fix::new("Add `Secure` to every `SameSite=None` cookie and serve it over https.")
                    .step("If the cookie does not need to travel cross-site, use `SameSite=Lax` instead."),
                name,
                "None",
                None,
            ),
        )
        .with("cookie", name.clone())
        .with("refused when set by", url_of(ctx, *i))
        .related(*i)
        .confidence(90),
    );
}

/// `session-cookie-rejected` — RFC 9110 §11.4, 6265bis §8.4: the session cookie went, the server said 401.
fn session_cookie_rejected(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !(matches!(ctx.ex.status, 401 | 419 | 440) || redirects_to_login(ctx)) {
        return;
    }
    let Some(p) = ctx.sent_cookies.iter().find(|p| is_session_cookie_name(p.name)) else { return };
    // A Set-Cookie in the same response that clears it is the server saying so.
    let cleared = f.lines.iter().find(|l| {
        l.parsed.as_ref().is_ok_and(|c| {
            c.name == p.name
                && (matches!(c.max_age, Some(m) if m <= 0)
                    || c.value.is_empty()
                    || l.verdict.as_ref().is_some_and(|v| v.as_ref().is_ok_and(|s| s.expired_on_arrival)))
        })
    });
    let setter = last_setter_before(ctx, p.name);
    let answer = if redirects_to_login(ctx) {
        "redirected to the login page".to_string()
    } else {
        format!("answered {}", ctx.ex.status)
    };
    let mut fnd = Finding::new(
        SessionCookieRejected,
        format!(
            "The request to {} carried the session cookie `{}`, and the server {answer}{}. The session behind that \
             cookie is no longer valid on the server: it expired, was revoked, or is unknown to the instance that \
             answered (an in-memory store after a restart, a different signing secret per instance, a rotated secret).",
            ctx.ex.url,
            p.name,
            if cleared.is_some() { " and cleared the cookie in the same response" } else { "" }
        ),
        Fix::new("Log in again; on the server, make sessions survive restarts and load balancing.")
            .step("Use a shared session store (Redis or a database) instead of process memory.")
            .step("Give every instance the same session secret / data-protection key ring.")
            .step("Check the server log for why the session id was not found.")
            .snippet("express", "app.use(session({ store: new RedisStore({ client: redis }), secret: process.env.SESSION_SECRET, /* same on every instance */ }));")
            .snippet("aspnet", "services.AddDataProtection().PersistKeysToStackExchangeRedis(redis, \"DataProtection-Keys\").SetApplicationName(\"app\");"),
    )
    .with("cookie", p.name.to_string())
    .evidence(Evidence::secret("value sent", p.value, Exposure::Prefix))
    .with("response", format!("{} {} → {}", ctx.ex.method, ctx.ex.url, ctx.ex.status))
    .confidence(60);
    if let Some(l) = cleared {
        fnd = fnd.with("cleared by", redact_line(l.raw));
    }
    if let Some(i) = setter {
        fnd = fnd.related(i);
    }
    out.push(fnd);
}

/// `instance-session-mismatch` — RFC 9110 §11.4 (operational): the same session cookie was accepted
/// moments ago and is refused now, so another instance answered.
fn instance_session_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if ctx.ex.status != 401 {
        return;
    }
    let Some(p) = ctx.sent_cookies.iter().find(|p| is_session_cookie_name(p.name) && !p.value.is_empty()) else {
        return;
    };
    let host = f.url.host_str().unwrap_or("");
    let now = f.now_ms;
    let ok_before = ctx.earlier().take(300).find(|(_, e)| {
        (200..300).contains(&e.status)
            && url::Url::parse(&e.url).ok().is_some_and(|u| u.host_str() == Some(host))
            && e.request_headers.cookie_pairs().iter().any(|q| q.name == p.name && q.value == p.value)
            && match (now, e.started_ms) {
                (Some(n), Some(t)) => n.saturating_sub(t as i64) <= 300_000,
                _ => false,
            }
    });
    let Some((i, e)) = ok_before else { return };
    // The server did not end the session in between (no deletion of this cookie since).
    let deleted = f.earlier_deletions.iter().any(|(j, n)| *j > i && n == p.name);
    if deleted {
        return;
    }
    let marker = |h: &crate::model::Headers<'_>| {
        ["x-served-by", "x-backend", "x-backend-server", "x-upstream", "x-instance-id", "x-pod-name", "server-timing"]
            .iter()
            .find_map(|k| h.get(k).map(|v| format!("{k}: {v}")))
    };
    let mut fnd = Finding::new(
        InstanceSessionMismatch,
        format!(
            "The same `{}` cookie was accepted by {} ({} → {}) shortly before, and is refused now ({}). With identical \
             credentials, alternating success and 401 usually means the session lives in one instance's memory (or \
             instances use different signing secrets) and the load balancer sent this request elsewhere.",
            p.name, host, e.method, e.status, ctx.ex.status
        ),
        Fix::new("Share session state and secrets across instances.")
            .step("Use a shared session store (Redis or a database) and the same signing key on every instance.")
            .step("Stopgap: sticky sessions on the load balancer (for ALB with CORS, the AWSALBCORS cookie is SameSite=None; Secure)."),
    )
    .with("cookie", p.name.to_string())
    .with("accepted earlier", format!("{} {} → {}", e.method, e.url, e.status))
    .related(i)
    .confidence(55);
    if let (Some(a), Some(b)) = (marker(&e.response_headers), marker(&ctx.ex.response_headers)) {
        if a != b {
            fnd = fnd.with("instance then", a).with("instance now", b).confidence(80);
        }
    }
    out.push(fnd);
}

/// `duplicate-cookie-shadowing` — 6265bis §4.2.2, §5.8.3 step 4: two cookies of one name; the server reads the first.
fn duplicate_cookie_shadowing(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    let dups = duplicate_names(&ctx.sent_cookies);
    let Some(name) = dups.iter().find(|n| is_session_cookie_name(n)).or(dups.first()).copied() else { return };
    let values: Vec<&str> = ctx.sent_cookies.iter().filter(|p| p.name == name).map(|p| p.value).collect();
    let copies: Vec<String> = f
        .jar
        .cookies()
        .filter(|c| c.name == name && f.related(c))
        .map(|c| format!("{} {}", c.display_domain(), c.path))
        .collect();
    let mut fnd = Finding::new(
        DuplicateCookieShadowing,
        format!(
            "The request to {} carried `{name}` {} times with different values. Browsers send every matching copy \
             (longer Path first, then older first) and most frameworks read only the first one, which may be a stale \
             or logged-out copy left by another Domain or Path{}.",
            ctx.ex.url,
            values.len(),
            if copies.len() > 1 { format!(" (copies in the jar: {})", copies.join("; ")) } else { String::new() }
        ),
        Fix::new("Delete the stray copy and keep a single Domain and Path for the session cookie.")
            .step("Expire the old copy with its exact Domain and Path, then always set the cookie with `Path=/` and one Domain.")
            .step("A `__Host-` name allows only one copy per host.")
            .snippet("http", format!("Set-Cookie: {name}=; Path=/old-path; Max-Age=0\nSet-Cookie: {name}=; Domain=example.com; Path=/; Max-Age=0")),
    )
    .with("cookie", name.to_string())
    .with("copies sent", values.len().to_string())
    .confidence(70);
    for (i, v) in values.iter().enumerate().take(3) {
        fnd = fnd.evidence(Evidence::secret(format!("value {}", i + 1), v, Exposure::Prefix));
    }
    if values.iter().all(|v| *v == values.first().copied().unwrap_or_default()) {
        // Identical copies shadow nothing; keep it as a low-confidence hint.
        fnd = fnd.confidence(30);
    }
    out.push(fnd);
}

/// `session-cookie-absent` — 6265bis §5.7 (expiry, deletion): the app uses a cookie session, and it was not there.
fn session_cookie_absent(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if ctx.sent_cookies.iter().any(|p| is_session_cookie_name(p.name))
        || ctx.creds.authorization
        || ctx.creds.cookie_unknown
    {
        return;
    }
    let host = f.url.host_str().unwrap_or("");
    let site = crate::site::registrable_domain(host).unwrap_or_else(|| host.to_string());
    let same_site_url = |u: &str| {
        url::Url::parse(u)
            .ok()
            .and_then(|u| u.host_str().map(|h| crate::site::registrable_domain(h).unwrap_or_else(|| h.to_string())))
            == Some(site.clone())
    };
    let now = f.now_ms.unwrap_or(0);
    // What happened to a session cookie this site used before, most specific first.
    let mut story: Option<(String, String, Option<usize>)> = None;
    if let Some((i, name, r)) = f.earlier_rejections.iter().rev().find(|(i, n, _)| {
        is_session_cookie_name(n) && ctx.capture.exchanges.get(*i).is_some_and(|e| same_site_url(&e.url))
    }) {
        let why = match r {
            Rejection::Syntax(_) => "its Set-Cookie line could not be parsed".to_string(),
            other => format!("the browser refused it ({})", rejection_short(other)),
        };
        story = Some((name.clone(), format!("it was never stored: when {} set it, {why}", url_of(ctx, *i)), Some(*i)));
        // §0.7 rule 1: the root cause leads on the failing request, wherever its evidence lives.
        out.push(set_time_cause_here(ctx, *i, name, r, &why));
    }
    if story.is_none() {
        if let Some(c) = f.jar.cookies().find(|c| is_session_cookie_name(&c.name) && f.related(c) && c.expired(now)) {
            let when = c.expiry_ms.map(|e| format_utc(e.div_euclid(1000))).unwrap_or_default();
            story = Some((
                c.name.clone(),
                format!("it expired at {when}, before this request"),
                super::text::origin_of(ctx, c).1,
            ));
        }
    }
    if story.is_none() {
        if let Some((i, name)) = f.earlier_deletions.iter().rev().find(|(i, n)| {
            is_session_cookie_name(n) && ctx.capture.exchanges.get(*i).is_some_and(|e| same_site_url(&e.url))
        }) {
            story = Some((
                name.clone(),
                format!("the server deleted it: {} answered with an already-expired Set-Cookie", url_of(ctx, *i)),
                Some(*i),
            ));
        }
    }
    if story.is_none() {
        // An earlier request to this site carried a session cookie that is now gone from the jar.
        let earlier = ctx.earlier().take(500).find_map(|(i, e)| {
            if !same_site_url(&e.url) {
                return None;
            }
            let pairs = e.request_headers.cookie_pairs();
            pairs.iter().find(|p| is_session_cookie_name(p.name)).map(|p| (i, p.name.to_string()))
        });
        if let Some((i, name)) = earlier {
            let in_jar = f.jar.cookies().any(|c| c.name == name && !c.expired(now));
            if !in_jar || f.from_snapshot {
                story = Some((
                    name,
                    format!(
                        "earlier requests to this site carried it (for example {}), this one did not: it expired, was deleted, or its Domain/Path/SameSite do not cover this request (the capture does not show which)",
                        url_of(ctx, i)
                    ),
                    Some(i),
                ));
            }
        }
    }
    if story.is_none() && f.from_snapshot && !f.jar.cookies().any(|c| is_session_cookie_name(&c.name) && f.related(c)) {
        // The browser's own store has no session cookie for this site; say so only when the
        // server's answer shows it expected one (it starts a new session now).
        if let Some(l) = f.lines.iter().find(|l| l.parsed.as_ref().is_ok_and(|c| is_session_cookie_name(&c.name))) {
            story = Some((
                l.name(),
                "the browser's cookie store has no session cookie for this site, and the server is starting a new one"
                    .into(),
                None,
            ));
        }
    }
    let Some((name, what, related)) = story else { return };
    let mut fnd = Finding::new(
        SessionCookieAbsent,
        format!("The request to {} went without the session cookie `{name}`: {what}. The server therefore saw an anonymous request and answered {}.", ctx.ex.url, ctx.ex.status),
        session_cookie_snippets(
            Fix::new("Make sure the login response stores a session cookie that lasts and covers this URL.")
                .step("Check the login response's Set-Cookie (the set-time findings on it name the exact problem).")
                .step("Give the cookie a lifetime with `Max-Age` if it must survive a browser restart, and keep the number of cookies per domain small."),
            &name,
            "Lax",
            None,
        ),
    )
    .with("cookie", name)
    .with("request", format!("{} {} → {}", ctx.ex.method, ctx.ex.url, ctx.ex.status))
    .confidence(65);
    if let Some(i) = related {
        fnd = fnd.related(i);
    }
    out.push(fnd);
}

/// The set-time cause of a session cookie's absence, on the failing request (DIAGNOSES §0.7 rule 1):
/// the setter's id, `related` → the setter, ranked above the generic `session-cookie-absent`.
fn set_time_cause_here(ctx: &Ctx<'_, '_>, setter: usize, name: &str, r: &Rejection, why: &str) -> Finding {
    let id = super::set_time::rejection_id(r);
    Finding::new(
        id,
        format!(
            "This request went without the session cookie `{name}` because the browser never stored it: when {} set \
             it, {why}. The fix is on that response's Set-Cookie line.",
            url_of(ctx, setter)
        ),
        Fix::new(format!("Fix the Set-Cookie of `{name}` on the response that sets it (see that entry's finding)."))
            .step("Then sign in again: the browser stores the cookie and sends it with this request."),
    )
    .with("cookie", name)
    .with("set by", url_of(ctx, setter))
    .related(setter)
    .confidence(85)
}

fn rejection_short(r: &Rejection) -> &'static str {
    match r {
        Rejection::Syntax(_) => "syntax",
        Rejection::SchemeNotSupported => "scheme cannot store cookies",
        Rejection::DomainNonAscii | Rejection::DomainPublicSuffix | Rejection::DomainNotMatching => "invalid Domain",
        Rejection::SecureFromInsecure => "Secure cookie from plain http",
        Rejection::HttpOnlyFromScript | Rejection::OverwriteHttpOnly => "HttpOnly from script",
        Rejection::OverwriteSecure => "would overwrite a Secure cookie from plain http",
        Rejection::SameSiteCrossSite { .. } => "Lax/Strict cookie from a cross-site response",
        Rejection::SameSiteNoneInsecure => "SameSite=None without Secure",
        Rejection::InvalidPrefix(..) => "cookie prefix rules broken",
        Rejection::PartitionedWithoutSecure => "Partitioned without Secure",
        Rejection::ThirdPartyBlocked => "third-party cookies blocked",
    }
}

fn url_of(ctx: &Ctx<'_, '_>, i: usize) -> String {
    ctx.capture.exchanges.get(i).map(|e| format!("{} {}", e.method, e.url)).unwrap_or_default()
}

/// `tls-offload-secure-cookie-missing` — 6265bis §5.7 step 13 seen from the app: behind a TLS
/// proxy the app thinks it speaks http and never issues its Secure session cookie.
fn tls_offload_secure_cookie_missing(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if !ctx.sent_cookies.is_empty() || ctx.creds.authorization || f.url.scheme() != "https" {
        return;
    }
    let host = f.url.host_str().unwrap_or("");
    let site = crate::site::registrable_domain(host).unwrap_or_else(|| host.to_string());
    let login = ctx.earlier().take(200).find(|(_, e)| {
        let Ok(u) = url::Url::parse(&e.url) else { return false };
        u.scheme() == "https"
            && u.host_str().map(|h| crate::site::registrable_domain(h).unwrap_or_else(|| h.to_string()))
                == Some(site.clone())
            && e.method.eq_ignore_ascii_case("POST")
            && crate::signals::is_sign_in_step(u.path())
            && matches!(e.status, 200 | 204 | 301 | 302 | 303 | 307 | 308)
    });
    let Some((i, login)) = login else { return };
    if login.response_headers.set_cookie_lines().next().is_some() {
        return;
    }
    let rh = &login.response_headers;
    let downgrade = rh.get("location").is_some_and(|l| l.trim_start().to_ascii_lowercase().starts_with("http://"));
    let powered = rh.get("x-powered-by").map(str::to_string);
    let server = rh.get("server").map(str::to_ascii_lowercase).unwrap_or_default();
    let framework = powered.is_some()
        || ["gunicorn", "uvicorn", "werkzeug", "puma", "webrick", "kestrel", "waitress", "passenger", "unicorn"]
            .iter()
            .any(|s| server.contains(s));
    // A JSON token login is not a cookie login: its body hands the token over.
    let token_body =
        login.response_body.as_deref().is_some_and(|b| b.contains("access_token") || b.contains("\"token\""));
    if !(downgrade || framework) || token_body {
        return;
    }
    let mut fnd = Finding::new(
        TlsOffloadSecureCookieMissing,
        format!(
            "The login at {} answered {} over https without any Set-Cookie{}, and this request now fails with {}. \
             That is the signature of an app behind a TLS-terminating proxy: the proxy talks plain http to the app, \
             the app believes the request is insecure and refuses to issue its Secure session cookie{}.",
            login.url,
            login.status,
            if downgrade { " and redirected to an http:// URL" } else { "" },
            ctx.ex.status,
            powered.as_deref().map(|p| format!(" (X-Powered-By: {p})")).unwrap_or_default()
        ),
        Fix::new("Have the proxy pass the original scheme and make the app trust it.")
            .step("Proxy: send `X-Forwarded-Proto` (nginx: `proxy_set_header X-Forwarded-Proto $scheme;`).")
            .step("App: trust the proxy header (settings below).")
            .snippet("nginx", "proxy_set_header X-Forwarded-Proto $scheme;\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;")
            .snippet("express", "app.set('trust proxy', 1);")
            .snippet("django", "SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")")
            .snippet("rails", "config.assume_ssl = true")
            .snippet("spring", "server.forward-headers-strategy=native")
            .snippet("aspnet", "app.UseForwardedHeaders(new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedProto });"),
    )
    .with("login response", format!("{} {} → {} (no Set-Cookie)", login.method, login.url, login.status))
    .related(i)
    .confidence(if downgrade { 80 } else { 60 });
    if let Some(p) = powered {
        fnd = fnd.with("X-Powered-By", p);
    }
    out.push(fnd);
}
