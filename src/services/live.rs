//! What a room's live poller works with: the clients of every region, the
//! options, the call counter, and the helpers every poller shares (sending,
//! logging, waiting for a refresh).

use std::any::Any;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::msg::{Account, ApiError, DataMsg, DataTx};
use super::room::Registered;
use super::{Intervals, Payload, ServiceKind};
use crate::aws::client::{self, CallCounter, Connection};
use crate::aws::{AwsError, ErrorKind};

#[derive(Debug, Clone)]
pub struct Options {
    pub conn: Connection,
    pub regions: Vec<String>,
    pub window: u32,
    pub percentile: String,
    /// Fetch per-row metrics for every row, not only the rows on screen.
    pub metrics_all: bool,
    pub intervals: Intervals,
    /// How Lambda cold starts are read from CloudWatch Logs.
    pub cold_starts: super::lambda::ColdMethod,
    /// What watching may spend on CloudWatch metrics an hour (`--budget`).
    pub budget_usd_per_hour: f64,
    /// The room the dashboard opens on, read before the others (see
    /// `after_screen`); `None` (the Overview, `--once`) starts every room at once.
    pub screen: Option<ServiceKind>,
}

/// How long the rooms off screen wait at launch for the room on screen to
/// send its first figures, at most.
pub const SCREEN_FIRST_MAX: Duration = Duration::from_secs(3);

/// Waits until the room the dashboard opens on has sent its first figures,
/// `SCREEN_FIRST_MAX`, or that room's poller has ended, whichever is first.
/// A region's rooms off screen start their first listing after it: while the
/// screen's numbers are read, neither the endpoint nor this process's one
/// thread is busy with what the user cannot see yet.
pub async fn after_screen(mut read: watch::Receiver<bool>) {
    let _ = tokio::time::timeout(SCREEN_FIRST_MAX, read.wait_for(|r| *r)).await;
}

/// One region's clients: the shared CloudWatch client and each room's own.
pub struct RegionClients {
    pub name: String,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// The rooms' GetMetricData calls, shared when they refresh together.
    pub gather: crate::aws::gather::Gather,
    rooms: Vec<Option<Box<dyn Any + Send + Sync>>>,
}

impl RegionClients {
    pub fn new(name: impl Into<String>, cloudwatch: aws_sdk_cloudwatch::Client) -> RegionClients {
        RegionClients {
            name: name.into(),
            cloudwatch,
            gather: Default::default(),
            rooms: ServiceKind::ALL.iter().map(|_| None).collect(),
        }
    }

    /// Hands room `S` its client (tests hand in mocked ones).
    pub fn with<S: Registered>(mut self, client: S::Client) -> RegionClients {
        self.set(S::KIND, Box::new(client));
        self
    }

    fn set(&mut self, kind: ServiceKind, client: Box<dyn Any + Send + Sync>) {
        if let Some(slot) = self.rooms.get_mut(kind.index()) {
            *slot = Some(client);
        }
    }

    pub fn client<S: Registered>(&self) -> Option<&S::Client> {
        self.rooms.get(S::KIND.index())?.as_ref()?.downcast_ref()
    }
}

/// The live account: every region's clients and what they have cost so far.
pub struct Live {
    pub opts: Options,
    pub counter: CallCounter,
    /// Every poller's CloudWatch spend, charged before each call.
    pub budget: crate::aws::budget::Budget,
    pub regions: Vec<RegionClients>,
    sts: aws_sdk_sts::Client,
    /// A custom endpoint's `host:port`, for "cannot reach" messages.
    endpoint: Option<String>,
    /// The account id, once STS said it: live tail needs log group ARNs.
    account_id: Mutex<Option<String>>,
    /// Where the pollers' shared refresh grid starts.
    pub epoch: tokio::time::Instant,
}

macro_rules! sdk_client {
    ($krate:ident, $cfg:expr, $counter:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($cfg)
                .interceptor($counter.clone())
                .build(),
        )
    };
}
pub(crate) use sdk_client;

