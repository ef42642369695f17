//! The public JSON contract of `--once` (schema `awstop.snapshot/1`).
//! Field names here are an API: change them only with a new schema version.
//! Each room writes its own section, under its name, in registry order.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::app::model::{Model, SourceLabel};
use crate::services::msg::ApiError;
use crate::services::room::{Registered, Visit};
use crate::services::{Feeds, ServiceKind, Settings};

pub const SCHEMA: &str = "awstop.snapshot/1";

#[derive(Debug, Serialize)]
pub struct Snapshot<'a> {
    pub schema: &'static str,
    pub taken_at: DateTime<Utc>,
    pub source: &'static str,
    pub window_minutes: u32,
    pub account: AccountOut,
    /// Every account watched, when several were named (`--profile a,b`,
    /// `--org-role`, `[[accounts]]`): which were read and why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<AccountsOut>>,
    #[serde(flatten)]
    pub rooms: Rooms<'a>,
    /// What changed inside the window, newest first (docs/changes.md).
    pub changes: Vec<ChangeOut>,
    /// The changes a resource's measure rose after, by the documented rule.
    pub suspects: Vec<crate::changes::Suspect>,
    /// What of who changed what, or of which alarms fired, could not be
    /// read, and why (LookupEvents denied: `changes` are then the services'
    /// own, without who made them). Not counted as a failed read.
    pub changes_unread: Vec<ApiError>,
    pub cost: CostSection,
    /// Figures far from their own last week, most unusual first
    /// (docs/baseline.md).
    pub unusual: Vec<crate::baseline::Unusual>,
    pub errors: Vec<ApiError>,
    pub api: ApiOut,
}

/// One change, its account by ID as the resources' (`null` while unknown).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeOut {
    pub at: DateTime<Utc>,
    pub account: Option<String>,
    pub region: String,
    pub service: String,
    pub resource: String,
    pub action: String,
    pub actor: Option<String>,
    pub source: crate::changes::ChangeSource,
}

/// One account of several.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountsOut {
    pub id: Option<String>,
    pub name: String,
    pub how: crate::scope::HowNamed,
    pub regions: Vec<String>,
    pub error: Option<String>,
    /// The monitoring account its metrics were read through (OAM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_via: Option<String>,
}

/// The account-level `cost` section: estimates from list prices, never a bill.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostSection {
    /// Null when nothing could be priced (no price file for the region).
    pub usd_per_hour: Option<f64>,
    pub usd_per_month_projected: Option<f64>,
    pub basis: String,
    /// Each room that prices anything: its dollars an hour (null: none of
    /// its resources could be priced).
    pub by_service: BTreeMap<&'static str, Option<f64>>,
    /// Resources the sums leave out (no price for their region, or usage not read).
    pub unpriced_resources: usize,
    /// Resources counted in the sums of which only a part is priced (an EKS
    /// cluster with a node group of an unpriced type, or Fargate pods): the
    /// sums are floors.
    pub partly_priced_resources: usize,
    /// Lambda's monthly free tier, and anything else a room says of its figure.
    pub notes: BTreeMap<&'static str, String>,
    /// What the dashboard's pollers would spend an hour on CloudWatch for
    /// this account at their intervals (rows on screen add to it); the demo
    /// and replays say it of the account they show.
    pub watching_usd_per_hour: Option<f64>,
    /// `--actuals`: what Cost Explorer says was spent (yesterday, the month
    /// so far, yesterday by service), or why it could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuals: Option<ActualsOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ActualsOut {
    Read(crate::cost::actuals::Actuals),
    Failed { error: String },
}

fn cost(d: &crate::app::model::Data) -> CostSection {
    use crate::cost::{round6, HOURS_PER_MONTH};
    // Summed once per refresh, as the header shows it.
    let a = &d.burn;
    CostSection {
        usd_per_hour: a.figure().map(round6),
        usd_per_month_projected: a.figure().map(|h| round6(h * HOURS_PER_MONTH)),
        basis: match (&a.why, a.unpriced) {
            (Some(why), n) if n > 0 => format!(
                "estimates from list prices at the window's usage, {HOURS_PER_MONTH} h a month; {n} resources not priced: {why}{}",
                partly(a.partly_priced)
            ),
            (_, n) if n > 0 => format!(
                "estimates from list prices at the window's usage, {HOURS_PER_MONTH} h a month; {n} resources not read yet{}",
                partly(a.partly_priced)
            ),
            _ => format!(
                "estimates from list prices at the window's usage, {HOURS_PER_MONTH} h a month; see each resource's cost{}",
                partly(a.partly_priced)
            ),
        },
        by_service: a.by_service.iter().map(|(k, c)| (k.name(), c.figure().map(round6))).collect(),
        unpriced_resources: a.unpriced,
        partly_priced_resources: a.partly_priced,
        notes: a
            .by_service
            .iter()
            .filter_map(|(k, c)| Some((k.name(), c.note.clone()?)))
            .collect(),
        watching_usd_per_hour: Some(round6(crate::services::account_cost::watching_usd_per_hour(&d.feeds, &d.settings, None))),
        actuals: d.actuals.as_ref().map(|a| match a {
            Ok(a) => ActualsOut::Read(a.clone()),
            Err(e) => ActualsOut::Failed { error: e.to_string() },
        }),
    }
}

