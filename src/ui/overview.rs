//! Overview: one totals line per room, then every room's lists of
//! offenders, two to a row (more on a wide terminal), in registry order; as many items as fit, the
//! selected one highlighted (Enter opens it).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::model::Model;
use crate::services::room::{ListKind, OverviewList, PaneCtx};
use crate::theme::Theme;
use crate::widgets::fit::{fit_fields, fit_spans};

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, cx: &PaneCtx) {
    let t = cx.theme;
    let mut pages = crate::app::overview::pages(m);
    let count = pages.len();
    let page = crate::app::overview::page(m, &pages);
    let lists_on = |p: &crate::app::overview::Page| -> usize {
        p.rooms.iter().map(|(_, ls)| ls.len()).sum::<usize>() + p.across.len()
    };
    let before: usize = pages[..page].iter().map(lists_on).sum();
    let after: usize = pages[page + 1..].iter().map(lists_on).sum();
    let crate::app::overview::Page { rooms, across, heights } = pages.swap_remove(page);
    // A room not read yet shows `-` and why, never a zero it did not count.
    let lines: Vec<Line> = rooms
        .iter()
        .map(|(k, _)| {
            let (loaded, _, err) = m.data.status(*k);
            let line = if loaded {
                k.room().overview(&m.data.feeds, cx)
            } else {
                let why = match err {
                    Some(e) => Span::styled(
                        format!("-  not read: {}: {}", e.operation, e.message),
                        t.error,
                    ),
                    None => Span::styled("-  loading…", t.muted),
                };
                Line::from(vec![
                    // At least one space: "Lightsail" is longer than the column.
                    Span::styled(format!("{:<7} ", k.label()), t.title),
                    why,
                ])
            };
            fit_fields(line.spans, area.width as usize)
        })
        .collect();
    let mut lines = lines;
    if let Some(line) = cost_line(m, t) {
        lines.push(fit_fields(line.spans, area.width as usize));
    }
    if let Some(line) = bill_line(m, t) {
        lines.push(fit_fields(line.spans, area.width as usize));
    }
    // What a room says of its figure (Lambda's free tier), a line each.
    for (k, c) in &m.data.burn.by_service {
        if let Some(note) = &c.note {
            let line = vec![
                Span::raw(format!("{:<8}", "")),
                Span::styled(format!("{} {note}", k.room().badge()), t.muted),
            ];
            lines.push(fit_fields(line, area.width as usize));
        }
    }
    // The suspect, when there is one, in the blank line above the lists:
    // what they hold stays where it was.
    let blank = match suspect_line(m, t) {
        Some(line) => {
            lines.push(fit_spans(line.spans, area.width as usize));
            0
        }
        None => 1,
    };
    let [totals, lists_area] = Layout::vertical([
        Constraint::Length(lines.len() as u16 + blank),
        Constraint::Min(0),
    ])
    .areas(area);
    Paragraph::new(lines).render(totals, buf);
    let lists: Vec<(&OverviewList, bool)> = rooms
        .iter()
        .flat_map(|(k, ls)| {
            let read = m.data.status(*k).0;
            ls.iter().map(move |l| (l, read))
        })
        .chain(across.iter().map(|(l, read)| (l, *read)))
        .collect();
    let mut rows: Vec<Constraint> = heights
        .iter()
        .map(|h| Constraint::Length(*h as u16))
        .collect();
    if count > 1 {
        // What the other pages hold, and how to get there.
        rows.push(Constraint::Min(1));
    }
    let row_areas = Layout::vertical(rows).split(lists_area);
    if count > 1 {
        let text = match (before, after) {
            (0, a) => format!("+{a} lists: j/k or PgDn"),
            (b, 0) => format!("+{b} lists above: PgUp"),
            (b, a) => format!("+{a} lists below, +{b} above: PgDn, PgUp"),
        };
        if let Some(r) = row_areas.last() {
            let at = Rect {
                y: r.y + r.height.saturating_sub(1),
                height: 1.min(r.height),
                ..*r
            };
            Paragraph::new(fit_spans(
                vec![Span::styled(text, t.accent)],
                at.width as usize,
            ))
            .render(at, buf);
        }
    }
    let n = crate::app::overview::per_row(m.ui.width);
    let mut index = crate::app::overview::first_item(m, page);
    for (i, (l, read)) in lists.iter().enumerate() {
        let cells =
            Layout::horizontal(vec![Constraint::Ratio(1, n as u32); n]).split(row_areas[i / n]);
        draw_list(
            buf,
            cells[i % n],
            t,
            l,
            *read,
            m.ui.overview_cursor.checked_sub(index),
        );
        index += l.items.len();
    }
}

