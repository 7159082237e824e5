//! SARIF 2.1.0 (OASIS) of an audit, for code-scanning dashboards that already read ZAP or
//! Semgrep output. One run; one rule per finding id; one result per finding, located at the URL
//! of the first entry it rests on. `partialFingerprints` make results stable across runs.
//! Validated against the vendored schema in `tests/sarif-schema-2.1.0.json`.

use crate::audit::{AuditFinding, Report};
use crate::catalogue::Severity;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Where a finding id is documented.
const HELP_URI: &str = "https://github.com/authlens/authlens/blob/main/README.md#audit-ids";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
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

/// The SARIF log of `r`. `uri` of each result is the (redacted unless revealed) URL of the first
/// entry the finding rests on, or the input file when it has none.
pub fn from_audit(r: &Report) -> Value {
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    for f in &r.findings {
        rules.entry(f.id.as_str()).or_insert_with(|| {
            json!({
                "id": f.id.as_str(),
                "name": f.id.as_str(),
                "shortDescription": { "text": f.title },
                "fullDescription": { "text": format!("{} Source: {}", f.title, f.source) },
                "helpUri": HELP_URI,
                "help": { "text": f.fix.summary },
                "defaultConfiguration": { "level": level(f.severity) },
                "properties": { "tags": ["security", "authentication", f.area.as_str()] },
            })
        });
    }
    let order: Vec<&str> = rules.keys().copied().collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let uri = f
                .evidence
                .iter()
                .find(|e| e.label == "URL")
                .map(|e| e.value.clone())
                .unwrap_or_else(|| f.subject.clone());
            let location = if uri.starts_with("http://") || uri.starts_with("https://") {
                json!({ "physicalLocation": { "artifactLocation": { "uri": uri } },
                        "logicalLocations": [{ "name": f.subject, "kind": "resource" }] })
            } else {
                json!({ "physicalLocation": { "artifactLocation": { "uri": r.input.file } },
                        "logicalLocations": [{ "name": f.subject, "kind": "resource" }] })
            };
            json!({
                "ruleId": f.id.as_str(),
                "ruleIndex": order.iter().position(|id| *id == f.id.as_str()).unwrap_or(0),
                "level": level(f.severity),
                "message": { "text": format!("{} {} Fix: {}", f.title, f.explanation, f.fix.summary) },
                "locations": [location],
                "partialFingerprints": { "authlensFinding/v1": fingerprint(f) },
                "properties": {
                    "area": f.area.as_str(),
                    "entries": f.entries,
                    "browsers": f.browsers,
                },
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
                "informationUri": "https://github.com/authlens/authlens",
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "artifacts": [{ "location": { "uri": r.input.file } }],
            "results": results,
            "properties": { "grade": r.grade.as_str(), "score": r.score },
        }],
    })
}
