//! `--actuals`: what the bill says, beside the estimate. Cost Explorer's
//! figures for yesterday and the month so far, by service, kept on disk so
//! that they are asked at most once an hour: each request costs $0.01.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

pub use super::error::{BillError, KeepError};
pub use crate::aws::actuals::{Actuals, MAX_AGE_MINUTES};

/// `$XDG_STATE_HOME/awstop/actuals.json`.
pub fn path() -> Option<PathBuf> {
    crate::logging::state_dir().map(|d| d.join("actuals.json"))
}

/// The cached answer when fresh at `now`; anything else (none, stale,
/// unreadable) is `None`: Cost Explorer is asked again.
pub fn cached(path: &Path, now: DateTime<Utc>) -> Option<Actuals> {
    let text = crate::files::read_text(path, 64 * 1024, "the cached bill").ok()?;
    let a: Actuals = serde_json::from_str(&text).ok()?;
    a.fresh(now).then_some(a)
}

/// Keeps an answer: private to the user, never written through a link.
pub fn keep(path: &Path, a: &Actuals) -> Result<(), KeepError> {
    let at = |path: &Path| {
        let path = path.display().to_string();
        move |error| KeepError::Write { path, error }
    };
    if let Some(dir) = path.parent() {
        crate::files::private_dir(dir).map_err(at(dir))?;
    }
    let text = serde_json::to_string(a).map_err(KeepError::Encode)?;
    let mut f = crate::files::create(path, crate::files::Existing::Replace).map_err(at(path))?;
    f.write_all(text.as_bytes()).map_err(at(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn bill(read: &str) -> Actuals {
        Actuals {
            read_at: at(read),
            yesterday_usd: 41.5,
            month_to_date_usd: Some(250.0),
            yesterday_by_service: [("AWS Lambda".to_string(), 30.0)].into(),
        }
    }

    #[test]
    fn an_answer_is_kept_an_hour_and_privately() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("state/actuals.json");
        assert_eq!(cached(&p, at("2026-12-07T10:00:00Z")), None);
        keep(&p, &bill("2026-12-07T10:00:00Z")).unwrap();
        assert_eq!(cached(&p, at("2026-12-07T10:59:00Z")), Some(bill("2026-12-07T10:00:00Z")));
        assert_eq!(cached(&p, at("2026-12-07T11:00:00Z")), None, "an hour old: asked again");
        assert_eq!(cached(&p, at("2026-12-07T09:00:00Z")), None, "read in the future");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&p, "not json").unwrap();
        assert_eq!(cached(&p, at("2026-12-07T10:30:00Z")), None);
    }
}
