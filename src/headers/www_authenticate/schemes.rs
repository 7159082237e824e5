//! The per-scheme readings of a challenge's parameters: Bearer and DPoP (RFC 6750 §3,
//! RFC 9449 §7.1, RFC 9728 §5.1) and Digest (RFC 7616 §3.3). Typed values only; what they mean
//! for a failed request is the diagnosis' business.

use super::Challenge;

/// RFC 6750 §3.1 / RFC 9449 §7.1 / §9 error codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BearerError {
    InvalidRequest,
    InvalidToken,
    InsufficientScope,
    UseDpopNonce,
    InvalidDpopProof,
    Other(String),
}

impl BearerError {
    /// Parses an `error` value (exact, case-sensitive per RFC 6750, but servers vary: we fold case).
    pub fn of(v: &str) -> BearerError {
        let v = v.trim();
        let eq = |s: &str| v.eq_ignore_ascii_case(s);
        if eq("invalid_request") {
            BearerError::InvalidRequest
        } else if eq("invalid_token") {
            BearerError::InvalidToken
        } else if eq("insufficient_scope") {
            BearerError::InsufficientScope
        } else if eq("use_dpop_nonce") {
            BearerError::UseDpopNonce
        } else if eq("invalid_dpop_proof") {
            BearerError::InvalidDpopProof
        } else {
            BearerError::Other(v.to_string())
        }
    }

    /// The status RFC 6750 §3.1 assigns to the code, where it assigns one.
    pub fn expected_status(&self) -> Option<u16> {
        match self {
            BearerError::InvalidRequest => Some(400),
            BearerError::InvalidToken | BearerError::UseDpopNonce | BearerError::InvalidDpopProof => Some(401),
            BearerError::InsufficientScope => Some(403),
            BearerError::Other(_) => None,
        }
    }

    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            BearerError::InvalidRequest => "invalid_request",
            BearerError::InvalidToken => "invalid_token",
            BearerError::InsufficientScope => "insufficient_scope",
            BearerError::UseDpopNonce => "use_dpop_nonce",
            BearerError::InvalidDpopProof => "invalid_dpop_proof",
            BearerError::Other(s) => s,
        }
    }
}

/// RFC 7616 §3.3 `algorithm`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DigestAlgorithm {
    /// Absent: MD5 by default.
    Unspecified,
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
    Sha512_256,
    Sha512_256Sess,
    Other(String),
}

impl DigestAlgorithm {
    fn of(v: &str) -> DigestAlgorithm {
        let eq = |s: &str| v.trim().eq_ignore_ascii_case(s);
        if eq("md5") {
            DigestAlgorithm::Md5
        } else if eq("md5-sess") {
            DigestAlgorithm::Md5Sess
        } else if eq("sha-256") {
            DigestAlgorithm::Sha256
        } else if eq("sha-256-sess") {
            DigestAlgorithm::Sha256Sess
        } else if eq("sha-512-256") {
            DigestAlgorithm::Sha512_256
        } else if eq("sha-512-256-sess") {
            DigestAlgorithm::Sha512_256Sess
        } else {
            DigestAlgorithm::Other(v.trim().to_string())
        }
    }

    /// The canonical spelling (`MD5`, `SHA-256-sess` …).
    pub fn as_str(&self) -> &str {
        match self {
            DigestAlgorithm::Unspecified => "",
            DigestAlgorithm::Md5 => "MD5",
            DigestAlgorithm::Md5Sess => "MD5-sess",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha256Sess => "SHA-256-sess",
            DigestAlgorithm::Sha512_256 => "SHA-512-256",
            DigestAlgorithm::Sha512_256Sess => "SHA-512-256-sess",
            DigestAlgorithm::Other(s) => s,
        }
    }

    /// Whether Chromium can compute it (`net/http/http_auth_handler_digest.cc`: MD5, MD5-sess,
    /// SHA-256, SHA-256-sess; the default is MD5).
    fn chromium_supported(&self) -> bool {
        matches!(
            self,
            DigestAlgorithm::Unspecified
                | DigestAlgorithm::Md5
                | DigestAlgorithm::Md5Sess
                | DigestAlgorithm::Sha256
                | DigestAlgorithm::Sha256Sess
        )
    }
}

/// A Digest challenge's parameters (RFC 7616 §3.3).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DigestChallenge<'c> {
    pub realm: Option<&'c str>,
    pub domain: Option<&'c str>,
    pub nonce: Option<&'c str>,
    pub opaque: Option<&'c str>,
    pub stale: bool,
    pub algorithm: Option<DigestAlgorithm>,
    /// The `qop` list, lowercased tokens (`auth`, `auth-int`).
    pub qop: Vec<String>,
    pub charset: Option<&'c str>,
    pub userhash: bool,
}

impl DigestChallenge<'_> {
    /// The algorithm, `Unspecified` when absent.
    pub fn algorithm(&self) -> DigestAlgorithm {
        self.algorithm.clone().unwrap_or(DigestAlgorithm::Unspecified)
    }

    /// Whether Chromium would answer this challenge (`ParseChallenge` succeeds): a nonce and a
    /// supported algorithm. A qop list without `auth` falls back to the RFC 2069 form.
    pub fn chromium_usable(&self) -> bool {
        self.nonce.is_some() && self.algorithm().chromium_supported()
    }
}

/// A Bearer or DPoP challenge's parameters (RFC 6750 §3, RFC 9449 §7.1, RFC 9728 §5.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BearerChallenge<'c> {
    pub realm: Option<&'c str>,
    pub scope: Option<&'c str>,
    pub error: Option<BearerError>,
    pub error_description: Option<&'c str>,
    pub resource_metadata: Option<&'c str>,
}

impl Challenge<'_> {
    /// The Bearer/DPoP reading of the parameters (meaningful for those schemes only).
    pub fn bearer(&self) -> BearerChallenge<'_> {
        BearerChallenge {
            realm: self.param("realm"),
            scope: self.param("scope"),
            error: self.param("error").map(BearerError::of),
            error_description: self.param("error_description"),
            resource_metadata: self.param("resource_metadata"),
        }
    }

    /// The Digest reading of the parameters.
    pub fn digest(&self) -> DigestChallenge<'_> {
        let flag = |n: &str| self.param(n).is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        DigestChallenge {
            realm: self.param("realm"),
            domain: self.param("domain"),
            nonce: self.param("nonce"),
            opaque: self.param("opaque"),
            stale: flag("stale"),
            algorithm: self.param("algorithm").map(DigestAlgorithm::of),
            qop: self
                .param("qop")
                .map(|q| q.split(',').map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()).collect())
                .unwrap_or_default(),
            charset: self.param("charset"),
            userhash: flag("userhash"),
        }
    }

    /// The token68 with its `=` padding normalised to a multiple of four, as Chromium's
    /// tokenizer hands it to base64 decoders (`NTLM abc===` → `abc=`).
    pub fn token68_base64(&self) -> Option<String> {
        let t = self.token68?.trim_end_matches('=');
        let pad = (4 - t.len() % 4) % 4;
        Some(format!("{t}{}", "=".repeat(if pad == 3 { 0 } else { pad })))
    }
}
