//! The pane body: the shared title line with the load state (loading,
//! fresh, or failed with the last good data kept), then the view, drawn by
//! its room (or the Overview).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::model::{Model, View};
use crate::app::tables;
use crate::fmt::age;
use crate::services::room::PaneCtx;
use crate::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    if area.height == 0 {
        return;
    }
    let view = m.view();
    let service = view.kind();
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let mut spans = vec![Span::styled(format!(" {} ", view_title(m)), t.title)];
    // Row count and sort first: short, and always visible; the error may be long.
    if let Some(st) = m.table() {
        let col = tables::columns_for(m, view)
            .map(|c| c.title(st.sort))
            .unwrap_or("");
        spans.push(Span::styled(
            format!("{} rows · sort {col} ", m.ui.rows.len()),
            t.muted,
        ));
        if !st.filter.is_empty() {
            spans.push(Span::styled(format!(" · filter /{}", st.filter), t.warn));
        }
    }
    if let Some(s) = service {
        let (loaded, at, err) = m.data.status(s);
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
            let mut last = at
                .map(|at| format!("last good data {} ago", age(m.data.now - at)))
                .unwrap_or_else(|| "no data yet".into());
            if let Some(s) = e.retry_in_s {
                last.push_str(&format!("; retrying in {s} s"));
            }
            spans.push(Span::styled(
                format!("! {}: {} ({last})", e.operation, e.message),
                t.error,
            ));
            if !loaded {
                Line::from(spans).render(title, buf);
                Paragraph::new(format!(
                    "{} could not be read: {}: {} ({last})",
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
    let cx = PaneCtx {
        now: m.data.now,
        theme: t,
        table: m.table().map(|st| (st, &m.ui.rows[..])),
        tail: m.data.tail.as_ref(),
        feeds: &m.data.feeds,
        settings: &m.data.settings,
    };
    match view {
        View::Overview => super::overview::draw(buf, body, m, &cx),
        View::Room(v) => v.kind().room().draw(buf, body, &m.data.feeds, v, &cx),
    }
}

fn view_title(m: &Model) -> String {
    match m.view() {
        View::Overview => "Overview".into(),
        View::Room(v) => v.kind().room().title(v),
    }
}
