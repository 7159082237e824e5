//! The CORS request and response headers (WHATWG Fetch), and the Fetch CORS algorithms as pure
//! functions: the CORS check (#cors-check), the CORS-preflight checks (#cors-preflight-fetch-0),
//! CORS-safelisted request and response headers, and the redirect steps that taint the origin or
//! forbid credentials in a `Location`.
//!
//! Parsers here never judge: they return typed values plus `notes` of what a browser would drop
//! or mis-read. `diagnose::cors` decides what is a finding. Values are compared byte-exactly as
//! Fetch does (after stripping leading and trailing HTTP whitespace, which every browser does
//! when it stores a header value). Captures from CDP join repeated header lines with `\n`; every
//! accessor splits them back into lines.

use crate::model::Headers;
use std::borrow::Cow;

/// HTTP whitespace (Fetch): tab, LF, CR, space.
fn is_http_ws(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' ')
}

/// A header value as a browser stores it: leading and trailing HTTP whitespace removed.
pub fn normalize(v: &str) -> &str {
    v.trim_matches(is_http_ws)
}

/// Every field line of `name`, normalized, with CDP's `\n`-joined lines split apart.
pub fn field_lines<'h>(headers: &'h Headers<'_>, name: &'h str) -> impl Iterator<Item = &'h str> + 'h {
    headers.get_all(name).flat_map(|v| v.split('\n')).map(normalize)
}

/// Fetch "get" of a header: `None` when absent, else every line joined with `, `.
pub fn get_combined<'h>(headers: &'h Headers<'_>, name: &'h str) -> Option<Cow<'h, str>> {
    let mut it = field_lines(headers, name);
    let first = it.next()?;
    match it.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut s = String::with_capacity(first.len() + second.len() + 2);
            s.push_str(first);
            s.push_str(", ");
            s.push_str(second);
            for more in it {
                s.push_str(", ");
                s.push_str(more);
            }
            Some(Cow::Owned(s))
        }
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 9110 `token` (non-empty, tchar only).
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

// ───────────────────────────── request side ─────────────────────────────

/// The request's `Origin` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestOrigin<'a> {
    /// No `Origin` header (same-origin GET, navigation, or a capture without it).
    Absent,
    /// `Origin: null`: an opaque origin (sandboxed iframe, `file:`/`data:` document) or an origin
    /// tainted by a cross-origin redirect.
    Null,
    /// A serialized origin (`https://app.example.com`), as sent.
    Origin(&'a str),
    /// Something that is not a serialized origin (a capture artefact or a hand-built request).
    Invalid(&'a str),
}

impl<'a> RequestOrigin<'a> {
    /// The byte-serialization Fetch compares `Access-Control-Allow-Origin` with.
    pub fn serialized(&self) -> Option<&'a str> {
        match self {
            RequestOrigin::Null => Some("null"),
            RequestOrigin::Origin(s) => Some(s),
            _ => None,
        }
    }
}

/// The common shape `http(s)://lower-case.host[:port]`, checked without a URL parse: `Some`
/// when the answer is certain, `None` when only the full parser can tell.
fn serialized_origin_fast(v: &str) -> Option<bool> {
    let (scheme, rest) = v.split_once("://")?;
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    if let Some(p) = port {
        if p.is_empty()
            || p.len() > 5
            || !p.bytes().all(|b| b.is_ascii_digit())
            || p == default_port
            || p.starts_with('0')
        {
            return None;
        }
    }
    let labels_ok = !host.is_empty()
        && host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    // A last label of digits only may be an IPv4 address in a non-canonical spelling.
    let last_alpha = host.rsplit('.').next().is_some_and(|l| l.bytes().any(|b| b.is_ascii_lowercase()));
    let punycode = host.contains("xn--");
    (labels_ok && last_alpha && !punycode).then_some(true)
}

/// Whether `v` is exactly the ASCII serialization of a tuple origin (`scheme://host[:port]`).
pub fn is_serialized_origin(v: &str) -> bool {
    if let Some(answer) = serialized_origin_fast(v) {
        return answer;
    }
    match url::Url::parse(v) {
        Ok(u) => {
            let o = u.origin();
            o.is_tuple() && o.ascii_serialization() == v
        }
        Err(_) => false,
    }
}

/// Parses the request's `Origin`.
pub fn request_origin<'a>(headers: &'a Headers<'_>) -> RequestOrigin<'a> {
    match field_lines(headers, "origin").next() {
        None => RequestOrigin::Absent,
        Some("null") => RequestOrigin::Null,
        Some(v) if is_serialized_origin(v) => RequestOrigin::Origin(v),
        Some(v) => RequestOrigin::Invalid(v),
    }
}

/// `Access-Control-Request-Method` of a preflight.
pub fn request_method<'a>(headers: &'a Headers<'_>) -> Option<&'a str> {
    field_lines(headers, "access-control-request-method").next().filter(|m| !m.is_empty())
}

