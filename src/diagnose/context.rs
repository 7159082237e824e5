//! The per-exchange context every rule reads: the exchange, its capture and correlation, and
//! the facts several rules need (parsed URLs, origin relation, credentials sent, clocks).
//!
//! Computed once per analysed exchange; rules never re-derive these.

use crate::correlate::Correlation;
use crate::headers::authorization::Credentials;
use crate::headers::cookie::CookiePair;
use crate::headers::date::parse_http_date;
use crate::headers::jwt::{self, Jwt, JwtError};
use crate::headers::www_authenticate::Challenges;
use crate::model::{Browser, Capture, Exchange};
use crate::signals::{self, FetchDest, FetchMode, FetchSite, ResourceType};
use crate::site::{self, Relation};
use std::cell::OnceCell;
use url::Url;

/// A custom key header the request carried (`x-api-key` …), as sent (the value is a secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey<'c> {
    pub name: &'c str,
    pub value: &'c str,
}

/// Which credentials the request actually carried.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CredsSent {
    pub authorization: bool,
    pub cookie: bool,
    pub proxy_authorization: bool,
    /// The first custom key header (`x-api-key` …), by name.
    pub api_key_header: Option<String>,
    /// Whether a `Cookie` header may have been sent although the capture shows none: the request
    /// headers are provisional, missing, or the exporter removed credential headers.
    pub cookie_unknown: bool,
}

impl CredsSent {
    /// `credsSent` of DIAGNOSES.md §0.2: Authorization, Cookie or Proxy-Authorization present.
    pub fn any(&self) -> bool {
        self.authorization || self.cookie || self.proxy_authorization
    }
}

/// Everything a rule needs to judge one exchange.
pub struct Ctx<'c, 'a> {
    pub capture: &'c Capture<'a>,
    pub corr: &'c Correlation,
    pub index: usize,
    pub ex: &'c Exchange<'a>,
    /// The request URL, parsed (None when the capture holds an unparseable URL).
    pub url: Option<Url>,
    /// The top-level page's URL.
    pub page: Option<Url>,
    /// Who initiated the request: `initiator`, else `Origin`, else `Referer`, else the page.
    pub initiator: Option<Url>,
    /// Target vs initiator (schemeful).
    pub relation: Option<Relation>,
    /// Target vs top-level page (third-party context).
    pub top_relation: Option<Relation>,
    pub creds: CredsSent,
    /// The server's `Date`, epoch seconds.
    pub server_date: Option<i64>,
    /// The client clock when the request started, epoch seconds.
    pub clock: Option<i64>,
    /// The capture's resource type, resolved from its spelling.
    pub resource: Option<ResourceType>,
    /// `Sec-Fetch-Mode`, `Sec-Fetch-Dest` and `Sec-Fetch-Site`, when sent.
    pub mode: Option<FetchMode>,
    pub dest: Option<FetchDest>,
    pub site: Option<FetchSite>,
    /// The `Authorization` credential, parsed once (`None` when absent or blank).
    pub auth: Option<Credentials<'c>>,
    /// The `Cookie` pairs the request carried, in order.
    pub sent_cookies: Vec<CookiePair<'c>>,
    /// The response's `WWW-Authenticate` challenges, parsed once.
    pub challenges: Challenges<'c>,
    /// The response's `Proxy-Authenticate` challenges (RFC 9110 §11.7.1), parsed once.
    pub proxy_challenges: Challenges<'c>,
    /// Every custom key header sent (`x-api-key` …), in order, blank ones too (they show what
    /// the page tried); `creds.api_key_header` is the first non-blank one.
    pub api_keys: Vec<ApiKey<'c>>,
    /// The `Authorization` JWT, decoded on first use ([`Ctx::auth_jwt`]).
    auth_jwt: OnceCell<Option<Result<Jwt, JwtError>>>,
}

