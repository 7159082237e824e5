//! Issue 10: no failed request is left without a finding (DIAGNOSES §0.7 rule 2), in any golden
//! scenario, example HAR or corpus capture. A failed request here is a 401 or 407, a 403 to a
//! script call that carried no credential, or a request the browser's CORS check stopped — unless
//! the same URL was requested again and succeeded (the first leg of HTTP authentication, a refresh
//! and retry: those are healthy). A 403 to a request whose credential went is the server's
//! permission decision, explained only when its text or challenge says more. A preflight counts
//! as explained when a flagged request points at it (the actual request carries the diagnosis).

use authlens::model::{Capture, Exchange};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
mod common;

/// Whether `ex` failed in a way a user would ask AuthLens about.
fn failed(ex: &Exchange<'_>) -> bool {
    let script = matches!(ex.resource_type.as_deref().map(str::to_ascii_lowercase).as_deref(), Some("fetch" | "xhr"));
    let credentialed = ex.request_headers.get("authorization").is_some() || ex.request_headers.get("cookie").is_some();
    match ex.status {
        401 | 407 => true,
        403 => script && !credentialed,
        0 => ex.cors_error.is_some(),
        _ => false,
    }
}

/// Whether a later request for the same URL succeeded (the failure was a normal first leg).
fn resolved_later(capture: &Capture<'_>, i: usize) -> bool {
    let Some(ex) = capture.exchanges.get(i) else { return false };
    let key = ex.url.split('#').next().unwrap_or("");
    capture.exchanges.iter().skip(i + 1).any(|e| e.url.split('#').next() == Some(key) && (200..400).contains(&e.status))
}

fn silent_entries(name: &str, capture: &Capture<'_>, out: &mut Vec<String>) {
    let diagnoses = authlens::diagnose::diagnose_capture(capture);
    // A run of spaces in a sentence is a broken string continuation in a rule (it has happened).
    for d in &diagnoses {
        for f in &d.findings {
            for text in [&f.title, &f.explanation, &f.fix.summary].into_iter().chain(&f.fix.steps) {
                if text.contains("   ") {
                    out.push(format!("{name}#{} {}: a run of spaces in \"{text}\"", d.index, f.id.as_str()));
                }
            }
        }
    }
    let mut flagged: BTreeSet<usize> = diagnoses.iter().map(|d| d.index).collect();
    let referenced = diagnoses.iter().flat_map(|d| d.findings.iter().flat_map(|f| f.related.iter().copied()));
    flagged.extend(referenced.filter(|&i| capture.exchanges.get(i).is_some_and(|e| e.method == "OPTIONS")));
    for (i, ex) in capture.exchanges.iter().enumerate() {
        if failed(ex) && !resolved_later(capture, i) && !flagged.contains(&i) {
            out.push(format!("{name}#{i} {} {} {}", ex.method, ex.status, ex.url));
        }
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == ext)).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn no_failed_request_is_left_without_a_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut silent = Vec::new();
    let mut checked = 0;
    let mut scenarios = Vec::new();
    common::scenario_files(&root.join("tests/scenarios"), &mut scenarios);
    for path in &scenarios {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let name = path.strip_prefix(root).unwrap_or(path).display().to_string();
        let text = doc.get("har").unwrap_or(&doc["capture"]).to_string();
        let capture: Capture<'_> = if doc.get("har").is_some() {
            authlens::har::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
        };
        silent_entries(&name, &capture, &mut silent);
        checked += 1;
    }
    for dir in ["examples", "tests/corpus", "tests/audit"] {
        for path in files(&root.join(dir), "har") {
            let bytes = std::fs::read(&path).unwrap();
            let name = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            let capture = authlens::har::parse_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            silent_entries(&name, &capture, &mut silent);
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} captures found");
    assert!(
        silent.is_empty(),
        "{} failed requests without a finding (or broken text):\n  {}",
        silent.len(),
        silent.join("\n  ")
    );
}
