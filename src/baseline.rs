//! "Normal for this hour": a figure against the same window seven days
//! earlier, and the rule that calls it unusual (docs/baseline.md).
//!
//! Counts (errors, throttles, invocations) are small numbers on quiet
//! resources, where a plain ratio jumps from 1 to 3 on noise. A count is
//! unusual only when it clears all three bars at once: a floor of its own
//! (a handful of errors is never news), three times last week's count (with
//! last week's taken as at least 1), and a Poisson bound on last week's count
//! (`week + 3·√week`, which is what keeps a busy function's ordinary wobble
//! quiet). Means (duration) need enough calls on both sides, twice last
//! week's value, and a rise in absolute terms. Only rises are unusual: a
//! quieter hour than last week is not what an operator is looking for.

/// How long ago the baseline window lies.
pub const WEEK: chrono::Duration = chrono::Duration::days(7);

/// Week-ago figures change slowly: re-read at most this often.
pub const REFRESH: std::time::Duration = std::time::Duration::from_secs(900);

/// A count is unusual at this many times last week's (floored at 1).
pub const TIMES: f64 = 3.0;
/// …and this many standard deviations above last week's count, as a Poisson mean.
pub const SIGMAS: f64 = 3.0;
/// A mean is unusual at this many times last week's.
pub const MEAN_TIMES: f64 = 2.0;

/// How a figure is judged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// A count over the window; never unusual below `floor`.
    Count { floor: f64 },
    /// A mean (a duration): judged only with `min_calls` calls on both
    /// sides, and only when it rose by at least `min_rise`.
    Mean { min_calls: f64, min_rise: f64 },
    /// A level read at a moment (a utilisation, applications running): no
    /// traffic to weigh it by, so judged whenever both weeks were read;
    /// unusual at `MEAN_TIMES` last week's (taken as at least 1) and at
    /// least `min_rise` above it.
    Level { min_rise: f64 },
}

/// What the comparison says.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Either side was not read: nothing to say (never "0").
    Unread,
    /// Calls now and none in last week's window: nothing to compare with.
    New,
    /// Within what last week makes normal; `ratio` is now ÷ last week when
    /// last week had something to divide by.
    Usual { ratio: Option<f64> },
    Unusual { ratio: f64, why: String },
}

impl Verdict {
    pub fn ratio(&self) -> Option<f64> {
        match self {
            Verdict::Usual { ratio } => *ratio,
            Verdict::Unusual { ratio, .. } => Some(*ratio),
            _ => None,
        }
    }
}

/// One figure now and a week ago. `calls_*` is the resource's traffic in
/// each window (invocations, requests): no traffic last week means "new".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub now: Option<f64>,
    pub week_ago: Option<f64>,
    pub calls_now: Option<f64>,
    pub calls_week_ago: Option<f64>,
}

/// The rule, as docs/baseline.md states it. `what` names the figure in `why`.
pub fn judge(rule: Rule, what: &str, p: Pair) -> Verdict {
    if let Rule::Level { min_rise } = rule {
        let (Some(now), Some(week)) = (p.now, p.week_ago) else {
            return Verdict::Unread;
        };
        let ratio = now / week.max(1.0);
        return if now >= MEAN_TIMES * week.max(1.0) && now - week >= min_rise {
            Verdict::Unusual {
                ratio,
                why: format!("{what} {} against {} a week ago", fig(now), fig(week)),
            }
        } else {
            Verdict::Usual { ratio: (week > 0.0).then_some(ratio) }
        };
    }
    let (Some(now), Some(week), Some(calls_now), Some(calls_week)) = (p.now, p.week_ago, p.calls_now, p.calls_week_ago) else {
        return Verdict::Unread;
    };
    if calls_week <= 0.0 {
        return if calls_now > 0.0 { Verdict::New } else { Verdict::Usual { ratio: None } };
    }
    match rule {
        Rule::Count { floor } => {
            let ratio = now / week.max(1.0);
            let bound = floor.max(TIMES * week.max(1.0)).max(week + SIGMAS * week.sqrt());
            if now >= bound {
                Verdict::Unusual {
                    ratio,
                    why: format!("{what} {} against {} a week ago (at least {} expected to be unusual)", fig(now), fig(week), fig(bound.ceil())),
                }
            } else {
                Verdict::Usual { ratio: (week > 0.0).then_some(ratio) }
            }
        }
        Rule::Level { .. } => Verdict::Unread,
        Rule::Mean { min_calls, min_rise } => {
            if week <= 0.0 {
                return Verdict::Usual { ratio: None };
            }
            let ratio = now / week;
            if calls_now >= min_calls && calls_week >= min_calls && ratio >= MEAN_TIMES && now - week >= min_rise {
                Verdict::Unusual {
                    ratio,
                    why: format!("{what} {} against {} a week ago", fig(now), fig(week)),
                }
            } else {
                Verdict::Usual { ratio: Some(ratio) }
            }
        }
    }
}

