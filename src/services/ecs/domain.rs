//! ECS clusters, services, tasks and container instances (no container environment).

use compact_str::CompactString;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EcsData {
    pub clusters: Vec<Cluster>,
}

impl EcsData {
    /// The cluster `name` of `at`'s account and region.
    pub fn cluster(&self, at: &crate::scope::Scope, name: &str) -> Option<&Cluster> {
        use crate::scope::Scoped;
        self.clusters.iter().find(|c| c.name == name && c.in_scope(at))
    }
    pub fn service(&self, at: &crate::scope::Scope, cluster: &str, name: &str) -> Option<&Service> {
        self.cluster(at, cluster)?.services.iter().find(|s| s.name == name)
    }
    pub fn task(&self, at: &crate::scope::Scope, cluster: &str, id: &str) -> Option<&Task> {
        self.cluster(at, cluster)?.tasks.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    pub status: String,
    pub capacity_providers: Vec<String>,
    pub services: Vec<Service>,
    pub tasks: Vec<Task>,
    pub container_instances: Vec<ContainerInstance>,
}

impl Cluster {
    pub fn running_tasks(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| t.last_status == "RUNNING")
            .count()
    }
    pub fn pending_tasks(&self) -> usize {
        self.tasks.iter().filter(|t| t.is_starting()).count()
    }
    /// Sets each service's `tasks_say` where its task list disagrees with
    /// the counts ECS keeps for it. The task list is read whole (every
    /// RUNNING and STOPPED task of the cluster), so where the two disagree
    /// the tasks are the newer word: ECS updates the counts asynchronously.
    pub fn count_tasks(&mut self) {
        for s in &mut self.services {
            let mine = self.tasks.iter().filter(|t| t.service.as_deref() == Some(s.name.as_str()));
            let (running, pending) = mine.fold((0u32, 0u32), |(r, p), t| {
                (r + u32::from(t.last_status == "RUNNING"), p + u32::from(t.is_starting()))
            });
            s.tasks_say = ((running, pending) != (s.running, s.pending)).then_some(TaskCounts { running, pending });
        }
    }

    pub fn unhealthy_services(&self) -> usize {
        self.services
            .iter()
            .filter(|s| s.health() != Health::Ok)
            .count()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    pub status: String,
    pub launch_type: String,
    pub capacity_provider: Option<String>,
    pub desired: u32,
    pub running: u32,
    pub pending: u32,
    pub rollout_state: Option<String>,
    pub deployments: u32,
    pub task_definition: String,
    /// When the PRIMARY deployment (the one rolling to `task_definition`)
    /// was created: a deploy's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployed_at: Option<DateTime<Utc>>,
    pub cpu_pct: Option<f64>,
    pub memory_pct: Option<f64>,
    /// CPU and memory are on their way: the dashboard's first read sends
    /// the services before CloudWatch answers. Never recorded.
    #[serde(skip)]
    pub metrics_pending: bool,
    /// CPU and memory over the same window seven days earlier
    /// (`baseline`); `None`: not read (never zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_ago: Option<ServiceWeekAgo>,
    /// The upper edges of the anomaly bands the account's own detectors
    /// draw for CPU and memory, at the minute `cpu_pct` and `memory_pct`
    /// are of; `None`: no detector, or not read (never zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<ServiceBand>,
    /// Newest first; ECS service events explain placement failures and steady state.
    pub events: Vec<ServiceEvent>,
    /// The events, among all the service's, that say a deployment completed,
    /// failed or rolled back (newest first, `ROLLOUT_EVENTS` at most): most
    /// of the few in `events` are task starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollout_events: Vec<ServiceEvent>,
    /// Tasks of this service that stopped in the last hour (crash loops show here).
    pub recently_stopped: u32,
    /// The image its running tasks carry, and that image's scan findings:
    /// joined in the dashboard (from the tasks and ECR), never sent by a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<RunningImage>,
    /// Its running tasks' sizes, for the cost estimate: joined, never sent.
    #[serde(skip)]
    pub usage: Option<super::cost::Usage>,
    /// What its tasks say where that differs from `running` and `pending`
    /// (the service's own counts, then stale): joined, never sent.
    #[serde(skip)]
    pub tasks_say: Option<TaskCounts>,
}

/// A service's utilisation seven days earlier, read as `cpu_pct` and
/// `memory_pct` are: the newest minute of the window. `None`: CloudWatch
/// had nothing then (no such service, or no tasks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceWeekAgo {
    pub cpu_pct: Option<f64>,
    pub memory_pct: Option<f64>,
}

/// The same two figures as the upper edges of their anomaly bands
/// (`ANOMALY_DETECTION_BAND`, two standard deviations); `None`: no detector.
pub type ServiceBand = ServiceWeekAgo;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskCounts {
    pub running: u32,
    pub pending: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunningImage {
    /// `repo-uri:tag` as the task definition names it.
    pub reference: String,
    pub digest: Option<String>,
    /// `None`: ECR has no scan summary for it (or it is not in ECR).
    pub findings: Option<crate::services::joins::Findings>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    Ok,
    Deploying,
    Degraded,
    Failing,
}

/// Crashed tasks within the stopped-task window that make a service failing.
pub const CRASHES_FAILING: u32 = 3;

impl Health {
    pub fn word(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Deploying => "deploying",
            Health::Degraded => "degraded",
            Health::Failing => "failing",
        }
    }
}

