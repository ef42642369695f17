//! Every stage's CloudWatch metrics (AWS/ApiGateway), per minute over the
//! window: one GetMetricData call for every stage of a region. REST APIs
//! are measured by name (`ApiName`: two REST APIs of one name in a region
//! share their figures, as CloudWatch has them), v2 APIs by id; HTTP APIs
//! spell their error metrics in lower case.

use chrono::{DateTime, Utc};

use super::domain::{StageBand, StageMetrics, StageSeries, StageWeekAgo};
use crate::aws::cloudwatch::{series, weighted, Fetched, Points, Query};

pub const NAMESPACE: &str = "AWS/ApiGateway";

/// (key, metric, stat) per protocol.
const REST: [(&str, &str, &str); 5] = [
    ("req", "Count", "Sum"),
    ("e4", "4XXError", "Sum"),
    ("e5", "5XXError", "Sum"),
    ("lat", "Latency", "Average"),
    ("integ", "IntegrationLatency", "Average"),
];
const HTTP: [(&str, &str, &str); 5] = [
    ("req", "Count", "Sum"),
    ("e4", "4xx", "Sum"),
    ("e5", "5xx", "Sum"),
    ("lat", "Latency", "Average"),
    ("integ", "IntegrationLatency", "Average"),
];
const WEBSOCKET: [(&str, &str, &str); 5] = [
    ("conn", "ConnectCount", "Sum"),
    ("msg", "MessageCount", "Sum"),
    ("cerr", "ClientError", "Sum"),
    ("xerr", "ExecutionError", "Sum"),
    ("integ", "IntegrationLatency", "Average"),
];

/// One stage to measure.
#[derive(Debug, Clone, Copy)]
pub struct StageRef<'a> {
    pub protocol: &'a str,
    pub api_id: &'a str,
    pub api_name: &'a str,
    pub stage: &'a str,
}

/// Queries a stage costs at most (REST and HTTP: five series and the window's p99).
pub const PER_STAGE: usize = 6;

