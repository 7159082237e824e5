//! An RFC 6265bis cookie store: the storage model (§5.7) with a typed reason for every cookie it
//! refuses, and the retrieval algorithm (§5.8.3) with a typed reason for every stored cookie a
//! request does not carry.
//!
//! The jar is pure: the caller passes the clock (`now_ms`, from the capture) and the request's
//! context (site-for-cookies relation, navigation, browser flavour). The public-suffix check is a
//! plain function so tests can inject another list (the Go jar tests use a toy list); the
//! product always uses the bundled list of `crate::site`.
//!
//! The store is browser-like so that replaying a hostile capture stays linear and bounded: cookies
//! are found by their §5.7 key through a hash index, expired ones are purged through an expiry
//! index (only when something has expired), and the jar evicts like Chromium's `CookieMonster`
//! (per registrable domain and in total, see [`DOMAIN_MAX`] and [`TOTAL_MAX`]).

use crate::headers::set_cookie::{self, CookiePrefix, PathAttr, SameSite, SetCookie, SetCookieError};
use crate::model::JarCookie;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use url::Url;

/// 6265bis §5.5 "The limit SHOULD NOT be greater than 400 days": Chromium caps at 400 days.
const MAX_LIFETIME_MS: i64 = 400 * 86_400 * 1000;
/// Chromium's `kLaxAllowUnsafeMaxAge` (6265bis §5.6.7.2 "Lax-Allowing-Unsafe"): 2 minutes.
const LAX_ALLOW_UNSAFE_MS: i64 = 120_000;

/// Chromium `CookieMonster::kDomainMaxCookies`: a registrable domain (eTLD+1) holding more
/// cookies than this is purged down to [`DOMAIN_KEEP`].
pub const DOMAIN_MAX: usize = 180;
/// `kDomainMaxCookies - kDomainPurgeCookies` (180 − 30).
pub const DOMAIN_KEEP: usize = 150;
/// Chromium `CookieMonster::kMaxCookies`: a jar holding more is purged down to [`TOTAL_KEEP`].
pub const TOTAL_MAX: usize = 3300;
/// `kMaxCookies - kPurgeCookies` (3300 − 300).
pub const TOTAL_KEEP: usize = 3000;

/// Where a stored cookie came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// A `Set-Cookie` line of this exchange of the capture.
    Exchange(usize),
    /// The browser's own store (`chrome.cookies` snapshot).
    Snapshot,
    /// Set through a non-HTTP API, or origin unknown.
    Other,
}

/// A cookie in the store (§5.7 "cookie" record).
#[derive(Clone, Debug, PartialEq)]
pub struct Cookie {
    pub name: String,
    pub value: String,
    /// Canonical (lowercase, no leading dot) domain.
    pub domain: String,
    pub host_only: bool,
    pub path: String,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: SameSite,
    /// The top-level site (`https://example.com`) of a partitioned (CHIPS) cookie.
    pub partition: Option<String>,
    /// Epoch milliseconds; `None` for a session cookie.
    pub expiry_ms: Option<i64>,
    pub creation_ms: i64,
    pub source: Source,
    /// Insertion order, the tie-breaker of the retrieval sort.
    seq: u64,
}

impl Cookie {
    /// The domain as `chrome.cookies` and DevTools show it (leading dot for domain cookies).
    pub(crate) fn display_domain(&self) -> String {
        if self.host_only { self.domain.clone() } else { format!(".{}", self.domain) }
    }

    /// Whether it is expired at `now_ms`.
    pub fn expired(&self, now_ms: i64) -> bool {
        self.expiry_ms.is_some_and(|e| e <= now_ms)
    }
}

/// Whether the request (or response) is same-site with its site-for-cookies (6265bis §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteContext {
    SameSite,
    /// Cross-site; `schemeful` when the registrable domains are equal and only the scheme differs.
    CrossSite {
        schemeful: bool,
    },
}

impl SiteContext {
    /// Whether the context is cross-site.
    pub(crate) fn is_cross_site(self) -> bool {
        matches!(self, SiteContext::CrossSite { .. })
    }
}

/// The context of a `Set-Cookie` (the response that carried it) or of a cookie-retrieving request.
#[derive(Clone, Debug)]
pub struct Context<'u> {
    pub url: &'u Url,
    /// The request method (only retrieval uses it, for Lax).
    pub method: &'u str,
    pub now_ms: i64,
    /// `false` for `document.cookie` and other non-HTTP APIs.
    pub http_api: bool,
    pub site: SiteContext,
    /// A top-level navigation (the only cross-site context where Lax cookies flow).
    pub top_level_navigation: bool,
    /// The top-level site (`scheme://registrable-domain`), the partition key; `None` when unknown.
    pub top_level_site: Option<String>,
    /// The URL's site differs from the top-level site (a third-party context).
    pub third_party: bool,
    /// Third-party cookies are blocked in this profile.
    pub third_party_blocked: bool,
    /// Third-party cookies live in a jar per top-level site (Firefox's Total Cookie Protection):
    /// a third-party response stores into the top-level site's partition, and a third-party
    /// request sees only that partition.
    pub third_party_partitioned: bool,
    /// Chromium enforces `SameSite` Default as Lax; Firefox and Safari as None.
    pub lax_by_default: bool,
    pub source: Source,
}

impl<'u> Context<'u> {
    /// A first-party, same-site, top-level GET over HTTP: the neutral context (tests, replay).
    pub fn first_party(url: &'u Url, now_ms: i64) -> Self {
        Context {
            url,
            method: "GET",
            now_ms,
            http_api: true,
            site: SiteContext::SameSite,
            top_level_navigation: true,
            top_level_site: None,
            third_party: false,
            third_party_blocked: false,
            third_party_partitioned: false,
            lax_by_default: true,
            source: Source::Other,
        }
    }
}

/// Which rule of a `__Secure-`/`__Host-`/`__Http-` prefix a cookie broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrefixRule {
    /// No `Secure` attribute (or not set from a secure origin).
    NotSecure,
    /// `__Host-` with a `Domain` attribute.
    HasDomain,
    /// `__Host-` without `Path=/`.
    PathNotRoot,
    /// `__Http-` without `HttpOnly`, or set from script.
    NotHttpOnly,
    /// A nameless cookie whose value starts with a prefix (§5.7 step 22).
    NamelessLooksPrefixed,
}

