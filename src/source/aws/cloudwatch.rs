//! CloudWatch GetMetricData: every metric awstop shows, 500 queries a call,
//! minute-aligned windows so buckets line up with what CloudWatch stores.

use std::collections::HashMap;

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use aws_sdk_cloudwatch::Client;
use chrono::{DateTime, Duration, TimeZone, Utc};

use super::client::{describe, CallCounter};
use crate::domain::lambda::{FunctionSeries, FunctionStats, LambdaTotals};
use crate::domain::metrics::Series;

/// The documented maximum of queries in one GetMetricData call.
pub const MAX_QUERIES: usize = 500;

#[derive(Debug, Clone)]
pub struct Query {
    pub id: String,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub dims: Vec<(&'static str, String)>,
    pub stat: String,
    pub period_s: i32,
    /// Percentiles: when a batch with them fails, the rest is fetched without them.
    pub optional: bool,
}

pub type Points = Vec<(DateTime<Utc>, f64)>;

#[derive(Debug, Default)]
pub struct Fetched {
    pub values: HashMap<String, Points>,
    /// Failures that left some values unread.
    pub errors: Vec<String>,
    /// The optional (percentile) queries were refused.
    pub optional_rejected: bool,
}

/// The window: whole minutes, ending after the current (partial) minute.
pub fn window(now: DateTime<Utc>, minutes: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let end_min = now.timestamp().div_euclid(60) + 1;
    let end = Utc.timestamp_opt(end_min * 60, 0).single().unwrap_or(now);
    (end - Duration::minutes(minutes as i64), end)
}

fn to_sdk(q: &Query) -> MetricDataQuery {
    let dims = q
        .dims
        .iter()
        .map(|(k, v)| Dimension::builder().name(*k).value(v).build())
        .collect::<Vec<_>>();
    let metric = Metric::builder()
        .namespace(q.namespace)
        .metric_name(q.metric)
        .set_dimensions(Some(dims))
        .build();
    MetricDataQuery::builder()
        .id(&q.id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(q.period_s)
                .stat(&q.stat)
                .build(),
        )
        .return_data(true)
        .build()
}

async fn call(
    client: &Client,
    queries: &[Query],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    counter: &CallCounter,
) -> Result<HashMap<String, Points>, String> {
    let mut out: HashMap<String, Points> = HashMap::new();
    let mut token: Option<String> = None;
    loop {
        let resp = client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.iter().map(to_sdk).collect()))
            .start_time(aws_smithy_types::DateTime::from_secs(start.timestamp()))
            .end_time(aws_smithy_types::DateTime::from_secs(end.timestamp()))
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| describe(&e))?;
        // Billed per metric requested in a call that succeeded.
        counter.add_metrics(queries.len() as u64);
        for r in resp.metric_data_results() {
            let points = out
                .entry(r.id().unwrap_or_default().to_string())
                .or_default();
            for (t, v) in r.timestamps().iter().zip(r.values()) {
                if let Some(t) = Utc.timestamp_opt(t.secs(), 0).single() {
                    points.push((t, *v));
                }
            }
        }
        match resp.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Runs `queries` in batches of 500, required ones first and optional ones
/// (percentiles) packed at the end. A failed batch that holds optional queries is
/// retried once without them, and the optional queries still to come are dropped:
/// they would fail the same way. Their values stay unread (null), with the reason.
pub async fn fetch(
    client: &Client,
    queries: &[Query],
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    counter: &CallCounter,
) -> Result<Fetched, String> {
    let mut fetched = Fetched::default();
    let mut first_error = None;
    let mut any_ok = false;
    let mut ordered: Vec<&Query> = queries.iter().filter(|q| !q.optional).collect();
    ordered.extend(queries.iter().filter(|q| q.optional));
    let mut end_at = ordered.len();
    let mut from = 0;
    while from < end_at {
        let to = (from + MAX_QUERIES).min(end_at);
        let batch: Vec<Query> = ordered[from..to].iter().map(|q| (*q).clone()).collect();
        from = to;
        match call(client, &batch, start, end, counter).await {
            Ok(v) => {
                any_ok = true;
                fetched.values.extend(v);
            }
            Err(e) if batch.iter().any(|q| q.optional) => {
                let kept: Vec<Query> = batch.iter().filter(|q| !q.optional).cloned().collect();
                let stats: Vec<&str> = batch
                    .iter()
                    .filter(|q| q.optional)
                    .map(|q| q.stat.as_str())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                fetched
                    .errors
                    .push(format!("{} unavailable: {e}", stats.join(",")));
                fetched.optional_rejected = true;
                // Everything after this batch is optional too.
                end_at = from;
                if kept.is_empty() {
                    continue;
                }
                match call(client, &kept, start, end, counter).await {
                    Ok(v) => {
                        any_ok = true;
                        fetched.values.extend(v);
                    }
                    Err(e) => first_error = first_error.or(Some(e)),
                }
            }
            Err(e) => first_error = first_error.or(Some(e)),
        }
    }
    match first_error {
        Some(e) if !any_ok => Err(e),
        Some(e) => {
            fetched.errors.push(e);
            Ok(fetched)
        }
        None => Ok(fetched),
    }
}

