//! Any bytes as a log line: the REPORT parser and the tally must never panic,
//! and a cold start they report must have a finite, non-negative cost.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let line = String::from_utf8_lossy(data);
    if let awstop::coldstart::Parsed::Report(r) = awstop::coldstart::parse(&line) {
        assert!(r.duration_ms.is_finite());
        if let Some(ms) = r.cold_start_ms() {
            assert!(!ms.is_nan());
        }
    }
    let mut tally = awstop::coldstart::Tally::default();
    let at = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
    tally.add_line(at, &line);
    let _ = tally.summary(at, 60);
});
