//! AWS Batch: compute environments, job queues, and ListJobs per queue per
//! status. Job summaries already carry status, reason, times and exit code, so
//! DescribeJobs (which returns container environments) is never called here.

use aws_sdk_batch::types::JobStatus;
use aws_sdk_batch::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::domain::{definition_revision, BatchData, ComputeEnvironment, Job, JobDefinition, JobQueue, JOB_STATUSES};
use crate::aws::{arn_tail, AwsError};
use crate::services::live::Live;

pub const DESCRIBE_PAGE: i32 = 100;
pub const LIST_JOBS_PAGE: i32 = 1000;
/// Finished jobs read of each queue and status: one page of AWS's maximum.
pub const TERMINAL_PAGE: i32 = 1000;
const TERMINAL: [&str; 2] = ["SUCCEEDED", "FAILED"];

fn job(j: &aws_sdk_batch::types::JobSummary, status: &str) -> Job {
    Job {
        id: j.job_id().unwrap_or_default().to_string(),
        name: j.job_name().unwrap_or_default().to_string(),
        status: j
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| status.to_string()),
        status_reason: j.status_reason().map(str::to_string),
        job_definition: j.job_definition().map(|d| arn_tail(d).to_string()),
        created_at: ms(j.created_at()),
        started_at: ms(j.started_at()),
        stopped_at: ms(j.stopped_at()),
        exit_code: j.container().and_then(|c| c.exit_code()),
        attempts: 0,
    }
}

fn ms(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_millis_opt(t).single())
}

/// Everything of one region, or the operation that failed and why.
pub async fn fetch(client: &Client, region: &str, live: &Live) -> Result<BatchData, AwsError> {
    let mut data = BatchData::default();
    let mut pages = client
        .describe_compute_environments()
        .max_results(DESCRIBE_PAGE)
        .into_paginator()
        .send();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| live.error("DescribeComputeEnvironments", &e))?;
        for c in p.compute_environments() {
            let cr = c.compute_resources();
            data.compute_environments.push(ComputeEnvironment {
                name: c.compute_environment_name().unwrap_or_default().to_string(),
                account: Default::default(),
                region: region.to_string(),
                ce_type: c
                    .r#type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                provisioning: cr
                    .and_then(|r| r.r#type())
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_else(|| "-".into()),
                state: c
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                status: c
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                status_reason: c.status_reason().map(str::to_string),
                min_vcpus: cr.and_then(|r| r.minv_cpus()).unwrap_or(0),
                desired_vcpus: cr.and_then(|r| r.desiredv_cpus()).unwrap_or(0),
                max_vcpus: cr.and_then(|r| r.maxv_cpus()).unwrap_or(0),
                instance_types: cr.map(|r| r.instance_types().to_vec()).unwrap_or_default(),
            });
        }
    }
    let mut pages = client
        .describe_job_queues()
        .max_results(DESCRIBE_PAGE)
        .into_paginator()
        .send();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| live.error("DescribeJobQueues", &e))?;
        for q in p.job_queues() {
            let mut order: Vec<_> = q.compute_environment_order().iter().collect();
            order.sort_by_key(|o| o.order());
            data.queues.push(JobQueue {
                name: q.job_queue_name().unwrap_or_default().to_string(),
                account: Default::default(),
                region: region.to_string(),
                state: q
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                status: q
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                priority: q.priority().unwrap_or(0),
                compute_environments: order
                    .iter()
                    .map(|o| {
                        arn_tail(o.compute_environment().unwrap_or_default())
                            .to_string()
                    })
                    .collect(),
                jobs: Vec::new(),
                more: Vec::new(),
            });
        }
    }
    for q in &mut data.queues {
        // Without a status ListJobs returns only RUNNING jobs: ask for each one.
        // Live jobs are listed whole; finished ones only a page deep, since a
        // queue keeps days of them and their pages would grow with history.
        for status in JOB_STATUSES {
            let list = || {
                client
                    .list_jobs()
                    .job_queue(&q.name)
                    .job_status(JobStatus::from(status))
            };
            if TERMINAL.contains(&status) {
                let p = list()
                    .max_results(TERMINAL_PAGE)
                    .send()
                    .await
                    .map_err(|e| live.error("ListJobs", &e))?;
                q.jobs.extend(p.job_summary_list().iter().map(|j| job(j, status)));
                if p.next_token().is_some_and(|t| !t.is_empty()) {
                    q.more.push(status.to_string());
                }
                continue;
            }
            let mut pages = list().max_results(LIST_JOBS_PAGE).into_paginator().send();
            while let Some(p) = pages.next().await {
                let p = p.map_err(|e| live.error("ListJobs", &e))?;
                q.jobs.extend(p.job_summary_list().iter().map(|j| job(j, status)));
            }
        }
        q.jobs.sort_by_key(|j| std::cmp::Reverse(j.created_at));
    }
    Ok(data)
}

/// The newest ACTIVE revision of each job definition the queues' jobs name:
/// DescribeJobDefinitions by name, never the account's whole list.
pub async fn definitions(client: &Client, region: &str, live: &Live, data: &BatchData) -> Result<Vec<JobDefinition>, AwsError> {
    let names: std::collections::BTreeSet<&str> = data
        .queues
        .iter()
        .flat_map(|q| q.jobs.iter())
        .filter_map(|j| definition_revision(j.job_definition.as_deref()?))
        .map(|(name, _)| name)
        .collect();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let mut newest = None;
        let mut pages = client
            .describe_job_definitions()
            .job_definition_name(name)
            .status("ACTIVE")
            .max_results(DESCRIBE_PAGE)
            .into_paginator()
            .send();
        while let Some(p) = pages.next().await {
            let p = p.map_err(|e| live.error("DescribeJobDefinitions", &e))?;
            newest = p.job_definitions().iter().filter_map(|d| d.revision()).chain(newest).max();
        }
        if let Some(revision) = newest {
            out.push(JobDefinition { name: name.to_string(), account: Default::default(), region: region.to_string(), revision });
        }
    }
    Ok(out)
}
