//! Lambda's figures against the same window a week ago (`baseline`): the
//! measures judged, the `Δwk` cell, and the functions' unusual figures. A
//! figure the account has an anomaly detector for is judged by its band
//! instead (`judge_band`), when the band was read.

use super::domain::Function;
use crate::baseline::{judge, judge_band, most_unusual, Compared, Figure, Pair, Rule, Unusual, Verdict};

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

/// The upper edge of `metric`'s anomaly band, when a detector's band was read.
fn band(f: &Function, metric: &str) -> Option<f64> {
    f.stats.band.as_ref()?.get(metric)
}

/// Every measure's verdict, in `MEASURES` order: by its anomaly band where
/// one was read, else against last week.
pub fn verdicts(f: &Function) -> Vec<(&'static str, &'static str, Pair, Verdict)> {
    if f.stats.pending {
        return Vec::new();
    }
    MEASURES
        .iter()
        .map(|(key, short, rule)| {
            let p = pair(f, key);
            let v = match band(f, key) {
                Some(upper) => judge_band(*rule, key, p.now, upper),
                None => judge(*rule, key, p),
            };
            (*key, *short, p, v)
        })
        .collect()
}

/// The functions' unusual figures.
pub fn unusual(functions: &[Function]) -> Vec<Unusual> {
    let mut out = Vec::new();
    for f in functions {
        for (metric, _, p, v) in verdicts(f) {
            let upper = band(f, metric);
            // Week over week needs last week's figure; a band stands alone.
            let Verdict::Unusual { ratio, why } = v else { continue };
            let (Some(now), true) = (p.now, upper.is_some() || p.week_ago.is_some()) else { continue };
            out.push(Unusual {
                service: "lambda",
                resource: f.name.to_string(),
                region: f.region.to_string(),
                metric,
                now,
                week_ago: p.week_ago,
                band: upper.map(|u| (u * 10.0).round() / 10.0),
                ratio: (ratio * 100.0).round() / 100.0,
                why,
            });
        }
    }
    out
}

/// Every measure as the `Δwk` cell weighs it; none while this week's
/// figures are being read.
pub fn figures(f: &Function) -> Vec<Figure> {
    verdicts(f).into_iter().map(|(_, short, pair, verdict)| Figure { short, pair, verdict }).collect()
}

impl Compared for Function {
    /// The change in invocations, when nothing is unusual.
    const HEADLINE: &'static str = "INV";
    fn figures(&self) -> Vec<Figure> {
        figures(self)
    }
}

/// The `Δwk` cell (`baseline::delta`): `ERR ×20`, `new`, `+12%` in
/// invocations, `-` when last week was not read.
pub fn delta(f: &Function) -> String {
    crate::baseline::delta(&figures(f), Function::HEADLINE)
}

/// The most unusual figure of `f`: its ratio to last week and its value
/// now; `None` when every figure is usual or unread.
pub fn worst(f: &Function) -> Option<(f64, f64)> {
    most_unusual(&figures(f)).map(|(_, ratio, now)| (ratio, now))
}

