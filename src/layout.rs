//! How the screen is divided, in rows: the one place both the view, which
//! draws by it, and the model, which pages and scrolls by it, read it from.
//! It sits below both (the view reads the model, so the model cannot read
//! the view); it knows nothing of either.

use ratatui::layout::{Constraint, Layout, Rect};

/// The header line: the source, the account, what watching costs.
pub const HEADER_ROWS: u16 = 1;
/// The tabs, one a pane.
pub const TABS_ROWS: u16 = 1;
/// The footer: the keys, a prompt or a message.
pub const FOOTER_ROWS: u16 = 1;
/// A pane's title line, with its load state.
pub const PANE_TITLE_ROWS: u16 = 1;
/// A table's column titles.
pub const COLUMN_TITLE_ROWS: u16 = 1;

/// The frame around every pane and the help: header, tabs, footer.
pub const FRAME_ROWS: u16 = HEADER_ROWS + TABS_ROWS + FOOTER_ROWS;
/// Rows the Overview's lists do not get: the frame and the pane's title.
pub const OVERVIEW_CHROME_ROWS: u16 = FRAME_ROWS + PANE_TITLE_ROWS;
/// Rows a table's rows do not get: the frame, the pane's title and the
/// column titles.
pub const CHROME_ROWS: u16 = OVERVIEW_CHROME_ROWS + COLUMN_TITLE_ROWS;

/// The screen's parts, top to bottom.
pub struct Screen {
    pub header: Rect,
    pub tabs: Rect,
    pub body: Rect,
    pub footer: Rect,
}

pub fn screen(area: Rect) -> Screen {
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Length(TABS_ROWS),
        Constraint::Min(0),
        Constraint::Length(FOOTER_ROWS),
    ])
    .areas(area);
    Screen {
        header,
        tabs,
        body,
        footer,
    }
}

/// A pane's title line and what is below it.
pub fn pane(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(PANE_TITLE_ROWS), Constraint::Min(0)]).areas(area)
}

/// The table rows a screen `height` rows high shows: at least one.
pub fn table_rows(height: u16) -> usize {
    height.saturating_sub(CHROME_ROWS).max(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_gets_what_the_drawn_parts_leave() {
        let area = Rect::new(0, 0, 80, 24);
        let s = screen(area);
        let [title, body] = pane(s.body);
        assert_eq!((s.header.y, s.tabs.y, s.footer.y), (0, 1, 23));
        assert_eq!(title.height, PANE_TITLE_ROWS);
        // The table's own first row holds its column titles.
        assert_eq!(
            (body.height - COLUMN_TITLE_ROWS) as usize,
            table_rows(area.height)
        );
        assert_eq!(s.body.height, area.height - FRAME_ROWS);
        assert_eq!(table_rows(3), 1, "never less than one row");
    }
}
