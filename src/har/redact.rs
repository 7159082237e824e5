//! HAR export of chosen exchanges with secrets removed, for sharing a capture (the extension's
//! "Export redacted HAR"). Two layers of removal:
//! - what Chrome's "Export HAR (sanitized)" drops: the `Cookie`, `Set-Cookie`, `Authorization`
//!   (and `Proxy-Authorization`) lines, and the `cookies` arrays;
//! - AuthLens's own redaction (`secret.rs`): token-like headers keep only their length, URLs and
//!   URL-valued headers lose token-like query and fragment values, form bodies lose secret
//!   parameter values, and any other body that mentions a secret-looking name is dropped whole.
//!
//! The document is a plain HAR 1.2 log that `har::parse` reads back (the round trip is tested),
//! so `authlens check` runs on an export; findings that need the removed credentials are then
//! withheld, as for a sanitized Chrome export.

use crate::headers::date::format_rfc3339_ms;
use crate::model::{Capture, Exchange, Header};
use crate::secret::{self, Exposure};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Header lines Chrome's sanitized export removes (compared ignoring ASCII case).
const SANITIZED_HEADERS: &[&str] = &["cookie", "set-cookie", "authorization", "proxy-authorization"];

/// What replaces a body that may hold a secret.
const BODY_REMOVED: &str = "(body removed by AuthLens: it mentions a secret-looking parameter)";

/// Whether Chrome's sanitized export drops the header line `name` (HAR sanitization, Chrome 130+).
fn sanitized_away(name: &str) -> bool {
    SANITIZED_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h))
}

/// One header line as exported, or `None` when it is removed (secret.rs policy, length only).
fn export_header(h: &Header<'_>) -> Option<Value> {
    if sanitized_away(&h.name) {
        return None;
    }
    let value = if secret::is_secret_header(&h.name) {
        secret::redact(&h.value, Exposure::LengthOnly)
    } else {
        secret::header_value(&h.name, &h.value, false)
    };
    Some(json!({ "name": h.name, "value": value }))
}

/// The exported header lines of one side of an exchange.
fn export_headers(headers: &[Header<'_>]) -> Vec<Value> {
    headers.iter().filter_map(export_header).collect()
}

/// A body as exported: form pairs with secret values redacted; other text dropped when it
/// mentions a secret-looking name (a JSON token response, a password in a JSON login).
fn export_body(body: &str, form: bool) -> String {
    if form {
        secret::redact_pairs(body)
    } else if secret::mentions_secret_param(body) {
        BODY_REMOVED.to_string()
    } else {
        body.to_string()
    }
}

/// Whether a request's `Content-Type` is an URL-encoded form.
fn is_form(ex: &Exchange<'_>) -> bool {
    ex.request_headers
        .get("content-type")
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"))
}

/// One HAR entry for `ex`; `pageref` names its page in the exported `pages`.
fn export_entry(ex: &Exchange<'_>, pageref: Option<String>) -> Value {
    let mut request = json!({
        "method": ex.method,
        "url": secret::redact_url(&ex.url),
        "httpVersion": "",
        "headers": export_headers(&ex.request_headers.0),
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": -1,
    });
    if let (Some(body), Some(obj)) = (ex.request_body.as_deref(), request.as_object_mut()) {
        let mime = ex.request_headers.get("content-type").unwrap_or("");
        obj.insert("postData".into(), json!({ "mimeType": mime, "text": export_body(body, is_form(ex)) }));
    }
    let mut content = json!({ "size": -1, "mimeType": ex.response_mime.as_deref().unwrap_or("") });
    if let (Some(body), Some(obj)) = (ex.response_body.as_deref(), content.as_object_mut()) {
        obj.insert("text".into(), json!(export_body(body, false)));
    }
    let mut response = json!({
        "status": ex.status,
        "statusText": "",
        "httpVersion": "",
        "headers": export_headers(&ex.response_headers.0),
        "cookies": [],
        "content": content,
        "redirectURL": ex.redirect_url.as_deref().map(secret::redact_url).unwrap_or_default(),
        "headersSize": -1,
        "bodySize": -1,
    });
    if let (Some(err), Some(obj)) = (ex.error.as_deref(), response.as_object_mut()) {
        obj.insert("_error".into(), json!(err));
    }
    let mut entry = json!({
        "startedDateTime": ex.started_ms.and_then(format_rfc3339_ms).unwrap_or_default(),
        "time": 0,
        "request": request,
        "response": response,
        "cache": {},
        "timings": { "send": 0, "wait": 0, "receive": 0 },
    });
    if let Some(obj) = entry.as_object_mut() {
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                obj.insert(k.to_string(), v);
            }
        };
        put("pageref", pageref.map(Value::from));
        put("_resourceType", ex.resource_type.as_deref().map(Value::from));
        put("_fromCache", ex.from_cache.as_deref().map(Value::from));
        put("_error", ex.error.as_deref().map(Value::from));
        put("_initiator", ex.initiator.as_deref().map(|u| json!({ "type": "script", "url": secret::redact_url(u) })));
    }
    entry
}

