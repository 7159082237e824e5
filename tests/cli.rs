//! The `authlens` binary end to end: formats, exit codes, redaction, stdin, bad input, and the
//! JSON contract (checked by the shared validator, ../shared/tools/check-json-contract.py).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_authlens"))
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "har"))
        .collect();
    v.sort();
    assert!(v.len() >= 7, "examples missing: {v:?}");
    v
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run authlens")
}

fn run_with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn authlens");
    child.stdin.take().expect("stdin").write_all(input).expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// Runs the shared contract validator on a JSON report; exit 0 required.
fn assert_contract(report: &[u8], what: &str) {
    let tool = root().join("../shared/tools/check-json-contract.py");
    assert!(tool.exists(), "contract validator missing at {}", tool.display());
    let mut child = Command::new("python3")
        .arg(&tool)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to validate the JSON contract");
    child.stdin.take().expect("stdin").write_all(report).expect("write report");
    let out = child.wait_with_output().expect("validator");
    assert!(out.status.success(), "{what}: contract violated:\n{}{}", stdout(&out), stderr(&out));
}

/// Raw secrets inside the example captures (passwords, tokens, cookie values).
const SECRETS: &[&str] = &[
    "correct-horse-battery",
    "Tr0ub4dor",
    "s3cure-Passw0rd",
    "another-secret-1",
    "7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b",
    "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
    "0cdd607945dd1dffb7da0b0bf5f1a7daa6218cbae14cac51dcbd91fb077aeb5f",
    "c2VydmVyLXNpZGUtc2Vzc2lvbi0xMjM0NTY3ODkw",
    "WidgetToken0042",
];

