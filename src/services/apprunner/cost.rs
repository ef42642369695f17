//! What a service costs by the hour at list price. App Runner bills an
//! instance serving requests (active) for its vCPUs and memory, and keeps
//! provisioned instances warm between requests for their memory alone.
//! The active instances are CloudWatch's ActiveInstances, the window's
//! mean; the provisioned ones are taken as one, App Runner's default
//! minimum (the auto scaling configuration is not read), an assumption the
//! basis names. A paused service is billed nothing. Automatic deployments
//! and builds are monthly or per-minute fees not counted here.

use super::domain::Service;
use crate::cost::{Estimate, PriceBook};
use crate::fmt::significant;
use serde::Deserialize;

/// App Runner's section of the price files (`[apprunner]`).
pub const PRICES: crate::cost::book::PriceSection =
    crate::cost::book::PriceSection::of::<AppRunnerPrices>("apprunner", "App Runner");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AppRunnerPrices {
    /// Active instances' compute.
    pub usd_per_vcpu_hour: f64,
    /// Memory, active or provisioned.
    pub usd_per_gb_hour: f64,
}

pub fn estimate(s: &Service, book: &PriceBook) -> Estimate {
    match s.status.as_str() {
        "PAUSED" => {
            return Estimate::Usd { per_hour: 0.0, window: None, basis: "paused: App Runner bills no instance of a paused service".into() }
        }
        "CREATE_FAILED" | "DELETED" => {
            return Estimate::Usd { per_hour: 0.0, window: None, basis: format!("{}: no instances run", s.status) }
        }
        _ => {}
    }
    let (p, region) = match book.region(&s.region).and_then(|r| Ok((r.priced::<AppRunnerPrices>("App Runner")?, r))) {
        Ok(x) => x,
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    let (Some(vcpu), Some(gb)) = (s.vcpu, s.memory_gb) else {
        return Estimate::Unread;
    };
    let Some(active) = s.metrics.active_instances else {
        return Estimate::Unread;
    };
    let provisioned = active.max(1.0);
    let per_hour = active * vcpu * p.usd_per_vcpu_hour + provisioned * gb * p.usd_per_gb_hour;
    Estimate::Usd {
        per_hour,
        window: None,
        basis: format!(
            "{} active × {} vCPU × ${}/vCPU-h + {} × {} GB × ${}/GB-h (one instance kept provisioned, App Runner's default minimum; the service's own is not read), {}",
            significant(active),
            significant(vcpu),
            p.usd_per_vcpu_hour,
            significant(provisioned),
            significant(gb),
            p.usd_per_gb_hour,
            region.label_of("apprunner")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::apprunner::domain::ServiceMetrics;

    fn svc(region: &str, status: &str, active: Option<f64>) -> Service {
        Service {
            name: "web".into(),
            region: region.into(),
            status: status.into(),
            vcpu: Some(1.0),
            memory_gb: Some(2.0),
            metrics: ServiceMetrics { active_instances: active, ..Default::default() },
            ..Default::default()
        }
    }

    #[test]
    fn active_instances_pay_vcpu_and_memory_and_an_idle_one_memory_only() {
        let book = crate::services::builtin_prices();
        // Two active instances of 1 vCPU and 2 GB at us-east-1's $0.064 and $0.007.
        let e = estimate(&svc("us-east-1", "RUNNING", Some(2.0)), book);
        let h = e.per_hour().unwrap();
        assert!((h - (2.0 * 0.064 + 2.0 * 2.0 * 0.007)).abs() < 1e-9, "{h}");
        assert_eq!(e.cell(), crate::cost::money::usd(0.156 * crate::cost::HOURS_PER_MONTH));
        assert!(e.basis().contains("default minimum"), "{}", e.basis());
        // Idle: one provisioned instance's memory.
        let idle = estimate(&svc("us-east-1", "RUNNING", Some(0.0)), book).per_hour().unwrap();
        assert!((idle - 2.0 * 0.007).abs() < 1e-9, "{idle}");
        // Unread usage is `-`, a paused service nothing, a region without a section `?`.
        assert_eq!(estimate(&svc("us-east-1", "RUNNING", None), book), Estimate::Unread);
        assert_eq!(estimate(&svc("us-east-1", "PAUSED", None), book).per_hour(), Some(0.0));
        let u = estimate(&svc("ap-southeast-1", "RUNNING", Some(1.0)), book);
        assert_eq!(u.cell(), "?");
        assert!(u.basis().contains("App Runner"), "{}", u.basis());
    }
}
