//! API Gateway: the APIs, then one API (its endpoint and totals, a line per
//! stage, the busiest stage's graphs, and its routes with their functions
//! as the table).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::domain::{Api, ApiGatewayData, Stage, ERROR_RATE_ALERT_PCT};
use super::{ApiGateway, View};
use crate::fmt::{age, count, ms, opt, pct};
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi, UnusualItem};
use crate::theme::Theme;
use crate::widgets::changes::{graphs_and_list, Timed};
use crate::widgets::spark::{fit_lines, half, height, height_with_week, Graph, Week};
use crate::widgets::scroll::Row;
use crate::widgets::{field, gone, table};

/// Stage lines given room at most; more scroll (J/K) beside the routes.
const STAGES_SHOWN: usize = 4;
/// The pane's height from which last week's lines go under the graphs
/// (below it, last week's figures are in the graphs' titles only): the
/// routes keep their room first.
const WEEK_LINES_FROM: u16 = 34;
/// Changes listed under the graphs at most, newest first (`:changes` has them all).
const CHANGES_SHOWN: usize = 3;

impl RoomUi for ApiGateway {
    fn draw(buf: &mut Buffer, area: Rect, state: &ApiGatewayData, view: &View, cx: &PaneCtx) {
        match view {
            View::Apis => table::draw(buf, area, &state.apis, cx),
            View::Api { at, id } => match state.api(at, id) {
                Some(a) => api(buf, area, a, cx),
                None => gone(buf, area, cx.theme, id),
            },
        }
    }

    fn overview(state: &ApiGatewayData, cx: &PaneCtx) -> Line<'static> {
        super::overview::line(state, cx)
    }

    fn offenders(state: &ApiGatewayData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }

    fn unusual_now(state: &ApiGatewayData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
        super::overview::unusual_now(state, cx)
    }
}

fn ms_or_dash(v: Option<f64>) -> String {
    v.map(|v| format!("{} ms", ms(v))).unwrap_or_else(|| "-".into())
}

fn stage_line(t: &Theme, s: &Stage, websocket: bool) -> Line<'static> {
    let m = &s.metrics;
    if m.traffic().is_none() {
        return Line::from(vec![
            Span::raw(format!("  {:<14}", s.name)),
            Span::styled("no traffic published in the window", t.muted),
        ]);
    }
    let rate = m.error_5xx_rate_pct();
    let bad = m.server_errors().unwrap_or(0.0) > 0.0;
    let alert = rate.is_some_and(|r| r >= ERROR_RATE_ALERT_PCT);
    let (unit, client, server) = if websocket { ("msg", "client err", "exec err") } else { ("req", "4XX", "5XX") };
    let mut spans = vec![
        Span::raw(format!("  {:<14}", s.name)),
        Span::raw(format!("{} {unit}  ", opt(m.traffic(), count))),
        Span::raw(format!("{client} {}  ", opt(m.client_side_errors(), count))),
        Span::styled(
            format!("{server} {} ({}%)  ", opt(m.server_errors(), count), opt(rate, pct)),
            if alert { t.error } else if bad { t.warn } else { t.ok },
        ),
    ];
    if websocket {
        spans.push(Span::raw(format!("connects {}  ", opt(m.connects, count))));
    } else {
        spans.push(Span::raw(format!("lat {}  p99 {}  ", ms_or_dash(m.latency_avg_ms), ms_or_dash(m.latency_p99_ms))));
    }
    spans.push(Span::raw(format!("integ {}", ms_or_dash(m.integration_latency_avg_ms))));
    if s.detailed_metrics {
        spans.push(Span::styled("  detailed", t.muted));
    }
    if s.metrics.week_ago.is_some() {
        use crate::baseline::{delta, most_unusual, Compared};
        let figures = s.figures();
        let style = if most_unusual(&figures).is_some() { t.error } else { t.muted };
        spans.push(Span::styled(format!("  Δwk {}", delta(&figures, Stage::HEADLINE)), style));
    }
    Line::from(spans)
}

/// Last week under the stage's graphs: one figure for the window each
/// (no minutes of last week are read), its average minute of requests and
/// 5XX and its average latency, flat on each graph's scale; `new` when the
/// stage had no requests then. `None`: not read (WebSocket stages never are).
fn week_lines(s: &Stage, websocket: bool) -> Option<[Week<'static>; 3]> {
    let w = s.metrics.week_ago.as_ref().filter(|_| !websocket)?;
    let minutes = s.metrics.series.as_ref()?.requests.0.len().max(1) as f64;
    if w.requests <= 0.0 {
        return Some([Week::New, Week::New, Week::New]);
    }
    let per_minute = |v: f64| Week::Flat { value: v / minutes, avg: true };
    let latency = w.latency_avg_ms.map_or(Week::Unread, |v| Week::Flat { value: v, avg: true });
    Some([per_minute(w.requests), per_minute(w.errors_5xx), latency])
}

