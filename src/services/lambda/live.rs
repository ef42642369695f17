//! Lambda against the real account. The inventory is re-read every few
//! minutes; metrics and cold starts follow the rows on screen and the worst
//! offenders every minute, with a sweep of every function every 15 minutes
//! so that new offenders are found.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::domain::{Function, FunctionStats};
use super::fetch::{fetch, Sweep};
use super::Lambda;
use crate::aws::backoff::{next_delay, salt};
use crate::aws::client::{CallCounter, NoHostPrefix};
use crate::services::live::{sdk_client, no_client, retry_in, send_all, throttled, Live, PollCtx, RegionClients};
use crate::services::msg::{DataMsg, DataTx, TailTarget};
use crate::services::room::{BoxFuture, Registered, RoomLive};

/// Functions are created and deleted rarely; the list is re-read every few minutes.
pub const INVENTORY_EVERY: Duration = Duration::from_secs(300);
/// Every function's metrics, so top offenders off screen are found too.
pub const FULL_SWEEP_EVERY: Duration = Duration::from_secs(900);
/// A resource policy read on opening a function's detail stays good this long.
const POLICY_FRESH: Duration = Duration::from_secs(600);
/// How many of the worst functions per measure are refreshed with the visible rows.
const OFFENDERS: usize = 10;
/// At most this many offenders over the three measures.
pub const OFFENDER_ROWS: usize = 3 * OFFENDERS;

pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    /// Cold starts and live tail.
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

impl RoomLive for Lambda {
    type Client = Clients;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, custom_endpoint: bool) -> Clients {
        let logs = if custom_endpoint {
            // Emulators live at one host: no "streaming-" prefix for live tail.
            aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::config::Builder::from(cfg)
                    .interceptor(counter.clone())
                    .interceptor(NoHostPrefix)
                    .build(),
            )
        } else {
            sdk_client!(aws_sdk_cloudwatchlogs, cfg, counter)
        };
        Clients {
            lambda: sdk_client!(aws_sdk_lambda, cfg, counter),
            logs,
        }
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poll(cx))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move {
            let Some(c) = r.client::<Lambda>() else {
                return no_client(Lambda::KIND, &r.name);
            };
            match super::list::list_functions(&c.lambda, &r.name, live).await {
                Ok(mut inv) => {
                    let mapped = super::list::attach_mappings(&c.lambda, live, &mut inv).await;
                    let mut out = fetch(live, r, &inv, None, &mut Sweep::default(), true).await;
                    if let Err(e) = mapped {
                        out.push(DataMsg::failed(Lambda::KIND, &r.name, "ListEventSourceMappings", e));
                    }
                    out
                }
                Err(e) => vec![DataMsg::failed(Lambda::KIND, &r.name, "ListFunctions", e)],
            }
        })
    }

    fn tail(live: Arc<Live>, t: TailTarget, tx: DataTx) -> Option<BoxFuture<'static, ()>> {
        let r = live.regions.iter().position(|r| r.name == t.region)?;
        Some(Box::pin(async move {
            let arn = live.log_group_arn(&t.region, &t.log_group);
            if let Some(c) = live.regions[r].client::<Lambda>() {
                super::coldstart::tail::tail(&c.logs, &live, arn, t.function, tx).await;
            }
        }))
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

/// How long the first read waits for the dashboard to say which rows it shows.
const FIRST_ROWS_WAIT: Duration = Duration::from_millis(300);

/// The inventory as it is before anything is read: every number on its way.
fn unread(inventory: &[Function]) -> Vec<Function> {
    let mut v = inventory.to_vec();
    for f in &mut v {
        f.stats.pending = true;
        f.stats.cold_pending = true;
    }
    v
}

/// The first refresh of a region in three steps, each sent as it is read;
/// `false` when the dashboard has gone.
async fn progressive(
    cx: &mut PollCtx,
    live: &Arc<Live>,
    region: &RegionClients,
    inventory: &mut [Function],
    sweep: &mut Sweep,
    stats: &mut HashMap<String, FunctionStats>,
    msgs: &mut Vec<DataMsg>,
) -> bool {
    let mut first = vec![DataMsg::Loaded {
        region: region.name.clone(),
        fetched_at: chrono::Utc::now(),
        payload: Lambda::wrap(super::domain::LambdaData {
            functions: unread(inventory),
            totals: None,
            percentile: None,
        }),
    }];
    first.append(msgs);
    if !send_all(&cx.tx, live, first).await {
        return false;
    }
    if let Some(c) = region.client::<Lambda>() {
        if let Err(e) = super::list::attach_mappings(&c.lambda, live, inventory).await {
            msgs.push(DataMsg::failed(Lambda::KIND, &region.name, "ListEventSourceMappings", e));
        }
    }
    if cx.visible.borrow().is_empty() {
        let _ = tokio::time::timeout(FIRST_ROWS_WAIT, cx.visible.changed()).await;
    }
    let want: HashSet<String> = cx.visible.borrow_and_update().iter().cloned().collect();
    if want.is_empty() {
        return true;
    }
    let mut base = unread(inventory);
    for read_logs in [false, true] {
        // The first numbers without the percentile; it follows with the sweep.
        sweep.percentile_later = !read_logs;
        let fetched = fetch(live, region, &base, Some(&want), sweep, read_logs).await;
        for m in &fetched {
            if let DataMsg::Loaded { payload, .. } = m {
                if let Some(d) = Lambda::payload_ref(payload) {
                    base = d.functions.clone();
                    for f in d.functions.iter().filter(|f| want.contains(&f.name)) {
                        stats.insert(f.name.clone(), f.stats.clone());
                    }
                }
            }
        }
        if !send_all(&cx.tx, live, fetched).await {
            return false;
        }
    }
    true
}

