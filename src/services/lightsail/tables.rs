//! The instances and container services tables: one column spec each.

use super::domain::{ContainerService, Instance, LOW_BURST_PCT};
use crate::cost::money::usd;
use crate::fmt::{age, count, opt, pct};
use crate::table::{age_s, Cell, Column, Row, SortKey, Tone, Value};

fn state(s: &str) -> Cell {
    match s {
        "running" | "RUNNING" | "READY" => Cell::tone(s.to_string(), Tone::Ok),
        "stopped" | "DISABLED" => Cell::tone(s.to_string(), Tone::Muted),
        _ => Cell::tone(format!("~{s}"), Tone::Warn),
    }
}

fn price(p: Option<f64>) -> Cell {
    match p {
        Some(p) => Cell::plain(usd(p)),
        None => Cell::tone("?", Tone::Warn),
    }
}

/// Out of burst is an error whatever the CPU graph says: the instance is
/// held at its baseline.
fn burst(i: &Instance) -> Cell {
    match i.metrics.burst_capacity_pct {
        Some(b) if i.out_of_burst() => Cell::tone(format!("!!{}", pct(b)), Tone::Error),
        Some(b) if b < LOW_BURST_PCT => Cell::tone(format!("!{}", pct(b)), Tone::Warn),
        Some(b) => Cell::plain(pct(b)),
        None => Cell::tone("-", Tone::Muted),
    }
}

fn checks(i: &Instance) -> Cell {
    match i.metrics.status_check_failed {
        Some(n) if n > 0.0 => Cell::tone(format!("!{}", count(n)), Tone::Error),
        Some(n) => Cell::tone(count(n), Tone::Ok),
        None => Cell::tone("-", Tone::Muted),
    }
}

impl Row for Instance {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 20, 0, false, |i, _| SortKey::Text(&i.name), |i, _| {
            Cell::plain(i.name.clone())
        }),
        Column::<Self>::new("STATE", "state", 9, 0, false, |i, _| SortKey::Text(&i.state), |i, _| state(&i.state))
            .exact(|i, _| Value::Text(&i.state)),
        Column::<Self>::new("BLUEPRINT", "blueprint", 16, 4, false, |i, _| SortKey::Text(&i.blueprint), |i, _| {
            Cell::tone(i.blueprint.clone(), Tone::Muted)
        }),
        Column::<Self>::new("BUNDLE", "bundle", 12, 2, false, |i, _| SortKey::Text(&i.bundle), |i, _| {
            Cell::plain(i.bundle.clone())
        }),
        Column::<Self>::new("$/MO", "price_usd_month", 6, 1, true, |i, _| SortKey::Num(i.price_usd_month), |i, _| {
            price(i.price_usd_month)
        }),
        Column::<Self>::new("CPU%", "cpu_pct", 5, 1, true, |i, _| SortKey::Num(i.metrics.cpu_pct), |i, _| {
            Cell::plain(opt(i.metrics.cpu_pct, pct))
        }),
        // CPU against the same window a week ago (docs/baseline.md): the
        // first column to yield to a narrow terminal.
        crate::baseline::week_column::<Self>(9),
        // Sorted emptiest first (numbers sort largest first): the instance
        // about to be throttled is the one to see.
        Column::<Self>::new(
            "BURST%",
            "burst_capacity_pct",
            7,
            0,
            true,
            |i, _| SortKey::Num(i.metrics.burst_capacity_pct.map(|b| 100.0 - b)),
            |i, _| burst(i),
        )
        .exact(|i, _| Value::Num(i.metrics.burst_capacity_pct)),
        Column::<Self>::new("CHECKS", "status_check_failed", 6, 1, true, |i, _| SortKey::Num(i.metrics.status_check_failed), |i, _| {
            checks(i)
        }),
        Column::<Self>::new(
            "IP",
            "public_ip",
            6,
            5,
            false,
            |i, _| SortKey::Text(if i.public_ip { "public" } else { "-" }),
            |i, _| if i.public_ip { Cell::plain("public") } else { Cell::tone("-", Tone::Muted) },
        )
        .exact(|i, _| Value::Text(if i.public_ip { "true" } else { "false" })),
        Column::<Self>::new(
            "AGE",
            "age_s",
            5,
            6,
            true,
            |i, cx| SortKey::Num(age_s(i.created_at, cx.now)),
            |i, cx| Cell::plain(i.created_at.map(|t| age(cx.now - t)).unwrap_or_else(|| "-".into())),
        ),
        Column::<Self>::new("CREATED", "created_at", 20, 9, true, |i, _| SortKey::Num(i.created_at.map(|t| t.timestamp() as f64)), |i, _| {
            Cell::plain(i.created_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|i, _| Value::Time(i.created_at))
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
        [&self.name, &self.blueprint]
    }
    fn waiting(&self, column: &'static str) -> bool {
        self.metrics.pending && matches!(column, "cpu_pct" | "burst_capacity_pct" | "status_check_failed" | "week_over_week")
    }
}

impl Row for ContainerService {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 20, 0, false, |s, _| SortKey::Text(&s.name), |s, _| {
            Cell::plain(s.name.clone())
        }),
        Column::<Self>::new("STATE", "state", 10, 0, false, |s, _| SortKey::Text(&s.state), |s, _| state(&s.state))
            .exact(|s, _| Value::Text(&s.state)),
        Column::<Self>::new("POWER", "power", 8, 1, false, |s, _| SortKey::Text(&s.power), |s, _| {
            Cell::plain(s.power.clone())
        }),
        Column::<Self>::new("SCALE", "scale", 5, 1, true, |s, _| SortKey::Num(Some(s.scale as f64)), |s, _| {
            Cell::plain(s.scale.to_string())
        }),
        Column::<Self>::new("$/MO", "price_usd_month", 6, 1, true, |s, _| SortKey::Num(s.price_usd_month), |s, _| {
            price(s.price_usd_month)
        }),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.state]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lightsail::domain::InstanceMetrics;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_per_table() {
        let a: HashSet<_> = Instance::COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(a.len(), Instance::COLUMNS.len());
        let b: HashSet<_> = ContainerService::COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(b.len(), ContainerService::COLUMNS.len());
    }

    #[test]
    fn burst_warns_low_and_errs_empty() {
        let at = |b: Option<f64>| Instance {
            burstable: true,
            metrics: InstanceMetrics {
                burst_capacity_pct: b,
                ..Default::default()
            },
            ..Default::default()
        };
        let c = burst(&at(Some(0.0)));
        assert_eq!((c.text.as_str(), c.tone), ("!!0", Tone::Error));
        let c = burst(&at(Some(12.5)));
        assert_eq!((c.text.as_str(), c.tone), ("!12.5", Tone::Warn));
        assert_eq!(burst(&at(Some(90.0))).tone, Tone::Plain);
        assert_eq!(burst(&at(None)).text, "-");
    }
}
