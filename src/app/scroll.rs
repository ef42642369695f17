//! The current view's scrolling list (`widgets::scroll`), measured: its
//! room draws the pane body off screen at the terminal's size and says how
//! far the list goes, so the movement keys stop where the screen does.
//! Pure: no terminal, only the Model.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::model::{Model, View};
use crate::services::room::PaneCtx;
use crate::services::scroll::{moved, Extent, Move};
use crate::theme::Theme;

/// Rows the header, the tabs, the pane title and the footer take from the
/// height: the pane body is the rest (`ui::draw`, `ui::pane`).
pub const PANE_CHROME: u16 = 4;

/// What a room draws the current view with.
pub fn pane_ctx<'a>(m: &'a Model, t: &'a Theme) -> PaneCtx<'a> {
    PaneCtx {
        now: m.data.now,
        theme: t,
        table: m.table().map(|st| (st, &m.ui.rows[..])),
        tail: m.data.tail.as_ref(),
        tail_scroll: m.ui.tail_scroll,
        feeds: &m.data.feeds,
        settings: &m.data.settings,
        shown: std::cell::Cell::new(None),
        scroll: offset(m),
        extent: std::cell::Cell::new(None),
        changes: m.data.changes_now().collect(),
    }
}

/// Lines the current view's list is scrolled down.
pub fn offset(m: &Model) -> usize {
    m.ui.detail_scroll.get(m.view()).copied().unwrap_or(0)
}

/// How far the current view's list goes; `None` where the view draws no
/// scrolling list (or its room has nothing to draw yet).
pub fn extent(m: &Model) -> Option<Extent> {
    let View::Room(v) = m.view() else {
        return None;
    };
    if !m.data.status(v.kind()).0 {
        return None;
    }
    // Styles do not move a line: any theme measures the same.
    let theme = Theme::monochrome();
    let area = Rect::new(0, 0, m.ui.width, m.ui.height.saturating_sub(PANE_CHROME));
    let mut buf = Buffer::empty(area);
    let cx = pane_ctx(m, &theme);
    v.kind().room().draw(&mut buf, area, &m.data.feeds, v, &cx);
    cx.extent.get()
}

/// Moves the current view's list; false where it has none.
pub fn scroll(m: &mut Model, to: Move) -> bool {
    let Some(e) = extent(m) else {
        return false;
    };
    let next = moved(offset(m), to, e);
    let view = m.view().clone();
    m.ui.detail_scroll.insert(view, next);
    true
}
