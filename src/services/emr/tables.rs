//! The clusters and steps tables: one column spec each. IDLE is the
//! headline: a cluster idle for over half an hour is money burned for nothing.

use super::domain::{EmrCluster, Step, IDLE_ALERT_MINUTES};
use super::metrics::IDLE_LOOKBACK_MINUTES;
use crate::fmt::{age, count, opt, pct};
use crate::table::{age_s, Cell, Column, Ctx, Row, SortKey, Tone, Value};

/// "35m", "2h05m", "≥1d": how long a cluster has been idle.
pub fn idle_for(minutes: u32) -> String {
    match minutes {
        m if m >= IDLE_LOOKBACK_MINUTES => "≥1d".into(),
        m if m >= 60 => format!("{}h{:02}m", m / 60, m % 60),
        m => format!("{m}m"),
    }
}

fn idle(c: &EmrCluster) -> Cell {
    if !c.active() {
        return Cell::tone("-", Tone::Muted);
    }
    match (c.metrics.is_idle, c.metrics.idle_minutes) {
        (_, Some(m)) if m > IDLE_ALERT_MINUTES => Cell::tone(format!("!{}", idle_for(m)), Tone::Warn),
        (Some(true), Some(m)) => Cell::plain(idle_for(m)),
        (Some(false), _) => Cell::tone("busy", Tone::Ok),
        _ => Cell::tone("-", Tone::Muted),
    }
}

fn idle_key(c: &EmrCluster) -> Option<f64> {
    c.metrics.idle_minutes.filter(|_| c.active()).map(|m| m as f64)
}

fn state(c: &EmrCluster) -> Cell {
    match c.state.as_str() {
        "RUNNING" => Cell::tone("RUNNING", Tone::Ok),
        "WAITING" => Cell::tone("WAITING", Tone::Accent),
        "STARTING" | "BOOTSTRAPPING" => Cell::tone(format!("~{}", c.state), Tone::Accent),
        "TERMINATED_WITH_ERRORS" => Cell::tone("!TERMINATED_WITH_ERRORS", Tone::Error),
        s => Cell::tone(s.to_string(), Tone::Muted),
    }
}

fn nodes(c: &EmrCluster) -> Cell {
    match c.nodes() {
        Some((r, q)) if r < q => Cell::tone(format!("!{r}/{q}"), Tone::Warn),
        Some((r, q)) => Cell::plain(format!("{r}/{q}")),
        None => Cell::tone("-", Tone::Muted),
    }
}

impl crate::table::Priced for EmrCluster {
    fn cost(&self, cx: &Ctx) -> crate::cost::Estimate {
        super::cost::estimate(self, &cx.prices)
    }
}

fn market(c: &EmrCluster) -> &'static str {
    match &c.groups {
        None => "-",
        Some(_) if c.spot() => "SPOT",
        Some(_) => "ON_DEMAND",
    }
}

/// A tab for the table's chips: the clusters that run, and the day's ended ones.
fn tab(c: &EmrCluster) -> &'static str {
    if c.active() {
        "active"
    } else {
        "ended"
    }
}

