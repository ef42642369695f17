//! Lines that fit their width without lying: a number is never cut (a cut
//! "291350" reads as "29"); words are dropped from the end instead, and only
//! text (a name, a reason) is elided, with `…`.

use ratatui::text::{Line, Span};

/// A word that reads as a number: `291350`, `12.3k`, `!24`, `(0.24%)`, `40s`,
/// `≈$336/mo`, `<$0.01`, `+3`, `×726`.
pub fn numeric(word: &str) -> bool {
    let core =
        word.trim_start_matches(['!', '▲', '~', '(', '$', '-', '≈', '<', '>', '+', '×', '#']);
    core.chars().next().is_some_and(|c| c.is_ascii_digit())
}

fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// `s` cut to `w` columns with `…`, on char boundaries.
fn elide(s: &str, w: usize) -> String {
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

/// Splits into words and the spaces between them, in order.
fn pieces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut space = None;
    for (i, c) in s.char_indices() {
        let is_space = c == ' ';
        if space != Some(is_space) {
            if i > start {
                out.push(&s[start..i]);
            }
            start = i;
            space = Some(is_space);
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// One word or run of spaces, with its span's style.
type Piece = (String, ratatui::style::Style);

/// The spans' words and spaces, each with its span's style.
fn styled_pieces(spans: &[Span<'_>]) -> Vec<Piece> {
    spans
        .iter()
        .flat_map(|s| {
            pieces(&s.content)
                .into_iter()
                .map(|p| (p.to_string(), s.style))
        })
        .collect()
}

fn is_space(p: &Piece) -> bool {
    p.0.starts_with(' ')
}

/// A separator between fields (`·`, `,`, `;`, `|`, `/`): left dangling when what
/// followed it was dropped.
fn separator(p: &Piece) -> bool {
    !p.0.is_empty() && p.0.chars().all(|c| "·,;|/–—".contains(c))
}

/// The spans, cut at a word boundary to fit `max` columns. A number is never
/// cut, and neither is the word after it (its unit: "18.2k throttl…" reads as
/// a figure cut short): the number goes with it.
pub fn fit_spans<'a>(spans: Vec<Span<'a>>, max: usize) -> Line<'a> {
    let total: usize = spans.iter().map(|s| s.width()).sum();
    if total <= max {
        return Line::from(spans);
    }
    if max == 0 {
        return Line::default();
    }
    let all = styled_pieces(&spans);
    // Something is cut: one column is kept for the `…` that says so.
    let budget = max - 1;
    let mut kept: Vec<Piece> = Vec::new();
    let mut used = 0;
    let mut rest = all.into_iter();
    let mut cut = None;
    for p in rest.by_ref() {
        let w = width(&p.0);
        if used + w <= budget {
            used += w;
            kept.push(p);
        } else {
            cut = Some(p);
            break;
        }
    }
    let Some(next) = cut else {
        return join(kept);
    };
    let text = |p: &Piece| !is_space(p) && !numeric(&p.0);
    // A number closed by punctuation ("3;", "(0.10%)", "2h05m,") has no unit
    // after it.
    let last_is_number = |k: &[Piece]| {
        k.last().is_some_and(|p| {
            !is_space(p)
                && numeric(&p.0)
                && p.0.ends_with(|c: char| c.is_alphanumeric() || c == '%')
        })
    };
    // The word left off one space after a number is its unit: both go.
    let unit = if is_space(&next) {
        next.0 == " " && last_is_number(&kept) && rest.next().is_some_and(|p| text(&p))
    } else {
        text(&next)
            && kept.last().is_some_and(|p| p.0 == " ")
            && last_is_number(&kept[..kept.len() - 1])
    };
    let mut unit_dropped = false;
    if unit {
        while kept.last().is_some_and(is_space) {
            kept.pop();
        }
        kept.pop();
        unit_dropped = true;
    } else if !is_space(&next) && !numeric(&next.0) && budget > used {
        // Text may be elided; a number never is.
        kept.push((elide(&next.0, budget - used + 1), next.1));
        return join(kept);
    }
    if unit_dropped {
        while kept.last().is_some_and(|p| is_space(p) || separator(p)) {
            kept.pop();
        }
        // "idle 2h05m," less what followed the comma.
        if let Some(last) = kept.last_mut() {
            let trimmed = last.0.trim_end_matches([',', ';']).len();
            last.0.truncate(trimmed);
        }
    }
    // "…" right after a number would read as a number cut short: there the
    // fields are just left off.
    let ends_in_number = kept.last().is_some_and(|p| !is_space(p) && numeric(&p.0));
    if kept.is_empty() || !ends_in_number {
        let style = kept.last().map_or(next.1, |p| p.1);
        kept.push(("…".into(), style));
    }
    join(kept)
}

/// Adjacent pieces of one style back into spans.
fn join<'a>(pieces: Vec<Piece>) -> Line<'a> {
    let mut out: Vec<Span<'a>> = Vec::new();
    for (text, style) in pieces {
        match out.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(&text),
            _ => out.push(Span::styled(text, style)),
        }
    }
    Line::from(out)
}

/// Fields (runs of text between double spaces, or after `,` or `;`) that fit
/// `max` columns, whole: a summary line drops its last fields rather than
/// cut one. A first field too wide for the line is fitted word by word.
pub fn fit_fields<'a>(spans: Vec<Span<'a>>, max: usize) -> Line<'a> {
    let total: usize = spans.iter().map(|s| s.width()).sum();
    if total <= max {
        return Line::from(spans);
    }
    let all = styled_pieces(&spans);
    let mut kept: Vec<Piece> = Vec::new();
    let mut field: Vec<Piece> = Vec::new();
    let mut used = 0;
    let w = |f: &[Piece]| f.iter().map(|p| width(&p.0)).sum::<usize>();
    for p in all {
        let after_stop = field
            .last()
            .is_some_and(|q: &Piece| q.0.ends_with([',', ';']));
        let boundary = is_space(&p) && (p.0.len() >= 2 || after_stop);
        field.push(p);
        if boundary {
            // The field fits without its trailing spaces.
            let text = w(&field[..field.len() - 1]);
            if used + text > max {
                break;
            }
            used += w(&field);
            kept.append(&mut field);
        }
    }
    if !field.is_empty() && used + w(&field) <= max {
        kept.append(&mut field);
    }
    if kept.iter().all(is_space) {
        return fit_spans(spans, max);
    }
    while kept.last().is_some_and(is_space) {
        kept.pop();
    }
    if let Some(last) = kept.last_mut() {
        let trimmed = last.0.trim_end_matches([',', ';']).len();
        last.0.truncate(trimmed);
    }
    join(kept)
}

