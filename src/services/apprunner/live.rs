//! App Runner against the real account: every refresh lists the services
//! (ListServices, 20 a page), describes those new or updated since they
//! were last described (DescribeService, one a call: a service's size
//! changes only with an update, which moves its UpdatedAt), and reads the
//! metrics of the services on screen (every service with `--metrics all`
//! and in `--once`) in the region's shared GetMetricData calls. A service
//! scrolled into view unread wakes the poller.

use std::collections::{HashMap, HashSet};

use chrono::Utc;

use super::domain::{AppRunnerData, ServiceMetrics};
use super::fetch::{self, Described};
use super::metrics::{self, ServiceRef};
use super::AppRunner;
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch;
use crate::services::live::{no_client, rows_first, sdk_client, Live, RegionClients};
use crate::services::msg::{DataMsg, DataTx};
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::room::{BoxFuture, Registered, RoomLive};

impl RoomLive for AppRunner {
    type Client = aws_sdk_apprunner::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_apprunner, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poller::run(cx, Poll::default()))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move { refresh(live, r, None, &mut Poll::default()).await })
    }
}

/// What App Runner keeps between refreshes.
#[derive(Default)]
struct Poll {
    /// Each service's last reading, by name (failed and empty ones too,
    /// so a service on screen is not asked again until the next refresh).
    last: HashMap<String, ServiceMetrics>,
    /// DescribeService's answer, by ARN, with the UpdatedAt it described.
    described: HashMap<String, Described>,
    /// The names of the last listing.
    listed: HashSet<String>,
}

impl Poller for Poll {
    type Room = AppRunner;

    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, _: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            let on_screen: HashSet<String> = cx.visible.borrow_and_update().iter().cloned().collect();
            Some(refresh(&live, cx.region(), Some((&on_screen, &cx.tx)), self).await)
        })
    }

    /// A service scrolled into view whose metrics were never read.
    fn unread(&self, visible: &[String]) -> bool {
        visible.iter().any(|n| self.listed.contains(n) && !self.last.contains_key(n))
    }
}

/// One refresh. `dashboard` gives the names on screen (only those are
/// measured, unless `--metrics all`) and where a first read sends its rows
/// ahead of their metrics; `None` measures every service (`--once`).
async fn refresh(
    live: &Live,
    r: &RegionClients,
    dashboard: Option<(&HashSet<String>, &DataTx)>,
    keep: &mut Poll,
) -> Vec<DataMsg> {
    let fetched_at = Utc::now();
    let Some(c) = r.client::<AppRunner>() else {
        return no_client(AppRunner::KIND, &r.name);
    };
    // The other rooms of the region wait for these queries to share their calls.
    let mut coming = r.gather.coming();
    let failed = |e: crate::aws::AwsError| DataMsg::failed(AppRunner::KIND, &r.name, e);
    let listed = match fetch::list(c, &r.name, live).await {
        Ok(l) => l,
        Err(e) => return vec![failed(e)],
    };
    let mut out = Vec::new();
    keep.described.retain(|arn, _| listed.iter().any(|l| &l.arn == arn));
    let mut services = Vec::with_capacity(listed.len());
    for l in listed {
        let mut s = l.service;
        let stale = keep.described.get(&l.arn).is_none_or(|d| d.updated_at != s.updated_at);
        // After a failure the rest waits for the next refresh rather than feed a throttle.
        if stale && out.is_empty() {
            match fetch::describe(c, &l.arn, live).await {
                Ok(d) => {
                    keep.described.insert(l.arn.clone(), d);
                }
                Err(e) => out.push(failed(e)),
            }
        }
        if let Some(d) = keep.described.get(&l.arn) {
            d.apply(&mut s);
        }
        services.push(s);
    }
    keep.listed = services.iter().map(|s| s.name.clone()).collect();
    keep.last.retain(|n, _| keep.listed.contains(n));
    let all = dashboard.is_none() || live.opts.metrics_all;
    let measured: Vec<usize> = (0..services.len())
        .filter(|&i| all || dashboard.is_some_and(|(v, _)| v.contains(&services[i].name)))
        .collect();
    if let Some((_, tx)) = dashboard.filter(|_| keep.last.is_empty() && !measured.is_empty()) {
        // A first read waits for no other room's listing.
        coming.hurry();
        let mut first = services.clone();
        for &i in &measured {
            first[i].metrics.pending = true;
        }
        rows_first(tx, live, &r.name, fetched_at, AppRunner::wrap(AppRunnerData { services: first })).await;
    }
    if !measured.is_empty() {
        let refs: Vec<ServiceRef> = measured.iter().map(|&i| ServiceRef { name: &services[i].name, id: &services[i].id }).collect();
        let window = live.opts.window;
        let (start, end) = cloudwatch::window(fetched_at, window);
        let target = live.cloudwatch(r);
        let got = r.gather.fetch(&target, Some(&mut coming), metrics::queries(&refs, window), Vec::new(), start, end).await;
        match got {
            Ok(f) => {
                for (q, &i) in measured.iter().enumerate() {
                    if f.deferred && !metrics::asked(&f, q) {
                        // Held back by the budget: the last reading stays.
                        continue;
                    }
                    keep.last.insert(services[i].name.clone(), metrics::stats(&f, q, start, window));
                }
                out.extend(f.errors.into_iter().map(failed));
            }
            Err(e) => out.push(failed(e)),
        }
    }
    for s in &mut services {
        if let Some(m) = keep.last.get(&s.name) {
            s.metrics = m.clone();
        }
    }
    out.insert(
        0,
        DataMsg::Loaded {
            account: String::new(),
            region: r.name.clone(),
            fetched_at,
            payload: AppRunner::wrap(AppRunnerData { services }),
        },
    );
    out
}
