//! A request rate per (account, region): no more than `n` requests in any
//! window of `per`, as a service documents it (CloudTrail's LookupEvents:
//! 2 a second per account per region). Each account's region holds its own,
//! so one busy region never slows another.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

#[derive(Debug)]
pub struct Pace {
    n: usize,
    per: Duration,
    /// The last `n` requests' times, oldest first.
    sent: VecDeque<Instant>,
}

impl Pace {
    pub fn new(n: usize, per: Duration) -> Pace {
        Pace {
            n: n.max(1),
            per,
            sent: VecDeque::new(),
        }
    }

    /// Waits until one more request keeps every window of `per` (its ends
    /// included) at `n` or fewer, and counts it as sent.
    pub async fn turn(&mut self) {
        if self.sent.len() >= self.n {
            let oldest = self.sent[self.sent.len() - self.n];
            tokio::time::sleep_until(oldest + self.per + Duration::from_millis(1)).await;
        }
        self.sent.push_back(Instant::now());
        while self.sent.len() > self.n {
            self.sent.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_more_than_n_in_any_window() {
        let mut p = Pace::new(2, Duration::from_secs(1));
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..7 {
            p.turn().await;
            at.push(start.elapsed());
        }
        for (i, t) in at.iter().enumerate() {
            let within = at.iter().filter(|u| **u >= *t && **u - *t <= Duration::from_secs(1)).count();
            assert!(within <= 2, "{i}: {at:?}");
        }
        // Two at once, then as soon as the rule lets: 7 take a little over 3 s.
        assert!(at[6] < Duration::from_millis(3100), "{at:?}");
    }
}
