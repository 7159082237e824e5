//! Redaction of secrets (passwords, tokens, cookie values).
//!
//! A secret is shown as a short prefix and its length unless the user explicitly reveals it.
//! Every place that puts a credential into a finding goes through here, so there is one rule.

/// How much of a secret may be shown when redacted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Nothing but the length (passwords).
    LengthOnly,
    /// A few leading characters and the length (tokens, cookie values: enough to tell two apart).
    Prefix,
}

/// The redacted form of `value`: `eyJh…(812 chars)` or `•••(8 chars)`.
pub fn redact(value: &str, exposure: Exposure) -> String {
    let n = value.chars().count();
    if n == 0 {
        return "(empty)".to_string();
    }
    let shown = match exposure {
        Exposure::LengthOnly => 0,
        // At most a quarter of the secret and never more than 6 characters.
        Exposure::Prefix => (n / 4).min(6),
    };
    let prefix: String = value.chars().take(shown).collect();
    let unit = if n == 1 { "char" } else { "chars" };
    format!("{prefix}…({n} {unit}, redacted)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_shows_length_only() {
        assert_eq!(redact("hunter2", Exposure::LengthOnly), "…(7 chars, redacted)");
    }

    #[test]
    fn token_shows_short_prefix() {
        let r = redact("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", Exposure::Prefix);
        assert!(r.starts_with("eyJhbG…("), "{r}");
        assert!(!r.contains("eyJzdWIi"));
    }

    #[test]
    fn tiny_secret_shows_nothing() {
        assert_eq!(redact("ab", Exposure::Prefix), "…(2 chars, redacted)");
        assert_eq!(redact("", Exposure::Prefix), "(empty)");
    }
}
