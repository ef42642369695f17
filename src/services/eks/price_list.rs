//! EKS's part of AWS's Price List: the control plane's hour, standard and
//! extended support (`AmazonEKS`), written as the `[eks]` section. Node
//! groups are priced from the shared `[ec2.instance-types]`.

use std::fmt::Write;

use crate::cost::pricelist::{clean, fixed, num, Found, ListQuery, Listed};

pub const LISTED: Listed = Listed {
    queries: &[ListQuery {
        code: "AmazonEKS",
        filters: &[],
        key: |p| match p.usage() {
            "AmazonEKS-Hours:perCluster" => fixed("eks", "standard", 1.0),
            // A surcharge on top of the standard hour, not the total.
            "AmazonEKS-Hours:extendedSupport" => fixed("eks", "extended-surcharge", 1.0),
            _ => None,
        },
    }],
    write,
};

fn write(out: &mut String, found: &Found) {
    let (Some(std), Some(ext)) = (found.get("eks", "standard"), found.get("eks", "extended-surcharge")) else {
        return;
    };
    let _ = writeln!(out, "\n[eks]\n# SKU {} ({})", clean(&std.sku), clean(&std.usage));
    let _ = writeln!(out, "usd-per-cluster-hour-standard = {}", num(std.usd));
    let _ = writeln!(
        out,
        "# The standard hour plus SKU {} ({}), a surcharge on top of it.",
        clean(&ext.sku),
        clean(&ext.usage)
    );
    let _ = writeln!(out, "usd-per-cluster-hour-extended = {}", num(std.usd + ext.usd));
}
