//! A table that draws only the rows on screen, straight into the buffer, and
//! drops the least important columns to fit narrow terminals.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::fmt::truncate;
use crate::services::table::{Cell, Columns, Ctx, Row, TableState};
use crate::theme::Theme;

/// Which columns fit, and how wide each one is drawn.
pub fn fit(columns: &dyn Columns, width: u16) -> Vec<(usize, u16)> {
    let mut keep: Vec<usize> = (0..columns.len()).filter(|i| columns.shown(*i)).collect();
    let need = |k: &[usize]| k.iter().map(|i| columns.width(*i) + 1).sum::<u16>();
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
    let mut widths: Vec<(usize, u16)> = keep.iter().map(|i| (*i, columns.width(*i))).collect();
    let used = need(&keep);
    if used < width {
        // Spare room goes to a trailing text column (reasons, events), else to the name.
        let flex = match widths.last() {
            Some((i, w)) if !columns.numeric(*i) && *w >= 20 && widths.len() > 1 => {
                widths.len() - 1
            }
            _ => 0,
        };
        widths[flex].1 += width - used;
    } else if used > width {
        // Even the essentials overflow: squeeze the first column.
        let over = used - width;
        widths[0].1 = widths[0].1.saturating_sub(over).max(1);
    }
    widths
}

/// Draws the rows of `items` in the order `rows`, from `T`'s column spec.
pub fn rows<T: Row>(
    buf: &mut Buffer,
    area: Rect,
    items: &[T],
    rows: &[u32],
    st: &TableState,
    theme: &Theme,
    cx: &Ctx,
) {
    render(
        buf,
        area,
        crate::services::table::columns_of::<T>(),
        rows,
        st,
        theme,
        |i, c| match (items.get(i as usize), T::COLUMNS.get(c)) {
            (Some(item), Some(col)) => (col.cell)(item, cx),
            _ => Cell::plain(""),
        },
    );
}

pub fn render(
    buf: &mut Buffer,
    area: Rect,
    columns: &dyn Columns,
    rows: &[u32],
    st: &TableState,
    theme: &Theme,
    mut cell: impl FnMut(u32, usize) -> Cell,
) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let widths = fit(columns, area.width);
    let mut x = area.x;
    let right = area.x + area.width;
    for (i, w) in &widths {
        let mut title = columns.title(*i).to_string();
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
    let body = area.height.saturating_sub(1) as usize;
    let offset = st.offset.min(rows.len().saturating_sub(body.max(1)));
    for (line, row) in rows.iter().skip(offset).take(body).enumerate() {
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
            let c = cell(*row, *i);
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
    let text = truncate(text, w as usize);
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
    use crate::services::table::columns_of;

    #[test]
    fn narrow_terminals_keep_the_essentials() {
        let cols = columns_of::<Function>();
        let shown = (0..cols.len()).filter(|i| cols.shown(*i)).count();
        let wide = fit(cols, 200);
        assert_eq!(wide.len(), shown);
        assert_eq!(wide.iter().map(|(_, w)| w + 1).sum::<u16>(), 200);
        let narrow = fit(cols, 80);
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
            let f = fit(cols, w);
            assert!(!f.is_empty());
        }
    }
}
