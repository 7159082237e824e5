//! Rules about CORS (group F), caches (cached or cacheable 401s), edge blocks (WAF) and
//! transport (mixed content, cleartext credentials).

use super::context::Ctx;
use crate::finding::Finding;
use crate::view::CorsView;

/// Runs every rule of this module.
pub fn check(_ctx: &Ctx<'_, '_>, _out: &mut Vec<Finding>) {}

/// The CORS picture for the popup; `None` for same-origin requests.
pub fn cors_view(_ctx: &Ctx<'_, '_>) -> Option<CorsView> {
    None
}
