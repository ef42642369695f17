//! Everything that can change the Model arrives as a `Msg`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::batch::BatchData;
use crate::domain::ecs::EcsData;
use crate::domain::lambda::LambdaData;
use crate::domain::{Account, ApiError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceKind {
    Lambda,
    Ecs,
    Batch,
}

impl ServiceKind {
    pub const ALL: [ServiceKind; 3] = [ServiceKind::Lambda, ServiceKind::Ecs, ServiceKind::Batch];

    pub fn label(self) -> &'static str {
        match self {
            ServiceKind::Lambda => "Lambda",
            ServiceKind::Ecs => "ECS",
            ServiceKind::Batch => "Batch",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Payload {
    Lambda(LambdaData),
    Ecs(EcsData),
    Batch(BatchData),
}

impl Payload {
    pub fn service(&self) -> ServiceKind {
        match self {
            Payload::Lambda(_) => ServiceKind::Lambda,
            Payload::Ecs(_) => ServiceKind::Ecs,
            Payload::Batch(_) => ServiceKind::Batch,
        }
    }
}

/// What sources send: the stream a recording captures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataMsg {
    Account(Account),
    Loaded {
        region: String,
        fetched_at: DateTime<Utc>,
        payload: Payload,
    },
    Failed {
        service: ServiceKind,
        error: ApiError,
    },
    /// Lines from a live tail of one function's log group.
    Tail {
        function: String,
        lines: Vec<TailLine>,
    },
    /// The live tail ended or could not start.
    TailEnded {
        function: String,
        reason: String,
    },
    /// Who we are could not be read (STS); the panes may still work.
    AccountFailed(ApiError),
    /// Running totals of API requests by `service.Operation`, and CloudWatch
    /// metrics requested (what GetMetricData is billed on).
    Api {
        at: DateTime<Utc>,
        calls: std::collections::BTreeMap<String, u64>,
        metrics_requested: u64,
        #[serde(default)]
        logs_bytes_scanned: u64,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Data(DataMsg),
    Action(super::keymap::Action),
    /// The clock moved; only ages change.
    Tick(DateTime<Utc>),
    Resize {
        width: u16,
        height: u16,
    },
    /// The replay moved: its clock becomes the Model's time.
    Replay(super::model::ReplayStatus),
    /// A message for the footer from the outside world (an export's result).
    Notice(String),
}

/// What the replay timeline is asked to do.
#[derive(Debug, Clone, PartialEq)]
pub enum TimelineCmd {
    PlayPause,
    Faster,
    Slower,
    StepForward,
    StepBack,
    /// The text typed at the `@` prompt, not yet parsed.
    Jump(String),
}

/// One streamed log line, already classified by the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TailLine {
    pub at: DateTime<Utc>,
    pub text: String,
    /// A REPORT record with an init or restore duration.
    pub cold: bool,
    pub error: bool,
}

impl TailLine {
    /// Classifies a line with the one REPORT parser.
    pub fn classify(at: DateTime<Utc>, text: &str) -> TailLine {
        let cold = matches!(crate::coldstart::parse(text), crate::coldstart::Parsed::Report(r) if r.is_cold());
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
}

/// What `update` asks the outside world to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    Refresh,
    /// The Lambda rows now on screen changed.
    Visible(Vec<String>),
    /// Start a live tail of this function's log group, or stop the current one.
    Tail(Option<TailTarget>),
    /// Write the current table view to this CSV file.
    Export {
        path: String,
    },
    Timeline(TimelineCmd),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TailTarget {
    pub function: String,
    pub region: String,
    pub log_group: String,
}
