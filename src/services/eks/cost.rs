//! What a cluster's control plane costs by the hour: standard support, or
//! extended support at six times the price for staying on an old version.
//! Nodes are EC2 instances and are billed as such, not priced here: a cluster
//! with nodes is priced as a floor (`$73+`), and the basis says so; pods on
//! Fargate profiles are not visible to the EKS API either.

use super::domain::EksCluster;
use crate::cost::{Estimate, PriceBook};
use serde::Deserialize;

/// EKS's section of the price files (`[eks]`).
pub const PRICES: crate::cost::book::PriceSection =
    crate::cost::book::PriceSection::of::<EksPrices>("eks", "EKS");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EksPrices {
    pub usd_per_cluster_hour_standard: f64,
    pub usd_per_cluster_hour_extended: f64,
}

pub fn estimate(c: &EksCluster, book: &PriceBook) -> Estimate {
    let (p, region) = match book.region(&c.region).and_then(|r| Ok((r.priced::<EksPrices>("EKS")?, r))) {
        Ok(x) => x,
        Err(why) => return Estimate::Unpriced(why.into()),
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
    // A node group of unknown size may have nodes.
    let groups: Vec<_> = c.nodegroups.iter().filter(|g| g.desired != Some(0)).collect();
    if groups.is_empty() && c.fargate_profiles.is_empty() {
        return Estimate::Usd {
            per_hour,
            window: None,
            basis: format!("control plane, {tier}, {}", region.label()),
        };
    }
    let nodes = match groups.iter().map(|g| g.desired).sum::<Option<i32>>() {
        _ if groups.is_empty() => String::new(),
        Some(n) => format!("; its {n} nodes in {} node groups are EC2 instances, not priced", groups.len()),
        None => format!("; the nodes of its {} node groups are EC2 instances, not priced", groups.len()),
    };
    Estimate::Floor {
        per_hour,
        basis: format!("control plane; nodes not priced: {tier}, {}{nodes}{fargate}", region.label()),
    }
}

/// The detail's cost row: the monthly figure first, then what it leaves out.
pub fn summary(c: &EksCluster, book: &PriceBook) -> String {
    match estimate(c, book) {
        e @ Estimate::Floor { .. } => format!("{}/mo (control plane; nodes not priced)", e.cell()),
        e @ Estimate::Usd { .. } => format!("{}/mo (control plane)", e.cell()),
        e => e.describe(),
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
        let book = crate::services::builtin_prices();
        let std = estimate(&cluster(Some("STANDARD"), "us-east-1"), book);
        let ext = estimate(&cluster(Some("EXTENDED"), "us-east-1"), book);
        assert_eq!(std.per_hour(), Some(0.10));
        assert_eq!(ext.per_hour(), Some(0.60));
        assert!(ext.basis().contains("6× the standard price"), "{}", ext.basis());
        assert!(std.basis().ends_with("us-east-1 list price 2026-11"), "{}", std.basis());
    }

    #[test]
    fn a_cluster_with_nodes_is_a_floor_that_says_its_nodes_are_not_priced() {
        let book = crate::services::builtin_prices();
        let mut c = cluster(Some("STANDARD"), "us-east-1");
        let group = |desired| super::super::domain::Nodegroup {
            desired,
            ..Default::default()
        };
        c.nodegroups = vec![group(Some(12)), group(Some(0))];
        let e = estimate(&c, book);
        assert_eq!(e.cell(), "$73+");
        assert_eq!(e.per_hour(), Some(0.10));
        assert!(e.basis().starts_with("control plane; nodes not priced"), "{}", e.basis());
        assert!(e.basis().contains("its 12 nodes in 1 node groups"), "{}", e.basis());
        assert!(e.describe().starts_with("≈$73+/mo · control plane; nodes not priced"), "{}", e.describe());
        // Node groups scaled to zero have no nodes to leave out.
        c.nodegroups = vec![group(Some(0))];
        assert_eq!(estimate(&c, book).cell(), "$73");
    }

    #[test]
    fn a_cluster_in_a_region_without_prices_is_unpriced() {
        let e = estimate(&cluster(Some("STANDARD"), "ap-south-2"), crate::services::builtin_prices());
        assert_eq!(e.cell(), "?");
    }
}
