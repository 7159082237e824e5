//! JSON Web Tokens decoded without verification (RFC 7519, RFC 7515 §7.1 / RFC 7516 §7.1 compact
//! serialization).
//!
//! The decoder reads what a token *says* — its JOSE header and, for a JWS, its claims — so rules can
//! compare it with the server's clock and error text. It never verifies a signature (no keys) and
//! never judges: everything a strict validator would refuse but a lenient decoder (auth0/jwt-decode)
//! reads anyway is kept as a [`JwtNote`]; only shapes that leave no header to read are [`JwtError`]s.
//! The signature segment is never decoded or kept.

use serde_json::{Map, Value};
use std::fmt;

/// Tokens longer than this are not decoded (no real token is; a header buffer would refuse it first).
const MAX_TOKEN_LEN: usize = 256 * 1024;

/// A segment of the compact serialization, for error messages (`part #1` is the header).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The JOSE header (part #1).
    Header,
    /// The JWS payload / JWT claims set (part #2).
    Payload,
}

impl Part {
    /// 1-based position, as jwt-decode numbers them.
    pub fn number(self) -> u8 {
        match self {
            Part::Header => 1,
            Part::Payload => 2,
        }
    }
}

/// Why a token could not be decoded at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Nothing (or only whitespace/quotes) to decode.
    Empty,
    /// No `.` at all: one opaque string, not a compact JWS/JWE.
    NotCompact,
    /// A compact JWS has 3 segments and a JWE 5; this has another count.
    SegmentCount(usize),
    /// A segment holds characters outside the base64url alphabet, or has an impossible length.
    Base64(Part),
    /// A segment decodes, but not to JSON.
    NotJson(Part),
    /// The JSON ends early: the token was cut off.
    Truncated(Part),
    /// The JSON is valid but not an object (RFC 7515 §4, RFC 7519 §7.2 step 10).
    NotObject(Part),
    /// Longer than any real token.
    TooLong,
}

impl fmt::Display for JwtError {
    /// A lowercase clause, so callers can put it after "cannot be read as a JWT: ".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |p: &Part| match p {
            Part::Header => "part #1 (the header)",
            Part::Payload => "part #2 (the payload)",
        };
        match self {
            JwtError::Empty => f.write_str("the token is empty"),
            JwtError::NotCompact => f.write_str("it has no '.' separators, so it is not a compact JWT (no part #2)"),
            JwtError::SegmentCount(n) => {
                write!(f, "it has {n} dot-separated segments; a signed JWT has 3 and an encrypted one 5")
            }
            JwtError::Base64(p) => write!(f, "{} is not valid base64url", name(p)),
            JwtError::NotJson(p) => write!(f, "{} does not decode to JSON", name(p)),
            JwtError::Truncated(p) => write!(f, "{} ends in the middle of its JSON (the token was cut off)", name(p)),
            JwtError::NotObject(p) => write!(f, "{} is JSON but not an object", name(p)),
            JwtError::TooLong => f.write_str("the token is longer than 256 KiB"),
        }
    }
}

impl std::error::Error for JwtError {}

/// Something a strict validator would refuse, or that explains a failure, although the token decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JwtNote {
    /// Wrapped in `"…"` or `'…'` (a JSON string stored as-is); the quotes were removed to decode.
    Quoted,
    /// Leading or trailing whitespace (a trailing newline from a file or an env var) was removed.
    SurroundingWhitespace,
    /// Two tokens run together (`h.p.sh.p.s`, or separated by space/comma); only the first was decoded.
    Concatenated,
    /// Whitespace inside the token (a wrapped line, a pasted break); removed to decode.
    InnerWhitespace,
    /// `=` padding, which base64url in JOSE omits (RFC 7515 §2); strict decoders refuse it.
    Padded(Part),
    /// `+` or `/` (standard base64, not base64url); strict decoders refuse it.
    StandardAlphabet(Part),
    /// The header has no `alg` (RFC 7515 §4.1.1: REQUIRED).
    MissingAlg,
    /// `alg` is not a string.
    AlgNotString,
    /// The payload bytes are not UTF-8; read as ISO-8859-1 like jwt-decode's fallback.
    Latin1Payload,
    /// A 3-segment JWS whose signature segment is empty although `alg` is not `none`.
    EmptySignature,
    /// `alg: none` but a signature is present (RFC 7519 §6.1: it MUST be empty).
    SignatureWithNone,
    /// The payload segment is empty: detached content (RFC 7515 Appendix F).
    DetachedPayload,
    /// `b64: false` (RFC 7797): the payload is not base64url-encoded.
    UnencodedPayload,
    /// 5 segments whose header has no `enc`: not a real JWE.
    JweWithoutEnc,
    /// 3 segments whose header has `enc`: a JWE header on a JWS-shaped token.
    EncOnJws,
}

