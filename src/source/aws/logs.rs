//! CloudWatch Logs: the REPORT records cold starts are read from.
//!
//! `insights` runs Logs Insights over up to 50 log groups a query, on
//! incremental windows that never overlap (each byte is scanned once), a few
//! queries at a time (the account allows 100 concurrent); `filter` pages through
//! FilterLogEvents for REPORT records from where the last read stopped;
//! `auto` uses Insights and falls back to filter for log groups where it fails.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::QueryStatus;
use aws_sdk_cloudwatchlogs::Client;
use chrono::{DateTime, NaiveDateTime, Utc};
use futures_util::stream::{self, StreamExt};

use super::client::{describe, CallCounter};
use crate::coldstart::tally::from_millis;
use crate::coldstart::{parse, Parsed, Tally};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    Auto,
    Insights,
    Filter,
}

/// Log groups in one Insights query: the documented maximum.
pub const GROUPS_PER_QUERY: usize = 50;
/// Queries in flight at once, well under the account's 100.
pub const CONCURRENT_QUERIES: usize = 4;
/// $0.005 per GB of log data scanned by Logs Insights.
pub const USD_PER_GB_SCANNED: f64 = 0.005;
const QUERY_DEADLINE: Duration = Duration::from_secs(60);

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
    groups: &[String],
    method: Method,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    state: &mut ColdState,
    counter: &CallCounter,
) -> Vec<String> {
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
        let failed = insights(
            client,
            &by_insights,
            start,
            now,
            state,
            counter,
            &mut errors,
        )
        .await;
        if method == Method::Auto {
            state.insights_failed.extend(failed.iter().cloned());
            by_filter.extend(failed);
            errors.clear();
        }
    }
    for g in &by_filter {
        let from = state.groups.get(g).and_then(|s| s.until).unwrap_or(start);
        let gs = state.groups.entry(g.clone()).or_default();
        match filter(client, g, from, now, &mut gs.tally).await {
            Ok(()) => gs.until = Some(now),
            Err(e) => errors.push(format!("FilterLogEvents {g}: {e}")),
        }
    }
    errors
}

/// FilterLogEvents with the "REPORT" pattern over [from, to), every page.
pub async fn filter(
    client: &Client,
    group: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tally: &mut Tally,
) -> Result<(), String> {
    let mut pages = client
        .filter_log_events()
        .log_group_name(group)
        .filter_pattern(FILTER_PATTERN)
        .start_time(from.timestamp_millis())
        .end_time(to.timestamp_millis() - 1)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(p) => p,
            // A function never invoked has no log group yet: no records, not an error.
            Err(e) if describe(&e).starts_with("ResourceNotFoundException") => return Ok(()),
            Err(e) => return Err(describe(&e)),
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
pub struct Batch {
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
) -> Vec<Batch> {
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
                .map(|c| Batch {
                    groups: c.to_vec(),
                    from,
                    to: now,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// What one Insights batch returned.
#[derive(Debug, Default, PartialEq)]
pub struct BatchResult {
    /// (log group, minute, REPORT records)
    pub counts: Vec<(String, DateTime<Utc>, u64)>,
    /// (log group, time, the REPORT line) of cold starts
    pub cold: Vec<(String, DateTime<Utc>, String)>,
    pub bytes_scanned: f64,
}

/// `@log` is `account-id:log-group`.
fn group_of(log: &str) -> &str {
    log.split_once(':').map(|(_, g)| g).unwrap_or(log)
}

/// Insights prints times as `2026-11-22 14:03:00.000`, in UTC.
pub fn insights_time(s: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.3f")
        .ok()
        .map(|n| n.and_utc())
}

/// Rows of GetQueryResults into counts and cold starts.
pub fn merge_rows(counts: &[Vec<(String, String)>], cold: &[Vec<(String, String)>]) -> BatchResult {
    let field = |row: &[(String, String)], name: &str| {
        row.iter().find(|(f, _)| f == name).map(|(_, v)| v.clone())
    };
    let mut out = BatchResult::default();
    for row in counts {
        if let (Some(log), Some(minute), Some(n)) = (
            field(row, "@log"),
            field(row, "minute").and_then(|m| insights_time(&m)),
            field(row, "reports"),
        ) {
            out.counts.push((
                group_of(&log).to_string(),
                minute,
                n.parse::<f64>().unwrap_or(0.0) as u64,
            ));
        }
    }
    for row in cold {
        if let (Some(log), Some(t), Some(m)) = (
            field(row, "@log"),
            field(row, "@timestamp").and_then(|m| insights_time(&m)),
            field(row, "@message"),
        ) {
            out.cold.push((group_of(&log).to_string(), t, m));
        }
    }
    out
}

async fn run_query(
    client: &Client,
    b: &Batch,
    query: &str,
) -> Result<(Vec<Vec<(String, String)>>, f64), String> {
    let id = client
        .start_query()
        .set_log_group_names(Some(b.groups.clone()))
        .start_time(b.from.timestamp())
        .end_time(b.to.timestamp() - 1)
        .query_string(query)
        .send()
        .await
        .map_err(|e| describe(&e))?
        .query_id
        .unwrap_or_default();
    let deadline = tokio::time::Instant::now() + QUERY_DEADLINE;
    let mut wait = Duration::from_millis(500);
    loop {
        let r = client
            .get_query_results()
            .query_id(&id)
            .send()
            .await
            .map_err(|e| describe(&e))?;
        match r.status() {
            Some(QueryStatus::Complete) => {
                let rows = r
                    .results()
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|f| {
                                (
                                    f.field().unwrap_or_default().to_string(),
                                    f.value().unwrap_or_default().to_string(),
                                )
                            })
                            .collect()
                    })
                    .collect();
                return Ok((
                    rows,
                    r.statistics().map(|s| s.bytes_scanned()).unwrap_or(0.0),
                ));
            }
            Some(QueryStatus::Failed | QueryStatus::Cancelled | QueryStatus::Timeout) => {
                return Err(format!(
                    "query {}",
                    r.status().map(|s| s.as_str()).unwrap_or("failed")
                ));
            }
            _ if tokio::time::Instant::now() > deadline => {
                // Stop paying for a query nobody will read.
                let _ = client.stop_query().query_id(&id).send().await;
                return Err("query did not finish within 60 s".into());
            }
            _ => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(4));
            }
        }
    }
}

