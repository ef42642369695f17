//! Batch: job queues with counts by status, then a queue's jobs, then one job.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::domain::{BatchData, Job, JOB_STATUSES};
use super::{Batch, View};
use crate::fmt::age;
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi};
use crate::table::Row;
use crate::widgets::scroll::Row as ListRow;
use crate::widgets::{field, gone, table};

impl RoomUi for Batch {
    fn draw(buf: &mut Buffer, area: Rect, state: &BatchData, view: &View, cx: &PaneCtx) {
        match view {
            View::Queues => queues(buf, area, state, cx),
            View::Jobs { at, queue } => jobs(buf, area, state, cx, at, queue),
            View::Job { at, queue, id } => job(buf, area, state, cx, at, queue, id),
        }
    }

    fn offenders(state: &BatchData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }

    fn overview(state: &BatchData, cx: &PaneCtx) -> ratatui::text::Line<'static> {
        super::overview::line(state, cx)
    }
}

fn queues(buf: &mut Buffer, area: Rect, d: &BatchData, cx: &PaneCtx) {
    let t = cx.theme;
    let ces = &d.compute_environments;
    // The queues keep at least two thirds of the pane; more environments
    // than the rest scroll (J/K) below them.
    let want = ces.len() as u16 + 1;
    let [tbl, env] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(want.min(area.height / 3))])
            .areas(area);
    table::draw(buf, tbl, &d.queues, cx);
    // vCPU's three figures are named once, in the title, so a row's price fits.
    let mut lines = vec![ListRow::heading(vec![
        Span::styled("Compute environments", t.title),
        Span::styled("  vCPU min/desired/max", t.muted),
    ])];
    for c in ces {
        let bad = c.status != "VALID" || c.state != "ENABLED";
        lines.push(ListRow::line(crate::widgets::fit::fit_spans(vec![
            Span::raw(format!(
                "  {:<14} {:<8} {:<8} ",
                c.name, c.provisioning, c.state
            )),
            Span::styled(c.status.clone(), if bad { t.error } else { t.ok }),
            Span::styled(
                format!(
                    "  vCPU {}/{}/{}",
                    c.min_vcpus, c.desired_vcpus, c.max_vcpus
                ),
                t.muted,
            ),
            Span::raw(format!("  {}", super::cost::estimate(c, &cx.settings.prices).describe())),
        ], env.width as usize)));
    }
    crate::widgets::scroll::draw(buf, env, lines, false, cx);
}

fn jobs(buf: &mut Buffer, area: Rect, d: &BatchData, cx: &PaneCtx, at: &crate::scope::Scope, queue: &str) {
    let t = cx.theme;
    let Some(q) = d.queue(at, queue) else {
        return gone(buf, area, t, queue);
    };
    let Some((st, _)) = cx.table else { return };
    let [chips, tbl] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    // Status chips double as the [ ] filter indicator.
    let want = st.tab_filter(Job::TABS);
    let mut spans = vec![Span::styled(
        if want.is_none() { "[ALL] " } else { " ALL  " },
        if want.is_none() { t.selection } else { t.muted },
    )];
    for s in JOB_STATUSES {
        let label = format!("{} {}", chip(s), q.count_text(s));
        if want == Some(s) {
            spans.push(Span::styled(format!("[{label}]"), t.selection));
        } else {
            spans.push(Span::styled(format!(" {label} "), t.muted));
        }
    }
    crate::widgets::fit::fit_spans(spans, chips.width as usize).render(chips, buf);
    table::draw(buf, tbl, &q.jobs, cx);
}

fn job(buf: &mut Buffer, area: Rect, d: &BatchData, cx: &PaneCtx, at: &crate::scope::Scope, queue: &str, id: &str) {
    let t = cx.theme;
    let now = cx.now;
    let Some(j) = d.job(at, queue, id) else {
        return gone(buf, area, t, "this job");
    };
    let when = |d: Option<chrono::DateTime<chrono::Utc>>| {
        d.map(|d| format!("{} ({} ago)", d.format("%H:%M:%S UTC"), age(now - d)))
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
    if j.is_stuck(now) {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(diagnose(j, d, now, at, queue), t.error)));
    }
    // Wrapped, and scrolled (j/k) where a long reason outruns the screen.
    let rows = lines.into_iter().map(crate::widgets::scroll::Row::line).collect();
    crate::widgets::scroll::draw(buf, area, rows, true, cx);
}

/// Why a job sits in RUNNABLE, from its reason and its compute environments.
fn diagnose(j: &Job, d: &BatchData, now: chrono::DateTime<chrono::Utc>, at: &crate::scope::Scope, queue: &str) -> String {
    use crate::scope::Scoped;
    let reason = j.status_reason.as_deref().unwrap_or("");
    let ces: Vec<_> = d
        .queue(at, queue)
        .map(|q| q.compute_environments.clone())
        .unwrap_or_default();
    let bad: Vec<String> = d
        .compute_environments
        .iter()
        .filter(|c| c.in_scope(at) && ces.contains(&c.name) && (c.status != "VALID" || c.state != "ENABLED"))
        .map(|c| format!("{} is {} {}", c.name, c.state, c.status))
        .collect();
    let waited = j.created_at.map(|c| age(now - c)).unwrap_or_default();
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

/// A status as the queues table heads it: short, and never the same as another.
fn chip(status: &str) -> &str {
    match status {
        "SUBMITTED" => "SUBMIT",
        "PENDING" => "PEND",
        "STARTING" => "START",
        "SUCCEEDED" => "DONE",
        other => other,
    }
}
