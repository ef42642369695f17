//! How often each room refreshes: its default, or what the command line or
//! the config file asked for, checked against the room's own bounds.

use std::collections::BTreeMap;
use std::time::Duration;

use super::ServiceKind;

/// No room refreshes less often than once an hour.
pub const MAX_INTERVAL_S: u64 = 3600;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intervals(BTreeMap<ServiceKind, Duration>);

impl Intervals {
    pub fn get(&self, kind: ServiceKind) -> Duration {
        self.0
            .get(&kind)
            .copied()
            .unwrap_or_else(|| kind.room().interval())
    }

    pub fn set(&mut self, kind: ServiceKind, every: Duration) {
        self.0.insert(kind, every);
    }
}

/// Why an interval was refused; `what` names the setting as the user wrote it.
#[derive(Debug, Clone, PartialEq)]
pub enum IntervalError {
    /// Not `NAME=SECONDS`.
    Shape,
    UnknownService(String),
    NotSeconds(String),
    TooShort { what: String, min_s: u64, why: &'static str },
    TooLong { what: String },
}

impl std::fmt::Display for IntervalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntervalError::Shape => write!(f, "expected SERVICE=SECONDS, like {}=60", ServiceKind::ALL[0].name()),
            IntervalError::UnknownService(name) => write!(f, "unknown service {name:?}: use {}", super::names_or()),
            IntervalError::NotSeconds(secs) => write!(f, "{secs:?} is not a number of seconds"),
            IntervalError::TooShort { what, min_s, why } => write!(f, "{what} must be {min_s} or more ({why})"),
            IntervalError::TooLong { what } => write!(f, "{what} must be at most {MAX_INTERVAL_S} seconds"),
        }
    }
}

impl std::error::Error for IntervalError {}

/// Whether `secs` is an interval `kind` accepts; the one check for the
/// command line and the config file. The error names the setting as `what`.
pub fn check(kind: ServiceKind, secs: u64, what: &str) -> Result<(), IntervalError> {
    let (min, why) = kind.room().min_interval();
    if secs < min.as_secs() {
        return Err(IntervalError::TooShort { what: what.to_string(), min_s: min.as_secs(), why });
    }
    if secs > MAX_INTERVAL_S {
        return Err(IntervalError::TooLong { what: what.to_string() });
    }
    Ok(())
}

/// `NAME=SECONDS` from the command line.
pub fn parse(s: &str) -> Result<(ServiceKind, u64), IntervalError> {
    let (name, secs) = s.split_once('=').ok_or(IntervalError::Shape)?;
    let kind = ServiceKind::from_name(name).ok_or_else(|| IntervalError::UnknownService(name.to_string()))?;
    let secs: u64 = secs
        .parse()
        .map_err(|_| IntervalError::NotSeconds(secs.to_string()))?;
    check(kind, secs, kind.name())?;
    Ok((kind, secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_come_from_the_room() {
        for k in ServiceKind::ALL {
            let (min, _) = k.room().min_interval();
            assert!(check(*k, min.as_secs(), "x").is_ok());
            assert!(check(*k, min.as_secs() - 1, "x").is_err());
            assert!(check(*k, MAX_INTERVAL_S, "x").is_ok());
            assert!(check(*k, MAX_INTERVAL_S + 1, "x").is_err());
            assert!(check(*k, u64::MAX, "x").is_err());
            assert_eq!(Intervals::default().get(*k), k.room().interval());
        }
        assert!(parse("nosuch=60").unwrap_err().to_string().contains("unknown service"));
        assert_eq!(parse("60"), Err(IntervalError::Shape));
        let (min, why) = ServiceKind::ALL[0].room().min_interval();
        assert_eq!(
            check(ServiceKind::ALL[0], min.as_secs() - 1, "refresh.x").unwrap_err().to_string(),
            format!("refresh.x must be {} or more ({why})", min.as_secs())
        );
        assert_eq!(
            check(ServiceKind::ALL[0], MAX_INTERVAL_S + 1, "refresh.x").unwrap_err().to_string(),
            "refresh.x must be at most 3600 seconds"
        );
    }
}
