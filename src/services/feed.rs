//! One room's data with how fresh it is, per scope (account and region).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::msg::ApiError;
use super::scope::Scope;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionStatus {
    pub fetched_at: Option<DateTime<Utc>>,
    pub error: Option<ApiError>,
}

#[derive(Debug, Clone, Default)]
pub struct Feed<T> {
    pub state: T,
    pub scopes: BTreeMap<Scope, RegionStatus>,
}

/// How fresh a room's data is, over all its scopes.
pub trait Freshness {
    fn loaded(&self) -> bool;
    /// The oldest region's last good fetch: what "data age" honestly means.
    fn fetched_at(&self) -> Option<DateTime<Utc>>;
    fn error(&self) -> Option<&ApiError>;
}

impl Freshness for BTreeMap<Scope, RegionStatus> {
    fn loaded(&self) -> bool {
        self.values().any(|r| r.fetched_at.is_some())
    }
    fn fetched_at(&self) -> Option<DateTime<Utc>> {
        self.values().map(|r| r.fetched_at).min().flatten()
    }
    fn error(&self) -> Option<&ApiError> {
        self.values().find_map(|r| r.error.as_ref())
    }
}

/// Replaced rows waiting to be freed.
pub type Retired = Box<dyn std::any::Any + Send>;

/// How many replaced lists may wait; more are freed at once, so a loop that
/// never collects them (a replay, a test) holds no more than this.
pub const RETIRED_MAX: usize = 3;

/// Puts `old` aside to be freed after the frame.
pub fn retire<T: Send + 'static>(retired: &mut Vec<Retired>, old: T) {
    if retired.len() >= RETIRED_MAX {
        retired.clear();
    }
    retired.push(Box::new(old));
}
