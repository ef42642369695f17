//! Lambda on the Overview: account totals and the functions with the most
//! errors, throttles and cold starts.

use ratatui::text::{Line, Span};

use super::domain::Function;
use super::{Lambda, LambdaState, View};
use crate::fmt::{count, pct};
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered, UnusualItem};
use crate::table::Tone;


pub fn line(state: &LambdaState, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let fns = &state.functions;
    let sum = |f: fn(&Function) -> Option<f64>| crate::series::total(fns.iter().filter_map(f));
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
    // Metrics that could not be read are `-`, not zero.
    let known = !state.totals.is_empty() || fns.iter().any(|f| f.stats.invocations.is_some());
    let num = |v: f64| if known { count(v) } else { "-".into() };
    let cold_text = if fns.iter().any(|f| f.stats.cold.is_some()) {
        cold.to_string()
    } else {
        "-".into()
    };
    Line::from(vec![
        Span::styled("Lambda  ", t.title),
        Span::raw(format!(
            "{} functions  {} invocations/{}m  ",
            fns.len(),
            num(inv),
            cx.settings.window
        )),
        Span::styled(
            format!("{} errors ({rate}%)  ", num(err)),
            if known { bad(err, t.error) } else { t.muted },
        ),
        Span::styled(
            format!("{} throttles  ", num(thr)),
            if known { bad(thr, t.warn) } else { t.muted },
        ),
        Span::raw(format!("{cold_text} cold starts")),
        match fns.iter().flat_map(|f| f.mappings.iter().flatten()).filter(|m| m.bad().is_some()).count() {
            0 => Span::raw(""),
            1 => Span::styled("  1 trigger in a bad state", t.error),
            n => Span::styled(format!("  {n} triggers in a bad state"), t.error),
        },
    ])
}

/// Error rates need traffic to mean something: one error in two calls is not news.
const RATE_MIN_INVOCATIONS: f64 = 100.0;

pub fn lists(state: &LambdaState, cx: &ListCtx) -> Vec<OverviewList> {
    let fns = &state.functions;
    let metric = |f: fn(&Function) -> f64, show: fn(f64) -> String| {
        top(fns.iter().map(|x| (x, f(x))), cx, show)
    };
    vec![
        OverviewList {
            title: "Top errors",
            items: metric(|f| f.stats.errors.unwrap_or(0.0), count),
            kind: ListKind::Values(Tone::Error),
        },
        OverviewList {
            title: "Top error rate",
            items: metric(
                |f| match f.stats.invocations {
                    Some(i) if i >= RATE_MIN_INVOCATIONS => f.stats.error_rate_pct().unwrap_or(0.0),
                    _ => 0.0,
                },
                |v| format!("{}%", pct(v)),
            ),
            kind: ListKind::Values(Tone::Error),
        },
        OverviewList {
            title: "Top throttles",
            items: metric(|f| f.stats.throttles.unwrap_or(0.0), count),
            kind: ListKind::Values(Tone::Warn),
        },
        OverviewList {
            title: "Top cold starts",
            items: metric(|f| f.stats.cold.as_ref().map_or(0.0, |c| c.count as f64), count),
            kind: ListKind::Values(Tone::Warn),
        },
        OverviewList {
            title: "Top cost a month",
            // The dollars alone, prices looked up once per region: the
            // estimate's basis is text, written for the detail view only.
            items: top(
                fns.iter().zip(super::cost::per_month(fns, &cx.settings.prices, cx.settings.window))
                    .map(|(f, usd)| (f, usd.unwrap_or(0.0))),
                cx,
                crate::cost::money::usd,
            ),
            kind: ListKind::Values(Tone::Accent),
        },
        OverviewList {
            title: "Triggers in a bad state",
            items: fns
                .iter()
                .filter_map(|f| Some((f, super::triggers::bad(f)?)))
                .take(cx.limit)
                .map(|(f, what)| OverviewItem {
                    name: cx.named(&f.account, f.name.to_string()),
                    what,
                    open: vec![Lambda::wrap_view(View::Function {
                        at: crate::scope::Scope::of(f),
                        name: f.name.to_string(),
                    })],
                })
                .collect(),
            kind: ListKind::Flags,
        },
        OverviewList {
            title: "Near their timeout",
            items: fns
                .iter()
                .filter_map(|f| Some((f, super::cost::timeout_risk(f)?)))
                .take(cx.limit)
                .map(|(f, risk)| OverviewItem {
                    name: cx.named(&f.account, f.name.to_string()),
                    what: risk,
                    open: vec![Lambda::wrap_view(View::Function {
                        at: crate::scope::Scope::of(f),
                        name: f.name.to_string(),
                    })],
                })
                .collect(),
            kind: ListKind::Flags,
        },
    ]
}

/// The functions with a figure far from its own last week, each once with
/// its most unusual figure (docs/baseline.md): "ERR ×20". The Overview
/// ranks them with the other rooms'.
pub fn unusual_now(state: &LambdaState, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
    let fns = &state.functions;
    if !fns.iter().any(|f| f.stats.week_ago.is_some()) {
        return None;
    }
    // Only a room's own first `limit` can be among the Overview's first
    // `limit` (the same stable ranking), so only those are written out.
    let mut found: Vec<(f64, f64, &Function)> = fns
        .iter()
        .filter_map(|f| {
            let (ratio, now) = super::weekago::worst(f)?;
            Some((ratio, now, f))
        })
        .collect();
    crate::baseline::rank(&mut found, |&(ratio, now, _)| (ratio, now));
    found.truncate(cx.limit);
    Some(
        found
            .into_iter()
            .map(|(ratio, now, f)| UnusualItem {
                ratio,
                now,
                item: OverviewItem {
                    name: cx.named(&f.account, f.name.to_string()),
                    what: super::weekago::delta(f),
                    open: vec![Lambda::wrap_view(View::Function {
                        at: crate::services::scope::Scope::new(&f.account, &f.region),
                        name: f.name.to_string(),
                    })],
                },
            })
            .collect(),
    )
}

/// The largest `limit` non-zero values, without sorting the whole list.
fn top<'a>(items: impl Iterator<Item = (&'a Function, f64)>, cx: &ListCtx, show: fn(f64) -> String) -> Vec<OverviewItem> {
    let limit = cx.limit;
    let mut best: Vec<(&Function, f64)> = Vec::with_capacity(limit + 1);
    for (name, v) in items.filter(|(_, v)| *v > 0.0) {
        let pos = best.iter().position(|(_, b)| v > *b).unwrap_or(best.len());
        if pos < limit {
            best.insert(pos, (name, v));
            best.truncate(limit);
        }
    }
    best.into_iter()
        .map(|(f, v)| OverviewItem {
            name: cx.named(&f.account, f.name.to_string()),
            what: show(v),
            open: vec![Lambda::wrap_view(View::Function {
                        at: crate::scope::Scope::of(f),
                        name: f.name.to_string(),
                    })],
        })
        .collect()
}