pub fn queries(stages: &[StageRef], window_min: u32) -> Vec<Query> {
    let mut out = Vec::with_capacity(stages.len() * PER_STAGE);
    for (i, s) in stages.iter().enumerate() {
        let dims = match s.protocol {
            "REST" => vec![("ApiName", s.api_name.to_string()), ("Stage", s.stage.to_string())],
            _ => vec![("ApiId", s.api_id.to_string()), ("Stage", s.stage.to_string())],
        };
        let set: &[(&'static str, &'static str, &'static str)] = match s.protocol {
            "REST" => &REST,
            "WEBSOCKET" => &WEBSOCKET,
            _ => &HTTP,
        };
        for &(key, metric, stat) in set {
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
        if s.protocol != "WEBSOCKET" {
            // One point for the whole window; moto refuses percentiles.
            // WebSocket APIs publish no Latency to take one of.
            out.push(Query {
                id: format!("s{i}_p99"),
                namespace: NAMESPACE,
                metric: "Latency",
                dims,
                stat: "p99".into(),
                period_s: window_min.max(1) as i32 * 60,
                optional: true,
            });
        }
    }
    out
}

/// The figures of a REST or HTTP stage an anomaly detector can stand in for
/// last week with, by query key.
const BANDED: [&str; 4] = ["req", "e4", "e5", "lat"];

/// The band queries of the stages `compared` (their positions in the
/// stages given to `queries`) that have a detector, each right after its
/// metric: `ANOMALY_DETECTION_BAND(s0_e5, 2)` as `s0_be5`.
pub fn with_bands(queries: Vec<Query>, detectors: &std::collections::BTreeSet<crate::aws::anomaly::Detector>, compared: &[usize]) -> Vec<Query> {
    crate::aws::anomaly::with_bands(queries, detectors, |q| {
        let (s, key) = q.id.split_once('_')?;
        (BANDED.contains(&key) && compared.contains(&stage_of(&q.id))).then(|| format!("{s}_b{key}"))
    })
}

/// Stage `i`'s band edges from a fetch with `with_bands`; `None` when no
/// band was asked or none answered with a point.
pub fn band_stats(f: &Fetched, i: usize, start: DateTime<Utc>, minutes: u32) -> Option<StageBand> {
    let upper = |key: &str| {
        f.values
            .get(&format!("s{i}_b{key}"))
            .map(|p| crate::aws::cloudwatch::upper_edges(p))
            .filter(|e| !e.is_empty())
    };
    let sum = |key: &str| upper(key).map(|e| round2(crate::series::total(e.values().copied())));
    let lat = upper("lat").and_then(|e| {
        let points: Points = e.into_iter().collect();
        weighted(Some(&points), f.values.get(&format!("s{i}_req")), start, minutes)
    });
    let b = StageBand { requests: sum("req"), errors_4xx: sum("e4"), errors_5xx: sum("e5"), latency_avg_ms: lat };
    (b != StageBand::default()).then_some(b)
}

/// What a stage's week-ago figures cost each time they are read.
pub const WEEK_PER_STAGE: usize = 4;

/// Four queries a REST or HTTP stage (WebSocket stages are never asked),
/// each one window-long point, asked over the window seven days earlier;
/// their ids (`w0_req`) are the stage's position in `stages`.
pub fn week_queries(stages: &[StageRef], window_min: u32) -> Vec<Query> {
    let mut out = Vec::with_capacity(stages.len() * WEEK_PER_STAGE);
    for (i, s) in stages.iter().enumerate() {
        let set: &[(&'static str, &'static str, &'static str)] = match s.protocol {
            "REST" => &REST,
            "WEBSOCKET" => continue,
            _ => &HTTP,
        };
        let dims = match s.protocol {
            "REST" => vec![("ApiName", s.api_name.to_string()), ("Stage", s.stage.to_string())],
            _ => vec![("ApiId", s.api_id.to_string()), ("Stage", s.stage.to_string())],
        };
        for &(key, metric, stat) in set.iter().filter(|(k, ..)| *k != "integ") {
            out.push(Query {
                id: format!("w{i}_{key}"),
                namespace: NAMESPACE,
                metric,
                dims: dims.clone(),
                stat: stat.to_string(),
                period_s: window_min.max(1) as i32 * 60,
                optional: false,
            });
        }
    }
    out
}

/// Stage `i`'s week-ago figures from a fetch of `week_queries`; `None` when
/// they were not read (failed, or held back by the budget).
pub fn week_stats(f: &Fetched, i: usize) -> Option<StageWeekAgo> {
    let get = |k: &str| f.values.get(&format!("w{i}_{k}"));
    let sum = |k: &str| get(k).map_or(0.0, |p| crate::series::total(p.iter().map(|(_, v)| *v)));
    get("req")?;
    let requests = sum("req");
    // One window-long point, already weighted by CloudWatch; should it split
    // the window, their plain mean.
    let lat = get("lat").filter(|p| !p.is_empty()).map(|p| crate::series::total(p.iter().map(|(_, v)| *v)) / p.len() as f64);
    Some(StageWeekAgo {
        requests,
        errors_4xx: sum("e4"),
        errors_5xx: sum("e5"),
        latency_avg_ms: lat.filter(|_| requests > 0.0).map(round2),
    })
}

/// Which stage a query id (`s3_cnt`) belongs to.
pub fn stage_of(id: &str) -> usize {
    id.strip_prefix('s')
        .and_then(|r| r.split('_').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX)
}

pub use crate::aws::cloudwatch::asked;

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}


/// Stage `i`'s figures from a fetch whose window starts at `start`. When the
/// traffic metric has points, an error metric without any means none
/// happened (API Gateway publishes them together); when it has none,
/// nothing is known.
pub fn stats(f: &Fetched, i: usize, protocol: &str, start: DateTime<Utc>, minutes: u32) -> StageMetrics {
    let get = |k: &str| f.values.get(&format!("s{i}_{k}")).filter(|p| !p.is_empty());
    let sum = |k: &str| Some(get(k).map_or(0.0, |p| crate::series::total(p.iter().map(|(_, v)| *v))));
    if protocol == "WEBSOCKET" {
        if get("conn").is_none() && get("msg").is_none() {
            return StageMetrics::default();
        }
        return StageMetrics {
            connects: sum("conn"),
            messages: sum("msg"),
            client_errors: sum("cerr"),
            execution_errors: sum("xerr"),
            integration_latency_avg_ms: weighted(get("integ"), get("msg"), start, minutes),
            series: Some(StageSeries {
                start: Some(start),
                requests: series(get("msg"), start, minutes),
                errors_5xx: series(get("xerr"), start, minutes),
                latency_avg_ms: series(get("integ"), start, minutes),
            }),
            ..Default::default()
        };
    }
    if get("req").is_none() {
        return StageMetrics::default();
    }
    StageMetrics {
        requests: sum("req"),
        errors_4xx: sum("e4"),
        errors_5xx: sum("e5"),
        latency_avg_ms: weighted(get("lat"), get("req"), start, minutes),
        latency_p99_ms: get("p99").and_then(|p| p.iter().map(|(_, v)| *v).reduce(f64::max)).map(round2),
        integration_latency_avg_ms: weighted(get("integ"), get("req"), start, minutes),
        series: Some(StageSeries {
            start: Some(start),
            requests: series(get("req"), start, minutes),
            errors_5xx: series(get("e5"), start, minutes),
            latency_avg_ms: series(get("lat"), start, minutes),
        }),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(m: i64) -> DateTime<Utc> {
        "2026-11-22T13:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::minutes(m)
    }

    #[test]
    fn queries_use_each_protocols_dimensions_and_spelling() {
        let stages = [
            StageRef { protocol: "REST", api_id: "a1", api_name: "orders", stage: "prod" },
            StageRef { protocol: "HTTP", api_id: "b2", api_name: "storefront", stage: "$default" },
            StageRef { protocol: "WEBSOCKET", api_id: "c3", api_name: "live", stage: "production" },
        ];
        let q = queries(&stages, 60);
        assert_eq!(q.len(), 6 + 6 + 5);
        let find = |id: &str| q.iter().find(|q| q.id == id).unwrap();
        assert_eq!(find("s0_e5").metric, "5XXError");
        assert_eq!(find("s0_e5").dims, vec![("ApiName", "orders".to_string()), ("Stage", "prod".to_string())]);
        let p99 = find("s0_p99");
        assert!(p99.optional && p99.stat == "p99" && p99.period_s == 3600);
        assert_eq!(find("s1_e5").metric, "5xx");
        assert_eq!(find("s1_e4").dims[0], ("ApiId", "b2".to_string()));
        assert_eq!(find("s1_p99").dims[0], ("ApiId", "b2".to_string()));
        assert!(!q.iter().any(|q| q.id == "s2_p99"), "WebSocket APIs publish no Latency");
        assert_eq!(find("s2_msg").metric, "MessageCount");
        assert!(q.iter().all(|q| q.namespace == "AWS/ApiGateway"));
        let ids: std::collections::HashSet<_> = q.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids.len(), q.len());
    }

    #[test]
    fn counts_without_errors_are_zero_and_no_count_is_unknown() {
        let mut f = Fetched::default();
        f.values.insert("s0_req".into(), vec![(at(1), 300.0), (at(2), 100.0)]);
        f.values.insert("s0_e5".into(), vec![(at(2), 4.0)]);
        f.values.insert("s0_lat".into(), vec![(at(1), 40.0), (at(2), 80.0)]);
        f.values.insert("s0_integ".into(), vec![(at(1), 30.0), (at(2), 70.0)]);
        f.values.insert("s0_p99".into(), vec![(at(0), 310.0)]);
        let m = stats(&f, 0, "REST", at(0), 60);
        assert_eq!(m.requests, Some(400.0));
        assert_eq!(m.errors_4xx, Some(0.0));
        assert_eq!(m.errors_5xx, Some(4.0));
        assert_eq!(m.error_5xx_rate_pct(), Some(1.0));
        // (300 × 40 + 100 × 80) / 400
        assert_eq!(m.latency_avg_ms, Some(50.0));
        assert_eq!(m.integration_latency_avg_ms, Some(40.0));
        assert_eq!(m.overhead_ms(), Some(10.0));
        assert_eq!(m.latency_p99_ms, Some(310.0));
        let s = m.series.unwrap();
        assert_eq!(s.requests.0.len(), 60);
        assert_eq!(s.requests.sum(), 400.0);
        assert_eq!(s.errors_5xx.0[2], 4.0);
        // Errors published but no Count: nothing is made up.
        f.values.insert("s1_e5".into(), vec![(at(1), 2.0)]);
        f.values.insert("s1_req".into(), vec![]);
        assert_eq!(stats(&f, 1, "HTTP", at(0), 60), StageMetrics::default());
    }

    #[test]
    fn week_ago_asks_four_window_points_of_rest_and_http_stages_only() {
        let stages = [
            StageRef { protocol: "REST", api_id: "a1", api_name: "orders", stage: "prod" },
            StageRef { protocol: "WEBSOCKET", api_id: "c3", api_name: "live", stage: "production" },
            StageRef { protocol: "HTTP", api_id: "b2", api_name: "storefront", stage: "$default" },
        ];
        let q = week_queries(&stages, 60);
        assert_eq!(q.len(), 2 * WEEK_PER_STAGE);
        assert!(q.iter().all(|q| q.period_s == 3600 && !q.optional));
        assert_eq!(q.iter().find(|q| q.id == "w2_e5").unwrap().metric, "5xx");
        assert_eq!(q.iter().find(|q| q.id == "w0_e5").unwrap().metric, "5XXError");
        let mut f = Fetched::default();
        f.values.insert("w0_req".into(), vec![(at(0), 1000.0)]);
        f.values.insert("w0_e5".into(), vec![(at(0), 2.0)]);
        f.values.insert("w0_e4".into(), vec![]);
        f.values.insert("w0_lat".into(), vec![(at(0), 41.234)]);
        let w = week_stats(&f, 0).unwrap();
        assert_eq!((w.requests, w.errors_4xx, w.errors_5xx, w.latency_avg_ms), (1000.0, 0.0, 2.0, Some(41.23)));
        // Not asked (the WebSocket stage) or held back: unread, never zero.
        assert_eq!(week_stats(&f, 1), None);
    }

    #[test]
    fn websocket_stages_count_messages_and_connections() {
        let mut f = Fetched::default();
        f.values.insert("s0_msg".into(), vec![(at(1), 50.0), (at(2), 150.0)]);
        f.values.insert("s0_xerr".into(), vec![(at(2), 3.0)]);
        f.values.insert("s0_integ".into(), vec![(at(1), 10.0), (at(2), 30.0)]);
        let m = stats(&f, 0, "WEBSOCKET", at(0), 60);
        assert_eq!((m.messages, m.connects, m.execution_errors, m.client_errors), (Some(200.0), Some(0.0), Some(3.0), Some(0.0)));
        assert_eq!(m.requests, None);
        assert_eq!(m.traffic(), Some(200.0));
        assert_eq!(m.error_5xx_rate_pct(), Some(1.5));
        assert_eq!(m.integration_latency_avg_ms, Some(25.0));
        assert_eq!(stats(&f, 1, "WEBSOCKET", at(0), 60), StageMetrics::default());
    }
}