/// `fit_spans` for one plain string.
pub fn fit_text(s: &str, max: usize) -> String {
    fit_spans(vec![Span::raw(s.to_string())], max)
        .spans
        .iter()
        .map(|s| s.content.as_ref())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_dropped_whole_and_text_is_elided() {
        assert_eq!(
            fit_text("avg 39862 p99 67861 max 291350", 24),
            "avg 39862 p99 67861 max…"
        );
        assert_eq!(
            fit_text("avg 39862 p99 67861 max 291350", 29),
            "avg 39862 p99 67861 max …"
        );
        assert_eq!(
            fit_text("log group /aws/lambda/report-builder", 20),
            "log group /aws/lamb…"
        );
        assert_eq!(fit_text("short", 10), "short");
        assert_eq!(fit_text("291350", 3), "…");
        assert!(numeric("!24") && numeric("(0.24%)") && numeric("12.3k") && !numeric("fn-0042"));
        for w in 0..40 {
            let s = fit_text("peak 291.4k  now 137.7  errors 12", w);
            assert!(width(&s) <= w, "{w}: {s}");
            for word in s.split(' ') {
                assert!(!(numeric(word) && word.ends_with('…')), "{w}: {s}");
            }
        }
    }

    #[test]
    fn a_figure_keeps_its_unit_or_goes_whole() {
        // Prices read as numbers: never elided into "≈$33…".
        assert!(numeric("≈$336/mo") && numeric("<$0.01") && numeric("×726"));
        let ce = "spot-ce  SPOT  vCPU 0/32/256  ≈$336/mo";
        for w in 0..ce.chars().count() {
            let s = fit_text(ce, w);
            assert!(!s.contains("≈$33…") && !s.contains("$3…"), "{w}: {s}");
        }
        // The word after a number is its unit: both go, with the separator.
        assert_eq!(
            fit_text("cost ≈$1.5k/mo ($2.059/h) · 1 spot group", 30),
            "cost ≈$1.5k/mo ($2.059/h)"
        );
        assert_eq!(fit_text("947 errors  18.2k throttles", 25), "947 errors…");
        // A number closed by punctuation has no unit to lose.
        assert!(
            fit_text("busiest minute of 3; \"now\" is", 24).starts_with("busiest minute of 3; ")
        );
        for w in 0..40 {
            let s = fit_text("40 functions  945.7k invocations  18.2k throttles", w);
            assert!(!s.contains("throttl…") && !s.contains("invoc…"), "{w}: {s}");
        }
    }

    #[test]
    fn fields_go_whole() {
        let line = "ECS     3 clusters  12 services  2 unhealthy  26 tasks running";
        let fit = |w| {
            fit_fields(vec![Span::raw(line)], w)
                .spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert_eq!(fit(60), "ECS     3 clusters  12 services  2 unhealthy");
        assert_eq!(fit(80), line);
        for w in 0..70 {
            let s = fit(w);
            assert!(width(&s) <= w, "{w}: {s}");
            assert!(line.starts_with(&s) || s.ends_with('…'), "{w}: {s}");
        }
    }
}
