//! Batch on the Overview: queue totals, stuck jobs and recent failures.

use ratatui::text::{Line, Span};

use super::domain::BatchData;
use super::{Batch, View};
use crate::fmt::age;
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered};

pub fn line(d: &BatchData, cx: &PaneCtx) -> Line<'static> {
    let (t, now) = (cx.theme, cx.now);
    let qs = &d.queues;
    let jobs = |s: &str| qs.iter().map(|q| q.count(s)).sum::<usize>();
    let floor = |s: &str| qs.iter().any(|q| q.more.iter().any(|m| m == s));
    let stuck: usize = qs.iter().map(|q| q.stuck(now)).sum();
    let bad = |n: usize| if n > 0 { t.error } else { t.ok };
    Line::from(vec![
        Span::styled("Batch   ", t.title),
        Span::raw(format!(
            "{} queues  {} running  {} runnable  ",
            qs.len(),
            jobs("RUNNING"),
            jobs("RUNNABLE")
        )),
        Span::styled(
            format!("{}{} failed  ", jobs("FAILED"), if floor("FAILED") { "+" } else { "" }),
            bad(jobs("FAILED")),
        ),
        Span::styled(format!("{stuck} stuck"), bad(stuck)),
    ])
}

/// Opens a job: its queue's jobs, then the job.
fn open(q: &super::domain::JobQueue, id: &str) -> Vec<crate::services::RoomView> {
    let queue = &q.name;
    vec![
        Batch::wrap_view(View::Jobs {
            at: crate::scope::Scope::of(q),
            queue: queue.into(),
        }),
        Batch::wrap_view(View::Job {
            at: crate::scope::Scope::of(q),
            queue: queue.into(),
            id: id.into(),
        }),
    ]
}

pub fn lists(d: &BatchData, cx: &ListCtx) -> Vec<OverviewList> {
    let now = cx.now;
    let qs = &d.queues;
    let mut stuck: Vec<_> = qs
        .iter()
        .flat_map(|q| q.jobs.iter().filter(|j| j.is_stuck(now)).map(move |j| (q, j)))
        .collect();
    // Longest waiting first.
    stuck.sort_by_key(|(_, j)| j.created_at);
    let stuck = stuck
        .into_iter()
        .take(cx.limit)
        .map(|(q, j)| OverviewItem {
            name: cx.named(&q.account, format!("{}/{}", q.name, j.name)),
            what: j
                .created_at
                .map(|c| format!("RUNNABLE {}", age(now - c)))
                .unwrap_or_default(),
            open: open(q, &j.id),
        })
        .collect();
    let mut failed: Vec<_> = qs
        .iter()
        .flat_map(|q| q.jobs.iter().filter(|j| j.status == "FAILED").map(move |j| (q, j)))
        .collect();
    // Most recent first.
    failed.sort_by_key(|(_, j)| std::cmp::Reverse(j.stopped_at.or(j.created_at)));
    let failed = failed
        .into_iter()
        .take(cx.limit)
        .map(|(q, j)| OverviewItem {
            name: cx.named(&q.account, format!("{}/{}", q.name, j.name)),
            what: j
                .stopped_at
                .map(|s| format!("{} ago", age(now - s)))
                .unwrap_or_default(),
            open: open(q, &j.id),
        })
        .collect();
    vec![
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
    ]
}
