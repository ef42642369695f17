//! API Gateway's figures against the same window a week ago (`baseline`):
//! the measures judged and the stages' unusual figures.

use super::domain::{Api, Stage};
use crate::baseline::{unusual as judged, Pair, Rule, Unusual};

/// The figures compared, by their key in the snapshot's `metrics`, with
/// the rule each is judged by. 4XX are the callers' mistakes and come in
/// bursts: a higher floor than 5XX.
pub const MEASURES: [(&str, Rule); 4] = [
    ("errors_5xx", Rule::Count { floor: 5.0 }),
    ("errors_4xx", Rule::Count { floor: 20.0 }),
    ("requests", Rule::Count { floor: 100.0 }),
    ("latency_avg_ms", Rule::Mean { min_calls: 20.0, min_rise: 100.0 }),
];

/// One measure of a stage: its figure now and a week ago.
fn pair(s: &Stage, metric: &str) -> Pair {
    let m = &s.metrics;
    let w = m.week_ago.as_ref();
    let (now, week_ago) = match metric {
        "errors_5xx" => (m.errors_5xx, w.map(|w| w.errors_5xx)),
        "errors_4xx" => (m.errors_4xx, w.map(|w| w.errors_4xx)),
        "requests" => (m.requests, w.map(|w| w.requests)),
        _ => (m.latency_avg_ms, w.map(|w| w.latency_avg_ms.unwrap_or(0.0))),
    };
    Pair {
        now,
        week_ago,
        calls_now: m.requests,
        calls_week_ago: w.map(|w| w.requests),
    }
}

/// The stages' unusual figures; a stage is named `API/stage`.
pub fn unusual(apis: &[Api]) -> Vec<Unusual> {
    apis.iter().flat_map(|a| a.stages.iter().flat_map(move |s| of_stage(a, s))).collect()
}

/// One stage's unusual figures; none while its figures are being read.
pub fn of_stage(a: &Api, s: &Stage) -> Vec<Unusual> {
    if s.metrics.pending {
        return Vec::new();
    }
    let name = format!("{}/{}", a.name, s.name);
    MEASURES.iter().filter_map(|(key, rule)| judged("apigateway", &name, &a.region, key, *rule, pair(s, key))).collect()
}

/// A figure's short name on the Overview, by its key.
pub fn short(metric: &str) -> &'static str {
    match metric {
        "errors_5xx" => "5XX",
        "errors_4xx" => "4XX",
        "requests" => "REQ",
        _ => "LAT",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::apigateway::domain::{StageMetrics, StageWeekAgo};

    fn api(name: &str, now: (f64, f64), week: Option<(f64, f64)>) -> Api {
        Api {
            name: name.into(),
            region: "eu-west-1".into(),
            stages: vec![Stage {
                name: "prod".into(),
                metrics: StageMetrics {
                    requests: Some(now.0),
                    errors_4xx: Some(0.0),
                    errors_5xx: Some(now.1),
                    latency_avg_ms: Some(40.0),
                    week_ago: week.map(|(r, e)| StageWeekAgo { requests: r, errors_4xx: 0.0, errors_5xx: e, latency_avg_ms: Some(40.0) }),
                    ..Default::default()
                },
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn the_stage_whose_5xx_rose_is_named_and_the_steady_one_is_not() {
        let apis = [
            api("orders", (1_000.0, 60.0), Some((1_000.0, 2.0))),
            api("catalog", (50_000.0, 500.0), Some((49_000.0, 480.0))),
            api("unread", (1_000.0, 60.0), None),
        ];
        let u = unusual(&apis);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!((u[0].service, u[0].resource.as_str(), u[0].metric, u[0].ratio), ("apigateway", "orders/prod", "errors_5xx", 30.0));
        assert_eq!(u[0].region, "eu-west-1");
    }
}
