//! The insignificant whitespace of a JSON document removed before it is parsed, streamed chunk by
//! chunk while the file is read (issue 13).
//!
//! Browsers export HARs pretty-printed (`JSON.stringify(har, null, 2)`): about half of a Chrome
//! HAR's bytes are indentation, and serde_json skips whitespace one byte at a time, several times
//! per header line. Compacting while reading costs one pass of word-at-a-time scanning, and the
//! buffer the CLI keeps is then about half the file instead of all of it (fewer page faults).
//!
//! The guarantee the CLI relies on: whitespace is only removed next to a structural character
//! (`{ } [ ] , :`) or a string's quote, so no two tokens ever merge (`1 2`, `tr ue` and `- 1`
//! keep a space and stay invalid). A document therefore parses after compaction if and only if
//! it parsed before, to the same value; string contents (bodies, header values) are copied byte
//! for byte, escapes included. Line and column numbers are those of the compacted text, so a
//! caller that reports errors parses the original again to name the place (see `authlens check`).

/// JSON's four whitespace bytes (RFC 8259 §2).
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;
const SPACES: u64 = 0x2020_2020_2020_2020;

/// The eight bytes of `s` at `i`, if there are eight.
fn word(s: &[u8], i: usize) -> Option<u64> {
    let b: [u8; 8] = s.get(i..i.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(b))
}

/// A mark in the high bit of every byte of `w` that is `"` or `\` (SWAR: a zero byte of `w ^ c`;
/// the lowest mark is exact, borrows only disturb the bytes above it).
fn quote_or_backslash(w: u64) -> u64 {
    let q = w ^ (LO * u64::from(b'"'));
    let b = w ^ (LO * u64::from(b'\\'));
    (q.wrapping_sub(LO) & !q & HI) | (b.wrapping_sub(LO) & !b & HI)
}

