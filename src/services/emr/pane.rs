//! EMR: the clusters, then one cluster (state, idle time and what it cost,
//! YARN metrics, sparklines, instance groups, and its steps as the table).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::domain::{EmrCluster, EmrData};
use super::tables::idle_for;
use super::{Emr, View};
use crate::fmt::{age, count, opt, pct};
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi, UnusualItem};
use crate::widgets::changes::{graphs_and_list, Timed};
use crate::widgets::spark::{fit_lines, half, height, height_with_week, Graph, Week};
use crate::widgets::scroll::Row;
use crate::widgets::{field, gone, table};

impl RoomUi for Emr {
    fn draw(buf: &mut Buffer, area: Rect, state: &EmrData, view: &View, cx: &PaneCtx) {
        match view {
            View::Clusters => clusters(buf, area, state, cx),
            View::Cluster { at, id } => match state.cluster(at, id) {
                Some(c) => cluster(buf, area, c, cx),
                None => gone(buf, area, cx.theme, id),
            },
        }
    }

    fn overview(state: &EmrData, cx: &PaneCtx) -> Line<'static> {
        super::overview::line(state, cx)
    }

    fn offenders(state: &EmrData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }

    fn unusual_now(state: &EmrData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
        super::overview::unusual_now(state, cx)
    }
}

/// The clusters, with chips that double as the `[ ]` filter indicator.
fn clusters(buf: &mut Buffer, area: Rect, d: &EmrData, cx: &PaneCtx) {
    use crate::table::Row;
    let t = cx.theme;
    let [chips, tbl] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let want = cx.table.map(|(st, _)| st.tab_filter(EmrCluster::TABS));
    let active = d.clusters.iter().filter(|c| c.active()).count();
    let chip = |label: String, on: bool| {
        if on {
            Span::styled(format!("[{label}]"), t.selection)
        } else {
            Span::styled(format!(" {label} "), t.muted)
        }
    };
    let spans = vec![
        chip("all".into(), want == Some(None)),
        chip(format!("active {active}"), want == Some(Some("active"))),
        chip(format!("ended today {}", d.clusters.len() - active), want == Some(Some("ended"))),
    ];
    crate::widgets::fit::fit_spans(spans, chips.width as usize).render(chips, buf);
    table::draw(buf, tbl, &d.clusters, cx);
}

