//! The CloudWatch budget: what every poller together may spend on
//! GetMetricData in any hour. CloudWatch bills each metric requested, so the
//! budget is kept in metrics, charged before a call is made, over a sliding
//! hour: no hour of watching, at any account size, costs more than it.
//!
//! The rows on screen come first. Everything else (off-screen offenders, the
//! sweep that finds new ones, other rooms' rows off screen) gets what the
//! rows on screen leave, paced over the hour so it never arrives in one burst
//! that would then starve the screen.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

pub use crate::pricing::USD_PER_METRIC;
/// What watching may cost an hour unless the user says otherwise.
pub const DEFAULT_USD_PER_HOUR: f64 = 0.25;

const HOUR: Duration = Duration::from_secs(3600);
/// Background spend is paced in slices of this length.
const PACE: Duration = Duration::from_secs(300);
/// Off-screen reads always keep this share of the budget, so new offenders
/// are still found on a terminal tall enough to spend the rest.
pub const BACKGROUND_FLOOR: f64 = 0.2;

/// Who is asking: the rows on screen, or anything the user cannot see now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Visible,
    Background,
}

#[derive(Debug)]
pub struct Budget {
    /// Metrics per sliding hour; `None`: not enforced (explicit full reads).
    cap: Option<u64>,
    usd_per_hour: f64,
    ledger: Mutex<Ledger>,
}

#[derive(Debug, Default)]
struct Ledger {
    charges: VecDeque<(Instant, u64, Class)>,
    /// Refused requests since the last granted one, by class.
    held: [bool; 2],
}

impl Ledger {
    fn forget_before(&mut self, now: Instant) {
        while self
            .charges
            .front()
            .is_some_and(|(t, _, _)| now.duration_since(*t) >= HOUR)
        {
            self.charges.pop_front();
        }
    }

    fn sum(&self, now: Instant, within: Duration, class: Option<Class>) -> u64 {
        self.charges
            .iter()
            .filter(|(t, _, c)| now.duration_since(*t) < within && class.is_none_or(|k| k == *c))
            .map(|(_, n, _)| n)
            .sum()
    }
}

impl Budget {
    /// A budget of `usd_per_hour`, enforced.
    pub fn new(usd_per_hour: f64) -> Budget {
        Budget {
            cap: Some((usd_per_hour / USD_PER_METRIC).round().max(0.0) as u64),
            usd_per_hour,
            ledger: Mutex::default(),
        }
    }

    /// Counted but never refused: `--once`, `--metrics all` and recordings
    /// read everything because the user asked for exactly that.
    pub fn unlimited(usd_per_hour: f64) -> Budget {
        Budget {
            cap: None,
            ..Budget::new(usd_per_hour)
        }
    }

    pub fn usd_per_hour(&self) -> f64 {
        self.usd_per_hour
    }

    pub fn enforced(&self) -> bool {
        self.cap.is_some()
    }

