//! Date grammars, in one place: the lenient cookie-date algorithm (6265bis §5.1.1), which also
//! reads every HTTP-date form of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime); the RFC 3339
//! date-time of HAR timestamps (`startedDateTime`); and formatting back.
//!
//! Times are seconds since the Unix epoch (UTC), except RFC 3339 date-times, which are read as
//! epoch milliseconds (`f64`) because HAR timestamps carry fractions of a second that ordering
//! and timing rules need. No clock is read here.

/// Parses a date with the 6265bis §5.1.1 cookie-date algorithm. `None` when it fails.
pub fn parse_cookie_date(s: &str) -> Option<i64> {
    let mut time: Option<(u32, u32, u32)> = None;
    let mut day: Option<u32> = None;
    let mut month: Option<u32> = None;
    let mut year: Option<i64> = None;
    // §5.1.1 step 1: split on delimiters.
    let is_delim = |c: char| {
        let b = c as u32;
        b == 0x09
            || (0x20..=0x2F).contains(&b)
            || (0x3B..=0x40).contains(&b)
            || (0x5B..=0x60).contains(&b)
            || (0x7B..=0x7E).contains(&b)
    };
    for token in s.split(is_delim).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(t) = parse_time(token) {
                time = Some(t);
                continue;
            }
        }
        if day.is_none() {
            if let Some(d) = leading_digits(token, 1, 2) {
                day = Some(d as u32);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = parse_month(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = leading_digits(token, 2, 4) {
                year = Some(y as i64);
                continue;
            }
        }
    }
    let (h, mi, se) = time?;
    let d = day?;
    let m = month?;
    let mut y = year?;
    if (70..=99).contains(&y) {
        y += 1900;
    } else if (0..=69).contains(&y) {
        y += 2000;
    }
    if !(1..=31).contains(&d) || y < 1601 || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    if d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 + (h as i64) * 3600 + (mi as i64) * 60 + se as i64)
}

/// Parses an HTTP `Date`-style header value (any RFC 9110 §5.6.7 form). Lenient like browsers.
pub fn parse_http_date(s: &str) -> Option<i64> {
    parse_cookie_date(s)
}

/// Parses an RFC 3339 date-time (`2026-09-23T12:03:11.123Z`, `…-07:00`) into epoch milliseconds.
///
/// Grammar (RFC 3339 §5.6): `full-date ("T" / "t" / " ") partial-time [time-offset]`, where
/// `time-offset` is `Z`, `z`, `+hh:mm`, `-hh:mm`, or (as some exporters write it) `+hhmm`.
/// Lenient where HAR exporters differ: surrounding whitespace is ignored, any number of fraction
/// digits is read, and a missing offset is taken as UTC rather than dropping the time. The day is
/// checked against 1–31, not against the month's length (`02-31` reads as 3 March).
pub fn parse_rfc3339_ms(s: &str) -> Option<f64> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from.checked_add(len)?)?;
        digits.iter().try_fold(0i64, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let (h, mi, se) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut i = 19;
    let mut frac_ms = 0.0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        let mut scale = 100.0;
        while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            frac_ms += f64::from(c - b'0') * scale;
            scale /= 10.0;
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    let offset_min = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        None => 0, // no zone: take it as UTC rather than drop the time
        Some(&sign @ (b'+' | b'-')) => {
            let oh = num(i + 1, 2)?;
            let (om, end) = if b.get(i + 3) == Some(&b':') { (num(i + 4, 2)?, i + 6) } else { (num(i + 3, 2)?, i + 5) };
            if end != b.len() || oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if sign == b'+' { m } else { -m }
        }
        _ => return None,
    };
    // Month and day were range-checked above, so these conversions cannot fail.
    let days = days_from_civil(y, u32::try_from(mo).ok()?, u32::try_from(d).ok()?);
    let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
    Some(secs as f64 * 1000.0 + frac_ms)
}

/// Formats epoch seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn format_http_date(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    const WD: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MO: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let wd = WD[days.rem_euclid(7) as usize];
    let mo = MO[(m as usize).saturating_sub(1).min(11)];
    format!("{wd}, {d:02} {mo} {y} {:02}:{:02}:{:02} GMT", secs / 3600, (secs / 60) % 60, secs % 60)
}

/// Formats epoch seconds as `2026-11-23 12:03:11 UTC` (for explanations).
pub fn format_utc(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, (secs / 60) % 60, secs % 60)
}

/// A duration for people: `3 min 12 s`, `2 h 5 min`, `4 days 3 h`.
pub fn format_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min {} s", s / 60, s % 60)
    } else if s < 86_400 {
        format!("{} h {} min", s / 3600, (s / 60) % 60)
    } else {
        let d = s / 86_400;
        format!("{d} day{} {} h", if d == 1 { "" } else { "s" }, (s / 3600) % 24)
    }
}

fn parse_time(token: &str) -> Option<(u32, u32, u32)> {
    // time = hms-time ( non-digit *OCTET ); hms-time = 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT
    let mut parts = token.splitn(3, ':');
    let h = all_digits(parts.next()?, 1, 2)?;
    let m = all_digits(parts.next()?, 1, 2)?;
    let rest = parts.next()?;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    let s = digits.parse().ok()?;
    Some((h, m, s))
}

