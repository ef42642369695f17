//! The Logs Insights path of cold-start reading, through mocked SDK clients that
//! answer like real GetQueryResults: batching, windows, merging, fallback.

use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_cloudwatchlogs::operation::start_query::{StartQueryError, StartQueryOutput};
use aws_sdk_cloudwatchlogs::types::{QueryStatistics, QueryStatus, ResultField};
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use chrono::{DateTime, Utc};

use awstop::services::lambda::coldstart::logs::{
    refresh, ColdState, Method, COLD_QUERY, COUNT_QUERY, GROUPS_PER_QUERY,
};

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn field(f: &str, v: &str) -> ResultField {
    ResultField::builder().field(f).value(v).build()
}

/// Each StartQuery the client sent: (log groups, start, end, query).
type Seen = Arc<Mutex<Vec<(Vec<String>, i64, i64, String)>>>;

fn insights_client(seen: Seen) -> aws_sdk_cloudwatchlogs::Client {
    let start = mock!(aws_sdk_cloudwatchlogs::Client::start_query)
        .match_requests(move |r| {
            seen.lock().unwrap().push((
                r.log_group_names().to_vec(),
                r.start_time().unwrap_or_default(),
                r.end_time().unwrap_or_default(),
                r.query_string().unwrap_or_default().to_string(),
            ));
            true
        })
        .then_compute_output(|r| {
            let id = if r.query_string() == Some(COUNT_QUERY) {
                "q-count"
            } else {
                "q-cold"
            };
            StartQueryOutput::builder().query_id(id).build()
        });
    let counts = mock!(aws_sdk_cloudwatchlogs::Client::get_query_results)
        .match_requests(|r| r.query_id() == Some("q-count"))
        .then_output(|| {
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Complete)
                .results(vec![
                    field("@log", "123456789012:/aws/lambda/f0"),
                    field("minute", "2026-11-22 13:30:00.000"),
                    field("reports", "40"),
                ])
                .results(vec![
                    field("@log", "123456789012:/aws/lambda/f7"),
                    field("minute", "2026-11-22 13:31:00.000"),
                    field("reports", "10"),
                ])
                .statistics(
                    QueryStatistics::builder()
                        .bytes_scanned(1_000_000.0)
                        .records_matched(50.0)
                        .records_scanned(900.0)
                        .build(),
                )
                .build()
        });
    let cold = mock!(aws_sdk_cloudwatchlogs::Client::get_query_results)
        .match_requests(|r| r.query_id() == Some("q-cold"))
        .then_output(|| {
            GetQueryResultsOutput::builder()
                .status(QueryStatus::Complete)
                .results(vec![
                    field("@timestamp", "2026-11-22 13:30:12.000"),
                    field("@log", "123456789012:/aws/lambda/f0"),
                    field("@message", "REPORT RequestId: c1\tDuration: 8.00 ms\tBilled Duration: 9 ms\tMemory Size: 256 MB\tMax Memory Used: 80 MB\tInit Duration: 410.00 ms\t"),
                ])
                .statistics(QueryStatistics::builder().bytes_scanned(500_000.0).build())
                .build()
        });
    mock_client!(
        aws_sdk_cloudwatchlogs,
        RuleMode::MatchAny,
        [&start, &counts, &cold]
    )
}

