//! `Cache-Control`, `Age`, `Vary`, `Expires` and the cache-hit markers of CDNs (RFC 9111).
