//! The `emr` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{EmrData, InstanceGroup, Step};
use crate::cost::{round6, CostOut, PriceBook};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EmrOut {
    pub clusters: Vec<ClusterOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterOut {
    pub id: String,
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub state: String,
    pub state_reason: Option<String>,
    pub release_label: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub normalized_instance_hours: Option<i32>,
    /// `null`: not read (ended clusters, or the call failed).
    pub instance_groups: Option<Vec<InstanceGroup>>,
    pub steps: Option<Vec<Step>>,
    pub metrics: MetricsOut,
    /// The same window seven days earlier, under the same keys: the
    /// applications running and pending (the rest null); null as a whole
    /// when last week was not read.
    pub metrics_week_ago: Option<MetricsOut>,
    /// The upper edges of the anomaly bands the account's detectors draw
    /// for applications running and pending, under the same keys (the rest
    /// null); absent when no band was read (docs/baseline.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anomaly_band: Option<MetricsOut>,
    pub cost: Option<CostOut>,
    /// Dollars burned over the current idle streak (`null`: not idle, or not priced).
    pub idle_usd: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsOut {
    pub is_idle: Option<bool>,
    pub idle_minutes: Option<u32>,
    pub apps_running: Option<f64>,
    pub apps_pending: Option<f64>,
    pub container_pending_ratio: Option<f64>,
    pub yarn_memory_available_pct: Option<f64>,
    pub hdfs_utilization_pct: Option<f64>,
}

pub fn emr(d: &EmrData, prices: &PriceBook, book: &crate::scope::AccountBook) -> EmrOut {
    EmrOut {
        clusters: d
            .clusters
            .iter()
            .map(|c| {
                let m = &c.metrics;
                ClusterOut {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    account: book.id(&c.account).map(str::to_string),
                    region: c.region.clone(),
                    state: c.state.clone(),
                    state_reason: c.state_reason.clone(),
                    release_label: c.release_label.clone(),
                    created_at: c.created_at,
                    ended_at: c.ended_at,
                    normalized_instance_hours: c.normalized_instance_hours,
                    // The snapshot's groups and steps keep their documented
                    // fields: what `:changes` reads of them stays out.
                    instance_groups: c.groups.as_ref().map(|g| g.iter().map(|g| InstanceGroup { state: None, ..g.clone() }).collect()),
                    steps: c.steps.as_ref().map(|s| s.iter().map(|s| Step { created_at: None, ..s.clone() }).collect()),
                    metrics: MetricsOut {
                        is_idle: m.is_idle,
                        idle_minutes: m.idle_minutes.filter(|_| c.active()),
                        apps_running: m.apps_running,
                        apps_pending: m.apps_pending,
                        container_pending_ratio: m.container_pending_ratio,
                        yarn_memory_available_pct: m.yarn_memory_available_pct,
                        hdfs_utilization_pct: m.hdfs_utilization_pct,
                    },
                    metrics_week_ago: m.week_ago.map(|w| MetricsOut {
                        is_idle: None,
                        idle_minutes: None,
                        apps_running: w.apps_running,
                        apps_pending: w.apps_pending,
                        container_pending_ratio: None,
                        yarn_memory_available_pct: None,
                        hdfs_utilization_pct: None,
                    }),
                    anomaly_band: m.band.map(|b| MetricsOut {
                        is_idle: None,
                        idle_minutes: None,
                        apps_running: b.apps_running,
                        apps_pending: b.apps_pending,
                        container_pending_ratio: None,
                        yarn_memory_available_pct: None,
                        hdfs_utilization_pct: None,
                    }),
                    cost: super::cost::estimate(c, prices).out(),
                    idle_usd: super::cost::idle_burn(c, prices).map(round6),
                }
            })
            .collect(),
    }
}