/// Why the store refused a cookie (§5.7), one variant per abort step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The parser ignored the line (§5.6 / §5.7 steps 2–4).
    Syntax(SetCookieError),
    /// The response's scheme cannot hold cookies (`file:`, `chrome-extension:` …).
    SchemeNotSupported,
    /// `Domain` with non-ASCII characters (§5.7 step 8).
    DomainNonAscii,
    /// `Domain` is a public suffix other than the host itself (§5.7 step 9).
    DomainPublicSuffix,
    /// The request host does not domain-match `Domain` (§5.7 step 10).
    DomainNotMatching,
    /// `Secure` from a non-secure URL (§5.7 step 13).
    SecureFromInsecure,
    /// `HttpOnly` through a non-HTTP API (§5.7 step 15).
    HttpOnlyFromScript,
    /// A non-secure response would replace a Secure cookie (§5.7 step 16).
    OverwriteSecure,
    /// A Lax/Strict/Default cookie from a cross-site response that is not a top-level navigation (§5.7 step 18).
    SameSiteCrossSite { same_site: SameSite, schemeful: bool },
    /// `SameSite=None` without `Secure` (§5.7 step 19).
    SameSiteNoneInsecure,
    /// A name prefix whose promise was broken (§5.7 steps 20–22).
    InvalidPrefix(CookiePrefix, PrefixRule),
    /// `Partitioned` without `Secure` (CHIPS; Chromium `IsCookiePartitionedValid`).
    PartitionedWithoutSecure,
    /// A third-party response while third-party cookies are blocked (§7.1 policy).
    ThirdPartyBlocked,
    /// Script would replace an HttpOnly cookie (§5.7 step 23).
    OverwriteHttpOnly,
}

/// What storing a cookie did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored {
    /// An older cookie with the same name, domain, host-only flag, path and partition was replaced.
    pub replaced: bool,
    /// The expiry was at or before `now`: the cookie (and any old copy) is gone at once.
    pub expired_on_arrival: bool,
    /// The lifetime was cut to 400 days.
    pub lifetime_capped: bool,
}

/// Why a stored cookie was not attached to a request (§5.8.3), in the order the checks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exclusion {
    Expired,
    /// The request's scheme does not carry cookies.
    SchemeNotSupported,
    /// Host-only and another host, or a Domain that does not cover the host.
    DomainMismatch,
    NotOnPath,
    /// Secure cookie, non-secure request.
    SecureOnly,
    /// HttpOnly cookie, non-HTTP API.
    HttpOnly,
    SameSiteStrict {
        schemeful: bool,
    },
    SameSiteLax {
        schemeful: bool,
    },
    /// No SameSite (Lax by default); `unsafe_too_old` when a top-level POST came later than the
    /// 2-minute Lax-allowing-unsafe window.
    SameSiteDefaultLax {
        schemeful: bool,
        unsafe_too_old: bool,
    },
    /// A legacy `SameSite=None` cookie without Secure.
    SameSiteNoneInsecure,
    /// Partitioned under another top-level site.
    OtherPartition,
    /// A third-party request while third-party cookies are blocked.
    ThirdPartyBlocked,
}

/// The answer to "what does this request carry": cookies sent (in header order) and the rest with reasons.
#[derive(Debug, Default)]
pub struct Retrieval<'j> {
    pub sent: Vec<&'j Cookie>,
    pub excluded: Vec<(&'j Cookie, Exclusion)>,
}

impl Retrieval<'_> {
    /// The `Cookie` header value the request would carry.
    pub fn header(&self) -> String {
        let mut s = String::new();
        for c in &self.sent {
            if !s.is_empty() {
                s.push_str("; ");
            }
            if !c.name.is_empty() {
                s.push_str(&c.name);
                s.push('=');
            }
            s.push_str(&c.value);
        }
        s
    }
}

/// The product's public-suffix check: the bundled PSL.
fn bundled_psl(domain: &str) -> bool {
    crate::site::is_public_suffix(domain)
}

/// A cookie store.
///
/// `cookies` is ordered by the last store of each cookie (a replaced cookie moves to the end, as
/// the earlier `Vec` remove-then-push did), so listing and exclusion order are unchanged; `stamp`
/// numbers those stores. The three indexes are kept in step with `cookies` by `insert`/`remove`.
#[derive(Clone, Debug)]
pub struct Jar {
    cookies: BTreeMap<u64, Cookie>,
    psl: fn(&str) -> bool,
    seq: u64,
    stamp: u64,
    /// §5.7 step 23's key → stamp of the (first) cookie with that key.
    index: HashMap<Key, u64>,
    /// (expiry, stamp) of every cookie with an expiry: the purge takes expired ones off the front.
    expiries: BTreeSet<(i64, u64)>,
    /// Registrable domain (the domain itself when it has none) → (secure, stamp) of its cookies,
    /// in Chromium's eviction order: non-secure before secure, then least recently set.
    domains: HashMap<String, BTreeSet<(bool, u64)>>,
    /// A snapshot held two cookies with one key (only the first is indexed).
    duplicate_keys: bool,
    /// Cookie domain → its eviction bucket, so the Public Suffix List is consulted once per domain,
    /// not on every store and removal (bounded: cleared past [`BUCKET_MEMO_MAX`] domains).
    buckets: HashMap<String, String>,
}

/// Distinct cookie domains whose eviction bucket is remembered.
const BUCKET_MEMO_MAX: usize = 4096;

/// (name, domain, host-only, path, partition): cookies with equal keys replace each other.
type Key = (String, String, bool, String, Option<String>);

fn key_of(c: &Cookie) -> Key {
    (c.name.clone(), c.domain.clone(), c.host_only, c.path.clone(), c.partition.clone())
}

