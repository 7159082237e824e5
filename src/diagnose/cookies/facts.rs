//! The facts every cookie rule reads about one exchange, computed once: the request's cookie
//! context (site-for-cookies, navigation, partition), the jar as it stood before the request
//! (the browser's snapshot, else replayed from the capture), and this response's `Set-Cookie`
//! lines with their verdicts.
//!
//! No wording here: rules and the cookie table turn these into words.

use super::is_top_level_navigation;
use crate::cookies::jar::{self, Cookie, Jar, Rejection, SiteContext, Source, Stored};
use crate::cookies::replay::{ReplayKey, SiteReplay};
use crate::diagnose::context::Ctx;
use crate::engine::{self, ThirdPartyCookies};
use crate::headers::set_cookie::{self, SetCookie, SetCookieError};
use crate::model::BlockedSetCookie;
use crate::signals::FetchSite;
use crate::site::Relation;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use url::Url;

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
    /// Third-party cookies are partitioned by top-level site (the engine's default policy).
    pub tp_partitioned: bool,
    /// `tp_blocked` comes from the engine's default (Safari's ITP), not from a stated setting.
    pub tp_blocked_by_engine: bool,
    /// Firefox's Enhanced Tracking Protection classified this third-party request as a tracker
    /// whose cookies it blocks (the class, e.g. `tracking_social`).
    pub tp_blocked_by_etp: Option<String>,
    /// The capturing engine's name, for explanations (`None`: unknown browser).
    pub engine: Option<&'static str>,
    pub lax_by_default: bool,
    /// This response's `Set-Cookie` lines.
    pub lines: Vec<SetLine<'c>>,
    /// The jar as it stood before this request (snapshot, else replayed from the capture).
    pub jar: Rc<Jar>,
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
        // The profile's own setting, when the capture states it, else the engine's default policy.
        let policy = engine::third_party_cookies(ctx.browser());
        let stated = ex.third_party_cookies_blocked.or(ctx.capture.third_party_cookies_blocked);
        let third_party = matches!(ctx.top_relation, Some(Relation::CrossSite | Relation::SchemefulCrossSite));
        let etp = third_party
            .then(|| engine::etp_blocks_cookies_of(ctx.browser(), &ex.url_classification))
            .flatten()
            .map(str::to_string);
        let tp_blocked = stated.unwrap_or(policy == ThirdPartyCookies::Blocked) || etp.is_some();
        let tp_partitioned = !tp_blocked && policy == ThirdPartyCookies::Partitioned;
        let mut f = Facts {
            site: site_context(ctx),
            nav: is_top_level_navigation(ctx),
            top_site: ctx.page.as_ref().and_then(jar::site_key),
            third_party,
            tp_blocked,
            tp_partitioned,
            tp_blocked_by_engine: tp_blocked && stated.is_none() && etp.is_none(),
            tp_blocked_by_etp: etp,
            engine: engine::name(ctx.browser()),
            lax_by_default: engine::lax_by_default(ctx.browser()),
            lines: Vec::new(),
            jar: Rc::new(Jar::new()),
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
            third_party_partitioned: self.tp_partitioned,
            lax_by_default: self.lax_by_default,
            source: Source::Other,
        }
    }

    fn build_jar(&mut self, ctx: &Ctx<'c, '_>, replay: bool) {
        if let Some(snap) = &ctx.ex.jar {
            let now = self.now_ms.unwrap_or(0);
            let mut jar = Jar::new();
            for j in snap {
                jar.insert_snapshot(j, now);
            }
            self.jar = Rc::new(jar);
            self.from_snapshot = true;
            self.complete = true;
            return;
        }
        if !replay {
            return;
        }
        self.complete = true;
        // The jar of this site as of this request: the capture's earlier Set-Cookie lines of the
        // site, stored once in capture order (cookies of other sites can never domain-match this
        // request). The replay is shared by every exchange of the site and only moves forward.
        let here_host = jar::canonical_host(&self.url).unwrap_or_default();
        let key = ReplayKey {
            site: crate::site::registrable_domain(&here_host).unwrap_or(here_host),
            third_party_blocked: self.tp_blocked,
            third_party_partitioned: self.tp_partitioned,
            lax_by_default: self.lax_by_default,
        };
        let fallback_now = self.now_ms;
        let setters = || {
            ctx.corr
                .setters
                .iter()
                .filter_map(|&i| ctx.capture.exchanges.get(i).map(|e| (i, site_of_url(&e.url))))
                .collect()
        };
        let flags = KeyFlags {
            tp_blocked: self.tp_blocked,
            tp_partitioned: self.tp_partitioned,
            lax_by_default: self.lax_by_default,
        };
        let replay = ctx
            .corr
            .replays
            .borrow_mut()
            .advance(key, ctx.index, setters, |r, i| replay_exchange(ctx, r, i, fallback_now, flags));
        self.jar = replay.jar;
        self.earlier_rejections = replay.rejections;
        self.earlier_deletions = replay.deletions;
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

/// (third-party cookies blocked, partitioned, Lax by default) of the request whose replay stores a line.
#[derive(Clone, Copy)]
struct KeyFlags {
    tp_blocked: bool,
    tp_partitioned: bool,
    lax_by_default: bool,
}

/// Stores the `Set-Cookie` lines of earlier exchange `i` into `r`'s jar, noting refusals and
/// deletions. The setter's own request context decides (its URL, site-for-cookies, clock).
fn replay_exchange(ctx: &Ctx<'_, '_>, r: &mut SiteReplay, i: usize, fallback_now: Option<i64>, k: KeyFlags) {
    let Some(ex) = ctx.capture.exchanges.get(i) else { return };
    let sctx = Ctx::new(ctx.capture, ctx.corr, i, ex);
    let Some(surl) = sctx.url.clone() else { return };
    let jctx = jar::Context {
        url: &surl,
        method: &ex.method,
        now_ms: now_ms(&sctx).or(fallback_now).unwrap_or(0),
        http_api: true,
        site: site_context(&sctx),
        top_level_navigation: is_top_level_navigation(&sctx),
        top_level_site: sctx.page.as_ref().and_then(jar::site_key),
        third_party: matches!(sctx.top_relation, Some(Relation::CrossSite | Relation::SchemefulCrossSite)),
        third_party_blocked: k.tp_blocked,
        third_party_partitioned: k.tp_partitioned,
        lax_by_default: k.lax_by_default,
        source: Source::Exchange(i),
    };
    let blocked: HashSet<&str> = ex.blocked_set_cookies.iter().map(|b| b.cookie_line.trim()).collect();
    for line in ex.response_headers.set_cookie_lines() {
        // A line Chromium reported as blocked was not stored, whatever the replay says.
        if blocked.contains(line.trim()) {
            continue;
        }
        match set_cookie::parse(line) {
            Ok(c) => match r.jar_mut().store(&c, &jctx) {
                Ok(s) if s.expired_on_arrival => r.deletions.push((i, c.name)),
                Ok(_) => {}
                Err(e) => r.rejections.push((i, c.name, e)),
            },
            Err(e) => r.rejections.push((i, String::new(), Rejection::Syntax(e))),
        }
    }
}

/// The replay's site key of a setter's URL: its host's registrable domain (the host when it has
/// none), read without a full URL parse.
fn site_of_url(url: &str) -> String {
    let h = raw_host(url).to_ascii_lowercase();
    crate::site::registrable_domain(&h).unwrap_or(h)
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

    /// 14 exchanges of one site, a second site in between; `sid` set at 5, replaced at 7, deleted at 9.
    fn timeline() -> Capture<'static> {
        use crate::model::{Header, Headers};
        let exchanges = (0..14)
            .map(|i| {
                let set = match i {
                    5 => Some("sid=one; Path=/; Secure"),
                    7 => Some("sid=two; Path=/; Secure"),
                    9 => Some("sid=; Path=/; Secure; Max-Age=0"),
                    3 | 6 => Some("other=1; Path=/"),
                    _ => None,
                };
                let url = if i == 6 { "https://elsewhere.test/" } else { "https://app.example.com/api" };
                Exchange {
                    method: Cow::Borrowed("GET"),
                    url: Cow::Borrowed(url),
                    status: 401,
                    response_headers: Headers(set.map(|v| Header::new("Set-Cookie", v)).into_iter().collect()),
                    started_ms: Some(1.79e12 + i as f64 * 1000.0),
                    ..Default::default()
                }
            })
            .collect();
        Capture { exchanges, ..Default::default() }
    }

    /// The shared replay gives each exchange the jar as it stood before its own request: a cookie
    /// replaced keeps its creation time (6265bis §5.7 step 22), a deleted one is gone after, and
    /// the other site's cookie never enters.
    #[test]
    fn replay_reads_the_jar_as_of_each_request() {
        let cap = timeline();
        let corr = Correlation::build(&cap);
        let at = |i: usize| {
            let ctx = Ctx::new(&cap, &corr, i, &cap.exchanges[i]);
            let f = Facts::build(&ctx, true).expect("url parses");
            let sid = f.jar.cookies().find(|c| c.name == "sid").map(|c| (c.value.clone(), c.creation_ms));
            let names: Vec<String> = f.jar.cookies().map(|c| c.name.clone()).collect();
            (sid, names, f.earlier_deletions.clone())
        };
        // In capture order, as analyze() asks.
        let (sid, names, _) = at(4);
        assert_eq!(sid, None);
        assert_eq!(names, ["other"]);
        let (sid, names, _) = at(6);
        assert_eq!((sid, names), (None, vec![]), "exchange 6 is another site: its jar is its own");
        let (sid, _, _) = at(7);
        assert_eq!(sid, Some(("one".to_string(), 1_790_000_005_000)));
        let (sid, names, _) = at(8);
        assert_eq!(sid, Some(("two".to_string(), 1_790_000_005_000)), "replaced, creation time kept");
        assert_eq!(names.iter().filter(|n| *n == "other").count(), 1, "the other site's line never enters: {names:?}");
        let (sid, _, deletions) = at(11);
        assert_eq!(sid, None, "deleted at 9");
        assert_eq!(deletions, [(9, "sid".to_string())]);
        // An earlier exchange asked after a later one gets its own, correct replay.
        let (sid, _, deletions) = at(8);
        assert_eq!(sid, Some(("two".to_string(), 1_790_000_005_000)));
        assert!(deletions.is_empty());
        // A fresh correlation asked at 10 first agrees with the one that walked there.
        let fresh = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &fresh, 10, &cap.exchanges[10]);
        let f = Facts::build(&ctx, true).expect("url parses");
        assert!(f.jar.cookies().all(|c| c.name != "sid"));
        assert_eq!(f.earlier_deletions, [(9, "sid".to_string())]);
    }

    /// Every `Set-Cookie` response is stored once, however many failures read the jar after it.
    #[test]
    fn replay_work_is_linear() {
        use crate::model::{Header, Headers};
        let n = 300;
        let exchanges = (0..n)
            .map(|i| Exchange {
                method: Cow::Borrowed("GET"),
                url: Cow::Borrowed("https://app.example.com/api"),
                status: 401,
                response_headers: Headers(vec![Header::new("Set-Cookie", format!("c{i}=v; Path=/").leak())]),
                started_ms: Some(1.79e12 + i as f64),
                ..Default::default()
            })
            .collect();
        let cap = Capture { exchanges, ..Default::default() };
        let corr = Correlation::build(&cap);
        for i in 0..n {
            let ctx = Ctx::new(&cap, &corr, i, &cap.exchanges[i]);
            let f = Facts::build(&ctx, true).expect("url parses");
            // Browser-like: past DOMAIN_MAX cookies the domain is evicted down to DOMAIN_KEEP.
            let len = f.jar.len();
            assert!(
                len == i || i > crate::cookies::jar::DOMAIN_MAX && len <= crate::cookies::jar::DOMAIN_MAX,
                "{i}: {len}"
            );
        }
        // n - 1 setters precede the last request; each was stored exactly once.
        assert_eq!(corr.replays.borrow().stores, n - 1);
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
