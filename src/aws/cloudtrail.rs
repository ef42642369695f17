//! CloudTrail LookupEvents: the write events (`ReadOnly=false`) of one
//! account's region, newest first, 50 a page. Free, but limited to 2 requests
//! a second per account and region: every request waits its turn on that
//! region's `Pace`, and a throttled one is asked again after a growing wait.
//! The SDK's own retries are off for it, so that no retry slips past the pace.

use std::time::Duration;

use aws_sdk_cloudtrail::config::retry::RetryConfig;
use aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use chrono::{DateTime, Utc};

use super::pace::Pace;
use super::{AwsError, ErrorKind};
use crate::changes::{trail, Change};

/// Events a page: LookupEvents' maximum.
pub const PAGE: i32 = 50;
/// Pages read at most in one look (1,000 events): a busier window keeps
/// its newest.
pub const MAX_PAGES: usize = 20;
/// Requests a second per account and region: LookupEvents' documented limit.
pub const PER_SECOND: usize = 2;
/// Throttled answers to one page before the look gives up until next time.
pub const THROTTLED_TRIES: u32 = 4;
/// The first wait after a throttled answer; each next one is twice as long.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);

/// The pace LookupEvents is held to in one account's region.
pub fn pace() -> Pace {
    Pace::new(PER_SECOND, Duration::from_secs(1))
}

/// What one look found.
#[derive(Debug, Default)]
pub struct Looked {
    /// The events of the rooms' services, as changes.
    pub changes: Vec<Change>,
    /// The newest event's time: the next look starts there.
    pub newest: Option<DateTime<Utc>>,
    pub events: usize,
    pub pages: usize,
}

/// Every write event from `since` to `until`, page after page, as changes
/// of `account` (its key) in `region`.
pub async fn look(
    client: &aws_sdk_cloudtrail::Client,
    pace: &mut Pace,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    account: &str,
    region: &str,
    endpoint: Option<&str>,
) -> Result<Looked, AwsError> {
    let writes = LookupAttribute::builder()
        .attribute_key(LookupAttributeKey::ReadOnly)
        .attribute_value("false")
        .build()
        .map_err(|e| AwsError::new(ErrorKind::Other, e.to_string()).during("LookupEvents"))?;
    let mut out = Looked::default();
    let mut token: Option<String> = None;
    while out.pages < MAX_PAGES {
        let page = page(client, pace, &writes, since, until, token.take(), endpoint).await?;
        out.pages += 1;
        for e in page.events() {
            out.events += 1;
            let Some(time) = e.event_time().and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos())) else {
                continue;
            };
            out.newest = out.newest.max(Some(time));
            let resources: Vec<(&str, &str)> = e
                .resources()
                .iter()
                .map(|r| (r.resource_type().unwrap_or(""), r.resource_name().unwrap_or("")))
                .collect();
            let event = trail::Event {
                time,
                name: e.event_name().unwrap_or(""),
                source: e.event_source().unwrap_or(""),
                resources: &resources,
                username: e.username(),
                json: e.cloud_trail_event(),
            };
            out.changes.extend(trail::change(account, region, &event));
        }
        token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

/// One page, in its turn; asked again while throttled, `THROTTLED_TRIES` times.
async fn page(
    client: &aws_sdk_cloudtrail::Client,
    pace: &mut Pace,
    writes: &LookupAttribute,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    token: Option<String>,
    endpoint: Option<&str>,
) -> Result<LookupEventsOutput, AwsError> {
    let mut wait = FIRST_BACKOFF;
    let mut throttled = 0;
    loop {
        pace.turn().await;
        let sent = client
            .lookup_events()
            .lookup_attributes(writes.clone())
            .start_time(aws_smithy_types::DateTime::from_secs(since.timestamp()))
            .end_time(aws_smithy_types::DateTime::from_secs(until.timestamp()))
            .max_results(PAGE)
            .set_next_token(token.clone())
            .customize()
            .config_override(aws_sdk_cloudtrail::config::Builder::new().retry_config(RetryConfig::disabled()))
            .send()
            .await;
        match sent {
            Ok(o) => return Ok(o),
            Err(e) => {
                let e = AwsError::from_sdk(&e, endpoint).during("LookupEvents");
                if e.kind != ErrorKind::Throttled || throttled >= THROTTLED_TRIES {
                    return Err(e);
                }
                throttled += 1;
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
        }
    }
}