/// `Access-Control-Request-Headers` of a preflight: lowercase names as the browser listed them.
pub fn request_header_names(headers: &Headers<'_>) -> Option<Vec<String>> {
    let v = get_combined(headers, "access-control-request-headers")?;
    Some(v.split(',').map(|s| s.trim_matches(is_http_ws).to_ascii_lowercase()).filter(|s| !s.is_empty()).collect())
}

/// The request's credentials mode (Fetch `credentials`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialsMode {
    Omit,
    SameOrigin,
    Include,
}

/// Whether a request in `mode` carries cookies and HTTP auth (Fetch "includeCredentials").
pub fn includes_credentials(mode: CredentialsMode, same_origin: bool) -> bool {
    match mode {
        CredentialsMode::Include => true,
        CredentialsMode::SameOrigin => same_origin,
        CredentialsMode::Omit => false,
    }
}

/// A CORS-safelisted method: `GET`, `HEAD` or `POST` (byte-exact; `fetch` upper-cases these).
pub fn is_cors_safelisted_method(m: &str) -> bool {
    matches!(m, "GET" | "HEAD" | "POST")
}

/// A CORS non-wildcard request-header name: only `Authorization`, which `*` never covers.
pub fn is_cors_non_wildcard_request_header_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization")
}

/// Fetch "CORS-unsafe request-header byte".
fn is_cors_unsafe_byte(b: u8) -> bool {
    (b < 0x20 && b != 0x09) || b"\"():<>?@[\\]{}\x7f".contains(&b)
}

/// A forbidden request-header (Fetch #forbidden-request-header): set by the browser, never by
/// script, so it never needs a preflight.
pub fn is_forbidden_request_header(name: &str) -> bool {
    const FORBIDDEN: &[&str] = &[
        "accept-charset",
        "accept-encoding",
        "access-control-request-headers",
        "access-control-request-method",
        "connection",
        "content-length",
        "cookie",
        "cookie2",
        "date",
        "dnt",
        "expect",
        "host",
        "keep-alive",
        "origin",
        "referer",
        "set-cookie",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "via",
    ];
    let lower = name.to_ascii_lowercase();
    FORBIDDEN.contains(&lower.as_str()) || lower.starts_with("proxy-") || lower.starts_with("sec-")
}

/// Headers that show up in captures but were added by the browser or its cache, not by the
/// page's script (HTTP/2 pseudo-headers, `User-Agent`, conditional headers of a revalidation,
/// DevTools' "Disable cache" pair). They do not make a request need a preflight.
pub fn is_browser_added_request_header(name: &str) -> bool {
    const ADDED: &[&str] = &[
        "user-agent",
        "priority",
        "cache-control",
        "pragma",
        "if-none-match",
        "if-modified-since",
        "x-client-data",
        "upgrade-insecure-requests",
        "purpose",
        "x-purpose",
    ];
    name.starts_with(':') || is_forbidden_request_header(name) || ADDED.iter().any(|a| name.eq_ignore_ascii_case(a))
}

/// Whether a MIME type string parses (WHATWG MIME Sniffing "parse a MIME type") and its essence
/// is one of the three CORS-safelisted Content-Types.
fn is_safelisted_content_type(v: &str) -> bool {
    let v = v.trim_matches(is_http_ws);
    let Some((ty, rest)) = v.split_once('/') else {
        return false;
    };
    if !is_token(ty) {
        return false;
    }
    let subtype = rest.split(';').next().unwrap_or("").trim_end_matches(is_http_ws);
    if !is_token(subtype) {
        return false;
    }
    let essence_ok = [("application", "x-www-form-urlencoded"), ("multipart", "form-data"), ("text", "plain")]
        .iter()
        .any(|(t, s)| ty.eq_ignore_ascii_case(t) && subtype.eq_ignore_ascii_case(s));
    // Parameters that do not parse are skipped by the MIME parser; only bytes matter here and
    // they were checked by the caller.
    essence_ok
}

/// Fetch "simple range header value" (`bytes=N-` or `bytes=N-M`).
fn is_simple_range(v: &str) -> bool {
    let Some(rest) = v.strip_prefix("bytes=") else {
        return false;
    };
    let Some((a, b)) = rest.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !(b.is_empty() || digits(b)) {
        return false;
    }
    match (a.parse::<u128>(), b.parse::<u128>()) {
        (Ok(x), Ok(y)) => x <= y,
        (Ok(_), Err(_)) => b.is_empty(),
        _ => false,
    }
}

