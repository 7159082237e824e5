//! The HTTP authentication scheme (RFC 9110 §11.1; IANA "HTTP Authentication Scheme Registry"),
//! shared by the credential (`Authorization`) and the challenge (`WWW-Authenticate`) parsers so
//! both sides of the exchange classify a scheme word the same way.

/// The schemes the diagnosis tells apart. Compare scheme words case-insensitively: `bearer` is
/// Bearer (RFC 9110 §11.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// RFC 7617.
    Basic,
    /// RFC 6750.
    Bearer,
    /// RFC 9449.
    Dpop,
    /// RFC 7616.
    Digest,
    /// RFC 4559.
    Negotiate,
    /// MS-NTHT.
    Ntlm,
    /// Any other word: AWS SigV4, `Token`, `JWT`, `Bot` and vendor schemes browsers do not answer.
    Other,
}

impl Scheme {
    /// Classifies a scheme token (case-insensitive, RFC 9110 §11.1).
    pub(crate) fn of(token: &str) -> Scheme {
        const KNOWN: &[(&str, Scheme)] = &[
            ("basic", Scheme::Basic),
            ("bearer", Scheme::Bearer),
            ("dpop", Scheme::Dpop),
            ("digest", Scheme::Digest),
            ("negotiate", Scheme::Negotiate),
            ("ntlm", Scheme::Ntlm),
        ];
        KNOWN.iter().find(|(name, _)| token.eq_ignore_ascii_case(name)).map_or(Scheme::Other, |(_, s)| *s)
    }

    /// The registry's spelling (`DPoP`, `NTLM` …); `None` for [`Scheme::Other`].
    pub(crate) fn canonical(self) -> Option<&'static str> {
        match self {
            Scheme::Basic => Some("Basic"),
            Scheme::Bearer => Some("Bearer"),
            Scheme::Dpop => Some("DPoP"),
            Scheme::Digest => Some("Digest"),
            Scheme::Negotiate => Some("Negotiate"),
            Scheme::Ntlm => Some("NTLM"),
            Scheme::Other => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scheme;

    #[test]
    fn classification_ignores_case() {
        let rows = [
            ("basic", Scheme::Basic),
            ("BEARER", Scheme::Bearer),
            ("DPoP", Scheme::Dpop),
            ("Digest", Scheme::Digest),
            ("negotiate", Scheme::Negotiate),
            ("Ntlm", Scheme::Ntlm),
            ("AWS4-HMAC-SHA256", Scheme::Other),
            ("", Scheme::Other),
        ];
        for (word, want) in rows {
            assert_eq!(Scheme::of(word), want, "{word}");
        }
        assert_eq!(Scheme::of("dpop").canonical(), Some("DPoP"));
        assert_eq!(Scheme::Other.canonical(), None);
    }
}
