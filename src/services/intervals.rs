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

/// Whether `secs` is an interval `kind` accepts; the one check for the
/// command line and the config file. The error names the setting as `what`.
pub fn check(kind: ServiceKind, secs: u64, what: &str) -> Result<(), String> {
    let (min, why) = kind.room().min_interval();
    if secs < min.as_secs() {
        return Err(format!("{what} must be {} or more ({why})", min.as_secs()));
    }
    if secs > MAX_INTERVAL_S {
        return Err(format!("{what} must be at most {MAX_INTERVAL_S} seconds"));
    }
    Ok(())
}

/// `NAME=SECONDS` from the command line.
pub fn parse(s: &str) -> Result<(ServiceKind, u64), String> {
    let (name, secs) = s.split_once('=').ok_or_else(|| {
        format!(
            "expected SERVICE=SECONDS, like {}=60",
            ServiceKind::ALL[0].name()
        )
    })?;
    let kind = ServiceKind::from_name(name)
        .ok_or_else(|| format!("unknown service {name:?}: use {}", super::names_or()))?;
    let secs: u64 = secs
        .parse()
        .map_err(|_| format!("{secs:?} is not a number of seconds"))?;
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
        assert!(parse("nosuch=60").unwrap_err().contains("unknown service"));
        assert!(parse("60").is_err());
    }
}
