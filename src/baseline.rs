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

/// `unusual`, judged by the upper edge of its anomaly band (`judge_band`)
/// where one was read (`band`): a band stands alone, last week unread or not.
#[allow(clippy::too_many_arguments)]
pub fn unusual_by_band(
    service: &'static str,
    resource: &str,
    region: &str,
    metric: &'static str,
    rule: Rule,
    p: Pair,
    band: Option<f64>,
) -> Option<Unusual> {
    let Some(upper) = band else {
        return unusual(service, resource, region, metric, rule, p);
    };
    match (judge_band(rule, metric, p.now, upper), p.now) {
        (Verdict::Unusual { ratio, why }, Some(now)) => Some(Unusual {
            service,
            resource: resource.to_string(),
            region: region.to_string(),
            metric,
            now,
            week_ago: p.week_ago,
            band: Some((upper * 10.0).round() / 10.0),
            ratio: (ratio * 100.0).round() / 100.0,
            why,
        }),
        _ => None,
    }
}

/// `figures` (of `measures`, in order) with each figure that has an
/// anomaly band (`band` by its key) judged by it instead of last week.
pub fn banded(measures: &[(&'static str, &'static str, Rule)], figures: Vec<Figure>, band: impl Fn(&str) -> Option<f64>) -> Vec<Figure> {
    figures
        .into_iter()
        .zip(measures)
        .map(|(f, (key, _, rule))| match band(key) {
            Some(upper) => Figure { verdict: judge_band(*rule, key, f.pair.now, upper), ..f },
            None => f,
        })
        .collect()
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

/// One figure of a resource beside last week's, as its `Δwk` cell weighs
/// it: the figure's short name on screen (`ERR`, `CPU`), both weeks and the
/// rule's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub short: &'static str,
    pub pair: Pair,
    pub verdict: Verdict,
}

/// A row compared with last week: what its `Δwk` column shows.
pub trait Compared {
    /// The figure whose change the cell shows when none is unusual: the
    /// resource's traffic, or its main level.
    const HEADLINE: &'static str;
    /// Its figures and their verdicts; empty while this week's are being read.
    fn figures(&self) -> Vec<Figure>;
}

/// The most unusual of `figures`: its short name, ratio and figure now.
pub fn most_unusual(figures: &[Figure]) -> Option<(&'static str, f64, f64)> {
    figures
        .iter()
        .filter_map(|f| match f.verdict {
            Verdict::Unusual { ratio, .. } => Some((f.short, ratio, f.pair.now.unwrap_or(0.0))),
            _ => None,
        })
        .max_by(|a, b| a.1.total_cmp(&b.1).then(a.2.total_cmp(&b.2)))
}

/// The `Δwk` cell (docs/baseline.md): the most unusual figure (`ERR ×20`),
/// else `new` (nothing last week), else the change in the `headline` figure
/// (`+12%`, `-8%`, `=`, `×11` from ten times up, `from 0` for a level that
/// was at zero); `-` while that figure or last week's was not read, never a
/// figure made up for it.
pub fn delta(figures: &[Figure], headline: &str) -> String {
    let Some(head) = figures.iter().find(|f| f.short == headline) else {
        return "-".into();
    };
    // A figure above its anomaly band says so even while last week is unread.
    if let Some((short, ratio, _)) = most_unusual(figures) {
        return format!("{short} ×{}", times(ratio));
    }
    if head.verdict == Verdict::Unread {
        return "-".into();
    }
    if figures.iter().any(|f| f.verdict == Verdict::New) {
        return "new".into();
    }
    match (head.pair.now, head.pair.week_ago) {
        (Some(now), Some(week)) if week > 0.0 => {
            let r = now / week;
            let change = ((r - 1.0) * 100.0).round();
            if change == 0.0 {
                "=".into()
            } else if change >= 1000.0 {
                // Eleven times or more reads better as a ratio: `×12`.
                format!("×{}", times(r))
            } else {
                format!("{change:+}%")
            }
        }
        // A level from nothing: no ratio to speak of.
        (Some(now), Some(_)) if now > 0.0 => "from 0".into(),
        // Judged by a band alone, last week unread: nothing to compare.
        (_, None) => "-".into(),
        // Nothing in either week.
        _ => "=".into(),
    }
}

/// What the `Δwk` column sorts by: the most unusual figure's ratio, above
/// every usual row's change in its headline figure; `None` when unread or
/// with nothing to divide by.
pub fn delta_order(figures: &[Figure], headline: &str) -> Option<f64> {
    let head = figures.iter().find(|f| f.short == headline)?;
    match most_unusual(figures) {
        // Unusual ones sort above any usual change.
        Some((_, r, _)) => Some(1e6 + r),
        None if head.verdict == Verdict::Unread => None,
        None => match (head.pair.now, head.pair.week_ago) {
            (Some(now), Some(week)) if week > 0.0 => Some(now / week),
            _ => None,
        },
    }
}

fn week_sort<'a, T: Compared>(r: &'a T, _: &crate::table::Ctx) -> crate::table::SortKey<'a> {
    crate::table::SortKey::Num(delta_order(&r.figures(), T::HEADLINE))
}

fn week_cell<T: Compared>(r: &T, _: &crate::table::Ctx) -> crate::table::Cell {
    use crate::table::{Cell, Tone};
    let figures = r.figures();
    let text = delta(&figures, T::HEADLINE);
    if most_unusual(&figures).is_some() {
        Cell::tone(text, Tone::Error)
    } else {
        Cell::tone(text, Tone::Muted)
    }
}

