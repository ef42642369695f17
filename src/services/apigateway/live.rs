//! API Gateway against the real account: every refresh reads the REST APIs
//! (v1) and the HTTP and WebSocket APIs (v2) side by side, then one
//! GetMetricData call for every stage of the region. The SDK calls live in
//! `fetch_rest` and `fetch_http`, one service each; this file only builds
//! the clients.

use chrono::Utc;

use super::domain::{family, Api, ApiGatewayData};
use super::metrics::StageRef;
use super::{fetch_http, fetch_rest, metrics, ApiGateway};
use crate::aws::client::CallCounter;
use crate::aws::cloudwatch;
use crate::services::live::{no_client, poll_simple, sdk_client, Live, PollCtx, RegionClients};
use crate::services::msg::DataMsg;
use crate::services::room::{BoxFuture, Registered, RoomLive};

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
        Box::pin(poll_simple::<ApiGateway>(cx))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(refresh(live, r))
    }
}

async fn refresh(live: &Live, r: &RegionClients) -> Vec<DataMsg> {
    let fetched_at = Utc::now();
    let Some(c) = r.client::<ApiGateway>() else {
        return no_client(ApiGateway::KIND, &r.name);
    };
    let failed = |op: &str, e: crate::aws::AwsError| DataMsg::failed(ApiGateway::KIND, &r.name, op, e);
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
                out.extend(partial.into_iter().map(|(op, e)| failed(op, e)));
            }
            Err((op, e)) => {
                unread.push(fam.to_string());
                out.push(failed(op, e));
            }
        }
    }
    // Neither list was read: nothing to replace the rows on screen with.
    if unread.len() == 2 {
        return out;
    }
    apis.sort_by(|a, b| a.id.cmp(&b.id));
    let refs: Vec<(usize, usize)> = apis
        .iter()
        .enumerate()
        .flat_map(|(i, a)| (0..a.stages.len()).map(move |j| (i, j)))
        .collect();
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
        let queries = metrics::queries(&stages, window);
        match cloudwatch::fetch(&live.cloudwatch(r), crate::aws::budget::Class::Visible, &queries, start, end).await {
            Ok(f) => {
                for (q, &(i, j)) in refs.iter().enumerate() {
                    let m = metrics::stats(&f, q, &apis[i].protocol, start, window);
                    apis[i].stages[j].metrics = m;
                }
                for e in f.errors {
                    out.push(failed("GetMetricData", e));
                }
            }
            Err(e) => out.push(failed("GetMetricData", e)),
        }
    }
    out.insert(
        0,
        DataMsg::Loaded {
            region: r.name.clone(),
            fetched_at,
            payload: ApiGateway::wrap(ApiGatewayData { apis, unread }),
        },
    );
    out
}