impl Service {
    /// Running tasks: what the task list says, which wins over the
    /// service's own count when they disagree.
    pub fn running_now(&self) -> u32 {
        self.tasks_say.map_or(self.running, |c| c.running)
    }

    pub fn pending_now(&self) -> u32 {
        self.tasks_say.map_or(self.pending, |c| c.pending)
    }

    /// The service's own counts disagree with its tasks.
    pub fn counts_stale(&self) -> bool {
        self.tasks_say.is_some()
    }

    /// What an operator reads first: is it at desired count, rolling, or broken?
    /// A service whose tasks keep crashing is failing even in the moment a
    /// replacement runs: health counts the recent crashes, not only the
    /// running count now, so it does not flicker between ok and failing.
    pub fn health(&self) -> Health {
        if self.recently_stopped >= CRASHES_FAILING {
            Health::Failing
        } else if self.running_now() < self.desired || self.recently_stopped > 0 {
            if self.deployments > 1 {
                Health::Deploying
            } else {
                Health::Degraded
            }
        } else if self.deployments > 1 || self.rollout_state.as_deref() == Some("IN_PROGRESS") {
            Health::Deploying
        } else {
            Health::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_services_tasks_win_over_its_stale_counts() {
        let task = |status: &str| Task {
            service: Some("api".into()),
            last_status: status.into(),
            ..Default::default()
        };
        let mut c = Cluster {
            services: vec![Service {
                name: "api".into(),
                desired: 2,
                running: 0,
                pending: 3,
                ..Default::default()
            }],
            tasks: vec![task("RUNNING"), task("RUNNING"), task("STOPPED")],
            ..Default::default()
        };
        c.count_tasks();
        let s = &c.services[0];
        assert_eq!((s.running_now(), s.pending_now()), (2, 0));
        assert!(s.counts_stale());
        assert_eq!(s.health(), Health::Ok);
        // Joined again (another room loaded): the same answer.
        c.count_tasks();
        assert_eq!(c.services[0].tasks_say, Some(TaskCounts { running: 2, pending: 0 }));
        // Counts that agree are not stale.
        c.services[0].running = 2;
        c.services[0].pending = 0;
        c.count_tasks();
        assert!(!c.services[0].counts_stale());
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceEvent {
    pub at: DateTime<Utc>,
    pub message: String,
}

/// Rollout events kept per service.
pub const ROLLOUT_EVENTS: usize = 5;

/// What a service event says of a rollout, in the words of a change's
/// `action`: ECS writes "(service s) (deployment ecs-svc/…) deployment
/// completed.", "… deployment failed: tasks failed to start." and
/// "(service s) rolling back to deployment ecs-svc/…".
pub fn rollout_action(message: &str) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    if m.contains("rolling back") {
        Some("Rollback")
    } else if m.contains("deployment failed") {
        Some("RolloutFailed")
    } else if m.contains("deployment completed") {
        Some("RolloutCompleted")
    } else {
        None
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub service: Option<CompactString>,
    pub task_definition: CompactString,
    pub last_status: CompactString,
    pub desired_status: CompactString,
    pub launch_type: CompactString,
    pub capacity_provider: Option<CompactString>,
    pub cpu: Option<CompactString>,
    pub memory: Option<CompactString>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub stop_code: Option<CompactString>,
    pub stopped_reason: Option<String>,
    pub health: Option<CompactString>,
    pub containers: Vec<Container>,
    /// `x86_64` or `arm64`, from the task's `ecs.cpu-architecture`
    /// attribute; older recordings have none.
    #[serde(default)]
    pub architecture: Option<CompactString>,
}

impl Task {
    pub fn is_starting(&self) -> bool {
        matches!(
            self.last_status.as_str(),
            "PROVISIONING" | "PENDING" | "ACTIVATING"
        )
    }
    pub fn is_stopped(&self) -> bool {
        matches!(
            self.last_status.as_str(),
            "DEACTIVATING" | "STOPPING" | "DEPROVISIONING" | "STOPPED"
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Container {
    pub name: CompactString,
    pub last_status: CompactString,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    /// The image reference the task was started with (`repo-uri:tag`).
    #[serde(default)]
    pub image: Option<String>,
    /// What that reference resolved to (`sha256:…`), when the task says.
    #[serde(default)]
    pub image_digest: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerInstance {
    pub id: String,
    pub ec2_instance_id: Option<String>,
    pub status: String,
    pub agent_connected: bool,
    pub running_tasks: u32,
    pub pending_tasks: u32,
    pub cpu_remaining: i64,
    pub memory_remaining_mb: i64,
    /// CPU units the instance registered: what a service's share is of.
    #[serde(default)]
    pub cpu_registered: Option<i64>,
}

crate::scoped!(Cluster);
