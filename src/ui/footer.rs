//! The bottom line: the prompt being typed, a message, or the key hints.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::app::model::{Mode, Model};
use crate::theme::Theme;

pub fn draw(f: &mut Frame, area: Rect, m: &Model, t: &Theme) {
    let line = match m.ui.mode {
        Mode::Filter | Mode::Command | Mode::Jump => {
            let prompt = match m.ui.mode {
                Mode::Filter => "/",
                Mode::Jump => "@",
                _ => ":",
            };
            let x = area.x + 1 + m.ui.input.chars().count() as u16;
            if x < area.x + area.width {
                f.set_cursor_position(Position { x, y: area.y });
            }
            Line::from(vec![Span::styled(prompt, t.title), Span::raw(m.ui.input.clone())])
        }
        _ => match &m.ui.message {
            Some(msg) => Line::from(Span::styled(msg.clone(), t.warn)),
            // A replay names whose view it shows, and its own keys, where live hints would be.
            None if m.ui.replay.is_some() => Line::from(Span::styled(
                format!(
                    " caller {}  space:play  +-:speed  .,:step  @:jump  e:export  ?:help  q:quit",
                    m.data.account.caller_arn.as_deref().unwrap_or("unknown")
                ),
                t.muted,
            )),
            None => Line::from(Span::styled(
                " ?:help  /:filter  ::jump  Enter:open  Esc:back  s/<>:sort  i:invert  r:refresh  q:quit",
                t.muted,
            )),
        },
    };
    f.render_widget(line, area);
}