/// What the `Δwk` column sorts by (`baseline::delta_order`).
pub fn order(f: &Function) -> Option<f64> {
    crate::baseline::delta_order(&figures(f), Function::HEADLINE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::baseline::times;
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

    #[test]
    fn a_figure_with_a_band_is_judged_by_it_and_the_others_week_over_week() {
        use crate::services::lambda::domain::Band;
        // 40 errors against 2 last week, but the band allows 50: usual.
        let mut wide = function("wide", (200.0, 40.0), Some((200.0, 2.0)));
        wide.stats.band = Some(Box::new(Band { errors: Some(50.0), ..Default::default() }));
        // 12 errors, as last week, above a band of 4: unusual by the band.
        let mut narrow = function("narrow", (200.0, 12.0), Some((200.0, 12.0)));
        narrow.stats.band = Some(Box::new(Band { errors: Some(4.0), ..Default::default() }));
        // A band of its invocations only: its errors are judged week over week.
        let mut other = function("other", (200.0, 40.0), Some((200.0, 2.0)));
        other.stats.band = Some(Box::new(Band { invocations: Some(1e6), ..Default::default() }));
        // A band and last week unread: judged by the band alone.
        let mut alone = function("alone", (200.0, 30.0), None);
        alone.stats.band = Some(Box::new(Band { errors: Some(3.0), ..Default::default() }));
        let u = unusual(&[wide, narrow, other, alone]);
        type Row<'a> = (&'a str, &'a str, Option<f64>, Option<f64>, f64);
        let got: Vec<Row> =
            u.iter().map(|u| (u.resource.as_str(), u.metric, u.week_ago, u.band, u.ratio)).collect();
        assert_eq!(
            got,
            [("narrow", "errors", Some(12.0), Some(4.0), 3.0), ("other", "errors", Some(2.0), None, 20.0), ("alone", "errors", None, Some(3.0), 10.0)]
        );
        assert!(u[0].why.contains("above its anomaly band"), "{}", u[0].why);
        assert!(u[1].why.contains("a week ago"), "{}", u[1].why);
        // The column says so too, last week read or not.
        assert_eq!(delta(&alone_again()), "ERR ×10");
        assert_eq!(order(&alone_again()), Some(1e6 + 10.0));
    }

    fn alone_again() -> Function {
        let mut f = function("alone", (200.0, 30.0), None);
        f.stats.band = Some(Box::new(crate::services::lambda::domain::Band { errors: Some(3.0), ..Default::default() }));
        f
    }

    #[test]
    fn the_delta_is_short_whole_and_signed() {
        // Ratios: whole from 10 up, one decimal below, thousands shortened.
        assert_eq!(times(20.0), "20");
        assert_eq!(times(2.5), "2.5");
        assert_eq!(times(3.0), "3");
        assert_eq!(times(1234.0), "1234");
        assert_eq!(times(9.96), "10");
        assert_eq!(times(45_600.0), "46k");
        assert_eq!(times(7.2e9), "999M");
        // Traffic as last week's: "=", a fall keeps its sign.
        let same = function("same", (1000.0, 0.0), Some((1000.0, 0.0)));
        assert_eq!(delta(&same), "=");
        let fell = function("fell", (880.0, 0.0), Some((1000.0, 0.0)));
        assert_eq!(delta(&fell), "-12%");
        // Nothing ran in either week: no change to speak of, not "-".
        let idle = function("idle", (0.0, 0.0), Some((0.0, 0.0)));
        assert_eq!(delta(&idle), "=");
        // A rise of ten times or more, still usual (under the floor), as a ratio.
        let rose = function("rose", (99.0, 0.0), Some((9.0, 0.0)));
        assert_eq!(delta(&rose), "×11");
        // Every cell fits the column's nine characters, whole.
        for errors in [6.0, 25.0, 2_500.0, 3e6, 9.9e12] {
            let spike = function("spike", (1e13, errors), Some((1e13, 0.0)));
            let d = delta(&spike);
            assert!(d.starts_with("ERR ×") && d.chars().count() <= 9, "{d}");
        }
        assert_eq!(delta(&function("s", (1e6, 25.0), Some((1e6, 2.0)))), "ERR ×13");
    }

    #[test]
    fn the_column_sorts_unusual_rows_first_then_by_traffic() {
        let quiet = function("quiet", (200.0, 40.0), Some((200.0, 2.0)));
        let busier = function("busier", (2000.0, 0.0), Some((1000.0, 0.0)));
        let unread = function("unread", (50.0, 10.0), None);
        assert_eq!(worst(&quiet), Some((20.0, 40.0)));
        assert_eq!(worst(&busier), None);
        assert!(order(&quiet) > order(&busier), "{:?} {:?}", order(&quiet), order(&busier));
        assert_eq!(order(&busier), Some(2.0));
        assert_eq!(order(&unread), None);
    }
}
