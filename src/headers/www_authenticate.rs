//! `WWW-Authenticate` / `Proxy-Authenticate` challenges (RFC 9110 §11.6.1, RFC 6750 §3, RFC 7616).
