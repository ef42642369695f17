//! App Runner as awstop keeps it: each service's status, its instance size
//! and its HTTP figures. Plain serde types: recordings keep them. What
//! DescribeService says of the service's environment (variables, secrets)
//! and its source's credentials is never read into them (`fetch::service`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::series::Series;

/// A 5xx rate (of requests) at which a service is flagged.
pub const ERROR_RATE_ALERT_PCT: f64 = 1.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppRunnerData {
    pub services: Vec<Service>,
}

impl AppRunnerData {
    /// The service `name` of `at`'s account and region.
    pub fn service(&self, at: &crate::scope::Scope, name: &str) -> Option<&Service> {
        use crate::scope::Scoped;
        self.services.iter().find(|s| s.name == name && s.in_scope(at))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    /// App Runner's 32-character ID: CloudWatch's `ServiceID` dimension.
    pub id: String,
    /// RUNNING, PAUSED, OPERATION_IN_PROGRESS, CREATE_FAILED, DELETE_FAILED, DELETED.
    pub status: String,
    /// vCPUs and GB of memory of each instance, from DescribeService;
    /// `None`: not described (yet).
    pub vcpu: Option<f64>,
    pub memory_gb: Option<f64>,
    /// "image" or "code": what App Runner deploys from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub metrics: ServiceMetrics,
}

/// Over the window. `None`: not read, never 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceMetrics {
    pub requests: Option<f64>,
    pub errors_4xx: Option<f64>,
    pub errors_5xx: Option<f64>,
    /// The window's average of per-minute averages, weighted by requests.
    pub latency_avg_ms: Option<f64>,
    /// One percentile over the whole window.
    pub latency_p99_ms: Option<f64>,
    /// The window's mean of ActiveInstances: instances serving requests,
    /// billed for vCPU and memory (the idle ones only for memory).
    pub active_instances: Option<f64>,
    pub series: Option<ServiceSeries>,
    /// On its way: the service is on screen and its metrics are being
    /// read (rows go to the screen first). Never recorded.
    #[serde(skip)]
    pub pending: bool,
}

/// Per minute over the window, from `start`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceSeries {
    pub start: Option<DateTime<Utc>>,
    pub requests: Series,
    pub errors_5xx: Series,
    pub latency_avg_ms: Series,
}

impl Service {
    pub fn running(&self) -> bool {
        self.status == "RUNNING"
    }

    /// Requests a minute over a window of `minutes`.
    pub fn requests_per_min(&self, minutes: u32) -> Option<f64> {
        self.metrics.requests.map(|r| r / minutes.max(1) as f64)
    }

    pub fn error_5xx_rate_pct(&self) -> Option<f64> {
        let m = &self.metrics;
        match (m.errors_5xx, m.requests) {
            (Some(e), Some(r)) if r > 0.0 => Some(100.0 * e / r),
            (Some(_), Some(_)) => Some(0.0),
            _ => None,
        }
    }

    pub fn failing(&self) -> bool {
        self.error_5xx_rate_pct().is_some_and(|r| r >= ERROR_RATE_ALERT_PCT)
    }

    /// "1 vCPU / 2 GB", `?` for what was not described.
    pub fn size(&self) -> String {
        let n = |v: Option<f64>| v.map(crate::fmt::significant).unwrap_or_else(|| "?".into());
        format!("{} vCPU / {} GB", n(self.vcpu), n(self.memory_gb))
    }
}

/// App Runner's CPU setting in vCPUs: "1024" (CPU units) or "1 vCPU".
pub fn vcpu_of(cpu: &str) -> Option<f64> {
    let t = cpu.trim();
    if let Some(v) = t.strip_suffix("vCPU") {
        return v.trim().parse().ok();
    }
    t.parse::<f64>().ok().map(|units| units / 1024.0)
}

/// App Runner's memory setting in GB: "2048" (MB) or "2 GB".
pub fn memory_gb_of(memory: &str) -> Option<f64> {
    let t = memory.trim();
    if let Some(v) = t.strip_suffix("GB") {
        return v.trim().parse().ok();
    }
    t.parse::<f64>().ok().map(|mb| mb / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_both_spellings_and_rates_need_both_counts() {
        assert_eq!(vcpu_of("1024"), Some(1.0));
        assert_eq!(vcpu_of("0.25 vCPU"), Some(0.25));
        assert_eq!(memory_gb_of("3072"), Some(3.0));
        assert_eq!(memory_gb_of("0.5 GB"), Some(0.5));
        assert_eq!(vcpu_of("lots"), None);
        let s = |req, e5| Service {
            metrics: ServiceMetrics { requests: req, errors_5xx: e5, ..Default::default() },
            ..Default::default()
        };
        assert_eq!(s(Some(200.0), Some(4.0)).error_5xx_rate_pct(), Some(2.0));
        assert!(s(Some(200.0), Some(4.0)).failing());
        assert_eq!(s(Some(0.0), Some(0.0)).error_5xx_rate_pct(), Some(0.0));
        assert_eq!(s(None, Some(1.0)).error_5xx_rate_pct(), None);
        assert_eq!(Service::default().size(), "? vCPU / ? GB");
    }
}

crate::scoped!(Service);
