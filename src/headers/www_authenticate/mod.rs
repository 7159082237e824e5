//! `WWW-Authenticate` / `Proxy-Authenticate` challenges (RFC 9110 §11.6.1, RFC 6750 §3, RFC 7616).
//!
//! Grammar (RFC 9110 §11.3, §11.2):
//! ```text
//! WWW-Authenticate = #challenge
//! challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//! auth-param = token BWS "=" BWS ( token / quoted-string )
//! token68    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//! ```
//! Example: `Bearer realm="api", error="invalid_token", Basic realm="legacy"`.
//!
//! The parser is lenient the way browsers are (an unterminated quoted string still yields its
//! text, an unquoted `realm` is accepted, a missing comma between parameters is tolerated) and
//! records a [`Note`] for every deviation so the diagnosis can report it. It never judges.
//! Several field lines are accepted, as are CDP/Firefox values joined with `\n`; a newline
//! followed by a space or tab is an (obsolete) line fold and counts as whitespace.

mod schemes;

pub use schemes::{BearerChallenge, BearerError, DigestAlgorithm, DigestChallenge};

use super::scheme::Scheme;
use super::syntax::{self, is_tchar, is_token68_char};
use std::borrow::Cow;
use std::collections::HashSet;

/// Parameters kept per challenge. Real challenges carry under a dozen (Digest's are the most);
/// the bound keeps a hostile header from costing work and memory in every rule and view.
pub(crate) const MAX_PARAMS: usize = 64;
/// Distinct notes kept per challenge; more say nothing new about a hostile header.
const MAX_NOTES: usize = 32;

/// Adds `n` to a challenge's notes once, up to [`MAX_NOTES`].
fn note(notes: &mut Vec<Note>, n: Note) {
    if notes.len() < MAX_NOTES && !notes.contains(&n) {
        notes.push(n);
    }
}

/// A grammar deviation noticed while parsing (what a stricter client would drop or mis-read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// A list element does not start with a scheme token (RFC 9110 §11.3).
    NoScheme,
    /// An auth-param with no challenge to belong to (`Basic, realm="x"`: the comma closed `Basic`).
    OrphanParam,
    /// A word that is neither `name=value` nor a scheme, where a parameter was expected.
    ParamWithoutEquals,
    /// `name=` followed by nothing usable.
    EmptyValue,
    /// An unquoted value followed by more words before the next comma (spaces need quoting).
    UnquotedValueWithSpaces,
    /// An unquoted value holding characters outside `token` (`realm=a@b`, `realm='x'`).
    UnquotedValueNotToken,
    /// Parameters separated by whitespace instead of a comma.
    MissingComma,
    /// A quoted-string without its closing quote (taken up to the end of the line).
    UnterminatedQuote,
    /// The same parameter twice in one challenge (the first is kept, as Firefox does).
    DuplicateParam(String),
    /// More than `MAX_PARAMS` (64) parameters in one challenge: the rest were read for
    /// duplicates but not kept.
    TooManyParams,
    /// `realm` sent as a token; RFC 9110 §11.5 requires the quoted-string form.
    RealmNotQuoted,
    /// A Basic challenge without `realm` (RFC 7617 §2: required).
    BasicWithoutRealm,
    /// Several challenges comma-packed on one field line (RFC 9110 §11.6.1 interop warning).
    SeveralChallengesOnOneLine,
    /// The first challenge is a scheme browsers do not know, and a known one comes later
    /// (RFC 9110 §11.3: list well-supported schemes first).
    UnknownSchemeFirst,
    /// An obsolete line fold (CRLF followed by whitespace) inside the value.
    ObsFold,
    /// A field line that is empty or only commas.
    EmptyField,
}

/// One auth-param.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    /// As sent; compare case-insensitively.
    pub name: &'a str,
    /// Unescaped value.
    pub value: Cow<'a, str>,
}

/// One challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge<'a> {
    /// As sent; compare case-insensitively.
    pub scheme: &'a str,
    pub token68: Option<&'a str>,
    pub params: Vec<Param<'a>>,
    /// Deviations within this challenge.
    pub notes: Vec<Note>,
}

