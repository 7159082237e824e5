//! Golden scenarios: one capture per file under `tests/scenarios/**/` with the findings it must
//! (and must not) produce. A positive case and a near miss exist for every Tier-1 id.
//!
//! File format (JSON):
//! ```json
//! {"title": "…", "capture": {"exchanges": [ … model::Exchange, camelCase … ]},
//!  "expect": [{"entry": 0, "first": "jwt-expired", "includes": ["…"], "excludes": ["…"], "ids": ["…"]}]}
//! ```
//! `first` is the top-ranked id, `includes`/`excludes` are sets, `ids` (optional) is the exact ranked
//! list. Instead of `capture`, a scenario may hold `har`: a HAR 1.2 document as a browser exports it
//! (Firefox, Safari, Chrome), imported like `authlens check` imports a file. `BLESS=1 cargo test --test golden` rewrites every `ids` list from the actual output.

use authlens::catalogue::FindingId;
use authlens::correlate::Correlation;
use authlens::diagnose::diagnose_entry;
use authlens::model::Capture;
use serde_json::Value;
mod common;

use common::scenario_files;
use std::path::Path;

fn ids_of(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

#[test]
fn golden_scenarios() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    let bless = std::env::var("BLESS").is_ok_and(|v| v == "1");
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let mut doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // A scenario holds a `model::Capture`, or (`har`) a HAR log exactly as a browser exports it,
        // read by the same importer as `authlens check` (browser from `creator`/`browser`).
        let (capture_text, is_har) = match doc.get("har") {
            Some(h) => (h.to_string(), true),
            None => (doc["capture"].to_string(), false),
        };
        let capture: Capture<'_> = if is_har {
            authlens::har::parse(&capture_text).unwrap_or_else(|e| panic!("{}: har: {e}", path.display()))
        } else {
            serde_json::from_str(&capture_text).unwrap_or_else(|e| panic!("{}: capture: {e}", path.display()))
        };
        let corr = Correlation::build(&capture);
        let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        let expects = doc["expect"].as_array().cloned().unwrap_or_default();
        assert!(!expects.is_empty(), "{name}: no expectations");
        let mut blessed = Vec::new();
        for mut exp in expects {
            let entry = exp["entry"].as_u64().unwrap_or(0) as usize;
            let got: Vec<String> =
                diagnose_entry(&capture, &corr, entry).iter().map(|f| f.id.as_str().to_string()).collect();
            for id in ids_of(&exp["includes"]).iter().chain(ids_of(&exp["excludes"]).iter()) {
                assert!(FindingId::parse(id).is_some(), "{name}: {id} is not a catalogue id");
            }
            if let Some(first) = exp["first"].as_str() {
                if got.first().map(String::as_str) != Some(first) {
                    failures.push(format!("{name} entry {entry}: first should be {first}, got {got:?}"));
                }
            }
            for id in ids_of(&exp["includes"]) {
                if !got.contains(&id) {
                    failures.push(format!("{name} entry {entry}: missing {id}, got {got:?}"));
                }
            }
            for id in ids_of(&exp["excludes"]) {
                if got.contains(&id) {
                    failures.push(format!("{name} entry {entry}: must not report {id}, got {got:?}"));
                }
            }
            if bless {
                exp["ids"] = Value::from(got.clone());
            } else if exp.get("ids").is_some() && ids_of(&exp["ids"]) != got {
                failures.push(format!(
                    "{name} entry {entry}: ids {:?} != actual {got:?} (BLESS=1 to accept)",
                    ids_of(&exp["ids"])
                ));
            }
            blessed.push(exp);
            checked += 1;
        }
        if bless {
            doc["expect"] = Value::from(blessed);
            std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
        }
    }
    println!("golden: {checked} expectations in {} scenario files", files.len());
    assert!(failures.is_empty(), "{} golden failures:\n{}", failures.len(), failures.join("\n"));
}

/// Every Tier-1 id has a positive scenario (listed in `first` or `includes`) and a near miss (`excludes`).
#[test]
fn every_tier1_id_has_positive_and_near_miss() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files = Vec::new();
    scenario_files(&root, &mut files);
    let (mut pos, mut neg) = (std::collections::HashSet::new(), std::collections::HashSet::new());
    for path in &files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for exp in doc["expect"].as_array().cloned().unwrap_or_default() {
            if let Some(f) = exp["first"].as_str() {
                pos.insert(f.to_string());
            }
            pos.extend(ids_of(&exp["includes"]));
            neg.extend(ids_of(&exp["excludes"]));
        }
    }
    let missing: Vec<_> = FindingId::ALL
        .iter()
        .filter(|id| id.tier1())
        .filter(|id| !pos.contains(id.as_str()) || !neg.contains(id.as_str()))
        .map(|id| {
            format!(
                "{id} ({}{})",
                if pos.contains(id.as_str()) { "" } else { "no positive " },
                if neg.contains(id.as_str()) { "" } else { "no near-miss" }
            )
        })
        .collect();
    println!("tier-1 coverage: {}/{} ids have both a positive and a near-miss scenario", 76 - missing.len(), 76);
    assert!(missing.is_empty(), "Tier-1 ids without golden coverage:\n{}", missing.join("\n"));
}
