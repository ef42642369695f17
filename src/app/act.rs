//! What each key does to the Model.

use super::action::Action;
use super::model::{Mode, Model, Pane};
use super::msg::{Cmd, TimelineCmd};
use super::tables;
use super::update::table_mut;
use crate::services::msg::Tail;
use crate::services::ServiceKind;
use crate::services::scroll::Move;

fn move_cursor(m: &mut Model, to: impl Fn(usize, usize, usize) -> usize) {
    let len = m.ui.rows.len();
    let page = m.page_rows();
    if let Some(st) = table_mut(m) {
        st.cursor = to(st.cursor, len.saturating_sub(1), page).min(len.saturating_sub(1));
        st.selected = None;
        let cursor = st.cursor;
        let key = m.ui.rows.get(cursor).copied();
        let view = m.view().clone();
        let key = key.and_then(|i| tables::row_id(m, &view, i));
        if let Some(st) = table_mut(m) {
            st.selected = key;
        }
    }
}

fn selected_key(m: &Model) -> Option<crate::table::RowId> {
    m.table()?.selected.clone()
}

fn push(m: &mut Model, v: super::model::View) {
    m.ui.stacks.entry(m.ui.pane).or_default().push(v);
}

/// The pane `step` places away from the current one, wrapping around.
fn pane_step(m: &Model, step: usize) -> Pane {
    let n = Pane::count();
    Pane::nth((m.ui.pane.index() + step) % n).unwrap_or(Pane::Overview)
}

/// A new order is read from its top: the rows first in it are the point.
fn to_top(st: &mut crate::table::TableState) {
    st.cursor = 0;
    st.offset = 0;
    st.selected = None;
}

/// Shown from `r` until fresh data arrives.
pub(super) const REFRESHING: &str = "refreshing…";

