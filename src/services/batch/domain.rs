//! AWS Batch compute environments, queues and job summaries (no container environment).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The seven job states, in lifecycle order; snapshots always list all of them.
pub const JOB_STATUSES: [&str; 7] = [
    "SUBMITTED",
    "PENDING",
    "RUNNABLE",
    "STARTING",
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchData {
    pub compute_environments: Vec<ComputeEnvironment>,
    pub queues: Vec<JobQueue>,
    /// The newest active revision of each job definition the queues' jobs
    /// name (empty when not read: a recording made before it was).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub definitions: Vec<JobDefinition>,
}

impl BatchData {
    /// The queue `name` of `at`'s account and region.
    pub fn queue(&self, at: &crate::scope::Scope, name: &str) -> Option<&JobQueue> {
        use crate::scope::Scoped;
        self.queues.iter().find(|q| q.name == name && q.in_scope(at))
    }
    pub fn job(&self, at: &crate::scope::Scope, queue: &str, id: &str) -> Option<&Job> {
        self.queue(at, queue)?.jobs.iter().find(|j| j.id == id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComputeEnvironment {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    #[serde(rename = "type")]
    pub ce_type: String,
    pub provisioning: String,
    pub state: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub min_vcpus: i32,
    pub desired_vcpus: i32,
    pub max_vcpus: i32,
    /// What an EC2 environment may launch: instance types (`m5.xlarge`),
    /// families (`m5`) or `optimal`. Empty for Fargate, and when not read
    /// (a recording made before it was).
    #[serde(default)]
    pub instance_types: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobQueue {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    pub state: String,
    pub status: String,
    pub priority: i32,
    pub compute_environments: Vec<String>,
    pub jobs: Vec<Job>,
    /// Finished statuses with more jobs than the one page read of them
    /// (`TERMINAL_PAGE`): their counts are floors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more: Vec<String>,
}

impl JobQueue {
    pub fn count(&self, status: &str) -> usize {
        self.jobs.iter().filter(|j| j.status == status).count()
    }

    /// The count of a status as text: "1,000+" where only a page was read.
    pub fn count_text(&self, status: &str) -> String {
        let n = crate::fmt::count(self.count(status) as f64);
        if self.more.iter().any(|s| s == status) {
            format!("{n}+")
        } else {
            n
        }
    }
    pub fn stuck(&self, now: DateTime<Utc>) -> usize {
        self.jobs.iter().filter(|j| j.is_stuck(now)).count()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: String,
    pub name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub job_definition: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub exit_code: Option<i32>,
    pub attempts: u32,
}

/// A job definition by its newest ACTIVE revision: nothing else of it is
/// kept (its container properties can hold secrets).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobDefinition {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    pub revision: i32,
}

/// A job's definition as its name and revision (`nightly-orders:7`).
pub fn definition_revision(d: &str) -> Option<(&str, i32)> {
    let (name, rev) = d.rsplit_once(':')?;
    Some((name, rev.parse().ok()?))
}

/// How long a job may wait for capacity before an operator should look at it.
pub const STUCK_AFTER_MINUTES: i64 = 15;

impl Job {
    pub fn is_stuck(&self, now: DateTime<Utc>) -> bool {
        self.status == "RUNNABLE"
            && self
                .created_at
                .is_some_and(|c| (now - c).num_minutes() >= STUCK_AFTER_MINUTES)
    }
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.as_str(), "SUCCEEDED" | "FAILED")
    }
}

crate::scoped!(ComputeEnvironment, JobQueue, JobDefinition);
