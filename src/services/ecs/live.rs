//! ECS against the real account: the inventory every interval, service CPU
//! and memory from CloudWatch once a minute (they change no faster).

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use tokio::time::Instant;

use super::domain::{ServiceBand, ServiceWeekAgo};
use super::Ecs;
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch::{self, Query};
use crate::services::live::{no_client, rows_first, sdk_client, Live, RegionClients};
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::msg::{DataMsg, DataTx};
use crate::services::room::{BoxFuture, Registered, RoomLive};
use crate::services::weekago::WeekCache;

/// Last week's utilisation of each (cluster, service).
type Week = WeekCache<(String, String), ServiceWeekAgo>;

/// Service metrics are per minute in CloudWatch: asking more often gains nothing.
pub const METRICS_EVERY: Duration = Duration::from_secs(60);

impl RoomLive for Ecs {
    type Client = aws_sdk_ecs::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_ecs, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poller::run(cx, Poll::default()))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move { fetch(live, r, true, None, &mut Week::default()).await })
    }
}

/// CPU and memory utilisation per ECS service: the newest minute of the last five.
pub fn queries(services: &[(&str, &str)]) -> Vec<Query> {
    let mut out = Vec::with_capacity(services.len() * 2);
    for (i, (cluster, service)) in services.iter().enumerate() {
        for (key, metric) in [("cpu", "CPUUtilization"), ("mem", "MemoryUtilization")] {
            out.push(Query {
                id: format!("s{i}_{key}"),
                namespace: "AWS/ECS",
                metric,
                dims: vec![
                    ("ClusterName", cluster.to_string()),
                    ("ServiceName", service.to_string()),
                ],
                stat: "Average".into(),
                period_s: 60,
                optional: false,
            });
        }
    }
    out
}

/// The inventory, with service utilisation when `metrics`, and last week's
/// (`week`, asked again every `baseline::REFRESH`). `first` (the
/// dashboard's first read) gets the inventory before CloudWatch answers.
pub async fn fetch(live: &Live, r: &RegionClients, metrics: bool, first: Option<&DataTx>, week: &mut Week) -> Vec<DataMsg> {
    let fetched_at = Utc::now();
    let Some(c) = r.client::<Ecs>() else {
        return no_client(Ecs::KIND, &r.name);
    };
    let mut data = match super::fetch::fetch(c, &r.name, live).await {
        Ok(d) => d,
        Err(e) => return vec![DataMsg::failed(Ecs::KIND, &r.name, e)],
    };
    let mut out = Vec::new();
    let pairs: Vec<(String, String)> = data
        .clusters
        .iter()
        .flat_map(|c| c.services.iter().map(move |s| (c.name.clone(), s.name.clone())))
        .collect();
    if metrics && !pairs.is_empty() {
        if let Some(tx) = first {
            let mut rows = data.clone();
            rows.clusters.iter_mut().flat_map(|c| &mut c.services).for_each(|s| s.metrics_pending = true);
            rows_first(tx, live, &r.name, fetched_at, Ecs::wrap(rows)).await;
        }
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(c, s)| (c.as_str(), s.as_str())).collect();
        let (start, end) = cloudwatch::window(fetched_at, 5);
        // Bands for the figures that have a detector, in the same calls.
        let now_queries = crate::aws::anomaly::with_bands(queries(&refs), &*live.detectors(r).await, |q| {
            let (s, key) = q.id.split_once('_')?;
            Some(format!("{s}_b{key}"))
        });
        // The same five minutes a week ago, in calls of their own (a window
        // of its own) shared with the other rooms' week-ago queries; charged
        // as the screen's figures and left unread when the budget cannot
        // afford them with this minute's.
        let mut asked = week.due(&pairs);
        let mut week_queries = queries(&asked.iter().map(|&k| refs[k]).collect::<Vec<_>>());
        crate::services::weekago::within_budget(live, &mut asked, &mut week_queries, now_queries.len());
        let target = live.cloudwatch(r);
        let week_read = crate::services::weekago::read(&r.gather, &target, week_queries, start, end);
        let (got, week_got) = tokio::join!(r.gather.fetch_now(&target, now_queries, start, end), week_read);
        match week_got {
            Some(Ok(f)) => {
                for (k, &i) in asked.iter().enumerate() {
                    // Not asked (held back by the budget): unread, asked again next time.
                    if f.values.contains_key(&format!("s{k}_cpu")) {
                        let w = ServiceWeekAgo {
                            cpu_pct: cloudwatch::latest(&f, &format!("s{k}_cpu")),
                            memory_pct: cloudwatch::latest(&f, &format!("s{k}_mem")),
                        };
                        week.store(pairs[i].clone(), w);
                    }
                }
                for e in f.errors {
                    out.push(DataMsg::failed(Ecs::KIND, &r.name, e));
                }
            }
            Some(Err(e)) => out.push(DataMsg::failed(Ecs::KIND, &r.name, e)),
            None => {}
        }
        match got {
            Ok(f) => {
                let mut i = 0;
                for c in &mut data.clusters {
                    for s in &mut c.services {
                        s.cpu_pct = cloudwatch::latest(&f, &format!("s{i}_cpu"));
                        s.memory_pct = cloudwatch::latest(&f, &format!("s{i}_mem"));
                        s.band = band(&f, i);
                        i += 1;
                    }
                }
                // A call that failed among several leaves its services blank:
                // the pane says why, as for a whole failure.
                for e in f.errors {
                    out.push(DataMsg::failed(Ecs::KIND, &r.name, e));
                }
            }
            Err(e) => out.push(DataMsg::failed(Ecs::KIND, &r.name, e)),
        }
    }
    for c in &mut data.clusters {
        for s in &mut c.services {
            s.week_ago = week.get(&(c.name.clone(), s.name.clone()));
        }
    }
    out.insert(
        0,
        DataMsg::Loaded {
            account: String::new(),
            region: r.name.clone(),
            fetched_at,
            payload: Ecs::wrap(data),
        },
    );
    out
}

