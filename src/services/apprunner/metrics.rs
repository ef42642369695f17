//! Each service's CloudWatch metrics (`AWS/AppRunner`, dimensions
//! `ServiceName` and `ServiceID`), per minute over the window, through the
//! region's shared GetMetricData calls.

use chrono::{DateTime, Utc};

use super::domain::{ServiceMetrics, ServiceSeries};
use crate::aws::cloudwatch::{series, weighted, Fetched, Points, Query};

pub const NAMESPACE: &str = "AWS/AppRunner";

/// (key, metric, stat): the service-level metrics App Runner publishes.
const METRICS: [(&str, &str, &str); 5] = [
    ("req", "Requests", "Sum"),
    ("e4", "4xxStatusResponses", "Sum"),
    ("e5", "5xxStatusResponses", "Sum"),
    ("lat", "RequestLatency", "Average"),
    ("act", "ActiveInstances", "Average"),
];

/// Queries a service costs each refresh: five series and the window's p99.
pub const PER_SERVICE: usize = 6;

/// One service to measure.
#[derive(Debug, Clone, Copy)]
pub struct ServiceRef<'a> {
    pub name: &'a str,
    pub id: &'a str,
}

/// The queries of `services`, ids `s{position}_{key}`.
pub fn queries(services: &[ServiceRef], window_min: u32) -> Vec<Query> {
    let mut out = Vec::with_capacity(services.len() * PER_SERVICE);
    for (i, s) in services.iter().enumerate() {
        let dims = vec![("ServiceName", s.name.to_string()), ("ServiceID", s.id.to_string())];
        for &(key, metric, stat) in &METRICS {
            out.push(Query {
                id: format!("s{i}_{key}"),
                namespace: NAMESPACE,
                metric,
                dims: dims.clone(),
                stat: stat.to_string(),
                period_s: 60,
                optional: false,
            });
        }
        // One point for the whole window; refused percentiles leave the rest read.
        out.push(Query {
            id: format!("s{i}_p99"),
            namespace: NAMESPACE,
            metric: "RequestLatency",
            dims,
            stat: "p99".into(),
            period_s: window_min.max(1) as i32 * 60,
            optional: true,
        });
    }
    out
}

pub use crate::aws::cloudwatch::asked;

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn mean(p: &Points) -> Option<f64> {
    (!p.is_empty()).then(|| crate::series::total(p.iter().map(|(_, v)| *v)) / p.len() as f64)
}


/// Service `i`'s figures from a fetch whose window starts at `start`.
/// App Runner publishes its response counts with Requests: when Requests
/// has points, a count without any means none happened; when it has none,
/// nothing is known (a paused service, or no traffic to publish), and only
/// ActiveInstances may say something.
pub fn stats(f: &Fetched, i: usize, start: DateTime<Utc>, minutes: u32) -> ServiceMetrics {
    let get = |k: &str| f.values.get(&format!("s{i}_{k}")).filter(|p| !p.is_empty());
    let sum = |k: &str| Some(get(k).map_or(0.0, |p| crate::series::total(p.iter().map(|(_, v)| *v))));
    let active = get("act").and_then(mean).map(round2);
    if get("req").is_none() {
        return ServiceMetrics { active_instances: active, ..Default::default() };
    }
    ServiceMetrics {
        requests: sum("req"),
        errors_4xx: sum("e4"),
        errors_5xx: sum("e5"),
        latency_avg_ms: weighted(get("lat"), get("req"), start, minutes),
        latency_p99_ms: get("p99").and_then(|p| p.iter().map(|(_, v)| *v).reduce(f64::max)).map(round2),
        active_instances: active,
        series: Some(ServiceSeries {
            start: Some(start),
            requests: series(get("req"), start, minutes),
            errors_5xx: series(get("e5"), start, minutes),
            latency_avg_ms: series(get("lat"), start, minutes),
        }),
        pending: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(m: i64) -> DateTime<Utc> {
        "2026-11-22T13:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::minutes(m)
    }

    #[test]
    fn queries_name_the_service_by_name_and_id_in_app_runners_namespace() {
        let q = queries(&[ServiceRef { name: "web", id: "0123" }, ServiceRef { name: "api", id: "4567" }], 60);
        assert_eq!(q.len(), 2 * PER_SERVICE);
        let find = |id: &str| q.iter().find(|q| q.id == id).unwrap();
        assert_eq!(find("s0_e5").metric, "5xxStatusResponses");
        assert_eq!(find("s0_e4").metric, "4xxStatusResponses");
        assert_eq!(find("s1_req").dims, vec![("ServiceName", "api".to_string()), ("ServiceID", "4567".to_string())]);
        let p99 = find("s1_p99");
        assert!(p99.optional && p99.stat == "p99" && p99.period_s == 3600 && p99.metric == "RequestLatency");
        assert!(q.iter().all(|q| q.namespace == "AWS/AppRunner"));
    }

    #[test]
    fn counts_without_errors_are_zero_and_no_requests_is_unknown() {
        let mut f = Fetched::default();
        f.values.insert("s0_req".into(), vec![(at(1), 300.0), (at(2), 100.0)]);
        f.values.insert("s0_e5".into(), vec![(at(2), 4.0)]);
        f.values.insert("s0_lat".into(), vec![(at(1), 40.0), (at(2), 80.0)]);
        f.values.insert("s0_act".into(), vec![(at(1), 1.0), (at(2), 2.0)]);
        f.values.insert("s0_p99".into(), vec![(at(0), 310.0)]);
        let m = stats(&f, 0, at(0), 60);
        assert_eq!((m.requests, m.errors_4xx, m.errors_5xx), (Some(400.0), Some(0.0), Some(4.0)));
        // (300 × 40 + 100 × 80) / 400
        assert_eq!(m.latency_avg_ms, Some(50.0));
        assert_eq!(m.latency_p99_ms, Some(310.0));
        assert_eq!(m.active_instances, Some(1.5));
        let s = m.series.unwrap();
        assert_eq!((s.requests.0.len(), s.requests.sum(), s.errors_5xx.0[2]), (60, 400.0, 4.0));
        // Errors but no Requests: nothing is made up.
        f.values.insert("s1_e5".into(), vec![(at(1), 2.0)]);
        assert_eq!(stats(&f, 1, at(0), 60), ServiceMetrics::default());
    }
}
