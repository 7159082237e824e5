//! The `Authorization` / `Proxy-Authorization` request header (RFC 9110 §11.6.2, §11.7.2):
//! Basic (RFC 7617), Bearer (RFC 6750 §2.1), DPoP (RFC 9449 §7.1), Digest (RFC 7616 §3.4) and
//! other schemes.
//!
//! Grammar (RFC 9110 §11.4): `credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`.
//! Examples: `Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==`, `Bearer mF_9.B5f-4.1JqM`,
//! `Digest username="Mufasa", realm="x", nonce="…", uri="/", response="…"`.
//!
//! Lenient like a server would be, never judging: every oddity (a placeholder token, a trailing
//! newline from `echo | base64`, a JSON blob instead of a token) becomes a typed [`Note`]. The
//! Basic password is decoded only so it can be redacted; it is never shown.

use super::redaction;
use super::scheme::Scheme;
use super::syntax::{self, OWS};
use super::www_authenticate::{self, Param};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// A value that is clearly an unset variable, not a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholder {
    Undefined,
    Null,
    NaN,
    ObjectObject,
    EmptyQuotes,
    /// `<token>`, `{{token}}`, `${token}`, `YOUR_TOKEN` and similar template leftovers.
    Template,
    /// `true`/`false`/`None`/`nil`.
    Literal,
    /// Nothing after the scheme.
    Empty,
}

/// Something about the credential a server would reject or mis-read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    // Scheme.
    /// No scheme word: the value is a bare token (`eyJ…`).
    NoScheme,
    /// The scheme word repeated: `Bearer Bearer x`.
    DoubledScheme,
    /// `Bearer: x` — a colon glued to the scheme.
    SchemeWithColon,
    /// Scheme not in its canonical case (`bearer`): valid, but some servers compare exactly.
    SchemeCase,
    /// More than one space (or a tab) between scheme and credential.
    ExtraWhitespace,
    /// The value was replaced by a redaction marker (`[REDACTED]`, `********`) before the capture
    /// was shared: a credential was sent, but its content is unknown, so nothing else is noted.
    Redacted,
    // Token syntax (token68 / b64token, RFC 9110 §11.2, RFC 6750 §2.1).
    Placeholder(Placeholder),
    /// Shorter than any real token (under 8 characters).
    TooShort,
    /// Wrapped in quotes (`"eyJ…"`).
    Quoted,
    /// A JSON object (`{"access_token": …}`), e.g. the whole token response.
    JsonBlob,
    /// Whitespace inside the credential.
    InnerSpace,
    /// A comma inside a token credential.
    Comma,
    /// `%xx` escapes: the value was URL-encoded.
    PercentEncoded,
    /// Characters outside ASCII.
    NonAscii,
    /// A trailing `\n` or `\r` (or other whitespace) in the value.
    TrailingNewline,
    /// Another character outside the token68 alphabet.
    BadToken68Char(char),
    /// A Bearer token that is really base64 of `user:password`.
    BasicEncodedToken,
    // Basic (RFC 7617 §2).
    /// Not valid base64.
    Base64Invalid,
    /// Uses the base64url alphabet (`-`, `_`), which Basic does not.
    Base64Url,
    /// Base64 without its `=` padding (most servers still accept it).
    Base64Unpadded,
    /// The decoded value has no `:`.
    MissingColon,
    /// The decoded user-id or password holds `%xx` escapes (`user%40example.com`): the client
    /// URL-encoded them before base64, a layer RFC 7617 §2 does not have.
    DecodedPercentEncoded,
    /// The decoded value contains a control character.
    ControlChar,
    /// The decoded value ends with a newline (`echo user:pass | base64` without `-n`).
    DecodedTrailingNewline,
    /// The decoded bytes are not UTF-8 (e.g. ISO-8859-1 from an old client).
    NotUtf8,
    /// The decoded user-id or password has non-ASCII characters (charset matters, RFC 7617 §2.1).
    DecodedNonAscii,
    /// The password part contains `:` — or the user-id did, which RFC 7617 §2 forbids.
    ColonInPassword,
    /// An empty user-id.
    EmptyUser,
}

/// A decoded Basic credential.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredential {
    pub user: String,
    /// Kept only so evidence can show its length; never displayed.
    pub password: String,
}

impl std::fmt::Debug for BasicCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredential").field("user", &self.user).field("password", &"Sensitive").finish()
    }
}

