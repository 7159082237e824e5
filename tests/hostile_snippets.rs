//! Fix snippets stay inert when the capture is hostile (issue 8, finding 1): every golden
//! scenario is replayed with a shell/JS/markup payload planted in one place at a time — each
//! header value, the first cookie's name, each quoted `WWW-Authenticate` parameter, the URL path
//! — and every snippet of every finding is checked by its language's quoting rules: the payload
//! is either absent (a placeholder took its place) or wholly inside one string literal.

use authlens::model::Capture;
use serde_json::Value;
mod common;

use common::scenario_files;
use std::path::Path;

/// Breaks out of single and double quotes, starts a command substitution and a tag.
const PAYLOAD: &str = "Zq'\"$(id)`id`<b>";
/// The part of the payload that must never be live code.
const MARK: &str = "Zq";

/// Byte ranges of the string literals of `code`, for a language whose literals are delimited by
/// any of `quotes` with backslash escapes (`escapes`) or none (shell single quotes).
fn literals(code: &str, quotes: &[(u8, bool)]) -> Vec<(usize, usize)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if let Some(&(q, escapes)) = quotes.iter().find(|(q, _)| *q == b[i]) {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j] != q {
                j += if escapes && b[j] == b'\\' { 2 } else { 1 };
            }
            out.push((start, j.min(b.len())));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Shell words: single quotes are literal; inside double quotes `$(` and backticks are live, so
