//! Per-minute sparklines in a grid of halves, shared by the detail views:
//! every graph covers the whole window with one bucket size, and the legend
//! says what a bar is.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Sparkline, Widget};

use super::fit::{fit_spans, fit_text};
use crate::fmt::count;
use crate::series::Series;
use crate::theme::Theme;

/// One graph: its title, its series and its style.
pub struct Graph<'a> {
    pub title: &'a str,
    pub series: &'a Series,
    pub style: Style,
}

/// Rows of two graphs each under a one-line legend: 1 + 2 per row.
pub fn height(graphs: usize) -> u16 {
    1 + 2 * graphs.div_ceil(2) as u16
}

/// Draws `graphs` of per-minute data two to a row under a legend.
pub fn grid(buf: &mut Buffer, area: Rect, t: &Theme, graphs: &[Graph]) {
    rows_of(buf, area, t, graphs, None, 1);
}

/// Last week's same minutes under a graph.
#[derive(Debug, Clone, Copy)]
pub enum Week<'a> {
    /// Not read (or not a CloudWatch figure): the line stays empty.
    Unread,
    /// Nothing ran in last week's window.
    New,
    Series(&'a Series),
    /// One figure for last week's whole window where no minutes were read:
    /// its average minute (`avg`), or its newest point. Drawn as a flat
    /// line on the graph's scale; `wk avg 12` (`wk 12`) in the title.
    Flat { value: f64, avg: bool },
}

/// Rows of two graphs, each with last week's line under it: 1 + 3 per row.
pub fn height_with_week(graphs: usize) -> u16 {
    1 + 3 * graphs.div_ceil(2) as u16
}

/// `grid` with last week's same minutes under each graph (`weeks[i]` under
/// `graphs[i]`), dim and on the graph's scale, so the two compare bar by bar;
/// in an area shorter than `height_with_week`, last week's peak in the
/// titles only.
pub fn grid_weeks(buf: &mut Buffer, area: Rect, t: &Theme, graphs: &[Graph], weeks: &[Week]) {
    rows_of(buf, area, t, graphs, Some(weeks), 1);
}

/// `grid`, `grid_weeks` (with `weeks`), and a marker under every graph at
/// the minutes `marks` (indexes into the series): a change to the resource.
/// A blank bar there shows `MARK` in the warning colour; a bar keeps its
/// height, drawn reversed (the themes draw graphs in the accent colour, so a
/// colour alone would not show). `step` above 1: the series hold a minute a
/// slot of data published every `step` minutes (Lightsail's and EMR's
/// five-minute points, each repeated over its minutes), and the legend says
/// what the data is.
pub fn grid_marked(buf: &mut Buffer, area: Rect, t: &Theme, graphs: &[Graph], weeks: Option<&[Week]>, step: usize, marks: &[usize]) {
    let cells = rows_of(buf, area, t, graphs, weeks, step);
    for (graph, per) in cells {
        for bar in marker_bars(marks, graphs[0].series.0.len(), per) {
            let x = graph.x + bar as u16;
            if x >= graph.right() || graph.height == 0 {
                continue;
            }
            let y = graph.bottom() - 1;
            if let Some(cell) = buf.cell_mut((x, y)) {
                if cell.symbol() == " " {
                    cell.set_symbol(MARK);
                    cell.set_style(t.warn);
                } else {
                    cell.modifier.insert(ratatui::style::Modifier::REVERSED);
                }
            }
        }
    }
}

/// What marks a change on a sparkline where its bar is blank.
pub const MARK: &str = "│";

/// The bars (`per` minutes each) that hold the minutes `marks` of a series
/// of `minutes`, each once, in order.
pub fn marker_bars(marks: &[usize], minutes: usize, per: usize) -> Vec<usize> {
    let mut bars: Vec<usize> = marks.iter().filter(|m| **m < minutes).map(|m| m / per.max(1)).collect();
    bars.sort_unstable();
    bars.dedup();
    bars
}

/// The minute of a series starting at `start` (one a minute) that `at`
/// falls in, if inside its `minutes`.
pub fn minute_of(start: chrono::DateTime<chrono::Utc>, minutes: usize, at: chrono::DateTime<chrono::Utc>) -> Option<usize> {
    let i = (at - start).num_seconds().div_euclid(60);
    (at >= start && (i as usize) < minutes).then_some(i as usize)
}

