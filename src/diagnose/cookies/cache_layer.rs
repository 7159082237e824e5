//! Group G, the cookie half: a cache in front of the application that removes the session cookie
//! before the request reaches it (Varnish `unset req.http.Cookie`, a CloudFront cache policy
//! without cookies), so a logged-in browser is answered as anonymous.

use super::text::redact_line;
use super::{Facts, auth_failed, is_login_like, last_setter_before};
use crate::catalogue::FindingId;
use crate::diagnose::context::Ctx;
use crate::finding::{Evidence, Finding, Fix};
use crate::headers::cache::{CacheHit, cache_hits};
use crate::headers::set_cookie;
use crate::model::Headers;
use crate::secret::Exposure;
use crate::signals::is_session_cookie_name;

/// Runs the cache-layer rule.
pub(crate) fn check(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    cache_strips_cookie(ctx, f, out);
}

/// A caching layer the response went through: which product, and the header that says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CacheLayer {
    pub product: Product,
    pub marker: String,
}

/// The caches whose cookie handling the fix can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Product {
    Varnish,
    CloudFront,
    Fastly,
    Cloudflare,
    NginxProxyCache,
    /// An `X-Cache`-style header from an unnamed cache.
    Unknown,
}

impl Product {
    fn name(self) -> &'static str {
        match self {
            Product::Varnish => "Varnish",
            Product::CloudFront => "CloudFront",
            Product::Fastly => "Fastly",
            Product::Cloudflare => "Cloudflare",
            Product::NginxProxyCache => "nginx proxy_cache",
            Product::Unknown => "a caching proxy",
        }
    }
}

/// The cache layer named by the response headers, most specific first (DIAGNOSES `cache-strips-cookie`
/// Observe: `Via … varnish`, `X-Varnish`, `X-Cache`, CloudFront).
pub(crate) fn cache_layer(h: &Headers<'_>) -> Option<CacheLayer> {
    let found = |product, name: &str, v: &str| Some(CacheLayer { product, marker: format!("{name}: {}", v.trim()) });
    let via = h.get_all("via").find(|v| {
        let l = v.to_ascii_lowercase();
        l.contains("varnish") || l.contains("cloudfront")
    });
    if let Some(v) = via {
        let p = if v.to_ascii_lowercase().contains("varnish") { Product::Varnish } else { Product::CloudFront };
        return found(p, "Via", v);
    }
    if let Some(v) = h.get("x-varnish") {
        return found(Product::Varnish, "X-Varnish", v);
    }
    for name in ["x-amz-cf-pop", "x-amz-cf-id"] {
        if let Some(v) = h.get(name) {
            return found(Product::CloudFront, name, v);
        }
    }
    if let Some(v) = h.get("x-cache").filter(|v| v.to_ascii_lowercase().contains("cloudfront")) {
        return found(Product::CloudFront, "X-Cache", v);
    }
    if let Some(v) = h.get("x-served-by").filter(|v| v.to_ascii_lowercase().contains("cache-")) {
        return found(Product::Fastly, "X-Served-By", v);
    }
    if let Some(v) = h.get("cf-cache-status").filter(|v| v.trim().eq_ignore_ascii_case("hit")) {
        // Cloudflare passes cookies by default; only a cache hit means the origin did not answer.
        return found(Product::Cloudflare, "cf-cache-status", v);
    }
    if let Some(v) = h.get("x-cache-status") {
        return found(Product::NginxProxyCache, "X-Cache-Status", v);
    }
    for name in ["x-cache", "x-proxy-cache"] {
        if let Some(v) = h.get(name) {
            return found(Product::Unknown, name, v);
        }
    }
    None
}

/// The value the newest earlier response set for cookie `name`, with that exchange.
fn issued_before(ctx: &Ctx<'_, '_>, name: &str) -> Option<(usize, String)> {
    let i = last_setter_before(ctx, name)?;
    let e = ctx.capture.exchanges.get(i)?;
    let value = e
        .response_headers
        .set_cookie_lines()
        .filter_map(|l| set_cookie::parse(l).ok())
        .filter(|c| c.name == name)
        .last()?
        .value;
    Some((i, value))
}

