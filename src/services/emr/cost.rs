//! What a cluster costs by the hour: each running instance's EC2 rate (Spot
//! at the configured discount) plus EMR's fee on it, for the instance types
//! the price file lists; and the money a cluster burned while idle.

use super::domain::EmrCluster;
use crate::cost::{Estimate, PriceBook};
use serde::Deserialize;
use std::collections::BTreeMap;

/// EMR's section of the price files (`[emr.instance-types]`).
pub const PRICES: crate::cost::book::PriceSection =
    crate::cost::book::PriceSection::of::<EmrPrices>("emr", "EMR")
        .listed(&super::price_list::LISTED);

/// EMR bills each instance-hour twice: the EC2 instance and EMR's own fee.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmrPrices {
    pub instance_types: BTreeMap<String, EmrInstancePrice>,
}

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmrInstancePrice {
    /// The EC2 on-demand rate, USD an hour.
    pub ec2: f64,
    /// EMR's fee on top, USD an hour (the same on Spot).
    pub emr: f64,
}

pub fn estimate(c: &EmrCluster, book: &PriceBook) -> Estimate {
    if !c.active() {
        return Estimate::Usd { per_hour: 0.0, window: None, basis: format!("{}: no longer billed", c.state) };
    }
    let Some(groups) = &c.groups else {
        return Estimate::Unread;
    };
    let (p, region) = match book.region(&c.region).and_then(|r| Ok((r.priced::<EmrPrices>("EMR")?, r))) {
        Ok(x) => x,
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    let spot = book.spot_factor();
    let mut per_hour = 0.0;
    let mut parts = Vec::new();
    let mut any_spot = false;
    for g in groups.iter().filter(|g| g.running > 0) {
        if g.instance_type.contains('|') {
            return Estimate::Unpriced(format!(
                "{} fleet of {}: which types run is not visible",
                g.role.to_ascii_lowercase(),
                g.instance_type.replace('|', ", ")
            ));
        }
        let Some(rate) = p.instance_types.get(&g.instance_type) else {
            return Estimate::Unpriced(format!("{} is not in the price file ({})", g.instance_type, region.label_of("emr")));
        };
        let on_spot = g.market == "SPOT";
        any_spot |= on_spot;
        per_hour += g.running as f64 * (rate.ec2 * if on_spot { spot } else { 1.0 } + rate.emr);
        parts.push(format!(
            "{} × {}{} {}",
            g.running,
            g.instance_type,
            if on_spot { " Spot" } else { "" },
            g.role.to_ascii_lowercase()
        ));
    }
    if parts.is_empty() {
        return Estimate::Usd { per_hour: 0.0, window: None, basis: "no running instances".into() };
    }
    let spot_note = if any_spot {
        format!(", Spot at {}% off EC2 (assumed; EMR's fee is the same)", crate::fmt::count(book.spot_discount_pct))
    } else {
        String::new()
    };
    Estimate::Usd {
        per_hour,
        window: None,
        basis: format!("{}, EC2 + EMR fee{spot_note}, {}", parts.join(" + "), region.label_of("emr")),
    }
}

/// Dollars burned over the current idle streak: its minutes at the hourly rate.
pub fn idle_burn(c: &EmrCluster, book: &PriceBook) -> Option<f64> {
    let minutes = c.metrics.idle_minutes.filter(|_| c.active())?;
    Some(estimate(c, book).per_hour()? * minutes as f64 / 60.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::emr::domain::{EmrMetrics, InstanceGroup};

    fn group(role: &str, market: &str, t: &str, n: i32) -> InstanceGroup {
        InstanceGroup { role: role.into(), market: market.into(), instance_type: t.into(), requested: n, running: n, state: None }
    }

    fn cluster(groups: Vec<InstanceGroup>) -> EmrCluster {
        EmrCluster {
            id: "j-1".into(),
            region: "us-east-1".into(),
            state: "WAITING".into(),
            groups: Some(groups),
            metrics: EmrMetrics { idle_minutes: Some(120), ..Default::default() },
            ..Default::default()
        }
    }

    #[test]
    fn instances_are_priced_by_type_and_market_with_emrs_fee() {
        let book = crate::services::builtin_prices();
        // 1 × m5.xlarge on demand: $0.192 + $0.048; 4 × on Spot: 4 × ($0.192 × 0.3 + $0.048).
        let c = cluster(vec![group("MASTER", "ON_DEMAND", "m5.xlarge", 1), group("CORE", "SPOT", "m5.xlarge", 4)]);
        let e = estimate(&c, book);
        let want = 0.24 + 4.0 * (0.192 * 0.3 + 0.048);
        assert!((e.per_hour().unwrap() - want).abs() < 1e-9, "{e:?}");
        assert!(e.basis().starts_with("1 × m5.xlarge master + 4 × m5.xlarge Spot core"), "{}", e.basis());
        assert!(e.basis().contains("Spot at 70% off EC2 (assumed"), "{}", e.basis());
        // Two hours idle at that rate.
        assert!((idle_burn(&c, book).unwrap() - 2.0 * want).abs() < 1e-9);
    }

    #[test]
    fn unknown_types_and_ended_clusters_are_not_guessed() {
        let book = crate::services::builtin_prices();
        let c = cluster(vec![group("CORE", "ON_DEMAND", "x9.huge", 2)]);
        assert_eq!(estimate(&c, book).cell(), "?");
        assert!(estimate(&c, book).basis().contains("x9.huge is not in the price file"));
        assert_eq!(idle_burn(&c, book), None);
        let mut ended = cluster(vec![group("CORE", "ON_DEMAND", "m5.xlarge", 2)]);
        ended.state = "TERMINATED".into();
        assert_eq!(estimate(&ended, book).per_hour(), Some(0.0));
        let mut unread = cluster(vec![]);
        unread.groups = None;
        assert_eq!(estimate(&unread, book), Estimate::Unread);
    }
}
