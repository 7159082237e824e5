//! The RFC 9110 field-value grammar the auth headers share: `token` (§5.6.2), `quoted-string`
//! (§5.6.4), `token68` (§11.2) and optional whitespace `OWS` (§5.6.3).
//!
//! Character classes and small scanners only: the parsers built on them decide what a deviation
//! means and note it; nothing here judges.

/// `tchar` (RFC 9110 §5.6.2): the characters of a `token`.
pub fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// [`is_tchar`] for a `char` (anything outside ASCII is not one).
pub fn is_tchar_char(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_tchar)
}

/// A `token` (RFC 9110 §5.6.2): one or more `tchar`.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// The characters of a `token68` before its `=` padding (RFC 9110 §11.2).
pub fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

/// Optional whitespace `OWS` (RFC 9110 §5.6.3): space or horizontal tab.
pub const OWS: [char; 2] = [' ', '\t'];

/// Whether `b` is `OWS` (space or horizontal tab).
pub fn is_ows(b: u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// The text of a `quoted-string` body with its `quoted-pair` backslashes removed (RFC 9110
/// §5.6.4). A trailing lone backslash is dropped, as browsers do.
pub fn unescape_quoted(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut it = raw.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            if let Some(n) = it.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Scans the body of a `quoted-string` that starts at `bytes[start]` (just after the opening
/// `"`): the index of its closing quote (or `bytes.len()` when unterminated), whether it was
/// closed, and whether it holds a `quoted-pair` that needs [`unescape_quoted`].
pub fn scan_quoted(bytes: &[u8], start: usize) -> QuotedScan {
    let mut i = start;
    let mut escaped = false;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' => {
                escaped = true;
                i += 1;
            }
            b'"' => return QuotedScan { end: i, closed: true, escaped },
            _ => {}
        }
        i += 1;
    }
    QuotedScan { end: bytes.len(), closed: false, escaped }
}

/// The elements of a comma-separated list (RFC 9110 §5.6.1), trimmed and non-empty, with commas
/// inside a `quoted-string` kept in their element (`no-cache="Set-Cookie, Authorization"` is one).
/// Linear in the input: each byte is looked at once.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            // Find the next top-level comma, skipping quoted strings whole.
            while let Some(&c) = bytes.get(i) {
                match c {
                    b'"' => i = scan_quoted(bytes, i + 1).end + 1,
                    b',' => break,
                    _ => i += 1,
                }
            }
            let end = i.min(bytes.len());
            let item = s.get(start..end).unwrap_or("").trim_matches(|c| c == ' ' || c == '\t');
            start = end + 1;
            i = start;
            if !item.is_empty() {
                return Some(item);
            }
        }
        None
    })
}

/// What [`scan_quoted`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotedScan {
    /// Index of the closing quote, or the end of the input when unterminated.
    pub end: usize,
    pub closed: bool,
    /// A backslash escape occurred.
    pub escaped: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_classes() {
        assert!(is_token("Bearer") && is_token("AWS4-HMAC-SHA256") && is_token("x!#$%&'*+-.^_`|~"));
        assert!(!is_token("") && !is_token("a b") && !is_token("a=b") && !is_token("\"a\"") && !is_token("é"));
        assert!("mF_9.B5f-4.1JqM".bytes().all(is_token68_char));
        assert!(!is_token68_char(b'=') && !is_token68_char(b',') && !is_token68_char(0xc3));
        assert!(is_tchar_char('~') && !is_tchar_char('é'));
        assert!(is_ows(b'\t') && !is_ows(b'\n'));
    }

    #[test]
    fn lists_keep_commas_inside_quoted_strings() {
        let got: Vec<&str> = split_list(r#" no-cache="Set-Cookie, Authorization", max-age=0 ,, private"#).collect();
        assert_eq!(got, [r#"no-cache="Set-Cookie, Authorization""#, "max-age=0", "private"]);
        let got: Vec<&str> = split_list(r#"a="x\",y", b"#).collect();
        assert_eq!(got, [r#"a="x\",y""#, "b"], "an escaped quote does not end the string");
        let got: Vec<&str> = split_list(r#"a="unterminated, b"#).collect();
        assert_eq!(got, [r#"a="unterminated, b"#], "an unterminated string runs to the end");
        assert_eq!(split_list("").count(), 0);
        assert_eq!(split_list(" , ,").count(), 0);
        // Near miss: without quotes the comma separates.
        assert_eq!(split_list("a=x, y").collect::<Vec<_>>(), ["a=x", "y"]);
    }

    #[test]
    fn quoted_strings() {
        // (name, input after the opening quote, end, closed, escaped, unescaped body)
        let rows = [
            ("plain", "abc\" rest", 3, true, false, "abc"),
            ("escaped quote", r#"a\"b" x"#, 4, true, true, "a\"b"),
            ("unterminated", "abc", 3, false, false, "abc"),
            ("escape at the end", "ab\\", 3, false, true, "ab"),
            ("empty", "\"", 0, true, false, ""),
        ];
        for (name, input, end, closed, escaped, text) in rows {
            let s = scan_quoted(input.as_bytes(), 0);
            assert_eq!(s, QuotedScan { end, closed, escaped }, "{name}");
            assert_eq!(unescape_quoted(input.get(..s.end.min(input.len())).unwrap_or("")), text, "{name}");
        }
    }
}
