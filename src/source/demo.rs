//! The built-in demo account: deterministic, seeded, evolving on a virtual clock.
//! It sends the same messages the live source sends, so it drives the real UI
//! path. Each room draws its own part (its `RoomDemo`).

use std::any::Any;
use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::clock::Clock;
use crate::services::msg::{Account, DataMsg, DataTx, SourceCmd};
use crate::services::room::DemoCtx;
use crate::services::{Intervals, Payload, ServiceKind};

/// The demo account's region unless `--region` names another.
pub const REGION: &str = "us-east-1";
pub const ACCOUNT_ID: &str = "123456789012";

pub struct DemoAccount {
    cx: DemoCtx,
    /// Each room's spec, in registry order.
    specs: Vec<Box<dyn Any + Send + Sync>>,
    intervals: Intervals,
}

impl DemoAccount {
    /// `window` is the metrics window in minutes, as `--window` sets it.
    pub fn new(seed: u64, scale: usize, window: u32) -> Self {
        let cx = DemoCtx {
            seed,
            scale,
            window: window.max(1),
            percentile: "p99".into(),
            region: REGION.to_string(),
        };
        let specs = ServiceKind::ALL
            .iter()
            .map(|k| k.room().demo_spec(&cx))
            .collect();
        Self {
            cx,
            specs,
            intervals: Default::default(),
        }
    }

    /// Refresh on the same clocks the live pollers would use.
    pub fn with_intervals(mut self, intervals: Intervals) -> Self {
        self.intervals = intervals;
        self
    }

    /// The demo account in another region.
    pub fn with_region(mut self, region: &str) -> Self {
        self.cx.region = region.to_string();
        self
    }

    /// The duration percentile the demo reports.
    pub fn with_percentile(mut self, p: &str) -> Self {
        self.cx.percentile = p.to_string();
        self
    }

    pub fn account(&self) -> Account {
        Account {
            id: Some(ACCOUNT_ID.into()),
            caller_arn: Some(format!(
                "arn:aws:sts::{ACCOUNT_ID}:assumed-role/demo-readonly/awstop"
            )),
            profile: Some("demo".into()),
            regions: vec![self.cx.region.clone()],
        }
    }

    fn spec(&self, kind: ServiceKind) -> &(dyn Any + Send + Sync) {
        &*self.specs[kind.index()]
    }

    /// A room's data at `now`; per-row history only for `detail` (the rows on
    /// screen), as the live source fetches it, or for every row when `None`.
    pub fn payload(
        &self,
        kind: ServiceKind,
        now: DateTime<Utc>,
        detail: Option<&HashSet<String>>,
    ) -> Payload {
        kind.room().demo(self.spec(kind), &self.cx, now, detail)
    }

    /// One room's refresh as the dashboard polls it.
    pub fn loaded_for(
        &self,
        kind: ServiceKind,
        now: DateTime<Utc>,
        detail: &HashSet<String>,
    ) -> DataMsg {
        self.at(now, self.payload(kind, now, Some(detail)))
    }

    /// One room's full refresh, every row's history included.
    pub fn loaded(&self, kind: ServiceKind, now: DateTime<Utc>) -> DataMsg {
        self.at(now, self.payload(kind, now, None))
    }

    /// Every message a full refresh at `now` produces, in the order the UI wants them.
    pub fn messages_at(&self, now: DateTime<Utc>) -> Vec<DataMsg> {
        let mut out = vec![DataMsg::Account(self.account())];
        for k in ServiceKind::ALL {
            out.push(self.loaded(*k, now));
        }
        out
    }

    /// A full refresh for headless output: the snapshot has no per-minute
    /// histories, so Lambda's are not computed (at 10,000 functions they
    /// are most of the memory); the other rooms as the dashboard gets them.
    pub fn messages_headless(&self, now: DateTime<Utc>) -> Vec<DataMsg> {
        let none = HashSet::new();
        let mut out = vec![DataMsg::Account(self.account())];
        for k in ServiceKind::ALL {
            out.push(match k {
                ServiceKind::Lambda => self.loaded_for(*k, now, &none),
                _ => self.loaded(*k, now),
            });
        }
        out
    }

