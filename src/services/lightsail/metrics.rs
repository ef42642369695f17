//! From GetInstanceMetricData's five-minute datapoints to the figures and
//! graphs an instance shows. What was not read stays `None`, never 0.

use chrono::{DateTime, Duration, Utc};

use super::domain::{InstanceMetrics, InstanceSeries};
use crate::aws::cloudwatch::Points;
use crate::series::Series;

/// Lightsail's resolution for CPU and burst capacity (status checks are
/// per minute, summed per period here).
pub const PERIOD_S: i32 = 300;
const PERIOD_MIN: i64 = (PERIOD_S / 60) as i64;

/// Per-minute values over `minutes` from `start`: each minute shows the
/// datapoint of the period that holds it. Lightsail publishes a period a few
/// minutes after it ends, so the newest minutes hold the period before for
/// one period more; past that, and before the first datapoint, they are 0.
pub fn held(points: &Points, start: DateTime<Utc>, minutes: u32) -> Series {
    let mut sorted = points.clone();
    sorted.sort_by_key(|(t, _)| *t);
    let mut out = vec![0f32; minutes as usize];
    let mut next = 0;
    let mut current: Option<(DateTime<Utc>, f64)> = None;
    for (k, slot) in out.iter_mut().enumerate() {
        let at = start + Duration::minutes(k as i64);
        while next < sorted.len() && sorted[next].0 <= at {
            current = Some(sorted[next]);
            next += 1;
        }
        if let Some((t, v)) = current {
            if (at - t).num_minutes() < 2 * PERIOD_MIN {
                *slot = v as f32;
            }
        }
    }
    Series(out)
}

fn latest(p: &Points) -> Option<f64> {
    p.iter().max_by_key(|(t, _)| *t).map(|(_, v)| *v)
}

pub fn mean(p: &Points) -> Option<f64> {
    (!p.is_empty()).then(|| crate::series::total(p.iter().map(|(_, v)| *v)) / p.len() as f64)
}

fn sum(p: &Points) -> Option<f64> {
    (!p.is_empty()).then(|| crate::series::total(p.iter().map(|(_, v)| *v)))
}

/// The figures of one instance from what each call returned (`None`: that
/// call failed). `read_at` is set when any call answered.
pub fn summarize(
    cpu: Option<&Points>,
    burst: Option<&Points>,
    checks: Option<&Points>,
    start: DateTime<Utc>,
    minutes: u32,
    now: DateTime<Utc>,
) -> InstanceMetrics {
    let answered = cpu.is_some() || burst.is_some() || checks.is_some();
    let graphed = cpu.is_some_and(|p| !p.is_empty()) || burst.is_some_and(|p| !p.is_empty());
    let empty = Points::new();
    InstanceMetrics {
        pending: false,
        cpu_pct: cpu.and_then(mean),
        burst_capacity_pct: burst.and_then(latest),
        status_check_failed: checks.and_then(sum),
        read_at: answered.then_some(now),
        series: graphed.then(|| InstanceSeries {
            start: Some(start),
            cpu: held(cpu.unwrap_or(&empty), start, minutes),
            burst: held(burst.unwrap_or(&empty), start, minutes),
        }),
        week_ago: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> DateTime<Utc> {
        "2026-11-22T13:00:00Z".parse().unwrap()
    }

    fn at(m: i64) -> DateTime<Utc> {
        start() + Duration::minutes(m)
    }

    #[test]
    fn five_minute_points_hold_their_period_and_one_more_at_most() {
        let p = vec![(at(5), 40.0), (at(0), 10.0), (at(10), 80.0)];
        let s = held(&p, start(), 30);
        assert_eq!(&s.0[0..5], &[10.0; 5]);
        assert_eq!(&s.0[5..10], &[40.0; 5]);
        // The newest period stands in for the unpublished one after it...
        assert_eq!(&s.0[10..20], &[80.0; 10]);
        // ...and no longer.
        assert_eq!(&s.0[20..30], &[0.0; 10]);
        // A point before the window still covers the window's first minutes.
        let s = held(&vec![(at(-2), 7.0)], start(), 10);
        assert_eq!(s.0[0], 7.0);
        assert_eq!(s.0[8], 0.0);
    }

    #[test]
    fn figures_are_mean_latest_and_sum_and_failed_calls_stay_unread() {
        let cpu = vec![(at(0), 10.0), (at(5), 30.0)];
        let burst = vec![(at(5), 3.0), (at(0), 9.0)];
        let checks = vec![(at(0), 0.0), (at(5), 2.0)];
        let now = at(12);
        let m = summarize(Some(&cpu), Some(&burst), Some(&checks), start(), 60, now);
        assert_eq!(m.cpu_pct, Some(20.0));
        assert_eq!(m.burst_capacity_pct, Some(3.0));
        assert_eq!(m.status_check_failed, Some(2.0));
        assert_eq!(m.read_at, Some(now));
        assert_eq!(m.series.as_ref().unwrap().cpu.0.len(), 60);
        // The burst call failed: its figure is unread, the others stand.
        let m = summarize(Some(&cpu), None, Some(&checks), start(), 60, now);
        assert_eq!(m.burst_capacity_pct, None);
        assert_eq!(m.cpu_pct, Some(20.0));
        // Every call failed: nothing read at all.
        assert_eq!(summarize(None, None, None, start(), 60, now), InstanceMetrics::default());
        // A stopped instance answers with nothing: read, but no figures.
        let none = Points::new();
        let m = summarize(Some(&none), Some(&none), Some(&none), start(), 60, now);
        assert_eq!((m.cpu_pct, m.burst_capacity_pct, m.status_check_failed), (None, None, None));
        assert!(m.read_at.is_some() && m.series.is_none());
    }
}
