//! Audit recordings: the `DataMsg` stream as it flowed into the Model, as
//! append-only JSON lines chained by SHA-256 so any edit, deletion or
//! reordering shows, and signed with Ed25519 so that nobody without the
//! recording machine's private key can pass a changed file as the original.
//!
//! Line 1 is a [`Header`] with the signer's public key. Every later line is a
//! [`Line`] whose `prev` is the SHA-256 (hex) of the previous line's bytes,
//! without its newline. Every 100 records (or minute) a checkpoint line signs
//! every byte of itself but the signature (its `prev` is the chain head); a
//! clean close appends a signed `end` line carrying the record count, so a
//! cut-off tail is told apart from a finished recording. Records after the
//! last signature are shown only when asked for, marked unverified.
//! A name ending in `.zst` makes each line its own zstd frame: a crash loses at
//! most the frame being written.

pub mod error;
pub mod fuzz;
pub mod reader;
pub mod sign;
pub mod writer;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::services::msg::DataMsg;

/// Signed recordings: every byte of a checkpoint or end line but its
/// signature is signed.
pub const FORMAT: &str = "awstop.recording/3";
/// Older formats, still read but never trusted: format 1 has no signatures,
/// format 2 signed only the chain head (an end line's time could be changed).
pub const FORMATS_LEGACY: [&str; 2] = ["awstop.recording/1", "awstop.recording/2"];
/// The longest header line: a header is a few hundred bytes.
pub const MAX_HEADER: usize = 64 * 1024;
/// The longest record line: a refresh of 10,000 functions is a few megabytes.
pub const MAX_LINE: usize = 64 * 1024 * 1024;
/// A checkpoint signature at least this often.
pub const CHECKPOINT_RECORDS: u64 = 100;
pub const CHECKPOINT_SECONDS: i64 = 60;

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
    /// The signer's Ed25519 public key (hex); absent in unsigned recordings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
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
            public_key: None,
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
    /// A signature of the chain head (checkpoint lines and the end line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The span a recording's times must fall in: a recording is from this
/// century, and time arithmetic on anything inside it cannot overflow.
pub fn sane_time(t: DateTime<Utc>) -> bool {
    let lo = DateTime::<Utc>::from_timestamp(946_684_800, 0); // 2000-01-01
    let hi = DateTime::<Utc>::from_timestamp(4_102_444_800, 0); // 2100-01-01
    lo.is_some_and(|lo| t >= lo) && hi.is_some_and(|hi| t < hi)
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
