//! The cookie store model (6265bis §5.7 storage, §5.8 retrieval) with exclusion reasons.

pub mod jar;
