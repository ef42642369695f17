//! Overview: one totals line per room, then every room's lists of
//! offenders, two to a row, in registry order.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::model::Model;
use crate::services::room::{ListKind, OverviewList, PaneCtx};
use crate::services::ServiceKind;
use crate::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, cx: &PaneCtx) {
    let t = cx.theme;
    let parts: Vec<_> = ServiceKind::ALL
        .iter()
        .map(|k| k.room().overview(&m.data.feeds, cx))
        .collect();
    let [totals, lists_area] = Layout::vertical([
        Constraint::Length(parts.len() as u16 + 1),
        Constraint::Min(0),
    ])
    .areas(area);
    let lines: Vec<Line> = parts.iter().map(|p| p.line.clone()).collect();
    Paragraph::new(lines).render(totals, buf);
    let lists: Vec<&OverviewList> = parts.iter().flat_map(|p| &p.lists).collect();
    let rows = lists.len().div_ceil(2).max(1);
    let row_areas =
        Layout::vertical(vec![Constraint::Ratio(1, rows as u32); rows]).split(lists_area);
    for (i, l) in lists.iter().enumerate() {
        let halves = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .split(row_areas[i / 2]);
        draw_list(buf, halves[i % 2], t, l);
    }
}

fn draw_list(buf: &mut Buffer, area: Rect, t: &Theme, l: &OverviewList) {
    let mut lines = vec![Line::from(Span::styled(l.title.to_string(), t.title))];
    if l.items.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.ok)));
    }
    for (name, what) in &l.items {
        lines.push(match l.kind {
            ListKind::Values(tone) => Line::from(vec![
                Span::styled(format!("  {what:>7} "), crate::widgets::style(t, tone)),
                Span::raw(name.clone()),
            ]),
            ListKind::Flags => Line::from(vec![
                Span::styled("  ! ", t.error),
                Span::raw(format!("{name} ")),
                Span::styled(what.clone(), t.warn),
            ]),
        });
    }
    Paragraph::new(lines).render(area, buf);
}
