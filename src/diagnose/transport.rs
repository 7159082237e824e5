//! Transport rules (group I): mixed content, credentials over cleartext, HSTS internal
//! redirects, client certificates, and Local Network Access verdicts (read from the browser's
//! CORS error, hence [`check_lna`] takes the CORS facts).

use super::cors::{Facts, Kind, js_str};
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Fix, Signal};
use crate::model::Exchange;
use crate::secret::Exposure;
use crate::signals::is_session_cookie_name;
use crate::site::is_potentially_trustworthy;

/// Runs the transport rules that need no CORS facts, in their fixed order
/// (`credentials-over-cleartext` looks back at `mixed-content-blocked`).
pub(super) fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    mixed_content_blocked(ctx, out);
    credentials_over_cleartext(ctx, out);
    hsts_upgraded_http_url(ctx, out);
    client_certificate_required(ctx, out);
}

/// Runs the Local Network Access rules on the browser's CORS verdict. `facts` are this
/// exchange's CORS facts; a preflight whose actual request is captured is left to that request.
pub(super) fn check_lna(ctx: &Ctx<'_, '_>, facts: Option<&Facts<'_, '_>>, out: &mut Vec<Finding>) {
    let Some(f) = facts.filter(|f| !f.preflight_of_captured_request) else {
        return;
    };
    lna_permission_denied(ctx, f, out);
    lna_insecure_initiator(ctx, f, out);
    lna_address_space_mismatch(ctx, f, out);
}

/// Whether an exchange that the generic pre-filter would skip still needs these rules: a
/// cookie over http, or an HSTS internal redirect.
pub(super) fn wants(ex: &Exchange<'_>) -> bool {
    (ex.url.starts_with("http:") && ex.request_headers.cookie_lines().next().is_some())
        || ex.response_headers.has("non-authoritative-reason")
}

/// `mixed-content-blocked` — W3C Mixed Content ("Should fetching request be blocked as mixed
/// content?"): a secure context may not fetch from a non-trustworthy http/ws URL.
fn mixed_content_blocked(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let Some(url) = &ctx.url else {
        return;
    };
    if !matches!(url.scheme(), "http" | "ws") || is_potentially_trustworthy(url) {
        return;
    }
    // A top-level navigation (`document` / `main_frame`) is upgraded or shown as an interstitial.
    if ctx.is_navigation() {
        return;
    }
    let client = ctx.initiator.as_ref().or(ctx.page.as_ref());
    let Some(client) = client.filter(|c| c.scheme() == "https") else {
        return;
    };
    let err = ctx.ex.error.as_deref().unwrap_or("").to_ascii_lowercase();
    let reported = err.contains("mixed-content") || err.contains("mixed_content") || err.contains("mixedcontent");
    if !reported && ctx.ex.status != 0 {
        return; // it went through (upgraded or allowed); nothing was blocked
    }
    if !reported && ctx.ex.cors_error.as_ref().is_some_and(|c| !c.cors_error.trim().is_empty()) {
        // The browser's own verdict is a CORS or Local Network Access error, which comes after the
        // mixed-content check (LNA requests to a private address are exempt from it).
        return;
    }
    let explanation = format!(
        "The secure page {} requested {}, a plain-http URL. Browsers block such mixed content for scripts, fetch/XHR \
         and frames, so the request never reached the server; an auto-upgraded request would go to https on a host \
         that may not serve it.",
        client.origin().ascii_serialization(),
        ctx.ex.url
    );
    let fix = Fix::new("Serve the API over https and call it with an https URL.")
        .step("Build API URLs from configuration instead of hard-coding http://.")
        .step("Add HSTS on the API host once it serves https.")
        .snippet("js", "const API_BASE = new URL('/api/', location.origin); // inherits https from the page");
    out.push(
        Finding::new(FindingId::MixedContentBlocked, explanation, fix)
            .signal(if reported { Signal::Reported } else { Signal::Inferred })
            .with("Page", client.origin().ascii_serialization())
            .with("Request URL", ctx.ex.url.to_string())
            .confidence(if reported { 95 } else { 75 }),
    );
}

