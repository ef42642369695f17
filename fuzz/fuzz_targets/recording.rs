//! The recording reader takes files from anywhere: no input may panic it,
//! and it never claims more than it verified. The body is a library function
//! (`awstop::record::fuzz::recording`) so the unit tests run it too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    awstop::record::fuzz::recording(data);
});
