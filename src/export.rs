//! CSV: the table on screen (`e`) and `--once --format csv`. Values are the
//! exact numbers the table sorts by, not the rounded text drawn on screen, so
//! a spreadsheet can compute with them; unknown values are empty cells.

use chrono::{DateTime, Utc};

use crate::app::model::{Model, View};
use crate::app::tables::{Row, SortKey};
use crate::domain::batch::{Job, JobQueue};
use crate::domain::ecs::{Cluster, Service, Task};
use crate::domain::lambda::Function;

/// A file-name-safe name for a table view.
pub fn view_name(v: &View) -> String {
    let raw = match v {
        View::Functions => "lambda".to_string(),
        View::Clusters => "ecs-clusters".into(),
        View::Services { cluster } => format!("ecs-{cluster}-services"),
        View::Tasks { cluster, service } => format!("ecs-{cluster}-{service}-tasks"),
        View::Queues => "batch-queues".into(),
        View::Jobs { queue } => format!("batch-{queue}-jobs"),
        other => format!("{other:?}").to_ascii_lowercase(),
    };
    raw.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One CSV field, quoted when it has to be.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn table<T: Row>(items: &[T], rows: &[u32], now: DateTime<Utc>) -> String {
    let mut out = T::COLUMNS
        .iter()
        .map(|c| field(c.title))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for i in rows {
        let Some(item) = items.get(*i as usize) else {
            continue;
        };
        let cells: Vec<String> = (0..T::COLUMNS.len())
            .map(|c| match item.sort_key(c, now) {
                SortKey::Num(Some(v)) => number(v),
                SortKey::Num(None) => String::new(),
                SortKey::Text(s) => field(s),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// The current table view as CSV: its columns, and exactly `m.rows` in order
/// (the filter and sort applied). `None` when the view is not a table.
pub fn current_view(m: &Model) -> Option<(String, usize)> {
    let now = m.now;
    let csv = match m.view() {
        View::Functions => table::<Function>(&m.lambda.data.functions, &m.rows, now),
        View::Clusters => table::<Cluster>(&m.ecs.data.clusters, &m.rows, now),
        View::Services { cluster } => table::<Service>(
            m.cluster(cluster).map_or(&[][..], |c| &c.services),
            &m.rows,
            now,
        ),
        View::Tasks { cluster, .. } => table::<Task>(
            m.cluster(cluster).map_or(&[][..], |c| &c.tasks),
            &m.rows,
            now,
        ),
        View::Queues => table::<JobQueue>(&m.batch.data.queues, &m.rows, now),
        View::Jobs { queue } => {
            table::<Job>(m.queue(queue).map_or(&[][..], |q| &q.jobs), &m.rows, now)
        }
        _ => return None,
    };
    Some((csv, m.rows.len()))
}

/// Writes the current view into `path`; the footer message says where.
pub fn write_current_view(m: &Model, path: &str) -> String {
    let Some((csv, n)) = current_view(m) else {
        return "nothing to export here: open a table".into();
    };
    let full = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.into());
    match std::fs::write(&full, csv) {
        Ok(()) => format!("exported {n} rows to {}", full.display()),
        Err(e) => format!("export failed: {}: {e}", full.display()),
    }
}
