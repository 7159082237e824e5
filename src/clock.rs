//! The client's clock against the servers', measured across a whole capture.
//!
//! Every entry records when the client started the request (HAR `startedDateTime`, the
//! extension's event `timeStamp`: the client's clock) and most responses carry the server's
//! `Date` (RFC 9110 §6.6.1: the origin's clock when it generated the response). One entry's
//! difference mixes skew with latency and queueing; the median over many entries is the skew,
//! and when most entries agree with it the measurement is trusted whether or not any token is
//! visible (a sanitized export keeps both timestamps).

use crate::headers::date::parse_http_date;
use crate::model::{Capture, Exchange};

/// Entries whose offset lies this close to the median agree with it (Date has one-second
/// resolution, and a slow answer adds its latency).
const AGREE_WITHIN_SECS: i64 = 10;
/// Fewer timed responses than this measure nothing capture-wide. Two answers that agree on an
/// offset beyond a minute are already unlikely to be latency; the extension keeps only the
/// exchanges that matter to authentication, so its captures are short.
const MIN_SAMPLES: usize = 2;
/// At most this many responses are sampled (evenly spread), so huge captures stay cheap.
const MAX_SAMPLES: usize = 4_096;

/// The capture-wide offset between the servers' clocks and the client's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockOffset {
    /// Server `Date` minus client clock, in seconds (median): positive when the client is behind.
    pub server_minus_client: i64,
    /// Responses measured.
    pub samples: usize,
    /// Of those, how many lie within [`AGREE_WITHIN_SECS`] of the median.
    pub agreeing: usize,
}

impl ClockOffset {
    /// Whether the measurement is consistent enough to be called the client's skew: enough
    /// samples, and at least two thirds of them agree.
    pub fn is_consistent(&self) -> bool {
        self.samples >= MIN_SAMPLES && self.agreeing * 3 >= self.samples * 2
    }

    /// The client clock translated to the servers' time (`client + offset`).
    pub fn to_server(&self, client: i64) -> i64 {
        client.saturating_add(self.server_minus_client)
    }
}

/// Whether `ex`'s response was stored (a browser cache or service worker answered, or `Age` > 0,
/// RFC 9111 §5.1): its `Date` is when it was generated, not "now".
pub fn is_stored(ex: &Exchange<'_>) -> bool {
    crate::signals::CacheSource::of(ex).is_some()
        || crate::headers::cache::age(&ex.response_headers).is_some_and(|a| a > 0)
}

/// One entry's `Date − start` in whole seconds, when the network answered it freshly.
pub fn entry_offset(ex: &Exchange<'_>) -> Option<i64> {
    if ex.status == 0 || ex.status == 304 || is_stored(ex) {
        return None;
    }
    let start = ex.started_ms.filter(|m| m.is_finite())?;
    let server = parse_http_date(ex.response_headers.get("date")?)?;
    let client = (start / 1000.0).floor();
    if !(-1e12..1e12).contains(&client) {
        return None;
    }
    Some(server.saturating_sub(client as i64))
}

/// Measures the capture's clock offset (None when no response is timed).
pub fn measure(capture: &Capture<'_>) -> Option<ClockOffset> {
    let n = capture.exchanges.len();
    let step = n.div_ceil(MAX_SAMPLES).max(1);
    let mut offsets: Vec<i64> = capture.exchanges.iter().step_by(step).filter_map(entry_offset).collect();
    if offsets.is_empty() {
        return None;
    }
    offsets.sort_unstable();
    let median = offsets[offsets.len() / 2];
    let agreeing = offsets.iter().filter(|o| (**o - median).abs() <= AGREE_WITHIN_SECS).count();
    Some(ClockOffset { server_minus_client: median, samples: offsets.len(), agreeing })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::date::format_http_date;
    use crate::model::Header;
    use std::borrow::Cow;

    /// A 200 whose request started at `start` (client clock, epoch s) and whose `Date` is `date`.
    fn at(start: i64, date: i64) -> Exchange<'static> {
        let mut ex = crate::testkit::ex("GET", "https://api.example/x", 200, &[], &[]);
        ex.response_headers.0.push(Header { name: Cow::Borrowed("Date"), value: Cow::Owned(format_http_date(date)) });
        ex.started_ms = Some(start as f64 * 1000.0 + 250.0);
        ex
    }

    const NOON: i64 = 1_790_164_800;

    #[test]
    fn median_of_a_consistent_offset_is_the_skew() {
        let c = Capture {
            exchanges: vec![
                at(NOON - 7200, NOON),
                at(NOON - 7200 + 30, NOON + 31),
                at(NOON - 7200 + 60, NOON + 60),
                // One slow answer does not move the median.
                at(NOON - 7200 + 90, NOON + 180),
            ],
            ..Default::default()
        };
        let o = measure(&c).unwrap();
        assert_eq!(o.samples, 4);
        assert!((7200..=7201).contains(&o.server_minus_client), "{o:?}");
        assert_eq!(o.agreeing, 3);
        assert!(o.is_consistent());
        assert_eq!(o.to_server(NOON - 7200), NOON + o.server_minus_client - 7200);
    }

    #[test]
    fn scattered_offsets_are_not_consistent() {
        let c = Capture {
            exchanges: vec![at(NOON, NOON), at(NOON, NOON + 3600), at(NOON, NOON + 7200)],
            ..Default::default()
        };
        assert!(!measure(&c).unwrap().is_consistent());
        let one = Capture { exchanges: vec![at(NOON, NOON + 7200)], ..Default::default() };
        assert!(!measure(&one).unwrap().is_consistent(), "one response is not a capture-wide measurement");
        let two = Capture { exchanges: vec![at(NOON, NOON + 7200), at(NOON + 5, NOON + 7206)], ..Default::default() };
        assert!(measure(&two).unwrap().is_consistent(), "two that agree are");
        let split = Capture { exchanges: vec![at(NOON, NOON + 7200), at(NOON + 5, NOON + 5)], ..Default::default() };
        assert!(!measure(&split).unwrap().is_consistent(), "two that disagree are not");
    }

    #[test]
    fn cached_and_stored_responses_are_not_samples() {
        let mut cached = at(NOON, NOON - 10_800);
        cached.from_cache = Some(Cow::Borrowed("disk"));
        let mut aged = at(NOON, NOON - 10_800);
        aged.response_headers.0.push(Header::new("Age", "10800"));
        let mut not_modified = at(NOON, NOON - 10_800);
        not_modified.status = 304;
        for ex in [&cached, &aged, &not_modified] {
            assert_eq!(entry_offset(ex), None);
        }
        assert_eq!(entry_offset(&at(NOON, NOON)), Some(0));
        let mut bad = at(NOON, NOON);
        bad.response_headers.0[0].value = Cow::Borrowed("not a date");
        assert_eq!(entry_offset(&bad), None);
    }
}
