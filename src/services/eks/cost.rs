//! What a cluster costs by the hour: its control plane (standard support,
//! or extended support at six times the price for staying on an old
//! version) and its node groups' nodes, each group's desired size at its
//! instance type's on-demand EC2 rate (Spot at the configured discount).
//! What cannot be priced (a type the price file lacks, a group of unknown
//! size, pods on Fargate profiles, which the EKS API does not show) makes the
//! figure a floor, and the basis names it.

use super::domain::{EksCluster, Nodegroup};
use crate::cost::book::{PriceBook, PriceError, RegionPrices};
use crate::cost::Estimate;
use serde::Deserialize;

/// EKS's section of the price files (`[eks]`).
pub const PRICES: crate::cost::book::PriceSection =
    crate::cost::book::PriceSection::of::<EksPrices>("eks", "EKS")
        .listed(&super::price_list::LISTED);

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EksPrices {
    pub usd_per_cluster_hour_standard: f64,
    pub usd_per_cluster_hour_extended: f64,
}

/// A cluster's node groups as priced: what was counted and what was not.
#[derive(Default)]
struct Nodes {
    count: i64,
    per_hour: f64,
    /// "6 × m6i.large", one per priced group.
    priced: Vec<String>,
    /// Why a group with nodes could not be priced, one per group.
    unpriced: Vec<String>,
}

fn nodes(c: &EksCluster, region: &RegionPrices, book: &PriceBook) -> Nodes {
    let mut out = Nodes::default();
    for g in &c.nodegroups {
        match group(g, region, book) {
            // Scaled to zero: nothing runs, nothing is billed.
            Ok(None) => {}
            Ok(Some((n, per_hour, what))) => {
                out.count += n;
                out.per_hour += per_hour;
                out.priced.push(what);
            }
            Err(why) => out.unpriced.push(why.to_string()),
        }
    }
    out
}

/// Why a node group's nodes are not priced, naming the group (`group`).
#[derive(Debug)]
enum GroupUnpriced<'g> {
    SizeUnknown { group: &'g str },
    CapacityBlock { group: &'g str, n: i64 },
    TypeInTemplate { group: &'g str, n: i64 },
    NoEc2 { group: &'g str, n: i64, kind: &'g str, why: PriceError },
    NoRate { group: &'g str, n: i64, kind: &'g str, region: String, origin: String },
}

impl std::fmt::Display for GroupUnpriced<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupUnpriced::SizeUnknown { group } => write!(f, "{group}: its size is not known"),
            GroupUnpriced::CapacityBlock { group, n } => write!(f, "{group}: {n} nodes on a Capacity Block, paid for in advance"),
            GroupUnpriced::TypeInTemplate { group, n } => write!(f, "{group}: {n} nodes of a type its launch template sets"),
            GroupUnpriced::NoEc2 { group, n, kind, why } => write!(f, "{group}: {n} × {kind} ({why})"),
            GroupUnpriced::NoRate { group, n, kind, region, origin } => {
                write!(f, "{group}: {n} × {kind} (no {kind} rate for {region} in {origin})")
            }
        }
    }
}

/// One node group's nodes an hour, `None` for a group of none, or why not.
fn group<'g>(g: &'g Nodegroup, region: &RegionPrices, book: &PriceBook) -> Result<Option<(i64, f64, String)>, GroupUnpriced<'g>> {
    let name = g.name.as_str();
    let n = match g.desired {
        Some(0) => return Ok(None),
        Some(n) if n > 0 => n as i64,
        _ => return Err(GroupUnpriced::SizeUnknown { group: name }),
    };
    let capacity = g.capacity_type.as_deref().unwrap_or("ON_DEMAND");
    if capacity == "CAPACITY_BLOCK" {
        return Err(GroupUnpriced::CapacityBlock { group: name, n });
    }
    let Some(first) = g.instance_types.first() else {
        return Err(GroupUnpriced::TypeInTemplate { group: name, n });
    };
    let rate = region
        .section(&region.ec2, "EC2")
        .map_err(|why| GroupUnpriced::NoEc2 { group: name, n, kind: first, why })?
        .instance_rate(first)
        .ok_or_else(|| GroupUnpriced::NoRate {
            group: name,
            n,
            kind: first,
            region: region.region.to_string(),
            origin: region.origin(),
        })?;
    let mut what = format!("{n} × {first}");
    if g.instance_types.len() > 1 {
        what.push_str(&format!(
            " (the first of its {} types)",
            g.instance_types.len()
        ));
    }
    let factor = if capacity == "SPOT" {
        what.push_str(&format!(
            " on Spot at {}% off (assumed)",
            crate::fmt::count(book.spot_discount_pct)
        ));
        book.spot_factor()
    } else {
        1.0
    };
    Ok(Some((n, n as f64 * rate * factor, what)))
}