async fn run_batch(client: &Client, b: &Batch) -> Result<BatchResult, String> {
    let (counts, c_bytes) = run_query(client, b, COUNT_QUERY).await?;
    let (cold, k_bytes) = run_query(client, b, COLD_QUERY).await?;
    let mut r = merge_rows(&counts, &cold);
    r.bytes_scanned = c_bytes + k_bytes;
    Ok(r)
}

/// Runs the planned batches a few at a time and folds the results into the
/// tallies. Returns the log groups whose batch failed.
async fn insights(
    client: &Client,
    groups: &[String],
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    state: &mut ColdState,
    counter: &CallCounter,
    errors: &mut Vec<String>,
) -> Vec<String> {
    let batches = plan(groups, state, start, now);
    let results: Vec<(Batch, Result<BatchResult, String>)> =
        stream::iter(batches.into_iter().map(|b| async move {
            let r = run_batch(client, &b).await;
            (b, r)
        }))
        .buffer_unordered(CONCURRENT_QUERIES)
        .collect()
        .await;
    let mut failed = Vec::new();
    for (b, r) in results {
        match r {
            Ok(r) => {
                counter.add_logs_bytes(r.bytes_scanned as u64);
                for (g, minute, n) in r.counts {
                    state
                        .groups
                        .entry(g)
                        .or_default()
                        .tally
                        .add_records(minute, n);
                }
                for (g, t, line) in r.cold {
                    if let Parsed::Report(rep) = parse(&line) {
                        state.groups.entry(g).or_default().tally.add_cold(t, &rep);
                    } else {
                        state.groups.entry(g).or_default().tally.unparsed += 1;
                    }
                }
                for g in &b.groups {
                    state.groups.entry(g.clone()).or_default().until = Some(b.to);
                }
            }
            Err(e) => {
                errors.push(format!("StartQuery ({} log groups): {e}", b.groups.len()));
                failed.extend(b.groups);
            }
        }
    }
    failed
}

/// REPORT records and errors: what a tail in the function view is for.
pub const TAIL_PATTERN: &str = "?\"REPORT\" ?\"platform.report\" ?ERROR ?\"Task timed out\"";

/// Streams one log group with StartLiveTail until the stream ends or the task
/// is dropped (which ends the session and its billing).
pub async fn tail(client: &Client, arn: String, function: String, tx: crate::source::DataTx) {
    use crate::app::msg::{DataMsg, TailLine};
    use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream as Stream;
    use aws_smithy_types::error::display::DisplayErrorContext;
    let ended = |reason: String| DataMsg::TailEnded {
        function: function.clone(),
        reason,
    };
    let mut out = match client
        .start_live_tail()
        .log_group_identifiers(arn)
        .log_event_filter_pattern(TAIL_PATTERN)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) => {
            let _ = tx.send(ended(describe(&e))).await;
            return;
        }
    };
    loop {
        match out.response_stream.recv().await {
            Ok(Some(Stream::SessionUpdate(u))) => {
                let lines: Vec<TailLine> = u
                    .session_results()
                    .iter()
                    .filter_map(|e| {
                        Some(TailLine::classify(
                            from_millis(e.timestamp()?)?,
                            e.message()?,
                        ))
                    })
                    .collect();
                if !lines.is_empty()
                    && tx
                        .send(DataMsg::Tail {
                            function: function.clone(),
                            lines,
                        })
                        .await
                        .is_err()
                {
                    return;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                let _ = tx
                    .send(ended(
                        "the session ended (live tail sessions last up to 3 hours)".into(),
                    ))
                    .await;
                return;
            }
            Err(e) => {
                let text = format!("{}", DisplayErrorContext(&e));
                let _ = tx.send(ended(crate::fmt::truncate(&text, 200))).await;
                return;
            }
        }
    }
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
    ) -> Vec<Batch> {
        plan(&[g.to_string()], state, start, now)
    }

    #[test]
    fn merges_insights_rows_per_log_group() {
        let row = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        let counts = vec![
            row(&[
                ("@log", "123456789012:/aws/lambda/a"),
                ("minute", "2026-11-22 14:03:00.000"),
                ("reports", "12"),
            ]),
            row(&[
                ("@log", "123456789012:/custom/b"),
                ("minute", "2026-11-22 14:04:00.000"),
                ("reports", "3"),
            ]),
        ];
        let cold = vec![row(&[
            ("@timestamp", "2026-11-22 14:03:07.123"),
            ("@log", "123456789012:/aws/lambda/a"),
            ("@message", "REPORT RequestId: r1\tDuration: 2.0 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 250.5 ms"),
        ])];
        let r = merge_rows(&counts, &cold);
        assert_eq!(
            r.counts,
            vec![
                ("/aws/lambda/a".into(), t("2026-11-22T14:03:00Z"), 12),
                ("/custom/b".into(), t("2026-11-22T14:04:00Z"), 3)
            ]
        );
        assert_eq!(r.cold.len(), 1);
        assert_eq!(r.cold[0].0, "/aws/lambda/a");
        assert_eq!(
            r.cold[0].1.timestamp_millis(),
            t("2026-11-22T14:03:07.123Z").timestamp_millis()
        );
    }
}
