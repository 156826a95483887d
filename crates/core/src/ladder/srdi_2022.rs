//! Rule pack `SRDI-2022` (stub: being implemented).

use super::outcome::TierResult;
use super::packs::Context;
use super::profile::Profile;

/// Evaluates every tier of this pack.
pub fn evaluate(_profile: &Profile, _ctx: &Context) -> Vec<TierResult> {
    Vec::new()
}
