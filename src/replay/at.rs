//! `--at` and the `@` prompt: a time of day on the recording's dates, or an RFC 3339 time.

use chrono::{DateTime, Duration, NaiveTime, Utc};

/// `HH:MM[:SS]` means that time (UTC) on the day the recording starts, or on the
/// next day when that is before the start and the recording runs past midnight.
pub fn parse(
    text: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let time = NaiveTime::parse_from_str(text, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
        .map_err(|_| format!("{text:?} is not a time: use HH:MM, HH:MM:SS or an RFC 3339 time like 2026-11-22T14:03:00Z"))?;
    let on_start_day = start.date_naive().and_time(time).and_utc();
    let next_day = on_start_day
        .checked_add_signed(Duration::days(1))
        .unwrap_or(on_start_day);
    Ok(if on_start_day < start && next_day <= end {
        next_day
    } else {
        on_start_day
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn times_of_day_and_full_times() {
        let (s, e) = (t("2026-11-22T23:50:00Z"), t("2026-11-23T00:20:00Z"));
        assert_eq!(parse("23:55", s, e), Ok(t("2026-11-22T23:55:00Z")));
        assert_eq!(parse("00:10:30", s, e), Ok(t("2026-11-23T00:10:30Z")));
        assert_eq!(
            parse("2026-11-22T23:51:00+00:00", s, e),
            Ok(t("2026-11-22T23:51:00Z"))
        );
        assert!(parse("25:99", s, e).unwrap_err().contains("not a time"));
        assert!(parse("", s, e).is_err());
    }
}
