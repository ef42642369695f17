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
    // Columns kept for what changes width from one refresh to the next (the
    // call rate, the ages, the burn), so the line's shape is decided by the
    // terminal's width alone and does not flap minute to minute.
    let mut reserve = 0;
    let a = &m.data.account;
    let book = &m.data.settings.accounts;
    if book.several() {
        // Many accounts: how many, and how many cannot be read (`:accounts` says why).
        spans.push(Span::styled(format!("{} accounts", book.accounts.len()), t.accent));
        let failing = book.failing();
        if failing > 0 {
            spans.push(Span::styled(format!(" · {failing} failing"), t.error));
        }
        // Whose metrics come through a monitoring account, not their own role.
        let oam = book.through_oam();
        if oam > 0 {
            spans.push(Span::styled(format!(" · {oam} via OAM"), t.muted));
        }
        spans.push(Span::raw(" "));
    } else if let Some(id) = &a.id {
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
        let calls = if warmed || total == 0 {
            format!("{:.0} calls/min", api.calls_per_min)
        } else {
            format!("{total} calls")
        };
        reserve += CALLS_WIDTH.saturating_sub(calls.chars().count());
        spans.push(Span::raw(calls));
    }
    if m.ui.replay.is_none() && m.data.source == crate::app::model::SourceLabel::Live {
        // What the next hour of watching costs at this view, from the
        // pollers' schedules; what was spent so far beside it.
        let watch = crate::services::account_cost::watching_usd_per_hour(
            &m.data.feeds,
            &m.data.settings,
            m.on_screen_rows(),
        );
        let spent = api.metrics_requested as f64 * crate::pricing::USD_PER_METRIC
            + crate::pricing::logs_usd(api.logs_bytes_scanned);
        let text = format!(" watch ${watch:.3}/h spent ${spent:.3}");
        reserve += WATCH_WIDTH.saturating_sub(text.chars().count());
        spans.push(Span::styled(text, t.muted));
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
    let ((full, full_w), (compact, compact_w)) = ages(m, t);
    let mut tail = Vec::new();
    if let Some(e) = &m.data.account_error {
        tail.push(Span::styled(
            format!(" ! {}: {}", e.operation, e.message),
            t.error,
        ));
    }
    let who = a
        .caller_arn
        .as_deref()
        .and_then(|arn| arn.splitn(6, ':').nth(5))
        .map(|who| format!("{who} "));
    let width = |s: &[Span]| s.iter().map(|s| s.content.chars().count()).sum::<usize>();
    let base = width(&spans) + reserve + width(&tail);
    let who_w = who.as_deref().map_or(0, |w| w.chars().count());
    let forms = burn_forms(m);
    // From the most said to the least: the caller goes first, then the
    // ages by room, then the burn's month, and the burn rate last.
    let has = |i: usize| forms.get(i).is_some();
    let shapes = [
        (Some(0), true, true),
        (Some(0), true, false),
        (Some(0), false, false),
        (Some(1), false, false),
        (Some(2), false, false),
        (None, false, false),
    ];
    let fits = |(b, full_ages, caller): (Option<usize>, bool, bool)| {
        let burn_w = b.map_or(0, |i| forms[i].1);
        let ages_w = if full_ages { full_w } else { compact_w };
        let caller_w = if caller { who_w } else { 0 };
        base + burn_w + ages_w + caller_w <= area.width as usize
    };
    let (b, full_ages, caller) = shapes
        .into_iter()
        .filter(|(b, _, caller)| b.is_none_or(has) && (!caller || who.is_some()))
        .find(|s| fits(*s))
        .unwrap_or((None, false, false));
    spans.extend(if full_ages { full } else { compact });
    spans.extend(tail);
    if let Some(i) = b {
        spans.insert(burn_at, Span::styled(forms[i].0.clone(), t.accent));
    }
    if caller {
        if let Some(who) = who {
            spans.insert(caller_at, Span::styled(who, t.muted));
        }
    }
    fit_spans(spans, area.width as usize).render(area, buf);
}

