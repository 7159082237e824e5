//! Wire structs → the capture model ([`Capture`], [`Exchange`]): everything the importer decides
//! about a HAR's content, as opposed to its JSON shape.
//!
//! Per entry ([`convert`], called while `log.entries` is read): header lines without HTTP/2
//! pseudo-headers, and whether the request lines are the ones sent or Chromium's provisional ones;
//! a `Cookie` line rebuilt from the `cookies` array when an export dropped it; bodies kept only
//! when a rule may read them (base64 decoded); cache, service-worker and preflight hints folded
//! into the exchange's fields; the RFC 3339 start time, read by `headers::date`.
//! Per log ([`finish`]): each entry's page URL, the browser family, and whether the file is Chrome
//! DevTools' sanitized export (credential headers removed everywhere). Nothing here is a finding:
//! the rules decide what these facts mean.

use super::BODY_LIMIT;
use super::lenient::{HeaderValue, Text, prefix};
use super::wire::{Content, Entry, HarHeader, HeaderLines, Log, Page, PostData};
use crate::headers::date::parse_rfc3339_ms;
use crate::model::{Browser, Capture, Exchange, Header, Headers};
use std::borrow::Cow;
use std::collections::HashMap;

/// Header lines without HTTP/2 pseudo-headers (`:authority` …), which carry nothing the
/// diagnosis needs that the URL and status do not already give.
fn headers(h: Option<HeaderLines<'_>>) -> Headers<'_> {
    headers_as_sent(h).0
}

/// [`headers`], and whether the lines are the ones that went on the wire (see [`push_header`]).
fn headers_as_sent(h: Option<HeaderLines<'_>>) -> (Headers<'_>, bool) {
    h.map(|h| (h.lines, h.as_sent)).unwrap_or_default()
}

/// Adds one HAR header to the lines being read, without HTTP/2 pseudo-headers, and notes whether
/// the lines are the ones that went on the wire: only those carry pseudo-headers (`:method`,
/// `:authority` … in HTTP/2 and 3) or a `Host` line (HTTP/1.1); Chromium's provisional headers
/// (the renderer's view, e.g. of a request that never completed) have neither.
pub(super) fn push_header<'a>(to: &mut HeaderLines<'a>, x: HarHeader<'a>) {
    let name = &x.name.0;
    if name.starts_with(':') || name.eq_ignore_ascii_case("host") {
        to.as_sent = true;
    }
    if name.starts_with(':') || name.is_empty() {
        return;
    }
    let out = &mut to.lines.0;
    match x.value {
        HeaderValue::One(v) => out.push(Header { name: x.name.0, value: v.0 }),
        HeaderValue::Many(vs) => out.extend(vs.into_iter().map(|v| Header { name: x.name.0.clone(), value: v.0 })),
    }
}

/// Whether a response body may matter to a rule: redirects and client errors (their bodies carry
/// the server's own error text), HTML (login pages answering API calls), JSON error objects and
/// token responses (RFC 6749 §5.1: the clock rules read `expires_in` and the new token's `exp`).
fn keep_body(status: u16, mime: &str, text: &str) -> bool {
    let mime = mime.to_ascii_lowercase();
    (300..500).contains(&status)
        || mime.contains("html")
        || (mime.contains("json") && (text.contains("error") || text.contains("access_token")))
}

/// Decodes a base64 body prefix (cut to whole quads) into text when it is small.
fn decode_base64(text: &str) -> Option<String> {
    use base64::Engine;
    let t = text.trim();
    let whole = t.len() - t.len() % 4;
    let bytes = base64::engine::general_purpose::STANDARD.decode(t.get(..whole)?).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn response_body<'a>(status: u16, content: Option<Content<'a>>) -> (Option<Cow<'a, str>>, Option<Cow<'a, str>>) {
    let Some(c) = content else { return (None, None) };
    let mime = c.mime_type.and_then(Text::non_empty);
    let Some(body) = c.text.filter(|b| !b.text.is_empty()) else { return (None, mime) };
    let is_b64 = c.encoding.is_some_and(|e| e.0.trim().eq_ignore_ascii_case("base64"));
    let text: Cow<'a, str> = if is_b64 {
        // Only small bodies are worth decoding; the prefix of a big one still tells HTML from JSON.
        match decode_base64(&body.text) {
            Some(t) => Cow::Owned(t),
            None => return (None, mime),
        }
    } else {
        body.text
    };
    let keep = keep_body(status, mime.as_deref().unwrap_or(""), &text);
    (keep.then_some(text), mime)
}

