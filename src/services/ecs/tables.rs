//! The clusters, services and tasks tables: one column spec each.

use super::domain::{Cluster, Health, Service, Task};
use crate::fmt::{age, opt, pct};
use crate::table::{age_s, Cell, Column, Row, SortKey, Tone, Value};

fn n(v: usize) -> SortKey<'static> {
    SortKey::Num(Some(v as f64))
}

fn stopped(c: &Cluster) -> usize {
    c.tasks.iter().filter(|t| t.is_stopped()).count()
}

impl Row for Cluster {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("NAME", "name", 18, 0, false, |c, _| SortKey::Text(&c.name), |c, _| {
            Cell::plain(c.name.clone())
        }),
        Column::<Self>::new("STATUS", "status", 8, 3, false, |c, _| SortKey::Text(&c.status), |c, _| {
            Cell::plain(c.status.clone())
        }),
        Column::<Self>::new("SERVICES", "services", 8, 0, true, |c, _| n(c.services.len()), |c, _| {
            Cell::plain(c.services.len().to_string())
        }),
        Column::<Self>::new("UNHEALTHY", "unhealthy_services", 9, 0, true, |c, _| n(c.unhealthy_services()), |c, _| {
            match c.unhealthy_services() {
                0 => Cell::tone("0", Tone::Ok),
                u => Cell::tone(format!("!{u}"), Tone::Error),
            }
        }),
        Column::<Self>::new("RUNNING", "running_tasks", 7, 1, true, |c, _| n(c.running_tasks()), |c, _| {
            Cell::plain(c.running_tasks().to_string())
        }),
        Column::<Self>::new("PENDING", "pending_tasks", 7, 1, true, |c, _| n(c.pending_tasks()), |c, _| {
            Cell::plain(c.pending_tasks().to_string())
        }),
        Column::<Self>::new("STOPPED", "stopped_tasks", 7, 2, true, |c, _| n(stopped(c)), |c, _| {
            Cell::plain(stopped(c).to_string())
        }),
        Column::<Self>::new("INSTANCES", "container_instances", 9, 2, true, |c, _| n(c.container_instances.len()), |c, _| {
            Cell::plain(c.container_instances.len().to_string())
        }),
        Column::<Self>::new(
            "CAPACITY PROVIDERS",
            "capacity_providers",
            24,
            4,
            false,
            |c, _| SortKey::Text(c.capacity_providers.first().map(String::as_str).unwrap_or("")),
            |c, _| Cell::tone(c.capacity_providers.join(","), Tone::Muted),
        )
        .exact(|c, _| Value::Owned(c.capacity_providers.join(","))),
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
}

fn findings(s: &Service) -> Option<&crate::services::joins::Findings> {
    s.image.as_ref().and_then(|i| i.findings.as_ref())
}

/// Critical findings outrank any number of high ones.
fn vuln_rank(s: &Service) -> Option<f64> {
    findings(s).map(|f| f.critical as f64 * 1e6 + f.high as f64)
}

fn vuln(s: &Service, _: &crate::table::Ctx) -> Cell {
    match findings(s) {
        Some(f) if f.critical > 0 => Cell::tone(format!("!{}", f.short()), Tone::Error),
        Some(f) if f.high > 0 => Cell::tone(f.short(), Tone::Warn),
        Some(f) => Cell::tone(f.short(), Tone::Ok),
        None => Cell::tone("-", Tone::Muted),
    }
}

impl crate::table::Priced for Service {
    fn cost(&self, cx: &crate::table::Ctx) -> crate::cost::Estimate {
        super::cost::estimate(self, &cx.prices)
    }
}

fn health(s: &Service) -> Cell {
    match s.health() {
        Health::Ok => Cell::tone("ok", Tone::Ok),
        Health::Deploying => Cell::tone("~deploying", Tone::Accent),
        Health::Degraded => Cell::tone("!degraded", Tone::Warn),
        Health::Failing => Cell::tone("!!failing", Tone::Error),
    }
}

