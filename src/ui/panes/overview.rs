//! Overview: account totals and the top offenders of each kind.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::model::Model;
use crate::domain::ecs::Health;
use crate::domain::lambda::Function;
use crate::fmt::{age, count, pct};
use crate::theme::Theme;

const TOP: usize = 4;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let [totals, lists] = Layout::vertical([Constraint::Length(4), Constraint::Min(0)]).areas(area);
    Paragraph::new(totals_lines(m, t)).render(totals, buf);
    let rows = Layout::vertical([Constraint::Ratio(1, 3); 3]).split(lists);
    let halves = |r: Rect| {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).split(r)
    };
    let (a, b, c) = (halves(rows[0]), halves(rows[1]), halves(rows[2]));
    let fns = &m.lambda.data.functions;
    let metric = |f: fn(&Function) -> f64| top(fns.iter().map(|x| (x.name.as_str(), f(x))));
    list(
        buf,
        a[0],
        t,
        "Top errors",
        metric(|f| f.stats.errors.unwrap_or(0.0)),
        t.error,
    );
    list(
        buf,
        a[1],
        t,
        "Top throttles",
        metric(|f| f.stats.throttles.unwrap_or(0.0)),
        t.warn,
    );
    list(
        buf,
        b[0],
        t,
        "Top cold starts",
        metric(|f| f.stats.cold.as_ref().map_or(0.0, |c| c.count as f64)),
        t.warn,
    );
    let unhealthy: Vec<(String, String)> = m
        .ecs
        .data
        .clusters
        .iter()
        .flat_map(|c| c.services.iter().map(move |s| (c, s)))
        .filter(|(_, s)| s.health() != Health::Ok)
        .map(|(c, s)| {
            let what = match s.health() {
                Health::Failing => format!("failing, {} crashed", s.recently_stopped),
                Health::Degraded => format!("{}/{} running", s.running, s.desired),
                _ => "deploying".into(),
            };
            (format!("{}/{}", c.name, s.name), what)
        })
        .take(TOP)
        .collect();
    list_text(buf, b[1], t, "Unhealthy services", &unhealthy);
    let stuck: Vec<(String, String)> = m
        .batch
        .data
        .queues
        .iter()
        .flat_map(|q| {
            q.jobs
                .iter()
                .filter(|j| j.is_stuck(m.now))
                .map(move |j| (q, j))
        })
        .map(|(q, j)| {
            (
                format!("{}/{}", q.name, j.name),
                j.created_at
                    .map(|c| format!("RUNNABLE {}", age(m.now - c)))
                    .unwrap_or_default(),
            )
        })
        .take(TOP)
        .collect();
    list_text(buf, c[0], t, "Stuck jobs", &stuck);
    let failed: Vec<(String, String)> = m
        .batch
        .data
        .queues
        .iter()
        .flat_map(|q| {
            q.jobs
                .iter()
                .filter(|j| j.status == "FAILED")
                .map(move |j| (q, j))
        })
        .map(|(q, j)| {
            (
                format!("{}/{}", q.name, j.name),
                j.stopped_at
                    .map(|s| format!("{} ago", age(m.now - s)))
                    .unwrap_or_default(),
            )
        })
        .take(TOP)
        .collect();
    list_text(buf, c[1], t, "Recent failed jobs", &failed);
}

