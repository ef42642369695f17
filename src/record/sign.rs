//! Signing recordings with Ed25519: the private key stays on the recording
//! machine (0600 in the state directory, or `--key FILE`); the recording
//! carries the public key and signs its hash chain at every checkpoint and at
//! the end. Without the private key a changed recording cannot be signed
//! again by the same key, and `verify --key` says so.

use std::io::Read;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::error::KeyError;
use crate::files::{self, Existing};
use crate::hash::unhex;

/// The default private key, created by the first recording.
pub fn default_key_path() -> Option<PathBuf> {
    crate::logging::state_dir().map(|d| d.join("recording.key"))
}

pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}


/// A key file is a few bytes of hex: anything larger is not one, and only a
/// regular file is read (a FIFO or a terminal would wait for ever).
fn read_small(path: &Path) -> Result<String, KeyError> {
    let f = files::open_regular(path).map_err(KeyError::Open)?;
    let mut text = String::new();
    f.take(4096)
        .read_to_string(&mut text)
        .map_err(|e| KeyError::NotKeyFile {
            path: path.display().to_string(),
            error: e.to_string(),
        })?;
    Ok(text)
}

/// `e` on `path`, as a key error.
fn io(path: &Path, e: impl std::fmt::Display) -> KeyError {
    KeyError::Io {
        path: path.display().to_string(),
        error: e.to_string(),
    }
}

/// Reads an existing private key, refusing what is not one: a public key
/// passed by mistake, a key others can read, a seed of zeros.
fn read_private(path: &Path) -> Result<SigningKey, KeyError> {
    let name = || path.display().to_string();
    let text = read_small(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| io(path, e))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(KeyError::Readable {
                path: name(),
                mode: mode & 0o777,
            });
        }
    }
    let seed =
        unhex::<32>(text.trim()).ok_or_else(|| KeyError::NotPrivateKey { path: name() })?;
    if seed == [0u8; 32] {
        return Err(KeyError::Zeros { path: name() });
    }
    Ok(SigningKey::from_bytes(&seed))
}

/// The private key: `explicit` if given, else the state directory's,
/// created (with its `.pub` beside it) on first use. Only the default
/// state directory is created; an explicit key's directory must exist.
pub fn signing_key(explicit: Option<&Path>) -> Result<SigningKey, KeyError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => default_key_path().ok_or(KeyError::NoStateDir)?,
    };
    if path.extension().is_some_and(|e| e == "pub") {
        return Err(KeyError::PublicGiven {
            path: path.display().to_string(),
        });
    }
    // Anything at the name, a dangling link included, is read (and refused
    // if it is not a key): never replaced, never waited on.
    if std::fs::symlink_metadata(&path).is_ok() {
        return read_private(&path);
    }
    if let (None, Some(dir)) = (explicit, path.parent()) {
        files::private_dir(dir).map_err(|e| io(dir, e))?;
    }
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .map_err(|e| KeyError::NoRandomness(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    // Written whole under another name, then linked into place: two
    // recordings started at once never see half a key, and the second one
    // uses the first one's.
    let tmp = path.with_extension(format!("new-{}", std::process::id()));
    let write = |p: &Path, text: String, existing: Existing| -> Result<(), KeyError> {
        use std::io::Write;
        files::create(p, existing)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| io(p, e))
    };
    write(&tmp, hex(&seed) + "\n", Existing::Replace)?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            write(
                &path.with_extension("pub"),
                public_hex(&key.verifying_key()) + "\n",
                Existing::Replace,
            )?;
            Ok(key)
        }
        // Another recording created it first: use that one.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_private(&path),
        Err(e) => Err(io(&path, e)),
    }
}

pub fn public_hex(k: &VerifyingKey) -> String {
    hex(k.as_bytes())
}

/// A public key the user gives (`--key`, `[audit] public-key`): 64 hex
/// digits, given directly or in a file.
pub fn public_key(arg: &str) -> Result<VerifyingKey, KeyError> {
    let shown = crate::fmt::escape_controls(arg);
    let text = if unhex::<32>(arg.trim()).is_some() {
        arg.to_string()
    } else {
        read_small(Path::new(arg))?
    };
    let bytes = unhex::<32>(&text.trim().to_ascii_lowercase()).ok_or_else(|| {
        KeyError::NotPublicKey {
            given: shown.clone(),
        }
    })?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::InvalidPublicKey { given: shown })
}

/// The public key a recording carries: a value, never a file name, in
/// exactly one encoding (64 lowercase hex digits).
pub fn recorded_key(value: &str) -> Result<VerifyingKey, KeyError> {
    let bytes = unhex::<32>(value).ok_or_else(|| {
        KeyError::RecordedNotHex(crate::fmt::escape_controls(&crate::fmt::truncate(
            value, 80,
        )))
    })?;
    let key = VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::RecordedInvalid)?;
    if key.is_weak() {
        return Err(KeyError::RecordedWeak);
    }
    Ok(key)
}

/// What a signature covers: the kind of line, the records before it, and
/// every byte of the line except the signature itself.
pub fn message(kind: &str, records: u64, unsigned_line: &[u8]) -> Vec<u8> {
    let mut m = format!("{} {kind} {records}\n", super::FORMAT).into_bytes();
    m.extend_from_slice(unsigned_line);
    m
}

/// The tail that carries a signature: `,"sig":"` + 128 hex digits + `"}`.
const SIG_OPEN: &[u8] = b",\"sig\":\"";
const SIG_LEN: usize = 128;

