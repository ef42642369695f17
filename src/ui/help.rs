//! The `?` screen: the help's lines (laid out in `app::help`) in a box,
//! scrolled with j/k, PgUp/PgDn, g/G, saying when there is more.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::help::lines;
use crate::theme::Theme;

/// Draws the help scrolled down `scroll` lines (clamped to the last page).
pub fn draw(buf: &mut Buffer, area: Rect, t: &Theme, replay: bool, scroll: usize) {
    Clear.render(area, buf);
    let inner = area.height.saturating_sub(2) as usize;
    let all: Vec<Line> = lines(area.width.saturating_sub(2), replay)
        .into_iter()
        .map(|(k, what)| Line::from(vec![Span::styled(k, t.accent), Span::raw(what)]))
        .collect();
    let last = all.len().saturating_sub(inner);
    let scroll = scroll.min(last);
    let more_above = scroll > 0;
    let more_below = scroll < last;
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(" Keys (Esc or ? to close) ", t.title));
    if more_above || more_below {
        let arrows = match (more_above, more_below) {
            (true, true) => "↑↓",
            (true, false) => "↑",
            _ => "↓",
        };
        block = block.title_bottom(Span::styled(
            format!(" {arrows} more: j/k PgUp/PgDn "),
            t.muted,
        ));
    }
    Paragraph::new(all.into_iter().skip(scroll).take(inner).collect::<Vec<_>>())
        .block(block)
        .render(area, buf);
}
