//! The live source: one poller per (room, region), each with its own
//! interval, never overlapping itself; a refresh wakes them all.

use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use crate::aws::{AwsError, ErrorKind};
use crate::services::live::{log, Live};
use crate::services::msg::{DataMsg, DataTx, SourceCmd};
use crate::services::poller::{after_screen, PollCtx, Waker};
use crate::services::ServiceKind;

use super::fleet::{self, Book, Fleet};

/// How often a failed identity read is retried, at most.
const ACCOUNT_RETRY_MAX: std::time::Duration = std::time::Duration::from_secs(300);

/// What every account's pollers share: the app's refresh and what is on screen.
#[derive(Clone)]
struct Shared {
    tx: DataTx,
    refresh: watch::Receiver<u64>,
    visible: Vec<(ServiceKind, watch::Receiver<Vec<String>>)>,
    /// The fleet's reads at once; `None`: one account.
    permits: Option<Arc<tokio::sync::Semaphore>>,
}

/// Starts every account's pollers and serves the app's commands until it
/// hangs up; accounts that could not be reached are tried again meanwhile.
pub async fn run(fleet: impl Into<Fleet>, tx: DataTx, mut cmds: mpsc::Receiver<SourceCmd>) {
    let fleet: Fleet = fleet.into();
    let (refresh_tx, refresh_rx) = watch::channel(0u64);
    let visible: Vec<(ServiceKind, watch::Sender<Vec<String>>)> = ServiceKind::ALL
        .iter()
        .map(|k| (*k, watch::channel(Vec::new()).0))
        .collect();
    let shared = Shared {
        tx: tx.clone(),
        refresh: refresh_rx.clone(),
        visible: visible.iter().map(|(k, s)| (*k, s.subscribe())).collect(),
        permits: fleet
            .several()
            .then(|| Arc::new(tokio::sync::Semaphore::new(fleet.at_once.max(1)))),
    };
    let book: Book = Arc::new(std::sync::Mutex::new(fleet.accounts.clone()));
    if fleet.several() {
        let _ = tx.send(DataMsg::Accounts(fleet.accounts.clone())).await;
        if let Some(a) = fleet.caller.clone() {
            let _ = tx.send(DataMsg::Account(a)).await;
        }
    }
    if fleet.opts.actuals {
        let (opts, counter, tx) = (fleet.opts.clone(), fleet.counter.clone(), tx.clone());
        let mut w = Waker { refresh: refresh_rx.clone() };
        tokio::spawn(async move {
            loop {
                if tx.send(super::actuals::now(&opts, &counter).await).await.is_err() {
                    return;
                }
                w.sleep(super::actuals::EVERY).await;
            }
        });
    }
    let lives: Arc<std::sync::Mutex<Vec<Arc<Live>>>> = Default::default();
    for live in fleet.lives {
        let live = Arc::new(live);
        start(live.clone(), &shared);
        if let Ok(mut l) = lives.lock() {
            l.push(live);
        }
    }
    let n = book.lock().map_or(1, |b| b.len());
    for target in fleet.retry {
        let (opts, counter) = (fleet.opts.clone(), fleet.counter.clone());
        let (shared, book, lives) = (shared.clone(), book.clone(), lives.clone());
        tokio::spawn(async move {
            let mut w = Waker { refresh: shared.refresh.clone() };
            let ropts = crate::accounts::ResolveOptions {
                endpoint: opts.conn.endpoint_label(),
                ..Default::default()
            };
            let mut tries = 0;
            loop {
                w.sleep(fleet::retry_delay(tries)).await;
                tries += 1;
                let r = crate::accounts::resolve::resolve(target.clone(), &ropts).await;
                let info = fleet::info(&r, &opts.regions);
                let label = target.label();
                let list = match book.lock() {
                    Ok(mut b) => {
                        if let Some(slot) = b.iter_mut().find(|a| a.key == label || Some(&a.key) == info.id.as_ref()) {
                            *slot = info;
                        }
                        b.clone()
                    }
                    Err(_) => return,
                };
                if shared.tx.send(DataMsg::Accounts(list)).await.is_err() {
                    return;
                }
                if let Ok(a) = &r.result {
                    let share = fleet::share(opts.budget_usd_per_hour, n);
                    let live = Arc::new(fleet::live_for(&opts, a, &counter, share));
                    start(live.clone(), &shared);
                    if let Ok(mut l) = lives.lock() {
                        l.push(live);
                    }
                    return;
                }
            }
        });
    }
    let mut tail: Option<tokio::task::JoinHandle<()>> = None;
    while let Some(cmd) = cmds.recv().await {
        match cmd {
            SourceCmd::Tail(target) => {
                // Dropping the stream ends the session: one tail at a time.
                if let Some(h) = tail.take() {
                    h.abort();
                }
                let live = target.as_ref().and_then(|t| {
                    let l = lives.lock().ok()?;
                    l.iter().find(|l| l.key == t.account).cloned()
                });
                if let (Some(t), Some(live)) = (target, live) {
                    if let Some(f) = t.service.room().tail(live, t, tx.clone()) {
                        tail = Some(tokio::spawn(f));
                    }
                }
            }
            SourceCmd::RefreshAll => refresh_tx.send_modify(|n| *n += 1),
            // The account has no timeline.
            SourceCmd::Timeline(_) => {}
            SourceCmd::Visible { service, keys } => {
                if let Some((_, seen)) = visible.iter().find(|(k, _)| *k == service) {
                    seen.send_if_modified(|v| {
                        let changed = *v != keys;
                        *v = keys;
                        changed
                    });
                }
            }
        }
    }
}

