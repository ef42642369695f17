//! EMR against the real account: every refresh reads the active clusters,
//! their groups and newest steps, the day's ended clusters, and one
//! GetMetricData call for every active cluster's YARN metrics.

use chrono::{Duration, Utc};

use super::domain::EmrData;
use super::{fetch, metrics, Emr};
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch;
use crate::services::live::{no_client, rows_first, sdk_client, Live, RegionClients};
use crate::services::msg::{DataMsg, DataTx};
use crate::services::room::{BoxFuture, Registered, RoomLive};

impl RoomLive for Emr {
    type Client = aws_sdk_emr::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_emr, cfg, counter)
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(refresh(live, r, None))
    }

    fn refresh<'a>(live: &'a Live, r: &'a RegionClients, first: Option<&'a DataTx>) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(refresh(live, r, first))
    }
}

/// One refresh; `first` (the dashboard's first read) gets the clusters
/// before CloudWatch answers.
async fn refresh(live: &Live, r: &RegionClients, first: Option<&DataTx>) -> Vec<DataMsg> {
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
        match r.gather.fetch_now(&live.cloudwatch(r), metrics::queries(&ids), start, end).await {
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
