//! Dates in headers: the lenient cookie-date algorithm (6265bis §5.1.1), which also reads every
//! HTTP-date form of RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime), and formatting back.
//!
//! Times are seconds since the Unix epoch (UTC). No clock is read here.

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
    fn durations() {
        assert_eq!(format_duration(192), "3 min 12 s");
        assert_eq!(format_duration(-45), "45 s");
        assert_eq!(format_duration(90_000), "1 day 1 h");
    }
}
