//! API Gateway's figures against the same window a week ago (`baseline`):
//! the measures judged and the stages' unusual figures.

use super::domain::{Api, Stage};
use crate::baseline::{banded, figures_of, judge, unusual_by_band as judged, Compared, Figure, Pair, Rule, Unusual, Verdict};

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

/// The upper edge of `metric`'s anomaly band, when a detector's band was read.
fn band(s: &Stage, metric: &str) -> Option<f64> {
    s.metrics.band.as_ref()?.get(metric)
}

/// The stages' unusual figures (by a figure's anomaly band where one was
/// read, else against last week); a stage is named `API/stage`.
pub fn unusual(apis: &[Api]) -> Vec<Unusual> {
    apis.iter().flat_map(|a| a.stages.iter().flat_map(move |s| of_stage(a, s))).collect()
}

/// One stage's unusual figures; none while its figures are being read.
pub fn of_stage(a: &Api, s: &Stage) -> Vec<Unusual> {
    if s.metrics.pending {
        return Vec::new();
    }
    let name = format!("{}/{}", a.name, s.name);
    MEASURES.iter().filter_map(|(key, rule)| judged("apigateway", &name, &a.region, key, *rule, pair(s, key), band(s, key))).collect()
}

impl Compared for Stage {
    /// The change in requests, when nothing is unusual: a stage's 5XX are
    /// too few to say much as a percentage, and an unusual 5XX shows first.
    const HEADLINE: &'static str = "REQ";
    fn figures(&self) -> Vec<Figure> {
        if self.metrics.pending {
            return Vec::new();
        }
        let measures = MEASURES.map(|(key, rule)| (key, short(key), rule));
        banded(&measures, figures_of(&measures, |key| pair(self, key)), |key| band(self, key))
    }
}

impl Compared for Api {
    /// The requests of its stages compared with last week, summed.
    const HEADLINE: &'static str = "REQ";
    /// The API's requests beside last week's, and every unusual figure of
    /// its stages (a quiet stage's 5XX is not lost in a busy one's).
    fn figures(&self) -> Vec<Figure> {
        if self.stages.iter().any(|s| s.metrics.pending) {
            return Vec::new();
        }
        let compared: Vec<&Stage> = self.stages.iter().filter(|s| s.metrics.week_ago.is_some()).collect();
        let now: Vec<f64> = compared.iter().filter_map(|s| s.metrics.requests).collect();
        let sum = |v: &[f64]| (!v.is_empty()).then(|| crate::series::total(v.iter().copied()));
        let week: Vec<f64> = compared.iter().filter_map(|s| s.metrics.week_ago.as_ref().map(|w| w.requests)).collect();
        let p = Pair { now: sum(&now), week_ago: sum(&week), calls_now: sum(&now), calls_week_ago: sum(&week) };
        let rule = MEASURES.iter().find(|(k, _)| *k == "requests").map_or(Rule::Count { floor: 100.0 }, |(_, r)| *r);
        let mut out = vec![Figure { short: "REQ", pair: p, verdict: judge(rule, "requests", p) }];
        for s in compared {
            out.extend(s.figures().into_iter().filter(|f| matches!(f.verdict, Verdict::Unusual { .. })));
        }
        out
    }
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

    #[test]
    fn the_week_column_shows_the_worst_figure_the_change_new_or_unread_and_goes_first() {
        use crate::baseline::{delta, delta_tests::first_to_go};
        let cell = |a: &Api| delta(&a.figures(), Api::HEADLINE);
        let stage_cell = |a: &Api| delta(&a.stages[0].figures(), Stage::HEADLINE);
        let spiking = api("orders", (1_000.0, 60.0), Some((1_000.0, 2.0)));
        assert_eq!((cell(&spiking), stage_cell(&spiking)), ("5XX ×30".to_string(), "5XX ×30".to_string()));
        let steady = api("catalog", (50_000.0, 500.0), Some((49_000.0, 480.0)));
        assert_eq!((cell(&steady), stage_cell(&steady)), ("+2%".to_string(), "+2%".to_string()));
        // No requests last week: `new`; last week not read: `-`, never 0.
        let fresh = api("fresh", (1_000.0, 0.0), Some((0.0, 0.0)));
        assert_eq!((cell(&fresh), stage_cell(&fresh)), ("new".to_string(), "new".to_string()));
        let unread = api("unread", (1_000.0, 60.0), None);
        assert_eq!((cell(&unread), stage_cell(&unread)), ("-".to_string(), "-".to_string()));
        // An API sums its compared stages' requests; a quiet stage's spike
        // still shows.
        let mut two = steady.clone();
        two.stages.push(Stage { name: "beta".into(), ..spiking.stages[0].clone() });
        assert_eq!(cell(&two), "5XX ×30");
        two.stages[1].metrics.errors_5xx = Some(2.0);
        // 51,000 against 50,000.
        assert_eq!(cell(&two), "+2%");
        // While a stage's figures are on their way: `-`.
        two.stages[1].metrics.pending = true;
        assert_eq!(cell(&two), "-");
        assert_eq!(first_to_go::<Api>(), "Δwk");
        assert_eq!(first_to_go::<Stage>(), "Δwk");
    }
}
