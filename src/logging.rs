//! The log: a file in the state directory, never the terminal (the TUI owns it).
//! What is logged is what the sources send (operations, regions, error
//! messages): secrets never reach those, so they never reach the log.

use std::fs::{File, OpenOptions};
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

/// Starts logging to `path` (appending). A log that cannot be opened is not a
/// reason to refuse to run: the caller gets the reason and decides.
pub fn init(path: &Path, verbose: bool) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let file: File = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
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
        .try_init()
        .map_err(|e| format!("logging: {e}"))
}
