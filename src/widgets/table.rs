//! A table that draws only the rows on screen, straight into the buffer, and
//! drops the least important columns to fit narrow terminals.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::fmt::truncate;
use crate::services::room::PaneCtx;
use crate::table::{Cell, Columns, Ctx, Row, TableState};
use crate::theme::Theme;

/// The narrowest the first (name) column is squeezed to before columns go.
const MIN_FIRST: u16 = 8;

/// Which columns fit, and how wide each one is drawn. `want` gives a
/// column's widest text on screen: spare room goes first to columns whose
/// text is cut (names before ids), then to a trailing text column, else to the
/// first. A column that does not fit is dropped whole, never drawn in part.
/// `title` is a column's title as drawn (a room's setting filled in).
pub fn fit(
    columns: &dyn Columns,
    several: bool,
    width: u16,
    want: &dyn Fn(usize) -> u16,
    title: &dyn Fn(usize) -> String,
) -> Vec<(usize, u16)> {
    let mut keep: Vec<usize> = (0..columns.len()).filter(|i| columns.drawn(*i, several)).collect();
    // Room for the title and the sort arrow: a title is never cut.
    let base = |i: usize| {
        columns
            .width(i)
            .max(title(i).chars().count() as u16 + 1)
    };
    let need = |k: &[usize]| k.iter().map(|i| base(*i) + 1).sum::<u16>();
    while need(&keep) > width && keep.len() > 1 {
        // Drop the least important column, the rightmost among equals.
        let (pos, _) = keep
            .iter()
            .enumerate()
            .max_by_key(|(_, i)| columns.priority(**i))
            .unwrap_or((0, &0));
        if columns.priority(keep[pos]) == 0 {
            break;
        }
        keep.remove(pos);
    }
    if keep.is_empty() {
        return Vec::new();
    }
    let mut widths: Vec<(usize, u16)> = keep.iter().map(|i| (*i, base(*i))).collect();
    let total = |w: &[(usize, u16)]| w.iter().map(|(_, w)| w + 1).sum::<u16>();
    if total(&widths) > width {
        // Even the essentials overflow: squeeze the first column, then drop
        // columns from the right.
        let over = total(&widths) - width;
        let first = widths[0].1;
        widths[0].1 = first.saturating_sub(over).max(MIN_FIRST.min(first));
        while total(&widths) > width && widths.len() > 1 {
            widths.pop();
        }
        if total(&widths) > width {
            widths[0].1 = width.saturating_sub(1).max(1);
        }
        return widths;
    }
    let mut spare = width - total(&widths);
    for (i, w) in widths.iter_mut().filter(|(i, _)| columns.grows(*i)) {
        let more = want(*i).saturating_sub(*w).min(spare);
        *w += more;
        spare -= more;
    }
    if spare > 0 {
        let flex = match widths.last() {
            Some((i, w)) if !columns.numeric(*i) && *w >= 20 && widths.len() > 1 => {
                widths.len() - 1
            }
            _ => 0,
        };
        widths[flex].1 += spare;
    }
    widths
}

/// Draws the pane's table: the rows of `items` in the table's order, from
/// `T`'s column spec, and notes which rows are on screen for the title.
pub fn draw<T: Row>(buf: &mut Buffer, area: Rect, items: &[T], cx: &PaneCtx) {
    let Some((st, rows)) = cx.table else { return };
    let tc = cx.cells();
    let (first, count) = render(
        buf,
        area,
        crate::table::columns_of::<T>(),
        rows,
        st,
        cx.theme,
        &tc,
        |i, c| match (items.get(i as usize), T::COLUMNS.get(c)) {
            (Some(item), Some(col)) if item.waiting(col.key) => {
                Cell::tone("…", crate::table::Tone::Muted)
            }
            (Some(item), Some(col)) => (col.cell)(item, &tc),
            _ => Cell::plain(""),
        },
    );
    cx.shown.set(Some((first, count, rows.len())));
}