impl<'a> Challenge<'a> {
    /// The scheme, classified.
    pub(crate) fn kind(&self) -> Scheme {
        Scheme::of(self.scheme)
    }

    /// The first parameter `name` (case-insensitive), unescaped.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|p| p.name.eq_ignore_ascii_case(name)).map(|p| p.value.as_ref())
    }

    /// `realm`, if present.
    pub fn realm(&self) -> Option<&str> {
        self.param("realm")
    }
}

/// All challenges of one response, in order, with field-level notes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Challenges<'a> {
    pub challenges: Vec<Challenge<'a>>,
    /// Notes about the field as a whole (packing, ordering, empty lines).
    pub notes: Vec<Note>,
}

impl<'a> Challenges<'a> {
    /// The first challenge of `scheme`.
    pub fn find(&self, scheme: Scheme) -> Option<&Challenge<'a>> {
        self.challenges.iter().find(|c| c.kind() == scheme)
    }

    /// Whether any challenge is `scheme`.
    pub(crate) fn has(&self, scheme: Scheme) -> bool {
        self.find(scheme).is_some()
    }

    /// Whether nothing was parsed.
    pub(crate) fn is_empty(&self) -> bool {
        self.challenges.is_empty()
    }

    /// Every note, field-level and per challenge.
    pub fn all_notes(&self) -> impl Iterator<Item = &Note> {
        self.notes.iter().chain(self.challenges.iter().flat_map(|c| c.notes.iter()))
    }

    /// The Bearer-style challenge (Bearer first, else DPoP), if any.
    pub(crate) fn bearer_like(&self) -> Option<&Challenge<'a>> {
        self.find(Scheme::Bearer).or_else(|| self.find(Scheme::Dpop))
    }
}

/// A byte cursor over one field value. Positions always sit on ASCII bytes when slicing, so
/// slices are valid UTF-8.
struct Cur<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    line: usize,
    folded: bool,
}

impl<'a> Cur<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn slice(&self, a: usize, z: usize) -> &'a str {
        self.s.get(a..z).unwrap_or("")
    }

    /// Skips spaces, tabs, CR, and newlines that fold (a newline followed by SP/HTAB).
    fn skip_ws(&mut self) -> bool {
        let start = self.i;
        while let Some(c) = self.peek() {
            match c {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\n' if matches!(self.at(self.i + 1), Some(b' ' | b'\t')) => {
                    self.folded = true;
                    self.i += 1;
                }
                _ => break,
            }
        }
        self.i > start
    }

    /// Whether the cursor is at a list separator (`,`, an unfolded newline) or the end.
    fn at_sep(&self) -> bool {
        matches!(self.peek(), None | Some(b',') | Some(b'\n'))
    }

    fn token(&mut self) -> &'a str {
        let a = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        self.slice(a, self.i)
    }

    /// Skips to the next separator, honouring quoted strings.
    fn skip_to_sep(&mut self) {
        let mut q = false;
        while let Some(c) = self.peek() {
            match c {
                b'"' => q = !q,
                b'\\' if q => self.i += 1,
                b',' | b'\n' if !q => break,
                _ => {}
            }
            self.i += 1;
        }
    }

    /// Consumes separators; returns true when a newline (new field line) was crossed.
    fn skip_seps(&mut self) -> bool {
        let mut newline = false;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'\n') => {
                    self.i += 1;
                    self.line += 1;
                    newline = true;
                }
                _ => break,
            }
        }
        newline
    }

    /// Whether a `token BWS "="` starts here (and not a token68 `abc==` at the end of an element).
    fn param_ahead(&self) -> bool {
        let mut j = self.i;
        while self.at(j).is_some_and(is_tchar) {
            j += 1;
        }
        if j == self.i {
            return false;
        }
        while self.at(j).is_some_and(syntax::is_ows) {
            j += 1;
        }
        if self.at(j) != Some(b'=') {
            return false;
        }
        j += 1;
        // `abc==` / `abc=` followed by a separator is token68 padding, not a parameter.
        if self.at(j) == Some(b'=') {
            return false;
        }
        true
    }

    /// Parses a value after `=`: quoted-string (with escapes) or a lenient token.
    fn value(&mut self, notes: &mut Vec<Note>) -> Option<(Cow<'a, str>, bool)> {
        self.skip_ws();
        if self.peek() == Some(b'"') {
            self.i += 1;
            let a = self.i;
            let q = syntax::scan_quoted(self.b, a);
            let raw = self.slice(a, q.end);
            if q.closed {
                self.i = q.end + 1;
            } else {
                self.i = self.b.len();
                notes.push(Note::UnterminatedQuote);
            }
            let v = if q.escaped { Cow::Owned(syntax::unescape_quoted(raw)) } else { Cow::Borrowed(raw) };
            return Some((v, true));
        }
        let a = self.i;
        while let Some(c) = self.peek() {
            if matches!(c, b',' | b' ' | b'\t' | b'\r' | b'\n') {
                break;
            }
            self.i += 1;
        }
        let v = self.slice(a, self.i);
        if v.is_empty() {
            notes.push(Note::EmptyValue);
            return None;
        }
        if !syntax::is_token(v) {
            notes.push(Note::UnquotedValueNotToken);
        }
        Some((Cow::Borrowed(v), false))
    }
}

