//! EKS against the real account: the clusters and their control-plane
//! metrics every interval; node groups, Fargate profiles and add-ons every
//! fifth refresh, or when the user asks (`r`).

use chrono::Utc;

use super::domain::{EksCluster, EksData};
use super::{fetch, metrics, Eks};
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch;
use crate::services::live::{no_client, rows_first, sdk_client, Live, RegionClients};
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::msg::{DataMsg, DataTx};
use crate::services::room::{BoxFuture, Registered, RoomLive};

/// Refreshes between two deep reads.
const DEEP_EVERY: u32 = 5;

impl RoomLive for Eks {
    type Client = aws_sdk_eks::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_eks, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        // On the shared grid, so its metrics go out with Lambda's.
        let start = Poll { previous: Vec::new(), since_deep: DEEP_EVERY };
        Box::pin(poller::run(cx, start))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move { refresh(live, r, true, &[], None).await.0 })
    }
}

/// One refresh of a region: what to send, and the clusters read. `first`
/// (the dashboard's first read) gets the clusters before their metrics.
async fn refresh(
    live: &Live,
    r: &RegionClients,
    deep: bool,
    previous: &[EksCluster],
    first: Option<&DataTx>,
) -> (Vec<DataMsg>, Option<Vec<EksCluster>>) {
    let fetched_at = Utc::now();
    let Some(c) = r.client::<Eks>() else {
        return (no_client(Eks::KIND, &r.name), None);
    };
    let mut coming = r.gather.coming();
    let (mut clusters, partial) = match fetch::fetch(c, &r.name, live, deep, previous).await {
        Ok(v) => v,
        Err(e) => return (vec![DataMsg::failed(Eks::KIND, &r.name, e)], None),
    };
    let mut out: Vec<DataMsg> = partial
        .into_iter()
        .map(|e| DataMsg::failed(Eks::KIND, &r.name, e))
        .collect();
    if let Some(tx) = first.filter(|_| !clusters.is_empty()) {
        // A first read waits for no other room's listing.
        coming.hurry();
        let mut rows = clusters.clone();
        rows.iter_mut().for_each(|c| c.metrics.pending = true);
        rows_first(tx, live, &r.name, fetched_at, Eks::wrap(EksData { clusters: rows })).await;
    }
    if !clusters.is_empty() {
        let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
        let window = live.opts.window;
        let (start, end) = cloudwatch::window(fetched_at, window);
        match r.gather.fetch(&live.cloudwatch(r), Some(&mut coming), metrics::queries(&names), Vec::new(), start, end).await {
            Ok(f) => {
                for (i, c) in clusters.iter_mut().enumerate() {
                    c.metrics = metrics::stats(&f, i, start, window);
                }
                for e in f.errors {
                    out.push(DataMsg::failed(Eks::KIND, &r.name, e));
                }
            }
            Err(e) => out.push(DataMsg::failed(Eks::KIND, &r.name, e)),
        }
    }
    out.insert(
        0,
        DataMsg::Loaded {
            account: String::new(),
            region: r.name.clone(),
            fetched_at,
            payload: Eks::wrap(EksData {
                clusters: clusters.clone(),
            }),
        },
    );
    (out, Some(clusters))
}

/// What EKS keeps between refreshes: the clusters last read (their node
/// groups, profiles and add-ons between deep reads), and how many refreshes
/// ago the last deep read was.
struct Poll {
    previous: Vec<EksCluster>,
    since_deep: u32,
}

impl Poller for Poll {
    type Room = Eks;

    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, woke: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            let deep = woke == Woke::Refresh || self.since_deep >= DEEP_EVERY;
            let first = (woke == Woke::First).then_some(&cx.tx);
            let (msgs, read) = refresh(&live, cx.region(), deep, &self.previous, first).await;
            if let Some(read) = read {
                self.previous = read;
                self.since_deep = if deep { 1 } else { self.since_deep + 1 };
            }
            Some(msgs)
        })
    }
}