impl Live {
    /// From ready-made clients: tests hand in mocked ones.
    pub fn from_clients(
        opts: Options,
        regions: Vec<RegionClients>,
        sts: aws_sdk_sts::Client,
    ) -> Live {
        // Reading every row is an explicit request: counted, never held back.
        let budget = if opts.metrics_all {
            crate::aws::budget::Budget::unlimited(opts.budget_usd_per_hour)
        } else {
            crate::aws::budget::Budget::new(opts.budget_usd_per_hour)
        };
        Live {
            endpoint: opts.conn.endpoint_label(),
            budget,
            opts,
            counter: CallCounter::default(),
            regions,
            sts,
            account_id: Default::default(),
            epoch: tokio::time::Instant::now(),
        }
    }

    /// Builds every client for every region. Fails only when no region can be found.
    pub async fn connect(mut opts: Options) -> Result<Live, String> {
        let counter = CallCounter::default();
        let mut seen = HashSet::new();
        opts.regions
            .retain(|r| !r.trim().is_empty() && seen.insert(r.clone()));
        if opts.regions.is_empty() {
            let cfg = client::load(&opts.conn, None).await;
            match cfg.region() {
                Some(r) => opts.regions.push(r.to_string()),
                None => return Err("no AWS region: pass --region (for example --region us-east-1) or set AWS_REGION; or try the built-in demo with --demo".into()),
            }
        }
        let custom = opts.conn.custom_endpoint();
        let mut regions = Vec::new();
        let mut sts = None;
        for name in &opts.regions {
            let cfg = client::load(&opts.conn, Some(name)).await;
            sts.get_or_insert_with(|| sdk_client!(aws_sdk_sts, &cfg, counter));
            let mut r =
                RegionClients::new(name.clone(), sdk_client!(aws_sdk_cloudwatch, &cfg, counter));
            for kind in ServiceKind::ALL {
                r.set(*kind, kind.room().client(&cfg, &counter, custom));
            }
            regions.push(r);
        }
        let sts = sts.ok_or("no AWS region given")?;
        let mut live = Live::from_clients(opts, regions, sts);
        live.counter = counter;
        Ok(live)
    }

    pub fn endpoint(&self) -> Option<&str> {
        self.endpoint.as_deref()
    }

    /// An SDK error as awstop says it.
    pub fn error<E>(
        &self,
        e: &aws_smithy_runtime_api::client::result::SdkError<
            E,
            aws_smithy_runtime_api::http::Response,
        >,
    ) -> AwsError
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    {
        AwsError::from_sdk(e, self.endpoint())
    }

    /// Where CloudWatch queries of region `r` go.
    pub fn cloudwatch<'a>(&'a self, r: &'a RegionClients) -> crate::aws::cloudwatch::Target<'a> {
        crate::aws::cloudwatch::Target {
            client: &r.cloudwatch,
            counter: &self.counter,
            endpoint: self.endpoint(),
            budget: &self.budget,
        }
    }

    pub async fn account(&self) -> DataMsg {
        let regions = self.opts.regions.clone();
        match crate::aws::sts::caller_identity(&self.sts, self.endpoint()).await {
            Ok((id, arn)) => {
                if let Ok(mut a) = self.account_id.lock() {
                    *a = Some(id.clone());
                }
                DataMsg::Account(Account {
                    id: Some(id),
                    caller_arn: Some(arn),
                    profile: self.opts.conn.profile.clone(),
                    regions,
                })
            }
            Err(e) => DataMsg::AccountFailed(ApiError::new(
                "sts",
                regions.first().map_or("", String::as_str),
                "GetCallerIdentity",
                e,
            )),
        }
    }

    /// The ARN StartLiveTail wants for a log group.
    pub fn log_group_arn(&self, region: &str, group: &str) -> String {
        let account = self
            .account_id
            .lock()
            .ok()
            .and_then(|a| a.clone())
            .unwrap_or_default();
        format!("arn:aws:logs:{region}:{account}:log-group:{group}")
    }

    pub fn api(&self) -> DataMsg {
        let c = self.counter.snapshot();
        let latency_ms = c.recent_latency_ms();
        DataMsg::Api {
            at: Utc::now(),
            calls: c.calls,
            metrics_requested: c.metrics_requested,
            logs_bytes_scanned: c.logs_bytes_scanned,
            latency_ms,
        }
    }
}

/// What one room's poller for one region is given.
pub struct PollCtx {
    pub live: Arc<Live>,
    /// Index into `live.regions`.
    pub region: usize,
    pub tx: DataTx,
    pub waker: Waker,
    /// The keys of the room's rows on screen.
    pub visible: watch::Receiver<Vec<String>>,
    /// Held by the room the dashboard opens on until its first figures are
    /// sent: the region's other rooms wait for it (`after_screen`).
    pub screen: Option<watch::Sender<bool>>,
}

