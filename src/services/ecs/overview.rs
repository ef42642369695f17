//! ECS on the Overview: cluster totals and the unhealthy services.

use ratatui::text::{Line, Span};

use super::domain::{EcsData, Health};
use super::{Ecs, View};
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered, UnusualItem};

pub fn line(d: &EcsData, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let ecs = &d.clusters;
    let services: usize = ecs.iter().map(|c| c.services.len()).sum();
    let unhealthy: usize = ecs.iter().map(|c| c.unhealthy_services()).sum();
    let running: usize = ecs.iter().map(|c| c.running_tasks()).sum();
    let pending: usize = ecs.iter().map(|c| c.pending_tasks()).sum();
    Line::from(vec![
        Span::styled("ECS     ", t.title),
        Span::raw(format!("{} clusters  {services} services  ", ecs.len())),
        Span::styled(
            format!("{unhealthy} unhealthy  "),
            if unhealthy > 0 { t.error } else { t.ok },
        ),
        Span::raw(format!("{running} tasks running  {pending} pending")),
    ])
}

pub fn lists(d: &EcsData, cx: &ListCtx) -> Vec<OverviewList> {
    let mut bad: Vec<_> = d
        .clusters
        .iter()
        .flat_map(|c| c.services.iter().map(move |s| (c, s)))
        .filter(|(_, s)| s.health() != Health::Ok)
        .collect();
    // Worst first: failing, then degraded, then deploying.
    bad.sort_by_key(|(_, s)| std::cmp::Reverse(s.health()));
    let items = bad
        .into_iter()
        .take(cx.limit)
        .map(|(c, s)| {
            let what = match s.health() {
                Health::Failing => format!("failing, {} crashed", s.recently_stopped),
                Health::Degraded if s.recently_stopped > 0 => {
                    format!("{} crashed, {}/{} running", s.recently_stopped, s.running_now(), s.desired)
                }
                Health::Degraded => format!("{}/{} running", s.running_now(), s.desired),
                _ => "deploying".into(),
            };
            OverviewItem {
                name: cx.named(&c.account, format!("{}/{}", c.name, s.name)),
                what,
                open: vec![
                    Ecs::wrap_view(View::Services {
                        at: crate::scope::Scope::of(c),
                        cluster: c.name.clone(),
                    }),
                    Ecs::wrap_view(View::Tasks {
                        at: crate::scope::Scope::of(c),
                        cluster: c.name.clone(),
                        service: s.name.clone(),
                    }),
                ],
            }
        })
        .collect();
    vec![OverviewList {
        title: "Unhealthy services",
        items,
        kind: ListKind::Flags,
    }]
}

/// The services with a figure far from their own last week, each once
/// with its most unusual figure (docs/baseline.md); Enter opens the
/// service's tasks.
pub fn unusual_now(d: &EcsData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
    let services = || d.clusters.iter().flat_map(|c| c.services.iter().map(move |s| (c, s)));
    if !services().any(|(_, s)| s.week_ago.is_some()) {
        return None;
    }
    Some(
        services()
            .filter_map(|(c, s)| {
                let open = vec![
                    Ecs::wrap_view(View::Services {
                        at: crate::scope::Scope::of(c),
                        cluster: c.name.clone(),
                    }),
                    Ecs::wrap_view(View::Tasks {
                        at: crate::scope::Scope::of(c),
                        cluster: c.name.clone(),
                        service: s.name.clone(),
                    }),
                ];
                UnusualItem::worst(super::weekago::of_service(c, s), super::weekago::short, cx.named(&c.account, format!("{}/{}", c.name, s.name)), open)
            })
            .collect(),
    )
}
