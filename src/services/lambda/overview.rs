//! Lambda on the Overview: account totals and the functions with the most
//! errors, throttles and cold starts.

use ratatui::text::{Line, Span};

use super::domain::Function;
use super::LambdaState;
use crate::fmt::{count, pct};
use crate::services::room::{ListKind, Overview, OverviewList, PaneCtx};
use crate::services::table::Tone;

/// Rows each Overview list shows.
const TOP: usize = 4;

pub fn overview(state: &LambdaState, cx: &PaneCtx) -> Overview {
    let t = cx.theme;
    let fns = &state.functions;
    let sum = |f: fn(&Function) -> Option<f64>| fns.iter().filter_map(f).sum::<f64>();
    // Account-wide totals when the source has them: per-function metrics may
    // cover only the rows on screen.
    let (inv, err, thr) = if state.totals.is_empty() {
        (
            sum(|f| f.stats.invocations),
            sum(|f| f.stats.errors),
            sum(|f| f.stats.throttles),
        )
    } else {
        state
            .totals
            .values()
            .fold((0.0, 0.0, 0.0), |(i, e, t), x| {
                (i + x.invocations, e + x.errors, t + x.throttles)
            })
    };
    let cold: u64 = fns
        .iter()
        .filter_map(|f| f.stats.cold.as_ref())
        .map(|c| c.count)
        .sum();
    let bad = |n: f64, style| if n > 0.0 { style } else { t.ok };
    let rate = if inv > 0.0 {
        pct(100.0 * err / inv)
    } else {
        "-".into()
    };
    let line = Line::from(vec![
        Span::styled("Lambda  ", t.title),
        Span::raw(format!(
            "{} functions  {} invocations/{}m  ",
            fns.len(),
            count(inv),
            cx.settings.window
        )),
        Span::styled(
            format!("{} errors ({rate}%)  ", count(err)),
            bad(err, t.error),
        ),
        Span::styled(format!("{} throttles  ", count(thr)), bad(thr, t.warn)),
        Span::raw(format!("{cold} cold starts")),
    ]);
    let metric = |f: fn(&Function) -> f64| top(fns.iter().map(|x| (x.name.as_str(), f(x))));
    Overview {
        line,
        lists: vec![
            OverviewList {
                title: "Top errors",
                items: metric(|f| f.stats.errors.unwrap_or(0.0)),
                kind: ListKind::Values(Tone::Error),
            },
            OverviewList {
                title: "Top throttles",
                items: metric(|f| f.stats.throttles.unwrap_or(0.0)),
                kind: ListKind::Values(Tone::Warn),
            },
            OverviewList {
                title: "Top cold starts",
                items: metric(|f| f.stats.cold.as_ref().map_or(0.0, |c| c.count as f64)),
                kind: ListKind::Values(Tone::Warn),
            },
        ],
    }
}

/// The largest `TOP` non-zero values, without sorting the whole list.
fn top<'a>(items: impl Iterator<Item = (&'a str, f64)>) -> Vec<(String, String)> {
    let mut best: Vec<(&str, f64)> = Vec::with_capacity(TOP + 1);
    for (name, v) in items.filter(|(_, v)| *v > 0.0) {
        let pos = best.iter().position(|(_, b)| v > *b).unwrap_or(best.len());
        if pos < TOP {
            best.insert(pos, (name, v));
            best.truncate(TOP);
        }
    }
    best.into_iter()
        .map(|(n, v)| (n.to_string(), count(v)))
        .collect()
}
