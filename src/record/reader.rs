//! Reads and checks a recording one line at a time, so memory does not grow
//! with the file; no line may be longer than `MAX_LINE`. Never panics on any
//! input: every problem becomes a one-line message naming the file and line.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;

use super::error::{HeaderError, ReadError};
use super::{
    is_compressed, sane_time, sha256_hex, sign, Header, Line, FORMAT, FORMATS_LEGACY, MAX_HEADER,
    MAX_LINE,
};
use crate::services::msg::DataMsg;

/// Why a recording cannot be trusted, at the first line where it fails.
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
    /// A signature does not verify with the recording's key.
    Signature { line: usize },
    /// A line longer than any record: not a recording.
    TooLong { line: usize },
}

impl Problem {
    pub fn line(&self) -> usize {
        match self {
            Problem::Chain { line, .. }
            | Problem::Malformed { line, .. }
            | Problem::AfterEnd { line }
            | Problem::Count { line, .. }
            | Problem::Signature { line }
            | Problem::TooLong { line } => *line,
        }
    }

    /// One line, with anything taken from the file escaped: a field name
    /// holding escape codes cannot paint over the verdict.
    pub fn describe(&self) -> String {
        let text = match self {
            Problem::Chain { line, expected, found } => format!(
                "line {line}: hash chain broken (line {} was changed, or lines were removed or reordered): expected {expected}, found {}",
                line - 1,
                crate::fmt::escape_controls(&crate::fmt::truncate(found, 80))
            ),
            Problem::Malformed { line, reason } => format!("line {line}: not a valid record: {}", crate::fmt::truncate(reason, 200)),
            Problem::AfterEnd { line } => format!("line {line}: data after the end of the recording"),
            Problem::Count { line, expected, found } => format!("line {line}: the end mark counts {found} records but {expected} precede it"),
            Problem::Signature { line } => format!("line {line}: the signature does not verify: the recording was changed after it was signed"),
            Problem::TooLong { line } => format!("line {line} is longer than {} MiB: not an awstop recording", MAX_LINE >> 20),
        };
        crate::fmt::escape_controls(&text)
    }
}

/// What a read of the whole file found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Records read (up to the first problem, unless reading on past it).
    pub records: u64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    /// The first problem found; reading stops there unless told to go on
    /// (`replay --force` shows the rest).
    pub problem: Option<Problem>,
    /// Survivable oddities: a cut-off last line, a compressed stream cut short.
    pub warnings: Vec<String>,
    /// The end mark was read.
    pub ended: bool,
    /// When the recording was closed (the end mark's time).
    pub closed_at: Option<DateTime<Utc>>,
    /// Records covered by a signature that verifies: always the first ones.
    pub signed: u64,
    /// The time of the last record covered by a signature.
    pub signed_last: Option<DateTime<Utc>>,
    /// The hash of the last line: what an auditor anchors elsewhere.
    pub chain_head: String,
}

enum Read_ {
    Line(Vec<u8>),
    Incomplete,
    Eof,
    TooLong,
    /// Compressed data that is not zstd (junk after the last frame, a corrupt frame).
    Corrupt(String),
}

pub struct Reader {
    src: Box<dyn BufRead + Send>,
    name: String,
    pub header: Header,
    key: Option<VerifyingKey>,
    line_no: usize,
    buf: Vec<u8>,
    done: bool,
    /// Read on past the first problem (`replay --force`).
    keep_going: bool,
    pub summary: Summary,
}

/// zstd's frame magic number, little-endian.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// What a file named `.zst` that is not zstd data holds instead.
fn not_zstd(start: &[u8]) -> &'static str {
    match start.iter().find(|b| !b.is_ascii_whitespace()) {
        None => "empty file, not an awstop recording",
        Some(b'{') => "a plain recording, not zstd-compressed: name it without .zst",
        Some(_) => "not zstd-compressed data, not an awstop recording",
    }
}

impl Reader {
    /// Opens `path`, decompressing as it reads when the name ends in `.zst`.
    /// Only a regular file is read: a FIFO or a device is refused at once.
    pub fn open(path: &Path) -> Result<Reader, ReadError> {
        let name = path.display().to_string();
        let file = crate::files::open_regular(path).map_err(ReadError::Open)?;
        let mut file = BufReader::new(file);
        let io = |e: std::io::Error| ReadError::Io {
            file: name.clone(),
            error: e.to_string(),
        };
        let start = file.fill_buf().map_err(io)?;
        let zstd = start.starts_with(&ZSTD_MAGIC);
        let header = |why| ReadError::Header {
            file: name.clone(),
            why,
        };
        let src: Box<dyn BufRead + Send> = match (is_compressed(path), zstd) {
            (true, true) => {
                let d = zstd::stream::read::Decoder::with_buffer(file).map_err(io)?;
                Box::new(BufReader::new(d))
            }
            (true, false) => return Err(header(HeaderError::NotZstd(not_zstd(start)))),
            (false, true) => return Err(header(HeaderError::Compressed)),
            (false, false) => Box::new(file),
        };
        Reader::new(src, name)
    }

