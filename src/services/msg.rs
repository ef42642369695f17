//! What sources send and what they are asked: the message stream a
//! recording captures and a replay feeds back. Below the app: nothing here
//! knows about keys, terminals or the Model.

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use super::{Payload, ServiceKind};
use crate::aws::{AwsError, ErrorKind};

/// Who we are looking at: shown in the header and written into snapshots.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: Option<String>,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub regions: Vec<String>,
}

/// One failed read, kept so the pane and the snapshot can say why data is missing or stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub service: String,
    /// The account's key (`scope::Scope`): empty for the current credentials'.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account: String,
    pub region: String,
    pub operation: String,
    pub message: String,
    /// What kind of failure: decides backoff and what the pane suggests.
    #[serde(default)]
    pub kind: ErrorKind,
    /// When the poller tries again, if it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_in_s: Option<u64>,
    #[serde(skip)]
    pub at: Option<DateTime<Utc>>,
}

impl ApiError {
    /// `e` of `service` in `region`, under the operation `e` names.
    pub fn new(service: &str, region: &str, e: AwsError) -> ApiError {
        ApiError {
            service: service.to_string(),
            account: String::new(),
            region: region.to_string(),
            operation: e.operation.to_string(),
            message: e.message,
            kind: e.kind,
            retry_in_s: None,
            at: Some(Utc::now()),
        }
    }

    /// Seconds until the poller tries again, counted down from when the
    /// failure was seen (as said, when that time is not known: a replay).
    pub fn retry_left(&self, now: DateTime<Utc>) -> Option<u64> {
        let said = self.retry_in_s?;
        let Some(at) = self.at else {
            return Some(said);
        };
        let passed = now.signed_duration_since(at).num_seconds().max(0) as u64;
        Some(said.saturating_sub(passed))
    }
}

/// What sources send: the stream a recording captures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataMsg {
    Account(Account),
    Loaded {
        /// The account's key (`scope::Scope`); empty for the current
        /// credentials' account, and in recordings made before accounts.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        account: String,
        region: String,
        fetched_at: DateTime<Utc>,
        payload: Payload,
    },
    Failed {
        service: ServiceKind,
        error: ApiError,
    },
    /// Lines from a live tail of one row's log (a Lambda function's).
    Tail {
        /// The row tailed. Recordings before it was named `key` said `function`.
        #[serde(alias = "function")]
        key: String,
        lines: Vec<TailLine>,
    },
    /// What CloudTrail and the alarm history said changed in one account's
    /// region (`source::trail`), and why a part of it could not be read.
    Changes {
        /// The account's key (`scope::Scope`), as `Loaded`'s.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        account: String,
        region: String,
        fetched_at: DateTime<Utc>,
        changes: Vec<crate::changes::Change>,
        /// A part not read (LookupEvents denied: who made a change is not
        /// known); empty when both were.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unread: Vec<ApiError>,
    },
    /// What Cost Explorer says was spent (`--actuals`), or why it could not be read.
    Actuals(Result<crate::cost::actuals::Actuals, crate::cost::BillError>),
    /// The accounts watched, as they were found or failed.
    Accounts(Vec<super::scope::AccountInfo>),
    /// The live tail ended or could not start.
    TailEnded {
        #[serde(alias = "function")]
        key: String,
        reason: String,
    },
    /// Who we are could not be read (STS); the panes may still work.
    AccountFailed(ApiError),
    /// Running totals of API requests by `service.Operation`, and CloudWatch
    /// metrics requested (what GetMetricData is billed on).
    Api {
        at: DateTime<Utc>,
        calls: BTreeMap<String, u64>,
        metrics_requested: u64,
        #[serde(default)]
        logs_bytes_scanned: u64,
        /// Per service, the slowest request of the last minute (ms).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        latency_ms: BTreeMap<String, u64>,
        /// Per account key, its running totals, while several are watched.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        by_account: BTreeMap<String, crate::aws::client::AccountCalls>,
    },
    /// A replay's word on its timeline. Never written into a recording.
    #[serde(skip)]
    Replay(ReplayMsg),
}

