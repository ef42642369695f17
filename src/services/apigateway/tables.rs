//! The APIs, stages and routes tables: one column spec each. 5XX and its
//! rate are the headline; OVERHEAD is what API Gateway adds on top of the
//! backend's own latency. WebSocket APIs count messages as requests and
//! execution errors as 5XX.

use super::domain::{Api, Route, Stage, ERROR_RATE_ALERT_PCT};
use crate::fmt::{count, ms, pct};
use crate::table::{age_s, Cell, Column, Row, SortKey, Tone, Value};

fn figure(v: Option<f64>, f: fn(f64) -> String) -> Cell {
    match v {
        Some(v) => Cell::plain(f(v)),
        None => Cell::tone("-", Tone::Muted),
    }
}

pub fn errors_5xx(v: Option<f64>) -> Cell {
    match v {
        Some(e) if e > 0.0 => Cell::tone(count(e), Tone::Error),
        v => figure(v, count),
    }
}

pub fn rate_5xx(v: Option<f64>) -> Cell {
    match v {
        Some(r) if r >= ERROR_RATE_ALERT_PCT => Cell::tone(format!("!{}", pct(r)), Tone::Error),
        v => figure(v, pct),
    }
}

fn protocol(a: &Api) -> Cell {
    match a.protocol.as_str() {
        "REST" => Cell::plain("REST"),
        "HTTP" => Cell::tone("HTTP", Tone::Accent),
        _ => Cell::tone(a.short_protocol(), Tone::Accent),
    }
}

impl crate::table::Priced for Api {
    fn cost(&self, cx: &crate::table::Ctx) -> crate::cost::Estimate {
        super::cost::estimate(self, &cx.prices, cx.window)
    }
}

impl Row for Api {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 16, 0, false, |a, _| SortKey::Text(&a.name), |a, _| Cell::plain(a.name.clone())),
        Column::<Self>::new("PROTOCOL", "protocol", 8, 2, false, |a, _| SortKey::Text(a.short_protocol()), |a, _| protocol(a))
            .exact(|a, _| Value::Text(&a.protocol)),
        Column::<Self>::new("STAGES", "stages", 6, 5, true, |a, _| SortKey::Num(Some(a.stages.len() as f64)), |a, _| {
            Cell::plain(a.stages.len().to_string())
        }),
        Column::<Self>::new("REQ", "requests", 7, 0, true, |a, _| SortKey::Num(a.requests()), |a, _| figure(a.requests(), count)),
        Column::<Self>::new("4XX", "errors_4xx", 6, 2, true, |a, _| SortKey::Num(a.errors_4xx()), |a, _| figure(a.errors_4xx(), count)),
        Column::<Self>::new("5XX", "errors_5xx", 6, 0, true, |a, _| SortKey::Num(a.errors_5xx()), |a, _| errors_5xx(a.errors_5xx())),
        Column::<Self>::new("5XX%", "error_5xx_rate_pct", 6, 1, true, |a, _| SortKey::Num(a.error_5xx_rate_pct()), |a, _| {
            rate_5xx(a.error_5xx_rate_pct())
        }),
        Column::<Self>::new("LAT ms", "latency_avg_ms", 7, 3, true, |a, _| SortKey::Num(a.latency_avg_ms()), |a, _| figure(a.latency_avg_ms(), ms)),
        Column::<Self>::new("P99 ms", "latency_p99_ms", 7, 4, true, |a, _| SortKey::Num(a.latency_p99_ms()), |a, _| figure(a.latency_p99_ms(), ms)),
        Column::<Self>::new("INTEG ms", "integration_latency_avg_ms", 8, 5, true, |a, _| SortKey::Num(a.integration_latency_avg_ms()), |a, _| {
            figure(a.integration_latency_avg_ms(), ms)
        }),
        Column::<Self>::new("OVERHEAD ms", "overhead_ms", 11, 6, true, |a, _| SortKey::Num(a.overhead_ms()), |a, _| figure(a.overhead_ms(), ms)),
        Column::<Self>::new("LAMBDAS", "lambda_functions", 7, 6, true, |a, _| SortKey::Num(a.routes.as_ref().map(|_| a.lambda_functions().len() as f64)), |a, _| {
            match &a.routes {
                Some(_) => Cell::plain(a.lambda_functions().len().to_string()),
                None => Cell::tone("-", Tone::Muted),
            }
        })
        .exact(|a, _| Value::Owned(a.lambda_functions().join(" "))),
        Column::<Self>::new("ENDPOINT", "endpoint_type", 8, 7, false, |a, _| SortKey::Text(a.endpoint_type.as_deref().unwrap_or("")), |a, _| {
            Cell::tone(a.endpoint_type.clone().unwrap_or_else(|| "-".into()), Tone::Muted)
        }),
        // Against the same window a week ago (docs/baseline.md): the first
        // column to yield to a narrow terminal.
        crate::baseline::week_column::<Self>(9),
        crate::table::cost_column::<Self>(8),
        Column::<Self>::new("ID", "id", 10, 8, false, |a, _| SortKey::Text(&a.id), |a, _| Cell::tone(a.id.clone(), Tone::Muted)).fixed(),
        Column::<Self>::new("CREATED", "created_at", 8, 9, true, |a, cx| SortKey::Num(age_s(a.created_at, cx.now)), |a, cx| {
            Cell::plain(a.created_at.map(|t| crate::fmt::age(cx.now - t)).unwrap_or_else(|| "-".into()))
        })
        .exact(|a, _| Value::Time(a.created_at))
        .hidden(),
    ];
    // The busiest APIs on top.
    const DEFAULT_SORT: usize = 3;
    fn key(&self) -> &str {
        &self.id
    }
    fn place(&self) -> Option<(&str, &str)> {
        Some((&self.account, &self.region))
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.id]
    }
    fn waiting(&self, column: &'static str) -> bool {
        measured(column) && self.stages.iter().any(|s| s.metrics.pending)
    }
}

