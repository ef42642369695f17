//! A crossterm backend that spends as few bytes as it can on each frame.
//!
//! Over a slow SSH link every byte of an idle dashboard counts. The stock
//! backend moves the cursor before every changed cell that does not follow the
//! previous one, ends every draw with a colour and attribute reset, and hides
//! the cursor again on every frame. When a refresh changes a digit here and
//! there, the moves cost more than the digits. This backend keeps a copy of
//! what it has written, and:
//! - rewrites a short run of unchanged cells when that is shorter than the
//!   cursor move it replaces (only plain ASCII in the current style, so what
//!   is rewritten is byte for byte what the screen already shows);
//! - leaves out the closing reset when the frame changed no style;
//! - writes nothing at all when nothing changed, and hides the cursor once.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

/// What the stock backend writes after every draw.
const RESET: &[u8] = b"\x1b[39m\x1b[49m\x1b[59m\x1b[0m";

/// Bytes the inner backend wrote and this one has yet to pass on. Shared,
/// because the backend owns its writer and lends it out only behind
/// ratatui's unstable `backend-writer` feature.
#[derive(Clone, Default)]
struct Spool(Arc<Mutex<Vec<u8>>>);

impl Write for Spool {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub struct LeanBackend<W: Write> {
    inner: CrosstermBackend<Spool>,
    spool: Spool,
    out: W,
    cursor_hidden: bool,
    /// Where the cursor was last put. Asking the terminal instead is a round
    /// trip (a cursor position report) that a slow link can time out, and a
    /// full-screen dashboard never needs the answer.
    cursor: Position,
    /// What the screen shows, where known: only plain ASCII cells, by row.
    screen: Vec<Vec<Option<Seen>>>,
    /// The screen was cleared since the last size change, so a cell never
    /// written since is known to be blank in the default style.
    cleared: bool,
}

impl<W: Write> LeanBackend<W> {
    /// After the terminal was given away (Ctrl-Z): the cursor shows again
    /// and nothing of the screen is known.
    pub fn resumed(&mut self) {
        self.cursor_hidden = false;
        self.forget(false);
    }

    pub fn new(out: W) -> Self {
        let spool = Spool::default();
        Self {
            inner: CrosstermBackend::new(spool.clone()),
            spool,
            out,
            cursor_hidden: false,
            cursor: Position::ORIGIN,
            screen: Vec::new(),
            cleared: false,
        }
    }

    /// Passes on what the inner backend wrote, less `drop_tail` if it ends so.
    fn forward(&mut self, drop_tail: Option<&[u8]>) -> io::Result<()> {
        let mut buf = self.spool.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tail) = drop_tail {
            if buf.ends_with(tail) {
                let keep = buf.len() - tail.len();
                buf.truncate(keep);
            }
        }
        let sent = self.out.write_all(&buf);
        // Emptied, not replaced: the next frame reuses the allocation.
        buf.clear();
        sent
    }

    fn forget(&mut self, cleared: bool) {
        self.screen.clear();
        self.cleared = cleared;
    }

    fn remember(&mut self, x: u16, y: u16, cell: &Cell) {
        let (x, y) = (x as usize, y as usize);
        let blank = self.cleared.then_some(Seen::BLANK);
        if self.screen.len() <= y {
            self.screen.resize(y + 1, Vec::new());
        }
        let row = &mut self.screen[y];
        if row.len() <= x + 1 {
            row.resize(x + 2, blank);
        }
        if plain_ascii(cell) {
            row[x] = Some(Seen::of(cell));
        } else {
            // A wide symbol may cover the next cell too: forget both.
            row[x] = None;
            row[x + 1] = None;
        }
    }
}

/// A plain ASCII cell as written: what a rewrite needs, in a third of the
/// bytes of a ratatui cell (the buffers already hold two screens of those).
#[derive(Clone, Copy, PartialEq, Debug)]
struct Seen {
    ch: u8,
    fg: Color,
    bg: Color,
    underline_color: Color,
    modifier: Modifier,
}

impl Seen {
    const BLANK: Seen = Seen {
        ch: b' ',
        fg: Color::Reset,
        bg: Color::Reset,
        underline_color: Color::Reset,
        modifier: Modifier::empty(),
    };