/// Draws the rows on screen; returns the first one drawn and how many.
pub fn render(
    buf: &mut Buffer,
    area: Rect,
    columns: &dyn Columns,
    rows: &[u32],
    st: &TableState,
    theme: &Theme,
    cx: &Ctx,
    mut cell: impl FnMut(u32, usize) -> Cell,
) -> (usize, usize) {
    if area.height == 0 || area.width == 0 {
        return (0, 0);
    }
    let body = area.height.saturating_sub(1) as usize;
    // The cursor is always on screen, whatever else the pane shows below.
    let mut offset = st.offset.min(rows.len().saturating_sub(body.max(1)));
    if body > 0 && st.cursor >= offset + body {
        offset = st.cursor + 1 - body;
    }
    offset = offset.min(st.cursor);
    let drawn = rows.len().saturating_sub(offset).min(body);
    let visible = &rows[offset.min(rows.len())..offset.min(rows.len()) + drawn];
    // The cells on screen, made once: their widths decide where spare room goes.
    let several = cx.accounts.several();
    let shown: Vec<usize> = (0..columns.len()).filter(|i| columns.drawn(*i, several)).collect();
    let cells: Vec<Vec<Cell>> = visible
        .iter()
        .map(|r| shown.iter().map(|i| cell(*r, *i)).collect())
        .collect();
    let want = |i: usize| -> u16 {
        let Some(k) = shown.iter().position(|c| *c == i) else {
            return 0;
        };
        let title = cx.title(columns.title(i)).chars().count() + 1;
        cells
            .iter()
            .map(|row| row[k].text.chars().count())
            .chain([title])
            .max()
            .unwrap_or(0)
            .min(u16::MAX as usize) as u16
    };
    let widths = fit(columns, several, area.width, &want, &|i| cx.title(columns.title(i)));
    let mut x = area.x;
    let right = area.x + area.width;
    for (i, w) in &widths {
        let mut title = cx.title(columns.title(*i));
        if *i == st.sort {
            // The arrow shows the direction rows run: numbers default to largest first.
            let down = columns.numeric(*i) != st.reverse;
            title.push(if down { '↓' } else { '↑' });
        }
        put(
            buf,
            x,
            area.y,
            right,
            &title,
            *w,
            columns.numeric(*i),
            theme.header,
        );
        x = x.saturating_add(w + 1);
    }
    for (line, row_cells) in cells.iter().enumerate() {
        let y = area.y + 1 + line as u16;
        let selected = offset + line == st.cursor;
        if selected {
            buf.set_style(
                Rect {
                    x: area.x,
                    y,
                    width: area.width,
                    height: 1,
                },
                theme.selection,
            );
        }
        let mut x = area.x;
        for (i, w) in &widths {
            let Some(c) = shown.iter().position(|k| k == i).map(|k| &row_cells[k]) else {
                continue;
            };
            let cell_style = super::style(theme, c.tone);
            // Keep the cell's bold or marker on the selected row, but not its colour.
            let style = if selected {
                theme.selection.add_modifier(
                    cell_style
                        .add_modifier
                        .difference(ratatui::style::Modifier::DIM),
                )
            } else {
                cell_style
            };
            put(buf, x, y, right, &c.text, *w, columns.numeric(*i), style);
            x = x.saturating_add(w + 1);
        }
    }
    (offset, drawn)
}

fn put(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    right: u16,
    text: &str,
    w: u16,
    align_right: bool,
    style: Style,
) {
    if x >= right {
        return;
    }
    let w = w.min(right - x);
    // A number that does not fit is not cut into another: it says so instead.
    let text = if align_right && text.chars().count() > w as usize {
        "…".to_string()
    } else {
        truncate(text, w as usize)
    };
    let len = text.chars().count() as u16;
    let x = if align_right {
        x + w.saturating_sub(len)
    } else {
        x
    };
    buf.set_stringn(x, y, &text, w as usize, style);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lambda::Function;
    use crate::table::columns_of;

    #[test]
    fn narrow_terminals_keep_the_essentials() {
        let cols = columns_of::<Function>();
        let shown = (0..cols.len()).filter(|i| cols.drawn(*i, false)).count();
        let none = |_: usize| 0;
        let wide = fit(cols, false, 200, &none, &|i| cols.title(i).to_string());
        assert_eq!(wide.len(), shown);
        assert_eq!(wide.iter().map(|(_, w)| w + 1).sum::<u16>(), 200);
        let narrow = fit(cols, false, 80, &none, &|i| cols.title(i).to_string());
        assert!(narrow.iter().map(|(_, w)| w + 1).sum::<u16>() <= 80);
        for i in 0..cols.len() {
            if cols.priority(i) == 0 && cols.shown(i) {
                assert!(
                    narrow.iter().any(|(k, _)| *k == i),
                    "{} dropped",
                    cols.title(i)
                );
            }
        }
        // Tiny widths never panic and never overflow.
        for w in 0..30 {
            let f = fit(cols, false, w, &none, &|i| cols.title(i).to_string());
            assert!(!f.is_empty());
            assert!(
                f.iter().map(|(_, w)| w + 1).sum::<u16>() <= w.max(2),
                "{w}: {f:?}"
            );
        }
        // A name cut at its spec width gets the spare room first.
        let long_name = |i: usize| if i == 0 { 40 } else { 0 };
        let named = fit(cols, false, 200, &long_name, &|i| cols.title(i).to_string());
        assert!(named[0].1 >= 40, "{named:?}");
    }
}
