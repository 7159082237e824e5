//! `Cache-Control`, `Age`, `Vary`, `Expires` and the cache-hit markers of CDNs (RFC 9111).
//!
//! Parsing only: directives as typed values plus notes about what a cache would ignore. Whether
//! a cached or cacheable 401 is a problem is decided in `diagnose::edge`.

use crate::headers::date::parse_http_date;
use crate::headers::syntax::split_list;
use crate::model::{Exchange, Headers};

/// Something in the caching headers a cache would ignore or read differently than meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheNote {
    /// A `max-age`/`s-maxage` whose value is not delta-seconds (RFC 9111 §1.2.2): treated as stale.
    BadDeltaSeconds,
    /// The same directive twice (RFC 9111 §4.2.1: a cache may treat the response as stale).
    DuplicateDirective,
    /// `Expires` that does not parse as an HTTP-date (RFC 9111 §5.3: means "already expired").
    BadExpires,
}

/// The directives of `Cache-Control` that matter for authenticated responses (RFC 9111 §5.2.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheControl {
    pub max_age: Option<u64>,
    pub s_maxage: Option<u64>,
    pub public: bool,
    pub private: bool,
    pub no_store: bool,
    pub no_cache: bool,
    pub must_revalidate: bool,
    pub proxy_revalidate: bool,
    /// Whether the header was present at all.
    pub present: bool,
    pub notes: Vec<CacheNote>,
}

fn parse_delta(v: &str) -> Option<u64> {
    let v = v.trim().trim_matches('"');
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // RFC 9111 §1.2.2: overflowing values count as 2^31.
    Some(v.parse::<u64>().unwrap_or(2_147_483_648))
}

/// Parses every `Cache-Control` line of `headers` (directive names are case-insensitive).
pub fn cache_control(headers: &Headers<'_>) -> CacheControl {
    let mut cc = CacheControl::default();
    // A set, not a list: a hostile header with thousands of directives must stay linear.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for line in headers.get_all("cache-control").flat_map(|v| v.split('\n')) {
        cc.present = true;
        for item in split_list(line) {
            let (name, arg) = match item.split_once('=') {
                Some((n, a)) => (n.trim().to_ascii_lowercase(), Some(a.trim())),
                None => (item.to_ascii_lowercase(), None),
            };
            if !seen.insert(name.clone()) {
                cc.notes.push(CacheNote::DuplicateDirective);
            }
            match name.as_str() {
                "max-age" => match arg.and_then(parse_delta) {
                    Some(n) => cc.max_age = Some(cc.max_age.map_or(n, |o| o.min(n))),
                    None => {
                        cc.notes.push(CacheNote::BadDeltaSeconds);
                        cc.max_age = Some(0);
                    }
                },
                "s-maxage" => match arg.and_then(parse_delta) {
                    Some(n) => cc.s_maxage = Some(cc.s_maxage.map_or(n, |o| o.min(n))),
                    None => {
                        cc.notes.push(CacheNote::BadDeltaSeconds);
                        cc.s_maxage = Some(0);
                    }
                },
                "public" => cc.public = true,
                // `private="Set-Cookie"` (qualified form) still marks the response private here;
                // rules treat it as "not for shared caches", which is how most CDNs read it.
                "private" => cc.private = true,
                "no-store" => cc.no_store = true,
                "no-cache" => cc.no_cache = true,
                "must-revalidate" => cc.must_revalidate = true,
                "proxy-revalidate" => cc.proxy_revalidate = true,
                _ => {}
            }
        }
    }
    cc
}

/// `Age` in seconds (RFC 9111 §5.1); `None` when absent or not delta-seconds.
pub fn age(headers: &Headers<'_>) -> Option<u64> {
    headers.get("age").and_then(|v| parse_delta(v.split([',', '\n']).next().unwrap_or("")))
}

/// `Expires`, parsed: `Some(Ok(epoch))`, `Some(Err(BadExpires))` when unparseable (means expired).
pub fn expires(headers: &Headers<'_>) -> Option<Result<i64, CacheNote>> {
    let v = headers.get("expires")?;
    Some(parse_http_date(v.trim()).ok_or(CacheNote::BadExpires))
}