    /// Only for a cell `plain_ascii` accepted.
    fn of(c: &Cell) -> Seen {
        Seen {
            ch: c.symbol().as_bytes()[0],
            fg: c.fg,
            bg: c.bg,
            underline_color: c.underline_color,
            modifier: c.modifier,
        }
    }

    fn cell(self) -> Cell {
        let mut c = Cell::EMPTY;
        c.set_char(self.ch as char);
        c.fg = self.fg;
        c.bg = self.bg;
        c.underline_color = self.underline_color;
        c.modifier = self.modifier;
        c
    }

    fn same_style(&self, b: &Cell) -> bool {
        self.fg == b.fg
            && self.bg == b.bg
            && self.underline_color == b.underline_color
            && self.modifier == b.modifier
    }
}

/// What the screen shows at (x, y), if that is known and plain ASCII.
fn known(screen: &[Vec<Option<Seen>>], cleared: bool, x: u16, y: u16) -> Option<Seen> {
    match screen.get(y as usize).and_then(|r| r.get(x as usize)) {
        Some(c) => *c,
        None => cleared.then_some(Seen::BLANK),
    }
}

/// The cell without bidirectional controls: ratatui leaves other controls
/// out of its cells but keeps these, and a terminal would reorder the text
/// around them (`evil\u{202e}txt.exe` shown as `evilexe.txt`).
fn without_bidi(c: &Cell) -> Cow<'_, Cell> {
    if !c.symbol().chars().any(crate::fmt::is_bidi) {
        return Cow::Borrowed(c);
    }
    let kept: String = c
        .symbol()
        .chars()
        .filter(|ch| !crate::fmt::is_bidi(*ch))
        .collect();
    let mut owned = c.clone();
    owned.set_symbol(if kept.is_empty() { " " } else { &kept });
    Cow::Owned(owned)
}

/// One printable ASCII character: one byte, one column.
fn plain_ascii(c: &Cell) -> bool {
    let s = c.symbol().as_bytes();
    s.len() == 1 && (0x20..0x7f).contains(&s[0])
}

fn default_style(c: &Cell) -> bool {
    c.fg == Color::Reset
        && c.bg == Color::Reset
        && c.underline_color == Color::Reset
        && c.modifier == Modifier::empty()
}

fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let changed: Vec<(u16, u16, &Cell)> = content.collect();
        // The previous draw ended in the default style, so an empty one owes nothing.
        if changed.is_empty() {
            return Ok(());
        }
        // Borrowed: the changed cells; owned: unchanged ones rewritten from memory.
        let mut plan: Vec<(u16, u16, Cow<Cell>)> = Vec::with_capacity(changed.len());
        for &(x, y, cell) in &changed {
            if let Some((px, py, prev)) = plan.last().map(|(px, py, c)| (*px, *py, c.as_ref())) {
                // The move is ESC [ row ; col H, both one-based.
                let gap = x.saturating_sub(px + 1) as usize;
                let move_len = 4 + digits(y as usize + 1) + digits(x as usize + 1);
                if py == y && gap > 0 && gap < move_len && plain_ascii(prev) {
                    let run: Option<Vec<Cell>> = (px + 1..x)
                        .map(|gx| {
                            known(&self.screen, self.cleared, gx, y)
                                .filter(|c| c.same_style(prev))
                                .map(Seen::cell)
                        })
                        .collect();
                    if let Some(run) = run {
                        plan.extend(
                            run.into_iter()
                                .zip(px + 1..x)
                                .map(|(c, gx)| (gx, y, Cow::Owned(c))),
                        );
                    }
                }
            }
            plan.push((x, y, without_bidi(cell)));
        }
        let styled = plan.iter().any(|(_, _, c)| !default_style(c));
        self.inner
            .draw(plan.iter().map(|(x, y, c)| (*x, *y, c.as_ref())))?;
        // With every cell in the default style the closing reset changes nothing.
        self.forward((!styled).then_some(RESET))?;
        for (x, y, cell) in changed {
            self.remember(x, y, cell);
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if !self.cursor_hidden {
            self.inner.hide_cursor()?;
            self.forward(None)?;
            self.cursor_hidden = true;
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()?;
        self.cursor_hidden = false;
        self.forward(None)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        self.inner.set_cursor_position(self.cursor)?;
        self.forward(None)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.forget(true);
        self.inner.clear()?;
        self.forward(None)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.forget(clear_type == ClearType::All);
        self.inner.clear_region(clear_type)?;
        self.forward(None)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.forget(false);
        self.inner.append_lines(n)?;
        self.forward(None)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.forward(None)?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    use ratatui::style::Style;
    use ratatui::text::{Line, Span};
    use ratatui::widgets::Paragraph;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    /// What the terminal was sent, readable while the backend holds the writer.
    #[derive(Clone, Default)]
    struct Wire(Rc<RefCell<Vec<u8>>>);

    impl Write for Wire {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    const W: u16 = 30;
    const H: u16 = 4;

    fn terminal(wire: &Wire) -> Terminal<LeanBackend<Wire>> {
        // A fixed viewport: a pipe cannot be asked for its size.
        Terminal::with_options(
            LeanBackend::new(wire.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, W, H)),
            },
        )
        .unwrap()
    }

    /// Draws `lines` and returns what that sent.
    fn draw(t: &mut Terminal<LeanBackend<Wire>>, wire: &Wire, lines: Vec<Line<'static>>) -> String {
        let before = wire.0.borrow().len();
        t.draw(|f| f.render_widget(Paragraph::new(lines), f.area()))
            .unwrap();
        String::from_utf8_lossy(&wire.0.borrow()[before..]).into_owned()
    }

    fn text(s: &str) -> Vec<Line<'static>> {
        vec![Line::raw(s.to_string())]
    }

    #[test]
    fn bidi_controls_never_reach_the_terminal() {
        let wire = Wire::default();
        let mut t = terminal(&wire);
        let out = draw(
            &mut t,
            &wire,
            text("evil\u{202e}txt.exe \u{2066}a\u{2069}\u{200f}\u{61c}"),
        );
        assert!(out.contains("txt.exe"), "{out:?}");
        assert!(!out.chars().any(crate::fmt::is_bidi), "{out:?}");
    }

    #[test]
    fn an_unchanged_screen_writes_nothing() {
        let wire = Wire::default();
        let mut t = terminal(&wire);
        assert!(draw(&mut t, &wire, text("λ 10s")).contains("10s"));
        assert_eq!(draw(&mut t, &wire, text("λ 10s")), "");
    }

    #[test]
    fn a_plain_change_writes_the_cell_and_no_reset() {
        let wire = Wire::default();
        let mut t = terminal(&wire);
        assert!(draw(&mut t, &wire, text("λ 10s")).contains("\x1b[?25l"));
        let out = draw(&mut t, &wire, text("λ 20s"));
        assert_eq!(out, "\x1b[1;3H2");
    }

    #[test]
    fn a_styled_change_ends_with_one_reset() {
        let wire = Wire::default();
        let mut t = terminal(&wire);
        draw(&mut t, &wire, text("errors 1"));
        let red = Style::default().fg(Color::Red);
        let out = draw(
            &mut t,
            &wire,
            vec![Line::from(vec![
                Span::raw("errors "),
                Span::styled("2", red),
            ])],
        );
        assert!(out.ends_with("\x1b[0m"), "{out:?}");
        assert_eq!(out.matches("\x1b[0m").count(), 1, "{out:?}");
    }

    #[test]
    fn a_short_gap_is_rewritten_instead_of_moved_over() {
        let wire = Wire::default();
        let mut t = terminal(&wire);
        // As the run loop does first; through the backend, since a pipe has no size.
        t.backend_mut().clear().unwrap();
        draw(&mut t, &wire, text("12 34 56"));
        // Two digits change with two unchanged cells between them: "4 " costs
        // two bytes, the move to column 7 six.
        assert_eq!(draw(&mut t, &wire, text("12 39 76")), "\x1b[1;5H9 7");
    }

    #[test]
    fn digits_counts_decimal_digits() {
        for n in [1usize, 9, 10, 99, 100, 120, 999, 1000, 65535] {
            assert_eq!(digits(n), n.to_string().len(), "{n}");
        }
    }

    /// A small deterministic generator, so a failure repeats.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, n: u64) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 33) % n
        }
    }

    fn random_frame(r: &mut Lcg) -> Vec<Line<'static>> {
        // Non-ASCII but one column wide, as awstop draws. (Double-width symbols
        // are left out: over a half-overwritten one, the stock backend and
        // the terminal already disagree about colours.)
        let symbols = ["0", "1", "7", " ", "a", "-", "λ", "▲", "│"];
        let styles = [
            Style::default(),
            Style::default().fg(Color::Red),
            Style::default().fg(Color::Indexed(8)).bg(Color::Blue),
            Style::default().add_modifier(Modifier::BOLD),
        ];
        (0..H)
            .map(|_| {
                let mut spans = Vec::new();
                let mut width = 0;
                while width < W as usize {
                    let s = symbols[r.next(symbols.len() as u64) as usize];
                    // Mostly the previous style, so runs of one style are common.
                    let st = styles[if r.next(4) == 0 {
                        r.next(4) as usize
                    } else {
                        0
                    }];
                    let n = 1 + r.next(4) as usize;
                    spans.push(Span::styled(s.repeat(n), st));
                    width += n;
                }
                Line::from(spans)
            })
            .collect()
    }

    /// The screen a real terminal emulator shows equals the buffer drawn, frame
    /// after frame, while frames change a little or a lot.
    #[test]
    fn the_screen_always_shows_exactly_the_buffer() {
        let wire = Wire::default();
        let mut t = terminal(&wire);
        t.backend_mut().clear().unwrap();
        // The stock backend, fed the same frames, for the byte count.
        let stock_wire = Wire::default();
        let mut stock = Terminal::with_options(
            CrosstermBackend::new(stock_wire.clone()),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, W, H)),
            },
        )
        .unwrap();
        let mut vt = vt100::Parser::new(H, W, 0);
        let mut r = Lcg(7);
        let mut lines = random_frame(&mut r);
        for i in 0..400 {
            // Change a few spans most of the time, everything now and then.
            if i % 25 == 0 {
                lines = random_frame(&mut r);
            } else {
                let fresh = random_frame(&mut r);
                for _ in 0..1 + r.next(3) {
                    let y = r.next(H as u64) as usize;
                    lines[y] = fresh[y].clone();
                }
            }
            let before = wire.0.borrow().len();
            t.draw(|f| f.render_widget(Paragraph::new(lines.clone()), f.area()))
                .unwrap();
            vt.process(&wire.0.borrow()[before..]);
            stock
                .draw(|f| f.render_widget(Paragraph::new(lines.clone()), f.area()))
                .unwrap();
            let mut want = Buffer::empty(Rect::new(0, 0, W, H));
            ratatui::widgets::Widget::render(Paragraph::new(lines.clone()), want.area, &mut want);
            for y in 0..H {
                for x in 0..W {
                    let c = &want[(x, y)];
                    let Some(got) = vt.screen().cell(y, x) else {
                        continue;
                    };
                    if got.is_wide_continuation() {
                        continue;
                    }
                    let sym = if c.symbol().is_empty() {
                        " "
                    } else {
                        c.symbol()
                    };
                    let shown = if got.contents().is_empty() {
                        " ".to_string()
                    } else {
                        got.contents().to_string()
                    };
                    assert_eq!(shown, sym, "frame {i} at ({x},{y})");
                    let colour = |c: Color| match c {
                        Color::Reset => vt100::Color::Default,
                        Color::Red => vt100::Color::Idx(1),
                        Color::Blue => vt100::Color::Idx(4),
                        Color::Indexed(n) => vt100::Color::Idx(n),
                        other => panic!("unexpected {other:?}"),
                    };
                    assert_eq!(got.bgcolor(), colour(c.bg), "frame {i} bg at ({x},{y})");
                    // A blank shows its background only.
                    if sym != " " {
                        assert_eq!(got.fgcolor(), colour(c.fg), "frame {i} fg at ({x},{y})");
                        let bold = c.modifier.contains(Modifier::BOLD);
                        assert_eq!(got.bold(), bold, "frame {i} bold at ({x},{y})");
                    }
                }
            }
        }
        let (lean, stock) = (wire.0.borrow().len(), stock_wire.0.borrow().len());
        assert!(lean < stock, "lean {lean} bytes, stock {stock}");
    }
}
