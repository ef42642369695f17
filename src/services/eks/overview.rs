//! EKS on the Overview: cluster totals and the clusters needing a look.

use ratatui::text::{Line, Span};

use super::domain::EksData;
use super::{Eks, View};
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered};

pub fn line(d: &EksData, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let cs = &d.clusters;
    let groups: usize = cs.iter().map(|c| c.nodegroups.len()).sum();
    let down: usize = cs.iter().map(|c| c.not_active()).sum::<usize>()
        + cs.iter().filter(|c| c.status != "ACTIVE").count();
    let skew: usize = cs.iter().map(|c| c.skewed()).sum();
    let extended = cs.iter().filter(|c| c.extended()).count();
    let bad = |n: usize| if n > 0 { t.error } else { t.ok };
    let warn = |n: usize| if n > 0 { t.warn } else { t.ok };
    Line::from(vec![
        Span::styled("EKS     ", t.title),
        Span::raw(format!("{} clusters  {groups} node groups  ", cs.len())),
        Span::styled(format!("{down} not active  "), bad(down)),
        Span::styled(format!("{skew} version skew  "), warn(skew)),
        Span::styled(format!("{extended} extended support"), warn(extended)),
    ])
}

pub fn lists(d: &EksData, cx: &ListCtx) -> Vec<OverviewList> {
    let items = d
        .clusters
        .iter()
        .filter_map(|c| c.problem().map(|p| (c, p)))
        .take(cx.limit)
        .map(|(c, what)| OverviewItem {
            name: cx.named(&c.account, c.name.clone()),
            what,
            open: vec![Eks::wrap_view(View::Cluster {
                at: crate::scope::Scope::of(c),
                name: c.name.clone(),
            })],
        })
        .collect();
    vec![OverviewList {
        title: "EKS clusters to look at",
        items,
        kind: ListKind::Flags,
    }]
}
