//! The changes to one resource listed under its detail, newest first: time,
//! what, who, where read.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::spark::{fit_lines, grid_marked, minute_of, Graph, Week, MARK};
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

/// Changes listed under a detail's graphs at most, newest first (`:changes`
/// has them all); one where the terminal is too short for the graphs.
pub const SHOWN: usize = 3;

/// The lines `changes` take under a detail: none when there are none, else
/// a heading and the newest `SHOWN` (one without graphs).
pub fn height(changes: usize, under_graphs: bool) -> u16 {
    if changes == 0 {
        return 0;
    }
    1 + changes.min(if under_graphs { SHOWN } else { 1 }) as u16
}

/// `lines` fitted to `area`, as many as it holds.
pub fn draw(buf: &mut Buffer, area: Rect, changes: &[&Change], marked: bool, t: &Theme) {
    if area.height == 0 {
        return;
    }
    let lines = lines(changes, area.height as usize - 1, marked, t);
    Paragraph::new(fit_lines(lines, area.width as usize)).render(area, buf);
}

/// The minutes of a series of `minutes` from `start` that `changes` fall
/// in: where `spark::grid_marked` marks them. No start: none.
pub fn marks(changes: &[&Change], start: Option<DateTime<Utc>>, minutes: usize) -> Vec<usize> {
    start
        .map(|start| changes.iter().filter_map(|c| minute_of(start, minutes, c.at)).collect())
        .unwrap_or_default()
}

/// Where a detail's graphs lie in time: their series' first minute (`None`:
/// not known, so nothing can be marked) and how many points each holds.
#[derive(Debug, Clone, Copy)]
pub struct Timed {
    pub start: Option<DateTime<Utc>>,
    pub points: usize,
}

/// A detail's graphs with a marker at the minute of each change (when
/// `sparks` has room), then the newest changes listed in `list`: what every
/// detail that knows its resource's changes draws.
#[allow(clippy::too_many_arguments)]
pub fn graphs_and_list(
    buf: &mut Buffer,
    sparks: Rect,
    list: Rect,
    graphs: &[Graph],
    weeks: Option<&[Week]>,
    step: usize,
    timed: Option<Timed>,
    changes: &[&Change],
    t: &Theme,
) {
    let marked = sparks.height > 0;
    if marked {
        let at = timed.map(|s| marks(changes, s.start, s.points)).unwrap_or_default();
        grid_marked(buf, sparks, t, graphs, weeks, step, &at);
    }
    draw(buf, list, changes, marked, t);
}
