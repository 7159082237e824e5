//! The `Set-Cookie` response header (6265bis §5.6), with notes of everything a browser drops.
