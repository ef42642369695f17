//! The public JSON contract of `--once` (schema `awstop.snapshot/1`).
//! Field names here are an API: change them only with a new schema version.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::app::model::{Model, SourceLabel};
use crate::domain::batch::JobQueue;
use crate::domain::ecs::Cluster;
use crate::domain::lambda::Function;
use crate::domain::ApiError;

pub const SCHEMA: &str = "awstop.snapshot/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema: String,
    pub taken_at: DateTime<Utc>,
    pub source: String,
    pub window_minutes: u32,
    pub account: AccountOut,
    pub lambda: LambdaOut,
    pub ecs: EcsOut,
    pub batch: BatchOut,
    pub errors: Vec<ApiError>,
    pub api: ApiOut,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountOut {
    pub id: Option<String>,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LambdaOut {
    pub functions: Vec<FunctionOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunctionOut {
    pub name: String,
    pub region: String,
    pub runtime: Option<String>,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub architecture: String,
    pub package_type: String,
    pub last_modified: Option<DateTime<Utc>>,
    pub snap_start: bool,
    pub log_group: String,
    pub metrics: MetricsOut,
    pub cold_starts: Option<ColdOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsOut {
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub error_rate_pct: Option<f64>,
    pub duration_avg_ms: Option<f64>,
    pub duration_max_ms: Option<f64>,
    pub duration_p99_ms: Option<f64>,
    pub concurrent_max: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColdOut {
    pub count: u64,
    pub rate_pct: Option<f64>,
    pub init_p50_ms: Option<f64>,
    pub init_max_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsOut {
    pub clusters: Vec<ClusterOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterOut {
    pub name: String,
    pub region: String,
    pub status: String,
    pub services: Vec<ServiceOut>,
    pub tasks: Vec<TaskOut>,
    pub container_instances: Vec<InstanceOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceOut {
    pub name: String,
    pub launch_type: String,
    pub desired: u32,
    pub running: u32,
    pub pending: u32,
    pub rollout_state: Option<String>,
    pub cpu_pct: Option<f64>,
    pub memory_pct: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskOut {
    pub id: String,
    pub service: Option<String>,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceOut {
    pub id: String,
    pub status: String,
    pub agent_connected: bool,
    pub running_tasks: u32,
    pub cpu_remaining: i64,
    pub memory_remaining_mb: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchOut {
    pub compute_environments: Vec<crate::domain::batch::ComputeEnvironment>,
    pub queues: Vec<QueueOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueOut {
    pub name: String,
    pub region: String,
    pub state: String,
    pub status: String,
    pub priority: i32,
    pub compute_environments: Vec<String>,
    pub jobs_by_status: JobsByStatus,
    pub jobs: Vec<JobOut>,
}

/// A struct rather than a map so all seven keys always exist, in lifecycle order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub struct JobsByStatus {
    pub submitted: usize,
    pub pending: usize,
    pub runnable: usize,
    pub starting: usize,
    pub running: usize,
    pub succeeded: usize,
    pub failed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOut {
    pub id: String,
    pub name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub exit_code: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiOut {
    pub calls: BTreeMap<String, u64>,
    pub cloudwatch_metrics_requested: u64,
    pub logs_insights_bytes_scanned: u64,
}

fn function(f: &Function) -> FunctionOut {
    let s = &f.stats;
    FunctionOut {
        name: f.name.clone(),
        region: f.region.clone(),
        runtime: f.runtime.clone(),
        memory_mb: f.memory_mb,
        timeout_s: f.timeout_s,
        architecture: f.architecture.clone(),
        package_type: f.package_type.clone(),
        last_modified: f.last_modified,
        snap_start: f.snap_start,
        log_group: f.log_group.clone(),
        metrics: MetricsOut {
            invocations: s.invocations,
            errors: s.errors,
            throttles: s.throttles,
            error_rate_pct: s.error_rate_pct().map(round3),
            duration_avg_ms: s.duration_avg_ms,
            duration_max_ms: s.duration_max_ms,
            duration_p99_ms: s.duration_p99_ms,
            concurrent_max: s.concurrent_max,
        },
        cold_starts: s.cold.as_ref().map(|c| ColdOut {
            count: c.count,
            rate_pct: c.rate_pct().map(round3),
            init_p50_ms: c.init_p50_ms,
            init_max_ms: c.init_max_ms,
        }),
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn cluster(c: &Cluster) -> ClusterOut {
    ClusterOut {
        name: c.name.clone(),
        region: c.region.clone(),
        status: c.status.clone(),
        services: c
            .services
            .iter()
            .map(|s| ServiceOut {
                name: s.name.clone(),
                launch_type: s.launch_type.clone(),
                desired: s.desired,
                running: s.running,
                pending: s.pending,
                rollout_state: s.rollout_state.clone(),
                cpu_pct: s.cpu_pct,
                memory_pct: s.memory_pct,
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
            })
            .collect(),
    }
}

fn queue(q: &JobQueue) -> QueueOut {
    QueueOut {
        name: q.name.clone(),
        region: q.region.clone(),
        state: q.state.clone(),
        status: q.status.clone(),
        priority: q.priority,
        compute_environments: q.compute_environments.clone(),
        jobs_by_status: JobsByStatus {
            submitted: q.count("SUBMITTED"),
            pending: q.count("PENDING"),
            runnable: q.count("RUNNABLE"),
            starting: q.count("STARTING"),
            running: q.count("RUNNING"),
            succeeded: q.count("SUCCEEDED"),
            failed: q.count("FAILED"),
        },
        jobs: q
            .jobs
            .iter()
            .map(|j| JobOut {
                id: j.id.clone(),
                name: j.name.clone(),
                status: j.status.clone(),
                status_reason: j.status_reason.clone(),
                created_at: j.created_at,
                started_at: j.started_at,
                stopped_at: j.stopped_at,
                exit_code: j.exit_code,
            })
            .collect(),
    }
}

pub fn from_model(m: &Model, window_minutes: u32) -> Snapshot {
    let feeds = [&m.lambda.regions, &m.ecs.regions, &m.batch.regions];
    let errors = m
        .account_error
        .iter()
        .chain(
            feeds
                .iter()
                .flat_map(|r| r.values().filter_map(|s| s.error.as_ref())),
        )
        .cloned()
        .collect();
    Snapshot {
        schema: SCHEMA.into(),
        taken_at: m.now,
        source: match m.source {
            SourceLabel::Demo => "demo",
            SourceLabel::Live => "aws",
            SourceLabel::Replay => "replay",
        }
        .into(),
        window_minutes,
        account: AccountOut {
            id: m.account.id.clone(),
            caller_arn: m.account.caller_arn.clone(),
            profile: m.account.profile.clone(),
            regions: m.account.regions.clone(),
        },
        lambda: LambdaOut {
            functions: m.lambda.data.functions.iter().map(function).collect(),
        },
        ecs: EcsOut {
            clusters: m.ecs.data.clusters.iter().map(cluster).collect(),
        },
        batch: BatchOut {
            compute_environments: m.batch.data.compute_environments.clone(),
            queues: m.batch.data.queues.iter().map(queue).collect(),
        },
        errors,
        api: ApiOut {
            calls: m.api_calls.clone(),
            cloudwatch_metrics_requested: m.metrics_requested,
            logs_insights_bytes_scanned: m.logs_bytes_scanned,
        },
    }
}
