//! Rules about cookies: set time (group D), send time (group E), the cookie-session rules of
//! A and B, the TLS-offload rule of G and the cookie rules of I.
//!
//! Two kinds of evidence feed every rule. When the capture has Chromium's own verdicts (CDP
//! `blockedCookies` / `associatedCookies`), the rule reports them (signal Reported). Otherwise it
//! replays the capture's `Set-Cookie` lines (or takes the extension's `chrome.cookies` snapshot)
//! into a 6265bis jar and asks it which cookies this request carries and why the others are left
//! out (signal Inferred). The facts are computed once per exchange in [`Facts`].

mod cache_layer;
mod send_time;
mod session;
mod set_time;
mod text;

use super::context::Ctx;
use crate::cookies::jar::{self, Cookie, Exclusion, Jar, Rejection, SiteContext, Source, Stored};
use crate::finding::Finding;
use crate::headers::cookie::{self as cookie_header, CookiePair};
use crate::headers::set_cookie::{self, SetCookie, SetCookieError};
use crate::model::{BlockedSetCookie, Browser};
use crate::secret::{Exposure, redact};
use crate::signals::FetchSite;
use crate::site::Relation;
use crate::view::CookieRow;
use url::Url;

pub(crate) use crate::signals::is_session_cookie_name;

/// At most this many earlier `Set-Cookie` responses of the same site are replayed into the jar.
const MAX_REPLAY: usize = 200;

/// The newest exchange before `ctx`'s that set cookie `name` (binary search in the correlation).
pub(crate) fn last_setter_before(ctx: &Ctx<'_, '_>, name: &str) -> Option<usize> {
    let idxs = ctx.corr.cookie_setters.get(name)?;
    let end = idxs.partition_point(|&i| i < ctx.index);
    end.checked_sub(1).and_then(|k| idxs.get(k)).copied()
}

/// The host part of a URL string without parsing it (the replay's cheap same-site filter).
fn raw_host(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let auth = rest.split(['/', '?', '#']).next().unwrap_or("");
    let auth = auth.rsplit_once('@').map(|(_, h)| h).unwrap_or(auth);
    if let Some(v6) = auth.strip_prefix('[') {
        return v6.split(']').next().unwrap_or("");
    }
    let h = auth.split(':').next().unwrap_or("");
    h.strip_suffix('.').unwrap_or(h)
}

/// Runs every rule of this module.
pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    if !worth_looking(ctx) || !has_work(ctx) {
        return;
    }
    let Some(facts) = Facts::build(ctx) else { return };
    set_time::check(ctx, &facts, out);
    send_time::check(ctx, &facts, out);
    session::check(ctx, &facts, out);
    cache_layer::check(ctx, &facts, out);
}

/// The cookie table for the popup: sent, not sent and why, set or refused.
pub fn cookie_rows(ctx: &Ctx<'_, '_>) -> Vec<CookieRow> {
    if !worth_looking(ctx) {
        return Vec::new();
    }
    match Facts::build_with(ctx, true) {
        Some(facts) => rows(ctx, &facts),
        None => Vec::new(),
    }
}

/// Cheap gate: nothing cookie-related can be said about an exchange without cookies, cookie
/// verdicts or an authentication failure.
fn worth_looking(ctx: &Ctx<'_, '_>) -> bool {
    let ex = ctx.ex;
    ctx.url.is_some()
        && (ex.response_headers.has("set-cookie")
            || ex.request_headers.has("cookie")
            || !ex.blocked_set_cookies.is_empty()
            || !ex.associated_cookies.is_empty()
            || ex.site_has_cookie_in_other_partition
            || ex.jar.is_some()
            || auth_failed(ctx))
}

/// Whether any rule can fire: a failure, a browser verdict, or a `Set-Cookie` that matters (an
/// auth cookie, or any cookie of a login exchange). A plain 200 that refreshes a tracking cookie
/// costs one header scan.
fn has_work(ctx: &Ctx<'_, '_>) -> bool {
    let ex = ctx.ex;
    auth_failed(ctx)
        || ex.status >= 400
        || ex.status == 0
        || !ex.blocked_set_cookies.is_empty()
        || !ex.associated_cookies.is_empty()
        || ex.site_has_cookie_in_other_partition
        || ex.response_headers.has("set-cookie")
            && (is_login_like(ctx)
                || ex.response_headers.get_all("set-cookie").flat_map(set_cookie::split_lines).any(|l| {
                    let name = l.split(';').next().and_then(|p| p.split_once('=')).map(|(n, _)| n.trim());
                    name.is_none_or(is_session_cookie_name)
                }))
}

