//! CloudWatch Logs: the REPORT records cold starts are read from, and what
//! has been read so far.
//!
//! `insights` runs Logs Insights over up to 50 log groups a query, on
//! incremental windows that never overlap (each byte is scanned once), a few
//! queries at a time (the account allows 100 concurrent); `filter` pages through
//! FilterLogEvents for REPORT records from where the last read stopped;
//! `auto` uses Insights and falls back to filter for log groups where it fails.

use std::collections::{HashMap, HashSet};

use aws_sdk_cloudwatchlogs::Client;
use chrono::{DateTime, Utc};

use super::tally::from_millis;
use super::Tally;
use crate::aws::{AwsError, ErrorKind};
use crate::services::live::Live;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Method {
    #[default]
    Auto,
    Insights,
    Filter,
}

/// Log groups in one Insights query: the documented maximum.
pub const GROUPS_PER_QUERY: usize = 50;
/// Queries in flight at once, well under the account's 100.
pub const CONCURRENT_QUERIES: usize = 4;

/// Text REPORT lines, or JSON-format `platform.report` records (terms are case-sensitive).
pub const FILTER_PATTERN: &str = "?\"REPORT\" ?\"platform.report\"";

/// Counts every REPORT record per minute and function.
pub const COUNT_QUERY: &str =
    "filter @type = \"REPORT\" | stats count(*) as reports by @log, bin(1m) as minute";
/// The cold ones, whole, so the one REPORT parser reads them.
pub const COLD_QUERY: &str =
    "filter @type = \"REPORT\" and (ispresent(@initDuration) or @message like /Restore Duration/) | fields @timestamp, @log, @message | limit 10000";

/// What has been read so far, per log group.
#[derive(Debug, Default)]
pub struct ColdState {
    pub groups: HashMap<String, GroupState>,
    /// Log groups where Insights failed: read with FilterLogEvents from then on.
    pub insights_failed: HashSet<String>,
}

#[derive(Debug, Default)]
pub struct GroupState {
    /// Everything before this instant has been read.
    pub until: Option<DateTime<Utc>>,
    pub tally: Tally,
}

/// Reads REPORT records up to `now` for `groups`, each from where it stopped
/// (or from `start`). Returns the reasons for what could not be read.
pub async fn refresh(
    client: &Client,
    live: &Live,
    groups: &[String],
    method: Method,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    state: &mut ColdState,
) -> Vec<AwsError> {
    for g in groups {
        let gs = state.groups.entry(g.clone()).or_default();
        gs.tally.prune(start);
        if gs.until.is_some_and(|u| u < start) {
            gs.until = Some(start);
        }
    }
    let mut errors = Vec::new();
    let (mut by_filter, by_insights): (Vec<String>, Vec<String>) = match method {
        Method::Filter => (groups.to_vec(), Vec::new()),
        Method::Insights => (Vec::new(), groups.to_vec()),
        Method::Auto => groups
            .iter()
            .cloned()
            .partition(|g| state.insights_failed.contains(g)),
    };
    if !by_insights.is_empty() {
        let failed = super::insights::insights(
            client,
            live,
            &by_insights,
            start,
            now,
            state,
            &mut errors,
        )
        .await;
        if method == Method::Auto {
            state.insights_failed.extend(failed.iter().cloned());
            by_filter.extend(failed);
            errors.clear();
        }
    }
    // A few groups at a time: a thousand one after another wait on a
    // thousand round trips. Against AWS, no faster than FilterLogEvents'
    // quota of requests a second per account, which production shares; an
    // emulator has none.
    use futures_util::stream::{self, StreamExt};
    let pace = (!live.opts.conn.custom_endpoint()).then_some(FILTER_SPACING);
    let next = std::sync::Mutex::new(tokio::time::Instant::now());
    let next = &next;
    let reads = by_filter.iter().map(|g| {
        let mut gs = state.groups.remove(g).unwrap_or_default();
        let from = gs.until.unwrap_or(start);
        async move {
            if let Some(gap) = pace {
                let at = {
                    let mut n = next.lock().unwrap_or_else(|e| e.into_inner());
                    let at = (*n).max(tokio::time::Instant::now());
                    *n = at + gap;
                    at
                };
                tokio::time::sleep_until(at).await;
            }
            let r = filter(client, live, g, from, now, &mut gs.tally).await;
            (g, gs, r)
        }
    });
    let done: Vec<_> = stream::iter(reads.collect::<Vec<_>>())
        .buffered(CONCURRENT_FILTERS)
        .collect()
        .await;
    for (g, mut gs, r) in done {
        match r {
            Ok(()) => gs.until = Some(now),
            Err(e) => errors.push(AwsError {
                message: format!("FilterLogEvents {g}: {}", e.message),
                ..e
            }),
        }
        state.groups.insert(g.clone(), gs);
    }
    errors
}

