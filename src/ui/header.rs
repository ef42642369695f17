//! The header line (who, where, how fresh) and the pane tabs.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Widget;

use crate::app::model::{Model, Pane, View};
use crate::fmt::age;
use crate::services::ServiceKind;
use crate::theme::Theme;
use crate::widgets::fit::fit_spans;

pub fn draw(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let mut spans = vec![
        Span::styled(" awstop ", t.header),
        Span::styled(format!(" {} ", m.data.source.badge()), t.badge),
        Span::raw(" "),
    ];
    // A replay says first when it is showing, how fast, and whether the file can be trusted.
    if let Some(r) = &m.ui.replay {
        if r.broken {
            spans.push(Span::styled(" BROKEN CHAIN ", t.error));
            spans.push(Span::raw(" "));
        }
        if r.unsigned {
            spans.push(Span::styled(" UNSIGNED ", t.error));
            spans.push(Span::raw(" "));
        } else if r.position > r.verified {
            spans.push(Span::styled(" UNVERIFIED ", t.error));
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
    let a = &m.data.account;
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
    let api = &m.data.api;
    if m.ui.replay.is_none() {
        spans.push(Span::styled(" │ ", t.muted));
        // A rate from the first seconds would be the startup burst
        // extrapolated: until a minute has passed, the calls so far.
        let total: u64 = api.calls.values().sum();
        let warmed = match (api.samples.front(), api.samples.back()) {
            (Some((first, _, _)), Some((last, _, _))) => (*last - *first).num_seconds() >= 60,
            _ => false,
        };
        spans.push(Span::raw(if warmed || total == 0 {
            format!("{:.0} calls/min", api.calls_per_min)
        } else {
            format!("{total} calls")
        }));
    }
    if m.ui.replay.is_none() && m.data.source == crate::app::model::SourceLabel::Live {
        // What the next hour of watching costs at this view, from the
        // pollers' schedules; what was spent so far beside it.
        let watch = crate::services::account_cost::watching_usd_per_hour(
            &m.data.feeds,
            &m.data.settings,
            crate::app::update::on_screen_rows(m),
        );
        let spent = api.metrics_requested as f64 * crate::pricing::USD_PER_METRIC
            + crate::pricing::logs_usd(api.logs_bytes_scanned);
        spans.push(Span::styled(
            format!(" watch ${watch:.3}/h spent ${spent:.3}"),
            t.muted,
        ));
    }
    // What the watched compute burns, beside what watching it costs; placed
    // once the rest of the line is known, in the form that fits.
    let burn_at = spans.len();
    // Slow answers explain growing ages before anything fails.
    if let Some((svc, ms)) = api
        .latency_ms
        .iter()
        .filter(|(_, ms)| **ms >= crate::app::model::SLOW_MS)
        .max_by_key(|(_, ms)| **ms)
    {
        spans.push(Span::styled(
            format!(" ~slow {svc} {:.1}s", *ms as f64 / 1000.0),
            t.warn,
        ));
    }
    if api.logs_bytes_scanned > 0 && m.data.source != crate::app::model::SourceLabel::Live {
        let usd = crate::pricing::logs_usd(api.logs_bytes_scanned);
        spans.push(Span::styled(format!(" logs ${usd:.4}"), t.muted));
    }
    // The ages come last: they change every ten seconds, and what follows a
    // changed width is redrawn; over a slow link those bytes count.
    spans.push(Span::styled(" │", t.muted));
    let (full, compact) = ages(m, t);
    let used: usize = spans
        .iter()
        .chain(&full)
        .map(|s| s.content.chars().count())
        .sum();
    // Every room's age when the line has room for them; else the failing
    // rooms by name and the oldest age of the rest, so no age is cut.
    spans.extend(if used <= area.width as usize {
        full
    } else {
        compact
    });
    if let Some(e) = &m.data.account_error {
        spans.push(Span::styled(
            format!(" ! {}: {}", e.operation, e.message),
            t.error,
        ));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if let Some(b) = burn(m, area.width as usize - used.min(area.width as usize)) {
        spans.insert(burn_at, Span::styled(b, t.accent));
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
    fit_spans(spans, area.width as usize).render(area, buf);
}

/// The data ages: one per room, and the same said in fewer columns.
fn ages(m: &Model, t: &Theme) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
    let mut full = Vec::new();
    let mut compact = Vec::new();
    let mut oldest: Option<chrono::Duration> = None;
    let mut loading = 0;
    for s in ServiceKind::ALL {
        let (_, at, err) = m.data.status(*s);
        full.push(Span::raw(format!(" {} ", s.room().badge())));
        let age_of = |at: chrono::DateTime<chrono::Utc>| m.data.now - at;
        match (at, err) {
            (_, Some(_)) => {
                let text = format!(
                    "!{}",
                    at.map(|at| age(age_of(at))).unwrap_or_else(|| "err".into())
                );
                full.push(Span::styled(text.clone(), t.error));
                compact.push(Span::raw(format!(" {} ", s.room().badge())));
                compact.push(Span::styled(text, t.error));
            }
            (Some(at), None) => {
                full.push(Span::raw(age(age_of(at))));
                oldest = Some(oldest.map_or(age_of(at), |o| o.max(age_of(at))));
            }
            (None, None) => {
                full.push(Span::styled("…", t.muted));
                loading += 1;
            }
        }
    }
    let others = if compact.is_empty() { "all" } else { "rest" };
    if let Some(o) = oldest {
        compact.push(Span::raw(format!(" {others} ≤{}", age(o))));
    }
    if loading > 0 {
        compact.push(Span::styled(format!(" {loading} loading"), t.muted));
    }
    (full, compact)
}

pub fn tabs(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let line = |short: bool| {
        let mut spans = Vec::new();
        for (i, p) in Pane::all().enumerate() {
            let title = if short { p.short() } else { p.title() };
            let label = format!(" {} {title} ", i + 1);
            if p == m.ui.pane {
                spans.push(Span::styled(format!("[{}]", label.trim()), t.selection));
            } else {
                spans.push(Span::styled(label, t.muted));
            }
            spans.push(Span::raw(if short { "" } else { " " }));
        }
        spans
    };
    // Every tab named in full where that fits, else by its badge: no tab is cut.
    let full = line(false);
    let width: usize = full.iter().map(|s| s.content.chars().count()).sum();
    let mut spans = if width <= area.width as usize {
        full
    } else {
        line(true)
    };
    let crumbs = breadcrumb(m);
    if !crumbs.is_empty() {
        spans.push(Span::styled(format!("› {crumbs}"), t.accent));
    }
    fit_spans(spans, area.width as usize)
        .style(Style::new())
        .render(area, buf);
}

fn breadcrumb(m: &Model) -> String {
    m.ui.stacks
        .get(&m.ui.pane)
        .map(|s| {
            s.iter()
                .skip(1)
                .map(|v| match v {
                    View::Room(r) => r.kind().room().crumb(r),
                    View::Overview => String::new(),
                })
                .collect::<Vec<_>>()
                .join(" › ")
        })
        .unwrap_or_default()
}

/// " burn ≈$1.23/h ≈$898/mo", or the hourly figure alone when that is all
/// that fits; `+` when some resources could not be priced (the sum is a floor).
fn burn(m: &Model, room: usize) -> Option<String> {
    let b = &m.data.burn;
    if b.priced == 0 {
        // Resources but no price for any of them: say so, never $0.
        // (Usage not read yet is not "no price": then nothing is said.)
        return (b.why.is_some() && room >= 8).then(|| " burn ?".to_string());
    }
    let floor = if b.unpriced > 0 || b.partly_priced > 0 {
        "+"
    } else {
        ""
    };
    let hour = crate::cost::money::usd_hour(b.per_hour);
    let month = crate::cost::money::usd(b.per_hour * crate::cost::HOURS_PER_MONTH);
    [
        format!(" burn ≈{hour}{floor} ≈{month}/mo{floor}"),
        format!(" burn ≈{hour}{floor}"),
        format!(" ≈{hour}{floor}"),
    ]
    .into_iter()
    .find(|s| s.chars().count() <= room)
}
