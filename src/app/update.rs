//! `update`: the only function that changes the Model. Pure: no I/O, no clock,
//! no terminal, so every behaviour is testable with plain values.

use super::keymap::Action;
use super::model::{Mode, Model, Pane, RowsBasis, TableState, Tail, View};
use super::msg::{Cmd, DataMsg, Msg, Payload, TailTarget, TimelineCmd};
use super::tables;
use crate::domain::batch::JOB_STATUSES;
use crate::fmt::age;

/// Rows the header, tabs, pane title, column titles and footer take from the height.
pub const CHROME_ROWS: u16 = 5;

pub fn update(m: &mut Model, msg: Msg) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    match msg {
        Msg::Data(d) => {
            apply_data(m, d);
            m.dirty = true;
        }
        Msg::Action(a) => {
            act(m, a, &mut cmds);
            m.dirty = true;
        }
        Msg::Tick(now) => {
            // Redraw only when something on screen would read differently.
            let before = ages(m);
            let minute = m.now.timestamp() / 60;
            m.now = now;
            if ages(m) != before || now.timestamp() / 60 != minute {
                m.dirty = true;
            }
            return cmds;
        }
        Msg::Resize { width, height } => {
            m.width = width;
            m.height = height;
            m.dirty = true;
        }
        Msg::Replay(status) => {
            m.now = status.clock;
            m.replay = Some(status);
            m.dirty = true;
        }
        Msg::Notice(text) => {
            m.message = Some(text);
            m.dirty = true;
            return cmds;
        }
    }
    refresh_rows(m);
    // A tail lives as long as its function's detail view is on screen.
    if m.tail
        .as_ref()
        .is_some_and(|t| !matches!(m.view(), View::Function { name } if *name == t.function))
    {
        m.tail = None;
        cmds.push(Cmd::Tail(None));
    }
    let visible = visible_functions(m);
    if !visible.is_empty() && visible != m.visible {
        m.visible = visible.clone();
        cmds.push(Cmd::Visible(visible));
    }
    cmds
}

fn ages(m: &Model) -> [Option<String>; 3] {
    [
        m.lambda.fetched_at(),
        m.ecs.fetched_at(),
        m.batch.fetched_at(),
    ]
    .map(|t| t.map(|t| age(m.now - t)))
}

fn apply_data(m: &mut Model, d: DataMsg) {
    match d {
        DataMsg::Account(a) => {
            m.account = a;
            m.account_error = None;
        }
        DataMsg::AccountFailed(e) => m.account_error = Some(e),
        DataMsg::Tail { function, lines } => {
            if let Some(t) = m.tail.as_mut().filter(|t| t.function == function) {
                t.lines.extend(lines);
                while t.lines.len() > super::model::TAIL_LINES {
                    t.lines.pop_front();
                }
            }
        }
        DataMsg::TailEnded { function, reason } => {
            if let Some(t) = m.tail.as_mut().filter(|t| t.function == function) {
                t.ended = Some(reason);
            }
        }
        DataMsg::Api {
            at,
            calls,
            metrics_requested,
            logs_bytes_scanned,
        } => {
            m.logs_bytes_scanned = logs_bytes_scanned;
            api(m, at, calls, metrics_requested)
        }
        DataMsg::Loaded {
            region,
            fetched_at,
            payload,
        } => {
            m.data_gen += 1;
            // Each region replaces only its own rows, so regions refresh independently.
            macro_rules! merge {
                ($feed:expr, $list:ident, $new:expr) => {{
                    let feed = &mut $feed;
                    if feed.regions.keys().all(|r| *r == region) {
                        // One region (the usual case): swap the lists instead of moving 10,000 rows.
                        let old = std::mem::replace(&mut feed.data.$list, $new.$list);
                        if m.retired.len() >= super::model::RETIRED_MAX {
                            m.retired.clear();
                        }
                        m.retired.push(Box::new(old));
                    } else {
                        feed.data.$list.retain(|x| x.region != region);
                        feed.data.$list.extend($new.$list);
                    }
                    let st = feed.regions.entry(region.clone()).or_default();
                    st.fetched_at = Some(fetched_at);
                    st.error = None;
                }};
            }
            match payload {
                Payload::Lambda(d) => {
                    match &d.totals {
                        Some(t) => m.lambda_totals.insert(region.clone(), t.clone()),
                        None => m.lambda_totals.remove(&region),
                    };
                    merge!(m.lambda, functions, d)
                }
                Payload::Ecs(d) => merge!(m.ecs, clusters, d),
                Payload::Batch(mut d) => {
                    m.batch
                        .data
                        .compute_environments
                        .retain(|c| c.region != region);
                    m.batch
                        .data
                        .compute_environments
                        .append(&mut d.compute_environments);
                    merge!(m.batch, queues, d)
                }
            }
            if m.now < fetched_at {
                m.now = fetched_at;
            }
        }
        DataMsg::Failed { service, error } => {
            use super::msg::ServiceKind::*;
            let regions = match service {
                Lambda => &mut m.lambda.regions,
                Ecs => &mut m.ecs.regions,
                Batch => &mut m.batch.regions,
            };
            let region = error.region.clone();
            regions.entry(region).or_default().error = Some(error);
        }
    }
}

