//! The recording reader takes files from anywhere: no input may panic it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = awstop::record::reader::parse(data, "fuzz.awstop");
    let (text, _) = awstop::record::reader::decompress(data);
    let _ = awstop::record::reader::parse(&text, "fuzz.awstop.zst");
});
