//! The functions table: one column spec for the screen and the CSV.

use super::domain::Function;
use crate::fmt::{count, ms, opt, pct};
use crate::table::{Cell, Column, Ctx, Row, SortKey, Tone, Value};

fn num(v: Option<f64>) -> SortKey<'static> {
    SortKey::Num(v)
}

/// A count that is bad when above zero.
fn hot(v: Option<f64>, tone: Tone) -> Cell {
    match v {
        Some(x) if x > 0.0 => Cell::tone(count(x), tone),
        v => Cell::plain(opt(v, count)),
    }
}

impl crate::table::Priced for Function {
    fn cost(&self, cx: &Ctx) -> crate::cost::Estimate {
        super::cost::estimate(self, &cx.prices, cx.window)
    }
    /// The figure alone: a sort prices every function.
    fn cost_figure(&self, cx: &Ctx) -> crate::cost::Estimate {
        super::cost::figure(self, &cx.prices, cx.window)
    }
}

fn runtime(f: &Function) -> &str {
    f.runtime.as_deref().unwrap_or("image")
}

impl Row for Function {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("NAME", "name", 22, 0, false, |f, _| SortKey::Text(&f.name), |f, _| {
            Cell::plain(f.name.clone())
        }),
        Column::<Self>::new("RUNTIME", "runtime", 15, 5, false, |f, _| SortKey::Text(runtime(f)), |f, _| {
            Cell::tone(runtime(f), Tone::Muted)
        })
        .exact(|f, _| Value::Text(f.runtime.as_deref().unwrap_or(""))),
        Column::<Self>::new("MEM", "memory_mb", 6, 7, true, |f, _| num(Some(f.memory_mb as f64)), |f, _| {
            Cell::plain(f.memory_mb.to_string())
        }),
        Column::<Self>::new("INVOC", "invocations", 8, 0, true, |f, _| num(f.stats.invocations), |f, _| {
            Cell::plain(opt(f.stats.invocations, count))
        }),
        Column::<Self>::new("ERR", "errors", 6, 1, true, |f, _| num(f.stats.errors), |f, _| hot(f.stats.errors, Tone::Error)),
        Column::<Self>::new("ERR%", "error_rate_pct", 6, 2, true, |f, _| num(f.stats.error_rate_pct()), |f, _| {
            match f.stats.error_rate_pct() {
                Some(r) if r >= 1.0 => Cell::tone(format!("!{}", pct(r)), Tone::Error),
                r => Cell::plain(opt(r, pct)),
            }
        }),
        Column::<Self>::new("THR", "throttles", 5, 2, true, |f, _| num(f.stats.throttles), |f, _| hot(f.stats.throttles, Tone::Warn)),
        Column::<Self>::new("AVG ms", "duration_avg_ms", 8, 3, true, |f, _| num(f.stats.duration_avg_ms), |f, _| {
            Cell::plain(opt(f.stats.duration_avg_ms, ms))
        }),
        Column::<Self>::new("MAX ms", "duration_max_ms", 8, 6, true, |f, _| num(f.stats.duration_max_ms), |f, _| {
            match f.stats.duration_max_ms {
                // Near the timeout: the next slow request will be killed.
                Some(v) if super::cost::timeout_risk(f).is_some() => Cell::tone(format!("!{}", ms(v)), Tone::Warn),
                v => Cell::plain(opt(v, ms)),
            }
        }),
        Column::<Self>::new("{percentile} ms", "duration_pct_ms", 8, 6, true, |f, _| num(f.stats.duration_pct_ms), |f, _| {
            Cell::plain(opt(f.stats.duration_pct_ms, ms))
        }),
        Column::<Self>::new("CONC", "concurrent_max", 5, 7, true, |f, _| num(f.stats.concurrent_max), |f, _| {
            Cell::plain(opt(f.stats.concurrent_max, count))
        }),
        Column::<Self>::new(
            "COLD",
            "cold_starts",
            5,
            1,
            true,
            |f, _| num(f.stats.cold.as_ref().map(|c| c.count as f64)),
            |f, _| match &f.stats.cold {
                Some(c) if c.spike => Cell::tone(format!("▲{}", c.count), Tone::Warn),
                Some(c) => Cell::plain(c.count.to_string()),
                None => Cell::plain("-"),
            },
        ),
        Column::<Self>::new(
            "COLD%",
            "cold_start_rate_pct",
            6,
            4,
            true,
            |f, _| num(f.stats.cold.as_ref().and_then(|c| c.rate_pct())),
            |f, _| Cell::plain(opt(f.stats.cold.as_ref().and_then(|c| c.rate_pct()), pct)),
        ),
        Column::<Self>::new(
            "INIT p50",
            "init_p50_ms",
            9,
            5,
            true,
            |f, _| num(f.stats.cold.as_ref().and_then(|c| c.init_p50_ms)),
            |f, _| Cell::plain(opt(f.stats.cold.as_ref().and_then(|c| c.init_p50_ms), ms)),
        ),
        Column::<Self>::new(
            "INIT max",
            "init_max_ms",
            9,
            6,
            true,
            |f, _| num(f.stats.cold.as_ref().and_then(|c| c.init_max_ms)),
            |f, _| Cell::plain(opt(f.stats.cold.as_ref().and_then(|c| c.init_max_ms), ms)),
        ),
        // What invokes it, `!` when a mapping is disabled or failing.
        Column::<Self>::new("TRIGGER", "trigger", 8, 7, false, |f, _| SortKey::Text(super::triggers::main_kind(f).unwrap_or("")), |f, _| {
            match (super::triggers::bad(f), super::triggers::main_kind(f)) {
                (Some(_), Some(k)) => Cell::tone(format!("!{k}"), Tone::Error),
                (_, Some(k)) => Cell::tone(k.to_string(), Tone::Muted),
                _ => Cell::tone("-", Tone::Muted),
            }
        })
        .exact(|f, _| Value::Text(super::triggers::main_kind(f).unwrap_or(""))),
        // Against the same window a week ago (docs/baseline.md): the first
        // to yield to a narrow terminal, before the bill; beside the figures
        // rather than after it, so the bill stays the last column.
        crate::baseline::week_column::<Self>(9),
        // Dollars a month at the window's rate: the next to yield to a
        // narrow terminal, since the errors come before the bill.
        crate::table::cost_column::<Self>(8),
        crate::table::region_column::<Self>(),
        Column::<Self>::new("TIMEOUT", "timeout_s", 7, 9, true, |f, _| num(Some(f.timeout_s as f64)), |f, _| {
            Cell::plain(f.timeout_s.to_string())
        })
        .hidden(),
        crate::table::account_column::<Self>(),
    ];
    const DEFAULT_SORT: usize = 3;
    fn key(&self) -> &str {
        &self.name
    }
    fn place(&self) -> Option<(&str, &str)> {
        Some((&self.account, &self.region))
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, runtime(self)]
    }
    fn numbers(column: &'static str, items: &[Self], cx: &Ctx) -> Option<Vec<Option<f64>>> {
        (column == "cost_usd_per_month").then(|| super::cost::per_month(items, &cx.prices, cx.window))
    }
    fn waiting(&self, column: &'static str) -> bool {
        match column {
            "cold_starts" | "cold_start_rate_pct" | "init_p50_ms" | "init_max_ms" => {
                self.stats.pending || self.stats.cold_pending
            }
            "duration_pct_ms" => self.stats.pending || self.stats.pct_pending || self.stats.ranked,
            "concurrent_max" => self.stats.pending || self.stats.ranked,
            "invocations" | "errors" | "error_rate_pct" | "throttles" | "duration_avg_ms" | "duration_max_ms"
            | "cost_usd_per_month" | "week_over_week" => self.stats.pending,
            _ => false,
        }
    }
}
