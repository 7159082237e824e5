//! The input model: HTTP exchanges as a browser (the extension) or a capture (HAR) saw them.
//!
//! Pure data. Nothing here parses a header value or judges it; that is `headers/` and `diagnose/`.
//! Strings are `Cow` so the HAR importer can borrow from the file it read (no per-entry copies),
//! while the wasm binding deserialises into owned values. Every field has a default, so a sparse
//! JSON object from the extension is a valid `Exchange`.

use serde::Deserialize;
use std::borrow::Cow;

/// One header field line, exactly as captured (repeated fields stay separate lines).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Header<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub value: Cow<'a, str>,
}

impl<'a> Header<'a> {
    /// A header from borrowed name and value.
    pub fn new(name: &'a str, value: &'a str) -> Self {
        Header { name: Cow::Borrowed(name), value: Cow::Borrowed(value) }
    }
}

/// The header lines of a request or a response, in wire order.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(transparent)]
pub struct Headers<'a>(#[serde(borrow)] pub Vec<Header<'a>>);

impl<'a> Headers<'a> {
    /// The first value of `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_ref())
    }

    /// Every value of `name` (case-insensitive), in order. Firefox joins repeated `Set-Cookie`
    /// lines with `\n` into one value; callers that care split on newlines themselves.
    pub fn get_all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s str> + 's {
        self.0.iter().filter(move |h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.as_ref())
    }

    /// Whether `name` is present at all.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|h| h.name.eq_ignore_ascii_case(name))
    }

    /// How many lines carry `name`.
    pub fn count(&self, name: &str) -> usize {
        self.0.iter().filter(|h| h.name.eq_ignore_ascii_case(name)).count()
    }

    /// True when there are no header lines at all (a HAR without headers, a failed request).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `Network.CorsErrorStatus` as Chromium reports it (CDP), when the capture has it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct CorsErrorStatus<'a> {
    #[serde(borrow)]
    pub cors_error: Cow<'a, str>,
    #[serde(borrow)]
    pub failed_parameter: Cow<'a, str>,
}

/// A `Set-Cookie` line the browser refused to store (CDP `responseReceivedExtraInfo.blockedCookies`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct BlockedSetCookie<'a> {
    #[serde(borrow)]
    pub cookie_line: Cow<'a, str>,
    pub blocked_reasons: Vec<String>,
}

/// A cookie the browser considered for a request (CDP `requestWillBeSentExtraInfo.associatedCookies`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct AssociatedCookie<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    pub blocked_reasons: Vec<String>,
    #[serde(borrow)]
    pub exemption_reason: Option<Cow<'a, str>>,
}

/// A cookie as the browser's store holds it (`chrome.cookies.Cookie`), snapshotted when a
/// request failed, so the core can say which cookies exist but were not sent.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct JarCookie<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub value: Cow<'a, str>,
    /// As `chrome.cookies` gives it: a leading dot for domain cookies.
    #[serde(borrow)]
    pub domain: Cow<'a, str>,
    pub host_only: bool,
    #[serde(borrow)]
    pub path: Cow<'a, str>,
    pub secure: bool,
    pub http_only: bool,
    /// `no_restriction`, `lax`, `strict` or `unspecified` (chrome.cookies spelling), or the
    /// 6265bis spelling `None`/`Lax`/`Strict`.
    #[serde(borrow)]
    pub same_site: Cow<'a, str>,
    pub session: bool,
    /// Seconds since the epoch.
    pub expiration_date: Option<f64>,
    /// `partitionKey.topLevelSite`, when the cookie is partitioned.
    #[serde(borrow)]
    pub partition_top_level_site: Option<Cow<'a, str>>,
    /// Epoch milliseconds when the cookie was created, where the capture knows it.
    pub creation_ms: Option<f64>,
}

/// What `webRequest.onAuthRequired` reported: a challenge the browser's own auth stack handles.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct AuthRequired<'a> {
    #[serde(borrow)]
    pub scheme: Cow<'a, str>,
    #[serde(borrow)]
    pub realm: Option<Cow<'a, str>>,
    pub is_proxy: bool,
}

