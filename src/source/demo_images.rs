//! The demo account's container images: one repository per demo ECS
//! service, the version each runs at a given time, and its digest. ECR's
//! demo lists these images and ECS's demo starts its tasks from them, so the
//! two rooms join as they do on a real account without knowing each other.

use chrono::{DateTime, Utc};

use super::demo::ACCOUNT_ID;
use crate::hash::{hash, hex, str_id};

/// Repositories named after the demo's ECS services.
pub const SERVICES: &[&str] = &[
    "api",
    "frontend",
    "worker",
    "checkout",
    "ingest",
    "scheduler",
    "metrics-agent",
    "reporting",
    "legacy-api",
    "queue-consumer",
    "cron-runner",
    "search",
];
/// What the scaled-up demo's fleets of services run.
pub const FLEET: &str = "fleet-app";
/// `api` deploys a new version every 20 minutes.
pub const API_EVERY: i64 = 1200;

/// The repository a demo ECS service's image comes from.
pub fn repo_for(service: &str) -> &str {
    SERVICES
        .iter()
        .find(|s| **s == service)
        .copied()
        .unwrap_or(FLEET)
}

/// The version of `repo` a task started at `at` runs.
pub fn running_version(seed: u64, repo: &str, at: DateTime<Utc>) -> u64 {
    let base = 10 + hash(&[seed, str_id(repo)]) % 40;
    if repo == "api" {
        base + (at.timestamp().div_euclid(API_EVERY) as u64 % 900)
    } else {
        base
    }
}

pub fn demo_digest(seed: u64, repo: &str, version: u64) -> String {
    format!("sha256:{}", hex(&[seed, str_id(repo), version], 64))
}

pub fn demo_image(region: &str, repo: &str, version: u64) -> String {
    format!("{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{repo}:v{version}")
}
