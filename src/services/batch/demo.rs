//! The demo's AWS Batch account: two compute environments, three queues, and
//! jobs submitted on a schedule that walk SUBMITTED -> ... -> SUCCEEDED/FAILED.

use chrono::{DateTime, TimeZone, Utc};

use super::domain::{BatchData, ComputeEnvironment, Job, JobDefinition, JobQueue};
use super::Batch;
use crate::hash::{hash, str_id, unit, uuid};
use crate::services::room::{DemoCtx, RoomDemo};

impl RoomDemo for Batch {
    type Spec = ();
    fn spec(_cx: &DemoCtx) {}
    fn data(
        _spec: &(),
        cx: &DemoCtx,
        now: DateTime<Utc>,
        _detail: Option<&std::collections::HashSet<String>>,
    ) -> BatchData {
        batch_at(cx.seed, cx.scale, &cx.region, now)
    }
}

struct QueueSpec {
    name: &'static str,
    priority: i32,
    ce: &'static str,
    every_s: i64,
    job_names: [&'static str; 3],
    run_s: (i64, i64),
    fail_frac: f64,
}

const QUEUES: [QueueSpec; 3] = [
    QueueSpec {
        name: "etl",
        priority: 10,
        ce: "spot-ce",
        every_s: 120,
        job_names: ["nightly-orders", "clickstream-compact", "dedupe-users"],
        run_s: (120, 900),
        fail_frac: 0.08,
    },
    QueueSpec {
        name: "ml-training",
        priority: 5,
        ce: "spot-ce",
        every_s: 420,
        job_names: ["train-ranker", "eval-ranker", "embed-catalog"],
        run_s: (600, 1800),
        fail_frac: 0.15,
    },
    QueueSpec {
        name: "reports",
        priority: 1,
        ce: "fargate-ce",
        every_s: 180,
        job_names: ["daily-revenue", "tax-export", "inventory-csv"],
        run_s: (60, 400),
        fail_frac: 0.05,
    },
];

/// Jobs shown: everything submitted in the last hour, plus older jobs still not done.
const HISTORY_S: i64 = 3600;
const STUCK_REASON: &str = "MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.";

/// `etl`'s definition gets a new revision this many seconds into every hour
/// (the change `:changes` shows); the other queues' keep theirs.
const REVISION_AT_S: i64 = 15 * 60;

/// The revision of its queue's definition a job created at `created` runs.
fn revision(q: &QueueSpec, created: i64) -> i64 {
    match q.name {
        "etl" => 3 + (created - REVISION_AT_S).div_euclid(3600).rem_euclid(50),
        "ml-training" => 9,
        _ => 4,
    }
}

fn ts(s: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(s, 0).single()
}

fn job_at(q: &QueueSpec, seed: u64, n: i64, k: u64, created: i64, now: i64) -> Option<Job> {
    let r = |c: u64| unit(&[seed, str_id(q.name), n as u64, k, c]);
    let phases = [
        ("SUBMITTED", 5 + (r(1) * 15.0) as i64),
        ("PENDING", 5 + (r(2) * 25.0) as i64),
        ("RUNNABLE", 20 + (r(3) * 160.0) as i64),
        ("STARTING", 30 + (r(4) * 30.0) as i64),
        (
            "RUNNING",
            q.run_s.0 + (r(5) * (q.run_s.1 - q.run_s.0) as f64) as i64,
        ),
    ];
    let mut t = created;
    let mut job = Job {
        id: uuid(&[seed, str_id(q.name), n as u64, k]),
        name: format!(
            "{}-{}",
            q.job_names[(hash(&[n as u64, k]) % 3) as usize],
            n.rem_euclid(100_000)
        ),
        created_at: ts(created),
        job_definition: Some(format!("{}:{}", q.job_names[0], revision(q, created))),
        attempts: 1,
        ..Default::default()
    };
    for (status, len) in phases {
        if status == "RUNNING" {
            job.started_at = ts(t);
        }
        if now < t + len {
            job.status = status.into();
            if status == "RUNNABLE" && q.ce == "spot-ce" && now - t > 60 {
                job.status_reason = Some("Waiting for Spot capacity".into());
            }
            return Some(job);
        }
        t += len;
    }
    job.stopped_at = ts(t);
    if now - t > HISTORY_S {
        return None;
    }
    if r(6) < q.fail_frac {
        job.status = "FAILED".into();
        job.exit_code = Some(1);
        job.status_reason = Some("Essential container in task exited".into());
    } else {
        job.status = "SUCCEEDED".into();
        job.exit_code = Some(0);
    }
    Some(job)
}

fn batch_at(seed: u64, scale: usize, region: &str, now: DateTime<Utc>) -> BatchData {
    let now_s = now.timestamp();
    // About one job for every five functions at scale, never fewer than the base mix.
    let per_slot = (scale / 5 / 58).max(1) as u64;
    let queues = QUEUES
        .iter()
        .map(|q| {
            let mut jobs = Vec::new();
            let first = (now_s - HISTORY_S - q.run_s.1 - 600).div_euclid(q.every_s);
            for n in first..=now_s.div_euclid(q.every_s) {
                for k in 0..per_slot {
                    let created = n * q.every_s + (hash(&[seed, n as u64, k]) % 30) as i64;
                    if created <= now_s {
                        jobs.extend(job_at(q, seed, n, k, created, now_s));
                    }
                }
            }
            if q.name == "ml-training" {
                // A job asking for more than the compute environment can give: it
                // sits in RUNNABLE until someone looks.
                let created = now_s.div_euclid(7200) * 7200 - 20 * 60;
                jobs.push(Job {
                    id: uuid(&[seed, 4242, created as u64]),
                    name: "train-gpu-xl".into(),
                    status: "RUNNABLE".into(),
                    status_reason: Some(STUCK_REASON.into()),
                    job_definition: Some("train-gpu-xl:1".into()),
                    created_at: ts(created),
                    attempts: 0,
                    ..Default::default()
                });
            }
            jobs.sort_by_key(|j| std::cmp::Reverse(j.created_at));
            JobQueue {
                name: q.name.into(),
                account: Default::default(),
                region: region.into(),
                state: "ENABLED".into(),
                status: "VALID".into(),
                priority: q.priority,
                compute_environments: vec![q.ce.into()],
                jobs,
                more: Vec::new(),
            }
        })
        .collect::<Vec<_>>();
    let busy = |ce: &str| -> i32 {
        queues
            .iter()
            .filter(|q| q.compute_environments.iter().any(|c| c == ce))
            .map(|q| q.count("RUNNING") as i32 + q.count("STARTING") as i32)
            .sum()
    };
    let compute_environments = vec![
        ComputeEnvironment {
            name: "spot-ce".into(),
            account: Default::default(),
            region: region.into(),
            ce_type: "MANAGED".into(),
            provisioning: "SPOT".into(),
            state: "ENABLED".into(),
            status: "VALID".into(),
            status_reason: Some("ComputeEnvironment Healthy".into()),
            min_vcpus: 0,
            desired_vcpus: (busy("spot-ce") * 4).min(256),
            max_vcpus: 256,
            instance_types: vec!["m5.xlarge".into()],
        },
        ComputeEnvironment {
            name: "fargate-ce".into(),
            account: Default::default(),
            region: region.into(),
            ce_type: "MANAGED".into(),
            provisioning: "FARGATE".into(),
            state: "ENABLED".into(),
            status: "VALID".into(),
            status_reason: Some("ComputeEnvironment Healthy".into()),
            min_vcpus: 0,
            desired_vcpus: 0,
            max_vcpus: 64,
            instance_types: Vec::new(),
        },
    ];
    let mut definitions: Vec<JobDefinition> = QUEUES
        .iter()
        .map(|q| JobDefinition {
            name: q.job_names[0].into(),
            account: Default::default(),
            region: region.into(),
            revision: revision(q, now_s) as i32,
        })
        .collect();
    definitions.push(JobDefinition { name: "train-gpu-xl".into(), account: Default::default(), region: region.into(), revision: 1 });
    BatchData {
        compute_environments,
        queues,
        definitions,
    }
}