/// One list; `selected` counts from its first item.
fn draw_list(
    buf: &mut Buffer,
    area: Rect,
    t: &Theme,
    l: &OverviewList,
    read: bool,
    selected: Option<usize>,
) {
    // One column short of the half so neighbouring lists never run together.
    let width = area.width.saturating_sub(1) as usize;
    let mut lines = vec![Line::from(Span::styled(l.title.to_string(), t.title))];
    if !read {
        lines.push(Line::from(Span::styled("  -", t.muted)));
    } else if l.items.is_empty() {
        lines.push(Line::from(Span::styled("  none", t.ok)));
    }
    for (n, item) in l.items.iter().enumerate() {
        let spans = match l.kind {
            ListKind::Values(tone) => vec![
                Span::styled(
                    format!("  {:>7} ", item.what),
                    crate::widgets::style(t, tone),
                ),
                Span::raw(item.name.clone()),
            ],
            ListKind::Flags => vec![
                Span::styled("  ! ", t.error),
                Span::raw(format!("{} ", item.name)),
                Span::styled(item.what.clone(), t.warn),
            ],
        };
        let mut line = fit_spans(spans, width);
        if selected == Some(n) {
            line = line.style(t.selection);
        }
        lines.push(line);
    }
    Paragraph::new(lines).render(area, buf);
}

/// What the bill says (`--actuals`), beside the estimate above it: the
/// same units, so the two can be compared at a glance.
fn bill_line(m: &Model, t: &Theme) -> Option<Line<'static>> {
    use crate::cost::money::usd;
    let head = Span::styled(format!("{:<8}", "Bill"), t.title);
    match m.data.actuals.as_ref()? {
        Err(why) => Some(Line::from(vec![
            head,
            Span::styled(format!("? {}", crate::fmt::escape_controls(&why.to_string())), t.warn),
        ])),
        Ok(a) => {
            let mut spans = vec![
                head,
                Span::styled(format!("yesterday {} (≈{}/h)", usd(a.yesterday_usd), usd(a.yesterday_usd / 24.0)), t.accent),
            ];
            if let Some(mtd) = a.month_to_date_usd {
                spans.push(Span::raw(format!("  month so far {}", usd(mtd))));
            }
            spans.push(Span::styled(
                format!("  Cost Explorer, read {}", a.read_at.format("%H:%M")),
                t.muted,
            ));
            Some(Line::from(spans))
        }
    }
}

/// The account's estimated burn, room by room.
fn cost_line(m: &Model, t: &Theme) -> Option<Line<'static>> {
    use crate::cost::money::{usd, usd_hour};
    let b = &m.data.burn;
    if b.priced == 0 {
        let why = b.why.as_deref()?;
        return Some(Line::from(vec![
            Span::styled(format!("{:<8}", "Cost"), t.title),
            Span::styled(format!("? {why}"), t.warn),
        ]));
    }
    let mut spans = vec![
        Span::styled(format!("{:<8}", "Cost"), t.title),
        Span::styled(
            format!(
                "≈{} ≈{}/mo list price",
                usd_hour(b.per_hour),
                usd(b.per_hour * crate::cost::HOURS_PER_MONTH)
            ),
            t.accent,
        ),
    ];
    if b.unpriced > 0 {
        spans.push(Span::styled(
            format!(" + {} not priced", b.unpriced),
            t.warn,
        ));
    }
    for (k, c) in &b.by_service {
        let figure = c.figure().map(usd_hour).unwrap_or_else(|| "?".into());
        spans.push(Span::raw(format!("  {} {figure}", k.room().badge())));
    }
    Some(Line::from(spans))
}

/// The newest suspect: what rose, from what to what, since which change
/// (docs/changes.md); the others are in `:changes`.
fn suspect_line(m: &Model, t: &Theme) -> Option<Line<'static>> {
    let mut all = m.data.suspects();
    let s = all.next()?;
    let more = all.count();
    let what = match s.metric.as_str() {
        "error_rate_pct" => "error rate",
        other => other,
    };
    let unit = if s.metric.ends_with("_pct") { "%" } else { "" };
    let by = s.change.actor.as_deref().map(|a| format!(" by {}", crate::fmt::escape_controls(a))).unwrap_or_default();
    let mut spans = vec![
        Span::styled(format!("{:<8}", "Suspect"), t.title),
        Span::styled(
            format!(
                "{} {what} {}{unit} → {}{unit} since {}{by} at {}",
                crate::fmt::escape_controls(&s.resource),
                crate::fmt::significant(s.before),
                crate::fmt::significant(s.after),
                s.change.action,
                s.change.at.format("%H:%M"),
            ),
            t.error,
        ),
    ];
    if more > 0 {
        // Short enough to fit beside the suspect at 80 columns.
        spans.push(Span::styled(format!(" · +{more} in :changes"), t.muted));
    } else {
        spans.push(Span::styled(" · :changes".to_string(), t.muted));
    }
    Some(Line::from(spans))
}
