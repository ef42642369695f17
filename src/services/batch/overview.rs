//! Batch on the Overview: queue totals, stuck jobs and recent failures.

use ratatui::text::{Line, Span};

use super::domain::BatchData;
use crate::fmt::age;
use crate::services::room::{ListKind, Overview, OverviewList, PaneCtx};

/// Rows each Overview list shows.
const TOP: usize = 4;

pub fn overview(d: &BatchData, cx: &PaneCtx) -> Overview {
    let (t, now) = (cx.theme, cx.now);
    let qs = &d.queues;
    let jobs = |s: &str| qs.iter().map(|q| q.count(s)).sum::<usize>();
    let stuck_n: usize = qs.iter().map(|q| q.stuck(now)).sum();
    let bad = |n: usize| if n > 0 { t.error } else { t.ok };
    let line = Line::from(vec![
        Span::styled("Batch   ", t.title),
        Span::raw(format!(
            "{} queues  {} running  {} runnable  ",
            qs.len(),
            jobs("RUNNING"),
            jobs("RUNNABLE")
        )),
        Span::styled(format!("{} failed  ", jobs("FAILED")), bad(jobs("FAILED"))),
        Span::styled(format!("{stuck_n} stuck"), bad(stuck_n)),
    ]);
    let stuck: Vec<(String, String)> = qs
        .iter()
        .flat_map(|q| q.jobs.iter().filter(|j| j.is_stuck(now)).map(move |j| (q, j)))
        .map(|(q, j)| {
            (
                format!("{}/{}", q.name, j.name),
                j.created_at
                    .map(|c| format!("RUNNABLE {}", age(now - c)))
                    .unwrap_or_default(),
            )
        })
        .take(TOP)
        .collect();
    let failed: Vec<(String, String)> = qs
        .iter()
        .flat_map(|q| q.jobs.iter().filter(|j| j.status == "FAILED").map(move |j| (q, j)))
        .map(|(q, j)| {
            (
                format!("{}/{}", q.name, j.name),
                j.stopped_at
                    .map(|s| format!("{} ago", age(now - s)))
                    .unwrap_or_default(),
            )
        })
        .take(TOP)
        .collect();
    Overview {
        line,
        lists: vec![
            OverviewList {
                title: "Stuck jobs",
                items: stuck,
                kind: ListKind::Flags,
            },
            OverviewList {
                title: "Recent failed jobs",
                items: failed,
                kind: ListKind::Flags,
            },
        ],
    }
}