/// The columns read from CloudWatch, on their way until the metrics come.
fn measured(column: &str) -> bool {
    matches!(
        column,
        "requests"
            | "errors_4xx"
            | "errors_5xx"
            | "error_5xx_rate_pct"
            | "latency_avg_ms"
            | "latency_p99_ms"
            | "integration_latency_avg_ms"
            | "overhead_ms"
            | "connects"
            | "cost_usd_per_month"
            | "week_over_week"
    )
}

impl Row for Stage {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("STAGE", "stage", 12, 0, false, |s, _| SortKey::Text(&s.name), |s, _| Cell::plain(s.name.clone())),
        Column::<Self>::new("REQ", "requests", 7, 0, true, |s, _| SortKey::Num(s.metrics.traffic()), |s, _| figure(s.metrics.traffic(), count)),
        Column::<Self>::new("4XX", "errors_4xx", 6, 2, true, |s, _| SortKey::Num(s.metrics.client_side_errors()), |s, _| {
            figure(s.metrics.client_side_errors(), count)
        }),
        Column::<Self>::new("5XX", "errors_5xx", 6, 0, true, |s, _| SortKey::Num(s.metrics.server_errors()), |s, _| {
            errors_5xx(s.metrics.server_errors())
        }),
        Column::<Self>::new("5XX%", "error_5xx_rate_pct", 6, 1, true, |s, _| SortKey::Num(s.metrics.error_5xx_rate_pct()), |s, _| {
            rate_5xx(s.metrics.error_5xx_rate_pct())
        }),
        Column::<Self>::new("LAT ms", "latency_avg_ms", 7, 3, true, |s, _| SortKey::Num(s.metrics.latency_avg_ms), |s, _| figure(s.metrics.latency_avg_ms, ms)),
        Column::<Self>::new("P99 ms", "latency_p99_ms", 7, 4, true, |s, _| SortKey::Num(s.metrics.latency_p99_ms), |s, _| figure(s.metrics.latency_p99_ms, ms)),
        Column::<Self>::new("INTEG ms", "integration_latency_avg_ms", 8, 5, true, |s, _| SortKey::Num(s.metrics.integration_latency_avg_ms), |s, _| {
            figure(s.metrics.integration_latency_avg_ms, ms)
        }),
        crate::baseline::week_column::<Self>(9),
        Column::<Self>::new("CONNECTS", "connects", 8, 6, true, |s, _| SortKey::Num(s.metrics.connects), |s, _| figure(s.metrics.connects, count))
            .hidden(),
        Column::<Self>::new("DETAILED", "detailed_metrics", 8, 6, false, |s, _| SortKey::Text(if s.detailed_metrics { "yes" } else { "no" }), |s, _| {
            if s.detailed_metrics {
                Cell::tone("yes", Tone::Ok)
            } else {
                Cell::tone("no", Tone::Muted)
            }
        }),
    ];
    const DEFAULT_SORT: usize = 1;
    fn key(&self) -> &str {
        &self.name
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, ""]
    }
    fn waiting(&self, column: &'static str) -> bool {
        measured(column) && self.metrics.pending
    }
}

/// What a route goes to: its function, else the integration in a few words.
fn target(r: &Route) -> &str {
    r.function.as_deref().or(r.integration.as_deref()).unwrap_or("")
}

impl Row for Route {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("ROUTE", "route", 24, 0, false, |r, _| SortKey::Text(&r.key), |r, _| Cell::plain(r.key.clone())),
        Column::<Self>::new("FUNCTION", "function", 20, 0, false, |r, _| SortKey::Text(target(r)), |r, _| {
            match (&r.function, &r.integration) {
                (Some(f), _) => Cell::plain(f.clone()),
                (None, Some(i)) => Cell::tone(i.clone(), Tone::Muted),
                (None, None) => Cell::tone("-", Tone::Muted),
            }
        })
        .exact(|r, _| Value::Text(r.function.as_deref().unwrap_or(""))),
        Column::<Self>::new("ERR", "errors", 6, 1, true, |r, _| SortKey::Num(r.errors), |r, _| errors_5xx(r.errors)),
        Column::<Self>::new("INTEGRATION", "integration", 30, 9, false, |r, _| SortKey::Text(r.integration.as_deref().unwrap_or("")), |r, _| {
            Cell::plain(r.integration.clone().unwrap_or_default())
        })
        .hidden(),
    ];
    // In path order, as the API reads.
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.key
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.key, target(self)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_per_table() {
        fn unique<T: Row>() {
            let mut keys: Vec<&str> = T::COLUMNS.iter().map(|c| c.key).collect();
            let n = keys.len();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), n);
            assert!(T::COLUMNS[T::DEFAULT_SORT].shown);
            // Context labels lead the CSV of stages and routes.
            assert!(!keys.contains(&"api"));
        }
        unique::<Api>();
        unique::<Stage>();
        unique::<Route>();
    }

    #[test]
    fn a_5xx_rate_of_one_percent_is_flagged() {
        assert_eq!(rate_5xx(Some(1.0)).tone, Tone::Error);
        assert!(rate_5xx(Some(1.0)).text.starts_with('!'));
        assert_eq!(rate_5xx(Some(0.5)).tone, Tone::Plain);
        assert_eq!(rate_5xx(None).text, "-");
        assert_eq!(errors_5xx(Some(0.0)).tone, Tone::Plain);
        assert_eq!(errors_5xx(Some(3.0)).tone, Tone::Error);
    }
}