    /// Metrics per hour the budget buys.
    pub fn metrics_per_hour(&self) -> u64 {
        (self.usd_per_hour / USD_PER_METRIC).round().max(0.0) as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Ledger> {
        // A poisoned ledger still holds true sums.
        self.ledger.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the rows on screen are spending, as an hourly rate: the last ten
    /// minutes scaled up, or the last hour if that is more.
    fn visible_rate(l: &Ledger, now: Instant) -> u64 {
        let recent = l.sum(now, Duration::from_secs(600), Some(Class::Visible)) * 6;
        recent.max(l.sum(now, HOUR, Some(Class::Visible)))
    }

    /// How many metrics `class` may request right now.
    pub fn headroom(&self, class: Class) -> u64 {
        let Some(cap) = self.cap else {
            return u64::MAX;
        };
        let now = Instant::now();
        let mut l = self.lock();
        l.forget_before(now);
        Self::room(&l, cap, class, now)
    }

    fn room(l: &Ledger, cap: u64, class: Class, now: Instant) -> u64 {
        let spent = l.sum(now, HOUR, None);
        let left = cap.saturating_sub(spent);
        match class {
            Class::Visible => left,
            Class::Background => {
                let floor = (cap as f64 * BACKGROUND_FLOOR) as u64;
                let share = cap.saturating_sub(Self::visible_rate(l, now)).max(floor);
                let hour_room = share.saturating_sub(l.sum(now, HOUR, Some(Class::Background)));
                let slice = share * PACE.as_secs() / HOUR.as_secs();
                let pace_room = slice.saturating_sub(l.sum(now, PACE, Some(Class::Background)));
                left.min(hour_room).min(pace_room)
            }
        }
    }

    /// Charges `n` metrics to `class` if they fit; false (nothing charged) if not.
    pub fn charge(&self, class: Class, n: u64) -> bool {
        let now = Instant::now();
        let mut l = self.lock();
        l.forget_before(now);
        let ok = self
            .cap
            .is_none_or(|cap| n <= Self::room(&l, cap, class, now));
        l.held[class as usize] = !ok;
        if ok && n > 0 {
            l.charges.push_back((now, n, class));
        }
        ok
    }

    /// Charges what was already asked (a further page, a retry): spent
    /// whether it fits or not, so the next requests wait for it.
    pub fn record(&self, class: Class, n: u64) {
        let now = Instant::now();
        let mut l = self.lock();
        l.forget_before(now);
        l.charges.push_back((now, n, class));
    }

    /// Whether the last request of `class` was refused.
    pub fn held(&self, class: Class) -> bool {
        self.lock().held[class as usize]
    }

    /// Metrics charged over the last hour.
    pub fn spent_last_hour(&self) -> u64 {
        let now = Instant::now();
        let mut l = self.lock();
        l.forget_before(now);
        l.sum(now, HOUR, None)
    }

    /// The interval at which a refresh of `per_refresh` metrics stays within
    /// the budget on its own: `base`, or longer when the refresh is large.
    pub fn stretch(&self, per_refresh: u64, base: Duration) -> Duration {
        match self.cap {
            Some(cap) if cap > 0 => {
                let fit = Duration::from_secs_f64(3600.0 * per_refresh as f64 / cap as f64);
                base.max(fit)
            }
            Some(_) => HOUR,
            None => base,
        }
    }

    /// What `metrics` cost, in dollars.
    pub fn usd(metrics: u64) -> f64 {
        metrics as f64 * USD_PER_METRIC
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_sliding_hour_ever_holds_more_than_the_budget() {
        let b = Budget::new(0.25);
        assert_eq!(b.metrics_per_hour(), 25_000);
        let mut granted: Vec<(Instant, u64)> = Vec::new();
        // Greedy pollers of both classes asking every ten seconds for two hours.
        for _ in 0..720 {
            for class in [Class::Visible, Class::Background] {
                if b.charge(class, 300) {
                    granted.push((Instant::now(), 300));
                }
            }
            tokio::time::advance(Duration::from_secs(10)).await;
        }
        for (i, (t, _)) in granted.iter().enumerate() {
            let hour: u64 = granted[i..]
                .iter()
                .take_while(|(u, _)| u.duration_since(*t) < HOUR)
                .map(|(_, n)| n)
                .sum();
            assert!(hour <= 25_000, "{hour} metrics in the hour from charge {i}");
        }
        // Greedy demand uses the budget, not a fraction of it.
        let total: u64 = granted.iter().map(|(_, n)| n).sum();
        assert!(total >= 45_000, "{total}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_screen_keeps_its_share_while_the_sweep_is_paced() {
        let b = Budget::new(0.25);
        // A sweep asking for everything at once gets one five-minute slice.
        let mut swept = 0;
        while b.charge(Class::Background, 500) {
            swept += 500;
        }
        assert!(swept <= 25_000 / 12 + 500, "{swept}");
        assert!(b.held(Class::Background));
        // The screen is still served.
        assert!(b.charge(Class::Visible, 242));
        assert!(!b.held(Class::Visible));
        // With the screen spending 14,520 an hour, the background's slice shrinks.
        for _ in 0..10 {
            tokio::time::advance(Duration::from_secs(60)).await;
            assert!(b.charge(Class::Visible, 242));
        }
        let room = b.headroom(Class::Background);
        assert!(room <= (25_000 - 14_520) / 12, "{room}");
        // Unlimited budgets count nothing against anyone.
        let u = Budget::unlimited(0.25);
        assert!(u.charge(Class::Background, 1_000_000));
        assert_eq!(u.headroom(Class::Visible), u64::MAX);
    }

    #[test]
    fn a_large_refresh_is_stretched_to_fit() {
        let b = Budget::new(0.25);
        let base = Duration::from_secs(60);
        assert_eq!(b.stretch(242, base), base);
        // 100 rows of 7 metrics every minute would be 42,000 an hour.
        assert_eq!(b.stretch(700, base), Duration::from_secs_f64(100.8));
    }
}
