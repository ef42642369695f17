//! Headless output: one snapshot as JSON (the contract) or as plain tables.

use std::fmt::Write;

use crate::export::{field, number};
use crate::fmt::{count, ms, opt, pct};
use crate::snapshot::Snapshot;

pub fn json(s: &Snapshot) -> String {
    let mut out =
        serde_json::to_string_pretty(s).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}

pub fn table(s: &Snapshot) -> String {
    let mut o = String::new();
    let acct = s.account.id.as_deref().unwrap_or("?");
    let _ = writeln!(
        o,
        "awstop {} snapshot of {acct} ({}) at {}, window {} min",
        s.source,
        s.account.regions.join(","),
        s.taken_at.to_rfc3339(),
        s.window_minutes
    );
    let _ = writeln!(o, "\nLAMBDA");
    let _ = writeln!(
        o,
        "{:<28} {:<16} {:>8} {:>6} {:>6} {:>5} {:>8} {:>8} {:>8} {:>5} {:>6}",
        "NAME",
        "RUNTIME",
        "INVOC",
        "ERR",
        "ERR%",
        "THR",
        "AVG ms",
        "P99 ms",
        "MAX ms",
        "COLD",
        "COLD%"
    );
    for f in &s.lambda.functions {
        let m = &f.metrics;
        let c = f.cold_starts.as_ref();
        let _ = writeln!(
            o,
            "{:<28} {:<16} {:>8} {:>6} {:>6} {:>5} {:>8} {:>8} {:>8} {:>5} {:>6}",
            f.name,
            f.runtime.as_deref().unwrap_or("image"),
            opt(m.invocations, count),
            opt(m.errors, count),
            opt(m.error_rate_pct, pct),
            opt(m.throttles, count),
            opt(m.duration_avg_ms, ms),
            opt(m.duration_p99_ms, ms),
            opt(m.duration_max_ms, ms),
            c.map(|c| c.count.to_string()).unwrap_or_else(|| "-".into()),
            opt(c.and_then(|c| c.rate_pct), pct),
        );
    }
    let _ = writeln!(o, "\nECS");
    let _ = writeln!(
        o,
        "{:<16} {:<18} {:<12} {:>7} {:>7} {:>7} {:<12}",
        "CLUSTER", "SERVICE", "LAUNCH", "DESIRED", "RUNNING", "PENDING", "ROLLOUT"
    );
    for c in &s.ecs.clusters {
        for v in &c.services {
            let _ = writeln!(
                o,
                "{:<16} {:<18} {:<12} {:>7} {:>7} {:>7} {:<12}",
                c.name,
                v.name,
                v.launch_type,
                v.desired,
                v.running,
                v.pending,
                v.rollout_state.as_deref().unwrap_or("-")
            );
        }
    }
    let _ = writeln!(o, "\nBATCH");
    let _ = writeln!(
        o,
        "{:<16} {:>6} {:>6} {:>8} {:>6} {:>7} {:>9} {:>6}",
        "QUEUE", "SUBMIT", "PEND", "RUNNABLE", "START", "RUNNING", "SUCCEEDED", "FAILED"
    );
    for q in &s.batch.queues {
        let j = &q.jobs_by_status;
        let _ = writeln!(
            o,
            "{:<16} {:>6} {:>6} {:>8} {:>6} {:>7} {:>9} {:>6}",
            q.name,
            j.submitted,
            j.pending,
            j.runnable,
            j.starting,
            j.running,
            j.succeeded,
            j.failed
        );
    }
    if !s.errors.is_empty() {
        let _ = writeln!(o, "\nERRORS");
        for e in &s.errors {
            let _ = writeln!(
                o,
                "{} {} {}: {}",
                e.service, e.region, e.operation, e.message
            );
        }
    }
    o
}