/// Whether the exchange looks like an authentication failure: 401/403 (419/440 are the session
/// expiry codes of Laravel and IIS), or a redirect to a login page.
pub(crate) fn auth_failed(ctx: &Ctx<'_, '_>) -> bool {
    matches!(ctx.ex.status, 401 | 403 | 419 | 440) || redirects_to_login(ctx)
}

/// A 3xx whose `Location` looks like a sign-in page.
pub(crate) fn redirects_to_login(ctx: &Ctx<'_, '_>) -> bool {
    if !(300..400).contains(&ctx.ex.status) {
        return false;
    }
    let loc = ctx.ex.redirect_url.as_deref().or_else(|| ctx.ex.response_headers.get("location")).unwrap_or("");
    crate::signals::is_login_url(loc)
}

/// Whether the exchange looks like part of a sign-in (login form, SSO callback, token or session
/// endpoint), judged from its URL path.
pub(crate) fn is_login_like(ctx: &Ctx<'_, '_>) -> bool {
    ctx.url.as_ref().is_some_and(|u| crate::signals::is_sign_in_step(u.path()))
}

/// Whether the request is a top-level navigation. Captures without a resource type or fetch
/// metadata fall back to the shape of a navigation: a GET for HTML without an `Origin`.
pub(crate) fn is_top_level_navigation(ctx: &Ctx<'_, '_>) -> bool {
    if ctx.is_navigation() {
        return true;
    }
    if ctx.resource.is_some() || ctx.mode.is_some() {
        return false;
    }
    let rq = &ctx.ex.request_headers;
    ctx.ex.method.eq_ignore_ascii_case("GET")
        && !rq.has("origin")
        && rq.get("accept").is_some_and(|a| a.contains("text/html"))
}

/// One `Set-Cookie` line of this exchange's response and what became of it.
pub(crate) struct SetLine<'c> {
    pub raw: &'c str,
    pub parsed: Result<SetCookie, SetCookieError>,
    /// The jar's verdict (inferred), when the line parsed and the URL is known.
    pub verdict: Option<Result<Stored, Rejection>>,
    /// Chromium's own verdict (CDP), when the capture has one for this line.
    pub reported: Option<&'c BlockedSetCookie<'c>>,
}

impl SetLine<'_> {
    /// The cookie name, parsed or guessed from the raw line.
    pub fn name(&self) -> String {
        match &self.parsed {
            Ok(c) => c.name.clone(),
            Err(_) => self
                .raw
                .split(';')
                .next()
                .and_then(|p| p.split_once('='))
                .map(|(n, _)| n.trim())
                .unwrap_or("")
                .to_string(),
        }
    }
}

/// Everything the cookie rules need about one exchange, computed once.
pub(crate) struct Facts<'c> {
    pub url: Url,
    /// The capture's clock for this request (client clock, else server `Date`), epoch ms.
    pub now_ms: Option<i64>,
    pub site: SiteContext,
    pub nav: bool,
    pub top_site: Option<String>,
    pub third_party: bool,
    pub tp_blocked: bool,
    pub lax_by_default: bool,
    /// Pairs of the request's `Cookie` header(s), in order.
    pub sent: Vec<CookiePair<'c>>,
    /// This response's `Set-Cookie` lines.
    pub lines: Vec<SetLine<'c>>,
    /// The jar as it stood before this request (snapshot, else replayed from the capture).
    pub jar: Jar,
    /// The jar comes from the browser's own store rather than a replay.
    pub from_snapshot: bool,
    /// Lines of earlier exchanges the replay refused: (exchange, cookie name, reason).
    pub earlier_rejections: Vec<(usize, String, Rejection)>,
    /// Earlier exchanges that deleted a cookie (Max-Age ≤ 0 or past Expires): (exchange, name).
    pub earlier_deletions: Vec<(usize, String)>,
}