/// `credentials-over-cleartext` — RFC 7617 §4 (Basic over cleartext), RFC 6750 §5.3 (bearer
/// tokens require TLS); Chrome policy BasicAuthOverHttpEnabled.
fn credentials_over_cleartext(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let Some(url) = &ctx.url else {
        return;
    };
    if !matches!(url.scheme(), "http" | "ws") || is_potentially_trustworthy(url) {
        return;
    }
    if out.iter().any(|x| x.id == FindingId::MixedContentBlocked)
        || ctx.ex.response_headers.has("non-authoritative-reason")
    {
        return; // blocked or rewritten (HSTS) in the browser: the credential never went over the wire
    }
    let session_cookie = ctx.sent_cookies.iter().map(|c| c.name).find(|n| is_session_cookie_name(n));
    let basic_challenge = ctx.challenges.challenges.iter().any(|c| c.scheme.eq_ignore_ascii_case("basic"));
    let what = if let Some(c) = &ctx.auth {
        format!("an Authorization header ({})", if c.scheme.is_empty() { "no scheme" } else { c.scheme })
    } else if let Some(k) = &ctx.creds.api_key_header {
        format!("the key header {k}")
    } else if let Some(n) = session_cookie {
        format!("the session cookie {n}")
    } else if basic_challenge {
        "a Basic challenge, asking for a password".to_string()
    } else {
        return;
    };
    let host = url.host_str().unwrap_or("");
    let explanation = format!(
        "This request to {host} over plain http carries {what}. Anyone on the network path can read and reuse it. \
         Chrome and Edge with the policy BasicAuthOverHttpEnabled=false refuse Basic over http altogether, which shows \
         up as a 401 that never gets an Authorization header."
    );
    let fix = Fix::new("Use https for every request that carries credentials, and enable HSTS.")
        .step("Redirect http to https on the server and send Strict-Transport-Security.")
        .step("Update the app's API base URL to https.")
        .snippet("nginx", "server {\n    listen 80;\n    return 301 https://$host$request_uri;\n}\n# in the https server:\nadd_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;");
    let mut f = Finding::new(FindingId::CredentialsOverCleartext, explanation, fix)
        .signal(Signal::Inferred)
        .with("URL", ctx.ex.url.to_string());
    if let Some(a) = ctx.authorization() {
        f = f.evidence(Evidence::secret("Authorization", a, Exposure::Prefix));
    }
    out.push(f);
}

/// `hsts-upgraded-http-url` — RFC 6797 §8.3 (the UA rewrites http to https before sending).
fn hsts_upgraded_http_url(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let ex = ctx.ex;
    if ex.status != 307 || !ex.url.starts_with("http:") {
        return;
    }
    let Some(reason) = ex.response_headers.get("non-authoritative-reason") else {
        return;
    };
    if !reason.trim().eq_ignore_ascii_case("hsts") {
        return;
    }
    let explanation = format!(
        "The app requested {}, and the browser itself rewrote it to https because the host is on its HSTS list (an \
         internal 307). It works, but the app still builds http:// URLs; http and https are different origins for \
         CORS, the HTTP-auth cache and scheme-bound cookies.",
        ex.url
    );
    let fix = Fix::new("Generate https URLs in the app; keep HSTS (with includeSubDomains).");
    out.push(
        Finding::new(FindingId::HstsUpgradedHttpUrl, explanation, fix)
            .signal(Signal::Reported)
            .with("Non-Authoritative-Reason", reason.trim().to_string()),
    );
}

/// `client-certificate-required` — RFC 8446 §4.3.2 (CertificateRequest), §4.4.2; nginx
/// `ssl_verify_client`.
fn client_certificate_required(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let err = ctx.ex.error.as_deref().unwrap_or("");
    let reported = err.contains("ERR_BAD_SSL_CLIENT_AUTH_CERT") || err.contains("ERR_SSL_CLIENT_AUTH_CERT_NEEDED");
    let body = ctx.ex.response_body.as_deref().unwrap_or("");
    let inferred = ctx.ex.status == 400
        && (body.contains("No required SSL certificate was sent") || body.contains("The SSL certificate error"));
    if !reported && !inferred {
        return;
    }
    let what = if reported {
        format!("the browser reported {err}")
    } else {
        "the server answered 400 \"No required SSL certificate was sent\"".to_string()
    };
    let explanation = format!(
        "This server authenticates clients with TLS certificates (mutual TLS), and {what}: no acceptable client \
         certificate was presented. This happens below HTTP authentication, so there is no WWW-Authenticate."
    );
    let fix = Fix::new("Install and select a client certificate the server trusts.")
        .step("Import the certificate (with its key) into the OS or browser store and pick it when prompted.")
        .step("Managed fleets: Chrome policy AutoSelectCertificateForUrls.")
        .step("Server: trust the issuing CA (nginx `ssl_client_certificate`).");
    out.push(Finding::new(FindingId::ClientCertificateRequired, explanation, fix).signal(if reported {
        Signal::Reported
    } else {
        Signal::Inferred
    }));
}

fn lna(
    ctx: &Ctx<'_, '_>,
    f: &Facts<'_, '_>,
    kind: Kind,
    id: FindingId,
    explanation: &str,
    fix: Fix,
    out: &mut Vec<Finding>,
) {
    let Some(r) = f.reported.as_ref().filter(|r| r.kind == kind) else {
        return;
    };
    let x = Finding::new(id, explanation.to_string(), fix)
        .signal(Signal::Reported)
        .with("Browser CORS error", r.raw.clone())
        .with("Request URL", ctx.ex.url.to_string());
    out.push(x);
}

