//! EMR on the Overview: cluster totals, the money idle clusters burn, and
//! the clusters to look at.

use ratatui::text::{Line, Span};

use super::domain::EmrData;
use super::tables::idle_for;
use super::{Emr, View};
use crate::cost::money::usd;
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered, UnusualItem};

pub fn line(d: &EmrData, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let active: Vec<_> = d.clusters.iter().filter(|c| c.active()).collect();
    let idle: Vec<_> = active.iter().filter(|c| c.idle_alert()).collect();
    let burned: f64 = idle
        .iter()
        .filter_map(|c| super::cost::idle_burn(c, &cx.settings.prices))
        .sum();
    let failed: usize = active.iter().map(|c| c.failed_steps()).sum();
    let ended = d.clusters.len() - active.len();
    let warn = |n: usize| if n > 0 { t.warn } else { t.ok };
    let mut spans = vec![
        Span::styled("EMR     ", t.title),
        Span::raw(format!("{} clusters  ", active.len())),
        Span::styled(format!("{} idle >30m  ", idle.len()), warn(idle.len())),
    ];
    if burned > 0.0 {
        spans.push(Span::styled(format!("{} burned idle  ", usd(burned)), t.warn));
    }
    spans.push(Span::styled(format!("{failed} failed steps  "), if failed > 0 { t.error } else { t.ok }));
    spans.push(Span::styled(format!("{ended} ended today"), t.muted));
    Line::from(spans)
}

pub fn lists(d: &EmrData, cx: &ListCtx) -> Vec<OverviewList> {
    let mut idle: Vec<_> = d.clusters.iter().filter(|c| c.idle_alert()).collect();
    idle.sort_by_key(|c| std::cmp::Reverse(c.metrics.idle_minutes));
    let idle = idle
        .into_iter()
        .take(cx.limit)
        .map(|c| {
            let burned = super::cost::idle_burn(c, &cx.settings.prices)
                .map(|v| format!(", {} burned", usd(v)))
                .unwrap_or_default();
            OverviewItem {
                name: cx.named(&c.account, c.name.clone()),
                what: format!("idle {}{burned}", idle_for(c.metrics.idle_minutes.unwrap_or(0))),
                open: vec![Emr::wrap_view(View::Cluster {
                    at: crate::scope::Scope::of(c),
                    id: c.id.clone(),
                })],
            }
        })
        .collect();
    let failing = d
        .clusters
        .iter()
        .filter(|c| !c.idle_alert())
        .filter_map(|c| c.problem().map(|p| (c, p)))
        .take(cx.limit)
        .map(|(c, what)| OverviewItem {
            name: cx.named(&c.account, c.name.clone()),
            what,
            open: vec![Emr::wrap_view(View::Cluster {
                    at: crate::scope::Scope::of(c),
                    id: c.id.clone(),
                })],
        })
        .collect();
    vec![
        OverviewList { title: "EMR clusters idle", items: idle, kind: ListKind::Flags },
        OverviewList { title: "EMR clusters to look at", items: failing, kind: ListKind::Flags },
    ]
}

/// The clusters with a figure far from their own last week, each once
/// with its most unusual figure (docs/baseline.md); Enter opens the cluster.
pub fn unusual_now(d: &EmrData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
    if !d.clusters.iter().any(|c| c.metrics.week_ago.is_some()) {
        return None;
    }
    Some(
        d.clusters
            .iter()
            .filter_map(|c| {
                let open = vec![Emr::wrap_view(View::Cluster {
                    at: crate::scope::Scope::of(c),
                    id: c.id.clone(),
                })];
                UnusualItem::worst(super::weekago::of_cluster(c), super::weekago::short, cx.named(&c.account, c.name.clone()), open)
            })
            .collect(),
    )
}