impl<'c> Facts<'c> {
    /// Builds the facts for `ctx`; `None` when the request URL did not parse.
    pub fn build(ctx: &Ctx<'c, '_>) -> Option<Facts<'c>> {
        Facts::build_with(ctx, false)
    }

    /// As [`Facts::build`]; `full` replays the jar even when no rule needs it (the popup table).
    pub fn build_with(ctx: &Ctx<'c, '_>, full: bool) -> Option<Facts<'c>> {
        // The replayed jar costs a pass over earlier exchanges: only failing requests, a plain-http
        // response (leave-secure-cookies-alone needs the old cookies) and the popup need it.
        let need_jar = full
            || auth_failed(ctx)
            || ctx.ex.status >= 400
            || ctx.url.as_ref().is_some_and(|u| !jar::is_secure_url(u) && ctx.ex.response_headers.has("set-cookie"));
        let url = ctx.url.clone()?;
        let ex = ctx.ex;
        let now_ms = now_ms(ctx);
        let tp_blocked = ex.third_party_cookies_blocked.or(ctx.capture.third_party_cookies_blocked).unwrap_or(false);
        let mut f = Facts {
            site: site_context(ctx),
            nav: is_top_level_navigation(ctx),
            top_site: ctx.page.as_ref().and_then(jar::site_key),
            third_party: matches!(ctx.top_relation, Some(Relation::CrossSite | Relation::SchemefulCrossSite)),
            tp_blocked,
            lax_by_default: ctx.browser() == Browser::Chromium,
            sent: cookie_header::parse_all(ex.request_headers.get_all("cookie")),
            lines: Vec::new(),
            jar: Jar::new(),
            from_snapshot: false,
            earlier_rejections: Vec::new(),
            earlier_deletions: Vec::new(),
            now_ms,
            url,
        };
        f.build_jar(ctx, need_jar);
        f.build_lines(ctx);
        Some(f)
    }

    /// The jar context of this exchange's own request.
    pub fn context(&self, method: &'c str) -> jar::Context<'_> {
        jar::Context {
            url: &self.url,
            method,
            now_ms: self.now_ms.unwrap_or(0),
            http_api: true,
            site: self.site,
            top_level_navigation: self.nav,
            top_level_site: self.top_site.clone(),
            third_party: self.third_party,
            third_party_blocked: self.tp_blocked,
            lax_by_default: self.lax_by_default,
            source: Source::Other,
        }
    }

    fn build_jar(&mut self, ctx: &Ctx<'c, '_>, need: bool) {
        if let Some(snap) = &ctx.ex.jar {
            let now = self.now_ms.unwrap_or(0);
            for j in snap {
                self.jar.insert_snapshot(j, now);
            }
            self.from_snapshot = true;
            return;
        }
        if !need {
            return;
        }
        // Replay the Set-Cookie lines of earlier exchanges of this site, in capture order. Cookies
        // of other sites can never domain-match this request, so they are skipped unparsed, and
        // only the most recent setters are replayed to bound the cost on huge captures.
        let here_host = jar::canonical_host(&self.url).unwrap_or_default();
        let here_site = crate::site::registrable_domain(&here_host).unwrap_or_else(|| here_host.clone());
        let same_site = |u: &str| {
            let h = raw_host(u);
            h.eq_ignore_ascii_case(&here_host)
                || h.len() > here_site.len()
                    && h.get(h.len() - here_site.len()..).is_some_and(|t| t.eq_ignore_ascii_case(&here_site))
                    && h.as_bytes().get(h.len() - here_site.len() - 1) == Some(&b'.')
                || h.eq_ignore_ascii_case(&here_site)
        };
        // The newest two same-site setters of every cookie name (older lines are almost always
        // superseded), found through the correlation's per-name index without scanning the capture.
        let mut mine: Vec<usize> = Vec::new();
        for idxs in ctx.corr.cookie_setters.values() {
            let end = idxs.partition_point(|&i| i < ctx.index);
            let before = idxs.get(..end).unwrap_or(&[]);
            let mut found = 0;
            for &i in before.iter().rev().take(32) {
                if ctx.capture.exchanges.get(i).is_some_and(|e| same_site(&e.url)) {
                    mine.push(i);
                    found += 1;
                    if found == 2 {
                        break;
                    }
                }
            }
        }
        mine.sort_unstable();
        mine.dedup();
        let skip = mine.len().saturating_sub(MAX_REPLAY);
        let mine: Vec<usize> = mine.into_iter().skip(skip).collect();
        for i in mine {
            let Some(ex) = ctx.capture.exchanges.get(i) else { continue };
            let sctx = Ctx::new(ctx.capture, ctx.corr, i, ex);
            let Some(surl) = sctx.url.clone() else { continue };
            let facts_site = site_context(&sctx);
            let now = now_ms(&sctx).or(self.now_ms).unwrap_or(0);
            let jctx = jar::Context {
                url: &surl,
                method: &ex.method,
                now_ms: now,
                http_api: true,
                site: facts_site,
                top_level_navigation: is_top_level_navigation(&sctx),
                top_level_site: sctx.page.as_ref().and_then(jar::site_key),
                third_party: matches!(sctx.top_relation, Some(Relation::CrossSite | Relation::SchemefulCrossSite)),
                third_party_blocked: self.tp_blocked,
                lax_by_default: self.lax_by_default,
                source: Source::Exchange(i),
            };
            for line in ex.response_headers.get_all("set-cookie").flat_map(set_cookie::split_lines) {
                // A line Chromium reported as blocked was not stored, whatever the replay says.
                let blocked = ex.blocked_set_cookies.iter().find(|b| b.cookie_line.trim() == line.trim());
                let parsed = set_cookie::parse(line);
                let name = match &parsed {
                    Ok(c) => c.name.clone(),
                    Err(_) => String::new(),
                };
                if blocked.is_some() {
                    continue;
                }
                match parsed {
                    Ok(c) => match self.jar.store(&c, &jctx) {
                        Ok(s) if s.expired_on_arrival => self.earlier_deletions.push((i, name)),
                        Ok(_) => {}
                        Err(r) => self.earlier_rejections.push((i, name, r)),
                    },
                    Err(e) => self.earlier_rejections.push((i, name, Rejection::Syntax(e))),
                }
            }
        }
    }

    fn build_lines(&mut self, ctx: &Ctx<'c, '_>) {
        let ex = ctx.ex;
        let mut lines = Vec::new();
        for raw in ex.response_headers.get_all("set-cookie").flat_map(set_cookie::split_lines) {
            let reported = ex.blocked_set_cookies.iter().find(|b| b.cookie_line.trim() == raw.trim());
            let parsed = set_cookie::parse(raw);
            let verdict = match &parsed {
                Ok(c) if ctx.url.is_some() => {
                    let mut jctx = self.context(&ex.method);
                    jctx.now_ms = self.now_ms.unwrap_or(0);
                    jctx.source = Source::Exchange(ctx.index);
                    // Check against a copy so "leave secure cookies alone" sees the earlier jar.
                    let mut probe = self.jar.clone();
                    Some(probe.store(c, &jctx))
                }
                _ => None,
            };
            lines.push(SetLine { raw, parsed, verdict, reported });
        }
        // CDP may report a blocked line the headers no longer show (HAR exporters drop them).
        for b in &ex.blocked_set_cookies {
            if !lines.iter().any(|l| l.raw.trim() == b.cookie_line.trim()) {
                let raw: &'c str = &b.cookie_line;
                lines.push(SetLine { raw, parsed: set_cookie::parse(raw), verdict: None, reported: Some(b) });
            }
        }
        self.lines = lines;
    }

    /// Whether the request's `Cookie` header carried `name`.
    pub fn was_sent(&self, name: &str) -> bool {
        self.sent.iter().any(|p| p.name == name)
    }

    /// Stored cookies that share the request's registrable domain (the ones worth talking about).
    pub fn related(&self, c: &Cookie) -> bool {
        let host = jar::canonical_host(&self.url).unwrap_or_default();
        if jar::domain_match(&host, &c.domain) {
            return true;
        }
        let a = crate::site::registrable_domain(&host);
        a.is_some() && a == crate::site::registrable_domain(&c.domain)
    }
}