impl DataMsg {
    /// One room's read of one region (the poller adds the account).
    pub fn loaded(region: &str, fetched_at: DateTime<Utc>, payload: Payload) -> DataMsg {
        DataMsg::Loaded {
            account: String::new(),
            region: region.to_string(),
            fetched_at,
            payload,
        }
    }

    /// Marks a read or a failure as the account keyed `key`'s: the rooms
    /// read regions, the account they read is the source's to say.
    pub fn in_account(mut self, key: &str) -> DataMsg {
        if !key.is_empty() {
            match &mut self {
                DataMsg::Loaded { account, .. } => *account = key.to_string(),
                DataMsg::Failed { error, .. } => error.account = key.to_string(),
                DataMsg::Changes {
                    account,
                    changes,
                    unread,
                    ..
                } => {
                    *account = key.to_string();
                    for c in changes {
                        c.account = key.to_string();
                    }
                    for e in unread {
                        e.account = key.to_string();
                    }
                }
                _ => {}
            }
        }
        self
    }

    /// A failed read of one room in one region.
    pub fn failed(service: ServiceKind, region: &str, e: AwsError) -> DataMsg {
        DataMsg::Failed {
            service,
            error: ApiError::new(service.name(), region, e),
        }
    }
}

/// One streamed log line, already classified by the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TailLine {
    pub at: DateTime<Utc>,
    pub text: String,
    /// A REPORT record with an init or restore duration.
    pub cold: bool,
    pub error: bool,
}

/// What to tail: one row of one room.
#[derive(Debug, Clone, PartialEq)]
pub struct TailTarget {
    pub service: ServiceKind,
    /// The row's key (a Lambda function's name).
    pub key: String,
    /// The account's key (`scope::Scope`): whose credentials read it.
    pub account: String,
    pub region: String,
    pub log_group: String,
}

/// A live tail shown in a detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct Tail {
    pub key: String,
    /// The account and region of the row tailed: another account's row of
    /// the same name is not this tail's.
    pub at: super::scope::Scope,
    /// Newest last, bounded.
    pub lines: VecDeque<TailLine>,
    /// Why it stopped, once it has.
    pub ended: Option<String>,
}

/// Lines kept from a live tail.
pub const TAIL_LINES: usize = 200;

/// What the app asks of a source.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceCmd {
    /// Fetch everything now (the refresh key).
    RefreshAll,
    /// The rows of a room on screen: per-row metrics follow them.
    Visible {
        service: ServiceKind,
        keys: Vec<String>,
    },
    /// Start tailing one row's log (replacing any other tail), or stop.
    Tail(Option<TailTarget>),
    /// Move a replay's timeline; other sources have none.
    Timeline(TimelineCmd),
}

pub type DataTx = mpsc::Sender<DataMsg>;

/// The `visible` key that says row `key`'s detail is open (a room may read
/// more for an open row). Keys that hold a `:` of their own must not use it.
pub fn opened(key: &str) -> String {
    format!("open:{key}")
}

/// The `visible` key that asks a room's poller to read `key` beyond its
/// listing (`Room::wants`).
pub fn wanted(key: &str) -> String {
    format!("want:{key}")
}

/// What a `visible` key made by `wanted` asks for.
pub fn wanted_name(key: &str) -> Option<&str> {
    key.strip_prefix("want:")
}

/// The row whose detail a `visible` key says is open.
pub fn opened_name(key: &str) -> Option<&str> {
    key.strip_prefix("open:")
}

/// Whether `keys` ask for one row's detail (its per-minute history), not a list.
pub fn asks_detail(keys: &[String]) -> bool {
    keys.len() == 1 || keys.iter().any(|k| opened_name(unscoped(k)).is_some())
}

