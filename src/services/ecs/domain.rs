//! ECS clusters, services, tasks and container instances (no container environment).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EcsData {
    pub clusters: Vec<Cluster>,
}

impl EcsData {
    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.clusters.iter().find(|c| c.name == name)
    }
    pub fn service(&self, cluster: &str, name: &str) -> Option<&Service> {
        self.cluster(cluster)?.services.iter().find(|s| s.name == name)
    }
    pub fn task(&self, cluster: &str, id: &str) -> Option<&Task> {
        self.cluster(cluster)?.tasks.iter().find(|t| t.id == id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    pub name: String,
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
    pub cpu_pct: Option<f64>,
    pub memory_pct: Option<f64>,
    /// CPU and memory are on their way: the dashboard's first read sends
    /// the services before CloudWatch answers. Never recorded.
    #[serde(skip)]
    pub metrics_pending: bool,
    /// Newest first; ECS service events explain placement failures and steady state.
    pub events: Vec<ServiceEvent>,
    /// Tasks of this service that stopped in the last hour (crash loops show here).
    pub recently_stopped: u32,
    /// The image its running tasks carry, and that image's scan findings:
    /// joined in the dashboard (from the tasks and ECR), never sent by a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<RunningImage>,
    /// Its running tasks' sizes, for the cost estimate: joined, never sent.
    #[serde(skip)]
    pub usage: Option<super::cost::Usage>,
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
    /// What an operator reads first: is it at desired count, rolling, or broken?
    /// A service whose tasks keep crashing is failing even in the moment a
    /// replacement runs: health counts the recent crashes, not only the
    /// running count now, so it does not flicker between ok and failing.
    pub fn health(&self) -> Health {
        if self.recently_stopped >= CRASHES_FAILING {
            Health::Failing
        } else if self.running < self.desired || self.recently_stopped > 0 {
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceEvent {
    pub at: DateTime<Utc>,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub service: Option<String>,
    pub task_definition: String,
    pub last_status: String,
    pub desired_status: String,
    pub launch_type: String,
    pub capacity_provider: Option<String>,
    pub cpu: Option<String>,
    pub memory: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub stop_code: Option<String>,
    pub stopped_reason: Option<String>,
    pub health: Option<String>,
    pub containers: Vec<Container>,
    /// `x86_64` or `arm64`, from the task's `ecs.cpu-architecture`
    /// attribute; older recordings have none.
    #[serde(default)]
    pub architecture: Option<String>,
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
    pub name: String,
    pub last_status: String,
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
