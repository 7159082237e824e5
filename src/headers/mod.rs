//! Header parsers: lenient like a browser, never judging, keeping notes of everything a
//! browser would drop or mis-read. One header (family) per file.

pub mod authorization;
pub(crate) mod cache;
pub mod cookie;
pub mod cors;
pub mod date;
pub(crate) mod fields;
pub mod jwt;
pub(crate) mod redaction;
pub mod scheme;
pub mod set_cookie;
pub(crate) mod syntax;
pub mod www_authenticate;
