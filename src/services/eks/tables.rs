//! The clusters and node groups tables: one column spec each.

use super::domain::{EksCluster, Nodegroup};
use crate::fmt::{age, count, ms, opt};
use crate::table::{age_s, Cell, Column, Row, SortKey, Tone, Value};

impl crate::table::Priced for EksCluster {
    fn cost(&self, cx: &crate::table::Ctx) -> crate::cost::Estimate {
        super::cost::estimate(self, &cx.prices)
    }
}

/// The support tier and its hourly price: extended is a 6× bill.
fn support(c: &EksCluster, cx: &crate::table::Ctx) -> Cell {
    let hour = super::cost::support_per_hour(c, &cx.prices)
        .map(crate::cost::money::usd_hour)
        .unwrap_or_else(|| "?".into());
    match c.support.as_deref() {
        Some("EXTENDED") => Cell::tone(format!("!extended {hour}"), Tone::Warn),
        Some(_) => Cell::plain(format!("standard {hour}")),
        None => Cell::tone("-", Tone::Muted),
    }
}

fn status(s: &str) -> Cell {
    match s {
        "ACTIVE" => Cell::tone(s.to_string(), Tone::Ok),
        "CREATING" | "UPDATING" | "PENDING" => Cell::tone(format!("~{s}"), Tone::Accent),
        _ => Cell::tone(format!("!{s}"), Tone::Error),
    }
}

fn endpoint(c: &EksCluster) -> &'static str {
    match (c.endpoint_public, c.endpoint_private) {
        (Some(true), Some(true)) => "public+private",
        (Some(true), _) => "public",
        (Some(false), Some(true)) => "private",
        _ => "-",
    }
}

fn skew_cell(skew: Option<i64>) -> Cell {
    match skew {
        Some(0) => Cell::tone("0", Tone::Ok),
        Some(s) => Cell::tone(format!("!{s}"), Tone::Warn),
        None => Cell::tone("-", Tone::Muted),
    }
}

fn max_skew(c: &EksCluster) -> Option<i64> {
    c.nodegroups.iter().filter_map(|n| n.skew).max_by_key(|s| s.abs())
}

impl Row for EksCluster {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 18, 0, false, |c, _| SortKey::Text(&c.name), |c, _| {
            Cell::plain(c.name.clone())
        }),
        Column::<Self>::new("STATUS", "status", 9, 0, false, |c, _| SortKey::Text(&c.status), |c, _| status(&c.status))
            .exact(|c, _| Value::Text(&c.status)),
        Column::<Self>::new("VERSION", "version", 7, 1, false, |c, _| SortKey::Text(c.version.as_deref().unwrap_or("")), |c, _| {
            Cell::plain(c.version.clone().unwrap_or_else(|| "-".into()))
        }),
        Column::<Self>::new(
            "SUPPORT",
            "support",
            18,
            1,
            false,
            |c, _| SortKey::Text(c.support.as_deref().unwrap_or("")),
            support,
        ),
        crate::table::cost_column::<Self>(8),
        Column::<Self>::new("NODEGROUPS", "nodegroups", 10, 2, true, |c, _| SortKey::Num(Some(c.nodegroups.len() as f64)), |c, _| {
            match c.not_active() {
                0 => Cell::plain(c.nodegroups.len().to_string()),
                n => Cell::tone(format!("!{n}/{}", c.nodegroups.len()), Tone::Error),
            }
        })
        .exact(|c, _| Value::Num(Some(c.nodegroups.len() as f64))),
        Column::<Self>::new("SKEW", "version_skew_max", 5, 1, true, |c, _| SortKey::Num(max_skew(c).map(|s| s as f64)), |c, _| {
            skew_cell(max_skew(c))
        }),
        Column::<Self>::new("API 5XX", "apiserver_5xx", 8, 3, true, |c, _| SortKey::Num(c.metrics.apiserver_5xx), |c, _| {
            match c.metrics.apiserver_5xx {
                Some(v) if v > 0.0 => Cell::tone(format!("!{}", count(v)), Tone::Error),
                v => Cell::plain(opt(v, count)),
            }
        }),
        Column::<Self>::new("429", "apiserver_429", 6, 4, true, |c, _| SortKey::Num(c.metrics.apiserver_429), |c, _| {
            Cell::plain(opt(c.metrics.apiserver_429, count))
        }),
        Column::<Self>::new("API p99", "apiserver_p99_ms", 7, 3, true, |c, _| SortKey::Num(c.metrics.apiserver_p99_ms), |c, _| {
            Cell::plain(opt(c.metrics.apiserver_p99_ms, ms))
        }),
        Column::<Self>::new("PENDING", "pending_pods_max", 7, 4, true, |c, _| SortKey::Num(c.metrics.pending_pods_max), |c, _| {
            Cell::plain(opt(c.metrics.pending_pods_max, count))
        }),
        Column::<Self>::new("ENDPOINT", "endpoint", 14, 6, false, |c, _| SortKey::Text(endpoint(c)), |c, _| {
            Cell::tone(endpoint(c), Tone::Muted)
        }),
        Column::<Self>::new("PLATFORM", "platform_version", 9, 7, false, |c, _| SortKey::Text(c.platform_version.as_deref().unwrap_or("")), |c, _| {
            Cell::tone(c.platform_version.clone().unwrap_or_default(), Tone::Muted)
        }),
        Column::<Self>::new(
            "AGE",
            "age_s",
            5,
            5,
            true,
            |c, cx| SortKey::Num(age_s(c.created_at, cx.now)),
            |c, cx| Cell::plain(c.created_at.map(|t| age(cx.now - t)).unwrap_or_else(|| "-".into())),
        ),
        Column::<Self>::new("CREATED", "created_at", 20, 9, true, |c, _| SortKey::Num(c.created_at.map(|t| t.timestamp() as f64)), |c, _| {
            Cell::plain(c.created_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|c, _| Value::Time(c.created_at))
        .hidden(),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn place(&self) -> Option<(&str, &str)> {
        Some((&self.account, &self.region))
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.status]
    }
    fn waiting(&self, column: &'static str) -> bool {
        self.metrics.pending && matches!(column, "apiserver_5xx" | "apiserver_429" | "apiserver_p99_ms" | "pending_pods_max")
    }
}

