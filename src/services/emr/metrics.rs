//! A cluster's YARN metrics (AWS/ElasticMapReduce, JobFlowId), published
//! every five minutes: one GetMetricData call for every cluster of a region.
//! IsIdle is read over the last day, so that "idle for how long" is known
//! beyond the window; the rest are the latest values and the window's
//! five-minute history.

use chrono::{DateTime, Duration, Utc};

use super::domain::{EmrBand, EmrMetrics, EmrSeries, EmrWeekAgo};
use crate::aws::cloudwatch::{Fetched, Points, Query};
use crate::series::Series;

/// EMR's resolution.
pub const PERIOD_S: i32 = 300;

/// How far back IsIdle is read: an idle streak longer than this is "a day or more".
pub const IDLE_LOOKBACK_MINUTES: u32 = 24 * 60;

const METRICS: [(&str, &str, &str); 6] = [
    ("idle", "IsIdle", "Average"),
    ("run", "AppsRunning", "Average"),
    ("pend", "AppsPending", "Average"),
    ("cpr", "ContainerPendingRatio", "Average"),
    ("yarn", "YARNMemoryAvailablePercentage", "Average"),
    ("hdfs", "HDFSUtilization", "Average"),
];

pub const PER_CLUSTER: usize = METRICS.len();

pub fn queries(ids: &[&str]) -> Vec<Query> {
    let mut out = Vec::with_capacity(ids.len() * PER_CLUSTER);
    for (i, id) in ids.iter().enumerate() {
        for (key, metric, stat) in METRICS {
            out.push(Query {
                id: format!("c{i}_{key}"),
                namespace: "AWS/ElasticMapReduce",
                metric,
                dims: vec![("JobFlowId", id.to_string())],
                stat: stat.into(),
                period_s: PERIOD_S,
                optional: false,
            });
        }
    }
    out
}

/// Minutes of the newest unbroken run of idle points; `None` when IsIdle
/// was not published. A gap in the points ends the run: missing is not idle.
pub fn idle_minutes(points: &Points) -> Option<u32> {
    let mut p: Vec<&(DateTime<Utc>, f64)> = points.iter().collect();
    if p.is_empty() {
        return None;
    }
    p.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    let step = Duration::seconds(PERIOD_S as i64);
    let mut run = 0u32;
    let mut expect: Option<DateTime<Utc>> = None;
    for (t, v) in p {
        if *v < 1.0 || expect.is_some_and(|e| *t < e - step) {
            break;
        }
        run += 1;
        expect = Some(*t);
    }
    Some(run * PERIOD_S as u32 / 60)
}

/// The window a minute a slot, like every other room's graphs: each
/// five-minute point holds the five minutes it covers.
pub fn slots(points: Option<&Points>, end: DateTime<Utc>, window_min: u32) -> Series {
    let n = window_min.max(1) as usize;
    let start = end - Duration::minutes(window_min as i64);
    let mut s = vec![0f32; n];
    let per = PERIOD_S as i64 / 60;
    for (t, v) in points.into_iter().flatten() {
        let first = (*t - start).num_minutes();
        for i in first..first + per {
            if (0..n as i64).contains(&i) {
                s[i as usize] = *v as f32;
            }
        }
    }
    Series(s)
}

/// Cluster `i`'s figures from a fetch ending at `end`.
pub fn stats(f: &Fetched, i: usize, end: DateTime<Utc>, window_min: u32) -> EmrMetrics {
    let get = |k: &str| f.values.get(&format!("c{i}_{k}")).filter(|p| !p.is_empty());
    let latest = |k: &str| get(k).and_then(|p| p.iter().max_by_key(|(t, _)| *t).map(|(_, v)| *v));
    let published = get("idle").is_some() || get("run").is_some();
    EmrMetrics {
        pending: false,
        is_idle: latest("idle").map(|v| v >= 1.0),
        idle_minutes: get("idle").and_then(idle_minutes),
        apps_running: latest("run"),
        apps_pending: latest("pend"),
        container_pending_ratio: latest("cpr"),
        yarn_memory_available_pct: latest("yarn"),
        hdfs_utilization_pct: latest("hdfs"),
        series: published.then(|| EmrSeries {
            start: Some(end - Duration::minutes(window_min as i64)),
            apps_running: slots(get("run"), end, window_min),
            apps_pending: slots(get("pend"), end, window_min),
            yarn_memory_available_pct: slots(get("yarn"), end, window_min),
            idle: slots(get("idle"), end, window_min),
        }),
        week_ago: None,
        band: band(f, i),
    }
}

/// The clusters' band queries (`anomaly::with_bands`) for applications
/// running and pending where a detector exists: `c0_brun` after `c0_run`.
pub fn with_bands(queries: Vec<Query>, detectors: &std::collections::BTreeSet<crate::aws::anomaly::Detector>) -> Vec<Query> {
    crate::aws::anomaly::with_bands(queries, detectors, |q| {
        let (c, key) = q.id.split_once('_')?;
        ["run", "pend"].contains(&key).then(|| format!("{c}_b{key}"))
    })
}

/// Cluster `i`'s band edges at the five minutes its figures are of; `None`
/// when no band was asked or none answered.
fn band(f: &Fetched, i: usize) -> Option<EmrBand> {
    let upper = |key: &str| {
        let at = f.values.get(&format!("c{i}_{key}"))?.iter().map(|(t, _)| *t).max()?;
        crate::aws::cloudwatch::upper_edges(f.values.get(&format!("c{i}_b{key}"))?).get(&at).copied()
    };
    let b = EmrBand { apps_running: upper("run"), apps_pending: upper("pend") };
    (b != EmrBand::default()).then_some(b)
}

