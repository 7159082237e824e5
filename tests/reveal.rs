//! "Reveal secrets" shows secrets and changes nothing else: on every golden scenario the revealed
//! analysis has the same entries, in the same order, with the same findings in the same order,
//! and every value that differs is one the redacted analysis marked as redacted.

use authlens::model::Capture;
use serde_json::Value;
mod common;

use common::scenario_files;
use std::path::Path;

/// Walks two JSON trees of the same analysis; records every place where they differ in shape,
/// or differ in a string the redacted side does not mark as redacted.
fn compare(path: &str, redacted: &Value, revealed: &Value, problems: &mut Vec<String>) {
    match (redacted, revealed) {
        (Value::Object(a), Value::Object(b)) => {
            if a.keys().ne(b.keys()) {
                problems.push(format!("{path}: different fields"));
                return;
            }
            for (k, v) in a {
                compare(&format!("{path}.{k}"), v, &b[k], problems);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                problems.push(format!("{path}: {} items redacted, {} revealed", a.len(), b.len()));
                return;
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                compare(&format!("{path}[{i}]"), x, y, problems);
            }
        }
        (Value::String(a), Value::String(b)) if a != b && !a.contains("redacted") => {
            problems.push(format!("{path}: {a:?} became {b:?} without a redaction mark"));
        }
        (Value::String(_), Value::String(_)) => {}
        (a, b) if a != b => problems.push(format!("{path}: {a} became {b}")),
        _ => {}
    }
}

#[test]
fn reveal_changes_only_secret_values() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    assert!(files.len() > 200, "golden scenarios found: {}", files.len());
    let mut problems = Vec::new();
    let mut secrets_shown = 0;
    for p in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(p).expect("readable")).expect("JSON");
        // Engine scenarios hold the browser's HAR export instead of a capture.
        let text = doc.get("har").unwrap_or(&doc["capture"]).to_string();
        let capture: Capture<'_> = if doc.get("har").is_some() {
            authlens::har::parse(&text).expect("har")
        } else {
            serde_json::from_str(&text).expect("capture")
        };
        let redacted = serde_json::to_value(authlens::analyze_with(&capture, false)).expect("serialises");
        let revealed = serde_json::to_value(authlens::analyze_with(&capture, true)).expect("serialises");
        if redacted != revealed {
            secrets_shown += 1;
        }
        let name = p.strip_prefix(&root).unwrap_or(p).display().to_string();
        compare(&name, &redacted, &revealed, &mut problems);
    }
    assert!(problems.is_empty(), "{} differences beyond secrets:\n{}", problems.len(), problems.join("\n"));
    // The test can fail: most scenarios carry a credential, so Reveal must change something.
    assert!(secrets_shown * 2 > files.len(), "Reveal changed only {secrets_shown} of {} analyses", files.len());
}