/// Fetch "CORS-safelisted request-header" for one `(name, value)`.
pub fn is_cors_safelisted_request_header(name: &str, value: &str) -> bool {
    if value.len() > 128 {
        return false;
    }
    let lname = name.to_ascii_lowercase();
    match lname.as_str() {
        "accept" => !value.bytes().any(is_cors_unsafe_byte),
        "accept-language" | "content-language" => {
            value.bytes().all(|b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b))
        }
        "content-type" => !value.bytes().any(is_cors_unsafe_byte) && is_safelisted_content_type(value),
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// Fetch "CORS-unsafe request-header names": lowercase, sorted, deduplicated. `headers` are the
/// headers the script set (see [`author_request_headers`]).
pub fn cors_unsafe_request_header_names<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut safelisted = Vec::new();
    let mut safelisted_bytes = 0usize;
    for (n, v) in headers {
        if is_cors_safelisted_request_header(n, v) {
            safelisted_bytes = safelisted_bytes.saturating_add(v.len());
            safelisted.push(n.to_ascii_lowercase());
        } else {
            unsafe_names.push(n.to_ascii_lowercase());
        }
    }
    if safelisted_bytes > 1024 {
        unsafe_names.extend(safelisted);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// The captured request headers a script could have set (browser-added ones left out).
pub fn author_request_headers<'h>(headers: &'h Headers<'_>) -> impl Iterator<Item = (&'h str, &'h str)> + 'h {
    headers
        .0
        .iter()
        .filter(|h| !is_browser_added_request_header(&h.name))
        .map(|h| (h.name.as_ref(), normalize(&h.value)))
}

/// Whether a cross-origin request with `method` and these script-set headers needs a preflight.
pub fn needs_preflight<'a>(method: &str, headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    !is_cors_safelisted_method(method) || !cors_unsafe_request_header_names(headers).is_empty()
}

// ───────────────────────────── response side ─────────────────────────────

/// What `Access-Control-Allow-Origin` holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowOrigin {
    Absent,
    /// `*`.
    Wildcard,
    /// `null`.
    Null,
    /// Exactly a serialized origin.
    Origin(String),
    /// Parses as a URL but is not an origin's serialization (trailing slash, path, upper case,
    /// default port…): it can never match. `canonical` is the origin it seems to mean.
    UrlLike {
        value: String,
        canonical: String,
    },
    /// Several values: repeated field lines, or a list in one line.
    Multiple(Vec<String>),
    /// Neither `*`, `null` nor a URL (a pattern such as `https://*.example.com`, junk).
    Invalid(String),
}

/// Things about an `Access-Control-Allow-Origin` value a browser would not accept as meant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowOriginNote {
    /// The header appears on more than one line (two layers each add it).
    RepeatedField,
    /// A comma- or space-separated list in one value.
    ListInValue,
    /// A trailing `/` or a path after the origin.
    HasPath,
    /// A query or a fragment.
    HasQueryOrFragment,
    /// Upper-case scheme or host.
    NotLowercase,
    /// The scheme's default port written out (`:443`).
    DefaultPort,
    /// A `*` pattern inside an origin.
    WildcardPattern,
    /// Control or other bytes that cannot appear in an origin.
    BadBytes,
}

/// The parsed `Access-Control-Allow-Origin` of a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowOriginField {
    pub value: AllowOrigin,
    /// What Fetch compares: all lines joined with `, `.
    pub combined: Option<String>,
    pub notes: Vec<AllowOriginNote>,
}

fn classify_single_origin(v: &str, notes: &mut Vec<AllowOriginNote>) -> AllowOrigin {
    if v == "*" {
        return AllowOrigin::Wildcard;
    }
    if v == "null" {
        return AllowOrigin::Null;
    }
    if v.bytes().any(|b| b < 0x21 || b == 0x7f) {
        if v.bytes().any(|b| b == b' ' || b == b'\t') {
            notes.push(AllowOriginNote::ListInValue);
            return AllowOrigin::Multiple(v.split([' ', '\t']).filter(|s| !s.is_empty()).map(str::to_string).collect());
        }
        notes.push(AllowOriginNote::BadBytes);
        return AllowOrigin::Invalid(v.to_string());
    }
    if v.contains('*') {
        notes.push(AllowOriginNote::WildcardPattern);
        return AllowOrigin::Invalid(v.to_string());
    }
    if is_serialized_origin(v) {
        return AllowOrigin::Origin(v.to_string());
    }
    match url::Url::parse(v) {
        Ok(u) if u.origin().is_tuple() && v.contains("://") => {
            let canonical = u.origin().ascii_serialization();
            let lower = v.to_ascii_lowercase();
            if lower != v && (lower == canonical || lower.starts_with(&format!("{canonical}/"))) {
                notes.push(AllowOriginNote::NotLowercase);
            }
            if u.query().is_some() || u.fragment().is_some() || v.ends_with('?') || v.ends_with('#') {
                notes.push(AllowOriginNote::HasQueryOrFragment);
            }
            let after_authority = v.split_once("://").map(|(_, r)| r).unwrap_or("");
            if after_authority.contains('/') {
                notes.push(AllowOriginNote::HasPath);
            }
            let host_part = after_authority.split(['/', '?', '#']).next().unwrap_or("");
            if u.port().is_none()
                && host_part
                    .rsplit_once(':')
                    .is_some_and(|(_, p)| p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty())
            {
                notes.push(AllowOriginNote::DefaultPort);
            }
            AllowOrigin::UrlLike { value: v.to_string(), canonical }
        }
        _ => AllowOrigin::Invalid(v.to_string()),
    }
}