impl JwtNote {
    /// Fixed wording for people.
    pub fn message(self) -> &'static str {
        match self {
            JwtNote::Quoted => "the token is wrapped in quotes",
            JwtNote::SurroundingWhitespace => "the token has leading or trailing whitespace",
            JwtNote::Concatenated => "two tokens are run together",
            JwtNote::InnerWhitespace => "the token contains whitespace (a wrapped or pasted line break)",
            JwtNote::Padded(Part::Header) => "the header segment has '=' padding, which JWTs omit",
            JwtNote::Padded(Part::Payload) => "the payload segment has '=' padding, which JWTs omit",
            JwtNote::StandardAlphabet(Part::Header) => "the header uses '+' or '/' (base64, not base64url)",
            JwtNote::StandardAlphabet(Part::Payload) => "the payload uses '+' or '/' (base64, not base64url)",
            JwtNote::MissingAlg => "the header has no \"alg\"",
            JwtNote::AlgNotString => "\"alg\" is not a string",
            JwtNote::Latin1Payload => "the payload is not UTF-8 (read as ISO-8859-1)",
            JwtNote::EmptySignature => "the signature is empty although alg is not \"none\"",
            JwtNote::SignatureWithNone => "alg is \"none\" but a signature is present",
            JwtNote::DetachedPayload => "the payload segment is empty (detached content)",
            JwtNote::UnencodedPayload => "the payload is unencoded (b64: false)",
            JwtNote::JweWithoutEnc => "5 segments but the header has no \"enc\": not a JWE",
            JwtNote::EncOnJws => "the header has \"enc\" (an encryption header) on a 3-segment token",
        }
    }

    /// Whether a validator following RFC 7515/7519 strictly would refuse the token for this.
    pub fn breaks_strict_validation(self) -> bool {
        !matches!(self, JwtNote::Latin1Payload)
    }
}

/// The shape of a compact token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Signed (JWS, RFC 7515): header, payload, signature.
    Jws,
    /// `alg: none` (RFC 7519 §6): no integrity protection at all.
    Unsecured,
    /// Encrypted (JWE, RFC 7516): only the header is readable.
    Jwe,
}

impl Kind {
    /// `JWS`, `unsecured` or `JWE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Jws => "JWS",
            Kind::Unsecured => "unsecured",
            Kind::Jwe => "JWE",
        }
    }
}

/// What the payload segment holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Payload {
    /// A JSON object: the JWT claims set.
    Claims(Map<String, Value>),
    /// A JWE: the payload is encrypted.
    Encrypted,
    /// Empty payload segment (detached content).
    Detached,
    /// `b64: false`: the payload is raw text, not base64url.
    Unencoded,
    /// The payload could not be read as a JSON object (a JWS over arbitrary bytes is still a valid
    /// JWS, but not a JWT).
    Invalid(JwtError),
}

/// A NumericDate claim (RFC 7519 §2) as found in the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeClaim {
    /// Seconds since the epoch (fractions truncated towards negative infinity).
    Seconds {
        secs: i64,
        /// Written as a JSON string (`"exp":"1700000000"`), which RFC 7519 does not allow.
        from_string: bool,
        /// Larger than 10^11: probably milliseconds written where seconds belong.
        looks_like_millis: bool,
    },
    /// Present but not a number (`"exp": "tomorrow"`, `null`, an object).
    NotNumeric,
}

impl TimeClaim {
    /// The seconds, when numeric.
    pub fn secs(self) -> Option<i64> {
        match self {
            TimeClaim::Seconds { secs, .. } => Some(secs),
            TimeClaim::NotNumeric => None,
        }
    }
}