/// The parsed credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials<'a> {
    /// The scheme word as sent (empty when missing).
    pub scheme: &'a str,
    /// The scheme, classified; `None` when the value has no scheme word (a bare token).
    pub kind: Option<Scheme>,
    /// The credential text after the scheme (the token68, the Basic blob, or the param list),
    /// with quotes and surrounding whitespace kept as sent, minus a doubled scheme.
    pub credential: &'a str,
    /// The token with surrounding quotes and whitespace removed (for JWT decoding).
    pub token: &'a str,
    pub basic: Option<BasicCredential>,
    /// auth-params (Digest, and other param-style schemes).
    pub params: Vec<Param<'a>>,
    pub notes: Vec<Note>,
}

impl<'a> Credentials<'a> {
    /// Whether the credential is a token in the Bearer sense: Bearer, DPoP, a custom scheme word
    /// or a bare token (not Basic, Digest or the Windows handshakes).
    pub(crate) fn is_token(&self) -> bool {
        self.kind.is_none_or(|k| matches!(k, Scheme::Bearer | Scheme::Dpop | Scheme::Other))
    }

    /// Whether `note` was recorded.
    pub(crate) fn has(&self, note: &Note) -> bool {
        self.notes.contains(note)
    }

    /// The placeholder kind, if the token is one.
    pub(crate) fn placeholder(&self) -> Option<Placeholder> {
        self.notes.iter().find_map(|n| match n {
            Note::Placeholder(p) => Some(*p),
            _ => None,
        })
    }

    /// A Digest (or other param-style) parameter, case-insensitive.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|p| p.name.eq_ignore_ascii_case(name)).map(|p| p.value.as_ref())
    }

    /// Whether the token has the shape of a compact JWT/JWS/JWE (`eyJ…` with dots).
    pub(crate) fn looks_like_jwt(&self) -> bool {
        self.token.starts_with("eyJ") && self.token.matches('.').count() >= 2
    }
}

const PLACEHOLDERS: &[(&str, Placeholder)] = &[
    ("undefined", Placeholder::Undefined),
    ("null", Placeholder::Null),
    ("nan", Placeholder::NaN),
    ("[object object]", Placeholder::ObjectObject),
    ("\"\"", Placeholder::EmptyQuotes),
    ("''", Placeholder::EmptyQuotes),
    ("true", Placeholder::Literal),
    ("false", Placeholder::Literal),
    ("none", Placeholder::Literal),
    ("nil", Placeholder::Literal),
    ("<token>", Placeholder::Template),
    ("<access_token>", Placeholder::Template),
    ("<your-token>", Placeholder::Template),
    ("token", Placeholder::Template),
    ("your_token", Placeholder::Template),
    ("your-token", Placeholder::Template),
    ("your_access_token", Placeholder::Template),
    ("access_token", Placeholder::Template),
    ("xxx", Placeholder::Template),
];

fn placeholder(t: &str) -> Option<Placeholder> {
    let t = t.trim();
    if t.is_empty() {
        return Some(Placeholder::Empty);
    }
    if let Some(p) = PLACEHOLDERS.iter().find(|(s, _)| t.eq_ignore_ascii_case(s)).map(|(_, p)| *p) {
        return Some(p);
    }
    let templ = (t.starts_with('<') && t.ends_with('>'))
        || (t.starts_with("{{") && t.ends_with("}}"))
        || (t.starts_with("${") && t.ends_with('}'))
        || (t.starts_with('{') && t.ends_with('}') && !t.contains(':'));
    templ.then_some(Placeholder::Template)
}

