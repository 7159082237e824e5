//! Conformance of `headers::jwt` against two peer suites:
//! - `jwt`: RFC 7519 §3.1/§6.1, jwt.io, and auth0/jwt-decode's test cases (decoded header/payload,
//!   UTF-8 and latin-1 payloads, padding, and the malformed tokens with the part they fail in);
//! - `jose-cookbook`: RFC 7520 — every compact JWS decodes with the protected header's `alg`/`kid`,
//!   every compact JWE is recognised as a JWE with its `alg`/`enc`/`kid`.

use authlens::headers::jwt::{self, JwtError, Kind, Part, Payload};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn peer(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peer").join(rel)
}

/// Cases we deliberately decide differently from the peer, with the reason. Empty: none so far.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[];

fn report(suite: &str, passed: usize, total: usize, failures: &[String], min_pct: f64) {
    let pct = if total == 0 { 0.0 } else { 100.0 * passed as f64 / total as f64 };
    println!("conformance {suite}: {passed}/{total} ({pct:.1}%)");
    let unexpected: Vec<_> =
        failures.iter().filter(|f| !KNOWN_DIVERGENCES.iter().any(|(id, _)| f.starts_with(&format!("{id}:")))).collect();
    assert!(unexpected.is_empty(), "{suite}: unexpected failures:\n{}", failures.join("\n"));
    assert!(pct >= min_pct, "{suite}: pass rate {pct:.1}% below {min_pct}%");
}

/// Maps jwt-decode's error strings to the part and error we must give.
type ErrorCheck = fn(JwtError) -> bool;

fn expected_error(msg: &str) -> Option<(Part, &'static [ErrorCheck])> {
    let part = if msg.contains("#1") { Part::Header } else { Part::Payload };
    let m = msg.to_ascii_lowercase();
    let checks: &'static [ErrorCheck] = if m.contains("missing part") || m.contains("no part") {
        &[|e| e == JwtError::NotCompact]
    } else if m.contains("base64") {
        &[|e| matches!(e, JwtError::Base64(_))]
    } else if m.contains("json") {
        &[|e| matches!(e, JwtError::NotJson(_) | JwtError::NotObject(_) | JwtError::Truncated(_))]
    } else {
        return None;
    };
    Some((part, checks))
}

fn check_vector(v: &Value) -> Result<(), String> {
    let token = v["token"].as_str().ok_or("no token")?;
    if let Some(msg) = v["error"].as_str() {
        let (part, checks) = expected_error(msg).ok_or(format!("unknown error text {msg}"))?;
        let part = if v["decode_header"].as_bool() == Some(true) { Part::Header } else { part };
        return match jwt::decode_part(token, part) {
            Ok(m) => Err(format!("decoded part #{} although the peer fails: {m:?}", part.number())),
            Err(e) if checks.iter().any(|c| c(e)) && error_part_ok(e, part) => Ok(()),
            Err(e) => Err(format!("error {e:?}, peer says {msg}")),
        };
    }
    let j = jwt::decode(token).map_err(|e| format!("decode failed: {e}"))?;
    if let Some(h) = v["header"].as_object() {
        if &j.header != h {
            return Err(format!("header {:?} != {h:?}", j.header));
        }
    }
    let claims = j.claims().ok_or(format!("payload not claims: {:?}", j.payload))?;
    if let Some(p) = v["payload"].as_object() {
        if claims != p {
            return Err(format!("payload {claims:?} != {p:?}"));
        }
    }
    if let Some(name) = v["payload_name"].as_str() {
        if claims.get("name").and_then(Value::as_str) != Some(name) {
            return Err(format!("name {:?} != {name}", claims.get("name")));
        }
    }
    if let Some(alg) = v["header"]["alg"].as_str() {
        let want = if alg == "none" { Kind::Unsecured } else { Kind::Jws };
        if j.kind != want {
            return Err(format!("kind {:?}, want {want:?}", j.kind));
        }
    }
    if let Some(exp) = v["expired_at_unix"].as_i64() {
        if j.exp().and_then(jwt::TimeClaim::secs) != Some(exp) {
            return Err(format!("exp {:?} != {exp}", j.exp()));
        }
    }
    Ok(())
}