fn totals_lines<'a>(m: &Model, t: &Theme) -> Vec<Line<'a>> {
    let fns = &m.lambda.data.functions;
    let sum = |f: fn(&Function) -> Option<f64>| fns.iter().filter_map(f).sum::<f64>();
    // Account-wide totals when the source has them: per-function metrics may
    // cover only the rows on screen.
    let (inv, err, thr) = if m.lambda_totals.is_empty() {
        (
            sum(|f| f.stats.invocations),
            sum(|f| f.stats.errors),
            sum(|f| f.stats.throttles),
        )
    } else {
        m.lambda_totals
            .values()
            .fold((0.0, 0.0, 0.0), |(i, e, t), x| {
                (i + x.invocations, e + x.errors, t + x.throttles)
            })
    };
    let cold: u64 = fns
        .iter()
        .filter_map(|f| f.stats.cold.as_ref())
        .map(|c| c.count)
        .sum();
    let ecs = &m.ecs.data.clusters;
    let services: usize = ecs.iter().map(|c| c.services.len()).sum();
    let unhealthy: usize = ecs.iter().map(|c| c.unhealthy_services()).sum();
    let running: usize = ecs.iter().map(|c| c.running_tasks()).sum();
    let pending: usize = ecs.iter().map(|c| c.pending_tasks()).sum();
    let qs = &m.batch.data.queues;
    let jobs = |s: &str| qs.iter().map(|q| q.count(s)).sum::<usize>();
    let stuck: usize = qs.iter().map(|q| q.stuck(m.now)).sum();
    let bad = |n: f64, style| if n > 0.0 { style } else { t.ok };
    let rate = if inv > 0.0 {
        pct(100.0 * err / inv)
    } else {
        "-".into()
    };
    vec![
        Line::from(vec![
            Span::styled("Lambda  ", t.title),
            Span::raw(format!(
                "{} functions  {} invocations/60m  ",
                fns.len(),
                count(inv)
            )),
            Span::styled(
                format!("{} errors ({rate}%)  ", count(err)),
                bad(err, t.error),
            ),
            Span::styled(format!("{} throttles  ", count(thr)), bad(thr, t.warn)),
            Span::raw(format!("{cold} cold starts")),
        ]),
        Line::from(vec![
            Span::styled("ECS     ", t.title),
            Span::raw(format!("{} clusters  {services} services  ", ecs.len())),
            Span::styled(
                format!("{unhealthy} unhealthy  "),
                bad(unhealthy as f64, t.error),
            ),
            Span::raw(format!("{running} tasks running  {pending} pending")),
        ]),
        Line::from(vec![
            Span::styled("Batch   ", t.title),
            Span::raw(format!(
                "{} queues  {} running  {} runnable  ",
                qs.len(),
                jobs("RUNNING"),
                jobs("RUNNABLE")
            )),
            Span::styled(
                format!("{} failed  ", jobs("FAILED")),
                bad(jobs("FAILED") as f64, t.error),
            ),
            Span::styled(format!("{stuck} stuck"), bad(stuck as f64, t.error)),
        ]),
    ]
}

/// The largest `TOP` non-zero values, without sorting the whole list.
fn top<'a>(items: impl Iterator<Item = (&'a str, f64)>) -> Vec<(String, String)> {
    let mut best: Vec<(&str, f64)> = Vec::with_capacity(TOP + 1);
    for (name, v) in items.filter(|(_, v)| *v > 0.0) {
        let pos = best.iter().position(|(_, b)| v > *b).unwrap_or(best.len());
        if pos < TOP {
            best.insert(pos, (name, v));
            best.truncate(TOP);
        }
    }
    best.into_iter()
        .map(|(n, v)| (n.to_string(), count(v)))
        .collect()
}

fn list(
    buf: &mut Buffer,
    area: Rect,
    t: &Theme,
    title: &str,
    items: Vec<(String, String)>,
    style: ratatui::style::Style,
) {
    let mut lines = vec![Line::from(Span::styled(title.to_string(), t.title))];
    if items.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.ok)));
    }
    for (name, v) in items {
        lines.push(Line::from(vec![
            Span::styled(format!("  {v:>7} "), style),
            Span::raw(name),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

fn list_text(buf: &mut Buffer, area: Rect, t: &Theme, title: &str, items: &[(String, String)]) {
    let mut lines = vec![Line::from(Span::styled(title.to_string(), t.title))];
    if items.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.ok)));
    }
    for (name, what) in items {
        lines.push(Line::from(vec![
            Span::styled("  ! ", t.error),
            Span::raw(format!("{name} ")),
            Span::styled(what.clone(), t.warn),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}
