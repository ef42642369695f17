//! API Gateway against the real account: every refresh reads the REST APIs
//! (v1) and the HTTP and WebSocket APIs (v2) side by side, then the metrics
//! of every stage of the region in shared GetMetricData calls: the stages of
//! the APIs on screen first, the rest as the CloudWatch budget allows (what
//! it holds back keeps its last reading), in the same calls as the region's
//! Lambda functions when they refresh together. The SDK calls live in `fetch_rest`
//! and `fetch_http`, one service each.

use std::collections::{HashMap, HashSet};

use chrono::Utc;

use super::domain::{family, Api, ApiGatewayData, StageWeekAgo};
use super::metrics::StageRef;
use super::{fetch_http, fetch_rest, metrics, ApiGateway};
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch;
use super::domain::StageMetrics;
use crate::services::live::{no_client, rows_first, sdk_client, Live, RegionClients};
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::msg::{DataMsg, DataTx};
use crate::services::room::{BoxFuture, Registered, RoomLive};
use crate::services::weekago::WeekCache;

/// The two generations of API Gateway are two SDKs.
pub struct Clients {
    /// REST APIs.
    pub rest: aws_sdk_apigateway::Client,
    /// HTTP and WebSocket APIs.
    pub http: aws_sdk_apigatewayv2::Client,
}

impl RoomLive for ApiGateway {
    type Client = Clients;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Clients {
        Clients {
            rest: sdk_client!(aws_sdk_apigateway, cfg, counter),
            http: sdk_client!(aws_sdk_apigatewayv2, cfg, counter),
        }
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poller::run(cx, Poll::default()))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move { refresh(live, r, None, &mut HashMap::new(), &mut WeekCache::default()).await })
    }
}

/// A stage's last reading, kept while the budget holds its next one back.
type Last = HashMap<(String, String), StageMetrics>;

/// Last week's window of each stage, by (API id, stage).
type Week = WeekCache<(String, String), StageWeekAgo>;

/// What API Gateway keeps between refreshes: every stage's last reading,
/// and last week's.
#[derive(Default)]
struct Poll {
    last: Last,
    week: Week,
}

impl Poller for Poll {
    type Room = ApiGateway;

    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, _: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            let on_screen: HashSet<String> = cx.visible.borrow_and_update().iter().cloned().collect();
            Some(refresh(&live, cx.region(), Some((&on_screen, &cx.tx)), &mut self.last, &mut self.week).await)
        })
    }

    /// An API scrolled into view whose stages were never read.
    fn unread(&self, visible: &[String]) -> bool {
        visible.iter().any(|id| !self.last.keys().any(|(a, _)| a == id))
    }
}

