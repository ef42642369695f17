//! One region's GetMetricData calls, shared by the rooms that refresh
//! together: the Lambda functions, the API Gateway stages and the EKS
//! clusters of a region go out in the same 500-query calls instead of one
//! call (or more) per room. CloudWatch bills per metric, so sharing saves
//! requests against the account's GetMetricData rate, not money.
//!
//! A room says it is on its way (`coming`) when its refresh starts, before it
//! lists anything. A room whose queries are ready waits for the rooms still
//! on their way, never longer than `WAIT`, and whoever is last sends
//! everyone's queries together. A room nobody waits for goes after `LINGER`,
//! so a refresh asked for alone (a row scrolled into view) is slowed down by
//! 50 ms at most.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{oneshot, Notify};

use super::cloudwatch::{fetch_mixed, Fetched, Query, Target};
use super::{AwsError, ErrorKind};

/// The longest a room's ready queries wait for another room still listing.
pub const WAIT: Duration = Duration::from_secs(1);

/// How long ready queries wait for rooms that are due at the same moment
/// but whose refresh has not started yet: timers of the same instant fire
/// one after the other, and a room with nothing to list would otherwise send
/// its queries before the next one wakes.
pub const LINGER: Duration = Duration::from_millis(50);

type Answer = Result<Fetched, AwsError>;

struct Job {
    id: u64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    visible: Vec<Query>,
    background: Vec<Query>,
    tx: oneshot::Sender<Answer>,
}

#[derive(Default)]
struct State {
    /// Rooms whose refresh has started and whose queries have not come.
    coming: usize,
    next_id: u64,
    jobs: Vec<Job>,
}

#[derive(Default)]
pub struct Gather {
    state: Mutex<State>,
    changed: Notify,
}

/// A room on its way: the others wait for it until it asks or drops this.
pub struct Coming<'a> {
    gather: &'a Gather,
    here: bool,
    urgent: bool,
}

impl Coming<'_> {
    /// The next fetch waits for no other room: a first read, with the user
    /// looking at rows without numbers, goes as soon as it is ready.
    pub fn hurry(&mut self) {
        self.urgent = true;
    }

    fn arrive(&mut self, s: &mut State) {
        if !self.here {
            self.here = true;
            s.coming = s.coming.saturating_sub(1);
        }
    }
}

impl Drop for Coming<'_> {
    fn drop(&mut self) {
        if !self.here {
            if let Ok(mut s) = self.gather.state.lock() {
                self.arrive(&mut s);
            }
            self.gather.changed.notify_waiters();
        }
    }
}

impl Gather {
    /// Marks a room's refresh as started.
    pub fn coming(&self) -> Coming<'_> {
        if let Ok(mut s) = self.state.lock() {
            s.coming += 1;
        }
        Coming {
            gather: self,
            here: false,
            urgent: false,
        }
    }

    #[cfg(test)]
    fn waiting(&self) -> (usize, usize) {
        let s = self.state.lock().unwrap();
        (s.coming, s.jobs.len())
    }

    /// `fetch_mixed` for one room, in the same calls as the other rooms
    /// ready at the same time with the same window. `me` is this room's own
    /// `coming`, if it said so.
    pub async fn fetch(
        &self,
        t: &Target<'_>,
        me: Option<&mut Coming<'_>>,
        visible: &[Query],
        background: &[Query],
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Answer {
        let (tx, rx) = oneshot::channel();
        let urgent = me.as_ref().is_some_and(|c| c.urgent);
        let id = {
            let Ok(mut s) = self.state.lock() else {
                return fetch_mixed(t, visible, background, start, end).await;
            };
            if let Some(me) = me {
                me.arrive(&mut s);
                me.urgent = false;
            }
            let id = s.next_id;
            s.next_id += 1;
            s.jobs.push(Job {
                id,
                start,
                end,
                visible: visible.to_vec(),
                background: background.to_vec(),
                tx,
            });
            id
        };
        self.changed.notify_waiters();
        let asked = tokio::time::Instant::now();
        let (linger, deadline) = (asked + LINGER, asked + WAIT);
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let ready = {
                let Ok(mut s) = self.state.lock() else { break };
                if !s.jobs.iter().any(|j| j.id == id) {
                    // Another room took this one along.
                    break;
                }
                let now = tokio::time::Instant::now();
                ((s.coming == 0 || urgent) && now >= linger || now >= deadline)
                    .then(|| std::mem::take(&mut s.jobs))
            };
            if let Some(jobs) = ready {
                run(t, jobs).await;
                break;
            }
            let next = if tokio::time::Instant::now() < linger { linger } else { deadline };
            tokio::select! {
                _ = changed => {}
                _ = tokio::time::sleep_until(next) => {}
            }
        }
        rx.await.unwrap_or_else(|_| {
            Err(AwsError::new(
                ErrorKind::Other,
                "the shared GetMetricData call was stopped; asked again with the next refresh",
            ))
        })
    }
}

