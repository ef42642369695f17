//! Writes a recording: every line is hashed into the next and flushed at once,
//! so a crash or kill loses at most the line being written; checkpoints and
//! the end line sign the chain head.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;

use super::{
    is_compressed, sha256_hex, sign, Header, Line, CHECKPOINT_RECORDS, CHECKPOINT_SECONDS, FORMAT,
};
use super::error::WriteError;
use crate::files::{self, Existing};
use crate::services::msg::DataMsg;

pub struct Writer {
    path: PathBuf,
    out: File,
    zstd: bool,
    /// Written with the first message, so it can name the account that message reports.
    header: Option<Header>,
    key: SigningKey,
    prev: String,
    records: u64,
    /// Records and time at the last signature.
    signed: (u64, Option<DateTime<Utc>>),
}

impl Writer {
    /// Creates the file now, so a bad path fails before anything runs. An
    /// existing file is replaced only when `replace`; a link never is.
    pub fn create(
        path: &Path,
        mut header: Header,
        key: SigningKey,
        replace: bool,
    ) -> Result<Writer, WriteError> {
        let existing = if replace {
            Existing::Replace
        } else {
            Existing::Refuse
        };
        let out = files::create(path, existing).map_err(|e| {
            let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
                "already exists (pass --force to replace it)".to_string()
            } else {
                e.to_string()
            };
            WriteError::Create {
                path: path.display().to_string(),
                why,
            }
        })?;
        header.format = FORMAT.into();
        header.public_key = Some(sign::public_hex(&key.verifying_key()));
        Ok(Writer {
            path: path.to_path_buf(),
            out,
            zstd: is_compressed(path),
            header: Some(header),
            key,
            prev: String::new(),
            records: 0,
            signed: (0, None),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    /// The signer's public key, for the user to pin.
    pub fn public_key(&self) -> String {
        sign::public_hex(&self.key.verifying_key())
    }

    fn write_header(&mut self, msg: Option<&DataMsg>) -> Result<(), WriteError> {
        let Some(mut h) = self.header.take() else {
            return Ok(());
        };
        if let Some(DataMsg::Account(a)) = msg {
            h.account_id = a.id.clone();
            h.caller_arn = a.caller_arn.clone();
            h.profile = a.profile.clone().or(h.profile);
            if !a.regions.is_empty() {
                h.regions = a.regions.clone();
            }
        }
        let line = serde_json::to_string(&h).map_err(|e| self.err(e))?;
        self.line(&line)
    }

    pub fn record(&mut self, at: DateTime<Utc>, msg: &DataMsg) -> Result<(), WriteError> {
        self.write_header(Some(msg))?;
        let line = Line {
            prev: self.prev.clone(),
            at,
            msg: Some(msg.clone()),
            end: None,
            sig: None,
        };
        let line = serde_json::to_string(&line).map_err(|e| self.err(e))?;
        self.line(&line)?;
        self.records += 1;
        let since = self.signed.1.map_or(0, |t| (at - t).num_seconds());
        if self.records - self.signed.0 >= CHECKPOINT_RECORDS || since >= CHECKPOINT_SECONDS {
            self.checkpoint(at)?;
        }
        if self.signed.1.is_none() {
            self.signed.1 = Some(at);
        }
        Ok(())
    }

    /// Signs the chain so far.
    fn checkpoint(&mut self, at: DateTime<Utc>) -> Result<(), WriteError> {
        self.signed_line(at, None)?;
        self.signed = (self.records, Some(at));
        Ok(())
    }

    /// A checkpoint (`end` = None) or end line, signed over all its bytes but the signature.
    fn signed_line(&mut self, at: DateTime<Utc>, end: Option<u64>) -> Result<(), WriteError> {
        let line = Line {
            prev: self.prev.clone(),
            at,
            msg: None,
            end,
            sig: None,
        };
        let unsigned = serde_json::to_string(&line).map_err(|e| self.err(e))?;
        let kind = if end.is_some() { "end" } else { "checkpoint" };
        let line = sign::signed_line(&self.key, kind, self.records, &unsigned);
        self.line(&line)
    }

    /// Marks a clean end, signed. A recording without it was cut short.
    pub fn finish(mut self, at: DateTime<Utc>) -> Result<u64, WriteError> {
        // Nothing was recorded: still leave a valid, verifiable file.
        self.write_header(None)?;
        self.signed_line(at, Some(self.records))?;
        Ok(self.records)
    }

    fn line(&mut self, line: &str) -> Result<(), WriteError> {
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

    fn err(&self, e: impl std::fmt::Display) -> WriteError {
        WriteError::Write {
            path: self.path.display().to_string(),
            error: e.to_string(),
        }
    }
}
