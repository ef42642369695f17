//! Lines that fit their width without lying: a number is never cut (a cut
//! "291350" reads as "29"); words are dropped from the end instead, and only
//! text (a name, a reason) is elided, with `…`.

use ratatui::text::{Line, Span};

/// A word that reads as a number: `291350`, `12.3k`, `!24`, `(0.24%)`, `40s`.
pub fn numeric(word: &str) -> bool {
    let core = word.trim_start_matches(['!', '▲', '~', '(', '$', '-']);
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

/// Whether the text kept so far ends in a number.
fn ends_in_number(done: &[Span<'_>], kept: &str) -> bool {
    let mut tail = String::new();
    for s in done {
        tail.push_str(&s.content);
    }
    tail.push_str(kept);
    !tail.ends_with(' ') && tail.rsplit(' ').next().is_some_and(numeric)
}

/// The spans, cut at a word boundary to fit `max` columns.
pub fn fit_spans<'a>(spans: Vec<Span<'a>>, max: usize) -> Line<'a> {
    let total: usize = spans.iter().map(|s| s.width()).sum();
    if total <= max {
        return Line::from(spans);
    }
    if max == 0 {
        return Line::default();
    }
    // Something is cut: one column is kept for the `…` that says so.
    let budget = max - 1;
    let mut out: Vec<Span<'a>> = Vec::new();
    let mut used = 0;
    'all: for span in spans {
        let style = span.style;
        let mut kept = String::new();
        for p in pieces(&span.content) {
            let w = width(p);
            if used + w <= budget {
                kept.push_str(p);
                used += w;
                continue;
            }
            let room = budget - used;
            if !p.starts_with(' ') && !numeric(p) && room >= 1 {
                // Text may be elided; a number never is.
                kept.push_str(&elide(p, room + 1));
            } else if !ends_in_number(&out, &kept) {
                // "…" right after a number would read as a number cut short:
                // there the fields are just left off.
                kept.push('…');
            }
            out.push(Span::styled(kept, style));
            break 'all;
        }
        out.push(Span::styled(kept, style));
    }
    Line::from(out)
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
}
