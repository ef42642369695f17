//! One function: configuration, window totals, per-minute sparklines, the
//! latest cold starts or a live tail of its log.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, Widget};

use super::LambdaState;
use crate::fmt::{count, ms, opt, pct};
use crate::series::Series;
use crate::services::room::PaneCtx;
use crate::theme::Theme;
use crate::widgets::fit::{fit_spans, fit_text};
use crate::widgets::{field, gone};

pub fn detail(buf: &mut Buffer, area: Rect, state: &LambdaState, cx: &PaneCtx, name: &str) {
    let t = cx.theme;
    let Some(f) = state.function(name) else {
        return gone(buf, area, t, name);
    };
    let s = &f.stats;
    let tail = cx.tail.filter(|x| x.function == f.name);
    // A live tail takes the room of the sparklines: its lines are what the user opened it for.
    let sparks_h = if tail.is_some() { 0 } else { 9 };
    let [top, sparks, recent] = Layout::vertical([
        Constraint::Length(7),
        Constraint::Length(sparks_h),
        Constraint::Min(0),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let env = match f.env_var_count {
        0 => "none".to_string(),
        n => format!("{n} variables (never shown)"),
    };
    Paragraph::new(fit_lines(vec![
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
    ], half(left)))
    .render(left, buf);
    let cold = s.cold.as_ref();
    let w = half(right);
    // Shorter numbers before fewer numbers: "avg 39.9k" keeps the max in view.
    let durations = first_fitting(
        w.saturating_sub(14),
        &[
            format!(
                "avg {} {} {} max {}",
                opt(s.duration_avg_ms, ms),
                cx.settings.percentile,
                opt(s.duration_pct_ms, ms),
                opt(s.duration_max_ms, ms)
            ),
            format!(
                "avg {} {} {} max {}",
                opt(s.duration_avg_ms, ms_short),
                cx.settings.percentile,
                opt(s.duration_pct_ms, ms_short),
                opt(s.duration_max_ms, ms_short)
            ),
            format!(
                "avg {} max {}",
                opt(s.duration_avg_ms, ms_short),
                opt(s.duration_max_ms, ms_short)
            ),
        ],
    );
    Paragraph::new(fit_lines(vec![
        field(
            t,
            "invocations",
            format!("{} in {} min", opt(s.invocations, count), cx.settings.window),
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
        field(t, "duration ms", durations),
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
    ], w))
    .render(right, buf);
    if let Some(series) = s.series.as_ref().filter(|_| sparks.height > 0) {
        let [legend, sparks] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(sparks);
        let rows = Layout::vertical([Constraint::Length(2); 4]).split(sparks);
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(rows[0]);
        let [c, d] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(rows[1]);
        let [e, _] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(rows[2]);
        // One bucket size for every graph, from the narrower half: the legend
        // then says what each bar is, and every graph covers the whole window.
        let minutes = series.invocations.0.len();
        let per = bucket(minutes, a.width.min(b.width).saturating_sub(1) as usize);
        let bars = if per > 1 {
            format!("each bar the busiest minute of {per}")
        } else {
            "a bar a minute".to_string()
        };
        // The newest minute is still filling up: say so rather than let it read as a dip.
        let text = fit_text(
            &format!("per minute, last {minutes} min, {bars}; \"now\" is the current, partial minute"),
            legend.width as usize,
        );
        buf.set_stringn(legend.x, legend.y, text, legend.width as usize, t.muted);
        spark(buf, a, t, "invocations", &series.invocations, t.sparkline, per);
        spark(buf, b, t, "errors", &series.errors, t.error, per);
        spark(
            buf,
            c,
            t,
            "avg duration ms",
            &series.duration_avg_ms,
            t.sparkline,
            per,
        );
        spark(buf, d, t, "cold starts", &series.cold_starts, t.warn, per);
        spark(
            buf,
            e,
            t,
            "max duration ms",
            &series.duration_max_ms,
            t.sparkline,
            per,
        );
    }
    if s.series.is_none() && sparks.height > 0 {
        // Histories are fetched for the rows on screen; this one is on its way.
        buf.set_stringn(
            sparks.x,
            sparks.y,
            "per-minute history: loading…",
            sparks.width as usize,
            t.muted,
        );
    }
    if let Some(tail) = tail {
        return super::tail_view::draw(buf, recent, t, tail, cx.tail_scroll);
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

/// A 60-minute sparkline titled with its latest and peak values.
fn spark(
    buf: &mut Buffer,
    area: Rect,
    t: &Theme,
    title: &str,
    s: &Series,
    style: ratatui::style::Style,
    per: usize,
) {
    if area.height == 0 {
        return;
    }
    let last = s.0.last().copied().unwrap_or(0.0) as f64;
    // One column short of the area so neighbouring titles never run together.
    let w = area.width.saturating_sub(1) as usize;
    let (peak, now) = (count(s.max()), count(last));
    let head = first_fitting(
        w,
        &[
            format!("{title}  peak {peak}  now {now}"),
            format!("{title} peak {peak} now {now}"),
            format!("peak {peak} now {now}"),
            format!("peak {peak}"),
        ],
    );
    buf.set_stringn(area.x, area.y, head, w, t.muted);
    let graph = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        width: area.width.saturating_sub(1),
        ..area
    };
    // The whole window in the width: each bar the busiest minute of its
    // bucket, so the peak drawn is the peak in the title.
    let data = s.as_sparkline(if s.max() < 10.0 { 10.0 } else { 1.0 });
    let bars: Vec<u64> = data
        .chunks(per.max(1))
        .map(|c| c.iter().copied().max().unwrap_or(0))
        .collect();
    Sparkline::default().data(&bars).style(style).render(graph, buf);
}

/// Minutes per bar so that `minutes` fit in `width` bars.
pub fn bucket(minutes: usize, width: usize) -> usize {
    minutes.div_ceil(width.max(1)).max(1)
}

/// Width for a half's lines: a column short, so halves never run together.
fn half(area: Rect) -> usize {
    area.width.saturating_sub(1) as usize
}

fn fit_lines(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    lines.into_iter().map(|l| fit_spans(l.spans, width)).collect()
}

/// The first of `options` that fits `width`, else the last one cut to fit.
fn first_fitting(width: usize, options: &[String]) -> String {
    options
        .iter()
        .find(|o| Span::raw(o.as_str()).width() <= width)
        .cloned()
        .unwrap_or_else(|| fit_text(options.last().map_or("", String::as_str), width))
}

/// Milliseconds in at most five characters: 39862 is "39.9k".
fn ms_short(v: f64) -> String {
    if v >= 10_000.0 {
        count(v)
    } else {
        ms(v)
    }
}
