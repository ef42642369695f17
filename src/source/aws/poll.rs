//! The pollers: one task per (service, region). Each runs its fetch, sends the
//! messages, then waits for its interval, a refresh, or (Lambda) new rows on
//! screen. A throttled poller backs off exponentially with jitter.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::client::is_throttle;
use super::{lambda, Aws};
use crate::app::msg::{DataMsg, Payload};
use crate::domain::lambda::{Function, FunctionStats};
use crate::source::{DataTx, SourceCmd};

/// How often each poller runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Intervals {
    pub lambda: Duration,
    pub ecs: Duration,
    pub batch: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self {
            lambda: LAMBDA_EVERY,
            ecs: ECS_EVERY,
            batch: BATCH_EVERY,
        }
    }
}

/// CloudWatch keeps one-minute buckets: asking more often gains nothing.
pub const LAMBDA_EVERY: Duration = Duration::from_secs(60);
/// Functions are created and deleted rarely; the list is re-read every few minutes.
pub const INVENTORY_EVERY: Duration = Duration::from_secs(300);
/// Every function's metrics, so top offenders off screen are found too.
pub const FULL_SWEEP_EVERY: Duration = Duration::from_secs(900);
pub const ECS_EVERY: Duration = Duration::from_secs(30);
pub const BATCH_EVERY: Duration = Duration::from_secs(30);
const MAX_BACKOFF: Duration = Duration::from_secs(300);
/// How many of the worst functions per measure are refreshed with the visible rows.
const OFFENDERS: usize = 10;

/// The next wait: the interval, or after throttling an exponential backoff
/// (interval x 2^n, capped) with +-50% jitter so pollers do not retry in step.
pub fn next_delay(interval: Duration, throttled_in_a_row: u32, salt: u64) -> Duration {
    if throttled_in_a_row == 0 {
        return interval;
    }
    let base = interval
        .saturating_mul(1 << throttled_in_a_row.min(8))
        .min(MAX_BACKOFF);
    let jitter = 0.5 + (crate::source::demo::rng::mix(salt) % 1000) as f64 / 1000.0;
    base.mul_f64(jitter)
}

/// One line per fetch in the log file: what was read, or why not.
fn log(m: &DataMsg) {
    match m {
        DataMsg::Loaded {
            region, payload, ..
        } => tracing::debug!(region, service = ?payload.service(), "loaded"),
        DataMsg::Failed { error, .. } => {
            tracing::warn!(service = %error.service, region = %error.region, operation = %error.operation, "{}", error.message)
        }
        DataMsg::AccountFailed(e) => tracing::warn!(operation = %e.operation, "{}", e.message),
        DataMsg::Account(a) => tracing::info!(account = ?a.id, caller = ?a.caller_arn, "connected"),
        DataMsg::TailEnded { function, reason } => {
            tracing::info!(function, "live tail ended: {reason}")
        }
        _ => {}
    }
}

fn throttled(msgs: &[DataMsg]) -> bool {
    msgs.iter()
        .any(|m| matches!(m, DataMsg::Failed { error, .. } if is_throttle(&error.message)))
}

fn salt() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

struct Waker {
    refresh: watch::Receiver<u64>,
}

impl Waker {
    /// Sleeps `d`, or less if a refresh is asked for. True when woken by a refresh.
    async fn sleep(&mut self, d: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(d) => false,
            r = self.refresh.changed() => r.is_ok(),
        }
    }
}

async fn send_all(tx: &DataTx, aws: &Aws, msgs: Vec<DataMsg>) -> bool {
    for m in msgs {
        log(&m);
        if tx.send(m).await.is_err() {
            return false;
        }
    }
    tx.send(aws.api()).await.is_ok()
}

