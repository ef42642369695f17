//! One region's GetMetricData calls, the one way every room reads metrics:
//! the queries of the rooms that refresh together and read the same window
//! go out in the same 500-query calls instead of one call (or more) per
//! room; each window is a call of its own. CloudWatch bills per metric, so
//! sharing saves requests against the account's GetMetricData rate, not
//! money; the budget is charged for every query either way.
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

use super::cloudwatch::{fetch_mixed, rename_refs, Fetched, Query, Target};
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

    /// `fetch` of the rows on screen for a room that shares no listing with
    /// the others: it waits for no room on its way, and goes out with the
    /// queries ready at the same moment (`LINGER`).
    pub async fn fetch_now(
        &self,
        t: &Target<'_>,
        visible: Vec<Query>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Answer {
        let mut me = self.coming();
        me.hurry();
        self.fetch(t, Some(&mut me), visible, Vec::new(), start, end)
            .await
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
        // Owned: a sweep's queries are hundreds of small strings, and a copy
        // kept here would double them while the call is out.
        visible: Vec<Query>,
        background: Vec<Query>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Answer {
        let (tx, rx) = oneshot::channel();
        let urgent = me.as_ref().is_some_and(|c| c.urgent);
        let id = {
            let Ok(mut s) = self.state.lock() else {
                return fetch_mixed(t, &visible, &background, start, end).await;
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
                visible,
                background,
                tx,
            });
            id
        };
        self.changed.notify_waiters();
        // Dropped before its answer (the refresh abandoned): its job goes too,
        // rather than be asked and paid for by the next room.
        let mut unsent = Unsent {
            gather: self,
            id: Some(id),
        };
        let mut rx = rx;
        let asked = tokio::time::Instant::now();
        let (linger, deadline) = (asked + LINGER, asked + WAIT);
        let stopped = || {
            Err(AwsError::new(
                ErrorKind::Other,
                "the shared GetMetricData call was stopped; asked again with the next refresh",
            )
            .during("GetMetricData"))
        };
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            // (taken along by another room, the jobs to send now)
            let (taken, ready) = {
                let Ok(mut s) = self.state.lock() else {
                    return stopped();
                };
                if !s.jobs.iter().any(|j| j.id == id) {
                    (true, None)
                } else {
                    let now = tokio::time::Instant::now();
                    let go = (s.coming == 0 || urgent) && now >= linger || now >= deadline;
                    (false, go.then(|| std::mem::take(&mut s.jobs)))
                }
            };
            if taken {
                // Another room took this one along: its answer comes.
                unsent.id = None;
                return rx.await.unwrap_or_else(|_| stopped());
            }
            if let Some(jobs) = ready {
                unsent.id = None;
                run(t, jobs).await;
                return rx.await.unwrap_or_else(|_| stopped());
            }
            let next = if tokio::time::Instant::now() < linger {
                linger
            } else {
                deadline
            };
            tokio::select! {
                // Sent along with another room's: the answer is here.
                got = &mut rx => {
                    unsent.id = None;
                    return got.unwrap_or_else(|_| stopped());
                }
                _ = changed => {}
                _ = tokio::time::sleep_until(next) => {}
            }
        }
    }
}

/// A job still waiting in the gather, removed if its room stops waiting.
struct Unsent<'a> {
    gather: &'a Gather,
    id: Option<u64>,
}

impl Drop for Unsent<'_> {
    fn drop(&mut self) {
        if let (Some(id), Ok(mut s)) = (self.id, self.gather.state.lock()) {
            s.jobs.retain(|j| j.id != id);
        }
    }
}

/// Sends the jobs' queries, one `fetch_mixed` per window (a call has one),
/// the windows side by side so that none waits for another's answer, and
/// hands every job its own part of the answer.
async fn run(t: &Target<'_>, mut jobs: Vec<Job>) {
    let mut windows = Vec::new();
    while !jobs.is_empty() {
        let (start, end) = (jobs[0].start, jobs[0].end);
        let (group, rest): (Vec<Job>, Vec<Job>) = jobs
            .into_iter()
            .partition(|j| j.start == start && j.end == end);
        jobs = rest;
        windows.push(window(t, group, start, end));
    }
    futures_util::future::join_all(windows).await;
}

/// The jobs of one window in the same calls, each query id prefixed with
/// its job.
async fn window(t: &Target<'_>, group: Vec<Job>, start: DateTime<Utc>, end: DateTime<Utc>) {
    if let [only] = &group[..] {
        // Alone: the queries as the room wrote them.
        let got = fetch_mixed(t, &only.visible, &only.background, start, end).await;
        if let Some(j) = group.into_iter().next() {
            let _ = j.tx.send(got);
        }
        return;
    }
    let visible: Vec<Query> = group
        .iter()
        .enumerate()
        .flat_map(|(k, j)| tag(k, j, &j.visible))
        .collect();
    let background: Vec<Query> = group
        .iter()
        .enumerate()
        .flat_map(|(k, j)| tag(k, j, &j.background))
        .collect();
    let got = fetch_mixed(t, &visible, &background, start, end).await;
    for (k, j) in group.into_iter().enumerate() {
        let mine = share(&got, k, &j);
        let _ = j.tx.send(mine);
    }
}

