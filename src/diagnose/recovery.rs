//! Whether a failed request was repeated with other credentials and then succeeded: an SPA's
//! refresh-and-retry, or a login in between. The cause found for the failure still stands, but
//! whoever reads the report must know the app recovered on its own, so the findings point at the
//! successful repeat. (Repeats with the *same* credentials that succeed are a different story,
//! `instance-session-mismatch`, and are not counted here.)

use super::context::Ctx;
use crate::finding::{Evidence, Finding};
use crate::headers::date::format_duration;
use crate::model::Exchange;

/// How many later requests for the same URL are looked at.
const LOOKAHEAD: usize = 8;

/// The later exchange that repeated this failed request (same method and URL) with different
/// credentials and got a non-error answer, if any.
pub fn recovered_by(ctx: &Ctx<'_, '_>) -> Option<usize> {
    if !matches!(ctx.ex.status, 0 | 401 | 403 | 407) {
        return None;
    }
    fn creds<'e>(e: &'e Exchange<'_>) -> (Option<&'e str>, Option<&'e str>) {
        let h = &e.request_headers;
        (h.authorization().map(str::trim), h.cookie_lines().next().map(str::trim))
    }
    let mine = creds(ctx.ex);
    ctx.same_url_after(LOOKAHEAD).find(|&i| {
        ctx.capture.exchanges.get(i).is_some_and(|e| {
            (200..400).contains(&e.status) && e.method == ctx.ex.method && e.url == ctx.ex.url && {
                let theirs = creds(e);
                theirs != mine && (theirs.0.is_some_and(|a| !a.is_empty()) || theirs.1.is_some_and(|c| !c.is_empty()))
            }
        })
    })
}

/// Adds the recovery to `findings`: evidence and a related index on each, a sentence on the first.
pub fn annotate(ctx: &Ctx<'_, '_>, later: usize, findings: &mut [Finding]) {
    let Some(e) = ctx.capture.exchanges.get(later) else { return };
    let after = match (ctx.ex.started_ms, e.started_ms) {
        (Some(a), Some(b)) if b - a >= 1000.0 => {
            format!(" {} later", format_duration(((b - a) / 1000.0).round() as i64))
        }
        (Some(a), Some(b)) if b >= a => " a moment later".to_string(),
        _ => String::new(),
    };
    let value = format!("#{later} repeated this request with other credentials{after} and got {}", e.status);
    for (n, f) in findings.iter_mut().enumerate() {
        if n == 0 {
            f.explanation.push_str(&format!(
                " The app recovered: request #{later} repeated this one with a new credential{after} and succeeded \
                 ({}), so this failure cost a round trip rather than the session.",
                e.status
            ));
        }
        f.evidence.push(Evidence::new("Recovered", value.clone()));
        if !f.related.contains(&later) {
            f.related.push(later);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correlate::Correlation;
    use crate::model::Capture;
    use crate::testkit::{self, Adjust};

    /// A call to the orders API `at_s` seconds in, with `auth` as its Authorization.
    fn ex(method: &'static str, status: u16, auth: Option<&'static str>, at_s: f64) -> Exchange<'static> {
        let mut e =
            testkit::ex(method, "https://api.example.com/v1/orders", status, &[], &[]).typed(None).at(at_s * 1000.0);
        if let Some(a) = auth {
            e.request_headers.0.push(crate::model::Header::new("Authorization", a));
        }
        e
    }

    fn recovered(exchanges: Vec<Exchange<'static>>) -> Option<usize> {
        let cap: Capture<'static> = testkit::capture(exchanges);
        let corr = Correlation::build(&cap);
        recovered_by(&Ctx::new(&cap, &corr, 0, &cap.exchanges[0]))
    }

    #[test]
    fn a_retry_with_a_new_credential_that_succeeds_is_a_recovery() {
        let cases: Vec<(&str, Vec<Exchange<'static>>, Option<usize>)> = vec![
            (
                "refresh and retry",
                vec![ex("GET", 401, Some("Bearer old-token-1"), 0.0), ex("GET", 200, Some("Bearer new-token-2"), 1.5)],
                Some(1),
            ),
            (
                "first leg without, then with a credential",
                vec![ex("GET", 401, None, 0.0), ex("GET", 200, Some("Basic YTpi"), 3.0)],
                Some(1),
            ),
            (
                "the same credential succeeding is not a recovery",
                vec![
                    ex("GET", 401, Some("Bearer same-token-1"), 0.0),
                    ex("GET", 200, Some("Bearer same-token-1"), 1.0),
                ],
                None,
            ),
            (
                "the retry failed too",
                vec![ex("GET", 401, Some("Bearer old-token-1"), 0.0), ex("GET", 401, Some("Bearer new-token-2"), 1.0)],
                None,
            ),
            (
                "another method is another request",
                vec![ex("POST", 401, Some("Bearer old-token-1"), 0.0), ex("GET", 200, Some("Bearer new-token-2"), 1.0)],
                None,
            ),
            (
                "a retry without any credential proves nothing",
                vec![ex("GET", 401, Some("Bearer old-token-1"), 0.0), ex("GET", 200, None, 1.0)],
                None,
            ),
            (
                "a success is not a failure to recover from",
                vec![ex("GET", 200, Some("Bearer old-token-1"), 0.0), ex("GET", 200, Some("Bearer new-token-2"), 1.0)],
                None,
            ),
        ];
        for (name, exchanges, want) in cases {
            assert_eq!(recovered(exchanges), want, "{name}");
        }
    }

    #[test]
    fn annotation_points_at_the_repeat() {
        let cap = Capture {
            exchanges: vec![ex("GET", 401, Some("Bearer old-token-1"), 0.0), ex("GET", 200, Some("Bearer new-2"), 2.0)],
            ..Default::default()
        };
        let corr = Correlation::build(&cap);
        let ctx = Ctx::new(&cap, &corr, 0, &cap.exchanges[0]);
        let mut findings = super::super::diagnose_entry(&cap, &corr, 0);
        assert!(!findings.is_empty());
        assert!(findings[0].related.contains(&1), "diagnose_entry annotates");
        findings.iter_mut().for_each(|f| {
            f.evidence.clear();
            f.explanation.clear();
        });
        annotate(&ctx, 1, &mut findings);
        let ev = &findings[0].evidence[0];
        assert_eq!(ev.label, "Recovered");
        assert!(ev.value.contains("#1") && ev.value.contains("2 s later") && ev.value.contains("200"), "{}", ev.value);
        assert!(findings[0].explanation.contains("The app recovered"));
    }
}
