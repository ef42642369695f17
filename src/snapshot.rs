//! The public JSON contract of `--once` (schema `awstop.snapshot/1`).
//! Field names here are an API: change them only with a new schema version.
//! Each room writes its own section, under its name, in registry order.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::app::model::{Model, SourceLabel};
use crate::services::msg::ApiError;
use crate::services::room::{Registered, Room, Visit};
use crate::services::{Feeds, ServiceKind};

pub const SCHEMA: &str = "awstop.snapshot/1";

#[derive(Debug, Serialize)]
pub struct Snapshot<'a> {
    pub schema: &'static str,
    pub taken_at: DateTime<Utc>,
    pub source: &'static str,
    pub window_minutes: u32,
    pub account: AccountOut,
    #[serde(flatten)]
    pub rooms: Rooms<'a>,
    pub errors: Vec<ApiError>,
    pub api: ApiOut,
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
pub struct Rooms<'a>(pub &'a Feeds);

impl std::fmt::Debug for Rooms<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Rooms")
    }
}

struct Sections<'a, M: SerializeMap> {
    feeds: &'a Feeds,
    map: &'a mut M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Visit for Sections<'_, M> {
    fn room<S: Registered>(&mut self) {
        if self.error.is_none() {
            let section = S::snapshot(&self.feeds.get::<S>().state);
            if let Err(e) = self.map.serialize_entry(<S as Room>::NAME, &section) {
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

pub fn from_model(m: &Model, window_minutes: u32) -> Snapshot<'_> {
    let d = &m.data;
    let errors = d
        .account_error
        .iter()
        .chain(ServiceKind::ALL.iter().flat_map(|k| {
            d.feeds
                .regions(*k)
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
        rooms: Rooms(&d.feeds),
        errors,
        api: ApiOut {
            calls: d.api.calls.clone(),
            cloudwatch_metrics_requested: d.api.metrics_requested,
            logs_insights_bytes_scanned: d.api.logs_bytes_scanned,
        },
    }
}