const PER_FUNCTION: [(&str, &str, &str); 6] = [
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
    ("avg", "Duration", "Average"),
    ("max", "Duration", "Maximum"),
    ("conc", "ConcurrentExecutions", "Maximum"),
];

/// Seven queries a function: six per-minute series and one window percentile
/// (left out when `percentile` is `None`).
pub fn lambda_queries(names: &[&str], window_minutes: u32, percentile: Option<&str>) -> Vec<Query> {
    let mut out = Vec::with_capacity(names.len() * 7 + 4);
    for (i, name) in names.iter().enumerate() {
        for (key, metric, stat) in PER_FUNCTION {
            out.push(Query {
                id: format!("f{i}_{key}"),
                namespace: "AWS/Lambda",
                metric,
                dims: vec![("FunctionName", name.to_string())],
                stat: stat.into(),
                period_s: 60,
                optional: false,
            });
        }
        if let Some(p) = percentile {
            out.push(Query {
                id: format!("f{i}_pct"),
                namespace: "AWS/Lambda",
                metric: "Duration",
                dims: vec![("FunctionName", name.to_string())],
                stat: p.into(),
                period_s: window_minutes as i32 * 60,
                optional: true,
            });
        }
    }
    for (key, metric, stat) in [
        ("inv", "Invocations", "Sum"),
        ("err", "Errors", "Sum"),
        ("thr", "Throttles", "Sum"),
        ("conc", "ConcurrentExecutions", "Maximum"),
    ] {
        out.push(Query {
            id: format!("acct_{key}"),
            namespace: "AWS/Lambda",
            metric,
            dims: vec![],
            stat: stat.into(),
            period_s: 60,
            optional: false,
        });
    }
    out
}

fn series(points: Option<&Points>, start: DateTime<Utc>, minutes: u32) -> Series {
    let mut s = vec![0f32; minutes as usize];
    for (t, v) in points.into_iter().flatten() {
        let i = (*t - start).num_minutes();
        if (0..minutes as i64).contains(&i) {
            s[i as usize] = *v as f32;
        }
    }
    Series(s)
}

/// Window statistics of function `i` from a fetch; `None` where CloudWatch said nothing
/// because the query failed, zero where it said "no invocations".
pub fn function_stats(
    f: &Fetched,
    i: usize,
    start: DateTime<Utc>,
    minutes: u32,
    percentile_ok: bool,
) -> FunctionStats {
    let get = |k: &str| f.values.get(&format!("f{i}_{k}"));
    if get("inv").is_none() {
        return FunctionStats::default();
    }
    let sum = |k: &str| get(k).map(|p| p.iter().map(|(_, v)| v).sum::<f64>());
    let max = |k: &str| get(k).map(|p| p.iter().fold(0.0f64, |m, (_, v)| m.max(*v)));
    let inv = series(get("inv"), start, minutes);
    let avg = series(get("avg"), start, minutes);
    let invocations = sum("inv").unwrap_or(0.0);
    // Invocation-weighted, as the snapshot contract defines it.
    let weighted: f64 = inv
        .0
        .iter()
        .zip(&avg.0)
        .map(|(i, a)| *i as f64 * *a as f64)
        .sum();
    let has_duration = get("avg").is_some_and(|p| !p.is_empty());
    let duration_avg_ms = if has_duration && invocations > 0.0 {
        Some((weighted / invocations * 100.0).round() / 100.0)
    } else if has_duration {
        // Duration without invocations in the same minutes: fall back to the plain mean.
        get("avg").map(|p| p.iter().map(|(_, v)| v).sum::<f64>() / p.len() as f64)
    } else {
        None
    };
    FunctionStats {
        invocations: Some(invocations),
        errors: Some(sum("err").unwrap_or(0.0)),
        throttles: Some(sum("thr").unwrap_or(0.0)),
        duration_avg_ms,
        duration_max_ms: if has_duration { max("max") } else { None },
        duration_p99_ms: if percentile_ok {
            get("pct").and_then(|p| p.first().map(|(_, v)| *v))
        } else {
            None
        },
        concurrent_max: Some(max("conc").unwrap_or(0.0)),
        cold: None,
        series: Some(Box::new(FunctionSeries {
            start: Some(start),
            errors: series(get("err"), start, minutes),
            duration_max_ms: series(get("max"), start, minutes),
            invocations: inv,
            duration_avg_ms: avg,
            cold_starts: Series::default(),
        })),
    }
}

