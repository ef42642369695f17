//! Amazon EKS: clusters with their version, support tier and control-plane
//! price, node groups with version skew against the cluster, Fargate
//! profiles, add-ons, and the control plane's own metrics.

pub mod cost;
mod price_list;
mod changes;
mod demo;
pub mod domain;
mod fetch;
mod live;
mod metrics;
mod overview;
mod pane;
mod snapshot;
mod tables;

use std::time::Duration;

pub use domain::{Addon, ClusterMetrics, EksCluster, EksData, FargateProfile, Nodegroup};

use crate::export::file_safe;
use crate::services::Settings;
use crate::services::feed::Retired;
use crate::services::scope::{replace_scope, Scope};
use crate::services::room::Room;
use crate::table::{all, SectionVisitor, TableVisitor};

pub struct Eks;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Clusters,
    /// The cluster's detail with its node groups as the table.
    Cluster { at: Scope, name: String },
    Nodegroup { at: Scope, cluster: String, name: String },
}

impl Room for Eks {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "eks",
        prices: &[cost::PRICES],
        label: "EKS",
        badge: "EKS",
        aliases: &["k8s", "kubernetes", "nodegroups", "ng"],
        // Control-plane metrics are per minute; node groups and add-ons are
        // re-read every fifth refresh (they change on upgrades, not by the minute).
        interval: Duration::from_secs(60),
        min_interval: (Duration::from_secs(30), "EKS metrics are per minute; faster only spends the API rate"),
        iam_actions: &[
            "eks:ListClusters",
            "eks:DescribeCluster",
            "eks:ListNodegroups",
            "eks:DescribeNodegroup",
            "eks:ListFargateProfiles",
            "eks:DescribeFargateProfile",
            "eks:ListAddons",
            "eks:DescribeAddon",
            "eks:ListUpdates",
            "eks:DescribeUpdate",
        ],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = EksData;
    type State = EksData;
    type View = View;
    type Snapshot = snapshot::EksOut;

    fn merge(state: &mut EksData, scope: &Scope, data: EksData, only: bool, retired: &mut Vec<Retired>) {
        replace_scope(&mut state.clusters, data.clusters, scope, only, retired);
    }

    fn changes(state: &EksData, scope: &Scope, data: &EksData, cx: &crate::services::room::ChangeCtx) -> Vec<crate::changes::Change> {
        changes::changes(state, scope, data, cx)
    }

    fn root() -> View {
        View::Clusters
    }

    fn loading(state: &EksData) -> Option<String> {
        let waiting = state.clusters.iter().filter(|c| c.metrics.pending).count();
        crate::services::room::still_loading("cluster metrics", waiting, state.clusters.len())
    }

    fn child(_state: &EksData, view: &View, row: &crate::table::RowId) -> Option<View> {
        let key = row.key.as_str();
        match view {
            View::Clusters => Some(View::Cluster {
                at: row.at.clone().unwrap_or_default(),
                name: key.into(),
            }),
            View::Cluster { at, name } => Some(View::Nodegroup {
                at: at.clone(),
                cluster: name.clone(),
                name: key.into(),
            }),
            View::Nodegroup { .. } => None,
        }
    }

    fn title(_state: &Self::State, view: &View) -> String {
        match view {
            View::Clusters => "EKS clusters".into(),
            View::Cluster { name, .. } => format!("Cluster {name}"),
            View::Nodegroup { name, .. } => format!("Node group {name}"),
        }
    }

    fn crumb(_state: &Self::State, view: &View) -> String {
        match view {
            View::Clusters => String::new(),
            View::Cluster { name, .. } => name.clone(),
            View::Nodegroup { name, .. } => name.clone(),
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Clusters => "eks-clusters".to_string(),
            View::Cluster { name, .. } => format!("eks-{name}-nodegroups"),
            View::Nodegroup { cluster, name, .. } => format!("eks-{cluster}-{name}"),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a EksData, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Clusters => Some(v.visit(all(&state.clusters))),
            // A cluster that left the data is an empty table, not no table.
            View::Cluster { at, name } => Some(v.visit(match state.cluster(at, name) {
                Some(c) => all(&c.nodegroups).context("region", &c.region).context("cluster", &c.name),
                None => all(&[]),
            })),
            View::Nodegroup { .. } => None,
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a EksData, v: &mut V) {
        v.visit("clusters", all(&state.clusters));
        for c in &state.clusters {
            v.visit("nodegroups", all(&c.nodegroups).context("region", &c.region).context("cluster", &c.name));
        }
    }

    fn snapshot(state: &EksData, settings: &Settings) -> snapshot::EksOut {
        snapshot::eks(state, &settings.prices, &settings.accounts)
    }

    fn watch_metrics_per_hour(state: &EksData, cx: &crate::services::room::WatchCtx) -> f64 {
        (state.clusters.len() * metrics::PER_CLUSTER) as f64 * cx.refreshes()
    }

    fn cost(state: &EksData, settings: &Settings) -> Option<crate::cost::RoomCost> {
        let estimates: Vec<_> = state.clusters.iter().map(|c| cost::estimate(c, &settings.prices)).collect();
        Some(crate::cost::RoomCost::of(&estimates))
    }

    fn cost_by_account(state: &EksData, settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        crate::cost::RoomCost::by_account(state.clusters.iter().map(|c| (&*c.account, cost::estimate(c, &settings.prices))))
    }
}
