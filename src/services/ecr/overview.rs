//! ECR on the Overview: repository totals, the running images with critical
//! findings, and images nothing has pulled for 90 days.

use ratatui::text::{Line, Span};

use super::domain::{EcrData, STALE_DAYS};
use super::{Ecr, View};
use crate::services::room::{ListCtx, ListKind, OverviewItem, OverviewList, PaneCtx, Registered};

pub fn line(d: &EcrData, cx: &PaneCtx) -> Line<'static> {
    let t = cx.theme;
    let images = d.images().count();
    let critical = d
        .images()
        .filter(|(_, i)| !i.used_by.is_empty() && i.findings.is_some_and(|f| f.critical > 0))
        .count();
    let stale = d.images().filter(|(_, i)| i.stale(cx.now)).count();
    // A repository read one page deep makes the totals floors.
    let more = if d.repositories.iter().any(|r| r.more) { "+" } else { "" };
    Line::from(vec![
        Span::styled("ECR     ", t.title),
        Span::raw(format!("{} repositories  {images}{more} images  ", d.repositories.len())),
        Span::styled(
            format!("{critical} running with critical findings  "),
            if critical > 0 { t.error } else { t.ok },
        ),
        Span::styled(format!("{stale}{more} stale ({STALE_DAYS}d)"), if stale > 0 { t.warn } else { t.ok }),
    ])
}

fn open(r: &super::domain::Repository, digest: &str) -> Vec<crate::services::RoomView> {
    let (at, repo) = (crate::scope::Scope::of(r), &r.name);
    vec![
        Ecr::wrap_view(View::Images {
            at: at.clone(),
            repo: repo.into(),
        }),
        Ecr::wrap_view(View::Image {
            at,
            repo: repo.into(),
            digest: digest.into(),
        }),
    ]
}

pub fn lists(d: &EcrData, cx: &ListCtx) -> Vec<OverviewList> {
    let mut running: Vec<_> = d
        .images()
        .filter(|(_, i)| !i.used_by.is_empty() && i.findings.is_some_and(|f| f.critical > 0))
        .collect();
    running.sort_by_key(|(_, i)| std::cmp::Reverse(i.findings.map_or(0, |f| f.critical)));
    let running = running
        .into_iter()
        .take(cx.limit)
        .map(|(r, i)| OverviewItem {
            name: cx.named(&r.account, format!("{}:{}", r.name, i.tags.first().map(String::as_str).unwrap_or(i.short_digest()))),
            what: format!(
                "{} critical, run by {}",
                i.findings.map_or(0, |f| f.critical),
                i.used_by.join(" ")
            ),
            open: open(r, &i.digest),
        })
        .collect();
    let mut stale: Vec<_> = d.images().filter(|(_, i)| i.stale(cx.now)).collect();
    // Longest unused first.
    stale.sort_by_key(|(_, i)| i.last_pulled_at.or(i.pushed_at));
    let stale = stale
        .into_iter()
        .take(cx.limit)
        .map(|(r, i)| OverviewItem {
            name: cx.named(&r.account, format!("{}:{}", r.name, i.tags.first().map(String::as_str).unwrap_or(i.short_digest()))),
            what: match i.last_pulled_at {
                Some(p) => format!("pulled {} days ago", (cx.now - p).num_days()),
                None => "never pulled".into(),
            },
            open: open(r, &i.digest),
        })
        .collect();
    vec![
        OverviewList {
            title: "Running images with critical findings",
            items: running,
            kind: ListKind::Flags,
        },
        OverviewList {
            title: "Stale images",
            items: stale,
            kind: ListKind::Flags,
        },
    ]
}
