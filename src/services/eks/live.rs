//! EKS against the real account: the clusters and their control-plane
//! metrics every interval; node groups, Fargate profiles and add-ons every
//! fifth refresh, or when the user asks (`r`).

use chrono::Utc;

use super::domain::{EksCluster, EksData};
use super::{fetch, metrics, Eks};
use crate::aws::backoff::{next_delay, salt};
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch;
use crate::services::live::{
    no_client, retry_in, rows_first, sdk_client, throttled, Live, PollCtx, RegionClients, Woke,
};
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
        Box::pin(poll(cx))
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
        Err((op, e)) => return (vec![DataMsg::failed(Eks::KIND, &r.name, op, e)], None),
    };
    let mut out: Vec<DataMsg> = partial
        .into_iter()
        .map(|(op, e)| DataMsg::failed(Eks::KIND, &r.name, op, e))
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
                    out.push(DataMsg::failed(Eks::KIND, &r.name, "GetMetricData", e));
                }
            }
            Err(e) => out.push(DataMsg::failed(Eks::KIND, &r.name, "GetMetricData", e)),
        }
    }
    out.insert(
        0,
        DataMsg::Loaded {
            region: r.name.clone(),
            fetched_at,
            payload: Eks::wrap(EksData {
                clusters: clusters.clone(),
            }),
        },
    );
    (out, Some(clusters))
}

async fn poll(mut cx: PollCtx) {
    let live = cx.live.clone();
    let region = &live.regions[cx.region];
    let mut previous: Vec<EksCluster> = Vec::new();
    let mut since_deep = DEEP_EVERY;
    let mut throttles = 0;
    let mut forced = false;
    let mut first = true;
    loop {
        let deep = forced || since_deep >= DEEP_EVERY;
        let (mut msgs, read) = refresh(&live, region, deep, &previous, first.then_some(&cx.tx)).await;
        first = false;
        if let Some(read) = read {
            previous = read;
            since_deep = if deep { 1 } else { since_deep + 1 };
        }
        throttles = if throttled(&msgs) { throttles + 1 } else { 0 };
        let delay = next_delay(live.opts.intervals.get(Eks::KIND), throttles, salt());
        retry_in(&mut msgs, delay);
        if !cx.send(msgs).await {
            return;
        }
        // On the shared grid, so its metrics go out with Lambda's.
        forced = cx.wait(delay, throttles > 0, |_| false).await == Woke::Refresh;
    }
}
