//! AWS SDK plumbing shared by every service room: configuration and the
//! credential chain, the call counter, typed errors, GetMetricData batching,
//! STS, and what changed (CloudTrail, alarm history). Nothing here knows
//! which services awstop shows.

pub mod actuals;
pub mod alarm_history;
pub mod anomaly;
pub mod backoff;
pub mod budget;
pub mod client;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod error;
pub mod gather;
pub mod oam;
pub mod pace;
pub mod paging;
pub mod pricelist;
pub mod sts;

pub use error::{AwsError, ErrorKind};

/// The name at the end of an ARN (`.../web/0f1e...` gives `0f1e...`).
pub fn arn_tail(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
