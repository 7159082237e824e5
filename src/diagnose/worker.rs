//! Rules about service workers between the page and the network (group A): a worker that answers a
//! page's request by starting a new one, and loses the credentials on the way.
//!
//! A Chrome capture shows such a request twice: the page's request (HAR
//! `response._fetchedViaServiceWorker`, model `from_cache: "service-worker"`), with the headers the
//! page set, and the worker's own network request for the same URL a moment later. Comparing the
//! two shows what the worker dropped. Either entry can be the one being diagnosed.

use super::context::Ctx;
use crate::catalogue::{FindingId, Severity};
use crate::finding::{Finding, Fix, Signal};
use crate::model::Exchange;

/// How far apart (ms) the page's request and the worker's re-issued request may start: the worker
/// starts its fetch after the page's request reached it (worker start-up can take a few seconds).
const PAIR_WINDOW_MS: f64 = 30_000.0;
/// How many same-URL exchanges are inspected for the pair (bounded for huge captures).
const PAIR_LOOKUP: usize = 64;

/// Runs the service-worker rules.
pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    if matches!(ctx.ex.status, 401 | 403) {
        service_worker_drops_credentials(ctx, out);
    }
}

/// Whether the page's request was answered by a service worker that went to the network (a
/// response from the worker's cache is `cached-401-served`, not a dropped credential).
fn via_worker(ex: &Exchange<'_>) -> bool {
    ex.answered_by_worker()
        && !ex
            .service_worker_response_source
            .as_deref()
            .is_some_and(|s| matches!(s.trim(), "cache-storage" | "http-cache"))
}

/// The credentials a request carried, by kind: (Authorization, Cookie).
fn carried(ex: &Exchange<'_>) -> (bool, bool) {
    let rq = &ex.request_headers;
    (rq.sends_authorization(), rq.sends_cookie())
}

/// What `page` carried that `net` lacks, in words (`None` when nothing was lost).
fn lost(page: &Exchange<'_>, net: &Exchange<'_>) -> Option<&'static str> {
    let (pa, pc) = carried(page);
    let (na, nc) = carried(net);
    match (pa && !na, pc && !nc) {
        (true, true) => Some("the Authorization header and the cookies"),
        (true, false) => Some("the Authorization header"),
        (false, true) => Some("the cookies"),
        (false, false) => None,
    }
}

