//! The header line (who, where, how fresh) and the pane tabs.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::model::{Model, Pane, View};
use crate::app::msg::ServiceKind;
use crate::fmt::age;
use crate::theme::Theme;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let mut spans = vec![
        Span::styled(" awstop ", t.header),
        Span::styled(format!(" {} ", m.source.badge()), t.badge),
        Span::raw(" "),
    ];
    // A replay says first when it is showing, how fast, and whether the file can be trusted.
    if let Some(r) = &m.replay {
        if r.broken {
            spans.push(Span::styled(" BROKEN CHAIN ", t.error));
            spans.push(Span::raw(" "));
        }
        let state = if r.playing {
            format!("▶{}x", r.speed)
        } else {
            "‖".into()
        };
        spans.push(Span::styled(
            format!(
                "{} {state} {}/{} ",
                r.clock.format("%Y-%m-%d %H:%M:%S"),
                r.position,
                r.total
            ),
            t.accent,
        ));
    }
    let a = &m.account;
    if let Some(id) = &a.id {
        spans.push(Span::styled(id.clone(), t.accent));
        spans.push(Span::raw(" "));
    }
    let caller_at = spans.len();
    if let Some(p) = &a.profile {
        spans.push(Span::raw(format!("{p} ")));
    }
    if !a.regions.is_empty() {
        spans.push(Span::styled(a.regions.join(","), t.muted));
    }
    // A replay calls nothing: its recorded pace would only mislead.
    if m.replay.is_none() {
        spans.push(Span::styled(" │ ", t.muted));
        spans.push(Span::raw(format!("{:.0} calls/min", m.calls_per_min)));
    }
    if m.replay.is_none() && m.cloudwatch_usd_per_hour > 0.0 {
        spans.push(Span::styled(
            format!(" ${:.3}/h", m.cloudwatch_usd_per_hour),
            t.muted,
        ));
    }
    if m.logs_bytes_scanned > 0 {
        let usd = m.logs_bytes_scanned as f64 / 1e9 * crate::source::aws::logs::USD_PER_GB_SCANNED;
        spans.push(Span::styled(format!(" logs ${usd:.4}"), t.muted));
    }
    // The ages come last: they change every ten seconds, and what follows a
    // changed width is redrawn; over a slow link those bytes count.
    spans.push(Span::styled(" │", t.muted));
    for s in ServiceKind::ALL {
        let (loaded, at, err) = m.feed_status(s);
        let label = match (s, loaded) {
            (ServiceKind::Lambda, _) => "λ",
            _ => s.label(),
        };
        spans.push(Span::raw(format!(" {label} ")));
        match (at, err) {
            (_, Some(_)) => spans.push(Span::styled(
                format!(
                    "!{}",
                    at.map(|at| age(m.now - at)).unwrap_or_else(|| "err".into())
                ),
                t.error,
            )),
            (Some(at), None) => spans.push(Span::raw(age(m.now - at))),
            (None, None) => spans.push(Span::styled("…", t.muted)),
        }
    }
    if let Some(e) = &m.account_error {
        spans.push(Span::styled(
            format!(" ! {}: {}", e.operation, e.message),
            t.error,
        ));
    }
    // Who we are (the caller's role or user) when the line has room for it.
    if let Some(who) = a
        .caller_arn
        .as_deref()
        .and_then(|arn| arn.splitn(6, ':').nth(5))
    {
        let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
        if used + who.chars().count() < area.width as usize {
            spans.insert(caller_at, Span::styled(format!("{who} "), t.muted));
        }
    }
    Line::from(spans).render(area, buf);
}

pub fn tabs(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let mut spans = Vec::new();
    for (i, p) in Pane::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, p.title());
        if *p == m.pane {
            spans.push(Span::styled(format!("[{}]", label.trim()), t.selection));
        } else {
            spans.push(Span::styled(label, t.muted));
        }
        spans.push(Span::raw(" "));
    }
    let crumbs = breadcrumb(m);
    if !crumbs.is_empty() {
        spans.push(Span::styled(format!("› {crumbs}"), t.accent));
    }
    Line::from(spans).style(Style::new()).render(area, buf);
}

fn breadcrumb(m: &Model) -> String {
    m.stacks[m.pane.index()]
        .iter()
        .skip(1)
        .map(|v| match v {
            View::Function { name } => name.clone(),
            View::Services { cluster } => cluster.clone(),
            View::Tasks { service, .. } => service.clone(),
            View::Task { id, .. } => id.chars().take(12).collect(),
            View::Jobs { queue } => queue.clone(),
            View::Job { id, .. } => id.chars().take(8).collect(),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join(" › ")
}
