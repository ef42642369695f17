//! ECS and Fargate: clusters, their services with health and rollouts, the
//! tasks of a service with their stop reasons, and container instances.

mod changes;
pub mod cost;
mod demo;
pub mod domain;
mod fetch;
mod images;
mod live;
mod overview;
mod pane;
mod snapshot;
mod tables;
mod weekago;

use std::time::Duration;

pub use domain::{Cluster, Container, ContainerInstance, EcsData, Health, RunningImage, Service, ServiceEvent, Task};

use crate::export::file_safe;
use crate::services::Settings;
use crate::services::feed::Retired;
use crate::services::scope::{replace_scope, Scope};
use crate::services::joins::{Board, Topic};
use crate::services::room::Room;
use crate::table::{all, SectionVisitor, TableVisitor};

pub struct Ecs;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Clusters,
    /// A cluster's, of the account and region it was opened in.
    Services { at: Scope, cluster: String },
    Tasks { at: Scope, cluster: String, service: String },
    Task { at: Scope, cluster: String, id: String },
}

impl Room for Ecs {
    const INFO: crate::services::RoomInfo = crate::services::RoomInfo {
        name: "ecs",
        label: "ECS",
        badge: "ECS",
        aliases: &["cluster", "clusters", "svc", "services", "tasks", "fargate"],
        interval: Duration::from_secs(30),
        min_interval: (Duration::from_secs(5), "faster only spends the account's ECS read rate"),
        iam_actions: &[
            "ecs:ListClusters",
            "ecs:DescribeClusters",
            "ecs:ListServices",
            "ecs:DescribeServices",
            "ecs:ListTasks",
            "ecs:DescribeTasks",
            "ecs:ListContainerInstances",
            "ecs:DescribeContainerInstances",
            // The account's own anomaly detectors of service metrics, read
            // to use their bands; never created.
            "cloudwatch:DescribeAnomalyDetectors",
        ],
        reads: &[Topic::ImageFindings],
        publishes: &[Topic::ImagesInUse],
        ..crate::services::RoomInfo::DEFAULT
    };

    type Data = EcsData;
    type State = EcsData;
    type View = View;
    type Snapshot = snapshot::EcsOut;

    fn merge(state: &mut EcsData, scope: &Scope, data: EcsData, only: bool, retired: &mut Vec<Retired>) {
        replace_scope(&mut state.clusters, data.clusters, scope, only, retired);
    }

    fn publish(state: &EcsData, board: &mut Board) {
        board.images_in_use = images::in_use(state);
    }

    fn join(state: &mut EcsData, board: &Board) {
        for c in &mut state.clusters {
            c.count_tasks();
        }
        images::join(state, &board.image_findings);
        cost::join(state);
    }

    fn root() -> View {
        View::Clusters
    }

    fn changes(state: &EcsData, scope: &Scope, data: &EcsData, cx: &crate::services::room::ChangeCtx) -> Vec<crate::changes::Change> {
        changes::changes(state, scope, data, cx)
    }

    fn suspects(state: &EcsData, found: &[&crate::changes::Change]) -> Vec<crate::changes::Suspect> {
        changes::suspects(state, found)
    }

    /// A change names a service `cluster/service`: its tasks.
    fn open(key: &str, at: Option<&Scope>) -> Option<View> {
        let (cluster, service) = key.split_once('/')?;
        Some(View::Tasks { at: at.cloned().unwrap_or_default(), cluster: cluster.into(), service: service.into() })
    }

    fn holds(state: &EcsData, account: &str, region: &str, key: &str) -> Option<bool> {
        use crate::scope::Scoped;
        let (cluster, service) = key.split_once('/')?;
        Some(state.clusters.iter().any(|c| {
            c.name == cluster && c.region == region && c.account() == account && c.services.iter().any(|s| s.name == service)
        }))
    }

    fn loading(state: &EcsData) -> Option<String> {
        let services = state.clusters.iter().flat_map(|c| &c.services);
        let (n, waiting) = services.fold((0, 0), |(n, w), s| (n + 1, w + usize::from(s.metrics_pending)));
        crate::services::room::still_loading("service metrics", waiting, n)
    }

    fn child(_state: &EcsData, view: &View, row: &crate::table::RowId) -> Option<View> {
        let key = &row.key;
        match view {
            View::Clusters => Some(View::Services {
                at: row.at.clone().unwrap_or_default(),
                cluster: key.clone(),
            }),
            View::Services { at, cluster } => Some(View::Tasks {
                at: at.clone(),
                cluster: cluster.clone(),
                service: key.clone(),
            }),
            View::Tasks { at, cluster, .. } => Some(View::Task {
                at: at.clone(),
                cluster: cluster.clone(),
                id: key.clone(),
            }),
            View::Task { .. } => None,
        }
    }