/// FilterLogEvents requests in flight at once.
pub const CONCURRENT_FILTERS: usize = 5;
/// FilterLogEvents' default quota is 5 requests a second per account and
/// region: one request started every 200 ms at most.
const FILTER_SPACING: std::time::Duration = std::time::Duration::from_millis(200);

/// FilterLogEvents with the "REPORT" pattern over [from, to), every page.
pub async fn filter(
    client: &Client,
    live: &Live,
    group: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tally: &mut Tally,
) -> Result<(), AwsError> {
    let mut pages = client
        .filter_log_events()
        .log_group_name(group)
        .filter_pattern(FILTER_PATTERN)
        .start_time(from.timestamp_millis())
        .end_time(to.timestamp_millis() - 1)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page.map_err(|e| live.error("FilterLogEvents", &e)) {
            Ok(p) => p,
            // A function never invoked has no log group yet: no records, not an error.
            Err(e) if e.kind == ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        for ev in page.events() {
            if let (Some(t), Some(m)) = (ev.timestamp().and_then(from_millis), ev.message()) {
                tally.add_line(t, m);
            }
        }
    }
    Ok(())
}

/// One Insights window: groups that share a start time, at most 50 a query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryWindow {
    pub groups: Vec<String>,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// Groups by where each stopped, so windows never overlap what was read.
pub fn plan(
    groups: &[String],
    state: &ColdState,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<QueryWindow> {
    let mut by_start: std::collections::BTreeMap<DateTime<Utc>, Vec<String>> = Default::default();
    for g in groups {
        let from = state
            .groups
            .get(g)
            .and_then(|s| s.until)
            .unwrap_or(start)
            .max(start);
        if from < now {
            by_start.entry(from).or_default().push(g.clone());
        }
    }
    by_start
        .into_iter()
        .flat_map(|(from, gs)| {
            gs.chunks(GROUPS_PER_QUERY)
                .map(|c| QueryWindow {
                    groups: c.to_vec(),
                    from,
                    to: now,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn plans_batches_of_fifty_from_where_each_group_stopped() {
        let groups: Vec<String> = (0..120).map(|i| format!("/aws/lambda/f{i}")).collect();
        let mut state = ColdState::default();
        let start = t("2026-11-22T13:00:00Z");
        let now = t("2026-11-22T14:00:00Z");
        // Ten groups were read up to 13:59 last time.
        for g in &groups[..10] {
            state.groups.entry(g.clone()).or_default().until = Some(t("2026-11-22T13:59:00Z"));
        }
        let plan = plan(&groups, &state, start, now);
        assert_eq!(
            plan.iter().map(|b| b.groups.len()).collect::<Vec<_>>(),
            vec![50, 50, 10, 10]
        );
        assert!(plan[..3].iter().all(|b| b.from == start && b.to == now));
        assert_eq!(plan[3].from, t("2026-11-22T13:59:00Z"));
        assert!(plan.iter().all(|b| b.groups.len() <= GROUPS_PER_QUERY));
        // Every group appears exactly once: no byte is scanned twice.
        let mut all: Vec<&String> = plan.iter().flat_map(|b| &b.groups).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 120);
        // Nothing to read when a group is up to date.
        state.groups.entry(groups[0].clone()).or_default().until = Some(now);
        assert!(plan_for_one(&groups[0], &state, start, now).is_empty());
    }

    fn plan_for_one(
        g: &str,
        state: &ColdState,
        start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<QueryWindow> {
        plan(&[g.to_string()], state, start, now)
    }
}
