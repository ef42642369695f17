//! Signing recordings with Ed25519: the private key stays on the recording
//! machine (0600 in the state directory, or `--key FILE`); the recording
//! carries the public key and signs its hash chain at every checkpoint and at
//! the end. Without the private key a changed recording cannot be signed
//! again by the same key, and `verify --key` says so.

use std::io::Read;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::files::{self, Existing};

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

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let t = text.trim();
    if t.len() != N * 2 || !t.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// A key file is a few bytes of hex: anything larger is not one.
fn read_small(path: &Path) -> Result<String, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = String::new();
    f.take(4096)
        .read_to_string(&mut text)
        .map_err(|e| format!("{}: not a key file ({e})", path.display()))?;
    Ok(text)
}

/// The private key: `explicit` if given, else the state directory's,
/// created (with its `.pub` beside it) on first use. Only the default
/// state directory is created; an explicit key's directory must exist.
pub fn signing_key(explicit: Option<&Path>) -> Result<SigningKey, String> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            default_key_path().ok_or("no state directory (HOME is not set): pass --key FILE")?
        }
    };
    if path.exists() {
        let text = read_small(&path)?;
        let seed = unhex::<32>(&text).ok_or_else(|| {
            format!(
                "{}: line 1: not an awstop private key (64 hex digits)",
                path.display()
            )
        })?;
        return Ok(SigningKey::from_bytes(&seed));
    }
    if let (None, Some(dir)) = (explicit, path.parent()) {
        files::private_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut seed = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut seed))
        .map_err(|e| format!("no randomness for a new key: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    // Written whole under another name, then linked into place: two
    // recordings started at once never see half a key, and the second one
    // uses the first one's.
    let tmp = path.with_extension(format!("new-{}", std::process::id()));
    let write = |p: &Path, text: String, existing: Existing| -> Result<(), String> {
        use std::io::Write;
        files::create(p, existing)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| format!("{}: {e}", p.display()))
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
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => signing_key(Some(&path)),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

pub fn public_hex(k: &VerifyingKey) -> String {
    hex(k.as_bytes())
}

/// A public key: 64 hex digits, given directly or in a file.
pub fn public_key(arg: &str) -> Result<VerifyingKey, String> {
    let text = if unhex::<32>(arg).is_some() {
        arg.to_string()
    } else {
        read_small(Path::new(arg))?
    };
    let bytes = unhex::<32>(&text)
        .ok_or_else(|| format!("{arg}: not an awstop public key (64 hex digits)"))?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| format!("{arg}: not a valid Ed25519 public key"))
}

/// What a signature covers: the chain head after `records` records.
pub fn message(kind: &str, chain_head: &str, records: u64) -> Vec<u8> {
    format!("awstop.recording/2 {kind} {records} {chain_head}").into_bytes()
}

pub fn sign(key: &SigningKey, msg: &[u8]) -> String {
    hex(&key.sign(msg).to_bytes())
}

pub fn verifies(key: &VerifyingKey, msg: &[u8], sig: &str) -> bool {
    unhex::<64>(sig).is_some_and(|b| key.verify(msg, &Signature::from_bytes(&b)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_only_for_its_message_and_key() {
        let k = SigningKey::from_bytes(&[7u8; 32]);
        let other = SigningKey::from_bytes(&[8u8; 32]);
        let m = message("end", "ab", 3);
        let s = sign(&k, &m);
        assert!(verifies(&k.verifying_key(), &m, &s));
        assert!(!verifies(&other.verifying_key(), &m, &s));
        assert!(!verifies(&k.verifying_key(), &message("end", "ab", 4), &s));
        assert!(!verifies(&k.verifying_key(), &m, "zz"));
        let p = public_hex(&k.verifying_key());
        assert_eq!(public_key(&p).unwrap(), k.verifying_key());
        assert!(public_key("nope").is_err());
    }
}