/// Notes on a token credential (Bearer, DPoP, custom scheme, or a bare token).
fn token_notes(raw: &str, notes: &mut Vec<Note>) {
    if raw.ends_with(['\n', '\r']) || (raw.len() != raw.trim_end().len()) {
        notes.push(Note::TrailingNewline);
    }
    let t = raw.trim();
    if let Some(p) = placeholder(t) {
        notes.push(Note::Placeholder(p));
        return;
    }
    if t.starts_with('{') && t.contains(':') {
        notes.push(Note::JsonBlob);
        return;
    }
    if t.len() >= 2 && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\''))) {
        notes.push(Note::Quoted);
        if let Some(inner) = t.get(1..t.len() - 1) {
            if let Some(p) = placeholder(inner) {
                notes.push(Note::Placeholder(p));
            }
        }
    }
    let core = t.trim_matches(['"', '\'']);
    // 32 bytes hold at least 8 characters: only short values need counting.
    if core.len() < 32 && core.chars().count() < 8 && placeholder(core).is_none() {
        notes.push(Note::TooShort);
    }
    if core.bytes().any(|b| b == b' ' || b == b'\t') {
        notes.push(Note::InnerSpace);
    }
    if core.contains(',') {
        notes.push(Note::Comma);
    }
    if has_percent_escape(core) {
        notes.push(Note::PercentEncoded);
    }
    if !core.is_ascii() {
        notes.push(Note::NonAscii);
    }
    // token68: t68 chars, then only '='.
    let body = core.trim_end_matches('=');
    // Only ASCII characters are judged here (non-ASCII has its own note), so bytes will do.
    if let Some(bad) = body.bytes().find(|&b| {
        b.is_ascii() && !syntax::is_token68_char(b) && !matches!(b, b' ' | b'\t' | b',' | b'%' | b'"' | b'\'')
    }) {
        notes.push(Note::BadToken68Char(char::from(bad)));
    }
    // A Bearer token that decodes to `user:pass` was Basic-encoded by mistake.
    if !core.starts_with("eyJ") && core.len() >= 8 {
        if let Ok(bytes) = STANDARD.decode(core) {
            if let Ok(s) = std::str::from_utf8(&bytes) {
                if s.contains(':') && s.chars().all(|c| !c.is_control()) && !s.contains(' ') {
                    notes.push(Note::BasicEncodedToken);
                }
            }
        }
    }
}

/// `%xx` decoding (invalid escapes kept as they are).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |j: usize| b.get(j).and_then(|&h| (h as char).to_digit(16));
        match (c, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn has_percent_escape(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3).any(|w| matches!(w, [b'%', x, y] if x.is_ascii_hexdigit() && y.is_ascii_hexdigit()))
}

/// Decodes a Basic credential (RFC 7617 §2), noting every deviation.
fn basic(raw: &str, notes: &mut Vec<Note>) -> Option<BasicCredential> {
    if raw.ends_with(['\n', '\r']) {
        notes.push(Note::TrailingNewline);
    }
    let t = raw.trim();
    if t.is_empty() {
        notes.push(Note::Placeholder(Placeholder::Empty));
        return None;
    }
    let decoded_pct;
    let t = if has_percent_escape(t) {
        notes.push(Note::PercentEncoded);
        decoded_pct = percent_decode(t);
        decoded_pct.as_str()
    } else {
        t
    };
    if t.contains(['-', '_']) {
        notes.push(Note::Base64Url);
    }
    let normalized: std::borrow::Cow<'_, str> =
        if t.contains(['-', '_']) { t.replace('-', "+").replace('_', "/").into() } else { t.into() };
    let bytes = match STANDARD.decode(normalized.as_bytes()) {
        Ok(b) => b,
        Err(_) => match STANDARD_NO_PAD.decode(normalized.trim_end_matches('=').as_bytes()) {
            Ok(b) => {
                notes.push(Note::Base64Unpadded);
                b
            }
            Err(_) => {
                notes.push(Note::Base64Invalid);
                return None;
            }
        },
    };
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            notes.push(Note::NotUtf8);
            // ISO-8859-1: each byte is one code point.
            e.into_bytes().iter().map(|&b| char::from(b)).collect()
        }
    };
    if text.ends_with('\n') {
        notes.push(Note::DecodedTrailingNewline);
    }
    if text.chars().any(|c| c.is_control() && c != '\n') || text.trim_end_matches(['\n', '\r']).contains(['\n', '\r']) {
        notes.push(Note::ControlChar);
    }
    if !text.is_ascii() {
        notes.push(Note::DecodedNonAscii);
    }
    let Some((user, pass)) = text.split_once(':') else {
        notes.push(Note::MissingColon);
        // Without a colon nobody knows which part is the password: treat all of it as secret.
        return Some(BasicCredential { user: String::new(), password: text });
    };
    if pass.contains(':') {
        notes.push(Note::ColonInPassword);
    }
    if has_percent_escape(user) || has_percent_escape(pass) {
        notes.push(Note::DecodedPercentEncoded);
    }
    if user.is_empty() {
        notes.push(Note::EmptyUser);
    }
    Some(BasicCredential { user: user.to_string(), password: pass.to_string() })
}