impl<'c, 'a> Ctx<'c, 'a> {
    /// Up to `n` earlier exchanges for the same URL, nearest first (the correlation list is in
    /// capture order, so a binary search keeps this O(log n + n) even for huge captures).
    pub fn same_url_before(&self, n: usize) -> impl Iterator<Item = usize> + 'c {
        let list = self.corr.same_url(&self.ex.url);
        let cut = list.partition_point(|&i| i < self.index);
        list.get(..cut).unwrap_or(&[]).iter().rev().take(n).copied()
    }

    /// Up to `n` later exchanges for the same URL, nearest first.
    pub fn same_url_after(&self, n: usize) -> impl Iterator<Item = usize> + 'c {
        let list = self.corr.same_url(&self.ex.url);
        let cut = list.partition_point(|&i| i <= self.index);
        list.get(cut..).unwrap_or(&[]).iter().take(n).copied()
    }

    /// Builds the context for exchange `index` (which must exist).
    pub fn new(capture: &'c Capture<'a>, corr: &'c Correlation, index: usize, ex: &'c Exchange<'a>) -> Self {
        let url = Url::parse(&ex.url).ok();
        // Pages and initiators repeat across a capture: parsed through the correlation's memory.
        let page = ex.page_url.as_deref().and_then(|p| corr.parse_url(p));
        let rq = &ex.request_headers;
        let initiator = ex
            .initiator
            .as_deref()
            .and_then(|s| corr.parse_url(s))
            .or_else(|| rq.get("origin").filter(|o| *o != "null").and_then(|o| corr.parse_url(o.trim())))
            .or_else(|| rq.get("referer").and_then(|r| corr.parse_url(r.trim())))
            .or_else(|| page.clone());
        let relation = match (&initiator, &url) {
            (Some(i), Some(u)) => Some(site::relation(i, u)),
            _ => None,
        };
        let top_relation = match (&page, &url) {
            (Some(p), Some(u)) => Some(site::relation(p, u)),
            _ => None,
        };
        let api_keys: Vec<ApiKey<'c>> =
            rq.0.iter()
                .filter(|h| signals::is_api_key_header(&h.name))
                .map(|h| ApiKey { name: &h.name, value: &h.value })
                .collect();
        let api_key_header = api_keys.iter().find(|k| !k.value.trim().is_empty()).map(|k| k.name.to_ascii_lowercase());
        let creds = CredsSent {
            authorization: rq.sends_authorization(),
            cookie: rq.sends_cookie(),
            proxy_authorization: rq.proxy_authorization().is_some(),
            api_key_header,
            cookie_unknown: ex.request_headers_provisional || rq.is_empty() || capture.credential_headers_removed,
        };
        let server_date = ex.response_headers.get("date").and_then(parse_http_date);
        let clock = ex.started_ms.filter(|m| m.is_finite()).map(|m| (m / 1000.0).floor() as i64);
        Ctx {
            capture,
            corr,
            index,
            ex,
            url,
            page,
            initiator,
            relation,
            top_relation,
            creds,
            server_date,
            clock,
            resource: ResourceType::of(ex),
            mode: rq.get("sec-fetch-mode").map(FetchMode::parse),
            dest: rq.get("sec-fetch-dest").map(FetchDest::parse),
            site: rq.get("sec-fetch-site").map(FetchSite::parse),
            auth: rq.credentials(),
            sent_cookies: rq.cookie_pairs(),
            challenges: ex.response_headers.challenges(),
            proxy_challenges: ex.response_headers.proxy_challenges(),
            api_keys,
            auth_jwt: OnceCell::new(),
        }
    }

    /// The `Authorization` credential decoded as a JWT (never verified) when it looks like one:
    /// decoded once, on first use, for every rule and view that reads its claims.
    pub(crate) fn auth_jwt(&self) -> Option<&Result<Jwt, JwtError>> {
        self.auth_jwt
            .get_or_init(|| self.auth.as_ref().filter(|c| c.looks_like_jwt()).map(|c| jwt::decode(c.token)))
            .as_ref()
    }

    /// The browser family of the capture.
    pub fn browser(&self) -> Browser {
        self.capture.browser
    }

    /// The server's idea of "now" when it answered, falling back to the client clock.
    pub fn server_now(&self) -> Option<i64> {
        self.server_date.or(self.clock)
    }

    /// The raw `Authorization` value, if any (for evidence and equality; rules judge `auth`).
    pub fn authorization(&self) -> Option<&'c str> {
        self.ex.request_headers.authorization()
    }

    /// Whether this is a script-initiated API call (fetch/XHR) rather than a navigation or a
    /// subresource.
    pub fn is_api_call(&self) -> bool {
        signals::is_api_call(self.ex)
    }

    /// Whether this is a top-level navigation.
    pub fn is_navigation(&self) -> bool {
        self.resource == Some(ResourceType::Document)
            || self.mode == Some(FetchMode::Navigate) && self.dest == Some(FetchDest::Document)
    }

    /// Whether the request crossed origins (needs CORS when made by script).
    pub fn is_cross_origin(&self) -> bool {
        matches!(self.relation, Some(Relation::SameSite | Relation::SchemefulCrossSite | Relation::CrossSite))
            || self.site.is_some_and(FetchSite::crosses_origin)
    }

    /// Exchanges before this one in the capture, nearest first.
    pub fn earlier(&self) -> impl Iterator<Item = (usize, &'c Exchange<'a>)> {
        self.capture.exchanges.get(..self.index).unwrap_or(&[]).iter().enumerate().rev()
    }

    /// The CORS preflight of this request, if captured.
    pub fn preflight(&self) -> Option<(usize, &'c Exchange<'a>)> {
        let i = (*self.corr.preflight.get(self.index)?)?;
        Some((i, self.capture.exchanges.get(i)?))
    }

    /// The redirect hops that led here, earliest first (excluding this exchange).
    pub fn redirect_hops(&self) -> Vec<(usize, &'c Exchange<'a>)> {
        let mut chain = self.corr.redirect_chain(self.index);
        chain.pop();
        chain.into_iter().filter_map(|i| Some((i, self.capture.exchanges.get(i)?))).collect()
    }
}