/// One account's pollers, one per (room, region), and its identity read
/// when it is the current credentials' (an account named by ID is known).
fn start(live: Arc<Live>, shared: &Shared) {
    if live.key.is_empty() {
        let (live, tx, mut w) = (
            live.clone(),
            shared.tx.clone(),
            Waker {
                refresh: shared.refresh.clone(),
            },
        );
        tokio::spawn(async move {
            // Who we are is asked until STS answers, backing off like the panes.
            let mut wait = std::time::Duration::from_secs(5);
            loop {
                let m = live.account().await;
                log(&m);
                let ok = matches!(m, DataMsg::Account(_));
                if tx.send(m).await.is_err() || ok {
                    return;
                }
                w.sleep(wait).await;
                wait = (wait * 2).min(ACCOUNT_RETRY_MAX);
            }
        });
    }
    let turns = shared
        .permits
        .as_ref()
        .map(|p| crate::services::turns::AccountTurns::new(p.clone()));
    for r in 0..live.regions.len() {
        tokio::spawn(super::trail::run(live.clone(), r, shared.tx.clone(), turns.clone()));
        // The room on screen at launch reads first in each region.
        let (screen, screen_read) = watch::channel(false);
        let mut screen = Some(screen);
        for (kind, seen) in &shared.visible {
            let on_screen = live.opts.screen == Some(*kind);
            let cx = PollCtx {
                live: live.clone(),
                region: r,
                tx: shared.tx.clone(),
                waker: Waker {
                    refresh: shared.refresh.clone(),
                },
                visible: visible_for(seen.clone(), &live.key, &live.regions[r].name),
                turns: turns.clone(),
                screen: if on_screen { screen.take() } else { None },
            };
            let poll = kind.room().poll(cx);
            if live.opts.screen.is_some() && !on_screen {
                let read = screen_read.clone();
                tokio::spawn(async move {
                    after_screen(read).await;
                    poll.await
                });
            } else {
                tokio::spawn(poll);
            }
        }
    }
}

/// The rows on screen as the poller of `account` in `region` reads them
/// (`msg::keys_for`): a detail open on another account's row of the same
/// name is not read here, and does not wake this poller.
fn visible_for(mut all: watch::Receiver<Vec<String>>, account: &str, region: &str) -> watch::Receiver<Vec<String>> {
    let (account, region) = (account.to_string(), region.to_string());
    let pick = move |v: &[String]| crate::services::msg::keys_for(v, &account, &region);
    let first = pick(&all.borrow_and_update());
    let (tx, rx) = watch::channel(first);
    tokio::spawn(async move {
        loop {
            tokio::select! {
                r = all.changed() => if r.is_err() { return },
                _ = tx.closed() => return,
            }
            let keys = pick(&all.borrow_and_update());
            tx.send_if_modified(|v| {
                let changed = *v != keys;
                if changed {
                    *v = keys;
                }
                changed
            });
        }
    });
    rx
}

