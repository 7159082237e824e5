//! The `Cookie` request header (6265bis §4.2).