    fn title(state: &Self::State, view: &View) -> String {
        match view {
            View::Clusters => "ECS clusters".into(),
            View::Services { cluster, .. } => format!("Services in {cluster}"),
            View::Tasks { service, .. } => format!("Tasks of {service}"),
            View::Task { at, cluster, id } => {
                // A task has no name: its task definition says what it runs.
                let family = state.task(at, cluster, id).map(|t| t.task_definition.as_str());
                crate::services::room::named("Task", family, &id.chars().take(12).collect::<String>())
            }
        }
    }

    fn crumb(_state: &Self::State, view: &View) -> String {
        match view {
            View::Clusters => String::new(),
            View::Services { cluster, .. } => cluster.clone(),
            View::Tasks { service, .. } => service.clone(),
            View::Task { id, .. } => id.chars().take(12).collect(),
        }
    }

    fn export_name(view: &View) -> String {
        file_safe(&match view {
            View::Clusters => "ecs-clusters".to_string(),
            View::Services { cluster, .. } => format!("ecs-{cluster}-services"),
            View::Tasks { cluster, service, .. } => format!("ecs-{cluster}-{service}-tasks"),
            View::Task { cluster, id, .. } => format!("ecs-{cluster}-{id}"),
        })
    }

    fn table<'a, V: TableVisitor<'a>>(state: &'a EcsData, view: &View, v: V) -> Option<V::Out> {
        // A cluster that left the data is an empty table, not no table.
        let cluster = |at: &Scope, name: &str| state.cluster(at, name);
        match view {
            View::Clusters => Some(v.visit(all(&state.clusters))),
            View::Services { at, cluster: name } => Some(v.visit(match cluster(at, name) {
                Some(c) => all(&c.services).context("region", &c.region).context("cluster", &c.name),
                None => all(&[]),
            })),
            View::Tasks { at, cluster: name, service } => {
                let t = match cluster(at, name) {
                    Some(c) => all(&c.tasks).context("region", &c.region).context("cluster", &c.name),
                    None => all(&[]),
                };
                Some(v.visit(t.keep(|t: &Task| t.service.as_deref() == Some(service.as_str()))))
            }
            View::Task { .. } => None,
        }
    }

    fn sections<'a, V: SectionVisitor<'a>>(state: &'a EcsData, v: &mut V) {
        v.visit("clusters", all(&state.clusters));
        for c in &state.clusters {
            v.visit("services", all(&c.services).context("region", &c.region).context("cluster", &c.name));
        }
        for c in &state.clusters {
            v.visit("tasks", all(&c.tasks).context("region", &c.region).context("cluster", &c.name));
        }
    }

    fn snapshot(state: &EcsData, settings: &Settings) -> snapshot::EcsOut {
        snapshot::ecs(state, &settings.prices, &settings.accounts)
    }

    fn write_snapshot<M: serde::ser::SerializeMap>(
        state: &EcsData,
        settings: &Settings,
        map: &mut M,
    ) -> Result<(), M::Error> {
        map.serialize_entry(Self::INFO.name, &snapshot::streamed(state, &settings.prices, &settings.accounts))
    }

    /// CPU and memory per service, once a minute at most, and last week's
    /// every 15 minutes.
    fn watch_metrics_per_hour(state: &EcsData, cx: &crate::services::room::WatchCtx) -> f64 {
        let services: usize = state.clusters.iter().map(|c| c.services.len()).sum();
        services as f64 * 2.0 * (cx.per_hour(live::METRICS_EVERY) + cx.per_hour(crate::baseline::REFRESH))
    }

    fn unusual(state: &EcsData) -> Vec<crate::baseline::Unusual> {
        weekago::unusual(state)
    }

    fn cost(state: &EcsData, settings: &Settings) -> Option<crate::cost::RoomCost> {
        let services = state.clusters.iter().flat_map(|c| &c.services);
        let estimates: Vec<_> = services.map(|s| cost::estimate(s, &settings.prices)).collect();
        Some(crate::cost::RoomCost::of(&estimates))
    }

    fn cost_by_account(state: &EcsData, settings: &Settings) -> Vec<(String, crate::cost::RoomCost)> {
        let services = state.clusters.iter().flat_map(|c| c.services.iter().map(move |s| (&*c.account, s)));
        crate::cost::RoomCost::by_account(services.map(|(a, s)| (a, cost::estimate(s, &settings.prices))))
    }
}