/// `lna-permission-denied` — WICG Local Network Access (permission for public → local/loopback).
fn lna_permission_denied(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    lna(
        ctx,
        f,
        Kind::LocalNetworkAccessPermissionDenied,
        FindingId::LnaPermissionDenied,
        "The browser refused this request from a public site to a local-network or loopback address: Local Network \
         Access needs the user's permission, and it was denied or could not be asked. It looks like an auth failure \
         against the local device or agent, but the request never left the browser.",
        Fix::new("Allow local network access for the site (site settings), or delegate it to the frame that needs it.")
            .step("Cross-origin iframes need the permission delegated: `<iframe allow=\"local-network-access\">`.")
            .step("Serve the page from a secure context."),
        out,
    );
}

/// `lna-insecure-initiator` — WICG Local Network Access (secure-context restriction).
fn lna_insecure_initiator(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    lna(
        ctx,
        f,
        Kind::InsecureLocalNetwork,
        FindingId::LnaInsecureInitiator,
        "The page that made this local-network request is not a secure context (plain http). Only https pages may \
         ask for local network access, so the browser refused it without a prompt.",
        Fix::new("Serve the page over https.").step("For the local device, use https with a trusted certificate."),
        out,
    );
}

/// `lna-address-space-mismatch` — WICG Local Network Access (the `targetAddressSpace` fetch option
/// must match the address space of the endpoint actually reached).
fn lna_address_space_mismatch(ctx: &Ctx<'_, '_>, f: &Facts<'_, '_>, out: &mut Vec<Finding>) {
    let Some(r) = f.reported.as_ref().filter(|r| r.kind == Kind::InvalidLocalNetworkAccess) else {
        return;
    };
    let host = ctx.url.as_ref().and_then(|u| u.host_str()).unwrap_or("the server");
    // The capture may know where the name resolved; say which address space that is.
    let reached = ctx.ex.server_ip.as_deref().map(str::trim).filter(|ip| !ip.is_empty()).map(|ip| {
        let ip = ip.trim_start_matches('[').trim_end_matches(']');
        let space = match ip.parse::<std::net::IpAddr>() {
            Ok(a) if a.is_loopback() => "loopback",
            Ok(std::net::IpAddr::V4(a)) if a.is_private() || a.is_link_local() => "local",
            Ok(std::net::IpAddr::V6(a))
                if {
                    let [s0, ..] = a.segments();
                    (s0 & 0xfe00) == 0xfc00 || (s0 & 0xffc0) == 0xfe80
                } =>
            {
                "local"
            }
            Ok(_) => "public",
            Err(_) => "unknown",
        };
        format!("{ip} ({space})")
    });
    let explanation = format!(
        "The request declared a target address space (the `targetAddressSpace` fetch option), but {host} {} is in a \
         different one, so the browser refused the connection. This happens when a host name resolves differently \
         than the page expected: a loopback agent reached through a LAN name, split-horizon DNS, or a DNS-rebinding \
         guard.",
        reached
            .as_deref()
            .map(|r| format!("resolved to {r}, which"))
            .unwrap_or_else(|| "turned out to be an endpoint that".into())
    );
    let fix = Fix::new(
        "Declare the address space the server really is in, or make the name resolve where the page expects.",
    )
    .step("Use `targetAddressSpace: 'loopback'` for an agent on this machine and `'local'` for a device on the LAN.")
    .step("Fix the DNS answer for the host (or call the device by its IP address).")
    .snippet("js", format!("fetch({}, {{ targetAddressSpace: 'local' }})", js_str(&ctx.ex.url)));
    let mut x = Finding::new(FindingId::LnaAddressSpaceMismatch, explanation, fix)
        .signal(Signal::Reported)
        .confidence(95)
        .with("Browser CORS error", r.raw.clone())
        .with("Request URL", ctx.ex.url.to_string());
    if let Some(r) = reached {
        x = x.with("Server address", r);
    }
    out.push(x);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::{Capture, CorsErrorStatus};
    use std::borrow::Cow;

    fn lna_snippet(url: &'static str) -> String {
        let ex = Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed(url),
            page_url: Some(Cow::Borrowed("https://app.example.com/")),
            resource_type: Some(Cow::Borrowed("fetch")),
            cors_error: Some(CorsErrorStatus {
                cors_error: Cow::Borrowed("InvalidLocalNetworkAccess"),
                failed_parameter: Cow::Borrowed(""),
            }),
            ..Default::default()
        };
        let cap = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
        let mut out = Vec::new();
        check_lna(&ctx, super::super::cors::Facts::build(&ctx).as_ref(), &mut out);
        let f = out.iter().find(|f| f.id == FindingId::LnaAddressSpaceMismatch).expect("finding");
        f.fix.snippets.iter().find(|s| s.lang == "js").map(|s| s.code.clone()).expect("js snippet")
    }

    #[test]
    fn lna_snippet_quotes_the_url() {
        assert_eq!(
            lna_snippet("http://printer.local/status"),
            "fetch('http://printer.local/status', { targetAddressSpace: 'local' })"
        );
        let hostile = "http://printer.local/?q=');alert(document.cookie);//\\";
        assert_eq!(
            lna_snippet(hostile),
            format!("fetch({}, {{ targetAddressSpace: 'local' }})", crate::quote::c_string(hostile))
        );
    }
}