/// Parses `Access-Control-Allow-Origin`.
pub fn allow_origin(headers: &Headers<'_>) -> AllowOriginField {
    let lines: Vec<&str> = field_lines(headers, "access-control-allow-origin").collect();
    let mut notes = Vec::new();
    let value = match lines.as_slice() {
        [] => AllowOrigin::Absent,
        [one] => {
            if one.contains(',') {
                notes.push(AllowOriginNote::ListInValue);
                AllowOrigin::Multiple(one.split(',').map(|s| normalize(s).to_string()).collect())
            } else {
                classify_single_origin(one, &mut notes)
            }
        }
        many => {
            notes.push(AllowOriginNote::RepeatedField);
            AllowOrigin::Multiple(many.iter().map(|s| s.to_string()).collect())
        }
    };
    let combined = get_combined(headers, "access-control-allow-origin").map(Cow::into_owned);
    AllowOriginField { value, combined, notes }
}

/// `Access-Control-Allow-Credentials`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllowCredentials {
    Absent,
    /// Exactly `true`.
    True,
    /// Anything else (`True`, `1`, `true, true`…): a browser treats it as absent.
    Other(String),
}

/// Parses `Access-Control-Allow-Credentials` (the combined value must be byte-exactly `true`).
pub fn allow_credentials(headers: &Headers<'_>) -> AllowCredentials {
    match get_combined(headers, "access-control-allow-credentials") {
        None => AllowCredentials::Absent,
        Some(v) if v == "true" => AllowCredentials::True,
        Some(v) => AllowCredentials::Other(v.into_owned()),
    }
}

/// Fetch "extract header list values" for a `#token` header (`Access-Control-Allow-Methods`,
/// `-Allow-Headers`, `-Expose-Headers`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenList {
    Absent,
    /// A line did not parse; a browser drops the whole header. `bad` is the first bad item.
    Failure {
        bad: String,
    },
    /// The items, as sent (empty list elements dropped).
    Items(Vec<String>),
}

impl TokenList {
    /// Whether the list holds `item`, case-insensitively (header names).
    pub fn contains_ci(&self, item: &str) -> bool {
        matches!(self, TokenList::Items(v) if v.iter().any(|x| x.eq_ignore_ascii_case(item)))
    }

    /// Whether the list holds `item` byte-exactly (methods).
    pub fn contains_exact(&self, item: &str) -> bool {
        matches!(self, TokenList::Items(v) if v.iter().any(|x| x == item))
    }

    /// Whether the list holds the wildcard `*`.
    pub fn has_wildcard(&self) -> bool {
        self.contains_exact("*")
    }

    /// The items, empty when absent or failed.
    pub fn items(&self) -> &[String] {
        match self {
            TokenList::Items(v) => v,
            _ => &[],
        }
    }
}

/// Parses one `#token` header (see [`TokenList`]).
pub fn token_list(headers: &Headers<'_>, name: &str) -> TokenList {
    let mut any = false;
    let mut items = Vec::new();
    for line in field_lines(headers, name) {
        any = true;
        for item in line.split(',') {
            let item = item.trim_matches([' ', '\t']);
            if item.is_empty() {
                continue;
            }
            if !is_token(item) {
                return TokenList::Failure { bad: item.to_string() };
            }
            items.push(item.to_string());
        }
    }
    if any { TokenList::Items(items) } else { TokenList::Absent }
}

/// `Access-Control-Max-Age` in seconds; `None` when absent or not a delta-seconds value.
pub fn max_age(headers: &Headers<'_>) -> Option<u64> {
    let v = get_combined(headers, "access-control-max-age")?;
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(v.parse::<u64>().unwrap_or(u64::MAX))
}