/// A HAR 1.2 document (pretty JSON) of the exchanges of `capture` at `indices` (in that order,
/// out-of-range and repeated indices skipped), secrets removed as the module doc says.
pub fn redacted_har(capture: &Capture<'_>, indices: &[usize], version: &str) -> String {
    let mut seen = vec![false; capture.exchanges.len()];
    let mut pages: Vec<Value> = Vec::new();
    let mut page_ids: HashMap<String, String> = HashMap::new();
    let mut entries = Vec::new();
    for &i in indices {
        let Some(ex) = capture.exchanges.get(i) else { continue };
        if seen.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(s) = seen.get_mut(i) {
            *s = true;
        }
        let pageref = ex.page_url.as_deref().map(|page| {
            let title = secret::redact_url(page);
            let next = page_ids.len() + 1;
            page_ids
                .entry(title.clone())
                .or_insert_with(|| {
                    let id = format!("page_{next}");
                    pages.push(json!({ "id": id, "title": title, "startedDateTime": "", "pageTimings": {} }));
                    id
                })
                .clone()
        });
        entries.push(export_entry(ex, pageref));
    }
    let doc = json!({ "log": {
        "version": "1.2",
        "creator": { "name": "AuthLens", "version": version, "comment": "redacted export: Cookie, Set-Cookie and Authorization removed, token-like values redacted" },
        "pages": pages,
        "entries": entries,
    }});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::har::parse;

    const SECRET: &str = "s3cr3t-PLANTED-value-0123456789abcdef";

    fn capture_json() -> String {
        format!(
            r#"{{"log":{{"pages":[{{"id":"p","title":"https://app.test/?code={SECRET}"}}],"entries":[
            {{"pageref":"p","startedDateTime":"2026-09-23T12:03:11.500Z","_resourceType":"fetch",
              "request":{{"method":"POST","url":"https://api.test/token?access_token={SECRET}&x=1",
                "headers":[{{"name":"Authorization","value":"Bearer {SECRET}"}},{{"name":"Cookie","value":"sid={SECRET}"}},
                  {{"name":"X-Api-Key","value":"{SECRET}"}},{{"name":"Referer","value":"https://app.test/cb#id_token={SECRET}"}},
                  {{"name":"Content-Type","value":"application/x-www-form-urlencoded"}},{{"name":"Accept","value":"application/json"}}],
                "postData":{{"mimeType":"application/x-www-form-urlencoded","text":"grant_type=authorization_code&code={SECRET}"}}}},
              "response":{{"status":401,"headers":[{{"name":"Set-Cookie","value":"sid={SECRET}; Path=/"}},
                  {{"name":"WWW-Authenticate","value":"Bearer error=\"invalid_token\""}}],
                "content":{{"mimeType":"application/json","text":"{{\"access_token\":\"{SECRET}\"}}"}}}}}},
            {{"request":{{"method":"GET","url":"https://api.test/plain"}},"response":{{"status":403,
                "content":{{"mimeType":"application/json","text":"{{\"error\":\"forbidden\"}}"}}}}}}
            ]}}}}"#
        )
    }

    #[test]
    fn no_planted_secret_survives_and_the_export_reads_back() {
        let text = capture_json();
        let c = parse(&text).unwrap();
        assert!(text.contains(SECRET), "the fixture plants the secret");
        let out = redacted_har(&c, &[0, 1], "t");
        assert!(!out.contains(SECRET), "{out}");
        assert!(!out.contains("s3cr3t"), "not even a prefix: {out}");
        let back = parse(&out).unwrap();
        assert_eq!(back.exchanges.len(), 2);
        let x = &back.exchanges[0];
        assert_eq!((x.method.as_ref(), x.status), ("POST", 401));
        assert_eq!(x.started_ms, c.exchanges[0].started_ms, "the start time survives");
        assert!(x.request_headers.get("authorization").is_none() && x.request_headers.get("cookie").is_none());
        assert!(x.response_headers.get("set-cookie").is_none());
        assert_eq!(x.request_headers.get("accept"), Some("application/json"), "harmless headers stay");
        assert!(x.response_headers.get("www-authenticate").is_some(), "the challenge is the point of a report");
        assert!(x.request_body.as_deref().unwrap().starts_with("grant_type=authorization_code&code="));
        assert_eq!(x.response_body.as_deref(), Some(BODY_REMOVED));
        assert_eq!(x.page_url.as_deref().map(|p| p.starts_with("https://app.test/?code=")), Some(true));
        assert_eq!(back.exchanges[1].response_body.as_deref(), Some(r#"{"error":"forbidden"}"#), "near miss kept");
    }

    #[test]
    fn only_the_chosen_exchanges_once_in_order() {
        let text = capture_json();
        let c = parse(&text).unwrap();
        let back_text = redacted_har(&c, &[1, 7, 1, 0], "t");
        let back = parse(&back_text).unwrap();
        let urls: Vec<&str> = back.exchanges.iter().map(|x| x.url.as_ref()).collect();
        assert_eq!(urls.len(), 2);
        assert_eq!(urls[0], "https://api.test/plain");
        let empty_text = redacted_har(&c, &[], "t");
        let empty = parse(&empty_text).unwrap();
        assert!(empty.exchanges.is_empty());
    }

    #[test]
    fn sanitized_names_only() {
        assert!(sanitized_away("COOKIE") && sanitized_away("Proxy-Authorization"));
        assert!(!sanitized_away("Cookie2x") && !sanitized_away("X-Authorization-Hint"));
    }
}
