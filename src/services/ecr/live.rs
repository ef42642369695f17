//! ECR against the real account: repositories and images every interval
//! (ten minutes by default), and the findings of an image as soon as the
//! user opens it.

use std::collections::HashMap;

use chrono::Utc;

use super::domain::{EcrData, Finding, Findings, Repository};
use super::{fetch, Ecr};
use crate::aws::client::CallCounter;
use crate::services::live::{no_client, sdk_client, Live, RegionClients};
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::msg::{self, DataMsg};
use crate::services::room::{BoxFuture, Registered, RoomLive};

impl RoomLive for Ecr {
    type Client = aws_sdk_ecr::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_ecr, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poller::run(cx, Poll::default()))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(async move {
            let Some(c) = r.client::<Ecr>() else {
                return no_client(Ecr::KIND, &r.name);
            };
            let fetched_at = Utc::now();
            // Side by side with ECS, nothing is published yet: the images in
            // use beyond a repository's page come in `once_wanted`.
            match fetch::repositories(c, &r.name, live, &[]).await {
                Ok(repositories) => vec![loaded(&r.name, fetched_at, repositories)],
                Err(e) => vec![DataMsg::failed(Ecr::KIND, &r.name, e)],
            }
        })
    }

    /// Once ECS has been read: the images its tasks use that a repository's
    /// page left out, read by name into the repositories `once` read.
    fn once_wanted<'a>(
        live: &'a Live,
        r: &'a RegionClients,
        msgs: &'a mut Vec<DataMsg>,
        wanted: &'a [String],
    ) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(c) = r.client::<Ecr>() else { return };
            let used: Vec<String> = wanted.iter().filter_map(|k| msg::wanted_name(k)).map(str::to_string).collect();
            let mut failed = None;
            for m in msgs.iter_mut() {
                let DataMsg::Loaded { payload, .. } = m else { continue };
                let Some(d) = Ecr::payload_mut(payload) else { continue };
                if let Err(e) = fetch::used(c, live, &mut d.repositories, &used).await {
                    failed = Some(DataMsg::failed(Ecr::KIND, &r.name, e));
                }
            }
            msgs.extend(failed);
        })
    }
}

fn loaded(region: &str, fetched_at: chrono::DateTime<Utc>, repositories: Vec<Repository>) -> DataMsg {
    DataMsg::Loaded {
        account: String::new(),
        region: region.to_string(),
        fetched_at,
        payload: Ecr::wrap(EcrData { repositories }),
    }
}

/// The `visible` keys: the images running tasks use (`Ecr::wants`), and
/// the images open.
fn split(keys: Vec<String>) -> (Vec<String>, Vec<String>) {
    let (used, open): (Vec<String>, Vec<String>) = keys.into_iter().partition(|k| msg::wanted_name(k).is_some());
    let used = used.iter().filter_map(|k| msg::wanted_name(k)).map(str::to_string).collect();
    (used, open)
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

/// What ECR keeps between refreshes: the repositories last read, the
/// findings of the images open now, and the images running tasks use that
/// were looked for.
#[derive(Default)]
struct Poll {
    repos: Option<(chrono::DateTime<Utc>, Vec<Repository>)>,
    details: Details,
    used: Vec<String>,
}

impl Poller for Poll {
    type Room = Ecr;
    const ON_GRID: bool = false;
    /// An image opened wants its findings now: opening is no scrolling.
    const SETTLE: std::time::Duration = std::time::Duration::ZERO;

    /// Woken for an image opened: its findings only.
    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, woke: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            let region = &live.regions[cx.region];
            let Some(client) = region.client::<Ecr>() else {
                return Some(no_client(Ecr::KIND, &region.name));
            };
            let mut msgs = Vec::new();
            let keys: Vec<String> = cx.visible.borrow_and_update().clone();
            let (used, open) = split(keys);
            if woke != Woke::Scrolled {
                let at = Utc::now();
                match fetch::repositories(client, &region.name, &live, &used).await {
                    Ok(r) => {
                        self.repos = Some((at, r));
                        self.used = used;
                    }
                    Err(e) => msgs.push(DataMsg::failed(Ecr::KIND, &region.name, e)),
                }
            } else if let Some((_, repos)) = &mut self.repos {
                // Tasks started on images not looked for yet: those alone.
                let new: Vec<String> = used.iter().filter(|k| !self.used.contains(k)).cloned().collect();
                if !new.is_empty() {
                    match fetch::used(client, &live, repos, &new).await {
                        Ok(()) => self.used = used,
                        Err(e) => msgs.push(DataMsg::failed(Ecr::KIND, &region.name, e)),
                    }
                }
            }
            // The images on screen now: their findings, once each.
            self.details.retain(|k, _| open.contains(k));
            let missing: Vec<&String> = open.iter().filter(|k| !self.details.contains_key(*k)).collect();
            for key in missing {
                let Some((repo, digest)) = key.split_once('@') else { continue };
                match fetch::findings(client, &live, repo, digest).await {
                    Ok(found) => {
                        self.details.insert(key.clone(), found);
                    }
                    Err(e) => msgs.push(DataMsg::failed(Ecr::KIND, &region.name, e)),
                }
            }
            if let Some((at, r)) = &self.repos {
                msgs.insert(0, loaded(&region.name, *at, with_details(r.clone(), &self.details)));
            }
            Some(msgs)
        })
    }

    fn unread(&self, visible: &[String]) -> bool {
        visible.iter().any(|k| match msg::wanted_name(k) {
            Some(used) => !self.used.iter().any(|u| u == used),
            None => !self.details.contains_key(k),
        })
    }
}
