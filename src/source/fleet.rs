//! Many accounts: one `Live` per account that could be reached, each keyed
//! by its ID, sharing one call counter and one CloudWatch budget split
//! evenly between them; the accounts that could not be reached are kept
//! with their reason, and tried again in the background.

use std::sync::Arc;
use std::time::Duration;

use crate::accounts::{self, Naming, ResolveOptions, Resolved, Target};
use crate::aws::client::{self, CallCounter};
use crate::scope::{AccountInfo, HowNamed};
use crate::services::live::{Live, NoRegion, Options};

/// Why no fleet could be built: no region, or the accounts not even listed.
#[derive(Debug)]
pub enum ConnectError {
    NoRegion(NoRegion),
    Naming(accounts::NamingError),
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::NoRegion(e) => write!(f, "{e}"),
            ConnectError::Naming(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// Every account watched.
pub struct Fleet {
    /// The accounts read; one with the key "" when none was named (the
    /// current credentials, today's single account).
    pub lives: Vec<Live>,
    /// Every account named, read or failed; empty for the single account.
    pub accounts: Vec<AccountInfo>,
    /// The accounts that failed, to try again.
    pub retry: Vec<Target>,
    /// Accounts read at the same time, at most.
    pub at_once: usize,
    /// What the fleet was built from: the failed accounts' retries build
    /// their `Live` from it.
    pub opts: Options,
    pub counter: CallCounter,
    /// Who the current credentials are, for the header and the snapshot's
    /// `account` (the first account read when none is the caller's own).
    pub caller: Option<crate::services::msg::Account>,
}

impl Fleet {
    /// The single account of the current credentials.
    pub fn single(live: Live) -> Fleet {
        Fleet {
            opts: live.opts.clone(),
            counter: live.counter.clone(),
            lives: vec![live],
            accounts: Vec::new(),
            retry: Vec::new(),
            at_once: 1,
            caller: None,
        }
    }

    /// The first account's clients: what a single-account path reads.
    pub fn first(&self) -> Option<&Live> {
        self.lives.first()
    }

    pub fn several(&self) -> bool {
        !self.accounts.is_empty()
    }
}

impl From<Live> for Fleet {
    fn from(live: Live) -> Fleet {
        Fleet::single(live)
    }
}

fn how(h: &accounts::How) -> HowNamed {
    match h {
        accounts::How::Default => HowNamed::Current,
        accounts::How::Profile(_) => HowNamed::Profile,
        accounts::How::OrgRole(_) => HowNamed::OrgRole,
        accounts::How::Entry(_) => HowNamed::Config,
    }
}

/// What the accounts pane and the snapshot say of one resolved target.
pub fn info(r: &Resolved, regions: &[String]) -> AccountInfo {
    AccountInfo {
        key: key_of(r),
        id: r.id().map(str::to_string),
        name: r.name(),
        how: how(match &r.result {
            Ok(a) => &a.how,
            Err(_) => &r.target.how,
        }),
        regions: regions.to_vec(),
        error: r.result.as_ref().err().map(|e| format!("{}: {e}", r.target.way())),
        metrics_via: None,
    }
}

/// The key an account's rows carry: its ID, else (failed before it was
/// known) what it was named by.
fn key_of(r: &Resolved) -> String {
    r.id().map_or_else(|| r.target.label(), str::to_string)
}

/// One account's clients, each region through its own credentials. The
/// budget is its share of the whole watch's.
pub fn live_for(opts: &Options, account: &accounts::Account, counter: &CallCounter, share: f64) -> Live {
    let mut opts = opts.clone();
    opts.budget_usd_per_hour = share;
    let regions = opts
        .regions
        .iter()
        .map(|r| (r.clone(), account.config_in(r)))
        .collect::<Vec<_>>();
    let mut live = Live::from_configs(opts, &regions, &counter.for_account(&account.id));
    live.key = account.id.clone();
    live.set_account_id(&account.id);
    live
}

/// Names the accounts, reaches each (at most `at_once` at a time, each on
/// its own time limit), and builds the fleet. Fails only when the accounts
/// cannot even be listed (the organization's listing refused).
pub async fn connect(mut opts: Options, naming: &Naming, at_once: usize) -> Result<Fleet, ConnectError> {
    Live::settle_regions(&mut opts).await.map_err(ConnectError::NoRegion)?;
    let base = client::load(&opts.conn, opts.regions.first().map(String::as_str)).await;
    let ropts = ResolveOptions {
        concurrency: at_once.max(1),
        endpoint: opts.conn.endpoint_label(),
        ..ResolveOptions::default()
    };
    let targets = accounts::targets(&base, naming, &ropts)
        .await
        .map_err(ConnectError::Naming)?;
    let resolved = accounts::resolve_all(targets, &ropts).await;
    let counter = CallCounter::default();
    let share = opts.budget_usd_per_hour / resolved.len().max(1) as f64;
    let mut fleet = Fleet {
        lives: Vec::new(),
        accounts: Vec::new(),
        retry: Vec::new(),
        at_once,
        opts: opts.clone(),
        counter: counter.clone(),
        caller: None,
    };
    let caller = resolved
        .iter()
        .filter_map(|r| r.result.as_ref().ok())
        .min_by_key(|a| a.how != accounts::How::Default);
    fleet.caller = caller.map(|a| crate::services::msg::Account {
        id: Some(a.id.clone()),
        caller_arn: Some(a.caller_arn.clone()),
        profile: opts.conn.profile.clone(),
        regions: opts.regions.clone(),
    });
    let mut monitor = None;
    for r in resolved {
        fleet.accounts.push(info(&r, &opts.regions));
        match &r.result {
            Ok(a) => {
                if a.how == accounts::How::Default && monitor.is_none() {
                    monitor = Some((fleet.lives.len(), a.clone()));
                }
                fleet.lives.push(live_for(&opts, a, &counter, share));
            }
            Err(e) => {
                tracing::warn!(account = %r.target.label(), "cannot read the account: {e}");
                fleet.retry.push(r.target);
            }
        }
    }
    if let Some((i, a)) = monitor.filter(|_| fleet.lives.len() > 1) {
        through_oam(&mut fleet, i, &a).await;
    }
    Ok(fleet)
}

/// When the caller's own account is a CloudWatch monitoring account, the
/// accounts linked to it that share their metrics have them read from it,
/// region by region (`AccountId` in each query), not through their role.
/// A refused or failing lookup (no sink, no `oam:ListSinks`) changes nothing.
async fn through_oam(fleet: &mut Fleet, i: usize, monitor: &accounts::Account) {
    let endpoint = fleet.opts.conn.endpoint_label();
    let mut linked: Vec<(String, Vec<String>)> = Vec::new();
    for region in &fleet.opts.regions {
        let cfg = monitor.config_in(region);
        match crate::aws::oam::linked_in(&cfg, &fleet.counter, endpoint.as_deref()).await {
            Ok(ids) => {
                for id in ids {
                    match linked.iter_mut().find(|(a, _)| *a == id) {
                        Some((_, rs)) => rs.push(region.clone()),
                        None => linked.push((id, vec![region.clone()])),
                    }
                }
            }
            Err(e) => tracing::info!(region, "not reading metrics through OAM: {}", e.message),
        }
    }
    if linked.is_empty() {
        return;
    }
    let mon = fleet.lives.remove(i);
    for live in &mut fleet.lives {
        let Some((id, regions)) = linked.iter().find(|(a, _)| *a == live.key) else {
            continue;
        };
        if live.metrics_through(&mon, id, regions) {
            if let Some(info) = fleet.accounts.iter_mut().find(|a| a.key == *id) {
                info.metrics_via = Some(monitor.id.clone());
            }
        }
    }
    fleet.lives.insert(i, mon);
}

/// How long a failed account waits before its next try: doubling from
/// 30 s, at most 10 minutes (a role fixed in IAM shows without a restart).
pub fn retry_delay(tries: u32) -> Duration {
    Duration::from_secs(30u64.saturating_mul(1 << tries.min(5))).min(Duration::from_secs(600))
}

/// The budget share of one account of `n`.
pub fn share(total: f64, n: usize) -> f64 {
    total / n.max(1) as f64
}

/// Shared by the fleet's tasks: the accounts as they stand.
pub type Book = Arc<std::sync::Mutex<Vec<AccountInfo>>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_account_waits_longer_each_time_up_to_ten_minutes() {
        assert_eq!(retry_delay(0), Duration::from_secs(30));
        assert_eq!(retry_delay(1), Duration::from_secs(60));
        assert_eq!(retry_delay(4), Duration::from_secs(480));
        assert_eq!(retry_delay(9), Duration::from_secs(600));
        assert_eq!(share(1.0, 4), 0.25);
        assert_eq!(share(1.0, 0), 1.0);
    }
}