pub fn totals(f: &Fetched) -> Option<LambdaTotals> {
    let sum = |k: &str| {
        f.values
            .get(k)
            .map(|p| p.iter().map(|(_, v)| v).sum::<f64>())
    };
    Some(LambdaTotals {
        invocations: sum("acct_inv")?,
        errors: sum("acct_err").unwrap_or(0.0),
        throttles: sum("acct_thr").unwrap_or(0.0),
        concurrent_max: f
            .values
            .get("acct_conc")
            .map(|p| p.iter().fold(0.0f64, |m, (_, v)| m.max(*v)))
            .unwrap_or(0.0),
    })
}

/// CPU and memory utilisation per ECS service: the newest minute of the last five.
pub fn ecs_queries(services: &[(&str, &str)]) -> Vec<Query> {
    let mut out = Vec::with_capacity(services.len() * 2);
    for (i, (cluster, service)) in services.iter().enumerate() {
        for (key, metric) in [("cpu", "CPUUtilization"), ("mem", "MemoryUtilization")] {
            out.push(Query {
                id: format!("s{i}_{key}"),
                namespace: "AWS/ECS",
                metric,
                dims: vec![
                    ("ClusterName", cluster.to_string()),
                    ("ServiceName", service.to_string()),
                ],
                stat: "Average".into(),
                period_s: 60,
                optional: false,
            });
        }
    }
    out
}

pub fn latest(f: &Fetched, id: &str) -> Option<f64> {
    f.values
        .get(id)?
        .iter()
        .max_by_key(|(t, _)| *t)
        .map(|(_, v)| (*v * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_fill_batches_of_five_hundred() {
        let names: Vec<String> = (0..1000).map(|i| format!("fn-{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let q = lambda_queries(&refs, 60, Some("p99"));
        assert_eq!(q.len(), 7004);
        assert_eq!(q.chunks(MAX_QUERIES).count(), 15);
        let ids: std::collections::HashSet<_> = q.iter().map(|q| &q.id).collect();
        assert_eq!(ids.len(), q.len(), "ids must be unique within a call");
        assert!(q
            .iter()
            .all(|q| q.id.chars().next().unwrap().is_ascii_lowercase()));
        assert!(q
            .iter()
            .filter(|q| q.optional)
            .all(|q| q.period_s == 3600 && q.stat == "p99"));
        assert_eq!(lambda_queries(&refs, 60, None).len(), 6004);
    }

    #[test]
    fn windows_are_minute_aligned_and_include_the_partial_minute() {
        let now: DateTime<Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
        let (s, e) = window(now, 60);
        assert_eq!(s.to_rfc3339(), "2026-11-22T13:04:00+00:00");
        assert_eq!(e.to_rfc3339(), "2026-11-22T14:04:00+00:00");
    }

    #[test]
    fn stats_weight_duration_by_invocations() {
        let start: DateTime<Utc> = "2026-11-22T13:00:00Z".parse().unwrap();
        let t = |m| start + Duration::minutes(m);
        let mut f = Fetched::default();
        f.values
            .insert("f0_inv".into(), vec![(t(0), 10.0), (t(1), 30.0)]);
        f.values
            .insert("f0_avg".into(), vec![(t(0), 100.0), (t(1), 200.0)]);
        f.values
            .insert("f0_max".into(), vec![(t(0), 400.0), (t(1), 900.0)]);
        f.values.insert("f0_err".into(), vec![(t(1), 3.0)]);
        f.values.insert("f0_pct".into(), vec![(t(0), 850.0)]);
        let s = function_stats(&f, 0, start, 60, true);
        assert_eq!(s.invocations, Some(40.0));
        assert_eq!(s.errors, Some(3.0));
        assert_eq!(s.throttles, Some(0.0));
        assert_eq!(s.duration_avg_ms, Some(175.0));
        assert_eq!(s.duration_max_ms, Some(900.0));
        assert_eq!(s.duration_p99_ms, Some(850.0));
        assert_eq!(s.series.as_ref().unwrap().invocations.0[1], 30.0);
        // A function CloudWatch was never asked about is unknown, not zero.
        assert_eq!(function_stats(&f, 1, start, 60, true).invocations, None);
        assert_eq!(
            function_stats(&f, 0, start, 60, false).duration_p99_ms,
            None
        );
    }
}
