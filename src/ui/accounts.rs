//! `:accounts`: one line per account watched: whether it is read, how it
//! was named, its regions, how many resources it shows, and why it fails.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::model::Model;
use crate::fmt::truncate;
use crate::services::room::PaneCtx;

/// Each account's resources, by its key, over every room's top-level lists.
pub fn resources(m: &Model) -> std::collections::HashMap<String, usize> {
    let mut n = std::collections::HashMap::new();
    let cx = m.data.settings.cells(m.data.now);
    for k in crate::services::ServiceKind::ALL {
        for key in k.room().accounts_of_rows(&m.data.feeds, &cx) {
            *n.entry(key).or_insert(0) += 1;
        }
    }
    n
}

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, cx: &PaneCtx) {
    let t = cx.theme;
    let book = &m.data.settings.accounts;
    let w = area.width as usize;
    let mut lines = Vec::new();
    if book.accounts.is_empty() {
        lines.push(Line::from(Span::styled(
            "One account: name several with --profile a,b, --org-role ROLE or [[accounts]] in the config.",
            t.muted,
        )));
        Paragraph::new(lines).render(area, buf);
        return;
    }
    let counts = resources(m);
    let name_w = book.accounts.iter().map(|a| a.name.chars().count()).max().unwrap_or(4).clamp(7, 24);
    let head = format!("{:<name_w$} {:<12} {:<8} {:<9} {:>9}  {}", "ACCOUNT", "ID", "HOW", "STATUS", "RESOURCES", "REGIONS / WHY");
    lines.push(Line::from(Span::styled(truncate(&head, w), t.header)));
    for a in &book.accounts {
        let how = serde_json::to_value(a.how)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let (status, style) = match &a.error {
            Some(_) => ("failing", t.error),
            None => ("ok", t.ok),
        };
        let resources = match &a.error {
            // Not read: no count, never 0.
            Some(_) => "-".to_string(),
            None => counts.get(&a.key).copied().unwrap_or(0).to_string(),
        };
        let left = format!(
            "{:<name_w$} {:<12} {:<8} ",
            truncate(&a.name, name_w),
            a.id.as_deref().unwrap_or("?"),
            how
        );
        let right = match &a.error {
            Some(e) => crate::fmt::escape_controls(e),
            None => a.regions.join(","),
        };
        let used = left.chars().count() + 9 + 1 + 9 + 2;
        lines.push(Line::from(vec![
            Span::raw(truncate(&left, w)),
            Span::styled(format!("{status:<9} "), style),
            Span::raw(format!("{resources:>9}  ")),
            Span::styled(truncate(&right, w.saturating_sub(used)), if a.error.is_some() { t.error } else { t.muted }),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}
