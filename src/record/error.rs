//! What can go wrong opening, signing and writing a recording. Each error
//! shows as one line naming the file (and the line in it, where there is
//! one): what the user reads on stderr and in the footer.

use std::fmt;

use chrono::{DateTime, Utc};

use super::{FORMAT, FORMATS_LEGACY};

/// A recording that cannot be read at all: no usable header. (What is wrong
/// further in is a `reader::Problem`: the lines before it still count.)
#[derive(Debug)]
pub enum ReadError {
    /// Not there, not a regular file, or not ours to read; says which file.
    Open(String),
    /// Reading the file failed.
    Io { file: String, error: String },
    /// Line 1 is not a header this awstop reads.
    Header { file: String, why: HeaderError },
}

/// What is wrong with a recording's first line.
#[derive(Debug)]
pub enum HeaderError {
    /// A name ending in `.zst` over data that is not zstd: what it is instead.
    NotZstd(&'static str),
    /// zstd data under a plain name.
    Compressed,
    Empty,
    /// Not a header; why, when the JSON said.
    NotHeader(Option<String>),
    NoPublicKey,
    Key(KeyError),
    /// A format this awstop does not read (escaped and cut short).
    UnknownFormat(String),
    StartedAt(DateTime<Utc>),
}

/// A key that cannot be used: the private key to sign with, or a public key
/// to check against.
#[derive(Debug)]
pub enum KeyError {
    /// The key file cannot be opened; says which file.
    Open(String),
    /// Reading or writing `path` failed.
    Io {
        path: String,
        error: String,
    },
    NotKeyFile {
        path: String,
        error: String,
    },
    /// A private key others can read.
    Readable {
        path: String,
        mode: u32,
    },
    NotPrivateKey {
        path: String,
    },
    Zeros {
        path: String,
    },
    NoStateDir,
    /// `--key` named the public half.
    PublicGiven {
        path: String,
    },
    NoRandomness(String),
    /// What the user gave (escaped) is not a public key.
    NotPublicKey {
        given: String,
    },
    InvalidPublicKey {
        given: String,
    },
    /// The key a recording carries (escaped and cut short) is not 64 lowercase hex digits.
    RecordedNotHex(String),
    RecordedInvalid,
    RecordedWeak,
}

/// A recording that cannot be created or written on.
#[derive(Debug)]
pub enum WriteError {
    Create { path: String, why: String },
    Write { path: String, error: String },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Open(e) => write!(f, "cannot read the recording: {e}"),
            ReadError::Io { file, error } => {
                write!(f, "{file}: cannot read the recording: {error}")
            }
            ReadError::Header { file, why } => write!(f, "{file}: line 1: {why}"),
        }
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::NotZstd(what) => f.write_str(what),
            HeaderError::Compressed => f.write_str("zstd-compressed: name it with .zst to read it"),
            HeaderError::Empty => f.write_str("empty file, not an awstop recording"),
            HeaderError::NotHeader(None) => f.write_str("not an awstop recording header"),
            HeaderError::NotHeader(Some(e)) => write!(f, "not an awstop recording header ({e})"),
            HeaderError::NoPublicKey => f.write_str("a signed recording without its public key"),
            HeaderError::Key(e) => e.fmt(f),
            HeaderError::UnknownFormat(format) => write!(
                f,
                "unknown recording format {format:?} (this awstop reads {FORMAT}, and {} unsigned)",
                FORMATS_LEGACY.join(" and ")
            ),
            HeaderError::StartedAt(t) => write!(
                f,
                "started_at {} is not between 2000 and 2100",
                t.to_rfc3339()
            ),
        }
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Open(e) => f.write_str(e),
            KeyError::Io { path, error } => write!(f, "{path}: {error}"),
            KeyError::NotKeyFile { path, error } => write!(f, "{path}: not a key file ({error})"),
            KeyError::Readable { path, mode } => write!(
                f,
                "{path}: the private key is readable by others (mode {mode:o}): chmod 600 it"
            ),
            KeyError::NotPrivateKey { path } => {
                write!(
                    f,
                    "{path}: line 1: not an awstop private key (64 hex digits)"
                )
            }
            KeyError::Zeros { path } => {
                write!(f, "{path}: line 1: a private key of zeros is no secret")
            }
            KeyError::NoStateDir => {
                f.write_str("no state directory (HOME is not set): pass --key FILE")
            }
            KeyError::PublicGiven { path } => write!(
                f,
                "{path}: a public key (.pub): --key takes the private key beside it"
            ),
            KeyError::NoRandomness(e) => write!(f, "no randomness for a new key: {e}"),
            KeyError::NotPublicKey { given } => {
                write!(f, "{given}: not an awstop public key (64 hex digits)")
            }
            KeyError::InvalidPublicKey { given } => {
                write!(f, "{given}: not a valid Ed25519 public key")
            }
            KeyError::RecordedNotHex(value) => {
                write!(f, "public_key {value:?} is not 64 lowercase hex digits")
            }
            KeyError::RecordedInvalid => {
                f.write_str("public_key is not a valid Ed25519 public key")
            }
            KeyError::RecordedWeak => {
                f.write_str("public_key is a weak Ed25519 key that anyone can sign for")
            }
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Create { path, why } => {
                write!(f, "{path}: cannot create the recording: {why}")
            }
            WriteError::Write { path, error } => {
                write!(f, "{path}: cannot write the recording: {error}")
            }
        }
    }
}

impl std::error::Error for ReadError {}
impl std::error::Error for KeyError {}
impl std::error::Error for WriteError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_is_one_line_naming_the_file_and_where_in_it() {
        let header = |why| {
            ReadError::Header {
                file: "a.awstop".into(),
                why,
            }
            .to_string()
        };
        assert_eq!(
            header(HeaderError::UnknownFormat("x/9".into())),
            "a.awstop: line 1: unknown recording format \"x/9\" (this awstop reads awstop.recording/3, and awstop.recording/1 and awstop.recording/2 unsigned)"
        );
        assert_eq!(
            header(HeaderError::Key(KeyError::RecordedWeak)),
            "a.awstop: line 1: public_key is a weak Ed25519 key that anyone can sign for"
        );
        assert_eq!(
            header(HeaderError::NotHeader(None)),
            "a.awstop: line 1: not an awstop recording header"
        );
        assert_eq!(
            KeyError::Readable {
                path: "k".into(),
                mode: 0o644
            }
            .to_string(),
            "k: the private key is readable by others (mode 644): chmod 600 it"
        );
        assert_eq!(
            WriteError::Create {
                path: "r.awstop".into(),
                why: "already exists (pass --force to replace it)".into()
            }
            .to_string(),
            "r.awstop: cannot create the recording: already exists (pass --force to replace it)"
        );
    }
}
