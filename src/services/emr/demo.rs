//! The demo's EMR account: `spark-nightly` left WAITING and idle for two
//! hours after its job (Spot core nodes, money burning for nothing),
//! `etl-hourly` RUNNING with a step that failed on YARN memory and a Spot
//! task group short of its target, and a cluster a user terminated this
//! morning.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::domain::{EmrCluster, EmrData, EmrMetrics, EmrSeries, EmrWeekAgo, InstanceGroup, Step};
use super::metrics::PERIOD_S;
use super::Emr;
use crate::hash::{hex, str_id, unit};
use crate::services::room::{DemoCtx, RoomDemo};

impl RoomDemo for Emr {
    type Spec = Vec<ClusterSpec>;
    fn spec(cx: &DemoCtx) -> Vec<ClusterSpec> {
        spec(cx.scale)
    }
    fn data(
        spec: &Vec<ClusterSpec>,
        cx: &DemoCtx,
        now: DateTime<Utc>,
        _detail: Option<&std::collections::HashSet<String>>,
    ) -> EmrData {
        EmrData {
            clusters: spec.iter().map(|c| cluster_at(c, cx, now)).collect(),
        }
    }
}

/// (role, market, instance type, requested, running)
type GroupSpec = (&'static str, &'static str, &'static str, i32, i32);

pub struct ClusterSpec {
    name: String,
    release: &'static str,
    kind: Kind,
    age_hours: i64,
    groups: Vec<GroupSpec>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Finished its job two hours ago and was kept alive.
    IdleAfterJob,
    /// A step an hour, one of which failed.
    Hourly,
    /// Terminated by a user this morning.
    Ended,
}

/// Minutes the idle cluster has been idle at any moment of the demo.
pub const DEMO_IDLE_MINUTES: i64 = 125;

fn spec(scale: usize) -> Vec<ClusterSpec> {
    let mut out = vec![
        ClusterSpec {
            name: "spark-nightly".into(),
            release: "emr-7.1.0",
            kind: Kind::IdleAfterJob,
            age_hours: 10,
            groups: vec![("MASTER", "ON_DEMAND", "m5.xlarge", 1, 1), ("CORE", "SPOT", "m5.xlarge", 4, 4)],
        },
        ClusterSpec {
            name: "etl-hourly".into(),
            release: "emr-6.15.0",
            kind: Kind::Hourly,
            age_hours: 75,
            groups: vec![
                ("MASTER", "ON_DEMAND", "m5.2xlarge", 1, 1),
                ("CORE", "ON_DEMAND", "r5.xlarge", 3, 3),
                ("TASK", "SPOT", "m5.xlarge", 8, 6),
            ],
        },
        ClusterSpec {
            name: "adhoc-analysis".into(),
            release: "emr-7.1.0",
            kind: Kind::Ended,
            age_hours: 9,
            groups: vec![],
        },
    ];
    // Larger accounts: a team cluster per 500 functions.
    for i in 0..scale.saturating_sub(40) / 500 {
        out.push(ClusterSpec {
            name: format!("team-{i:02}-spark"),
            release: "emr-7.1.0",
            kind: Kind::Hourly,
            age_hours: 24 + i as i64,
            groups: vec![("MASTER", "ON_DEMAND", "m5.xlarge", 1, 1), ("CORE", "ON_DEMAND", "m5.xlarge", 2, 2)],
        });
    }
    out
}

fn at(t: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(t, 0).single()
}

fn cluster_at(s: &ClusterSpec, cx: &DemoCtx, now: DateTime<Utc>) -> EmrCluster {
    let id = str_id(&s.name);
    let created = cx.fixed(now) - Duration::hours(s.age_hours);
    let mut c = EmrCluster {
        id: format!("j-{}", hex(&[cx.seed, id, 1], 13).to_ascii_uppercase()),
        name: s.name.clone(),
        region: cx.region.clone(),
        state: match s.kind {
            Kind::IdleAfterJob => "WAITING",
            Kind::Hourly => "RUNNING",
            Kind::Ended => "TERMINATED",
        }
        .into(),
        release_label: Some(s.release.into()),
        created_at: at(created.timestamp() / 60 * 60),
        normalized_instance_hours: Some((s.age_hours * 8 * s.groups.iter().map(|g| g.4 as i64).sum::<i64>().max(4)) as i32),
        collection: Some("INSTANCE_GROUP".into()),
        ..Default::default()
    };
    if s.kind == Kind::Ended {
        c.ended_at = at((cx.fixed(now) - Duration::hours(5)).timestamp() / 60 * 60);
        c.state_reason = Some("Terminated by user request".into());
        return c;
    }
    c.groups = Some(
        s.groups
            .iter()
            .map(|(role, market, t, want, have)| InstanceGroup {
                role: role.to_string(),
                market: market.to_string(),
                instance_type: t.to_string(),
                requested: *want,
                running: *have,
                // Short of what it asked for: a resize under way (`:changes`).
                state: Some(if want > have { "RESIZING" } else { "RUNNING" }.into()),
            })
            .collect(),
    );
    c.steps = Some(steps(s, cx, id, now));
    c.metrics = metrics(s, cx, id, now);
    c
}

fn steps(s: &ClusterSpec, cx: &DemoCtx, id: u64, now: DateTime<Utc>) -> Vec<Step> {
    let step = |k: u64, name: &str, state: &str, start: i64, end: Option<i64>, why: Option<&str>| Step {
        id: format!("s-{}", hex(&[cx.seed, id, k], 13).to_ascii_uppercase()),
        name: name.into(),
        state: state.into(),
        // Submitted half a minute before it started: the running step's
        // submission is inside the window (`:changes`).
        created_at: at(start - 30),
        started_at: at(start),
        ended_at: end.and_then(at),
        failure_reason: why.map(str::to_string),
    };
    let t = now.timestamp() / 60 * 60;
    match s.kind {
        Kind::IdleAfterJob => {
            let done = cx.fixed(now).timestamp() / 60 * 60 - DEMO_IDLE_MINUTES * 60;
            vec![
                step(2, "spark-etl nightly", "COMPLETED", done - 42 * 60, Some(done), None),
                step(1, "Setup hadoop debugging", "COMPLETED", done - 50 * 60, Some(done - 48 * 60), None),
            ]
        }
        _ => {
            // A step at the top of every hour; the one before last ran out of memory.
            let hour = t / 3600 * 3600;
            (0..6)
                .map(|k| {
                    let start = hour - k * 3600;
                    match k {
                        0 => step(100 - k as u64, "hourly-aggregate", "RUNNING", start, None, None),
                        2 => step(100 - k as u64, "hourly-aggregate", "FAILED", start, Some(start + 23 * 60), Some(
                            "Container killed by YARN for exceeding memory limits. 10.4 GB of 10 GB physical memory used.",
                        )),
                        _ => step(100 - k as u64, "hourly-aggregate", "COMPLETED", start, Some(start + 31 * 60), None),
                    }
                })
                .collect()
        }
    }
}

fn metrics(s: &ClusterSpec, cx: &DemoCtx, id: u64, now: DateTime<Utc>) -> EmrMetrics {
    let n = (cx.window as i64 * 60 / PERIOD_S as i64).max(1);
    let end = now.timestamp() / PERIOD_S as i64 * PERIOD_S as i64;
    let idle_since = cx.fixed(now).timestamp() - DEMO_IDLE_MINUTES * 60;
    let (mut run, mut pend, mut yarn, mut idle) = (vec![], vec![], vec![], vec![]);
    for k in 0..n {
        let t = end - (n - 1 - k) * PERIOD_S as i64;
        let r = |c: u64| unit(&[cx.seed, id, t as u64, c]);
        let is_idle = s.kind == Kind::IdleAfterJob && t >= idle_since;
        let (a, p) = if is_idle { (0.0, 0.0) } else { ((2.0 + 4.0 * r(1)).round(), (3.0 * r(2)).floor()) };
        run.push(a as f32);
        pend.push(p as f32);
        yarn.push(if is_idle { 100.0 } else { (15.0 + 40.0 * r(3)) as f32 });
        idle.push(if is_idle { 1.0 } else { 0.0 });
    }
    let last = |v: &[f32]| v.last().map(|x| *x as f64);
    let idle_minutes = match s.kind {
        Kind::IdleAfterJob => (now.timestamp() - idle_since) / 60 / 5 * 5,
        _ => 0,
    };
    // Per minute, as the live source lays out its five-minute points.
    let end_at = Utc.timestamp_opt(end + PERIOD_S as i64, 0).single().unwrap_or(now);
    let per_minute = |v: &[f32]| {
        let points: Vec<(DateTime<Utc>, f64)> = v
            .iter()
            .enumerate()
            .filter_map(|(k, x)| Some((at(end - (n - 1 - k as i64) * PERIOD_S as i64)?, *x as f64)))
            .collect();
        super::metrics::slots(Some(&points), end_at, cx.window)
    };
    EmrMetrics {
        pending: false,
        is_idle: Some(idle_minutes > 0),
        idle_minutes: Some(idle_minutes as u32),
        apps_running: last(&run),
        apps_pending: last(&pend),
        container_pending_ratio: Some(if s.kind == Kind::IdleAfterJob { 0.0 } else { 0.12 }),
        yarn_memory_available_pct: last(&yarn),
        hdfs_utilization_pct: Some(if s.kind == Kind::IdleAfterJob { 4.2 } else { 37.5 }),
        series: Some(EmrSeries {
            start: Some(end_at - Duration::minutes(cx.window as i64)),
            apps_running: per_minute(&run),
            apps_pending: per_minute(&pend),
            yarn_memory_available_pct: per_minute(&yarn),
            idle: per_minute(&idle),
        }),
        week_ago: Some(week_ago(s, cx, id, end, idle_since)),
        // The demo account has no anomaly detectors.
        band: None,
    }
}

/// The newest period of the same window a week earlier, from the same seed:
/// the nightly job ends at the same hour every day, so an idle cluster was
/// idle then too; the others ran about as many applications.
fn week_ago(s: &ClusterSpec, cx: &DemoCtx, id: u64, end: i64, idle_since: i64) -> EmrWeekAgo {
    let t = end - crate::baseline::WEEK.num_seconds();
    let r = |c: u64| unit(&[cx.seed, id, t as u64, c]);
    if s.kind == Kind::IdleAfterJob && end >= idle_since {
        return EmrWeekAgo { apps_running: Some(0.0), apps_pending: Some(0.0) };
    }
    EmrWeekAgo { apps_running: Some((2.0 + 4.0 * r(1)).round()), apps_pending: Some((3.0 * r(2)).floor()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> DemoCtx {
        DemoCtx::for_tests(42, 40)
    }

    #[test]
    fn the_demo_has_an_idle_cluster_a_failed_step_spot_groups_and_an_ended_cluster() {
        let now: DateTime<Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
        let d = Emr::data(&Emr::spec(&cx()), &cx(), now, None);
        let idle = d.clusters.iter().find(|c| c.name == "spark-nightly").unwrap();
        assert!(idle.idle_alert() && idle.metrics.idle_minutes == Some(125), "{:?}", idle.metrics);
        assert!(idle.spot());
        let hourly = d.clusters.iter().find(|c| c.name == "etl-hourly").unwrap();
        assert_eq!(hourly.failed_steps(), 1);
        assert!(!hourly.idle_alert());
        assert_eq!(hourly.nodes(), Some((10, 12)));
        assert!(d.clusters.iter().any(|c| !c.active() && c.ended_at.is_some()));
    }
}
