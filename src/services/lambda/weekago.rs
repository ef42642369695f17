//! Lambda's figures against the same window a week ago (`baseline`): the
//! measures judged, the `Δwk` cell, and the functions' unusual figures.

use super::domain::Function;
use crate::baseline::{judge, Pair, Rule, Unusual, Verdict};

/// The figures compared, by their key in the snapshot's `metrics`, with
/// the rule each is judged by and its short name on screen.
pub const MEASURES: [(&str, &str, Rule); 4] = [
    ("errors", "ERR", Rule::Count { floor: 5.0 }),
    ("throttles", "THR", Rule::Count { floor: 5.0 }),
    ("invocations", "INV", Rule::Count { floor: 100.0 }),
    ("duration_avg_ms", "AVG", Rule::Mean { min_calls: 20.0, min_rise: 100.0 }),
];

/// One measure of `f`: its figure now and a week ago.
fn pair(f: &Function, metric: &str) -> Pair {
    let s = &f.stats;
    let w = s.week_ago.as_ref();
    let (now, week_ago) = match metric {
        "errors" => (s.errors, w.map(|w| w.errors)),
        "throttles" => (s.throttles, w.map(|w| w.throttles)),
        "invocations" => (s.invocations, w.map(|w| w.invocations)),
        _ => (s.duration_avg_ms, w.map(|w| w.duration_avg_ms.unwrap_or(0.0))),
    };
    Pair {
        now,
        week_ago,
        calls_now: s.invocations,
        calls_week_ago: w.map(|w| w.invocations),
    }
}

/// Every measure's verdict, in `MEASURES` order.
pub fn verdicts(f: &Function) -> Vec<(&'static str, &'static str, Pair, Verdict)> {
    if f.stats.pending {
        return Vec::new();
    }
    MEASURES
        .iter()
        .map(|(key, short, rule)| {
            let p = pair(f, key);
            (*key, *short, p, judge(*rule, key, p))
        })
        .collect()
}

/// The functions' unusual figures.
pub fn unusual(functions: &[Function]) -> Vec<Unusual> {
    let mut out = Vec::new();
    for f in functions {
        for (metric, _, p, v) in verdicts(f) {
            if let (Verdict::Unusual { ratio, why }, Some(now), Some(week_ago)) = (v, p.now, p.week_ago) {
                out.push(Unusual {
                    service: "lambda",
                    resource: f.name.clone(),
                    region: f.region.clone(),
                    metric,
                    now,
                    week_ago,
                    ratio: (ratio * 100.0).round() / 100.0,
                    why,
                });
            }
        }
    }
    out
}

/// The `Δwk` cell: the most unusual figure (`ERR ×20`), else `new`, else
/// the change in invocations (`+12%`); `-` when last week was not read.
pub fn delta(f: &Function) -> String {
    let v = verdicts(f);
    if v.is_empty() || f.stats.week_ago.is_none() || f.stats.invocations.is_none() {
        return "-".into();
    }
    let worst = v
        .iter()
        .filter_map(|(_, short, _, v)| match v {
            Verdict::Unusual { ratio, .. } => Some((*short, *ratio)),
            _ => None,
        })
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((short, ratio)) = worst {
        return format!("{short} ×{}", times(ratio));
    }
    if v.iter().any(|(_, _, _, v)| *v == Verdict::New) {
        return "new".into();
    }
    match v.iter().find(|(k, ..)| *k == "invocations").and_then(|(_, _, _, v)| v.ratio()) {
        Some(r) => {
            let change = ((r - 1.0) * 100.0).round();
            if change == 0.0 {
                "=".into()
            } else {
                format!("{change:+}%")
            }
        }
        // Nothing ran in either week.
        None => "=".into(),
    }
}

/// Whether any figure of `f` is unusual.
pub fn is_unusual(f: &Function) -> bool {
    verdicts(f).iter().any(|(.., v)| matches!(v, Verdict::Unusual { .. }))
}

/// What the `Δwk` column sorts by: the most unusual figure's ratio, above
/// every usual function's invocations ratio; `None` when unread.
pub fn order(f: &Function) -> Option<f64> {
    f.stats.week_ago.as_ref()?;
    let v = verdicts(f);
    let worst = v
        .iter()
        .filter_map(|(.., v)| match v {
            Verdict::Unusual { ratio, .. } => Some(*ratio),
            _ => None,
        })
        .fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
    match worst {
        // Unusual ones sort above any usual change in traffic.
        Some(r) => Some(1e6 + r),
        None => v.iter().find(|(k, ..)| *k == "invocations").and_then(|(.., v)| v.ratio()),
    }
}

/// `20`, `2.5`, `1.2k`: a ratio short enough for the column.
fn times(r: f64) -> String {
    if r >= 10.0 {
        crate::fmt::count(r.round())
    } else {
        format!("{:.1}", r).trim_end_matches(".0").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lambda::domain::{FunctionStats, WeekAgo};

    fn function(name: &str, now: (f64, f64), week: Option<(f64, f64)>) -> Function {
        Function {
            name: name.into(),
            stats: FunctionStats {
                invocations: Some(now.0),
                errors: Some(now.1),
                throttles: Some(0.0),
                duration_avg_ms: Some(40.0),
                week_ago: week.map(|(i, e)| WeekAgo {
                    invocations: i,
                    errors: e,
                    throttles: 0.0,
                    duration_avg_ms: Some(40.0),
                }),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn the_spiking_quiet_function_is_named_and_the_busy_steady_one_is_not() {
        let fns = [
            function("quiet", (200.0, 40.0), Some((200.0, 2.0))),
            function("busy", (100_000.0, 1_000.0), Some((98_000.0, 990.0))),
            function("fresh", (50.0, 10.0), Some((0.0, 0.0))),
            function("unread", (50.0, 10.0), None),
        ];
        let u = unusual(&fns);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!((u[0].resource.as_str(), u[0].metric, u[0].ratio), ("quiet", "errors", 20.0));
        assert_eq!(delta(&fns[0]), "ERR ×20");
        assert_eq!(delta(&fns[1]), "+2%");
        assert_eq!(delta(&fns[2]), "new");
        assert_eq!(delta(&fns[3]), "-");
    }
}