    /// One tick of a live tail of row `key` of room `kind`.
    pub fn tail(
        &self,
        kind: ServiceKind,
        key: &str,
        now: DateTime<Utc>,
        tick: u64,
    ) -> Option<DataMsg> {
        let lines = kind
            .room()
            .demo_tail(self.spec(kind), &self.cx, key, now, tick)?;
        Some(DataMsg::Tail {
            function: key.to_string(),
            lines,
        })
    }

    fn at(&self, now: DateTime<Utc>, payload: Payload) -> DataMsg {
        DataMsg::Loaded {
            region: self.cx.region.clone(),
            fetched_at: now,
            payload,
        }
    }

    /// How often each demo feed refreshes: the same cadence the live pollers use.
    pub fn interval(&self, kind: ServiceKind) -> Duration {
        self.intervals.get(kind)
    }
}

/// Feeds the app until it hangs up.
pub async fn run(demo: DemoAccount, clock: Clock, tx: DataTx, mut cmds: mpsc::Receiver<SourceCmd>) {
    let demo = std::sync::Arc::new(demo);
    let start = tokio::time::Instant::now();
    let mut next: BTreeMap<ServiceKind, tokio::time::Instant> =
        ServiceKind::ALL.iter().map(|k| (*k, start)).collect();
    let mut tail: Option<(ServiceKind, String)> = None;
    let mut tail_tick = tokio::time::interval(Duration::from_millis(1500));
    let mut ticks = 0u64;
    // Per room: the rows on screen, and those the last refresh carried history for.
    let mut visible: BTreeMap<ServiceKind, HashSet<String>> = BTreeMap::new();
    let mut detailed: BTreeMap<ServiceKind, HashSet<String>> = BTreeMap::new();
    if tx.send(DataMsg::Account(demo.account())).await.is_err() {
        return;
    }
    loop {
        let now = tokio::time::Instant::now();
        for k in ServiceKind::ALL {
            if next.get(k).is_some_and(|t| *t <= now) {
                // Off the UI's thread: at 10,000 functions a refresh takes long
                // enough that keys would wait for it.
                let (d, at, kind) = (demo.clone(), clock.now(), *k);
                let want = visible.get(k).cloned().unwrap_or_default();
                detailed.insert(*k, want.clone());
                let job = move || d.loaded_for(kind, at, &want);
                let Ok(msg) = tokio::task::spawn_blocking(job).await else {
                    return;
                };
                if tx.send(msg).await.is_err() {
                    return;
                }
                next.insert(*k, now + demo.interval(*k));
            }
        }
        let wake = next.values().min().copied().unwrap_or(now);
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            _ = tail_tick.tick(), if tail.is_some() => {
                ticks += 1;
                if let Some((kind, key)) = &tail {
                    if let Some(m) = demo.tail(*kind, key, clock.now(), ticks) {
                        if tx.send(m).await.is_err() {
                            return;
                        }
                    }
                }
            }
            cmd = cmds.recv() => match cmd {
                Some(SourceCmd::RefreshAll) => {
                    let now = tokio::time::Instant::now();
                    next.values_mut().for_each(|t| *t = now);
                }
                Some(SourceCmd::Visible { service, keys }) => {
                    let keys: HashSet<String> = keys.into_iter().collect();
                    // History is drawn only in a row's own view, which asks for
                    // that one row; list rows show numbers, which every row has,
                    // so scrolling a list waits for the next refresh.
                    let fresh = keys.len() == 1
                        && !detailed.get(&service).is_some_and(|d| keys.is_subset(d));
                    visible.insert(service, keys);
                    if fresh {
                        let soon = tokio::time::Instant::now() + Duration::from_millis(300);
                        if let Some(t) = next.get_mut(&service) {
                            *t = (*t).min(soon);
                        }
                    }
                }
                Some(SourceCmd::Tail(target)) => tail = target.map(|t| (t.service, t.function)),
                None => return,
            },
        }
    }
}
