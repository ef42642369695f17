//! The queues and jobs tables: one column spec each, for the screen and the CSV.

use chrono::{DateTime, Utc};

use super::domain::{Job, JobQueue, JOB_STATUSES};
use crate::fmt::age;
use crate::table::{age_s, Cell, Column, Row, SortKey, Tone, Value};

fn n(v: usize) -> SortKey<'static> {
    SortKey::Num(Some(v as f64))
}

/// A count of jobs in one status; failures are flagged.
fn count(q: &JobQueue, status: &str) -> Cell {
    match q.count(status) {
        n if n > 0 && status == "FAILED" => Cell::tone(format!("!{}", q.count_text(status)), Tone::Error),
        _ => Cell::plain(q.count_text(status)),
    }
}

impl Row for JobQueue {
    const COLUMNS: &'static [Column<Self>] = crate::scoped_columns![
        Column::<Self>::new("QUEUE", "queue", 14, 0, false, |q, _| SortKey::Text(&q.name), |q, _| {
            Cell::plain(q.name.clone())
        }),
        Column::<Self>::new("STATE", "state", 8, 4, false, |q, _| SortKey::Text(&q.state), |q, _| {
            Cell::plain(q.state.clone())
        }),
        Column::<Self>::new("PRIO", "priority", 4, 5, true, |q, _| SortKey::Num(Some(q.priority as f64)), |q, _| {
            Cell::plain(q.priority.to_string())
        }),
        Column::<Self>::new("SUBMIT", "submitted", 6, 3, true, |q, _| n(q.count("SUBMITTED")), |q, _| count(q, "SUBMITTED")),
        Column::<Self>::new("PEND", "pending", 5, 3, true, |q, _| n(q.count("PENDING")), |q, _| count(q, "PENDING")),
        Column::<Self>::new("RUNNABLE", "runnable", 8, 0, true, |q, _| n(q.count("RUNNABLE")), |q, _| count(q, "RUNNABLE")),
        Column::<Self>::new("START", "starting", 5, 2, true, |q, _| n(q.count("STARTING")), |q, _| count(q, "STARTING")),
        Column::<Self>::new("RUNNING", "running", 7, 0, true, |q, _| n(q.count("RUNNING")), |q, _| count(q, "RUNNING")),
        Column::<Self>::new("DONE", "succeeded", 5, 1, true, |q, _| n(q.count("SUCCEEDED")), |q, _| count(q, "SUCCEEDED")),
        Column::<Self>::new("FAILED", "failed", 6, 0, true, |q, _| n(q.count("FAILED")), |q, _| count(q, "FAILED")),
        Column::<Self>::new("STUCK", "stuck", 5, 0, true, |q, cx| n(q.stuck(cx.now)), |q, cx| match q.stuck(cx.now) {
            0 => Cell::tone("0", Tone::Ok),
            n => Cell::tone(format!("!{n}"), Tone::Error),
        }),
        Column::<Self>::new(
            "COMPUTE ENVS",
            "compute_environments",
            20,
            6,
            false,
            |q, _| SortKey::Text(q.compute_environments.first().map(String::as_str).unwrap_or("")),
            |q, _| Cell::tone(q.compute_environments.join(","), Tone::Muted),
        )
        .exact(|q, _| Value::Owned(q.compute_environments.join(","))),
    ];
    const DEFAULT_SORT: usize = 0;
    fn key(&self) -> &str {
        &self.name
    }
    fn place(&self) -> Option<(&str, &str)> {
        Some((&self.account, &self.region))
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.state]
    }
}

/// Seconds a job has run (until it stopped, or until now).
pub fn job_runtime_s(j: &Job, now: DateTime<Utc>) -> Option<f64> {
    let start = j.started_at?;
    Some((j.stopped_at.unwrap_or(now) - start).num_seconds().max(0) as f64)
}

pub fn status(j: &Job, now: DateTime<Utc>) -> Cell {
    match j.status.as_str() {
        "FAILED" => Cell::tone("x FAILED", Tone::Error),
        "SUCCEEDED" => Cell::tone("SUCCEEDED", Tone::Ok),
        "RUNNABLE" if j.is_stuck(now) => Cell::tone("! RUNNABLE", Tone::Error),
        "RUNNING" => Cell::tone("RUNNING", Tone::Accent),
        s => Cell::tone(format!("~ {s}"), Tone::Warn),
    }
}