/// Parses one challenge's parameter list (after the scheme and its whitespace). Linear in the
/// number of parameters: names seen are kept lowercased in a set, not searched for.
fn params<'a>(cur: &mut Cur<'a>, ch: &mut Challenge<'a>) {
    let mut seen: HashSet<String> = ch.params.iter().map(|p| p.name.to_ascii_lowercase()).collect();
    let mut value_notes = Vec::new();
    loop {
        // One auth-param.
        let name = cur.token();
        cur.skip_ws();
        if name.is_empty() || cur.peek() != Some(b'=') {
            note(&mut ch.notes, Note::ParamWithoutEquals);
            cur.skip_to_sep();
        } else {
            cur.i += 1;
            let value = cur.value(&mut value_notes);
            for n in value_notes.drain(..) {
                note(&mut ch.notes, n);
            }
            if let Some((value, quoted)) = value {
                let lower = name.to_ascii_lowercase();
                if seen.contains(&lower) {
                    note(&mut ch.notes, Note::DuplicateParam(lower));
                } else {
                    seen.insert(lower);
                    if name.eq_ignore_ascii_case("realm") && !quoted {
                        note(&mut ch.notes, Note::RealmNotQuoted);
                    }
                    if ch.params.len() < MAX_PARAMS {
                        ch.params.push(Param { name, value });
                    } else if !ch.notes.contains(&Note::TooManyParams) {
                        // Said even when the notes are full: the cut changes what rules see.
                        ch.notes.push(Note::TooManyParams);
                    }
                }
            }
            cur.skip_ws();
            if !cur.at_sep() {
                if cur.param_ahead() {
                    note(&mut ch.notes, Note::MissingComma);
                    continue;
                }
                note(&mut ch.notes, Note::UnquotedValueWithSpaces);
                cur.skip_to_sep();
            }
        }
        // Separators inside the list: empty elements are allowed; stop at a new line or at a
        // new challenge (a token not followed by `=`).
        let save = cur.i;
        let save_line = cur.line;
        if cur.skip_seps() {
            cur.i = save;
            cur.line = save_line;
            return;
        }
        if cur.peek().is_none() || !cur.param_ahead() {
            cur.i = save;
            cur.line = save_line;
            return;
        }
    }
}

/// Parses every field line of `WWW-Authenticate` (or `Proxy-Authenticate`).
pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Challenges<'a> {
    let mut out = Challenges::default();
    let mut line_base = 0;
    for value in lines {
        line_base = parse_into(value, line_base, &mut out) + 1;
    }
    finish(&mut out);
    out
}

