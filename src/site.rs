//! Hosts, origins and sites: the Public Suffix List, registrable domains and schemeful same-site.
//!
//! Uses a bundled PSL snapshot (`data/public_suffix_list.dat`, MPL-2.0), parsed once on first use.
//! Inputs are ASCII or Unicode host names; rules are matched in both forms so the answer keeps
//! the caller's spelling. Nothing here reads the network or the clock.

use std::borrow::Cow;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

const PSL_TEXT: &str = include_str!("../data/public_suffix_list.dat");

/// A multiply-rotate hasher (FxHash's) for the PSL sets: SipHash's flooding resistance buys nothing
/// for a fixed set nobody inserts into, and SipHash was a tenth of `authlens check` (issue 13).
#[derive(Clone, Copy, Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type Set = HashSet<String, BuildHasherDefault<FxHasher>>;

/// The parsed list: plain rules, wildcard rules (stored without `*.`) and exception rules (without `!`).
struct Psl {
    rules: Set,
    wildcards: Set,
    exceptions: Set,
}

fn psl() -> &'static Psl {
    static PSL: OnceLock<Psl> = OnceLock::new();
    PSL.get_or_init(|| {
        let mut p = Psl { rules: Set::default(), wildcards: Set::default(), exceptions: Set::default() };
        for line in PSL_TEXT.lines() {
            let rule = line.split_whitespace().next().unwrap_or("");
            if rule.is_empty() || rule.starts_with("//") {
                continue;
            }
            let (set, body) = if let Some(r) = rule.strip_prefix('!') {
                (&mut p.exceptions, r)
            } else if let Some(r) = rule.strip_prefix("*.") {
                (&mut p.wildcards, r)
            } else {
                (&mut p.rules, rule)
            };
            let lower = body.to_lowercase();
            // Store the punycode form too, so `xn--` input matches a Unicode rule.
            if !lower.is_ascii() {
                if let Ok(url::Host::Domain(ascii)) = url::Host::parse(&lower) {
                    set.insert(ascii);
                }
            }
            set.insert(lower);
        }
        p
    })
}

/// `host` lowercased without one trailing dot; borrowed when it already is.
fn normalise(host: &str) -> Cow<'_, str> {
    lowercase(host.strip_suffix('.').unwrap_or(host))
}

/// `s.to_lowercase()`, borrowed when it already is.
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) || !s.is_ascii() {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// How many recent [`suffix_start`] answers are remembered: a capture talks to a handful of hosts,
/// and `relation()` asks about two of them for most candidate exchanges (issue 13: each lookup
/// costs a few thousand instructions: an IP parse and three hash probes per label).
const RECENT_HOSTS: usize = 8;

/// Hosts longer than this are not remembered (they are rare, and copying them buys nothing).
const RECENT_HOST_MAX: usize = 128;

/// The recent answers (host, suffix start), and where the next one goes (round robin).
type Recent = (usize, Vec<(String, Option<usize>)>);

thread_local! {
    static RECENT: std::cell::RefCell<Recent> = const { std::cell::RefCell::new((0, Vec::new())) };
}

/// The byte offset in a normalised `host` where its public suffix starts (PSL algorithm with the
/// implicit `*` rule), remembered for the last few hosts.
fn suffix_start(host: &str) -> Option<usize> {
    let hit = RECENT
        .try_with(|r| r.try_borrow().ok()?.1.iter().find(|(h, _)| h == host).map(|&(_, start)| start))
        .ok()
        .flatten();
    if let Some(start) = hit {
        return start;
    }
    let start = suffix_start_uncached(host);
    if host.len() <= RECENT_HOST_MAX {
        let _ = RECENT.try_with(|r| {
            if let Ok(mut r) = r.try_borrow_mut() {
                let (next, hosts) = &mut *r;
                let entry = (host.to_string(), start);
                match hosts.get_mut(*next) {
                    Some(slot) => *slot = entry,
                    None => hosts.push(entry),
                }
                *next = (*next + 1) % RECENT_HOSTS;
            }
        });
    }
    start
}

/// [`suffix_start`] computed. Works on sub-slices of `host`, so a lookup allocates nothing.
fn suffix_start_uncached(host: &str) -> Option<usize> {
    if host.is_empty() || host.starts_with('.') || host.contains("..") || is_ip(host) {
        return None;
    }
    let p = psl();
    // The implicit "*" rule: the last label.
    let mut best = host.rfind('.').map_or(0, |i| i + 1);
    let mut start = 0;
    // Walk from the longest candidate; the first exception wins, otherwise the longest match.
    loop {
        let cand = host.get(start..)?;
        let next = cand.find('.').map(|i| start + i + 1);
        if p.exceptions.contains(cand) {
            return next;
        }
        if start < best && p.rules.contains(cand) {
            best = start;
        }
        if let Some(nx) = next {
            if start < best && p.wildcards.contains(host.get(nx..)?) {
                best = start;
            }
        }
        match next {
            Some(nx) => start = nx,
            None => break,
        }
    }
    Some(best)
}

/// The public suffix of `host` (PSL algorithm with the implicit `*` rule), lowercased.
/// `None` for an empty host, a host with empty labels, or an IP address.
pub fn public_suffix(host: &str) -> Option<String> {
    let host = normalise(host);
    let start = suffix_start(&host)?;
    host.get(start..).map(str::to_string)
}

/// The registrable domain (eTLD+1) of `host`, lowercased; `None` when the host is itself a
/// public suffix, is an IP address, or is not a valid domain.
pub fn registrable_domain(host: &str) -> Option<String> {
    registrable_domain_cow(host).map(Cow::into_owned)
}

/// [`registrable_domain`], borrowed from `host` when it is already lowercase (no allocation).
fn registrable_domain_cow(host: &str) -> Option<Cow<'_, str>> {
    match normalise(host) {
        Cow::Borrowed(h) => registrable_part(h).map(Cow::Borrowed),
        Cow::Owned(h) => registrable_part(&h).map(|d| Cow::Owned(d.to_string())),
    }
}

