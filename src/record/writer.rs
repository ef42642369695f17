//! Writes a recording: every line is hashed into the next and flushed at once,
//! so a crash or kill loses at most the line being written.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::{is_compressed, sha256_hex, Header, Line};
use crate::services::msg::DataMsg;

pub struct Writer {
    path: PathBuf,
    out: File,
    zstd: bool,
    /// Written with the first message, so it can name the account that message reports.
    header: Option<Header>,
    prev: String,
    records: u64,
}

impl Writer {
    /// Creates (or replaces) the file now, so a bad path fails before anything runs.
    pub fn create(path: &Path, header: Header) -> Result<Writer, String> {
        let out = File::create(path)
            .map_err(|e| format!("{}: cannot create the recording: {e}", path.display()))?;
        Ok(Writer {
            path: path.to_path_buf(),
            out,
            zstd: is_compressed(path),
            header: Some(header),
            prev: String::new(),
            records: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn record(&mut self, at: DateTime<Utc>, msg: &DataMsg) -> Result<(), String> {
        if let Some(mut h) = self.header.take() {
            if let DataMsg::Account(a) = msg {
                h.account_id = a.id.clone();
                h.caller_arn = a.caller_arn.clone();
                h.profile = a.profile.clone().or(h.profile);
                if !a.regions.is_empty() {
                    h.regions = a.regions.clone();
                }
            }
            let line = serde_json::to_string(&h).map_err(|e| self.err(e))?;
            self.line(&line)?;
        }
        let line = Line {
            prev: self.prev.clone(),
            at,
            msg: Some(msg.clone()),
            end: None,
        };
        let line = serde_json::to_string(&line).map_err(|e| self.err(e))?;
        self.line(&line)?;
        self.records += 1;
        Ok(())
    }

    /// Marks a clean end. A recording without it was cut short.
    pub fn finish(mut self, at: DateTime<Utc>) -> Result<u64, String> {
        // Nothing was recorded: still leave a valid, verifiable file.
        if let Some(h) = self.header.take() {
            let line = serde_json::to_string(&h).map_err(|e| self.err(e))?;
            self.line(&line)?;
        }
        let line = Line {
            prev: self.prev.clone(),
            at,
            msg: None,
            end: Some(self.records),
        };
        let line = serde_json::to_string(&line).map_err(|e| self.err(e))?;
        self.line(&line)?;
        Ok(self.records)
    }

    fn line(&mut self, line: &str) -> Result<(), String> {
        let mut bytes = Vec::with_capacity(line.len() + 1);
        bytes.extend_from_slice(line.as_bytes());
        bytes.push(b'\n');
        let data = if self.zstd {
            zstd::stream::encode_all(&bytes[..], 3).map_err(|e| self.err(e))?
        } else {
            bytes
        };
        self.out
            .write_all(&data)
            .and_then(|_| self.out.flush())
            .map_err(|e| self.err(e))?;
        self.prev = sha256_hex(line.as_bytes());
        Ok(())
    }

    fn err(&self, e: impl std::fmt::Display) -> String {
        format!("{}: cannot write the recording: {e}", self.path.display())
    }
}