/// Index of the first `"` or `\` in `s`, eight bytes at a time.
#[cfg(test)]
fn find_quote_or_backslash(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(w) = word(s, i) {
        let m = quote_or_backslash(w);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s.get(i..)?.iter().position(|&b| b == b'"' || b == b'\\').map(|k| i + k)
}

/// Byte classes outside strings: a table lookup is one load where a `match` on the byte was a
/// chain of comparisons, once per token of the document.
const SCALAR: u8 = 0;
const WS: u8 = 1;
const QUOTE: u8 = 2;
const STRUCTURAL: u8 = 3;
const CLASS: [u8; 256] = {
    let mut t = [SCALAR; 256];
    t[b' ' as usize] = WS;
    t[b'\n' as usize] = WS;
    t[b'\r' as usize] = WS;
    t[b'\t' as usize] = WS;
    t[b'"' as usize] = QUOTE;
    t[b'{' as usize] = STRUCTURAL;
    t[b'}' as usize] = STRUCTURAL;
    t[b'[' as usize] = STRUCTURAL;
    t[b']' as usize] = STRUCTURAL;
    t[b',' as usize] = STRUCTURAL;
    t[b':' as usize] = STRUCTURAL;
    t
};

/// Writes `b` at `dst[*w]` and advances `w` (`dst` is sized so that it always fits).
fn put(dst: &mut [u8], w: &mut usize, b: u8) {
    if let Some(d) = dst.get_mut(*w) {
        *d = b;
        *w += 1;
    }
}

/// Skips JSON whitespace from `i`: runs of spaces eight at a time, the end of a run in one step.
fn skip_ws(src: &[u8], i: &mut usize) {
    loop {
        while let Some(x) = word(src, *i) {
            let lead = ((x ^ SPACES).trailing_zeros() / 8) as usize;
            *i += lead;
            if lead < 8 {
                break;
            }
        }
        match src.get(*i) {
            Some(&c) if is_ws(c) => *i += 1,
            _ => return,
        }
    }
}

/// Copies a string's bytes from `src[*i]` up to and including its closing quote, eight bytes at a
/// time; `escaped` says the first byte is escaped (a chunk ended after a backslash). Returns
/// whether the closing quote was reached; if not, the chunk ended inside the string.
fn copy_string(src: &[u8], i: &mut usize, dst: &mut [u8], w: &mut usize, escaped: &mut bool) -> bool {
    if *escaped {
        let Some(&b) = src.get(*i) else { return false };
        put(dst, w, b);
        *i += 1;
        *escaped = false;
    }
    loop {
        while let Some(x) = word(src, *i) {
            let Some(d) = dst.get_mut(*w..*w + 8) else { break };
            // Written whole; only the bytes before a quote or backslash count.
            d.copy_from_slice(&x.to_le_bytes());
            let m = quote_or_backslash(x);
            if m != 0 {
                let k = (m.trailing_zeros() / 8) as usize;
                *i += k;
                *w += k;
                break;
            }
            *i += 8;
            *w += 8;
        }
        let Some(&b) = src.get(*i) else { return false };
        put(dst, w, b);
        *i += 1;
        match b {
            b'"' => return true,
            b'\\' => match src.get(*i) {
                Some(&e) => {
                    put(dst, w, e);
                    *i += 1;
                }
                None => {
                    *escaped = true;
                    return false;
                }
            },
            _ => {}
        }
    }
}

/// A streaming compactor: feed it the document's bytes in chunks of any size.
#[derive(Clone, Debug, Default)]
pub struct Compactor {
    in_string: bool,
    /// Inside a string, right after a backslash: the next byte is escaped.
    escaped: bool,
    /// Whitespace was skipped since the last byte written.
    pending_ws: bool,
    /// The last byte written outside a string belongs to a number or a literal.
    prev_scalar: bool,
    /// Where a chunk is compacted before it is appended (reused: it stays in cache).
    scratch: Vec<u8>,
}

impl Compactor {
    /// A compactor at the start of a document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `chunk` to `out` without the whitespace between tokens.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        // Every write lands at or before the byte being read (bytes are only dropped, and the one
        // space kept between two scalars replaces at least one), plus an 8-byte word written whole.
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.resize(chunk.len() + 16, 0);
        let w = self.compact_chunk(chunk, &mut scratch);
        out.extend_from_slice(scratch.get(..w).unwrap_or_default());
        self.scratch = scratch;
    }

    /// Compacts `src` into the start of `dst` (at least `src.len() + 16` long); returns the
    /// length written.
    fn compact_chunk(&mut self, src: &[u8], dst: &mut [u8]) -> usize {
        let (mut i, mut w) = (0usize, 0usize);
        if self.in_string {
            if !copy_string(src, &mut i, dst, &mut w, &mut self.escaped) {
                return w;
            }
            self.in_string = false;
        }
        let (mut pending_ws, mut prev_scalar) = (self.pending_ws, self.prev_scalar);
        while let Some(&b) = src.get(i) {
            i += 1;
            match CLASS.get(usize::from(b)).copied().unwrap_or(SCALAR) {
                WS => {
                    pending_ws = true;
                    skip_ws(src, &mut i);
                }
                QUOTE => {
                    put(dst, &mut w, b);
                    (pending_ws, prev_scalar) = (false, false);
                    if !copy_string(src, &mut i, dst, &mut w, &mut self.escaped) {
                        self.in_string = true;
                        break;
                    }
                }
                STRUCTURAL => {
                    put(dst, &mut w, b);
                    (pending_ws, prev_scalar) = (false, false);
                }
                _ => {
                    // Two scalar bytes with whitespace between them are two tokens (`1 2`): keep them apart.
                    if pending_ws && prev_scalar {
                        put(dst, &mut w, b' ');
                    }
                    put(dst, &mut w, b);
                    (pending_ws, prev_scalar) = (false, true);
                }
            }
        }
        (self.pending_ws, self.prev_scalar) = (pending_ws, prev_scalar);
        w
    }
}