/// How long `--once` may take in all: twice the per-request timeout, plus
/// room for the retries' backoff. An endpoint that never answers costs this,
/// not a timeout per call.
pub fn once_deadline(live: &Live) -> std::time::Duration {
    let per_request = live
        .opts
        .conn
        .attempt_timeout
        .unwrap_or(crate::aws::client::DEFAULT_ATTEMPT_TIMEOUT);
    per_request * 2 + std::time::Duration::from_secs(10)
}

/// What did not answer by the deadline: the requests still waiting.
fn timed_out(live: &Live, kind: ServiceKind, region: &str, limit: std::time::Duration) -> DataMsg {
    let waiting = live.counter.snapshot().waiting();
    let what = if waiting.is_empty() {
        "not reached".to_string()
    } else {
        format!("no answer from {}", waiting.join(", "))
    };
    DataMsg::failed(
        kind,
        region,
        AwsError::new(
            ErrorKind::Timeout,
            format!("{what} within the run's {} s", limit.as_secs()),
        )
        .during("deadline"),
    )
}

/// Everything once, every row's metrics included: `--once`, within `once_deadline`.
pub async fn once(live: &Live) -> Vec<DataMsg> {
    let limit = once_deadline(live);
    let deadline = tokio::time::Instant::now() + limit;
    let region0 = live.regions.first().map_or("", |r| r.name.as_str());
    let mut out = Vec::new();
    if live.key.is_empty() {
        out.push(match tokio::time::timeout_at(deadline, live.account()).await {
        Ok(m) => m,
        Err(_) => DataMsg::AccountFailed(crate::services::msg::ApiError::new(
            "sts",
            region0,
            AwsError::new(
                ErrorKind::Timeout,
                format!("no answer within the run's {} s", limit.as_secs()),
            )
            .during("GetCallerIdentity"),
        )),
        });
    }
    // Every room of every region side by side: an endpoint that never
    // answers costs the deadline once, not once per room.
    let per_region = live.regions.iter().map(|r| async move {
        let rooms = ServiceKind::ALL.iter().map(|k| async move {
            match tokio::time::timeout_at(deadline, k.room().once(live, r)).await {
                Ok(m) => (*k, m),
                Err(_) => (*k, vec![timed_out(live, *k, &r.name, limit)]),
            }
        });
        futures_util::future::join_all(rooms).await
    });
    // Who changed what is looked up beside them, at LookupEvents' own pace.
    let (mut read, trail) = futures_util::future::join(
        futures_util::future::join_all(per_region),
        super::trail::once(live, deadline, limit),
    )
    .await;
    wanted(live, &mut read, deadline, limit).await;
    for (_, msgs) in read.into_iter().flatten() {
        out.extend(msgs.into_iter().map(|m| m.in_account(&live.key)));
    }
    out.extend(trail.into_iter().map(|m| m.in_account(&live.key)));
    out.push(live.api());
    out
}

