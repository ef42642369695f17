//! `view`: draws the Model. Reads only; never changes state.

pub mod accounts;
mod changes;
mod footer;
mod header;
mod help;
mod overview;
mod pane;

use ratatui::layout::Rect;
use ratatui::Frame;

use crate::app::model::{Mode, Model};
use crate::layout;
use crate::theme::Theme;

pub fn draw(f: &mut Frame, m: &Model, theme: &Theme) {
    let area = f.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    let s = layout::screen(area);
    header::draw(f.buffer_mut(), s.header, m, theme);
    header::tabs(f.buffer_mut(), s.tabs, m, theme);
    pane::draw(f.buffer_mut(), s.body, m, theme);
    footer::draw(f, s.footer, m, theme);
    if m.ui.mode == Mode::Help {
        let replay = m.ui.replay.is_some();
        // Below the header and above the footer, so `?` and `q` stay in view.
        let room = Rect {
            height: area.height.saturating_sub(layout::FRAME_ROWS),
            y: area.y + (layout::HEADER_ROWS + layout::TABS_ROWS).min(area.height),
            ..area
        };
        let (w, h) = crate::app::help::size(room.width, room.height, replay);
        help::draw(
            f.buffer_mut(),
            centered(room, w, h),
            theme,
            replay,
            m.ui.help_scroll,
        );
    }
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