/// $0.01 per 1,000 metrics requested (CloudWatch GetMetricData pricing).
const USD_PER_METRIC: f64 = 0.01 / 1000.0;

fn api(
    m: &mut Model,
    at: chrono::DateTime<chrono::Utc>,
    calls: std::collections::BTreeMap<String, u64>,
    metrics: u64,
) {
    let total: u64 = calls.values().sum();
    m.api_calls = calls;
    m.metrics_requested = metrics;
    m.api_samples.push_back((at, total, metrics));
    while m
        .api_samples
        .front()
        .is_some_and(|(t, _, _)| (at - *t).num_seconds() > 300)
    {
        m.api_samples.pop_front();
    }
    // The pace over the last minute: from the oldest sample inside it, else
    // from the newest one before it.
    let older = m.api_samples.iter().filter(|(t, _, _)| *t < at);
    let base = older
        .clone()
        .find(|(t, _, _)| (at - *t).num_seconds() <= 60)
        .or_else(|| m.api_samples.iter().rfind(|(t, _, _)| *t < at))
        .copied();
    match base {
        Some((t0, c0, m0)) => {
            let secs = (at - t0).num_milliseconds().max(1) as f64 / 1000.0;
            m.calls_per_min = total.saturating_sub(c0) as f64 / secs * 60.0;
            m.cloudwatch_usd_per_hour =
                metrics.saturating_sub(m0) as f64 / secs * 3600.0 * USD_PER_METRIC;
        }
        // The first report: everything so far happened within this first minute.
        None => m.calls_per_min = total as f64,
    }
}

/// The Lambda functions whose metrics the screen needs right now.
fn visible_functions(m: &Model) -> Vec<String> {
    match m.view() {
        View::Functions => {
            let Some(st) = m.table() else {
                return Vec::new();
            };
            m.rows
                .iter()
                .skip(st.offset)
                .take(page_rows(m))
                .filter_map(|i| tables::row_key(m, &View::Functions, *i).map(str::to_string))
                .collect()
        }
        View::Function { name } => vec![name.clone()],
        _ => Vec::new(),
    }
}

fn table_mut(m: &mut Model) -> Option<&mut TableState> {
    let view = m.view().clone();
    if tables::columns_for(&view).is_empty() {
        return None;
    }
    Some(m.tables.entry(view.clone()).or_insert_with(|| TableState {
        sort: tables::default_sort(&view),
        ..Default::default()
    }))
}

/// Recompute the current table's row order and put the cursor back on the
/// selected row, wherever sorting or new data moved it.
pub fn refresh_rows(m: &mut Model) {
    let view = m.view().clone();
    let Some(st) = table_mut(m).cloned() else {
        m.rows.clear();
        m.rows_basis = None;
        return;
    };
    let basis = RowsBasis {
        view: view.clone(),
        sort: st.sort,
        reverse: st.reverse,
        filter: st.filter.clone(),
        status: st.status,
        data_gen: m.data_gen,
    };
    let rows = if m.rows_basis.as_ref() == Some(&basis) {
        std::mem::take(&mut m.rows)
    } else {
        m.rows_basis = Some(basis);
        tables::rows_for(m, &view, &st).unwrap_or_default()
    };
    // The selected row is usually still under the cursor; look there before
    // searching, and search the items (memory order), not the sorted rows.
    let found = st.selected.as_deref().and_then(|key| {
        if rows
            .get(st.cursor)
            .is_some_and(|i| tables::row_key(m, &view, *i) == Some(key))
        {
            return Some(st.cursor);
        }
        let item = tables::index_of(m, &view, key)?;
        rows.iter().position(|i| *i == item)
    });
    let cursor = found.unwrap_or(st.cursor).min(rows.len().saturating_sub(1));
    let selected = rows
        .get(cursor)
        .and_then(|i| tables::row_key(m, &view, *i))
        .map(str::to_string);
    let page = page_rows(m);
    m.rows = rows;
    if let Some(st) = table_mut(m) {
        st.cursor = cursor;
        st.selected = selected;
        // Keep the cursor on screen with the least scrolling.
        if st.cursor < st.offset {
            st.offset = st.cursor;
        } else if st.cursor >= st.offset + page {
            st.offset = st.cursor + 1 - page;
        }
    }
}