/// The cell's words in the CSV, empty where last week was not read.
fn week_value<'a, T: Compared>(r: &'a T, _: &crate::table::Ctx) -> crate::table::Value<'a> {
    use crate::table::Value;
    match delta(&r.figures(), T::HEADLINE) {
        d if d == "-" => Value::Num(None),
        d => Value::Owned(d),
    }
}

/// The `Δwk` column of a table: the first to yield to a narrow terminal
/// (priority 9). `width` holds the longest cell, `ERR ×9999`, whole.
pub const fn week_column<T: crate::table::Row + Compared>(width: u16) -> crate::table::Column<T> {
    crate::table::Column::new("Δwk", "week_over_week", width, 9, true, week_sort::<T>, week_cell::<T>).exact(week_value::<T>)
}

/// The judged figures of `measures` (key, short name, rule) from `pair`.
pub fn figures_of(measures: &[(&'static str, &'static str, Rule)], pair: impl Fn(&str) -> Pair) -> Vec<Figure> {
    measures
        .iter()
        .map(|(key, short, rule)| {
            let p = pair(key);
            Figure { short, pair: p, verdict: judge(*rule, key, p) }
        })
        .collect()
}

/// A level's figures (`Rule::Level`) of a resource whose last week was
/// read (`read`): a figure CloudWatch had nothing for a week ago, and has
/// now, is `new` rather than unread.
pub fn level_figures(measures: &[(&'static str, &'static str, Rule)], read: bool, pair: impl Fn(&str) -> Pair) -> Vec<Figure> {
    figures_of(measures, &pair)
        .into_iter()
        .map(|f| match (read, f.pair.now, f.pair.week_ago) {
            (true, Some(_), None) => Figure { verdict: Verdict::New, ..f },
            _ => f,
        })
        .collect()
}

#[cfg(test)]
pub mod delta_tests {
    use super::*;

    /// The title of the column a table drops first when one column too few fit.
    pub fn first_to_go<T: crate::table::Row>() -> &'static str {
        let cols = crate::table::columns_of::<T>();
        let title = |i: usize| T::COLUMNS[i].title.to_string();
        let all: Vec<usize> = (0..T::COLUMNS.len()).filter(|i| cols.drawn(*i, false)).collect();
        // Every column at its own width, title and sort arrow included.
        let need: u16 = all.iter().map(|i| cols.width(*i).max(title(*i).chars().count() as u16 + 1) + 1).sum();
        let every = crate::widgets::table::fit(cols, false, need, &|_| 0, &title);
        assert_eq!(every.len(), all.len(), "all fit in {need}");
        let fewer = crate::widgets::table::fit(cols, false, need - 1, &|_| 0, &title);
        let kept: Vec<usize> = fewer.iter().map(|(i, _)| *i).collect();
        let gone: Vec<&str> = all.iter().filter(|i| !kept.contains(i)).map(|i| T::COLUMNS[*i].title).collect();
        assert_eq!(gone.len(), 1, "{gone:?}");
        gone[0]
    }

    fn level(short: &'static str, now: Option<f64>, week: Option<f64>) -> Figure {
        let p = Pair { now, week_ago: week, calls_now: None, calls_week_ago: None };
        Figure { short, pair: p, verdict: judge(Rule::Level { min_rise: 20.0 }, short, p) }
    }

    #[test]
    fn a_levels_cell_says_its_change_new_or_unread_never_zero() {
        assert_eq!(delta(&[level("CPU", Some(33.0), Some(30.0))], "CPU"), "+10%");
        assert_eq!(delta(&[level("CPU", Some(24.0), Some(30.0))], "CPU"), "-20%");
        // Far above last week: the rule's ratio, last week's floored at 1.
        assert_eq!(delta(&[level("CPU", Some(88.0), Some(30.0)), level("MEM", Some(40.0), Some(41.0))], "CPU"), "CPU ×2.9");
        assert_eq!(delta(&[level("CPU", Some(33.0), Some(30.0)), level("MEM", Some(90.0), Some(20.0))], "CPU"), "MEM ×4.5");
        // A level under 1 is divided as it is: 0.4 to 0.6 is a rise.
        assert_eq!(delta(&[level("CPU", Some(0.6), Some(0.4))], "CPU"), "+50%");
        assert_eq!(delta(&[level("CPU", Some(10.0), Some(0.0))], "CPU"), "from 0");
        assert_eq!(delta(&[level("CPU", Some(0.0), Some(0.0))], "CPU"), "=");
        // Not read, either week: `-`.
        assert_eq!(delta(&[level("CPU", None, Some(30.0))], "CPU"), "-");
        assert_eq!(delta(&[level("CPU", Some(30.0), None)], "CPU"), "-");
        assert_eq!(delta(&[], "CPU"), "-");
        // Read, and CloudWatch had nothing a week ago: `new`.
        let read = level_figures(&[("cpu_pct", "CPU", Rule::Level { min_rise: 20.0 })], true, |_| Pair {
            now: Some(30.0),
            week_ago: None,
            calls_now: None,
            calls_week_ago: None,
        });
        assert_eq!(delta(&read, "CPU"), "new");
        assert_eq!(delta_order(&read, "CPU"), None);
    }

    #[test]
    fn unusual_rows_sort_first_then_by_change() {
        let hot = [level("CPU", Some(88.0), Some(30.0))];
        let busier = [level("CPU", Some(30.0), Some(20.0))];
        assert!(delta_order(&hot, "CPU") > delta_order(&busier, "CPU"));
        assert_eq!(delta_order(&busier, "CPU"), Some(1.5));
        assert_eq!(delta_order(&[level("CPU", None, Some(1.0))], "CPU"), None);
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