fn api(buf: &mut Buffer, area: Rect, a: &Api, cx: &PaneCtx) {
    let t = cx.theme;
    let websocket = a.protocol == "WEBSOCKET";
    let busiest = a.busiest_stage();
    let titles = busiest
        .map(|s| {
            let unit = if websocket { "messages" } else { "requests" };
            let errors = if websocket { "execution errors" } else { "5XX" };
            let latency = if websocket { "integration ms" } else { "latency ms" };
            [unit, errors, latency].map(|w| format!("{w} · {}", s.name))
        })
        .unwrap_or_default();
    let graphs: Vec<Graph> = busiest
        .and_then(|s| s.metrics.series.as_ref())
        .map(|s| {
            vec![
                Graph { title: &titles[0], series: &s.requests, style: t.sparkline },
                Graph { title: &titles[1], series: &s.errors_5xx, style: t.error },
                Graph { title: &titles[2], series: &s.latency_avg_ms, style: t.sparkline },
            ]
        })
        .unwrap_or_default();
    let changes = {
        use crate::scope::Scoped;
        cx.changes_to(<ApiGateway as crate::services::Room>::INFO.name, a.account(), &a.region, &a.id)
    };
    let weeks = busiest.and_then(|s| week_lines(s, websocket));
    // On a short terminal the routes keep their room; the graphs go first,
    // and last week's lines before them.
    let sparks_h = match (graphs.is_empty() || area.height < 24, &weeks) {
        (true, _) => 0,
        (false, Some(_)) if area.height >= WEEK_LINES_FROM => height_with_week(graphs.len()),
        (false, _) => height(graphs.len()),
    };
    let stages_h = 1 + a.stages.len().clamp(1, STAGES_SHOWN) as u16;
    // The newest changes under the graphs they are marked on; the routes
    // keep the rest.
    let changes_h = if changes.is_empty() { 0 } else { 1 + changes.len().min(if sparks_h > 0 { CHANGES_SHOWN } else { 1 }) as u16 };
    let [top, stages, sparks, changed, tbl] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(stages_h),
        Constraint::Length(sparks_h),
        Constraint::Length(changes_h),
        Constraint::Min(0),
    ])
    .areas(area);
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let endpoint = match (&a.endpoint_type, &a.url) {
        (Some(k), Some(u)) => format!("{k} {u}"),
        (None, Some(u)) => u.clone(),
        (Some(k), None) => k.clone(),
        (None, None) => "-".into(),
    };
    Paragraph::new(fit_lines(
        vec![
            field(t, "protocol", a.protocol.clone()),
            field(t, "endpoint", endpoint),
            field(t, "id", a.id.clone()),
            field(
                t,
                "created",
                a.created_at
                    .map(|d| format!("{} ({} ago)", d.format("%Y-%m-%d"), age(cx.now - d)))
                    .unwrap_or_else(|| "-".into()),
            ),
            field(t, "region", a.region.clone()),
            field(t, "stages", a.stages.len().to_string()),
        ],
        half(left),
    ))
    .render(left, buf);
    let window = cx.settings.window;
    let rate = a.error_5xx_rate_pct();
    let functions = a.lambda_functions();
    let lambdas = match &a.routes {
        None => "routes not read".to_string(),
        Some(_) if functions.is_empty() => "none".to_string(),
        Some(_) => functions.join(", "),
    };
    Paragraph::new(fit_lines(
        vec![
            field(
                t,
                if websocket { "messages" } else { "requests" },
                match a.requests() {
                    Some(v) => format!("{} in {window} min", count(v)),
                    None => "not published".into(),
                },
            ),
            Line::from(vec![
                Span::styled(format!("{:<14}", "errors"), t.muted),
                Span::styled(
                    format!("4XX {}  5XX {} ({}%)", opt(a.errors_4xx(), count), opt(a.errors_5xx(), count), opt(rate, pct)),
                    if rate.is_some_and(|r| r >= ERROR_RATE_ALERT_PCT) { t.error } else { t.ok },
                ),
            ]),
            field(t, "latency", format!("avg {}  p99 {}", ms_or_dash(a.latency_avg_ms()), ms_or_dash(a.latency_p99_ms()))),
            field(t, "integration", ms_or_dash(a.integration_latency_avg_ms())),
            field(t, "overhead", ms_or_dash(a.overhead_ms())),
            field(t, "lambdas", lambdas),
        ],
        half(right),
    ))
    .render(right, buf);
    let mut lines = vec![Line::from(Span::styled("Stages", t.title))];
    if a.stages.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.muted)));
    }
    let mut shown: Vec<&Stage> = a.stages.iter().collect();
    shown.sort_by(|x, y| y.metrics.traffic().unwrap_or(0.0).total_cmp(&x.metrics.traffic().unwrap_or(0.0)));
    for s in shown {
        lines.push(stage_line(t, s, websocket));
    }
    let rows = fit_lines(lines, stages.width as usize)
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { Row::heading(l) } else { Row::line(l) })
        .collect();
    crate::widgets::scroll::draw(buf, stages, rows, false, cx);
    let timed = busiest
        .and_then(|s| s.metrics.series.as_ref())
        .map(|s| Timed { start: s.start, points: s.requests.0.len() });
    graphs_and_list(buf, sparks, changed, &graphs, weeks.as_ref().map(|w| &w[..]), 1, timed, &changes, t);
    if a.routes.is_none() {
        buf.set_stringn(tbl.x, tbl.y, "routes: not read", tbl.width as usize, t.muted);
        return;
    }
    table::draw(buf, tbl, a.routes.as_deref().unwrap_or(&[]), cx);
}