fn request_body(post: Option<PostData<'_>>) -> Option<Cow<'_, str>> {
    let p = post?;
    if let Some(b) = p.text.filter(|b| !b.text.is_empty()) {
        return Some(b.text);
    }
    let params = p.params.filter(|v| !v.is_empty())?;
    let mut s = String::new();
    for (i, x) in params.iter().enumerate() {
        if s.len() >= BODY_LIMIT {
            break;
        }
        if i > 0 {
            s.push('&');
        }
        s.push_str(&x.name.0);
        if let Some(v) = &x.value {
            s.push('=');
            s.push_str(&v.0);
        }
    }
    Some(Cow::Owned(prefix(&s, BODY_LIMIT).to_string()))
}

/// One HAR entry as an exchange. `page_url` temporarily holds the `pageref` id; [`finish`]
/// resolves it once `pages` is known (which may come after `entries` in the file).
pub(super) fn convert(e: Entry<'_>) -> Exchange<'_> {
    let req = e.request.unwrap_or_default().0;
    let res = e.response.unwrap_or_default().0;
    let status = res.status.0;
    let (mut request_headers, as_sent) = headers_as_sent(req.headers);
    let provisional = !as_sent && !request_headers.is_empty();
    // A sanitised export may keep `cookies` but drop the `Cookie` header line: rebuild it so
    // the cookie rules still see what was sent.
    if !request_headers.has("cookie") {
        let cookies = req.cookies.unwrap_or_default();
        if !cookies.is_empty() {
            let line = cookies.iter().map(|c| format!("{}={}", c.name.0, c.value.0)).collect::<Vec<_>>().join("; ");
            request_headers.0.push(Header { name: Cow::Borrowed("Cookie"), value: Cow::Owned(line) });
        }
    }
    let (response_body, response_mime) = response_body(status, res.content);
    let initiator = e.initiator.unwrap_or_default();
    // A preflight's `_initiator.url` is the request it prepares, not the document that made it.
    let is_preflight = initiator.kind.as_deref() == Some("preflight");
    let resource_type =
        e.resource_type.and_then(Text::non_empty).or_else(|| is_preflight.then_some(Cow::Borrowed("preflight")));
    let from_cache = e
        .from_cache
        .and_then(Text::non_empty)
        .filter(|c| c != "false")
        .or_else(|| {
            let t = e.fetch_type?.0;
            if t.contains("Memory") {
                Some(Cow::Borrowed("memory"))
            } else if t.contains("Disk") {
                Some(Cow::Borrowed("disk"))
            } else {
                None
            }
        })
        .or_else(|| res.via_service_worker.filter(|f| f.0).map(|_| Cow::Borrowed("service-worker")));
    Exchange {
        method: req.method.0,
        url: req.url.0,
        status,
        request_headers,
        response_headers: headers(res.headers),
        started_ms: e.started.and_then(|t| parse_rfc3339_ms(&t.0)),
        page_url: e.pageref.and_then(Text::non_empty),
        initiator: if is_preflight { None } else { initiator.url },
        resource_type,
        from_cache,
        service_worker_response_source: res.sw_source.and_then(Text::non_empty),
        error: e.error.and_then(Text::non_empty).or_else(|| res.error.and_then(Text::non_empty)),
        redirect_url: res.redirect_url.and_then(Text::non_empty),
        request_body: request_body(req.post_data),
        response_body,
        response_mime,
        server_ip: e.server_ip.and_then(Text::non_empty),
        request_headers_provisional: provisional,
        ..Exchange::default()
    }
}

/// Whether `s` looks like an absolute http(s) URL (Chrome and Safari page titles are the URL;
/// Firefox's are the document title).
fn is_http_url(s: &str) -> bool {
    let l = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    l.starts_with("https://") || l.starts_with("http://")
}

/// The browser family from `log.browser.name` or `log.creator.name`.
fn browser_of(log: &Log<'_>) -> Browser {
    let names = [&log.browser, &log.creator];
    for n in names.iter().filter_map(|c| c.as_ref()?.name.as_ref()) {
        let l = n.0.to_ascii_lowercase();
        if l.contains("firefox") {
            return Browser::Firefox;
        }
        if l.contains("safari") || l.contains("webkit") {
            return Browser::Safari;
        }
        if l.contains("chrom") || l.contains("edge") || l.contains("webinspector") || l.contains("opera") {
            return Browser::Chromium;
        }
    }
    Browser::Unknown
}

/// Resolves each entry's page and the browser.
pub(super) fn finish(log: Log<'_>) -> Option<Capture<'_>> {
    let browser = browser_of(&log);
    let log_creator = log.creator.as_ref().and_then(|c| c.name.as_ref()).map(|n| n.0.clone());
    let mut exchanges = log.entries?.0;
    let pages = log.pages.unwrap_or_default();
    // Pages whose title is a URL are one navigation each (Chrome, Safari); the others (Firefox,
    // Playwright's recordHar: one page per tab, titled with the document's title) may span
    // several navigations.
    let spanning: std::collections::HashSet<Cow<'_, str>> = pages
        .iter()
        .filter(|p| !p.title.as_ref().is_some_and(|t| is_http_url(&t.0)))
        .filter_map(|p| p.id.clone().and_then(Text::non_empty))
        .collect();
    let page_urls = page_urls(pages, &exchanges);
    // pageref → the URL of its latest top-level navigation so far (entries are in time order).
    let mut current: HashMap<Cow<'_, str>, Cow<'_, str>> = HashMap::new();
    for x in &mut exchanges {
        if let Some(r) = x.page_url.take() {
            if spanning.contains(r.as_ref()) {
                if is_top_level_navigation(x) {
                    current.insert(r.clone(), x.url.clone());
                }
                if let Some(u) = current.get(r.as_ref()) {
                    x.page_url = Some(u.clone());
                    continue;
                }
            }
            x.page_url = page_urls.get(r.as_ref()).cloned().flatten();
        }
    }
    let credential_headers_removed = sanitized_by_devtools(&log_creator, &exchanges);
    // Only Chromium shows provisional headers; Firefox and Safari list what they sent, with or
    // without a `Host` line.
    // Chromium marks only requests that never completed on the network (cache hits, blocked
    // requests) as provisional; when no entry with headers carries a wire marker at all, the
    // exporter or a tool after it (HAR cleaners, strict HAR 1.2 writers) dropped the pseudo-headers,
    // and their absence says nothing about any one entry.
    let no_wire_lines = exchanges.iter().all(|x| x.request_headers.is_empty() || x.request_headers_provisional);
    if browser != Browser::Chromium || (no_wire_lines && exchanges.len() > 1) {
        exchanges.iter_mut().for_each(|x| x.request_headers_provisional = false);
    }
    Some(Capture { exchanges, browser, third_party_cookies_blocked: None, credential_headers_removed })
}

/// Whether `x` is a top-level navigation: `Sec-Fetch-Dest: document` (frames say `iframe`), or a
/// document request of a capture that sends no Fetch metadata.
fn is_top_level_navigation(x: &Exchange<'_>) -> bool {
    match x.request_headers.get("sec-fetch-dest") {
        Some(d) => d.trim().eq_ignore_ascii_case("document"),
        None => x.resource_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("document") || t == "main_frame"),
    }
}

/// pageref id → page URL: the title when it is a URL, else the URL of the page's document
/// request (the first entry of the page that is a document, else its first `GET` of HTML).
/// The first page of a repeated id wins. Entries still hold their `pageref` in `page_url`.
///
/// Linear in pages + entries: a hostile or merely huge HAR (thousands of Firefox pages, whose
/// titles are not URLs) must not cost pages × entries (issue 8 item 9), so the entries are read
/// once, into the first document and first HTML `GET` of every pageref, and only when a page
/// needs them.
fn page_urls<'a>(pages: Vec<Page<'a>>, exchanges: &[Exchange<'a>]) -> HashMap<Cow<'a, str>, Option<Cow<'a, str>>> {
    let pages: Vec<(Cow<'a, str>, Option<Cow<'a, str>>)> = pages
        .into_iter()
        .filter_map(|p| Some((p.id.and_then(Text::non_empty)?, p.title.map(|t| t.0).filter(|t| is_http_url(t)))))
        .collect();
    // pageref → (first document entry, first HTML GET entry); built only if a title is not a URL.
    let mut firsts: HashMap<&str, (Option<usize>, Option<usize>)> = HashMap::new();
    if pages.iter().any(|(_, title)| title.is_none()) {
        for (i, x) in exchanges.iter().enumerate() {
            let Some(r) = x.page_url.as_deref() else { continue };
            let document = x.resource_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("document"))
                || x.request_headers.get("sec-fetch-dest") == Some("document");
            let html_get = x.method == "GET" && x.response_mime.as_deref().is_some_and(|m| m.contains("html"));
            if !document && !html_get {
                continue;
            }
            let (doc, html) = firsts.entry(r).or_default();
            if document && doc.is_none() {
                *doc = Some(i);
            }
            if html_get && html.is_none() {
                *html = Some(i);
            }
        }
    }
    let mut out = HashMap::with_capacity(pages.len());
    for (id, title) in pages {
        if out.contains_key(&id) {
            continue;
        }
        let url = title.or_else(|| {
            let (doc, html) = firsts.get(id.as_ref()).copied().unwrap_or_default();
            doc.or(html).and_then(|i| exchanges.get(i)).map(|x| x.url.clone())
        });
        out.insert(id, url);
    }
    out
}

/// Whether the capture has the shape of Chrome DevTools' "Export HAR (sanitized)", the default
/// since late 2024 (devtools-frontend "Export sanitized HARs by default"): creator `WebInspector`,
/// and not one `Cookie`, `Authorization`, `Proxy-Authorization` or `Set-Cookie` header (nor a
/// `cookies` entry, which the import folds into `Cookie`) in any entry, although request headers
/// were recorded. DevTools then drops those headers from every entry, so a 401 without them is
/// not evidence of a missing credential.
fn sanitized_by_devtools(creator: &Option<Cow<'_, str>>, exchanges: &[Exchange<'_>]) -> bool {
    if creator.as_deref() != Some("WebInspector") {
        return false;
    }
    let recorded = exchanges.iter().any(|x| !x.request_headers.is_empty());
    let credential =
        exchanges.iter().any(|x| {
            x.request_headers.0.iter().any(|h| {
                ["cookie", "authorization", "proxy-authorization"].iter().any(|n| h.name.eq_ignore_ascii_case(n))
            }) || x.response_headers.has("set-cookie")
        });
    recorded && !credential
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::har::parse;

    fn har(entries: &str) -> String {
        format!(
            r#"{{"log":{{"version":"1.2","creator":{{"name":"WebInspector","version":"537.36"}},
            "pages":[{{"id":"page_1","title":"https://app.example.test/","startedDateTime":"2026-09-23T12:00:00.000Z"}}],
            "entries":[{entries}]}}}}"#
        )
    }

    const ENTRY: &str = r#"{"pageref":"page_1","startedDateTime":"2026-09-23T12:03:11.500Z",
        "_resourceType":"fetch","_initiator":{"type":"script","stack":{"callFrames":[],"parent":{"callFrames":[{"url":"https://app.example.test/app.js"}]}}},
        "request":{"method":"GET","url":"https://api.example.test/me","httpVersion":"h2",
          "headers":[{"name":":authority","value":"api.example.test"},{"name":"authorization","value":"Bearer abc"}],
          "cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
        "response":{"status":401,"statusText":"","headers":[{"name":"www-authenticate","value":"Bearer error=\"invalid_token\""}],
          "cookies":[],"content":{"size":20,"mimeType":"application/json","text":"{\"error\":\"invalid_token\"}"},
          "redirectURL":"","_error":null},
        "serverIPAddress":"192.0.2.1","timings":{"wait":1}}"#;

    #[test]
    fn chrome_entry_maps_every_field() {
        let text = har(ENTRY);
        let c = parse(&text).unwrap();
        assert_eq!(c.browser, Browser::Chromium);
        let x = &c.exchanges[0];
        assert_eq!(x.method, "GET");
        assert_eq!(x.status, 401);
        assert_eq!(x.request_headers.0.len(), 1, "pseudo-header dropped");
        assert_eq!(x.request_headers.get("Authorization"), Some("Bearer abc"));
        assert!(matches!(x.url, Cow::Borrowed(_)), "URL borrows from the input");
        assert_eq!(x.page_url.as_deref(), Some("https://app.example.test/"));
        assert_eq!(x.initiator.as_deref(), Some("https://app.example.test/app.js"));
        assert_eq!(x.resource_type.as_deref(), Some("fetch"));
        assert_eq!(x.response_body.as_deref(), Some(r#"{"error":"invalid_token"}"#));
        assert_eq!(x.response_mime.as_deref(), Some("application/json"));
        assert_eq!(x.server_ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(x.error, None);
        assert_eq!(x.started_ms, Some(1_790_164_991_500.0));
    }

    #[test]
    fn devtools_sanitized_export_is_recognised() {
        let stripped =
            ENTRY.replace(r#",{"name":"authorization","value":"Bearer abc"}"#, r#",{"name":"accept","value":"*/*"}"#);
        let firefox = |t: &str| t.replace(r#""name":"WebInspector""#, r#""name":"Firefox""#);
        let cases: Vec<(&str, String, bool)> = vec![
            ("DevTools, no credential header anywhere", har(&stripped), true),
            ("DevTools with an Authorization header", har(ENTRY), false),
            (
                "a Cookie header in another entry",
                har(&format!("{stripped},{}", ENTRY.replace("authorization", "Cookie"))),
                false,
            ),
            (
                "a Set-Cookie response",
                har(&stripped.replace(r#""name":"www-authenticate""#, r#""name":"set-cookie""#)),
                false,
            ),
            (
                "a request cookies array (folded into Cookie)",
                har(&stripped.replace(
                    r#""cookies":[],"queryString""#,
                    r#""cookies":[{"name":"sid","value":"1"}],"queryString""#,
                )),
                false,
            ),
            ("another exporter", firefox(&har(&stripped)), false),
            (
                "no request headers recorded at all",
                har(r#"{"request":{"url":"https://a.test/"},"response":{"status":401}}"#),
                false,
            ),
        ];
        for (name, text, want) in cases {
            let c = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(c.credential_headers_removed, want, "{name}");
        }
    }

    #[test]
    fn provisional_request_headers_are_recognised() {
        let no_authority = ENTRY.replace(r#"{"name":":authority","value":"api.example.test"},"#, "");
        let only_method = ENTRY.replace(":authority", ":method");
        let with_host = no_authority.replace(
            r#""headers":[{"name":"authorization""#,
            r#""headers":[{"name":"Host","value":"api.example.test"},{"name":"authorization""#,
        );
        let firefox = |t: &str| t.replace(r#""name":"WebInspector""#, r#""name":"Firefox""#);
        let cases: Vec<(&str, String, bool)> = vec![
            ("HTTP/2 lines as sent (:authority)", har(ENTRY), false),
            ("HTTP/1.1 lines as sent (Host)", har(&with_host), false),
            ("any pseudo-header is the wire's (edited files drop :authority)", har(&only_method), false),
            ("Chromium provisional lines (neither)", har(&no_authority), true),
            ("Firefox lists what it sent, Host or not", firefox(&har(&no_authority)), false),
            (
                "no request headers at all is another case",
                har(r#"{"request":{"url":"https://a.test/"},"response":{"status":401}}"#),
                false,
            ),
        ];
        for (name, text, want) in cases {
            let c = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(c.exchanges[0].request_headers_provisional, want, "{name}");
        }
        // A capture in which no entry has a wire marker lost them on export: none is provisional.
        let both = har(&format!("{no_authority},{no_authority}"));
        let c = parse(&both).unwrap();
        assert!(c.exchanges.iter().all(|x| !x.request_headers_provisional));
        // Beside an entry as sent, the unmarked one stays provisional.
        let mixed = har(&format!("{ENTRY},{no_authority}"));
        let c = parse(&mixed).unwrap();
        assert_eq!(c.exchanges.iter().map(|x| x.request_headers_provisional).collect::<Vec<_>>(), [false, true]);
    }

    #[test]
    fn bodies_are_cut_and_filtered() {
        let big = "a".repeat(10_000);
        let e = format!(
            r#"{{"request":{{"url":"https://a.test/","postData":{{"text":"{big}"}}}},
               "response":{{"status":401,"content":{{"mimeType":"text/plain","text":"{big}"}}}}}}"#
        );
        let text = har(&e);
        let c = parse(&text).unwrap();
        assert_eq!(c.exchanges[0].response_body.as_ref().map(|b| b.len()), Some(BODY_LIMIT));
        assert_eq!(c.exchanges[0].request_body.as_ref().map(|b| b.len()), Some(BODY_LIMIT));
        let ok = har(r#"{"response":{"status":200,"content":{"mimeType":"image/png","text":"abc"}}}"#);
        assert_eq!(parse(&ok).unwrap().exchanges[0].response_body, None);
        let b64 = har(
            r#"{"response":{"status":302,"content":{"mimeType":"text/html","text":"PGgxPkxvZ2luPC9oMT4=","encoding":"base64"}}}"#,
        );
        assert_eq!(parse(&b64).unwrap().exchanges[0].response_body.as_deref(), Some("<h1>Login</h1>"));
    }

    #[test]
    fn firefox_page_title_falls_back_to_document_request() {
        let text = r#"{"log":{"creator":{"name":"Firefox"},"pages":[{"id":"p","title":"My App"}],
            "entries":[{"pageref":"p","request":{"method":"GET","url":"https://app.example.test/"},
                        "response":{"status":200,"content":{"mimeType":"text/html; charset=utf-8"}}},
                       {"pageref":"p","request":{"method":"GET","url":"https://api.example.test/x"}}]}}"#;
        let c = parse(text).unwrap();
        assert_eq!(c.browser, Browser::Firefox);
        assert_eq!(c.exchanges[1].page_url.as_deref(), Some("https://app.example.test/"));
    }

    /// Playwright's recordHar keeps one page per tab, titled with the document title, across
    /// navigations: each entry's page is the latest top-level navigation before it, not the first.
    #[test]
    fn a_page_spanning_navigations_follows_them() {
        let doc = |url: &str, dest: &str| {
            format!(
                r#"{{"pageref":"p","request":{{"method":"GET","url":"{url}","headers":[{{"name":"Sec-Fetch-Dest","value":"{dest}"}}]}},
                   "response":{{"status":200,"content":{{"mimeType":"text/html"}}}}}}"#
            )
        };
        let api = r#"{"pageref":"p","request":{"method":"GET","url":"https://api.example.test/x"}}"#;
        let text = format!(
            r#"{{"log":{{"creator":{{"name":"Playwright"}},"pages":[{{"id":"p","title":"Sign in"}}],"entries":[{},{},{},{},{},{}]}}}}"#,
            doc("http://www.example.test/login", "document"),
            api,
            doc("https://www.example.test/home", "document"),
            api,
            doc("https://widget.other.test/frame", "iframe"),
            api
        );
        let c = parse(&text).unwrap();
        let pages: Vec<Option<&str>> = c.exchanges.iter().map(|x| x.page_url.as_deref()).collect();
        assert_eq!(pages[1], Some("http://www.example.test/login"));
        assert_eq!(pages[3], Some("https://www.example.test/home"), "after the second navigation");
        // Near miss: a frame's document is not a top-level navigation.
        assert_eq!(pages[5], Some("https://www.example.test/home"));
        assert_eq!(pages[4], Some("https://www.example.test/home"), "the frame's page is its parent's");
    }

    #[test]
    fn many_pages_resolve_each_entry_to_its_own_page() {
        // Firefox-style: titles are not URLs, so every page's URL comes from its document entry;
        // entries run from the last page to the first. Issue 8 item 9: this must stay linear.
        let n = 3000;
        let pages: Vec<String> = (0..n).map(|i| format!(r#"{{"id":"page_{i}","title":"Dashboard {i}"}}"#)).collect();
        let mut entries: Vec<String> = (0..n)
            .rev()
            .map(|i| {
                format!(
                    r#"{{"pageref":"page_{i}","request":{{"method":"GET","url":"https://app.test/p/{i}"}},
                        "response":{{"status":200,"content":{{"mimeType":"text/html"}}}}}}"#
                )
            })
            .collect();
        let api = |pageref: &str| {
            format!(
                r#"{{"pageref":"{pageref}","request":{{"method":"GET","url":"https://api.test/me"}},"response":{{"status":401}}}}"#
            )
        };
        let rows: &[(&str, &str, Option<&str>)] = &[
            ("first page", "page_0", Some("https://app.test/p/0")),
            ("last page", "page_2999", Some("https://app.test/p/2999")),
            ("a page in the middle", "page_1234", Some("https://app.test/p/1234")),
            ("near miss: longer id", "page_12345", None),
            ("near miss: shorter id", "page_", None),
            ("near miss: case differs", "Page_7", None),
            ("near miss: trailing space", "page_7 ", None),
        ];
        entries.extend(rows.iter().map(|(_, r, _)| api(r)));
        let text = format!(
            r#"{{"log":{{"creator":{{"name":"Firefox"}},"pages":[{}],"entries":[{}]}}}}"#,
            pages.join(","),
            entries.join(",")
        );
        let c = parse(&text).unwrap();
        for (k, i) in (0..n).rev().enumerate() {
            let want = format!("https://app.test/p/{i}");
            assert_eq!(c.exchanges[k].page_url.as_deref(), Some(want.as_str()), "document entry of page_{i}");
        }
        for (j, (name, _, want)) in rows.iter().enumerate() {
            assert_eq!(c.exchanges[n + j].page_url.as_deref(), *want, "{name}");
        }
    }

    #[test]
    fn page_url_choice_among_entries_of_a_page() {
        let doc = |pageref: &str, url: &str, extra: &str| {
            format!(
                r#"{{"pageref":"{pageref}",{extra}"request":{{"method":"GET","url":"{url}"}},"response":{{"status":200}}}}"#
            )
        };
        let html = |pageref: &str, url: &str, method: &str| {
            format!(
                r#"{{"pageref":"{pageref}","request":{{"method":"{method}","url":"{url}"}},
                    "response":{{"status":200,"content":{{"mimeType":"text/html"}}}}}}"#
            )
        };
        let cases: Vec<(&str, String, String, Option<&str>)> = vec![
            (
                "a document entry beats an earlier HTML GET",
                r#"{"id":"p","title":"App"}"#.into(),
                [
                    html("p", "https://a.test/frame", "GET"),
                    doc("p", "https://a.test/", r#""_resourceType":"document","#),
                ]
                .join(","),
                Some("https://a.test/"),
            ),
            (
                "Sec-Fetch-Dest: document marks the document",
                r#"{"id":"p","title":"App"}"#.into(),
                r#"{"pageref":"p","request":{"method":"GET","url":"https://a.test/home",
                    "headers":[{"name":"Sec-Fetch-Dest","value":"document"}]},"response":{"status":200}}"#
                    .into(),
                Some("https://a.test/home"),
            ),
            (
                "the first HTML GET when no document",
                r#"{"id":"p","title":"App"}"#.into(),
                [html("p", "https://a.test/one", "GET"), html("p", "https://a.test/two", "GET")].join(","),
                Some("https://a.test/one"),
            ),
            (
                "a POST of HTML is not the page",
                r#"{"id":"p","title":"App"}"#.into(),
                html("p", "https://a.test/form", "POST"),
                None,
            ),
            (
                "another page's document is not this page's",
                r#"{"id":"p","title":"App"},{"id":"q","title":"Other"}"#.into(),
                [html("q", "https://a.test/q", "GET"), doc("p", "https://a.test/x", "")].join(","),
                None,
            ),
            (
                "a URL title wins over the entries",
                r#"{"id":"p","title":"https://a.test/titled"}"#.into(),
                html("p", "https://a.test/doc", "GET"),
                Some("https://a.test/titled"),
            ),
            (
                "the first of two pages with one id wins",
                r#"{"id":"p","title":"https://a.test/first"},{"id":"p","title":"https://a.test/second"}"#.into(),
                doc("p", "https://a.test/x", ""),
                Some("https://a.test/first"),
            ),
        ];
        for (name, pages, entries, want) in cases {
            let text =
                format!(r#"{{"log":{{"creator":{{"name":"Firefox"}},"pages":[{pages}],"entries":[{entries}]}}}}"#);
            let c = parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            // The last entry belongs to page `p` in every case.
            assert_eq!(c.exchanges.last().unwrap().page_url.as_deref(), want, "{name}");
        }
    }

    #[test]
    fn chrome_extras_cache_error_preflight_cookies() {
        let text = har(r#"{"_fromCache":"disk","_initiator":{"type":"preflight","url":"https://api.test/x"},
                "request":{"method":"OPTIONS","url":"https://api.test/x","cookies":[{"name":"sid","value":"1"}]},
                "response":{"status":0,"_error":"net::ERR_FAILED","redirectURL":"https://b.test/"}}"#);
        let c = parse(&text).unwrap();
        let x = &c.exchanges[0];
        assert_eq!(x.from_cache.as_deref(), Some("disk"));
        assert_eq!(x.initiator, None);
        assert_eq!(x.resource_type.as_deref(), Some("preflight"));
        assert_eq!(x.error.as_deref(), Some("net::ERR_FAILED"));
        assert_eq!(x.redirect_url.as_deref(), Some("https://b.test/"));
        assert_eq!(x.request_headers.get("cookie"), Some("sid=1"));
    }

    #[test]
    fn chrome_service_worker_fields() {
        let text = har(r#"{"request":{"method":"GET","url":"https://app.test/api/me"},
                "response":{"status":401,"_fetchedViaServiceWorker":true,"_serviceWorkerResponseSource":"network"}}"#);
        let c = parse(&text).unwrap();
        let x = &c.exchanges[0];
        assert_eq!(x.from_cache.as_deref(), Some("service-worker"));
        assert_eq!(x.service_worker_response_source.as_deref(), Some("network"));
        let plain =
            har(r#"{"response":{"status":200,"_fetchedViaServiceWorker":false,"_serviceWorkerResponseSource":""}}"#);
        let c = parse(&plain).unwrap();
        assert_eq!(
            (c.exchanges[0].from_cache.as_deref(), c.exchanges[0].service_worker_response_source.as_deref()),
            (None, None)
        );
    }
}
