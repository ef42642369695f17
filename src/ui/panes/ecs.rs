//! ECS: clusters, then a cluster's services, a service's tasks, and one task.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{field, gone};
use crate::app::model::Model;
use crate::app::tables::Row;
use crate::domain::ecs::{Cluster, Health, Service, Task};
use crate::fmt::{age, opt, pct};
use crate::theme::Theme;
use crate::ui::table::{self, Cell};

pub fn clusters(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let Some(st) = m.table() else { return };
    let cs = &m.ecs.data.clusters;
    table::render(buf, area, Cluster::COLUMNS, &m.rows, st, t, |i, col| {
        let c = &cs[i as usize];
        let n = |v: usize| Cell::plain(v.to_string());
        match col {
            0 => Cell::plain(c.name.clone()),
            1 => Cell::plain(c.status.clone()),
            2 => n(c.services.len()),
            3 => match c.unhealthy_services() {
                0 => Cell::styled("0", t.ok),
                u => Cell::styled(format!("!{u}"), t.error),
            },
            4 => n(c.running_tasks()),
            5 => n(c.pending_tasks()),
            6 => n(c.tasks.iter().filter(|t| t.is_stopped()).count()),
            7 => n(c.container_instances.len()),
            _ => Cell::styled(c.capacity_providers.join(","), t.muted),
        }
    });
}

fn health(s: &Service, t: &Theme) -> Cell {
    match s.health() {
        Health::Ok => Cell::styled("ok", t.ok),
        Health::Deploying => Cell::styled("~deploying", t.accent),
        Health::Degraded => Cell::styled("!degraded", t.warn),
        Health::Failing => Cell::styled("!!failing", t.error),
    }
}

pub fn services(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme, cluster: &str) {
    let Some(c) = m.cluster(cluster) else {
        return gone(buf, area, t, cluster);
    };
    let Some(st) = m.table() else { return };
    // The selected service's newest event explains most problems; give it a line.
    let [tbl, ev] = Layout::vertical([Constraint::Min(0), Constraint::Length(2)]).areas(area);
    table::render(buf, tbl, Service::COLUMNS, &m.rows, st, t, |i, col| {
        let s = &c.services[i as usize];
        let n = |v: u32| Cell::plain(v.to_string());
        match col {
            0 => Cell::plain(s.name.clone()),
            1 => health(s, t),
            2 => Cell::styled(
                s.capacity_provider
                    .clone()
                    .unwrap_or_else(|| s.launch_type.clone()),
                t.muted,
            ),
            3 => n(s.desired),
            4 if s.running < s.desired => Cell::styled(format!("!{}", s.running), t.warn),
            4 => n(s.running),
            5 => n(s.pending),
            6 if s.recently_stopped > 0 => {
                Cell::styled(format!("!{}", s.recently_stopped), t.error)
            }
            6 => n(0),
            7 => Cell::plain(s.rollout_state.clone().unwrap_or_default()),
            8 => Cell::plain(opt(s.cpu_pct, pct)),
            9 => Cell::plain(opt(s.memory_pct, pct)),
            _ => Cell::styled(
                s.events
                    .first()
                    .map(|e| e.message.clone())
                    .unwrap_or_default(),
                t.muted,
            ),
        }
    });
    let selected = st
        .selected
        .as_deref()
        .and_then(|n| c.services.iter().find(|s| s.name == n));
    if let Some(e) = selected.and_then(|s| s.events.first()) {
        Paragraph::new(Line::from(vec![
            Span::styled(format!("{} ago ", age(m.now - e.at)), t.muted),
            Span::raw(e.message.clone()),
        ]))
        .wrap(Wrap { trim: true })
        .render(ev, buf);
    }
}

fn status(task: &Task, t: &Theme) -> Cell {
    if task.stop_code.as_deref() == Some("EssentialContainerExited") {
        Cell::styled(format!("x {}", task.last_status), t.error)
    } else if task.is_stopped() {
        Cell::styled(format!("x {}", task.last_status), t.muted)
    } else if task.is_starting() {
        Cell::styled(format!("~ {}", task.last_status), t.warn)
    } else {
        Cell::styled(task.last_status.clone(), t.ok)
    }
}

pub fn tasks(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme, cluster: &str) {
    let Some(c) = m.cluster(cluster) else {
        return gone(buf, area, t, cluster);
    };
    let Some(st) = m.table() else { return };
    table::render(buf, area, Task::COLUMNS, &m.rows, st, t, |i, col| {
        let k = &c.tasks[i as usize];
        match col {
            0 => Cell::plain(k.id.clone()),
            1 => status(k, t),
            2 => Cell::styled(k.desired_status.clone(), t.muted),
            3 => Cell::styled(
                k.capacity_provider
                    .clone()
                    .unwrap_or_else(|| k.launch_type.clone()),
                t.muted,
            ),
            4 => Cell::plain(k.cpu.clone().unwrap_or_default()),
            5 => Cell::plain(k.memory.clone().unwrap_or_default()),
            6 => Cell::plain(
                k.stopped_at
                    .or(k.started_at)
                    .map(|s| age(m.now - s))
                    .unwrap_or_else(|| "-".into()),
            ),
            7 => Cell::styled(k.stop_code.clone().unwrap_or_default(), t.error),
            _ => {
                // The container's reason (OOM, exit code) says more than the task's.
                let why = k
                    .containers
                    .iter()
                    .find_map(|c| c.reason.clone())
                    .or_else(|| k.stopped_reason.clone());
                Cell::plain(why.unwrap_or_default())
            }
        }
    });
}

pub fn task(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme, cluster: &str, id: &str) {
    let Some(k) = m.task(cluster, id) else {
        return gone(buf, area, t, "this task");
    };
    let when = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| format!("{} ({} ago)", d.format("%H:%M:%S UTC"), age(m.now - d)))
            .unwrap_or_else(|| "-".into())
    };
    let mut lines = vec![
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
        Line::from(Span::styled("Containers", t.title)),
    ];
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
        lines.push(Line::from(vec![
            Span::raw(format!("  {} {}", c.name, c.last_status)),
            Span::styled(
                format!("{exit} {}", c.reason.clone().unwrap_or_default()),
                style,
            ),
        ]));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
