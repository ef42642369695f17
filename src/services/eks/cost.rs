//! What a cluster's control plane costs by the hour: standard support, or
//! extended support at six times the price for staying on an old version.
//! Nodes are EC2 instances and are billed as such; pods on Fargate profiles
//! are not visible to the EKS API, and the basis says so.

use super::domain::EksCluster;
use crate::cost::{Estimate, PriceBook};

pub fn estimate(c: &EksCluster, book: &PriceBook) -> Estimate {
    let (p, region) = match book.region(&c.region).and_then(|r| Ok((r.section(&r.eks, "EKS")?, r))) {
        Ok(x) => x,
        Err(why) => return Estimate::Unpriced(why),
    };
    let (per_hour, tier) = match c.support.as_deref() {
        Some("EXTENDED") => (
            p.usd_per_cluster_hour_extended,
            format!(
                "extended support, {}× the standard price",
                crate::fmt::count(p.usd_per_cluster_hour_extended / p.usd_per_cluster_hour_standard)
            ),
        ),
        Some(_) => (p.usd_per_cluster_hour_standard, "standard support".to_string()),
        None => (
            p.usd_per_cluster_hour_standard,
            "standard support (the cluster does not say; assumed)".to_string(),
        ),
    };
    let fargate = if c.fargate_profiles.is_empty() {
        ""
    } else {
        "; its Fargate pods are not visible and not counted"
    };
    Estimate::Usd {
        per_hour,
        window: None,
        basis: format!("control plane, {tier}, {}{fargate}", region.label()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster(support: Option<&str>, region: &str) -> EksCluster {
        EksCluster {
            name: "prod".into(),
            region: region.into(),
            support: support.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn extended_support_costs_six_times_standard_and_says_so() {
        let book = PriceBook::builtin();
        let std = estimate(&cluster(Some("STANDARD"), "us-east-1"), book);
        let ext = estimate(&cluster(Some("EXTENDED"), "us-east-1"), book);
        assert_eq!(std.per_hour(), Some(0.10));
        assert_eq!(ext.per_hour(), Some(0.60));
        assert!(ext.basis().contains("6× the standard price"), "{}", ext.basis());
        assert!(std.basis().ends_with("us-east-1 list price 2026-11"), "{}", std.basis());
    }

    #[test]
    fn a_cluster_in_a_region_without_prices_is_unpriced() {
        let e = estimate(&cluster(Some("STANDARD"), "ap-south-2"), PriceBook::builtin());
        assert_eq!(e.cell(), "?");
    }
}
