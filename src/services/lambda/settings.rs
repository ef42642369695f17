//! Lambda's own settings: the duration percentile shown and how cold starts
//! are read. Declared here once; the flags, the `[lambda]` config section,
//! `--help` and `config --default` follow from these declarations.

use crate::room_settings::{RoomSettings, Setting};

use super::ColdMethod;

/// The duration percentile shown, as CloudWatch spells it (`p99`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Percentile(pub String);

impl Default for Percentile {
    fn default() -> Self {
        Percentile("p99".into())
    }
}

pub const PERCENTILE: Setting = Setting {
    name: "percentile",
    value_name: "pNN",
    help: "The Lambda duration percentile to show (p50, p90, p99, p99.9 ...)",
    default: "p99",
    formerly: Some(("metrics", "percentile")),
    live_only: false,
    set: |s: &mut RoomSettings, text: &str| {
        s.store(Percentile(parse_percentile(text).map_err(|e| e.to_string())?));
        Ok(())
    },
};

pub const COLD_STARTS: Setting = Setting {
    name: "cold-starts",
    value_name: "auto|insights|filter",
    help: "How Lambda cold starts are read from CloudWatch Logs: Logs Insights with a FilterLogEvents fallback (auto), or only one of them (insights, filter)",
    default: "auto",
    formerly: Some(("cold-starts", "method")),
    live_only: true,
    set: |s: &mut RoomSettings, text: &str| {
        s.store(match text {
            "auto" => ColdMethod::Auto,
            "insights" => ColdMethod::Insights,
            "filter" => ColdMethod::Filter,
            _ => return Err("expected auto, insights or filter".into()),
        });
        Ok(())
    },
};

/// A percentile setting that is not one: `pNN`, strictly between 0 and 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotPercentile;

impl std::fmt::Display for NotPercentile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("expected a percentile like p50, p99 or p99.9")
    }
}

impl std::error::Error for NotPercentile {}

pub fn parse_percentile(s: &str) -> Result<String, NotPercentile> {
    match s.strip_prefix('p').map(str::parse::<f64>) {
        Some(Ok(v)) if v > 0.0 && v < 100.0 => Ok(s.to_string()),
        _ => Err(NotPercentile),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_between_0_and_100_exclusive_and_the_three_methods() {
        let mut s = RoomSettings::defaults([&PERCENTILE, &COLD_STARTS]);
        assert_eq!(s.get::<Percentile>(), Percentile("p99".into()));
        assert_eq!(s.get::<ColdMethod>(), ColdMethod::Auto);
        s.apply(&PERCENTILE, "p99.9").unwrap();
        assert_eq!(s.get::<Percentile>().0, "p99.9");
        for bad in ["p0", "p100", "99", "pxx", ""] {
            assert!(s.apply(&PERCENTILE, bad).is_err(), "{bad}");
            assert_eq!(parse_percentile(bad), Err(NotPercentile), "{bad}");
        }
        s.apply(&COLD_STARTS, "filter").unwrap();
        assert_eq!(s.get::<ColdMethod>(), ColdMethod::Filter);
        assert!(s.apply(&COLD_STARTS, "Filter").is_err());
    }
}