/// Starts every poller and serves the app's commands until it hangs up.
pub async fn run(aws: Aws, tx: DataTx, mut cmds: mpsc::Receiver<SourceCmd>) {
    let aws = Arc::new(aws);
    let (refresh_tx, refresh_rx) = watch::channel(0u64);
    let (visible_tx, visible_rx) = watch::channel(Vec::<String>::new());
    {
        let (aws, tx, mut w) = (
            aws.clone(),
            tx.clone(),
            Waker {
                refresh: refresh_rx.clone(),
            },
        );
        tokio::spawn(async move {
            loop {
                let m = aws.account().await;
                log(&m);
                let ok = matches!(m, DataMsg::Account(_));
                if tx.send(m).await.is_err() || ok {
                    return;
                }
                w.sleep(INVENTORY_EVERY).await;
            }
        });
    }
    for r in 0..aws.regions.len() {
        tokio::spawn(lambda_loop(
            aws.clone(),
            r,
            tx.clone(),
            Waker {
                refresh: refresh_rx.clone(),
            },
            visible_rx.clone(),
        ));
        tokio::spawn(simple_loop(
            aws.clone(),
            r,
            tx.clone(),
            Waker {
                refresh: refresh_rx.clone(),
            },
            false,
        ));
        tokio::spawn(simple_loop(
            aws.clone(),
            r,
            tx.clone(),
            Waker {
                refresh: refresh_rx.clone(),
            },
            true,
        ));
    }
    let mut tail: Option<tokio::task::JoinHandle<()>> = None;
    while let Some(cmd) = cmds.recv().await {
        match cmd {
            SourceCmd::Tail(target) => {
                // Dropping the stream ends the session: one tail at a time.
                if let Some(h) = tail.take() {
                    h.abort();
                }
                if let Some(t) = target {
                    if let Some(r) = aws.regions.iter().position(|r| r.name == t.region) {
                        let (aws, tx) = (aws.clone(), tx.clone());
                        tail = Some(tokio::spawn(async move {
                            let arn = aws.log_group_arn(&t.region, &t.log_group);
                            super::logs::tail(&aws.regions[r].logs, arn, t.function, tx).await;
                        }));
                    }
                }
            }
            SourceCmd::RefreshAll => refresh_tx.send_modify(|n| *n += 1),
            SourceCmd::Visible(names) => {
                visible_tx.send_if_modified(|v| {
                    let changed = *v != names;
                    *v = names;
                    changed
                });
            }
        }
    }
}

async fn simple_loop(aws: Arc<Aws>, r: usize, tx: DataTx, mut w: Waker, batch: bool) {
    let region = &aws.regions[r];
    let mut throttles = 0;
    let mut last_metrics: Option<Instant> = None;
    let mut previous: HashMap<(String, String), (Option<f64>, Option<f64>)> = HashMap::new();
    loop {
        let msgs = if batch {
            aws.batch(region).await
        } else {
            // Service CPU and memory change once a minute; task states faster.
            let metrics = last_metrics
                .is_none_or(|t| t.elapsed() >= LAMBDA_EVERY.min(aws.opts.intervals.lambda));
            let mut msgs = aws.ecs(region, metrics).await;
            for m in &mut msgs {
                if let DataMsg::Loaded {
                    payload: Payload::Ecs(d),
                    ..
                } = m
                {
                    for c in &mut d.clusters {
                        for s in &mut c.services {
                            let key = (c.name.clone(), s.name.clone());
                            if metrics {
                                previous.insert(key, (s.cpu_pct, s.memory_pct));
                            } else if let Some((cpu, mem)) = previous.get(&key) {
                                (s.cpu_pct, s.memory_pct) = (*cpu, *mem);
                            }
                        }
                    }
                }
            }
            if metrics {
                last_metrics = Some(Instant::now());
            }
            msgs
        };
        throttles = if throttled(&msgs) { throttles + 1 } else { 0 };
        if !send_all(&tx, &aws, msgs).await {
            return;
        }
        let every = if batch {
            aws.opts.intervals.batch
        } else {
            aws.opts.intervals.ecs
        };
        w.sleep(next_delay(every, throttles, salt())).await;
    }
}

/// The worst functions by errors, throttles and traffic in the last data we have.
fn offenders(functions: &[Function]) -> HashSet<String> {
    let mut out = HashSet::new();
    let keys: [fn(&FunctionStats) -> f64; 3] = [
        |s| s.errors.unwrap_or(0.0),
        |s| s.throttles.unwrap_or(0.0),
        |s| s.invocations.unwrap_or(0.0),
    ];
    for key in keys {
        let mut v: Vec<&Function> = functions.iter().filter(|f| key(&f.stats) > 0.0).collect();
        v.sort_by(|a, b| key(&b.stats).total_cmp(&key(&a.stats)));
        out.extend(v.into_iter().take(OFFENDERS).map(|f| f.name.clone()));
    }
    out
}