/// The registrable domain within a normalised host.
fn registrable_part(host: &str) -> Option<&str> {
    let start = suffix_start(host)?;
    if start == 0 {
        return None;
    }
    let head = host.get(..start - 1)?;
    let label_start = head.rfind('.').map_or(0, |i| i + 1);
    host.get(label_start..)
}

/// Whether `host` is exactly a public suffix (a cookie `Domain` there must be rejected).
pub fn is_public_suffix(host: &str) -> bool {
    match public_suffix(host) {
        Some(s) => s == host.to_lowercase().trim_end_matches('.'),
        None => false,
    }
}

/// Whether `host` is an IPv4 or IPv6 literal (with or without brackets).
pub fn is_ip(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<std::net::IpAddr>().is_ok()
}

/// The "site" of a URL: scheme plus registrable domain (or the host itself when it has none,
/// e.g. `localhost` or an IP address). HTML's schemeful site.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Site {
    pub scheme: String,
    pub domain: String,
}

impl Site {
    /// The site of a parsed URL; `None` for URLs without a host (opaque origins).
    pub fn of(url: &url::Url) -> Option<Site> {
        let host = url.host_str()?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let domain = registrable_domain(host).unwrap_or_else(|| host.to_lowercase());
        Some(Site { scheme: url.scheme().to_ascii_lowercase(), domain })
    }
}

/// How a request's target relates to the page (or initiator) that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    SameOrigin,
    SameSite,
    /// Same registrable domain, different scheme: cross-site only because of the scheme.
    SchemefulCrossSite,
    CrossSite,
}

/// The relation of `target` to `initiator` (schemeful, as browsers compute it today).
pub fn relation(initiator: &url::Url, target: &url::Url) -> Relation {
    if same_origin(initiator, target) {
        return Relation::SameOrigin;
    }
    match (site_key(initiator), site_key(target)) {
        (Some((sa, da)), Some((sb, db))) if da == db && sa.eq_ignore_ascii_case(sb) => Relation::SameSite,
        (Some((_, da)), Some((_, db))) if da == db => Relation::SchemefulCrossSite,
        _ => Relation::CrossSite,
    }
}

/// `a.origin() == b.origin()` without building the two origins (each clones its host): for the
/// schemes whose origin is the (scheme, host, port) tuple, that tuple compared in place; any other
/// scheme (`blob:` takes its inner URL's origin, the rest are opaque and never equal) the long way.
fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    const TUPLE: [&str; 5] = ["http", "https", "ws", "wss", "ftp"];
    if TUPLE.contains(&a.scheme()) && TUPLE.contains(&b.scheme()) {
        a.scheme() == b.scheme() && a.host() == b.host() && a.port_or_known_default() == b.port_or_known_default()
    } else {
        a.origin() == b.origin()
    }
}

/// [`Site::of`] as a scheme (compare ignoring ASCII case) and a domain borrowed from the URL
/// when it can be: `relation` runs for most candidate exchanges and needs no owned `Site`.
fn site_key(url: &url::Url) -> Option<(&str, Cow<'_, str>)> {
    let host = url.host_str()?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let domain = registrable_domain_cow(host).unwrap_or_else(|| lowercase(host));
    Some((url.scheme(), domain))
}

