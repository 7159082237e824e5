//! `authlens audit` end to end on the sign-in fixtures of tests/audit/: the ids each flow must
//! raise (expect.json, written before the audit ran), clean flows, every format, exit codes,
//! redaction, and SARIF checked against the vendored OASIS 2.1.0 schema.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/audit").join(format!("{name}.har"))
}

fn audit(name: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authlens"))
        .arg("audit")
        .arg(fixture(name))
        .args(args)
        .output()
        .expect("run authlens")
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(o)))
}

fn expectations() -> serde_json::Value {
    let raw = std::fs::read_to_string(root().join("tests/audit/expect.json")).expect("expect.json");
    serde_json::from_str(&raw).expect("expect.json parses")
}

const FLOWS: &[&str] = &["good-login", "refresh-and-logout", "bad-login"];

#[test]
fn each_flow_raises_what_its_design_says() {
    let exp = expectations();
    for flow in FLOWS {
        let e = &exp[*flow];
        let o = audit(flow, &["--format", "json"]);
        assert_eq!(o.status.code(), Some(0), "{flow}: {}", String::from_utf8_lossy(&o.stderr));
        let r = json(&o);
        assert_eq!(r["kind"], "audit");
        assert_eq!(r["grade"], e["grade"], "{flow}: {}", r["summary"]);
        let ids: Vec<&str> =
            r["findings"].as_array().expect("findings").iter().filter_map(|f| f["id"].as_str()).collect();
        for want in e["ids"].as_array().expect("ids") {
            assert!(ids.contains(&want.as_str().expect("id")), "{flow}: {want} missing from {ids:?}");
        }
        if e["clean"] == true {
            assert_eq!(
                (r["summary"]["errors"].as_u64(), r["summary"]["warnings"].as_u64()),
                (Some(0), Some(0)),
                "{flow}: {ids:?}"
            );
        }
        for f in r["findings"].as_array().expect("findings") {
            for k in ["id", "severity", "title", "explanation", "source", "area"] {
                assert!(f[k].as_str().is_some_and(|s| !s.is_empty()), "{flow}: {k} of {f}");
            }
            assert!(f["fix"]["summary"].is_string() && f["evidence"].is_array() && f["related"].is_array());
            let entries = f["entries"].as_array().expect("entries");
            assert!(!entries.is_empty(), "{flow}: {} rests on no entry", f["id"]);
            let area = f["area"].as_str().unwrap_or("");
            let verdicts = f["browsers"].as_array().map_or(0, Vec::len);
            assert_eq!(verdicts, if area == "cookies" || area == "cors" { 3 } else { 0 }, "{flow}: {}", f["id"]);
        }
        assert_eq!(r["areas"].as_array().map(Vec::len), Some(5));
        assert_eq!(r["browsers"].as_array().map(Vec::len), Some(3));
    }
}

#[test]
fn fail_on_gates_ci() {
    assert_eq!(audit("bad-login", &["--fail-on", "error"]).status.code(), Some(1));
    assert_eq!(audit("bad-login", &["--fail-on", "warn", "--format", "sarif"]).status.code(), Some(1));
    assert_eq!(audit("good-login", &["--fail-on", "warn"]).status.code(), Some(0));
    assert_eq!(audit("refresh-and-logout", &["--fail-on", "warn"]).status.code(), Some(0));
    assert_eq!(audit("bad-login", &[]).status.code(), Some(0), "without --fail-on the audit ran, exit 0");
    // Usage errors exit 2; sarif is an audit format only.
    let o = Command::new(env!("CARGO_BIN_EXE_authlens"))
        .args(["check", fixture("bad-login").to_str().expect("path"), "--format", "sarif"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(audit("no-such-flow", &[]).status.code(), Some(2));
}

/// Secrets planted in the flows (make_fixtures.py): a password, session and auth cookies, a token in a URL.
const SECRETS: &[&str] =
    &["hunter2-bad", "YmFkLXNlc3Npb24tdmFsdWU", "YXV0aC10b2tlbg", "bGVha2VkLXRva2Vu", "correct-horse-battery"];

#[test]
fn secrets_stay_redacted_in_every_format_until_revealed() {
    for flow in FLOWS {
        for format in ["text", "json", "markdown", "sarif"] {
            let out = text(&audit(flow, &["--format", format]));
            for s in SECRETS {
                assert!(!out.contains(s), "{flow} --format {format} leaks {s}");
            }
        }
    }
    // Revealed, at least one planted secret shows: the redaction hid something real.
    let out = text(&audit("bad-login", &["--format", "json", "--reveal-secrets"]));
    assert!(SECRETS.iter().any(|s| out.contains(s)), "nothing revealed: the test would pass vacuously");
}

#[test]
fn sarif_is_valid_2_1_0() {
    for flow in FLOWS {
        let o = audit(flow, &["--format", "sarif"]);
        assert_eq!(o.status.code(), Some(0));
        let v = json(&o);
        assert_eq!(v["version"], "2.1.0");
        let results = v["runs"][0]["results"].as_array().expect("results").len();
        let findings = json(&audit(flow, &["--format", "json"]))["findings"].as_array().expect("findings").len();
        assert_eq!(results, findings, "{flow}: one result per finding");
        // GitHub code scanning accepts only file-scheme artifacts in the checkout: no result URI
        // may carry a scheme (https: URIs fail the upload).
        for r in v["runs"][0]["results"].as_array().expect("results") {
            let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().expect("uri");
            assert!(!uri.contains("://") && !uri.contains(':'), "{flow}: result URI {uri}");
        }
        let mut child = Command::new("python3")
            .arg(root().join("tests/validate_sarif.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 (with jsonschema, installed by build.sh) validates SARIF");
        child.stdin.take().expect("stdin").write_all(&o.stdout).expect("write");
        let r = child.wait_with_output().expect("validator");
        assert!(
            r.status.success(),
            "{flow}: SARIF fails the 2.1.0 schema:\n{}{}",
            String::from_utf8_lossy(&r.stdout),
            String::from_utf8_lossy(&r.stderr)
        );
    }
}

#[test]
fn text_and_markdown_lead_with_the_grade() {
    let t = text(&audit("bad-login", &["--format", "text", "--color", "never"]));
    assert!(t.starts_with("AuthLens audit") && t.contains("grade F"), "{}", &t[..t.len().min(300)]);
    assert!(!t.contains('\x1b'), "no colour when told never");
    let md = text(&audit("good-login", &["--format", "markdown"]));
    assert!(md.contains("**Grade A**") && md.contains("No problems found"), "{md}");
    let md = text(&audit("bad-login", &["--format", "markdown"]));
    assert!(
        md.contains("## Across browsers") && md.contains("| `cookie-samesite-unset` | blocked | works | works |"),
        "{md}"
    );
}