/// `--once`'s second step: what rooms want of the others' data (ECR: the
/// images ECS's tasks run, beyond a repository's one page), read once every
/// room of every region has been read, as the dashboard's pollers are told
/// after each refresh. `read` is each region's rooms and their messages.
async fn wanted(
    live: &Live,
    read: &mut [Vec<(ServiceKind, Vec<DataMsg>)>],
    deadline: tokio::time::Instant,
    limit: std::time::Duration,
) {
    let wanting: Vec<ServiceKind> = ServiceKind::ALL
        .iter()
        .copied()
        .filter(|k| !k.room().info().wants.is_empty())
        .collect();
    if wanting.is_empty() {
        return;
    }
    // What those rooms want is published by others: only those are folded
    // in (a copy of ECS's tasks, not of 10,000 functions).
    let publishes = |k: ServiceKind| {
        let info = k.room().info();
        wanting.iter().any(|w| w.room().info().wants.iter().any(|t| info.publishes.contains(t)))
    };
    let mut feeds = crate::services::Feeds::default();
    let mut retired = Vec::new();
    for (r, rooms) in live.regions.iter().zip(read.iter()) {
        for (k, msgs) in rooms.iter().filter(|(k, _)| publishes(*k)) {
            for m in msgs {
                if let DataMsg::Loaded { payload, .. } = m {
                    let scope = crate::scope::Scope::region(&r.name);
                    feeds.scopes_mut(*k).entry(scope.clone()).or_default();
                    k.room().merge(&mut feeds, &scope, payload.clone(), &mut retired);
                }
            }
        }
    }
    for k in ServiceKind::ALL.iter().filter(|k| publishes(**k)) {
        k.room().publish(&mut feeds);
    }
    for k in wanting {
        let wanted = k.room().wants(&feeds);
        if wanted.is_empty() {
            continue;
        }
        let per_region = live.regions.iter().zip(read.iter_mut()).filter_map(|(r, rooms)| {
            let (_, msgs) = rooms.iter_mut().find(|(x, _)| *x == k)?;
            // A region the room could not read has nothing to read into.
            msgs.iter().any(|m| matches!(m, DataMsg::Loaded { .. })).then_some(())?;
            let wanted = &wanted;
            Some(async move {
                let step = k.room().once_wanted(live, r, msgs, wanted);
                if tokio::time::timeout_at(deadline, step).await.is_err() {
                    msgs.push(timed_out(live, k, &r.name, limit));
                }
            })
        });
        futures_util::future::join_all(per_region).await;
    }
}

/// Every account once, at most `at_once` at a time: `--once` of a fleet.
pub async fn once_all(fleet: &Fleet) -> Vec<DataMsg> {
    use futures_util::StreamExt;
    let mut out = Vec::new();
    if fleet.several() {
        out.push(DataMsg::Accounts(fleet.accounts.clone()));
        out.extend(fleet.caller.clone().map(DataMsg::Account));
    }
    let all: Vec<Vec<DataMsg>> = futures_util::stream::iter(fleet.lives.iter())
        .map(|l| once(l))
        .buffer_unordered(fleet.at_once.max(1))
        .collect()
        .await;
    for msgs in all {
        // One counter for the fleet: its totals are sent last, once.
        out.extend(msgs.into_iter().filter(|m| !matches!(m, DataMsg::Api { .. })));
    }
    if fleet.opts.actuals {
        out.push(super::actuals::now(&fleet.opts, &fleet.counter).await);
    }
    if let Some(l) = fleet.first() {
        out.push(l.api());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_detail_scoped_to_one_account_reaches_that_accounts_pollers_only() {
        use crate::scope::Scope;
        use crate::services::msg::scoped;
        let (all, rx) = watch::channel(vec!["orders".to_string()]);
        let mut mine = visible_for(rx.clone(), "210988765432", "us-east-1");
        let mut other = visible_for(rx, "123456789012", "us-east-1");
        assert_eq!(*mine.borrow_and_update(), ["orders"]);
        assert_eq!(*other.borrow_and_update(), ["orders"]);
        // The detail of the second account's `orders` opens.
        let at = Scope::new("210988765432", "us-east-1");
        all.send_replace(vec![scoped(&at, "orders"), scoped(&at, "open:orders")]);
        tokio::time::timeout(std::time::Duration::from_secs(5), mine.changed()).await.unwrap().unwrap();
        assert_eq!(*mine.borrow_and_update(), ["orders", "open:orders"]);
        // The first account's pollers are told nothing is on screen, and
        // only once: nothing of theirs is to be read for it.
        tokio::time::timeout(std::time::Duration::from_secs(5), other.changed()).await.unwrap().unwrap();
        assert!(other.borrow_and_update().is_empty());
        all.send_replace(vec![scoped(&at, "orders")]);
        tokio::time::timeout(std::time::Duration::from_secs(5), mine.changed()).await.unwrap().unwrap();
        assert!(tokio::time::timeout(std::time::Duration::from_millis(200), other.changed()).await.is_err());
    }
}
