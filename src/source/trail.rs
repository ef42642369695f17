//! Who changed what, and which alarms changed state: CloudTrail's write
//! events and CloudWatch's alarm history of one account's region, read at
//! most once a minute. The first look covers the window; later ones start
//! at the newest event seen. A look that is refused (LookupEvents denied)
//! is not asked again for half an hour, one that failed (or is not served)
//! for five minutes, and its reason is sent with every look meanwhile: the
//! changes are then the services' own, without who made them.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::aws::pace::Pace;
use crate::aws::{AwsError, ErrorKind};
use crate::changes::window_start;
use crate::services::live::{send_all, Live, RegionClients};
use crate::services::msg::{ApiError, DataMsg, DataTx};
use crate::services::turns::AccountTurns;

/// How often a region is looked at: at most once a minute.
pub const EVERY: Duration = Duration::from_secs(60);
/// How long a refused look rests before it is asked again.
pub const REST_AFTER_REFUSAL: Duration = Duration::from_secs(30 * 60);
/// How long a look the service failed (or does not serve) rests.
pub const REST_AFTER_FAILURE: Duration = Duration::from_secs(5 * 60);

/// One account's region: its LookupEvents pace, and where the next looks start.
#[derive(Debug)]
pub struct Trail {
    pace: Pace,
    trail_from: Option<DateTime<Utc>>,
    alarms_from: Option<DateTime<Utc>>,
    /// Not asked again before then, and why.
    trail_rest: Option<(Instant, ApiError)>,
    alarms_rest: Option<(Instant, ApiError)>,
}

impl Default for Trail {
    fn default() -> Self {
        Trail {
            pace: crate::aws::cloudtrail::pace(),
            trail_from: None,
            alarms_from: None,
            trail_rest: None,
            alarms_rest: None,
        }
    }
}

/// How long a failure of this kind keeps the look from being asked again:
/// denied, or not a call the endpoint knows, for long; an error of the
/// service's own (or one the endpoint does not serve) for a few minutes;
/// anything else (throttled, timed out) until the next minute.
fn rest_for(kind: ErrorKind) -> Option<Duration> {
    match kind {
        ErrorKind::AccessDenied | ErrorKind::NotFound => Some(REST_AFTER_REFUSAL),
        ErrorKind::Service => Some(REST_AFTER_FAILURE),
        _ => None,
    }
}

/// The reason kept while a refused look rests, if it still does.
fn resting(rest: &Option<(Instant, ApiError)>) -> Option<&ApiError> {
    rest.as_ref().filter(|(until, _)| Instant::now() < *until).map(|(_, e)| e)
}

impl Trail {
    /// One look at region `r` of `live`, ending at `now`; none when the
    /// region has neither client.
    pub async fn look(&mut self, live: &Live, r: &RegionClients, now: DateTime<Utc>) -> Option<DataMsg> {
        let trail = r.trail.as_ref().filter(|_| live.opts.cloudtrail);
        if trail.is_none() && r.alarms.is_none() {
            return None;
        }
        let start = window_start(now, live.opts.window);
        let mut changes = Vec::new();
        let mut unread = Vec::new();
        if let Some(ct) = trail {
            if let Some(e) = resting(&self.trail_rest) {
                unread.push(e.clone());
            } else {
                let since = self.trail_from.map_or(start, |t| t.max(start));
                let looked =
                    crate::aws::cloudtrail::look(ct, &mut self.pace, since, now, &live.key, &r.name, live.endpoint()).await;
                match looked {
                    Ok(l) => {
                        self.trail_from = self.trail_from.max(l.newest);
                        self.trail_rest = None;
                        changes.extend(l.changes);
                    }
                    Err(e) => unread.push(self.refusal(&r.name, "cloudtrail", e, true)),
                }
            }
        }
        if let Some(cw) = &r.alarms {
            if let Some(e) = resting(&self.alarms_rest) {
                unread.push(e.clone());
            } else {
                let since = self.alarms_from.map_or(start, |t| t.max(start));
                match crate::aws::alarm_history::look(cw, since, now, &live.key, &r.name, live.endpoint()).await {
                    Ok((found, newest)) => {
                        self.alarms_from = self.alarms_from.max(newest);
                        self.alarms_rest = None;
                        changes.extend(found);
                    }
                    Err(e) => unread.push(self.refusal(&r.name, "cloudwatch", e, false)),
                }
            }
        }
        Some(DataMsg::Changes {
            account: live.key.clone(),
            region: r.name.clone(),
            fetched_at: now,
            changes,
            unread,
        })
    }

    /// `e` as the reason a part was not read; a refusal rests.
    fn refusal(&mut self, region: &str, service: &str, e: AwsError, trail: bool) -> ApiError {
        let rest = rest_for(e.kind);
        let mut e = ApiError::new(service, region, e);
        e.retry_in_s = Some(rest.unwrap_or(EVERY).as_secs());
        if let Some(rest) = rest {
            let kept = Some((Instant::now() + rest, e.clone()));
            if trail {
                self.trail_rest = kept;
            } else {
                self.alarms_rest = kept;
            }
        }
        e
    }
}

/// Region `region` of `live`, once a minute until the app hangs up; with
/// several accounts, in the account's turn.
pub async fn run(live: Arc<Live>, region: usize, tx: DataTx, turns: Option<Arc<AccountTurns>>) {
    let mut t = Trail::default();
    loop {
        let Some(r) = live.regions.get(region) else {
            return;
        };
        let turn = match &turns {
            Some(a) => Some(a.enter().await),
            None => None,
        };
        let msg = t.look(&live, r, Utc::now()).await;
        drop(turn);
        let Some(msg) = msg else {
            return;
        };
        if !send_all(&tx, &live, vec![msg]).await {
            return;
        }
        tokio::time::sleep(EVERY).await;
    }
}

/// `--once`: one look at every region, by `deadline`; a region not done by
/// then says so.
pub async fn once(live: &Live, deadline: Instant, limit: Duration) -> Vec<DataMsg> {
    let looks = live.regions.iter().map(|r| async move {
        let mut t = Trail::default();
        let now = Utc::now();
        match tokio::time::timeout_at(deadline, t.look(live, r, now)).await {
            Ok(m) => m,
            Err(_) => Some(DataMsg::Changes {
                account: live.key.clone(),
                region: r.name.clone(),
                fetched_at: now,
                changes: Vec::new(),
                unread: vec![ApiError::new(
                    "cloudtrail",
                    &r.name,
                    AwsError::new(ErrorKind::Timeout, format!("not read within the run's {} s", limit.as_secs()))
                        .during("LookupEvents"),
                )],
            }),
        }
    });
    futures_util::future::join_all(looks).await.into_iter().flatten().collect()
}