impl PollCtx {
    /// This room's first figures are sent: if it is the one on screen at
    /// launch, the region's other rooms may start.
    pub fn screen_read(&mut self) {
        if let Some(s) = self.screen.take() {
            s.send_replace(true);
        }
    }

    /// Sends a refresh's `msgs` and the call counts (`send_all`); false once
    /// the app has hung up. The end of a poller's first refresh is its first
    /// figures.
    pub async fn send(&mut self, msgs: Vec<DataMsg>) -> bool {
        let sent = send_all(&self.tx, &self.live, msgs).await;
        self.screen_read();
        sent
    }

    pub fn region(&self) -> &RegionClients {
        &self.live.regions[self.region]
    }

    /// Sleeps `delay`, less when the user asks for a refresh, or when rows
    /// that `unread` says were never read scroll into view (then half a
    /// second more, so scrolling settles before anything is asked). A
    /// throttled poller does not wake for scrolling, and waits its backoff
    /// from now; otherwise the refresh falls on the shared grid (`on_grid`).
    pub async fn wait(
        &mut self,
        delay: Duration,
        throttled: bool,
        unread: impl Fn(&[String]) -> bool,
    ) -> Woke {
        let now = tokio::time::Instant::now();
        let deadline = if throttled {
            now + delay
        } else {
            on_grid(self.live.epoch, now, delay)
        };
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => return Woke::Due,
                r = self.waker.refresh.changed() => {
                    if r.is_ok() { return Woke::Refresh; }
                    tokio::time::sleep_until(deadline).await;
                    return Woke::Due;
                }
                v = self.visible.changed() => {
                    if v.is_err() { tokio::time::sleep_until(deadline).await; return Woke::Due; }
                    if !throttled && unread(&self.visible.borrow()) {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        return Woke::Scrolled;
                    }
                }
            }
        }
    }
}

/// When a refresh every `every` is next due: on a grid that starts with the
/// source, so that rooms whose intervals divide one another (Lambda's minute,
/// API Gateway's two) refresh at the same moments and share their
/// GetMetricData calls, however long each refresh took. Never sooner than
/// half an interval from now: a late refresh skips a turn rather than run
/// twice in a row.
pub fn on_grid(
    epoch: tokio::time::Instant,
    now: tokio::time::Instant,
    every: Duration,
) -> tokio::time::Instant {
    let step = every.as_millis().max(1);
    let since = (now + every / 2)
        .saturating_duration_since(epoch)
        .as_millis();
    let turns = since.div_ceil(step);
    epoch + Duration::from_millis(u64::try_from(turns * step).unwrap_or(u64::MAX / 4))
}

/// Why `PollCtx::wait` returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woke {
    Due,
    Refresh,
    Scrolled,
}

/// Wakes a sleeping poller when the user asks for a refresh.
pub struct Waker {
    pub refresh: watch::Receiver<u64>,
}

impl Waker {
    /// Sleeps `d`, or less if a refresh is asked for. True when woken by a refresh.
    pub async fn sleep(&mut self, d: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(d) => false,
            r = self.refresh.changed() => r.is_ok(),
        }
    }
}

/// One line per fetch in the log file: what was read, or why not.
pub fn log(m: &DataMsg) {
    match m {
        DataMsg::Loaded {
            region, payload, ..
        } => tracing::debug!(region, service = payload.kind().name(), "loaded"),
        DataMsg::Failed { error, .. } => {
            tracing::warn!(service = %error.service, region = %error.region, operation = %error.operation, "{}", error.message)
        }
        DataMsg::AccountFailed(e) => tracing::warn!(operation = %e.operation, "{}", e.message),
        DataMsg::Account(a) => tracing::info!(
            account = a.id.as_deref().unwrap_or("?"),
            caller = a.caller_arn.as_deref().unwrap_or("?"),
            "connected"
        ),
        DataMsg::TailEnded { function, reason } => {
            tracing::info!(function, "live tail ended: {reason}")
        }
        _ => {}
    }
}

