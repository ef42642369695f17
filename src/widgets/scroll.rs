//! A detail's list in the room it is given, scrolled where it is longer:
//! the section title of the lines on top stays pinned above them, and the
//! last line says which lines are on screen and which keys show the rest.
//! Every room's detail draws its lists through here; the key handler reads
//! back how far the list goes (`services::scroll`).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::services::room::PaneCtx;
use crate::services::scroll::{keys, Extent};
use crate::theme::Theme;

/// One line of a list: a section's title, or a line of its section.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub line: Line<'a>,
    pub heading: bool,
}

impl<'a> Row<'a> {
    pub fn heading(line: impl Into<Line<'a>>) -> Row<'a> {
        Row { line: line.into(), heading: true }
    }

    pub fn line(line: impl Into<Line<'a>>) -> Row<'a> {
        Row { line: line.into(), heading: false }
    }
}

/// The lines on screen for a list of `headings.len()` lines (those marked
/// are section titles) in `height` lines, scrolled to `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// A section title drawn on top because its lines are scrolled under it.
    pub pinned: Option<usize>,
    pub first: usize,
    pub count: usize,
    /// Whether the last line is given to where the list stands.
    pub status: bool,
    pub extent: Extent,
}

pub fn window(headings: &[bool], height: usize, offset: usize) -> Window {
    let n = headings.len();
    if n <= height {
        let extent = Extent { max: 0, page: height };
        return Window { pinned: None, first: 0, count: n, status: false, extent };
    }
    let body = height.saturating_sub(1);
    // A title is pinned only where a line of its section is left beside it.
    let pin = |o: usize| -> Option<usize> {
        if o == 0 || o >= n || headings[o] || body < 2 {
            return None;
        }
        (0..o).rev().find(|i| headings[*i])
    };
    let shown = |o: usize| body - usize::from(pin(o).is_some());
    let last = n - body;
    let max = if pin(last).is_none() { last } else { last + 1 };
    let first = offset.min(max);
    let count = shown(first).min(n - first);
    // A page is what shows under a pinned title, so paging skips no line.
    let page = if headings.contains(&true) { body.saturating_sub(1) } else { body };
    Window {
        pinned: pin(first),
        first,
        count,
        status: height > 0,
        extent: Extent { max, page: page.max(1) },
    }
}

/// What the last line says: "lines 5-8 of 12 · j/k".
pub fn status(w: &Window, n: usize, beside_a_table: bool) -> String {
    let k = keys(beside_a_table);
    let (down, up) = k.split_once('/').unwrap_or((k, k));
    let below = n - (w.first + w.count);
    // "1-4 of 13" says how many more: no second count to read.
    let at = format!("lines {}-{} of {n}", w.first + 1, w.first + w.count);
    if w.first == 0 {
        let more = if beside_a_table { down.to_string() } else { format!("{down}/PgDn") };
        format!("{at} · more: {more}")
    } else if below == 0 {
        let back = if beside_a_table { up.to_string() } else { format!("{up}/g") };
        format!("{at} · back: {back}")
    } else {
        format!("{at} · {k}")
    }
}

/// Draws `rows` in `area` from the view's scroll (`cx.scroll`), each wider
/// line wrapped between words when `wrap` (else cut at the edge), and tells
/// `cx` how far the list goes.
pub fn draw(buf: &mut Buffer, area: Rect, rows: Vec<Row<'_>>, wrap: bool, cx: &PaneCtx) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let width = area.width as usize;
    let rows: Vec<Row> = if wrap {
        rows.into_iter()
            .flat_map(|r| {
                let heading = r.heading;
                wrap_line(&r.line, width).into_iter().map(move |line| Row { line, heading })
            })
            .collect()
    } else {
        rows
    };
    let headings: Vec<bool> = rows.iter().map(|r| r.heading).collect();
    let w = window(&headings, area.height as usize, cx.scroll);
    cx.extent.set(Some(w.extent));
    let shown = w.pinned.into_iter().chain(w.first..w.first + w.count);
    for (y, r) in shown.filter_map(|i| rows.get(i)).enumerate() {
        buf.set_line(area.x, area.y + y as u16, &r.line, area.width);
    }
    if w.status {
        let text = status(&w, rows.len(), cx.table.is_some());
        let y = area.y + area.height - 1;
        buf.set_stringn(area.x, y, super::fit::fit_text(&text, width), width, cx.theme.muted);
    }
}

/// A detail field whose value is a list ("add-ons  a  b  c"): as many items
/// a line as `width` holds, the rest on lines below under the first, none
/// left out (an item wider than a line is elided).
pub fn packed(t: &Theme, key: &str, items: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    const KEY: usize = 14;
    let room = width.saturating_sub(KEY).max(1);
    let mut out = Vec::new();
    let mut cur = vec![Span::styled(format!("{key:<KEY$}"), t.muted)];
    let mut used = 0;
    for item in items {
        let text = super::fit::fit_text(&item.content, room);
        let n = text.chars().count();
        if used > 0 && used + 2 + n > room {
            out.push(Line::from(std::mem::replace(&mut cur, vec![Span::raw(" ".repeat(KEY))])));
            used = 0;
        }
        if used > 0 {
            cur.push(Span::raw("  "));
            used += 2;
        }
        cur.push(Span::styled(text, item.style));
        used += n;
    }
    out.push(Line::from(cur));
    out
}

/// `line` in lines of at most `width` columns, broken between words (the
/// spaces at a break dropped, a word wider than the line broken inside),
/// each character keeping its style.
pub fn wrap_line(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let chars: Vec<(char, Style)> = line
        .spans
        .iter()
        .flat_map(|s| {
            let style = line.style.patch(s.style);
            s.content.chars().map(move |c| (c, style))
        })
        .collect();
    if chars.len() <= width {
        return vec![join(&chars)];
    }
    let mut out: Vec<Vec<(char, Style)>> = vec![Vec::new()];
    let mut i = 0;
    // The spaces before the next word; those at the line's start are kept.
    let mut gap: Vec<(char, Style)> = Vec::new();
    while i < chars.len() {
        if chars[i].0 == ' ' {
            gap.push(chars[i]);
            i += 1;
            continue;
        }
        let end = (i..chars.len()).find(|j| chars[*j].0 == ' ').unwrap_or(chars.len());
        let word = &chars[i..end];
        let cur = out.last_mut().expect("a line");
        if cur.len() + gap.len() + word.len() <= width {
            cur.append(&mut gap);
            cur.extend_from_slice(word);
        } else {
            gap.clear();
            if !cur.is_empty() {
                out.push(Vec::new());
            }
            for part in word.chunks(width) {
                let cur = out.last_mut().expect("a line");
                if !cur.is_empty() {
                    out.push(Vec::new());
                }
                out.last_mut().expect("a line").extend_from_slice(part);
            }
        }
        i = end;
    }
    out.iter().map(|l| join(l)).collect()
}

/// Characters back into spans, one a run of a style.
fn join(chars: &[(char, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for (c, s) in chars {
        if style.is_some_and(|x| x != *s) {
            spans.push(Span::styled(std::mem::take(&mut text), style.unwrap_or_default()));
        }
        style = Some(*s);
        text.push(*c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style.unwrap_or_default()));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(n: usize) -> Vec<bool> {
        vec![false; n]
    }

    #[test]
    fn a_list_that_fits_is_drawn_whole_and_does_not_scroll() {
        let w = window(&plain(5), 5, 3);
        assert_eq!((w.first, w.count, w.status, w.pinned), (0, 5, false, None));
        assert_eq!(w.extent.max, 0);
    }

    #[test]
    fn a_longer_list_gives_its_last_line_to_where_it_stands() {
        // 12 lines in 5: 4 on screen and the status.
        let w = window(&plain(12), 5, 0);
        assert_eq!((w.first, w.count, w.status), (0, 4, true));
        assert_eq!(w.extent, Extent { max: 8, page: 4 });
        assert_eq!(status(&w, 12, false), "lines 1-4 of 12 · more: j/PgDn");
        let w = window(&plain(12), 5, 3);
        assert_eq!((w.first, w.count), (3, 4));
        assert_eq!(status(&w, 12, false), "lines 4-7 of 12 · j/k");
        // Past the end: the last lines, all of them.
        let w = window(&plain(12), 5, 99);
        assert_eq!((w.first, w.count), (8, 4));
        assert_eq!(status(&w, 12, false), "lines 9-12 of 12 · back: k/g");
        // Beside a table the capitals scroll it.
        assert_eq!(status(&window(&plain(12), 5, 0), 12, true), "lines 1-4 of 12 · more: J");
    }

    #[test]
    fn a_section_title_stays_above_its_lines() {
        // "Triggers", 2 lines, "Last cold starts", 10 lines: 14 in 6.
        let mut h = vec![true, false, false, true];
        h.extend(plain(10));
        let w = window(&h, 6, 5);
        assert_eq!(w.pinned, Some(3));
        assert_eq!((w.first, w.count), (5, 4));
        // A page is the lines under the title: paging skips none.
        assert_eq!(w.extent.page, 4);
        // A title on top is not pinned twice.
        let w = window(&h, 6, 3);
        assert_eq!((w.pinned, w.first, w.count), (None, 3, 5));
        // The end leaves room for the pinned title: the last line is shown.
        let w = window(&h, 6, 99);
        assert_eq!(w.first + w.count, 14);
        assert_eq!(w.pinned, Some(3));
        assert_eq!(w.extent.max, w.first);
        // Lines before any title are not pinned to anything.
        let w = window(&plain(14), 6, 5);
        assert_eq!(w.pinned, None);
    }

    #[test]
    fn a_listed_value_takes_the_lines_it_needs() {
        let t = Theme::dark();
        let items = || ["vpc-cni v1.19.2", "coredns v1.11.4", "kube-proxy v1.34.0"].map(Span::raw).to_vec();
        let text = |v: Vec<Line>| v.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        assert_eq!(
            text(packed(&t, "add-ons", items(), 80)),
            ["add-ons       vpc-cni v1.19.2  coredns v1.11.4  kube-proxy v1.34.0"]
        );
        assert_eq!(
            text(packed(&t, "add-ons", items(), 50)),
            ["add-ons       vpc-cni v1.19.2  coredns v1.11.4", "              kube-proxy v1.34.0"]
        );
        assert_eq!(text(packed(&t, "fargate", vec![Span::raw("none")], 50)), ["fargate       none"]);
    }

    #[test]
    fn wrapping_breaks_between_words_and_keeps_styles() {
        let red = Style::new().fg(ratatui::style::Color::Red);
        let line = Line::from(vec![Span::raw("  app STOPPED"), Span::styled(" exit 137 killed", red)]);
        let text = |v: &[Line]| v.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        assert_eq!(text(&wrap_line(&line, 80)), ["  app STOPPED exit 137 killed"]);
        assert_eq!(text(&wrap_line(&line, 17)), ["  app STOPPED", "exit 137 killed"]);
        let l = wrap_line(&line, 17);
        assert!(l[1].spans.iter().all(|s| s.style == red), "{l:?}");
        // A word wider than the line is broken inside it.
        assert_eq!(text(&wrap_line(&Line::from("abcdefghij xy"), 4)), ["abcd", "efgh", "ij", "xy"]);
    }
}
