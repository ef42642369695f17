//! App Runner on the Overview: services, requests and 5xx over every
//! service, the monthly cost, and the services failing the most.

use ratatui::text::{Line, Span};

use super::domain::{AppRunnerData, Service};
use super::{AppRunner, View};
use crate::cost::{RoomCost, HOURS_PER_MONTH};
use crate::fmt::{count, pct};
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered};

pub fn line(d: &AppRunnerData, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let ss = &d.services;
    let running = ss.iter().filter(|s| s.running()).count();
    let sum = |f: fn(&Service) -> Option<f64>| ss.iter().filter_map(f).reduce(|a, b| a + b);
    let (req, e5) = (sum(|s| s.metrics.requests), sum(|s| s.metrics.errors_5xx));
    // What was not read is `-`, never zero.
    let num = |v: Option<f64>| v.map(count).unwrap_or_else(|| "-".into());
    let rate = match (e5, req) {
        (Some(e), Some(r)) if r > 0.0 => format!("{}%", pct(100.0 * e / r)),
        _ => "-".into(),
    };
    let bill = RoomCost::of(&ss.iter().map(|s| super::cost::estimate(s, &cx.settings.prices)).collect::<Vec<_>>());
    let month = match bill.figure() {
        Some(h) if bill.unpriced > 0 => format!("{}/mo + {} unpriced", crate::cost::money::usd(h * HOURS_PER_MONTH), bill.unpriced),
        Some(h) => format!("{}/mo", crate::cost::money::usd(h * HOURS_PER_MONTH)),
        None => "?/mo".into(),
    };
    Line::from(vec![
        Span::styled("App Runner ", t.title),
        Span::raw(format!("{} services  {running} running  {} requests/{}m  ", ss.len(), num(req), cx.settings.window)),
        Span::styled(format!("{} 5xx ({rate})  ", num(e5)), if e5.unwrap_or(0.0) > 0.0 { t.error } else { t.ok }),
        Span::styled(month, t.muted),
    ])
}

fn open(s: &Service) -> Vec<crate::services::RoomView> {
    vec![AppRunner::wrap_view(View::Service { at: crate::scope::Scope::of(s), name: s.name.clone() })]
}

/// The services whose 5xx rate is at the alert level, worst first.
pub fn lists(d: &AppRunnerData, cx: &ListCtx) -> Vec<OverviewList> {
    let mut failing: Vec<&Service> = d.services.iter().filter(|s| s.failing()).collect();
    let rate = |s: &Service| s.error_5xx_rate_pct().unwrap_or(0.0);
    failing.sort_by(|a, b| rate(b).total_cmp(&rate(a)).then_with(|| a.name.cmp(&b.name)));
    let items = failing
        .into_iter()
        .take(cx.limit)
        .map(|s| OverviewItem {
            name: cx.named(&s.account, s.name.clone()),
            what: format!("{}% 5xx ({})", pct(rate(s)), count(s.metrics.errors_5xx.unwrap_or(0.0))),
            open: open(s),
        })
        .collect();
    vec![OverviewList { title: "App Runner 5xx", items, kind: ListKind::Flags }]
}