fn size(v: Option<i32>) -> SortKey<'static> {
    SortKey::Num(v.map(f64::from))
}

fn size_cell(v: Option<i32>) -> Cell {
    Cell::plain(v.map(|v| v.to_string()).unwrap_or_else(|| "-".into()))
}

impl Row for Nodegroup {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("NAME", "name", 16, 0, false, |n, _| SortKey::Text(&n.name), |n, _| {
            Cell::plain(n.name.clone())
        }),
        Column::<Self>::new("STATUS", "status", 12, 0, false, |n, _| SortKey::Text(&n.status), |n, _| status(&n.status))
            .exact(|n, _| Value::Text(&n.status)),
        Column::<Self>::new("VERSION", "version", 7, 1, false, |n, _| SortKey::Text(n.version.as_deref().unwrap_or("")), |n, _| {
            let v = n.version.clone().unwrap_or_else(|| "-".into());
            match n.skew {
                Some(s) if s != 0 => Cell::tone(v, Tone::Warn),
                _ => Cell::plain(v),
            }
        }),
        Column::<Self>::new("SKEW", "version_skew", 5, 1, true, |n, _| SortKey::Num(n.skew.map(|s| s as f64)), |n, _| {
            skew_cell(n.skew)
        }),
        Column::<Self>::new("CAPACITY", "capacity_type", 9, 2, false, |n, _| SortKey::Text(n.capacity_type.as_deref().unwrap_or("")), |n, _| {
            Cell::plain(n.capacity_type.clone().unwrap_or_else(|| "-".into()))
        }),
        Column::<Self>::new("DESIRED", "desired", 7, 1, true, |n, _| size(n.desired), |n, _| size_cell(n.desired)),
        Column::<Self>::new("MIN", "min", 4, 4, true, |n, _| size(n.min), |n, _| size_cell(n.min)),
        Column::<Self>::new("MAX", "max", 4, 4, true, |n, _| size(n.max), |n, _| size_cell(n.max)),
        Column::<Self>::new(
            "INSTANCE TYPES",
            "instance_types",
            16,
            3,
            false,
            |n, _| SortKey::Text(n.instance_types.first().map(String::as_str).unwrap_or("")),
            |n, _| Cell::tone(n.instance_types.join(","), Tone::Muted),
        )
        .exact(|n, _| Value::Owned(n.instance_types.join(","))),
        Column::<Self>::new(
            "HEALTH",
            "health_issues",
            20,
            2,
            false,
            |n, _| SortKey::Text(n.health_issues.first().map(String::as_str).unwrap_or("")),
            |n, _| match n.health_issues.first() {
                Some(i) => Cell::tone(format!("!{i}"), Tone::Error),
                None => Cell::tone("ok", Tone::Ok),
            },
        )
        .exact(|n, _| Value::Owned(n.health_issues.join("; "))),
        Column::<Self>::new("RELEASE", "release_version", 18, 8, false, |n, _| SortKey::Text(n.release_version.as_deref().unwrap_or("")), |n, _| {
            Cell::tone(n.release_version.clone().unwrap_or_default(), Tone::Muted)
        }),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.status]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_per_table() {
        let a: HashSet<_> = EksCluster::COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(a.len(), EksCluster::COLUMNS.len());
        let b: HashSet<_> = Nodegroup::COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(b.len(), Nodegroup::COLUMNS.len());
    }
}
