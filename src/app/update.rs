//! `update`: the only function that changes the Model. Pure: no I/O, no clock,
//! no terminal, so every behaviour is testable with plain values. Keys are
//! handled in `act.rs`; data and the table order here.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::model::{Data, Model, ReplayStatus, RowsBasis, SourceLabel, View};
use super::msg::{Cmd, DataMsg, Msg, ReplayMsg};
use super::tables;
use crate::fmt::age;
use crate::services::msg::TAIL_LINES;
use crate::services::ServiceKind;
use crate::changes::window_start;
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;
use crate::table::TableState;

pub use crate::layout::CHROME_ROWS;

/// How many tables' kept orders are held at once (`Ui::sort_caches`).
const SORT_CACHES: usize = 12;

pub fn update(m: &mut Model, msg: Msg) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    // The rooms whose `visible` keys changed: sent once, at the end.
    let mut resend: Vec<ServiceKind> = Vec::new();
    match msg {
        Msg::Data(d) => {
            // The refresh asked for has arrived.
            if matches!(d, DataMsg::Loaded { .. })
                && m.ui.message.as_deref() == Some(super::act::REFRESHING)
            {
                m.ui.message = None;
            }
            let loaded = match &d {
                DataMsg::Loaded { payload, .. } => Some(payload.kind()),
                _ => None,
            };
            // The API's call counts are in the header, not on the Overview's
            // lists: they arrive after every batch of calls.
            let lists_change = !matches!(d, DataMsg::Api { .. });
            apply_data(m, d);
            if lists_change {
                m.data_msgs += 1;
            }
            if let Some(kind) = loaded {
                resend = wanted_after(m, kind);
            }
            m.dirty = true;
        }
        Msg::Action(a) => {
            super::act::act(m, a, &mut cmds);
            m.dirty = true;
        }
        // A replay's time is its timeline's clock: the wall clock's ticks
        // never move it.
        Msg::Tick(_) if m.data.source == SourceLabel::Replay => return cmds,
        Msg::Tick(now) => {
            // Redraw only when something on screen would read differently.
            let before = ages(m);
            let minute = m.data.now.timestamp() / 60;
            m.data.now = now;
            if ages(m) != before || now.timestamp() / 60 != minute {
                m.dirty = true;
            }
            return cmds;
        }
        Msg::Resize { width, height } => {
            m.ui.width = width;
            m.ui.height = height;
            m.dirty = true;
        }
        Msg::Replay(status) => {
            replay_at(m, status);
            m.dirty = true;
        }
        Msg::Notice(text) => {
            m.ui.message = Some(text);
            m.dirty = true;
            return cmds;
        }
    }
    refresh_rows(m);
    // A tail lives as long as its row's detail view is on screen.
    if m.data.tail.as_ref().is_some_and(|t| {
        let view = m.view();
        let target = match view {
            View::Room(v) => v.kind().room().tail_target(&m.data.feeds, v),
            View::Overview | View::Accounts | View::Changes => None,
        };
        target.is_none_or(|x| x.key != t.key || *t.at.account != x.account || t.at.region != x.region)
    }) {
        m.data.tail = None;
        cmds.push(Cmd::Tail(None));
    }
    if let View::Room(v) = m.view().clone() {
        let room = v.kind().room();
        let visible = room.visible(&v, on_screen(m));
        let known = m.ui.visible.get(&v.kind());
        if !visible.is_empty() && known != Some(&visible) {
            m.ui.visible.insert(v.kind(), visible);
            if !resend.contains(&v.kind()) {
                resend.push(v.kind());
            }
        }
    }
    for service in resend {
        let mut keys = m.ui.visible.get(&service).cloned().unwrap_or_default();
        keys.extend(m.ui.wants.get(&service).into_iter().flatten().cloned());
        cmds.push(Cmd::Visible { service, keys });
    }
    cmds
}

/// After a refresh of `kind`, the rooms that read what it publishes say
/// again what their pollers should read beyond their listings: those whose
/// wants changed are returned.
fn wanted_after(m: &mut Model, kind: ServiceKind) -> Vec<ServiceKind> {
    let publishes = kind.room().info().publishes;
    let mut changed = Vec::new();
    for k in ServiceKind::ALL {
        let room = k.room();
        if !room.info().reads.iter().any(|t| publishes.contains(t)) {
            continue;
        }
        let wants = room.wants(&m.data.feeds);
        if m.ui.wants.get(k).map_or(wants.is_empty(), |w| *w == wants) {
            continue;
        }
        m.ui.wants.insert(*k, wants);
        changed.push(*k);
    }
    changed
}

