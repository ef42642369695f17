//! One function: configuration, window totals, per-minute sparklines, the
//! latest cold starts or a live tail of its log.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::LambdaState;
use crate::fmt::{count, ms, opt, pct};
use crate::services::room::PaneCtx;
use crate::widgets::spark::{first_fitting, fit_lines, grid_marked, half, minute_of, Graph, Week, MARK};
use crate::widgets::scroll::Row;
use crate::widgets::{field, gone};

/// The graphs under the figures.
const GRAPHS: usize = 5;
/// Lines kept for the triggers and cold starts under the graphs.
const MIN_BELOW: u16 = 6;

pub fn detail(buf: &mut Buffer, area: Rect, state: &LambdaState, cx: &PaneCtx, at: &crate::scope::Scope, name: &str) {
    let t = cx.theme;
    let Some(f) = state.function(at, name) else {
        return gone(buf, area, t, name);
    };
    let s = &f.stats;
    let changes = {
        use crate::scope::Scoped;
        cx.changes_to(<super::Lambda as crate::services::Room>::INFO.name, f.account(), &f.region, &f.name)
    };
    let tail = cx.tail.filter(|x| x.key == f.name && crate::scope::Scoped::in_scope(f, &x.at));
    // A live tail takes the room of the sparklines: its lines are what the user opened it for.
    // The legend and three rows of two graphs, each with last week's line
    // under it once that is read.
    let week = s.week_series.as_deref().zip(s.week_ago.as_ref());
    // Last week's lines only where the triggers and cold starts below keep
    // some room; else last week's peaks in the graphs' titles.
    let with_week = crate::widgets::spark::height_with_week(GRAPHS);
    let sparks_h = match (tail, week) {
        (Some(_), _) => 0,
        (None, Some(_)) if area.height >= 8 + with_week + MIN_BELOW => with_week,
        (None, _) => crate::widgets::spark::height(GRAPHS),
    };
    let [top, sparks, recent] = Layout::vertical([
        Constraint::Length(8),
        Constraint::Length(sparks_h),
        Constraint::Min(0),
    ])
    .areas(area);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
    let env = match f.config.env_var_count {
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
                f.config.package_type,
                if f.config.snap_start { ", SnapStart" } else { "" }
            ),
        ),
        field(
            t,
            "modified",
            f.config.last_modified
                .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_default(),
        ),
        field(t, "log group", f.config.log_group.clone()),
        field(t, "environment", env),
        field(t, "region", f.region.clone()),
        field(t, "cost", cost(f, cx, half(left).saturating_sub(14))),
    ], half(left)))
    .render(left, buf);
    let cold = s.cold.as_ref();
    let w = half(right);
    let chosen = cx.settings.rooms.get::<super::Percentile>().0;
    // Shorter numbers before fewer numbers: "avg 39.9k" keeps the max in view.
    let durations = first_fitting(
        w.saturating_sub(14),
        &[
            format!(
                "avg {} {} {} max {}",
                opt(s.duration_avg_ms, ms),
                chosen,
                opt(s.duration_pct_ms, ms),
                opt(s.duration_max_ms, ms)
            ),
            format!(
                "avg {} {} {} max {}",
                opt(s.duration_avg_ms, ms_short),
                chosen,
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
        match super::cost::timeout_risk(f) {
            Some(risk) => Line::from(vec![
                Span::styled(format!("{:<14}", "timeout"), t.muted),
                Span::styled(format!("! {risk}"), t.warn),
            ]),
            None => field(
                t,
                "timeout",
                first_fitting(w.saturating_sub(14), &[
                    format!("{} s, slowest call {} ms", f.timeout_s, opt(s.duration_max_ms, ms)),
                    format!("{} s, slowest {}", f.timeout_s, opt(s.duration_max_ms, ms_short)),
                    format!("{} s", f.timeout_s),
                ]),
            ),
        },
    ], w))
    .render(right, buf);
    if let Some(series) = s.series.as_ref().filter(|_| sparks.height > 0) {
        let g = |title, series, style| Graph { title, series, style };
        let minutes = series.invocations.0.len();
        let marks: Vec<usize> = series
            .start
            .map(|start| changes.iter().filter_map(|c| minute_of(start, minutes, c.at)).collect())
            .unwrap_or_default();
        let graphs = [
            g("invocations", &series.invocations, t.sparkline),
            g("errors", &series.errors, t.error),
            g("avg duration ms", &series.duration_avg_ms, t.sparkline),
            g("cold starts", &series.cold_starts, t.warn),
            g("max duration ms", &series.duration_max_ms, t.sparkline),
        ];
        // Nothing ran last week: every line says "new" rather than flat.
        let weeks = week.map(|(w, sums)| {
            let line = |x| if sums.invocations > 0.0 { Week::Series(x) } else { Week::New };
            [
                line(&w.invocations),
                line(&w.errors),
                line(&w.duration_avg_ms),
                // From this week's logs only: no line a week ago.
                Week::Unread,
                line(&w.duration_max_ms),
            ]
        });
        grid_marked(buf, sparks, t, &graphs, weeks.as_ref().map(|w| &w[..]), 1, &marks);
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
    // The triggers get the room the cold starts' title and a line leave,
    // packed side by side where a line each does not fit; the two lists
    // scroll together (j/k) where they are longer than their room.
    let room = (recent.height as usize).saturating_sub(2).max(1);
    let triggers = trigger_lines(f, t);
    let triggers = if triggers.len() <= room {
        triggers
    } else {
        pack_triggers(triggers, usize::MAX, recent.width as usize, t)
    };
    // The changes first, right under the graphs they are marked on.
    let mut rows = change_rows(&changes, t);
    rows.extend(
        triggers
            .into_iter()
            .enumerate()
            .map(|(i, l)| if i == 0 { Row::heading(l) } else { Row::line(l) }),
    );
    rows.push(Row::heading(vec![
        Span::styled("Last cold starts", t.title),
        Span::styled("  (t: live tail)", t.muted),
    ]));
    match cold {
        Some(c) if !c.recent.is_empty() => {
            for e in &c.recent {
                rows.push(Row::line(vec![
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
        _ => rows.push(Row::line(Span::styled("none in the window", t.muted))),
    }
    crate::widgets::scroll::draw(buf, recent, rows, false, cx);
}

/// The changes to the resource in the window (newest first): time, what,
/// who; none, no lines.
fn change_rows<'a>(changes: &[&crate::changes::Change], t: &crate::theme::Theme) -> Vec<Row<'a>> {
    if changes.is_empty() {
        return Vec::new();
    }
    let mut rows = vec![Row::heading(vec![
        Span::styled("Changes", t.title),
        Span::styled(format!("  ({MARK} on the graphs)"), t.muted),
    ])];
    for c in changes {
        rows.push(Row::line(vec![
            Span::styled(c.at.format("%H:%M:%S ").to_string(), t.muted),
            Span::styled(format!("{:<28} ", c.action), t.warn),
            // The services' answers do not say who: unknown, not nobody.
            Span::raw(crate::fmt::escape_controls(c.actor.as_deref().unwrap_or("-"))),
            Span::styled(format!("  {}", c.source.word()), t.muted),
        ]));
    }
    rows
}

/// The short name of a source: the queue, stream, table, bucket or rule.
fn short_source(arn: &str) -> &str {
    // The resource is everything after the fifth colon: a DynamoDB stream's
    // label is a timestamp with colons of its own.
    let tail = if arn.starts_with("arn:") { arn.splitn(6, ':').nth(5).unwrap_or(arn) } else { arn };
    match tail.split('/').collect::<Vec<_>>().as_slice() {
        ["stream", name] | ["rule", name] => name,
        ["table", name, ..] => name,
        _ => tail,
    }
}

/// What invokes the function: its mappings, the API routes in front of it,
/// and what its resource policy allows (read when the detail opened).
fn trigger_lines(f: &super::Function, t: &crate::theme::Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled("Triggers", t.title))];
    let row = |kind: &str, what: String| format!("  {kind:<10}{what}");
    match &f.mappings {
        None => lines.push(Line::from(Span::styled(row("mappings", "not read".into()), t.muted))),
        Some(ms) => {
            for m in ms {
                let mut what = format!("{}  {}", short_source(&m.source), m.state);
                if let Some(b) = m.batch_size {
                    what.push_str(&format!("  batch {b}"));
                }
                if let Some(r) = &m.last_result {
                    what.push_str(&format!("  last {r}"));
                }
                let style = if m.bad().is_some() { t.error } else { t.ok };
                let mark = if m.bad().is_some() { "!" } else { "" };
                lines.push(Line::from(Span::styled(row(&format!("{mark}{}", m.kind), what), style)));
            }
        }
    }
    for r in &f.api_routes {
        lines.push(Line::from(Span::raw(row("api", format!("{}  {}", r.api, r.route)))));
    }
    match &f.invokers {
        None => lines.push(Line::from(Span::styled(row("policy", "reading…".into()), t.muted))),
        Some(v) => {
            for i in v.iter().filter(|i| i.kind != "apigateway" || f.api_routes.is_empty()) {
                let what = i.source.as_deref().map(short_source).unwrap_or(&i.principal).to_string();
                lines.push(Line::from(Span::raw(row(&i.kind, what))));
            }
        }
    }
    if lines.len() == 1 {
        lines.push(Line::from(Span::styled("  none", t.muted)));
    }
    lines
}

/// The triggers block (a title and a line each) in at most `room` lines of
/// `width`: as it is when it fits, else the entries one after another, and
/// "+N more" for those that still do not fit. The detail packs them with no
/// limit and scrolls instead; this bounded form keeps the packing tested.
#[cfg(test)]
fn fit_triggers(lines: Vec<Line<'static>>, room: usize, width: usize, t: &crate::theme::Theme) -> Vec<Line<'static>> {
    if lines.len() <= room || width < 24 {
        return lines.into_iter().take(room.max(1)).collect();
    }
    pack_triggers(lines, room, width, t)
}

/// The triggers' entries one after another in at most `room` lines, the
/// last saying how many are left out; a line each where too narrow to pack.
fn pack_triggers(lines: Vec<Line<'static>>, room: usize, width: usize, t: &crate::theme::Theme) -> Vec<Line<'static>> {
    if width < 24 {
        return lines;
    }
    let items: Vec<(String, ratatui::style::Style)> = lines[1..]
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let style = l.spans.first().map(|s| s.style).unwrap_or_default();
            (crate::widgets::fit::fit_text(&text, width - 12), style)
        })
        .collect();
    let mut out = Vec::new();
    let mut cur = vec![Span::styled("Triggers  ", t.title)];
    let mut used = 10;
    let mut first_on_line = true;
    for (k, (text, style)) in items.iter().enumerate() {
        let left = items.len() - k;
        let sep = if first_on_line { 0 } else { 3 };
        let more = format!(" +{} more", left - 1);
        let reserve = if out.len() + 1 == room && left > 1 { more.chars().count() + 3 } else { 0 };
        if used + sep + text.chars().count() + reserve > width {
            if out.len() + 1 >= room {
                let sep = if first_on_line { " " } else { " · " };
                cur.push(Span::styled(format!("{sep}+{left} more"), t.muted));
                out.push(Line::from(cur));
                return out;
            }
            out.push(Line::from(std::mem::take(&mut cur)));
            cur = vec![Span::raw("  ")];
            used = 2;
            first_on_line = true;
        }
        if !first_on_line {
            cur.push(Span::styled(" · ", t.muted));
            used += 3;
        }
        cur.push(Span::styled(text.clone(), *style));
        used += text.chars().count();
        first_on_line = false;
    }
    out.push(Line::from(cur));
    out
}

/// The window's cost first (what the user is looking at), then the month,
/// then what was counted, as much as `width` holds.
fn cost(f: &super::Function, cx: &PaneCtx, width: usize) -> String {
    use crate::cost::money::usd;
    let e = super::cost::estimate(f, &cx.settings.prices, cx.settings.window);
    match &e {
        crate::cost::Estimate::Usd { window: Some(w), .. } => {
            let (w, month, win) = (usd(*w), usd(e.per_month().unwrap_or(0.0)), cx.settings.window);
            let figures = format!("{w} in {win} min, ≈{month}/mo");
            // The basis elided is still worth its room when a few words of it fit.
            if width >= figures.chars().count() + 24 {
                return crate::widgets::fit::fit_text(&format!("{figures} · {}", e.basis()), width);
            }
            first_fitting(width, &[
                format!("{w} in {win} min, ≈{month}/mo · {}", e.basis()),
                format!("{w} in {win} min, ≈{month}/mo"),
                format!("{w}/{win}m ≈{month}/mo"),
                format!("≈{month}/mo"),
            ])
        }
        _ => e.describe(),
    }
}

/// Milliseconds in at most five characters: 39862 is "39.9k".
fn ms_short(v: f64) -> String {
    if v >= 10_000.0 {
        count(v)
    } else {
        ms(v)
    }
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn sources_are_named_by_their_resource() {
        assert_eq!(short_source("arn:aws:dynamodb:us-east-1:1:table/orders/stream/2026-06-01T00:00:00.000"), "orders");
        assert_eq!(short_source("arn:aws:kinesis:us-east-1:1:stream/clickstream"), "clickstream");
        assert_eq!(short_source("arn:aws:sqs:us-east-1:1:jobs"), "jobs");
        assert_eq!(short_source("arn:aws:s3:::uploads"), "uploads");
        assert_eq!(short_source("arn:aws:events:us-east-1:1:rule/nightly"), "nightly");
        assert_eq!(short_source("b-1.kafka.local:9092"), "b-1.kafka.local:9092");
    }

    #[test]
    fn triggers_that_do_not_fit_are_packed_and_counted() {
        let t = crate::theme::Theme::dark();
        let mut lines = vec![Line::from("Triggers")];
        for r in ["GET /orders", "GET /orders/{id}", "POST /orders", "DELETE /orders/{id}", "PUT /orders/{id}"] {
            lines.push(Line::from(format!("  api       orders  {r}")));
        }
        let text = |v: &[Line]| v.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        // Room for all: as they are.
        assert_eq!(fit_triggers(lines.clone(), 6, 80, &t).len(), 6);
        // One line of 60: as many as fit, then how many are left out.
        let one = text(&fit_triggers(lines.clone(), 1, 60, &t));
        assert_eq!(one.len(), 1);
        assert!(one[0].starts_with("Triggers  api orders GET /orders · "), "{one:?}");
        assert!(one[0].ends_with(" more") && one[0].chars().count() <= 60, "{one:?}");
        let shown = one[0].matches("api orders").count();
        assert!(one[0].contains(&format!("+{} more", 5 - shown)), "{one:?}");
        // Two lines: more of them, every one either shown or counted.
        let two = text(&fit_triggers(lines, 2, 60, &t));
        assert_eq!(two.len(), 2);
        let shown2: usize = two.iter().map(|l| l.matches("api orders").count()).sum();
        let counted: usize = two[1].rsplit('+').next().and_then(|r| r.split(' ').next()?.parse().ok()).unwrap_or(0);
        assert!(shown2 > shown && shown2 + counted == 5, "{two:?}");
        assert!(two.iter().all(|l| l.chars().count() <= 60), "{two:?}");
    }

    #[test]
    fn triggers_packed_without_a_limit_are_all_shown() {
        let t = crate::theme::Theme::dark();
        let mut lines = vec![Line::from("Triggers")];
        for i in 0..12 {
            lines.push(Line::from(format!("  api       orders  GET /orders/{i}")));
        }
        let packed: Vec<String> = pack_triggers(lines, usize::MAX, 60, &t).iter().map(|l| l.to_string()).collect();
        assert!(packed.len() > 1 && packed.len() < 12, "{packed:?}");
        for i in 0..12 {
            assert!(packed.iter().any(|l| l.contains(&format!("GET /orders/{i} ")) || l.ends_with(&format!("GET /orders/{i}"))), "{i}: {packed:?}");
        }
        assert!(!packed.iter().any(|l| l.contains("more")), "{packed:?}");
        assert!(packed.iter().all(|l| l.chars().count() <= 60), "{packed:?}");
    }
}
