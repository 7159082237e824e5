//! Correlation across a capture: which exchange is whose preflight, which redirect led where,
//! which earlier response set (or failed to set) a cookie, which request logged in.
//!
//! Built once per capture in O(n) with hash maps, so a finding can point at related entries
//! without rules scanning the whole capture.

use crate::model::{Capture, Exchange};
use std::collections::HashMap;

/// Links between the exchanges of one capture. Indexes are positions in `Capture::exchanges`.
#[derive(Debug, Default)]
pub struct Correlation {
    /// The CORS preflight (`OPTIONS`) that preceded each exchange, if any.
    pub preflight: Vec<Option<usize>>,
    /// The redirect (3xx) that led to each exchange, if any.
    pub redirected_from: Vec<Option<usize>>,
    /// The exchange each redirect led to, if it was captured.
    pub redirected_to: Vec<Option<usize>>,
    /// Earlier exchanges whose responses carried `Set-Cookie` for a given cookie name.
    pub cookie_setters: HashMap<String, Vec<usize>>,
    /// Every exchange by URL without its fragment, in capture order.
    pub by_url: HashMap<String, Vec<usize>>,
    /// Exchanges whose response has `Set-Cookie` lines, in capture order.
    pub setters: Vec<usize>,
    /// The jar replays of the cookie rules, built lazily and only ever moved forward (one store
    /// per `Set-Cookie` line, however many failures read them).
    pub replays: std::cell::RefCell<crate::cookies::replay::ReplayCache>,
    /// The servers' clocks against the client's, measured across the capture on first use (only
    /// the clock rules of a failure read it).
    clock: std::cell::OnceCell<Option<crate::clock::ClockOffset>>,
    /// The last page and initiator URLs parsed (a capture has few; see [`Correlation::parse_url`]).
    recent_urls: std::cell::RefCell<RecentUrls>,
}

/// How many parsed URLs [`Correlation::parse_url`] remembers.
const RECENT_URLS: usize = 8;

/// The remembered URLs, newest replacing the oldest (round robin).
#[derive(Debug, Default)]
struct RecentUrls {
    next: usize,
    urls: Vec<(String, Option<url::Url>)>,
}

