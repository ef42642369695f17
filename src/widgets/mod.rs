//! Drawing pieces the rooms' panes share: the table, a detail's scrolling
//! list, detail fields, the "gone" notice, and the mapping from a cell's
//! tone to the theme.

pub mod changes;
pub mod fit;
pub mod scroll;
pub mod spark;
pub mod table;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::table::Tone;
use crate::theme::Theme;

/// The theme's style for a tone.
pub fn style(t: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Plain => Style::new(),
        Tone::Muted => t.muted,
        Tone::Ok => t.ok,
        Tone::Warn => t.warn,
        Tone::Error => t.error,
        Tone::Accent => t.accent,
    }
}

/// "key: value" lines for detail views.
pub fn field<'a>(t: &Theme, key: &'a str, value: impl Into<String>) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{key:<14}"), t.muted),
        Span::raw(value.into()),
    ])
}

/// A drill-down whose row left the data.
pub fn gone(buf: &mut Buffer, area: Rect, t: &Theme, what: &str) {
    Paragraph::new(Span::styled(
        format!("{what} is no longer in the data (Esc to go back)"),
        t.warn,
    ))
    .render(area, buf);
}