/// The control plane's rate an hour, and its tier in words, or why there is none.
fn control_plane<'a>(c: &EksCluster, book: &'a PriceBook) -> Result<(f64, String, &'a RegionPrices), PriceError> {
    let region = book.region(&c.region)?;
    let p = region.priced::<EksPrices>("EKS")?;
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
    Ok((per_hour, tier, region))
}

/// What the support tier costs an hour (the control plane alone), for the
/// support column: the nodes are in the cost column.
pub fn support_per_hour(c: &EksCluster, book: &PriceBook) -> Option<f64> {
    control_plane(c, book).ok().map(|(h, ..)| h)
}

pub fn estimate(c: &EksCluster, book: &PriceBook) -> Estimate {
    let (plane, tier, region) = match control_plane(c, book) {
        Ok(x) => x,
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    let n = nodes(c, region, book);
    let per_hour = plane + n.per_hour;
    let counted = if n.priced.is_empty() {
        "control plane".to_string()
    } else {
        format!("control plane + {} nodes ({})", n.count, n.priced.join(", "))
    };
    let mut left_out = Vec::new();
    if !n.unpriced.is_empty() {
        left_out.push(format!("node groups not priced: {}", n.unpriced.join("; ")));
    }
    if !c.fargate_profiles.is_empty() {
        left_out.push("its Fargate pods are not visible and not counted".to_string());
    }
    // The nodes' rates may come from elsewhere than the control plane's
    // (the Price List gave one and not the other): then both are named.
    let (plane_from, nodes_from) = (region.label_of("eks"), region.label_of("ec2"));
    let basis = if n.priced.is_empty() || plane_from == nodes_from {
        format!("{counted}: {tier}, {plane_from}")
    } else {
        format!("{counted}: {tier}, {plane_from}; node rates {nodes_from}")
    };
    if left_out.is_empty() {
        Estimate::Usd {
            per_hour,
            window: None,
            basis,
        }
    } else {
        Estimate::Floor {
            per_hour,
            basis: format!("{basis}; {}", left_out.join("; ")),
        }
    }
}

/// The detail's cost row: the monthly figure first, then what it counts and
/// leaves out, in a few words (the basis has the rest).
pub fn summary(c: &EksCluster, book: &PriceBook) -> String {
    let e = estimate(c, book);
    let Some(region) = e.per_hour().and_then(|_| book.region(&c.region).ok()) else {
        return e.describe();
    };
    let n = nodes(c, region, book);
    let mut what = if n.priced.is_empty() {
        "control plane".to_string()
    } else {
        format!("control plane + {} nodes", n.count)
    };
    if !n.unpriced.is_empty() {
        what.push_str(&format!("; {} node groups not priced", n.unpriced.len()));
    }
    if !c.fargate_profiles.is_empty() {
        what.push_str("; Fargate pods not counted");
    }
    format!("{}/mo ({what})", e.cell())
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
        assert!(std.basis().ends_with("us-east-1 bundled 2026-11"), "{}", std.basis());
    }

    fn group(types: &[&str], capacity: &str, desired: Option<i32>) -> Nodegroup {
        Nodegroup {
            name: format!("ng-{}", types.first().unwrap_or(&"lt")),
            capacity_type: Some(capacity.into()),
            instance_types: types.iter().map(|t| t.to_string()).collect(),
            desired,
            ..Default::default()
        }
    }

    fn near(a: Option<f64>, b: f64) {
        assert!((a.unwrap() - b).abs() < 1e-9, "{a:?} != {b}");
    }

    #[test]
    fn a_cluster_with_node_groups_costs_its_control_plane_and_its_nodes() {
        let book = crate::services::builtin_prices();
        let mut c = cluster(Some("STANDARD"), "us-east-1");
        c.nodegroups = vec![group(&["m6i.large"], "ON_DEMAND", Some(12))];
        let e = estimate(&c, book);
        // $0.10 for the control plane and 12 × m6i.large at $0.096.
        assert!(matches!(e, Estimate::Usd { .. }), "{e:?}");
        near(e.per_hour(), 0.10 + 12.0 * 0.096);
        assert_eq!(e.cell(), "$914");
        assert_eq!(
            e.basis(),
            "control plane + 12 nodes (12 × m6i.large): standard support, us-east-1 bundled 2026-11"
        );
        assert_eq!(summary(&c, book), "$914/mo (control plane + 12 nodes)");
        // The support column keeps the control plane's own rate.
        assert_eq!(support_per_hour(&c, book), Some(0.10));
        assert!(e.per_hour() > estimate(&cluster(Some("STANDARD"), "us-east-1"), book).per_hour());
    }

    #[test]
    fn spot_node_groups_are_discounted_and_several_types_price_the_first() {
        let book = crate::services::builtin_prices();
        let mut c = cluster(Some("EXTENDED"), "us-east-1");
        c.nodegroups = vec![
            group(&["m5.xlarge", "m5a.xlarge", "m6i.xlarge"], "SPOT", Some(4)),
            group(&["t3.large"], "ON_DEMAND", Some(2)),
        ];
        let e = estimate(&c, book);
        // Extended support $0.60; 4 × m5.xlarge $0.192 at 70% off; 2 × t3.large $0.0832.
        near(e.per_hour(), 0.60 + 4.0 * 0.192 * 0.3 + 2.0 * 0.0832);
        assert_eq!(
            e.basis(),
            "control plane + 6 nodes (4 × m5.xlarge (the first of its 3 types) on Spot at 70% off (assumed), \
             2 × t3.large): extended support, 6× the standard price, us-east-1 bundled 2026-11"
        );
        // The discount is the configured one.
        let half = PriceBook::clone(book).with_user(None, Some(50.0), &[]).unwrap();
        near(estimate(&c, &half).per_hour(), 0.60 + 4.0 * 0.192 * 0.5 + 2.0 * 0.0832);
    }

    #[test]
    fn an_unknown_instance_type_makes_a_floor_that_names_it() {
        let book = crate::services::builtin_prices();
        let mut c = cluster(Some("STANDARD"), "us-east-1");
        c.nodegroups = vec![
            group(&["m6i.large"], "ON_DEMAND", Some(2)),
            group(&["x9.nonesuch"], "ON_DEMAND", Some(3)),
        ];
        let e = estimate(&c, book);
        assert!(matches!(e, Estimate::Floor { .. }), "{e:?}");
        near(e.per_hour(), 0.10 + 2.0 * 0.096);
        assert_eq!(
            e.basis(),
            "control plane + 2 nodes (2 × m6i.large): standard support, us-east-1 bundled 2026-11; \
             node groups not priced: ng-x9.nonesuch: 3 × x9.nonesuch (no x9.nonesuch rate for us-east-1 in the bundled prices)"
        );
        assert_eq!(e.cell(), "$213+");
        assert_eq!(summary(&c, book), "$213+/mo (control plane + 2 nodes; 1 node groups not priced)");
        // Each region's own rates: ap-southeast-1's file has m6i.large ($0.12)
        // but no g5.xlarge, and says so for that group alone.
        c.region = "ap-southeast-1".into();
        c.nodegroups = vec![
            group(&["m6i.large"], "ON_DEMAND", Some(2)),
            group(&["g5.xlarge"], "ON_DEMAND", Some(1)),
        ];
        let e = estimate(&c, book);
        near(e.per_hour(), 0.10 + 2.0 * 0.12);
        assert_eq!(
            e.basis(),
            "control plane + 2 nodes (2 × m6i.large): standard support, ap-southeast-1 bundled 2026-09; \
             node groups not priced: ng-g5.xlarge: 1 × g5.xlarge (no g5.xlarge rate for ap-southeast-1 in the bundled prices)"
        );
        // A group whose type its launch template sets, or of unknown size.
        c.region = "us-east-1".into();
        c.nodegroups = vec![group(&[], "ON_DEMAND", Some(2)), group(&["m6i.large"], "ON_DEMAND", None)];
        let e = estimate(&c, book);
        near(e.per_hour(), 0.10);
        assert!(e.basis().ends_with("node groups not priced: ng-lt: 2 nodes of a type its launch template sets; ng-m6i.large: its size is not known"), "{}", e.basis());
    }

    #[test]
    fn control_plane_and_node_rates_from_different_sources_are_both_named() {
        let sections = crate::services::price_sections();
        let book = PriceBook::clone(crate::services::builtin_prices()).with_user(None, None, &sections).unwrap();
        let listed = "region = \"us-east-1\"\ndate = \"2026-12-06\"\n[eks]\n\
                      usd-per-cluster-hour-standard = 0.11\nusd-per-cluster-hour-extended = 0.61\n";
        assert!(book.list(&[("price list us-east-1".into(), listed.into())], &sections).is_empty());
        let mut c = cluster(Some("STANDARD"), "us-east-1");
        assert_eq!(estimate(&c, &book).basis(), "control plane: standard support, us-east-1 price list 2026-12-06");
        c.nodegroups = vec![group(&["m6i.large"], "ON_DEMAND", Some(12))];
        let e = estimate(&c, &book);
        near(e.per_hour(), 0.11 + 12.0 * 0.096);
        assert_eq!(
            e.basis(),
            "control plane + 12 nodes (12 × m6i.large): standard support, us-east-1 price list 2026-12-06; \
             node rates us-east-1 bundled 2026-11"
        );
        // The book it was copied from keeps the bundled prices.
        assert!(estimate(&c, crate::services::builtin_prices()).basis().ends_with("us-east-1 bundled 2026-11"));
    }

    #[test]
    fn a_node_group_scaled_to_zero_costs_nothing() {
        let book = crate::services::builtin_prices();
        let mut c = cluster(Some("STANDARD"), "us-east-1");
        c.nodegroups = vec![group(&["g5.xlarge"], "ON_DEMAND", Some(0)), group(&["x9.nonesuch"], "SPOT", Some(0))];
        let e = estimate(&c, book);
        assert!(matches!(e, Estimate::Usd { .. }), "{e:?}");
        near(e.per_hour(), 0.10);
        assert_eq!(e.cell(), "$73");
        assert_eq!(e.basis(), "control plane: standard support, us-east-1 bundled 2026-11");
        assert_eq!(summary(&c, book), "$73/mo (control plane)");
    }

    #[test]
    fn fargate_pods_stay_uncounted_and_the_figure_a_floor() {
        let book = crate::services::builtin_prices();
        let mut c = cluster(Some("STANDARD"), "us-east-1");
        c.nodegroups = vec![group(&["r6i.2xlarge"], "ON_DEMAND", Some(3))];
        c.fargate_profiles = vec![Default::default()];
        let e = estimate(&c, book);
        assert!(matches!(e, Estimate::Floor { .. }), "{e:?}");
        near(e.per_hour(), 0.10 + 3.0 * 0.504);
        assert!(e.basis().ends_with("; its Fargate pods are not visible and not counted"), "{}", e.basis());
        assert_eq!(summary(&c, book), "$1.2k+/mo (control plane + 3 nodes; Fargate pods not counted)");
    }

    #[test]
    fn a_cluster_in_a_region_without_prices_is_unpriced() {
        let e = estimate(&cluster(Some("STANDARD"), "ap-south-2"), crate::services::builtin_prices());
        assert_eq!(e.cell(), "?");
    }
}