/// Fetch "forbidden response-header name": never exposed to script.
pub fn is_forbidden_response_header_name(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

/// Fetch "CORS-safelisted response-header name" without any exposure list.
pub fn is_cors_safelisted_response_header_name(name: &str) -> bool {
    const SAFE: &[&str] =
        &["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"];
    SAFE.iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// Which response headers script can read on a CORS response (main fetch, CORS-filtered response).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// `Access-Control-Expose-Headers`, parsed.
    pub list: TokenList,
    /// `*` counted as "everything" (only without credentials).
    pub all: bool,
}

impl Exposure {
    /// Computes the exposure of a response to a request whose credentials mode is `mode`.
    pub fn of(headers: &Headers<'_>, mode: CredentialsMode) -> Exposure {
        let list = token_list(headers, "access-control-expose-headers");
        let all = mode != CredentialsMode::Include && list.has_wildcard();
        Exposure { list, all }
    }

    /// Whether script can read header `name`.
    pub fn visible(&self, name: &str) -> bool {
        if is_cors_safelisted_response_header_name(name) {
            return true;
        }
        if is_forbidden_response_header_name(name) {
            return false;
        }
        self.all || self.list.contains_ci(name)
    }
}

// ───────────────────────────── the checks ─────────────────────────────

/// Why the CORS check failed, in Chromium's classification (`network::mojom::CorsError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsFailure {
    /// No `Access-Control-Allow-Origin`.
    MissingAllowOrigin,
    /// `*` while the credentials mode is `include`.
    WildcardWithCredentials,
    /// Several values.
    MultipleAllowOrigin,
    /// A value that is not `*`, `null` or a URL.
    InvalidAllowOrigin,
    /// A single value that is not the request's origin.
    AllowOriginMismatch,
    /// Credentialed, and `Access-Control-Allow-Credentials` is not exactly `true`.
    InvalidAllowCredentials,
}

/// Fetch #cors-check, for a request whose serialized origin is `origin` (`null` included).
pub fn cors_check(
    origin: &str,
    mode: CredentialsMode,
    acao: &AllowOriginField,
    acac: &AllowCredentials,
) -> Result<(), CorsFailure> {
    let Some(value) = acao.combined.as_deref() else {
        return Err(CorsFailure::MissingAllowOrigin);
    };
    if mode != CredentialsMode::Include && value == "*" {
        return Ok(());
    }
    if value != origin {
        return Err(match &acao.value {
            AllowOrigin::Wildcard => CorsFailure::WildcardWithCredentials,
            AllowOrigin::Multiple(_) => CorsFailure::MultipleAllowOrigin,
            AllowOrigin::Invalid(_) => CorsFailure::InvalidAllowOrigin,
            _ => CorsFailure::AllowOriginMismatch,
        });
    }
    if mode != CredentialsMode::Include {
        return Ok(());
    }
    match acac {
        AllowCredentials::True => Ok(()),
        _ => Err(CorsFailure::InvalidAllowCredentials),
    }
}

/// Convenience: the CORS check straight from response headers.
pub fn cors_check_headers(origin: &str, mode: CredentialsMode, headers: &Headers<'_>) -> Result<(), CorsFailure> {
    cors_check(origin, mode, &allow_origin(headers), &allow_credentials(headers))
}

/// How `Access-Control-Allow-Headers: *` is treated for `Authorization`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthorizationWildcard {
    /// Fetch: `*` never covers `Authorization`.
    Spec,
    /// Chromium (measured, 156): without credentials `*` lets `Authorization` through.
    ChromiumLenient,
}

/// The actual request a preflight was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightRequest<'a> {
    pub method: &'a str,
    /// CORS-unsafe request-header names, lowercase.
    pub unsafe_headers: &'a [String],
    pub mode: CredentialsMode,
    /// The request's serialized origin (`null` included).
    pub origin: &'a str,
    pub authorization_wildcard: AuthorizationWildcard,
}

/// Why a preflight failed (Fetch #cors-preflight-fetch-0, in Chromium's order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreflightFailure {
    /// The preflight was answered with a redirect, which is never followed.
    Redirected(u16),
    /// The preflight's own CORS check failed.
    Cors(CorsFailure),
    /// Not an ok status (2xx); 0 when no response arrived.
    NotOk(u16),
    AllowMethodsUnparseable(String),
    AllowHeadersUnparseable(String),
    /// `wildcard_ignored`: the list had `*`, which did not count (credentials).
    MethodNotAllowed {
        method: String,
        wildcard_ignored: bool,
    },
    /// `wildcard_ignored`: the list had `*`, which did not count (credentials, or `Authorization`).
    HeaderNotAllowed {
        name: String,
        wildcard_ignored: bool,
    },
}

/// What a successful preflight allows, for the view and for cache reasoning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreflightOk {
    /// `Authorization` passed only because `*` was accepted leniently.
    pub authorization_by_wildcard: bool,
    /// Seconds the result may be cached (`Access-Control-Max-Age`, default 5).
    pub max_age: u64,
}

