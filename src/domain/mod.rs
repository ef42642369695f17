//! Plain data types shared by the sources, the Model, the UI and the snapshot.
//! Nothing here knows about AWS SDK types or terminals; secrets have no field to live in.

pub mod batch;
pub mod ecs;
pub mod lambda;
pub mod metrics;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who we are looking at: shown in the header and written into snapshots.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: Option<String>,
    pub caller_arn: Option<String>,
    pub profile: Option<String>,
    pub regions: Vec<String>,
}

/// One failed read, kept so the pane and the snapshot can say why data is missing or stale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    pub service: String,
    pub region: String,
    pub operation: String,
    pub message: String,
    #[serde(skip)]
    pub at: Option<DateTime<Utc>>,
}
