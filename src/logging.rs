//! The log: a file in the state directory, never the terminal (the TUI owns it).
//! What is logged is what the sources send (operations, regions, error
//! messages): secrets never reach those, so they never reach the log.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// `$XDG_STATE_HOME/awstop`, else `~/.local/state/awstop`.
pub fn state_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/state")))
        .map(|d| d.join("awstop"))
}

pub fn default_path() -> Option<PathBuf> {
    state_dir().map(|d| d.join("awstop.log"))
}

/// Starts logging to `path` (appending, private to the user, never through a
/// link). Only the default state directory is created when missing: a path
/// the user gave must be where they said. A log that cannot be opened is not a
/// reason to refuse to run: the caller gets the reason and decides.
pub fn init(path: &Path, verbose: bool, create_dir: bool) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|_| create_dir) {
        crate::files::private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file: File = crate::files::create(path, crate::files::Existing::Append)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let level = if verbose {
        tracing::Level::DEBUG
    } else {
        tracing::Level::INFO
    };
    tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_max_level(level)
        .with_target(false)
        // A file, not a terminal: no colour codes (the `ansi` feature is on
        // only so that the test build shares this build's dependencies).
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("logging: {e}"))
}
