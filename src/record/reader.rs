//! Reads and checks a recording. Never panics on any input: every problem
//! becomes a one-line message naming the file and the line.

use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};

use super::{is_compressed, sha256_hex, Header, Line, FORMAT};
use crate::services::msg::DataMsg;

/// Why the chain does not hold, at the first line where it fails.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// This line's `prev` is not the hash of the line before it: that line was
    /// changed, or lines were removed or reordered here.
    Chain {
        line: usize,
        expected: String,
        found: String,
    },
    /// This line is not a record at all.
    Malformed { line: usize, reason: String },
    /// Lines follow the end mark.
    AfterEnd { line: usize },
    /// The end mark counts a different number of records than precede it.
    Count {
        line: usize,
        expected: u64,
        found: u64,
    },
}

impl Problem {
    pub fn line(&self) -> usize {
        match self {
            Problem::Chain { line, .. }
            | Problem::Malformed { line, .. }
            | Problem::AfterEnd { line }
            | Problem::Count { line, .. } => *line,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Problem::Chain { line, expected, found } => format!(
                "line {line}: hash chain broken (line {} was changed, or lines were removed or reordered): expected {expected}, found {found}",
                line - 1
            ),
            Problem::Malformed { line, reason } => format!("line {line}: not a valid record: {reason}"),
            Problem::AfterEnd { line } => format!("line {line}: data after the end of the recording"),
            Problem::Count { line, expected, found } => format!("line {line}: the end mark counts {found} records but {expected} precede it"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Recording {
    pub header: Header,
    /// Every readable message with its receive time, in file order.
    pub records: Vec<(DateTime<Utc>, DataMsg)>,
    /// The first problem found; reading goes on past it so `--force` can show the rest.
    pub problem: Option<Problem>,
    /// Survivable oddities: a cut-off last line, a missing end mark.
    pub warnings: Vec<String>,
    pub ended: bool,
}

impl Recording {
    pub fn first(&self) -> Option<DateTime<Utc>> {
        self.records.first().map(|r| r.0)
    }
    pub fn last(&self) -> Option<DateTime<Utc>> {
        self.records.last().map(|r| r.0)
    }
}

/// Reads `path`, decompressing when it ends in `.zst`. `Err` only when there is
/// no usable header; chain problems are in `problem`.
pub fn read(path: &Path) -> Result<Recording, String> {
    let name = path.display().to_string();
    let raw = std::fs::read(path).map_err(|e| format!("{name}: cannot read the recording: {e}"))?;
    if is_compressed(path) {
        let (text, warning) = decompress(&raw);
        let mut rec = parse(&text, &name)?;
        if let Some(w) = warning {
            rec.warnings.insert(0, format!("{name}: {w}"));
        }
        Ok(rec)
    } else {
        parse(&raw, &name)
    }
}

/// Everything that decodes; a frame cut off by a crash ends the data with a warning.
pub fn decompress(raw: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::new();
    let warning = match zstd::stream::read::Decoder::new(raw) {
        Ok(mut d) => match d.read_to_end(&mut out) {
            Ok(_) => None,
            Err(e) => Some(format!(
                "compressed data ends early ({e}); reading what came before"
            )),
        },
        Err(e) => Some(format!("cannot decompress ({e})")),
    };
    (out, warning)
}

/// Parses and checks recording bytes. `name` is used in messages only.
pub fn parse(bytes: &[u8], name: &str) -> Result<Recording, String> {
    let mut warnings = Vec::new();
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    // After the final newline `split` yields an empty piece: not a line.
    let tail = lines.pop().unwrap_or_default();
    if !tail.is_empty() {
        warnings.push(format!(
            "{name}: line {} is incomplete (the recording was cut off while writing it); using the {} complete lines before it",
            lines.len() + 1,
            lines.len()
        ));
    }
    let Some(first) = lines.first() else {
        return Err(format!(
            "{name}: line 1: empty file, not an awstop recording"
        ));
    };
    let header: Header = std::str::from_utf8(first)
        .map_err(|e| e.to_string())
        .and_then(|s| serde_json::from_str(s).map_err(|e| e.to_string()))
        .map_err(|e| format!("{name}: line 1: not an awstop recording header ({e})"))?;
    if header.format != FORMAT {
        return Err(format!(
            "{name}: line 1: unknown recording format {:?} (this awstop reads {FORMAT})",
            header.format
        ));
    }
    let mut rec = Recording {
        header,
        records: Vec::new(),
        problem: None,
        warnings,
        ended: false,
    };
    let mut prev = sha256_hex(first);
    for (i, bytes) in lines.iter().enumerate().skip(1) {
        let n = i + 1;
        let hash = sha256_hex(bytes);
        let line = std::str::from_utf8(bytes)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str::<Line>(s).map_err(|e| e.to_string()));
        let note = |rec: &mut Recording, p: Problem| {
            rec.problem.get_or_insert(p);
        };
        match line {
            Err(reason) => note(&mut rec, Problem::Malformed { line: n, reason }),
            Ok(l) => {
                if rec.ended {
                    note(&mut rec, Problem::AfterEnd { line: n });
                }
                if l.prev != prev {
                    note(
                        &mut rec,
                        Problem::Chain {
                            line: n,
                            expected: prev.clone(),
                            found: l.prev.clone(),
                        },
                    );
                }
                match (l.msg, l.end) {
                    (Some(m), None) => rec.records.push((l.at, m)),
                    (None, Some(count)) => {
                        rec.ended = true;
                        let expected = rec.records.len() as u64;
                        if count != expected {
                            note(
                                &mut rec,
                                Problem::Count {
                                    line: n,
                                    expected,
                                    found: count,
                                },
                            );
                        }
                    }
                    _ => note(
                        &mut rec,
                        Problem::Malformed {
                            line: n,
                            reason: "a record needs exactly one of msg and end".into(),
                        },
                    ),
                }
            }
        }
        prev = hash;
    }
    if !rec.ended {
        rec.warnings.push(format!("{name}: no end mark: the recording was not closed cleanly (awstop was stopped, or its end was cut off)"));
    }
    Ok(rec)
}

#[cfg(test)]
mod tests;