/// A count against the anomaly band CloudWatch's own detector drew for it
/// (`upper`, the band's upper edge for the window), used instead of last
/// week's where the account has a detector: unusual above the band and at
/// the count's floor, so that a quiet band's few errors stay quiet. The
/// ratio, for ranking beside week-over-week ones, is to the upper edge
/// (taken as at least 1).
pub fn judge_band(rule: Rule, what: &str, now: Option<f64>, upper: f64) -> Verdict {
    let Some(now) = now else {
        return Verdict::Unread;
    };
    let floor = match rule {
        Rule::Count { floor } => floor,
        _ => 0.0,
    };
    let ratio = now / upper.max(1.0);
    if now > upper && now >= floor {
        Verdict::Unusual {
            ratio,
            why: format!("{what} {} above its anomaly band (at most {} expected)", fig(now), fig((upper * 10.0).round() / 10.0)),
        }
    } else {
        Verdict::Usual { ratio: Some(ratio) }
    }
}

/// A figure as `why` says it: whole numbers without decimals.
fn fig(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// One figure far from its own last week, as the snapshot's `unusual`
/// lists it and the Overview's "Unusual now" ranks it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Unusual {
    pub service: &'static str,
    pub resource: String,
    pub region: String,
    /// The key of the figure in the resource's `metrics`.
    pub metric: &'static str,
    pub now: f64,
    /// `None` only beside a `band`, when last week was not read.
    pub week_ago: Option<f64>,
    /// The upper edge of the anomaly band it was judged by instead of last
    /// week (`judge_band`); absent when judged week over week.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub band: Option<f64>,
    pub ratio: f64,
    pub why: String,
}

/// One resource's figure as `unusual` lists it, when the rule calls it so.
pub fn unusual(service: &'static str, resource: &str, region: &str, metric: &'static str, rule: Rule, p: Pair) -> Option<Unusual> {
    match (judge(rule, metric, p), p.now, p.week_ago) {
        (Verdict::Unusual { ratio, why }, Some(now), Some(week_ago)) => Some(Unusual {
            service,
            resource: resource.to_string(),
            region: region.to_string(),
            metric,
            now,
            week_ago: Some(week_ago),
            band: None,
            ratio: (ratio * 100.0).round() / 100.0,
            why,
        }),
        _ => None,
    }
}

/// Most unusual first: the larger ratio, then the larger figure now.
pub fn rank<T>(items: &mut [T], key: impl Fn(&T) -> (f64, f64)) {
    items.sort_by(|a, b| {
        let (ra, na) = key(a);
        let (rb, nb) = key(b);
        rb.total_cmp(&ra).then(nb.total_cmp(&na))
    });
}

/// `20`, `2.5`, `12k`: a ratio in four characters at most, so that
/// `ERR ×9999` fills the column and never more.
pub fn times(r: f64) -> String {
    if r >= 9999.5 {
        let k = (r / 1000.0).round();
        if k < 1000.0 {
            format!("{k}k")
        } else {
            format!("{}M", (r / 1e6).round().min(999.0))
        }
    } else if r >= 9.95 {
        format!("{}", r.round())
    } else {
        format!("{:.1}", r).trim_end_matches(".0").to_string()
    }
}