/// Draws the grid; says where each graph's bars (this week's) went and the
/// minutes a bar.
fn rows_of(buf: &mut Buffer, area: Rect, t: &Theme, graphs: &[Graph], weeks: Option<&[Week]>, step: usize) -> Vec<(Rect, usize)> {
    let mut drawn = Vec::new();
    if area.height == 0 || graphs.is_empty() {
        return drawn;
    }
    let [legend, rest] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let lines = weeks.is_some() && area.height >= height_with_week(graphs.len());
    let tall = if lines { 3 } else { 2 };
    let rows = Layout::vertical(vec![Constraint::Length(tall); graphs.len().div_ceil(2)]).split(rest);
    let halves = |r: Rect| -> [Rect; 2] {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(r)
    };
    let [a, b] = halves(rows[0]);
    // One bucket size for every graph, from the narrower half: the legend
    // then says what each bar is, and every graph covers the whole window.
    let minutes = graphs[0].series.0.len();
    let per = bucket(minutes, a.width.min(b.width).saturating_sub(1) as usize);
    let mut legend_text = if step > 1 {
        // A bar is a slice of the window; each holds its point's value.
        format!(
            "{} data, last {minutes} min, a point every {step} min; \"now\" is the latest point",
            every(step)
        )
    } else {
        let bars = if per > 1 {
            format!("each bar the busiest minute of {per}")
        } else {
            "a bar a minute".to_string()
        };
        // The newest minute is still filling up: say so rather than let it read as a dip.
        format!("per minute, last {minutes} min, {bars}; \"now\" is the current, partial minute")
    };
    if lines {
        let flat = weeks.is_some_and(|w| w.iter().any(|w| matches!(w, Week::Flat { .. })));
        let more = if flat {
            "; dim under each: last week's figure, flat"
        } else {
            "; dim under each: the same minutes a week ago"
        };
        // The flat lines' words whole or not at all: the titles say "wk".
        let fits = legend_text.chars().count() + more.chars().count() <= legend.width as usize;
        if fits || !flat {
            legend_text.push_str(more);
        }
    }
    let text = fit_text(&legend_text, legend.width as usize);
    buf.set_stringn(legend.x, legend.y, text, legend.width as usize, t.muted);
    for (i, g) in graphs.iter().enumerate() {
        let Some(row) = rows.get(i / 2) else { break };
        let week = weeks.map(|w| w.get(i).copied().unwrap_or(Week::Unread));
        if let Some(graph) = spark(buf, halves(*row)[i % 2], t, g, per, week, lines) {
            drawn.push((graph, per));
        }
    }
    drawn
}

/// "five-minute" for 5.
fn every(step: usize) -> String {
    match step {
        5 => "five-minute".into(),
        n => format!("{n}-minute"),
    }
}

