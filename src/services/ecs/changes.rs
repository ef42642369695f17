//! What changed among a region's ECS services: a PRIMARY deployment created
//! inside the window, and a service whose task definition moved between two
//! reads (moto moves the service's `taskDefinition` but keeps the old PRIMARY
//! deployment; AWS starts a new one, whose `createdAt` is the deploy's time).

use std::collections::HashMap;

use super::domain::{EcsData, Service};
use crate::changes::{Change, ChangeSource};
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
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ecs::domain::Cluster;
    use chrono::{DateTime, Utc};

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
