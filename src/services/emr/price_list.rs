//! EMR's part of AWS's Price List: EMR on EC2's fee an instance type
//! (`ElasticMapReduce`), written beside the type's EC2 rate as the
//! `[emr.instance-types]` section.

use std::fmt::Write;

use crate::cost::pricelist::{instance_type, num, Found, ListQuery, Listed};

/// EMR's fee products: one an instance type, on top of its EC2 rate.
const FAMILY: &str = "Elastic Map Reduce Instance";

pub const LISTED: Listed = Listed {
    queries: &[ListQuery {
        code: "ElasticMapReduce",
        // EMR on EC2's per-instance fee; not EMR on EKS, Serverless or
        // Outposts, which the same service code also prices.
        filters: &[("productFamily", FAMILY), ("softwareType", "EMR")],
        key: |p| {
            // A filter the service ignored must not bring in another kind
            // of product (EMR on EKS, Serverless).
            if p.attr("softwareType").is_some_and(|s| s != "EMR") {
                return None;
            }
            Some(("emr.fee", instance_type(p)?.to_string(), 1.0))
        },
    }],
    write,
};

/// Each type with both its EC2 on-demand rate and EMR's fee on it; a type
/// with only one of the two is left out (`?`).
fn write(out: &mut String, found: &Found) {
    let types: Vec<(&String, f64, f64)> = found
        .rates
        .iter()
        .filter(|((section, _), _)| *section == "emr.fee")
        .filter_map(|((_, t), fee)| Some((t, found.get("ec2.instance-types", t)?.usd, fee.usd)))
        .collect();
    if types.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "\n[emr.instance-types]\n# EC2 on-demand Linux (BoxUsage:TYPE) and EMR's fee on it\n\
         # (ElasticMapReduce, Elastic Map Reduce Instance), USD an hour."
    );
    for (t, ec2, fee) in types {
        let _ = writeln!(out, "\"{t}\" = {{ ec2 = {}, emr = {} }}", num(ec2), num(fee));
    }
}
