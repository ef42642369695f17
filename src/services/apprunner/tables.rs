//! The services table: one column spec. 5XX is the headline; REQ/MIN is
//! the window's requests a minute; COST/mo from `cost.rs`.

use super::domain::{Service, ERROR_RATE_ALERT_PCT};
use crate::fmt::{age, count, ms, significant};
use crate::table::{age_s, Cell, Column, Row, SortKey, Tone, Value};

fn figure(v: Option<f64>, f: fn(f64) -> String) -> Cell {
    match v {
        Some(v) => Cell::plain(f(v)),
        None => Cell::tone("-", Tone::Muted),
    }
}

fn status(s: &str) -> Cell {
    match s {
        "RUNNING" => Cell::tone(s, Tone::Ok),
        "PAUSED" | "DELETED" => Cell::tone(s, Tone::Muted),
        "CREATE_FAILED" | "DELETE_FAILED" => Cell::tone(format!("!{s}"), Tone::Error),
        _ => Cell::tone(format!("~{s}"), Tone::Warn),
    }
}

fn errors_5xx(s: &Service) -> Cell {
    match s.metrics.errors_5xx {
        Some(e) if s.error_5xx_rate_pct().is_some_and(|r| r >= ERROR_RATE_ALERT_PCT) => Cell::tone(format!("!{}", count(e)), Tone::Error),
        Some(e) if e > 0.0 => Cell::tone(count(e), Tone::Warn),
        v => figure(v, count),
    }
}

impl crate::table::Priced for Service {
    fn cost(&self, cx: &crate::table::Ctx) -> crate::cost::Estimate {
        super::cost::estimate(self, &cx.prices)
    }
}

impl Row for Service {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 20, 0, false, |s, _| SortKey::Text(&s.name), |s, _| Cell::plain(s.name.clone())),
        Column::<Self>::new("STATUS", "status", 10, 0, false, |s, _| SortKey::Text(&s.status), |s, _| status(&s.status))
            .exact(|s, _| Value::Text(&s.status)),
        Column::<Self>::new("REQ/MIN", "requests_per_min", 7, 0, true, |s, cx| SortKey::Num(s.requests_per_min(cx.window)), |s, cx| {
            figure(s.requests_per_min(cx.window), significant)
        }),
        Column::<Self>::new("4XX", "errors_4xx", 6, 2, true, |s, _| SortKey::Num(s.metrics.errors_4xx), |s, _| figure(s.metrics.errors_4xx, count)),
        Column::<Self>::new("5XX", "errors_5xx", 6, 0, true, |s, _| SortKey::Num(s.metrics.errors_5xx), |s, _| errors_5xx(s))
            .exact(|s, _| Value::Num(s.metrics.errors_5xx)),
        Column::<Self>::new("P99 ms", "latency_p99_ms", 7, 1, true, |s, _| SortKey::Num(s.metrics.latency_p99_ms), |s, _| figure(s.metrics.latency_p99_ms, ms)),
        Column::<Self>::new("LAT ms", "latency_avg_ms", 7, 4, true, |s, _| SortKey::Num(s.metrics.latency_avg_ms), |s, _| figure(s.metrics.latency_avg_ms, ms)),
        Column::<Self>::new("CPU/MEM", "size", 16, 3, false, |s, _| SortKey::Num(s.vcpu), |s, _| {
            if s.vcpu.is_none() && s.memory_gb.is_none() {
                Cell::tone("?", Tone::Muted)
            } else {
                Cell::plain(s.size())
            }
        })
        .exact(|s, _| Value::Owned(s.size())),
        crate::table::cost_column::<Self>(5),
        Column::<Self>::new("UPDATED", "updated_s", 7, 2, true, |s, cx| SortKey::Num(age_s(s.updated_at, cx.now)), |s, cx| {
            Cell::plain(s.updated_at.map(|t| age(cx.now - t)).unwrap_or_else(|| "-".into()))
        })
        .exact(|s, _| Value::Time(s.updated_at)),
        Column::<Self>::new("ID", "id", 10, 8, false, |s, _| SortKey::Text(&s.id), |s, _| Cell::tone(s.id.clone(), Tone::Muted)).fixed(),
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
        self.metrics.pending
            && matches!(column, "requests_per_min" | "errors_4xx" | "errors_5xx" | "latency_p99_ms" | "latency_avg_ms" | "cost_usd_per_month")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::apprunner::domain::ServiceMetrics;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_a_failing_service_is_an_error() {
        let keys: HashSet<_> = Service::COLUMNS.iter().map(|c| c.key).collect();
        assert_eq!(keys.len(), Service::COLUMNS.len());
        let s = |req: f64, e5: f64| Service {
            metrics: ServiceMetrics { requests: Some(req), errors_5xx: Some(e5), ..Default::default() },
            ..Default::default()
        };
        let c = errors_5xx(&s(100.0, 5.0));
        assert_eq!((c.text.as_str(), c.tone), ("!5", Tone::Error));
        assert_eq!(errors_5xx(&s(1000.0, 1.0)).tone, Tone::Warn);
        assert_eq!(errors_5xx(&Service::default()).text, "-");
        assert_eq!(status("CREATE_FAILED").tone, Tone::Error);
    }
}
