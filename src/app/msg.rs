//! Everything that can change the Model arrives as a `Msg`; everything
//! `update` asks of the outside world leaves as a `Cmd`.

use super::action::Action;
use super::model::ReplayStatus;

pub use crate::services::msg::{DataMsg, ReplayMsg, TailLine, TailTarget, TimelineCmd};
pub use crate::services::{Payload, ServiceKind};

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Data(DataMsg),
    Action(Action),
    /// The clock moved; only ages change.
    Tick(chrono::DateTime<chrono::Utc>),
    Resize {
        width: u16,
        height: u16,
    },
    /// The replay moved: its clock becomes the Model's time.
    Replay(ReplayStatus),
    /// A message for the footer from the outside world (an export's result).
    Notice(String),
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    Refresh,
    /// The rows of a room now on screen changed.
    Visible {
        service: ServiceKind,
        keys: Vec<String>,
    },
    /// Start a live tail, or stop the current one.
    Tail(Option<TailTarget>),
    /// Write the current table view to this CSV file.
    Export {
        path: String,
    },
    Timeline(TimelineCmd),
    /// Give the terminal back and stop, as Ctrl-Z does in other programs.
    Suspend,
}