pub fn page_rows(m: &Model) -> usize {
    m.height.saturating_sub(CHROME_ROWS).max(1) as usize
}

fn move_cursor(m: &mut Model, to: impl Fn(usize, usize, usize) -> usize) {
    let len = m.rows.len();
    let page = page_rows(m);
    if let Some(st) = table_mut(m) {
        st.cursor = to(st.cursor, len.saturating_sub(1), page).min(len.saturating_sub(1));
        st.selected = None;
        let cursor = st.cursor;
        let key = m.rows.get(cursor).copied();
        let view = m.view().clone();
        let key = key
            .and_then(|i| tables::row_key(m, &view, i))
            .map(str::to_string);
        if let Some(st) = table_mut(m) {
            st.selected = key;
        }
    }
}

fn selected_key(m: &Model) -> Option<String> {
    m.table()?.selected.clone()
}

fn push(m: &mut Model, v: View) {
    m.stacks[m.pane.index()].push(v);
}

fn act(m: &mut Model, a: Action, cmds: &mut Vec<Cmd>) {
    m.message = None;
    match a {
        Action::Quit => m.quit = true,
        Action::NextPane => m.pane = Pane::ALL[(m.pane.index() + 1) % 4],
        Action::PrevPane => m.pane = Pane::ALL[(m.pane.index() + 3) % 4],
        Action::Pane(p) => m.pane = p,
        Action::Up => move_cursor(m, |c, _, _| c.saturating_sub(1)),
        Action::Down => move_cursor(m, |c, _, _| c + 1),
        Action::PageUp => move_cursor(m, |c, _, p| c.saturating_sub(p)),
        Action::PageDown => move_cursor(m, |c, _, p| c + p),
        Action::Top => move_cursor(m, |_, _, _| 0),
        Action::Bottom => move_cursor(m, |_, last, _| last),
        Action::Enter => enter(m),
        Action::Back => back(m),
        Action::SortNext | Action::SortPrev => {
            let n = tables::columns_for(m.view()).len();
            if let Some(st) = table_mut(m) {
                st.sort = if a == Action::SortNext {
                    (st.sort + 1) % n
                } else {
                    (st.sort + n - 1) % n
                };
                st.reverse = false;
            }
        }
        Action::SortReverse => {
            if let Some(st) = table_mut(m) {
                st.reverse = !st.reverse;
            }
        }
        Action::StatusNext | Action::StatusPrev => {
            if matches!(m.view(), View::Jobs { .. }) {
                let n = JOB_STATUSES.len() + 1;
                if let Some(st) = table_mut(m) {
                    st.status = if a == Action::StatusNext {
                        (st.status + 1) % n
                    } else {
                        (st.status + n - 1) % n
                    };
                }
            }
        }
        Action::ToggleTail => toggle_tail(m, cmds),
        Action::Refresh if m.replay.is_some() => {
            m.message = Some("a replay shows what was recorded; nothing to refresh".into())
        }
        Action::Refresh => {
            cmds.push(Cmd::Refresh);
            m.message = Some("refreshing…".into());
        }
        Action::Export => export(m, cmds),
        Action::PlayPause => timeline(m, cmds, TimelineCmd::PlayPause),
        Action::Faster => timeline(m, cmds, TimelineCmd::Faster),
        Action::Slower => timeline(m, cmds, TimelineCmd::Slower),
        Action::StepForward => timeline(m, cmds, TimelineCmd::StepForward),
        Action::StepBack => timeline(m, cmds, TimelineCmd::StepBack),
        Action::StartJump => {
            if m.replay.is_some() {
                m.mode = Mode::Jump;
                m.input.clear();
            } else {
                m.message = Some(REPLAY_ONLY.into());
            }
        }
        Action::ToggleHelp => {
            m.mode = if m.mode == Mode::Help {
                Mode::Normal
            } else {
                Mode::Help
            }
        }
        Action::StartFilter => {
            if let Some(st) = table_mut(m) {
                let f = st.filter.clone();
                m.mode = Mode::Filter;
                m.input = f;
            } else {
                m.message = Some("nothing to filter here".into());
            }
        }
        Action::StartCommand => {
            m.mode = Mode::Command;
            m.input.clear();
        }
        Action::Input(c) => {
            m.input.push(c);
            live_filter(m);
        }
        Action::Backspace => {
            m.input.pop();
            live_filter(m);
        }
        Action::Submit => {
            let mode = std::mem::replace(&mut m.mode, Mode::Normal);
            if mode == Mode::Command {
                let cmd = std::mem::take(&mut m.input);
                command(m, cmd.trim(), cmds);
            } else if mode == Mode::Jump {
                let text = std::mem::take(&mut m.input);
                cmds.push(Cmd::Timeline(TimelineCmd::Jump(text)));
            }
        }
        Action::Cancel => {
            if m.mode == Mode::Filter {
                m.input.clear();
                live_filter(m);
            }
            m.mode = Mode::Normal;
            m.input.clear();
        }
    }
}

