//! One module per pane; this one picks the view and draws the shared title line
//! with the load state: loading, fresh, or failed with the last good data kept.

mod batch;
mod ecs;
mod lambda;
mod overview;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::model::{Model, View};
use crate::app::msg::ServiceKind;
use crate::app::tables;
use crate::fmt::age;
use crate::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    if area.height == 0 {
        return;
    }
    let view = m.view();
    let service = match view {
        View::Overview => None,
        View::Functions | View::Function { .. } => Some(ServiceKind::Lambda),
        View::Clusters | View::Services { .. } | View::Tasks { .. } | View::Task { .. } => {
            Some(ServiceKind::Ecs)
        }
        _ => Some(ServiceKind::Batch),
    };
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let mut spans = vec![Span::styled(format!(" {} ", view_title(m)), t.title)];
    // Row count and sort first: short, and always visible; the error may be long.
    if let Some(st) = m.table() {
        let col = tables::columns_for(view)
            .get(st.sort)
            .map(|c| c.title)
            .unwrap_or("");
        spans.push(Span::styled(
            format!("{} rows · sort {col} ", m.rows.len()),
            t.muted,
        ));
        if !st.filter.is_empty() {
            spans.push(Span::styled(format!(" · filter /{}", st.filter), t.warn));
        }
    }
    if let Some(s) = service {
        let (loaded, at, err) = m.feed_status(s);
        if !loaded && err.is_none() {
            Paragraph::new(Line::from(vec![
                Span::styled(" ⠿ ", t.accent),
                Span::raw(format!("loading {}…", s.label())),
            ]))
            .render(body, buf);
            // No row count yet: "0 rows" would read as "no resources".
            spans.truncate(1);
            Line::from(spans).render(title, buf);
            return;
        }
        if let Some(e) = err {
            let last = at
                .map(|at| format!("last good data {} ago", age(m.now - at)))
                .unwrap_or_else(|| "no data yet".into());
            spans.push(Span::styled(
                format!("! {}: {} ({last})", e.operation, e.message),
                t.error,
            ));
            if !loaded {
                Line::from(spans).render(title, buf);
                Paragraph::new(format!(
                    "{} could not be read: {}: {}",
                    s.label(),
                    e.operation,
                    e.message
                ))
                .wrap(Wrap { trim: true })
                .style(t.error)
                .render(body, buf);
                return;
            }
        }
    }
    Line::from(spans).render(title, buf);
    match view {
        View::Overview => overview::draw(buf, body, m, t),
        View::Functions => lambda::list(buf, body, m, t),
        View::Function { name } => lambda::detail(buf, body, m, t, name),
        View::Clusters => ecs::clusters(buf, body, m, t),
        View::Services { cluster } => ecs::services(buf, body, m, t, cluster),
        View::Tasks { cluster, .. } => ecs::tasks(buf, body, m, t, cluster),
        View::Task { cluster, id } => ecs::task(buf, body, m, t, cluster, id),
        View::Queues => batch::queues(buf, body, m, t),
        View::Jobs { queue } => batch::jobs(buf, body, m, t, queue),
        View::Job { queue, id } => batch::job(buf, body, m, t, queue, id),
    }
}

fn view_title(m: &Model) -> String {
    match m.view() {
        View::Overview => "Overview".into(),
        View::Functions => "Lambda functions".into(),
        View::Function { name } => format!("Function {name}"),
        View::Clusters => "ECS clusters".into(),
        View::Services { cluster } => format!("Services in {cluster}"),
        View::Tasks { service, .. } => format!("Tasks of {service}"),
        View::Task { id, .. } => format!("Task {}", &id[..id.len().min(12)]),
        View::Queues => "Batch job queues".into(),
        View::Jobs { queue } => format!("Jobs in {queue}"),
        View::Job { .. } => "Job".into(),
    }
}

/// "key: value" lines for detail views.
fn field<'a>(t: &Theme, key: &'a str, value: impl Into<String>) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{key:<14}"), t.muted),
        Span::raw(value.into()),
    ])
}

fn gone(buf: &mut Buffer, area: Rect, t: &Theme, what: &str) {
    Paragraph::new(Span::styled(
        format!("{what} is no longer in the data (Esc to go back)"),
        t.warn,
    ))
    .render(area, buf);
}
