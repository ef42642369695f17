//! The Price List's answers kept on disk: one price file a region in the
//! state directory (`prices/REGION.toml`, private to the user), dated the day
//! it was read. A file older than [`MAX_AGE_DAYS`], or one that cannot be
//! read, is not used: the caller says why in the log and reads the list
//! again, or falls back to the bundled prices.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::cost::ListError;

/// How long an answer is used: list prices change a few times a year.
pub const MAX_AGE_DAYS: i64 = 30;

/// A cached file is a few dozen KiB (EC2's instance types); more is not one.
const MAX_BYTES: u64 = 512 * 1024;

/// `$XDG_STATE_HOME/awstop/prices`.
pub fn dir() -> Option<PathBuf> {
    crate::logging::state_dir().map(|d| d.join("prices"))
}

fn path(dir: &Path, region: &str) -> Result<PathBuf, ListError> {
    // The region names the file: only a region's name may.
    let region = crate::region::parse(region).map_err(ListError::Region)?;
    Ok(dir.join(format!("{region}.toml")))
}

/// A region's cached prices when fresh on `today`; `Ok(None)` when there
/// are none; `Err` (the warning) when there is a file that cannot be used.
pub fn read(dir: &Path, region: &str, today: NaiveDate) -> Result<Option<String>, ListError> {
    let p = path(dir, region)?;
    if std::fs::symlink_metadata(&p).is_err() {
        return Ok(None);
    }
    let text = crate::files::read_text(&p, MAX_BYTES, "a cached price file").map_err(ListError::Unreadable)?;
    let unusable = |why: String| ListError::Unusable { path: p.display().to_string(), why };
    let table: toml::Table = toml::from_str(&text).map_err(|e| unusable(e.message().to_string()))?;
    if table.get("region").and_then(|v| v.as_str()) != Some(region) {
        return Err(unusable(format!("not the prices of {region}")));
    }
    let date = table
        .get("date")
        .and_then(|v| v.as_str())
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| unusable("no date read (YYYY-MM-DD)".into()))?;
    let age = (today - date).num_days();
    if age > MAX_AGE_DAYS {
        return Err(unusable(format!("read {date}, more than {MAX_AGE_DAYS} days ago")));
    }
    if age < 0 {
        return Err(unusable(format!("dated {date}, after today")));
    }
    Ok(Some(text))
}

/// Keeps a region's prices, replacing what was there: private to the user
/// (0600) in a private directory, never written through a link.
pub fn write(dir: &Path, region: &str, text: &str) -> Result<(), ListError> {
    let p = path(dir, region)?;
    let at = |path: &Path| {
        let path = path.display().to_string();
        move |error| ListError::Write { path, error }
    };
    crate::files::private_dir(dir).map_err(at(dir))?;
    let mut f = crate::files::create(&p, crate::files::Existing::Replace).map_err(at(&p))?;
    f.write_all(text.as_bytes()).map_err(at(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn file(date: &str) -> String {
        format!("region = \"eu-west-1\"\ndate = \"{date}\"\n[eks]\nusd-per-cluster-hour-standard = 0.1\nusd-per-cluster-hour-extended = 0.6\n")
    }

    #[test]
    fn a_fresh_file_is_used_and_a_stale_one_is_not() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("prices");
        assert_eq!(read(&d, "eu-west-1", day("2026-12-06")).unwrap(), None);
        write(&d, "eu-west-1", &file("2026-11-06")).unwrap();
        assert_eq!(read(&d, "eu-west-1", day("2026-12-06")).unwrap(), Some(file("2026-11-06")));
        let stale = read(&d, "eu-west-1", day("2026-12-07")).unwrap_err().to_string();
        assert!(stale.contains("read 2026-11-06, more than 30 days ago"), "{stale}");
        assert!(read(&d, "eu-west-1", day("2026-11-05")).unwrap_err().to_string().contains("after today"));
    }

    #[cfg(unix)]
    #[test]
    fn the_cache_is_private_and_replaced_in_place() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("state/prices");
        write(&d, "eu-west-1", &file("2026-12-01")).unwrap();
        write(&d, "eu-west-1", &file("2026-12-06")).unwrap();
        let f = d.join("eu-west-1.toml");
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(&d).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(std::fs::read_to_string(&f).unwrap(), file("2026-12-06"));
        // Never through a link planted at the path.
        let target = t.path().join("elsewhere");
        std::fs::write(&target, "mine").unwrap();
        std::fs::remove_file(&f).unwrap();
        std::os::unix::fs::symlink(&target, &f).unwrap();
        assert!(write(&d, "eu-west-1", &file("2026-12-06")).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
    }

    #[test]
    fn an_unreadable_file_is_a_warning_never_a_panic() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        let today = day("2026-12-06");
        for (bad, why) in [
            ("region = \"eu-west-1\"\ndate = [", "eu-west-1.toml"),
            ("region = \"eu-west-1\"\n", "no date read"),
            ("region = \"eu-west-1\"\ndate = \"2026-12\"\n", "no date read"),
            ("region = \"us-east-1\"\ndate = \"2026-12-06\"\n", "not the prices of eu-west-1"),
        ] {
            std::fs::write(d.join("eu-west-1.toml"), bad).unwrap();
            let e = read(d, "eu-west-1", today).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
        std::fs::write(d.join("eu-west-1.toml"), [0xff, 0xfe, b'x']).unwrap();
        assert!(read(d, "eu-west-1", today).unwrap_err().to_string().contains("not UTF-8"));
        assert!(read(d, "../etc", today).is_err());
    }
}
