//! The `lightsail` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{ContainerService, Instance, LightsailData};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LightsailOut {
    pub instances: Vec<InstanceOut>,
    pub container_services: Vec<ContainerServiceOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstanceOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub state: String,
    pub blueprint: String,
    pub bundle: String,
    /// `null`: the bundle was not in GetBundles.
    pub price_usd_month: Option<f64>,
    /// Whether it has a public address; the address is never written.
    pub public_ip: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub metrics: MetricsOut,
    /// The same window seven days earlier, under the same keys: the CPU
    /// (the rest null); null as a whole when last week was not read.
    pub metrics_week_ago: Option<MetricsOut>,
    pub cost: Option<crate::cost::CostOut>,
}

/// `null` for what was not read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsOut {
    pub cpu_pct: Option<f64>,
    pub burst_capacity_pct: Option<f64>,
    /// Failed checks in the window: a count, so an integer.
    pub status_check_failed: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerServiceOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub state: String,
    pub power: String,
    pub scale: i32,
    pub price_usd_month: Option<f64>,
    pub cost: Option<crate::cost::CostOut>,
}

/// Tenths: CloudWatch-style averages carry noise no one reads.
fn tenth(v: Option<f64>) -> Option<f64> {
    v.map(|v| (v * 10.0).round() / 10.0)
}

fn instance(i: &Instance, book: &crate::scope::AccountBook) -> InstanceOut {
    let m = &i.metrics;
    InstanceOut {
        name: i.name.clone(),
        account: book.id(&i.account).map(str::to_string),
        region: i.region.clone(),
        state: i.state.clone(),
        blueprint: i.blueprint.clone(),
        bundle: i.bundle.clone(),
        price_usd_month: i.price_usd_month,
        public_ip: i.public_ip,
        created_at: i.created_at,
        metrics: MetricsOut {
            cpu_pct: tenth(m.cpu_pct),
            burst_capacity_pct: tenth(m.burst_capacity_pct),
            status_check_failed: m.status_check_failed.map(|n| n.max(0.0).round() as u64),
        },
        metrics_week_ago: m.week_ago.map(|w| MetricsOut {
            cpu_pct: tenth(w.cpu_pct),
            burst_capacity_pct: None,
            status_check_failed: None,
        }),
        cost: super::cost::instance(i).out(),
    }
}

fn container_service(s: &ContainerService, book: &crate::scope::AccountBook) -> ContainerServiceOut {
    ContainerServiceOut {
        name: s.name.clone(),
        account: book.id(&s.account).map(str::to_string),
        region: s.region.clone(),
        state: s.state.clone(),
        power: s.power.clone(),
        scale: s.scale,
        price_usd_month: s.price_usd_month,
        cost: super::cost::container_service(s).out(),
    }
}

pub fn lightsail(d: &LightsailData, book: &crate::scope::AccountBook) -> LightsailOut {
    LightsailOut {
        instances: d.instances.iter().map(|i| instance(i, book)).collect(),
        container_services: d.container_services.iter().map(|s| container_service(s, book)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lightsail::domain::InstanceMetrics;

    #[test]
    fn the_section_has_the_documented_shape_and_no_address() {
        let d = LightsailData {
            instances: vec![Instance {
                name: "wordpress-1".into(),
                account: Default::default(),
                region: "us-east-1".into(),
                state: "running".into(),
                blueprint: "wordpress".into(),
                bundle: "small_3_0".into(),
                price_usd_month: Some(10.0),
                burstable: true,
                public_ip: true,
                created_at: None,
                metrics: InstanceMetrics {
                    cpu_pct: Some(12.04),
                    burst_capacity_pct: Some(90.0),
                    status_check_failed: Some(0.0),
                    ..Default::default()
                },
            }],
            container_services: vec![ContainerService {
                name: "api".into(),
                account: Default::default(),
                region: "us-east-1".into(),
                state: "RUNNING".into(),
                power: "micro".into(),
                power_id: None,
                scale: 2,
                price_usd_month: Some(20.0),
            }],
            operations: Vec::new(),
        };
        let v = serde_json::to_value(lightsail(&d, &Default::default())).unwrap();
        let i = &v["instances"][0];
        assert_eq!(i["bundle"], "small_3_0");
        assert_eq!(i["public_ip"], true);
        assert_eq!(i["metrics"]["cpu_pct"], 12.0);
        assert_eq!(i["metrics"]["status_check_failed"], 0);
        assert_eq!(i["cost"]["usd_per_month_projected"], 10.0);
        let c = &v["container_services"][0];
        assert_eq!((c["power"].as_str(), c["scale"].as_i64()), (Some("micro"), Some(2)));
        assert_eq!(c["cost"]["usd_per_month_projected"], 20.0);
        let keys: Vec<&String> = i.as_object().unwrap().keys().collect();
        assert!(!keys.iter().any(|k| k.contains("address")), "{keys:?}");
    }
}
