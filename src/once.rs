//! Headless output: one snapshot as JSON (the contract) or as plain tables.

use std::fmt::Write;

use crate::fmt::{count, ms, opt, pct};
use crate::snapshot::Snapshot;

pub fn json(s: &Snapshot) -> String {
    let mut out = serde_json::to_string_pretty(s).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}

pub fn table(s: &Snapshot) -> String {
    let mut o = String::new();
    let acct = s.account.id.as_deref().unwrap_or("?");
    let _ = writeln!(o, "awstop {} snapshot of {acct} ({}) at {}, window {} min", s.source, s.account.regions.join(","), s.taken_at.to_rfc3339(), s.window_minutes);
    let _ = writeln!(o, "\nLAMBDA");
    let _ = writeln!(o, "{:<28} {:<16} {:>8} {:>6} {:>6} {:>5} {:>8} {:>8} {:>8} {:>5} {:>6}", "NAME", "RUNTIME", "INVOC", "ERR", "ERR%", "THR", "AVG ms", "P99 ms", "MAX ms", "COLD", "COLD%");
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
    let _ = writeln!(o, "{:<16} {:<18} {:<12} {:>7} {:>7} {:>7} {:<12}", "CLUSTER", "SERVICE", "LAUNCH", "DESIRED", "RUNNING", "PENDING", "ROLLOUT");
    for c in &s.ecs.clusters {
        for v in &c.services {
            let _ = writeln!(o, "{:<16} {:<18} {:<12} {:>7} {:>7} {:>7} {:<12}", c.name, v.name, v.launch_type, v.desired, v.running, v.pending, v.rollout_state.as_deref().unwrap_or("-"));
        }
    }
    let _ = writeln!(o, "\nBATCH");
    let _ = writeln!(o, "{:<16} {:>6} {:>6} {:>8} {:>6} {:>7} {:>9} {:>6}", "QUEUE", "SUBMIT", "PEND", "RUNNABLE", "START", "RUNNING", "SUCCEEDED", "FAILED");
    for q in &s.batch.queues {
        let j = &q.jobs_by_status;
        let _ = writeln!(o, "{:<16} {:>6} {:>6} {:>8} {:>6} {:>7} {:>9} {:>6}", q.name, j.submitted, j.pending, j.runnable, j.starting, j.running, j.succeeded, j.failed);
    }
    if !s.errors.is_empty() {
        let _ = writeln!(o, "\nERRORS");
        for e in &s.errors {
            let _ = writeln!(o, "{} {} {}: {}", e.service, e.region, e.operation, e.message);
        }
    }
    o
}
