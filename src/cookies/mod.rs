//! The cookie store model (6265bis §5.7 storage, §5.8 retrieval) with typed reasons: a jar that
//! answers which cookies a request would carry, and for every stored cookie it would not carry,
//! which rule excluded it. Pure: the clock and the request context come from the caller.

pub mod jar;
pub mod replay;
