//! Header parsers: lenient like a browser, never judging, keeping notes of everything a
//! browser would drop or mis-read. One header (family) per file.

pub mod authorization;
pub mod cache;
pub mod cookie;
pub mod cors;
pub mod date;
pub mod fields;
pub mod jwt;
pub mod redaction;
pub mod scheme;
pub mod set_cookie;
pub(crate) mod syntax;
pub mod www_authenticate;
