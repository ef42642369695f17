//! CloudWatch DescribeAlarmHistory: the alarms of one account's region that
//! changed state (`HistoryItemType=StateUpdate`) in a time range, every page.
//! ($0.01 per 1,000 requests, as CloudWatch's other API requests.)

use aws_sdk_cloudwatch::config::retry::RetryConfig;
use aws_sdk_cloudwatch::types::HistoryItemType;
use chrono::{DateTime, Utc};

use super::AwsError;
use crate::changes::{trail, Change};

/// Items a page: DescribeAlarmHistory's maximum.
pub const PAGE: i32 = 100;
/// Pages read at most in one look.
pub const MAX_PAGES: usize = 10;

/// The state changes from `since` to `until` as changes of `account` (its
/// key) in `region`, and the newest one's time.
pub async fn look(
    client: &aws_sdk_cloudwatch::Client,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    account: &str,
    region: &str,
    endpoint: Option<&str>,
) -> Result<(Vec<Change>, Option<DateTime<Utc>>), AwsError> {
    let mut out = Vec::new();
    let mut newest = None;
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        // A service that does not answer is asked again next minute, not
        // three times now.
        let page = client
            .describe_alarm_history()
            .history_item_type(HistoryItemType::StateUpdate)
            .start_date(aws_smithy_types::DateTime::from_secs(since.timestamp()))
            .end_date(aws_smithy_types::DateTime::from_secs(until.timestamp()))
            .max_records(PAGE)
            .set_next_token(token.take())
            .customize()
            .config_override(aws_sdk_cloudwatch::config::Builder::new().retry_config(RetryConfig::disabled()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&e, endpoint).during("DescribeAlarmHistory"))?;
        for item in page.alarm_history_items() {
            let (Some(name), Some(at)) = (
                item.alarm_name(),
                item.timestamp().and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos())),
            ) else {
                continue;
            };
            newest = newest.max(Some(at));
            out.push(trail::alarm(account, region, name, at, item.history_summary(), item.history_data()));
        }
        token = page.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok((out, newest))
}
