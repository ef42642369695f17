//! The bottom line: the prompt being typed, a message, or the key hints.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::app::model::{Mode, Model, View};
use crate::theme::Theme;

pub fn draw(f: &mut Frame, area: Rect, m: &Model, t: &Theme) {
    let line = match m.ui.mode {
        Mode::Filter | Mode::Command | Mode::Jump => {
            let prompt = match m.ui.mode {
                Mode::Filter => "/",
                Mode::Jump => "@",
                _ => ":",
            };
            let typed = m.ui.input.chars().count().min(u16::MAX as usize) as u16;
            let x = area.x.saturating_add(1).saturating_add(typed);
            if x < area.x + area.width {
                f.set_cursor_position(Position { x, y: area.y });
            }
            // The prompt keeps what was typed; the cursor shows where.
            let mut spans = vec![Span::styled(prompt, t.title), Span::raw(m.ui.input.clone())];
            // What the command typed so far could still become.
            if m.ui.mode == Mode::Command && !m.ui.input.trim().is_empty() {
                let hits = crate::app::command::candidates(&m.ui.input);
                if hits.len() > 1 {
                    let names: Vec<String> = hits.iter().map(|(w, _)| format!(":{w}")).collect();
                    spans.push(Span::styled(
                        format!("   {} (Tab completes)", names.join(" ")),
                        t.muted,
                    ));
                }
            }
            crate::widgets::fit::fit_spans(spans, area.width as usize)
        }
        _ => {
            let line = match &m.ui.message {
                Some(msg) => Line::from(Span::styled(msg.clone(), t.warn)),
                None => Line::from(Span::styled(
                    fit_hints(hints(m), area.width as usize),
                    t.muted,
                )),
            };
            crate::widgets::fit::fit_spans(line.spans, area.width as usize)
        }
    };
    f.render_widget(line, area);
}

/// The hints that fit `width`, in order. Those after `?:help` go first, from
/// the end, but never `q:quit` (the last) nor a replay's recorded caller
/// (whose view it is); then the caller is elided, then the keys before
/// `?:help` go. Where the caller would be elided, one space between hints
/// may keep it whole.
pub fn fit_hints(h: Vec<String>, width: usize) -> String {
    let (line, whole) = fit_hints_sep(h.clone(), width, "  ");
    if whole {
        return line;
    }
    match fit_hints_sep(h, width, " ") {
        (tight, true) => tight,
        _ => line,
    }
}

/// `fit_hints` with `sep` between hints; and whether the caller, if any,
/// is shown whole.
fn fit_hints_sep(mut h: Vec<String>, width: usize, sep: &str) -> (String, bool) {
    let line = |h: &[String]| format!(" {}", h.join(sep));
    let len = |h: &[String]| line(h).chars().count();
    let help = h.iter().position(|x| x == "?:help").unwrap_or(0);
    let caller = |x: &String| x.starts_with("caller ");
    while len(&h) > width {
        let last = h.len().saturating_sub(1);
        let Some(i) = (help + 1..last).rev().find(|i| !caller(&h[*i])) else {
            break;
        };
        h.remove(i);
    }
    let mut whole = true;
    if len(&h) > width {
        if let Some(c) = h.iter().position(caller) {
            whole = false;
            let over = len(&h) - width;
            let keep = h[c].chars().count().saturating_sub(over);
            if keep >= "caller …".chars().count() {
                h[c] = crate::fmt::truncate(&h[c], keep);
            } else {
                h.remove(c);
            }
        }
    }
    while len(&h) > width {
        let last = h.len().saturating_sub(1);
        let Some(i) = (0..last).rev().find(|i| h[*i] != "?:help") else {
            break;
        };
        h.remove(i);
    }
    (line(&h), whole)
}

/// The keys that do something here, most useful first: what does not fit the
/// width is left off the end.
pub fn hints(m: &Model) -> Vec<String> {
    let mut h: Vec<String> = Vec::new();
    let replay = m.ui.replay.is_some();
    if replay {
        // A replay's own keys come first: without them it cannot be driven.
        h.extend(["space:play", "+-:speed", ".,:step", "@:jump"].map(String::from));
    }
    let view = m.view();
    let table = m.table();
    let room = match view {
        View::Room(v) => Some(v),
        View::Overview | View::Accounts | View::Changes => None,
    };
    h.push("?:help".into());
    if replay {
        // Whose view it shows: the recorded caller.
        h.push(format!(
            "caller {}",
            m.data.account.caller_arn.as_deref().unwrap_or("unknown")
        ));
    }
    let opens = match (room, table) {
        (Some(v), Some(st)) => st
            .selected
            .as_ref()
            .is_some_and(|k| v.kind().room().child(&m.data.feeds, v, k).is_some()),
        (None, _) => crate::app::overview::has_items(m),
        _ => false,
    };
    if opens {
        h.push("Enter:open".into());
    }
    if table.is_some() {
        h.push("/:filter".into());
    }
    let deep = m.ui.stacks.get(&m.ui.pane).is_some_and(|s| s.len() > 1);
    if deep || table.is_some_and(|st| !st.filter.is_empty()) {
        h.push("Esc:back".into());
    }
    h.push("::jump".into());
    if let Some(v) = room {
        if v.kind().room().tail_target(&m.data.feeds, v).is_some() {
            h.push("t:tail".into());
        }
    }
    if table.is_some() {
        h.push("s/<>:sort".into());
        h.push("i:invert".into());
        let tabs = crate::app::tables::columns_for(m, view).is_some_and(|c| !c.tabs().is_empty());
        if tabs {
            h.push("[]:status".into());
        }
        h.push("e:export".into());
    }
    if !replay {
        h.push("r:refresh".into());
    }
    h.push("q:quit".into());
    h
}
