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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
    ///
    /// A refresh can find thousands (a first read of a busy account, every
    /// function modified inside the window): they are sorted once and merged
    /// with the kept ones, not placed one by one, and a repeat is looked for
    /// only among the changes of its own second.
    pub fn add(&mut self, mut found: Vec<Change>) {
        if found.is_empty() {
            return;
        }
        // A repeat keeps the place of its first sighting.
        let kept = std::mem::take(&mut self.items);
        // A pipeline deploying hundreds of functions in one minute gives
        // hundreds of changes of one time: repeats are found by hash.
        let fresh: Vec<bool> = {
            let before: std::collections::HashSet<&Change> = kept.iter().collect();
            let mut seen = std::collections::HashSet::with_capacity(found.len());
            found.iter().map(|c| !before.contains(c) && seen.insert(c)).collect()
        };
        let mut fresh = fresh.into_iter();
        found.retain(|_| fresh.next().unwrap_or(false));
        // Newest first; of one time, the last found first, as if each had
        // been placed in front of those already there.
        found.reverse();
        found.sort_by(|a, b| b.at.cmp(&a.at));
        let mut out: VecDeque<Change> = VecDeque::with_capacity(KEPT.min(kept.len() + found.len()));
        let (mut old, mut new) = (kept.into_iter().peekable(), found.into_iter().peekable());
        while out.len() < KEPT {
            let next = match (old.peek(), new.peek()) {
                (Some(o), Some(n)) if o.at > n.at => old.next(),
                (_, Some(_)) => new.next(),
                _ => old.next(),
            };
            match next {
                Some(c) => out.push_back(c),
                None => break,
            }
        }
        self.items = out;
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

    #[test]
    fn a_flood_keeps_the_newest_without_repeats() {
        let mut t = Timeline::default();
        t.add(vec![change(7, "kept")]);
        // Twice the kept count, each twice, one minute each, oldest first.
        let flood: Vec<Change> = (0..2 * KEPT as i64).flat_map(|m| [change(m, "f"), change(m, "f")]).collect();
        t.add(flood.clone());
        t.add(flood);
        let at: Vec<i64> = t.within(change(-1, "").at).map(|c| (c.at.timestamp() - 1_800_000_000) / 60).collect();
        assert_eq!(at.len(), KEPT);
        assert_eq!(at[0], 2 * KEPT as i64 - 1);
        assert!(at.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats");
        // Of one time, the last found first, then those kept before.
        let mut t = Timeline::default();
        t.add(vec![change(5, "a")]);
        t.add(vec![change(5, "b"), change(5, "c"), change(5, "a"), change(5, "b")]);
        let names: Vec<_> = t.within(change(0, "").at).map(|c| c.resource.as_str()).collect();
        assert_eq!(names, ["c", "b", "a"]);
    }
}
