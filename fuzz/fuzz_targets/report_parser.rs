//! Any bytes as a log line: the REPORT parser must never panic, and a record it
//! accepts must have a finite duration and a cold-start cost that is a number.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../src/services/lambda/coldstart/parse.rs"]
#[allow(dead_code)]
mod parse;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    if let parse::Parsed::Report(r) = parse::parse(&line) {
        assert!(r.duration_ms.is_finite());
        if let Some(ms) = r.cold_start_ms() {
            assert!(!ms.is_nan());
        }
    }
});