/// Every room's data age as the header shows it.
fn ages(m: &Model) -> BTreeMap<ServiceKind, Option<String>> {
    ServiceKind::ALL
        .iter()
        .map(|k| (*k, m.data.status(*k).1.map(|t| age(m.data.now - t))))
        .collect()
}

/// Where the replay stands: its clock becomes the Model's time, and what
/// a restart rebuilt may be drawn.
fn replay_at(m: &mut Model, status: ReplayStatus) {
    m.data.now = status.clock;
    m.ui.replay = Some(status);
    m.settling = false;
}

fn apply_data(m: &mut Model, d: DataMsg) {
    let data = &mut m.data;
    match d {
        DataMsg::Replay(ReplayMsg::Restart) => {
            // Only `Data` starts over: what the viewer opened, sorted,
            // filtered and sized is kept.
            let fresh = Data::new(data.source, data.now, data.settings.clone());
            let old = std::mem::replace(data, fresh);
            data.retired = old.retired;
            // A generation never comes back: what was computed from the old
            // data (the row order, the kept column orders) is not reused.
            data.data_gen = old.data_gen + 1;
            data.base_gen = data.data_gen;
            crate::services::feed::retire(&mut data.retired, old.feeds);
            m.settling = true;
        }
        DataMsg::Replay(ReplayMsg::At(status)) => replay_at(m, status),
        DataMsg::Replay(ReplayMsg::Notice(text)) => m.ui.message = Some(text),
        DataMsg::Account(a) => {
            data.settings.accounts =
                std::sync::Arc::new(data.settings.accounts.with_current(a.id.as_deref(), &a.regions));
            data.account = a;
            data.account_error = None;
        }
        DataMsg::Actuals(a) => data.actuals = Some(a),
        DataMsg::Changes {
            account,
            region,
            fetched_at,
            changes,
            unread,
        } => {
            data.changes.add(changes);
            data.changes.prune(window_start(data.now.max(fetched_at), data.settings.window));
            // Each look says all that its region could not read.
            data.changes_unread.retain(|e| e.account != account || e.region != region);
            data.changes_unread.extend(unread);
            data.refind_suspects(true, |_| true);
        }
        DataMsg::Accounts(list) => {
            data.settings.accounts = std::sync::Arc::new(crate::scope::AccountBook { accounts: list });
        }
        DataMsg::AccountFailed(e) => data.account_error = Some(e),
        DataMsg::Tail { key, lines } => {
            if let Some(t) = data.tail.as_mut().filter(|t| t.key == key) {
                t.lines.extend(lines);
                while t.lines.len() > TAIL_LINES {
                    t.lines.pop_front();
                }
            }
        }
        DataMsg::TailEnded { key, reason } => {
            if let Some(t) = data.tail.as_mut().filter(|t| t.key == key) {
                t.ended = Some(reason);
            }
        }
        DataMsg::Api {
            at,
            calls,
            metrics_requested,
            logs_bytes_scanned,
            latency_ms,
            by_account,
        } => {
            data.api.logs_bytes_scanned = logs_bytes_scanned;
            data.api.latency_ms = latency_ms;
            accounts_pace(&mut data.api, at, by_account);
            api(m, at, calls, metrics_requested)
        }
        DataMsg::Loaded {
            account,
            region,
            fetched_at,
            payload,
        } => {
            let scope = Scope::new(&account, &region);
            data.data_gen += 1;
            // Each region replaces only its own rows, so regions refresh independently.
            let kind = payload.kind();
            // What the new read changed is found against what it replaces.
            let cx = ChangeCtx {
                since: window_start(fetched_at, data.settings.window),
                fetched_at,
                seen: data.feeds.scopes(kind).get(&scope).is_some_and(|s| s.fetched_at.is_some()),
            };
            let found = kind.room().changes(&data.feeds, &scope, &payload, &cx);
            let kept = data.changes.len();
            let timeline_moved = !found.is_empty();
            data.changes.add(found);
            data.changes.prune(window_start(data.now.max(fetched_at), data.settings.window));
            let timeline_moved = timeline_moved || data.changes.len() != kept;
            kind.room()
                .merge(&mut data.feeds, &scope, payload, &mut data.retired);
            // What the rooms show of each other (the images services run):
            // the room publishes its facts, then only the joins this refresh
            // can change run, since at 10,000 functions each costs a pass
            // over the rows.
            let room = kind.room();
            room.publish(&mut data.feeds);
            let reads_from = |k: ServiceKind, from: ServiceKind| {
                from.room().info().publishes.iter().any(|t| k.room().info().reads.contains(t))
            };
            let mut joined = vec![kind];
            // The rooms that read what it published join it. One that
            // publishes only what its readers need (Lambda: the errors of
            // the functions routes invoke) publishes again, since what it
            // read may name new readers' needs, before the refreshed room
            // joins.
            for k in ServiceKind::ALL.iter().copied().filter(|k| *k != kind && reads_from(*k, kind)) {
                k.room().join(&mut data.feeds);
                joined.push(k);
                if k.room().info().publishes_for_readers {
                    k.room().publish(&mut data.feeds);
                }
            }
            room.join(&mut data.feeds);
            for k in &joined {
                data.room_gen.insert(*k, data.data_gen);
            }
            let st = data.feeds.scopes_mut(kind).entry(scope).or_default();
            st.fetched_at = Some(fetched_at);
            st.error = None;
            if data.now < fetched_at {
                data.now = fetched_at;
            }
            // Only the rooms whose rows moved are priced and searched again.
            data.burn =
                crate::services::account_cost::repriced(&data.burn, &data.feeds, &data.settings, |k| joined.contains(&k));
            data.refind_suspects(timeline_moved, |k| joined.contains(&k));
        }
        DataMsg::Failed { service, error } => {
            let scope = Scope::new(&error.account, &error.region);
            data.feeds
                .scopes_mut(service)
                .entry(scope)
                .or_default()
                .error = Some(error);
        }
    }
}