const REPLAY_ONLY: &str = "timeline keys work in a replay: awstop replay FILE";

fn timeline(m: &mut Model, cmds: &mut Vec<Cmd>, c: TimelineCmd) {
    if m.replay.is_some() {
        cmds.push(Cmd::Timeline(c));
    } else {
        m.message = Some(REPLAY_ONLY.into());
    }
}

/// Names the file after the pane and the time shown (the replay clock in a
/// replay); the run loop writes it, as `update` does no I/O.
fn export(m: &mut Model, cmds: &mut Vec<Cmd>) {
    if tables::columns_for(m.view()).is_empty() {
        m.message = Some("nothing to export here: open a table".into());
        return;
    }
    let stamp = m.now.format("%Y%m%dT%H%M%SZ");
    let name = crate::export::view_name(m.view());
    cmds.push(Cmd::Export {
        path: format!("awstop-{name}-{stamp}.csv"),
    });
}

/// The filter follows every keystroke, like k9s.
fn live_filter(m: &mut Model) {
    if m.mode != Mode::Filter {
        return;
    }
    let text = m.input.clone();
    if let Some(st) = table_mut(m) {
        st.filter = text;
        st.cursor = 0;
        st.offset = 0;
        st.selected = None;
    }
}

fn command(m: &mut Model, cmd: &str, cmds: &mut Vec<Cmd>) {
    match cmd {
        "" => {}
        "q" | "q!" | "quit" | "exit" => m.quit = true,
        "help" | "?" => m.mode = Mode::Help,
        "refresh" | "r" => cmds.push(Cmd::Refresh),
        other => match Pane::from_name(&other.to_ascii_lowercase()) {
            Some(p) => {
                m.pane = p;
                m.stacks[p.index()].truncate(1);
            }
            None => {
                m.message = Some(format!(
                    "unknown command :{other} (try :lambda :ecs :batch :overview :quit)"
                ))
            }
        },
    }
}

fn toggle_tail(m: &mut Model, cmds: &mut Vec<Cmd>) {
    let View::Function { name } = m.view().clone() else {
        m.message = Some("t tails a function's logs: open a function first".into());
        return;
    };
    if m.tail.take().is_some() {
        cmds.push(Cmd::Tail(None));
        return;
    }
    let Some(f) = m.function(&name) else { return };
    let target = TailTarget {
        function: name.clone(),
        region: f.region.clone(),
        log_group: f.log_group.clone(),
    };
    m.tail = Some(Tail {
        function: name,
        lines: Default::default(),
        ended: None,
    });
    cmds.push(Cmd::Tail(Some(target)));
}

fn enter(m: &mut Model) {
    let Some(key) = selected_key(m) else { return };
    let next = match m.view().clone() {
        View::Functions => View::Function { name: key },
        View::Clusters => View::Services { cluster: key },
        View::Services { cluster } => View::Tasks {
            cluster,
            service: key,
        },
        View::Tasks { cluster, .. } => View::Task { cluster, id: key },
        View::Queues => View::Jobs { queue: key },
        View::Jobs { queue } => View::Job { queue, id: key },
        _ => return,
    };
    push(m, next);
}

fn back(m: &mut Model) {
    if let Some(st) = table_mut(m) {
        if !st.filter.is_empty() {
            st.filter.clear();
            return;
        }
    }
    let stack = &mut m.stacks[m.pane.index()];
    if stack.len() > 1 {
        stack.pop();
    }
}