/// A decoded compact JWS/JWE. The signature is never kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Jwt {
    pub kind: Kind,
    /// The JOSE header.
    pub header: Map<String, Value>,
    pub payload: Payload,
    pub notes: Vec<JwtNote>,
}

/// JWS `alg` values registered in the IANA JOSE registry (RFC 7518 §3.1, RFC 8037 §3.1, RFC 8812
/// §3.2, RFC 9864 fully-specified EdDSA). Case-sensitive (RFC 7515 §4.1.1).
const REGISTERED_ALGS: &[&str] = &[
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512",
    "EdDSA", "ES256K", "Ed25519", "Ed448", "none",
];

/// Whether `alg` is a registered JWS algorithm, spelled exactly (names are case-sensitive).
pub(crate) fn is_registered_alg(alg: &str) -> bool {
    REGISTERED_ALGS.contains(&alg)
}

/// The registered algorithm `alg` names when letter case is ignored (`rs256` → `RS256`).
pub(crate) fn registered_alg_ignoring_case(alg: &str) -> Option<&'static str> {
    REGISTERED_ALGS.iter().find(|r| r.eq_ignore_ascii_case(alg)).copied()
}

/// Whether `token` looks like a JOSE compact token at all: a segment starts with base64url of `{`
/// followed by `"` or whitespace (`ey…`, `ew…`). Opaque tokens with dots (`ya29.…`, PASETO
/// `v2.local.…`) do not.
pub fn looks_like_jwt(token: &str) -> bool {
    let t = token.trim().trim_matches(['"', '\'']);
    let mut segs = t.split('.');
    let first = segs.next().unwrap_or("");
    first.starts_with("ey") || first.starts_with("ew") || segs.any(|s| s.starts_with("eyJ"))
}

/// Decodes a compact JWS (3 segments) or JWE (5 segments) without verifying it.
///
/// Lenient where browsers' JavaScript decoders are (quotes, padding, standard base64, latin-1
/// payloads), recording a [`JwtNote`] each time. Errors only when no header can be read.
pub fn decode(token: &str) -> Result<Jwt, JwtError> {
    let mut notes = Vec::new();
    let token = clean(token, &mut notes)?;
    let (token, concatenated) = split_concatenated(token);
    if concatenated {
        notes.push(JwtNote::Concatenated);
    }
    // A JWS with an unencoded payload (RFC 7797) may hold spaces; any other whitespace is damage.
    let unwrapped: String;
    let token = if token.contains(char::is_whitespace) && !unencoded_header(token) {
        notes.push(JwtNote::InnerWhitespace);
        unwrapped = token.chars().filter(|c| !c.is_whitespace()).collect();
        unwrapped.as_str()
    } else {
        token
    };
    let segs: Vec<&str> = token.split('.').collect();
    let n = segs.len();
    if n == 1 {
        return Err(JwtError::NotCompact);
    }
    let header_seg = segs.first().copied().unwrap_or("");
    let header = decode_object(header_seg, Part::Header, &mut notes)?;
    if n != 3 && n != 5 {
        // `h.p` whose payload stops mid-JSON was cut off, not merely stripped of its signature.
        if n == 2 {
            let payload = segs.get(1).copied().unwrap_or("");
            if let Err(JwtError::Truncated(_) | JwtError::Base64(_)) = decode_object(payload, Part::Payload, &mut notes)
            {
                return Err(JwtError::Truncated(Part::Payload));
            }
        }
        return Err(JwtError::SegmentCount(n));
    }
    let alg = match header.get("alg") {
        None => {
            notes.push(JwtNote::MissingAlg);
            None
        }
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            notes.push(JwtNote::AlgNotString);
            None
        }
    };
    let has_enc = header.contains_key("enc");
    if n == 5 {
        if !has_enc {
            notes.push(JwtNote::JweWithoutEnc);
        }
        return Ok(Jwt { kind: Kind::Jwe, header, payload: Payload::Encrypted, notes });
    }
    if has_enc {
        notes.push(JwtNote::EncOnJws);
    }
    let unsecured = alg.is_some_and(|a| a.eq_ignore_ascii_case("none"));
    let sig = segs.get(2).copied().unwrap_or("");
    if unsecured && !sig.is_empty() {
        notes.push(JwtNote::SignatureWithNone);
    } else if !unsecured && sig.is_empty() {
        notes.push(JwtNote::EmptySignature);
    }
    let payload_seg = segs.get(1).copied().unwrap_or("");
    let payload = if header.get("b64") == Some(&Value::Bool(false)) {
        notes.push(JwtNote::UnencodedPayload);
        Payload::Unencoded
    } else if payload_seg.is_empty() {
        notes.push(JwtNote::DetachedPayload);
        Payload::Detached
    } else {
        match decode_object(payload_seg, Part::Payload, &mut notes) {
            Ok(m) => Payload::Claims(m),
            Err(e) => Payload::Invalid(e),
        }
    };
    let kind = if unsecured { Kind::Unsecured } else { Kind::Jws };
    Ok(Jwt { kind, header, payload, notes })
}