/// A sparkline titled with its latest and peak values. A percentage (its
/// title ends in `%`) is drawn on 0..100: a peak of 1% is a low bar, not a
/// full one. With `week`, last week's line goes under it, dim, on one scale.
fn spark(buf: &mut Buffer, area: Rect, t: &Theme, g: &Graph, per: usize, week: Option<Week>, lines: bool) -> Option<Rect> {
    if area.height == 0 {
        return None;
    }
    let s = g.series;
    let last = s.0.last().copied().unwrap_or(0.0) as f64;
    // One column short of the area so neighbouring titles never run together.
    let w = area.width.saturating_sub(1) as usize;
    let (peak, now, title) = (count(s.max()), count(last), g.title);
    let mut options = vec![
        format!("{title}  peak {peak}  now {now}"),
        format!("{title} peak {peak} now {now}"),
        format!("peak {peak} now {now}"),
        format!("peak {peak}"),
    ];
    // Last week's one figure, over as many minutes as this week's.
    let flat = match week {
        Some(Week::Flat { value, .. }) => Some(Series(vec![value as f32; s.0.len()])),
        _ => None,
    };
    let last_week = match week {
        Some(Week::Series(x)) => Some(x),
        _ => flat.as_ref(),
    };
    let wk = match week {
        Some(Week::Series(x)) => Some(format!("peak {}", count(x.max()))),
        Some(Week::New) => Some("new".to_string()),
        // Three significant digits: 0.05 errors a minute is not 0.
        Some(Week::Flat { value, avg: true }) => Some(format!("avg {}", crate::fmt::significant(value))),
        Some(Week::Flat { value, avg: false }) => Some(crate::fmt::significant(value)),
        _ => None,
    };
    if let Some(wk) = wk {
        options.insert(0, format!("{title}  peak {peak}  now {now}  wk {wk}"));
        options.insert(1, format!("{title} peak {peak} now {now} wk {wk}"));
    }
    let head = first_fitting(w, &options);
    buf.set_stringn(area.x, area.y, head, w, t.muted);
    let rows = if lines { 1 } else { area.height.saturating_sub(1) };
    let graph = Rect {
        y: area.y + 1,
        height: rows.min(area.height.saturating_sub(1)),
        width: area.width.saturating_sub(1),
        ..area
    };
    // Each bar the busiest minute of its bucket, so the peak drawn is the
    // peak in the title.
    let percent = g.title.trim_end().ends_with('%');
    // Last week drawn: both lines on one scale; else this week's alone.
    let drawn = last_week.filter(|_| lines);
    let small = s.max() < 10.0 && drawn.is_none_or(|x| x.max() < 10.0);
    let scale = if percent || small { 10.0 } else { 1.0 };
    let least = 1000u64.div_ceil(8 * graph.height.max(1) as u64);
    let bars_of = |x: &Series| -> Vec<u64> {
        let bars = x
            .as_sparkline(scale)
            .chunks(per.max(1))
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect::<Vec<u64>>();
        if percent {
            // On 0..100, a small share above zero is the lowest bar, never
            // blank (blank reads as nothing at all).
            bars.into_iter().map(|v| if v > 0 { v.max(least) } else { 0 }).collect()
        } else {
            bars
        }
    };
    let bars = bars_of(s);
    let mut week_bars = drawn.map(bars_of);
    // One scale for both weeks: a bar as tall as last week's is as many.
    let top = if percent {
        Some(1000)
    } else {
        week_bars
            .as_ref()
            .map(|wb| wb.iter().chain(&bars).copied().max().unwrap_or(0))
            .filter(|m| *m > 0)
    };
    let top = match (&mut week_bars, &flat) {
        // A flat figure above zero is at least the lowest bar: blank would
        // read as nothing last week.
        (Some(wb), Some(x)) if x.max() > 0.0 => {
            let top = top.unwrap_or(8);
            let lowest = top.div_ceil(8);
            wb.iter_mut().for_each(|v| *v = (*v).max(lowest));
            Some(top)
        }
        _ => top,
    };
    bar_line(&bars, g.style, top).render(graph, buf);
    let below = Rect {
        y: graph.y + graph.height,
        height: 1,
        ..graph
    };
    if !lines || below.y >= area.y + area.height {
        return Some(graph);
    }
    match (week, week_bars) {
        (Some(_), Some(wb)) => bar_line(&wb, t.muted, top).render(below, buf),
        (Some(Week::New), _) => {
            buf.set_stringn(below.x, below.y, fit_text("a week ago: nothing ran (new)", w), w, t.muted);
        }
        _ => {}
    }
    Some(graph)
}

/// A sparkline of `data`, on `0..top` when given (else its own peak).
fn bar_line(data: &[u64], style: Style, top: Option<u64>) -> Sparkline<'_> {
    let line = Sparkline::default().style(style).data(data);
    match top {
        Some(m) => line.max(m),
        None => line,
    }
}

/// Minutes per bar so that `minutes` fit in `width` bars.
pub fn bucket(minutes: usize, width: usize) -> usize {
    minutes.div_ceil(width.max(1)).max(1)
}

/// The first of `options` that fits `width`, else the last one cut to fit.
pub fn first_fitting(width: usize, options: &[String]) -> String {
    options
        .iter()
        .find(|o| Span::raw(o.as_str()).width() <= width)
        .cloned()
        .unwrap_or_else(|| fit_text(options.last().map_or("", String::as_str), width))
}

/// Lines fitted to `width`: numbers dropped whole, text elided.
pub fn fit_lines(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .map(|l| fit_spans(l.spans, width))
        .collect()
}

