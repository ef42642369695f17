//! `:changes`: what changed in the window, newest first: when, whose, where,
//! what, who and where it was read; a suspect's change is marked, the
//! selected one (Enter opens its resource) highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::model::Model;
use crate::fmt::{escape_controls, truncate};
use crate::services::room::PaneCtx;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, cx: &PaneCtx) {
    let t = cx.theme;
    let w = area.width as usize;
    let changes: Vec<_> = m.data.changes_now().collect();
    let mut lines = Vec::new();
    // What could not be read comes first: without it, "nothing" would mean nothing happened.
    for e in &m.data.changes_unread {
        lines.push(Line::from(Span::styled(truncate(&unread_line(m, e), w), t.warn)));
    }
    if changes.is_empty() {
        lines.push(Line::from(Span::styled(
            format!(
                "Nothing changed in the last {} minutes that the services, CloudTrail or the alarm history say.",
                m.data.settings.window
            ),
            t.muted,
        )));
        Paragraph::new(lines).render(area, buf);
        return;
    }
    let suspects: Vec<_> = m.data.suspects().collect();
    let book = &m.data.settings.accounts;
    let several = book.several();
    let account_w = if several { 14 } else { 0 };
    let res_w = changes.iter().map(|c| c.resource.chars().count()).max().unwrap_or(8).clamp(8, 32);
    let head = format!(
        "{:<6} {}{:<14} {:<7} {:<res_w$} {:<27} {:<10} {}",
        "TIME",
        if several { format!("{:<account_w$} ", "ACCOUNT") } else { String::new() },
        "REGION",
        "SERVICE",
        "RESOURCE",
        "WHAT",
        "WHO",
        "SOURCE"
    );
    lines.push(Line::from(Span::styled(truncate(&head, w), t.header)));
    let room = (area.height as usize).saturating_sub(lines.len());
    let shown = if changes.len() > room { room.saturating_sub(1) } else { changes.len() };
    let cursor = m.ui.changes_cursor.min(changes.len() - 1);
    // The selected change stays in view: the list starts late enough to hold it.
    let first = (cursor + 1).saturating_sub(shown.max(1));
    for (i, c) in changes.iter().enumerate().skip(first).take(shown) {
        let suspect = suspects
            .iter()
            .any(|s| s.resource == c.resource && s.service == c.service && s.change.at == c.at && s.change.action == c.action);
        let account = if several {
            format!("{:<account_w$} ", truncate(book.name(&c.account), account_w))
        } else {
            String::new()
        };
        let what = if suspect { format!("{} (suspect)", c.action) } else { c.action.clone() };
        let text = format!(
            "{:<6} {account}{:<14} {:<7} {:<res_w$} {:<27} {:<10} {}",
            c.at.format("%H:%M"),
            truncate(&c.region, 14),
            c.service,
            truncate(&escape_controls(&c.resource), res_w),
            truncate(&what, 27),
            // The services' answers do not say who: unknown, not nobody.
            truncate(c.actor.as_deref().unwrap_or("-"), 10),
            c.source.word()
        );
        let style = if suspect { t.error } else { ratatui::style::Style::default() };
        let style = if i == cursor { style.patch(t.selection) } else { style };
        lines.push(Line::from(Span::styled(format!("{:<w$}", truncate(&text, w)), style)));
    }
    let older = changes.len() - first - shown.min(changes.len() - first);
    if shown < changes.len() {
        lines.push(Line::from(Span::styled(
            if first == 0 {
                format!("… {older} older changes (the snapshot lists them all)")
            } else {
                format!("… {first} newer, {older} older changes (the snapshot lists them all)")
            },
            t.muted,
        )));
    }
    Paragraph::new(lines).render(area, buf);
}

/// Why a part of what changed was not read, and what that leaves.
fn unread_line(m: &Model, e: &crate::services::msg::ApiError) -> String {
    let what = match e.operation.as_str() {
        "LookupEvents" => "CloudTrail not read",
        "DescribeAlarmHistory" => "alarm history not read",
        other => other,
    };
    let whose = if m.data.settings.accounts.several() {
        format!("{} {}", m.data.settings.accounts.name(&e.account), e.region)
    } else {
        e.region.clone()
    };
    let left = if e.operation == "LookupEvents" {
        ": changes are the services' own, without who made them"
    } else {
        ""
    };
    // What it leaves before AWS's words: a long message is what gets cut.
    format!("! {what} in {whose}{left} ({})", escape_controls(&e.message))
}
