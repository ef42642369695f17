//! What changed among a region's EMR clusters, as EMR says it: a step
//! submitted inside the window (ListSteps' creation time), and a resize of
//! a role's instances: its requested count moved between two reads, or a
//! group or fleet was seen `RESIZING` (from what runs to what was asked).
//! A resize has no time of its own in these answers, so it is dated by the
//! read that saw it. A change names its cluster by ID, as the rows do.

use std::collections::HashMap;

use super::domain::{EmrCluster, EmrData, InstanceGroup};
use crate::changes::{Change, ChangeSource};
use crate::scope::Scoped;
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;

pub fn changes(state: &EmrData, scope: &Scope, data: &EmrData, cx: &ChangeCtx) -> Vec<Change> {
    let old: HashMap<&str, &EmrCluster> = state
        .clusters
        .iter()
        .filter(|c| c.in_scope(scope))
        .map(|c| (c.id.as_str(), c))
        .collect();
    let mut out = Vec::new();
    for c in &data.clusters {
        let change = |at, action: String, source| Change {
            at,
            account: scope.account.to_string(),
            region: scope.region.clone(),
            service: <super::Emr as crate::services::Room>::INFO.name.to_string(),
            resource: c.id.clone(),
            action,
            actor: None,
            source,
        };
        // The same step read again is the same change: the timeline keeps it once.
        for s in c.steps.iter().flatten() {
            if let Some(at) = s.created_at.filter(|t| *t >= cx.since) {
                out.push(change(at, format!("AddStep {}", s.name), ChangeSource::ServiceApi));
            }
        }
        let Some(groups) = &c.groups else { continue };
        let was = old.get(c.id.as_str()).and_then(|o| o.groups.as_deref());
        for action in resizes(was, groups) {
            out.push(change(cx.fetched_at, action, ChangeSource::Refresh));
        }
    }
    out
}

/// The roles in the order a cluster lists them, each once.
fn roles(groups: &[InstanceGroup]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for g in groups {
        if !out.contains(&g.role.as_str()) {
            out.push(&g.role);
        }
    }
    out
}

/// A role's instances over its groups (a fleet's markets): (running, requested, resizing).
fn role_counts(groups: &[InstanceGroup], role: &str) -> (i32, i32, bool) {
    groups.iter().filter(|g| g.role == role).fold((0, 0, false), |(r, q, z), g| {
        (r + g.running, q + g.requested, z || g.state.as_deref() == Some("RESIZING"))
    })
}

/// `Resize core 4 → 8` for each role whose requested count moved since the
/// last read (`was`), or that is resizing now and was not then (from what
/// runs to what it asked for). A resize still under way is said once.
pub fn resizes(was: Option<&[InstanceGroup]>, now: &[InstanceGroup]) -> Vec<String> {
    let mut out = Vec::new();
    for role in roles(now) {
        let (running, requested, resizing) = role_counts(now, role);
        let before = was.filter(|w| w.iter().any(|g| g.role == role)).map(|w| role_counts(w, role));
        let name = role.to_ascii_lowercase();
        match before {
            Some((_, asked, _)) if asked != requested => out.push(format!("Resize {name} {asked} → {requested}")),
            Some((_, _, true)) => {}
            _ if resizing => out.push(format!("Resize {name} {running} → {requested}")),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::emr::domain::Step;
    use chrono::{DateTime, Utc};

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap()
    }

    fn g(role: &str, market: &str, requested: i32, running: i32, state: &str) -> InstanceGroup {
        InstanceGroup {
            role: role.into(),
            market: market.into(),
            instance_type: "m5.xlarge".into(),
            requested,
            running,
            state: Some(state.into()),
        }
    }

    #[test]
    fn a_requested_count_that_moved_or_a_resize_seen_is_a_resize_once() {
        let before = vec![g("MASTER", "ON_DEMAND", 1, 1, "RUNNING"), g("CORE", "ON_DEMAND", 4, 4, "RUNNING")];
        // Nothing moved: nothing.
        assert!(resizes(Some(&before), &before).is_empty());
        // CORE asked for 8 between the reads.
        let after = vec![g("MASTER", "ON_DEMAND", 1, 1, "RUNNING"), g("CORE", "ON_DEMAND", 8, 4, "RESIZING")];
        assert_eq!(resizes(Some(&before), &after), ["Resize core 4 → 8"]);
        // Still resizing at the next read: already said.
        assert!(resizes(Some(&after), &after).is_empty());
        // First read, or a group that came back: a resize under way, from what runs.
        assert_eq!(resizes(None, &after), ["Resize core 4 → 8"]);
        // A fleet's markets are one role; a shrink is a resize too.
        let fleet = vec![g("TASK", "ON_DEMAND", 2, 2, "RUNNING"), g("TASK", "SPOT", 6, 6, "RUNNING")];
        let shrunk = vec![g("TASK", "ON_DEMAND", 2, 2, "RUNNING"), g("TASK", "SPOT", 2, 6, "RUNNING")];
        assert_eq!(resizes(Some(&fleet), &shrunk), ["Resize task 8 → 4"]);
        // A state not read (an old recording) is no resize.
        let unread: Vec<_> = before.iter().map(|x| InstanceGroup { state: None, requested: 9, ..x.clone() }).collect();
        assert!(resizes(None, &unread).is_empty());
    }

    #[test]
    fn steps_submitted_inside_the_window_and_resizes_are_changes_an_old_step_is_not() {
        let scope = Scope::new("", "us-east-1");
        let cx = ChangeCtx { since: t(0), fetched_at: t(60), seen: true };
        let step = |name: &str, min: i64| Step {
            id: format!("s-{name}"),
            name: name.into(),
            state: "COMPLETED".into(),
            created_at: Some(t(min)),
            ..Default::default()
        };
        let cluster = |groups, steps| EmrCluster {
            id: "j-1".into(),
            name: "etl".into(),
            region: "us-east-1".into(),
            state: "RUNNING".into(),
            groups: Some(groups),
            steps: Some(steps),
            ..Default::default()
        };
        let first = EmrData { clusters: vec![cluster(vec![g("CORE", "ON_DEMAND", 4, 4, "RUNNING")], vec![step("old", -90)])] };
        assert!(changes(&EmrData::default(), &scope, &first, &cx).is_empty());
        let second = EmrData {
            clusters: vec![cluster(vec![g("CORE", "ON_DEMAND", 8, 4, "RUNNING")], vec![step("aggregate", 42), step("old", -90)])],
        };
        let found = changes(&first, &scope, &second, &cx);
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at, c.source)).collect();
        assert_eq!(
            got,
            [
                ("j-1", "AddStep aggregate", t(42), ChangeSource::ServiceApi),
                ("j-1", "Resize core 4 → 8", t(60), ChangeSource::Refresh),
            ]
        );
        assert!(found.iter().all(|c| c.service == "emr"));
    }
}