/// `Vary`, lowercase field names; `*` when the response varies on everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vary {
    pub names: Vec<String>,
    pub star: bool,
}

impl Vary {
    /// Whether the response varies on `name` (or on everything).
    pub fn covers(&self, name: &str) -> bool {
        self.star || self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }
}

/// Parses every `Vary` line.
pub fn vary(headers: &Headers<'_>) -> Vary {
    let mut v = Vary::default();
    for item in headers.get_all("vary").flat_map(|l| l.split(['\n', ','])) {
        let item = item.trim();
        if item == "*" {
            v.star = true;
        } else if !item.is_empty() {
            v.names.push(item.to_ascii_lowercase());
        }
    }
    v
}

/// One sign that the response was served from a cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CacheHit {
    /// `Age` greater than zero: a cache held it that long.
    Age(u64),
    /// `X-Cache` saying HIT (CloudFront, Fastly, Akamai, Varnish setups).
    XCache(String),
    /// `cf-cache-status: HIT` (or STALE/UPDATING, also served from cache).
    Cloudflare(String),
    /// `X-Cache-Hits` greater than zero (Fastly).
    XCacheHits(String),
    /// The browser's own cache or a service worker (`from_cache` of the capture).
    Browser(String),
}

impl CacheHit {
    /// Plain words for evidence (`Age: 120`, `cf-cache-status: HIT`).
    pub fn describe(&self) -> String {
        match self {
            CacheHit::Age(n) => format!("Age: {n}"),
            CacheHit::XCache(v) => format!("X-Cache: {v}"),
            CacheHit::Cloudflare(v) => format!("cf-cache-status: {v}"),
            CacheHit::XCacheHits(v) => format!("X-Cache-Hits: {v}"),
            CacheHit::Browser(v) => format!("served from the browser's {v} cache"),
        }
    }
}