/// Fetch #cors-preflight-fetch-0 steps 6–7 on a captured preflight response.
pub fn check_preflight(
    req: &PreflightRequest<'_>,
    status: u16,
    headers: &Headers<'_>,
) -> Result<PreflightOk, PreflightFailure> {
    if (300..400).contains(&status) {
        return Err(PreflightFailure::Redirected(status));
    }
    if status == 0 {
        return Err(PreflightFailure::NotOk(0));
    }
    cors_check_headers(req.origin, req.mode, headers).map_err(PreflightFailure::Cors)?;
    if !(200..300).contains(&status) {
        return Err(PreflightFailure::NotOk(status));
    }
    let methods = token_list(headers, "access-control-allow-methods");
    if let TokenList::Failure { bad } = &methods {
        return Err(PreflightFailure::AllowMethodsUnparseable(bad.clone()));
    }
    let names = token_list(headers, "access-control-allow-headers");
    if let TokenList::Failure { bad } = &names {
        return Err(PreflightFailure::AllowHeadersUnparseable(bad.clone()));
    }
    let credentialed = req.mode == CredentialsMode::Include;
    // Step 3 (a null list counts as the request's method) only applies to preflights forced by
    // the use-CORS-preflight flag; a captured preflight for PUT without a list fails.
    let method_ok = is_cors_safelisted_method(req.method)
        || methods.contains_exact(req.method)
        || (!credentialed && methods.has_wildcard());
    if !method_ok {
        return Err(PreflightFailure::MethodNotAllowed {
            method: req.method.to_string(),
            wildcard_ignored: methods.has_wildcard(),
        });
    }
    let mut authorization_by_wildcard = false;
    for name in req.unsafe_headers {
        if names.contains_ci(name) {
            continue;
        }
        let star = names.has_wildcard();
        if is_cors_non_wildcard_request_header_name(name) {
            if star && !credentialed && req.authorization_wildcard == AuthorizationWildcard::ChromiumLenient {
                authorization_by_wildcard = true;
                continue;
            }
            return Err(PreflightFailure::HeaderNotAllowed { name: name.clone(), wildcard_ignored: star });
        }
        if star && !credentialed {
            continue;
        }
        return Err(PreflightFailure::HeaderNotAllowed { name: name.clone(), wildcard_ignored: star });
    }
    Ok(PreflightOk { authorization_by_wildcard, max_age: max_age(headers).unwrap_or(5) })
}

// ───────────────────────────── redirects ─────────────────────────────

/// Fetch #http-redirect-fetch: whether following `current → location` sets the request's
/// tainted-origin flag (its `Origin` becomes `null`): the hop changes origin and the request's
/// origin is not the origin it is leaving.
pub fn redirect_taints_origin(request_origin: &url::Origin, current: &url::Url, location: &url::Url) -> bool {
    location.origin() != current.origin() && *request_origin != current.origin()
}

/// Whether a URL carries `user:pass@` (Fetch "includes credentials").
pub fn url_includes_credentials(u: &url::Url) -> bool {
    !u.username().is_empty() || u.password().is_some()
}