/// One refresh. `on_screen` (API ids) are read first; `None` reads every
/// stage as if on screen (`--once`). The dashboard's first read sends the
/// APIs before their metrics, each stage marked as on its way.
async fn refresh(
    live: &Live,
    r: &RegionClients,
    dashboard: Option<(&HashSet<String>, &DataTx)>,
    last: &mut Last,
    week: &mut Week,
) -> Vec<DataMsg> {
    let on_screen = dashboard.map(|(v, _)| v);
    let fetched_at = Utc::now();
    let Some(c) = r.client::<ApiGateway>() else {
        return no_client(ApiGateway::KIND, &r.name);
    };
    // Lambda and EKS wait for these stages to share their GetMetricData calls.
    let mut coming = r.gather.coming();
    let failed = |e: crate::aws::AwsError| DataMsg::failed(ApiGateway::KIND, &r.name, e);
    let (rest, http) = tokio::join!(
        fetch_rest::fetch(&c.rest, &r.name, live),
        fetch_http::fetch(&c.http, &r.name, live)
    );
    let mut out = Vec::new();
    let mut apis: Vec<Api> = Vec::new();
    let mut unread = Vec::new();
    for (got, fam) in [(rest, family("REST")), (http, family("HTTP"))] {
        match got {
            Ok((a, partial)) => {
                apis.extend(a);
                out.extend(partial.into_iter().map(failed));
            }
            Err(e) => {
                unread.push(fam.to_string());
                out.push(failed(e));
            }
        }
    }
    // Neither list was read: nothing to replace the rows on screen with.
    if unread.len() == 2 {
        return out;
    }
    apis.sort_by(|a, b| a.id.cmp(&b.id));
    // The stages of the APIs on screen first: they are what the user reads.
    let shown = |i: usize| on_screen.is_none_or(|v| v.contains(&apis[i].id));
    let mut refs: Vec<(usize, usize)> = apis
        .iter()
        .enumerate()
        .flat_map(|(i, a)| (0..a.stages.len()).map(move |j| (i, j)))
        .collect();
    refs.sort_by_key(|&(i, _)| !shown(i));
    let split = refs.iter().filter(|&&(i, _)| shown(i)).count();
    if let Some((_, tx)) = dashboard.filter(|_| last.is_empty() && !refs.is_empty()) {
        // A first read waits for no other room's listing.
        coming.hurry();
        let mut first = apis.clone();
        for s in first.iter_mut().flat_map(|a| &mut a.stages) {
            s.metrics.pending = true;
        }
        let rows = ApiGateway::wrap(ApiGatewayData { apis: first, unread: unread.clone() });
        rows_first(tx, live, &r.name, fetched_at, rows).await;
    }
    if !refs.is_empty() {
        let stages: Vec<StageRef> = refs
            .iter()
            .map(|&(i, j)| StageRef {
                protocol: &apis[i].protocol,
                api_id: &apis[i].id,
                api_name: &apis[i].name,
                stage: &apis[i].stages[j].name,
            })
            .collect();
        let window = live.opts.window;
        let (start, end) = cloudwatch::window(fetched_at, window);
        let mut visible = metrics::queries(&stages, window);
        let at = visible.iter().position(|q| metrics::stage_of(&q.id) >= split).unwrap_or(visible.len());
        let background = visible.split_off(at);
        let keys: Vec<(String, String)> = refs.iter().map(|&(i, j)| (apis[i].id.clone(), apis[i].stages[j].name.clone())).collect();
        // Last week's window of the stages on screen (every stage with
        // `--metrics all` and in `--once`), as docs/baseline.md says: asked
        // in calls of their own (a window of its own), charged as the
        // screen's figures, and left unread when the budget cannot afford
        // them with the screen's.
        let compared: Vec<usize> = (0..refs.len())
            .filter(|&q| (q < split || live.opts.metrics_all) && stages[q].protocol != "WEBSOCKET")
            .collect();
        // Bands for the compared stages' figures that have a detector, in
        // the same calls as the figures.
        let visible = metrics::with_bands(visible, &*live.detectors(r).await, &compared);
        let compared_keys: Vec<(String, String)> = compared.iter().map(|&q| keys[q].clone()).collect();
        let mut asked: Vec<usize> = week.due(&compared_keys).into_iter().map(|k| compared[k]).collect();
        let mut week_queries = metrics::week_queries(&asked.iter().map(|&q| stages[q]).collect::<Vec<_>>(), window);
        crate::services::weekago::within_budget(live, &mut asked, &mut week_queries, visible.len());
        let target = live.cloudwatch(r);
        let week_read = crate::services::weekago::read(&r.gather, &target, week_queries, start, end);
        let (got, week_got) = tokio::join!(
            r.gather.fetch(&target, Some(&mut coming), visible, background, start, end),
            week_read
        );
        match week_got {
            Some(Ok(f)) => {
                for (k, &q) in asked.iter().enumerate() {
                    // Held back or failed: unread, asked again next time.
                    if let Some(w) = metrics::week_stats(&f, k) {
                        week.store(keys[q].clone(), w);
                    }
                }
                out.extend(f.errors.into_iter().map(failed));
            }
            Some(Err(e)) => out.push(failed(e)),
            None => {}
        }
        match got {
            Ok(f) => {
                for (q, &(i, j)) in refs.iter().enumerate() {
                    let key = &keys[q];
                    apis[i].stages[j].metrics = if f.deferred && !metrics::asked(&f, q) {
                        // Held back by the budget: the last reading stays,
                        // and a stage never read stays out of `last`, so
                        // scrolling to it wakes the poller.
                        last.get(key).cloned().unwrap_or_default()
                    } else {
                        let mut m = metrics::stats(&f, q, &apis[i].protocol, start, window);
                        m.band = metrics::band_stats(&f, q, start, window);
                        last.insert(key.clone(), m.clone());
                        m
                    };
                }
                for e in f.errors {
                    out.push(failed(e));
                }
            }
            Err(e) => {
                for (q, &(i, j)) in refs.iter().enumerate() {
                    apis[i].stages[j].metrics = last.get(&keys[q]).cloned().unwrap_or_default();
                }
                out.push(failed(e))
            }
        }
        for &q in &compared {
            let (i, j) = refs[q];
            apis[i].stages[j].metrics.week_ago = week.get(&keys[q]);
        }
    }
    out.insert(
        0,
        DataMsg::Loaded {
            account: String::new(),
            region: r.name.clone(),
            fetched_at,
            payload: ApiGateway::wrap(ApiGatewayData { apis, unread }),
        },
    );
    out
}
