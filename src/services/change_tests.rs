//! What the rooms' `changes` tests share: minutes counted from one fixed
//! time, and a read made at minute 60 of a window that starts at minute 0.

use chrono::{DateTime, Utc};

use super::room::{ChangeCtx, Room};
use super::scope::Scope;
use crate::changes::Change;

/// Minute `min` from the fixed time the tests count from.
pub fn t(min: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap()
}

/// What room `R` says changed in `data`, a read of `region` (the default
/// account) made at minute 60, against a room that showed nothing before.
pub fn first_read<R: Room>(region: &str, data: &R::Data) -> Vec<Change> {
    let cx = ChangeCtx { since: t(0), fetched_at: t(60), seen: true };
    R::changes(&R::State::default(), &Scope::new("", region), data, &cx)
}

/// Each change as (resource, action, time), in the order found.
pub fn listed(found: &[Change]) -> Vec<(&str, &str, DateTime<Utc>)> {
    found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at)).collect()
}
