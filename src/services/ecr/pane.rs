//! ECR: the repositories, a repository's images, then one image with its
//! findings and what runs it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::domain::{EcrData, Findings};
use super::{Ecr, View};
use crate::fmt::age;
use crate::services::room::{ListCtx, OverviewList, PaneCtx, RoomUi};
use crate::widgets::{field, gone, table};

impl RoomUi for Ecr {
    fn draw(buf: &mut Buffer, area: Rect, state: &EcrData, view: &View, cx: &PaneCtx) {
        match view {
            View::Repositories => table::draw(buf, area, &state.repositories, cx),
            View::Images { at, repo } => match state.repository(at, repo) {
                Some(r) => table::draw(buf, area, &r.images, cx),
                None => gone(buf, area, cx.theme, repo),
            },
            View::Image { at, repo, digest } => image(buf, area, state, cx, at, repo, digest),
        }
    }

    fn overview(state: &EcrData, cx: &PaneCtx) -> Line<'static> {
        super::overview::line(state, cx)
    }

    fn offenders(state: &EcrData, cx: &ListCtx) -> Vec<OverviewList> {
        super::overview::lists(state, cx)
    }
}

fn counts(f: &Findings) -> String {
    format!(
        "{} critical  {} high  {} medium  {} low  {} informational",
        f.critical, f.high, f.medium, f.low, f.informational
    )
}

fn image(buf: &mut Buffer, area: Rect, d: &EcrData, cx: &PaneCtx, at: &crate::scope::Scope, repo: &str, digest: &str) {
    let t = cx.theme;
    let now = cx.now;
    let (Some(r), Some(i)) = (d.repository(at, repo), d.image(at, repo, digest)) else {
        return gone(buf, area, t, "this image");
    };
    let when = |x: Option<chrono::DateTime<chrono::Utc>>, none: &str| {
        x.map(|x| format!("{} ({} ago)", x.format("%Y-%m-%d %H:%M UTC"), age(now - x)))
            .unwrap_or_else(|| none.into())
    };
    let severe = i.findings.is_some_and(|f| f.critical > 0);
    let mut lines = vec![
        field(t, "repository", r.uri.clone()),
        field(t, "tags", i.tag_list()),
        field(t, "digest", i.digest.clone()),
        field(t, "size", i.size_mb().map(|m| format!("{m:.1} MB")).unwrap_or_else(|| "-".into())),
        field(t, "pushed", when(i.pushed_at, "-")),
        field(t, "last pulled", when(i.last_pulled_at, "never recorded")),
        field(t, "scan", i.scan_status.clone().unwrap_or_else(|| "never scanned".into())),
        Line::from(vec![
            Span::styled(format!("{:<14}", "findings"), t.muted),
            Span::styled(
                i.findings.as_ref().map(counts).unwrap_or_else(|| "no scan summary".into()),
                if severe { t.error } else { t.ok },
            ),
        ]),
        field(
            t,
            "used by",
            if i.used_by.is_empty() { "nothing running".into() } else { i.used_by.join("  ") },
        ),
    ];
    if i.stale(now) {
        lines.push(Line::from(Span::styled(
            format!("~ stale: not pulled for {} days and nothing runs it", super::domain::STALE_DAYS),
            t.warn,
        )));
    }
    // Long values (a URI, a digest) are elided to the width; findings wrap.
    let top = lines.len() as u16;
    let fitted = crate::widgets::spark::fit_lines(lines, area.width as usize);
    Paragraph::new(fitted).render(area, buf);
    let rest = Rect {
        y: area.y + top.min(area.height),
        height: area.height.saturating_sub(top),
        ..area
    };
    // The findings are the view's table: j/k, PgDn and G scroll them and
    // the title says which rows are on screen.
    let line = match &i.details {
        None => Span::styled("reading the findings…", t.muted),
        Some(list) if list.is_empty() => Span::styled("no findings", t.ok),
        Some(_) => Span::styled("Findings (worst first)", t.title),
    };
    let head = Rect { y: rest.y + 1.min(rest.height), height: 1.min(rest.height.saturating_sub(1)), ..rest };
    Paragraph::new(Line::from(line)).render(head, buf);
    if i.details.as_ref().is_some_and(|l| !l.is_empty()) {
        let body = Rect { y: rest.y + 2.min(rest.height), height: rest.height.saturating_sub(2), ..rest };
        table::draw(buf, body, i.details.as_deref().unwrap_or(&[]), cx);
    }
}
