//! One function's REPORT records over the metrics window: records and cold
//! starts per minute, and the cold starts themselves for the detail view.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use super::{parse, Parsed, Report};
use crate::services::lambda::domain::{ColdStartEvent, ColdStarts};
use crate::series::{percentile, Series};

/// How many recent cold starts the detail view lists.
pub const RECENT: usize = 10;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// minute (seconds since the epoch / 60) -> (REPORT records, cold starts)
    minutes: BTreeMap<i64, (u64, u64)>,
    events: Vec<ColdStartEvent>,
    pub unparsed: u64,
}

fn minute(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

impl Tally {
    /// One log line: REPORT records count, cold ones also as cold starts;
    /// anything else is ignored, and broken REPORT lines are counted as unparsed.
    pub fn add_line(&mut self, at: DateTime<Utc>, line: &str) {
        match parse(line) {
            Parsed::Report(r) => {
                self.minutes.entry(minute(at)).or_default().0 += 1;
                if r.is_cold() {
                    self.add_cold(at, &r);
                }
            }
            Parsed::NotReport => {}
            Parsed::Malformed => self.unparsed += 1,
        }
    }

    /// REPORT records counted elsewhere (a Logs Insights `stats count(*)`).
    pub fn add_records(&mut self, at: DateTime<Utc>, records: u64) {
        self.minutes.entry(minute(at)).or_default().0 += records;
    }

    /// A cold start whose record was already counted by `add_records`.
    pub fn add_cold(&mut self, at: DateTime<Utc>, r: &Report) {
        let Some(init_ms) = r.cold_start_ms() else {
            return;
        };
        self.minutes.entry(minute(at)).or_default().1 += 1;
        self.events.push(ColdStartEvent {
            at,
            request_id: r.request_id.clone(),
            init_ms,
            restore: r.restore_ms.is_some(),
        });
    }

    /// Forget everything before `start`.
    pub fn prune(&mut self, start: DateTime<Utc>) {
        let first = minute(start);
        self.minutes = self.minutes.split_off(&first);
        self.events.retain(|e| e.at >= start);
    }

    /// The window's cold starts and their per-minute series, oldest minute first.
    pub fn summary(&self, start: DateTime<Utc>, minutes: u32) -> (ColdStarts, Series) {
        let first = minute(start);
        let mut series = vec![0f32; minutes as usize];
        let (mut records, mut count) = (0u64, 0u64);
        for (m, (r, c)) in self.minutes.range(first..first + minutes as i64) {
            records += r;
            count += c;
            series[(m - first) as usize] = *c as f32;
        }
        let mut inits: Vec<f64> = self
            .events
            .iter()
            .filter(|e| e.at >= start)
            .map(|e| e.init_ms)
            .collect();
        let mut recent: Vec<ColdStartEvent> = self
            .events
            .iter()
            .filter(|e| e.at >= start)
            .cloned()
            .collect();
        recent.sort_by_key(|e| std::cmp::Reverse(e.at));
        recent.truncate(RECENT);
        let series = Series(series);
        let cold = ColdStarts {
            count,
            records,
            init_max_ms: inits.iter().copied().reduce(f64::max),
            init_p50_ms: percentile(&mut inits, 50.0),
            spike: spike(&series),
            recent,
            unparsed: self.unparsed,
        };
        (cold, series)
    }
}

/// A spike: the newest five minutes hold at least three cold starts and at
/// least three times the window's five-minute mean.
pub fn spike(cold: &Series) -> bool {
    let n = cold.0.len();
    if n < 10 {
        return false;
    }
    let recent: f64 = cold.0[n - 5..].iter().map(|v| *v as f64).sum();
    let mean5 = cold.sum() / (n as f64 / 5.0);
    recent >= 3.0 && recent >= 3.0 * mean5
}

/// Milliseconds since the epoch, as CloudWatch Logs writes them.
pub fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(ms).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn counts_records_cold_starts_and_init_durations() {
        let mut tally = Tally::default();
        tally.add_line(t("2026-11-22T14:00:05Z"), "REPORT RequestId: a\tDuration: 10.0 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 200.0 ms");
        tally.add_line(t("2026-11-22T14:00:30Z"), "REPORT RequestId: b\tDuration: 10.0 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB");
        tally.add_line(
            t("2026-11-22T14:01:00Z"),
            "START RequestId: c Version: $LATEST",
        );
        tally.add_line(
            t("2026-11-22T14:02:00Z"),
            "REPORT RequestId: d\tDuration: 5.0 ms\tRestore Duration: 300.0 ms",
        );
        tally.add_line(
            t("2026-11-22T14:02:10Z"),
            "REPORT RequestId: e\tDuration: oops",
        );
        tally.add_records(t("2026-11-22T14:03:00Z"), 7);
        let (c, s) = tally.summary(t("2026-11-22T14:00:00Z"), 5);
        assert_eq!((c.count, c.records, c.unparsed), (2, 10, 1));
        // A restore counts its Restore Duration alone, like an Init Duration.
        assert_eq!(c.init_max_ms, Some(300.0));
        assert_eq!(c.init_p50_ms, Some(200.0));
        assert_eq!(c.recent[0].request_id, "d");
        assert!(c.recent[0].restore);
        assert_eq!(s.0, vec![1.0, 0.0, 1.0, 0.0, 0.0]);
        assert!((c.rate_pct().unwrap() - 20.0).abs() < 1e-9);
        // Later windows drop what fell out.
        tally.prune(t("2026-11-22T14:01:00Z"));
        let (c, _) = tally.summary(t("2026-11-22T14:01:00Z"), 5);
        assert_eq!((c.count, c.records), (1, 8));
    }

    #[test]
    fn spikes_need_volume_and_contrast() {
        let mut s = vec![0f32; 60];
        assert!(!spike(&Series(s.clone())));
        s[58] = 4.0;
        assert!(spike(&Series(s.clone())));
        let flat = Series(vec![1.0; 60]);
        assert!(!spike(&flat));
    }
}
