//! A region's prices from the Price List, written as a price file: the same
//! shape as `prices/REGION.toml`, each price with its SKU and usage type in a
//! comment. The book reads it like any price file. A section is written
//! only when every price it needs was found: a part is never filled in
//! (API Gateway's prices stand alone, one a protocol, and are written as
//! found).

use std::fmt::Write;

use super::query::Found;

/// Lambda's free tier is account-wide (the Price List's `Global-…` lines,
/// not a region's): it is taken from the bundled us-east-1 file.
fn free_tier() -> Option<(f64, f64)> {
    let t: toml::Table = toml::from_str(crate::cost::book::BUILTIN[0]).ok()?;
    let l = t.get("lambda")?.as_table()?;
    let n = |k: &str| l.get(k).and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)));
    Some((n("free-requests-per-month")?, n("free-gb-seconds-per-month")?))
}

/// Ten decimals, as the Price List writes its prices, without trailing
/// zeros: `0.096`, `0.0000166667`, `0.2`.
pub fn num(v: f64) -> String {
    let s = format!("{v:.10}");
    let s = s.trim_end_matches('0');
    if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    }
}

/// An SKU or usage type as a comment: one line of plain characters, so
/// nothing an answer says can become a line of the file.
fn clean(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_graphic()).take(80).collect()
}

/// The section `name` with `keys` (file key, found key), or nothing when one is missing.
fn section(out: &mut String, found: &Found, name: &'static str, keys: &[(&str, &str)]) -> bool {
    let Some(rates) = keys
        .iter()
        .map(|(_, k)| found.get(name, k))
        .collect::<Option<Vec<_>>>()
    else {
        return false;
    };
    let _ = writeln!(out, "\n[{name}]");
    for ((key, _), r) in keys.iter().zip(rates) {
        let _ = writeln!(out, "# SKU {} ({})", clean(&r.sku), clean(&r.usage));
        let _ = writeln!(out, "{key} = {}", num(r.usd));
    }
    true
}

/// The price file for `region`, read on `date` (`2026-12-06`).
pub fn price_file(region: &str, date: &str, found: &Found) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# AWS list prices for {region}, read from the AWS Price List Query API\n\
         # (pricing:GetProducts) on {date}{}.\n\
         # Written by awstop; a section it could not read in full is left out.",
        found
            .published
            .as_deref()
            .map(|p| format!(", offers published up to {}", clean(p)))
            .unwrap_or_default()
    );
    let _ = writeln!(out, "region = \"{region}\"\ndate = \"{date}\"");
    let lambda = [
        ("usd-per-million-requests", "usd-per-million-requests"),
        ("usd-per-gb-second-x86-64", "usd-per-gb-second-x86-64"),
        ("usd-per-gb-second-arm64", "usd-per-gb-second-arm64"),
    ];
    if let Some((requests, gb_s)) = free_tier() {
        if section(&mut out, found, "lambda", &lambda) {
            let _ = writeln!(out, "# The account-wide free tier, the same in every region.");
            let _ = writeln!(out, "free-requests-per-month = {}", requests as u64);
            let _ = writeln!(out, "free-gb-seconds-per-month = {}", gb_s as u64);
        }
    }
    let fargate = [
        ("usd-per-vcpu-hour-x86-64", "usd-per-vcpu-hour-x86-64"),
        ("usd-per-gb-hour-x86-64", "usd-per-gb-hour-x86-64"),
        ("usd-per-vcpu-hour-arm64", "usd-per-vcpu-hour-arm64"),
        ("usd-per-gb-hour-arm64", "usd-per-gb-hour-arm64"),
    ];
    section(&mut out, found, "fargate", &fargate);
    if let (Some(std), Some(ext)) = (found.get("eks", "standard"), found.get("eks", "extended-surcharge")) {
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
    ec2(&mut out, found);
    apigateway(&mut out, found);
    emr(&mut out, found);
    out
}

/// `[apigateway]`: each protocol's first-tier price that was found. The
/// prices stand alone (an API of a protocol left out shows `?`), so the
/// section is written with what there is.
fn apigateway(out: &mut String, found: &Found) {
    let keys = [
        "usd-per-million-rest-requests",
        "usd-per-million-http-requests",
        "usd-per-million-websocket-messages",
    ];
    let rates: Vec<_> = keys.iter().filter_map(|k| found.get("apigateway", k).map(|r| (k, r))).collect();
    if rates.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n[apigateway]");
    for (key, r) in rates {
        let _ = writeln!(out, "# SKU {} ({}), first tier", clean(&r.sku), clean(&r.usage));
        let _ = writeln!(out, "{key} = {}", num(r.usd));
    }
}

/// `[emr.instance-types]`: each type with both its EC2 on-demand rate and
/// EMR's fee on it; a type with only one of the two is left out (`?`).
fn emr(out: &mut String, found: &Found) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_the_price_list_writes_them() {
        assert_eq!(num(0.096), "0.096");
        assert_eq!(num(0.0000002 * 1e6), "0.2");
        assert_eq!(num(0.0000166667), "0.0000166667");
        assert_eq!(num(1.0), "1.0");
        assert_eq!(num(0.107 / 2.0), "0.0535");
    }
}
