//! Logs Insights: REPORT records counted per minute and log group, and the
//! cold ones read whole, 50 log groups a query, a few queries at a time.

use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::QueryStatus;
use aws_sdk_cloudwatchlogs::Client;
use chrono::{DateTime, NaiveDateTime, Utc};
use futures_util::stream::{self, StreamExt};

use super::logs::{plan, QueryWindow, ColdState, COLD_QUERY, CONCURRENT_QUERIES, COUNT_QUERY};
use super::{parse, Parsed};
use crate::aws::AwsError;
use crate::services::live::Live;

const QUERY_DEADLINE: Duration = Duration::from_secs(60);

/// What one Insights window returned.
#[derive(Debug, Default, PartialEq)]
pub struct WindowResult {
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
pub fn merge_rows(counts: &[Vec<(String, String)>], cold: &[Vec<(String, String)>]) -> WindowResult {
    let field = |row: &[(String, String)], name: &str| {
        row.iter().find(|(f, _)| f == name).map(|(_, v)| v.clone())
    };
    let mut out = WindowResult::default();
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
    live: &Live,
    b: &QueryWindow,
    query: &str,
) -> Result<(Vec<Vec<(String, String)>>, f64), AwsError> {
    let id = client
        .start_query()
        .set_log_group_names(Some(b.groups.clone()))
        .start_time(b.from.timestamp())
        .end_time(b.to.timestamp() - 1)
        .query_string(query)
        .send()
        .await
        .map_err(|e| live.error("StartQuery", &e))?
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
            .map_err(|e| live.error("GetQueryResults", &e))?;
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
                return Err(AwsError::new(
                    crate::aws::ErrorKind::Service,
                    format!("query {}", r.status().map(|s| s.as_str()).unwrap_or("failed")),
                ));
            }
            _ if tokio::time::Instant::now() > deadline => {
                // Stop paying for a query nobody will read.
                let _ = client.stop_query().query_id(&id).send().await;
                return Err(AwsError::new(
                    crate::aws::ErrorKind::Timeout,
                    "query did not finish within 60 s",
                ));
            }
            _ => {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(4));
            }
        }
    }
}

async fn run_window(client: &Client, live: &Live, b: &QueryWindow) -> Result<WindowResult, AwsError> {
    let (counts, c_bytes) = run_query(client, live, b, COUNT_QUERY).await?;
    let (cold, k_bytes) = run_query(client, live, b, COLD_QUERY).await?;
    let mut r = merge_rows(&counts, &cold);
    r.bytes_scanned = c_bytes + k_bytes;
    Ok(r)
}

/// Runs the planned batches a few at a time and folds the results into the
/// tallies. Returns the log groups whose query failed.
pub async fn insights(
    client: &Client,
    live: &Live,
    groups: &[String],
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    state: &mut ColdState,
    errors: &mut Vec<AwsError>,
) -> Vec<String> {
    let batches = plan(groups, state, start, now);
    let results: Vec<(QueryWindow, Result<WindowResult, AwsError>)> =
        stream::iter(batches.into_iter().map(|b| async move {
            let r = run_window(client, live, &b).await;
            (b, r)
        }))
        .buffer_unordered(CONCURRENT_QUERIES)
        .collect()
        .await;
    let mut failed = Vec::new();
    for (b, r) in results {
        match r {
            Ok(r) => {
                live.counter.add_logs_bytes(r.bytes_scanned as u64);
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
                errors.push(AwsError {
                    message: format!("StartQuery ({} log groups): {}", b.groups.len(), e.message),
                    ..e
                });
                failed.extend(b.groups);
            }
        }
    }
    failed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
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
