//! The demo's virtual clock: wall time by default, frozen for tests and screenshots.

use chrono::{DateTime, Duration, Utc};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Clock {
    origin: DateTime<Utc>,
    started: Option<Instant>,
}

impl Clock {
    /// Runs from `origin` at wall-clock speed.
    pub fn running_from(origin: DateTime<Utc>) -> Self {
        Self {
            origin,
            started: Some(Instant::now()),
        }
    }

    /// Always reads `at`: frames and snapshots become reproducible.
    pub fn frozen(at: DateTime<Utc>) -> Self {
        Self {
            origin: at,
            started: None,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.started {
            Some(s) => self.origin + Duration::from_std(s.elapsed()).unwrap_or_default(),
            None => self.origin,
        }
    }
}
