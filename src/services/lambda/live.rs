//! Lambda against the real account. The inventory is re-read every few
//! minutes; metrics and cold starts follow the rows on screen and the worst
//! offenders every minute, with a sweep of every function every 15 minutes
//! so that new offenders are found.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::domain::{Function, FunctionStats};
use super::fetch::{fetch, Read, Sweep};
use super::Lambda;
use crate::aws::budget::{Budget, Class};
use crate::aws::client::{CallCounter, NoHostPrefix};
use crate::services::live::{no_client, sdk_client, send_all, Live, RegionClients};
use crate::services::poller::{self, PollCtx, Poller, Woke};
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
        let start = Poll::new(&cx.live);
        Box::pin(poller::run(cx, start))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move {
            let Some(c) = r.client::<Lambda>() else {
                return no_client(Lambda::KIND, &r.name);
            };
            let mut coming = r.gather.coming();
            match super::list::list_functions(&c.lambda, &r.name, live, None).await {
                Ok(mut inv) => {
                    let mapped = super::list::attach_mappings(&c.lambda, live, &mut inv).await;
                    // Last week's window too, four queries a function.
                    let asked = inv.len() * (super::metrics::QUERIES_PER_FUNCTION + super::metrics::WEEK_QUERIES_PER_FUNCTION)
                        + super::metrics::TOTAL_QUERIES;
                    say_one_off(live, asked);
                    let mut out = fetch(live, r, inv, None, &[], &mut Sweep::default(), Read::Both, Some(&mut coming)).await;
                    let failed = once_deploys(live, r, &c.lambda, &mut out).await;
                    out.extend(failed);
                    if let Err(e) = mapped {
                        out.push(DataMsg::failed(Lambda::KIND, &r.name, e));
                    }
                    out
                }
                Err(e) => vec![DataMsg::failed(Lambda::KIND, &r.name, e)],
            }
        })
    }

    fn tail(live: Arc<Live>, t: TailTarget, tx: DataTx) -> Option<BoxFuture<'static, ()>> {
        let r = live.regions.iter().position(|r| r.name == t.region)?;
        Some(Box::pin(async move {
            let arn = live.log_group_arn(&t.region, &t.log_group);
            if let Some(c) = live.regions[r].client::<Lambda>() {
                super::coldstart::tail::tail(&c.logs, &live, arn, t.key, tx).await;
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
        out.extend(v.into_iter().take(OFFENDERS).map(|f| f.name.to_string()));
    }
    out
}

/// How long the first read waits for the dashboard to say which rows it shows.
const FIRST_ROWS_WAIT: Duration = Duration::from_millis(300);

/// Gives `f` what has been read of it, or marks every number on its way.
fn read_so_far(f: &mut Function, stats: &HashMap<String, FunctionStats>) {
    match stats.get(f.name.as_str()) {
        Some(s) => f.stats = s.clone(),
        None => f.stats.on_its_way(),
    }
}

/// The inventory with what has been read of it so far.
fn so_far(inventory: &[Function], stats: &HashMap<String, FunctionStats>) -> Vec<Function> {
    let mut v = inventory.to_vec();
    for f in &mut v {
        read_so_far(f, stats);
    }
    v
}

/// Reads the functions' event source mappings into `inventory`; the failure, if any.
async fn attach_mappings(region: &RegionClients, live: &Live, inventory: &mut [Function]) -> Option<DataMsg> {
    let c = region.client::<Lambda>()?;
    let e = super::list::attach_mappings(&c.lambda, live, inventory).await.err()?;
    Some(DataMsg::failed(Lambda::KIND, &region.name, e))
}

/// The first refresh of a region in four steps, each sent as it is read;
/// `false` when the dashboard has gone.
#[allow(clippy::too_many_arguments)]
async fn progressive(
    cx: &mut PollCtx,
    live: &Arc<Live>,
    region: &RegionClients,
    inventory: &mut [Function],
    sweep: &mut Sweep,
    stats: &mut HashMap<String, FunctionStats>,
    msgs: &mut Vec<DataMsg>,
    coming: &mut crate::aws::gather::Coming<'_>,
) -> bool {
    let mut first = vec![DataMsg::Loaded {
        account: String::new(),
        region: region.name.clone(),
        fetched_at: chrono::Utc::now(),
        payload: Lambda::wrap(super::domain::LambdaData {
            // Nothing read yet: every number on its way.
            functions: so_far(inventory, stats),
            totals: None,
            percentile: None,
            budget: None,
            listing: false,
            digest: Default::default(),
        }),
    }];
    first.append(msgs);
    if !send_all(&cx.tx, live, first).await {
        return false;
    }
    if cx.visible.borrow().is_empty() {
        let _ = tokio::time::timeout(FIRST_ROWS_WAIT, cx.visible.changed()).await;
    }
    let want: HashSet<String> = cx.visible.borrow_and_update().iter().cloned().collect();
    if want.is_empty() {
        msgs.extend(attach_mappings(region, live, inventory).await);
        return true;
    }
    let mut mapped = false;
    // Metrics without the percentile, then cold starts, then the percentile:
    // each arrives as soon as it is read, and none waits for a slower one (a
    // percentile query is the slowest, and an endpoint may refuse it).
    let mut totals = None;
    for (read, pct_later) in [(Read::Metrics, true), (Read::ColdStarts, true), (Read::Metrics, false)] {
        sweep.percentile_later = pct_later;
        // The screen's first numbers wait for no other room's listing.
        coming.hurry();
        // Rebuilt from the inventory and what the screen's rows have read so
        // far: keeping the last step's rows would hold one more copy of the
        // whole inventory while this step is read.
        let fetching = fetch(live, region, so_far(inventory, stats), Some(&want), &[], sweep, read, Some(&mut *coming));
        let mut fetched = if mapped {
            fetching.await
        } else {
            // The event source mappings are read beside the screen's first
            // numbers, which should not wait for them; the next step has them.
            mapped = true;
            let (fetched, failed) = tokio::join!(fetching, attach_mappings(region, live, inventory));
            msgs.extend(failed);
            fetched
        };
        for m in &mut fetched {
            if let DataMsg::Loaded { payload, .. } = m {
                if let Some(d) = Lambda::payload_mut(payload) {
                    if read.metrics() {
                        totals = d.totals.clone();
                    } else {
                        d.totals = totals.clone();
                    }
                    for f in d.functions.iter().filter(|f| want.contains(f.name.as_str())) {
                        stats.insert(f.name.to_string(), f.stats.clone());
                    }
                }
            }
        }
        if !send_all(&cx.tx, live, fetched).await {
            return false;
        }
        if read == Read::ColdStarts {
            // What the screen shows first is in: the percentile can share
            // the endpoint with the other rooms' first listings.
            cx.screen_read();
        }
    }
    true
}

/// What Lambda keeps between refreshes of a region.
struct Poll {
    inventory: Vec<Function>,
    inventory_at: Option<Instant>,
    stats: HashMap<String, FunctionStats>,
    sweep: Sweep,
    policies: HashMap<String, (Instant, Vec<super::triggers::Invoker>)>,
    /// The versions and aliases of the functions on screen and opened.
    deploys: super::deploys::Cache,
    pass: Pass,
    /// The interval, stretched by the CloudWatch budget.
    stretched: Duration,
}

impl Poller for Poll {
    type Room = Lambda;

    /// `Woke::Refresh` re-reads the inventory; `Woke::Scrolled` reads the
    /// metrics of the rows that scrolled into view without numbers, only.
    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, woke: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(self.read(cx, woke == Woke::Refresh, woke == Woke::Scrolled))
    }

    fn every(&self, _: &Live) -> Duration {
        self.stretched
    }

    fn unread(&self, visible: &[String]) -> bool {
        visible.iter().any(|n| match super::triggers::opened_name(n) {
            // A detail just opened: its policy is still to read.
            Some(name) => !self.policies.contains_key(name),
            None => self.stats.get(n).is_none_or(|s| s.invocations.is_none() || s.ranked),
        })
    }
}

impl Poll {
    fn new(live: &Live) -> Poll {
        Poll {
            inventory: Vec::new(),
            inventory_at: None,
            stats: HashMap::new(),
            sweep: Sweep::default(),
            policies: HashMap::new(),
            deploys: Default::default(),
            pass: Pass::default(),
            stretched: live.opts.intervals.get(Lambda::KIND),
        }
    }

    async fn read(&mut self, cx: &mut PollCtx, forced: bool, light: bool) -> Option<Vec<DataMsg>> {
        let live = cx.live.clone();
        let region = &live.regions[cx.region];
        let Some(clients) = region.client::<Lambda>() else {
            return Some(no_client(Lambda::KIND, &region.name));
        };
        // API Gateway and EKS wait for this refresh's metrics to share the call.
        let mut coming = region.gather.coming();
        let mut msgs = Vec::new();
        // The Loaded message goes first so a failure reported with it stays visible.
        let mut loaded_at = 0;
        let mut just_loaded = false;
        if forced || self.inventory_at.is_none_or(|t| t.elapsed() >= INVENTORY_EVERY) {
            // A first read shows the first page while the rest is listed.
            let early = self.stats.is_empty().then_some(&cx.tx);
            match super::list::list_functions(&clients.lambda, &region.name, &live, early).await {
                Ok(mut v) => {
                    // The first read sends the rows before anything else is asked.
                    if !self.stats.is_empty() {
                        if let Err(e) = super::list::attach_mappings(&clients.lambda, &live, &mut v).await {
                            msgs.push(DataMsg::failed(Lambda::KIND, &region.name, e));
                        }
                    }
                    super::list::share_unchanged(&self.inventory, &mut v);
                    self.inventory = v;
                    self.inventory_at = Some(Instant::now());
                }
                Err(e) => msgs.push(DataMsg::failed(Lambda::KIND, &region.name, e)),
            }
        }
        // The resource policy of the function whose detail is open: read
        // then only, one call, and kept for a while.
        // Marked seen here: whatever changes from now on wakes the wait below,
        // even while this refresh is still being read.
        let opened: Vec<String> = cx
            .visible
            .borrow_and_update()
            .iter()
            .filter_map(|k| super::triggers::opened_name(k).map(str::to_string))
            .collect();
        self.sweep.opened = opened.iter().cloned().collect();
        for name in opened {
            if self.policies.get(&name).is_some_and(|(t, _)| t.elapsed() < POLICY_FRESH) {
                continue;
            }
            match super::list::policy(&clients.lambda, &live, &name).await {
                Ok(p) => {
                    self.policies.insert(name, (Instant::now(), p));
                }
                Err(e) => msgs.push(DataMsg::failed(Lambda::KIND, &region.name, e)),
            }
        }
        if self.stats.is_empty() && !self.inventory.is_empty() {
            // The first read of a region: the rows go to the screen now, then
            // the metrics of the rows on screen, then their cold starts; the
            // sweep of every function follows below.
            if !progressive(cx, &live, region, &mut self.inventory, &mut self.sweep, &mut self.stats, &mut msgs, &mut coming).await {
                return None;
            }
            just_loaded = true;
        }
        if self.inventory_at.is_some() {
            // Read after the screen's first numbers, never before them.
            let names: Vec<String> = cx
                .visible
                .borrow()
                .iter()
                .map(|k| super::triggers::opened_name(k).unwrap_or(k).to_string())
                .collect();
            for e in self.deploys.refresh(&clients.lambda, live.endpoint(), &self.inventory, &names, live.opts.window).await {
                msgs.push(DataMsg::failed(Lambda::KIND, &region.name, e));
            }
            self.deploys.attach(&mut self.inventory);
            for f in &mut self.inventory {
                // Never read yet: on its way with the sweep, not "-"
                // (with `--metrics all`, this refresh reads it).
                if !live.opts.metrics_all || self.stats.contains_key(f.name.as_str()) {
                    read_so_far(f, &self.stats);
                }
                if let Some((_, p)) = self.policies.get(f.name.as_str()) {
                    f.invokers = Some(p.clone());
                }
            }
            let on_screen: HashSet<String> = cx.visible.borrow().iter().cloned().collect();
            let (want, rank, from_sweep): (Option<HashSet<String>>, Vec<String>, Vec<usize>) = if live.opts.metrics_all {
                (None, Vec::new(), Vec::new())
            } else if light || just_loaded {
                // Rows that scrolled into view need their numbers now; the
                // first read already read the screen, and starts the sweep.
                let sweep_now = if just_loaded { self.pass.candidates(&self.inventory, &on_screen, &[]) } else { Vec::new() };
                let rank = sweep_now.iter().map(|i| self.inventory[*i].name.to_string()).collect();
                (Some(if just_loaded { HashSet::new() } else { on_screen.clone() }), rank, sweep_now)
            } else {
                let mut worst: Vec<String> = offenders(&self.inventory).into_iter().filter(|n| !on_screen.contains(n)).collect();
                worst.sort();
                let from_sweep = self.pass.candidates(&self.inventory, &on_screen, &worst);
                let mut rank = worst;
                rank.extend(from_sweep.iter().map(|i| self.inventory[*i].name.to_string()));
                (Some(on_screen.clone()), rank, from_sweep)
            };
            let read = if light || just_loaded { Read::Metrics } else { Read::Both };
            if light {
                // Rows scrolled into view: their numbers wait for no other room.
                coming.hurry();
            }
            let fetched = fetch(&live, region, self.inventory.clone(), want.as_ref(), &rank, &mut self.sweep, read, Some(&mut coming)).await;
            let consumed = self.sweep.ranked.saturating_sub(rank.len() - from_sweep.len());
            self.pass.advance(&from_sweep, consumed, self.inventory.len());
            let per_refresh = want.as_ref().map_or(self.inventory.len(), HashSet::len) as u64
                * super::metrics::QUERIES_PER_FUNCTION as u64
                + super::metrics::TOTAL_QUERIES as u64;
            let every = live.opts.intervals.get(Lambda::KIND);
            self.stretched = if live.opts.metrics_all { every } else { live.budget.stretch(per_refresh, every) };
            let note = budget_note(&live, &self.pass, per_refresh, every, self.stretched);
            for mut m in fetched {
                if let DataMsg::Loaded { payload, .. } = &mut m {
                    if let Some(d) = Lambda::payload_mut(payload) {
                        for f in &d.functions {
                            self.stats.insert(f.name.to_string(), f.stats.clone());
                        }
                        d.budget = note.clone();
                    }
                }
                msgs.insert(msgs.len().min(loaded_at), m);
                loaded_at += 1;
            }
        }
        drop(coming);
        Some(msgs)
    }
}

/// The sweep of every function off screen, in inventory order, spread over
/// as many refreshes as the budget needs; a new one starts at most every
/// `FULL_SWEEP_EVERY`.
#[derive(Debug, Default)]
struct Pass {
    /// Where the pass stands in the inventory; `None` between passes.
    at: Option<usize>,
    started: Option<Instant>,
    /// When the last complete pass started: the oldest an off-screen figure can be.
    previous: Option<Instant>,
}

impl Pass {
    /// The functions this refresh may sweep, in order: none between passes.
    fn candidates(&mut self, inventory: &[Function], on_screen: &HashSet<String>, skip: &[String]) -> Vec<usize> {
        if self.at.is_none() {
            if self.started.is_some_and(|t| t.elapsed() < FULL_SWEEP_EVERY) {
                return Vec::new();
            }
            self.at = Some(0);
            self.started = Some(Instant::now());
        }
        let from = self.at.unwrap_or(0);
        (from..inventory.len())
            .filter(|i| {
                let n = inventory[*i].name.as_str();
                !on_screen.contains(n) && !skip.iter().any(|s| s == n)
            })
            .collect()
    }

    /// `consumed` of `candidates` were read.
    fn advance(&mut self, candidates: &[usize], consumed: usize, n: usize) {
        if self.at.is_none() {
            return;
        }
        match candidates.get(consumed) {
            Some(next) if *next < n => self.at = Some(*next),
            _ => {
                self.at = None;
                self.previous = self.started;
            }
        }
    }

    /// How long the pass under way has taken so far.
    fn running(&self) -> Option<Duration> {
        self.at.and(self.started).map(|t| t.elapsed())
    }

    /// How old the oldest off-screen figure may be; `None` before the first pass ends.
    fn oldest(&self) -> Option<Duration> {
        match self.at {
            Some(_) => self.previous.map(|t| t.elapsed()),
            None => self.started.map(|t| t.elapsed()),
        }
        .filter(|_| self.previous.is_some())
    }
}

/// What the pane says when the budget makes figures older than their
/// refresh, or when an explicit full read costs more than the budget.
fn budget_note(live: &Live, pass: &Pass, per_refresh: u64, every: Duration, stretched: Duration) -> Option<String> {
    let usd = live.budget.usd_per_hour();
    if live.opts.metrics_all {
        let per_hour = Budget::usd(per_refresh) * 3600.0 / every.as_secs_f64();
        return (per_hour > usd).then(|| format!("--metrics all ≈${per_hour:.2}/h, over the ${usd}/h budget"));
    }
    if stretched > every {
        return Some(format!("rows on screen every {} (budget ${usd}/h)", crate::fmt::age(chrono::Duration::from_std(stretched).unwrap_or_default())));
    }
    if live.budget.held(Class::Visible) {
        return Some(format!("rows on screen held back by the ${usd}/h budget"));
    }
    let late = FULL_SWEEP_EVERY + every * 2;
    match pass.oldest() {
        Some(age) if age > late => Some(format!(
            "off-screen figures up to {} old (budget ${usd}/h)",
            crate::fmt::age(chrono::Duration::from_std(age).unwrap_or_default())
        )),
        // The first sweep is still under way, slower than it would be unpaced.
        None if pass.running().is_some_and(|t| t > late) => Some(format!("off-screen figures paced by the ${usd}/h budget")),
        _ => None,
    }
}

/// `--once` reads the versions and aliases of the functions whose metrics
/// it read in full (per-minute history), not of every function: what a
/// change could be laid against, and a bounded number of calls.
async fn once_deploys(live: &Live, r: &RegionClients, client: &aws_sdk_lambda::Client, out: &mut [DataMsg]) -> Vec<DataMsg> {
    let mut failed = Vec::new();
    for m in out.iter_mut() {
        let DataMsg::Loaded { payload, .. } = m else { continue };
        let Some(d) = Lambda::payload_mut(payload) else { continue };
        let names: Vec<String> = d.functions.iter().filter(|f| f.stats.series.is_some()).map(|f| f.name.to_string()).collect();
        let mut cache = super::deploys::Cache::default();
        for e in cache.refresh(client, live.endpoint(), &d.functions, &names, live.opts.window).await {
            failed.push(DataMsg::failed(Lambda::KIND, &r.name, e));
        }
        cache.attach(&mut d.functions);
    }
    failed
}

/// `--once` reads every function's metrics: an explicit request, made even
/// when it costs more than an hour's budget, but said first.
fn say_one_off(live: &Live, metrics: usize) {
    let usd = Budget::usd(metrics as u64);
    let budget = live.budget.usd_per_hour();
    if usd > budget {
        let msg = format!(
            "awstop: this read asks CloudWatch for {} metrics (≈${usd:.2}), more than the ${budget}/h budget; reading them anyway",
            crate::fmt::count(metrics as f64)
        );
        tracing::warn!("{msg}");
        eprintln!("{msg}");
    }
}
