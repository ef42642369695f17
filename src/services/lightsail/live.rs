//! Lightsail against the real account: the instances and container services
//! every interval, prices every hour, and the metrics of the instances on
//! screen (three calls each) at most once per five-minute period, which is
//! all Lightsail has. Rows that scroll into view unread wake the poller.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::domain::{InstanceMetrics, InstanceWeekAgo, LightsailData};
use super::fetch::{self, Prices};
use crate::aws::AwsError;
use super::Lightsail;
use crate::aws::client::CallCounter;
use crate::aws::ErrorKind;
use crate::services::live::{no_client, rows_first, sdk_client, Live, RegionClients};
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::msg::DataMsg;
use crate::services::room::{BoxFuture, Registered, RoomLive};
use crate::services::weekago::WeekCache;

/// Last week's CPU of each instance, by name.
type Week = WeekCache<String, InstanceWeekAgo>;

/// Lightsail's CPU and burst data is per five minutes: nothing newer sooner.
const METRICS_FRESH: Duration = Duration::from_secs(300);
/// Bundle and power prices change with Lightsail's price list, not by the hour.
const PRICES_EVERY: Duration = Duration::from_secs(3600);

impl RoomLive for Lightsail {
    type Client = aws_sdk_lightsail::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_lightsail, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poller::run(cx, Poll::default()))
    }

    /// Headless has no viewport: every instance's metrics.
    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move {
            let Some(c) = r.client::<Lightsail>() else {
                return no_client(Lightsail::KIND, &r.name);
            };
            let fetched_at = Utc::now();
            let mut out = Vec::new();
            let mut data = match fetch::inventory(c, &r.name, live).await {
                Ok((d, partial)) => {
                    out.extend(partial);
                    d
                }
                Err(e) => {
                    out.push(e);
                    return failures(&r.name, out);
                }
            };
            let mut prices = PriceCache::default();
            prices.refresh(c, live, true, &mut out).await;
            fetch::apply_prices(&mut data, &prices.prices);
            for i in &mut data.instances {
                let (m, failed) = fetch::metrics(c, live, &i.name, fetched_at, live.opts.window).await;
                i.metrics = m;
                out.extend(failed);
                match fetch::week_cpu(c, live, &i.name, fetched_at, live.opts.window).await {
                    Ok(w) => i.metrics.week_ago = Some(w),
                    Err(e) => out.push(e),
                }
            }
            let mut msgs = failures(&r.name, out);
            msgs.insert(0, loaded(&r.name, fetched_at, data));
            msgs
        })
    }
}

fn failures(region: &str, failed: Vec<AwsError>) -> Vec<DataMsg> {
    failed
        .into_iter()
        .map(|e| DataMsg::failed(Lightsail::KIND, region, e))
        .collect()
}

fn loaded(region: &str, fetched_at: DateTime<Utc>, data: LightsailData) -> DataMsg {
    DataMsg::Loaded {
        account: String::new(),
        region: region.to_string(),
        fetched_at,
        payload: Lightsail::wrap(data),
    }
}

/// The price lists and when each was read; a list that failed keeps the
/// prices it had and is asked again next refresh.
#[derive(Default)]
struct PriceCache {
    prices: Prices,
    bundles_at: Option<Instant>,
    powers_at: Option<Instant>,
}

impl PriceCache {
    async fn refresh(&mut self, c: &aws_sdk_lightsail::Client, live: &Live, force: bool, out: &mut Vec<AwsError>) {
        let stale = |at: Option<Instant>| force || at.is_none_or(|t| t.elapsed() >= PRICES_EVERY);
        if stale(self.bundles_at) {
            match fetch::bundle_prices(c, live).await {
                Ok(p) => {
                    self.prices.bundles = p;
                    self.bundles_at = Some(Instant::now());
                }
                Err(e) => out.push(e),
            }
        }
        if stale(self.powers_at) {
            match fetch::power_prices(c, live).await {
                Ok(p) => {
                    self.prices.powers = p;
                    self.powers_at = Some(Instant::now());
                }
                Err(e) => out.push(e),
            }
        }
    }
}

/// Metrics read, by instance name, with when (failed reads too, so a
/// failing call is not repeated on every scroll).
type Cache = HashMap<String, (Instant, InstanceMetrics)>;

/// The instances of `inventory` whose metrics to read now: on screen (or all
/// with `--metrics-all`) and not read this period.
fn due(inventory: &LightsailData, visible: &[String], all: bool, cache: &Cache) -> Vec<String> {
    let shown: HashSet<&str> = visible.iter().map(String::as_str).collect();
    inventory
        .instances
        .iter()
        .filter(|i| all || shown.contains(i.name.as_str()))
        .filter(|i| cache.get(&i.name).is_none_or(|(t, _)| t.elapsed() >= METRICS_FRESH))
        .map(|i| i.name.clone())
        .collect()
}

