//! The `apprunner` section of the snapshot (docs/snapshot.md). Field names
//! are an API. No environment variable or secret of a service is ever
//! here: the domain types never hold them (`fetch::described`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{AppRunnerData, Service};
use crate::services::Settings;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppRunnerOut {
    pub services: Vec<ServiceOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub id: String,
    pub status: String,
    /// Each instance's size; null: not described.
    pub vcpu: Option<f64>,
    pub memory_gb: Option<f64>,
    /// "image" or "code"; null: not described.
    pub source: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub metrics: MetricsOut,
    pub cost: Option<crate::cost::CostOut>,
}

/// Over the window; `null` for what was not read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsOut {
    /// Counts: integers.
    pub requests: Option<u64>,
    pub errors_4xx: Option<u64>,
    pub errors_5xx: Option<u64>,
    pub error_5xx_rate_pct: Option<f64>,
    pub latency_avg_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    pub active_instances: Option<f64>,
}

fn n(v: Option<f64>) -> Option<u64> {
    v.map(|v| v.max(0.0).round() as u64)
}

fn hundredth(v: Option<f64>) -> Option<f64> {
    v.map(|v| (v * 100.0).round() / 100.0)
}

fn service(s: &Service, settings: &Settings) -> ServiceOut {
    let m = &s.metrics;
    ServiceOut {
        name: s.name.clone(),
        account: settings.accounts.id(&s.account).map(str::to_string),
        region: s.region.clone(),
        id: s.id.clone(),
        status: s.status.clone(),
        vcpu: s.vcpu,
        memory_gb: s.memory_gb,
        source: s.source.clone(),
        created_at: s.created_at,
        updated_at: s.updated_at,
        metrics: MetricsOut {
            requests: n(m.requests),
            errors_4xx: n(m.errors_4xx),
            errors_5xx: n(m.errors_5xx),
            error_5xx_rate_pct: hundredth(s.error_5xx_rate_pct()),
            latency_avg_ms: hundredth(m.latency_avg_ms),
            latency_p99_ms: hundredth(m.latency_p99_ms),
            active_instances: hundredth(m.active_instances),
        },
        cost: super::cost::estimate(s, &settings.prices).out(),
    }
}

pub fn apprunner(d: &AppRunnerData, settings: &Settings) -> AppRunnerOut {
    AppRunnerOut { services: d.services.iter().map(|s| service(s, settings)).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::apprunner::domain::ServiceMetrics;

    #[test]
    fn the_section_has_the_documented_shape() {
        let d = AppRunnerData {
            services: vec![Service {
                name: "web".into(),
                region: "us-east-1".into(),
                id: "0123456789abcdef0123456789abcdef".into(),
                status: "RUNNING".into(),
                vcpu: Some(1.0),
                memory_gb: Some(2.0),
                source: Some("image".into()),
                metrics: ServiceMetrics {
                    requests: Some(400.0),
                    errors_5xx: Some(4.0),
                    errors_4xx: Some(0.0),
                    active_instances: Some(1.0),
                    ..Default::default()
                },
                ..Default::default()
            }],
        };
        let v = serde_json::to_value(apprunner(&d, &Settings::default())).unwrap();
        let s = &v["services"][0];
        assert_eq!((s["status"].as_str(), s["vcpu"].as_f64(), s["source"].as_str()), (Some("RUNNING"), Some(1.0), Some("image")));
        assert_eq!(s["metrics"]["requests"], 400);
        assert_eq!(s["metrics"]["error_5xx_rate_pct"], 1.0);
        assert!(s["metrics"]["latency_p99_ms"].is_null());
        assert!(s["cost"]["usd_per_hour"].as_f64().unwrap() > 0.0);
    }
}