async fn poll(mut cx: PollCtx) {
    let live = cx.live.clone();
    let region = &live.regions[cx.region];
    let Some(clients) = region.client::<Lambda>() else {
        let _ = send_all(&cx.tx, &live, no_client(Lambda::KIND, &region.name)).await;
        return;
    };
    let mut inventory: Vec<Function> = Vec::new();
    let mut inventory_at: Option<Instant> = None;
    let mut last_full: Option<Instant> = None;
    let mut stats: HashMap<String, FunctionStats> = HashMap::new();
    let mut sweep = Sweep::default();
    let mut policies: HashMap<String, (Instant, Vec<super::triggers::Invoker>)> = HashMap::new();
    let mut throttles = 0;
    let mut forced = false;
    // Woken for rows that scrolled into view without numbers: metrics only.
    let mut light = false;
    loop {
        let mut msgs = Vec::new();
        if forced || inventory_at.is_none_or(|t| t.elapsed() >= INVENTORY_EVERY) {
            match super::list::list_functions(&clients.lambda, &region.name, &live).await {
                Ok(mut v) => {
                    // The first read sends the rows before anything else is asked.
                    if !stats.is_empty() {
                        if let Err(e) = super::list::attach_mappings(&clients.lambda, &live, &mut v).await {
                            msgs.push(DataMsg::failed(Lambda::KIND, &region.name, "ListEventSourceMappings", e));
                        }
                    }
                    inventory = v;
                    inventory_at = Some(Instant::now());
                }
                Err(e) => msgs.push(DataMsg::failed(Lambda::KIND, &region.name, "ListFunctions", e)),
            }
        }
        // The resource policy of the function whose detail is open: read
        // then only, one call, and kept for a while.
        let opened: Vec<String> = cx
            .visible
            .borrow()
            .iter()
            .filter_map(|k| super::triggers::opened_name(k).map(str::to_string))
            .collect();
        for name in opened {
            if policies.get(&name).is_some_and(|(t, _)| t.elapsed() < POLICY_FRESH) {
                continue;
            }
            match super::list::policy(&clients.lambda, &live, &name).await {
                Ok(p) => {
                    policies.insert(name, (Instant::now(), p));
                }
                Err(e) => msgs.push(DataMsg::failed(Lambda::KIND, &region.name, "GetPolicy", e)),
            }
        }
        if stats.is_empty() && !inventory.is_empty() {
            // The first read of a region: the rows go to the screen now, then
            // the metrics of the rows on screen, then their cold starts; the
            // sweep of every function follows below.
            if !progressive(&mut cx, &live, region, &mut inventory, &mut sweep, &mut stats, &mut msgs).await {
                return;
            }
        }
        if inventory_at.is_some() {
            for f in &mut inventory {
                if let Some(s) = stats.get(&f.name) {
                    f.stats = s.clone();
                }
                if let Some((_, p)) = policies.get(&f.name) {
                    f.invokers = Some(p.clone());
                }
            }
            let full = live.opts.metrics_all
                || last_full.is_none_or(|t| t.elapsed() >= FULL_SWEEP_EVERY);
            let want: Option<HashSet<String>> = if light && !full {
                Some(cx.visible.borrow_and_update().iter().cloned().collect())
            } else {
                (!full).then(|| {
                    let mut w = offenders(&inventory);
                    w.extend(cx.visible.borrow_and_update().iter().cloned());
                    w
                })
            };
            let read_logs = full || !light;
            let fetched = fetch(&live, region, &inventory, want.as_ref(), &mut sweep, read_logs).await;
            let mut answered = false;
            for m in &fetched {
                if let DataMsg::Loaded { payload, .. } = m {
                    if let Some(d) = Lambda::payload_ref(payload) {
                        for f in &d.functions {
                            stats.insert(f.name.clone(), f.stats.clone());
                        }
                        answered |= d.totals.is_some();
                    }
                }
            }
            // A sweep counts once CloudWatch answered, even without the percentile.
            if full && answered {
                last_full = Some(Instant::now());
            }
            // The Loaded message goes first so a failure reported with it stays visible.
            let mut all = fetched;
            all.extend(msgs);
            msgs = all;
        }
        throttles = if throttled(&msgs) { throttles + 1 } else { 0 };
        let delay = next_delay(live.opts.intervals.get(Lambda::KIND), throttles, salt());
        retry_in(&mut msgs, delay);
        if !send_all(&cx.tx, &live, msgs).await {
            return;
        }
        let deadline = Instant::now() + delay;
        forced = false;
        light = false;
        // Wake early when rows without metrics scroll into view.
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => break,
                r = cx.waker.refresh.changed() => { if r.is_ok() { forced = true; } break; }
                v = cx.visible.changed() => {
                    if v.is_err() { tokio::time::sleep_until(deadline).await; break; }
                    let unknown = cx.visible.borrow().iter().any(|n| match super::triggers::opened_name(n) {
                        // A detail just opened: its policy is still to read.
                        Some(name) => !policies.contains_key(name),
                        None => stats.get(n).is_none_or(|s| s.invocations.is_none()),
                    });
                    if unknown && throttles == 0 {
                        // Let scrolling settle before asking CloudWatch.
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        light = true;
                        break;
                    }
                }
            }
        }
    }
}
