//! The rule that names a change as the suspect of a rise (docs/changes.md):
//!
//! - *before* is the median of the per-minute values in the 15 minutes
//!   before the change's minute (at least 3 of them read);
//! - the *rise* is the first minute, from the change's minute to 15 minutes
//!   after it, whose value is at least 3× *before* and at least the metric's
//!   floor, followed by at least one more at that level within the next 5
//!   read (one odd minute is not a rise); *after* is the mean of those 5;
//! - a minute of the 15 before the change already at that level means the
//!   rise (or another one) came first: the change is not blamed.
//!
//! The median keeps one noisy minute from hiding a rise; the floor keeps
//! 0 → 1 error from reading as infinitely many times more.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Minutes looked at on each side of a change.
pub const SPAN_MIN: i64 = 15;
/// How many times *before* a minute must reach to be a rise.
pub const FACTOR: f64 = 3.0;
/// Minutes of *before* needed to say anything.
pub const BEFORE_NEEDED: usize = 3;
/// Minutes averaged into *after*, from the rise's first.
pub const AFTER_MIN: usize = 5;
/// Minutes of those at the risen level, at least.
pub const RISEN_MIN: usize = 2;

/// A rise after a change, per minute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rise {
    pub before: f64,
    pub after: f64,
    /// The rise's first minute.
    pub at: DateTime<Utc>,
}

/// The change a rise is laid on, as the snapshot says it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuspectChange {
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: Option<String>,
}

/// A change named as the likely cause of a metric's rise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suspect {
    pub service: String,
    pub resource: String,
    /// The measure that rose (`error_rate_pct`).
    pub metric: String,
    pub before: f64,
    pub after: f64,
    pub change: SuspectChange,
}

impl Suspect {
    /// The change `c` named as the suspect of `rise` in `metric`.
    pub fn of(c: &super::Change, metric: &str, rise: &Rise) -> Suspect {
        Suspect {
            service: c.service.clone(),
            resource: c.resource.clone(),
            metric: metric.into(),
            before: rise.before,
            after: rise.after,
            change: SuspectChange {
                at: c.at,
                action: c.action.clone(),
                actor: c.actor.clone(),
            },
        }
    }
}

/// Whether `values` (one a minute from `start`, `None` where nothing was
/// read) rose after a change at `at` by the rule above, with `floor` the
/// least value that counts as risen.
pub fn rose_after(start: DateTime<Utc>, values: &[Option<f64>], at: DateTime<Utc>, floor: f64) -> Option<Rise> {
    let minute = (at - start).num_minutes();
    if at < start || minute >= values.len() as i64 {
        return None;
    }
    let minute = minute as usize;
    let from = minute.saturating_sub(SPAN_MIN as usize);
    let mut before: Vec<f64> = values[from..minute].iter().flatten().copied().collect();
    if before.len() < BEFORE_NEEDED {
        return None;
    }
    let base = crate::series::percentile(&mut before, 50.0)?;
    let level = (base * FACTOR).max(floor);
    if before.iter().any(|v| *v >= level) {
        return None;
    }
    let end = (minute + SPAN_MIN as usize + 1).min(values.len());
    let first = (minute..end).find(|i| values[*i].is_some_and(|v| v >= level))?;
    let after: Vec<f64> = values[first..].iter().flatten().take(AFTER_MIN).copied().collect();
    let mean = after.iter().sum::<f64>() / after.len() as f64;
    let risen = after.iter().filter(|v| **v >= level).count();
    (mean >= level && risen >= RISEN_MIN).then(|| Rise {
        before: round2(base),
        after: round2(mean),
        at: start + chrono::Duration::minutes(first as i64),
    })
}

/// Events (a crashed task, a failed job) in the `span` minutes up to each
/// minute, from `SPAN_MIN` minutes before `at`'s minute to the newest
/// event's: the per-minute measure `rose_after` reads for things that are
/// counted rather than published. `None`: no event since that start.
pub fn rolling_counts(times: &[DateTime<Utc>], at: DateTime<Utc>, span: i64) -> Option<(DateTime<Utc>, Vec<Option<f64>>)> {
    use chrono::{Duration, DurationRound};
    let minute = |t: DateTime<Utc>| t.duration_trunc(Duration::minutes(1)).ok();
    let times: Vec<DateTime<Utc>> = times.iter().filter_map(|t| minute(*t)).collect();
    let start = minute(at)? - Duration::minutes(SPAN_MIN);
    let last = *times.iter().max()?;
    if last < start {
        return None;
    }
    let n = (last - start).num_minutes() as usize + 1;
    let values = (0..n)
        .map(|i| {
            let m = start + Duration::minutes(i as i64);
            let from = m - Duration::minutes(span - 1);
            Some(times.iter().filter(|t| **t >= from && **t <= m).count() as f64)
        })
        .collect();
    Some((start, values))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 - 1_800_000_000 % 60 + min * 60, 0).unwrap()
    }

    /// 60 minutes at 0.2, with `high` from minute `from` to `to`.
    fn series(from: usize, to: usize, high: f64) -> Vec<Option<f64>> {
        (0..60).map(|i| Some(if (from..to).contains(&i) { high } else { 0.2 })).collect()
    }

    #[test]
    fn a_rise_within_15_minutes_after_the_change_names_it() {
        let v = series(34, 40, 18.0);
        let r = rose_after(t(0), &v, t(30) + chrono::Duration::seconds(20), 1.0).expect("suspect");
        assert_eq!((r.before, r.after, r.at), (0.2, 18.0, t(34)));
    }

    #[test]
    fn a_rise_before_the_change_does_not() {
        let v = series(28, 40, 18.0);
        assert_eq!(rose_after(t(0), &v, t(30), 1.0), None);
        // Still risen at the change, with most of the 15 minutes before quiet.
        let v = series(29, 40, 18.0);
        assert_eq!(rose_after(t(0), &v, t(30), 1.0), None);
    }

    #[test]
    fn no_rise_or_one_too_late_or_too_small_does_not() {
        assert_eq!(rose_after(t(0), &series(0, 0, 0.0), t(30), 1.0), None);
        // 16 minutes after: outside the span.
        assert_eq!(rose_after(t(0), &series(46, 55, 18.0), t(30), 1.0), None);
        // Three times as many but under the floor.
        assert_eq!(rose_after(t(0), &series(34, 40, 0.9), t(30), 1.0), None);
        // Above the floor but not three times before.
        let mut v = series(34, 40, 5.0);
        for x in v.iter_mut().take(34) {
            *x = Some(2.0);
        }
        assert_eq!(rose_after(t(0), &v, t(30), 1.0), None);
    }

    #[test]
    fn one_minute_spike_is_not_a_rise_and_too_little_history_says_nothing() {
        // Its mean over 5 minutes is still above the level: one minute is not enough.
        let v = series(34, 35, 90.0);
        assert_eq!(rose_after(t(0), &v, t(30), 5.0), None);
        assert!(rose_after(t(0), &series(34, 36, 90.0), t(30), 5.0).is_some());
        assert_eq!(rose_after(t(0), &series(4, 10, 18.0), t(2), 1.0), None);
        let gaps: Vec<Option<f64>> = (0..60).map(|i| (i >= 31).then_some(18.0)).collect();
        assert_eq!(rose_after(t(0), &gaps, t(30), 1.0), None);
    }
}
