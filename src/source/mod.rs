//! Data sources: each sends `Msg`s into the app and knows nothing of the UI.

pub mod aws;
pub mod clock;
pub mod demo;

use crate::app::msg::DataMsg;
use tokio::sync::mpsc;

/// What the app asks of a source.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceCmd {
    /// Fetch everything now (the refresh key).
    RefreshAll,
    /// The Lambda functions on screen: live per-function metrics follow them.
    Visible(Vec<String>),
    /// Start tailing one function's logs (replacing any other tail), or stop.
    Tail(Option<crate::app::msg::TailTarget>),
}

pub type DataTx = mpsc::Sender<DataMsg>;