#[test]
fn help_and_version() {
    for flag in ["--help", "-h"] {
        let o = run(&[flag]);
        assert_eq!(o.status.code(), Some(0));
        assert!(stdout(&o).contains("authlens check FILE.har"), "{}", stdout(&o));
    }
    let o = run(&["check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    for flag in ["--version", "-V"] {
        let o = run(&[flag]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(stdout(&o).trim(), format!("authlens {}", env!("CARGO_PKG_VERSION")));
    }
}

#[test]
fn every_example_in_every_format() {
    for f in examples() {
        let path = f.to_str().expect("path");
        for format in ["text", "json", "markdown"] {
            let o = run(&["check", path, "--format", format]);
            assert_eq!(o.status.code(), Some(0), "{path} {format}: {}", stderr(&o));
            assert!(o.stderr.is_empty(), "{path} {format}: stderr {}", stderr(&o));
            let out = stdout(&o);
            assert!(!out.contains("\x1b["), "{path} {format}: colour on a pipe");
            match format {
                "json" => assert_contract(&o.stdout, path),
                "text" => assert!(out.contains("Summary: "), "{out}"),
                _ => assert!(out.starts_with("# AuthLens report"), "{out}"),
            }
        }
    }
}

/// What each example must show first, as examples/README.md promises: (file, entry, first id).
const EXPECTED_TOP: &[(&str, usize, &str)] = &[
    ("spa-jwt-expired.har", 3, "jwt-expired"),
    ("cross-site-cookie-samesite-lax.har", 4, "cookie-samesite-lax-excluded"),
    ("cors-error-masks-401.har", 3, "jwt-audience-mismatch"),
    ("cors-preflight-blocked-by-auth.har", 3, "cors-preflight-blocked-by-auth"),
    ("login-samesite-none-insecure.har", 1, "set-cookie-samesite-none-insecure"),
    ("login-samesite-none-insecure.har", 2, "set-cookie-samesite-none-insecure"),
    ("cookie-default-path-too-narrow.har", 2, "set-cookie-default-path-too-narrow"),
    ("cookie-default-path-too-narrow.har", 4, "cookie-not-on-path"),
    ("spa-jwt-expired-sanitized.har", 3, "bearer-invalid-token"),
];

/// A DevTools "Export HAR (sanitized)" capture gets the notice first and no "nothing was sent";
/// a full export gets no notice (the JSON then is exactly the contract's shape).
#[test]
fn sanitized_export_is_called_out() {
    let path = example("spa-jwt-expired-sanitized.har");
    let path = path.to_str().expect("path");
    let r = json(&run(&["check", path, "--format", "json"]));
    assert_eq!(r["notices"][0]["id"], "har-credential-headers-removed", "{r}");
    let ids: Vec<&str> = r["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .flat_map(|e| e["findings"].as_array().into_iter().flatten())
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(!ids.contains(&"no-credentials-sent"), "{ids:?}");
    let text = stdout(&run(&["check", path]));
    let note = text.find("Export HAR (with sensitive data)").expect("the text report says how to re-export");
    assert!(note < text.find("#3 GET").expect("entry #3"), "the note comes before the findings");
    let md = stdout(&run(&["check", path, "--format", "markdown"]));
    assert!(md.contains("> **Note: This HAR was exported without cookies"), "{md}");
    let full = json(&run(&["check", example("spa-jwt-expired.har").to_str().expect("path"), "--format", "json"]));
    assert!(full.get("notices").is_none(), "{full}");
}

#[test]
fn examples_show_what_the_readme_promises() {
    for (file, index, first) in EXPECTED_TOP {
        let o = run(&["check", example(file).to_str().expect("path"), "--format", "json"]);
        let r = json(&o);
        let entries = r["entries"].as_array().expect("entries");
        let e = entries.iter().find(|e| e["index"] == *index).unwrap_or_else(|| panic!("{file}: #{index} not flagged"));
        assert_eq!(e["findings"][0]["id"], *first, "{file} #{index}: {e}");
    }
    let extra =
        [("cors-error-masks-401.har", 3, "cors-error-masks-401"), ("spa-jwt-expired.har", 3, "bearer-invalid-token")];
    for (file, index, id) in extra {
        let r = json(&run(&["check", example(file).to_str().expect("path"), "--format", "json"]));
        let e = r["entries"].as_array().expect("entries").iter().find(|e| e["index"] == index).expect("entry");
        assert!(e["findings"].as_array().expect("findings").iter().any(|f| f["id"] == id), "{file}: {id} missing");
    }
    let healthy = json(&run(&["check", example("healthy-flow.har").to_str().expect("path"), "--format", "json"]));
    assert_eq!(healthy["entries"].as_array().map(Vec::len), Some(0), "healthy flow flagged: {healthy}");
}

#[test]
fn fail_on_sets_exit_code_1() {
    let jwt = example("spa-jwt-expired.har");
    let jwt = jwt.to_str().expect("path");
    let healthy = example("healthy-flow.har");
    let healthy = healthy.to_str().expect("path");
    let path_warn = example("cookie-default-path-too-narrow.har");
    assert_eq!(run(&["check", jwt, "--fail-on", "error"]).status.code(), Some(1));
    assert_eq!(run(&["check", jwt, "--fail-on=warn", "--format", "json"]).status.code(), Some(1));
    assert_eq!(run(&["check", jwt]).status.code(), Some(0), "no --fail-on: exit 0 despite findings");
    assert_eq!(run(&["check", healthy, "--fail-on", "warn"]).status.code(), Some(0));
    assert_eq!(run(&["check", healthy, "--fail-on", "error"]).status.code(), Some(0));
    // Exit 1 exactly when the summary has a finding at the level or worse.
    for f in examples() {
        let path = f.to_str().expect("path");
        let r = json(&run(&["check", path, "--format", "json"]));
        let (errors, warnings) = (r["summary"]["errors"].as_u64(), r["summary"]["warnings"].as_u64());
        let (errors, warnings) = (errors.expect("errors"), warnings.expect("warnings"));
        let code = |level| run(&["check", path, "--fail-on", level]).status.code();
        assert_eq!(code("error"), Some(if errors > 0 { 1 } else { 0 }), "{path}");
        assert_eq!(code("warn"), Some(if errors + warnings > 0 { 1 } else { 0 }), "{path}");
    }
    assert!(path_warn.exists());
}

#[test]
fn secrets_redacted_unless_revealed() {
    let mut revealed_any = false;
    for f in examples() {
        let path = f.to_str().expect("path");
        for format in ["text", "json", "markdown"] {
            let out = stdout(&run(&["check", path, "--format", format]));
            for s in SECRETS {
                assert!(!out.contains(s), "{path} {format}: secret {s} leaked:\n{out}");
            }
            // The JWT of the expired-token example, whole or its signature.
            assert!(!out.contains("eyJpc3Mi"), "{path} {format}: JWT payload leaked");
        }
        let plain = json(&run(&["check", path, "--format", "json"]));
        let shown = json(&run(&["check", path, "--format", "json", "--reveal-secrets"]));
        let evidence = |r: &serde_json::Value| -> Vec<String> {
            r["entries"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|e| e["findings"].as_array().into_iter().flatten())
                .flat_map(|f| f["evidence"].as_array().into_iter().flatten())
                .map(|e| e["value"].as_str().unwrap_or("").to_string())
                .collect()
        };
        let (a, b) = (evidence(&plain), evidence(&shown));
        assert_eq!(a.len(), b.len(), "{path}: same evidence either way");
        for (x, y) in a.iter().zip(&b) {
            if x != y {
                revealed_any = true;
                assert!(x.contains("redacted"), "{path}: a revealed value differs from a non-redacted one: {x} / {y}");
            }
        }
    }
    assert!(revealed_any, "--reveal-secrets revealed nothing in any example");
}

#[test]
fn reveal_shows_the_token() {
    let o =
        run(&["check", example("spa-jwt-expired.har").to_str().expect("path"), "--reveal-secrets", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("eyJ"), "revealed report lacks the token: {}", stdout(&o));
}

#[test]
fn stdin_gives_the_same_report() {
    let path = example("cors-error-masks-401.har");
    let bytes = std::fs::read(&path).expect("example");
    let from_file = json(&run(&["check", path.to_str().expect("path"), "--format", "json"]));
    let o = run_with_stdin(&["check", "-", "--format", "json"], &bytes);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let from_stdin = json(&o);
    assert_eq!(from_stdin["input"]["file"], "(stdin)");
    assert_eq!(from_stdin["entries"], from_file["entries"]);
    assert_eq!(from_stdin["summary"], from_file["summary"]);
    assert_contract(&o.stdout, "stdin");
}

#[test]
fn bad_input_exits_2_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("authlens-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let cases: &[(&str, &[u8], &str)] = &[
        ("truncated.har", br#"{"log":{"entries":[{"request":"#, "ends early"),
        ("not-json.har", b"<html>not a har</html>", "not valid JSON at line 1"),
        ("wrong-shape.har", br#"{"log":{"entries":[{"request":{"headers":"x"}}]}}"#, "log.entries[0].request.headers"),
        ("not-har.json", br#"{"hello":"world"}"#, "not a HAR file"),
        ("empty.har", b"", "empty"),
        ("binary.har", b"\xff\xfe\x00\x01", "not UTF-8"),
    ];
    for (name, bytes, needle) in cases {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write");
        let o = run(&["check", p.to_str().expect("path")]);
        assert_eq!(o.status.code(), Some(2), "{name}");
        assert!(o.stdout.is_empty(), "{name}: stdout {}", stdout(&o));
        let err = stderr(&o);
        assert!(err.starts_with("authlens: "), "{name}: {err}");
        assert!(err.contains(needle), "{name}: expected '{needle}' in: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        let o = run_with_stdin(&["check", "-"], bytes);
        assert_eq!(o.status.code(), Some(2), "{name} on stdin");
        assert!(stderr(&o).contains(needle), "{name} on stdin: {}", stderr(&o));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let o = run(&["check", "/nonexistent/authlens/capture.har"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read /nonexistent/authlens/capture.har"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    let ex = example("healthy-flow.har");
    let ex = ex.to_str().expect("path");
    let cases: &[(&[&str], &str)] = &[
        (&[], "no command"),
        (&["frobnicate"], "unknown command"),
        (&["check"], "no HAR file"),
        (&["check", ex, "--format", "yaml"], "unknown format 'yaml'"),
        (&["check", ex, "--format"], "--format needs a value"),
        (&["check", ex, "--fail-on", "info"], "unknown --fail-on level"),
        (&["check", ex, "--bogus"], "unknown option '--bogus'"),
        (&["check", ex, ex], "more than one input file"),
    ];
    for (args, needle) in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("Usage:"), "{args:?}: usage not shown");
    }
}

#[test]
fn colour_only_when_asked_or_on_a_tty() {
    let ex = example("spa-jwt-expired.har");
    let ex = ex.to_str().expect("path");
    let plain = stdout(&run(&["check", ex]));
    assert!(!plain.contains('\x1b'), "a pipe gets no colour");
    let coloured = stdout(&run(&["check", ex, "--color", "always"]));
    assert!(coloured.contains("\x1b[1;31mERROR"), "{coloured}");
    let stripped =
        coloured.replace("\x1b[0m", "").replace("\x1b[1;31m", "").replace("\x1b[1m", "").replace("\x1b[2m", "");
    assert!(!stripped.is_empty());
    assert!(plain.contains("jwt-expired") && plain.contains("Fix:") && plain.contains("Evidence:"), "{plain}");
}
