//! Batch against the real account: queues and their jobs every interval;
//! the job definitions they name every tenth refresh (five minutes at the
//! default 30 s), at once when a job names a revision newer than the one
//! known, or when the user asks (`r`). Revisions are registered by deploys,
//! so asking every 30 s would spend the account's Batch quota on answers
//! that do not change.

use chrono::Utc;

use super::domain::{definition_revision, BatchData, JobDefinition};
use super::Batch;
use crate::aws::client::CallCounter;
use crate::services::live::{no_client, sdk_client, Live, RegionClients};
use crate::services::msg::DataMsg;
use crate::services::poller::{self, PollCtx, Poller, Woke};
use crate::services::room::{BoxFuture, Registered, RoomLive};

/// Refreshes between two reads of the job definitions.
const DEFINITIONS_EVERY: u32 = 10;

impl RoomLive for Batch {
    type Client = aws_sdk_batch::Client;

    fn client(cfg: &aws_config::SdkConfig, counter: &CallCounter, _custom: bool) -> Self::Client {
        sdk_client!(aws_sdk_batch, cfg, counter)
    }

    fn poll(cx: PollCtx) -> BoxFuture<'static, ()> {
        Box::pin(poller::run(cx, Poll::default()))
    }

    fn once<'a>(live: &'a Live, r: &'a RegionClients) -> BoxFuture<'a, Vec<DataMsg>> {
        Box::pin(read(live, r, None))
    }
}

/// The definitions read last, and how many refreshes ago.
#[derive(Default)]
struct Poll {
    known: Option<Vec<JobDefinition>>,
    since: u32,
}

impl Poll {
    /// Whether the definitions must be read again for `data`'s jobs.
    fn stale(&self, data: &BatchData, asked: bool) -> bool {
        let Some(known) = &self.known else { return true };
        asked
            || self.since >= DEFINITIONS_EVERY
            || data
                .queues
                .iter()
                .flat_map(|q| q.jobs.iter())
                .filter_map(|j| definition_revision(j.job_definition.as_deref()?))
                .any(|(name, rev)| !known.iter().any(|d| d.name == name && d.revision >= rev))
    }
}

impl Poller for Poll {
    type Room = Batch;
    const ON_GRID: bool = false;

    fn refresh<'a>(&'a mut self, cx: &'a mut PollCtx, woke: Woke) -> BoxFuture<'a, Option<Vec<DataMsg>>> {
        Box::pin(async move {
            let live = cx.live.clone();
            Some(read(&live, &live.regions[cx.region], Some((self, woke == Woke::Refresh))).await)
        })
    }
}

/// One read of a region. With a poller's memory, the definitions are read
/// only when `Poll::stale` says so; `--once` always reads them.
async fn read(live: &Live, r: &RegionClients, poll: Option<(&mut Poll, bool)>) -> Vec<DataMsg> {
    let fetched_at = Utc::now();
    let Some(c) = r.client::<Batch>() else {
        return no_client(Batch::KIND, &r.name);
    };
    let mut d = match super::fetch::fetch(c, &r.name, live).await {
        Ok(d) => d,
        Err(e) => return vec![DataMsg::failed(Batch::KIND, &r.name, e)],
    };
    let mut failed = None;
    let reuse = poll.as_ref().is_some_and(|(p, asked)| !p.stale(&d, *asked));
    match poll {
        Some((p, _)) if reuse => {
            p.since += 1;
            d.definitions = p.known.clone().unwrap_or_default();
        }
        // Without the definitions the queues still show: say why a revision
        // is not seen, and keep the rest.
        _ => match super::fetch::definitions(c, &r.name, live, &d).await {
            Ok(v) => {
                if let Some((p, _)) = poll {
                    p.known = Some(v.clone());
                    p.since = 1;
                }
                d.definitions = v;
            }
            Err(e) => failed = Some(e),
        },
    }
    let mut out = vec![DataMsg::Loaded {
        account: String::new(),
        region: r.name.clone(),
        fetched_at,
        payload: Batch::wrap(d),
    }];
    out.extend(failed.map(|e| DataMsg::failed(Batch::KIND, &r.name, e)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::batch::domain::{Job, JobQueue};

    fn data(defs: &[&str]) -> BatchData {
        BatchData {
            queues: vec![JobQueue {
                jobs: defs
                    .iter()
                    .map(|d| Job { job_definition: Some(d.to_string()), ..Default::default() })
                    .collect(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn known(name: &str, revision: i32) -> JobDefinition {
        JobDefinition { name: name.into(), account: Default::default(), region: "us-east-1".into(), revision }
    }

    #[test]
    fn definitions_are_read_again_only_when_due_asked_or_outrun_by_a_job() {
        let mut p = Poll::default();
        assert!(p.stale(&data(&["etl:6"]), false), "never read");
        p.known = Some(vec![known("etl", 6)]);
        p.since = 1;
        assert!(!p.stale(&data(&["etl:6", "etl:5"]), false), "nothing newer than known");
        assert!(p.stale(&data(&["etl:7"]), false), "a job on a newer revision");
        assert!(p.stale(&data(&["reports:1"]), false), "a definition not read yet");
        assert!(p.stale(&data(&["etl:6"]), true), "the user asked");
        p.since = DEFINITIONS_EVERY;
        assert!(p.stale(&data(&["etl:6"]), false), "due");
    }
}
