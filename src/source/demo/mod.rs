//! The built-in demo account: deterministic, seeded, evolving on a virtual clock.
//! It sends the same messages the live source sends, so it drives the real UI path.

mod batch;
mod ecs;
mod lambda;
pub mod rng;

use chrono::{DateTime, Utc};
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::mpsc;

use super::clock::Clock;
use super::{DataTx, SourceCmd};
use crate::app::msg::{DataMsg, Payload, ServiceKind, TailLine};
use crate::domain::lambda::LambdaData;
use crate::domain::Account;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT_ID: &str = "123456789012";

pub struct DemoAccount {
    seed: u64,
    scale: usize,
    window: i64,
    functions: Vec<lambda::FnSpec>,
    ecs: ecs::EcsSpec,
    intervals: crate::source::aws::poll::Intervals,
}

impl DemoAccount {
    /// `window` is the metrics window in minutes, as `--window` sets it.
    pub fn new(seed: u64, scale: usize, window: u32) -> Self {
        Self {
            seed,
            scale,
            window: window.max(1) as i64,
            functions: {
                // In name order, as the dashboard likes its rows delivered.
                let mut f = lambda::specs(seed, scale);
                f.sort_by(|a, b| a.name().cmp(b.name()));
                f
            },
            ecs: ecs::spec(scale),
            intervals: Default::default(),
        }
    }

    /// Refresh on the same clocks the live pollers would use.
    pub fn with_intervals(mut self, intervals: crate::source::aws::poll::Intervals) -> Self {
        self.intervals = intervals;
        self
    }

    pub fn account(&self) -> Account {
        Account {
            id: Some(ACCOUNT_ID.into()),
            caller_arn: Some(format!(
                "arn:aws:sts::{ACCOUNT_ID}:assumed-role/demo-readonly/awstop"
            )),
            profile: Some("demo".into()),
            regions: vec![REGION.into()],
        }
    }

    pub fn payload(&self, service: ServiceKind, now: DateTime<Utc>) -> Payload {
        match service {
            ServiceKind::Lambda => Payload::Lambda(self.lambda(now, None)),
            ServiceKind::Ecs => Payload::Ecs(ecs::ecs_at(&self.ecs, self.seed, REGION, now)),
            ServiceKind::Batch => {
                Payload::Batch(batch::batch_at(self.seed, self.scale, REGION, now))
            }
        }
    }

    /// Every message a full refresh at `now` produces, in the order the UI wants them.
    pub fn messages_at(&self, now: DateTime<Utc>) -> Vec<DataMsg> {
        let mut out = vec![DataMsg::Account(self.account())];
        for s in ServiceKind::ALL {
            out.push(self.loaded(s, now));
        }
        out
    }

    /// One tick of a live tail of `function`.
    pub fn tail(&self, function: &str, now: DateTime<Utc>, tick: u64) -> DataMsg {
        let lines = lambda::tail_lines(&self.functions, self.seed, function, now, tick)
            .into_iter()
            .map(|(at, text)| TailLine::classify(at, &text))
            .collect();
        DataMsg::Tail {
            function: function.to_string(),
            lines,
        }
    }

    /// Lambda as the dashboard polls it: every function's numbers, but the
    /// per-minute history and recent cold starts only for `detail` (the rows on
    /// screen), as the live source fetches them. At 10,000 functions this keeps
    /// the dashboard's memory to a fraction.
    pub fn lambda_for(&self, now: DateTime<Utc>, detail: &HashSet<String>) -> DataMsg {
        Self::at(now, Payload::Lambda(self.lambda(now, Some(detail))))
    }

    pub fn loaded(&self, service: ServiceKind, now: DateTime<Utc>) -> DataMsg {
        Self::at(now, self.payload(service, now))
    }

    /// History for `detail` only, or for every function.
    fn lambda(&self, now: DateTime<Utc>, detail: Option<&HashSet<String>>) -> LambdaData {
        lambda::lambda_at(&self.functions, self.seed, REGION, now, self.window, detail)
    }

    fn at(now: DateTime<Utc>, payload: Payload) -> DataMsg {
        DataMsg::Loaded {
            region: REGION.into(),
            fetched_at: now,
            payload,
        }
    }
}

impl DemoAccount {
    /// How often each demo feed refreshes: the same cadence the live pollers use.
    pub fn interval(&self, service: ServiceKind) -> Duration {
        match service {
            ServiceKind::Lambda => self.intervals.lambda,
            ServiceKind::Ecs => self.intervals.ecs,
            ServiceKind::Batch => self.intervals.batch,
        }
    }
}

/// Feeds the app until it hangs up.
pub async fn run(demo: DemoAccount, clock: Clock, tx: DataTx, mut cmds: mpsc::Receiver<SourceCmd>) {
    let demo = std::sync::Arc::new(demo);
    let start = tokio::time::Instant::now();
    let mut next = [start; 3];
    let mut tail: Option<String> = None;
    let mut tail_tick = tokio::time::interval(Duration::from_millis(1500));
    let mut ticks = 0u64;
    // The rows on screen, and those the last Lambda refresh carried history for.
    let mut visible: HashSet<String> = HashSet::new();
    let mut detailed: HashSet<String> = HashSet::new();
    if tx.send(DataMsg::Account(demo.account())).await.is_err() {
        return;
    }
    loop {
        let now = tokio::time::Instant::now();
        for (i, s) in ServiceKind::ALL.into_iter().enumerate() {
            if next[i] <= now {
                // Off the UI's thread: at 10,000 functions a refresh takes long
                // enough that keys would wait for it.
                let (d, at) = (demo.clone(), clock.now());
                let want = (s == ServiceKind::Lambda).then(|| {
                    detailed = visible.clone();
                    detailed.clone()
                });
                let job = move || match want {
                    Some(want) => d.lambda_for(at, &want),
                    None => d.loaded(s, at),
                };
                let Ok(msg) = tokio::task::spawn_blocking(job).await else {
                    return;
                };
                if tx.send(msg).await.is_err() {
                    return;
                }
                next[i] = now + demo.interval(s);
            }
        }
        let wake = *next.iter().min().unwrap_or(&now);
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            _ = tail_tick.tick(), if tail.is_some() => {
                ticks += 1;
                let function = tail.clone().unwrap_or_default();
                if tx.send(demo.tail(&function, clock.now(), ticks)).await.is_err() {
                    return;
                }
            }
            cmd = cmds.recv() => match cmd {
                Some(SourceCmd::RefreshAll) => next = [tokio::time::Instant::now(); 3],
                Some(SourceCmd::Visible(names)) => {
                    visible = names.into_iter().collect();
                    // History is drawn only in a function's own view, which asks for
                    // that one function; list rows show numbers, which every function
                    // has, so scrolling a list waits for the next refresh.
                    if visible.len() == 1 && !visible.is_subset(&detailed) {
                        let soon = tokio::time::Instant::now() + Duration::from_millis(300);
                        next[0] = next[0].min(soon);
                    }
                }
                Some(SourceCmd::Tail(target)) => tail = target.map(|t| t.function),
                None => return,
            },
        }
    }
}