/// The URL key used for matching (fragment dropped; browsers never send it).
fn url_key(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// How long after its preflight an actual request may start (generous: a busy page can queue it).
const PREFLIGHT_WINDOW_MS: f64 = 60_000.0;

/// Whether `pre` can be the CORS preflight of `ex`.
fn is_preflight_for(pre: &Exchange<'_>, ex: &Exchange<'_>) -> bool {
    if !pre.method.eq_ignore_ascii_case("OPTIONS") || ex.method.eq_ignore_ascii_case("OPTIONS") {
        return false;
    }
    // The browser sends the actual request as soon as the preflight is answered (Fetch
    // #cors-preflight-fetch); an OPTIONS a minute or more earlier belongs to another request.
    if let (Some(p), Some(a)) = (pre.started_ms, ex.started_ms) {
        if !(0.0..=PREFLIGHT_WINDOW_MS).contains(&(a - p)) {
            return false;
        }
    }
    match pre.request_headers.get("access-control-request-method") {
        Some(m) => m.trim().eq_ignore_ascii_case(&ex.method),
        // Some captures strip request headers; a typed preflight entry is still one.
        None => crate::signals::ResourceType::of(pre) == Some(crate::signals::ResourceType::Preflight),
    }
}

impl Correlation {
    /// `Url::parse(s).ok()`, remembered for the last few strings: every candidate exchange's
    /// context parses its page and initiator URLs, which repeat across a capture (issue 13: a
    /// clone is a tenth of a parse).
    pub fn parse_url(&self, s: &str) -> Option<url::Url> {
        let Ok(mut recent) = self.recent_urls.try_borrow_mut() else { return url::Url::parse(s).ok() };
        if let Some((_, u)) = recent.urls.iter().find(|(k, _)| k == s) {
            return u.clone();
        }
        let parsed = url::Url::parse(s).ok();
        let RecentUrls { next, urls } = &mut *recent;
        let entry = (s.to_string(), parsed.clone());
        match urls.get_mut(*next) {
            Some(slot) => *slot = entry,
            None => urls.push(entry),
        }
        *next = (*next + 1) % RECENT_URLS;
        parsed
    }

    /// Correlates a whole capture.
    pub fn build(capture: &Capture<'_>) -> Correlation {
        let n = capture.exchanges.len();
        let mut c = Correlation {
            preflight: vec![None; n],
            redirected_from: vec![None; n],
            redirected_to: vec![None; n],
            ..Default::default()
        };
        // The most recent OPTIONS per URL, waiting for its actual request.
        let mut pending_preflight: HashMap<&str, usize> = HashMap::new();
        // Redirects waiting for the hop they point at.
        let mut pending_redirect: HashMap<String, usize> = HashMap::new();
        for (i, ex) in capture.exchanges.iter().enumerate() {
            let key = url_key(&ex.url);
            c.by_url.entry(key.to_string()).or_default().push(i);
            if let Some(j) = pending_redirect.remove(key) {
                c.redirected_from[i] = Some(j);
                c.redirected_to[j] = Some(i);
            }
            if crate::signals::is_preflight(ex) {
                pending_preflight.insert(key, i);
            } else if let Some(&p) = pending_preflight.get(key) {
                if let Some(pre) = capture.exchanges.get(p) {
                    if is_preflight_for(pre, ex) {
                        c.preflight[i] = Some(p);
                        pending_preflight.remove(key);
                    }
                }
            }
            if (300..400).contains(&ex.status) {
                let target = ex.redirect_url.as_deref().map(str::to_string).or_else(|| {
                    let loc = ex.response_headers.get("location")?;
                    let base = url::Url::parse(&ex.url).ok()?;
                    base.join(loc.trim()).ok().map(|u| u.to_string())
                });
                if let Some(t) = target {
                    pending_redirect.insert(url_key(&t).to_string(), i);
                }
            }
            if ex.response_headers.has_set_cookie() {
                c.setters.push(i);
            }
            for l in ex.response_headers.set_cookie_lines() {
                if let Some(name) = crate::headers::set_cookie::line_name(l).filter(|n| !n.is_empty()) {
                    let v = c.cookie_setters.entry(name.to_string()).or_default();
                    if v.last() != Some(&i) {
                        v.push(i);
                    }
                }
            }
        }
        c
    }

    /// The capture's clock offset ([`crate::clock::measure`]), measured once; `capture` must be
    /// the one this correlation was built from.
    pub fn clock(&self, capture: &Capture<'_>) -> Option<crate::clock::ClockOffset> {
        *self.clock.get_or_init(|| crate::clock::measure(capture))
    }

    /// The redirect chain that ended at `index`, earliest hop first, `index` last.
    pub fn redirect_chain(&self, index: usize) -> Vec<usize> {
        let mut chain = vec![index];
        let mut cur = index;
        while let Some(Some(prev)) = self.redirected_from.get(cur) {
            if chain.contains(prev) || chain.len() > 32 {
                break;
            }
            chain.push(*prev);
            cur = *prev;
        }
        chain.reverse();
        chain
    }

    /// The exchanges before `index` that set cookie `name`, most recent last.
    pub fn setters_before(&self, name: &str, index: usize) -> impl Iterator<Item = usize> + '_ {
        // The list is in capture order, so the ones before `index` are a prefix.
        let list = self.cookie_setters.get(name).map(Vec::as_slice).unwrap_or(&[]);
        list.get(..list.partition_point(|&i| i < index)).unwrap_or(&[]).iter().copied()
    }

    /// Exchanges with the same URL as `url`, in capture order.
    pub fn same_url(&self, url: &str) -> &[usize] {
        self.by_url.get(url_key(url)).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Header, Headers};
    use std::borrow::Cow;

    /// The remembered parses are the parses, whatever the order (more strings than are kept,
    /// repeats, unparseable ones, near misses).
    #[test]
    fn remembered_urls_are_parsed_urls() {
        let corr = Correlation::default();
        let strings: Vec<String> = (0..3 * RECENT_URLS)
            .flat_map(|i| {
                [format!("https://app{i}.test/p?q={i}"), format!("https://app{i}.test/p?q={i} "), "not a url".into()]
            })
            .collect();
        for round in 0..3 {
            for s in strings.iter().rev().skip(round) {
                assert_eq!(corr.parse_url(s), url::Url::parse(s).ok(), "{s:?} (round {round})");
            }
        }
    }

    fn ex(
        method: &'static str,
        url: &'static str,
        status: u16,
        req: Vec<(&'static str, &'static str)>,
        res: Vec<(&'static str, &'static str)>,
    ) -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed(method),
            url: Cow::Borrowed(url),
            status,
            request_headers: Headers(req.into_iter().map(|(n, v)| Header::new(n, v)).collect()),
            response_headers: Headers(res.into_iter().map(|(n, v)| Header::new(n, v)).collect()),
            ..Default::default()
        }
    }

    #[test]
    fn links_preflight_redirect_and_setter() {
        let cap = Capture {
            exchanges: vec![
                ex(
                    "POST",
                    "https://app.a.test/login",
                    302,
                    vec![],
                    vec![("Location", "/home"), ("Set-Cookie", "sid=1; Path=/")],
                ),
                ex("GET", "https://app.a.test/home", 200, vec![], vec![]),
                ex("OPTIONS", "https://api.a.test/v1", 204, vec![("Access-Control-Request-Method", "PUT")], vec![]),
                ex("PUT", "https://api.a.test/v1", 401, vec![], vec![]),
                ex("GET", "https://api.a.test/v1", 401, vec![], vec![]),
            ],
            ..Default::default()
        };
        let c = Correlation::build(&cap);
        assert_eq!(c.redirected_from[1], Some(0));
        assert_eq!(c.redirect_chain(1), vec![0, 1]);
        assert_eq!(c.preflight[3], Some(2));
        assert_eq!(c.preflight[4], None, "a GET is not the PUT's preflight");
        assert_eq!(c.setters_before("sid", 4).collect::<Vec<_>>(), vec![0]);
        assert_eq!(c.setters_before("sid", 0).count(), 0);
        assert_eq!(c.same_url("https://api.a.test/v1#x"), &[2, 3, 4]);
    }

    #[test]
    fn a_preflight_long_before_is_not_this_request_s() {
        let at = |mut e: Exchange<'static>, ms: f64| {
            e.started_ms = Some(ms);
            e
        };
        let pre =
            || ex("OPTIONS", "https://api.a.test/v1", 204, vec![("Access-Control-Request-Method", "PUT")], vec![]);
        let put = || ex("PUT", "https://api.a.test/v1", 401, vec![], vec![]);
        let cases =
            [("120 ms later", 120.0, Some(0)), ("two minutes later", 120_000.0, None), ("before it", -5.0, None)];
        for (name, delay, want) in cases {
            let cap = Capture { exchanges: vec![at(pre(), 1.79e12), at(put(), 1.79e12 + delay)], ..Default::default() };
            assert_eq!(Correlation::build(&cap).preflight[1], want, "{name}");
        }
    }
}
