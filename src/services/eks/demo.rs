//! The demo's EKS account: `prod` with a node group a version behind and a
//! DEGRADED GPU node group, `staging` on extended support (six times the
//! control-plane price), `data` with a Fargate profile and bursts of pending
//! pods. Container Insights is installed on `prod` only.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::domain::{Addon, ClusterMetrics, ClusterSeries, EksCluster, EksData, FargateProfile, Nodegroup, Update};
use super::Eks;
use crate::hash::{str_id, unit};
use crate::series::Series;
use crate::services::room::{DemoCtx, RoomDemo};

impl RoomDemo for Eks {
    type Spec = Vec<ClusterSpec>;
    fn spec(cx: &DemoCtx) -> Vec<ClusterSpec> {
        spec(cx.scale)
    }
    fn data(
        spec: &Vec<ClusterSpec>,
        cx: &DemoCtx,
        now: DateTime<Utc>,
        _detail: Option<&std::collections::HashSet<String>>,
    ) -> EksData {
        EksData {
            clusters: spec.iter().map(|c| cluster_at(c, cx, now)).collect(),
        }
    }
}

/// (name, version, capacity, instance types, min, desired, max, degraded)
type GroupSpec = (&'static str, &'static str, &'static str, &'static [&'static str], i32, i32, i32, bool);

pub struct ClusterSpec {
    name: String,
    version: &'static str,
    platform: &'static str,
    extended: bool,
    age_days: i64,
    /// API requests per minute at the daily peak.
    load: f64,
    insights: bool,
    groups: Vec<GroupSpec>,
    fargate: Vec<(&'static str, &'static [&'static str])>,
}

fn spec(scale: usize) -> Vec<ClusterSpec> {
    let mut out = vec![
        ClusterSpec {
            name: "prod".into(),
            version: "1.34",
            platform: "eks.9",
            extended: false,
            age_days: 540,
            load: 9000.0,
            insights: true,
            groups: vec![
                ("general", "1.34", "ON_DEMAND", &["m6i.large"], 3, 6, 12, false),
                ("spot-batch", "1.33", "SPOT", &["m5.xlarge", "m5a.xlarge", "m6i.xlarge"], 0, 4, 20, false),
                ("gpu", "1.34", "ON_DEMAND", &["g5.xlarge"], 0, 2, 4, true),
            ],
            fargate: vec![],
        },
        ClusterSpec {
            name: "staging".into(),
            version: "1.31",
            platform: "eks.31",
            extended: true,
            age_days: 820,
            load: 1200.0,
            insights: false,
            groups: vec![("general", "1.31", "SPOT", &["t3.large"], 1, 2, 4, false)],
            fargate: vec![],
        },
        ClusterSpec {
            name: "data".into(),
            version: "1.33",
            platform: "eks.14",
            extended: false,
            age_days: 210,
            load: 2500.0,
            insights: false,
            groups: vec![("workers", "1.33", "ON_DEMAND", &["r6i.2xlarge"], 2, 3, 10, false)],
            fargate: vec![("etl", &["etl", "airflow"])],
        },
    ];
    // Larger accounts: a team cluster per 500 functions.
    for i in 0..scale.saturating_sub(40) / 500 {
        out.push(ClusterSpec {
            name: format!("team-{i:02}"),
            version: "1.34",
            platform: "eks.9",
            extended: false,
            age_days: 30 + i as i64,
            load: 300.0,
            insights: false,
            groups: vec![("default", "1.34", "ON_DEMAND", &["m6i.large"], 1, 2, 3, false)],
            fargate: vec![],
        });
    }
    out
}

/// A daily curve: busiest in the afternoon UTC, a fifth of it at night.
fn daily(t: DateTime<Utc>) -> f64 {
    let h = (t.timestamp().rem_euclid(86_400)) as f64 / 3600.0;
    0.2 + 0.8 * (0.5 + 0.5 * ((h - 15.0) / 24.0 * std::f64::consts::TAU).cos())
}

fn cluster_at(s: &ClusterSpec, cx: &DemoCtx, now: DateTime<Utc>) -> EksCluster {
    let id = str_id(&s.name);
    let created = Utc
        .timestamp_opt((cx.fixed(now) - Duration::days(s.age_days)).timestamp() / 86_400 * 86_400, 0)
        .single();
    let mut c = EksCluster {
        name: s.name.clone(),
        account: Default::default(),
        region: cx.region.clone(),
        status: "ACTIVE".into(),
        version: Some(s.version.into()),
        platform_version: Some(s.platform.into()),
        support: Some(if s.extended { "EXTENDED" } else { "STANDARD" }.into()),
        endpoint_public: Some(true),
        endpoint_private: Some(s.name == "prod"),
        created_at: created,
        health_issues: vec![],
        nodegroups: s
            .groups
            .iter()
            .map(|(name, version, cap, types, min, desired, max, degraded)| Nodegroup {
                name: name.to_string(),
                status: if *degraded { "DEGRADED" } else { "ACTIVE" }.into(),
                version: Some(version.to_string()),
                release_version: Some(format!("{version}.2-20261105")),
                capacity_type: Some(cap.to_string()),
                instance_types: types.iter().map(|t| t.to_string()).collect(),
                min: Some(*min),
                desired: Some(*desired),
                max: Some(*max),
                health_issues: if *degraded {
                    vec!["AsgInstanceLaunchFailures: Could not launch On-Demand Instances. InsufficientInstanceCapacity - There is no g5.xlarge capacity in us-east-1c.".into()]
                } else {
                    vec![]
                },
                skew: None,
            })
            .collect(),
        fargate_profiles: s
            .fargate
            .iter()
            .map(|(name, ns)| FargateProfile {
                name: name.to_string(),
                status: "ACTIVE".into(),
                namespaces: ns.iter().map(|n| n.to_string()).collect(),
            })
            .collect(),
        addons: Some(
            [("vpc-cni", "v1.19.2-eksbuild.1"), ("coredns", "v1.11.4-eksbuild.2"), ("kube-proxy", "v1.34.0-eksbuild.1")]
                .iter()
                .map(|(n, v)| Addon {
                    name: n.to_string(),
                    version: Some(v.to_string()),
                    status: "ACTIVE".into(),
                    health_issues: vec![],
                })
                .collect(),
        ),
        metrics: metrics_at(s, cx, id, now),
        updates: planted_update(s, cx, now),
    };
    c.settle();
    c
}

/// `prod`'s `general` node group was scaled this many minutes before the
/// demo's start (`:changes`); nothing follows it.
const UPDATE_LEAD_MIN: i64 = 42;

fn planted_update(s: &ClusterSpec, cx: &DemoCtx, now: DateTime<Utc>) -> Vec<Update> {
    if s.name != "prod" {
        return Vec::new();
    }
    let at = (cx.fixed(now) - Duration::minutes(UPDATE_LEAD_MIN)).timestamp() / 60 * 60;
    vec![Update {
        id: crate::hash::uuid(&[cx.seed, str_id(&s.name), at as u64]),
        kind: "ConfigUpdate".into(),
        nodegroup: Some("general".into()),
        status: "Successful".into(),
        created_at: Utc.timestamp_opt(at, 0).single(),
    }]
}

fn metrics_at(s: &ClusterSpec, cx: &DemoCtx, id: u64, now: DateTime<Utc>) -> ClusterMetrics {
    let minutes = cx.window as usize;
    let end = now.timestamp() / 60;
    let mut req = Vec::with_capacity(minutes);
    let (mut e4, mut e5, mut thr, mut p99, mut pend) = (vec![], vec![], vec![], vec![], vec![]);
    for k in 0..minutes {
        let m = end - (minutes - 1 - k) as i64;
        let at = Utc.timestamp_opt(m * 60, 0).single().unwrap_or(now);
        let r = |c: u64| unit(&[cx.seed, id, m as u64, c]);
        let n = (s.load * daily(at) * (0.85 + 0.3 * r(1))).round();
        req.push(n as f32);
        e4.push((n * 0.004 * r(2)).round() as f32);
        // A burst of 5XX for a few minutes every half hour on staging.
        let burst = s.extended && m.rem_euclid(30) < 3;
        e5.push(if burst { (n * 0.02).round() } else if r(3) < 0.05 { 1.0 } else { 0.0 } as f32);
        thr.push(if r(4) < 0.03 { (2.0 + 10.0 * r(5)).round() } else { 0.0 } as f32);
        p99.push((60.0 + 140.0 * r(6) + if burst { 600.0 } else { 0.0 }) as f32);
        // Spark jobs on `data` queue pods for a few minutes every 40 minutes.
        let pending = s.name == "data" && m.rem_euclid(40) < 5;
        pend.push(if pending { (10.0 + 30.0 * r(7)).round() } else { 0.0 } as f32);
    }
    let sum = |v: &[f32]| v.iter().map(|x| *x as f64).sum::<f64>();
    let max = |v: &[f32]| v.iter().fold(0.0f64, |a, x| a.max(*x as f64));
    let nodes: i32 = s.groups.iter().map(|g| if g.7 { 0 } else { g.5 }).sum();
    ClusterMetrics {
        pending: false,
        apiserver_requests: Some(sum(&req)),
        apiserver_4xx: Some(sum(&e4)),
        apiserver_5xx: Some(sum(&e5)),
        apiserver_429: Some(sum(&thr)),
        apiserver_p99_ms: Some(max(&p99)),
        pending_pods_max: Some(max(&pend)),
        node_count: s.insights.then_some(nodes as f64),
        failed_nodes: s.insights.then_some(0.0),
        series: Some(ClusterSeries {
            start: Utc.timestamp_opt((end - (minutes as i64 - 1)) * 60, 0).single(),
            requests: Series(req),
            errors_5xx: Series(e5),
            throttled_429: Series(thr),
            p99_ms: Series(p99),
            pending_pods: Series(pend),
        }),
    }
}
