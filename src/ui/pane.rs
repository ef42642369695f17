//! The pane body: the shared title line with the load state (loading,
//! fresh, or failed with the last good data kept), then the view, drawn by
//! its room (or the Overview).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::model::{Model, View};
use crate::app::tables;
use crate::fmt::age;
use crate::theme::Theme;
use crate::widgets::fit::fit_spans;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    if area.height == 0 {
        return;
    }
    let view = m.view();
    let service = view.kind();
    let [title, body] = crate::layout::pane(area);
    let width = title.width as usize;
    let mut spans = vec![Span::styled(format!(" {} ", view_title(m)), t.title)];
    let mut failure = None;
    if let Some(s) = service {
        let (loaded, at, err) = m.data.status(s);
        if !loaded && err.is_none() {
            Paragraph::new(Line::from(vec![
                Span::styled(" ⠿ ", t.accent),
                Span::raw(format!("loading {}…", s.label())),
            ]))
            .render(body, buf);
            // No row count yet: "0 rows" would read as "no resources".
            fit_spans(spans, width).render(title, buf);
            return;
        }
        if let Some(e) = err {
            let mut last = at
                .map(|at| format!("last good data {} ago", age(m.data.now - at)))
                .unwrap_or_else(|| "no data yet".into());
            if let Some(s) = e.retry_left(m.data.now) {
                last.push_str(&format!("; retrying in {s} s"));
            }
            if !loaded {
                spans.push(Span::styled(
                    format!("! {}: {} ({last})", e.operation, e.message),
                    t.error,
                ));
                fit_spans(spans, width).render(title, buf);
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
            failure = Some(Span::styled(
                format!("! {}: {} ({last})", e.operation, e.message),
                t.error,
            ));
        }
    }
    // The body first: the table says which of its rows it could show.
    let cx = crate::app::scroll::pane_ctx(m, t);
    match view {
        View::Overview => super::overview::draw(buf, body, m, &cx),
        View::Accounts => super::accounts::draw(buf, body, m, &cx),
        View::Changes => super::changes::draw(buf, body, m, &cx),
        View::Room(v) => v.kind().room().draw(buf, body, &m.data.feeds, v, &cx),
    }
    // Where the rows stand and how they are sorted first: short, and always
    // visible; the error may be long.
    if let Some(st) = m.table() {
        let col = tables::columns_for(m, view)
            .map(|c| tables::ctx(m).title(c.title(st.sort)))
            .unwrap_or_default();
        let total = m.ui.rows.len();
        let rows = match cx.shown.get() {
            Some((first, n, all)) if n < all => {
                format!("rows {}-{} of {all}", first + 1, first + n)
            }
            _ => format!("{total} rows"),
        };
        spans.push(Span::styled(format!("{rows} · sort {col} "), t.muted));
        let budgeted = service.and_then(|s| s.room().budgeted(&m.data.feeds, &m.data.settings));
        if let Some(b) = &budgeted {
            spans.push(Span::styled(format!("· {b} "), t.warn));
        } else if let Some(l) = service.and_then(|s| s.room().loading(&m.data.feeds)) {
            spans.push(Span::styled(format!("· loading {l} "), t.accent));
        }
        if let Some(n) = service.and_then(|s| s.room().note(&m.data.feeds)) {
            spans.push(Span::styled(format!("· {n} "), t.warn));
        }
        if !st.filter.is_empty() {
            spans.push(Span::styled(format!(" · filter /{}", st.filter), t.warn));
        }
    }
    spans.extend(failure);
    fit_spans(spans, width).render(title, buf);
}

fn view_title(m: &Model) -> String {
    match m.view() {
        View::Overview => "Overview".into(),
        View::Accounts => "Accounts".into(),
        View::Changes => "Changes".into(),
        View::Room(v) => v.kind().room().title(&m.data.feeds, v),
    }
}
