//! Cold starts: read from the REPORT records Lambda writes for every invocation
//! (no AWS/Lambda metric counts them). `parse` reads one record, `tally` keeps a
//! function's records per minute over the window.

mod parse;
pub mod tally;

pub use parse::{parse, Parsed, Report};
pub use tally::Tally;