/// The data ages: one per room, and the same said in fewer columns.
/// Each with the columns it may take as the ages grow.
fn ages(m: &Model, t: &Theme) -> ((Vec<Span<'static>>, usize), (Vec<Span<'static>>, usize)) {
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
    // Badge, age; badge, age...: an age takes up to FULL_AGE_WIDTH.
    let w = |s: &Span| s.content.chars().count();
    let pairs = |spans: &[Span]| -> usize {
        spans
            .chunks(2)
            .map(|c| {
                c.iter()
                    .map(w)
                    .sum::<usize>()
                    .max(w(&c[0]) + FULL_AGE_WIDTH)
            })
            .sum()
    };
    let full_w = pairs(&full);
    let failing = compact.len() - usize::from(oldest.is_some()) - usize::from(loading > 0);
    let loading_w = if loading > 0 {
        compact.last().map_or(0, w)
    } else {
        0
    };
    let oldest_w = if oldest.is_some() {
        format!(" {others} ≤").chars().count() + FULL_AGE_WIDTH
    } else {
        0
    };
    let compact_w = pairs(&compact[..failing]) + oldest_w + loading_w;
    ((full, full_w), (compact, compact_w))
}

pub fn tabs(buf: &mut Buffer, area: Rect, m: &Model, t: &Theme) {
    let line = |short: bool| {
        let mut spans = Vec::new();
        for (i, p) in Pane::all().enumerate() {
            let title = if short { p.short() } else { p.title() };
            // Only 1–9 are keys: a pane past them is named without a number.
            let label = if i < 9 { format!(" {} {title} ", i + 1) } else { format!(" {title} ") };
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
                    View::Room(r) => r.kind().room().crumb(&m.data.feeds, r),
                    View::Overview | View::Accounts | View::Changes => String::new(),
                })
                .collect::<Vec<_>>()
                .join(" › ")
        })
        .unwrap_or_default()
}

/// What the call rate takes at most ("999 calls/min"): the header keeps
/// that much, whatever the rate now.
const CALLS_WIDTH: usize = 13;
/// " watch $0.000/h spent $12.345", likewise.
const WATCH_WIDTH: usize = 30;
/// A room's age at its widest ("40s", "59m", "23h").
const FULL_AGE_WIDTH: usize = 3;

/// The burn, from the most said to the least, each with the columns it
/// may take at any rate: " burn ≈$1.23/h ≈$898/mo", " burn ≈$1.23/h",
/// " ≈$1.23/h"; `+` when some resources could not be priced (the sum is a
/// floor). Empty while there is nothing to say.
fn burn_forms(m: &Model) -> Vec<(String, usize)> {
    let b = &m.data.burn;
    if b.priced == 0 {
        // Resources but no price for any of them: say so, never $0.
        // (Usage not read yet is not "no price": then nothing is said.)
        return b
            .why
            .as_ref()
            .map(|_| (" burn ?".to_string(), 7))
            .into_iter()
            .collect();
    }
    let floor = if b.unpriced > 0 || b.partly_priced > 0 {
        "+"
    } else {
        ""
    };
    let f = floor.len();
    let hour = crate::cost::money::usd_hour(b.per_hour);
    let month = crate::cost::money::usd(b.per_hour * crate::cost::HOURS_PER_MONTH);
    // A rate is at most 8 columns ("$0.048/h", "$999k/h"), a month 6.
    [
        (
            format!(" burn ≈{hour}{floor} ≈{month}/mo{floor}"),
            26 + 2 * f,
        ),
        (format!(" burn ≈{hour}{floor}"), 15 + f),
        (format!(" ≈{hour}{floor}"), 10 + f),
    ]
    .into_iter()
    .map(|(s, w)| {
        let n = s.chars().count();
        (s, w.max(n))
    })
    .collect()
}