    /// Reads on past the first problem instead of stopping there.
    pub fn keep_going(mut self) -> Reader {
        self.keep_going = true;
        self
    }

    /// Reads the header of a recording from `src`.
    pub fn new(src: Box<dyn BufRead + Send>, name: String) -> Result<Reader, ReadError> {
        let mut r = Reader {
            src,
            name,
            header: Header::new(None, Vec::new(), DateTime::<Utc>::MIN_UTC),
            key: None,
            line_no: 0,
            buf: Vec::new(),
            done: false,
            keep_going: false,
            summary: Summary::default(),
        };
        let bad = |file: &str, why| ReadError::Header {
            file: file.to_string(),
            why,
        };
        let first = match r.read_line(MAX_HEADER) {
            Read_::Line(b) => b,
            Read_::Eof => return Err(bad(&r.name, HeaderError::Empty)),
            Read_::Incomplete | Read_::TooLong | Read_::Corrupt(_) => {
                return Err(bad(&r.name, HeaderError::NotHeader(None)))
            }
        };
        r.line_no = 1;
        let header: Header = std::str::from_utf8(&first)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str(s).map_err(|e| e.to_string()))
            .map_err(|e| bad(&r.name, HeaderError::NotHeader(Some(e))))?;
        if header.format == FORMAT {
            // The key is a value in the file, never a name to open.
            let key = header
                .public_key
                .as_deref()
                .ok_or(HeaderError::NoPublicKey)
                .and_then(|k| sign::recorded_key(k).map_err(HeaderError::Key))
                .map_err(|why| bad(&r.name, why))?;
            r.key = Some(key);
        } else if !FORMATS_LEGACY.contains(&header.format.as_str()) {
            let format = crate::fmt::escape_controls(&crate::fmt::truncate(&header.format, 40));
            return Err(bad(&r.name, HeaderError::UnknownFormat(format)));
        }
        if !sane_time(header.started_at) {
            return Err(bad(&r.name, HeaderError::StartedAt(header.started_at)));
        }
        r.summary.chain_head = sha256_hex(&first);
        r.header = header;
        Ok(r)
    }

    /// Whether the recording is in the signed format (older ones are read as unsigned).
    pub fn signed(&self) -> bool {
        self.key.is_some()
    }

    fn read_line(&mut self, max: usize) -> Read_ {
        self.buf.clear();
        let mut limited = (&mut self.src).take(max as u64 + 1);
        match limited.read_until(b'\n', &mut self.buf) {
            Ok(0) => Read_::Eof,
            Ok(_) if self.buf.last() == Some(&b'\n') => {
                self.buf.pop();
                Read_::Line(std::mem::take(&mut self.buf))
            }
            Ok(_) if self.buf.len() > max => Read_::TooLong,
            Ok(_) => Read_::Incomplete,
            Err(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                Read_::Corrupt(e.to_string())
            }
            Err(e) => {
                // A compressed frame cut off by a crash: keep what came before.
                self.summary.warnings.push(format!(
                    "{}: compressed data ends early ({e}); reading what came before",
                    self.name
                ));
                if self.buf.is_empty() {
                    Read_::Eof
                } else {
                    Read_::Incomplete
                }
            }
        }
    }

    /// Records the first problem; reading stops there unless `keep_going`.
    fn note(&mut self, p: Problem) {
        self.summary.problem.get_or_insert(p);
        if !self.keep_going {
            self.done = true;
        }
    }

    /// The next message with its receive time; `None` at the end of the data,
    /// or at the first problem unless reading on past it.
    pub fn next_record(&mut self) -> Option<(DateTime<Utc>, DataMsg)> {
        while !self.done {
            let bytes = match self.read_line(MAX_LINE) {
                Read_::Line(b) => b,
                Read_::Eof => {
                    self.done = true;
                    break;
                }
                Read_::Incomplete => {
                    self.done = true;
                    self.line_no += 1;
                    if self.summary.ended {
                        let line = self.line_no;
                        self.note(Problem::AfterEnd { line });
                    } else {
                        self.summary.warnings.push(format!(
                            "{}: line {} is incomplete (the recording was cut off while writing it); using the {} complete lines before it",
                            self.name,
                            self.line_no,
                            self.line_no - 1
                        ));
                    }
                    break;
                }
                Read_::TooLong => {
                    self.done = true;
                    let line = self.line_no + 1;
                    self.note(Problem::TooLong { line });
                    break;
                }
                Read_::Corrupt(e) => {
                    self.done = true;
                    let line = self.line_no + 1;
                    self.note(Problem::Malformed {
                        line,
                        reason: format!("not zstd data after the last whole frame ({e})"),
                    });
                    break;
                }
            };
            self.line_no += 1;
            if let Some(rec) = self.check(bytes) {
                return Some(rec);
            }
        }
        None
    }

    /// Checks one line against the chain and the key; a record is returned
    /// only when its line holds.
    fn check(&mut self, bytes: Vec<u8>) -> Option<(DateTime<Utc>, DataMsg)> {
        let n = self.line_no;
        let prev = std::mem::replace(&mut self.summary.chain_head, sha256_hex(&bytes));
        let parsed = std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(|s| serde_json::from_str::<Line>(s).map_err(|e| e.to_string()));
        let l = match parsed {
            Ok(l) => l,
            Err(reason) => {
                self.note(Problem::Malformed { line: n, reason });
                return None;
            }
        };
        let mut bad = None;
        if self.summary.ended {
            bad = Some(Problem::AfterEnd { line: n });
        } else if l.prev != prev {
            bad = Some(Problem::Chain {
                line: n,
                expected: prev,
                found: l.prev.clone(),
            });
        } else if let Some(t) = std::iter::once(l.at)
            .chain(l.msg.as_ref().and_then(message_time))
            .find(|t| !sane_time(*t))
        {
            // The message's own time too: the model ages and windows from it.
            bad = Some(Problem::Malformed {
                line: n,
                reason: format!("time {} is not between 2000 and 2100", t.to_rfc3339()),
            });
        }
        if let Some(p) = bad {
            self.note(p);
            if !self.keep_going {
                return None;
            }
        }
        let records = self.summary.records;
        match (l.msg, l.end, l.sig.is_some()) {
            (Some(m), None, false) => {
                let s = &mut self.summary;
                s.records += 1;
                s.first.get_or_insert(l.at);
                s.last = Some(l.at);
                return Some((l.at, m));
            }
            (None, end, true) => {
                if let Some(count) = end {
                    self.ended(n, l.at, count);
                }
                let kind = if end.is_some() { "end" } else { "checkpoint" };
                // Older formats' signatures are not checked: they are read as unsigned.
                if let Some(key) = &self.key {
                    let good = sign::split_signed(&bytes).is_some_and(|(unsigned, sig)| {
                        sign::verifies(key, &sign::message(kind, records, &unsigned), &sig)
                    });
                    if good {
                        self.summary.signed = records;
                        self.summary.signed_last = self.summary.last;
                    } else {
                        self.note(Problem::Signature { line: n });
                    }
                }
            }
            (None, Some(count), false) if self.key.is_none() => self.ended(n, l.at, count),
            (None, Some(_), false) => self.note(Problem::Signature { line: n }),
            _ => self.note(Problem::Malformed {
                line: n,
                reason: "a record needs exactly one of msg, end and sig".into(),
            }),
        }
        None
    }

    /// The end mark: the recording was closed, holding `count` records.
    fn ended(&mut self, line: usize, at: DateTime<Utc>, count: u64) {
        self.summary.ended = true;
        self.summary.closed_at = Some(at);
        let records = self.summary.records;
        if count != records {
            self.note(Problem::Count {
                line,
                expected: records,
                found: count,
            });
        }
    }

    /// Reads what is left, keeping nothing, and says what the file held.
    pub fn finish(mut self) -> Summary {
        while self.next_record().is_some() {}
        self.summary
    }
}

