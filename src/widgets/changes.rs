//! The changes to one resource listed under its detail, newest first: time,
//! what, who, where read.

use ratatui::text::{Line, Span};

use super::spark::MARK;
use crate::changes::Change;
use crate::theme::Theme;

/// The `shown` newest of `changes`, under a heading that says whether they
/// are marked on graphs above and how many more `:changes` holds.
pub fn lines(changes: &[&Change], shown: usize, marked: bool, t: &Theme) -> Vec<Line<'static>> {
    let more = changes.len().saturating_sub(shown);
    let mut head = vec![Span::styled("Changes", t.title)];
    if marked {
        head.push(Span::styled(format!("  ({MARK} on the graphs)"), t.muted));
    }
    if more > 0 {
        head.push(Span::styled(format!("  {more} more in :changes"), t.muted));
    }
    let mut out = vec![Line::from(head)];
    for c in changes.iter().take(shown) {
        out.push(Line::from(vec![
            Span::styled(c.at.format("%H:%M:%S ").to_string(), t.muted),
            Span::styled(format!("{:<20} ", c.action), t.warn),
            // The services' answers do not say who: unknown, not nobody.
            Span::raw(crate::fmt::escape_controls(c.actor.as_deref().unwrap_or("-"))),
            Span::styled(format!("  {}", c.source.word()), t.muted),
        ]));
    }
    out
}