/// Whether a credential reads as `name=value` auth-params rather than a token68 (a `=` right
/// after a run of name characters, followed by something other than more padding).
fn looks_like_params(rest: &str) -> bool {
    let t = rest.trim_start();
    let name_end = t.find(|c: char| !syntax::is_tchar_char(c)).unwrap_or(t.len());
    if name_end == 0 {
        return false;
    }
    let after = t.get(name_end..).unwrap_or("").trim_start_matches(OWS);
    match after.strip_prefix('=') {
        Some(v) => {
            let v = v.trim_start_matches(OWS);
            !v.is_empty() && !v.starts_with('=')
        }
        None => false,
    }
}

/// A credential without a scheme word (a bare token, or a value replaced whole).
fn schemeless<'a>(lead: &'a str, token: &'a str, notes: Vec<Note>) -> Credentials<'a> {
    Credentials { scheme: "", kind: None, credential: lead, token, basic: None, params: Vec::new(), notes }
}

/// Parses an `Authorization` (or `Proxy-Authorization`) value.
pub fn parse(value: &str) -> Credentials<'_> {
    let mut notes = Vec::new();
    let lead = value.trim_start();
    let word_end = lead.find([' ', '\t', '\n', '\r']).unwrap_or(lead.len());
    let word = lead.get(..word_end).unwrap_or("");
    // The whole value replaced (`Authorization: [REDACTED]`): its scheme is unknown too.
    if redaction::is_marker(word) {
        return schemeless(lead, lead.trim(), vec![Note::Redacted]);
    }
    let rest_full = lead.get(word_end..).unwrap_or("");
    let (scheme_word, colon) = match word.strip_suffix(':') {
        Some(w) if !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => (w, true),
        _ => (word, false),
    };
    let scheme_is_word = !scheme_word.is_empty()
        && scheme_word.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && !scheme_word.starts_with("eyJ");
    // A single word with no separator that is not a known scheme is a bare credential.
    let known = Scheme::of(scheme_word) != Scheme::Other;
    let bare = !scheme_is_word
        || (rest_full.trim().is_empty() && !known && (scheme_word.len() > 12 || scheme_word.contains('.')));
    if bare {
        notes.push(Note::NoScheme);
        let token = lead.trim().trim_matches(['"', '\'']);
        token_notes(lead, &mut notes);
        notes.retain(|n| *n != Note::TooShort || token.len() < 8);
        return schemeless(lead, token, notes);
    }
    if colon {
        notes.push(Note::SchemeWithColon);
    }
    let kind = Scheme::of(scheme_word);
    let canonical = kind.canonical();
    if canonical.is_some_and(|c| c != scheme_word) {
        notes.push(Note::SchemeCase);
    }
    if rest_full.starts_with("  ") || rest_full.starts_with('\t') {
        notes.push(Note::ExtraWhitespace);
    }
    let mut rest = rest_full.trim_start_matches(OWS);
    // `Bearer Bearer x`
    let next_end = rest.find(OWS).unwrap_or(rest.len());
    if let Some(next) = rest.get(..next_end) {
        if !next.is_empty() && next.eq_ignore_ascii_case(scheme_word) && next_end < rest.len() {
            notes.push(Note::DoubledScheme);
            rest = rest.get(next_end..).unwrap_or("").trim_start_matches(OWS);
        }
    }
    let mut out = Credentials {
        scheme: scheme_word,
        kind: Some(kind),
        credential: rest,
        token: rest.trim().trim_matches(['"', '\'']),
        basic: None,
        params: Vec::new(),
        notes,
    };
    if redaction::is_marker(rest) {
        out.notes = vec![Note::Redacted];
        return out;
    }
    match kind {
        Scheme::Basic => out.basic = basic(rest, &mut out.notes),
        Scheme::Digest => {
            // Same auth-param grammar as a challenge: reuse that parser.
            let parsed = www_authenticate::parse([value]);
            if let Some(c) = parsed.challenges.into_iter().next() {
                out.params = c.params;
            }
            if rest.trim().is_empty() {
                out.notes.push(Note::Placeholder(Placeholder::Empty));
            }
        }
        Scheme::Negotiate | Scheme::Ntlm => {
            if rest.trim().is_empty() {
                out.notes.push(Note::Placeholder(Placeholder::Empty));
            }
        }
        Scheme::Other if looks_like_params(rest) => {
            // `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`, `Token token="…"`:
            // an auth-param list, not a token68.
            let parsed = www_authenticate::parse([value]);
            if let Some(c) = parsed.challenges.into_iter().next() {
                out.params = c.params;
            }
        }
        Scheme::Bearer | Scheme::Dpop | Scheme::Other => {
            token_notes(rest, &mut out.notes);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_table() {
        // (name, value, user, expected notes)
        let rows: Vec<(&str, &str, Option<&str>, Vec<Note>)> = vec![
            ("rfc 7617", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", Some("Aladdin"), vec![]),
            ("utf-8", "Basic dGVzdDoxMjPCow==", Some("test"), vec![Note::DecodedNonAscii]),
            ("echo newline", "Basic dXNlcjpwYXNzCg==", Some("user"), vec![Note::DecodedTrailingNewline]),
            ("no colon", "Basic dXNlcnBhc3M=", Some(""), vec![Note::MissingColon]),
            ("bad base64", "Basic !!!notbase64", None, vec![Note::Base64Invalid]),
            ("base64url", "Basic dXNlcjo-Pj4_", Some("user"), vec![Note::Base64Url]),
            ("percent", "Basic dXNlcjpwYXNzMQ%3D%3D", Some("user"), vec![Note::PercentEncoded]),
            ("latin-1", "Basic dXNlcjpw5A==", Some("user"), vec![Note::NotUtf8, Note::DecodedNonAscii]),
            ("colon in password", "Basic YTpiOmM=", Some("a"), vec![Note::ColonInPassword]),
            // base64("alice%40example.com:p%21ss")
            (
                "url-encoded user",
                "Basic YWxpY2UlNDBleGFtcGxlLmNvbTpwJTIxc3M=",
                Some("alice%40example.com"),
                vec![Note::DecodedPercentEncoded],
            ),
            // base64("alice@example.com:100%") — a lone '%' is no escape
            ("literal percent", "Basic YWxpY2VAZXhhbXBsZS5jb206MTAwJQ==", Some("alice@example.com"), vec![]),
            ("control", "Basic dXNlcjpwYQFzcw==", Some("user"), vec![Note::ControlChar]),
            ("lowercase scheme", "basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", Some("Aladdin"), vec![Note::SchemeCase]),
            ("unpadded", "Basic dXNlcjpwYXNzMQ", Some("user"), vec![Note::Base64Unpadded]),
            ("empty", "Basic ", None, vec![Note::Placeholder(Placeholder::Empty)]),
        ];
        for (name, v, user, notes) in rows {
            let c = parse(v);
            assert_eq!(c.kind, Some(Scheme::Basic), "{name}");
            assert_eq!(c.basic.as_ref().map(|b| b.user.as_str()), user, "{name}");
            assert_eq!(c.notes, notes, "{name}: {:?}", c.notes);
        }
        assert_eq!(
            parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").basic.map(|b| b.password).as_deref(),
            Some("open sesame")
        );
    }

    #[test]
    fn token_table() {
        let rows: Vec<(&str, &str, Option<Scheme>, Vec<Note>)> = vec![
            ("rfc 6750", "Bearer mF_9.B5f-4.1JqM", Some(Scheme::Bearer), vec![]),
            ("undefined", "Bearer undefined", Some(Scheme::Bearer), vec![Note::Placeholder(Placeholder::Undefined)]),
            ("null", "Bearer null", Some(Scheme::Bearer), vec![Note::Placeholder(Placeholder::Null)]),
            (
                "object",
                "Bearer [object Object]",
                Some(Scheme::Bearer),
                vec![Note::Placeholder(Placeholder::ObjectObject)],
            ),
            ("empty", "Bearer", Some(Scheme::Bearer), vec![Note::Placeholder(Placeholder::Empty)]),
            ("empty quotes", "Bearer \"\"", Some(Scheme::Bearer), vec![Note::Placeholder(Placeholder::EmptyQuotes)]),
            ("template", "Bearer <token>", Some(Scheme::Bearer), vec![Note::Placeholder(Placeholder::Template)]),
            ("short", "Bearer abc", Some(Scheme::Bearer), vec![Note::TooShort]),
            ("quoted", "Bearer \"eyJhbGciOi.eyJzdWIi.c2ln\"", Some(Scheme::Bearer), vec![Note::Quoted]),
            ("json", "Bearer {\"access_token\":\"abc\"}", Some(Scheme::Bearer), vec![Note::JsonBlob]),
            ("space", "Bearer abcdefgh ijklmnop", Some(Scheme::Bearer), vec![Note::InnerSpace]),
            ("percent", "Bearer abcdefgh%2Bijk", Some(Scheme::Bearer), vec![Note::PercentEncoded]),
            ("newline", "Bearer abcdefghijkl\n", Some(Scheme::Bearer), vec![Note::TrailingNewline]),
            ("doubled", "Bearer Bearer abcdefghijkl", Some(Scheme::Bearer), vec![Note::DoubledScheme]),
            ("bare jwt", "eyJhbGciOi.eyJzdWIi.c2ln", None, vec![Note::NoScheme]),
            ("token scheme", "Token abcdefghijkl", Some(Scheme::Other), vec![]),
            (
                "sigv4 params",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                Some(Scheme::Other),
                vec![],
            ),
            ("rails token param", "Token token=\"abcdefghijkl\"", Some(Scheme::Other), vec![]),
            ("dpop", "DPoP abcdefghijkl", Some(Scheme::Dpop), vec![]),
            ("redacted token", "Bearer [REDACTED]", Some(Scheme::Bearer), vec![Note::Redacted]),
            ("masked token", "Bearer eyJhbGci********", Some(Scheme::Bearer), vec![Note::Redacted]),
            ("redacted whole value", "[REDACTED]", None, vec![Note::Redacted]),
            ("redacted basic", "Basic REDACTED", Some(Scheme::Basic), vec![Note::Redacted]),
            ("redacted bare word", "REDACTED", None, vec![Note::Redacted]),
            ("colon", "Bearer: abcdefghijkl", Some(Scheme::Bearer), vec![Note::SchemeWithColon]),
            ("non-ascii", "Bearer abcdéfghijkl", Some(Scheme::Bearer), vec![Note::NonAscii]),
            ("comma", "Bearer abcdefgh,ijkl", Some(Scheme::Bearer), vec![Note::Comma]),
            ("basic-encoded", "Bearer dXNlcjpwYXNzd29yZA==", Some(Scheme::Bearer), vec![Note::BasicEncodedToken]),
        ];
        for (name, v, kind, mut notes) in rows {
            let c = parse(v);
            assert_eq!(c.kind, kind, "{name}");
            let mut got = c.notes.clone();
            // BadToken68Char is incidental for the comma row; compare as sets.
            got.sort_by_key(|n| format!("{n:?}"));
            notes.sort_by_key(|n| format!("{n:?}"));
            notes.dedup();
            got.retain(|n| !matches!(n, Note::BadToken68Char(_)) || notes.contains(n));
            assert_eq!(got, notes, "{name}: {:?}", c.notes);
        }
        assert_eq!(parse("Bearer Bearer abcdefghijkl").token, "abcdefghijkl");
        assert_eq!(parse("Bearer \"eyJhbGciOi.eyJzdWIi.c2ln\"").token, "eyJhbGciOi.eyJzdWIi.c2ln");
        assert!(parse("eyJhbGciOi.eyJzdWIi.c2ln").looks_like_jwt());
    }

    #[test]
    fn digest_params() {
        let c = parse(
            "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", nonce=\"dcd98b\", uri=\"/dir/index.html\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"6629fae4\", opaque=\"5ccc\", algorithm=MD5",
        );
        assert_eq!(c.kind, Some(Scheme::Digest));
        for (k, v) in [
            ("username", "Mufasa"),
            ("realm", "testrealm@host.com"),
            ("nonce", "dcd98b"),
            ("uri", "/dir/index.html"),
            ("qop", "auth"),
            ("nc", "00000001"),
            ("cnonce", "0a4f113b"),
            ("response", "6629fae4"),
            ("opaque", "5ccc"),
            ("algorithm", "MD5"),
        ] {
            assert_eq!(c.param(k), Some(v), "{k}");
        }
        assert!(c.notes.is_empty());
    }

    #[test]
    fn hostile_input_does_not_panic() {
        for s in ["", " ", "\n", "é", "Basic é", "Bearer \"", "Basic ====", "Digest \"", "Bearer %", "x y z"] {
            let _ = parse(s);
        }
        let basic_debug = format!("{:?}", parse("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").basic);
        assert!(!basic_debug.contains("open sesame"), "{basic_debug}");
    }
}
