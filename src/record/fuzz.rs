//! The recording fuzz target's body: a plain function, so the unit tests run
//! it over the seeds and their mutations where cargo-fuzz (nightly) is not
//! installed. It reads the bytes as a plain and as a compressed recording,
//! through the signed format's verifier, and checks what a reader may claim.

use super::reader::{decompress, parse};

pub fn recording(data: &[u8]) {
    let (text, _) = decompress(data);
    for (bytes, name) in [(data, "fuzz.awstop"), (&text[..], "fuzz.awstop.zst")] {
        let Ok(rec) = parse(bytes, name) else {
            continue;
        };
        let s = &rec.summary;
        // Never more signed than read, and nothing returned past a problem.
        assert!(
            s.signed <= s.records,
            "{} signed of {}",
            s.signed,
            s.records
        );
        assert_eq!(rec.records.len() as u64, s.records);
        if let Some(p) = &s.problem {
            assert!(!p.describe().chars().any(crate::fmt::is_control));
        }
        for (at, _) in &rec.records {
            assert!(super::sane_time(*at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEEDS: [&[u8]; 2] = [
        include_bytes!("../../fuzz/seeds/recording/small.awstop"),
        include_bytes!("../../fuzz/seeds/recording/small.zst"),
    ];

    #[test]
    fn the_seeds_are_signed_recordings_that_verify() {
        let rec = parse(SEEDS[0], "small.awstop").unwrap();
        assert_eq!(rec.header.format, crate::record::FORMAT);
        assert_eq!(rec.problem, None);
        assert!(rec.ended && rec.summary.signed == rec.summary.records && rec.summary.records > 0);
        let (text, warning) = decompress(SEEDS[1]);
        assert_eq!(warning, None);
        assert_eq!(parse(&text, "small.zst").unwrap().summary, rec.summary);
    }

    #[test]
    fn the_fuzz_target_holds_over_the_seeds_and_their_mutations() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n.max(1) as u64) as usize
        };
        for seed in SEEDS {
            recording(seed);
            for _ in 0..300 {
                let mut b = seed.to_vec();
                for _ in 0..1 + next(4) {
                    let i = next(b.len());
                    match next(4) {
                        0 => b[i] ^= 1 << next(8),
                        1 => drop(b.remove(i)),
                        2 => b.insert(i, [b'\n', b'"', b'}', b'9', b'f'][next(5)]),
                        _ => b.truncate(i),
                    }
                    if b.is_empty() {
                        b.push(b'{');
                    }
                }
                recording(&b);
            }
        }
    }
}
