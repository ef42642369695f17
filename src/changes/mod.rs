//! What changed in the account: deploys and configuration changes read from
//! the services themselves (a Lambda function's `LastModified` and
//! `CodeSha256`, an ECS service's task definition and deployments), kept
//! beside the metrics so that a rise can be laid against what came before it.
//! Only what a service says of its resources is kept, never a request's
//! parameters (they can hold secrets).

pub mod suspect;

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use suspect::{Rise, Suspect};

/// One change to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    /// The account's key (`scope::Scope`): empty for the current credentials'.
    pub account: String,
    pub region: String,
    /// The room's name (`lambda`, `ecs`).
    pub service: String,
    /// The resource's name as its room's rows key it.
    pub resource: String,
    /// What happened, in the API's words where it says them
    /// (`UpdateFunctionCode`, `UpdateService`).
    pub action: String,
    /// Who did it, where something said (CloudTrail); the services' own
    /// answers do not.
    pub actor: Option<String>,
    pub source: ChangeSource,
}

/// Where a change was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeSource {
    /// A field of the service's own answer (a time it gives).
    ServiceApi,
    /// Two refreshes of the service's answer that differ: the change happened
    /// between them, and `at` is when the second was read.
    Refresh,
}

impl ChangeSource {
    pub fn word(self) -> &'static str {
        match self {
            ChangeSource::ServiceApi => "service API",
            ChangeSource::Refresh => "refresh",
        }
    }
}

/// Changes kept at most: a busy account's window, not its history.
pub const KEPT: usize = 500;

/// The changes seen, newest first, without repeats.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    items: VecDeque<Change>,
}

impl Timeline {
    /// Adds what a refresh found; a change already kept (the same resource,
    /// action and time, read again) is not added twice.
    pub fn add(&mut self, found: Vec<Change>) {
        for c in found {
            if self.items.contains(&c) {
                continue;
            }
            let at = self.items.iter().position(|k| k.at <= c.at).unwrap_or(self.items.len());
            self.items.insert(at, c);
        }
        self.items.truncate(KEPT);
    }

    /// Forgets what is older than `since` (the window's start).
    pub fn prune(&mut self, since: DateTime<Utc>) {
        while self.items.back().is_some_and(|c| c.at < since) {
            self.items.pop_back();
        }
    }

    /// Newest first, those at or after `since`.
    pub fn within(&self, since: DateTime<Utc>) -> impl Iterator<Item = &Change> {
        self.items.iter().take_while(move |c| c.at >= since)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The start of a window of `minutes` ending at `now`.
pub fn window_start(now: DateTime<Utc>, minutes: u32) -> DateTime<Utc> {
    now - chrono::Duration::minutes(minutes as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(min: i64, resource: &str) -> Change {
        Change {
            at: DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap(),
            account: String::new(),
            region: "us-east-1".into(),
            service: "lambda".into(),
            resource: resource.into(),
            action: "UpdateFunctionCode".into(),
            actor: None,
            source: ChangeSource::Refresh,
        }
    }

    #[test]
    fn newest_first_without_repeats_and_pruned_to_the_window() {
        let mut t = Timeline::default();
        t.add(vec![change(5, "a"), change(1, "b")]);
        t.add(vec![change(5, "a"), change(3, "c"), change(9, "d")]);
        let names: Vec<_> = t.within(change(0, "").at).map(|c| c.resource.as_str()).collect();
        assert_eq!(names, ["d", "a", "c", "b"]);
        t.prune(change(3, "").at);
        let names: Vec<_> = t.within(change(0, "").at).map(|c| c.resource.as_str()).collect();
        assert_eq!(names, ["d", "a", "c"]);
        assert_eq!(t.within(change(6, "").at).count(), 1);
    }
}
