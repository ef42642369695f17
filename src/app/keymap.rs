//! Keys become `Action`s here, and only here; `update` never sees a key code.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use super::action::Action;
use super::model::{Mode, Pane};

/// The help screen's rows: keys, what they do. The README key table follows it.
pub fn help() -> Vec<(String, String)> {
    // Only 1–9 are keys; the panes past them open with `:name` or Tab.
    let keys: Vec<String> = (1..=Pane::count().min(9)).map(|n| n.to_string()).collect();
    let titles: Vec<&str> = Pane::all().take(9).map(Pane::title).collect();
    let names: Vec<String> = crate::services::ServiceKind::ALL
        .iter()
        .map(|k| format!(":{}", k.name()))
        .collect();
    let mut rows = vec![
        (keys.join(" "), titles.join(", ")),
        (
            "Tab / Shift-Tab".to_string(),
            "next / previous pane".to_string(),
        ),
        (
            ":name Enter".to_string(),
            format!("jump: {} :overview :quit", names.join(" ")),
        ),
    ];
    let owned = |rows: &[(&str, &str)]| -> Vec<(String, String)> {
        rows.iter()
            .map(|(k, what)| (k.to_string(), what.to_string()))
            .collect()
    };
    rows.extend(owned(HELP));
    // Keys only some rooms use, in key order.
    let mut room: Vec<(&str, &str)> = crate::services::ServiceKind::ALL
        .iter()
        .flat_map(|k| k.room().info().keys.iter().copied())
        .collect();
    room.sort();
    rows.extend(owned(&room));
    rows.extend(owned(HELP_END));
    rows
}

/// The fixed rows of the help screen, after the pane keys.
const HELP: &[(&str, &str)] = &[
    ("/text Enter", "filter rows (Esc clears)"),
    ("j k / Up Down", "move, or scroll a detail's lists (J K beside a table)"),
    ("PgUp PgDn g G", "page, top, bottom"),
    ("Enter", "open the selected row (drill in)"),
    ("Esc / Backspace", "back (or clear the filter)"),
    ("< > / s", "sort by previous / next column"),
    ("i", "invert the sort order"),
];

/// The last rows, after the rooms' own keys.
const HELP_END: &[(&str, &str)] = &[
    ("r", "refresh now"),
    ("e", "export this table to CSV"),
    ("?", "this help"),
    ("q / Ctrl-C", "quit"),
];

/// Replay-only keys: the help screen lists them when replaying.
pub const REPLAY_HELP: &[(&str, &str)] = &[
    ("Space", "replay: play / pause"),
    ("+ -", "replay: faster / slower (1x to 60x)"),
    (". ,", "replay: one record forward / back"),
    ("@time Enter", "replay: jump to HH:MM[:SS] or RFC 3339"),
];

pub fn map(key: KeyEvent, mode: Mode) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Quit);
    }
    if ctrl && matches!(key.code, KeyCode::Char('z')) {
        return Some(Action::Suspend);
    }
    match mode {
        Mode::Filter | Mode::Command | Mode::Jump => match key.code {
            KeyCode::Enter => Some(Action::Submit),
            KeyCode::Esc => Some(Action::Cancel),
            KeyCode::Backspace => Some(Action::Backspace),
            KeyCode::Tab if mode == Mode::Command => Some(Action::Complete),
            KeyCode::Char(c) if !ctrl => Some(Action::Input(c)),
            _ => None,
        },
        Mode::Help => match key.code {
            KeyCode::Char('q') => Some(Action::Quit),
            // The help scrolls where it is longer than the screen.
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
            KeyCode::PageUp => Some(Action::PageUp),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::PageDown),
            KeyCode::Home | KeyCode::Char('g') => Some(Action::Top),
            KeyCode::End | KeyCode::Char('G') => Some(Action::Bottom),
            _ => Some(Action::ToggleHelp),
        },
        Mode::Normal => Some(match key.code {
            KeyCode::Char('q') => Action::Quit,
            KeyCode::Char(d @ '1'..='9') => Action::Pane(Pane::nth(d as usize - '1' as usize)?),
            KeyCode::Tab => Action::NextPane,
            KeyCode::BackTab => Action::PrevPane,
            KeyCode::Up | KeyCode::Char('k') => Action::Up,
            KeyCode::Down | KeyCode::Char('j') => Action::Down,
            KeyCode::Char('K') => Action::ListUp,
            KeyCode::Char('J') => Action::ListDown,
            KeyCode::PageUp => Action::PageUp,
            KeyCode::PageDown => Action::PageDown,
            KeyCode::Char('b') if ctrl => Action::PageUp,
            KeyCode::Char('f') if ctrl => Action::PageDown,
            KeyCode::Home | KeyCode::Char('g') => Action::Top,
            KeyCode::End | KeyCode::Char('G') => Action::Bottom,
            KeyCode::Enter | KeyCode::Right | KeyCode::Char('l') => Action::Enter,
            KeyCode::Esc | KeyCode::Backspace | KeyCode::Left | KeyCode::Char('h') => Action::Back,
            KeyCode::Char('>') | KeyCode::Char('s') => Action::SortNext,
            KeyCode::Char('<') | KeyCode::Char('S') => Action::SortPrev,
            KeyCode::Char('i') | KeyCode::Char('I') => Action::SortReverse,
            KeyCode::Char('r') => Action::Refresh,
            KeyCode::Char('?') => Action::ToggleHelp,
            KeyCode::Char('/') => Action::StartFilter,
            KeyCode::Char(':') => Action::StartCommand,
            KeyCode::Char(']') => Action::StatusNext,
            KeyCode::Char('[') => Action::StatusPrev,
            KeyCode::Char('t') => Action::ToggleTail,
            KeyCode::Char('e') => Action::Export,
            KeyCode::Char(' ') => Action::PlayPause,
            KeyCode::Char('+') | KeyCode::Char('=') => Action::Faster,
            KeyCode::Char('-') => Action::Slower,
            KeyCode::Char('.') => Action::StepForward,
            KeyCode::Char(',') => Action::StepBack,
            KeyCode::Char('@') => Action::StartJump,
            _ => return None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn prompts_take_text_and_normal_mode_takes_commands() {
        assert_eq!(
            map(key(KeyCode::Char('q')), Mode::Normal),
            Some(Action::Quit)
        );
        assert_eq!(
            map(key(KeyCode::Char('q')), Mode::Filter),
            Some(Action::Input('q'))
        );
        assert_eq!(
            map(key(KeyCode::Char('/')), Mode::Normal),
            Some(Action::StartFilter)
        );
        assert_eq!(map(key(KeyCode::Esc), Mode::Command), Some(Action::Cancel));
        assert_eq!(map(key(KeyCode::Esc), Mode::Help), Some(Action::ToggleHelp));
        assert_eq!(
            map(
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Mode::Filter
            ),
            Some(Action::Quit)
        );
        assert_eq!(map(key(KeyCode::F(5)), Mode::Normal), None);
    }

    #[test]
    fn timeline_and_export_keys() {
        for (c, a) in [
            (' ', Action::PlayPause),
            ('+', Action::Faster),
            ('-', Action::Slower),
            ('.', Action::StepForward),
            (',', Action::StepBack),
            ('@', Action::StartJump),
            ('e', Action::Export),
        ] {
            assert_eq!(map(key(KeyCode::Char(c)), Mode::Normal), Some(a));
        }
        assert_eq!(
            map(key(KeyCode::Char('1')), Mode::Jump),
            Some(Action::Input('1'))
        );
        assert_eq!(map(key(KeyCode::Enter), Mode::Jump), Some(Action::Submit));
    }
}