/// Whether AWS asked to slow down in any of these.
pub fn throttled(msgs: &[DataMsg]) -> bool {
    msgs.iter()
        .any(|m| matches!(m, DataMsg::Failed { error, .. } if error.kind == ErrorKind::Throttled))
}

/// Says when the next try is, on every failure among `msgs`.
pub fn retry_in(msgs: &mut [DataMsg], delay: Duration) {
    for m in msgs {
        if let DataMsg::Failed { error, .. } = m {
            error.retry_in_s = Some(delay.as_secs().max(1));
        }
    }
}

/// Sends `msgs` and the call counts; false once the app has hung up.
pub async fn send_all(tx: &DataTx, live: &Live, msgs: Vec<DataMsg>) -> bool {
    for m in msgs {
        log(&m);
        if tx.send(m).await.is_err() {
            return false;
        }
    }
    tx.send(live.api()).await.is_ok()
}

/// Sends a region's rows ahead of their metrics, each marked as on its way
/// by the room: the dashboard's first read, so the table fills in the time
/// the listing takes. A dashboard that has gone ends the poller with its
/// next send, so the result is not needed here.
pub async fn rows_first(
    tx: &DataTx,
    live: &Live,
    region: &str,
    fetched_at: DateTime<Utc>,
    payload: Payload,
) {
    let rows = DataMsg::Loaded {
        region: region.to_string(),
        fetched_at,
        payload,
    };
    let _ = send_all(tx, live, vec![rows]).await;
}

/// The poller of a room whose every refresh is one `refresh`: fetch, send,
/// wait for the interval (longer after throttling) or a refresh.
pub async fn poll_simple<S: Registered>(mut cx: PollCtx) {
    let mut throttles = 0;
    let mut first = true;
    loop {
        let live = cx.live.clone();
        let mut msgs = S::refresh(&live, &live.regions[cx.region], first.then_some(&cx.tx)).await;
        first = false;
        throttles = if throttled(&msgs) { throttles + 1 } else { 0 };
        let delay = crate::aws::backoff::next_delay(
            live.opts.intervals.get(S::KIND),
            throttles,
            crate::aws::backoff::salt(),
        );
        retry_in(&mut msgs, delay);
        if !cx.send(msgs).await {
            return;
        }
        cx.waker.sleep(delay).await;
    }
}

/// A room asked for a region it was given no client for (a test's wiring).
pub fn no_client(kind: ServiceKind, region: &str) -> Vec<DataMsg> {
    vec![DataMsg::failed(
        kind,
        region,
        "setup",
        AwsError::new(
            ErrorKind::Other,
            "no client for this service in this region",
        ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_fall_on_one_grid_whatever_each_took() {
        let epoch = tokio::time::Instant::now();
        let at = |s: f64| epoch + Duration::from_secs_f64(s);
        let min = Duration::from_secs(60);
        // A minute poller that took 3 s and one that took 20 s both go at 60 s,
        // and the two-minute poller at 120 s meets the minute one there.
        assert_eq!(on_grid(epoch, at(3.0), min), at(60.0));
        assert_eq!(on_grid(epoch, at(20.0), min), at(60.0));
        assert_eq!(on_grid(epoch, at(61.0), min), at(120.0));
        assert_eq!(on_grid(epoch, at(4.0), 2 * min), at(120.0));
        // Late by more than half an interval: the next turn is skipped.
        assert_eq!(on_grid(epoch, at(95.0), min), at(180.0));
        assert_eq!(on_grid(epoch, at(0.0), Duration::ZERO), at(0.0));
    }

    #[tokio::test(start_paused = true)]
    async fn rooms_off_screen_wait_for_the_screens_first_figures_and_no_longer_than_the_cap() {
        use tokio::time::Instant;
        // Never read: the cap.
        let (_held, read) = watch::channel(false);
        let t = Instant::now();
        after_screen(read).await;
        assert_eq!(t.elapsed(), SCREEN_FIRST_MAX);
        // Read after 1 s: then.
        let (tx, read) = watch::channel(false);
        let t = Instant::now();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            tx.send_replace(true);
        });
        after_screen(read).await;
        assert_eq!(t.elapsed(), Duration::from_secs(1));
        // The screen's poller ended without a word: at once.
        let (tx, read) = watch::channel(false);
        drop(tx);
        let t = Instant::now();
        after_screen(read).await;
        assert_eq!(t.elapsed(), Duration::ZERO);
    }
}