/// Parses one field value (which may hold `\n`-joined lines) into `out`; returns the last line number.
fn parse_into<'a>(value: &'a str, line_base: usize, out: &mut Challenges<'a>) -> usize {
    let mut cur = Cur { s: value, b: value.as_bytes(), i: 0, line: line_base, folded: false };
    let mut per_line: Vec<usize> = Vec::new();
    let mut empty_line = true;
    loop {
        if cur.skip_seps() {
            if empty_line {
                out.notes.push(Note::EmptyField);
            }
            empty_line = true;
        }
        if cur.peek().is_none() {
            break;
        }
        empty_line = false;
        if cur.param_ahead() {
            // `name=value` where a scheme is expected.
            let mut scratch = Challenge { scheme: "", token68: None, params: Vec::new(), notes: Vec::new() };
            params(&mut cur, &mut scratch);
            if !out.notes.contains(&Note::OrphanParam) {
                out.notes.push(Note::OrphanParam);
            }
            continue;
        }
        let scheme = cur.token();
        if scheme.is_empty() {
            if !out.notes.contains(&Note::NoScheme) {
                out.notes.push(Note::NoScheme);
            }
            cur.skip_to_sep();
            continue;
        }
        let line = cur.line;
        let mut ch = Challenge { scheme, token68: None, params: Vec::new(), notes: Vec::new() };
        let had_ws = cur.skip_ws();
        if had_ws && cur.peek() == Some(b',') {
            // `Basic , realm="x"`: after the space the param list may open with empty elements
            // (RFC 9110 §5.6.1); `Basic, realm="x"` (no space) closes the challenge instead.
            let save = cur.i;
            while matches!(cur.peek(), Some(b',' | b' ' | b'\t')) {
                cur.i += 1;
            }
            if cur.param_ahead() {
                params(&mut cur, &mut ch);
            } else {
                cur.i = save;
            }
        } else if !cur.at_sep() {
            if !had_ws {
                // `Basic"x"` — the scheme token runs into something else.
                ch.notes.push(Note::NoScheme);
                cur.skip_to_sep();
            } else if let Some(t68) = token68_here(&mut cur) {
                ch.token68 = Some(t68);
            } else {
                params(&mut cur, &mut ch);
            }
        }
        let rel = line.saturating_sub(line_base);
        if per_line.len() <= rel {
            per_line.resize(rel + 1, 0);
        }
        if let Some(n) = per_line.get_mut(rel) {
            *n += 1;
        }
        out.challenges.push(ch);
    }
    if empty_line && out.challenges.is_empty() {
        out.notes.push(Note::EmptyField);
    }
    if cur.folded && !out.notes.contains(&Note::ObsFold) {
        out.notes.push(Note::ObsFold);
    }
    if per_line.iter().any(|&n| n > 1) && !out.notes.contains(&Note::SeveralChallengesOnOneLine) {
        out.notes.push(Note::SeveralChallengesOnOneLine);
    }
    cur.line
}

/// A token68 credential at the cursor, when the whole element is one (`abc==` then a separator).
fn token68_here<'a>(cur: &mut Cur<'a>) -> Option<&'a str> {
    let a = cur.i;
    let mut j = a;
    while cur.at(j).is_some_and(is_token68_char) {
        j += 1;
    }
    if j == a {
        return None;
    }
    while cur.at(j) == Some(b'=') {
        j += 1;
    }
    let z = j;
    while matches!(cur.at(j), Some(b' ' | b'\t' | b'\r')) {
        j += 1;
    }
    if !matches!(cur.at(j), None | Some(b',') | Some(b'\n')) {
        return None;
    }
    cur.i = j;
    Some(cur.slice(a, z))
}

/// Field-wide and per-scheme notes that need the whole list.
fn finish(out: &mut Challenges<'_>) {
    for ch in &mut out.challenges {
        if ch.kind() == Scheme::Basic && ch.realm().is_none() {
            ch.notes.push(Note::BasicWithoutRealm);
        }
    }
    if let Some(first) = out.challenges.first() {
        if first.kind() == Scheme::Other
            && out.challenges.iter().skip(1).any(|c| c.kind() != Scheme::Other)
            && !out.notes.contains(&Note::UnknownSchemeFirst)
        {
            out.notes.push(Note::UnknownSchemeFirst);
        }
    }
}

#[cfg(test)]
mod tests;