impl Row for Service {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("NAME", "name", 16, 0, false, |s, _| SortKey::Text(&s.name), |s, _| {
            Cell::plain(s.name.clone())
        }),
        Column::<Self>::new("HEALTH", "health", 10, 0, false, |s, _| SortKey::Num(Some(s.health() as u8 as f64)), |s, _| health(s))
            .exact(|s, _| Value::Text(s.health().word())),
        Column::<Self>::new(
            "LAUNCH",
            "launch",
            12,
            5,
            false,
            |s, _| SortKey::Text(s.capacity_provider.as_deref().unwrap_or(&s.launch_type)),
            |s, _| {
                Cell::tone(
                    s.capacity_provider.clone().unwrap_or_else(|| s.launch_type.clone()),
                    Tone::Muted,
                )
            },
        ),
        Column::<Self>::new("DESIRED", "desired", 7, 1, true, |s, _| SortKey::Num(Some(s.desired as f64)), |s, _| {
            Cell::plain(s.desired.to_string())
        }),
        // As its tasks say; `*`: the service's own counts disagree (stale).
        Column::<Self>::new("RUNNING", "running", 7, 0, true, |s, _| SortKey::Num(Some(s.running_now() as f64)), |s, _| {
            let stale = if s.counts_stale() { "*" } else { "" };
            if s.running_now() < s.desired {
                Cell::tone(format!("!{}{stale}", s.running_now()), Tone::Warn)
            } else {
                Cell::plain(format!("{}{stale}", s.running_now()))
            }
        })
        .exact(|s, _| Value::Num(Some(s.running_now() as f64))),
        Column::<Self>::new("PENDING", "pending", 7, 1, true, |s, _| SortKey::Num(Some(s.pending_now() as f64)), |s, _| {
            Cell::plain(s.pending_now().to_string())
        }),
        Column::<Self>::new("CRASHES", "recently_stopped", 7, 2, true, |s, _| SortKey::Num(Some(s.recently_stopped as f64)), |s, _| {
            match s.recently_stopped {
                0 => Cell::plain("0"),
                n => Cell::tone(format!("!{n}"), Tone::Error),
            }
        }),
        Column::<Self>::new("ROLLOUT", "rollout_state", 11, 3, false, |s, _| SortKey::Text(s.rollout_state.as_deref().unwrap_or("")), |s, _| {
            Cell::plain(s.rollout_state.clone().unwrap_or_default())
        }),
        Column::<Self>::new("CPU%", "cpu_pct", 5, 4, true, |s, _| SortKey::Num(s.cpu_pct), |s, _| {
            Cell::plain(opt(s.cpu_pct, pct))
        }),
        Column::<Self>::new("MEM%", "memory_pct", 5, 4, true, |s, _| SortKey::Num(s.memory_pct), |s, _| {
            Cell::plain(opt(s.memory_pct, pct))
        }),
        // CPU against the same window a week ago (docs/baseline.md): the
        // first column to yield to a narrow terminal.
        crate::baseline::week_column::<Self>(9),
        // The running image's scan findings, CRITICAL and HIGH first: what ECR knows of it.
        Column::<Self>::new("VULN", "image_findings", 7, 3, true, |s, _| SortKey::Num(vuln_rank(s)), vuln)
            .exact(|s, _| Value::Owned(findings(s).map(|f| f.short()).unwrap_or_default())),
        // Dollars a month on Fargate, or a share of the EC2 instances.
        crate::table::cost_column::<Self>(5).exact(|s, cx| match crate::table::Priced::cost(s, cx) {
            e @ crate::cost::Estimate::Usd { .. } => Value::Num(e.per_month()),
            e => Value::Owned(e.cell()),
        }),
        Column::<Self>::new(
            "IMAGE",
            "image",
            20,
            7,
            false,
            |s, _| SortKey::Text(s.image.as_ref().map(|i| i.reference.as_str()).unwrap_or("")),
            |s, _| {
                let r = s.image.as_ref().map(|i| i.reference.as_str()).unwrap_or("");
                Cell::tone(r.rsplit('/').next().unwrap_or(r).to_string(), Tone::Muted)
            },
        ),
        Column::<Self>::new(
            "LAST EVENT",
            "last_event",
            24,
            6,
            false,
            |s, _| SortKey::Text(s.events.first().map(|e| e.message.as_str()).unwrap_or("")),
            |s, _| Cell::tone(s.events.first().map(|e| e.message.clone()).unwrap_or_default(), Tone::Muted),
        ),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.launch_type]
    }
    fn waiting(&self, column: &'static str) -> bool {
        self.metrics_pending && matches!(column, "cpu_pct" | "memory_pct" | "week_over_week")
    }
}

