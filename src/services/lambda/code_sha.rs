//! A function's code digest as the API wrote it. Every refresh compares it
//! with the last read's for every function; kept as a string it was a
//! separate allocation on each side, and the comparison two cache misses a
//! function (a third of a 10,000-function refresh). A SHA-256 written the
//! canonical way is kept as its 32 bytes, inside the row, and written back
//! exactly as it was read.

use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeSha {
    /// Standard base64 with padding, as Lambda writes `CodeSha256`.
    Base64([u8; 32]),
    /// Lower-case hex (the demo's).
    Hex([u8; 32]),
    /// Anything else, kept as it came.
    Other(Box<str>),
}

impl CodeSha {
    pub fn parse(s: &str) -> CodeSha {
        if let Some(b) = crate::hash::unhex::<32>(s) {
            return CodeSha::Hex(b);
        }
        let mut b = [0u8; 32];
        // Only a digest that writes back to the same text is kept as bytes.
        if s.len() == 44 && B64.decode_slice(s, &mut b) == Ok(32) {
            let back = CodeSha::Base64(b);
            if back.to_string() == s {
                return back;
            }
        }
        CodeSha::Other(s.into())
    }

    /// The digest of a code built from `words` (the demo's), in hex.
    pub fn of_words(words: [u64; 4]) -> CodeSha {
        let mut b = [0u8; 32];
        for (i, w) in words.iter().enumerate() {
            b[i * 8..i * 8 + 8].copy_from_slice(&w.to_be_bytes());
        }
        CodeSha::Hex(b)
    }
}

impl From<&str> for CodeSha {
    fn from(s: &str) -> CodeSha {
        CodeSha::parse(s)
    }
}

impl std::fmt::Display for CodeSha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodeSha::Hex(b) => b.iter().try_for_each(|x| write!(f, "{x:02x}")),
            CodeSha::Base64(b) => {
                let mut out = [0u8; 44];
                let n = B64.encode_slice(b, &mut out).map_err(|_| std::fmt::Error)?;
                f.write_str(std::str::from_utf8(&out[..n]).map_err(|_| std::fmt::Error)?)
            }
            CodeSha::Other(s) => f.write_str(s),
        }
    }
}

impl Serialize for CodeSha {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CodeSha {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CodeSha, D::Error> {
        let s: std::borrow::Cow<'de, str> = Deserialize::deserialize(d)?;
        Ok(CodeSha::parse(&s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_digest_is_written_back_as_it_was_read() {
        let lambda = "k5JYbGHkgChlLqb8Ol9hmFrxNPW9e+8yUwA+BCp7VZI=";
        let hex = "0123456789abcdef00112233445566778899aabbccddeeff0f1e2d3c4b5a6978";
        for (text, kept_as_bytes) in [
            (lambda, true),
            (hex, true),
            // Upper-case hex, unpadded or short base64, and anything else
            // stay as they came.
            ("0123456789ABCDEF00112233445566778899AABBCCDDEEFF0F1E2D3C4B5A6978", false),
            ("k5JYbGHkgChlLqb8Ol9hmFrxNPW9e+8yUwA+BCp7VZI", false),
            ("not a digest", false),
            ("", false),
        ] {
            let c = CodeSha::parse(text);
            assert_eq!(c.to_string(), text);
            assert_eq!(!matches!(c, CodeSha::Other(_)), kept_as_bytes, "{text}");
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, serde_json::to_string(text).unwrap());
            assert_eq!(serde_json::from_str::<CodeSha>(&json).unwrap(), c);
        }
        assert_ne!(CodeSha::parse(lambda), CodeSha::parse(hex));
        assert_eq!(CodeSha::of_words([0x0123456789abcdef, 0x0011223344556677, 0x8899aabbccddeeff, 0x0f1e2d3c4b5a6978]), CodeSha::parse(hex));
    }
}
