//! Dollars in at most six columns, never cut: `$0.42`, `$302`, `$1.2k`.

pub fn usd(v: f64) -> String {
    let v = v.max(0.0);
    if v == 0.0 {
        "$0".into()
    } else if v < 0.005 {
        "<$0.01".into()
    } else if v < 10.0 {
        format!("${v:.2}")
    } else if v < 999.5 {
        format!("${v:.0}")
    } else if v < 9_950.0 {
        format!("${:.1}k", v / 1e3)
    } else if v < 999_500.0 {
        format!("${:.0}k", v / 1e3)
    } else if v < 9_950_000.0 {
        format!("${:.1}M", v / 1e6)
    } else {
        format!("${:.0}M", v / 1e6)
    }
}

/// Dollars an hour, with the precision small rates need (`$0.048/h`).
pub fn usd_hour(v: f64) -> String {
    if v > 0.0 && v < 10.0 {
        format!("${v:.3}/h")
    } else {
        format!("{}/h", usd(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_fit_six_columns_at_every_magnitude() {
        let cases = [
            (0.0, "$0"),
            (0.001, "<$0.01"),
            (0.42, "$0.42"),
            (9.99, "$9.99"),
            (302.4, "$302"),
            (999.4, "$999"),
            (999.6, "$1.0k"),
            (1234.0, "$1.2k"),
            (12_345.0, "$12k"),
            (999_000.0, "$999k"),
            (1_500_000.0, "$1.5M"),
            (25_000_000.0, "$25M"),
        ];
        for (v, want) in cases {
            assert_eq!(usd(v), want, "{v}");
            assert!(usd(v).chars().count() <= 6);
        }
        assert_eq!(usd_hour(0.048), "$0.048/h");
        assert_eq!(usd_hour(12.0), "$12/h");
    }
}
