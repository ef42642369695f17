//! Lightsail as awstop keeps it: instances with their bundle's price and
//! metrics, and container services. Plain serde types: recordings keep them.
//! An instance's public address is never kept, only whether it has one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::series::Series;

/// Burst capacity below this is worth a look: the credits run out at the
/// next busy hour.
pub const LOW_BURST_PCT: f64 = 20.0;
/// Below this the instance is out of burst capacity and held at its
/// baseline (Lightsail reports a float; under 1% reads as 0).
pub const OUT_OF_BURST_PCT: f64 = 1.0;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LightsailData {
    pub instances: Vec<Instance>,
    pub container_services: Vec<ContainerService>,
    /// What GetOperations said of them inside the window: changes, never a row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<super::operations::Operation>,
}

impl LightsailData {
    /// The instance `name` of `at`'s account and region.
    pub fn instance(&self, at: &crate::scope::Scope, name: &str) -> Option<&Instance> {
        use crate::scope::Scoped;
        self.instances.iter().find(|i| i.name == name && i.in_scope(at))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    /// Lightsail's state name: running, stopped, pending, stopping.
    pub state: String,
    pub blueprint: String,
    pub bundle: String,
    /// The bundle's price from GetBundles; `None`: the bundle was not listed.
    pub price_usd_month: Option<f64>,
    /// Lightsail documents every instance bundle as burstable; kept per
    /// instance so a bundle that is not can say so without a format change.
    pub burstable: bool,
    /// Whether it has a public IPv4 address; the address itself is not kept.
    pub public_ip: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub metrics: InstanceMetrics,
}

/// Over the window. `None`: not read (or nothing published, as for a
/// stopped instance), never 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceMetrics {
    /// The mean of the window's five-minute averages.
    pub cpu_pct: Option<f64>,
    /// The latest five-minute average: what is left now, not what was.
    pub burst_capacity_pct: Option<f64>,
    /// Failed status checks summed over the window (one a failed minute).
    pub status_check_failed: Option<f64>,
    /// When they were read; `None`: not read yet.
    pub read_at: Option<DateTime<Utc>>,
    pub series: Option<InstanceSeries>,
    /// On its way: the instance is on screen and its metrics are being
    /// read (rows go to the screen first). Never recorded.
    #[serde(skip)]
    pub pending: bool,
    /// The same window seven days earlier (`baseline`); `None`: not read
    /// (never zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_ago: Option<InstanceWeekAgo>,
}

/// An instance's CPU seven days earlier, read as now (the mean of the
/// window's five-minute averages). `None`: nothing published then.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceWeekAgo {
    pub cpu_pct: Option<f64>,
}

/// Per minute over the window, each minute holding its five-minute
/// period's value, so the graphs share the other rooms' time axis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceSeries {
    /// The first minute's start: where a change is marked on the graphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    pub cpu: Series,
    pub burst: Series,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerService {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    /// RUNNING, READY, DEPLOYING, UPDATING, PENDING, DISABLED, DELETING.
    pub state: String,
    /// The power name: nano, micro, small, medium, large, xlarge.
    pub power: String,
    /// The power's id, which GetContainerServicePowers prices it by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_id: Option<String>,
    /// Nodes of that power.
    pub scale: i32,
    /// The power's price times the scale; `None`: the power was not listed.
    pub price_usd_month: Option<f64>,
}

impl Instance {
    pub fn running(&self) -> bool {
        self.state == "running"
    }

    /// Burst capacity under `LOW_BURST_PCT`, out of it included.
    pub fn low_on_burst(&self) -> bool {
        self.burstable && self.metrics.burst_capacity_pct.is_some_and(|b| b < LOW_BURST_PCT)
    }

    pub fn out_of_burst(&self) -> bool {
        self.burstable && self.metrics.burst_capacity_pct.is_some_and(|b| b < OUT_OF_BURST_PCT)
    }

    pub fn failing_checks(&self) -> bool {
        self.metrics.status_check_failed.is_some_and(|n| n > 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_burst(b: Option<f64>) -> Instance {
        Instance {
            burstable: true,
            metrics: InstanceMetrics {
                burst_capacity_pct: b,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn burst_thresholds_and_unread_is_not_low() {
        assert!(with_burst(Some(0.0)).out_of_burst());
        assert!(with_burst(Some(0.4)).out_of_burst());
        assert!(with_burst(Some(12.0)).low_on_burst());
        assert!(!with_burst(Some(12.0)).out_of_burst());
        assert!(!with_burst(Some(20.0)).low_on_burst());
        assert!(!with_burst(None).low_on_burst());
        assert!(!with_burst(None).out_of_burst());
    }
}

crate::scoped!(Instance, ContainerService);