impl Row for EmrCluster {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 18, 0, false, |c, _| SortKey::Text(&c.name), |c, _| Cell::plain(c.name.clone())),
        Column::<Self>::new("STATE", "state", 10, 0, false, |c, _| SortKey::Num(Some(c.active() as u8 as f64)), |c, _| state(c))
            .exact(|c, _| Value::Text(&c.state)),
        Column::<Self>::new("IDLE", "idle_minutes", 6, 0, true, |c, _| SortKey::Num(idle_key(c)), |c, _| idle(c))
            .exact(|c, _| Value::Num(idle_key(c))),
        Column::<Self>::new("APPS", "apps_running", 5, 2, true, |c, _| SortKey::Num(c.metrics.apps_running), |c, _| {
            Cell::plain(opt(c.metrics.apps_running, count))
        }),
        Column::<Self>::new("PEND", "apps_pending", 5, 3, true, |c, _| SortKey::Num(c.metrics.apps_pending), |c, _| {
            match c.metrics.apps_pending {
                Some(p) if p > 0.0 => Cell::tone(count(p), Tone::Warn),
                p => Cell::plain(opt(p, count)),
            }
        }),
        // Applications against the same window a week ago (docs/baseline.md):
        // the first column to yield to a narrow terminal.
        crate::baseline::week_column::<Self>(10),
        Column::<Self>::new("YARN FREE%", "yarn_memory_available_pct", 10, 4, true, |c, _| SortKey::Num(c.metrics.yarn_memory_available_pct), |c, _| {
            Cell::plain(opt(c.metrics.yarn_memory_available_pct, pct))
        }),
        Column::<Self>::new("NODES", "nodes", 6, 1, true, |c, _| SortKey::Num(c.nodes().map(|n| n.0 as f64)), |c, _| nodes(c))
            .exact(|c, _| Value::Owned(c.nodes().map(|(r, q)| format!("{r}/{q}")).unwrap_or_default())),
        Column::<Self>::new("MARKET", "market", 9, 5, false, |c, _| SortKey::Text(market(c)), |c, _| Cell::tone(market(c), Tone::Muted)),
        Column::<Self>::new("FAILED", "failed_steps", 6, 2, true, |c, _| SortKey::Num(Some(c.failed_steps() as f64)), |c, _| {
            match c.failed_steps() {
                0 => Cell::plain("0"),
                n => Cell::tone(format!("!{n}"), Tone::Error),
            }
        }),
        crate::table::cost_column::<Self>(6),
        Column::<Self>::new("RELEASE", "release_label", 10, 7, false, |c, _| SortKey::Text(c.release_label.as_deref().unwrap_or("")), |c, _| {
            Cell::tone(c.release_label.clone().unwrap_or_else(|| "-".into()), Tone::Muted)
        }),
        Column::<Self>::new("AGE", "created_at", 5, 6, true, |c, cx| SortKey::Num(age_s(c.created_at, cx.now)), |c, cx| {
            Cell::plain(c.created_at.map(|t| age(cx.now - t)).unwrap_or_else(|| "-".into()))
        })
        .exact(|c, _| Value::Time(c.created_at)),
        Column::<Self>::new("ID", "id", 15, 8, false, |c, _| SortKey::Text(&c.id), |c, _| Cell::tone(c.id.clone(), Tone::Muted)),
        Column::<Self>::new("NIH", "normalized_instance_hours", 6, 9, true, |c, _| SortKey::Num(c.normalized_instance_hours.map(f64::from)), |c, _| {
            Cell::plain(c.normalized_instance_hours.map(|h| count(h as f64)).unwrap_or_else(|| "-".into()))
        })
        .hidden(),
    ];
    const DEFAULT_SORT: usize = 1;
    const TABS: &'static [&'static str] = &["active", "ended"];
    // The clusters that run (and bill); the day's ended ones on request (`]`).
    const DEFAULT_TAB: usize = 1;
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
        self.metrics.pending && matches!(column, "idle_minutes" | "apps_running" | "apps_pending" | "yarn_memory_available_pct" | "week_over_week")
    }
    fn tab(&self) -> &str {
        tab(self)
    }
}

fn step_state(s: &Step) -> Cell {
    match s.state.as_str() {
        "FAILED" => Cell::tone("!FAILED", Tone::Error),
        "RUNNING" => Cell::tone("RUNNING", Tone::Accent),
        "PENDING" => Cell::tone("~PENDING", Tone::Accent),
        "COMPLETED" => Cell::tone("COMPLETED", Tone::Ok),
        st => Cell::tone(st.to_string(), Tone::Muted),
    }
}

impl Row for Step {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("STEP", "name", 20, 0, false, |s, _| SortKey::Text(&s.name), |s, _| Cell::plain(s.name.clone())),
        Column::<Self>::new("STATE", "state", 10, 0, false, |s, _| SortKey::Text(&s.state), |s, _| step_state(s))
            .exact(|s, _| Value::Text(&s.state)),
        // Sorted by when, largest first: the newest step on top.
        Column::<Self>::new("STARTED", "started_at", 8, 1, true, |s, _| SortKey::Num(s.started_at.map(|t| t.timestamp() as f64)), |s, cx| {
            Cell::plain(s.started_at.map(|t| format!("{} ago", age(cx.now - t))).unwrap_or_else(|| "-".into()))
        })
        .exact(|s, _| Value::Time(s.started_at)),
        Column::<Self>::new("TOOK", "duration_s", 6, 2, true, |s, cx| SortKey::Num(s.duration(cx.now).map(|d| d.num_seconds() as f64)), |s, cx| {
            Cell::plain(s.duration(cx.now).map(age).unwrap_or_else(|| "-".into()))
        })
        .exact(|s, cx| Value::Num(s.duration(cx.now).map(|d| d.num_seconds() as f64))),
        Column::<Self>::new("FAILURE", "failure_reason", 30, 3, false, |s, _| SortKey::Text(s.failure_reason.as_deref().unwrap_or("")), |s, _| {
            Cell::tone(s.failure_reason.clone().unwrap_or_default(), Tone::Error)
        }),
        Column::<Self>::new("ID", "id", 15, 8, false, |s, _| SortKey::Text(&s.id), |s, _| Cell::tone(s.id.clone(), Tone::Muted)),
    ];
    // Newest first, as EMR lists them: started most recently on top.
    const DEFAULT_SORT: usize = 2;
    fn key(&self) -> &str {
        &self.id
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.state]
    }
}