/// Decodes one part as a JSON object, the way auth0/jwt-decode's `jwtDecode(token, {header})` does:
/// only that part is looked at, so a token whose header is garbage still yields its payload.
pub fn decode_part(token: &str, part: Part) -> Result<Map<String, Value>, JwtError> {
    let mut notes = Vec::new();
    let token = clean(token, &mut notes)?;
    let mut segs = token.split('.');
    let first = segs.next().unwrap_or("");
    let seg = match part {
        Part::Header => first,
        Part::Payload => segs.next().ok_or(JwtError::NotCompact)?,
    };
    decode_object(seg, part, &mut notes)
}

/// Whether the first segment decodes to a header with `b64: false` (RFC 7797).
fn unencoded_header(token: &str) -> bool {
    let first = token.split('.').next().unwrap_or("");
    decode_object(first, Part::Header, &mut Vec::new()).is_ok_and(|h| h.get("b64") == Some(&Value::Bool(false)))
}

/// Trims whitespace and one pair of surrounding quotes.
fn clean<'t>(token: &'t str, notes: &mut Vec<JwtNote>) -> Result<&'t str, JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JwtError::TooLong);
    }
    let trimmed = token.trim();
    if trimmed.len() != token.len() {
        notes.push(JwtNote::SurroundingWhitespace);
    }
    let mut t = trimmed;
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            t = t.get(1..t.len() - 1).unwrap_or("");
            notes.push(JwtNote::Quoted);
            break;
        }
    }
    let t = t.trim();
    if t.is_empty() {
        return Err(JwtError::Empty);
    }
    Ok(t)
}

/// Finds a second token run into the first: a separator (whitespace, `,`, `;`) followed by more
/// text, or a JOSE header (`eyJ`) glued to the end of the third segment. Returns the first token.
fn split_concatenated(t: &str) -> (&str, bool) {
    // Only when what follows the separator is itself a token: an unencoded (RFC 7797) payload may
    // hold spaces.
    let is_sep = |c: char| c.is_whitespace() || c == ',' || c == ';';
    if let Some(i) = t.find(is_sep) {
        let (head, rest) = t.split_at(i);
        let rest = rest.trim_start_matches(is_sep);
        // Both sides must be whole tokens: a header-start and at least two dots each.
        let whole = |x: &str| x.starts_with("ey") && x.matches('.').count() >= 2;
        if whole(head) && whole(rest) {
            return (head, true);
        }
    }
    // `h.p.s` + `h.p.s` = `h.p.sh.p.s`: 5 segments whose third holds the second header.
    let segs: Vec<&str> = t.splitn(4, '.').collect();
    if segs.len() == 4 {
        let third = segs.get(2).copied().unwrap_or("");
        let mut from = 1;
        while let Some(pos) = third.get(from..).and_then(|s| s.find("eyJ")).map(|p| p + from) {
            let candidate = third.get(pos..).unwrap_or("");
            let mut scratch = Vec::new();
            if decode_object(candidate, Part::Header, &mut scratch).is_ok_and(|h| h.contains_key("alg")) {
                let cut = segs.first().map_or(0, |s| s.len()) + 1 + segs.get(1).map_or(0, |s| s.len()) + 1 + pos;
                return (t.get(..cut).unwrap_or(t), true);
            }
            from = pos + 1;
        }
    }
    (t, false)
}

