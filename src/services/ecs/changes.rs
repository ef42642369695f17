//! What changed among a region's ECS services: a PRIMARY deployment created
//! inside the window, a service whose task definition moved between two
//! reads (moto moves the service's `taskDefinition` but keeps the old PRIMARY
//! deployment; AWS starts a new one, whose `createdAt` is the deploy's time),
//! and the service events that say a rollout completed, failed or rolled
//! back. A change is laid against the service's crashed tasks per minute to
//! find the suspects.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::domain::{rollout_action, Cluster, EcsData, Service};
use crate::changes::suspect::{rolling_counts, rose_after};
use crate::changes::{Change, ChangeSource, Suspect};
use crate::scope::Scoped;
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;

/// A service's name in a change: `cluster/service`, as a service is only
/// unique within its cluster.
pub fn resource(cluster: &str, service: &str) -> String {
    format!("{cluster}/{service}")
}

pub fn changes(state: &EcsData, scope: &Scope, data: &EcsData, cx: &ChangeCtx) -> Vec<Change> {
    let old: HashMap<(&str, &str), &Service> = state
        .clusters
        .iter()
        .filter(|c| c.in_scope(scope))
        .flat_map(|c| c.services.iter().map(move |s| ((c.name.as_str(), s.name.as_str()), s)))
        .collect();
    let mut out = Vec::new();
    for c in &data.clusters {
        for s in &c.services {
            let change = |at, action: &str, source| Change {
                at,
                account: scope.account.to_string(),
                region: scope.region.clone(),
                service: <super::Ecs as crate::services::Room>::INFO.name.to_string(),
                resource: resource(&c.name, &s.name),
                action: action.to_string(),
                actor: None,
                source,
            };
            let found = match old.get(&(c.name.as_str(), s.name.as_str())) {
                None => s.deployed_at.map(|at| change(at, "Deployment", ChangeSource::ServiceApi)),
                Some(o) => {
                    let moved = s.deployed_at.filter(|at| o.deployed_at.is_none_or(|was| *at > was));
                    match (o.task_definition != s.task_definition, moved) {
                        (_, Some(at)) => Some(change(at, "UpdateService", ChangeSource::ServiceApi)),
                        (true, None) => Some(change(cx.fetched_at, "UpdateService", ChangeSource::Refresh)),
                        (false, None) => None,
                    }
                }
            };
            out.extend(found.filter(|c| c.at >= cx.since));
            // The same event read again is the same change: the timeline keeps it once.
            for e in &s.rollout_events {
                if let Some(action) = rollout_action(&e.message).filter(|_| e.at >= cx.since) {
                    out.push(change(e.at, action, ChangeSource::ServiceApi));
                }
            }
        }
    }
    out
}

/// Tasks that crashed (their essential container exited, or they failed to
/// start) in the `CRASH_SPAN_MIN` minutes up to a minute: one crash every
/// two and a half minutes is a crash loop, yet most single minutes hold none.
pub const CRASH_SPAN_MIN: i64 = 5;
/// Fewer crashes in `CRASH_SPAN_MIN` minutes are never a rise.
pub const CRASHES_FLOOR: f64 = 2.0;
/// The measure's name in a suspect.
pub const CRASHES_METRIC: &str = "crashed_tasks_5m";

/// Whether a stopped task crashed rather than being stopped (scaled in,
/// replaced by a deployment).
fn crashed(stop_code: Option<&str>) -> bool {
    matches!(stop_code, Some("EssentialContainerExited" | "TaskFailedToStart"))
}

/// Each service's newest change its crashed tasks rose after.
pub fn suspects(state: &EcsData, changes: &[&Change]) -> Vec<Suspect> {
    let mut out: Vec<Suspect> = Vec::new();
    for c in changes {
        if out.iter().any(|s| s.resource == c.resource) {
            continue;
        }
        let Some((cluster, service)) = find(state, c) else {
            continue;
        };
        let Some((start, values)) = crashes_per_minute(cluster, &service.name, c.at) else {
            continue;
        };
        if let Some(r) = rose_after(start, &values, c.at, CRASHES_FLOOR) {
            out.push(Suspect::of(c, CRASHES_METRIC, &r));
        }
    }
    out
}

fn find<'a>(state: &'a EcsData, c: &Change) -> Option<(&'a Cluster, &'a Service)> {
    let (cluster, service) = c.resource.split_once('/')?;
    let cl = state
        .clusters
        .iter()
        .find(|k| k.name == cluster && k.region == c.region && k.account() == c.account)?;
    Some((cl, cl.services.iter().find(|s| s.name == service)?))
}

