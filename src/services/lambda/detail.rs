//! One function: configuration, window totals, per-minute sparklines, the
//! latest cold starts or a live tail of its log.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Widget};

use super::LambdaState;
use crate::fmt::{count, ms, opt, pct};
use crate::series::Series;
use crate::services::msg::Tail;
use crate::services::room::PaneCtx;
use crate::theme::Theme;
use crate::widgets::{field, gone};

pub fn detail(buf: &mut Buffer, area: Rect, state: &LambdaState, cx: &PaneCtx, name: &str) {
    let t = cx.theme;
    let Some(f) = state.function(name) else {
        return gone(buf, area, t, name);
    };
    let s = &f.stats;
    let [top, sparks, recent] = Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Min(0),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let env = match f.env_var_count {
        0 => "none".to_string(),
        n => format!("{n} variables (never shown)"),
    };
    Paragraph::new(vec![
        field(
            t,
            "runtime",
            format!(
                "{} {}",
                f.runtime.as_deref().unwrap_or("container image"),
                f.architecture
            ),
        ),
        field(
            t,
            "memory",
            format!("{} MB, timeout {} s", f.memory_mb, f.timeout_s),
        ),
        field(
            t,
            "package",
            format!(
                "{}{}",
                f.package_type,
                if f.snap_start { ", SnapStart" } else { "" }
            ),
        ),
        field(
            t,
            "modified",
            f.last_modified
                .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
        ),
        field(t, "log group", f.log_group.clone()),
        field(t, "environment", env),
        field(t, "region", f.region.clone()),
    ])
    .render(left, buf);
    let cold = s.cold.as_ref();
    Paragraph::new(vec![
        field(
            t,
            "invocations",
            format!("{} in 60 min", opt(s.invocations, count)),
        ),
        Line::from(vec![
            Span::styled(format!("{:<14}", "errors"), t.muted),
            Span::styled(
                format!(
                    "{} ({}%)",
                    opt(s.errors, count),
                    opt(s.error_rate_pct(), pct)
                ),
                if s.errors.unwrap_or(0.0) > 0.0 {
                    t.error
                } else {
                    t.ok
                },
            ),
        ]),
        field(t, "throttles", opt(s.throttles, count)),
        field(
            t,
            "duration ms",
            format!(
                "avg {} p99 {} max {}",
                opt(s.duration_avg_ms, ms),
                opt(s.duration_p99_ms, ms),
                opt(s.duration_max_ms, ms)
            ),
        ),
        field(
            t,
            "concurrency",
            format!("max {}", opt(s.concurrent_max, count)),
        ),
        field(
            t,
            "cold starts",
            match cold {
                Some(c) => format!(
                    "{} ({}%){}",
                    c.count,
                    opt(c.rate_pct(), pct),
                    if c.spike { " ▲ spike" } else { "" }
                ),
                None => "-".into(),
            },
        ),
        field(
            t,
            "init ms",
            format!(
                "p50 {} max {}",
                opt(cold.and_then(|c| c.init_p50_ms), ms),
                opt(cold.and_then(|c| c.init_max_ms), ms)
            ),
        ),
    ])
    .render(right, buf);
    if let Some(series) = &s.series {
        let [legend, sparks] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(sparks);
        // The newest minute is still filling up: say so rather than let it read as a dip.
        let minutes = series.invocations.0.len();
        buf.set_stringn(
            legend.x,
            legend.y,
            format!("per minute, last {minutes} min; \"now\" is the current, partial minute"),
            legend.width as usize,
            t.muted,
        );
        let rows = Layout::vertical([Constraint::Length(2); 4]).split(sparks);
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(rows[0]);
        let [c, d] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(rows[1]);
        spark(buf, a, t, "invocations", &series.invocations, t.sparkline);
        spark(buf, b, t, "errors", &series.errors, t.error);
        spark(
            buf,
            c,
            t,
            "avg duration ms",
            &series.duration_avg_ms,
            t.sparkline,
        );
        spark(buf, d, t, "cold starts", &series.cold_starts, t.warn);
        let [e, _] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(rows[2]);
        spark(
            buf,
            e,
            t,
            "max duration ms",
            &series.duration_max_ms,
            t.sparkline,
        );
    }
    if s.series.is_none() {
        // Histories are fetched for the rows on screen; this one is on its way.
        buf.set_stringn(
            sparks.x,
            sparks.y,
            "per-minute history: loading…",
            sparks.width as usize,
            t.muted,
        );
    }
    if let Some(tail) = cx.tail.filter(|x| x.function == f.name) {
        return tail_panel(buf, recent, t, tail);
    }
    let mut lines = vec![Line::from(vec![
        Span::styled("Last cold starts", t.title),
        Span::styled("  (t: live tail)", t.muted),
    ])];
    match cold {
        Some(c) if !c.recent.is_empty() => {
            for e in &c.recent {
                lines.push(Line::from(vec![
                    Span::styled(e.at.format("%H:%M:%S ").to_string(), t.muted),
                    Span::raw(format!(
                        "{:>9} ms {} ",
                        ms(e.init_ms),
                        if e.restore { "restore" } else { "init   " }
                    )),
                    Span::styled(e.request_id.clone(), t.muted),
                ]));
            }
        }
        _ => lines.push(Line::from(Span::styled("none in the window", t.muted))),
    }
    Paragraph::new(lines).render(recent, buf);
}

/// The live tail: newest lines at the bottom, cold starts and errors marked.
fn tail_panel(buf: &mut Buffer, area: Rect, t: &Theme, tail: &Tail) {
    if area.height == 0 {
        return;
    }
    let status = match &tail.ended {
        Some(why) => Span::styled(format!("  ended: {why}"), t.error),
        None if tail.lines.is_empty() => {
            Span::styled("  waiting for log events…".to_string(), t.muted)
        }
        None => Span::styled(format!("  {} lines", tail.lines.len()), t.muted),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("Live tail (t stops)", t.title),
        status,
    ])];
    let room = area.height.saturating_sub(1) as usize;
    let skip = tail.lines.len().saturating_sub(room);
    for l in tail.lines.iter().skip(skip) {
        let (mark, style) = if l.cold {
            ("* cold ", t.warn)
        } else if l.error {
            ("! ", t.error)
        } else {
            ("", ratatui::style::Style::new())
        };
        let text: String = l
            .text
            .replace('\t', " ")
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        lines.push(Line::from(vec![
            Span::styled(l.at.format("%H:%M:%S ").to_string(), t.muted),
            Span::styled(format!("{mark}{text}"), style),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

/// A 60-minute sparkline titled with its latest and peak values.
fn spark(
    buf: &mut Buffer,
    area: Rect,
    t: &Theme,
    title: &str,
    s: &Series,
    style: ratatui::style::Style,
) {
    if area.height == 0 {
        return;
    }
    let last = s.0.last().copied().unwrap_or(0.0) as f64;
    let head = format!("{title}  peak {}  now {}", count(s.max()), count(last));
    // One column short of the area so neighbouring titles never run together.
    buf.set_stringn(
        area.x,
        area.y,
        head,
        area.width.saturating_sub(1) as usize,
        t.muted,
    );
    let graph = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    // Keep the newest minutes when the terminal is narrower than the window.
    let data = s.as_sparkline(if s.max() < 10.0 { 10.0 } else { 1.0 });
    let start = data.len().saturating_sub(graph.width as usize);
    Sparkline::default()
        .data(&data[start..])
        .style(style)
        .render(graph, buf);
}
