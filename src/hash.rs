//! Deterministic noise: every demo value is a pure function of (seed, ids,
//! time), and the pollers draw their backoff jitter from the same mixer.

pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn hash(parts: &[u64]) -> u64 {
    hash_from(0x5EED_u64, parts)
}

/// `hash(&[a, b, c]) == hash_from(hash(&[a, b]), &[c])`: callers hash a shared
/// prefix once instead of once per value drawn.
pub fn hash_from(prefix: u64, parts: &[u64]) -> u64 {
    parts.iter().fold(prefix, |acc, p| mix(acc ^ mix(*p)))
}

/// Uniform in [0, 1) from a finished hash.
pub fn to_unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// Uniform in [0, 1).
pub fn unit(parts: &[u64]) -> f64 {
    to_unit(hash(parts))
}

/// Hex digits drawn from `parts`, written in place: the demo makes ~150,000
/// request ids a refresh at 10,000 functions, so no temporary strings.
fn hex_digits(parts: &[u64], out: &mut [u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let base = hash(parts);
    for (i, chunk) in out.chunks_mut(16).enumerate() {
        let v = hash(&[base, i as u64]);
        for (j, c) in chunk.iter_mut().enumerate() {
            *c = HEX[((v >> (60 - 4 * j)) & 0xf) as usize];
        }
    }
}

pub fn hex(parts: &[u64], len: usize) -> String {
    let mut out = vec![0u8; len];
    hex_digits(parts, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// 32 hex digits laid out as 8-4-4-4-12 with the version and variant digits.
pub fn uuid(parts: &[u64]) -> String {
    let mut h = [0u8; 32];
    hex_digits(parts, &mut h);
    let s = |r: std::ops::Range<usize>| std::str::from_utf8(&h[r]).unwrap_or_default();
    let mut out = String::with_capacity(36);
    for part in [
        s(0..8),
        "-",
        s(8..12),
        "-4",
        s(13..16),
        "-a",
        s(17..20),
        "-",
        s(20..32),
    ] {
        out.push_str(part);
    }
    out
}

pub fn str_id(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Lowercase hex of exactly `N` bytes, or `None`: the one spelling a
/// recording's keys and signatures accept, and the demo's code digests.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let t = text.as_bytes();
    if t.len() != N * 2 || !t.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_spread() {
        assert_eq!(hash(&[1, 2, 3]), hash(&[1, 2, 3]));
        assert_ne!(hash(&[1, 2, 3]), hash(&[1, 2, 4]));
        let mean: f64 = (0..10_000).map(|i| unit(&[i])).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
        assert_eq!(uuid(&[7]).len(), 36);
        // Hex digits are the hashes of (hash(parts), 0), (hash(parts), 1)... in order.
        let base = hash(&[7]);
        let full = format!("{:016x}{:016x}", hash(&[base, 0]), hash(&[base, 1]));
        assert_eq!(hex(&[7], 20), full[..20]);
        assert_eq!(hex(&[7], 32), full);
        let h = hex(&[7], 32);
        let want = format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        );
        assert_eq!(uuid(&[7]), want);
        assert_eq!(hash_from(hash(&[4, 5]), &[6, 7]), hash(&[4, 5, 6, 7]));
    }
}
