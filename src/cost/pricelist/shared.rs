//! The Price List's part of the sections no single room owns: Fargate
//! (ECS services, Batch environments) and EC2 (EKS node groups, Batch and
//! EMR instances).

use std::fmt::Write;

use super::listed::{fixed, instance_type, ListQuery, Listed};
use super::query::Found;
use super::render::{clean, num, section};

pub const FARGATE: Listed = Listed {
    queries: &[ListQuery {
        code: "AmazonECS",
        filters: &[],
        key: |p| match p.usage() {
            "Fargate-vCPU-Hours:perCPU" => fixed("fargate", "usd-per-vcpu-hour-x86-64", 1.0),
            "Fargate-GB-Hours" => fixed("fargate", "usd-per-gb-hour-x86-64", 1.0),
            "Fargate-ARM-vCPU-Hours:perCPU" => fixed("fargate", "usd-per-vcpu-hour-arm64", 1.0),
            "Fargate-ARM-GB-Hours" => fixed("fargate", "usd-per-gb-hour-arm64", 1.0),
            _ => None,
        },
    }],
    write: |out, found| {
        let keys = ["usd-per-vcpu-hour-x86-64", "usd-per-gb-hour-x86-64", "usd-per-vcpu-hour-arm64", "usd-per-gb-hour-arm64"];
        section(out, found, "fargate", &keys.map(|k| (k, k)));
    },
};

pub const EC2: Listed = Listed {
    queries: &[ListQuery {
        code: "AmazonEC2",
        // One product an instance type: on-demand Linux on shared hardware,
        // no software or licence, capacity in use (not a reservation's
        // unused hours).
        filters: &[
            ("operatingSystem", "Linux"),
            ("tenancy", "Shared"),
            ("preInstalledSw", "NA"),
            ("licenseModel", "No License required"),
            ("capacitystatus", "Used"),
        ],
        key: |p| {
            if !p.usage().starts_with("BoxUsage:") {
                return None;
            }
            // Linux is RunInstances; other operations are other systems.
            if p.attr("operation").is_some_and(|o| o != "RunInstances") {
                return None;
            }
            Some(("ec2.instance-types", instance_type(p)?.to_string(), 1.0))
        },
    }],
    write: ec2,
};

/// Every shared section, in the order a price file writes them.
pub const ALL: [&Listed; 2] = [&FARGATE, &EC2];

/// `[ec2]`: Batch's per-vCPU rate is m5.large's, as in the bundled files, and
/// every instance type's on-demand rate for node groups.
fn ec2(out: &mut String, found: &Found) {
    let Some(m5) = found.get("ec2.instance-types", "m5.large") else {
        return;
    };
    let Some(vcpu) = m5.vcpu.filter(|v| *v > 0.0) else {
        return;
    };
    let _ = writeln!(
        out,
        "\n[ec2]\n# m5.large, SKU {} ({}), over its {} vCPU.",
        clean(&m5.sku),
        clean(&m5.usage),
        num(vcpu)
    );
    let _ = writeln!(out, "usd-per-vcpu-hour = {}", num(m5.usd / vcpu));
    let _ = writeln!(
        out,
        "\n[ec2.instance-types]\n# On-demand Linux, shared tenancy, USD an hour (usage types BoxUsage:TYPE)."
    );
    for ((section, t), r) in &found.rates {
        if *section == "ec2.instance-types" {
            let _ = writeln!(out, "\"{t}\" = {}", num(r.usd));
        }
    }
}
