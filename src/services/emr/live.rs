//! EMR against the real account: every refresh reads the active clusters,
//! their groups and newest steps, the day's ended clusters, and one
//! GetMetricData call for every active cluster's YARN metrics.

use chrono::{Duration, Utc};

use super::domain::{EmrData, EmrWeekAgo};
use super::{fetch, metrics, Emr};
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch;
use crate::services::live::{no_client, rows_first, sdk_client, Live, RegionClients};
use crate::services::msg::{DataMsg, DataTx};
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::room::{BoxFuture, Registered, RoomLive};
use crate::services::weekago::WeekCache;

/// Last week's applications of each cluster, by id.
type Week = WeekCache<String, EmrWeekAgo>;

impl RoomLive for Emr {
    type Client = aws_sdk_emr::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_emr, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poller::run(cx, Poll::default()))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move { refresh(live, r, None, &mut Week::default()).await })
    }
}

/// What EMR keeps between refreshes: last week's figures.
#[derive(Default)]
struct Poll {
    week: Week,
}

impl Poller for Poll {
    type Room = Emr;
    const ON_GRID: bool = false;

    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, woke: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            let first = (woke == Woke::First).then_some(&cx.tx);
            Some(refresh(&live, &live.regions[cx.region], first, &mut self.week).await)
        })
    }
}

/// One refresh; `first` (the dashboard's first read) gets the clusters
/// before CloudWatch answers.
async fn refresh(live: &Live, r: &RegionClients, first: Option<&DataTx>, week: &mut Week) -> Vec<DataMsg> {
    let fetched_at = Utc::now();
    let Some(c) = r.client::<Emr>() else {
        return no_client(Emr::KIND, &r.name);
    };
    let (mut clusters, partial) = match fetch::fetch(c, &r.name, live, fetched_at).await {
        Ok(v) => v,
        Err(e) => return vec![DataMsg::failed(Emr::KIND, &r.name, e)],
    };
    let mut out: Vec<DataMsg> = partial
        .into_iter()
        .map(|e| DataMsg::failed(Emr::KIND, &r.name, e))
        .collect();
    let active: Vec<usize> = (0..clusters.len()).filter(|i| clusters[*i].active()).collect();
    if let Some(tx) = first.filter(|_| !active.is_empty()) {
        let mut rows = clusters.clone();
        active.iter().for_each(|i| rows[*i].metrics.pending = true);
        rows_first(tx, live, &r.name, fetched_at, Emr::wrap(EmrData { clusters: rows })).await;
    }
    if !active.is_empty() {
        let ids: Vec<&str> = active.iter().map(|i| clusters[*i].id.as_str()).collect();
        let (_, end) = cloudwatch::window(fetched_at, live.opts.window);
        let start = end - Duration::minutes(metrics::IDLE_LOOKBACK_MINUTES as i64);
        // Bands for the figures that have a detector, in the same calls.
        let now_queries = metrics::with_bands(metrics::queries(&ids), &*live.detectors(r).await);
        // The same window a week earlier (not the day IsIdle is read over):
        // calls of their own, charged as the screen's figures, left unread
        // when the budget cannot afford them with today's.
        let keys: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        let mut asked = week.due(&keys);
        let mut week_queries = metrics::week_queries(&asked.iter().map(|&k| ids[k]).collect::<Vec<_>>());
        crate::services::weekago::within_budget(live, &mut asked, &mut week_queries, now_queries.len());
        let target = live.cloudwatch(r);
        let week_start = end - Duration::minutes(live.opts.window as i64);
        let week_read = crate::services::weekago::read(&r.gather, &target, week_queries, week_start, end);
        let (got, week_got) = tokio::join!(r.gather.fetch_now(&target, now_queries, start, end), week_read);
        match week_got {
            Some(Ok(f)) => {
                for (k, &q) in asked.iter().enumerate() {
                    if let Some(w) = metrics::week_stats(&f, k) {
                        week.store(keys[q].clone(), w);
                    }
                }
                out.extend(f.errors.into_iter().map(|e| DataMsg::failed(Emr::KIND, &r.name, e)));
            }
            Some(Err(e)) => out.push(DataMsg::failed(Emr::KIND, &r.name, e)),
            None => {}
        }
        match got {
            Ok(f) => {
                for (q, i) in active.iter().enumerate() {
                    clusters[*i].metrics = metrics::stats(&f, q, end, live.opts.window);
                }
                for e in f.errors {
                    out.push(DataMsg::failed(Emr::KIND, &r.name, e));
                }
            }
            Err(e) => out.push(DataMsg::failed(Emr::KIND, &r.name, e)),
        }
        for (q, i) in active.iter().enumerate() {
            clusters[*i].metrics.week_ago = week.get(&keys[q]);
        }
    }
    out.insert(
        0,
        DataMsg::Loaded {
            account: String::new(),
            region: r.name.clone(),
            fetched_at,
            payload: Emr::wrap(EmrData { clusters }),
        },
    );
    out
}
