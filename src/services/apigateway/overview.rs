//! API Gateway on the Overview: requests and 5XX over every API, and the
//! APIs that fail the most or add the most latency of their own.

use ratatui::text::{Line, Span};

use super::domain::{Api, ApiGatewayData};
use super::{ApiGateway, View};
use crate::fmt::{count, ms, pct};
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered, UnusualItem};
use crate::table::Tone;

pub fn line(d: &ApiGatewayData, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let apis = &d.apis;
    let sum = |f: fn(&Api) -> Option<f64>| apis.iter().filter_map(f).reduce(|a, b| a + b);
    let (req, e5) = (sum(Api::requests), sum(Api::errors_5xx));
    let lambdas: usize = apis
        .iter()
        .flat_map(|a| a.routes.iter().flatten())
        .filter(|r| r.function.is_some())
        .count();
    // Metrics that could not be read are `-`, not zero.
    let num = |v: Option<f64>| v.map(count).unwrap_or_else(|| "-".into());
    let rate = match (e5, req) {
        (Some(e), Some(r)) if r > 0.0 => format!("{}%", pct(100.0 * e / r)),
        _ => "-".into(),
    };
    Line::from(vec![
        Span::styled("API GW  ", t.title),
        Span::raw(format!("{} APIs  {} requests/{}m  ", apis.len(), num(req), cx.settings.window)),
        Span::styled(
            format!("{} 5xx ({rate})  ", num(e5)),
            if e5.unwrap_or(0.0) > 0.0 { t.error } else { t.ok },
        ),
        Span::raw(format!("{lambdas} lambda integrations")),
    ])
}

/// The largest `limit` non-zero values.
fn top(apis: &[Api], cx: &ListCtx, value: fn(&Api) -> Option<f64>, show: fn(f64) -> String) -> Vec<OverviewItem> {
    let limit = cx.limit;
    let mut v: Vec<(&Api, f64)> = apis.iter().filter_map(|a| Some((a, value(a)?))).filter(|(_, x)| *x > 0.0).collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
    v.into_iter()
        .take(limit)
        .map(|(a, x)| OverviewItem {
            name: cx.named(&a.account, a.name.clone()),
            what: show(x),
            open: vec![ApiGateway::wrap_view(View::Api {
                at: crate::scope::Scope::of(a),
                id: a.id.clone(),
            })],
        })
        .collect()
}

pub fn lists(d: &ApiGatewayData, cx: &ListCtx) -> Vec<OverviewList> {
    vec![
        OverviewList {
            title: "Top API 5xx",
            items: top(&d.apis, cx, Api::errors_5xx, count),
            kind: ListKind::Values(Tone::Error),
        },
        OverviewList {
            title: "API latency overhead",
            items: top(&d.apis, cx, Api::overhead_ms, |v| format!("{} ms", ms(v))),
            kind: ListKind::Values(Tone::Warn),
        },
    ]
}

/// The stages with a figure far from their own last week, each once with
/// its most unusual figure (docs/baseline.md); Enter opens the API.
pub fn unusual_now(d: &ApiGatewayData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
    let stages = || d.apis.iter().flat_map(|a| a.stages.iter().map(move |s| (a, s)));
    if !stages().any(|(_, s)| s.metrics.week_ago.is_some()) {
        return None;
    }
    Some(
        stages()
            .filter_map(|(a, s)| {
                let open = vec![ApiGateway::wrap_view(View::Api {
                    at: crate::scope::Scope::of(a),
                    id: a.id.clone(),
                })];
                UnusualItem::worst(super::weekago::of_stage(a, s), super::weekago::short, cx.named(&a.account, format!("{}/{}", a.name, s.name)), open)
            })
            .collect(),
    )
}