/// only single-quoted spans count as safe.
fn shell_safe_spans(code: &str) -> Vec<(usize, usize)> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut in_double) = (0, false);
    while i < b.len() {
        match b[i] {
            b'\\' if !in_double || b.get(i + 1).is_some_and(|c| b"\"\\$`".contains(c)) => i += 2,
            b'"' => {
                in_double = !in_double;
                i += 1;
            }
            b'\'' if !in_double => {
                let start = i + 1;
                let end = code.get(start..).and_then(|r| r.find('\'')).map_or(b.len(), |e| start + e);
                out.push((start, end));
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    // `'a'\''b'` is one shell word: spans joined by `'\''` are one safe span.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in out {
        if let Some(last) = merged.last_mut() {
            if code.get(last.1..s) == Some("'\\''") {
                last.1 = e;
                continue;
            }
        }
        merged.push((s, e));
    }
    merged
}

/// Whether every occurrence of the payload's marker in `code` sits, with the whole payload,
/// inside one safe span.
fn contained(code: &str, spans: &[(usize, usize)], payload_len_in_code: impl Fn(&str) -> usize) -> bool {
    code.match_indices(MARK).all(|(at, _)| {
        let len = payload_len_in_code(code.get(at..).unwrap_or(""));
        spans.iter().any(|&(s, e)| s <= at && at + len <= e)
    })
}

/// How long the payload is as it appears at the start of `rest` (escaped or not): up to the end
/// of `<b>`, or the whole rest when it was cut.
fn planted_len(rest: &str) -> usize {
    rest.find("<b>")
        .map(|i| i + 3)
        .or_else(|| rest.find("\\u003cb>").map(|i| i + 8))
        // The URL variant plants the payload without `"`, `<` and backticks: it ends in `idb>`.
        .or_else(|| rest.find("idb>").map(|i| i + 4))
        .unwrap_or(rest.len())
}

fn check_snippet(lang: &str, code: &str) -> Result<(), String> {
    if !code.contains(MARK) {
        return Ok(());
    }
    let ok = match lang {
        "shell" | "bash" | "sh" => contained(code, &shell_safe_spans(code), planted_len),
        "js" | "express" | "json" | "python" | "spring" | "java" | "aspnet" | "csharp" | "go" | "yaml" => {
            contained(code, &literals(code, &[(b'"', true), (b'\'', true)]), planted_len)
        }
        "php" => contained(code, &literals(code, &[(b'\'', true), (b'"', true)]), planted_len),
        "nginx" | "apache" => contained(code, &literals(code, &[(b'"', true)]), planted_len),
        "vcl" => false,
        "html" => !code.contains("<b>"),
        // HTTP lines and prose: one line, no control characters; the payload is plain text there.
        _ => !code.split('\n').any(|l| l.contains(MARK) && l.chars().any(|c| c.is_control() && c != '\t')),
    };
    if ok { Ok(()) } else { Err(format!("[{lang}] {code}")) }
}

/// Plants the payload at every place of one exchange in turn; each variant is one capture.
fn variants(capture: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let Some(exchanges) = capture["exchanges"].as_array() else { return out };
    for (i, ex) in exchanges.iter().enumerate() {
        for side in ["requestHeaders", "responseHeaders"] {
            let Some(headers) = ex[side].as_array() else { continue };
            for (h, header) in headers.iter().enumerate() {
                let name = header["name"].as_str().unwrap_or("").to_ascii_lowercase();
                let value = header["value"].as_str().unwrap_or("");
                let mut planted = Vec::new();
                match name.as_str() {
                    // The first cookie's name.
                    "cookie" | "set-cookie" => planted.push(format!("{PAYLOAD}{value}")),
                    // Each quoted auth-param value.
                    "www-authenticate" | "proxy-authenticate" => {
                        for (q, _) in value.match_indices('"').step_by(2) {
                            let mut v = value.to_string();
                            v.insert_str(q + 1, &PAYLOAD.replace('"', "'"));
                            planted.push(v);
                        }
                    }
                    _ => planted.push(format!("{value}{PAYLOAD}")),
                }
                for v in planted {
                    let mut c = capture.clone();
                    c["exchanges"][i][side][h]["value"] = Value::String(v);
                    out.push(c);
                }
            }
        }
        if let Some(url) = ex["url"].as_str() {
            if let Some(p) = url.find("://").and_then(|s| url.get(s + 3..)?.find('/').map(|q| s + 3 + q)) {
                let mut c = capture.clone();
                let mut u = url.to_string();
                u.insert_str(p + 1, &PAYLOAD.replace(['"', '<', '`'], ""));
                c["exchanges"][i]["url"] = Value::String(u);
                out.push(c);
            }
        }
    }
    out
}

#[test]
fn snippets_keep_hostile_values_quoted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    let mut problems = std::collections::BTreeSet::new();
    let (mut snippets, mut planted_seen) = (0usize, 0usize);
    for p in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(p).expect("readable")).expect("JSON");
        let name = p.strip_prefix(&root).unwrap_or(p).display().to_string();
        for v in variants(&doc["capture"]) {
            let text = v.to_string();
            let Ok(capture) = serde_json::from_str::<Capture<'_>>(&text) else { continue };
            for d in authlens::diagnose::diagnose_capture(&capture) {
                for f in &d.findings {
                    for s in &f.fix.snippets {
                        snippets += 1;
                        planted_seen += usize::from(s.code.contains(MARK));
                        if let Err(e) = check_snippet(&s.lang, &s.code) {
                            problems.insert(format!("{name} {}: {e}", f.id.as_str()));
                        }
                    }
                }
            }
        }
    }
    let list: Vec<_> = problems.iter().take(60).cloned().collect();
    assert!(problems.is_empty(), "{} snippets run hostile text:\n{}", problems.len(), list.join("\n---\n"));
    // The test can fail: payloads do reach snippets (quoted), so the checks above ran on them.
    assert!(snippets > 1000 && planted_seen > 20, "snippets {snippets}, with the payload {planted_seen}");
}

#[test]
fn the_checks_catch_raw_interpolation() {
    assert!(check_snippet("shell", &format!("curl -s '{PAYLOAD}' | jq .")).is_err());
    assert!(check_snippet("shell", &format!("curl -s {}", authlens::quote::shell(PAYLOAD))).is_ok());
    assert!(check_snippet("js", &format!("fetch('{PAYLOAD}')")).is_err());
    assert!(check_snippet("js", &format!("fetch({})", authlens::quote::c_string(PAYLOAD))).is_ok());
    assert!(check_snippet("nginx", &format!("add_header X \"{PAYLOAD}\";")).is_err());
    assert!(check_snippet("html", &format!("<p>{PAYLOAD}</p>")).is_err());
    assert!(check_snippet("http", "Set-Cookie: Zq=1\r\nX: 1").is_err());
}
