//! What watching costs: the list prices of the reads awstop makes, in one place
//! for the pollers, the update that computes the pace and the header.

/// CloudWatch GetMetricData: $0.01 per 1,000 metrics requested.
pub const USD_PER_METRIC: f64 = 0.01 / 1000.0;

/// CloudWatch Logs Insights: $0.005 per GB of log data scanned.
pub const USD_PER_GB_SCANNED: f64 = 0.005;

/// Dollars for `bytes` scanned by Logs Insights.
pub fn logs_usd(bytes: u64) -> f64 {
    bytes as f64 / 1e9 * USD_PER_GB_SCANNED
}
