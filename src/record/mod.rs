//! Audit recordings: the `DataMsg` stream as it flowed into the Model, as
//! append-only JSON lines chained by SHA-256 so any edit, deletion or
//! reordering shows.
//!
//! Line 1 is a [`Header`]. Every later line is a [`Line`] whose `prev` is the
//! SHA-256 (hex) of the previous line's bytes, without its newline. A clean
//! close appends an `end` line carrying the record count, so a cut-off tail is
//! told apart from a finished recording. A name ending in `.zst` makes each
//! line its own zstd frame: a crash loses at most the frame being written.

pub mod reader;
pub mod writer;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::services::msg::DataMsg;

pub const FORMAT: &str = "awstop.recording/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub awstop_version: String,
    pub account_id: Option<String>,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub regions: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub host: String,
}

impl Header {
    pub fn new(profile: Option<String>, regions: Vec<String>, started_at: DateTime<Utc>) -> Header {
        Header {
            format: FORMAT.into(),
            awstop_version: env!("CARGO_PKG_VERSION").into(),
            account_id: None,
            caller_arn: None,
            profile,
            regions,
            started_at,
            host: host_name(),
        }
    }
}

/// One line after the header: a message with its receive time, or the end mark.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub prev: String,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg: Option<DataMsg>,
    /// Present only on the last line of a cleanly closed recording: how many messages it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<u64>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub fn is_compressed(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "zst")
}

/// Which machine recorded: a hint for the auditor, never a credential.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "unknown".into())
}