fn cluster(buf: &mut Buffer, area: Rect, c: &EmrCluster, cx: &PaneCtx) {
    let t = cx.theme;
    let m = &c.metrics;
    let graphs: Vec<Graph> = m
        .series
        .as_ref()
        .map(|s| {
            vec![
                Graph { title: "apps running", series: &s.apps_running, style: t.sparkline },
                Graph { title: "apps pending", series: &s.apps_pending, style: t.warn },
                Graph { title: "YARN memory free %", series: &s.yarn_memory_available_pct, style: t.sparkline },
                Graph { title: "idle (1 = idle)", series: &s.idle, style: t.muted },
            ]
        })
        .unwrap_or_default();
    let groups = c.groups.as_deref().unwrap_or(&[]);
    // Last week's applications running and pending: one point each (the
    // window's newest, as "now"), flat under its graph; `new` where
    // nothing was published then.
    let level = |v: Option<f64>| v.map_or(Week::New, |value| Week::Flat { value, avg: false });
    let weeks = m.week_ago.map(|w| [level(w.apps_running), level(w.apps_pending), Week::Unread, Week::Unread]);
    // On a short terminal the steps keep their room; the graphs go first,
    // and last week's lines before them (its figures stay in the titles).
    let sparks_h = match (graphs.is_empty() || area.height < 24, &weeks) {
        (true, _) => 0,
        (false, Some(_)) if area.height >= 34 => height_with_week(graphs.len()),
        (false, _) => height(graphs.len()),
    };
    let changes = {
        use crate::scope::Scoped;
        cx.changes_to(<Emr as crate::services::Room>::INFO.name, c.account(), &c.region, &c.id)
    };
    // The newest changes (resizes, steps) under the graphs they are marked
    // on; the steps keep the rest.
    let changes_h = crate::widgets::changes::height(changes.len(), sparks_h > 0);
    let groups_h = (groups.len().max(1) as u16 + 1).min(6);
    let [top, sparks, changed, extra, tbl] = Layout::vertical([
        Constraint::Length(6),
        Constraint::Length(sparks_h),
        Constraint::Length(changes_h),
        Constraint::Length(groups_h),
        Constraint::Min(0),
    ])
    .areas(area);
    let [left, right] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let estimate = super::cost::estimate(c, &cx.settings.prices);
    let state_style = if c.active() { t.ok } else { t.muted };
    Paragraph::new(fit_lines(
        vec![
            Line::from(vec![
                Span::styled(format!("{:<14}", "state"), t.muted),
                Span::styled(c.state.clone(), state_style),
                Span::styled(c.state_reason.as_deref().map(|r| format!("  {r}")).unwrap_or_default(), t.muted),
            ]),
            field(t, "id", c.id.clone()),
            field(t, "release", c.release_label.clone().unwrap_or_else(|| "-".into())),
            field(
                t,
                "created",
                c.created_at
                    .map(|d| format!("{} ({} ago)", d.format("%Y-%m-%d %H:%M"), age(cx.now - d)))
                    .unwrap_or_else(|| "-".into()),
            ),
            field(t, "cost", estimate.describe()),
            field(t, "region", c.region.clone()),
        ],
        half(left),
    ))
    .render(left, buf);
    let idle = match (c.active(), m.is_idle, m.idle_minutes) {
        (false, _, _) => "-".to_string(),
        (true, Some(true), Some(mins)) => {
            let burned = super::cost::idle_burn(c, &cx.settings.prices)
                .map(|v| format!(", {} burned", crate::cost::money::usd(v)))
                .unwrap_or_default();
            format!("for {}{burned}", idle_for(mins))
        }
        (true, Some(false), _) => "no: working".into(),
        _ => "not published".into(),
    };
    Paragraph::new(fit_lines(
        vec![
            Line::from(vec![
                Span::styled(format!("{:<14}", "idle"), t.muted),
                Span::styled(idle, if c.idle_alert() { t.warn } else { t.ok }),
            ]),
            field(t, "apps", format!("{} running, {} pending", opt(m.apps_running, count), opt(m.apps_pending, count))),
            field(t, "YARN memory", m.yarn_memory_available_pct.map(|v| format!("{}% free", pct(v))).unwrap_or_else(|| "-".into())),
            field(t, "containers", format!("pending ratio {}", opt(m.container_pending_ratio, |v| format!("{v:.2}")))),
            field(t, "HDFS", m.hdfs_utilization_pct.map(|v| format!("{}% used", pct(v))).unwrap_or_else(|| "-".into())),
            field(
                t,
                "hours",
                c.normalized_instance_hours.map(|h| format!("{} normalized", count(h as f64))).unwrap_or_else(|| "-".into()),
            ),
        ],
        half(right),
    ))
    .render(right, buf);
    let timed = m.series.as_ref().map(|s| Timed { start: s.start, points: s.idle.0.len() });
    graphs_and_list(buf, sparks, changed, &graphs, weeks.as_ref().map(|w| &w[..]), 5, timed, &changes, t);
    let mut lines = vec![Line::from(Span::styled("Instance groups", t.title))];
    match &c.groups {
        None => lines.push(Line::from(Span::styled("  not read", t.muted))),
        Some(g) if g.is_empty() => lines.push(Line::from(Span::styled("  none", t.muted))),
        Some(g) => {
            for g in g {
                let short = g.running < g.requested;
                lines.push(Line::from(vec![
                    Span::raw(format!("  {:<7} {:<9} {:<12} ", g.role, g.market, g.instance_type)),
                    Span::styled(format!("{}/{} running", g.running, g.requested), if short { t.warn } else { t.ok }),
                ]));
            }
        }
    }
    // More groups than their room scroll (J/K) beside the steps' table.
    let rows = fit_lines(lines, extra.width as usize)
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { Row::heading(l) } else { Row::line(l) })
        .collect();
    crate::widgets::scroll::draw(buf, extra, rows, false, cx);
    if c.steps.is_none() {
        buf.set_stringn(tbl.x, tbl.y, "steps: not read", tbl.width as usize, t.muted);
        return;
    }
    table::draw(buf, tbl, c.steps.as_deref().unwrap_or(&[]), cx);
}