/// `qs` of job `k` (`j`) with their ids prefixed `g{k}_`, and the ids its
/// expressions name with them: a band must still name its own metric.
fn tag(k: usize, j: &Job, qs: &[Query]) -> Vec<Query> {
    let own: std::collections::HashSet<&str> = j.visible.iter().chain(&j.background).map(|q| q.id.as_str()).collect();
    qs.iter()
        .map(|q| Query {
            id: format!("g{k}_{}", q.id),
            stat: if q.is_expression() {
                rename_refs(&q.stat, |w| own.contains(w).then(|| format!("g{k}_{w}")))
            } else {
                q.stat.clone()
            },
            ..q.clone()
        })
        .collect()
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
    let queries = || j.visible.iter().chain(&j.background);
    let optional = queries().any(|q| q.optional);
    // Another room's failure is not this one's: a refusal of the optional
    // queries goes to the rooms that asked any, the rest to the rooms with
    // a value missing.
    let missing = queries().any(|q| !q.optional && !values.contains_key(&q.id));
    let errors: Vec<AwsError> = f
        .errors
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            if f.optional_error == Some(*i) {
                optional
            } else {
                missing
            }
        })
        .map(|(_, e)| e.clone())
        .collect();
    Ok(Fetched {
        deferred: f.deferred && queries().any(|q| !values.contains_key(&q.id)),
        optional_rejected: f.optional_rejected && optional,
        optional_error: errors
            .iter()
            .position(|e| f.optional_error.is_some_and(|i| f.errors[i] == *e)),
        errors,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(id: &str, optional: bool) -> Query {
        Query {
            id: id.into(),
            namespace: "AWS/Lambda",
            metric: "Invocations",
            dims: vec![],
            stat: "Sum".into(),
            period_s: 60,
            optional,
        }
    }

    fn job(visible: Vec<Query>) -> Job {
        let now = Utc::now();
        Job {
            id: 0,
            start: now,
            end: now,
            visible,
            background: vec![],
            tx: oneshot::channel().0,
        }
    }

    #[test]
    fn each_room_gets_its_own_values_and_only_the_failures_that_are_its_own() {
        let mut f = Fetched::default();
        f.values.insert("g0_a".into(), vec![]);
        f.values.insert("g1_b".into(), vec![]);
        f.errors
            .push(AwsError::new(ErrorKind::Other, "a later chunk failed"));
        f.errors
            .push(AwsError::new(ErrorKind::Other, "p99 unavailable: no"));
        f.optional_error = Some(1);
        f.optional_rejected = true;
        let got = Ok(f);
        // Room 0 asked a percentile and got its one value.
        let a = share(&got, 0, &job(vec![q("a", false), q("p", true)])).unwrap();
        assert_eq!(a.values.keys().collect::<Vec<_>>(), ["a"]);
        assert!(a.optional_rejected && a.optional_error == Some(0));
        assert_eq!(a.errors.len(), 1);
        assert!(a.errors[0].message.starts_with("p99"));
        // Room 1 asked no percentile and misses a value: the other failure is its.
        let b = share(&got, 1, &job(vec![q("b", false), q("c", false)])).unwrap();
        assert_eq!(b.values.keys().collect::<Vec<_>>(), ["b"]);
        assert!(!b.optional_rejected && b.optional_error.is_none());
        assert_eq!(b.errors.len(), 1);
        assert!(b.errors[0].message.contains("later chunk"));
        // A room with everything it asked hears of neither.
        let c = share(&got, 1, &job(vec![q("b", false)])).unwrap();
        assert!(c.errors.is_empty());
    }

    #[test]
    fn a_shared_calls_ids_are_renamed_inside_expressions_too() {
        let mut metric = q("f0_err", false);
        metric.metric = "Errors";
        let band = Query::expression("f0_berr", "ANOMALY_DETECTION_BAND(f0_err, 2)");
        // A name that is no query of this job's is left as it is.
        let other = Query::expression("x", "f0_err + f9_err * 2 + SEARCH('f0_err', 60)");
        let j = job(vec![metric, band]);
        let got = tag(3, &j, &j.visible);
        let ids: Vec<&str> = got.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["g3_f0_err", "g3_f0_berr"]);
        assert_eq!(got[1].stat, "ANOMALY_DETECTION_BAND(g3_f0_err, 2)");
        assert_eq!(got[0].stat, "Sum", "a metric's statistic is no expression");
        let got = tag(1, &j, &[other]);
        assert_eq!(got[0].stat, "g1_f0_err + f9_err * 2 + SEARCH('f0_err', 60)");
    }

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
