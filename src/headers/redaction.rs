//! Values a capture tool or a person put in place of a secret before sharing a HAR:
//! `[REDACTED]`, `<hidden>`, `********`, `[Filtered]`, `eyJhbGciOi…` (cut short).
//!
//! A credential that reads like this *was* sent, but the capture no longer holds its value, so
//! no rule may judge its syntax, its claims or its length. Parsers record it as a note; the rules
//! that read values skip it. Deliberately narrow: `xxx` or `token` stay template placeholders
//! (`bearer-placeholder-value`), because pages really send those.

/// Words that mean "the value was removed" (checked on the value with brackets and marks stripped).
const WORDS: &[&str] = &[
    "redacted",
    "sanitized",
    "sanitised",
    "filtered",
    "removed",
    "hidden",
    "masked",
    "scrubbed",
    "obfuscated",
    "omitted",
    "censored",
    "elided",
    "secret removed",
    "value removed",
];

/// Characters people and tools mask secrets with.
fn is_mask_char(c: char) -> bool {
    matches!(c, '*' | '•' | '●' | '█' | '■' | '∙' | '·')
}

/// Whether `value` (a whole credential, cookie value or token) is a redaction marker, or a
/// secret whose remainder was masked or cut (`abc123******`, `eyJhbGciOi…[REDACTED]`).
pub fn is_marker(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return false;
    }
    // "…" (U+2026) never occurs in a token68 or cookie-octet: the value was shortened by hand.
    if v.ends_with('…') {
        return true;
    }
    // A run of mask characters: the whole value, or its tail after a kept prefix.
    let masked_tail = v.chars().rev().take_while(|&c| is_mask_char(c)).count();
    if masked_tail >= 3 && (masked_tail == v.chars().count() || masked_tail >= 4) {
        return true;
    }
    let core = v
        .trim_matches(|c: char| {
            matches!(c, '[' | ']' | '<' | '>' | '{' | '}' | '(' | ')' | '"' | '\'' | '-' | '_' | '#')
        })
        .trim();
    if core.len() > 64 {
        // Long values are tokens; only an explicit "redacted" tag inside one counts.
        return contains_ignore_case(v, "redacted");
    }
    let lower = core.to_ascii_lowercase();
    let lower = lower.replace(['_', '-'], " ");
    // "REDACTED_TOKEN", "value removed", "hidden by proxy": a marker word among a few plain words;
    // `masked-4f3a9c` or `hidden_svc_01` (digits) are values, not markers.
    let plain_words = lower.split(' ').filter(|w| !w.is_empty()).count() <= 4
        && lower.bytes().all(|b| b.is_ascii_lowercase() || b == b' ');
    WORDS.iter().any(|w| {
        lower == *w
            || (plain_words && lower.strip_prefix(w).is_some_and(|r| r.starts_with(' ')))
            || (plain_words && lower.strip_suffix(w).is_some_and(|r| r.ends_with(' ')))
            || (*w == "redacted" && lower.contains(w))
    })
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else { return true };
    // Only windows that start with the needle's first byte (either case) are compared: a token
    // rarely has one, and this runs on every long credential (issue 13).
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    hay.iter().enumerate().any(|(i, &b)| {
        (b == lo || b == up) && hay.get(i..i + needle.len()).is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::{contains_ignore_case, is_marker};

    #[test]
    fn contains_ignore_case_is_a_windowed_comparison() {
        let hays =
            ["", "r", "redacted", "xxREDACTEDyy", "eyJ.rEdAcTeD", "redacte", "rredacted", "redactex", "é redacted"];
        for hay in hays {
            for needle in ["redacted", "r", ""] {
                let want = needle.is_empty()
                    || hay.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
                assert_eq!(contains_ignore_case(hay, needle), want, "{hay:?} {needle:?}");
            }
        }
    }

    #[test]
    fn markers() {
        let cases = [
            ("bracketed upper", "[REDACTED]"),
            ("plain upper (Dev Proxy)", "REDACTED"),
            ("angle lower", "<redacted>"),
            ("dashes (directus)", "--redacted--"),
            ("sanitizhar", "[sanitized]"),
            ("rails filter", "[FILTERED]"),
            ("hidden", "<hidden>"),
            ("stars", "********"),
            ("bullets", "••••••"),
            ("kept prefix, masked tail", "abc123******"),
            ("cut with ellipsis", "eyJhbGciOiJSUzI1NiJ9…"),
            ("tagged jwt", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.[REDACTED]"),
            ("snake tag", "REDACTED_TOKEN"),
            ("sentence", "value removed"),
            ("tool sentence", "hidden by proxy"),
            ("masked word", "MASKED"),
            (
                "long value with tag",
                "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.redacted-by-tool",
            ),
        ];
        for (name, v) in cases {
            assert!(is_marker(v), "{name}: {v:?}");
        }
    }

    #[test]
    fn not_markers() {
        let cases = [
            ("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"),
            ("opaque token", "mF_9.B5f-4.1JqM"),
            ("template placeholder stays a placeholder", "xxx"),
            ("x run", "xxxxxxxx"),
            ("word token", "token"),
            ("undefined", "undefined"),
            ("empty", ""),
            ("two stars", "a**"),
            ("hidden inside a word", "unhiddenvalue"),
            ("base64 basic", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            ("session id", "s%3Aabc.def"),
            ("marker word then digits", "masked-4f3a9c0d"),
            ("marker word, token-like tail", "hidden_svc_01"),
            (
                "word in a long token",
                "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoaWRkZW4gbWFza2VkIn0.c2lnbmF0dXJlLWhpZGRlbi1tYXNrZWQ",
            ),
        ];
        for (name, v) in cases {
            assert!(!is_marker(v), "{name}: {v:?}");
        }
    }
}
