//! Lightsail on the Overview: instance totals, the monthly bill, and the
//! instances running out of burst or failing their status checks.

use ratatui::text::{Line, Span};

use super::domain::{Instance, LightsailData};
use super::{Lightsail, View};
use crate::cost::{RoomCost, HOURS_PER_MONTH};
use crate::fmt::{count, pct};
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered, UnusualItem};

pub fn line(d: &LightsailData, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let is = &d.instances;
    let running = is.iter().filter(|i| i.running()).count();
    let low = is.iter().filter(|i| i.low_on_burst()).count();
    let failing = is.iter().filter(|i| i.failing_checks()).count();
    let bill = RoomCost::of(&super::cost::all(d));
    let month = match bill.figure() {
        Some(h) if bill.unpriced > 0 => format!("{}/mo + {} unpriced", crate::cost::money::usd(h * HOURS_PER_MONTH), bill.unpriced),
        Some(h) => format!("{}/mo", crate::cost::money::usd(h * HOURS_PER_MONTH)),
        None => "?/mo".into(),
    };
    let warn = |n: usize| if n > 0 { t.warn } else { t.ok };
    let bad = |n: usize| if n > 0 { t.error } else { t.ok };
    Line::from(vec![
        Span::styled("Lightsail ", t.title),
        Span::raw(format!("{} instances  {running} running  ", is.len())),
        Span::styled(format!("{low} low on burst  "), warn(low)),
        Span::styled(format!("{failing} failing checks  "), bad(failing)),
        Span::raw(format!("{} container services  ", d.container_services.len())),
        Span::styled(month, t.muted),
    ])
}

fn open(i: &Instance) -> Vec<crate::services::RoomView> {
    vec![Lightsail::wrap_view(View::Instance {
        at: crate::scope::Scope::of(i),
        name: i.name.clone(),
    })]
}

pub fn lists(d: &LightsailData, cx: &ListCtx) -> Vec<OverviewList> {
    // Emptiest first: an instance at 0% is throttled now, one at 15% soon.
    let mut low: Vec<&Instance> = d.instances.iter().filter(|i| i.low_on_burst()).collect();
    low.sort_by(|a, b| {
        let left = |i: &Instance| i.metrics.burst_capacity_pct.unwrap_or(0.0);
        left(a).total_cmp(&left(b)).then_with(|| a.name.cmp(&b.name))
    });
    let low = low
        .into_iter()
        .take(cx.limit)
        .map(|i| {
            let b = i.metrics.burst_capacity_pct.unwrap_or(0.0);
            let cpu = i.metrics.cpu_pct.map(|c| format!(", CPU {}%", pct(c))).unwrap_or_default();
            OverviewItem {
                name: cx.named(&i.account, i.name.clone()),
                what: if i.out_of_burst() {
                    format!("out of burst, held at baseline{cpu}")
                } else {
                    format!("burst {}% left{cpu}", pct(b))
                },
                open: open(i),
            }
        })
        .collect();
    let mut failing: Vec<&Instance> = d.instances.iter().filter(|i| i.failing_checks()).collect();
    failing.sort_by(|a, b| {
        let n = |i: &Instance| i.metrics.status_check_failed.unwrap_or(0.0);
        n(b).total_cmp(&n(a)).then_with(|| a.name.cmp(&b.name))
    });
    let window = cx.settings.window;
    let failing = failing
        .into_iter()
        .take(cx.limit)
        .map(|i| OverviewItem {
            name: cx.named(&i.account, i.name.clone()),
            what: format!(
                "{} failed checks in {window} min",
                count(i.metrics.status_check_failed.unwrap_or(0.0))
            ),
            open: open(i),
        })
        .collect();
    vec![
        OverviewList {
            title: "Lightsail out of burst",
            items: low,
            kind: ListKind::Flags,
        },
        OverviewList {
            title: "Lightsail failing checks",
            items: failing,
            kind: ListKind::Flags,
        },
    ]
}

/// The instances whose CPU is far from their own last week
/// (docs/baseline.md); Enter opens the instance.
pub fn unusual_now(d: &LightsailData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
    if !d.instances.iter().any(|i| i.metrics.week_ago.is_some()) {
        return None;
    }
    Some(
        d.instances
            .iter()
            .filter_map(|i| UnusualItem::worst(super::weekago::of_instance(i), super::weekago::short, cx.named(&i.account, i.name.clone()), open(i)))
            .collect(),
    )
}