/// A service's crashed tasks in the `CRASH_SPAN_MIN` minutes up to each
/// minute, from `SPAN_MIN` minutes before `at` to the newest crash. The task
/// list holds the stopped tasks of about the last hour, so the minutes
/// before a change of that hour are known, not guessed.
fn crashes_per_minute(cluster: &Cluster, service: &str, at: DateTime<Utc>) -> Option<(DateTime<Utc>, Vec<Option<f64>>)> {
    let times: Vec<DateTime<Utc>> = cluster
        .tasks
        .iter()
        .filter(|t| t.service.as_deref() == Some(service) && crashed(t.stop_code.as_deref()))
        .filter_map(|t| t.stopped_at)
        .collect();
    rolling_counts(&times, at, CRASH_SPAN_MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ecs::domain::Cluster;
    use chrono::{DateTime, Duration, Utc};

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + min * 60, 0).unwrap()
    }

    fn data(services: Vec<(&str, &str, Option<i64>)>) -> EcsData {
        EcsData {
            clusters: vec![Cluster {
                name: "prod".into(),
                region: "us-east-1".into(),
                services: services
                    .into_iter()
                    .map(|(n, td, at)| Service {
                        name: n.into(),
                        task_definition: td.into(),
                        deployed_at: at.map(t),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
        }
    }

    #[test]
    fn rollout_events_are_changes_at_their_time() {
        use crate::services::ecs::domain::ServiceEvent;
        let scope = Scope::new("", "us-east-1");
        let cx = ChangeCtx { since: t(0), fetched_at: t(60), seen: true };
        let mut d = data(vec![("web", "web:7", Some(-300))]);
        let ev = |min, msg: &str| ServiceEvent { at: t(min), message: msg.into() };
        d.clusters[0].services[0].rollout_events = vec![
            ev(50, "(service web) rolling back to deployment ecs-svc/1111111111111111111."),
            ev(48, "(service web) (deployment ecs-svc/2222222222222222222) deployment failed: tasks failed to start."),
            ev(-10, "(service web) (deployment ecs-svc/1111111111111111111) deployment completed."),
        ];
        let found = changes(&d, &scope, &d, &cx);
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at)).collect();
        assert_eq!(got, [("prod/web", "Rollback", t(50)), ("prod/web", "RolloutFailed", t(48))]);
    }

    /// A cluster whose `web` tasks crashed at these minutes (and one that was
    /// only scaled in, which is no crash).
    fn crashing(minutes: &[i64]) -> EcsData {
        use crate::services::ecs::domain::Task;
        let mut d = data(vec![("web", "web:8", Some(30))]);
        let task = |min: i64, code: &str| Task {
            service: Some("web".into()),
            last_status: "STOPPED".into(),
            stop_code: Some(code.into()),
            stopped_at: Some(t(min) + Duration::seconds(20)),
            ..Default::default()
        };
        d.clusters[0].tasks = minutes.iter().map(|m| task(*m, "EssentialContainerExited")).collect();
        d.clusters[0].tasks.push(task(31, "ServiceSchedulerInitiated"));
        d
    }

    fn rollout(min: i64) -> Change {
        Change {
            at: t(min) + Duration::seconds(5),
            account: String::new(),
            region: "us-east-1".into(),
            service: "ecs".into(),
            resource: "prod/web".into(),
            action: "UpdateService".into(),
            actor: None,
            source: ChangeSource::ServiceApi,
        }
    }

    #[test]
    fn crashes_rising_after_a_rollout_name_it_and_not_one_after_them() {
        // One crash every 6 minutes before, one every minute or so from minute 33.
        let mut minutes = vec![2, 8, 14, 20, 26];
        minutes.extend([33, 34, 35, 35, 36, 37, 38, 38, 39, 40]);
        let d = crashing(&minutes);
        let s = suspects(&d, &[&rollout(30)]);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!((s[0].metric.as_str(), s[0].resource.as_str()), (CRASHES_METRIC, "prod/web"));
        assert!(s[0].before <= 1.0 && s[0].after >= 3.0 * s[0].before.max(1.0), "{s:?}");
        // The crashes began before this one: not blamed.
        assert!(suspects(&d, &[&rollout(36)]).is_empty());
        // A steady trickle after a rollout is not a rise.
        let d = crashing(&[2, 8, 14, 20, 26, 32, 38, 44]);
        assert!(suspects(&d, &[&rollout(30)]).is_empty());
        // No crashes at all, or none of its own: nothing.
        assert!(suspects(&crashing(&[]), &[&rollout(30)]).is_empty());
    }

    #[test]
    fn a_moved_task_definition_and_a_new_deployment_are_changes_an_old_one_is_not() {
        let scope = Scope::new("", "us-east-1");
        let cx = ChangeCtx { since: t(0), fetched_at: t(60), seen: true };
        let first = data(vec![("old", "old:1", Some(-300)), ("new", "new:1", Some(20)), ("moto", "moto:1", Some(-300))]);
        let found = changes(&EcsData::default(), &scope, &first, &cx);
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at)).collect();
        assert_eq!(got, [("prod/new", "Deployment", t(20))]);
        // AWS: a new PRIMARY deployment; moto: only the task definition moves.
        let second = data(vec![("old", "old:1", Some(-300)), ("new", "new:2", Some(40)), ("moto", "moto:2", Some(-300))]);
        let found = changes(&first, &scope, &second, &cx);
        let got: Vec<_> = found.iter().map(|c| (c.resource.as_str(), c.action.as_str(), c.at, c.source)).collect();
        assert_eq!(
            got,
            [
                ("prod/new", "UpdateService", t(40), ChangeSource::ServiceApi),
                ("prod/moto", "UpdateService", t(60), ChangeSource::Refresh),
            ]
        );
    }
}
