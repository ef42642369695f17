//! ECS: clusters, then a cluster's services, a service's tasks, and one task.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::domain::EcsData;
use super::{Ecs, View};
use crate::fmt::age;
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi, UnusualItem};
use crate::widgets::scroll::Row;
use crate::widgets::{field, gone, table};

impl RoomUi for Ecs {
    fn draw(buf: &mut Buffer, area: Rect, state: &EcsData, view: &View, cx: &PaneCtx) {
        match view {
            View::Clusters => table::draw(buf, area, &state.clusters, cx),
            View::Services { at, cluster } => services(buf, area, state, cx, at, cluster),
            View::Tasks { at, cluster, service } => match state.cluster(at, cluster) {
                Some(c) => tasks(buf, area, c, service, cx),
                None => gone(buf, area, cx.theme, cluster),
            },
            View::Task { at, cluster, id } => task(buf, area, state, cx, at, cluster, id),
        }
    }

    fn offenders(state: &EcsData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }

    fn unusual_now(state: &EcsData, cx: &ListCtx) -> Option<Vec<UnusualItem>> {
        super::overview::unusual_now(state, cx)
    }

    fn overview(state: &EcsData, cx: &PaneCtx) -> ratatui::text::Line<'static> {
        super::overview::line(state, cx)
    }
}

/// Changes listed under a service's tasks at most, newest first (`:changes`
/// has them all).
const CHANGES_SHOWN: usize = 3;

/// A service's tasks, with its changes under them: the service has no
/// per-minute graphs to mark them on.
fn tasks(buf: &mut Buffer, area: Rect, c: &super::domain::Cluster, service: &str, cx: &PaneCtx) {
    let changes = {
        use crate::scope::Scoped;
        cx.changes_to(<Ecs as crate::services::Room>::INFO.name, c.account(), &c.region, &super::changes::resource(&c.name, service))
    };
    // The tasks keep most of a short terminal: one change, then the rest.
    let shown = if area.height < 16 { 1 } else { CHANGES_SHOWN };
    let changes_h = if changes.is_empty() { 0 } else { 1 + changes.len().min(shown) as u16 };
    let [tbl, changed] = Layout::vertical([Constraint::Min(0), Constraint::Length(changes_h)]).areas(area);
    table::draw(buf, tbl, &c.tasks, cx);
    if changes_h > 0 {
        let lines = crate::widgets::changes::lines(&changes, changes_h as usize - 1, false, cx.theme);
        Paragraph::new(crate::widgets::spark::fit_lines(lines, changed.width as usize)).render(changed, buf);
    }
}

fn services(buf: &mut Buffer, area: Rect, d: &EcsData, cx: &PaneCtx, at: &crate::scope::Scope, cluster: &str) {
    let t = cx.theme;
    let Some(c) = d.cluster(at, cluster) else {
        return gone(buf, area, t, cluster);
    };
    let Some((st, _)) = cx.table else { return };
    // The selected service's newest event explains most problems; give it a line.
    let [tbl, ev] = Layout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    table::draw(buf, tbl, &c.services, cx);
    let selected = st
        .selected
        .as_ref()
        .and_then(|n| c.services.iter().find(|s| s.name == n.key));
    if let Some(s) = selected.filter(|s| s.counts_stale()) {
        Paragraph::new(Line::from(vec![
            Span::styled("* stale: ", t.warn),
            Span::raw(format!(
                "the service says {} running, {} pending; its tasks {} running, {} pending",
                s.running,
                s.pending,
                s.running_now(),
                s.pending_now()
            )),
        ]))
        .wrap(Wrap { trim: true })
        .render(ev, buf);
    } else if let Some(e) = selected.and_then(|s| s.events.first()) {
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{} ago ", age(cx.now - e.at)), t.muted),
            Span::raw(e.message.clone()),
        ]))
        .wrap(Wrap { trim: true })
        .render(ev, buf);
    }
}

fn task(buf: &mut Buffer, area: Rect, d: &EcsData, cx: &PaneCtx, at: &crate::scope::Scope, cluster: &str, id: &str) {
    let t = cx.theme;
    let now = cx.now;
    let Some(k) = d.task(at, cluster, id) else {
        return gone(buf, area, t, "this task");
    };
    let when = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| format!("{} ({} ago)", d.format("%H:%M:%S UTC"), age(now - d)))
            .unwrap_or_else(|| "-".into())
    };
    let lines = vec![
        field(t, "task", k.id.clone()),
        field(
            t,
            "service",
            k.service.clone().unwrap_or_else(|| "(standalone)".into()),
        ),
        field(t, "definition", k.task_definition.clone()),
        field(
            t,
            "status",
            format!("{} (desired {})", k.last_status, k.desired_status),
        ),
        field(
            t,
            "capacity",
            format!(
                "{} {}",
                k.launch_type,
                k.capacity_provider.clone().unwrap_or_default()
            ),
        ),
        field(
            t,
            "size",
            format!(
                "cpu {} memory {}",
                k.cpu.clone().unwrap_or_default(),
                k.memory.clone().unwrap_or_default()
            ),
        ),
        field(t, "started", when(k.started_at)),
        field(t, "stopped", when(k.stopped_at)),
        field(
            t,
            "stop code",
            k.stop_code.clone().unwrap_or_else(|| "-".into()),
        ),
        field(
            t,
            "reason",
            k.stopped_reason.clone().unwrap_or_else(|| "-".into()),
        ),
    ];
    let mut rows: Vec<Row> = lines.into_iter().map(Row::line).collect();
    rows.push(Row::heading(Span::styled("Containers", t.title)));
    for c in &k.containers {
        let exit = c
            .exit_code
            .map(|e| format!(" exit {e}"))
            .unwrap_or_default();
        let style = if c.exit_code.is_some_and(|e| e != 0) {
            t.error
        } else {
            ratatui::style::Style::new()
        };
        rows.push(Row::line(vec![
            Span::raw(format!("  {} {}", c.name, c.last_status)),
            Span::styled(
                format!("{exit} {}", c.reason.clone().unwrap_or_default()),
                style,
            ),
        ]));
    }
    // Wrapped, and scrolled (j/k) where a task's containers outrun the screen.
    crate::widgets::scroll::draw(buf, area, rows, true, cx);
}
