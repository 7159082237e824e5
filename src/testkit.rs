//! The shared test kit: `Exchange` and `Capture` fixtures for unit tests, so rule tests read as
//! the story they tell (a login, then a 401) rather than as struct literals.

use crate::model::{Capture, Exchange, Header, Headers};
use std::borrow::Cow;

/// Header name/value pairs, as written in a test.
pub(crate) type Hs = &'static [(&'static str, &'static str)];

/// A fixed instant (2026-09-21, epoch ms) the fixtures start from.
pub(crate) const T0_MS: f64 = 1_790_000_000_000.0;

/// A header list from pairs.
pub(crate) fn hs(pairs: Hs) -> Headers<'static> {
    Headers(pairs.iter().map(|(n, v)| Header::new(n, v)).collect())
}

/// A `fetch()` exchange at [`T0_MS`] with the given request and response headers.
pub(crate) fn ex(method: &'static str, url: &'static str, status: u16, req: Hs, res: Hs) -> Exchange<'static> {
    Exchange {
        method: Cow::Borrowed(method),
        url: Cow::Borrowed(url),
        status,
        request_headers: hs(req),
        response_headers: hs(res),
        started_ms: Some(T0_MS),
        resource_type: Some(Cow::Borrowed("fetch")),
        ..Default::default()
    }
}

/// A capture of one `GET https://api.example.com/v1/me`, nothing known but its headers and
/// status (no resource type, no timing: what a sparse capture gives).
pub(crate) fn single(
    status: u16,
    req: Vec<(&'static str, &'static str)>,
    res: Vec<(&'static str, &'static str)>,
) -> Capture<'static> {
    capture(vec![Exchange {
        method: Cow::Borrowed("GET"),
        url: Cow::Borrowed("https://api.example.com/v1/me"),
        status,
        request_headers: Headers(req.into_iter().map(|(n, v)| Header::new(n, v)).collect()),
        response_headers: Headers(res.into_iter().map(|(n, v)| Header::new(n, v)).collect()),
        ..Default::default()
    }])
}

/// Builder-style adjustments of a fixture.
pub(crate) trait Adjust: Sized {
    /// Starts `ms` milliseconds after [`T0_MS`].
    fn at(self, ms: f64) -> Self;
    /// Has the given resource type (`None`: the capture does not say).
    fn typed(self, t: Option<&'static str>) -> Self;
}

impl Adjust for Exchange<'static> {
    fn at(mut self, ms: f64) -> Self {
        self.started_ms = Some(T0_MS + ms);
        self
    }

    fn typed(mut self, t: Option<&'static str>) -> Self {
        self.resource_type = t.map(Cow::Borrowed);
        self
    }
}

/// A capture of `exchanges` (browser unknown, nothing removed by the exporter).
pub(crate) fn capture(exchanges: Vec<Exchange<'static>>) -> Capture<'static> {
    Capture { exchanges, ..Default::default() }
}