fn decode_object(seg: &str, part: Part, notes: &mut Vec<JwtNote>) -> Result<Map<String, Value>, JwtError> {
    let bytes = b64url_decode(seg, part, notes)?;
    let text: std::borrow::Cow<'_, str> = match std::str::from_utf8(&bytes) {
        Ok(s) => s.into(),
        Err(_) => {
            // jwt-decode: `decodeURIComponent` fails on non-UTF-8, then `atob`'s binary string is used.
            if part == Part::Payload {
                notes.push(JwtNote::Latin1Payload);
            }
            bytes.iter().map(|&b| b as char).collect::<String>().into()
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(JwtError::NotObject(part)),
        Err(e) if e.is_eof() && text.trim_start().starts_with('{') => Err(JwtError::Truncated(part)),
        Err(_) => Err(JwtError::NotJson(part)),
    }
}

/// base64url without padding (RFC 7515 §2), accepting padding and the standard alphabet like
/// jwt-decode does, with a note for each.
fn b64url_decode(seg: &str, part: Part, notes: &mut Vec<JwtNote>) -> Result<Vec<u8>, JwtError> {
    let body = seg.trim_end_matches('=');
    let pad = seg.len() - body.len();
    if pad > 0 {
        if pad > 2 || (body.len() + pad) % 4 != 0 {
            return Err(JwtError::Base64(part));
        }
        notes.push(JwtNote::Padded(part));
    }
    if body.len() % 4 == 1 {
        return Err(JwtError::Base64(part));
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut standard = false;
    for b in body.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            b'+' => {
                standard = true;
                62
            }
            b'/' => {
                standard = true;
                63
            }
            _ => return Err(JwtError::Base64(part)),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xFF) as u8);
        }
    }
    if standard {
        notes.push(JwtNote::StandardAlphabet(part));
    }
    Ok(out)
}

fn str_of<'j>(m: &'j Map<String, Value>, k: &str) -> Option<&'j str> {
    m.get(k).and_then(Value::as_str)
}

/// A string or an array of strings (`aud`, `scp`, `roles`), as a list.
fn str_list<'j>(m: &'j Map<String, Value>, k: &str) -> Vec<&'j str> {
    match m.get(k) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Reads a NumericDate (RFC 7519 §2): a JSON number, tolerating floats and numeric strings.
fn time_claim(v: &Value) -> TimeClaim {
    let (f, from_string) = match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => return seconds(i, false),
            None => (n.as_f64(), false),
        },
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<i64>() {
                Ok(i) => return seconds(i, true),
                Err(_) => (s.parse::<f64>().ok(), true),
            }
        }
        _ => (None, false),
    };
    match f {
        // Anything beyond ±10^15 s is nonsense either way; clamp so the cast cannot saturate oddly.
        Some(f) if f.is_finite() && f.abs() < 1e15 => seconds(f.floor() as i64, from_string),
        _ => TimeClaim::NotNumeric,
    }
}

fn seconds(secs: i64, from_string: bool) -> TimeClaim {
    TimeClaim::Seconds { secs, from_string, looks_like_millis: secs > 100_000_000_000 }
}

impl Jwt {
    /// The claims set, when the payload is a JSON object.
    pub fn claims(&self) -> Option<&Map<String, Value>> {
        match &self.payload {
            Payload::Claims(m) => Some(m),
            _ => None,
        }
    }

    fn claim_str(&self, k: &str) -> Option<&str> {
        self.claims().and_then(|m| str_of(m, k))
    }

    fn claim_list(&self, k: &str) -> Vec<&str> {
        self.claims().map(|m| str_list(m, k)).unwrap_or_default()
    }

    fn claim_time(&self, k: &str) -> Option<TimeClaim> {
        self.claims().and_then(|m| m.get(k)).map(time_claim)
    }

