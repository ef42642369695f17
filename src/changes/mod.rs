//! What changed in the account: deploys and configuration changes read from
//! the services themselves (a Lambda function's `LastModified` and
//! `CodeSha256`, an ECS service's task definition and deployments), who made
//! them (CloudTrail), and alarms that changed state, kept beside the metrics
//! so that a rise can be laid against what came before it. Only what a
//! service says of its resources is kept, never a request's parameters (they
//! can hold secrets).

pub mod suspect;
pub mod trail;

use std::collections::VecDeque;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use suspect::{Rise, Suspect};

/// One change to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub at: DateTime<Utc>,
    /// The account's key (`scope::Scope`): empty for the current credentials'.
    pub account: String,
    pub region: String,
    /// The room's name (`lambda`, `ecs`); `cloudwatch` for an alarm.
    pub service: String,
    /// The resource's name as its room's rows key it.
    pub resource: String,
    /// What happened, in the API's words where it says them
    /// (`UpdateFunctionCode`, `UpdateService`).
    pub action: String,
    /// Who did it, where something said (CloudTrail: the caller's ARN, or an
    /// assumed role's session name); the services' own answers do not.
    pub actor: Option<String>,
    pub source: ChangeSource,
}

/// Where a change was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeSource {
    /// A field of the service's own answer (a time it gives).
    ServiceApi,
    /// Two refreshes of the service's answer that differ: the change happened
    /// between them, and `at` is when the second was read.
    Refresh,
    /// A write event CloudTrail's LookupEvents returned.
    #[serde(rename = "cloudtrail")]
    CloudTrail,
    /// A state change in CloudWatch's alarm history.
    Alarm,
}

impl ChangeSource {
    pub fn word(self) -> &'static str {
        match self {
            ChangeSource::ServiceApi => "service API",
            ChangeSource::Refresh => "refresh",
            ChangeSource::CloudTrail => "CloudTrail",
            ChangeSource::Alarm => "alarm history",
        }
    }

    /// Read from the service's own answers.
    pub fn service_seen(self) -> bool {
        matches!(self, ChangeSource::ServiceApi | ChangeSource::Refresh)
    }
}

/// How many minutes before a refresh that saw a change a CloudTrail event of
/// the same resource may have been that change: the refresh intervals' usual length.
pub const REFRESH_SPAN_MIN: i64 = 5;

impl Change {
    /// The same change read again: everything but who, which a later read
    /// may have added.
    /// What `same` compares, to find repeats by hash.
    fn key(&self) -> (DateTime<Utc>, ChangeSource, &str, &str, &str, &str, &str) {
        (self.at, self.source, &self.action, &self.resource, &self.service, &self.region, &self.account)
    }

    fn same(&self, o: &Change) -> bool {
        self.at == o.at
            && self.source == o.source
            && self.action == o.action
            && self.on_same_resource(o)
    }

    fn on_same_resource(&self, o: &Change) -> bool {
        self.resource == o.resource && self.service == o.service && self.region == o.region && self.account == o.account
    }

    /// Whether CloudTrail's `event` is this service-seen change: the same
    /// resource in the same minute, or, for a change two refreshes found, in
    /// the minutes before the second one.
    fn seen_in_trail(&self, event: &Change) -> bool {
        if !self.on_same_resource(event) {
            return false;
        }
        let minute = |t: DateTime<Utc>| t.timestamp().div_euclid(60);
        minute(self.at) == minute(event.at)
            || (self.source == ChangeSource::Refresh && event.at <= self.at && self.at - event.at <= chrono::Duration::minutes(REFRESH_SPAN_MIN))
    }

    /// Whether CloudTrail's `event` names this service-seen change's own
    /// action (`PublishVersion 12` and `PublishVersion`, `Alias live 11 → 12`
    /// and `UpdateAlias`): of several changes of one resource in one
    /// minute, the event is that one.
    fn same_kind(&self, event: &Change) -> bool {
        let word = self.action.split_whitespace().next().unwrap_or_default();
        word == event.action || (word == "Alias" && event.action == "UpdateAlias")
    }

