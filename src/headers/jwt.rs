//! JSON Web Tokens decoded without verification (RFC 7519, RFC 7515 compact serialization).
