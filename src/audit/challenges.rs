//! 401 and 403 answers: whether caches may keep them. The challenge's grammar, status codes and
//! login redirects are judged by the diagnosis (`diagnose::edge`, `credentials::protocol`) and
//! kept from there.

use super::ids::AuditRule;
use super::{AuditFinding, Scope, origin_of};
use crate::catalogue::FindingId;
use crate::finding::Fix;
use crate::headers::cache;

/// `auth-failure-not-no-store` — RFC 9111 §5.2.2.5: an authentication failure must never be stored.
pub(super) fn check(s: &Scope<'_, '_>, out: &mut Vec<AuditFinding>) {
    for (i, ex) in s.capture.exchanges.iter().enumerate() {
        if !matches!(ex.status, 401 | 407) || crate::signals::is_preflight(ex) {
            continue;
        }
        if s.diagnosed(i, FindingId::AuthFailureCacheable) || s.diagnosed(i, FindingId::Cached401Served) {
            continue;
        }
        let cc = cache::cache_control(&ex.response_headers);
        if cc.no_store {
            continue;
        }
        let origin = origin_of(&ex.url);
        out.push(
            AuditFinding::rule(
                AuditRule::AuthFailureNotNoStore,
                origin.clone(),
                format!(
                    "{origin} answers {} without Cache-Control: no-store. A browser or shared cache may keep the \
                     failure and serve it again after the user has signed in, which looks like a login that does not \
                     work.",
                    ex.status
                ),
                Fix::new("Send Cache-Control: no-store on every 401 and 403.")
                    .snippet("nginx", "add_header Cache-Control \"no-store\" always;")
                    .snippet("express", "res.set('Cache-Control', 'no-store').status(401);"),
            )
            .with("Cache-Control", ex.response_headers.get("cache-control").unwrap_or("(none)").to_string())
            .at(i),
        );
    }
}