/// Every cache-hit marker on an exchange (DIAGNOSES §0.2 `cacheHit`).
pub fn cache_hits(ex: &Exchange<'_>) -> Vec<CacheHit> {
    let h = &ex.response_headers;
    let mut out = Vec::new();
    if let Some(src) = ex.from_cache.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // A service worker that fetched from the network (or did not answer) passed a live
        // response through: no cache was involved.
        let live = crate::signals::CacheSource::parse(src) == Some(crate::signals::CacheSource::ServiceWorker)
            && ex
                .service_worker_response_source
                .as_deref()
                .is_some_and(|s| matches!(s.trim(), "network" | "fallback-code"));
        if !live {
            out.push(CacheHit::Browser(src.to_string()));
        }
    }
    if let Some(a) = age(h).filter(|a| *a > 0) {
        out.push(CacheHit::Age(a));
    }
    for v in h.get_all("x-cache") {
        // Fastly lists one verdict per layer (`MISS, HIT`); the last is the edge that answered.
        let last = v.rsplit(',').next().unwrap_or(v).trim();
        let lower = last.to_ascii_lowercase();
        if lower.contains("hit") && !lower.contains("miss") {
            out.push(CacheHit::XCache(v.trim().to_string()));
            break;
        }
    }
    if let Some(v) = h.get("cf-cache-status") {
        let up = v.trim().to_ascii_uppercase();
        if matches!(up.as_str(), "HIT" | "STALE" | "UPDATING" | "REVALIDATED") {
            out.push(CacheHit::Cloudflare(v.trim().to_string()));
        }
    }
    if let Some(v) = h.get("x-cache-hits") {
        if v.split(',').any(|n| n.trim().parse::<u64>().is_ok_and(|n| n > 0)) {
            out.push(CacheHit::XCacheHits(v.trim().to_string()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Header;
    use std::borrow::Cow;

    fn hs(pairs: &[(&'static str, &'static str)]) -> Headers<'static> {
        Headers(pairs.iter().map(|(n, v)| Header::new(n, v)).collect())
    }

    type CcCase = (&'static str, &'static str, fn(&CacheControl) -> bool);

    #[test]
    fn cache_control_table() {
        let cases: &[CcCase] = &[
            ("max-age", "max-age=600", |c| c.max_age == Some(600) && !c.no_store),
            ("case and spaces", "Public , MAX-AGE=60", |c| c.public && c.max_age == Some(60)),
            ("quoted delta", "max-age=\"30\"", |c| c.max_age == Some(30)),
            ("bad delta is stale", "max-age=abc", |c| {
                c.max_age == Some(0) && c.notes.contains(&CacheNote::BadDeltaSeconds)
            }),
            ("no-store private", "no-store, private", |c| c.no_store && c.private),
            ("s-maxage", "s-maxage=300, must-revalidate", |c| c.s_maxage == Some(300) && c.must_revalidate),
            ("duplicate", "max-age=60, max-age=10", |c| {
                c.max_age == Some(10) && c.notes.contains(&CacheNote::DuplicateDirective)
            }),
            ("qualified private", "private=\"set-cookie\"", |c| c.private),
            ("no-cache", "no-cache", |c| c.no_cache && c.max_age.is_none()),
            // RFC 9110 §5.6.1: a comma inside a quoted argument does not start a directive.
            ("quoted list argument", "no-cache=\"Set-Cookie, max-age=5\", private", |c| {
                c.no_cache && c.private && c.max_age.is_none() && c.notes.is_empty()
            }),
        ];
        for (name, v, ok) in cases {
            let cc = cache_control(&hs(&[("Cache-Control", v)]));
            assert!(ok(&cc), "{name}: {cc:?}");
        }
        assert!(!cache_control(&hs(&[])).present);
    }

    #[test]
    fn vary_and_age() {
        assert!(vary(&hs(&[("Vary", "Accept-Encoding, Origin")])).covers("origin"));
        assert!(!vary(&hs(&[("Vary", "Accept-Encoding")])).covers("origin"));
        assert!(vary(&hs(&[("vary", "*")])).covers("origin"));
        assert_eq!(age(&hs(&[("Age", "12")])), Some(12));
        assert_eq!(age(&hs(&[("Age", "-1")])), None);
        assert!(matches!(expires(&hs(&[("Expires", "0")])), Some(Err(CacheNote::BadExpires))));
    }

    #[test]
    fn hit_markers() {
        let ex = |h: &[(&'static str, &'static str)], fc: Option<&'static str>| Exchange {
            response_headers: hs(h),
            from_cache: fc.map(Cow::Borrowed),
            ..Default::default()
        };
        let sw = |src: &'static str| Exchange {
            from_cache: Some(Cow::Borrowed("service-worker")),
            service_worker_response_source: Some(Cow::Borrowed(src)),
            ..Default::default()
        };
        let cases: &[(&str, Exchange<'static>, bool)] = &[
            ("age", ex(&[("Age", "30")], None), true),
            ("age zero", ex(&[("Age", "0")], None), false),
            ("cloudfront hit", ex(&[("X-Cache", "Hit from cloudfront")], None), true),
            ("cloudfront miss", ex(&[("X-Cache", "Miss from cloudfront")], None), false),
            ("fastly edge hit", ex(&[("X-Cache", "MISS, HIT")], None), true),
            ("fastly edge miss", ex(&[("X-Cache", "HIT, MISS")], None), false),
            ("cloudflare", ex(&[("cf-cache-status", "HIT")], None), true),
            ("cloudflare dynamic", ex(&[("cf-cache-status", "DYNAMIC")], None), false),
            ("x-cache-hits", ex(&[("X-Cache-Hits", "0, 3")], None), true),
            ("disk cache", ex(&[], Some("disk")), true),
            ("nothing", ex(&[], Some("")), false),
            ("service worker, source unknown", ex(&[], Some("service-worker")), true),
            ("service worker from cache storage", sw("cache-storage"), true),
            ("service worker from the network", sw("network"), false),
            ("service worker fell back", sw("fallback-code"), false),
        ];
        for (name, e, want) in cases {
            assert_eq!(!cache_hits(e).is_empty(), *want, "{name}");
        }
    }
}
