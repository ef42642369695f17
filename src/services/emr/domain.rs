//! Amazon EMR clusters: state, release, instance groups or fleets by role and
//! market, recent steps, and the YARN metrics that say whether a cluster is
//! working or burning money idle.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::series::Series;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmrData {
    pub clusters: Vec<EmrCluster>,
}

impl EmrData {
    /// The cluster `id` of `at`'s account and region.
    pub fn cluster(&self, at: &crate::scope::Scope, id: &str) -> Option<&EmrCluster> {
        use crate::scope::Scoped;
        self.clusters.iter().find(|c| c.id == id && c.in_scope(at))
    }
}

/// States in which a cluster runs (and bills); the rest have ended.
pub const ACTIVE_STATES: [&str; 4] = ["STARTING", "BOOTSTRAPPING", "RUNNING", "WAITING"];

/// Idle longer than this is money on fire: highlighted, and on the Overview.
pub const IDLE_ALERT_MINUTES: u32 = 30;

/// Steps kept per cluster, newest first.
pub const STEPS_KEPT: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmrCluster {
    pub id: String,
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    pub state: String,
    /// Why it is in that state (TERMINATED: "Terminated by user request").
    pub state_reason: Option<String>,
    pub release_label: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub normalized_instance_hours: Option<i32>,
    /// INSTANCE_GROUP or INSTANCE_FLEET.
    pub collection: Option<String>,
    /// `None`: not read (ended clusters, or the call failed).
    pub groups: Option<Vec<InstanceGroup>>,
    pub steps: Option<Vec<Step>>,
    pub metrics: EmrMetrics,
}

/// One instance group, or one market of an instance fleet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceGroup {
    /// MASTER, CORE or TASK.
    pub role: String,
    /// ON_DEMAND or SPOT.
    pub market: String,
    pub instance_type: String,
    pub requested: i32,
    pub running: i32,
    /// The group's (or fleet's) state: `RESIZING` while it moves to
    /// `requested`. `None`: not read (a recording made before it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub name: String,
    pub state: String,
    /// When it was submitted. `None`: not read (a recording made before it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub failure_reason: Option<String>,
}

/// `None`: not published, or not read; never 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmrMetrics {
    pub is_idle: Option<bool>,
    /// How long the cluster has been idle without a break, from IsIdle's
    /// five-minute points over the last day.
    pub idle_minutes: Option<u32>,
    pub apps_running: Option<f64>,
    pub apps_pending: Option<f64>,
    pub container_pending_ratio: Option<f64>,
    pub yarn_memory_available_pct: Option<f64>,
    pub hdfs_utilization_pct: Option<f64>,
    pub series: Option<EmrSeries>,
    /// On its way: the dashboard's first read sends the rows before
    /// CloudWatch answers. Never recorded.
    #[serde(skip)]
    pub pending: bool,
    /// The same window seven days earlier (`baseline`); `None`: not read
    /// (never zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_ago: Option<EmrWeekAgo>,
    /// The upper edges of the anomaly bands the account's own detectors
    /// draw for applications running and pending, at the five minutes the
    /// figures are of; `None`: no detector, or not read (never zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<EmrBand>,
}

/// Applications running and pending seven days earlier, read as now: the
/// newest five-minute point of the window. `None`: nothing published then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct EmrWeekAgo {
    pub apps_running: Option<f64>,
    pub apps_pending: Option<f64>,
}

/// The same two figures as the upper edges of their anomaly bands
/// (`ANOMALY_DETECTION_BAND`, two standard deviations); `None`: no detector.
pub type EmrBand = EmrWeekAgo;

/// A minute a slot over the window, each five-minute point (EMR's own
/// resolution) across the minutes it covers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EmrSeries {
    /// The first minute's start: where a change is marked on the graphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    pub apps_running: Series,
    pub apps_pending: Series,
    pub yarn_memory_available_pct: Series,
    pub idle: Series,
}

impl EmrCluster {
    pub fn active(&self) -> bool {
        ACTIVE_STATES.contains(&self.state.as_str())
    }

    /// Idle for longer than the alert threshold.
    pub fn idle_alert(&self) -> bool {
        self.active() && self.metrics.idle_minutes.is_some_and(|m| m > IDLE_ALERT_MINUTES)
    }

    pub fn failed_steps(&self) -> usize {
        self.steps.iter().flatten().filter(|s| s.state == "FAILED").count()
    }

    /// (running, requested) instances over every group.
    pub fn nodes(&self) -> Option<(i32, i32)> {
        let g = self.groups.as_ref()?;
        Some(g.iter().fold((0, 0), |(r, q), x| (r + x.running, q + x.requested)))
    }

    pub fn spot(&self) -> bool {
        self.groups.iter().flatten().any(|g| g.market == "SPOT")
    }

    /// Something an operator must look at.
    pub fn problem(&self) -> Option<String> {
        if self.idle_alert() {
            let m = self.metrics.idle_minutes.unwrap_or(0);
            return Some(format!("{} idle {}", self.state, crate::fmt::age(chrono::Duration::minutes(m as i64))));
        }
        if self.state == "TERMINATED_WITH_ERRORS" {
            return Some(format!("!{}", self.state_reason.as_deref().unwrap_or("terminated with errors")));
        }
        match self.failed_steps() {
            0 => None,
            n => Some(format!("{n} failed step{}", if n == 1 { "" } else { "s" })),
        }
    }
}

impl Step {
    pub fn duration(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        Some(self.ended_at.unwrap_or(now) - self.started_at?)
    }
}

crate::scoped!(EmrCluster);