    /// Header `alg` (RFC 7515 §4.1.1).
    pub fn alg(&self) -> Option<&str> {
        str_of(&self.header, "alg")
    }
    /// Header `typ` (RFC 7515 §4.1.9).
    pub fn typ(&self) -> Option<&str> {
        str_of(&self.header, "typ")
    }
    /// Header `kid` (RFC 7515 §4.1.4).
    pub fn kid(&self) -> Option<&str> {
        str_of(&self.header, "kid")
    }
    /// Header `enc` (RFC 7516 §4.1.2), JWE only.
    pub fn enc(&self) -> Option<&str> {
        str_of(&self.header, "enc")
    }
    /// `exp` (RFC 7519 §4.1.4).
    pub fn exp(&self) -> Option<TimeClaim> {
        self.claim_time("exp")
    }
    /// `nbf` (RFC 7519 §4.1.5).
    pub fn nbf(&self) -> Option<TimeClaim> {
        self.claim_time("nbf")
    }
    /// `iat` (RFC 7519 §4.1.6).
    pub fn iat(&self) -> Option<TimeClaim> {
        self.claim_time("iat")
    }
    /// `aud` (RFC 7519 §4.1.3): a string or an array of strings.
    pub fn aud(&self) -> Vec<&str> {
        self.claim_list("aud")
    }
    /// `iss` (RFC 7519 §4.1.1).
    pub fn iss(&self) -> Option<&str> {
        self.claim_str("iss")
    }
    /// `azp` (OpenID Connect Core §2): the party the token was issued to.
    pub fn azp(&self) -> Option<&str> {
        self.claim_str("azp")
    }
    /// `client_id` (RFC 9068 §2.2, RFC 8693 §4.3).
    pub fn client_id(&self) -> Option<&str> {
        self.claim_str("client_id")
    }
    /// `scope` (RFC 8693 §4.2): space-delimited.
    pub fn scope(&self) -> Vec<&str> {
        self.claim_str("scope").map(|s| s.split_ascii_whitespace().collect()).unwrap_or_default()
    }
    /// `scp` (Entra, Okta): a space-delimited string or an array.
    pub fn scp(&self) -> Vec<&str> {
        match self.claims().and_then(|m| m.get("scp")) {
            Some(Value::String(s)) => s.split_ascii_whitespace().collect(),
            _ => self.claim_list("scp"),
        }
    }
    /// `roles` (Entra app roles, RFC 9068 §2.2.3.1).
    pub fn roles(&self) -> Vec<&str> {
        self.claim_list("roles")
    }
    /// `nonce` (OpenID Connect Core §2): only ID tokens carry it.
    pub fn nonce(&self) -> Option<&str> {
        self.claim_str("nonce")
    }
    /// `at_hash` (OpenID Connect Core §2): ID tokens only.
    pub fn at_hash(&self) -> Option<&str> {
        self.claim_str("at_hash")
    }
    /// `c_hash` (OpenID Connect Core §3.3.2.11): ID tokens only.
    pub fn c_hash(&self) -> Option<&str> {
        self.claim_str("c_hash")
    }
    /// `token_use` (Amazon Cognito): `id` or `access`.
    pub fn token_use(&self) -> Option<&str> {
        self.claim_str("token_use")
    }
    /// `cnf.jkt` (RFC 9449 §6.1): the DPoP key thumbprint the token is bound to.
    pub fn cnf_jkt(&self) -> Option<&str> {
        self.claims().and_then(|m| m.get("cnf")).and_then(|c| c.get("jkt")).and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let b = s.as_bytes();
        let mut out = String::new();
        for c in b.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..=c.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    fn tok(h: &str, p: &str) -> String {
        format!("{}.{}.c2ln", b64(h), b64(p))
    }

    #[test]
    fn decode_shapes() {
        let jws = tok(r#"{"alg":"RS256","kid":"k1","typ":"at+jwt"}"#, r#"{"exp":1700000000,"aud":["a","b"]}"#);
        type Want = Result<(Kind, Vec<JwtNote>), JwtError>;
        let rows: Vec<(&str, String, Want)> = vec![
            ("plain JWS", jws.clone(), Ok((Kind::Jws, vec![]))),
            ("quoted", format!("\"{jws}\""), Ok((Kind::Jws, vec![JwtNote::Quoted]))),
            ("trailing newline", format!("{jws}\n"), Ok((Kind::Jws, vec![JwtNote::SurroundingWhitespace]))),
            ("concatenated with space", format!("{jws} {jws}"), Ok((Kind::Jws, vec![JwtNote::Concatenated]))),
            ("concatenated glued", format!("{jws}{jws}"), Ok((Kind::Jws, vec![JwtNote::Concatenated]))),
            (
                "wrapped line",
                format!("{} {}", jws.get(..30).unwrap(), jws.get(30..).unwrap()),
                Ok((Kind::Jws, vec![JwtNote::InnerWhitespace])),
            ),
            ("alg none", format!("{}.{}.", b64(r#"{"alg":"none"}"#), b64("{}")), Ok((Kind::Unsecured, vec![]))),
            (
                "alg none with signature",
                format!("{}.{}.abc", b64(r#"{"alg":"none"}"#), b64("{}")),
                Ok((Kind::Unsecured, vec![JwtNote::SignatureWithNone])),
            ),
            (
                "empty signature",
                format!("{}.{}.", b64(r#"{"alg":"HS256"}"#), b64("{}")),
                Ok((Kind::Jws, vec![JwtNote::EmptySignature])),
            ),
            ("missing alg", tok(r#"{"typ":"JWT"}"#, "{}"), Ok((Kind::Jws, vec![JwtNote::MissingAlg]))),
            ("JWE", format!("{}.a.b.c.d", b64(r#"{"alg":"dir","enc":"A128GCM"}"#)), Ok((Kind::Jwe, vec![]))),
            (
                "five segments, no enc",
                format!("{}.a.b.c.d", b64(r#"{"alg":"RS256"}"#)),
                Ok((Kind::Jwe, vec![JwtNote::JweWithoutEnc])),
            ),
            (
                "padded header",
                format!("{}==.{}.c2ln", b64(r#"{"alg":"HS256","ab":1}"#), b64("{}")),
                Ok((Kind::Jws, vec![JwtNote::Padded(Part::Header)])),
            ),
            ("no dots", "abcdef".to_string(), Err(JwtError::NotCompact)),
            ("empty", "  ".to_string(), Err(JwtError::Empty)),
            ("empty quotes", "\"\"".to_string(), Err(JwtError::Empty)),
            ("two segments", format!("{}.{}", b64(r#"{"alg":"HS256"}"#), b64("{}")), Err(JwtError::SegmentCount(2))),
            (
                "cut inside the payload",
                format!("{}.{}", b64(r#"{"alg":"HS256"}"#), b64(r#"{"sub":"1234","na"#)),
                Err(JwtError::Truncated(Part::Payload)),
            ),
            ("four segments", format!("{}.a.b.c", b64(r#"{"alg":"HS256"}"#)), Err(JwtError::SegmentCount(4))),
            ("header not base64", "e$J.a.b".to_string(), Err(JwtError::Base64(Part::Header))),
            ("header not json", format!("{}.a.b", b64("hello")), Err(JwtError::NotJson(Part::Header))),
            ("header is array", format!("{}.a.b", b64("[1]")), Err(JwtError::NotObject(Part::Header))),
            ("header cut off", format!("{}.a.b", b64(r#"{"alg":"HS2"#)), Err(JwtError::Truncated(Part::Header))),
        ];
        for (name, t, want) in rows {
            let got = decode(&t).map(|j| (j.kind, j.notes));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn payload_problems_are_kept_not_fatal() {
        let h = b64(r#"{"alg":"HS256"}"#);
        let rows = [
            ("payload not base64", format!("{h}.a$b.c"), Payload::Invalid(JwtError::Base64(Part::Payload))),
            ("payload not json", format!("{h}.{}.c", b64("text")), Payload::Invalid(JwtError::NotJson(Part::Payload))),
            (
                "payload truncated",
                format!("{h}.{}.c", b64(r#"{"sub":"ab"#)),
                Payload::Invalid(JwtError::Truncated(Part::Payload)),
            ),
            ("payload number", format!("{h}.{}.c", b64("42")), Payload::Invalid(JwtError::NotObject(Part::Payload))),
            ("detached", format!("{h}..c"), Payload::Detached),
        ];
        for (name, t, want) in rows {
            assert_eq!(decode(&t).map(|j| j.payload), Ok(want), "{name}");
        }
    }

    #[test]
    fn claims_accessors() {
        let t = tok(
            r#"{"alg":"ES256","kid":"abc","cty":"JWT"}"#,
            r#"{"exp":"1700000000","nbf":1699999999.7,"iat":"soon","aud":"api","iss":"https://i/","sub":"u",
               "azp":"c","client_id":"c2","scope":"read  write","scp":["a","b"],"roles":"admin","nonce":"n",
               "at_hash":"h","c_hash":"ch","token_use":"id","cnf":{"jkt":"thumb"}}"#,
        );
        let j = decode(&t).unwrap();
        assert_eq!(
            (j.alg(), j.kid(), str_of(&j.header, "cty"), j.typ()),
            (Some("ES256"), Some("abc"), Some("JWT"), None)
        );
        assert_eq!(
            j.exp(),
            Some(TimeClaim::Seconds { secs: 1_700_000_000, from_string: true, looks_like_millis: false })
        );
        assert_eq!(j.nbf().and_then(TimeClaim::secs), Some(1_699_999_999));
        assert_eq!(j.iat(), Some(TimeClaim::NotNumeric));
        assert_eq!(j.aud(), ["api"]);
        assert_eq!(
            (j.iss(), j.claim_str("sub"), j.azp(), j.client_id()),
            (Some("https://i/"), Some("u"), Some("c"), Some("c2"))
        );
        assert_eq!(j.scope(), ["read", "write"]);
        assert_eq!(j.scp(), ["a", "b"]);
        assert_eq!(j.roles(), ["admin"]);
        assert_eq!((j.nonce(), j.at_hash(), j.c_hash()), (Some("n"), Some("h"), Some("ch")));
        assert_eq!((j.token_use(), j.cnf_jkt()), (Some("id"), Some("thumb")));
    }

    #[test]
    fn time_claims() {
        let rows = [
            ("integer", serde_json::json!(1), Some(1)),
            ("negative float floors", serde_json::json!(-1.5), Some(-2)),
            ("numeric string", serde_json::json!(" 12 "), Some(12)),
            ("float string", serde_json::json!("12.9"), Some(12)),
            ("word", serde_json::json!("tomorrow"), None),
            ("null", serde_json::Value::Null, None),
            ("huge", serde_json::json!(1e300), None),
        ];
        for (name, v, want) in rows {
            assert_eq!(time_claim(&v).secs(), want, "{name}");
        }
        assert!(matches!(
            time_claim(&serde_json::json!(1_700_000_000_000_i64)),
            TimeClaim::Seconds { looks_like_millis: true, .. }
        ));
    }

    #[test]
    fn looks_like() {
        let rows = [
            ("jwt", "eyJhbGciOi.eyJ.x", true),
            ("crlf header", "ew0KICJhbGciOi.x.y", true),
            ("google opaque", "ya29.a0AfB_byDg8", false),
            ("paseto", "v2.local.abc", false),
            ("quoted", "\"eyJhbGc.x.y\"", true),
            ("missing header", ".eyJzdWIiOiIxIn0.sig", true),
        ];
        for (name, t, want) in rows {
            assert_eq!(looks_like_jwt(t), want, "{name}");
        }
    }

    #[test]
    fn latin1_payload_falls_back() {
        let j = decode("eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiSm9z6SIsImlhdCI6MTQyNTY0NDk2Nn0.x").unwrap();
        assert_eq!(j.claim_str("name"), Some("José"));
        assert_eq!(j.notes, [JwtNote::Latin1Payload]);
    }

    #[test]
    fn random_tokens_never_panic() {
        // A tiny LCG over an alphabet rich in JOSE-relevant and multi-byte characters.
        const ALPHABET: &[&str] = &[
            "eyJ", ".", "=", "\"", "'", " ", ",", "A", "z", "0", "-", "_", "+", "/", "é", "€", "{", "}", "\n", "ew0K",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            let mut t = String::new();
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = (state >> 59) as usize + 1;
            for _ in 0..len * 3 {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                t.push_str(ALPHABET[(state >> 33) as usize % ALPHABET.len()]);
            }
            let _ = decode(&t);
            let _ = decode_part(&t, Part::Header);
            let _ = looks_like_jwt(&t);
        }
    }

    #[test]
    fn hostile_input_never_panics() {
        for t in ["....", ".", "eyJ", "eyJ.eyJ.eyJ.eyJ.eyJ.eyJ", "\"", "'", "==.==.==", "eyJ\u{0}.a.b", "é.é.é"] {
            let _ = decode(t);
            let _ = decode_part(t, Part::Payload);
        }
        let deep = format!("{}.a.b", b64(&"[".repeat(10_000)));
        assert!(decode(&deep).is_err());
    }
}