fn dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "-".into())
}

impl Row for Job {
    const COLUMNS: &'static [Column<Self>] = &[
        Column::<Self>::new("JOB", "name", 24, 0, false, |j, _| SortKey::Text(&j.name), |j, _| {
            Cell::plain(j.name.clone())
        }),
        // Lifecycle order, not alphabetical.
        Column::<Self>::new(
            "STATUS",
            "status",
            10,
            0,
            false,
            |j, _| SortKey::Num(JOB_STATUSES.iter().position(|s| *s == j.status).map(|p| -(p as f64))),
            |j, cx| status(j, cx.now),
        )
        .exact(|j, _| Value::Text(&j.status)),
        // An age sorts by age (AGE↓ the oldest first); the table opens
        // reversed, youngest first: the job that just failed is the news.
        Column::<Self>::new(
            "AGE",
            "age_s",
            6,
            1,
            true,
            |j, cx| SortKey::Num(age_s(j.created_at, cx.now)),
            |j, cx| Cell::plain(dash(j.created_at.map(|c| age(cx.now - c)))),
        )
        .exact(|j, cx| Value::Num(age_s(j.created_at, cx.now))),
        Column::<Self>::new(
            "RUNTIME",
            "runtime_s",
            8,
            2,
            true,
            |j, cx| SortKey::Num(job_runtime_s(j, cx.now)),
            |j, cx| {
                Cell::plain(dash(
                    job_runtime_s(j, cx.now).map(|s| age(chrono::Duration::seconds(s as i64))),
                ))
            },
        ),
        Column::<Self>::new("EXIT", "exit_code", 4, 3, true, |j, _| SortKey::Num(j.exit_code.map(f64::from)), |j, _| {
            Cell::plain(j.exit_code.map(|e| e.to_string()).unwrap_or_default())
        }),
        Column::<Self>::new(
            "REASON",
            "status_reason",
            24,
            1,
            false,
            |j, _| SortKey::Text(j.status_reason.as_deref().unwrap_or("")),
            |j, cx| {
                let tone = if j.is_stuck(cx.now) { Tone::Error } else { Tone::Muted };
                Cell::tone(j.status_reason.clone().unwrap_or_default(), tone)
            },
        ),
        Column::<Self>::new("ID", "id", 36, 8, false, |j, _| SortKey::Text(&j.id), |j, _| {
            Cell::tone(j.id.clone(), Tone::Muted)
        }),
        Column::<Self>::new("CREATED", "created_at", 20, 9, false, |j, _| SortKey::Num(j.created_at.map(|t| t.timestamp() as f64)), |j, _| {
            Cell::plain(j.created_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|j, _| Value::Time(j.created_at))
        .hidden(),
        Column::<Self>::new("STARTED", "started_at", 20, 9, false, |j, _| SortKey::Num(j.started_at.map(|t| t.timestamp() as f64)), |j, _| {
            Cell::plain(j.started_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|j, _| Value::Time(j.started_at))
        .hidden(),
        Column::<Self>::new("STOPPED", "stopped_at", 20, 9, false, |j, _| SortKey::Num(j.stopped_at.map(|t| t.timestamp() as f64)), |j, _| {
            Cell::plain(j.stopped_at.map(|t| t.to_rfc3339()).unwrap_or_default())
        })
        .exact(|j, _| Value::Time(j.stopped_at))
        .hidden(),
    ];
    const DEFAULT_SORT: usize = 2;
    const DEFAULT_REVERSE: bool = true;
    const TABS: &'static [&'static str] = &JOB_STATUSES;
    fn key(&self) -> &str {
        &self.id
    }
    fn filter_text(&self) -> [&str; 2] {
        [&self.name, &self.id]
    }
    fn tab(&self) -> &str {
        &self.status
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
        }
        unique::<JobQueue>();
        unique::<Job>();
    }
}