/// One resource's most unusual figure: the largest ratio, then the
/// larger figure now; `None` when none is unusual.
pub fn worst(found: impl IntoIterator<Item = Unusual>) -> Option<Unusual> {
    found
        .into_iter()
        .max_by(|a, b| a.ratio.total_cmp(&b.ratio).then(a.now.total_cmp(&b.now)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ERRORS: Rule = Rule::Count { floor: 5.0 };

    fn pair(now: f64, week: f64, calls_now: f64, calls_week: f64) -> Pair {
        Pair {
            now: Some(now),
            week_ago: Some(week),
            calls_now: Some(calls_now),
            calls_week_ago: Some(calls_week),
        }
    }

    #[test]
    fn above_its_anomaly_band_is_unusual_within_it_or_under_the_floor_is_not() {
        let v = judge_band(ERRORS, "errors", Some(40.0), 12.0);
        assert!(matches!(&v, Verdict::Unusual { ratio, why } if (*ratio - 40.0 / 12.0).abs() < 1e-9 && why.contains("above its anomaly band")), "{v:?}");
        assert!(matches!(judge_band(ERRORS, "errors", Some(11.0), 12.0), Verdict::Usual { .. }));
        // Above a band of 0.5 but a handful of errors: never news.
        assert!(matches!(judge_band(ERRORS, "errors", Some(3.0), 0.5), Verdict::Usual { .. }));
        assert_eq!(judge_band(ERRORS, "errors", None, 12.0), Verdict::Unread);
    }

    #[test]
    fn twenty_times_a_quiet_functions_errors_is_unusual() {
        let v = judge(ERRORS, "errors", pair(40.0, 2.0, 300.0, 300.0));
        assert!(matches!(&v, Verdict::Unusual { ratio, why } if *ratio == 20.0 && why.contains("40 against 2")), "{v:?}");
        // No errors at all last week: the floor of 1 stands in, 12 ≥ 5.
        assert!(matches!(judge(ERRORS, "errors", pair(12.0, 0.0, 300.0, 300.0)), Verdict::Unusual { .. }));
    }

    #[test]
    fn a_busy_steady_function_is_not() {
        // 1,060 errors against 1,000: the wobble of a busy function.
        let v = judge(ERRORS, "errors", pair(1060.0, 1000.0, 1e6, 1e6));
        assert!(matches!(v, Verdict::Usual { ratio: Some(r) } if (r - 1.06).abs() < 1e-9), "{v:?}");
        // Twice as many is a lot at this size, yet short of three times.
        assert!(matches!(judge(ERRORS, "errors", pair(2000.0, 1000.0, 1e6, 1e6)), Verdict::Usual { .. }));
    }

    #[test]
    fn small_counts_stay_under_the_floor() {
        // 3 errors against none: three times, but a handful is not news.
        assert!(matches!(judge(ERRORS, "errors", pair(3.0, 0.0, 50.0, 50.0)), Verdict::Usual { .. }));
        // 6 against 1: above the floor, 3× and the Poisson bound of 1 + 3·1.
        assert!(matches!(judge(ERRORS, "errors", pair(6.0, 1.0, 50.0, 50.0)), Verdict::Unusual { .. }));
        // 5 against 2: over the floor, short of 3× (6).
        assert!(matches!(judge(ERRORS, "errors", pair(5.0, 2.0, 50.0, 50.0)), Verdict::Usual { .. }));
    }

    #[test]
    fn no_traffic_last_week_is_new_and_unread_is_unread() {
        assert_eq!(judge(ERRORS, "errors", pair(30.0, 0.0, 100.0, 0.0)), Verdict::New);
        assert_eq!(judge(ERRORS, "errors", pair(0.0, 0.0, 0.0, 0.0)), Verdict::Usual { ratio: None });
        let unread = Pair { week_ago: None, ..pair(30.0, 0.0, 100.0, 10.0) };
        assert_eq!(judge(ERRORS, "errors", unread), Verdict::Unread);
    }

    #[test]
    fn a_mean_needs_calls_on_both_sides_and_a_real_rise() {
        let rule = Rule::Mean { min_calls: 20.0, min_rise: 100.0 };
        assert!(matches!(judge(rule, "duration", pair(900.0, 300.0, 50.0, 50.0)), Verdict::Unusual { ratio, .. } if ratio == 3.0));
        // Few calls last week: an average of three calls says little.
        assert!(matches!(judge(rule, "duration", pair(900.0, 300.0, 50.0, 3.0)), Verdict::Usual { .. }));
        // 3 ms to 9 ms is three times, and nothing anyone waits for.
        assert!(matches!(judge(rule, "duration", pair(9.0, 3.0, 50.0, 50.0)), Verdict::Usual { .. }));
    }

    #[test]
    fn a_level_needs_twice_last_weeks_and_a_real_rise() {
        let cpu = Rule::Level { min_rise: 20.0 };
        let level = |now: f64, week: Option<f64>| Pair { now: Some(now), week_ago: week, calls_now: None, calls_week_ago: None };
        assert!(matches!(judge(cpu, "cpu_pct", level(85.0, Some(30.0))), Verdict::Unusual { ratio, .. } if (ratio - 85.0 / 30.0).abs() < 1e-9));
        // A steady service: close to last week's.
        assert!(matches!(judge(cpu, "cpu_pct", level(33.0, Some(30.0))), Verdict::Usual { .. }));
        // Twice an idle level is still idle.
        assert!(matches!(judge(cpu, "cpu_pct", level(6.0, Some(3.0))), Verdict::Usual { .. }));
        // Nothing a week ago (the floor of 1 stands in) and busy now.
        assert!(matches!(judge(cpu, "cpu_pct", level(40.0, Some(0.0))), Verdict::Unusual { ratio, .. } if ratio == 40.0));
        assert_eq!(judge(cpu, "cpu_pct", level(40.0, None)), Verdict::Unread);
        let u = unusual("ecs", "web/api", "eu-west-1", "cpu_pct", cpu, level(85.0, Some(30.0))).unwrap();
        assert_eq!((u.ratio, u.now, u.week_ago, u.band), (2.83, 85.0, Some(30.0), None));
        assert!(unusual("ecs", "web/api", "eu-west-1", "cpu_pct", cpu, level(33.0, Some(30.0))).is_none());
    }

    #[test]
    fn ranking_puts_the_largest_ratio_first() {
        let mut v = vec![(2.0, 10.0), (20.0, 40.0), (20.0, 80.0), (5.0, 1.0)];
        rank(&mut v, |x| *x);
        assert_eq!(v, [(20.0, 80.0), (20.0, 40.0), (5.0, 1.0), (2.0, 10.0)]);
    }
}