/// The inventory with the metrics read so far, and last week's. A row
/// never read is on its way when it is on screen, or before the dashboard
/// has said what is.
fn with_metrics(inventory: &LightsailData, cache: &Cache, week: &Week, visible: &[String]) -> LightsailData {
    let mut data = inventory.clone();
    for i in &mut data.instances {
        match cache.get(&i.name) {
            Some((_, m)) => {
                i.metrics = m.clone();
                i.metrics.week_ago = week.get(&i.name);
            }
            None => i.metrics.pending = visible.is_empty() || visible.contains(&i.name),
        }
    }
    data
}

/// What Lightsail keeps between refreshes: the prices, the inventory last
/// read, and the metrics read this period.
#[derive(Default)]
struct Poll {
    prices: PriceCache,
    inventory: Option<(DateTime<Utc>, LightsailData)>,
    cache: Cache,
    week: Week,
}

impl Poller for Poll {
    type Room = Lightsail;
    const ON_GRID: bool = false;

    /// Woken for rows that scrolled into view unread: metrics only.
    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, woke: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            let region = &live.regions[cx.region];
            let Some(client) = region.client::<Lightsail>() else {
                return Some(no_client(Lightsail::KIND, &region.name));
            };
            let mut failed: Vec<AwsError> = Vec::new();
            if woke != Woke::Scrolled || self.inventory.is_none() {
                let at = Utc::now();
                match fetch::inventory(client, &region.name, &live).await {
                    Ok((mut d, partial)) => {
                        failed.extend(partial);
                        self.prices.refresh(client, &live, woke == Woke::Refresh, &mut failed).await;
                        fetch::apply_prices(&mut d, &self.prices.prices);
                        self.inventory = Some((at, d));
                    }
                    Err(e) => failed.push(e),
                }
            }
            let mut msgs = Vec::new();
            if let Some((at, inv)) = &self.inventory {
                let cache = &mut self.cache;
                let names: HashSet<&str> = inv.instances.iter().map(|i| i.name.as_str()).collect();
                cache.retain(|k, _| names.contains(k.as_str()));
                let visible = cx.visible.borrow_and_update().clone();
                let now = Utc::now();
                let due = due(inv, &visible, live.opts.metrics_all, cache);
                // Rows never read go to the screen before their metrics.
                if due.iter().any(|n| !cache.contains_key(n)) {
                    let rows = with_metrics(inv, cache, &self.week, &visible);
                    rows_first(&cx.tx, &live, &region.name, *at, Lightsail::wrap(rows)).await;
                }
                // Last week's CPU of the rows whose metrics are read, one
                // call each, every `baseline::REFRESH` at most.
                let compared: Vec<String> = inv
                    .instances
                    .iter()
                    .filter(|i| live.opts.metrics_all || visible.contains(&i.name))
                    .map(|i| i.name.clone())
                    .collect();
                let mut week_due: Vec<String> = self.week.due(&compared).into_iter().map(|k| compared[k].clone()).collect();
                for name in due {
                    let (m, errors) = fetch::metrics(client, &live, &name, now, live.opts.window).await;
                    let slow_down = errors.iter().any(|e| e.kind == ErrorKind::Throttled);
                    failed.extend(errors);
                    cache.insert(name, (Instant::now(), m));
                    // The rest waits for the backoff rather than feed the throttle.
                    if slow_down {
                        week_due.clear();
                        break;
                    }
                }
                for name in week_due {
                    match fetch::week_cpu(client, &live, &name, now, live.opts.window).await {
                        Ok(w) => self.week.store(name, w),
                        Err(e) => {
                            let slow_down = e.kind == ErrorKind::Throttled;
                            failed.push(e);
                            if slow_down {
                                break;
                            }
                        }
                    }
                }
                // The Loaded message goes first so a failure sent with it stays visible.
                msgs.push(loaded(&region.name, *at, with_metrics(inv, cache, &self.week, &visible)));
            }
            msgs.extend(failures(&region.name, failed));
            Some(msgs)
        })
    }

    fn unread(&self, visible: &[String]) -> bool {
        self.inventory.as_ref().is_some_and(|(_, inv)| {
            inv.instances.iter().any(|i| visible.contains(&i.name) && !self.cache.contains_key(&i.name))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lightsail::domain::Instance;

    #[test]
    fn metrics_are_due_for_unread_rows_on_screen_only() {
        let inv = LightsailData {
            instances: ["a", "b", "c"]
                .iter()
                .map(|n| Instance {
                    name: n.to_string(),
                    ..Default::default()
                })
                .collect(),
            container_services: vec![],
            operations: Vec::new(),
        };
        let mut cache = Cache::new();
        cache.insert("a".into(), (Instant::now(), InstanceMetrics::default()));
        let visible = vec!["a".to_string(), "b".to_string(), "elsewhere".to_string()];
        // "a" was read this period; "c" is off screen; "elsewhere" is another region's.
        assert_eq!(due(&inv, &visible, false, &cache), ["b"]);
        assert_eq!(due(&inv, &visible, true, &cache), ["b", "c"]);
    }
}