/// The account basis's word on sums that are floors.
fn partly(n: usize) -> String {
    match n {
        0 => String::new(),
        n => format!("; {n} resources partly priced (the sums are floors: each one's basis says what it leaves out)"),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccountOut {
    pub id: Option<String>,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiOut {
    pub calls: BTreeMap<String, u64>,
    pub cloudwatch_metrics_requested: u64,
    pub logs_insights_bytes_scanned: u64,
}

/// Every room's section, keyed by the room's name.
pub struct Rooms<'a>(pub &'a Feeds, pub &'a Settings);

impl std::fmt::Debug for Rooms<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rooms")
    }
}

struct Sections<'a, M: SerializeMap> {
    feeds: &'a Feeds,
    settings: &'a Settings,
    map: &'a mut M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Visit for Sections<'_, M> {
    fn room<S: Registered>(&mut self) {
        if self.error.is_none() {
            if let Err(e) = S::write_snapshot(&self.feeds.get::<S>().state, self.settings, self.map) {
                self.error = Some(e);
            }
        }
    }
}

impl Serialize for Rooms<'_> {
    fn serialize<Z: Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        let mut map = s.serialize_map(None)?;
        let mut v = Sections {
            feeds: self.0,
            settings: self.1,
            map: &mut map,
            error: None,
        };
        crate::services::each(&mut v);
        if let Some(e) = v.error {
            return Err(e);
        }
        map.end()
    }
}

/// Every room's unusual figures, ranked.
pub fn unusual(feeds: &Feeds) -> Vec<crate::baseline::Unusual> {
    struct All<'a>(&'a Feeds, Vec<crate::baseline::Unusual>);
    impl Visit for All<'_> {
        fn room<S: Registered>(&mut self) {
            self.1.extend(S::unusual(&self.0.get::<S>().state));
        }
    }
    let mut all = All(feeds, Vec::new());
    crate::services::each(&mut all);
    let mut v = all.1;
    crate::baseline::rank(&mut v, |u| (u.ratio, u.now));
    v
}

pub fn from_model(m: &Model, window_minutes: u32) -> Snapshot<'_> {
    let d = &m.data;
    let errors = d
        .account_error
        .iter()
        .chain(ServiceKind::ALL.iter().flat_map(|k| {
            d.feeds
                .scopes(*k)
                .values()
                .filter_map(|s| s.error.as_ref())
        }))
        .cloned()
        .collect();
    Snapshot {
        schema: SCHEMA,
        taken_at: d.now,
        source: match d.source {
            SourceLabel::Demo => "demo",
            SourceLabel::Live => "aws",
            SourceLabel::Replay => "replay",
        },
        window_minutes,
        account: AccountOut {
            id: d.account.id.clone(),
            caller_arn: d.account.caller_arn.clone(),
            profile: d.account.profile.clone(),
            regions: d.account.regions.clone(),
        },
        accounts: d.settings.accounts.named().then(|| {
            d.settings
                .accounts
                .accounts
                .iter()
                .map(|a| AccountsOut {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    how: a.how,
                    regions: a.regions.clone(),
                    error: a.error.clone(),
                    metrics_via: a.metrics_via.clone(),
                })
                .collect()
        }),
        rooms: Rooms(&d.feeds, &d.settings),
        changes: d
            .changes_now()
            .map(|c| ChangeOut {
                at: c.at,
                account: d.settings.accounts.id(&c.account).map(str::to_string),
                region: c.region.clone(),
                service: c.service.clone(),
                resource: c.resource.clone(),
                action: c.action.clone(),
                actor: c.actor.clone(),
                source: c.source,
            })
            .collect(),
        suspects: d.suspects().cloned().collect(),
        changes_unread: d.changes_unread.clone(),
        cost: cost(d),
        unusual: unusual(&d.feeds),
        errors,
        api: ApiOut {
            calls: d.api.calls.clone(),
            cloudwatch_metrics_requested: d.api.metrics_requested,
            logs_insights_bytes_scanned: d.api.logs_bytes_scanned,
        },
    }
}
