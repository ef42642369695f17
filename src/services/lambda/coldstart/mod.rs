//! Cold starts: read from the REPORT records Lambda writes for every invocation
//! (no AWS/Lambda metric counts them). `parse` reads one record, `tally` keeps a
//! function's records per minute over the window; `logs` and `insights` read
//! them from CloudWatch Logs, `tail` streams one log group live.

pub mod insights;
pub mod logs;
mod parse;
pub mod tail;
pub mod tally;

use chrono::{DateTime, Utc};

pub use parse::{parse, Parsed, Report};
pub use tally::Tally;

use crate::services::msg::TailLine;

/// Classifies a streamed log line with the one REPORT parser.
pub fn classify(at: DateTime<Utc>, text: &str) -> TailLine {
    let cold = matches!(parse(text), Parsed::Report(r) if r.is_cold());
    let error = text.contains("ERROR")
        || text.contains("Task timed out")
        || text.contains("Status: timeout")
        || text.contains("Exception");
    TailLine {
        at,
        text: text.trim_end().to_string(),
        cold,
        error,
    }
}