/// One CSV section per table, each after a `# name` line and separated by a
/// blank line; unknown values are empty cells, times RFC 3339.
pub fn csv(s: &Snapshot) -> String {
    fn n(v: Option<f64>) -> String {
        v.map(number).unwrap_or_default()
    }
    fn t(v: Option<chrono::DateTime<chrono::Utc>>) -> String {
        v.map(|t| t.to_rfc3339()).unwrap_or_default()
    }
    fn o(v: &Option<String>) -> String {
        v.as_deref().map(field).unwrap_or_default()
    }
    let mut out = String::new();
    let mut section = |name: &str, head: &str, rows: Vec<Vec<String>>| {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "# {name}\n{head}");
        for r in rows {
            let _ = writeln!(out, "{}", r.join(","));
        }
    };
    section(
        "lambda.functions",
        "region,name,runtime,memory_mb,timeout_s,invocations,errors,throttles,error_rate_pct,duration_avg_ms,duration_max_ms,duration_p99_ms,concurrent_max,cold_starts,cold_start_rate_pct",
        s.lambda.functions.iter().map(|f| {
            let m = &f.metrics;
            let c = f.cold_starts.as_ref();
            vec![field(&f.region), field(&f.name), o(&f.runtime), f.memory_mb.to_string(), f.timeout_s.to_string(), n(m.invocations), n(m.errors), n(m.throttles), n(m.error_rate_pct), n(m.duration_avg_ms), n(m.duration_max_ms), n(m.duration_p99_ms), n(m.concurrent_max), c.map(|c| c.count.to_string()).unwrap_or_default(), n(c.and_then(|c| c.rate_pct))]
        }).collect(),
    );
    section(
        "ecs.services",
        "region,cluster,service,launch_type,desired,running,pending,rollout_state,cpu_pct,memory_pct",
        s.ecs.clusters.iter().flat_map(|c| c.services.iter().map(move |v| {
            vec![field(&c.region), field(&c.name), field(&v.name), field(&v.launch_type), v.desired.to_string(), v.running.to_string(), v.pending.to_string(), o(&v.rollout_state), n(v.cpu_pct), n(v.memory_pct)]
        })).collect(),
    );
    section(
        "ecs.tasks",
        "region,cluster,id,service,last_status,desired_status,launch_type,started_at,stopped_at,stop_code,stopped_reason",
        s.ecs.clusters.iter().flat_map(|c| c.tasks.iter().map(move |k| {
            vec![field(&c.region), field(&c.name), field(&k.id), o(&k.service), field(&k.last_status), field(&k.desired_status), field(&k.launch_type), t(k.started_at), t(k.stopped_at), o(&k.stop_code), o(&k.stopped_reason)]
        })).collect(),
    );
    section(
        "batch.queues",
        "region,queue,state,status,priority,SUBMITTED,PENDING,RUNNABLE,STARTING,RUNNING,SUCCEEDED,FAILED",
        s.batch.queues.iter().map(|q| {
            let j = &q.jobs_by_status;
            let mut r = vec![field(&q.region), field(&q.name), field(&q.state), field(&q.status), q.priority.to_string()];
            r.extend([j.submitted, j.pending, j.runnable, j.starting, j.running, j.succeeded, j.failed].map(|v| v.to_string()));
            r
        }).collect(),
    );
    section(
        "batch.jobs",
        "region,queue,id,name,status,status_reason,created_at,started_at,stopped_at,exit_code",
        s.batch
            .queues
            .iter()
            .flat_map(|q| {
                q.jobs.iter().map(move |j| {
                    vec![
                        field(&q.region),
                        field(&q.name),
                        field(&j.id),
                        field(&j.name),
                        field(&j.status),
                        o(&j.status_reason),
                        t(j.created_at),
                        t(j.started_at),
                        t(j.stopped_at),
                        j.exit_code.map(|c| c.to_string()).unwrap_or_default(),
                    ]
                })
            })
            .collect(),
    );
    section(
        "errors",
        "service,region,operation,message",
        s.errors
            .iter()
            .map(|e| {
                vec![
                    field(&e.service),
                    field(&e.region),
                    field(&e.operation),
                    field(&e.message),
                ]
            })
            .collect(),
    );
    out
}