/// `cache-strips-cookie` — RFC 9111 §3.5 and §4.1 (what a cache may reuse for a request with
/// credentials); vendor behaviour (Varnish `unset req.http.Cookie`, CloudFront cache policies
/// without cookies). The browser sent the session cookie, the application answered as anonymous,
/// and a cache sits in between.
fn cache_strips_cookie(ctx: &Ctx<'_, '_>, f: &Facts<'_>, out: &mut Vec<Finding>) {
    if ctx.creds.authorization {
        return; // the credential is the header, not the cookie
    }
    let Some(p) = ctx.sent_cookies.iter().find(|p| is_session_cookie_name(p.name) && !p.value.is_empty()) else {
        return;
    };
    let Some(layer) = cache_layer(&ctx.ex.response_headers) else { return };
    let refused = auth_failed(ctx);
    // The application issued a brand-new session: it saw no cookie.
    let fresh = f.lines.iter().find(|l| {
        l.parsed.as_ref().is_ok_and(|c| {
            c.name == p.name && !c.value.is_empty() && c.value != p.value && !matches!(c.max_age, Some(m) if m <= 0)
        }) && !matches!(&l.verdict, Some(Ok(s)) if s.expired_on_arrival)
    });
    // The cookie sent is the one the application itself handed out earlier in the capture.
    let issued = issued_before(ctx, p.name).filter(|(_, v)| v == p.value);
    let hit: Option<CacheHit> = cache_hits(ctx.ex).into_iter().find(|h| !matches!(h, CacheHit::Browser(_)));
    if !refused && fresh.is_none() {
        return;
    }
    if !refused && (issued.is_none() || is_login_like(ctx)) {
        // A new session on a 2xx is only telling when the cookie it replaces was fresh from this
        // application ("a new session on every request"); a login rotates the id on purpose.
        return;
    }
    let corroboration = usize::from(issued.is_some()) + usize::from(fresh.is_some()) + usize::from(hit.is_some());
    if corroboration == 0 {
        return; // an expired session behind a CDN looks the same: session-cookie-rejected says that
    }
    let product = layer.product.name();
    let answer = match (refused, fresh.is_some()) {
        (true, true) => format!("answered {} and issued a brand-new `{}`", ctx.ex.status, p.name),
        (true, false) => format!("answered {}", ctx.ex.status),
        (false, _) => format!("issued a brand-new `{}` as if the browser had none", p.name),
    };
    let mut why = Vec::new();
    if let Some((i, _)) = &issued {
        let by = ctx.capture.exchanges.get(*i).map(|e| format!(" ({} {})", e.method, e.url)).unwrap_or_default();
        why.push(format!("the application itself set that value earlier in this capture{by}"));
    }
    if let Some(h) = &hit {
        why.push(format!("the response came from the cache ({}) although the request carried a session", h.describe()));
    }
    let mut fnd = Finding::new(
        FindingId::CacheStripsCookie,
        format!(
            "The request to {} carried the session cookie `{}`, yet the application {answer}. The response passed \
             through {product} ({}){}. Caches are often set up to drop cookies to raise the hit rate (Varnish \
             `unset req.http.Cookie`, a CloudFront cache policy without cookies), so the application never receives \
             the session and treats every request as anonymous.",
            ctx.ex.url,
            p.name,
            layer.marker,
            if why.is_empty() { String::new() } else { format!("; {}", why.join("; ")) }
        ),
        fix_for(layer.product, p.name),
    )
    .with("cookie sent", p.name.to_string())
    .evidence(Evidence::secret("value sent", p.value, Exposure::Prefix))
    .with("cache layer", format!("{product} ({})", layer.marker))
    .with("response", format!("{} {} → {}", ctx.ex.method, ctx.ex.url, ctx.ex.status))
    .confidence(if corroboration >= 2 { 80 } else { 65 });
    if let Some(l) = fresh {
        fnd = fnd.with("new session issued", redact_line(l.raw));
    }
    if let Some((i, _)) = issued {
        fnd = fnd.related(i);
    }
    out.push(fnd);
}

