//! Rules about the `Authorization` credential and the server's challenge: catalogue groups A
//! (header-borne credentials), B (rejections other than cookies and JWT claims), the
//! header-stripping rules of G, and the protocol rules of H.

use super::context::Ctx;
use crate::finding::Finding;
use crate::view::{ChallengeView, CredentialsView};

/// Runs every rule of this module.
pub fn check(_ctx: &Ctx<'_, '_>, _out: &mut Vec<Finding>) {}

/// The credential picture for the popup.
pub fn credentials_view(_ctx: &Ctx<'_, '_>) -> CredentialsView {
    CredentialsView::default()
}

/// The parsed challenges for the popup.
pub fn challenges_view(_ctx: &Ctx<'_, '_>) -> Vec<ChallengeView> {
    Vec::new()
}