/// A `visible` key for the poller of one account and region only: a
/// detail's row, whose name another account (or region) may also hold,
/// is read in its own.
pub fn scoped(at: &crate::scope::Scope, key: &str) -> String {
    format!("@{}/{}/{key}", at.account, at.region)
}

/// A `visible` key without the scope `scoped` put in front of it.
pub fn unscoped(key: &str) -> &str {
    split_scoped(key).map_or(key, |(_, _, k)| k)
}

fn split_scoped(key: &str) -> Option<(&str, &str, &str)> {
    let rest = key.strip_prefix('@')?;
    let (account, rest) = rest.split_once('/')?;
    let (region, key) = rest.split_once('/')?;
    Some((account, region, key))
}

/// The keys the poller of `account` in `region` is to read: every key not
/// `scoped`, and those scoped to it, without their scope.
pub fn keys_for(keys: &[String], account: &str, region: &str) -> Vec<String> {
    keys.iter()
        .filter_map(|k| match split_scoped(k) {
            Some((a, r, key)) => (a == account && r == region).then(|| key.to_string()),
            None => Some(k.clone()),
        })
        .collect()
}

// A replay's side of the protocol: what its timeline is asked, and what it
// says beside the recorded messages. A recording never holds these: it holds
// what the account said.

/// Where a replay stands: drawn in the header.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayStatus {
    pub clock: DateTime<Utc>,
    pub speed: u32,
    pub playing: bool,
    pub position: usize,
    pub total: usize,
    /// Opened with `--force` despite a broken hash chain.
    pub broken: bool,
    /// Not signed by a trusted key: an older format, or not the pinned key.
    pub unsigned: bool,
    /// How many of the first records a signature covers: the rest are unverified.
    pub verified: usize,
}

/// What the replay timeline is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum TimelineCmd {
    PlayPause,
    Faster,
    Slower,
    StepForward,
    StepBack,
    /// The text typed at the `@` prompt, not yet parsed.
    Jump(String),
}

/// What a replay says besides the records it plays.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplayMsg {
    /// Start over: the records that follow rebuild what is shown from the
    /// first one, so what is shown at a time never depends on how the viewer
    /// got there. Nothing is drawn until the next `At`: never half a state.
    Restart,
    /// Where the timeline stands now; its clock is the time shown, never the
    /// wall clock.
    At(ReplayStatus),
    /// A word for the footer: a time that is not one, a jump held at an edge,
    /// a file that could not be read again.
    Notice(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_countdown_counts_down() {
        let at: DateTime<Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
        let mut e = ApiError::new(
            "lambda",
            "us-east-1",
            crate::aws::error::AwsError::new(ErrorKind::Throttled, "boom").during("ListFunctions"),
        );
        e.at = Some(at);
        e.retry_in_s = Some(117);
        let later = |s| at + chrono::Duration::seconds(s);
        assert_eq!(e.retry_left(at), Some(117));
        assert_eq!(e.retry_left(later(17)), Some(100));
        assert_eq!(e.retry_left(later(500)), Some(0));
        e.at = None;
        assert_eq!(e.retry_left(later(17)), Some(117));
    }

    #[test]
    fn a_scoped_key_reaches_its_own_account_and_region_only() {
        let at = crate::scope::Scope::new("210988765432", "eu-west-1");
        let keys = vec![
            "orders".to_string(),
            scoped(&at, "checkout"),
            scoped(&at, &opened("checkout")),
            scoped(&crate::scope::Scope::region("eu-west-1"), "other"),
        ];
        assert_eq!(keys_for(&keys, "210988765432", "eu-west-1"), ["orders", "checkout", "open:checkout"]);
        assert_eq!(keys_for(&keys, "210988765432", "us-east-1"), ["orders"]);
        assert_eq!(keys_for(&keys, "", "eu-west-1"), ["orders", "other"]);
        assert_eq!(unscoped(&keys[2]), "open:checkout");
        assert!(asks_detail(&keys[1..3]));
    }
}