fn api(m: &mut Model, at: DateTime<Utc>, calls: BTreeMap<String, u64>, metrics: u64) {
    let a = &mut m.data.api;
    let total: u64 = calls.values().sum();
    a.calls = calls;
    a.metrics_requested = metrics;
    a.samples.push_back((at, total, metrics));
    while a
        .samples
        .front()
        .is_some_and(|(t, _, _)| (at - *t).num_seconds() > 300)
    {
        a.samples.pop_front();
    }
    // The pace over the last minute: from the oldest sample inside it, else
    // from the newest one before it.
    let older = a.samples.iter().filter(|(t, _, _)| *t < at);
    let base = older
        .clone()
        .find(|(t, _, _)| (at - *t).num_seconds() <= 60)
        .or_else(|| a.samples.iter().rfind(|(t, _, _)| *t < at))
        .copied();
    match base {
        Some((t0, c0, _)) => {
            let secs = (at - t0).num_milliseconds().max(1) as f64 / 1000.0;
            a.calls_per_min = total.saturating_sub(c0) as f64 / secs * 60.0;
        }
        // The first report: everything so far happened within this first minute.
        None => a.calls_per_min = total as f64,
    }
}

/// Each account's pace, from the counts every account's handle of the
/// shared call counter keeps: as the header's, over the last minute.
fn accounts_pace(a: &mut crate::app::model::ApiStats, at: DateTime<Utc>, now: BTreeMap<String, crate::aws::client::AccountCalls>) {
    if now.is_empty() {
        return;
    }
    while a.account_samples.front().is_some_and(|(t, _)| (at - *t).num_seconds() > 300) {
        a.account_samples.pop_front();
    }
    let base = {
        let older = || a.account_samples.iter().filter(|(t, _)| *t < at);
        older().find(|(t, _)| (at - *t).num_seconds() <= 60).or_else(|| older().last())
    };
    a.account_pace = now
        .iter()
        .map(|(k, c)| {
            let pace = match base {
                Some((t0, then)) => {
                    let was = then.get(k).copied().unwrap_or_default();
                    let per_min = 60.0 / ((at - *t0).num_milliseconds().max(1) as f64 / 1000.0);
                    crate::app::model::AccountPace {
                        calls_per_min: c.calls.saturating_sub(was.calls) as f64 * per_min,
                        cloudwatch_usd_per_hour: c.metrics.saturating_sub(was.metrics) as f64
                            * per_min
                            * 60.0
                            * crate::pricing::USD_PER_METRIC,
                    }
                }
                // The first report: all so far happened within its first minute.
                None => crate::app::model::AccountPace {
                    calls_per_min: c.calls as f64,
                    cloudwatch_usd_per_hour: c.metrics as f64 * 60.0 * crate::pricing::USD_PER_METRIC,
                },
            };
            (k.clone(), pace)
        })
        .collect();
    // One sample every few seconds is plenty for a pace over a minute.
    if a.account_samples.back().is_none_or(|(t, _)| (at - *t).num_seconds() >= 5) {
        a.account_samples.push_back((at, now.clone()));
    }
    a.by_account = now;
}

