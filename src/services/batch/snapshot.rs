//! The `batch` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{BatchData, ComputeEnvironment, JobQueue};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchOut {
    pub compute_environments: Vec<EnvironmentOut>,
    pub queues: Vec<QueueOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvironmentOut {
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    #[serde(flatten)]
    pub environment: ComputeEnvironment,
    /// Its desired vCPUs at their rate.
    pub cost: Option<crate::cost::CostOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub state: String,
    pub status: String,
    pub priority: i32,
    pub compute_environments: Vec<String>,
    pub jobs_by_status: JobsByStatus,
    /// Statuses whose count is a floor: only a page of their jobs was read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub jobs_by_status_at_least: Vec<String>,
    pub jobs: Vec<JobOut>,
}

/// A struct rather than a map so all seven keys always exist, in lifecycle order.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Serialize)]
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

fn queue(q: &JobQueue, book: &crate::scope::AccountBook) -> QueueOut {
    QueueOut {
        name: q.name.clone(),
        account: book.id(&q.account).map(str::to_string),
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
        jobs_by_status_at_least: q.more.clone(),
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

pub fn batch(d: &BatchData, prices: &crate::cost::PriceBook, book: &crate::scope::AccountBook) -> BatchOut {
    BatchOut {
        compute_environments: d
            .compute_environments
            .iter()
            .map(|c| EnvironmentOut {
                account: book.id(&c.account).map(str::to_string),
                environment: c.clone(),
                cost: super::cost::estimate(c, prices).out(),
            })
            .collect(),
        queues: d.queues.iter().map(|q| queue(q, book)).collect(),
    }
}
