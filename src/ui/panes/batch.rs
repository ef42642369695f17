//! Batch: job queues with counts by status, then a queue's jobs, then one job.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{field, gone};
use crate::app::model::Model;
use crate::app::tables::{job_runtime_s, status_filter, Row};
use crate::domain::batch::{Job, JobQueue, JOB_STATUSES};
use crate::fmt::age;
use crate::theme::Theme;
use crate::ui::table::{self, Cell};

pub fn queues(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let Some(st) = m.table() else { return };
    let qs = &m.batch.data.queues;
    let ces = &m.batch.data.compute_environments;
    let [tbl, env] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(ces.len() as u16 + 1)])
            .areas(area);
    table::render(buf, tbl, JobQueue::COLUMNS, &m.rows, st, t, |i, col| {
        let q = &qs[i as usize];
        match col {
            0 => Cell::plain(q.name.clone()),
            1 => Cell::plain(q.state.clone()),
            2 => Cell::plain(q.priority.to_string()),
            3..=9 => {
                let status = JOB_STATUSES[col - 3];
                let n = q.count(status);
                match status {
                    "FAILED" if n > 0 => Cell::styled(format!("!{n}"), t.error),
                    _ => Cell::plain(n.to_string()),
                }
            }
            10 => match q.stuck(m.now) {
                0 => Cell::styled("0", t.ok),
                n => Cell::styled(format!("!{n}"), t.error),
            },
            _ => Cell::styled(q.compute_environments.join(","), t.muted),
        }
    });
    let mut lines = vec![Line::from(Span::styled("Compute environments", t.title))];
    for c in ces {
        let bad = c.status != "VALID" || c.state != "ENABLED";
        lines.push(Line::from(vec![
            Span::raw(format!(
                "  {:<14} {:<8} {:<8} ",
                c.name, c.provisioning, c.state
            )),
            Span::styled(c.status.clone(), if bad { t.error } else { t.ok }),
            Span::styled(
                format!(
                    "  vCPU {}/{}/{} (min/desired/max)",
                    c.min_vcpus, c.desired_vcpus, c.max_vcpus
                ),
                t.muted,
            ),
        ]));
    }
    Paragraph::new(lines).render(env, buf);
}

fn status(j: &Job, m: &Model, t: &Theme) -> Cell {
    match j.status.as_str() {
        "FAILED" => Cell::styled("x FAILED", t.error),
        "SUCCEEDED" => Cell::styled("SUCCEEDED", t.ok),
        "RUNNABLE" if j.is_stuck(m.now) => Cell::styled("! RUNNABLE", t.error),
        "RUNNING" => Cell::styled("RUNNING", t.accent),
        s => Cell::styled(format!("~ {s}"), t.warn),
    }
}

pub fn jobs(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme, queue: &str) {
    let Some(q) = m.queue(queue) else {
        return gone(buf, area, t, queue);
    };
    let Some(st) = m.table() else { return };
    let [chips, tbl] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    // Status chips double as the [ ] filter indicator.
    let want = status_filter(st);
    let mut spans = vec![Span::styled(
        if want.is_none() { "[ALL] " } else { " ALL  " },
        if want.is_none() { t.selection } else { t.muted },
    )];
    for s in JOB_STATUSES {
        let label = format!("{} {}", &s[..s.len().min(4)], q.count(s));
        if want == Some(s) {
            spans.push(Span::styled(format!("[{label}]"), t.selection));
        } else {
            spans.push(Span::styled(format!(" {label} "), t.muted));
        }
    }
    Line::from(spans).render(chips, buf);
    table::render(buf, tbl, Job::COLUMNS, &m.rows, st, t, |i, col| {
        let j = &q.jobs[i as usize];
        match col {
            0 => Cell::plain(j.name.clone()),
            1 => status(j, m, t),
            2 => Cell::plain(
                j.created_at
                    .map(|c| age(m.now - c))
                    .unwrap_or_else(|| "-".into()),
            ),
            3 => Cell::plain(
                job_runtime_s(j, m.now)
                    .map(|s| age(chrono::Duration::seconds(s as i64)))
                    .unwrap_or_else(|| "-".into()),
            ),
            4 => Cell::plain(j.exit_code.map(|e| e.to_string()).unwrap_or_default()),
            5 => Cell::styled(
                j.status_reason.clone().unwrap_or_default(),
                if j.is_stuck(m.now) { t.error } else { t.muted },
            ),
            _ => Cell::styled(j.id.clone(), t.muted),
        }
    });
}

pub fn job(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme, queue: &str, id: &str) {
    let Some(j) = m.job(queue, id) else {
        return gone(buf, area, t, "this job");
    };
    let when = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| format!("{} ({} ago)", d.format("%H:%M:%S UTC"), age(m.now - d)))
            .unwrap_or_else(|| "-".into())
    };
    let mut lines = vec![
        field(t, "job", j.name.clone()),
        field(t, "id", j.id.clone()),
        field(t, "queue", queue.to_string()),
        field(
            t,
            "definition",
            j.job_definition.clone().unwrap_or_default(),
        ),
        field(t, "status", j.status.clone()),
        field(
            t,
            "reason",
            j.status_reason.clone().unwrap_or_else(|| "-".into()),
        ),
        field(t, "created", when(j.created_at)),
        field(t, "started", when(j.started_at)),
        field(t, "stopped", when(j.stopped_at)),
        field(
            t,
            "exit code",
            j.exit_code
                .map(|e| e.to_string())
                .unwrap_or_else(|| "-".into()),
        ),
        field(t, "attempts", j.attempts.to_string()),
    ];
    if j.is_stuck(m.now) {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(diagnose(j, m, queue), t.error)));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

/// Why a job sits in RUNNABLE, from its reason and its compute environments.
fn diagnose(j: &Job, m: &Model, queue: &str) -> String {
    let reason = j.status_reason.as_deref().unwrap_or("");
    let ces: Vec<_> = m
        .queue(queue)
        .map(|q| q.compute_environments.clone())
        .unwrap_or_default();
    let bad: Vec<String> = m
        .batch
        .data
        .compute_environments
        .iter()
        .filter(|c| ces.contains(&c.name) && (c.status != "VALID" || c.state != "ENABLED"))
        .map(|c| format!("{} is {} {}", c.name, c.state, c.status))
        .collect();
    let waited = j.created_at.map(|c| age(m.now - c)).unwrap_or_default();
    if reason.starts_with("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT") {
        format!(
            "! stuck {waited}: asks for more vCPU/memory/GPU than {} can ever provide",
            ces.join(", ")
        )
    } else if !bad.is_empty() {
        format!("! stuck {waited}: {}", bad.join("; "))
    } else {
        format!(
            "! stuck {waited} in RUNNABLE: waiting for capacity in {}",
            ces.join(", ")
        )
    }
}
