//! ECR against the real account: repositories and images every interval
//! (ten minutes by default), and the findings of an image as soon as the
//! user opens it.

use std::collections::HashMap;

use chrono::Utc;
use tokio::time::Instant;

use super::domain::{EcrData, Finding, Findings, Repository};
use super::{fetch, Ecr};
use crate::aws::backoff::{next_delay, salt};
use crate::aws::client::CallCounter;
use crate::services::live::{
    no_client, retry_in, sdk_client, throttled, Live, PollCtx, RegionClients,
};
use crate::services::msg::DataMsg;
use crate::services::room::{BoxFuture, Registered, RoomLive};

impl RoomLive for Ecr {
    type Client = aws_sdk_ecr::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_ecr, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poll(cx))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move {
            let Some(c) = r.client::<Ecr>() else {
                return no_client(Ecr::KIND, &r.name);
            };
            let fetched_at = Utc::now();
            match fetch::repositories(c, &r.name, live).await {
                Ok(repositories) => vec![loaded(&r.name, fetched_at, repositories)],
                Err((op, e)) => vec![DataMsg::failed(Ecr::KIND, &r.name, op, e)],
            }
        })
    }
}

fn loaded(region: &str, fetched_at: chrono::DateTime<Utc>, repositories: Vec<Repository>) -> DataMsg {
    DataMsg::Loaded {
        region: region.to_string(),
        fetched_at,
        payload: Ecr::wrap(EcrData { repositories }),
    }
}

type Details = HashMap<String, (Vec<Finding>, Option<Findings>)>;

/// Puts the findings read for opened images into the repositories.
fn with_details(mut repos: Vec<Repository>, details: &Details) -> Vec<Repository> {
    for r in &mut repos {
        for i in &mut r.images {
            if let Some((list, counts)) = details.get(&format!("{}@{}", r.name, i.digest)) {
                i.details = Some(list.clone());
                if i.findings.is_none() {
                    i.findings = *counts;
                }
            }
        }
    }
    repos
}

async fn poll(mut cx: PollCtx) {
    let live = cx.live.clone();
    let region = &live.regions[cx.region];
    let Some(client) = region.client::<Ecr>() else {
        let _ = cx.send(no_client(Ecr::KIND, &region.name)).await;
        return;
    };
    let mut repos: Option<(chrono::DateTime<Utc>, Vec<Repository>)> = None;
    let mut details: Details = HashMap::new();
    let mut throttles = 0;
    let mut refresh = true;
    loop {
        let mut msgs = Vec::new();
        if refresh {
            let at = Utc::now();
            match fetch::repositories(client, &region.name, &live).await {
                Ok(r) => repos = Some((at, r)),
                Err((op, e)) => msgs.push(DataMsg::failed(Ecr::KIND, &region.name, op, e)),
            }
        }
        // The images on screen now: their findings, once each.
        let open: Vec<String> = cx.visible.borrow_and_update().clone();
        details.retain(|k, _| open.contains(k));
        let missing: Vec<&String> = open.iter().filter(|k| !details.contains_key(*k)).collect();
        for key in missing {
            let Some((repo, digest)) = key.split_once('@') else { continue };
            match fetch::findings(client, &live, repo, digest).await {
                Ok(found) => {
                    details.insert(key.clone(), found);
                }
                Err((op, e)) => msgs.push(DataMsg::failed(Ecr::KIND, &region.name, op, e)),
            }
        }
        if let Some((at, r)) = &repos {
            msgs.insert(0, loaded(&region.name, *at, with_details(r.clone(), &details)));
        }
        throttles = if throttled(&msgs) { throttles + 1 } else { 0 };
        let delay = next_delay(live.opts.intervals.get(Ecr::KIND), throttles, salt());
        retry_in(&mut msgs, delay);
        if !cx.send(msgs).await {
            return;
        }
        let deadline = Instant::now() + delay;
        refresh = loop {
            tokio::select! {
                _ = tokio::time::sleep_until(deadline) => break true,
                _ = cx.waker.refresh.changed() => break true,
                v = cx.visible.changed() => {
                    if v.is_err() {
                        tokio::time::sleep_until(deadline).await;
                        break true;
                    }
                    let open = cx.visible.borrow().clone();
                    if throttles == 0 && open.iter().any(|k| !details.contains_key(k)) {
                        break false;
                    }
                }
            }
        };
    }
}
