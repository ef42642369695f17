//! Lightsail: the instances with the container services below them, then one
//! instance (its bundle and price, CPU and burst capacity graphs, checks).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::domain::{Instance, LightsailData, LOW_BURST_PCT};
use super::{Lightsail, View};
use crate::fmt::{age, count, pct};
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi, UnusualItem};
use crate::widgets::fit::fit_spans;
use crate::widgets::changes::{graphs_and_list, Timed};
use crate::widgets::spark::{fit_lines, half, height, height_with_week, Graph, Week};
use crate::widgets::scroll::Row;
use crate::widgets::{field, gone, table};

impl RoomUi for Lightsail {
    fn draw(buf: &mut Buffer, area: Rect, state: &LightsailData, view: &View, cx: &PaneCtx) {
        match view {
            View::Instances => instances(buf, area, state, cx),
            View::Instance { at, name } => match state.instance(at, name) {
                Some(i) => instance(buf, area, i, cx),
                None => gone(buf, area, cx.theme, name),
            },
        }
    }

    fn overview(state: &LightsailData, cx: &PaneCtx) -> Line<'static> {
        super::overview::line(state, cx)
    }

    fn offenders(state: &LightsailData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }

    fn unusual_now(state: &LightsailData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
        super::overview::unusual_now(state, cx)
    }
}

fn instances(buf: &mut Buffer, area: Rect, d: &LightsailData, cx: &PaneCtx) {
    let t = cx.theme;
    let cs = &d.container_services;
    // The instances keep at least two thirds of the pane; a longer list
    // scrolls (J/K) below them.
    let want = cs.len().max(1) as u16 + 1;
    let [tbl, below] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(want.min(area.height / 3))]).areas(area);
    table::draw(buf, tbl, &d.instances, cx);
    let width = below.width as usize;
    let mut lines = vec![Line::from(Span::styled("Container services", t.title))];
    if cs.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.muted)));
    }
    for c in cs {
        let style = match c.state.as_str() {
            "RUNNING" | "READY" => t.ok,
            "DISABLED" => t.muted,
            _ => t.warn,
        };
        lines.push(fit_spans(
            vec![
                Span::raw(format!("  {:<20} ", c.name)),
                Span::styled(format!("{:<10}", c.state), style),
                Span::raw(format!(" {} × {:<7}", c.scale, c.power)),
                Span::styled(format!("  {}", super::cost::container_service(c).describe()), t.muted),
            ],
            width,
        ));
    }
    let rows = lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { Row::heading(l) } else { Row::line(l) })
        .collect();
    crate::widgets::scroll::draw(buf, below, rows, false, cx);
}

fn instance(buf: &mut Buffer, area: Rect, i: &Instance, cx: &PaneCtx) {
    let t = cx.theme;
    let m = &i.metrics;
    let graphs: Vec<Graph> = m
        .series
        .as_ref()
        .map(|s| {
            let burst_style = if i.low_on_burst() { t.error } else { t.sparkline };
            vec![
                Graph { title: "CPU %", series: &s.cpu, style: t.sparkline },
                Graph { title: "burst capacity %", series: &s.burst, style: burst_style },
            ]
        })
        .unwrap_or_default();
    // Last week's CPU: the mean of its window, flat under this week's
    // graph; `new` where nothing was published then.
    let weeks = m
        .week_ago
        .map(|w| [w.cpu_pct.map_or(Week::New, |value| Week::Flat { value, avg: true }), Week::Unread]);
    let sparks_h = match (graphs.is_empty(), &weeks) {
        (true, _) => 0,
        (false, Some(_)) => height_with_week(graphs.len()),
        (false, None) => height(graphs.len()),
    };
    let changes = {
        use crate::scope::Scoped;
        cx.changes_to(<Lightsail as crate::services::Room>::INFO.name, i.account(), &i.region, &i.name)
    };
    // The newest operations (reboots, stops, port changes) under the graphs
    // they are marked on.
    let changes_h = crate::widgets::changes::height(changes.len(), sparks_h > 0);
    let [top, note, sparks, changed] = Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(2),
        Constraint::Length(sparks_h),
        Constraint::Length(changes_h),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let state_style = match i.state.as_str() {
        "running" => t.ok,
        "stopped" => t.muted,
        _ => t.warn,
    };
    Paragraph::new(fit_lines(
        vec![
            Line::from(vec![
                Span::styled(format!("{:<14}", "state"), t.muted),
                Span::styled(i.state.clone(), state_style),
            ]),
            field(t, "blueprint", i.blueprint.clone()),
            field(t, "bundle", i.bundle.clone()),
            field(t, "cost", super::cost::instance(i).describe()),
            field(t, "public IP", if i.public_ip { "yes" } else { "none" }),
            field(
                t,
                "created",
                i.created_at
                    .map(|d| format!("{} ({} ago)", d.format("%Y-%m-%d"), age(cx.now - d)))
                    .unwrap_or_else(|| "-".into()),
            ),
            field(t, "region", i.region.clone()),
        ],
        half(left),
    ))
    .render(left, buf);
    let window = cx.settings.window;
    let unread = if m.read_at.is_some() { "no data" } else { "not read yet" };
    let burst_style = if i.out_of_burst() {
        t.error
    } else if i.low_on_burst() {
        t.warn
    } else {
        t.ok
    };
    let checks_style = if i.failing_checks() { t.error } else { t.ok };
    Paragraph::new(fit_lines(
        vec![
            field(
                t,
                "CPU",
                m.cpu_pct
                    .map(|c| format!("{}% average over {window} min", pct(c)))
                    .unwrap_or_else(|| unread.into()),
            ),
            Line::from(vec![
                Span::styled(format!("{:<14}", "burst"), t.muted),
                Span::styled(
                    m.burst_capacity_pct
                        .map(|b| format!("{}% of capacity left", pct(b)))
                        .unwrap_or_else(|| unread.into()),
                    burst_style,
                ),
            ]),
            Line::from(vec![
                Span::styled(format!("{:<14}", "status checks"), t.muted),
                Span::styled(
                    match m.status_check_failed {
                        Some(n) if n > 0.0 => format!("{} failed in {window} min", count(n)),
                        Some(_) => "passing".into(),
                        None => unread.into(),
                    },
                    checks_style,
                ),
            ]),
            field(
                t,
                "read",
                m.read_at
                    .map(|r| format!("{} ago (five-minute data)", age(cx.now - r)))
                    .unwrap_or_else(|| "not yet: metrics follow the rows on screen".into()),
            ),
        ],
        half(right),
    ))
    .render(right, buf);
    // What the numbers mean for this instance, in one line.
    let say = if i.out_of_burst() {
        Some(Span::styled(
            "! out of burst capacity: held at its baseline CPU, whatever the CPU graph says",
            t.error,
        ))
    } else if i.low_on_burst() {
        Some(Span::styled(
            format!("! burst capacity under {LOW_BURST_PCT}%: held at its baseline once it runs out"),
            t.warn,
        ))
    } else if m.series.is_none() {
        Some(Span::styled(format!("graphs: {unread}"), t.muted))
    } else {
        None
    };
    if let Some(s) = say {
        Paragraph::new(fit_spans(vec![s], note.width as usize)).render(note, buf);
    }
    let timed = m.series.as_ref().map(|s| Timed { start: s.start, points: s.cpu.0.len() });
    graphs_and_list(buf, sparks, changed, &graphs, weeks.as_ref().map(|w| &w[..]), 5, timed, &changes, t);
}