/// One HTTP request with its response (or failure), as captured.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Exchange<'a> {
    #[serde(borrow)]
    pub method: Cow<'a, str>,
    #[serde(borrow)]
    pub url: Cow<'a, str>,
    /// 0 when no response was seen (network error, CORS failure without a visible status).
    pub status: u16,
    #[serde(borrow)]
    pub request_headers: Headers<'a>,
    #[serde(borrow)]
    pub response_headers: Headers<'a>,
    /// The client clock (CLOCK) when the request started, epoch milliseconds.
    pub started_ms: Option<f64>,
    /// The top-level page's URL (HAR page title, or the tab's URL).
    #[serde(borrow)]
    pub page_url: Option<Cow<'a, str>>,
    /// The initiating origin or document URL (webRequest `initiator`, HAR `_initiator.url`).
    #[serde(borrow)]
    pub initiator: Option<Cow<'a, str>>,
    /// Request type: `xhr`, `fetch`, `document`/`main_frame`, `sub_frame`, `script`, `image`,
    /// `preflight`, `websocket`, `other` … (webRequest and HAR `_resourceType` spellings).
    #[serde(borrow)]
    pub resource_type: Option<Cow<'a, str>>,
    /// Where a cached response came from: `disk`, `memory`, `service-worker`, or empty.
    #[serde(borrow)]
    pub from_cache: Option<Cow<'a, str>>,
    /// Where a service worker got the response it answered with (HAR
    /// `response._serviceWorkerResponseSource`, CDP `Response.serviceWorkerResponseSource`):
    /// `network`, `http-cache`, `cache-storage` or `fallback-code`. Empty unless the response came
    /// through a service worker.
    #[serde(borrow)]
    pub service_worker_response_source: Option<Cow<'a, str>>,
    /// The browser's network error (`net::ERR_FAILED` …) when the request failed.
    #[serde(borrow)]
    pub error: Option<Cow<'a, str>>,
    /// CDP's CORS verdict, when the capture has it.
    #[serde(borrow)]
    pub cors_error: Option<CorsErrorStatus<'a>>,
    /// CDP's blocked `Set-Cookie` lines.
    #[serde(borrow)]
    pub blocked_set_cookies: Vec<BlockedSetCookie<'a>>,
    /// CDP's per-cookie inclusion verdicts.
    #[serde(borrow)]
    pub associated_cookies: Vec<AssociatedCookie<'a>>,
    /// CDP `siteHasCookieInOtherPartition`.
    pub site_has_cookie_in_other_partition: bool,
    /// Firefox's classification of the request as a third party (webRequest
    /// `urlClassification.thirdParty`: `tracking`, `tracking_social`, `fingerprinting`…); empty
    /// elsewhere.
    #[serde(borrow)]
    pub url_classification: Vec<Cow<'a, str>>,
    /// Where a redirect sent the browser (the resolved `Location`).
    #[serde(borrow)]
    pub redirect_url: Option<Cow<'a, str>>,
    /// Text of the request body (forms, JSON), when captured.
    #[serde(borrow)]
    pub request_body: Option<Cow<'a, str>>,
    /// The response body's text (or its first kilobytes), when captured.
    #[serde(borrow)]
    pub response_body: Option<Cow<'a, str>>,
    /// The response MIME type, when the capture states it apart from the headers.
    #[serde(borrow)]
    pub response_mime: Option<Cow<'a, str>>,
    /// The browser's own HTTP-auth challenge event.
    #[serde(borrow)]
    pub auth_required: Option<AuthRequired<'a>>,
    /// The cookies stored for this URL when the failure was seen (extension only).
    #[serde(borrow)]
    pub jar: Option<Vec<JarCookie<'a>>>,
    /// Whether third-party cookies are blocked in this profile, when known.
    pub third_party_cookies_blocked: Option<bool>,
    /// The server's IP address, when captured.
    #[serde(borrow)]
    pub server_ip: Option<Cow<'a, str>>,
    /// The request headers are the page's provisional ones, before the network stack added
    /// `Cookie` (Chromium HARs without the ExtraInfo headers: no `Host`, no pseudo-header), so a
    /// missing `Cookie` proves nothing. Set by the HAR import.
    pub request_headers_provisional: bool,
    /// A service worker made this request itself (webRequest: `tabId` -1 with the page's site as
    /// initiator), usually forwarding a page's fetch: its headers are whatever the worker's fetch
    /// handler passed on, not what the page's code set.
    pub fetched_by_worker: bool,
}

impl Exchange<'_> {
    /// Whether a service worker answered the page's request (HAR `_fetchedViaServiceWorker`,
    /// `fromCache: "service-worker"`), whether from its cache or from the network.
    pub fn answered_by_worker(&self) -> bool {
        self.from_cache.as_deref().and_then(crate::signals::CacheSource::parse)
            == Some(crate::signals::CacheSource::ServiceWorker)
    }
}

/// Which browser family made the capture; some rules differ (Lax-by-default is Chromium's).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Browser {
    #[default]
    Chromium,
    Firefox,
    Safari,
    Unknown,
}

/// A whole capture: the exchanges in the order they started, plus what is known about the browser.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Capture<'a> {
    #[serde(borrow)]
    pub exchanges: Vec<Exchange<'a>>,
    pub browser: Browser,
    /// Profile-wide third-party cookie blocking, when known.
    pub third_party_cookies_blocked: Option<bool>,
    /// The exporter removed `Cookie`, `Set-Cookie` and `Authorization` from every entry (Chrome's
    /// default "Export HAR (sanitized)"): their absence proves nothing. Set by the HAR import.
    pub credential_headers_removed: bool,
}
