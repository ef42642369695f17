//! Lambda's part of AWS's Price List: requests and GB-seconds by
//! architecture (`AWSLambda`), written as the `[lambda]` section.

use std::fmt::Write;

use crate::cost::pricelist::{fixed, section, Found, ListQuery, Listed};

pub const LISTED: Listed = Listed {
    queries: &[ListQuery {
        code: "AWSLambda",
        filters: &[],
        key: |p| match p.usage() {
            // Requests are priced one by one; the file says per million.
            "Request" => fixed("lambda", "usd-per-million-requests", 1e6),
            "Lambda-GB-Second" => fixed("lambda", "usd-per-gb-second-x86-64", 1.0),
            "Lambda-GB-Second-ARM" => fixed("lambda", "usd-per-gb-second-arm64", 1.0),
            _ => None,
        },
    }],
    write,
};

/// Lambda's free tier is account-wide (the Price List's `Global-…` lines,
/// not a region's): it is taken from the bundled us-east-1 file.
fn free_tier() -> Option<(f64, f64)> {
    let t: toml::Table = toml::from_str(crate::cost::book::BUILTIN[0]).ok()?;
    let l = t.get("lambda")?.as_table()?;
    let n = |k: &str| l.get(k).and_then(|v| v.as_float().or(v.as_integer().map(|i| i as f64)));
    Some((n("free-requests-per-month")?, n("free-gb-seconds-per-month")?))
}

fn write(out: &mut String, found: &Found) {
    let keys = ["usd-per-million-requests", "usd-per-gb-second-x86-64", "usd-per-gb-second-arm64"];
    let Some((requests, gb_s)) = free_tier() else { return };
    if section(out, found, "lambda", &keys.map(|k| (k, k))) {
        let _ = writeln!(out, "# The account-wide free tier, the same in every region.");
        let _ = writeln!(out, "free-requests-per-month = {}", requests as u64);
        let _ = writeln!(out, "free-gb-seconds-per-month = {}", gb_s as u64);
    }
}