/// `bytes` compacted in one go (tests and small inputs).
pub fn compact(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    Compactor::new().feed(bytes, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> String {
        String::from_utf8(compact(s.as_bytes())).unwrap()
    }

    #[test]
    fn whitespace_between_tokens_goes_and_strings_stay() {
        let rows: &[(&str, &str, &str)] = &[
            ("pretty object", "{\n  \"a\": 1,\n  \"b\": [ true , null ]\n}\n", r#"{"a":1,"b":[true,null]}"#),
            ("whitespace inside strings is content", r#"{ "a b" : " x  y " }"#, r#"{"a b":" x  y "}"#),
            ("escaped quote does not end the string", r#"[ "a\" ,  b" , 1 ]"#, r#"["a\" ,  b",1]"#),
            ("escaped backslash then the real end", r#"[ "a\\" ,  "b" ]"#, r#"["a\\","b"]"#),
            ("tabs and CRLF", "{\r\n\t\"a\":\t1\r\n}", r#"{"a":1}"#),
            ("near miss: two numbers stay two", "[1 2]", "[1 2]"),
            ("near miss: a split literal stays split", "[tr  ue]", "[tr ue]"),
            ("near miss: minus and digits", "[- 1]", "[- 1]"),
            ("a scalar before a string loses the space", "[1 \"a\"]", "[1\"a\"]"),
            ("unterminated string copied to the end", "[\"a  b", "[\"a  b"),
            ("long indentation runs", &format!("[{}1]", " ".repeat(37)), "[1]"),
            ("non-ASCII in strings untouched", "{ \"é\" : \"ü  ✓\" }", "{\"é\":\"ü  ✓\"}"),
        ];
        for (name, input, want) in rows {
            assert_eq!(c(input), *want, "{name}");
        }
    }

    #[test]
    fn chunk_boundaries_do_not_matter() {
        let doc = "{\n  \"k\\\"ey\": [ 1 2, \"v \\\\\" ,  \"w\\n x\" ],\n    \"z\":   -3.5e2,\n  \
                   \"long\": \"a string longer than a word \\\" with an escape, é and    spaces\\\\\"  }";
        let whole = compact(doc.as_bytes());
        let want = r#"{"k\"ey":[1 2,"v \\","w\n x"],"z":-3.5e2,"long":"a string longer than a word \" with an escape, é and    spaces\\"}"#;
        assert_eq!(String::from_utf8(whole.clone()).unwrap(), want);
        for size in 1..40 {
            let mut out = Vec::new();
            let mut cp = Compactor::new();
            for chunk in doc.as_bytes().chunks(size) {
                cp.feed(chunk, &mut out);
            }
            assert_eq!(out, whole, "chunks of {size}");
        }
    }

    #[test]
    fn valid_json_keeps_its_value_and_invalid_stays_invalid() {
        let docs = [
            "{\n \"a\" : [ 1 , 2.5 , -3 , true , false , null , \"s  \\\" t\" , { } , [ ] ] \n}",
            " [ \"\\u00e9\" , 1e10 ] ",
            "[1 2]",
            "[tr ue]",
            "{\"a\" 1}",
            "[\"a\" \"b\"]",
            "[- 1]",
            "[1.\n5]",
        ];
        for d in docs {
            let before = serde_json::from_str::<serde_json::Value>(d);
            let after = serde_json::from_slice::<serde_json::Value>(&compact(d.as_bytes()));
            match (before, after) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{d}"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{d}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn swar_search_matches_a_plain_search() {
        let s = b"abcdefgh\"ijklmnop\\qrstuvwxyz0123456789\xc3\xa9\"";
        for start in 0..s.len() {
            let want = s[start..].iter().position(|&b| b == b'"' || b == b'\\');
            assert_eq!(find_quote_or_backslash(&s[start..]), want, "from {start}");
        }
    }
}
