//! ECS on the Overview: cluster totals and the unhealthy services.

use ratatui::text::{Line, Span};

use super::domain::{EcsData, Health};
use crate::services::room::{ListKind, Overview, OverviewList, PaneCtx};

/// Rows each Overview list shows.
const TOP: usize = 4;

pub fn overview(d: &EcsData, cx: &PaneCtx) -> Overview {
    let t = cx.theme;
    let ecs = &d.clusters;
    let services: usize = ecs.iter().map(|c| c.services.len()).sum();
    let unhealthy_n: usize = ecs.iter().map(|c| c.unhealthy_services()).sum();
    let running: usize = ecs.iter().map(|c| c.running_tasks()).sum();
    let pending: usize = ecs.iter().map(|c| c.pending_tasks()).sum();
    let line = Line::from(vec![
        Span::styled("ECS     ", t.title),
        Span::raw(format!("{} clusters  {services} services  ", ecs.len())),
        Span::styled(
            format!("{unhealthy_n} unhealthy  "),
            if unhealthy_n > 0 { t.error } else { t.ok },
        ),
        Span::raw(format!("{running} tasks running  {pending} pending")),
    ]);
    let unhealthy: Vec<(String, String)> = ecs
        .iter()
        .flat_map(|c| c.services.iter().map(move |s| (c, s)))
        .filter(|(_, s)| s.health() != Health::Ok)
        .map(|(c, s)| {
            let what = match s.health() {
                Health::Failing => format!("failing, {} crashed", s.recently_stopped),
                Health::Degraded => format!("{}/{} running", s.running, s.desired),
                _ => "deploying".into(),
            };
            (format!("{}/{}", c.name, s.name), what)
        })
        .take(TOP)
        .collect();
    Overview {
        line,
        lists: vec![OverviewList {
            title: "Unhealthy services",
            items: unhealthy,
            kind: ListKind::Flags,
        }],
    }
}