pub(super) fn act(m: &mut Model, a: Action, cmds: &mut Vec<Cmd>) {
    m.ui.message = None;
    match a {
        Action::Quit => m.quit = true,
        Action::Suspend => cmds.push(Cmd::Suspend),
        Action::NextPane => m.ui.pane = pane_step(m, 1),
        Action::PrevPane => m.ui.pane = pane_step(m, Pane::count() - 1),
        Action::Pane(p) => m.ui.pane = p,
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if m.ui.mode == Mode::Help =>
        {
            let last = super::help::max_scroll(m);
            let page = (m.ui.height.saturating_sub(crate::layout::FRAME_ROWS + 2) as usize).max(1);
            let s = m.ui.help_scroll.min(last);
            m.ui.help_scroll = match a {
                Action::Up => s.saturating_sub(1),
                Action::Down => s + 1,
                Action::PageUp => s.saturating_sub(page),
                Action::PageDown => s + page,
                Action::Top => 0,
                _ => last,
            }
            .min(last);
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Enter
            if *m.view() == super::model::View::Overview =>
        {
            use super::overview::{move_to, open, turn};
            match a {
                Action::Up => move_to(m, |c, _| c.saturating_sub(1)),
                Action::Down => move_to(m, |c, _| c + 1),
                Action::PageUp => turn(m, false),
                Action::PageDown => turn(m, true),
                Action::Top => move_to(m, |_, _| 0),
                Action::Bottom => move_to(m, |_, last| last),
                _ => open(m),
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Enter
            if *m.view() == super::model::View::Changes =>
        {
            let n = m.data.changes_now().count();
            let page = m.page_rows().max(1);
            let c = m.ui.changes_cursor.min(n.saturating_sub(1));
            m.ui.changes_cursor = match a {
                Action::Up => c.saturating_sub(1),
                Action::Down => c + 1,
                Action::PageUp => c.saturating_sub(page),
                Action::PageDown => c + page,
                Action::Top => 0,
                Action::Bottom => n,
                _ => return open_change(m),
            }
            .min(n.saturating_sub(1));
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if m.data.tail.is_some() && m.table().is_none() =>
        {
            // In a detail view with a live tail, the movement keys scroll it.
            let page = m.page_rows();
            let n = m.data.tail.as_ref().map_or(0, |t| t.lines.len());
            let s = &mut m.ui.tail_scroll;
            *s = match a {
                Action::Up => *s + 1,
                Action::Down => s.saturating_sub(1),
                Action::PageUp => *s + page,
                Action::PageDown => s.saturating_sub(page),
                Action::Top => n,
                _ => 0,
            }
            .min(n);
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if m.table().is_none() =>
        {
            // A detail without a table: the movement keys scroll its list.
            let to = match a {
                Action::Up => Move::Up,
                Action::Down => Move::Down,
                Action::PageUp => Move::PageUp,
                Action::PageDown => Move::PageDown,
                Action::Top => Move::Top,
                _ => Move::Bottom,
            };
            super::scroll::scroll(m, to);
        }
        // Beside a table (whose cursor j/k move), the capitals scroll the list.
        Action::ListUp => {
            super::scroll::scroll(m, Move::Up);
        }
        Action::ListDown => {
            super::scroll::scroll(m, Move::Down);
        }
        Action::Up => move_cursor(m, |c, _, _| c.saturating_sub(1)),
        Action::Down => move_cursor(m, |c, _, _| c + 1),
        Action::PageUp => move_cursor(m, |c, _, p| c.saturating_sub(p)),
        Action::PageDown => move_cursor(m, |c, _, p| c + p),
        Action::Top => move_cursor(m, |_, _, _| 0),
        Action::Bottom => move_cursor(m, |_, last, _| last),
        Action::Enter => enter(m),
        Action::Back => back(m),
        Action::SortNext | Action::SortPrev => {
            let view = m.view().clone();
            let Some(cols) = tables::columns_for(m, &view) else {
                return;
            };
            // Columns drawn only in the CSV are not sorted by.
            let several = m.data.settings.accounts.several();
            let shown: Vec<usize> = (0..cols.len()).filter(|i| cols.drawn(*i, several)).collect();
            if let Some(st) = table_mut(m) {
                let n = shown.len().max(1);
                let pos = shown.iter().position(|i| *i == st.sort).unwrap_or(0);
                let next = if a == Action::SortNext {
                    (pos + 1) % n
                } else {
                    (pos + n - 1) % n
                };
                st.sort = shown.get(next).copied().unwrap_or(0);
                st.reverse = false;
                to_top(st);
            }
        }
        Action::SortReverse => {
            if let Some(st) = table_mut(m) {
                st.reverse = !st.reverse;
                to_top(st);
            }
        }
        Action::StatusNext | Action::StatusPrev => {
            let view = m.view().clone();
            let tabs = tables::columns_for(m, &view).map_or(&[][..], |c| c.tabs());
            if !tabs.is_empty() {
                let n = tabs.len() + 1;
                if let Some(st) = table_mut(m) {
                    st.tab = if a == Action::StatusNext {
                        (st.tab + 1) % n
                    } else {
                        (st.tab + n - 1) % n
                    };
                }
            }
        }
        Action::ToggleTail => toggle_tail(m, cmds),
        Action::Refresh if m.ui.replay.is_some() => {
            m.ui.message = Some("a replay shows what was recorded; nothing to refresh".into())
        }
        Action::Refresh => {
            cmds.push(Cmd::Refresh);
            m.ui.message = Some(REFRESHING.into());
        }
        Action::Export => export(m, cmds),
        Action::PlayPause => timeline(m, cmds, TimelineCmd::PlayPause),
        Action::Faster => timeline(m, cmds, TimelineCmd::Faster),
        Action::Slower => timeline(m, cmds, TimelineCmd::Slower),
        Action::StepForward => timeline(m, cmds, TimelineCmd::StepForward),
        Action::StepBack => timeline(m, cmds, TimelineCmd::StepBack),
        Action::StartJump => {
            if m.ui.replay.is_some() {
                m.ui.mode = Mode::Jump;
                m.ui.input.clear();
            } else {
                m.ui.message = Some(REPLAY_ONLY.into());
            }
        }
        Action::ToggleHelp => {
            m.ui.help_scroll = 0;
            m.ui.mode = if m.ui.mode == Mode::Help {
                Mode::Normal
            } else {
                Mode::Help
            }
        }
        Action::StartFilter => {
            if let Some(st) = table_mut(m) {
                let f = st.filter.clone();
                m.ui.mode = Mode::Filter;
                m.ui.input = f;
            } else {
                m.ui.message = Some("nothing to filter here".into());
            }
        }
        Action::StartCommand => {
            m.ui.mode = Mode::Command;
            m.ui.input.clear();
        }
        Action::Input(c) => {
            m.ui.input.push(c);
            live_filter(m);
        }
        Action::Complete => {
            if m.ui.mode == Mode::Command {
                m.ui.input = super::command::complete(&m.ui.input);
            }
        }
        Action::Backspace => {
            m.ui.input.pop();
            live_filter(m);
        }
        Action::Submit => {
            let mode = std::mem::replace(&mut m.ui.mode, Mode::Normal);
            if mode == Mode::Command {
                let cmd = std::mem::take(&mut m.ui.input);
                command(m, cmd.trim(), cmds);
            } else if mode == Mode::Jump {
                let text = std::mem::take(&mut m.ui.input);
                cmds.push(Cmd::Timeline(TimelineCmd::Jump(text)));
            }
        }
        Action::Cancel => {
            if m.ui.mode == Mode::Filter {
                m.ui.input.clear();
                live_filter(m);
            }
            m.ui.mode = Mode::Normal;
            m.ui.input.clear();
        }
    }
}

const REPLAY_ONLY: &str = "timeline keys work in a replay: awstop replay FILE";

fn timeline(m: &mut Model, cmds: &mut Vec<Cmd>, c: TimelineCmd) {
    if m.ui.replay.is_some() {
        cmds.push(Cmd::Timeline(c));
    } else {
        m.ui.message = Some(REPLAY_ONLY.into());
    }
}

/// Names the file after the pane and the time shown (the replay clock in a
/// replay); the run loop writes it, as `update` does no I/O.
fn export(m: &mut Model, cmds: &mut Vec<Cmd>) {
    let view = m.view().clone();
    let super::model::View::Room(v) = &view else {
        m.ui.message = Some("nothing to export here: open a table".into());
        return;
    };
    if tables::columns_for(m, &view).is_none() {
        m.ui.message = Some("nothing to export here: open a table".into());
        return;
    }
    let stamp = m.data.now.format("%Y%m%dT%H%M%SZ");
    let name = v.kind().room().export_name(v);
    cmds.push(Cmd::Export {
        path: format!("awstop-{name}-{stamp}.csv"),
    });
}

/// The filter follows every keystroke, like k9s.
fn live_filter(m: &mut Model) {
    if m.ui.mode != Mode::Filter {
        return;
    }
    let text = m.ui.input.clone();
    if let Some(st) = table_mut(m) {
        st.filter = text;
        st.cursor = 0;
        st.offset = 0;
        st.selected = None;
    }
}

fn command(m: &mut Model, cmd: &str, cmds: &mut Vec<Cmd>) {
    use super::command::{resolve, Command};
    if cmd.is_empty() {
        return;
    }
    match resolve(cmd) {
        Ok(Command::Quit) => m.quit = true,
        Ok(Command::Help) => m.ui.mode = Mode::Help,
        Ok(Command::Refresh) => cmds.push(Cmd::Refresh),
        Ok(Command::Pane(p)) => {
            m.ui.pane = p;
            m.ui.stacks.entry(p).or_default().truncate(1);
        }
        Ok(Command::Accounts) => {
            m.ui.pane = Pane::Overview;
            let stack = m.ui.stacks.entry(Pane::Overview).or_default();
            stack.truncate(1);
            stack.push(super::model::View::Accounts);
        }
        Ok(Command::Changes) => {
            m.ui.pane = Pane::Overview;
            let stack = m.ui.stacks.entry(Pane::Overview).or_default();
            stack.truncate(1);
            stack.push(super::model::View::Changes);
            m.ui.changes_cursor = 0;
        }
        Err(e) => m.ui.message = Some(e),
    }
}

fn toggle_tail(m: &mut Model, cmds: &mut Vec<Cmd>) {
    let target = match m.view() {
        super::model::View::Room(v) => v.kind().room().tail_target(&m.data.feeds, v),
        super::model::View::Overview | super::model::View::Accounts | super::model::View::Changes => None,
    };
    let Some(target) = target else {
        let rows: Vec<&str> = ServiceKind::ALL.iter().filter_map(|k| k.room().info().tails).collect();
        m.ui.message = Some(format!("t tails a log: open {} first", rows.join(" or ")));
        return;
    };
    if m.data.tail.take().is_some() {
        cmds.push(Cmd::Tail(None));
        return;
    }
    m.data.tail = Some(Tail {
        key: target.key.clone(),
        at: crate::scope::Scope::new(&target.account, &target.region),
        lines: Default::default(),
        ended: None,
    });
    cmds.push(Cmd::Tail(Some(target)));
}

fn enter(m: &mut Model) {
    let Some(key) = selected_key(m) else { return };
    let super::model::View::Room(v) = m.view() else {
        return;
    };
    let room = v.kind().room();
    if let Some(next) = room.child(&m.data.feeds, v, &key) {
        push(m, super::model::View::Room(next));
    } else if let Some(there) = room.elsewhere(&m.data.feeds, v, &key.key) {
        // Another room's view: its pane, opened there, Esc back to its list.
        let pane = super::model::Pane::Room(there.kind());
        m.ui.stacks
            .insert(pane, vec![pane.root(), super::model::View::Room(there)]);
        m.ui.pane = pane;
    }
}

/// Enter on a change in `:changes`: its resource's detail, in its room's
/// pane (Esc back to the room's list), or a line saying it is gone.
fn open_change(m: &mut Model) {
    let Some(c) = m.data.changes_now().nth(m.ui.changes_cursor).cloned() else {
        return;
    };
    let Some(kind) = ServiceKind::from_name(&c.service) else {
        return;
    };
    let room = kind.room();
    let name = crate::fmt::escape_controls(&c.resource);
    let at = crate::services::scope::Scope::new(&c.account, &c.region);
    match room.open(&c.resource, Some(&at)) {
        Some(_) if room.holds(&m.data.feeds, &c.account, &c.region, &c.resource) == Some(false) => {
            m.ui.message = Some(format!("{name} is no longer in {} ({})", room.info().label, c.region));
        }
        Some(view) => {
            let pane = Pane::Room(kind);
            m.ui.stacks.insert(pane, vec![pane.root(), super::model::View::Room(view)]);
            m.ui.pane = pane;
        }
        None => m.ui.message = Some(format!("{} has no detail view for {name}", room.info().label)),
    }
}

fn back(m: &mut Model) {
    if let Some(st) = table_mut(m) {
        if !st.filter.is_empty() {
            st.filter.clear();
            return;
        }
    }
    let stack = m.ui.stacks.entry(m.ui.pane).or_default();
    if stack.len() > 1 {
        stack.pop();
    }
}