/// Width for a half's lines: a column short, so halves never run together.
pub fn half(area: Rect) -> usize {
    area.width.saturating_sub(1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(buf: &Buffer) -> Vec<String> {
        let a = buf.area;
        (a.y..a.y + a.height)
            .map(|y| (a.x..a.x + a.width).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect()
    }

    #[test]
    fn last_weeks_line_is_drawn_under_each_graph_on_its_scale() {
        let t = Theme::dark();
        let now = Series(vec![1.0, 2.0, 4.0, 8.0]);
        let week = Series(vec![8.0, 8.0, 8.0, 8.0]);
        let graphs = [
            Graph { title: "invocations", series: &now, style: t.sparkline },
            Graph { title: "errors", series: &now, style: t.error },
        ];
        let area = Rect::new(0, 0, 130, height_with_week(2));
        let mut buf = Buffer::empty(area);
        grid_weeks(&mut buf, area, &t, &graphs, &[Week::Series(&week), Week::New]);
        let l = lines(&buf);
        assert!(l[0].contains("a week ago"), "{l:?}");
        assert!(l[1].starts_with("invocations  peak 8  now 8  wk peak 8"), "{l:?}");
        // This week climbs to last week's level: the last bars are equal,
        // the first is an eighth of last week's (both on 0..8).
        let this: Vec<char> = l[2].chars().take(4).collect();
        let last: Vec<char> = l[3].chars().take(4).collect();
        assert_eq!(last, ['█'; 4], "{l:?}");
        assert_eq!(this[3], '█', "{l:?}");
        assert_eq!(this[0], '▁', "{l:?}");
        // Nothing last week: said, not drawn flat.
        assert!(l[3][l[3].find("a week ago").unwrap()..].starts_with("a week ago: nothing ran (new)"), "{l:?}");
    }

    #[test]
    fn last_weeks_one_figure_is_a_flat_line_and_in_the_title() {
        let t = Theme::dark();
        let now = Series(vec![0.0, 2.0, 4.0, 8.0]);
        let errors = Series(vec![0.0, 0.0, 9.0, 0.0]);
        let graphs = [
            Graph { title: "requests", series: &now, style: t.sparkline },
            Graph { title: "5XX", series: &errors, style: t.error },
        ];
        let area = Rect::new(0, 0, 130, height_with_week(2));
        let mut buf = Buffer::empty(area);
        let weeks = [Week::Flat { value: 4.0, avg: true }, Week::Flat { value: 0.05, avg: true }];
        grid_weeks(&mut buf, area, &t, &graphs, &weeks);
        let l = lines(&buf);
        assert!(l[0].trim_end().ends_with("; dim under each: last week's figure, flat"), "{l:?}");
        assert!(l[1].starts_with("requests  peak 8  now 8  wk avg 4"), "{l:?}");
        // Never rounded to a 0 that it is not.
        assert!(l[1][l[1].find("5XX").unwrap()..].starts_with("5XX  peak 9  now 0  wk avg 0.05"), "{l:?}");
        // Flat at half of this week's peak, on one scale.
        let week: Vec<char> = l[3].chars().take(4).collect();
        assert_eq!(week, ['▄'; 4], "{l:?}");
        assert_eq!(l[2].chars().nth(3), Some('█'), "{l:?}");
        // A tiny figure is the lowest bar, not blank.
        let tiny: Vec<char> = l[3].chars().skip(65).take(4).collect();
        assert_eq!(tiny, ['▁'; 4], "{l:?}");
        // Too short for the lines: the figure stays in the title.
        let short = Rect::new(0, 0, 130, height(2));
        let mut buf = Buffer::empty(short);
        grid_weeks(&mut buf, short, &t, &graphs, &weeks);
        let l = lines(&buf);
        assert!(l[1].starts_with("requests  peak 8  now 8  wk avg 4"), "{l:?}");
        assert!(!l[0].contains("a week ago"), "{l:?}");
    }

    #[test]
    fn a_short_area_keeps_last_weeks_peak_in_the_titles_only() {
        let t = Theme::dark();
        let now = Series(vec![1.0, 8.0]);
        let week = Series(vec![30.0, 2.0]);
        let graphs = [Graph { title: "invocations", series: &now, style: t.sparkline }];
        let area = Rect::new(0, 0, 100, height(1));
        let mut buf = Buffer::empty(area);
        grid_weeks(&mut buf, area, &t, &graphs, &[Week::Series(&week)]);
        let l = lines(&buf);
        assert!(!l[0].contains("a week ago"), "{l:?}");
        assert_eq!(l[1].trim_end(), "invocations  peak 8  now 8  wk peak 30");
        // This week's bars on their own scale, as without last week.
        assert_eq!(l[2].chars().nth(1), Some('█'), "{l:?}");
    }

    #[test]
    fn without_last_week_the_grid_is_as_before() {
        let t = Theme::dark();
        let now = Series(vec![1.0, 8.0]);
        let graphs = [Graph { title: "invocations", series: &now, style: t.sparkline }];
        let area = Rect::new(0, 0, 80, height(1));
        let mut buf = Buffer::empty(area);
        grid(&mut buf, area, &t, &graphs);
        let l = lines(&buf);
        assert!(!l[0].contains("a week ago"), "{l:?}");
        assert_eq!(l[1].trim_end(), "invocations  peak 8  now 8");
        assert_eq!(l[2].chars().nth(1), Some('█'), "{l:?}");
    }

    #[test]
    fn markers_fall_on_the_bar_of_their_minute() {
        // 60 minutes in 30 bars: two minutes a bar.
        assert_eq!(marker_bars(&[36, 0, 37, 59, 60, 75], 60, 2), vec![0, 18, 29]);
        assert_eq!(marker_bars(&[36], 60, 1), vec![36]);
        let start = chrono::DateTime::from_timestamp(1_800_000_000 - 1_800_000_000 % 60, 0).unwrap();
        let at = |s: i64| start + chrono::Duration::seconds(s);
        assert_eq!(minute_of(start, 60, at(36 * 60 + 59)), Some(36));
        assert_eq!(minute_of(start, 60, at(-1)), None);
        assert_eq!(minute_of(start, 60, at(60 * 60)), None);
    }

    #[test]
    fn a_marker_is_drawn_under_every_graph_at_its_minute() {
        use ratatui::style::Modifier;
        let t = Theme::monochrome();
        let quiet = Series(vec![0.0; 60]);
        let busy = Series(vec![5.0; 60]);
        let graphs = [
            Graph { title: "quiet", series: &quiet, style: t.sparkline },
            Graph { title: "busy", series: &busy, style: t.sparkline },
        ];
        // 80 wide: halves of 40, 39 bars, so two minutes a bar.
        let area = Rect::new(0, 0, 80, 3);
        let mut buf = Buffer::empty(area);
        grid_marked(&mut buf, area, &t, &graphs, None, 1, &[36]);
        let row: String = (0..80).map(|x| buf[(x, 2)].symbol().to_string()).collect();
        // The quiet graph's blank bar 18 holds the marker; the busy graph's
        // bar 18 (at 40 + 18) keeps its bar, reversed.
        assert_eq!(row.chars().nth(18), Some('│'), "{row:?}");
        assert_eq!(row.chars().filter(|c| *c == '│').count(), 1, "{row:?}");
        assert_ne!(buf[(58, 2)].symbol(), " ");
        assert!(buf[(58, 2)].modifier.contains(Modifier::REVERSED));
        assert!(!buf[(57, 2)].modifier.contains(Modifier::REVERSED));
        assert!(!buf[(18, 1)].modifier.contains(Modifier::REVERSED));
        // Without marks: nothing drawn there.
        let mut plain = Buffer::empty(area);
        grid(&mut plain, area, &t, &graphs);
        assert_eq!(plain[(18, 2)].symbol(), " ");
    }

    #[test]
    fn five_minute_data_is_marked_at_the_minute_of_its_change() {
        let t = Theme::monochrome();
        // 60 one-minute slots, quiet but for the five minutes from 40.
        let mut v = vec![0.0; 60];
        v[40..45].iter_mut().for_each(|x| *x = 3.0);
        let s = Series(v);
        let graphs = [Graph { title: "apps running", series: &s, style: t.sparkline }];
        // 130 wide: halves of 65, 64 bars, a minute a bar.
        let area = Rect::new(0, 0, 130, height(1));
        let mut buf = Buffer::empty(area);
        grid_marked(&mut buf, area, &t, &graphs, None, 5, &[12, 42]);
        let l = lines(&buf);
        assert!(l[0].starts_with("five-minute data, last 60 min, a point every 5 min"), "{l:?}");
        assert_eq!(l[2].chars().nth(12), Some('│'), "{l:?}");
        assert_ne!(buf[(42, 2)].symbol(), " ");
        assert!(buf[(42, 2)].modifier.contains(ratatui::style::Modifier::REVERSED));
        assert_eq!(l[2].chars().filter(|c| *c == '│').count(), 1, "{l:?}");
    }
}
