//! The CloudWatch queries of Lambda functions, and the window statistics
//! read back from them.

use chrono::{DateTime, Utc};

use super::domain::{Band, FunctionSeries, FunctionStats, LambdaTotals, WeekAgo};
use crate::aws::anomaly::Detector;
use crate::aws::cloudwatch::{series, upper_edges, Fetched, Query};
use crate::series::{total, Series};

/// Queries a function costs a refresh: the series and the percentile.
pub const QUERIES_PER_FUNCTION: usize = PER_FUNCTION.len() + 1;
/// The account totals every refresh adds.
pub const TOTAL_QUERIES: usize = 4;

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

/// What an off-screen function costs a refresh: enough to rank it among the
/// offenders and price it, one window-long point per metric.
pub const RANK_QUERIES_PER_FUNCTION: usize = RANK.len();

const RANK: [(&str, &'static str, &str); 5] = [
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
    ("avg", "Duration", "Average"),
    ("max", "Duration", "Maximum"),
];

/// Five queries a function, each one point over the whole window; their ids
/// (`r0_inv`) never meet the screen's (`f0_inv`) in a shared call.
pub fn rank_queries(names: &[&str], window_minutes: u32) -> Vec<Query> {
    window_points('r', &RANK, names, window_minutes)
}

/// One window-long point of each of `set` for every function, ids
/// `{prefix}{i}_{key}`.
fn window_points(prefix: char, set: &[(&str, &'static str, &str)], names: &[&str], window_minutes: u32) -> Vec<Query> {
    let mut out = Vec::with_capacity(names.len() * set.len());
    for (i, name) in names.iter().enumerate() {
        for (key, metric, stat) in set {
            out.push(Query {
                id: format!("{prefix}{i}_{key}"),
                namespace: "AWS/Lambda",
                metric,
                dims: vec![("FunctionName", name.to_string())],
                stat: (*stat).into(),
                period_s: window_minutes as i32 * 60,
                optional: false,
            });
        }
    }
    out
}

/// Function `i`'s ranking figures from a fetch of `rank_queries`, on top of
/// what was known `before` (kept whole when this fetch did not ask).
pub fn rank_stats(f: &Fetched, i: usize, before: &FunctionStats) -> FunctionStats {
    let get = |k: &str| f.values.get(&format!("r{i}_{k}"));
    if get("inv").is_none() {
        return before.clone();
    }
    let sum = |k: &str| get(k).map(|p| total(p.iter().map(|(_, v)| *v)));
    let first = |k: &str| get(k).and_then(|p| p.first().map(|(_, v)| *v));
    FunctionStats {
        invocations: Some(sum("inv").unwrap_or(0.0)),
        errors: Some(sum("err").unwrap_or(0.0)),
        throttles: Some(sum("thr").unwrap_or(0.0)),
        duration_avg_ms: first("avg").map(|v| (v * 100.0).round() / 100.0),
        duration_max_ms: first("max"),
        ranked: true,
        // Cold starts are read for the rows on screen; what was read stays.
        cold: before.cold.clone(),
        cold_pending: before.cold_pending,
        week_ago: before.week_ago.clone(),
        ..Default::default()
    }
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
    let sum = |k: &str| get(k).map(|p| total(p.iter().map(|(_, v)| *v)));
    let max = |k: &str| get(k).map(|p| p.iter().fold(0.0f64, |m, (_, v)| m.max(*v)));
    let inv = series(get("inv"), start, minutes);
    let avg = series(get("avg"), start, minutes);
    let invocations = sum("inv").unwrap_or(0.0);
    // Invocation-weighted, as the snapshot contract defines it.
    let weighted = total(inv.0.iter().zip(&avg.0).map(|(i, a)| *i as f64 * *a as f64));
    let has_duration = get("avg").is_some_and(|p| !p.is_empty());
    let duration_avg_ms = if has_duration && invocations > 0.0 {
        Some((weighted / invocations * 100.0).round() / 100.0)
    } else if has_duration {
        // Duration without invocations in the same minutes: fall back to the plain mean.
        get("avg").map(|p| total(p.iter().map(|(_, v)| *v)) / p.len() as f64)
    } else {
        None
    };
    FunctionStats {
        invocations: Some(invocations),
        errors: Some(sum("err").unwrap_or(0.0)),
        throttles: Some(sum("thr").unwrap_or(0.0)),
        duration_avg_ms,
        duration_max_ms: if has_duration { max("max") } else { None },
        duration_pct_ms: if percentile_ok {
            get("pct").and_then(|p| p.first().map(|(_, v)| *v))
        } else {
            None
        },
        concurrent_max: Some(max("conc").unwrap_or(0.0)),
        cold: None,
        pending: false,
        pct_pending: false,
        ranked: false,
        // Read with the logs that follow, unless this refresh skips them.
        cold_pending: false,
        series: Some(Box::new(FunctionSeries {
            start: Some(start),
            errors: series(get("err"), start, minutes),
            duration_max_ms: series(get("max"), start, minutes),
            invocations: inv,
            duration_avg_ms: avg,
            cold_starts: Series::default(),
        })),
        // Read on their own schedule (`baseline::REFRESH`) and attached by the fetch.
        week_ago: None,
        week_series: None,
        // Read in the same call, where a detector exists (`band_stats`).
        band: None,
    }
}

/// The figures an anomaly detector can stand in for last week with: the
/// screen's query key, the metric and statistic a detector must have, and
/// the figure's key in the snapshot's `metrics`.
const BANDED: [(&str, &str, &str, &str); 4] = [
    ("inv", "Invocations", "Sum", "invocations"),
    ("err", "Errors", "Sum", "errors"),
    ("thr", "Throttles", "Sum", "throttles"),
    ("avg", "Duration", "Average", "duration_avg_ms"),
];

/// The band queries of the screen's functions that have a detector, each
/// placed right after the metric it names (`anomaly::with_bands`):
/// `ANOMALY_DETECTION_BAND(f0_err, 2)` as `f0_berr`.
pub fn with_bands(queries: Vec<Query>, detectors: &std::collections::BTreeSet<Detector>) -> Vec<Query> {
    crate::aws::anomaly::with_bands(queries, detectors, |q| {
        let (f, key) = q.id.split_once('_')?;
        (f.starts_with('f') && BANDED.iter().any(|(k, ..)| *k == key)).then(|| format!("{f}_b{key}"))
    })
}

/// Function `i`'s band edges from a fetch with `with_bands`; `None` when
/// no band was asked or none answered with a point.
pub fn band_stats(f: &Fetched, i: usize, start: DateTime<Utc>, minutes: u32) -> Option<Band> {
    let upper = |key: &str| f.values.get(&format!("f{i}_b{key}")).map(|p| upper_edges(p)).filter(|e| !e.is_empty());
    let sum = |key: &str| upper(key).map(|e| total(e.values().copied()));
    let inv = series(f.values.get(&format!("f{i}_inv")), start, minutes);
    // Weighted by each minute's invocations, as `duration_avg_ms` is; the
    // plain mean when none ran in the minutes it has.
    let avg = upper("avg").map(|e| {
        let weight = |at: &DateTime<Utc>| {
            let m = (*at - start).num_minutes();
            usize::try_from(m).ok().and_then(|m| inv.0.get(m)).map_or(0.0, |v| *v as f64)
        };
        let calls = total(e.keys().map(weight));
        let mean = if calls > 0.0 {
            total(e.iter().map(|(at, v)| weight(at) * v)) / calls
        } else {
            total(e.values().copied()) / e.len() as f64
        };
        (mean * 100.0).round() / 100.0
    });
    let b = Band {
        invocations: sum("inv"),
        errors: sum("err"),
        throttles: sum("thr"),
        duration_avg_ms: avg,
    };
    (b != Band::default()).then_some(b)
}

/// What a function's week-ago figures cost each time they are read.
pub const WEEK_QUERIES_PER_FUNCTION: usize = WEEK.len();

const WEEK: [(&str, &'static str, &str); 4] = [
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("thr", "Throttles", "Sum"),
    ("avg", "Duration", "Average"),
];

/// Four queries a function, each one window-long point, asked over the
/// window seven days earlier; their ids (`w0_inv`) meet no other room's.
pub fn week_queries(names: &[&str], window_minutes: u32) -> Vec<Query> {
    window_points('w', &WEEK, names, window_minutes)
}

/// Function `i`'s week-ago figures from a fetch of `week_queries`; `None`
/// when they were not read (failed, or held back by the budget).
pub fn week_stats(f: &Fetched, i: usize) -> Option<WeekAgo> {
    let get = |k: &str| f.values.get(&format!("w{i}_{k}"));
    let sum = |k: &str| get(k).map_or(0.0, |p| total(p.iter().map(|(_, v)| *v)));
    get("inv")?;
    let invocations = sum("inv");
    // One window-long point; should CloudWatch split it, their plain mean.
    let avg = get("avg").filter(|p| !p.is_empty()).map(|p| total(p.iter().map(|(_, v)| *v)) / p.len() as f64);
    Some(WeekAgo {
        invocations,
        errors: sum("err"),
        throttles: sum("thr"),
        duration_avg_ms: avg.filter(|_| invocations > 0.0).map(|v| (v * 100.0).round() / 100.0),
    })
}

/// What the open detail's week-ago graphs cost each time they are read.
pub const WEEK_SERIES_QUERIES_PER_FUNCTION: usize = WEEK_SERIES.len();

const WEEK_SERIES: [(&str, &str, &str); 4] = [
    ("inv", "Invocations", "Sum"),
    ("err", "Errors", "Sum"),
    ("avg", "Duration", "Average"),
    ("max", "Duration", "Maximum"),
];

/// Four per-minute queries a function for the graphs of its detail, asked
/// over the window seven days earlier; ids `s0_inv`.
pub fn week_series_queries(names: &[&str]) -> Vec<Query> {
    let mut out = Vec::with_capacity(names.len() * WEEK_SERIES.len());
    for (i, name) in names.iter().enumerate() {
        for (key, metric, stat) in WEEK_SERIES {
            out.push(Query {
                id: format!("s{i}_{key}"),
                namespace: "AWS/Lambda",
                metric,
                dims: vec![("FunctionName", name.to_string())],
                stat: stat.into(),
                period_s: 60,
                optional: false,
            });
        }
    }
    out
}

/// Function `i`'s per-minute figures from a fetch of `week_series_queries`
/// over the window that starts at `start` (a week ago); `None` when not read.
pub fn week_series(f: &Fetched, i: usize, start: DateTime<Utc>, minutes: u32) -> Option<FunctionSeries> {
    let get = |k: &str| f.values.get(&format!("s{i}_{k}"));
    get("inv")?;
    Some(FunctionSeries {
        start: Some(start),
        invocations: series(get("inv"), start, minutes),
        errors: series(get("err"), start, minutes),
        duration_avg_ms: series(get("avg"), start, minutes),
        duration_max_ms: series(get("max"), start, minutes),
        cold_starts: Series::default(),
    })
}

pub fn totals(f: &Fetched) -> Option<LambdaTotals> {
    let sum = |k: &str| {
        f.values
            .get(k)
            .map(|p| total(p.iter().map(|(_, v)| *v)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::cloudwatch::MAX_QUERIES;
    use chrono::Duration;

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
    fn no_datapoints_sum_to_positive_zero() {
        let start: DateTime<Utc> = "2026-11-22T13:00:00Z".parse().unwrap();
        let mut f = Fetched::default();
        for k in ["inv", "err", "thr", "conc", "avg", "max"] {
            f.values.insert(format!("f0_{k}"), vec![]);
            f.values.insert(format!("r0_{k}"), vec![]);
        }
        f.values.insert("acct_inv".into(), vec![]);
        let s = function_stats(&f, 0, start, 5, false);
        let r = rank_stats(&f, 0, &FunctionStats::default());
        let t = totals(&f).unwrap();
        for (what, v) in [
            ("invocations", s.invocations),
            ("errors", s.errors),
            ("throttles", s.throttles),
            ("ranked invocations", r.invocations),
            ("ranked errors", r.errors),
            ("account invocations", Some(t.invocations)),
        ] {
            let v = v.unwrap();
            assert!(v == 0.0 && v.is_sign_positive(), "{what} is {v:?}");
        }
        assert!(Series(vec![]).sum().is_sign_positive());
    }

    #[test]
    fn ranking_reads_five_window_points_and_keeps_what_it_did_not_ask() {
        let q = rank_queries(&["a", "b"], 60);
        assert_eq!(q.len(), 2 * RANK_QUERIES_PER_FUNCTION);
        assert!(q.iter().all(|q| q.period_s == 3600 && !q.optional));
        let start: DateTime<Utc> = "2026-11-22T13:00:00Z".parse().unwrap();
        let mut f = Fetched::default();
        f.values.insert("r0_inv".into(), vec![(start, 120.0)]);
        f.values.insert("r0_err".into(), vec![]);
        f.values.insert("r0_avg".into(), vec![(start, 41.234)]);
        let before = FunctionStats {
            concurrent_max: Some(3.0),
            cold_pending: true,
            ..Default::default()
        };
        let s = rank_stats(&f, 0, &before);
        assert_eq!(s.invocations, Some(120.0));
        assert_eq!(s.errors, Some(0.0), "asked, and nothing happened: zero");
        assert_eq!(s.duration_avg_ms, Some(41.23));
        assert_eq!(s.duration_max_ms, None);
        assert!(s.ranked && s.cold_pending && s.concurrent_max.is_none());
        // Not asked (held back by the budget): what was known stays.
        assert_eq!(rank_stats(&f, 1, &before), before);
    }

    #[test]
    fn week_ago_is_read_or_none_never_zero() {
        let q = week_queries(&["a", "b"], 60);
        assert_eq!(q.len(), 2 * WEEK_QUERIES_PER_FUNCTION);
        assert!(q.iter().all(|q| q.period_s == 3600 && q.id.starts_with('w')));
        let start: DateTime<Utc> = "2026-11-15T13:00:00Z".parse().unwrap();
        let mut f = Fetched::default();
        f.values.insert("w0_inv".into(), vec![(start, 300.0)]);
        f.values.insert("w0_err".into(), vec![(start, 2.0)]);
        f.values.insert("w0_avg".into(), vec![(start, 41.234)]);
        f.values.insert("w1_inv".into(), vec![]);
        let a = week_stats(&f, 0).unwrap();
        assert_eq!((a.invocations, a.errors, a.throttles, a.duration_avg_ms), (300.0, 2.0, 0.0, Some(41.23)));
        // Asked, and nothing ran last week: zeros, no duration.
        let b = week_stats(&f, 1).unwrap();
        assert_eq!((b.invocations, b.duration_avg_ms), (0.0, None));
        // Not asked: unknown.
        assert_eq!(week_stats(&f, 2), None);
    }

    #[test]
    fn a_band_follows_its_metric_and_its_upper_edges_are_summed_per_minute() {
        let det = |f: &str, m: &str, s: &str| Detector::new("AWS/Lambda", m, s, &[("FunctionName", f)]);
        // `b` has a detector of its Errors; a p99 detector has no figure here.
        let detectors = [det("b", "Errors", "Sum"), det("b", "Duration", "p99"), det("gone", "Errors", "Sum")].into_iter().collect();
        let q = with_bands(lambda_queries(&["a", "b"], 60, None), &detectors);
        let ids: Vec<&str> = q.iter().map(|q| q.id.as_str()).collect();
        let at = ids.iter().position(|i| *i == "f1_err").unwrap();
        assert_eq!(ids[at + 1], "f1_berr");
        assert_eq!(q[at + 1].stat, "ANOMALY_DETECTION_BAND(f1_err, 2)");
        assert_eq!(q.iter().filter(|q| q.is_expression()).count(), 1);
        assert_eq!(q.len(), lambda_queries(&["a", "b"], 60, None).len() + 1);

        let start: DateTime<Utc> = "2026-11-22T13:00:00Z".parse().unwrap();
        let t = |m| start + Duration::minutes(m);
        let mut f = Fetched::default();
        f.values.insert("f1_inv".into(), vec![(t(0), 10.0), (t(1), 30.0)]);
        // Both edges under one id, in either order.
        f.values.insert("f1_berr".into(), vec![(t(0), 2.5), (t(0), 0.0), (t(1), 0.0), (t(1), 1.5)]);
        f.values.insert("f1_bavg".into(), vec![(t(0), 100.0), (t(0), 10.0), (t(1), 200.0), (t(1), 20.0)]);
        f.values.insert("f0_berr".into(), vec![]);
        let b = band_stats(&f, 1, start, 60).unwrap();
        assert_eq!((b.errors, b.invocations, b.throttles), (Some(4.0), None, None));
        assert_eq!(b.duration_avg_ms, Some(175.0));
        // Asked and answered with nothing, or not asked: no band, never zero.
        assert_eq!(band_stats(&f, 0, start, 60), None);
        assert_eq!(band_stats(&f, 2, start, 60), None);
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
        assert_eq!(s.duration_pct_ms, Some(850.0));
        assert_eq!(s.series.as_ref().unwrap().invocations.0[1], 30.0);
        // A function CloudWatch was never asked about is unknown, not zero.
        assert_eq!(function_stats(&f, 1, start, 60, true).invocations, None);
        assert_eq!(
            function_stats(&f, 0, start, 60, false).duration_pct_ms,
            None
        );
    }
}