/// A whole recording in memory: for tests and the fuzzer, which read small files.
#[derive(Debug, Clone)]
pub struct Recording {
    pub header: Header,
    pub records: Vec<(DateTime<Utc>, DataMsg)>,
    pub problem: Option<Problem>,
    pub warnings: Vec<String>,
    pub ended: bool,
    pub summary: Summary,
}

fn collect(mut r: Reader) -> Recording {
    let mut records = Vec::new();
    while let Some(rec) = r.next_record() {
        records.push(rec);
    }
    let header = r.header.clone();
    let mut summary = r.finish();
    if !summary.ended && summary.problem.is_none() {
        summary.warnings.push("no end mark: the recording was not closed cleanly (awstop was stopped, or its end was cut off)".into());
    }
    Recording {
        header,
        records,
        problem: summary.problem.clone(),
        warnings: summary.warnings.clone(),
        ended: summary.ended,
        summary,
    }
}

/// Reads all of `path`. `Err` only when there is no usable header.
pub fn read(path: &Path) -> Result<Recording, ReadError> {
    Reader::open(path).map(collect)
}

/// Parses plain recording bytes; `name` is used in messages only.
pub fn parse(bytes: &[u8], name: &str) -> Result<Recording, ReadError> {
    let src: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(bytes.to_vec()));
    Reader::new(src, name.to_string()).map(collect)
}

/// Everything that decodes, up to `MAX_LINE` bytes; a frame cut off by a crash
/// ends the data with a warning.
pub fn decompress(raw: &[u8]) -> (Vec<u8>, Option<String>) {
    let mut out = Vec::new();
    let warning = match zstd::stream::read::Decoder::new(raw) {
        Ok(d) => match d.take(MAX_LINE as u64).read_to_end(&mut out) {
            Ok(_) => None,
            Err(e) => Some(format!(
                "compressed data ends early ({e}); reading what came before"
            )),
        },
        Err(e) => Some(format!("cannot decompress ({e})")),
    };
    (out, warning)
}

#[cfg(test)]
mod tests;

/// The time a message carries of its own, which replay computes with.
fn message_time(m: &DataMsg) -> Option<DateTime<Utc>> {
    match m {
        DataMsg::Loaded { fetched_at, .. } | DataMsg::Changes { fetched_at, .. } => Some(*fetched_at),
        DataMsg::Api { at, .. } => Some(*at),
        _ => None,
    }
}