/// The capture's clock for `ctx`'s request in epoch ms: the client clock, else the server `Date`.
pub(crate) fn now_ms(ctx: &Ctx<'_, '_>) -> Option<i64> {
    ctx.ex.started_ms.filter(|m| m.is_finite()).map(|m| m as i64).or(ctx.server_date.map(|d| d.saturating_mul(1000)))
}

/// The request's relation to its site-for-cookies (6265bis §5.2): the initiator for a top-level
/// navigation, the top-level page for a subresource; `Sec-Fetch-Site` (which also covers the
/// redirect chain) overrides when it says cross-site.
pub(crate) fn site_context(ctx: &Ctx<'_, '_>) -> SiteContext {
    let nav = is_top_level_navigation(ctx);
    let fetch_site = ctx.site;
    let rels: Vec<Relation> = if nav {
        ctx.relation.into_iter().collect()
    } else {
        ctx.top_relation.into_iter().chain(ctx.relation).collect()
    };
    // 6265bis §5.2: a cross-site hop in the redirect chain makes the request cross-site.
    let mut rels = rels;
    if let Some(u) = ctx.url.as_ref() {
        for (_, hop) in ctx.redirect_hops() {
            if let Ok(h) = Url::parse(&hop.url) {
                rels.push(crate::site::relation(&h, u));
            }
        }
    }
    let full_cross = rels.contains(&Relation::CrossSite);
    let schemeful = rels.contains(&Relation::SchemefulCrossSite);
    if fetch_site == Some(FetchSite::None) && nav {
        return SiteContext::SameSite;
    }
    if full_cross {
        SiteContext::CrossSite { schemeful: false }
    } else if schemeful {
        SiteContext::CrossSite { schemeful: true }
    } else if fetch_site == Some(FetchSite::CrossSite) {
        SiteContext::CrossSite { schemeful: false }
    } else {
        SiteContext::SameSite
    }
}

