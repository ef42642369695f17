//! What a compute environment's running capacity costs: its desired vCPUs
//! at the EC2 rate (Spot at the configured discount) or the Fargate vCPU
//! rate. The environment reports vCPUs only, so memory and instance types
//! are not counted, and the basis says so.

use super::domain::ComputeEnvironment;
use crate::cost::{Estimate, PriceBook};

pub fn estimate(c: &ComputeEnvironment, book: &PriceBook) -> Estimate {
    if c.ce_type == "UNMANAGED" {
        return Estimate::Unpriced("unmanaged: its instances are yours, billed as EC2".into());
    }
    let region = match book.region(&c.region) {
        Ok(r) => r,
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    let vcpus = c.desired_vcpus.max(0) as f64;
    let spot = c.provisioning.ends_with("SPOT");
    let (rate, what) = if c.provisioning.starts_with("FARGATE") {
        match region.section(&region.fargate, "Fargate") {
            Ok(p) => (p.usd_per_vcpu_hour_x86_64, "Fargate x86_64 vCPU-hours"),
            Err(why) => return Estimate::Unpriced(why.into()),
        }
    } else {
        match region.section(&region.ec2, "EC2") {
            Ok(p) => (p.usd_per_vcpu_hour, "EC2 vCPU-hours at the m5 rate"),
            Err(why) => return Estimate::Unpriced(why.into()),
        }
    };
    let factor = if spot { book.spot_factor() } else { 1.0 };
    let spot_note = if spot {
        format!(", Spot at {}% off (assumed)", crate::fmt::count(book.spot_discount_pct))
    } else {
        String::new()
    };
    Estimate::Usd {
        per_hour: vcpus * rate * factor,
        window: None,
        basis: format!(
            "{} desired vCPU, {what}{spot_note}, {}; {}",
            c.desired_vcpus.max(0),
            region.label_of(if c.provisioning.starts_with("FARGATE") { "fargate" } else { "ec2" }),
            if c.provisioning.starts_with("FARGATE") {
                "memory is not visible at the environment"
            } else {
                "instance types are not visible at the environment"
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ce(provisioning: &str, vcpus: i32) -> ComputeEnvironment {
        ComputeEnvironment {
            name: "ce".into(),
            region: "us-east-1".into(),
            ce_type: "MANAGED".into(),
            provisioning: provisioning.into(),
            desired_vcpus: vcpus,
            ..Default::default()
        }
    }

    #[test]
    fn running_vcpus_are_priced_by_where_they_run() {
        let book = crate::services::builtin_prices();
        let ec2 = estimate(&ce("EC2", 16), book);
        assert!((ec2.per_hour().unwrap() - 16.0 * 0.048).abs() < 1e-12);
        // Spot at the default 70% off: 16 × $0.048 × 0.3.
        let spot = estimate(&ce("SPOT", 16), book);
        assert!((spot.per_hour().unwrap() - 16.0 * 0.048 * 0.3).abs() < 1e-12);
        assert!(spot.basis().contains("Spot at 70% off (assumed)"), "{}", spot.basis());
        let fargate = estimate(&ce("FARGATE", 4), book);
        assert!((fargate.per_hour().unwrap() - 4.0 * 0.04048).abs() < 1e-12);
        assert!(fargate.basis().contains("memory is not visible"), "{}", fargate.basis());
        assert_eq!(estimate(&ce("EC2", 0), book).per_hour(), Some(0.0));
    }

    #[test]
    fn unmanaged_environments_and_unpriced_regions_are_not_guessed() {
        let mut c = ce("EC2", 8);
        c.ce_type = "UNMANAGED".into();
        assert_eq!(estimate(&c, crate::services::builtin_prices()).cell(), "?");
        let mut c = ce("EC2", 8);
        c.region = "sa-east-1".into();
        assert_eq!(estimate(&c, crate::services::builtin_prices()).cell(), "?");
    }
}