/// The keys of the rows of the current table on screen.
fn on_screen(m: &Model) -> Vec<String> {
    let Some(st) = m.table() else {
        return Vec::new();
    };
    let view = m.view();
    m.ui.rows
        .iter()
        .skip(st.offset)
        .take(m.page_rows())
        .filter_map(|i| tables::row_key(m, view, *i).map(str::to_string))
        .collect()
}

/// The current view's table state, created on first use; `None` when the
/// view is not a table.
pub(super) fn table_mut(m: &mut Model) -> Option<&mut TableState> {
    let view = m.view().clone();
    let cols = tables::columns_for(m, &view)?;
    Some(m.ui.tables.entry(view).or_insert_with(|| TableState {
        sort: cols.default_sort(),
        reverse: cols.default_reverse(),
        tab: cols.default_tab(),
        ..Default::default()
    }))
}

/// Whether `now`'s rows are among `was`'s: the same table and data with a
/// filter that says more (`acct:` words aside, a filter is one substring).
fn narrower(was: &RowsBasis, now: &RowsBasis) -> bool {
    was.view == now.view
        && was.data_gen == now.data_gen
        && was.tab == now.tab
        && now.filter.len() > was.filter.len()
        && now.filter.starts_with(&was.filter)
        && !now.filter.contains("acct:")
}

/// Recompute the current table's row order and put the cursor back on the
/// selected row, wherever sorting or new data moved it.
pub fn refresh_rows(m: &mut Model) {
    let view = m.view().clone();
    let Some(st) = table_mut(m).cloned() else {
        m.ui.rows.clear();
        m.ui.rows_basis = None;
        return;
    };
    let basis = RowsBasis {
        view: view.clone(),
        sort: st.sort,
        reverse: st.reverse,
        filter: st.filter.clone(),
        tab: st.tab,
        data_gen: match &view {
            View::Room(v) => m.data.gen_of(v.kind()),
            View::Overview | View::Accounts | View::Changes => m.data.data_gen,
        },
    };
    let rows = if m.ui.rows_basis.as_ref() == Some(&basis) {
        std::mem::take(&mut m.ui.rows)
    } else {
        let mut cache = m.ui.sort_caches.remove(&view).unwrap_or_default();
        if m.ui.rows_basis.as_ref().is_some_and(|was| narrower(was, &basis)) {
            cache.narrow(std::mem::take(&mut m.ui.rows));
        }
        m.ui.rows_basis = Some(basis);
        let rows = tables::rows_for(m, &view, &st, &mut cache).unwrap_or_default();
        // The room lists and a few details: a tour of many details keeps
        // only the newest few orders.
        if m.ui.sort_caches.len() >= SORT_CACHES {
            m.ui.sort_caches.clear();
        }
        m.ui.sort_caches.insert(view.clone(), cache);
        rows
    };
    // The selected row is usually still under the cursor; look there before
    // searching, and search the items (memory order), not the sorted rows.
    // A cursor on the first row watches the top of the ranking, as `top`
    // does: new numbers re-rank the rows under it rather than carry it off
    // (the first numbers of a fresh account would send it anywhere).
    let at_top = st.cursor == 0 && st.offset == 0;
    let found = st.selected.as_ref().filter(|_| !at_top).and_then(|key| {
        if rows
            .get(st.cursor)
            .is_some_and(|i| tables::row_id(m, &view, *i).as_ref() == Some(key))
        {
            return Some(st.cursor);
        }
        let item = tables::index_of(m, &view, key)?;
        rows.iter().position(|i| *i == item)
    });
    let cursor = found.unwrap_or(st.cursor).min(rows.len().saturating_sub(1));
    let selected = rows.get(cursor).and_then(|i| tables::row_id(m, &view, *i));
    let page = m.page_rows();
    m.ui.rows = rows;
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