/// Fetch #http-redirect-fetch steps 7–8: whether a CORS redirect to `location` is a network
/// error because the URL holds credentials. `tainting_cors` is the response tainting so far.
pub fn redirect_credentials_blocked(request_origin: &url::Origin, tainting_cors: bool, location: &url::Url) -> bool {
    url_includes_credentials(location) && (*request_origin != location.origin() || tainting_cors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Header;

    fn hs(pairs: &[(&'static str, &'static str)]) -> Headers<'static> {
        Headers(pairs.iter().map(|(n, v)| Header::new(n, v)).collect())
    }

    const O: &str = "https://app.example.com";
    type Hdrs = &'static [(&'static str, &'static str)];
    type CheckCase = (&'static str, Hdrs, CredentialsMode, Result<(), CorsFailure>);
    type ListCase = (&'static str, Hdrs, TokenList);

    #[test]
    fn cors_check_table() {
        use CorsFailure::*;
        use CredentialsMode::*;
        let cases: &[CheckCase] = &[
            ("exact origin", &[("Access-Control-Allow-Origin", O)], Omit, Ok(())),
            ("wildcard without credentials", &[("access-control-allow-origin", " * ")], Omit, Ok(())),
            (
                "wildcard with credentials",
                &[("access-control-allow-origin", "*")],
                Include,
                Err(WildcardWithCredentials),
            ),
            ("missing", &[], Omit, Err(MissingAllowOrigin)),
            (
                "trailing slash",
                &[("access-control-allow-origin", "https://app.example.com/")],
                Omit,
                Err(AllowOriginMismatch),
            ),
            ("other origin", &[("access-control-allow-origin", "https://evil.test")], Omit, Err(AllowOriginMismatch)),
            (
                "two lines",
                &[("access-control-allow-origin", O), ("access-control-allow-origin", O)],
                Omit,
                Err(MultipleAllowOrigin),
            ),
            (
                "cdp joined lines",
                &[("access-control-allow-origin", "https://app.example.com\nhttps://app.example.com")],
                Omit,
                Err(MultipleAllowOrigin),
            ),
            (
                "list",
                &[("access-control-allow-origin", "https://a.test, https://app.example.com")],
                Omit,
                Err(MultipleAllowOrigin),
            ),
            ("pattern", &[("access-control-allow-origin", "https://*.example.com")], Omit, Err(InvalidAllowOrigin)),
            (
                "credentials ok",
                &[("access-control-allow-origin", O), ("access-control-allow-credentials", "true")],
                Include,
                Ok(()),
            ),
            (
                "credentials True",
                &[("access-control-allow-origin", O), ("access-control-allow-credentials", "True")],
                Include,
                Err(InvalidAllowCredentials),
            ),
            ("credentials missing", &[("access-control-allow-origin", O)], Include, Err(InvalidAllowCredentials)),
            (
                "credentials ignored when omitted",
                &[("access-control-allow-origin", O), ("access-control-allow-credentials", "1")],
                Omit,
                Ok(()),
            ),
        ];
        for (name, h, mode, want) in cases {
            assert_eq!(&cors_check_headers(O, *mode, &hs(h)), want, "{name}");
        }
    }

    #[test]
    fn allow_origin_notes() {
        let f = allow_origin(&hs(&[("Access-Control-Allow-Origin", "HTTPS://APP.example.com/")]));
        assert!(matches!(f.value, AllowOrigin::UrlLike { ref canonical, .. } if canonical == O), "{f:?}");
        assert!(f.notes.contains(&AllowOriginNote::HasPath));
        let f = allow_origin(&hs(&[("Access-Control-Allow-Origin", "https://app.example.com:443")]));
        assert!(f.notes.contains(&AllowOriginNote::DefaultPort), "{f:?}");
        let f = allow_origin(&hs(&[("Access-Control-Allow-Origin", "https://*.example.com")]));
        assert!(f.notes.contains(&AllowOriginNote::WildcardPattern));
        assert_eq!(allow_origin(&hs(&[])).value, AllowOrigin::Absent);
        assert_eq!(allow_origin(&hs(&[("a-c-a-o", "x")])).value, AllowOrigin::Absent);
        assert_eq!(allow_origin(&hs(&[("access-control-allow-origin", "null")])).value, AllowOrigin::Null);
    }

    #[test]
    fn serialized_origins_fast_and_slow_paths_agree() {
        for v in [
            "https://app.example.com",
            "http://localhost:3000",
            "https://app.example.com:443",
            "http://a.test:80",
            "https://APP.example.com",
            "https://app.example.com/",
            "https://127.0.0.1",
            "https://0x7f.1",
            "https://[::1]:8443",
            "https://xn--bcher-kva.example",
            "chrome-extension://abc",
            "https://a..b",
            "https://a.test:08080",
            "null",
        ] {
            let slow = url::Url::parse(v).is_ok_and(|u| u.origin().is_tuple() && u.origin().ascii_serialization() == v);
            assert_eq!(is_serialized_origin(v), slow, "{v}");
        }
    }

    #[test]
    fn request_origins() {
        assert_eq!(request_origin(&hs(&[("Origin", O)])), RequestOrigin::Origin(O));
        assert_eq!(request_origin(&hs(&[("origin", "null")])), RequestOrigin::Null);
        assert_eq!(request_origin(&hs(&[])), RequestOrigin::Absent);
        assert_eq!(request_origin(&hs(&[("origin", "https://a.test/")])), RequestOrigin::Invalid("https://a.test/"));
    }

    #[test]
    fn token_lists() {
        let cases: &[ListCase] = &[
            ("absent", &[], TokenList::Absent),
            (
                "simple",
                &[("access-control-allow-headers", "Authorization, Content-Type")],
                TokenList::Items(vec!["Authorization".into(), "Content-Type".into()]),
            ),
            (
                "empty elements",
                &[("access-control-allow-headers", ",a,,b,")],
                TokenList::Items(vec!["a".into(), "b".into()]),
            ),
            (
                "space inside",
                &[("access-control-allow-headers", "Bad value")],
                TokenList::Failure { bad: "Bad value".into() },
            ),
            ("quoted", &[("access-control-allow-headers", "\"a\"")], TokenList::Failure { bad: "\"a\"".into() }),
            ("empty line", &[("access-control-allow-headers", "")], TokenList::Items(vec![])),
        ];
        for (name, h, want) in cases {
            assert_eq!(&token_list(&hs(h), "access-control-allow-headers"), want, "{name}");
        }
    }

    #[test]
    fn safelisted_request_headers() {
        let cases: &[(&str, &str, &str, bool)] = &[
            ("plain text", "content-type", "text/plain", true),
            ("charset", "content-type", "Text/Plain;charset=utf-8", true),
            ("json", "content-type", "application/json", false),
            ("space in type", "content-type", "text /plain", false),
            ("list", "content-type", "text/plain,x/x", false),
            ("unsafe byte", "content-type", "multipart/form-data;\"", false),
            ("accept", "accept", "*/*", true),
            ("authorization", "authorization", "Bearer x", false),
            ("range", "range", "bytes=0-", true),
            ("range no =", "range", "bytes 0-", false),
            ("language @", "content-language", "@", false),
        ];
        for (name, n, v, want) in cases.iter() {
            assert_eq!(is_cors_safelisted_request_header(n, v), *want, "{name}");
        }
        assert!(!is_cors_safelisted_request_header("accept", &"a".repeat(129)));
    }

    #[test]
    fn unsafe_names_and_preflight_need() {
        let h = hs(&[
            ("Authorization", "Bearer x"),
            ("Content-Type", "application/json"),
            ("Cookie", "a=1"),
            (":authority", "api.test"),
            ("User-Agent", "x"),
            ("Accept", "application/json"),
        ]);
        let names = cors_unsafe_request_header_names(author_request_headers(&h));
        assert_eq!(names, ["authorization", "content-type"]);
        assert!(needs_preflight("GET", author_request_headers(&h)));
        assert!(!needs_preflight("GET", author_request_headers(&hs(&[("Accept", "*/*")]))));
        assert!(needs_preflight("PUT", author_request_headers(&hs(&[]))));
    }

    fn pf(
        method: &str,
        names: &[String],
        mode: CredentialsMode,
        h: &[(&'static str, &'static str)],
        status: u16,
    ) -> Result<PreflightOk, PreflightFailure> {
        let req = PreflightRequest {
            method,
            unsafe_headers: names,
            mode,
            origin: O,
            authorization_wildcard: AuthorizationWildcard::Spec,
        };
        check_preflight(&req, status, &hs(h))
    }

    #[test]
    fn preflight_table() {
        use CredentialsMode::*;
        let auth = vec!["authorization".to_string()];
        let xk = vec!["x-api-key".to_string()];
        let ok = &[
            ("access-control-allow-origin", O),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "GET, PUT"),
            ("access-control-allow-headers", "Authorization"),
        ];
        assert!(pf("PUT", &auth, Include, ok, 204).is_ok());
        assert_eq!(pf("PUT", &auth, Include, ok, 401), Err(PreflightFailure::NotOk(401)));
        assert_eq!(pf("PUT", &auth, Include, ok, 302), Err(PreflightFailure::Redirected(302)));
        assert_eq!(pf("PUT", &auth, Include, &[], 401), Err(PreflightFailure::Cors(CorsFailure::MissingAllowOrigin)));
        assert!(matches!(pf("PATCH", &auth, Include, ok, 204), Err(PreflightFailure::MethodNotAllowed { .. })));
        assert!(
            matches!(pf("PUT", &xk, Include, ok, 204), Err(PreflightFailure::HeaderNotAllowed { ref name, .. }) if name == "x-api-key")
        );
        let star = &[
            ("access-control-allow-origin", "*"),
            ("access-control-allow-methods", "*"),
            ("access-control-allow-headers", "*"),
        ];
        assert!(pf("PUT", &xk, Omit, star, 200).is_ok());
        assert_eq!(
            pf("PUT", &auth, Omit, star, 200),
            Err(PreflightFailure::HeaderNotAllowed { name: "authorization".into(), wildcard_ignored: true })
        );
        let req = PreflightRequest {
            method: "PUT",
            unsafe_headers: &auth,
            mode: Omit,
            origin: O,
            authorization_wildcard: AuthorizationWildcard::ChromiumLenient,
        };
        assert_eq!(check_preflight(&req, 200, &hs(star)).map(|o| o.authorization_by_wildcard), Ok(true));
        let lower = &[("access-control-allow-origin", "*"), ("access-control-allow-methods", "put")];
        assert!(
            matches!(pf("PUT", &[], Omit, lower, 200), Err(PreflightFailure::MethodNotAllowed { .. })),
            "methods are case-sensitive"
        );
        let bad = &[("access-control-allow-origin", "*"), ("access-control-allow-headers", "Bad value")];
        assert!(matches!(pf("GET", &xk, Omit, bad, 200), Err(PreflightFailure::AllowHeadersUnparseable(_))));
    }

    #[test]
    fn exposure() {
        let h = hs(&[("access-control-expose-headers", "*"), ("www-authenticate", "Bearer")]);
        assert!(Exposure::of(&h, CredentialsMode::Omit).visible("WWW-Authenticate"));
        assert!(!Exposure::of(&h, CredentialsMode::Include).visible("WWW-Authenticate"));
        assert!(Exposure::of(&h, CredentialsMode::Include).visible("content-type"));
        assert!(!Exposure::of(&h, CredentialsMode::Omit).visible("set-cookie"));
    }

    #[test]
    fn redirects() {
        let u = |s: &str| url::Url::parse(s).unwrap();
        let page = u("https://app.test/").origin();
        assert!(!redirect_taints_origin(&page, &u("https://app.test/a"), &u("https://api.test/b")));
        assert!(redirect_taints_origin(&page, &u("https://api.test/a"), &u("https://idp.test/b")));
        assert!(!redirect_taints_origin(&page, &u("https://api.test/a"), &u("https://api.test/b")));
        assert!(redirect_credentials_blocked(&page, false, &u("https://u:p@api.test/")));
        assert!(!redirect_credentials_blocked(&page, false, &u("https://u:p@app.test/")));
        assert!(redirect_credentials_blocked(&page, true, &u("https://u:p@app.test/")));
    }
}
