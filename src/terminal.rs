//! Terminal setup and the promise to undo it: on return, on error and on panic.

use std::io::{self, Stdout, Write};

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use crossterm::ExecutableCommand;
use ratatui::Terminal;

mod lean;
pub use lean::LeanBackend;

pub type Term = Terminal<LeanBackend<Stdout>>;

/// Restores the terminal when dropped, including during a panic's unwind.
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

pub fn init() -> io::Result<(Term, Guard)> {
    install_panic_hook();
    enable_raw_mode()?;
    let guard = Guard;
    let mut out = io::stdout();
    out.execute(EnterAlternateScreen)?;
    out.execute(EnableBracketedPaste)?;
    let term = Terminal::new(LeanBackend::new(out))?;
    Ok((term, guard))
}

/// Safe to call twice: every step is idempotent.
pub fn restore() {
    let mut out = io::stdout();
    let _ = out.execute(DisableBracketedPaste);
    let _ = out.execute(LeaveAlternateScreen);
    let _ = out.execute(Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Gives the terminal back before the process stops (Ctrl-Z).
pub fn suspend() {
    restore();
}

/// Takes the terminal again after `fg`, and redraws everything.
pub fn resume(term: &mut Term) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    out.execute(EnterAlternateScreen)?;
    out.execute(EnableBracketedPaste)?;
    term.backend_mut().resumed();
    term.clear()
}

/// Restore first, then let the previous hook print the panic on a sane screen.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