fn all_digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `min*max DIGIT ( non-digit *OCTET )`.
fn leading_digits(token: &str, min: usize, max: usize) -> Option<u64> {
    let n = token.bytes().take_while(|b| b.is_ascii_digit()).count();
    if n < min || n > max {
        return None;
    }
    token.get(..n)?.parse().ok()
}

fn parse_month(token: &str) -> Option<u32> {
    let p = token.get(..3)?.to_ascii_lowercase();
    const M: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    M.iter().position(|m| *m == p).map(|i| i as u32 + 1)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `ms` since the epoch as an RFC 3339 UTC date-time with milliseconds (HAR 1.2
/// `startedDateTime`), the inverse of [`parse_rfc3339_ms`]; `None` outside years 0–9999.
pub fn format_rfc3339_ms(ms: f64) -> Option<String> {
    if !ms.is_finite() || !(-62_167_219_200_000.0..253_402_300_800_000.0).contains(&ms) {
        return None;
    }
    let total = ms.floor() as i64;
    let (days, rem) = (total.div_euclid(86_400_000), total.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000);
    Some(format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z"))
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        for ms in [0.0, 1_733_312_345_678.0, 951_782_400_000.0, -1.0] {
            let text = format_rfc3339_ms(ms).unwrap();
            assert_eq!(parse_rfc3339_ms(&text), Some(ms), "{text}");
        }
        assert_eq!(format_rfc3339_ms(1_733_312_345_678.0).unwrap(), "2024-12-04T11:39:05.678Z");
        assert_eq!(format_rfc3339_ms(f64::NAN), None);
        assert_eq!(format_rfc3339_ms(1e20), None, "past year 9999");
    }

    #[test]
    fn http_date_forms() {
        let t = 784_111_777; // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(t));
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn rejects_bad_dates() {
        assert_eq!(parse_cookie_date("Wed, 31 Feb 2024 10:00:00 GMT"), None);
        assert_eq!(parse_cookie_date("tomorrow"), None);
        assert_eq!(parse_cookie_date("Wed, 01 Jan 1600 10:00:00 GMT"), None);
        assert_eq!(parse_cookie_date("Wed, 01 Jan 2024 25:00:00 GMT"), None);
    }

    #[test]
    fn rfc3339_forms() {
        let cases: &[(&str, &str, Option<f64>)] = &[
            ("utc millis", "1970-01-01T00:00:01.250Z", Some(1250.0)),
            ("no fraction", "1970-01-02T00:00:00Z", Some(86_400_000.0)),
            ("negative offset", "2023-03-29T16:58:59.303-07:00", Some(1_680_134_339_303.0)),
            ("positive offset no colon", "1970-01-01T01:00:00+0100", Some(0.0)),
            ("nanoseconds", "1970-01-01T00:00:00.123456789Z", Some(123.456789)),
            ("lower-case t and z", "1970-01-01t00:00:01z", Some(1000.0)),
            ("space separator", "1970-01-01 00:00:01Z", Some(1000.0)),
            ("no offset is UTC", "1970-01-01T00:00:01", Some(1000.0)),
            ("surrounding whitespace", " 1970-01-01T00:00:01Z\n", Some(1000.0)),
            ("leap second", "1972-06-30T23:59:60Z", Some(78_796_800_000.0)),
            ("leap day", "2024-02-29T00:00:00Z", Some(1_709_164_800_000.0)),
            ("before the epoch", "1969-12-31T23:59:59Z", Some(-1000.0)),
            ("day not checked against month (rolls over)", "2023-02-31T00:00:00Z", Some(1_677_801_600_000.0)),
            ("garbage", "yesterday", None),
            ("empty", "", None),
            ("bad month", "2023-13-01T00:00:00Z", None),
            ("month zero", "2023-00-01T00:00:00Z", None),
            ("day 32", "2023-01-32T00:00:00Z", None),
            ("hour 24", "2023-01-01T24:00:00Z", None),
            ("second 61", "2023-01-01T00:00:61Z", None),
            ("one-digit month", "2023-1-01T00:00:00Z", None),
            ("no seconds", "2023-01-01T00:00Z", None),
            ("date only", "2023-01-01", None),
            ("wrong separator", "2023-01-01X00:00:00Z", None),
            ("slashes", "2023/01/01T00:00:00Z", None),
            ("trailing junk", "2023-01-01T00:00:00Zjunk", None),
            ("empty fraction", "2023-01-01T00:00:00.Z", None),
            ("offset hour 24", "2023-01-01T00:00:00+24:00", None),
            ("offset minute 60", "2023-01-01T00:00:00+01:60", None),
            ("short offset", "2023-01-01T00:00:00+01:0", None),
            ("offset hours only", "2023-01-01T00:00:00+01", None),
            ("junk after offset", "2023-01-01T00:00:00+01:00Z", None),
            ("HTTP-date is not RFC 3339", "Sun, 06 Nov 1994 08:49:37 GMT", None),
        ];
        for (name, s, want) in cases {
            let got = parse_rfc3339_ms(s);
            match (got, want) {
                (Some(g), Some(w)) => assert!((g - w).abs() < 1e-6, "{name}: {g} vs {w}"),
                _ => assert_eq!(got, *want, "{name}"),
            }
        }
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(192), "3 min 12 s");
        assert_eq!(format_duration(-45), "45 s");
        assert_eq!(format_duration(90_000), "1 day 1 h");
    }
}