/// What a cluster's week-ago figures cost each time they are read.
pub const WEEK_PER_CLUSTER: usize = 2;

/// Applications running and pending over the window seven days earlier,
/// five-minute points as now; ids `w{i}_run`, `w{i}_pend`.
pub fn week_queries(ids: &[&str]) -> Vec<Query> {
    let mut out = Vec::with_capacity(ids.len() * WEEK_PER_CLUSTER);
    for (i, id) in ids.iter().enumerate() {
        for (key, metric, stat) in METRICS.iter().filter(|(k, ..)| matches!(*k, "run" | "pend")) {
            out.push(Query {
                id: format!("w{i}_{key}"),
                namespace: "AWS/ElasticMapReduce",
                metric,
                dims: vec![("JobFlowId", id.to_string())],
                stat: (*stat).into(),
                period_s: PERIOD_S,
                optional: false,
            });
        }
    }
    out
}

/// Cluster `i`'s week-ago figures from a fetch of `week_queries`; `None`
/// when they were not asked (held back by the budget).
pub fn week_stats(f: &Fetched, i: usize) -> Option<EmrWeekAgo> {
    let get = |k: &str| f.values.get(&format!("w{i}_{k}"));
    let latest = |k: &str| get(k).and_then(|p| p.iter().max_by_key(|(t, _)| *t).map(|(_, v)| *v));
    get("run")?;
    Some(EmrWeekAgo { apps_running: latest("run"), apps_pending: latest("pend") })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(m: i64) -> DateTime<Utc> {
        "2026-11-22T14:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(m)
    }

    #[test]
    fn a_band_follows_its_detectors_metric_and_its_edge_is_the_newest_points() {
        use crate::aws::anomaly::Detector;
        let d = [Detector::new("AWS/ElasticMapReduce", "AppsPending", "Average", &[("JobFlowId", "j-2")])].into();
        let q = with_bands(queries(&["j-1", "j-2"]), &d);
        let ids: Vec<&str> = q.iter().map(|q| q.id.as_str()).collect();
        let at_pend = ids.iter().position(|i| *i == "c1_pend").unwrap();
        assert_eq!((ids[at_pend + 1], q[at_pend + 1].stat.as_str()), ("c1_bpend", "ANOMALY_DETECTION_BAND(c1_pend, 2)"));
        assert_eq!(q.len(), 2 * PER_CLUSTER + 1);
        let mut f = Fetched::default();
        f.values.insert("c1_pend".into(), vec![(at(-5), 2.0), (at(0), 9.0)]);
        // Both edges of each point under one id; the newest point's upper edge counts.
        f.values.insert("c1_bpend".into(), vec![(at(-5), 6.0), (at(-5), 0.0), (at(0), 0.5), (at(0), 4.0)]);
        f.values.insert("c0_pend".into(), vec![(at(0), 1.0)]);
        let m = stats(&f, 1, at(0), 60);
        assert_eq!(m.band, Some(EmrBand { apps_running: None, apps_pending: Some(4.0) }));
        // No band asked: none, never zero.
        assert_eq!(stats(&f, 0, at(0), 60).band, None);
    }

    #[test]
    fn the_idle_streak_is_the_newest_unbroken_run() {
        // Busy until 13:00, idle since: 13:05 … 14:00 is twelve points, an hour.
        let mut p: Points = (-120..=-60).step_by(5).map(|m| (at(m), 0.0)).collect();
        p.extend((-55..=0).step_by(5).map(|m| (at(m), 1.0)));
        assert_eq!(idle_minutes(&p), Some(60));
        // Busy now: no streak.
        p.push((at(5), 0.0));
        assert_eq!(idle_minutes(&p), Some(0));
        // A gap ends the run: 20 minutes with no point is not idle.
        let gap: Points = vec![(at(0), 1.0), (at(-5), 1.0), (at(-30), 1.0)];
        assert_eq!(idle_minutes(&gap), Some(10));
        assert_eq!(idle_minutes(&vec![]), None);
    }

    #[test]
    fn unpublished_is_none_and_the_window_is_in_five_minute_slots() {
        let mut f = Fetched::default();
        f.values.insert("c0_idle".into(), vec![(at(-5), 1.0), (at(0), 1.0)]);
        f.values.insert("c0_run".into(), vec![(at(-5), 0.0), (at(0), 0.0)]);
        let m = stats(&f, 0, at(5), 60);
        assert_eq!(m.is_idle, Some(true));
        assert_eq!(m.idle_minutes, Some(10));
        assert_eq!(m.apps_running, Some(0.0));
        assert_eq!(m.yarn_memory_available_pct, None);
        let idle = m.series.unwrap().idle;
        assert_eq!(idle.0.len(), 60);
        // 13:55 and 14:00 cover the window's last ten minutes, 14:05 excluded.
        assert_eq!(idle.0.iter().filter(|v| **v == 1.0).count(), 10, "{idle:?}");
        assert_eq!(stats(&f, 1, at(5), 60), EmrMetrics::default());
        assert_eq!(queries(&["j-1", "j-2"]).len(), 2 * PER_CLUSTER);
        // Last week's: two figures a cluster, the newest point; unasked is unread.
        let q = week_queries(&["j-1"]);
        assert_eq!(q.iter().map(|q| q.metric).collect::<Vec<_>>(), ["AppsRunning", "AppsPending"]);
        f.values.insert("w0_run".into(), vec![(at(-5), 3.0), (at(0), 5.0)]);
        f.values.insert("w0_pend".into(), vec![]);
        assert_eq!(week_stats(&f, 0), Some(EmrWeekAgo { apps_running: Some(5.0), apps_pending: None }));
        assert_eq!(week_stats(&f, 1), None);
    }
}