    /// Whether `by` may be said to have made this change too.
    fn takes_actor(&self, by: &Option<String>) -> bool {
        self.actor.is_none() || self.actor == *by
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
    /// action and time, read again) is not added twice. A CloudTrail event
    /// and the change a service showed of the same resource in the same
    /// minute are one change: the service's, with CloudTrail's actor (and,
    /// for a change two refreshes found, CloudTrail's time, which is exact).
    ///
    /// A refresh can find thousands (a first read of a busy account, a
    /// pipeline deploying every function): only the newest `KEPT` of them can
    /// stay, and without CloudTrail's events to match they are sorted once and
    /// merged with the kept ones, repeats found by hash, not placed one by one.
    pub fn add(&mut self, mut found: Vec<Change>) {
        if found.is_empty() {
            return;
        }
        // Newest first; of one time, the last found first, as if each had
        // been placed in front of those already there.
        found.reverse();
        found.sort_by(|a, b| b.at.cmp(&a.at));
        let trail = |c: &Change| c.source == ChangeSource::CloudTrail;
        if found.iter().any(trail) || self.items.iter().any(trail) {
            // Anything older than the newest KEPT found would be dropped, and
            // a match only moves a change earlier.
            found.truncate(KEPT);
            for c in found.into_iter().rev() {
                self.add_one(c);
            }
            self.items.truncate(KEPT);
            return;
        }
        self.merge(found);
    }

    /// `add` without CloudTrail: `found` newest first.
    fn merge(&mut self, mut found: Vec<Change>) {
        // A repeat keeps the place of its first sighting.
        let kept = std::mem::take(&mut self.items);
        let fresh: Vec<bool> = {
            let before: std::collections::HashSet<_> = kept.iter().map(Change::key).collect();
            let mut seen = std::collections::HashSet::with_capacity(found.len());
            // `found` is newest first with each time's last sighting first:
            // its first sighting of a repeat is the last in this order.
            let mut keep: Vec<bool> = found.iter().rev().map(|c| !before.contains(&c.key()) && seen.insert(c.key())).collect();
            keep.reverse();
            keep
        };
        let mut fresh = fresh.into_iter();
        found.retain(|_| fresh.next().unwrap_or(false));
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

    fn add_one(&mut self, mut c: Change) {
        if self.items.iter().any(|k| k.same(&c)) {
            return;
        }
        if c.source == ChangeSource::CloudTrail {
            let fits = |k: &Change| k.source.service_seen() && k.seen_in_trail(&c) && k.takes_actor(&c.actor);
            let seen = self
                .items
                .iter()
                .position(|k| fits(k) && k.same_kind(&c))
                .or_else(|| self.items.iter().position(fits));
            if let Some(mut k) = seen.and_then(|i| self.items.remove(i)) {
                if k.source == ChangeSource::Refresh {
                    k.at = c.at;
                }
                k.actor = c.actor;
                self.insert(k);
                return;
            }
        } else if c.source.service_seen() {
            let fits = |k: &Change| k.source == ChangeSource::CloudTrail && c.seen_in_trail(k) && c.takes_actor(&k.actor);
            let told = self
                .items
                .iter()
                .position(|k| fits(k) && c.same_kind(k))
                .or_else(|| self.items.iter().position(fits));
            if let Some(k) = told.and_then(|i| self.items.remove(i)) {
                if c.source == ChangeSource::Refresh {
                    c.at = k.at;
                }
                c.actor = k.actor;
            }
        }
        self.insert(c);
    }

    fn insert(&mut self, c: Change) {
        let at = self.items.iter().position(|k| k.at <= c.at).unwrap_or(self.items.len());
        self.items.insert(at, c);
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

    pub fn len(&self) -> usize {
        self.items.len()
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

    fn trail(min: i64, sec: i64, resource: &str, actor: &str) -> Change {
        Change {
            at: change(min, resource).at + chrono::Duration::seconds(sec),
            actor: Some(actor.into()),
            source: ChangeSource::CloudTrail,
            ..change(min, resource)
        }
    }

    #[test]
    fn a_cloudtrail_event_gives_the_service_seen_change_of_its_minute_its_actor() {
        let mut seen = change(5, "orders-api");
        seen.source = ChangeSource::ServiceApi;
        // The service first, then CloudTrail a few seconds into the same minute.
        let mut t = Timeline::default();
        t.add(vec![seen.clone()]);
        t.add(vec![trail(5, 20, "orders-api", "alice")]);
        let all: Vec<_> = t.within(change(0, "").at).cloned().collect();
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!((all[0].source, all[0].actor.as_deref(), all[0].at), (ChangeSource::ServiceApi, Some("alice"), seen.at));
        // Read again, either of them: still one, still alice's.
        t.add(vec![seen.clone(), trail(5, 20, "orders-api", "alice")]);
        assert_eq!(t.within(change(0, "").at).count(), 1);
        // CloudTrail first: the same one change.
        let mut t2 = Timeline::default();
        t2.add(vec![trail(5, 20, "orders-api", "alice")]);
        t2.add(vec![seen.clone()]);
        assert_eq!(t2.within(change(0, "").at).cloned().collect::<Vec<_>>(), all);
        // Another minute, another resource or another person: kept apart.
        t.add(vec![trail(7, 0, "orders-api", "alice"), trail(5, 10, "billing", "alice"), trail(5, 30, "orders-api", "bob")]);
        let rows: Vec<_> = t.within(change(0, "").at).map(|c| (c.resource.as_str(), c.actor.as_deref(), c.source)).collect();
        assert_eq!(
            rows,
            [
                ("orders-api", Some("alice"), ChangeSource::CloudTrail),
                ("orders-api", Some("bob"), ChangeSource::CloudTrail),
                ("billing", Some("alice"), ChangeSource::CloudTrail),
                ("orders-api", Some("alice"), ChangeSource::ServiceApi),
            ]
        );
    }

    #[test]
    fn a_change_two_refreshes_found_takes_cloudtrails_exact_time() {
        // Seen at the refresh of minute 9; CloudTrail says 4 minutes before.
        let seen = change(9, "orders-api");
        let mut t = Timeline::default();
        t.add(vec![seen]);
        t.add(vec![trail(5, 12, "orders-api", "alice")]);
        let all: Vec<_> = t.within(change(0, "").at).collect();
        assert_eq!(all.len(), 1);
        assert_eq!((all[0].at, all[0].actor.as_deref()), (trail(5, 12, "", "").at, Some("alice")));
        // An event after the refresh, or long before it, is another change.
        let mut t = Timeline::default();
        t.add(vec![change(9, "orders-api"), trail(10, 0, "orders-api", "alice"), trail(2, 0, "orders-api", "alice")]);
        assert_eq!(t.within(change(0, "").at).count(), 3);
    }

    #[test]
    fn of_several_changes_in_one_minute_each_event_joins_its_own_kind() {
        let seen = |action: &str, source| Change { action: action.into(), source, ..change(5, "orders-api") };
        let event = |action: &str, actor: &str| Change { action: action.into(), ..trail(5, 30, "orders-api", actor) };
        let mut t = Timeline::default();
        t.add(vec![
            seen("UpdateFunctionCode", ChangeSource::ServiceApi),
            seen("PublishVersion 12", ChangeSource::ServiceApi),
            seen("Alias live 11 → 12", ChangeSource::Refresh),
        ]);
        t.add(vec![event("UpdateAlias", "carol"), event("PublishVersion", "bob"), event("UpdateFunctionCode", "alice")]);
        let mut rows: Vec<_> = t.within(change(0, "").at).map(|c| (c.action.as_str(), c.actor.as_deref(), c.source)).collect();
        rows.sort_by_key(|r| r.0);
        assert_eq!(
            rows,
            [
                ("Alias live 11 → 12", Some("carol"), ChangeSource::Refresh),
                ("PublishVersion 12", Some("bob"), ChangeSource::ServiceApi),
                ("UpdateFunctionCode", Some("alice"), ChangeSource::ServiceApi),
            ]
        );
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