/// `service-worker-drops-credentials` — Service Workers "Handle Fetch"; Fetch `Request` constructor
/// (#dom-request: a new request gets default headers and credentials mode "same-origin").
fn service_worker_drops_credentials(ctx: &Ctx<'_, '_>, out: &mut Vec<Finding>) {
    let me = ctx.ex;
    let Some(t) = me.started_ms.filter(|t| t.is_finite()) else { return };
    let page_side = via_worker(me);
    // The other half of the pair: same URL, the other side of the worker, close in time.
    let pair = ctx.corr.same_url(&me.url).iter().take(PAIR_LOOKUP).copied().filter(|&j| j != ctx.index).find_map(|j| {
        let other = ctx.capture.exchanges.get(j)?;
        let dt = other.started_ms.filter(|s| s.is_finite())? - t;
        let (page, net, in_window) = if page_side {
            (me, other, (-1_000.0..=PAIR_WINDOW_MS).contains(&dt))
        } else {
            (other, me, (-PAIR_WINDOW_MS..=1_000.0).contains(&dt))
        };
        let ok = in_window
            && via_worker(page)
            && !via_worker(net)
            && page.method.eq_ignore_ascii_case(&net.method)
            && matches!(net.status, 401 | 403);
        ok.then(|| lost(page, net).map(|what| (j, page, net, what))).flatten()
    });
    let Some((j, page, net, what)) = pair else { return };
    let worker = |e: &Exchange<'_>| e.initiator.as_deref().unwrap_or("").to_string();
    let scope = ctx.page.as_ref().map(|u| u.origin().ascii_serialization()).unwrap_or_else(|| "the page".into());
    let explanation = format!(
        "The page's {} {} carried {what}, but a service worker intercepted it and sent its own request to the \
         network without {}; the server answered that request {}. A worker that calls `fetch(event.request.url)` \
         or builds `new Request(url)` starts a fresh request with default headers and `credentials: 'same-origin'`, \
         so the page's Authorization header (and cookies on cross-origin calls) are lost.",
        page.method,
        page.url,
        if what.ends_with("header") { "it" } else { "them" },
        net.status
    );
    let fix = Fix::new("Forward the intercepted request itself, or copy it, in the service worker's fetch handler.")
        .step("Pass the original request: `event.respondWith(fetch(event.request))`.")
        .step("To change something, derive from it: `new Request(event.request, { ... })` keeps headers, mode and credentials.")
        .step(format!(
            "Unregister the worker (DevTools → Application → Service workers on {scope}) to confirm the request works without it."
        ))
        .snippet(
            "js",
            "self.addEventListener('fetch', (event) => {\n  // not fetch(event.request.url): that drops Authorization and credentials\n  event.respondWith(fetch(event.request));\n});",
        )
        .snippet(
            "js",
            "// Workbox: let the strategy forward the original request\nregisterRoute(({ url }) => url.pathname.startsWith('/api/'), new NetworkOnly());",
        );
    let fnd = Finding::new(FindingId::ServiceWorkerDropsCredentials, explanation, fix)
        .with("page request", format!("{} {} (answered by the service worker)", page.method, page.url))
        .with("worker's network request", format!("{} {} → {}", net.method, net.url, net.status))
        .with("lost on the way", what.to_string())
        .related(j)
        // Both requests are in the capture: the loss is observed, not guessed.
        .severity(Severity::Error)
        .signal(Signal::Inferred)
        .confidence(90);
    let fnd = match worker(net) {
        w if w.is_empty() => fnd,
        w => fnd.with("worker's request initiator", w),
    };
    out.push(fnd);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::{Capture, Header, Headers};
    use std::borrow::Cow;

    const URL: &str = "https://app.example.com/api/orders";

    fn ex(t: f64, status: u16, sw: Option<&'static str>, req: &[(&'static str, &'static str)]) -> Exchange<'static> {
        Exchange {
            method: Cow::Borrowed("GET"),
            url: Cow::Borrowed(URL),
            status,
            request_headers: Headers(req.iter().map(|(n, v)| Header::new(n, v)).collect()),
            started_ms: Some(1_790_000_000_000.0 + t),
            from_cache: sw.map(|_| Cow::Borrowed("service-worker")),
            service_worker_response_source: sw.map(Cow::Borrowed),
            ..Default::default()
        }
    }

    fn ids(cap: &Capture<'_>, i: usize) -> Vec<FindingId> {
        let corr = Correlation::build(cap);
        let ctx = Ctx::new(cap, &corr, i, &cap.exchanges[i]);
        let mut out = Vec::new();
        check(&ctx, &mut out);
        out.iter().map(|f| f.id).collect()
    }

    const BEARER: (&str, &str) = ("authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln");

    #[test]
    fn pairs_table() {
        use FindingId::ServiceWorkerDropsCredentials as Sw;
        // (case, page request, worker's request, finding on [page, worker])
        let cases: Vec<(&str, Exchange<'static>, Exchange<'static>, [bool; 2])> = vec![
            ("bearer lost", ex(0.0, 401, Some("network"), &[BEARER]), ex(40.0, 401, None, &[]), [true, true]),
            (
                "cookie lost",
                ex(0.0, 401, Some("network"), &[("cookie", "sid=abc")]),
                ex(40.0, 401, None, &[]),
                [true, true],
            ),
            ("bearer kept", ex(0.0, 401, Some("network"), &[BEARER]), ex(40.0, 401, None, &[BEARER]), [false, false]),
            ("page sent nothing", ex(0.0, 401, Some("network"), &[]), ex(40.0, 401, None, &[]), [false, false]),
            (
                "answered from cache storage",
                ex(0.0, 401, Some("cache-storage"), &[BEARER]),
                ex(40.0, 401, None, &[]),
                [false, false],
            ),
            (
                "network request succeeded",
                ex(0.0, 401, Some("network"), &[BEARER]),
                ex(40.0, 200, None, &[]),
                [false, false],
            ),
            ("minutes apart", ex(0.0, 401, Some("network"), &[BEARER]), ex(120_000.0, 401, None, &[]), [false, false]),
        ];
        for (name, page, net, want) in cases {
            let cap = Capture { exchanges: vec![page, net], ..Default::default() };
            assert_eq!(ids(&cap, 0).contains(&Sw), want[0], "{name}: page side");
            assert_eq!(ids(&cap, 1).contains(&Sw), want[1], "{name}: worker side");
        }
    }

    #[test]
    fn no_worker_no_finding() {
        // Two plain requests to one URL, the second without a token: not a worker's doing.
        let cap =
            Capture { exchanges: vec![ex(0.0, 401, None, &[BEARER]), ex(40.0, 401, None, &[])], ..Default::default() };
        assert!(ids(&cap, 0).is_empty() && ids(&cap, 1).is_empty());
    }
}
