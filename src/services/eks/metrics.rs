//! The control plane's CloudWatch metrics (AWS/EKS, published for clusters
//! on 1.28 or later) and Container Insights' node counts (only with its
//! agent): per minute over the window, one GetMetricData call for every
//! cluster of a region. What CloudWatch does not have stays `None`: "not
//! published", never 0.

use chrono::{DateTime, Utc};

use super::domain::{ClusterMetrics, ClusterSeries};
use crate::aws::cloudwatch::{series, Fetched, Points, Query};

const METRICS: [(&str, &str, &str, &str); 8] = [
    ("req", "AWS/EKS", "apiserver_request_total", "Sum"),
    ("e4", "AWS/EKS", "apiserver_request_total_4XX", "Sum"),
    ("e5", "AWS/EKS", "apiserver_request_total_5XX", "Sum"),
    ("thr", "AWS/EKS", "apiserver_request_total_429", "Sum"),
    ("p99", "AWS/EKS", "apiserver_request_duration_seconds_GET_P99", "Maximum"),
    ("pend", "AWS/EKS", "scheduler_pending_pods", "Maximum"),
    ("nodes", "ContainerInsights", "cluster_node_count", "Average"),
    ("failed", "ContainerInsights", "cluster_failed_node_count", "Maximum"),
];

/// Queries per cluster, for the cost of a refresh.
pub const PER_CLUSTER: usize = METRICS.len();

pub fn queries(clusters: &[&str]) -> Vec<Query> {
    let mut out = Vec::with_capacity(clusters.len() * PER_CLUSTER);
    for (i, name) in clusters.iter().enumerate() {
        for (key, namespace, metric, stat) in METRICS {
            out.push(Query {
                id: format!("c{i}_{key}"),
                namespace,
                metric,
                dims: vec![("ClusterName", name.to_string())],
                stat: stat.into(),
                period_s: 60,
                optional: false,
            });
        }
    }
    out
}

/// Cluster `i`'s window figures from a fetch.
pub fn stats(f: &Fetched, i: usize, start: DateTime<Utc>, minutes: u32) -> ClusterMetrics {
    let get = |k: &str| -> Option<&Points> {
        f.values.get(&format!("c{i}_{k}")).filter(|p| !p.is_empty())
    };
    let sum = |k: &str| get(k).map(|p| crate::series::total(p.iter().map(|(_, v)| *v)));
    let max = |k: &str| get(k).map(|p| p.iter().fold(f64::MIN, |m, (_, v)| m.max(*v)));
    let latest = |k: &str| get(k).and_then(|p| p.iter().max_by_key(|(t, _)| *t).map(|(_, v)| *v));
    let published = get("req").is_some();
    let p99 = |p: Option<&Points>| -> Option<Points> {
        p.map(|p| p.iter().map(|(t, v)| (*t, v * 1000.0)).collect())
    };
    let p99_points = p99(get("p99"));
    ClusterMetrics {
        pending: false,
        apiserver_requests: sum("req"),
        // Published together: a quiet minute is 0, not "not published".
        apiserver_4xx: sum("e4").or(published.then_some(0.0)),
        apiserver_5xx: sum("e5").or(published.then_some(0.0)),
        apiserver_429: sum("thr").or(published.then_some(0.0)),
        apiserver_p99_ms: max("p99").map(|v| (v * 1000.0 * 10.0).round() / 10.0),
        pending_pods_max: max("pend"),
        node_count: latest("nodes"),
        failed_nodes: latest("failed"),
        series: published.then(|| ClusterSeries {
            start: Some(start),
            requests: series(get("req"), start, minutes),
            errors_5xx: series(get("e5"), start, minutes),
            throttled_429: series(get("thr"), start, minutes),
            p99_ms: series(p99_points.as_ref(), start, minutes),
            pending_pods: series(get("pend"), start, minutes),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpublished_is_none_and_quiet_is_zero() {
        let start: DateTime<Utc> = "2026-11-22T13:00:00Z".parse().unwrap();
        let at = |m: i64| start + chrono::Duration::minutes(m);
        let mut f = Fetched::default();
        f.values.insert("c0_req".into(), vec![(at(1), 100.0), (at(2), 50.0)]);
        f.values.insert("c0_p99".into(), vec![(at(1), 0.12), (at(2), 0.31)]);
        f.values.insert("c0_e5".into(), vec![]);
        let m = stats(&f, 0, start, 60);
        assert_eq!(m.apiserver_requests, Some(150.0));
        assert_eq!(m.apiserver_5xx, Some(0.0));
        assert_eq!(m.apiserver_p99_ms, Some(310.0));
        assert_eq!(m.node_count, None);
        let s = m.series.unwrap();
        assert_eq!(s.requests.0.len(), 60);
        assert_eq!(s.requests.sum(), 150.0);
        // Another cluster with nothing published: nothing made up.
        let none = stats(&f, 1, start, 60);
        assert_eq!(none, ClusterMetrics::default());
        assert_eq!(queries(&["a", "b"]).len(), 2 * PER_CLUSTER);
    }
}
