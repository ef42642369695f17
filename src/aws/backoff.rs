//! When a poller runs next: its interval, or after throttling an exponential
//! backoff with jitter so that pollers do not retry in step.

use std::time::Duration;

/// The longest wait after repeated throttling.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// The interval, or after `throttled_in_a_row` throttles interval x 2^n
/// (capped at five minutes) with +-50% jitter drawn from `salt`.
pub fn next_delay(interval: Duration, throttled_in_a_row: u32, salt: u64) -> Duration {
    if throttled_in_a_row == 0 {
        return interval;
    }
    let base = interval
        .saturating_mul(1 << throttled_in_a_row.min(8))
        .min(MAX_BACKOFF);
    let jitter = 0.5 + (crate::hash::mix(salt) % 1000) as f64 / 1000.0;
    base.mul_f64(jitter)
}

/// A salt for the jitter: the clock's nanoseconds.
pub fn salt() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let i = Duration::from_secs(30);
        assert_eq!(next_delay(i, 0, 1), i);
        for n in 1..12 {
            for salt in 0..50 {
                let d = next_delay(i, n, salt);
                let base = (i * (1 << n.min(8))).min(MAX_BACKOFF);
                assert!(
                    d >= base.mul_f64(0.5) && d <= base.mul_f64(1.5),
                    "{n} {d:?}"
                );
            }
        }
        let spread: HashSet<u128> = (0..20).map(|s| next_delay(i, 2, s).as_millis()).collect();
        assert!(spread.len() > 10, "jitter should spread retries");
    }
}