/// A signed line: `unsigned_line` (a JSON object) with its signature as the
/// last field.
pub fn signed_line(key: &SigningKey, kind: &str, records: u64, unsigned_line: &str) -> String {
    let sig = hex(&key
        .sign(&message(kind, records, unsigned_line.as_bytes()))
        .to_bytes());
    let body = unsigned_line.strip_suffix('}').unwrap_or(unsigned_line);
    format!("{body},\"sig\":\"{sig}\"}}")
}

/// Splits a signed line into the line without its signature and the
/// signature, if the signature is the last field in its one encoding.
pub fn split_signed(line: &[u8]) -> Option<(Vec<u8>, [u8; 64])> {
    let tail = SIG_OPEN.len() + SIG_LEN + 2;
    let cut = line.len().checked_sub(tail)?;
    let (body, rest) = line.split_at(cut);
    let (open, rest) = rest.split_at(SIG_OPEN.len());
    let (sig, close) = rest.split_at(SIG_LEN);
    if open != SIG_OPEN || close != b"\"}" {
        return None;
    }
    let sig = unhex::<64>(std::str::from_utf8(sig).ok()?)?;
    let mut unsigned = body.to_vec();
    unsigned.push(b'}');
    Some((unsigned, sig))
}

pub fn verifies(key: &VerifyingKey, msg: &[u8], sig: &[u8; 64]) -> bool {
    key.verify_strict(msg, &Signature::from_bytes(sig)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_only_for_its_line_and_key() {
        let k = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let body = r#"{"prev":"ab","at":"2026-11-22T14:03:20Z","end":3}"#;
        let line = signed_line(&k, "end", 3, body);
        let (unsigned, sig) = split_signed(line.as_bytes()).unwrap();
        assert_eq!(unsigned, body.as_bytes());
        let m = message("end", 3, &unsigned);
        assert!(verifies(&k.verifying_key(), &m, &sig));
        assert!(!verifies(&other.verifying_key(), &m, &sig));
        assert!(!verifies(
            &k.verifying_key(),
            &message("end", 4, &unsigned),
            &sig
        ));
        let later = body.replace("14:03:20", "14:03:21");
        assert!(!verifies(
            &k.verifying_key(),
            &message("end", 3, later.as_bytes()),
            &sig
        ));
        let p = public_hex(&k.verifying_key());
        assert_eq!(public_key(&p).unwrap(), k.verifying_key());
        assert!(public_key("nope").is_err());
    }

    #[test]
    fn a_signature_has_exactly_one_encoding() {
        let k = SigningKey::from_bytes(&[7u8; 32]);
        let line = signed_line(
            &k,
            "checkpoint",
            1,
            r#"{"prev":"ab","at":"2026-11-22T14:03:20Z"}"#,
        );
        let (_, sig) = split_signed(line.as_bytes()).unwrap();
        let hex_sig = hex(&sig);
        for other in [
            hex_sig.to_uppercase(),
            format!(" {}", &hex_sig[1..]),
            format!("+{}", &hex_sig[1..]),
        ] {
            let forged = line.replace(&hex_sig, &other);
            assert!(split_signed(forged.as_bytes()).is_none(), "{other}");
        }
        let spaced = line.replace(r#","sig":"#, r#", "sig":"#);
        assert!(split_signed(spaced.as_bytes()).is_none());
        assert!(unhex::<1>("+a").is_none() && unhex::<1>("A0").is_none());
    }

    #[test]
    fn a_recorded_key_is_a_value_never_a_file() {
        let folder = tempfile::Builder::new().prefix("awstop-sign-").tempdir().unwrap();
        let d = folder.path();
        let k = SigningKey::from_bytes(&[7u8; 32]);
        let file = d.join("k.pub");
        std::fs::write(&file, public_hex(&k.verifying_key())).unwrap();
        assert!(recorded_key(file.to_str().unwrap()).is_err());
        assert!(recorded_key(&public_hex(&k.verifying_key()).to_uppercase()).is_err());
        assert_eq!(
            recorded_key(&public_hex(&k.verifying_key())).unwrap(),
            k.verifying_key()
        );
    }

    #[cfg(unix)]
    #[test]
    fn private_keys_that_are_not_private_or_not_keys_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::Builder::new().prefix("awstop-keys-").tempdir().unwrap();
        let d = folder.path();
        let key = d.join("a.key");
        let made = signing_key(Some(&key)).unwrap();
        assert_eq!(signing_key(Some(&key)).unwrap().to_bytes(), made.to_bytes());
        let refused = |p: &Path, what: &str| {
            let e = signing_key(Some(p)).unwrap_err().to_string();
            assert!(e.contains(what), "{e}");
            assert_eq!(e.lines().count(), 1);
        };
        refused(&d.join("a.pub"), "public key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        refused(&key, "readable by others");
        let zeros = d.join("zeros.key");
        std::fs::write(&zeros, "0".repeat(64)).unwrap();
        std::fs::set_permissions(&zeros, std::fs::Permissions::from_mode(0o600)).unwrap();
        refused(&zeros, "zeros");
        let dangling = d.join("dangling.key");
        std::os::unix::fs::symlink(d.join("nowhere"), &dangling).unwrap();
        refused(&dangling, "No such file");
        let looped = d.join("loop.key");
        std::os::unix::fs::symlink(&looped, &looped).unwrap();
        refused(&looped, "symbolic links");
    }
}
