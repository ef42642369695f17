//! The values flags take: each parsed once, with a one-line reason when it
//! is not one.

use std::time::Duration;

use chrono::{DateTime, Utc};

pub(super) fn parse_pane(s: &str) -> Result<String, String> {
    use crate::app::model::Pane;
    Pane::from_name(s)
        .map(|_| s.to_string())
        .ok_or_else(|| format!("expected {}", Pane::names_or()))
}

/// `90s`, `30m`, `1h`, `1h30m`: humantime's syntax, at least one second.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|_| format!("{s:?}: expected a duration like 90s, 30m or 1h"))?;
    if d < Duration::from_secs(1) {
        return Err("the duration must be at least 1s".into());
    }
    Ok(d)
}

/// An endpoint the SDK can use: `http(s)://host[:port][/path]`.
pub fn parse_endpoint(s: &str) -> Result<String, String> {
    let s = s.trim();
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"))
        .ok_or_else(|| format!("{s:?}: expected a URL like http://127.0.0.1:4566"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || host.starts_with(':')
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(format!("{s:?}: expected a URL like http://127.0.0.1:4566"));
    }
    Ok(s.to_string())
}

/// `AWS_ENDPOINT_URL` and its per-service forms: empty means unset, as the
/// AWS CLI reads it (the SDK would abort on an empty URL); anything else must
/// be a URL.
pub fn check_endpoint_env() -> Result<(), String> {
    let vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k == "AWS_ENDPOINT_URL" || k.starts_with("AWS_ENDPOINT_URL_"))
        .collect();
    for (k, v) in vars {
        if v.trim().is_empty() {
            // Before any thread starts: nothing else reads the environment yet.
            std::env::remove_var(&k);
        } else {
            parse_endpoint(&v).map_err(|e| format!("{k}: {e}"))?;
        }
    }
    Ok(())
}

/// A budget in dollars an hour: a positive amount CloudWatch can spend.
pub fn parse_budget(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_start_matches('$')
        .parse()
        .map_err(|_| format!("`{s}` is not an amount of dollars an hour, like 0.25"))?;
    if !(v.is_finite() && (0.001..=1000.0).contains(&v)) {
        return Err("a budget is between $0.001 and $1000 an hour".into());
    }
    Ok(v)
}

pub(super) fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("expected an RFC 3339 time like 2026-11-22T14:00:00Z ({e})"))
}

/// `--org-exclude 111111111111`: twelve digits.
pub(super) fn parse_account_id(s: &str) -> Result<String, String> {
    let s = s.trim();
    if crate::accounts::is_account_id(s) {
        Ok(s.to_string())
    } else {
        Err(format!("'{s}' is not an account ID (12 digits)"))
    }
}
