//! The live tail in a function's view: the REPORT records read as fields
//! (duration, billed, memory, init) instead of raw lines, newest at the
//! bottom, scrolled with the movement keys.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Widget};

use super::coldstart::{parse, Parsed};
use crate::fmt::ms;
use crate::services::msg::{Tail, TailLine};
use crate::theme::Theme;
use crate::widgets::fit::fit_spans;

/// What a line says, short: a REPORT's fields, or the line itself.
pub fn summary(l: &TailLine) -> String {
    match parse(&l.text) {
        Parsed::Report(r) => {
            let mut out = format!("{} ms", ms(r.duration_ms));
            if let Some(b) = r.billed_ms {
                out.push_str(&format!("  billed {} ms", crate::fmt::count(b)));
            }
            match (r.max_memory_mb, r.memory_mb) {
                (Some(u), Some(m)) => out.push_str(&format!("  mem {u}/{m} MB")),
                (None, Some(m)) => out.push_str(&format!("  mem {m} MB")),
                _ => {}
            }
            if let Some(i) = r.init_ms {
                out.push_str(&format!("  init {} ms", ms(i)));
            }
            if let Some(rs) = r.restore_ms {
                out.push_str(&format!("  restore {} ms", ms(rs)));
            }
            if let Some(s) = r.status.as_deref().filter(|s| *s != "success") {
                out.push_str(&format!("  {s}"));
            }
            out.push_str(&format!("  {}", r.request_id));
            out
        }
        _ => message(l.text.lines().next().unwrap_or("")),
    }
}

/// A runtime's log line without what the tail already shows or the screen
/// cannot spare: its own timestamp (the time column has it) and the request
/// id. "2026-12-06T21:45:55.338Z\t4ab8…\tERROR\tboom" is "ERROR boom".
fn message(line: &str) -> String {
    let uuid = |f: &str| {
        f.len() == 36
            && f.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
            && f.matches('-').count() == 4
    };
    let stamp = |f: &str| chrono::DateTime::parse_from_rfc3339(f).is_ok();
    let fields: Vec<&str> = line.split('\t').collect();
    // Only the leading fields are the runtime's: a message may hold an id.
    let lead = fields.len().min(3);
    fields
        .iter()
        .enumerate()
        .filter(|(i, f)| !(*i < lead && (uuid(f.trim()) || stamp(f.trim()))))
        .map(|(_, f)| *f)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `scroll` lines up from the newest.
pub fn draw(buf: &mut Buffer, area: Rect, t: &Theme, tail: &Tail, scroll: usize) {
    if area.height == 0 {
        return;
    }
    let room = area.height.saturating_sub(1) as usize;
    let scroll = scroll.min(tail.lines.len().saturating_sub(room));
    let status = match &tail.ended {
        Some(why) => Span::styled(format!("  ended: {why}"), t.error),
        None if tail.lines.is_empty() => Span::styled("  waiting for log events…", t.muted),
        None if scroll > 0 => Span::styled(
            format!("  {} lines, {scroll} newer below (j/End)", tail.lines.len()),
            t.muted,
        ),
        None => Span::styled(format!("  {} lines (k/PgUp scrolls)", tail.lines.len()), t.muted),
    };
    let width = area.width as usize;
    let mut lines = vec![fit_spans(
        vec![Span::styled("Live tail (t stops)", t.title), status],
        width,
    )];
    let end = tail.lines.len() - scroll;
    let start = end.saturating_sub(room);
    for l in tail.lines.iter().skip(start).take(end - start) {
        let (mark, style) = if l.cold {
            ("* cold ", t.warn)
        } else if l.error {
            ("! ", t.error)
        } else {
            ("", Style::new())
        };
        lines.push(fit_spans(
            vec![
                Span::styled(l.at.format("%H:%M:%S ").to_string(), t.muted),
                Span::styled(format!("{mark}{}", summary(l)), style),
            ],
            width,
        ));
    }
    Paragraph::new(lines).render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_read_as_their_fields() {
        let at = "2026-11-22T14:00:00Z".parse().unwrap();
        let l = super::super::coldstart::classify(
            at,
            "REPORT RequestId: ab\tDuration: 294.87 ms\tBilled Duration: 295 ms\tMemory Size: 128 MB\tMax Memory Used: 73 MB\tInit Duration: 507.83 ms",
        );
        assert_eq!(summary(&l), "295 ms  billed 295 ms  mem 73/128 MB  init 508 ms  ab");
        let e = super::super::coldstart::classify(at, "x\tERROR\tboom");
        assert_eq!(summary(&e), "x ERROR boom");
        // Node and Python runtimes: the time column has the time, and the
        // request id leaves the message room.
        let node = "2026-12-06T21:45:55.338Z\t4ab8dc6d-1c2f-4f7e-9a55-0c6f3a1e9b21\tERROR\tInvalid order id 4ab8dc6d-1c2f-4f7e-9a55-0c6f3a1e9b21";
        assert_eq!(
            summary(&super::super::coldstart::classify(at, node)),
            "ERROR Invalid order id 4ab8dc6d-1c2f-4f7e-9a55-0c6f3a1e9b21"
        );
        let python = "[ERROR]\t2026-12-06T21:45:55.338Z\t4ab8dc6d-1c2f-4f7e-9a55-0c6f3a1e9b21\tKeyError: 'sku'";
        assert_eq!(summary(&super::super::coldstart::classify(at, python)), "[ERROR] KeyError: 'sku'");
    }
}
