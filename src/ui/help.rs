//! The `?` screen, written from the same key list the key map documents.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use crate::app::keymap::{help, REPLAY_HELP};
use crate::theme::Theme;

/// The replay keys are listed only in a replay, where they do something.
pub fn draw(buf: &mut Buffer, area: Rect, t: &Theme, replay: bool) {
    Clear.render(area, buf);
    let replay_rows = REPLAY_HELP
        .iter()
        .filter(|_| replay)
        .map(|(k, what)| (k.to_string(), what.to_string()));
    let lines: Vec<Line> = help()
        .into_iter()
        .chain(replay_rows)
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!(" {k:<16}"), t.accent),
                Span::raw(what),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(Span::styled(" Keys (Esc or ? to close) ", t.title)),
        )
        .render(area, buf);
}
