//! App Runner: the services, then one service (its size, status, cost, and
//! its requests, 5xx and latency graphs).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::domain::{AppRunnerData, Service, ERROR_RATE_ALERT_PCT};
use super::{AppRunner, View};
use crate::fmt::{age, count, ms, pct, significant};
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi};
use crate::widgets::fit::fit_spans;
use crate::widgets::spark::{fit_lines, grid, half, height, Graph};
use crate::widgets::{field, gone, table};

impl RoomUi for AppRunner {
    fn draw(buf: &mut Buffer, area: Rect, state: &AppRunnerData, view: &View, cx: &PaneCtx) {
        match view {
            View::Services => table::draw(buf, area, &state.services, cx),
            View::Service { at, name } => match state.service(at, name) {
                Some(s) => service(buf, area, s, cx),
                None => gone(buf, area, cx.theme, name),
            },
        }
    }

    fn overview(state: &AppRunnerData, cx: &PaneCtx) -> Line<'static> {
        super::overview::line(state, cx)
    }

    fn offenders(state: &AppRunnerData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>, now: chrono::DateTime<chrono::Utc>) -> String {
    t.map(|d| format!("{} ({} ago)", d.format("%Y-%m-%d %H:%M"), age(now - d)))
        .unwrap_or_else(|| "-".into())
}

fn service(buf: &mut Buffer, area: Rect, s: &Service, cx: &PaneCtx) {
    let t = cx.theme;
    let m = &s.metrics;
    let graphs: Vec<Graph> = m
        .series
        .as_ref()
        .map(|g| {
            let e5 = if s.failing() { t.error } else { t.sparkline };
            vec![
                Graph { title: "requests/min", series: &g.requests, style: t.sparkline },
                Graph { title: "5xx/min", series: &g.errors_5xx, style: e5 },
                Graph { title: "latency ms (avg)", series: &g.latency_avg_ms, style: t.sparkline },
            ]
        })
        .unwrap_or_default();
    let sparks_h = if graphs.is_empty() { 0 } else { height(graphs.len()) };
    let [top, note, sparks] =
        Layout::vertical([Constraint::Length(7), Constraint::Length(2), Constraint::Length(sparks_h)]).areas(area);
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let status_style = match s.status.as_str() {
        "RUNNING" => t.ok,
        "PAUSED" | "DELETED" => t.muted,
        "CREATE_FAILED" | "DELETE_FAILED" => t.error,
        _ => t.warn,
    };
    Paragraph::new(fit_lines(
        vec![
            Line::from(vec![Span::styled(format!("{:<14}", "status"), t.muted), Span::styled(s.status.clone(), status_style)]),
            field(t, "instances", if s.vcpu.is_some() || s.memory_gb.is_some() { s.size() } else { "not described yet".into() }),
            field(t, "source", s.source.clone().unwrap_or_else(|| "-".into())),
            field(t, "cost", super::cost::estimate(s, &cx.settings.prices).describe()),
            field(t, "updated", when(s.updated_at, cx.now)),
            field(t, "created", when(s.created_at, cx.now)),
            field(t, "region", s.region.clone()),
        ],
        half(left),
    ))
    .render(left, buf);
    let window = cx.settings.window;
    let unread = if m.pending { "on its way" } else { "not read" };
    let num = |v: Option<f64>, f: fn(f64) -> String| v.map(f).unwrap_or_else(|| unread.into());
    let e5_style = if s.failing() { t.error } else { t.ok };
    Paragraph::new(fit_lines(
        vec![
            field(t, "requests", num(m.requests, count) + &format!(" in {window} min")),
            field(t, "req/min", num(s.requests_per_min(window), significant)),
            field(t, "4xx", num(m.errors_4xx, count)),
            Line::from(vec![
                Span::styled(format!("{:<14}", "5xx"), t.muted),
                Span::styled(
                    match (m.errors_5xx, s.error_5xx_rate_pct()) {
                        (Some(e), Some(r)) => format!("{} ({}% of requests)", count(e), pct(r)),
                        (e, _) => num(e, count),
                    },
                    e5_style,
                ),
            ]),
            field(t, "latency", format!("{} ms avg · {} ms p99", num(m.latency_avg_ms, ms), num(m.latency_p99_ms, ms))),
            field(t, "active", num(m.active_instances, significant) + " instances (window mean)"),
        ],
        half(right),
    ))
    .render(right, buf);
    let say = if s.failing() {
        Some(Span::styled(format!("! 5xx at or above {ERROR_RATE_ALERT_PCT}% of requests over {window} min"), t.error))
    } else if m.series.is_none() {
        Some(Span::styled(format!("graphs: {unread} (metrics follow the rows on screen)"), t.muted))
    } else {
        None
    };
    if let Some(say) = say {
        Paragraph::new(fit_spans(vec![say], note.width as usize)).render(note, buf);
    }
    if sparks_h > 0 {
        grid(buf, sparks, t, &graphs);
    }
}
