//! Replay: the timeline over a recording. Pure: the position, the speed and
//! which messages apply up to a time, tested without a terminal. Going back
//! rebuilds what is shown from the start, so what is shown at a time never
//! depends on how the viewer got there. The replay source (`source::replay`)
//! plays a recording by it.

pub mod at;

use std::ops::Range;

use chrono::{DateTime, Duration, Utc};

use crate::services::msg::ReplayStatus;

pub const SPEEDS: [u32; 6] = [1, 2, 5, 10, 30, 60];

/// What the Model must do after the timeline moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    None,
    /// Apply these records on top of what is shown.
    Forward(Range<usize>),
    /// Start over and apply records up to the position.
    Rebuild,
}

#[derive(Debug, Clone)]
pub struct Timeline {
    times: Vec<DateTime<Utc>>,
    /// How many records are applied.
    pub pos: usize,
    pub clock: DateTime<Utc>,
    speed: usize,
    pub playing: bool,
}

impl Timeline {
    pub fn new(times: Vec<DateTime<Utc>>, start: DateTime<Utc>) -> Timeline {
        let clock = times.first().copied().unwrap_or(start);
        let mut t = Timeline {
            times,
            pos: 0,
            clock,
            speed: 0,
            playing: true,
        };
        t.pos = t.count_until(clock);
        t
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }
    pub fn speed(&self) -> u32 {
        SPEEDS[self.speed]
    }
    pub fn end(&self) -> DateTime<Utc> {
        self.times.last().copied().unwrap_or(self.clock)
    }

    /// Records from the start up to the first one after `t`. Stops there even
    /// if a later one is earlier again, so a forced broken file stays in order.
    pub fn count_until(&self, t: DateTime<Utc>) -> usize {
        self.times
            .iter()
            .position(|x| *x > t)
            .unwrap_or(self.times.len())
    }

    pub fn toggle(&mut self) {
        self.playing = !self.playing;
        // Play at the end starts again from the beginning.
        if self.playing && self.pos >= self.times.len() && self.clock >= self.end() {
            let first = self.times.first().copied().unwrap_or(self.clock);
            self.clock = first;
            self.pos = self.count_until(first);
        }
    }
    pub fn faster(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
    }
    pub fn slower(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    fn moved(&mut self, to: usize) -> Change {
        let from = std::mem::replace(&mut self.pos, to);
        match to.cmp(&from) {
            std::cmp::Ordering::Equal => Change::None,
            std::cmp::Ordering::Greater => Change::Forward(from..to),
            std::cmp::Ordering::Less => Change::Rebuild,
        }
    }

    /// Real time passed while playing: the replay clock runs `speed` times faster.
    pub fn advance(&mut self, real: Duration) -> Change {
        if !self.playing {
            return Change::None;
        }
        let before = self.clock;
        // Times come from a file: arithmetic on them is checked, never trusted.
        self.clock = real
            .checked_mul(self.speed() as i32)
            .and_then(|d| self.clock.checked_add_signed(d))
            .unwrap_or_else(|| self.end());
        if self.clock >= self.end() {
            // Stop at the last record, or where a jump past it left the clock.
            self.clock = before.max(self.end());
            self.playing = false;
        }
        let to = self.count_until(self.clock).max(self.pos);
        self.moved(to)
    }

    pub fn step_forward(&mut self) -> Change {
        self.playing = false;
        if self.pos >= self.times.len() {
            return Change::None;
        }
        self.clock = self.times[self.pos];
        let to = self.pos + 1;
        self.moved(to)
    }

    pub fn step_back(&mut self) -> Change {
        self.playing = false;
        if self.pos == 0 {
            return Change::None;
        }
        let to = self.pos - 1;
        self.clock = if to > 0 {
            self.times[to - 1]
        } else {
            self.times[0]
        };
        self.moved(to)
    }

    pub fn jump(&mut self, t: DateTime<Utc>) -> Change {
        self.clock = t;
        let to = self.count_until(t);
        self.moved(to)
    }

    pub fn status(&self, trust: Trust) -> ReplayStatus {
        ReplayStatus {
            clock: self.clock,
            speed: self.speed(),
            playing: self.playing,
            position: self.pos,
            total: self.times.len(),
            broken: trust.broken,
            unsigned: trust.unsigned,
            verified: trust.verified,
        }
    }
}

/// How far a replayed recording can be trusted: drawn on every screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trust {
    /// Opened with `--force` despite a problem.
    pub broken: bool,
    /// Nothing in it is signed by a trusted key (an older format, or not the pinned key).
    pub unsigned: bool,
    /// How many of the first records a signature covers.
    pub verified: usize,
}

#[cfg(test)]
mod tests;