fn status(task: &Task) -> Cell {
    if task.stop_code.as_deref() == Some("EssentialContainerExited") {
        Cell::tone(format!("x {}", task.last_status), Tone::Error)
    } else if task.is_stopped() {
        Cell::tone(format!("x {}", task.last_status), Tone::Muted)
    } else if task.is_starting() {
        Cell::tone(format!("~ {}", task.last_status), Tone::Warn)
    } else {
        Cell::tone(task.last_status.clone(), Tone::Ok)
    }
}

fn time_key(t: Option<chrono::DateTime<chrono::Utc>>) -> SortKey<'static> {
    SortKey::Num(t.map(|t| t.timestamp() as f64))
}

impl Row for Task {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("TASK", "id", 12, 0, false, |k, _| SortKey::Text(&k.id), |k, _| Cell::plain(k.id.clone())).fixed(),
        Column::<Self>::new("STATUS", "last_status", 14, 0, false, |k, _| SortKey::Text(&k.last_status), |k, _| status(k)),
        Column::<Self>::new("DESIRED", "desired_status", 8, 4, false, |k, _| SortKey::Text(&k.desired_status), |k, _| {
            Cell::tone(k.desired_status.clone(), Tone::Muted)
        }),
        Column::<Self>::new(
            "CAPACITY",
            "capacity",
            12,
            5,
            false,
            |k, _| SortKey::Text(k.capacity_provider.as_deref().unwrap_or(&k.launch_type)),
            |k, _| {
                Cell::tone(
                    k.capacity_provider.clone().unwrap_or_else(|| k.launch_type.clone()),
                    Tone::Muted,
                )
            },
        ),
        Column::<Self>::new("CPU", "cpu", 5, 6, true, |k, _| SortKey::Num(k.cpu.as_deref().and_then(|c| c.parse().ok())), |k, _| {
            Cell::plain(k.cpu.clone().unwrap_or_default())
        }),
        Column::<Self>::new("MEM", "memory", 6, 6, true, |k, _| SortKey::Num(k.memory.as_deref().and_then(|c| c.parse().ok())), |k, _| {
            Cell::plain(k.memory.clone().unwrap_or_default())
        }),
        // An age sorts by age (AGE↓ the oldest first); the table opens
        // reversed, youngest first: the task that just crashed is the news.
        Column::<Self>::new(
            "AGE",
            "age_s",
            6,
            2,
            true,
            |k, cx| SortKey::Num(age_s(k.stopped_at.or(k.started_at), cx.now)),
            |k, cx| {
                Cell::plain(
                    k.stopped_at
                        .or(k.started_at)
                        .map(|s| age(cx.now - s))
                        .unwrap_or_else(|| "-".into()),
                )
            },
        )
        .exact(|k, cx| Value::Num(age_s(k.stopped_at.or(k.started_at), cx.now))),
        Column::<Self>::new("STOP CODE", "stop_code", 24, 3, false, |k, _| SortKey::Text(k.stop_code.as_deref().unwrap_or("")), |k, _| {
            Cell::tone(k.stop_code.clone().unwrap_or_default(), Tone::Error)
        }),
        // The container's reason (OOM, exit code) says more than the task's.
        Column::<Self>::new(
            "STOPPED REASON",
            "stopped_reason",
            24,
            1,
            false,
            |k, _| SortKey::Text(k.stopped_reason.as_deref().unwrap_or("")),
            |k, _| {
                let why = k
                    .containers
                    .iter()
                    .find_map(|c| c.reason.clone())
                    .or_else(|| k.stopped_reason.clone());
                Cell::plain(why.unwrap_or_default())
            },
        ),
        Column::<Self>::new("SERVICE", "service", 16, 9, false, |k, _| SortKey::Text(k.service.as_deref().unwrap_or("")), |k, _| {
            Cell::plain(k.service.clone().unwrap_or_default())
        })
        .hidden(),
        Column::<Self>::new("STARTED", "started_at", 20, 9, true, |k, _| time_key(k.started_at), |k, _| {
            Cell::plain(k.started_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|k, _| Value::Time(k.started_at))
        .hidden(),
        Column::<Self>::new("STOPPED", "stopped_at", 20, 9, true, |k, _| time_key(k.stopped_at), |k, _| {
            Cell::plain(k.stopped_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|k, _| Value::Time(k.stopped_at))
        .hidden(),
    ];
    const DEFAULT_SORT: usize = 6;
    const DEFAULT_REVERSE: bool = true;
    fn key(&self) -> &str {
        &self.id
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.id, &self.last_status]
    }
}