/// The error must be about the part that was asked for (a missing part has no part).
fn error_part_ok(e: JwtError, part: Part) -> bool {
    match e {
        JwtError::Base64(p) | JwtError::NotJson(p) | JwtError::NotObject(p) | JwtError::Truncated(p) => p == part,
        _ => true,
    }
}

#[test]
fn conformance_jwt_vectors() {
    let text = std::fs::read_to_string(peer("jwt/jwt_vectors.json")).expect("peer suite jwt/jwt_vectors.json");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let vectors = doc["vectors"].as_array().unwrap();
    let mut failures = Vec::new();
    for v in vectors {
        let id = v["id"].as_str().unwrap_or("?");
        if let Err(e) = check_vector(v) {
            failures.push(format!("{id}: {e}"));
        }
    }
    let total = vectors.len();
    assert_eq!(total, 15, "the suite has 15 vectors");
    report("jwt", total - failures.len(), total, &failures, 100.0);
}

/// Every `{"compact": "..."}` output of the cookbook file, with the protected header it was built from.
fn compact_cases(doc: &Value, out: &mut Vec<(String, Value)>) {
    // The nesting example has `sign` and `encrypt` sections; the others have one top-level section.
    let sections: Vec<&Value> = match (doc.get("sign"), doc.get("encrypt")) {
        (Some(s), Some(e)) => vec![s, e],
        _ => vec![doc],
    };
    for s in sections {
        let Some(compact) = s["output"]["compact"].as_str() else { continue };
        let protected = if !s["signing"]["protected"].is_null() {
            s["signing"]["protected"].clone()
        } else {
            s["encrypting_content"]["protected"].clone()
        };
        out.push((compact.to_string(), protected));
    }
}

fn check_cookbook(compact: &str, protected: &Value) -> Result<(), String> {
    let j = jwt::decode(compact).map_err(|e| format!("decode failed: {e}"))?;
    let segments = compact.split('.').count();
    let want_kind = if segments == 5 { Kind::Jwe } else { Kind::Jws };
    if j.kind != want_kind {
        return Err(format!("kind {:?}, want {want_kind:?}", j.kind));
    }
    if Value::Object(j.header.clone()) != *protected {
        return Err(format!("header {:?} != protected {protected}", j.header));
    }
    if j.alg() != protected["alg"].as_str() || j.kid() != protected["kid"].as_str() {
        return Err(format!("alg/kid {:?}/{:?}", j.alg(), j.kid()));
    }
    if want_kind == Kind::Jwe && (j.payload != Payload::Encrypted || j.enc() != protected["enc"].as_str()) {
        return Err(format!("JWE payload/enc {:?} {:?}", j.payload, j.enc()));
    }
    Ok(())
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

#[test]
fn conformance_jose_cookbook() {
    let root = peer("jose-cookbook");
    let mut files = Vec::new();
    json_files(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "peer suite jose-cookbook not found at {}", root.display());
    let (mut jws, mut jwe, mut failures) = (0, 0, Vec::new());
    let mut total = 0;
    for f in &files {
        let Ok(doc) = serde_json::from_str::<Value>(&std::fs::read_to_string(f).unwrap()) else { continue };
        let mut cases = Vec::new();
        compact_cases(&doc, &mut cases);
        for (i, (compact, protected)) in cases.iter().enumerate() {
            total += 1;
            if compact.split('.').count() == 5 {
                jwe += 1;
            } else {
                jws += 1;
            }
            let id = format!("{}#{i}", f.strip_prefix(&root).unwrap_or(f).display());
            if let Err(e) = check_cookbook(compact, protected) {
                failures.push(format!("{id}: {e}"));
            }
        }
    }
    println!("jose-cookbook: {jws} compact JWS, {jwe} compact JWE");
    assert!(jws >= 8 && jwe >= 11, "expected every compact example (8 JWS, 11 JWE), found {jws}/{jwe}");
    report("jose-cookbook", total - failures.len(), total, &failures, 100.0);
}
