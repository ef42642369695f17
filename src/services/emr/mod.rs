//! Amazon EMR: active clusters with their state, instance groups or fleets
//! by role and market, steps, YARN metrics, and above all how long a
//! cluster has been idle and what that idleness cost.

mod changes;
pub mod cost;
mod price_list;
mod demo;
pub mod domain;
mod fetch;
mod live;
mod metrics;
mod overview;
mod pane;
mod snapshot;
mod tables;
mod weekago;

use std::time::Duration;

pub use domain::{EmrCluster, EmrData, EmrMetrics, InstanceGroup, Step};

use crate::export::file_safe;
use crate::services::feed::Retired;
use crate::services::scope::{replace_scope, Scope};
use crate::services::room::Room;
use crate::table::{all, SectionVisitor, TableVisitor};
use crate::services::Settings;

pub struct Emr;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Clusters,
    /// The cluster's detail with its steps as the table.
    Cluster { at: Scope, id: String },
}

impl Room for Emr {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "emr",
        prices: &[cost::PRICES],
        label: "EMR",
        badge: "EMR",
        aliases: &["spark", "hadoop", "elasticmapreduce", "steps"],
        // EMR publishes its metrics every five minutes; cluster states and steps
        // move on the scale of minutes.
        interval: Duration::from_secs(120),
        min_interval: (Duration::from_secs(60), "EMR metrics are five-minute data; faster only spends the API rate"),
        iam_actions: &[
            "elasticmapreduce:ListClusters",
            "elasticmapreduce:DescribeCluster",
            "elasticmapreduce:ListInstanceGroups",
            "elasticmapreduce:ListInstanceFleets",
            "elasticmapreduce:ListSteps",
            // The account's own anomaly detectors of cluster metrics, read
            // to use their bands; never created.
            "cloudwatch:DescribeAnomalyDetectors",
        ],
        keys: &[("[ ]", "EMR clusters: active / ended today")],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = EmrData;
    type State = EmrData;
    type View = View;
    type Snapshot = snapshot::EmrOut;

    fn merge(state: &mut EmrData, scope: &Scope, data: EmrData, only: bool, retired: &mut Vec<Retired>) {
        replace_scope(&mut state.clusters, data.clusters, scope, only, retired);
    }

    fn changes(state: &EmrData, scope: &Scope, data: &EmrData, cx: &crate::services::room::ChangeCtx) -> Vec<crate::changes::Change> {
        changes::changes(state, scope, data, cx)
    }

    fn root() -> View {
        View::Clusters
    }

    fn loading(state: &EmrData) -> Option<String> {
        let active = state.clusters.iter().filter(|c| c.active());
        let (n, waiting) = active.fold((0, 0), |(n, w), c| (n + 1, w + usize::from(c.metrics.pending)));
        crate::services::room::still_loading("cluster metrics", waiting, n)
    }

    fn child(_state: &EmrData, view: &View, row: &crate::table::RowId) -> Option<View> {
        match view {
            View::Clusters => Some(View::Cluster {
                at: row.at.clone().unwrap_or_default(),
                id: row.key.clone(),
            }),
            View::Cluster { .. } => None,
        }
    }

    fn title(state: &Self::State, view: &View) -> String {
        match view {
            View::Clusters => "EMR clusters".into(),
            View::Cluster { at, id } => crate::services::room::named("Cluster", state.cluster(at, id).map(|c| c.name.as_str()), id),
        }
    }

    fn crumb(state: &Self::State, view: &View) -> String {
        match view {
            View::Clusters => String::new(),
            View::Cluster { at, id } => state.cluster(at, id).map_or(id, |c| &c.name).clone(),
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Clusters => "emr-clusters".to_string(),
            View::Cluster { id, .. } => format!("emr-{id}-steps"),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a EmrData, view: &View, v: V) -> Option<V::Out> {
        match view {
            View::Clusters => Some(v.visit(all(&state.clusters))),
            // A cluster that left the data is an empty table, not no table.
            View::Cluster { at, id } => Some(v.visit(match state.cluster(at, id) {
                Some(c) => all(c.steps.as_deref().unwrap_or(&[])).context("region", &c.region).context("cluster", &c.id),
                None => all(&[]),
            })),
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a EmrData, v: &mut V) {
        v.visit("clusters", all(&state.clusters));
        for c in &state.clusters {
            v.visit("steps", all(c.steps.as_deref().unwrap_or(&[])).context("region", &c.region).context("cluster", &c.id));
        }
    }

    fn snapshot(state: &EmrData, settings: &Settings) -> snapshot::EmrOut {
        snapshot::emr(state, &settings.prices, &settings.accounts)
    }

    /// Every refresh, and last week's two figures every 15 minutes.
    fn watch_metrics_per_hour(state: &EmrData, cx: &crate::services::room::WatchCtx) -> f64 {
        let active = state.clusters.iter().filter(|c| c.active()).count();
        (active * metrics::PER_CLUSTER) as f64 * cx.refreshes()
            + (active * metrics::WEEK_PER_CLUSTER) as f64 * cx.per_hour(crate::baseline::REFRESH)
    }

    fn unusual(state: &EmrData) -> Vec<crate::baseline::Unusual> {
        weekago::unusual(&state.clusters)
    }

    fn cost(state: &EmrData, settings: &Settings) -> Option<crate::cost::RoomCost> {
        // Ended clusters bill nothing: they are neither priced nor unpriced.
        let active = state.clusters.iter().filter(|c| c.active());
        let estimates: Vec<_> = active.map(|c| cost::estimate(c, &settings.prices)).collect();
        Some(crate::cost::RoomCost::of(&estimates))
    }

    fn cost_by_account(state: &EmrData, settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        let active = state.clusters.iter().filter(|c| c.active());
        crate::cost::RoomCost::by_account(active.map(|c| (&*c.account, cost::estimate(c, &settings.prices))))
    }
}