#[tokio::test]
async fn queries_fifty_groups_at_a_time_and_never_rescan_a_window() {
    let seen: Seen = Default::default();
    let client = insights_client(seen.clone());
    let groups: Vec<String> = (0..60).map(|i| format!("/aws/lambda/f{i}")).collect();
    let mut state = ColdState::default();
    let live = crate::common::mock_live(Vec::new());
    let start = t("2026-11-22T13:04:00Z");
    let now = t("2026-11-22T14:04:00Z");
    let errors = refresh(
        &client,
        &live,
        &groups,
        Method::Insights,
        start,
        now,
        &mut state,
    )
    .await;
    assert!(errors.is_empty(), "{errors:?}");
    let calls = seen.lock().unwrap().clone();
    // Two batches (50 + 10 groups), each a count query and a cold-start query.
    assert_eq!(calls.len(), 4);
    assert!(calls.iter().all(|c| c.0.len() <= GROUPS_PER_QUERY));
    assert_eq!(calls.iter().map(|c| c.0.len()).sum::<usize>(), 120);
    assert!(calls
        .iter()
        .all(|c| c.1 == start.timestamp() && c.2 == now.timestamp() - 1));
    assert_eq!(calls.iter().filter(|c| c.3 == COLD_QUERY).count(), 2);

    // Results are merged per function; the cold line went through the parser.
    let (f0, _) = state.groups["/aws/lambda/f0"].tally.summary(start, 60);
    assert_eq!(
        (f0.count, f0.records),
        (2, 80),
        "both batches answered with the same canned rows"
    );
    assert_eq!(f0.init_max_ms, Some(410.0));
    let (f7, _) = state.groups["/aws/lambda/f7"].tally.summary(start, 60);
    assert_eq!((f7.count, f7.records), (0, 20));
    assert_eq!(live.counter.snapshot().logs_bytes_scanned, 3_000_000);

    // The next refresh reads only what came after: a new, adjacent window.
    seen.lock().unwrap().clear();
    let later = t("2026-11-22T14:05:00Z");
    refresh(
        &client,
        &live,
        &groups,
        Method::Insights,
        t("2026-11-22T13:05:00Z"),
        later,
        &mut state,
    )
    .await;
    let calls = seen.lock().unwrap().clone();
    assert!(!calls.is_empty());
    assert!(
        calls
            .iter()
            .all(|c| c.1 == now.timestamp() && c.2 == later.timestamp() - 1),
        "{calls:?}"
    );
}

#[tokio::test]
async fn auto_falls_back_to_filter_where_insights_fails() {
    let refused = mock!(aws_sdk_cloudwatchlogs::Client::start_query).then_error(|| {
        StartQueryError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("ResourceNotFoundException")
                .message("Log group does not exist")
                .build(),
        )
    });
    let filtered = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_output(|| {
        FilterLogEventsOutput::builder()
            .events(
                aws_sdk_cloudwatchlogs::types::FilteredLogEvent::builder()
                    .timestamp(t("2026-11-22T13:40:00Z").timestamp_millis())
                    .message("REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 99.00 ms\t")
                    .build(),
            )
            .build()
    });
    let client = mock_client!(
        aws_sdk_cloudwatchlogs,
        RuleMode::MatchAny,
        [&refused, &filtered]
    );
    let groups = vec!["/aws/lambda/a".to_string(), "/aws/lambda/b".to_string()];
    let mut state = ColdState::default();
    let live = crate::common::mock_live(Vec::new());
    let start = t("2026-11-22T13:04:00Z");
    let errors = refresh(
        &client,
        &live,
        &groups,
        Method::Auto,
        start,
        t("2026-11-22T14:04:00Z"),
        &mut state,
    )
    .await;
    assert!(
        errors.is_empty(),
        "the fallback worked, so nothing is missing: {errors:?}"
    );
    assert_eq!(filtered.num_calls(), 2);
    assert!(state.insights_failed.contains("/aws/lambda/a"));
    let (a, _) = state.groups["/aws/lambda/a"].tally.summary(start, 60);
    assert_eq!((a.count, a.init_p50_ms), (1, Some(99.0)));
    // From now on those groups go straight to FilterLogEvents.
    refresh(
        &client,
        &live,
        &groups,
        Method::Auto,
        start,
        t("2026-11-22T14:05:00Z"),
        &mut state,
    )
    .await;
    assert_eq!(refused.num_calls(), 1);

    // Insights alone reports the failure instead of hiding it.
    let mut fresh = ColdState::default();
    let errors = refresh(
        &client,
        &live,
        &groups,
        Method::Insights,
        start,
        t("2026-11-22T14:04:00Z"),
        &mut fresh,
    )
    .await;
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("ResourceNotFoundException")),
        "{errors:?}"
    );
}