/// A short human reason for an exclusion (the cookie table).
fn exclusion_words(e: Exclusion) -> &'static str {
    match e {
        Exclusion::Expired => "expired",
        Exclusion::SchemeNotSupported => "this scheme carries no cookies",
        Exclusion::DomainMismatch => "Domain does not cover this host",
        Exclusion::NotOnPath => "Path does not cover this URL",
        Exclusion::SecureOnly => "Secure cookie, plain-http request",
        Exclusion::HttpOnly => "HttpOnly, hidden from script",
        Exclusion::SameSiteStrict { .. } => "SameSite=Strict on a cross-site request",
        Exclusion::SameSiteLax { .. } => "SameSite=Lax on a cross-site request",
        Exclusion::SameSiteDefaultLax { unsafe_too_old: true, .. } => {
            "no SameSite (Lax), older than 2 min on a cross-site POST"
        }
        Exclusion::SameSiteDefaultLax { .. } => "no SameSite, treated as Lax on a cross-site request",
        Exclusion::SameSiteNoneInsecure => "SameSite=None without Secure",
        Exclusion::OtherPartition => "stored in another top-level partition",
        Exclusion::ThirdPartyBlocked => "third-party cookies are blocked",
    }
}

fn exclusion_finding(e: Exclusion) -> Option<&'static str> {
    send_time::exclusion_id(e).map(|id| id.as_str())
}

fn expiry_text(c: &Cookie) -> String {
    match c.expiry_ms {
        None => "session".to_string(),
        Some(ms) if ms == i64::MIN => "expired".to_string(),
        Some(ms) => crate::headers::date::format_utc(ms.div_euclid(1000)),
    }
}

fn row_of(c: &Cookie, sent: bool, reason: Option<String>, finding: Option<String>, origin: &str) -> CookieRow {
    CookieRow {
        name: c.name.clone(),
        value_redacted: redact(&c.value, Exposure::Prefix),
        sent,
        reason,
        finding,
        same_site: c.same_site.as_str().to_string(),
        secure: c.secure,
        http_only: c.http_only,
        domain: c.display_domain(),
        path: c.path.clone(),
        expires: expiry_text(c),
        partitioned: c.partition.clone(),
        origin: origin.to_string(),
    }
}