async fn lambda_loop(
    aws: Arc<Aws>,
    r: usize,
    tx: DataTx,
    mut w: Waker,
    mut visible: watch::Receiver<Vec<String>>,
) {
    let region = &aws.regions[r];
    let mut inventory: Vec<Function> = Vec::new();
    let mut inventory_at: Option<Instant> = None;
    let mut last_full: Option<Instant> = None;
    let mut stats: HashMap<String, FunctionStats> = HashMap::new();
    let mut cold = super::logs::ColdState::default();
    let mut throttles = 0;
    let mut forced = false;
    loop {
        let mut msgs = Vec::new();
        if forced || inventory_at.is_none_or(|t| t.elapsed() >= INVENTORY_EVERY) {
            match lambda::list_functions(&region.lambda, &region.name).await {
                Ok(v) => {
                    inventory = v;
                    inventory_at = Some(Instant::now());
                }
                Err(e) => msgs.push(super::failed(
                    crate::app::msg::ServiceKind::Lambda,
                    &region.name,
                    "ListFunctions",
                    e,
                )),
            }
        }
        if inventory_at.is_some() {
            for f in &mut inventory {
                if let Some(s) = stats.get(&f.name) {
                    f.stats = s.clone();
                }
            }
            let full =
                aws.opts.metrics_all || last_full.is_none_or(|t| t.elapsed() >= FULL_SWEEP_EVERY);
            let want: Option<HashSet<String>> = (!full).then(|| {
                let mut w = offenders(&inventory);
                w.extend(visible.borrow_and_update().iter().cloned());
                w
            });
            let fetched = aws
                .lambda(region, &inventory, want.as_ref(), &mut cold)
                .await;
            for m in &fetched {
                if let DataMsg::Loaded {
                    payload: Payload::Lambda(d),
                    ..
                } = m
                {
                    for f in &d.functions {
                        stats.insert(f.name.clone(), f.stats.clone());
                    }
                }
            }
            // A sweep counts once CloudWatch answered, even without the percentile.
            let answered = fetched.iter().any(|m| matches!(m, DataMsg::Loaded { payload: Payload::Lambda(d), .. } if d.totals.is_some()));
            if full && answered {
                last_full = Some(Instant::now());
            }
            // The Loaded message goes first so a failure reported with it stays visible.
            let mut all = fetched;
            all.extend(msgs);
            msgs = all;
        }
        throttles = if throttled(&msgs) { throttles + 1 } else { 0 };
        if !send_all(&tx, &aws, msgs).await {
            return;
        }
        let delay = next_delay(aws.opts.intervals.lambda, throttles, salt());
        let deadline = Instant::now() + delay;
        forced = false;
        // Wake early when rows without metrics scroll into view.
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => break,
                r = w.refresh.changed() => { if r.is_ok() { forced = true; } break; }
                v = visible.changed() => {
                    if v.is_err() { tokio::time::sleep_until(deadline).await; break; }
                    let unknown = visible.borrow().iter().any(|n| stats.get(n).is_none_or(|s| s.invocations.is_none()));
                    if unknown && throttles == 0 {
                        // Let scrolling settle before asking CloudWatch.
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let i = Duration::from_secs(30);
        assert_eq!(next_delay(i, 0, 1), i);
        for n in 1..12 {
            for salt in 0..50 {
                let d = next_delay(i, n, salt);
                let base = (i * (1 << n.min(8))).min(MAX_BACKOFF);
                assert!(
                    d >= base.mul_f64(0.5) && d <= base.mul_f64(1.5),
                    "{n} {d:?}"
                );
            }
        }
        let spread: HashSet<u128> = (0..20).map(|s| next_delay(i, 2, s).as_millis()).collect();
        assert!(spread.len() > 10, "jitter should spread retries");
    }
}
