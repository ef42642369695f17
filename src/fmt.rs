//! Number and age formatting shared by the panes and the table printer.

use chrono::Duration;

/// Coarse on purpose: an age that changes every second repaints the screen every
/// second, which costs bytes on a slow SSH link and says nothing new.
pub fn age(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..=59 => format!("{}s", s / 10 * 10),
        60..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// Counts: exact below ten thousand, then k and M.
pub fn count(v: f64) -> String {
    let a = v.abs();
    if a < 10_000.0 {
        format!("{}", v.round() as i64)
    } else if a < 1_000_000.0 {
        format!("{:.1}k", v / 1000.0)
    } else {
        format!("{:.1}M", v / 1_000_000.0)
    }
}

/// Three significant digits below a thousand (`0.033`, `1.25`, `412`), then
/// as `count`: a quantity that is not a whole number of things is never
/// rounded to a 0 that it is not.
pub fn significant(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 {
        return "0".into();
    }
    if !a.is_finite() {
        return format!("{v}");
    }
    if a >= 1000.0 {
        return count(v);
    }
    let decimals = (2 - a.log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// Milliseconds: one decimal while it matters.
pub fn ms(v: f64) -> String {
    if v < 100.0 {
        format!("{v:.1}")
    } else if v < 100_000.0 {
        format!("{}", v.round() as i64)
    } else {
        format!("{:.0}k", v / 1000.0)
    }
}

pub fn pct(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if v < 10.0 {
        format!("{v:.2}")
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

pub fn opt(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".into())
}

/// Cut to `width` characters with an ellipsis, on char boundaries.
pub fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// Control characters (C0, DEL, C1) written as visible escapes, so text from
/// AWS (a stop reason, a job name) can never drive the terminal that shows it.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) && (c as u32) < 0x100 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_control(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// `escape_controls` for multi-line text: newlines stay, everything else
/// a terminal would act on is made visible.
pub fn escape_controls_keeping_lines(s: &str) -> String {
    s.split('\n')
        .map(escape_controls)
        .collect::<Vec<_>>()
        .join("\n")
}

/// C0 and C1 controls and DEL: what a terminal may act on.
pub fn is_control(c: char) -> bool {
    c.is_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        for (v, want) in [
            (0.0, "0"),
            (-0.0, "0"),
            (0.033, "0.033"),
            (0.0334567, "0.0335"),
            (0.5, "0.5"),
            (1.234, "1.23"),
            (12.0, "12"),
            (123.45, "123"),
            (999.7, "1000"),
            (12_345.0, "12.3k"),
        ] {
            assert_eq!(significant(v), want, "{v}");
        }
    }

    #[test]
    fn formats() {
        assert_eq!(age(Duration::seconds(7)), "0s");
        assert_eq!(age(Duration::seconds(42)), "40s");
        assert_eq!(age(Duration::seconds(125)), "2m");
        assert_eq!(age(Duration::seconds(7300)), "2h");
        assert_eq!(age(Duration::seconds(-5)), "0s");
        assert_eq!(count(1234.0), "1234");
        assert_eq!(count(12_345.0), "12.3k");
        assert_eq!(count(2_500_000.0), "2.5M");
        assert_eq!(ms(41.23), "41.2");
        assert_eq!(ms(900.4), "900");
        assert_eq!(pct(0.2412), "0.24");
        assert_eq!(pct(0.0), "0");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("ab", 4), "ab");
    }
}
