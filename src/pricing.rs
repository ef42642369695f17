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

/// EKS control plane, per cluster-hour: standard support (us-east-1 list
/// price, 2026-11).
pub const EKS_STANDARD_USD_PER_HOUR: f64 = 0.10;
/// EKS control plane on extended support (a Kubernetes version past its
/// standard support).
pub const EKS_EXTENDED_USD_PER_HOUR: f64 = 0.60;