/// Chromium's eviction bucket: the cookie domain's eTLD+1 (`CookieMonster::GetKey`).
fn bucket_of(domain: &str) -> String {
    crate::site::registrable_domain(domain).unwrap_or_else(|| domain.to_string())
}

impl Default for Jar {
    fn default() -> Self {
        Jar::new()
    }
}

/// The host of a URL as cookies see it: lowercase, IPv6 without brackets, no trailing dot.
pub(crate) fn canonical_host(url: &Url) -> Option<String> {
    let h = url.host_str()?;
    let h = h.trim_start_matches('[').trim_end_matches(']');
    Some(h.strip_suffix('.').unwrap_or(h).to_ascii_lowercase())
}

/// 6265bis §5.1.3 domain-match.
pub fn domain_match(host: &str, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    !crate::site::is_ip(host)
        && host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes().get(host.len() - domain.len() - 1) == Some(&b'.')
}

/// 6265bis §5.1.4 path-match.
pub fn path_match(request_path: &str, cookie_path: &str) -> bool {
    if request_path == cookie_path {
        return true;
    }
    request_path.starts_with(cookie_path)
        && (cookie_path.ends_with('/') || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/'))
}

/// Whether the scheme can store and send cookies.
fn is_cookieable_scheme(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https" | "ws" | "wss")
}

/// Whether the URL counts as secure for cookies (https/wss, and localhost/loopback as browsers do).
pub(crate) fn is_secure_url(url: &Url) -> bool {
    crate::site::is_potentially_trustworthy(url)
}

impl Jar {
    /// An empty jar using the bundled Public Suffix List.
    pub fn new() -> Jar {
        Jar::with_psl(bundled_psl)
    }

    /// An empty jar with another public-suffix check (tests).
    pub fn with_psl(psl: fn(&str) -> bool) -> Jar {
        Jar {
            cookies: BTreeMap::new(),
            psl,
            seq: 0,
            stamp: 0,
            index: HashMap::new(),
            expiries: BTreeSet::new(),
            domains: HashMap::new(),
            duplicate_keys: false,
            buckets: HashMap::new(),
        }
    }

    /// The eviction bucket of a cookie domain, remembered.
    fn bucket(&mut self, domain: &str) -> String {
        if let Some(b) = self.buckets.get(domain) {
            return b.clone();
        }
        if self.buckets.len() >= BUCKET_MEMO_MAX {
            self.buckets.clear();
        }
        let b = bucket_of(domain);
        self.buckets.insert(domain.to_string(), b.clone());
        b
    }

    /// Every stored cookie, least recently stored first (expired ones included until the next store).
    pub fn cookies(&self) -> impl Iterator<Item = &Cookie> + Clone + '_ {
        self.cookies.values()
    }

    /// How many cookies are stored.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether the jar is empty.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// Adds `c` at the end of the store order and to every index.
    fn insert(&mut self, c: Cookie) {
        self.stamp += 1;
        let stamp = self.stamp;
        match self.index.entry(key_of(&c)) {
            std::collections::hash_map::Entry::Occupied(_) => self.duplicate_keys = true,
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(stamp);
            }
        }
        if let Some(e) = c.expiry_ms {
            self.expiries.insert((e, stamp));
        }
        let bucket = self.bucket(&c.domain);
        self.domains.entry(bucket).or_default().insert((c.secure, stamp));
        self.cookies.insert(stamp, c);
    }

    /// Removes the cookie stored at `stamp` from the store and every index.
    fn remove(&mut self, stamp: u64) -> Option<Cookie> {
        let c = self.cookies.remove(&stamp)?;
        if let Some(e) = c.expiry_ms {
            self.expiries.remove(&(e, stamp));
        }
        let bucket = self.bucket(&c.domain);
        if let Some(b) = self.domains.get_mut(&bucket) {
            b.remove(&(c.secure, stamp));
            if b.is_empty() {
                self.domains.remove(&bucket);
            }
        }
        let key = key_of(&c);
        if self.index.get(&key) == Some(&stamp) {
            self.index.remove(&key);
            // Only a snapshot can hold a second cookie with this key: index the next one, as the
            // first-match scan did.
            if self.duplicate_keys {
                if let Some((&s, _)) = self.cookies.iter().find(|(_, o)| key_of(o) == key) {
                    self.index.insert(key, s);
                }
            }
        }
        Some(c)
    }

    /// Drops every cookie expired at `now_ms` (the §5.7 purge), through the expiry index.
    fn purge_expired(&mut self, now_ms: i64) {
        while let Some(&(e, stamp)) = self.expiries.first() {
            if e > now_ms {
                break;
            }
            self.expiries.pop_first();
            self.remove(stamp);
        }
    }

    /// Chromium's garbage collection after a store: a registrable domain over [`DOMAIN_MAX`] keeps
    /// [`DOMAIN_KEEP`] cookies, evicting non-secure before secure, least recently set first; a jar over
    /// [`TOTAL_MAX`] keeps [`TOTAL_KEEP`], least recently set first. Expired cookies are already gone
    /// (Chromium evicts them first). Chromium orders by last *access*; the jar is pure (retrieval does
    /// not mutate it), so the last store stands in for it. Chromium also spares cookies accessed in
    /// the last 30 days from the global purge (`kSafeFromGlobalPurgeDays`); a replayed capture spans
    /// minutes, so sparing them would let a hostile capture grow the jar without bound: not modelled.
    fn evict(&mut self, bucket: &str) {
        let over: Vec<u64> = match self.domains.get(bucket) {
            Some(b) if b.len() > DOMAIN_MAX => b.iter().take(b.len() - DOMAIN_KEEP).map(|&(_, s)| s).collect(),
            _ => Vec::new(),
        };
        for s in over {
            self.remove(s);
        }
        if self.cookies.len() > TOTAL_MAX {
            let over: Vec<u64> = self.cookies.keys().take(self.cookies.len() - TOTAL_KEEP).copied().collect();
            for s in over {
                self.remove(s);
            }
        }
    }

    /// Parses `line` and stores it (§5.6 then §5.7).
    pub fn set_line(&mut self, line: &str, ctx: &Context<'_>) -> Result<Stored, Rejection> {
        let c = set_cookie::parse(line).map_err(Rejection::Syntax)?;
        self.store(&c, ctx)
    }

    /// Checks a parsed cookie against the §5.7 storage rules without storing it.
    fn check(&self, c: &SetCookie, ctx: &Context<'_>) -> Result<Cookie, Rejection> {
        let url = ctx.url;
        if !is_cookieable_scheme(url) {
            return Err(Rejection::SchemeNotSupported);
        }
        let host = canonical_host(url).ok_or(Rejection::SchemeNotSupported)?;
        // Step 6: Max-Age wins over Expires; both are capped at 400 days by the caller of `store`.
        let expiry_ms = match (c.max_age, c.expires) {
            (Some(m), _) if m <= 0 => Some(i64::MIN),
            (Some(m), _) => Some(ctx.now_ms.saturating_add(m.saturating_mul(1000))),
            (None, Some(e)) => Some(e.saturating_mul(1000)),
            (None, None) => None,
        };
        // Steps 7–10: domain.
        let mut domain_attr = c.domain.clone().unwrap_or_default();
        // `Domain=.` leaves nothing after the dot: Chromium refuses it rather than make it host-only.
        if c.domain.as_deref() == Some("") {
            return Err(Rejection::DomainNotMatching);
        }
        // Chromium refuses a dotted Domain on an IP host (`.1.2.3.4`): an IP has no subdomains.
        if crate::site::is_ip(&host) && c.domain_raw.as_deref().is_some_and(|d| d.starts_with('.')) {
            return Err(Rejection::DomainNotMatching);
        }
        if domain_attr.ends_with('.') && !domain_attr.is_empty() {
            // A trailing dot never domain-matches a canonical host (browsers reject it).
            return Err(Rejection::DomainNotMatching);
        }
        if !domain_attr.is_ascii() {
            match url::Host::parse(&domain_attr) {
                Ok(url::Host::Domain(a)) if a.is_ascii() => domain_attr = a,
                _ => return Err(Rejection::DomainNonAscii),
            }
        }
        if !domain_attr.is_empty() && (self.psl)(&domain_attr) {
            if domain_attr == host {
                domain_attr.clear();
            } else {
                return Err(Rejection::DomainPublicSuffix);
            }
        }
        let (domain, host_only) = if domain_attr.is_empty() {
            (host.clone(), true)
        } else if domain_match(&host, &domain_attr) {
            // A Domain equal to an IP host is kept host-only (browsers never widen an IP).
            let ip = crate::site::is_ip(&host);
            (domain_attr, ip)
        } else {
            return Err(Rejection::DomainNotMatching);
        };
        // Step 11: path.
        let path = match &c.path {
            Some(PathAttr::Value(p)) => p.clone(),
            _ => set_cookie::default_path(url.path()).to_string(),
        };
        let secure_url = is_secure_url(url);
        // Prefix checks that need the origin come first so the more specific reason is reported.
        let prefix = c.prefix();
        if let Some(p) = prefix {
            if !c.secure || !secure_url {
                return Err(Rejection::InvalidPrefix(p, PrefixRule::NotSecure));
            }
        }
        // Step 13.
        if c.secure && !secure_url {
            return Err(Rejection::SecureFromInsecure);
        }
        // Step 15.
        if !ctx.http_api && c.http_only {
            return Err(Rejection::HttpOnlyFromScript);
        }
        // Step 16: leave secure cookies alone.
        if !c.secure && !secure_url {
            let clash = self.cookies.values().any(|old| {
                old.name == c.name
                    && old.secure
                    && !old.expired(ctx.now_ms)
                    && (domain_match(&domain, &old.domain) || domain_match(&old.domain, &domain))
                    && path_match(&path, &old.path)
            });
            if clash {
                return Err(Rejection::OverwriteSecure);
            }
        }
        // Step 18: Lax/Strict/Default cookies only from same-site responses or top-level navigations.
        if c.same_site != SameSite::None {
            if let SiteContext::CrossSite { schemeful } = ctx.site {
                let allowed = ctx.http_api && ctx.top_level_navigation;
                let default_is_none = c.same_site == SameSite::Default && !ctx.lax_by_default;
                if !allowed && !default_is_none {
                    return Err(Rejection::SameSiteCrossSite { same_site: c.same_site, schemeful });
                }
            }
        }
        // Step 19.
        if c.same_site == SameSite::None && !c.secure {
            return Err(Rejection::SameSiteNoneInsecure);
        }
        // Steps 20–22: prefixes.
        if let Some(p) = prefix {
            if p.is_host() && !host_only {
                return Err(Rejection::InvalidPrefix(p, PrefixRule::HasDomain));
            }
            if p.is_host() && c.path_value() != Some("/") {
                return Err(Rejection::InvalidPrefix(p, PrefixRule::PathNotRoot));
            }
            if p.needs_http_only() && (!c.http_only || !ctx.http_api) {
                return Err(Rejection::InvalidPrefix(p, PrefixRule::NotHttpOnly));
            }
        }
        if c.name.is_empty() {
            if let Some(p) = CookiePrefix::of(&c.value) {
                return Err(Rejection::InvalidPrefix(p, PrefixRule::NamelessLooksPrefixed));
            }
        }
        // CHIPS: Partitioned needs Secure (and a secure origin, already checked for Secure).
        if c.partitioned && !c.secure {
            return Err(Rejection::PartitionedWithoutSecure);
        }
        let partition = if c.partitioned {
            ctx.top_level_site.clone().or_else(|| site_key(url))
        } else if ctx.third_party && ctx.third_party_partitioned && !ctx.third_party_blocked {
            // Total Cookie Protection: every third-party cookie is kept under the top-level site.
            ctx.top_level_site.clone()
        } else {
            None
        };
        if ctx.third_party && ctx.third_party_blocked && partition.is_none() {
            return Err(Rejection::ThirdPartyBlocked);
        }
        Ok(Cookie {
            name: c.name.clone(),
            value: c.value.clone(),
            domain,
            host_only,
            path,
            secure: c.secure,
            http_only: c.http_only,
            same_site: c.same_site,
            partition,
            expiry_ms,
            creation_ms: ctx.now_ms,
            source: ctx.source,
            seq: 0,
        })
    }

    /// Stores a parsed cookie (§5.7), replacing an identical-key cookie and keeping its creation time.
    pub fn store(&mut self, c: &SetCookie, ctx: &Context<'_>) -> Result<Stored, Rejection> {
        let mut cookie = self.check(c, ctx)?;
        let cap = ctx.now_ms.saturating_add(MAX_LIFETIME_MS);
        let mut lifetime_capped = false;
        if let Some(e) = cookie.expiry_ms {
            if e > cap {
                cookie.expiry_ms = Some(cap);
                lifetime_capped = true;
            }
        }
        let old = self.index.get(&key_of(&cookie)).copied();
        let mut replaced = false;
        if let Some(stamp) = old {
            if let Some(o) = self.cookies.get(&stamp) {
                if !ctx.http_api && o.http_only {
                    return Err(Rejection::OverwriteHttpOnly);
                }
                if !o.expired(ctx.now_ms) {
                    cookie.creation_ms = o.creation_ms;
                    cookie.seq = o.seq;
                }
            }
            self.remove(stamp);
            replaced = true;
        }
        let expired_on_arrival = cookie.expired(ctx.now_ms);
        let mut bucket = None;
        if !expired_on_arrival {
            if !replaced || cookie.seq == 0 {
                self.seq += 1;
                cookie.seq = self.seq;
            }
            bucket = Some(self.bucket(&cookie.domain));
            self.insert(cookie);
        }
        self.purge_expired(ctx.now_ms);
        if let Some(b) = bucket {
            self.evict(&b);
        }
        Ok(Stored { replaced, expired_on_arrival, lifetime_capped })
    }

    /// What [`Jar::store`] would answer for `c`, without storing it: the diagnosis checks each
    /// `Set-Cookie` line of a response against the jar as it was before that response.
    pub fn probe(&self, c: &SetCookie, ctx: &Context<'_>) -> Result<Stored, Rejection> {
        let cookie = self.check(c, ctx)?;
        let cap = ctx.now_ms.saturating_add(MAX_LIFETIME_MS);
        let lifetime_capped = cookie.expiry_ms.is_some_and(|e| e > cap);
        let expiry_ms = if lifetime_capped { Some(cap) } else { cookie.expiry_ms };
        let old = self.index.get(&key_of(&cookie)).and_then(|s| self.cookies.get(s));
        if old.is_some_and(|o| !ctx.http_api && o.http_only) {
            return Err(Rejection::OverwriteHttpOnly);
        }
        let expired_on_arrival = expiry_ms.is_some_and(|e| e <= ctx.now_ms);
        Ok(Stored { replaced: old.is_some(), expired_on_arrival, lifetime_capped })
    }

    /// Adds a cookie from the browser's own store (`chrome.cookies`), trusted as is.
    pub(crate) fn insert_snapshot(&mut self, j: &JarCookie<'_>, now_ms: i64) {
        let raw = j.domain.trim();
        let dotted = raw.starts_with('.');
        let domain = raw.trim_start_matches('.').to_ascii_lowercase();
        let creation_ms = j.creation_ms.filter(|m| m.is_finite()).map(|m| m as i64).unwrap_or(now_ms);
        self.seq += 1;
        self.insert(Cookie {
            name: j.name.to_string(),
            value: j.value.to_string(),
            domain,
            host_only: j.host_only || !dotted,
            path: if j.path.is_empty() { "/".to_string() } else { j.path.to_string() },
            secure: j.secure,
            http_only: j.http_only,
            same_site: SameSite::from_jar(&j.same_site),
            partition: j.partition_top_level_site.as_deref().map(str::to_string),
            expiry_ms: if j.session {
                None
            } else {
                j.expiration_date.filter(|d| d.is_finite()).map(|d| (d * 1000.0) as i64)
            },
            creation_ms,
            source: Source::Snapshot,
            seq: self.seq,
        });
    }

    /// §5.8.3: the cookies `ctx`'s request carries, sorted, and every other cookie with its reason.
    pub fn retrieve(&self, ctx: &Context<'_>) -> Retrieval<'_> {
        let mut r = Retrieval::default();
        let host = canonical_host(ctx.url).unwrap_or_default();
        let secure_url = is_secure_url(ctx.url);
        let path = ctx.url.path();
        let safe_method = matches!(ctx.method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE");
        for c in self.cookies.values() {
            let why = if c.expired(ctx.now_ms) {
                Some(Exclusion::Expired)
            } else if !is_cookieable_scheme(ctx.url) {
                Some(Exclusion::SchemeNotSupported)
            } else if if c.host_only { host != c.domain } else { !domain_match(&host, &c.domain) } {
                Some(Exclusion::DomainMismatch)
            } else if !path_match(path, &c.path) {
                Some(Exclusion::NotOnPath)
            } else if c.secure && !secure_url {
                Some(Exclusion::SecureOnly)
            } else if c.http_only && !ctx.http_api {
                Some(Exclusion::HttpOnly)
            } else if let Some(e) = same_site_exclusion(c, ctx, safe_method) {
                Some(e)
            } else if c.partition.is_some() && ctx.top_level_site.is_some() && c.partition != ctx.top_level_site {
                Some(Exclusion::OtherPartition)
            } else if ctx.third_party
                && ctx.third_party_partitioned
                && !ctx.third_party_blocked
                && c.partition.is_none()
            {
                // Total Cookie Protection: a cookie set first-party lives in its own site's jar,
                // which a third-party request under another top-level site does not see.
                Some(Exclusion::OtherPartition)
            } else if ctx.third_party && ctx.third_party_blocked && c.partition.is_none() {
                Some(Exclusion::ThirdPartyBlocked)
            } else {
                None
            };
            match why {
                Some(e) => r.excluded.push((c, e)),
                None => r.sent.push(c),
            }
        }
        // Step 4: longer paths first, then earlier creation.
        r.sent.sort_by(|a, b| {
            b.path.len().cmp(&a.path.len()).then(a.creation_ms.cmp(&b.creation_ms)).then(a.seq.cmp(&b.seq))
        });
        r
    }
}

/// The SameSite part of §5.8.3 step 1 (with §5.6.7.2 Lax-allowing-unsafe for Default cookies).
fn same_site_exclusion(c: &Cookie, ctx: &Context<'_>, safe_method: bool) -> Option<Exclusion> {
    if c.same_site == SameSite::None && !c.secure {
        return Some(Exclusion::SameSiteNoneInsecure);
    }
    let SiteContext::CrossSite { schemeful } = ctx.site else {
        return None;
    };
    let nav = ctx.top_level_navigation && ctx.http_api;
    match c.same_site {
        SameSite::None => None,
        SameSite::Strict => Some(Exclusion::SameSiteStrict { schemeful }),
        SameSite::Lax => (!(nav && safe_method)).then_some(Exclusion::SameSiteLax { schemeful }),
        SameSite::Default if !ctx.lax_by_default => None,
        SameSite::Default => {
            if nav && safe_method {
                return None;
            }
            let young = ctx.now_ms.saturating_sub(c.creation_ms) <= LAX_ALLOW_UNSAFE_MS;
            if nav && young {
                return None;
            }
            Some(Exclusion::SameSiteDefaultLax { schemeful, unsafe_too_old: nav && !safe_method })
        }
    }
}

/// `scheme://registrable-domain` of a URL, the form partition keys take.
pub(crate) fn site_key(url: &Url) -> Option<String> {
    crate::site::Site::of(url).map(|s| format!("{}://{}", s.scheme, s.domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    const T0: i64 = 1_790_000_000_000;

    fn set(jar: &mut Jar, url: &str, line: &str) -> Result<Stored, Rejection> {
        let url = u(url);
        jar.set_line(line, &Context::first_party(&url, T0))
    }

    fn header(jar: &Jar, url: &str) -> String {
        let url = u(url);
        jar.retrieve(&Context::first_party(&url, T0 + 1000)).header()
    }

    #[test]
    fn storage_rejections_table() {
        let rows: &[(&str, &str, &str, Rejection)] = &[
            ("public suffix", "https://a.example.com/", "a=1; Domain=com", Rejection::DomainPublicSuffix),
            ("not covering", "https://api.example.net/", "a=1; Domain=example.com", Rejection::DomainNotMatching),
            ("secure from http", "http://a.example.com/", "a=1; Secure", Rejection::SecureFromInsecure),
            ("none insecure", "https://a.example.com/", "a=1; SameSite=None", Rejection::SameSiteNoneInsecure),
            (
                "__Host- with Domain",
                "https://a.example.com/",
                "__Host-a=1; Secure; Path=/; Domain=example.com",
                Rejection::InvalidPrefix(CookiePrefix::Host, PrefixRule::HasDomain),
            ),
            (
                "__Host- without Path",
                "https://a.example.com/x/y",
                "__host-a=1; Secure",
                Rejection::InvalidPrefix(CookiePrefix::Host, PrefixRule::PathNotRoot),
            ),
            (
                "__Secure- without Secure",
                "https://a.example.com/",
                "__Secure-a=1",
                Rejection::InvalidPrefix(CookiePrefix::Secure, PrefixRule::NotSecure),
            ),
            (
                "__Http- without HttpOnly",
                "https://a.example.com/",
                "__Http-a=1; Secure",
                Rejection::InvalidPrefix(CookiePrefix::Http, PrefixRule::NotHttpOnly),
            ),
            ("partitioned insecure", "http://localhost/", "a=1; Partitioned", Rejection::PartitionedWithoutSecure),
            ("ftp", "ftp://a.example.com/", "a=1", Rejection::SchemeNotSupported),
            (
                "ctl",
                "https://a.example.com/",
                "a=1\u{1}",
                Rejection::Syntax(SetCookieError::ControlCharacter { at: 3, byte: 1 }),
            ),
        ];
        for (label, url, line, want) in rows {
            let mut jar = Jar::new();
            assert_eq!(set(&mut jar, url, line), Err(want.clone()), "{label}");
        }
    }

    #[test]
    fn host_only_and_domain_cookies() {
        let mut jar = Jar::new();
        set(&mut jar, "https://app.example.com/", "h=1; Path=/").unwrap();
        set(&mut jar, "https://app.example.com/", "d=2; Path=/; Domain=.example.com").unwrap();
        assert_eq!(header(&jar, "https://app.example.com/x"), "h=1; d=2");
        assert_eq!(header(&jar, "https://api.example.com/x"), "d=2");
        let api = u("https://api.example.com/x");
        let r = jar.retrieve(&Context::first_party(&api, T0));
        assert_eq!(r.excluded.len(), 1);
        assert_eq!(r.excluded.first().map(|x| x.1), Some(Exclusion::DomainMismatch));
    }

    #[test]
    fn public_suffix_equal_to_host_is_host_only() {
        let mut jar = Jar::new();
        set(&mut jar, "https://myapp.vercel.app/", "a=1; Domain=myapp.vercel.app").unwrap();
        set(&mut jar, "https://www.example.co.uk/", "b=1; Domain=co.uk").unwrap_err();
        let c = jar.cookies().next().unwrap();
        assert!(!c.host_only, "myapp.vercel.app is a registrable domain, not a suffix");
    }

    #[test]
    fn default_path_and_path_match() {
        let mut jar = Jar::new();
        set(&mut jar, "https://a.test/api/auth/login", "sid=1").unwrap();
        assert_eq!(jar.cookies().next().map(|c| c.path.as_str()), Some("/api/auth"));
        assert_eq!(header(&jar, "https://a.test/api/auth/me"), "sid=1");
        assert_eq!(header(&jar, "https://a.test/api/users"), "");
        assert!(path_match("/api/x", "/api"));
        assert!(!path_match("/apix", "/api"));
        assert!(path_match("/api/", "/api/"));
    }

    #[test]
    fn sort_order_longer_path_then_older() {
        let mut jar = Jar::new();
        set(&mut jar, "https://a.test/", "a=1; Path=/").unwrap();
        set(&mut jar, "https://a.test/", "b=1; Path=/x").unwrap();
        set(&mut jar, "https://a.test/", "c=1; Path=/").unwrap();
        assert_eq!(header(&jar, "https://a.test/x/y"), "b=1; a=1; c=1");
    }

    #[test]
    fn replacement_keeps_creation_and_deletion_removes() {
        let mut jar = Jar::new();
        set(&mut jar, "https://a.test/", "a=1; Path=/").unwrap();
        let s = set(&mut jar, "https://a.test/", "a=2; Path=/").unwrap();
        assert!(s.replaced);
        assert_eq!(header(&jar, "https://a.test/"), "a=2");
        let s = set(&mut jar, "https://a.test/", "a=; Path=/; Max-Age=0").unwrap();
        assert!(s.expired_on_arrival);
        assert_eq!(header(&jar, "https://a.test/"), "");
    }

    #[test]
    fn leave_secure_cookies_alone() {
        let mut jar = Jar::new();
        set(&mut jar, "https://a.test/", "sid=1; Secure; Path=/").unwrap();
        assert_eq!(set(&mut jar, "http://a.test/", "sid=2; Path=/"), Err(Rejection::OverwriteSecure));
    }

    #[test]
    fn lifetime_capped() {
        let mut jar = Jar::new();
        let s = set(&mut jar, "https://a.test/", "a=1; Max-Age=315360000").unwrap();
        assert!(s.lifetime_capped);
    }

    fn cross<'a>(url: &'a Url, method: &'static str, nav: bool, creation_age_ms: i64) -> Context<'a> {
        let mut c = Context::first_party(url, T0 + creation_age_ms);
        c.site = SiteContext::CrossSite { schemeful: false };
        c.method = method;
        c.top_level_navigation = nav;
        c
    }

    #[test]
    fn same_site_retrieval_table() {
        let mut jar = Jar::new();
        for l in ["s=1; SameSite=Strict", "l=1; SameSite=Lax", "n=1; SameSite=None; Secure", "d=1"] {
            set(&mut jar, "https://a.test/", l).unwrap();
        }
        let url = u("https://a.test/");
        let rows: &[(&str, &str, bool, i64, &str)] = &[
            ("cross-site fetch", "GET", false, 1000, "n=1"),
            ("cross-site nav GET", "GET", true, 1000, "l=1; n=1; d=1"),
            ("cross-site nav POST young", "POST", true, 60_000, "n=1; d=1"),
            ("cross-site nav POST old", "POST", true, 180_000, "n=1"),
        ];
        for (label, m, nav, age, want) in rows {
            assert_eq!(jar.retrieve(&cross(&url, m, *nav, *age)).header(), *want, "{label}");
        }
        let r = jar.retrieve(&cross(&url, "POST", true, 180_000));
        assert!(
            r.excluded.iter().any(|(c, e)| c.name == "d"
                && *e == Exclusion::SameSiteDefaultLax { schemeful: false, unsafe_too_old: true })
        );
        let mut ff = cross(&url, "GET", false, 1000);
        ff.lax_by_default = false;
        assert_eq!(jar.retrieve(&ff).header(), "n=1; d=1");
    }

    #[test]
    fn set_from_cross_site_subresource() {
        let mut jar = Jar::new();
        let url = u("https://api.other.test/login");
        let ctx = cross(&url, "POST", false, 0);
        assert_eq!(
            jar.set_line("sid=1; Path=/", &ctx),
            Err(Rejection::SameSiteCrossSite { same_site: SameSite::Default, schemeful: false })
        );
        assert!(jar.set_line("sid=1; Path=/; SameSite=None; Secure", &ctx).is_ok());
    }

    #[test]
    fn third_party_and_partitions() {
        let mut jar = Jar::new();
        let url = u("https://widget.test/");
        let mut ctx = cross(&url, "GET", false, 0);
        ctx.third_party = true;
        ctx.third_party_blocked = true;
        ctx.top_level_site = Some("https://host.test".into());
        assert_eq!(jar.set_line("a=1; SameSite=None; Secure", &ctx), Err(Rejection::ThirdPartyBlocked));
        jar.set_line("p=1; SameSite=None; Secure; Partitioned", &ctx).unwrap();
        assert_eq!(jar.retrieve(&ctx).header(), "p=1");
        ctx.top_level_site = Some("https://other.test".into());
        let r = jar.retrieve(&ctx);
        assert_eq!(r.excluded.first().map(|x| x.1), Some(Exclusion::OtherPartition));
    }

    /// Total Cookie Protection: a first-party cookie is not sent to the same site embedded under
    /// another top-level site; one set there is kept under that top-level site only.
    #[test]
    fn total_cookie_protection_partitions_third_party_cookies() {
        let mut jar = Jar::new();
        let url = u("https://widget.test/api");
        let first = Context::first_party(&url, 0);
        jar.set_line("sid=1; Path=/; SameSite=None; Secure", &first).unwrap();
        let mut ctx = cross(&url, "GET", false, 0);
        ctx.third_party = true;
        ctx.top_level_site = Some("https://host.test".into());
        // Near miss: without partitioning (Chromium's default) the cookie goes.
        assert_eq!(jar.retrieve(&ctx).header(), "sid=1");
        ctx.third_party_partitioned = true;
        let r = jar.retrieve(&ctx);
        assert_eq!(r.header(), "");
        assert_eq!(r.excluded.first().map(|x| x.1), Some(Exclusion::OtherPartition));
        jar.set_line("emb=1; Path=/; SameSite=None; Secure", &ctx).unwrap();
        assert_eq!(jar.retrieve(&ctx).header(), "emb=1");
        ctx.top_level_site = Some("https://other.test".into());
        assert_eq!(jar.retrieve(&ctx).header(), "");
    }

    /// Stores `n` cookies `{prefix}{i}=v` from `url` at T0 + i ms (so store order is i).
    fn fill(jar: &mut Jar, url: &str, prefix: &str, n: usize) {
        let url = u(url);
        for i in 0..n {
            let ctx = Context::first_party(&url, T0 + i as i64);
            jar.set_line(&format!("{prefix}{i}=v; Path=/"), &ctx).unwrap();
        }
    }

    fn names(jar: &Jar) -> Vec<String> {
        jar.cookies().map(|c| c.name.clone()).collect()
    }

    #[test]
    fn domain_cap_evicts_to_150_least_recently_set_first() {
        // Near miss: exactly 180 on one registrable domain (two hosts share it) stays.
        let mut jar = Jar::new();
        fill(&mut jar, "https://a.example.com/", "a", 90);
        fill(&mut jar, "https://b.example.com/", "b", 90);
        assert_eq!(jar.len(), DOMAIN_MAX);
        // The 181st purges the domain to 150: the 31 least recently set go.
        fill(&mut jar, "https://example.com/", "c", 1);
        assert_eq!(jar.len(), DOMAIN_KEEP);
        let kept = names(&jar);
        assert!(!kept.contains(&"a30".to_string()) && kept.contains(&"a31".to_string()), "{kept:?}");
        assert!(kept.contains(&"c0".to_string()));
        // Re-setting a cookie makes it recent: it survives the next purge.
        fill(&mut jar, "https://a.example.com/", "a", 32);
        assert!(names(&jar).contains(&"a31".to_string()));
        // Another registrable domain is counted apart.
        fill(&mut jar, "https://other.test/", "o", DOMAIN_MAX);
        assert_eq!(jar.cookies().filter(|c| c.domain == "other.test").count(), DOMAIN_MAX);
    }

    #[test]
    fn domain_cap_evicts_non_secure_before_secure() {
        let mut jar = Jar::new();
        let url = u("https://a.test/");
        for i in 0..DOMAIN_MAX + 1 {
            // The 60 oldest are Secure: the 31 evicted are the oldest non-secure ones.
            let line = if i < 60 { format!("s{i}=v; Secure") } else { format!("n{i}=v") };
            jar.set_line(&line, &Context::first_party(&url, T0)).unwrap();
        }
        assert_eq!(jar.len(), DOMAIN_KEEP);
        assert_eq!(jar.cookies().filter(|c| c.secure).count(), 60);
        let kept = names(&jar);
        assert!(!kept.contains(&"n90".to_string()) && kept.contains(&"n91".to_string()), "{kept:?}");
    }

    #[test]
    fn total_cap_evicts_to_3000_least_recently_set_first() {
        let mut jar = Jar::new();
        // 22 domains × 150 = 3300: at the cap, nothing goes (near miss).
        for d in 0..22 {
            fill(&mut jar, &format!("https://d{d}.test/"), "x", 150);
        }
        assert_eq!(jar.len(), TOTAL_MAX);
        fill(&mut jar, "https://last.test/", "y", 1);
        assert_eq!(jar.len(), TOTAL_KEEP);
        // The oldest 301 were d0's 150, d1's 150 and d2's first.
        assert!(!jar.cookies().any(|c| c.domain == "d0.test" || c.domain == "d1.test"));
        assert_eq!(jar.cookies().filter(|c| c.domain == "d2.test").count(), 149);
        assert!(jar.cookies().any(|c| c.domain == "last.test"));
    }

    #[test]
    fn expired_cookies_are_purged_first_and_indexes_stay_consistent() {
        let mut jar = Jar::new();
        let url = u("https://a.test/");
        jar.set_line("e=1; Max-Age=1", &Context::first_party(&url, T0)).unwrap();
        jar.set_line("k=1", &Context::first_party(&url, T0)).unwrap();
        assert_eq!(jar.len(), 2);
        // Listed until the next store, gone after it.
        jar.set_line("k=2", &Context::first_party(&url, T0 + 5000)).unwrap();
        assert_eq!(names(&jar), ["k"]);
        // A replaced cookie moves to the end of the store order, as before the index.
        jar.set_line("z=1", &Context::first_party(&url, T0 + 5000)).unwrap();
        jar.set_line("k=3", &Context::first_party(&url, T0 + 5000)).unwrap();
        assert_eq!(names(&jar), ["z", "k"]);
        assert_eq!(jar.index.len(), 2);
        assert_eq!(jar.domains.get("a.test").map(BTreeSet::len), Some(2));
        assert!(jar.expiries.is_empty());
    }

    #[test]
    fn probe_answers_what_store_would() {
        // (name, earlier lines set from https://a.test/, the probed line, its URL, http API).
        let cases: &[(&str, &[&str], &str, &str, bool)] = &[
            ("new cookie", &[], "a=1", "https://a.test/", true),
            ("replacement", &["a=1"], "a=2", "https://a.test/", true),
            ("other path is new", &["a=1; Path=/x"], "a=2; Path=/", "https://a.test/", true),
            ("domain vs host-only", &["a=1"], "a=2; Domain=a.test", "https://a.test/", true),
            ("deletion", &["a=1"], "a=; Max-Age=0", "https://a.test/", true),
            ("deletion of nothing", &[], "a=; Max-Age=0", "https://a.test/", true),
            ("lifetime capped", &[], "a=1; Max-Age=99999999999", "https://a.test/", true),
            ("http-only from script", &["a=1; HttpOnly"], "a=2", "https://a.test/", false),
            ("leave secure alone", &["a=1; Secure"], "a=2", "http://a.test/", true),
            ("secure from insecure", &[], "a=1; Secure", "http://a.test/", true),
            ("foreign domain", &[], "a=1; Domain=b.test", "https://a.test/", true),
            ("host prefix", &[], "__Host-a=1; Domain=a.test; Secure", "https://a.test/", true),
        ];
        for (name, earlier, line, url, http_api) in cases {
            let mut jar = Jar::new();
            for e in *earlier {
                set(&mut jar, "https://a.test/", e).unwrap();
            }
            let url = u(url);
            let mut ctx = Context::first_party(&url, T0 + 10);
            ctx.http_api = *http_api;
            let Ok(c) = set_cookie::parse(line) else { continue };
            let probed = jar.probe(&c, &ctx);
            let mut copy = jar.clone();
            assert_eq!(probed, copy.store(&c, &ctx), "{name}");
        }
    }
}