/// Service `i`'s band edges at the minute its figures are of; `None` when
/// no band was asked or none answered.
fn band(f: &cloudwatch::Fetched, i: usize) -> Option<ServiceBand> {
    let upper = |key: &str| {
        let at = f.values.get(&format!("s{i}_{key}"))?.iter().map(|(t, _)| *t).max()?;
        cloudwatch::upper_edges(f.values.get(&format!("s{i}_b{key}"))?).get(&at).map(|v| (v * 100.0).round() / 100.0)
    };
    let b = ServiceBand { cpu_pct: upper("cpu"), memory_pct: upper("mem") };
    (b != ServiceBand::default()).then_some(b)
}

/// CPU and memory per (cluster, service), with their bands, as last read.
type Utilisation = HashMap<(String, String), (Option<f64>, Option<f64>, Option<ServiceBand>)>;

/// Keeps the last utilisation read for refreshes that do not read it.
fn carry(msgs: &mut [DataMsg], fresh: bool, previous: &mut Utilisation) {
    for m in msgs {
        let DataMsg::Loaded { payload, .. } = m else {
            continue;
        };
        let Some(d) = Ecs::payload_mut(payload) else {
            continue;
        };
        for c in &mut d.clusters {
            for s in &mut c.services {
                let key = (c.name.clone(), s.name.clone());
                if fresh {
                    previous.insert(key, (s.cpu_pct, s.memory_pct, s.band));
                } else if let Some((cpu, mem, band)) = previous.get(&key) {
                    (s.cpu_pct, s.memory_pct, s.band) = (*cpu, *mem, *band);
                }
            }
        }
    }
}

/// What ECS keeps between refreshes: when utilisation was last read, and
/// what it was.
#[derive(Default)]
struct Poll {
    last_metrics: Option<Instant>,
    previous: Utilisation,
    week: Week,
}

impl Poller for Poll {
    type Room = Ecs;
    const ON_GRID: bool = false;

    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, _: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            // Service CPU and memory change once a minute; task states faster.
            let metrics = self.last_metrics.is_none_or(|t| t.elapsed() >= METRICS_EVERY);
            let first = self.last_metrics.is_none().then_some(&cx.tx);
            let mut msgs = fetch(&live, cx.region(), metrics, first, &mut self.week).await;
            carry(&mut msgs, metrics, &mut self.previous);
            if metrics {
                self.last_metrics = Some(Instant::now());
            }
            Some(msgs)
        })
    }
}
