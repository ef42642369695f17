//! `--at` and the `@` prompt: a time of day on the recording's dates, or an RFC 3339 time.

use chrono::{DateTime, Duration, NaiveTime, Utc};

/// Text that names no time; shown with what to type instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotATime(pub String);

impl std::fmt::Display for NotATime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:?} is not a time: use HH:MM, HH:MM:SS or an RFC 3339 time like 2026-11-22T14:03:00Z",
            self.0
        )
    }
}

impl std::error::Error for NotATime {}

/// `HH:MM[:SS]` means that time (UTC) on the day the recording starts, or on the
/// next day when that is before the start and the recording runs past midnight.
pub fn parse(
    text: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<DateTime<Utc>, NotATime> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let time = NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
        .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M"))
        .map_err(|_| NotATime(text.to_string()))?;
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

/// The moment to show for `text`, within the span `start..=end` at the
/// precision it is written to: `21:53:25` names that whole second, so it is
/// inside a recording whose first record came at 21:53:25.98, as `verify`,
/// which prints whole seconds, says the recording runs from 21:53:25; and
/// what was recorded in that second is shown (the moment is the second's
/// last millisecond, or the recording's end). `Err(t)`: the moment named,
/// outside the span.
pub fn within(
    text: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Result<DateTime<Utc>, DateTime<Utc>>, NotATime> {
    let t = parse(text, start, end)?;
    let end = end.max(start);
    let step = precision(text);
    Ok(if t + step <= start || t > end {
        Err(t)
    } else {
        let last = t + step - step.min(Duration::milliseconds(1));
        Ok(last.clamp(start, end))
    })
}

/// How long a span the text names: a minute for `HH:MM`, a second when it
/// has seconds, less with a fraction.
fn precision(text: &str) -> Duration {
    let text = text.trim();
    let time = text.split_once('T').map_or(text, |(_, t)| t);
    if let Some((_, frac)) = time.split_once('.') {
        let digits = frac.chars().take_while(char::is_ascii_digit).count().min(9) as u32;
        return Duration::nanoseconds(10i64.pow(9 - digits));
    }
    if text.contains('T') || time.matches(':').count() >= 2 {
        Duration::seconds(1)
    } else {
        Duration::minutes(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_is_inside_when_the_span_it_names_is() {
        let (s, e) = (t("2026-12-06T21:53:25.980Z"), t("2026-12-06T21:55:55.400Z"));
        // As verify prints the span: whole seconds.
        let last_ms = |s: &str| Ok(Ok(t(s)));
        assert_eq!(
            within("21:53:25", s, e),
            last_ms("2026-12-06T21:53:25.999Z")
        );
        assert_eq!(
            within("2026-12-06T21:53:25Z", s, e),
            last_ms("2026-12-06T21:53:25.999Z")
        );
        assert_eq!(within("21:53", s, e), last_ms("2026-12-06T21:53:59.999Z"));
        assert_eq!(within("21:55:55", s, e), Ok(Ok(e)));
        assert_eq!(
            within("21:55:30", s, e),
            last_ms("2026-12-06T21:55:30.999Z")
        );
        // Hundredths name ten milliseconds.
        assert_eq!(
            within("21:53:25.99", s, e),
            last_ms("2026-12-06T21:53:25.999Z")
        );
        assert_eq!(
            within("21:53:25.9995", s, e),
            last_ms("2026-12-06T21:53:25.9995Z")
        );
        // Outside at the precision given.
        assert_eq!(
            within("21:53:25.5", s, e),
            Ok(Err(t("2026-12-06T21:53:25.500Z")))
        );
        assert_eq!(within("21:53:24", s, e), Ok(Err(t("2026-12-06T21:53:24Z"))));
        assert_eq!(within("21:55:56", s, e), Ok(Err(t("2026-12-06T21:55:56Z"))));
        assert!(within("noon", s, e).is_err());
    }

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
        assert_eq!(
            parse("25:99", s, e).unwrap_err().to_string(),
            "\"25:99\" is not a time: use HH:MM, HH:MM:SS or an RFC 3339 time like 2026-11-22T14:03:00Z"
        );
        assert!(parse("", s, e).is_err());
    }
}
