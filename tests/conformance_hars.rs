//! Conformance of the HAR importer on real exports from other projects (../shared/peer/hars):
//! every file either imports (and then diagnoses and renders in every format) or fails with a
//! clear error, and never panics. Where MANIFEST.json profiles a file, the import must agree
//! with it: the number of entries, and how many entries carry `Authorization`, `Cookie`,
//! `Origin`, `Set-Cookie` and any `Access-Control-*` header.

use authlens::har::{self, HarError};
use authlens::model::Capture;
use authlens::report::{self, Report};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Files whose import deliberately differs from the manifest, with the reason.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    // Python's json refuses a BOM; browsers' exports sometimes carry one and we accept it.
    ("mitmproxy__mitmproxy/test__mitmproxy__data__har_files__with-bom.har", "BOM accepted (manifest: json error)"),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ManifestEntry {
    file: String,
    error: Option<String>,
    entries: Option<usize>,
    req_authorization: Option<usize>,
    req_cookie: Option<usize>,
    req_origin: Option<usize>,
    set_cookie: Option<usize>,
    acao_resp: Option<usize>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer/hars")
}

/// How many exchanges have a header named `name` (or, ending in `*`, starting with it) on the
/// request or on the response.
fn count(c: &Capture<'_>, name: &str, response: bool) -> usize {
    let matches = |h: &str| match name.strip_suffix('*') {
        Some(prefix) => {
            h.len() >= prefix.len() && h.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        }
        None => h.eq_ignore_ascii_case(name),
    };
    c.exchanges
        .iter()
        .filter(|x| if response { &x.response_headers } else { &x.request_headers }.0.iter().any(|h| matches(&h.name)))
        .count()
}

/// Imports, diagnoses and renders one file; `Err` explains a disagreement with the manifest.
fn check(m: &ManifestEntry, bytes: &[u8]) -> Result<(), String> {
    match har::parse_bytes(bytes) {
        Ok(c) => {
            let diagnoses = authlens::diagnose::diagnose_capture(&c);
            let rep = Report::build(&m.file, &c, &diagnoses, false);
            let json = serde_json::to_string(&rep).map_err(|e| e.to_string())?;
            let _ = (report::text::render(&rep, true), report::markdown::render(&rep), json);
            let _ = authlens::analyze(&c);
            for x in &c.exchanges {
                let _ = report::curl::curl(x, false);
            }
            if let Some(e) = &m.error {
                return Err(format!("imported, but the manifest says it is broken ({e})"));
            }
            let checks = [
                ("entries", m.entries, c.exchanges.len()),
                ("req_authorization", m.req_authorization, count(&c, "authorization", false)),
                ("req_cookie", m.req_cookie, count(&c, "cookie", false)),
                ("req_origin", m.req_origin, count(&c, "origin", false)),
                ("set_cookie", m.set_cookie, count(&c, "set-cookie", true)),
                ("acao_resp", m.acao_resp, count(&c, "access-control-*", true)),
            ];
            for (what, want, got) in checks {
                // A profile count the manifest leaves out means zero, except `entries` (unknown).
                let want = match (what, want) {
                    ("entries", None) => continue,
                    (_, w) => w.unwrap_or(0),
                };
                if want != got {
                    return Err(format!("{what}: manifest {want}, imported {got}"));
                }
            }
            Ok(())
        }
        Err(e) => {
            let msg = e.to_string();
            if msg.trim().is_empty() {
                return Err("empty error message".to_string());
            }
            // Shape errors must say where; syntax errors must give a line.
            match &e {
                HarError::Shape { path, line, .. } if path.is_empty() || *line == 0 => {
                    return Err(format!("error without a place: {msg}"));
                }
                HarError::Syntax { line: 0, .. } | HarError::Truncated { line: 0, .. } => {
                    return Err(format!("error without a line: {msg}"));
                }
                _ => {}
            }
            if m.error.is_none() && m.entries.is_some() {
                return Err(format!("a valid HAR by the manifest was refused: {msg}"));
            }
            Ok(())
        }
    }
}

#[test]
fn peer_hars_import_or_fail_clearly() {
    let dir = root();
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.json")).expect("peer HAR manifest");
    let entries: Vec<ManifestEntry> = serde_json::from_str(&manifest).expect("manifest JSON");
    assert!(entries.len() >= 60, "manifest shrank: {}", entries.len());
    let (mut handled, mut agreed) = (0, 0);
    let mut failures = Vec::new();
    for m in &entries {
        let bytes = std::fs::read(dir.join(&m.file)).unwrap_or_else(|e| panic!("{}: {e}", m.file));
        let outcome = std::panic::catch_unwind(|| check(m, &bytes));
        match outcome {
            Err(_) => failures.push(format!("{}: PANIC", m.file)),
            Ok(r) => {
                handled += 1;
                let known = KNOWN_DIVERGENCES.iter().any(|(f, _)| *f == m.file);
                match r {
                    Ok(()) => {
                        agreed += 1;
                        assert!(!known, "{} agrees now: remove it from KNOWN_DIVERGENCES", m.file);
                    }
                    Err(why) if known => println!("  known divergence {}: {why}", m.file),
                    Err(why) => failures.push(format!("{}: {why}", m.file)),
                }
            }
        }
    }
    let total = entries.len();
    println!("conformance hars: {handled}/{total} handled");
    println!(
        "conformance hars-profile: {agreed}/{total} ({:.1}%) agree with the manifest",
        100.0 * agreed as f64 / total as f64
    );
    assert!(failures.is_empty(), "unexpected outcomes:\n{}", failures.join("\n"));
    assert_eq!(handled, total);
}
