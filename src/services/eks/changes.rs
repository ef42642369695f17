//! What changed among a region's EKS clusters, as EKS says it: the updates
//! of a cluster and of its node groups (ListUpdates, DescribeUpdate) created
//! inside the window. A node group's change names it `cluster/nodegroup`.
//! An update that failed or was cancelled is a second change at the same
//! time, `… Failed` or `… Cancelled`: the first says it began, the second how
//! it ended; one in progress or successful is the update alone.

use super::domain::EksData;
use crate::changes::{Change, ChangeSource};
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;

pub fn changes(_state: &EksData, scope: &Scope, data: &EksData, cx: &ChangeCtx) -> Vec<Change> {
    let mut out = Vec::new();
    for c in &data.clusters {
        for u in &c.updates {
            let Some(at) = u.created_at.filter(|t| *t >= cx.since) else { continue };
            let change = |action: String| Change {
                at,
                account: scope.account.to_string(),
                region: scope.region.clone(),
                service: <super::Eks as crate::services::Room>::INFO.name.to_string(),
                resource: match &u.nodegroup {
                    Some(g) => format!("{}/{g}", c.name),
                    None => c.name.clone(),
                },
                action,
                actor: None,
                source: ChangeSource::ServiceApi,
            };
            // The same update read again is the same change: the timeline keeps it once.
            out.push(change(u.action()));
            if matches!(u.status.as_str(), "Failed" | "Cancelled") {
                out.push(change(format!("{} {}", u.action(), u.status)));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::change_tests::{first_read, listed, t};
    use crate::services::eks::domain::{EksCluster, Update};

    #[test]
    fn updates_inside_the_window_are_changes_with_how_they_ended() {
        let u = |id: &str, kind: &str, g: Option<&str>, status: &str, min: i64| Update {
            id: id.into(),
            kind: kind.into(),
            nodegroup: g.map(str::to_string),
            status: status.into(),
            created_at: Some(t(min)),
        };
        let data = EksData {
            clusters: vec![EksCluster {
                name: "prod".into(),
                region: "us-east-1".into(),
                updates: vec![
                    u("1", "VersionUpdate", None, "Successful", 40),
                    u("2", "VersionUpdate", Some("ng"), "Failed", 45),
                    u("3", "ConfigUpdate", Some("ng"), "InProgress", 50),
                    u("4", "VersionUpdate", None, "Successful", -600),
                ],
                ..Default::default()
            }],
        };
        let found = first_read::<crate::services::Eks>("us-east-1", &data);
        assert_eq!(
            listed(&found),
            [
                ("prod", "UpdateClusterVersion", t(40)),
                ("prod/ng", "UpdateNodegroupVersion", t(45)),
                ("prod/ng", "UpdateNodegroupVersion Failed", t(45)),
                ("prod/ng", "UpdateNodegroupConfig", t(50)),
            ]
        );
        assert!(found.iter().all(|c| c.service == "eks" && c.source == ChangeSource::ServiceApi));
    }
}