/// The fix, with the configuration of the cache in question.
fn fix_for(product: Product, cookie: &str) -> Fix {
    let base =
        Fix::new("Let the session cookie through the cache for authenticated paths, and do not cache their responses.")
            .step("Bypass the cache (pass) for requests that carry the session cookie or go to account/API paths.")
            .step("Have the application send `Cache-Control: private, no-store` on personalised responses.");
    match product {
        Product::Varnish | Product::Fastly => base.snippet(
            "vcl",
            format!(
                "sub vcl_recv {{\n  if (req.url ~ \"^/(api|account|login)\" || req.http.Cookie ~ \"{cookie}=\") {{\n    return (pass);   # keep the Cookie header\n  }}\n  # unset req.http.Cookie only for static assets\n}}"
            ),
        ),
        Product::CloudFront => base
            .step(format!(
                "CloudFront: for the API/account behaviours use a cache policy that includes the cookie `{cookie}` (or the managed CachingDisabled policy with an origin request policy that forwards all cookies)."
            ))
            .snippet("shell", "aws cloudfront get-distribution-config --id <ID>   # check CachePolicyId / OriginRequestPolicyId of the behaviour"),
        Product::NginxProxyCache => base.snippet(
            "nginx",
            format!(
                "location /api/ {{\n    proxy_cache_bypass $cookie_{cookie};\n    proxy_no_cache     $cookie_{cookie};\n    # and no `proxy_set_header Cookie \"\";`\n    proxy_pass http://app;\n}}"
            ),
        ),
        Product::Cloudflare => base.step("Cloudflare: add a Cache Rule that bypasses the cache when the session cookie is present (\"Cache Everything\" ignores it)."),
        Product::Unknown => base,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::FindingId::CacheStripsCookie;
    use crate::correlate::Correlation;
    use crate::diagnose::diagnose_entry;
    use crate::model::{Capture, Exchange};

    use crate::testkit::{Hs, ex, hs};

    #[test]
    fn layers_table() {
        let cases: &[(&str, Hs, Option<Product>)] = &[
            ("varnish via", &[("Via", "1.1 varnish (Varnish/7.5)")], Some(Product::Varnish)),
            ("x-varnish", &[("X-Varnish", "32770 3")], Some(Product::Varnish)),
            ("cloudfront via", &[("via", "1.1 4e1a.cloudfront.net (CloudFront)")], Some(Product::CloudFront)),
            ("cloudfront pop", &[("x-amz-cf-pop", "FRA56-P4")], Some(Product::CloudFront)),
            ("fastly", &[("X-Served-By", "cache-fra-etou8220045-FRA")], Some(Product::Fastly)),
            ("nginx", &[("X-Cache-Status", "BYPASS")], Some(Product::NginxProxyCache)),
            ("cloudflare hit", &[("cf-cache-status", "HIT")], Some(Product::Cloudflare)),
            ("cloudflare dynamic", &[("cf-cache-status", "DYNAMIC")], None),
            ("generic", &[("X-Cache", "MISS")], Some(Product::Unknown)),
            ("plain proxy", &[("Via", "1.1 squid-proxy")], None),
            ("nothing", &[("Server", "nginx")], None),
        ];
        for (name, h, want) in cases {
            assert_eq!(cache_layer(&hs(h)).map(|l| l.product), *want, "{name}");
        }
    }

    const LOGIN_SET: Hs = &[("Set-Cookie", "sid=first-session-value; Path=/; Secure; HttpOnly")];
    const SENT: Hs = &[("Cookie", "sid=first-session-value")];

    #[test]
    fn strips_table() {
        let login = || ex("POST", "https://shop.example.com/login", 302, &[], LOGIN_SET);
        let cases: Vec<(&str, Vec<Exchange<'static>>, bool)> = vec![
            (
                "fresh cookie, 401 behind varnish",
                vec![login(), ex("GET", "https://shop.example.com/account", 401, SENT, &[("X-Varnish", "98765")])],
                true,
            ),
            (
                "new session on every request behind cloudfront",
                vec![
                    login(),
                    ex(
                        "GET",
                        "https://shop.example.com/account",
                        200,
                        SENT,
                        &[
                            ("X-Cache", "Miss from cloudfront"),
                            ("Set-Cookie", "sid=second-session-value; Path=/; Secure; HttpOnly"),
                        ],
                    ),
                ],
                true,
            ),
            (
                "no cache layer",
                vec![login(), ex("GET", "https://shop.example.com/account", 401, SENT, &[("Server", "nginx")])],
                false,
            ),
            (
                "old session behind a cdn, nothing else",
                vec![ex("GET", "https://shop.example.com/account", 401, SENT, &[("X-Varnish", "98765")])],
                false,
            ),
            (
                "login rotates the session id",
                vec![
                    login(),
                    ex(
                        "POST",
                        "https://shop.example.com/login",
                        302,
                        SENT,
                        &[("X-Varnish", "1"), ("Set-Cookie", "sid=rotated-value; Path=/; Secure; HttpOnly")],
                    ),
                ],
                false,
            ),
            (
                "authorization header request",
                vec![
                    login(),
                    ex(
                        "GET",
                        "https://shop.example.com/account",
                        401,
                        &[("Cookie", "sid=first-session-value"), ("Authorization", "Bearer abc")],
                        &[("X-Varnish", "1")],
                    ),
                ],
                false,
            ),
        ];
        for (name, exchanges, want) in cases {
            let cap = Capture { exchanges, ..Default::default() };
            let corr = Correlation::build(&cap);
            let last = cap.exchanges.len() - 1;
            let got: Vec<_> = diagnose_entry(&cap, &corr, last).iter().map(|f| f.id).collect();
            assert_eq!(got.contains(&CacheStripsCookie), want, "{name}: {got:?}");
        }
    }
}
