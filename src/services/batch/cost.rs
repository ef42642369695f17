//! What a compute environment's running capacity costs. An EC2 environment
//! that names its instance types is priced like an EKS node group: its
//! desired vCPUs as whole instances of its (first) type at the region's
//! on-demand rate, Spot at the configured discount. One that lets Batch
//! choose (`optimal`, a family) is `?`, as which sizes run is not visible.
//! Fargate environments, and EC2 ones whose types were not read, are
//! priced by the vCPU; the environment reports vCPUs only, so memory is not
//! counted, and the basis says so.

use super::domain::ComputeEnvironment;
use crate::cost::book::RegionPrices;
use crate::cost::{Estimate, PriceBook};

/// Batch's own choices, not instance types: which sizes run is its call.
const CHOSEN_BY_BATCH: &[&str] = &["optimal", "default_x86_64", "default_arm64"];

/// An instance type's vCPUs from its size, where the size says them
/// (`large` 2, `xlarge` 4, `12xlarge` 48): true of every family but the
/// HPC ones, which run with fewer. Smaller and `metal` sizes vary by
/// family, and give `None`.
pub fn vcpus(instance_type: &str) -> Option<u32> {
    let (family, size) = instance_type.split_once('.')?;
    if family.is_empty() || family.starts_with("hpc") {
        return None;
    }
    match size {
        "large" => Some(2),
        "xlarge" => Some(4),
        s => {
            let n: u32 = s.strip_suffix("xlarge")?.parse().ok()?;
            (1..=1000).contains(&n).then_some(n * 4)
        }
    }
}

/// An EC2 environment with named instance types: whole instances of the
/// first for its desired vCPUs, or why it cannot be priced.
fn named(c: &ComputeEnvironment, region: &RegionPrices, book: &PriceBook) -> Estimate {
    let first = c.instance_types[0].as_str();
    if CHOSEN_BY_BATCH.contains(&first) {
        return Estimate::Unpriced(format!(
            "instance types \"{first}\": Batch chooses them as jobs come, so which run is not visible"
        ));
    }
    if !first.contains('.') {
        return Estimate::Unpriced(format!(
            "instance family {first}: Batch chooses its sizes as jobs come, so which run is not visible"
        ));
    }
    let Some(per_instance) = vcpus(first) else {
        return Estimate::Unpriced(format!("{first}: its vCPUs are not known from its name"));
    };
    let rate = match region.section(&region.ec2, "EC2") {
        Ok(p) => match p.instance_rate(first) {
            Some(r) => r,
            None => {
                return Estimate::Unpriced(format!(
                    "no {first} rate for {} in {}",
                    region.region,
                    region.origin()
                ))
            }
        },
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    let desired = c.desired_vcpus.max(0) as u32;
    let instances = desired.div_ceil(per_instance);
    let mut what = format!("{instances} × {first} ({per_instance} vCPU each)");
    if c.instance_types.len() > 1 {
        what.push_str(&format!(" (the first of its {} types)", c.instance_types.len()));
    }
    let factor = if c.provisioning.ends_with("SPOT") {
        what.push_str(&format!(
            " on Spot at {}% off (assumed)",
            crate::fmt::count(book.spot_discount_pct)
        ));
        book.spot_factor()
    } else {
        1.0
    };
    Estimate::Usd {
        per_hour: instances as f64 * rate * factor,
        window: None,
        basis: format!(
            "{desired} desired vCPU as {what}, EC2 on-demand ${rate}/h, {}",
            region.label_of("ec2")
        ),
    }
}

pub fn estimate(c: &ComputeEnvironment, book: &PriceBook) -> Estimate {
    if c.ce_type == "UNMANAGED" {
        return Estimate::Unpriced("unmanaged: its instances are yours, billed as EC2".into());
    }
    let region = match book.region(&c.region) {
        Ok(r) => r,
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    if !c.provisioning.starts_with("FARGATE") && !c.instance_types.is_empty() {
        return named(c, region, book);
    }
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

    fn typed(provisioning: &str, vcpus: i32, types: &[&str]) -> ComputeEnvironment {
        let mut c = ce(provisioning, vcpus);
        c.instance_types = types.iter().map(|t| t.to_string()).collect();
        c
    }

    #[test]
    fn named_instance_types_are_priced_as_whole_instances_like_node_groups() {
        let book = crate::services::builtin_prices();
        // 16 desired vCPU of m5.xlarge (4 each): 4 instances at $0.192.
        let e = estimate(&typed("EC2", 16, &["m5.xlarge"]), book);
        assert!((e.per_hour().unwrap() - 4.0 * 0.192).abs() < 1e-12, "{e:?}");
        assert_eq!(
            e.basis(),
            "16 desired vCPU as 4 × m5.xlarge (4 vCPU each), EC2 on-demand $0.192/h, us-east-1 bundled 2026-11"
        );
        // 10 vCPU of m5.large (2 each) on Spot: 5 instances at 70% off.
        let spot = estimate(&typed("SPOT", 10, &["m5.large", "c5.large"]), book);
        assert!((spot.per_hour().unwrap() - 5.0 * 0.096 * 0.3).abs() < 1e-12, "{spot:?}");
        assert!(
            spot.basis().starts_with("10 desired vCPU as 5 × m5.large (2 vCPU each) (the first of its 2 types) on Spot at 70% off (assumed)"),
            "{}",
            spot.basis()
        );
        // A part of an instance is a whole one: 6 vCPU of r6i.2xlarge (8) is one.
        let part = estimate(&typed("EC2", 6, &["r6i.2xlarge"]), book);
        assert!((part.per_hour().unwrap() - 0.504).abs() < 1e-12, "{part:?}");
        assert_eq!(estimate(&typed("EC2", 0, &["m5.xlarge"]), book).per_hour(), Some(0.0));
        // The configured discount.
        let half = PriceBook::clone(book).with_user(None, Some(50.0), &[]).unwrap();
        let spot = estimate(&typed("SPOT", 8, &["m5.xlarge"]), &half);
        assert!((spot.per_hour().unwrap() - 2.0 * 0.192 * 0.5).abs() < 1e-12, "{spot:?}");
    }

    #[test]
    fn types_batch_chooses_or_without_a_rate_are_not_guessed() {
        let book = crate::services::builtin_prices();
        for (types, why) in [
            (&["optimal"][..], "instance types \"optimal\": Batch chooses them"),
            (&["m5", "c5.large"][..], "instance family m5: Batch chooses its sizes"),
            (&["t3.medium"][..], "t3.medium: its vCPUs are not known"),
            (&["x9.4xlarge"][..], "no x9.4xlarge rate for us-east-1 in the bundled prices"),
        ] {
            let e = estimate(&typed("EC2", 8, types), book);
            assert_eq!(e.cell(), "?", "{types:?}");
            assert!(e.basis().starts_with(why), "{types:?}: {}", e.basis());
        }
        assert_eq!(vcpus("m5.large"), Some(2));
        assert_eq!(vcpus("c6i.12xlarge"), Some(48));
        assert_eq!(vcpus("g5.xlarge"), Some(4));
        for unknown in ["t3.micro", "m5.metal", "hpc6a.48xlarge", "m5", ".large", "m5.0xlarge", "m5.99999xlarge"] {
            assert_eq!(vcpus(unknown), None, "{unknown}");
        }
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