/// The popup's cookie table.
fn rows(ctx: &Ctx<'_, '_>, f: &Facts<'_>) -> Vec<CookieRow> {
    let mut out = Vec::new();
    let rctx = f.context(&ctx.ex.method);
    let r = f.jar.retrieve(&rctx);
    let origin = if f.from_snapshot { "jar" } else { "request" };
    // Cookies the request carried, with their attributes when the jar knows them.
    for p in &f.sent {
        let known = r.sent.iter().find(|c| c.name == p.name && c.value == p.value);
        let row = match known {
            Some(c) => row_of(c, true, None, None, "request"),
            None => CookieRow {
                name: p.name.to_string(),
                value_redacted: redact(p.value, Exposure::Prefix),
                sent: true,
                origin: "request".to_string(),
                ..Default::default()
            },
        };
        out.push(row);
    }
    // Cookies the jar would send that the captured request did not show (HARs without Cookie).
    for c in &r.sent {
        if !f.was_sent(&c.name) && f.sent.is_empty() && !f.from_snapshot {
            continue;
        }
        if !f.was_sent(&c.name) {
            out.push(row_of(c, false, Some("in the jar, but not in the request's Cookie header".into()), None, origin));
        }
    }
    for (c, e) in &r.excluded {
        if !f.related(c) || *e == Exclusion::Expired && !f.from_snapshot {
            continue;
        }
        out.push(row_of(
            c,
            false,
            Some(exclusion_words(*e).to_string()),
            exclusion_finding(*e).map(str::to_string),
            origin,
        ));
    }
    // CDP verdicts for cookies the jar does not know.
    for a in &ctx.ex.associated_cookies {
        if a.blocked_reasons.is_empty() || out.iter().any(|r| r.name == a.name) {
            continue;
        }
        out.push(CookieRow {
            name: a.name.to_string(),
            value_redacted: String::new(),
            sent: false,
            reason: Some(format!("blocked by the browser: {}", a.blocked_reasons.join(", "))),
            finding: a.blocked_reasons.iter().find_map(|r| send_time::reported_id(r)).map(|id| id.as_str().to_string()),
            origin: "request".to_string(),
            ..Default::default()
        });
    }
    // This response's Set-Cookie lines.
    for l in &f.lines {
        let (reason, finding) = set_time::line_outcome(l);
        let mut row = match &l.parsed {
            Ok(c) => CookieRow {
                name: c.name.clone(),
                value_redacted: redact(&c.value, Exposure::Prefix),
                same_site: c.same_site.as_str().to_string(),
                secure: c.secure,
                http_only: c.http_only,
                domain: c.domain.clone().unwrap_or_else(|| jar::canonical_host(&f.url).unwrap_or_default()),
                path: c
                    .path_value()
                    .map(str::to_string)
                    .unwrap_or_else(|| set_cookie::default_path(f.url.path()).to_string()),
                expires: match (c.max_age, c.expires) {
                    (Some(m), _) => format!("Max-Age={m}"),
                    (None, Some(e)) => crate::headers::date::format_utc(e),
                    _ => "session".to_string(),
                },
                partitioned: c.partitioned.then(|| f.top_site.clone().unwrap_or_default()),
                ..Default::default()
            },
            Err(_) => CookieRow { name: l.name(), value_redacted: "(unparsed)".into(), ..Default::default() },
        };
        row.sent = false;
        row.reason = reason;
        row.finding = finding.map(|id| id.as_str().to_string());
        row.origin = "set-cookie".to_string();
        out.push(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::{Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    fn ex(url: &'static str, status: u16, req: Vec<Header<'static>>, res: Vec<Header<'static>>) -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed(url),
            status,
            request_headers: Headers(req),
            response_headers: Headers(res),
            started_ms: Some(1.79e12),
            ..Default::default()
        }
    }

    #[test]
    fn rows_redact_values_and_explain_exclusions() {
        let cap = Capture {
            exchanges: vec![
                ex(
                    "https://app.example.com/login",
                    200,
                    vec![],
                    vec![Header::new("Set-Cookie", "sid=topsecretsessionvalue; Path=/api/auth; Secure; HttpOnly")],
                ),
                ex(
                    "https://app.example.com/api/users",
                    401,
                    vec![Header::new("Cookie", "theme=darkmodevalue")],
                    vec![],
                ),
            ],
            ..Default::default()
        };
        let corr = Correlation::build(&cap);
        let e = &cap.exchanges[1];
        let ctx = Ctx::new(&cap, &corr, 1, e);
        let rows = cookie_rows(&ctx);
        let json = serde_json::to_string(&rows).unwrap();
        assert!(!json.contains("topsecretsessionvalue") && !json.contains("darkmodevalue"), "{json}");
        let sid = rows.iter().find(|r| r.name == "sid").expect("sid row");
        assert!(!sid.sent);
        assert_eq!(sid.finding.as_deref(), Some("cookie-not-on-path"));
        assert_eq!(sid.path, "/api/auth");
        assert!(rows.iter().any(|r| r.name == "theme" && r.sent));
    }

    #[test]
    fn site_context_uses_page_for_subresources() {
        let mut e = ex("https://api.other.test/x", 401, vec![], vec![]);
        e.page_url = Some(Cow::Borrowed("https://app.example.com/"));
        e.resource_type = Some(Cow::Borrowed("fetch"));
        let cap = Capture { exchanges: vec![e], ..Default::default() };
        let corr = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
        assert_eq!(site_context(&ctx), SiteContext::CrossSite { schemeful: false });
    }
}
