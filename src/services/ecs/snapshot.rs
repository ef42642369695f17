//! The `ecs` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{Cluster, EcsData};
use crate::cost::PriceBook;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcsOut {
    pub clusters: Vec<ClusterOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub status: String,
    pub services: Vec<ServiceOut>,
    pub tasks: Vec<TaskOut>,
    pub container_instances: Vec<InstanceOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceOut {
    pub name: String,
    pub launch_type: String,
    pub desired: u32,
    /// As its tasks say (the task list is read whole).
    pub running: u32,
    pub pending: u32,
    /// The service's own counts (DescribeServices), which ECS updates
    /// asynchronously: `counts_stale` when they disagree with the tasks.
    pub service_running: u32,
    pub service_pending: u32,
    pub counts_stale: bool,
    pub rollout_state: Option<String>,
    pub cpu_pct: Option<f64>,
    pub memory_pct: Option<f64>,
    /// `cpu_pct` and `memory_pct` over the same window seven days earlier
    /// (each null when CloudWatch had nothing then); null as a whole when
    /// last week was not read.
    pub metrics_week_ago: Option<super::domain::ServiceWeekAgo>,
    /// The upper edges of the anomaly bands the account's detectors draw
    /// for `cpu_pct` and `memory_pct` (null for one without a detector);
    /// absent when no band was read (docs/baseline.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anomaly_band: Option<super::domain::ServiceBand>,
    /// The image its running tasks carry (`null`: none running).
    pub image: Option<String>,
    /// That image's scan findings from ECR (`null`: not scanned, or not in ECR).
    pub image_findings: Option<crate::services::joins::Findings>,
    /// Fargate: its running tasks' vCPU-hours and GB-hours; EC2: its share
    /// of the container instances (`null`: the tasks were not read).
    pub cost: Option<crate::cost::CostOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskOut {
    pub id: String,
    pub service: Option<compact_str::CompactString>,
    pub last_status: compact_str::CompactString,
    pub desired_status: compact_str::CompactString,
    pub launch_type: compact_str::CompactString,
    pub capacity_provider: Option<compact_str::CompactString>,
    pub cpu: Option<compact_str::CompactString>,
    pub memory: Option<compact_str::CompactString>,
    pub architecture: Option<compact_str::CompactString>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub stop_code: Option<compact_str::CompactString>,
    pub stopped_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceOut {
    pub id: String,
    pub status: String,
    pub agent_connected: bool,
    pub running_tasks: u32,
    pub cpu_remaining: i64,
    pub memory_remaining_mb: i64,
    pub cpu_registered: Option<i64>,
}

fn cluster(c: &Cluster, prices: &PriceBook, book: &crate::scope::AccountBook) -> ClusterOut {
    ClusterOut {
        name: c.name.clone(),
        account: book.id(&c.account).map(str::to_string),
        region: c.region.clone(),
        status: c.status.clone(),
        services: c
            .services
            .iter()
            .map(|s| ServiceOut {
                name: s.name.clone(),
                launch_type: s.launch_type.clone(),
                desired: s.desired,
                running: s.running_now(),
                pending: s.pending_now(),
                service_running: s.running,
                service_pending: s.pending,
                counts_stale: s.counts_stale(),
                rollout_state: s.rollout_state.clone(),
                cpu_pct: s.cpu_pct,
                memory_pct: s.memory_pct,
                metrics_week_ago: s.week_ago,
                anomaly_band: s.band,
                image: s.image.as_ref().map(|i| i.reference.clone()),
                image_findings: s.image.as_ref().and_then(|i| i.findings),
                cost: super::cost::estimate(s, prices).out(),
            })
            .collect(),
        tasks: c
            .tasks
            .iter()
            .map(|t| TaskOut {
                id: t.id.clone(),
                service: t.service.clone(),
                last_status: t.last_status.clone(),
                desired_status: t.desired_status.clone(),
                launch_type: t.launch_type.clone(),
                capacity_provider: t.capacity_provider.clone(),
                cpu: t.cpu.clone(),
                memory: t.memory.clone(),
                architecture: t.architecture.clone(),
                started_at: t.started_at,
                stopped_at: t.stopped_at,
                stop_code: t.stop_code.clone(),
                stopped_reason: t.stopped_reason.clone(),
            })
            .collect(),
        container_instances: c
            .container_instances
            .iter()
            .map(|i| InstanceOut {
                id: i.id.clone(),
                status: i.status.clone(),
                agent_connected: i.agent_connected,
                running_tasks: i.running_tasks,
                cpu_remaining: i.cpu_remaining,
                memory_remaining_mb: i.memory_remaining_mb,
                cpu_registered: i.cpu_registered,
            })
            .collect(),
    }
}

pub fn ecs(d: &EcsData, prices: &PriceBook, book: &crate::scope::AccountBook) -> EcsOut {
    EcsOut {
        clusters: d.clusters.iter().map(|c| cluster(c, prices, book)).collect(),
    }
}

/// The same section as `ecs`, each cluster's entry made as it is written:
/// at 50,000 functions the demo's 25,294 tasks made it 11 MB of `--once`'s peak.
pub fn streamed<'a>(d: &'a EcsData, prices: &'a PriceBook, book: &'a crate::scope::AccountBook) -> impl Serialize + 'a {
    crate::services::streamed::Listed {
        name: "EcsOut",
        field: "clusters",
        rows: &d.clusters,
        entry: move |c: &Cluster| cluster(c, prices, book),
    }
}
