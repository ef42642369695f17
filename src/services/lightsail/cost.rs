//! What Lightsail resources cost: each its own monthly price, as Lightsail
//! lists it (GetBundles, GetContainerServicePowers), spread over the month's
//! hours. No price file: the API says the price. Lightsail bills an instance
//! until it is deleted, stopped or not, and the basis says so.

use super::domain::{ContainerService, Instance, LightsailData};
use crate::cost::money::usd;
use crate::cost::{Estimate, HOURS_PER_MONTH};

pub fn instance(i: &Instance) -> Estimate {
    let Some(p) = i.price_usd_month else {
        let b = if i.bundle.is_empty() { "?" } else { i.bundle.as_str() };
        return Estimate::Unpriced(format!("bundle {b} not in GetBundles"));
    };
    let stopped = if i.state == "stopped" {
        "; billed while stopped too (Lightsail bills an instance until it is deleted)"
    } else {
        ""
    };
    Estimate::Usd {
        per_hour: p / HOURS_PER_MONTH,
        window: None,
        basis: format!(
            "bundle {} at {}/month (Lightsail's own price, from GetBundles){stopped}",
            i.bundle,
            usd(p)
        ),
    }
}

pub fn container_service(s: &ContainerService) -> Estimate {
    let Some(p) = s.price_usd_month else {
        let power = if s.power.is_empty() { "?" } else { s.power.as_str() };
        return Estimate::Unpriced(format!("power {power} not in GetContainerServicePowers"));
    };
    let each = if s.scale > 0 { p / s.scale as f64 } else { 0.0 };
    let disabled = if s.state == "DISABLED" {
        "; billed while disabled too (until it is deleted)"
    } else {
        ""
    };
    Estimate::Usd {
        per_hour: p / HOURS_PER_MONTH,
        window: None,
        basis: format!(
            "{} × {} power at {}/month each (Lightsail's own price, from GetContainerServicePowers){disabled}",
            s.scale,
            s.power,
            usd(each)
        ),
    }
}

/// Every instance and container service of the room.
pub fn all(d: &LightsailData) -> Vec<Estimate> {
    d.instances
        .iter()
        .map(instance)
        .chain(d.container_services.iter().map(container_service))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::RoomCost;

    fn inst(bundle: &str, price: Option<f64>, state: &str) -> Instance {
        Instance {
            name: "wordpress-1".into(),
            region: "us-east-1".into(),
            state: state.into(),
            bundle: bundle.into(),
            price_usd_month: price,
            ..Default::default()
        }
    }

    #[test]
    fn an_instance_costs_its_bundle_and_says_where_the_price_came_from() {
        let e = instance(&inst("small_3_0", Some(10.0), "running"));
        assert!((e.per_month().unwrap() - 10.0).abs() < 1e-9);
        assert_eq!(
            e.basis(),
            "bundle small_3_0 at $10/month (Lightsail's own price, from GetBundles)"
        );
        assert_eq!(e.cell(), "$10");
    }

    #[test]
    fn a_stopped_instance_still_bills_and_an_unlisted_bundle_is_unpriced() {
        let e = instance(&inst("nano_3_0", Some(3.5), "stopped"));
        assert!((e.per_month().unwrap() - 3.5).abs() < 1e-9);
        assert!(e.basis().contains("billed while stopped too"), "{}", e.basis());
        let u = instance(&inst("old_1_0", None, "running"));
        assert_eq!(u, Estimate::Unpriced("bundle old_1_0 not in GetBundles".into()));
        assert_eq!(u.cell(), "?");
    }

    #[test]
    fn a_container_service_is_its_power_price_times_its_scale() {
        let s = ContainerService {
            name: "api".into(),
            account: Default::default(),
            region: "us-east-1".into(),
            state: "RUNNING".into(),
            power: "micro".into(),
            power_id: None,
            scale: 2,
            price_usd_month: Some(20.0),
        };
        let e = container_service(&s);
        assert!((e.per_month().unwrap() - 20.0).abs() < 1e-9);
        assert!(e.basis().starts_with("2 × micro power at $10/month each"), "{}", e.basis());
        let d = LightsailData {
            instances: vec![inst("small_3_0", Some(10.0), "running"), inst("gone", None, "running")],
            container_services: vec![s],
            operations: Vec::new(),
        };
        let c = RoomCost::of(&all(&d));
        assert_eq!((c.priced, c.unpriced), (2, 1));
        assert!((c.per_hour * HOURS_PER_MONTH - 30.0).abs() < 1e-9);
    }
}