/// Sends the jobs' queries, one `fetch_mixed` per window, each query id
/// prefixed with its job, and hands every job its own part of the answer.
async fn run(t: &Target<'_>, mut jobs: Vec<Job>) {
    while !jobs.is_empty() {
        let (start, end) = (jobs[0].start, jobs[0].end);
        let (group, rest): (Vec<Job>, Vec<Job>) = jobs
            .into_iter()
            .partition(|j| j.start == start && j.end == end);
        jobs = rest;
        if let [only] = &group[..] {
            // Alone: the queries as the room wrote them.
            let got = fetch_mixed(t, &only.visible, &only.background, start, end).await;
            if let Some(j) = group.into_iter().next() {
                let _ = j.tx.send(got);
            }
            continue;
        }
        let tag = |k: usize, qs: &[Query]| -> Vec<Query> {
            qs.iter()
                .map(|q| Query {
                    id: format!("g{k}_{}", q.id),
                    ..q.clone()
                })
                .collect()
        };
        let visible: Vec<Query> = group.iter().enumerate().flat_map(|(k, j)| tag(k, &j.visible)).collect();
        let background: Vec<Query> = group.iter().enumerate().flat_map(|(k, j)| tag(k, &j.background)).collect();
        let got = fetch_mixed(t, &visible, &background, start, end).await;
        for (k, j) in group.into_iter().enumerate() {
            let mine = share(&got, k, &j);
            let _ = j.tx.send(mine);
        }
    }
}

/// Job `k`'s part of a shared answer.
fn share(got: &Answer, k: usize, j: &Job) -> Answer {
    let f = got.as_ref().map_err(Clone::clone)?;
    let prefix = format!("g{k}_");
    let values: std::collections::HashMap<_, _> = f
        .values
        .iter()
        .filter_map(|(id, v)| Some((id.strip_prefix(&prefix)?.to_string(), v.clone())))
        .collect();
    let mut queries = j.visible.iter().chain(&j.background);
    Ok(Fetched {
        deferred: f.deferred && queries.clone().any(|q| !values.contains_key(&q.id)),
        optional_rejected: f.optional_rejected && queries.any(|q| q.optional),
        errors: f.errors.clone(),
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_room_on_its_way_is_waited_for_then_dropped_after_the_wait() {
        let g = Gather::default();
        let mut a = g.coming();
        let b = g.coming();
        assert_eq!(g.waiting(), (2, 0));
        {
            let mut s = g.state.lock().unwrap();
            a.arrive(&mut s);
            a.arrive(&mut s);
        }
        // Arriving twice counts once; dropping an arrived one counts nothing.
        assert_eq!(g.waiting(), (1, 0));
        drop(a);
        assert_eq!(g.waiting(), (1, 0));
        drop(b);
        assert_eq!(g.waiting(), (0, 0));
    }
}
