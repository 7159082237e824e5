//! The facts every cookie rule reads about one exchange, computed once: the request's cookie
//! context (site-for-cookies, navigation, partition), the jar as it stood before the request
//! (the browser's snapshot, else replayed from the capture), and this response's `Set-Cookie`
//! lines with their verdicts.
//!
//! No wording here: rules and the cookie table turn these into words.

use super::is_top_level_navigation;
use crate::cookies::jar::{self, Cookie, Jar, Rejection, SiteContext, Source, Stored};
use crate::diagnose::context::Ctx;
use crate::headers::set_cookie::{self, SetCookie, SetCookieError};
use crate::model::{BlockedSetCookie, Browser};
use crate::signals::FetchSite;
use crate::site::Relation;
use std::collections::{HashMap, HashSet};
use url::Url;

/// At most this many earlier `Set-Cookie` responses of the same site are replayed into the jar.
const MAX_REPLAY: usize = 200;

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
    /// The cookie name, parsed, or read from the raw line when it did not parse.
    pub fn name(&self) -> String {
        match &self.parsed {
            Ok(c) => c.name.clone(),
            Err(_) => set_cookie::line_name(self.raw).unwrap_or("").to_string(),
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
    /// This response's `Set-Cookie` lines.
    pub lines: Vec<SetLine<'c>>,
    /// The jar as it stood before this request (snapshot, else replayed from the capture).
    pub jar: Jar,
    /// The jar comes from the browser's own store rather than a replay.
    pub from_snapshot: bool,
    /// Whether `jar` holds everything known before this request: the snapshot, or a replay of the
    /// capture. `false` when the rules of this exchange did not need the replay.
    pub complete: bool,
    /// Names of the cookies the request carried: one lookup per question instead of a scan.
    pub sent_names: HashSet<&'c str>,
    /// Lines of earlier exchanges the replay refused: (exchange, cookie name, reason).
    pub earlier_rejections: Vec<(usize, String, Rejection)>,
    /// Earlier exchanges that deleted a cookie (Max-Age ≤ 0 or past Expires): (exchange, name).
    pub earlier_deletions: Vec<(usize, String)>,
}

impl<'c> Facts<'c> {
    /// Builds the facts for `ctx`; `None` when the request URL did not parse. The capture is
    /// replayed into the jar only when `replay` (a snapshot is always used).
    pub fn build(ctx: &Ctx<'c, '_>, replay: bool) -> Option<Facts<'c>> {
        let url = ctx.url.clone()?;
        let ex = ctx.ex;
        let tp_blocked = ex.third_party_cookies_blocked.or(ctx.capture.third_party_cookies_blocked).unwrap_or(false);
        let mut f = Facts {
            site: site_context(ctx),
            nav: is_top_level_navigation(ctx),
            top_site: ctx.page.as_ref().and_then(jar::site_key),
            third_party: matches!(ctx.top_relation, Some(Relation::CrossSite | Relation::SchemefulCrossSite)),
            tp_blocked,
            lax_by_default: ctx.browser() == Browser::Chromium,
            lines: Vec::new(),
            jar: Jar::new(),
            from_snapshot: false,
            complete: false,
            sent_names: ctx.sent_cookies.iter().map(|p| p.name).collect(),
            earlier_rejections: Vec::new(),
            earlier_deletions: Vec::new(),
            now_ms: now_ms(ctx),
            url,
        };
        f.build_jar(ctx, replay);
        f.build_lines(ctx);
        Some(f)
    }

    /// Completes a jar built without the replay (the cookie table wants it even when no rule did);
    /// the replay runs at most once per exchange.
    pub fn complete_jar(&mut self, ctx: &Ctx<'c, '_>) {
        if self.complete {
            return;
        }
        self.build_jar(ctx, true);
        // The lines' verdicts depend on the earlier jar ("leave secure cookies alone").
        self.build_lines(ctx);
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

    fn build_jar(&mut self, ctx: &Ctx<'c, '_>, replay: bool) {
        if let Some(snap) = &ctx.ex.jar {
            let now = self.now_ms.unwrap_or(0);
            for j in snap {
                self.jar.insert_snapshot(j, now);
            }
            self.from_snapshot = true;
            self.complete = true;
            return;
        }
        if !replay {
            return;
        }
        self.complete = true;
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
        // superseded), newest MAX_REPLAY of them. Walking back from this exchange finds them in
        // time proportional to the walk; when that walk would be longer than the capture's number
        // of cookie names, the per-name index answers instead (the same set either way).
        let budget = ctx.corr.cookie_setters.len().max(MAX_REPLAY);
        let mine = match newest_setters_by_walk(ctx, &same_site, budget) {
            Some(m) => m,
            None => newest_setters_by_name(ctx, &same_site),
        };
        for i in mine {
            self.replay_exchange(ctx, i);
        }
    }

    /// Stores the `Set-Cookie` lines of earlier exchange `i` into the jar, noting refusals and
    /// deletions.
    fn replay_exchange(&mut self, ctx: &Ctx<'c, '_>, i: usize) {
        let Some(ex) = ctx.capture.exchanges.get(i) else { return };
        let sctx = Ctx::new(ctx.capture, ctx.corr, i, ex);
        let Some(surl) = sctx.url.clone() else { return };
        let jctx = jar::Context {
            url: &surl,
            method: &ex.method,
            now_ms: now_ms(&sctx).or(self.now_ms).unwrap_or(0),
            http_api: true,
            site: site_context(&sctx),
            top_level_navigation: is_top_level_navigation(&sctx),
            top_level_site: sctx.page.as_ref().and_then(jar::site_key),
            third_party: matches!(sctx.top_relation, Some(Relation::CrossSite | Relation::SchemefulCrossSite)),
            third_party_blocked: self.tp_blocked,
            lax_by_default: self.lax_by_default,
            source: Source::Exchange(i),
        };
        let blocked: HashSet<&str> = ex.blocked_set_cookies.iter().map(|b| b.cookie_line.trim()).collect();
        for line in ex.response_headers.set_cookie_lines() {
            // A line Chromium reported as blocked was not stored, whatever the replay says.
            if blocked.contains(line.trim()) {
                continue;
            }
            match set_cookie::parse(line) {
                Ok(c) => match self.jar.store(&c, &jctx) {
                    Ok(s) if s.expired_on_arrival => self.earlier_deletions.push((i, c.name)),
                    Ok(_) => {}
                    Err(r) => self.earlier_rejections.push((i, c.name, r)),
                },
                Err(e) => self.earlier_rejections.push((i, String::new(), Rejection::Syntax(e))),
            }
        }
    }

    fn build_lines(&mut self, ctx: &Ctx<'c, '_>) {
        let ex = ctx.ex;
        let mut lines = Vec::new();
        // Each reported line by its text, the first report winning as a scan would.
        let mut reports: HashMap<&str, &'c BlockedSetCookie<'c>> = HashMap::new();
        for b in &ex.blocked_set_cookies {
            reports.entry(b.cookie_line.trim()).or_insert(b);
        }
        for raw in ex.response_headers.set_cookie_lines() {
            let reported = reports.get(raw.trim()).copied();
            let parsed = set_cookie::parse(raw);
            let verdict = match &parsed {
                Ok(c) => {
                    let mut jctx = self.context(&ex.method);
                    jctx.source = Source::Exchange(ctx.index);
                    // Probe, not store: "leave secure cookies alone" must see the earlier jar.
                    Some(self.jar.probe(c, &jctx))
                }
                Err(_) => None,
            };
            lines.push(SetLine { raw, parsed, verdict, reported });
        }
        // CDP may report a blocked line the headers no longer show (HAR exporters drop them).
        let shown: HashSet<&str> = lines.iter().map(|l: &SetLine<'c>| l.raw.trim()).collect();
        for b in &ex.blocked_set_cookies {
            if !shown.contains(b.cookie_line.trim()) {
                let raw: &'c str = &b.cookie_line;
                lines.push(SetLine { raw, parsed: set_cookie::parse(raw), verdict: None, reported: Some(b) });
            }
        }
        self.lines = lines;
    }

    /// Whether the request carried a cookie named `name` in its `Cookie` header.
    pub fn was_sent(&self, name: &str) -> bool {
        self.sent_names.contains(name)
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

/// How many of a name's most recent setters the replay looks at for a same-site one.
const SETTERS_LOOKED_AT: usize = 32;
/// How many same-site setters of a name the replay keeps.
const SETTERS_KEPT: usize = 2;

/// The replay set through the correlation's per-name index: for every cookie name, its newest
/// [`SETTERS_KEPT`] same-site setters among its [`SETTERS_LOOKED_AT`] newest setters before `ctx`;
/// the newest [`MAX_REPLAY`] of those, in capture order. Costs one step per name in the capture.
fn newest_setters_by_name(ctx: &Ctx<'_, '_>, same_site: &dyn Fn(&str) -> bool) -> Vec<usize> {
    let mut mine: Vec<usize> = Vec::new();
    for idxs in ctx.corr.cookie_setters.values() {
        let end = idxs.partition_point(|&i| i < ctx.index);
        let before = idxs.get(..end).unwrap_or(&[]);
        let mut found = 0;
        for &i in before.iter().rev().take(SETTERS_LOOKED_AT) {
            if ctx.capture.exchanges.get(i).is_some_and(|e| same_site(&e.url)) {
                mine.push(i);
                found += 1;
                if found == SETTERS_KEPT {
                    break;
                }
            }
        }
    }
    mine.sort_unstable();
    mine.dedup();
    let skip = mine.len().saturating_sub(MAX_REPLAY);
    mine.into_iter().skip(skip).collect()
}

/// The same set as [`newest_setters_by_name`], found by walking back from `ctx` and counting each
/// name's setters on the way; `None` when that takes more than `budget` exchanges. Names are read
/// as the correlation reads them (each line of `Set-Cookie`, text before `=`, trimmed), once per
/// exchange.
fn newest_setters_by_walk(ctx: &Ctx<'_, '_>, same_site: &dyn Fn(&str) -> bool, budget: usize) -> Option<Vec<usize>> {
    // Per name: (setters seen so far, newer than the current one; same-site setters kept).
    let mut seen: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut mine = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (steps, i) in (0..ctx.index).rev().enumerate() {
        if steps >= budget {
            return None;
        }
        let Some(ex) = ctx.capture.exchanges.get(i) else { continue };
        names.clear();
        // Named as `Correlation::cookie_setters` names them: the one Set-Cookie line reader and parser.
        names.extend(
            ex.response_headers.set_cookie_lines().filter_map(|l| set_cookie::line_name(l).filter(|n| !n.is_empty())),
        );
        if names.is_empty() {
            continue;
        }
        names.sort_unstable();
        names.dedup();
        let here = same_site(&ex.url);
        let mut keep = false;
        for &n in &names {
            let e = seen.entry(n).or_default();
            if here && e.0 < SETTERS_LOOKED_AT && e.1 < SETTERS_KEPT {
                e.1 += 1;
                keep = true;
            }
            e.0 += 1;
        }
        if keep {
            mine.push(i);
            if mine.len() == MAX_REPLAY {
                break;
            }
        }
    }
    mine.reverse();
    Some(mine)
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
    let mut rels: Vec<Relation> = if nav {
        ctx.relation.into_iter().collect()
    } else {
        ctx.top_relation.into_iter().chain(ctx.relation).collect()
    };
    // 6265bis §5.2: a cross-site hop in the redirect chain makes the request cross-site.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::{Capture, Exchange};
    use std::borrow::Cow;

    /// The walk back finds exactly the replay set the per-name index finds: shared and unique
    /// names, two sites, exchanges without cookies, a name twice in one exchange, Firefox's joined
    /// lines, and more than MAX_REPLAY candidates and more than SETTERS_LOOKED_AT setters of a name.
    #[test]
    fn replay_set_by_walk_equals_by_name() {
        use crate::model::{Header, Headers};
        let mut exchanges = Vec::new();
        let mut x: u64 = 7;
        for i in 0..1200 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (x >> 33) as usize;
            let url = if r % 3 == 0 { "https://b.other.test/" } else { "https://a.example.com/p" };
            let res = match r % 7 {
                0 => vec![],
                1 => vec![Header::new("Set-Cookie", format!("s{}=1\ns{}=2; Path=/", r % 5, r % 5).leak())],
                2 => vec![Header::new("Set-Cookie", format!("u{i}=1").leak()), Header::new("Set-Cookie", "common=1")],
                _ => vec![Header::new("Set-Cookie", format!("n{}=1", r % 90).leak())],
            };
            exchanges.push(Exchange {
                method: Cow::Borrowed("GET"),
                url: Cow::Borrowed(url),
                status: 200,
                response_headers: Headers(res),
                ..Default::default()
            });
        }
        let cap = Capture { exchanges, ..Default::default() };
        let corr = Correlation::build(&cap);
        let same_site = |u: &str| u.contains("example.com");
        for (i, ex) in cap.exchanges.iter().enumerate() {
            let ctx = Ctx::new(&cap, &corr, i, ex);
            let by_name = newest_setters_by_name(&ctx, &same_site);
            assert_eq!(newest_setters_by_walk(&ctx, &same_site, usize::MAX).as_ref(), Some(&by_name), "at {i}");
            if let Some(w) = newest_setters_by_walk(&ctx, &same_site, 50) {
                assert_eq!(w, by_name, "at {i}, short budget");
            }
        }
        let last = Ctx::new(&cap, &corr, 1199, &cap.exchanges[1199]);
        assert_eq!(newest_setters_by_name(&last, &same_site).len(), MAX_REPLAY);
        assert_eq!(newest_setters_by_walk(&last, &same_site, 50), None);
    }

    /// The table completes a jar the rules built without the replay; the result must be the jar
    /// (and the line verdicts) a replay from the start gives.
    #[test]
    fn completed_jar_equals_replayed_jar() {
        use crate::model::{Header, Headers};
        let ex = |url: &'static str, res: Vec<Header<'static>>| Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed(url),
            status: 200,
            response_headers: Headers(res),
            started_ms: Some(1.79e12),
            ..Default::default()
        };
        let cap = Capture {
            exchanges: vec![
                ex("https://app.example.com/login", vec![Header::new("Set-Cookie", "sid=1; Path=/; Secure")]),
                ex("http://app.example.com/x", vec![Header::new("Set-Cookie", "sid=2; Path=/")]),
            ],
            ..Default::default()
        };
        let corr = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &corr, 1, &cap.exchanges[1]);
        let full = Facts::build(&ctx, true).expect("url parses");
        let mut lazy = Facts::build(&ctx, false).expect("url parses");
        assert!(!lazy.complete && lazy.jar.is_empty());
        lazy.complete_jar(&ctx);
        assert!(lazy.complete);
        assert!(lazy.jar.cookies().eq(full.jar.cookies()));
        let verdicts = |f: &Facts<'_>| f.lines.iter().map(|l| l.verdict.clone()).collect::<Vec<_>>();
        assert_eq!(verdicts(&lazy), verdicts(&full));
        // The plain-http line may not replace the Secure cookie the replay knows about.
        assert_eq!(verdicts(&full), [Some(Err(Rejection::OverwriteSecure))]);
    }

    #[test]
    fn site_context_uses_page_for_subresources() {
        let e = Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed("https://api.other.test/x"),
            status: 401,
            page_url: Some(Cow::Borrowed("https://app.example.com/")),
            resource_type: Some(Cow::Borrowed("fetch")),
            started_ms: Some(1.79e12),
            ..Default::default()
        };
        let cap = Capture { exchanges: vec![e], ..Default::default() };
        let corr = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
        assert_eq!(site_context(&ctx), SiteContext::CrossSite { schemeful: false });
    }
}
