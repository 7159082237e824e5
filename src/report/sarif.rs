//! SARIF 2.1.0 (OASIS) of an audit, for code-scanning dashboards that already read ZAP or
//! Semgrep output. One run; one rule per finding id; one result per finding.
//!
//! A result's physical location is the audited HAR file, as a path relative to where the audit
//! ran: GitHub code scanning only accepts `file`-scheme artifacts inside the checkout (an `https:`
//! URI fails the upload, github/codeql-action#754), so the request a finding rests on is a logical
//! location and `properties.url`. `partialFingerprints` make results stable across runs. Validated
//! against the vendored schema in `tests/sarif-schema-2.1.0.json`.

use crate::audit::{AuditFinding, Report};
use crate::catalogue::Severity;
use serde_json::{Value, json};
use std::collections::BTreeMap;

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score) per severity: error high, warn medium, info low.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "8.0",
        Severity::Warn => "5.0",
        Severity::Info => "2.0",
    }
}

/// The audited file as a relative URI reference: forward slashes, no leading `./`, and every byte
/// outside the unreserved set and `/` percent-encoded (codeql-action checks `uri-reference`).
fn file_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.trim_start_matches("./");
    let p = if p == "(stdin)" || p.is_empty() { "stdin.har" } else { p };
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stable fingerprint of a finding: its id and subject, hashed (FNV-1a, 64 bit).
fn fingerprint(f: &AuditFinding) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in f.id.as_str().bytes().chain([0]).chain(f.subject.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The SARIF log of `r`.
pub fn from_audit(r: &Report) -> Value {
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    for f in &r.findings {
        rules.entry(f.id.as_str()).or_insert_with(|| {
            json!({
                "id": f.id.as_str(),
                "name": f.id.as_str(),
                "shortDescription": { "text": f.title },
                "fullDescription": { "text": format!("{} Source: {}", f.title, f.source) },
                "help": { "text": f.fix.summary },
                "defaultConfiguration": { "level": level(f.severity) },
                "properties": {
                    "tags": ["security", "authentication", f.area.as_str()],
                    "security-severity": security_severity(f.severity),
                },
            })
        });
    }
    let order: Vec<&str> = rules.keys().copied().collect();
    let file = file_uri(&r.input.file);
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            // The first entry's request, as the audit shows it (redacted unless revealed).
            let url = f.evidence.iter().find(|e| e.label == "URL").map(|e| e.value.clone());
            json!({
                "ruleId": f.id.as_str(),
                "ruleIndex": order.iter().position(|id| *id == f.id.as_str()).unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": format!("{} {} Fix: {}", f.title, f.explanation, f.fix.summary) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": file } },
                    "logicalLocations": [{
                        "name": f.subject,
                        "fullyQualifiedName": format!("{}:{}", f.id.as_str(), f.subject),
                        "kind": "resource",
                    }],
                }],
                "partialFingerprints": { "authlensFinding/v1": fingerprint(f) },
                "properties": { "area": f.area.as_str(), "entries": f.entries, "browsers": f.browsers, "url": url },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "AuthLens",
                "version": r.version,
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "artifacts": [{ "location": { "uri": file } }],
            "results": results,
            "properties": { "grade": r.grade.as_str(), "score": r.score },
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::file_uri;

    #[test]
    fn the_artifact_is_a_relative_file_reference() {
        assert_eq!(file_uri("./captures/login flow.har"), "captures/login%20flow.har");
        assert_eq!(file_uri("a\\b.har"), "a/b.har");
        assert_eq!(file_uri("(stdin)"), "stdin.har");
        // Near miss: nothing that could read as a scheme or a query survives.
        assert_eq!(file_uri("https://x/y?z"), "https%3A//x/y%3Fz");
    }
}
