//! Rules about cookies: set time (group D), send time (group E), the cookie-session rules of
//! A and B, and the cookie rules of I.

use super::context::Ctx;
use crate::finding::Finding;
use crate::view::CookieRow;

/// Runs every rule of this module.
pub fn check(_ctx: &Ctx<'_, '_>, _out: &mut Vec<Finding>) {}

/// The cookie table for the popup: sent, not sent and why, set or refused.
pub fn cookie_rows(_ctx: &Ctx<'_, '_>) -> Vec<CookieRow> {
    Vec::new()
}