/// Whether a URL is potentially trustworthy (https, wss, or a loopback host), as cookies'
/// `Secure` and Fetch metadata define it.
pub fn is_potentially_trustworthy(url: &url::Url) -> bool {
    match url.scheme() {
        "https" | "wss" => true,
        "http" | "ws" => match url.host() {
            Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("www.example.com").as_deref(), Some("example.com"));
        assert_eq!(registrable_domain("a.b.example.co.uk").as_deref(), Some("example.co.uk"));
        assert_eq!(registrable_domain("co.uk"), None);
        assert_eq!(registrable_domain("myapp.vercel.app").as_deref(), Some("myapp.vercel.app"));
        assert_eq!(registrable_domain("127.0.0.1"), None);
        assert_eq!(registrable_domain(".com"), None);
    }

    #[test]
    fn wildcard_and_exception_rules() {
        assert_eq!(registrable_domain("a.b.c.kobe.jp").as_deref(), Some("b.c.kobe.jp"));
        assert_eq!(registrable_domain("www.city.kobe.jp").as_deref(), Some("city.kobe.jp"));
    }

    #[test]
    fn relations() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert_eq!(relation(&u("https://app.a.test/"), &u("https://app.a.test/x")), Relation::SameOrigin);
        assert_eq!(relation(&u("https://app.a.test/"), &u("https://api.a.test/x")), Relation::SameSite);
        assert_eq!(relation(&u("http://app.a.test/"), &u("https://api.a.test/x")), Relation::SchemefulCrossSite);
        assert_eq!(relation(&u("https://www.b.test/"), &u("https://api.a.test/x")), Relation::CrossSite);
    }

    /// The remembered answers are the computed ones, whatever the order of the questions (more
    /// hosts than the memory holds, repeats, a near miss that differs by one label).
    #[test]
    fn remembered_suffixes_match_computed_ones() {
        let hosts: Vec<String> = (0..3 * RECENT_HOSTS)
            .flat_map(|i| [format!("h{i}.example.co.uk"), format!("example.co.uk.h{i}"), "co.uk".to_string()])
            .chain(["a.myapp.vercel.app".to_string(), "myapp.vercel.app".to_string(), "vercel.app".to_string()])
            .collect();
        for round in 0..3 {
            for h in hosts.iter().rev().skip(round) {
                assert_eq!(suffix_start(h), suffix_start_uncached(h), "{h} (round {round})");
            }
        }
        assert_eq!(registrable_domain("a.myapp.vercel.app").as_deref(), Some("myapp.vercel.app"));
        assert_eq!(registrable_domain("vercel.app"), None);
    }

    /// `relation` compares borrowed site keys; it must agree with comparing owned [`Site`]s.
    #[test]
    fn relation_agrees_with_sites() {
        let urls = [
            "https://app.a.test/",
            "https://api.a.test/x",
            "http://api.a.test/",
            "https://a.test./",
            "https://www.example.co.uk/",
            "https://example.co.uk/",
            "https://co.uk/",
            "https://myapp.vercel.app/",
            "https://other.vercel.app/",
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "http://localhost/",
            "foo://Host.Example/x",
            "foo://host.example/x",
            "https://xn--bcher-kva.example/",
            "foo://b\u{fc}cher.example/",
            "data:text/plain,x",
            "https://api.a.test:443/",
            "https://api.a.test:8443/",
            "http://api.a.test:80/y",
            "ws://api.a.test/",
            "wss://api.a.test/",
            "ftp://api.a.test/",
            "blob:https://api.a.test/1234",
            "file:///etc/passwd",
            "http://127.0.0.1/",
            "http://[::1]:8080/",
        ];
        for a in urls {
            for b in urls {
                let (ua, ub) = (url::Url::parse(a).unwrap(), url::Url::parse(b).unwrap());
                let want = if ua.origin() == ub.origin() {
                    Relation::SameOrigin
                } else {
                    match (Site::of(&ua), Site::of(&ub)) {
                        (Some(x), Some(y)) if x == y => Relation::SameSite,
                        (Some(x), Some(y)) if x.domain == y.domain => Relation::SchemefulCrossSite,
                        _ => Relation::CrossSite,
                    }
                };
                assert_eq!(relation(&ua, &ub), want, "{a} -> {b}");
                assert_eq!(same_origin(&ua, &ub), ua.origin() == ub.origin(), "{a} -> {b}");
            }
        }
    }

    #[test]
    fn trustworthy() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        assert!(is_potentially_trustworthy(&u("https://x.test/")));
        assert!(is_potentially_trustworthy(&u("http://localhost:3000/")));
        assert!(is_potentially_trustworthy(&u("http://127.0.0.1/")));
        assert!(!is_potentially_trustworthy(&u("http://app.a.test/")));
    }
}
