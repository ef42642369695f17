//! The demo account's triggers: queues, streams and schedules behind some of
//! its functions, one SQS mapping disabled (its messages pile up unread) and
//! one stream mapping whose last batch failed.

use chrono::{DateTime, Utc};

use super::triggers::{Invoker, Mapping};

const ACCOUNT: &str = "123456789012";

pub fn mappings(name: &str, region: &str, _seed: u64, _now: DateTime<Utc>) -> Vec<Mapping> {
    let m = |kind: &str, source: String, state: &str, batch: i32, last: Option<&str>| Mapping {
        kind: kind.into(),
        source,
        state: state.into(),
        batch_size: Some(batch),
        last_result: last.map(str::to_string),
    };
    let arn = |service: &str, rest: &str| format!("arn:aws:{service}:{region}:{ACCOUNT}:{rest}");
    match name {
        "invoice-mailer" => vec![m("sqs", arn("sqs", "invoices"), "Enabled", 10, None)],
        "email-sender" => vec![m("sqs", arn("sqs", "outbound-email"), "Disabled", 10, None)],
        "kinesis-consumer" => vec![m("kinesis", arn("kinesis", "stream/clickstream"), "Enabled", 100, Some("OK"))],
        "log-shipper" => vec![m("kinesis", arn("kinesis", "stream/app-logs"), "Enabled", 500, Some("OK"))],
        "ddb-stream-proc" => vec![m(
            "dynamodb",
            arn("dynamodb", "table/orders/stream/2026-06-01T00:00:00.000"),
            "Enabled",
            100,
            // Its handler throws on a malformed record: the stream is stuck behind it.
            Some("PROBLEM: Function call failed"),
        )],
        _ => Vec::new(),
    }
}

/// What the resource policy allows, as the detail reads it when opened.
pub fn invokers(name: &str, region: &str) -> Vec<Invoker> {
    let i = |kind: &str, principal: &str, source: String| Invoker {
        kind: kind.into(),
        principal: principal.into(),
        source: Some(source),
    };
    match name {
        "image-resize" | "thumbnail-gen" | "s3-event-router" => {
            vec![i("s3", "s3.amazonaws.com", "arn:aws:s3:::shop-uploads".into())]
        }
        "nightly-cleanup" | "sitemap-gen" | "backup-verify" => vec![i(
            "schedule",
            "events.amazonaws.com",
            format!("arn:aws:events:{region}:{ACCOUNT}:rule/{name}"),
        )],
        "notify-sms" => vec![i("sns", "sns.amazonaws.com", format!("arn:aws:sns:{region}:{ACCOUNT}:alerts"))],
        _ => Vec::new(),
    }
}
