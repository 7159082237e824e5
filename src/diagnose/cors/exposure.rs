//! Which auth headers of a CORS response script cannot read (Access-Control-Expose-Headers).

use super::cors_finding;
use super::facts::Facts;
use super::hv;
use crate::catalogue::{FindingId, Severity};
use crate::diagnose::context::Ctx;
use crate::fetch::{self, CredentialsMode};
use crate::finding::{Finding, Fix, Signal};

/// `cors-challenge-headers-not-exposed` — Fetch #http-responses (Access-Control-Expose-Headers;
/// `*` only without credentials); RFC 9449 §9 (DPoP-Nonce).
pub(super) fn cors_challenge_headers_not_exposed(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    if !f.has_response || f.primary.is_some() || f.orphan_preflight || !matches!(f.status, 400 | 401 | 403) {
        return;
    }
    let h = &ctx.ex.response_headers;
    let exposure = fetch::Exposure::of(h, f.mode);
    let present = |n: &str| if n == "WWW-Authenticate" { h.has_challenge() } else { h.has(n) };
    let hidden: Vec<&str> =
        ["WWW-Authenticate", "DPoP-Nonce"].into_iter().filter(|n| present(n) && !exposure.visible(n)).collect();
    if hidden.is_empty() {
        return;
    }
    let dpop = hidden.contains(&"DPoP-Nonce");
    let challenge = h.first_challenge_line().map(|c| format!(" (`{}`)", c.trim())).unwrap_or_default();
    let star_note = if exposure.list.has_wildcard() && f.mode == CredentialsMode::Include {
        " A `*` in Access-Control-Expose-Headers does not count for credentialed requests."
    } else {
        ""
    };
    let explanation = format!(
        "This cross-origin {} carries {}{challenge}, but Access-Control-Expose-Headers is {}, so the app's JavaScript \
         cannot read it (the extension can). The app cannot tell an expired token from a missing scope{}.{star_note}",
        f.status,
        hidden.join(" and "),
        hv(h, "access-control-expose-headers"),
        if dpop { ", and cannot retry with the server's DPoP nonce" } else { "" }
    );
    let list = hidden.join(", ");
    let fix =
        Fix::new(format!("Expose {list} to script with Access-Control-Expose-Headers (names listed explicitly)."))
            .snippet("http", format!("Access-Control-Expose-Headers: {list}"))
            .snippet("nginx", format!("add_header Access-Control-Expose-Headers \"{list}\" always;"))
            .snippet(
                "express",
                format!(
                    "app.use(cors({{ exposedHeaders: [{}] }}));",
                    hidden.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
                ),
            );
    out.push(
        cors_finding(ctx, f, FindingId::CorsChallengeHeadersNotExposed, explanation, fix)
            .severity(if dpop { Severity::Warn } else { Severity::Info })
            .signal(Signal::Inferred)
            .with("Access-Control-Expose-Headers", hv(h, "access-control-expose-headers")),
    );
}
