//! The CORS posture of authenticated endpoints, judged on every response (healthy ones too).

use super::ids::AuditRule;
use super::{Area, AuditFinding, Scope, origin_of};
use crate::catalogue::FindingId;
use crate::finding::{Finding, Fix};
use crate::headers::cache;
use std::collections::{HashMap, HashSet};

/// Runs the CORS posture rules.
pub(super) fn check(s: &Scope<'_, '_>, out: &mut Vec<AuditFinding>) {
    // API origin → the distinct request-origin sites it reflected with credentials (bounded).
    let mut reflected: HashMap<String, Reflected> = HashMap::new();
    for (i, ex) in s.capture.exchanges.iter().enumerate() {
        let res = &ex.response_headers;
        let Some(acao) = res.get("access-control-allow-origin").map(str::trim) else { continue };
        let creds = res.get("access-control-allow-credentials").is_some_and(|v| v.trim() == "true");
        let origin = ex.request_headers.get("origin").map(str::trim);
        let api = origin_of(&ex.url);
        if creds && acao == "*" && !s.diagnosed(i, FindingId::CorsWildcardWithCredentials) {
            let f = Finding::new(
                FindingId::CorsWildcardWithCredentials,
                format!(
                    "{api} answers Access-Control-Allow-Origin: * together with Access-Control-Allow-Credentials: \
                     true. Browsers refuse a credentialed response with a wildcard, so every cookie or \
                     Authorization call from another origin fails."
                ),
                Fix::new("Answer with the caller's exact origin from an allow-list, plus Vary: Origin.")
                    .snippet("nginx", "# map $http_origin $cors_origin { default \"\"; \"https://app.example.com\" $http_origin; }\nadd_header Access-Control-Allow-Origin $cors_origin always;\nadd_header Vary Origin always;"),
            );
            out.push(AuditFinding::from_catalogue(&f, Area::Cors, api.clone()).at(i));
        }
        let Some(origin) = origin else { continue };
        let dynamic = acao != "*" && acao.eq_ignore_ascii_case(origin);
        if creds && (dynamic || acao == "null") {
            let e = reflected.entry(api.clone()).or_default();
            if e.sites.len() < 16 {
                e.sites.insert(site_of(origin));
            }
            e.entries.push(i);
            e.null |= acao == "null";
        }
        let cc = cache::cache_control(res);
        let cacheable = !cc.no_store && !cc.private && (200..300).contains(&ex.status);
        if dynamic
            && cacheable
            && !cache::vary(res).covers("origin")
            && !s.diagnosed(i, FindingId::CorsVaryOriginMissing)
        {
            let f = Finding::new(
                FindingId::CorsVaryOriginMissing,
                format!(
                    "{api} echoes the caller's origin in Access-Control-Allow-Origin but does not send Vary: Origin, \
                     and the response may be cached: a cache can serve one origin's answer to another, which then \
                     fails CORS (or succeeds where it should not)."
                ),
                Fix::new("Add Vary: Origin wherever Access-Control-Allow-Origin depends on the request.")
                    .snippet("nginx", "add_header Vary Origin always;"),
            );
            out.push(AuditFinding::from_catalogue(&f, Area::Cors, api.clone()).at(i));
        }
        if ex.status == 401
            && res.has_challenge()
            && !exposes(res, "www-authenticate")
            && !s.diagnosed(i, FindingId::CorsChallengeHeadersNotExposed)
        {
            let f = Finding::new(
                FindingId::CorsChallengeHeadersNotExposed,
                format!(
                    "{api} answers cross-origin 401s with a WWW-Authenticate challenge that script cannot read: \
                     Access-Control-Expose-Headers does not list it, so the app cannot tell an expired token \
                     (error=\"invalid_token\") from other failures."
                ),
                Fix::new("Expose the challenge to the calling app.")
                    .snippet("nginx", "add_header Access-Control-Expose-Headers \"WWW-Authenticate\" always;"),
            );
            out.push(AuditFinding::from_catalogue(&f, Area::Cors, api.clone()).at(i));
        }
    }
    for (api, Reflected { sites, entries, null }) in reflected {
        // One reflected origin is indistinguishable from an allow-list of one; two sites, or
        // `null` (sandboxed frames, file: pages, any attacker can send it), are not.
        if sites.len() < 2 && !null {
            continue;
        }
        let mut f = AuditFinding::rule(
            AuditRule::CorsOriginReflectedWithCredentials,
            api.clone(),
            format!(
                "{api} copies whatever Origin it is sent into Access-Control-Allow-Origin and allows credentials: \
                 it did so for {} different sites (or for null) in this capture. Any web page the user visits can then call this \
                 API with the user's cookies and read the answer.",
                sites.len().min(16)
            ),
            Fix::new("Compare the Origin with an allow-list of your own front-ends and answer only those; never reflect it unchecked, and never allow null.")
                .snippet("express", "const allowed = new Set(['https://app.example.com']);\napp.use(cors({ origin: (o, cb) => cb(null, allowed.has(o)), credentials: true }));"),
        );
        f.entries = entries;
        out.push(f);
    }
}

/// The credentialed answers of one API origin that echoed the caller's origin.
#[derive(Default)]
struct Reflected {
    sites: HashSet<String>,
    entries: Vec<usize>,
    null: bool,
}

/// Whether `Access-Control-Expose-Headers` lists `name` (or `*`, which counts without credentials).
fn exposes(res: &crate::model::Headers<'_>, name: &str) -> bool {
    res.get_all("access-control-expose-headers").flat_map(|v| v.split(',')).any(|h| h.trim().eq_ignore_ascii_case(name))
}

/// The site of an origin string (`https://a.example.com` → `example.com`), for telling origins of
/// different sites apart.
fn site_of(origin: &str) -> String {
    url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(|h| crate::site::registrable_domain(h).unwrap_or_else(|| h.to_string())))
        .unwrap_or_else(|| origin.chars().take(100).collect())
}
