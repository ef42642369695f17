//! Live tail: one log group streamed with StartLiveTail.

use aws_sdk_cloudwatchlogs::Client;

use super::tally::from_millis;
use crate::services::live::Live;
use crate::services::msg::{DataMsg, DataTx};

/// REPORT records and errors: what a tail in the function view is for.
pub const TAIL_PATTERN: &str = "?\"REPORT\" ?\"platform.report\" ?ERROR ?\"Task timed out\"";

/// Streams one log group with StartLiveTail until the stream ends or the task
/// is dropped (which ends the session and its billing).
pub async fn tail(client: &Client, live: &Live, arn: String, function: String, tx: DataTx) {
    use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream as Stream;
    use aws_smithy_types::error::display::DisplayErrorContext;
    let ended = |reason: String| DataMsg::TailEnded {
        key: function.clone(),
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
            let _ = tx.send(ended(live.error("StartLiveTail", &e).message)).await;
            return;
        }
    };
    loop {
        match out.response_stream.recv().await {
            Ok(Some(Stream::SessionUpdate(u))) => {
                let lines: Vec<_> = u
                    .session_results()
                    .iter()
                    .filter_map(|e| {
                        Some(super::classify(
                            from_millis(e.timestamp()?)?,
                            e.message()?,
                        ))
                    })
                    .collect();
                if !lines.is_empty()
                    && tx
                        .send(DataMsg::Tail {
                            key: function.clone(),
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
