//! Rules about tokens and JWTs (catalogue group C): decoded locally, never verified.

use super::context::Ctx;
use crate::finding::Finding;
use crate::view::JwtView;

/// Runs every rule of this module.
pub fn check(_ctx: &Ctx<'_, '_>, _out: &mut Vec<Finding>) {}

/// The decoded token for the popup, with times relative to the server's clock.
pub fn jwt_view(_ctx: &Ctx<'_, '_>, _token: &str) -> Option<JwtView> {
    None
}
