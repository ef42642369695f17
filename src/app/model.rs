//! The Model: all state the UI draws from. Only `update` mutates it.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::msg::ServiceKind;
use crate::domain::batch::{BatchData, Job, JobQueue};
use crate::domain::ecs::{Cluster, EcsData, Service, Task};
use crate::domain::lambda::{Function, LambdaData, LambdaTotals};
use crate::domain::{Account, ApiError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Overview,
    Lambda,
    Ecs,
    Batch,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Overview, Pane::Lambda, Pane::Ecs, Pane::Batch];

    pub fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
    pub fn title(self) -> &'static str {
        match self {
            Pane::Overview => "Overview",
            Pane::Lambda => "Lambda",
            Pane::Ecs => "ECS",
            Pane::Batch => "Batch",
        }
    }
    pub fn root(self) -> View {
        match self {
            Pane::Overview => View::Overview,
            Pane::Lambda => View::Functions,
            Pane::Ecs => View::Clusters,
            Pane::Batch => View::Queues,
        }
    }
    pub fn from_name(name: &str) -> Option<Pane> {
        Some(match name {
            "overview" | "o" | "home" | "0" => Pane::Overview,
            "lambda" | "lambdas" | "fn" | "func" | "functions" | "l" => Pane::Lambda,
            "ecs" | "cluster" | "clusters" | "svc" | "services" | "tasks" | "e" => Pane::Ecs,
            "batch" | "jobs" | "queues" | "b" => Pane::Batch,
            _ => return None,
        })
    }
}

/// What the body of a pane shows; each pane keeps a stack of these for drill-down.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum View {
    Overview,
    Functions,
    Function { name: String },
    Clusters,
    Services { cluster: String },
    Tasks { cluster: String, service: String },
    Task { cluster: String, id: String },
    Queues,
    Jobs { queue: String },
    Job { queue: String, id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    Help,
    /// The replay `@` prompt: a time to jump to.
    Jump,
}

/// Where a replay stands: drawn in the header.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayStatus {
    pub clock: DateTime<Utc>,
    pub speed: u32,
    pub playing: bool,
    pub position: usize,
    pub total: usize,
    /// Opened with `--force` despite a broken hash chain.
    pub broken: bool,
}

/// Where the source is: shown as the header badge and in snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceLabel {
    Demo,
    Live,
    Replay,
}

impl SourceLabel {
    pub fn badge(self) -> &'static str {
        match self {
            SourceLabel::Demo => "DEMO",
            SourceLabel::Live => "LIVE",
            SourceLabel::Replay => "REPLAY",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionStatus {
    pub fetched_at: Option<DateTime<Utc>>,
    pub error: Option<ApiError>,
}

/// One service's data with how fresh it is, per region.
#[derive(Debug, Clone, Default)]
pub struct Feed<T> {
    pub data: T,
    pub regions: BTreeMap<String, RegionStatus>,
}

impl<T> Feed<T> {
    pub fn loaded(&self) -> bool {
        self.regions.values().any(|r| r.fetched_at.is_some())
    }
    /// The oldest region's last good fetch: what "data age" honestly means.
    pub fn fetched_at(&self) -> Option<DateTime<Utc>> {
        self.regions.values().map(|r| r.fetched_at).min().flatten()
    }
    pub fn error(&self) -> Option<&ApiError> {
        self.regions.values().find_map(|r| r.error.as_ref())
    }
}

/// Per-table view state; the selection is a row key so it survives refreshes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableState {
    pub sort: usize,
    pub reverse: bool,
    pub filter: String,
    pub selected: Option<String>,
    pub cursor: usize,
    pub offset: usize,
    /// Batch jobs only: 0 = every status, else JOB_STATUSES[status - 1].
    pub status: usize,
}

/// Replaced rows waiting to be freed.
pub type Retired = Box<dyn std::any::Any + Send>;

/// How many replaced lists may wait; more are freed at once, so a loop that
/// never collects them (a replay, a test) holds no more than this.
pub const RETIRED_MAX: usize = 3;

/// The inputs of a row order: when none changed, neither did the order.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsBasis {
    pub view: View,
    pub sort: usize,
    pub reverse: bool,
    pub filter: String,
    pub status: usize,
    pub data_gen: u64,
}

/// A live tail in the function detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct Tail {
    pub function: String,
    /// Newest last, bounded.
    pub lines: std::collections::VecDeque<super::msg::TailLine>,
    /// Why it stopped, once it has.
    pub ended: Option<String>,
}

/// Lines kept from a live tail.
pub const TAIL_LINES: usize = 200;

#[derive(Debug)]
pub struct Model {
    pub source: SourceLabel,
    pub account: Account,
    pub now: DateTime<Utc>,
    pub pane: Pane,
    pub stacks: [Vec<View>; 4],
    pub tables: HashMap<View, TableState>,
    /// Row order of the current table view: indices into its items, filtered and sorted.
    pub rows: Vec<u32>,
    /// What `rows` was computed from; moving the cursor reuses it instead of
    /// re-sorting 10,000 rows on every key.
    pub rows_basis: Option<RowsBasis>,
    /// Bumped whenever a feed's rows are replaced.
    pub data_gen: u64,
    /// Rows a refresh replaced, for the run loop to free after the frame is on
    /// screen (on `run::reaper`'s thread): freeing 10,000 functions takes longer
    /// than drawing them.
    pub retired: Vec<Retired>,
    pub lambda: Feed<LambdaData>,
    pub ecs: Feed<EcsData>,
    pub batch: Feed<BatchData>,
    pub mode: Mode,
    pub input: String,
    pub message: Option<String>,
    pub width: u16,
    pub height: u16,
    pub account_error: Option<ApiError>,
    /// Account-wide Lambda sums per region.
    pub lambda_totals: BTreeMap<String, LambdaTotals>,
    pub api_calls: BTreeMap<String, u64>,
    /// (time, total calls, total metrics requested): the last few minutes.
    pub api_samples: std::collections::VecDeque<(DateTime<Utc>, u64, u64)>,
    pub calls_per_min: f64,
    /// Estimated CloudWatch GetMetricData spend at the current pace, USD per hour.
    pub cloudwatch_usd_per_hour: f64,
    /// Logs Insights bytes scanned this session (billed per GB).
    pub logs_bytes_scanned: u64,
    /// The Lambda functions last reported as on screen.
    pub visible: Vec<String>,
    pub tail: Option<Tail>,
    /// CloudWatch metrics asked for so far: what GetMetricData is billed on.
    pub metrics_requested: u64,
    /// Set only when replaying a recording.
    pub replay: Option<ReplayStatus>,
    pub quit: bool,
    pub dirty: bool,
}

impl Model {
    pub fn new(source: SourceLabel, now: DateTime<Utc>) -> Self {
        Self {
            source,
            account: Account::default(),
            now,
            pane: Pane::Lambda,
            stacks: Pane::ALL.map(|p| vec![p.root()]),
            tables: HashMap::new(),
            rows: Vec::new(),
            rows_basis: None,
            data_gen: 0,
            retired: Vec::new(),
            lambda: Feed::default(),
            ecs: Feed::default(),
            batch: Feed::default(),
            mode: Mode::Normal,
            input: String::new(),
            message: None,
            width: 80,
            height: 24,
            account_error: None,
            lambda_totals: BTreeMap::new(),
            api_calls: BTreeMap::new(),
            api_samples: Default::default(),
            calls_per_min: 0.0,
            cloudwatch_usd_per_hour: 0.0,
            logs_bytes_scanned: 0,
            visible: Vec::new(),
            tail: None,
            metrics_requested: 0,
            replay: None,
            quit: false,
            dirty: true,
        }
    }

    pub fn view(&self) -> &View {
        self.stacks[self.pane.index()]
            .last()
            .unwrap_or(&View::Overview)
    }

    pub fn table(&self) -> Option<&TableState> {
        self.tables.get(self.view())
    }

    pub fn feed_status(&self, s: ServiceKind) -> (bool, Option<DateTime<Utc>>, Option<&ApiError>) {
        match s {
            ServiceKind::Lambda => (
                self.lambda.loaded(),
                self.lambda.fetched_at(),
                self.lambda.error(),
            ),
            ServiceKind::Ecs => (self.ecs.loaded(), self.ecs.fetched_at(), self.ecs.error()),
            ServiceKind::Batch => (
                self.batch.loaded(),
                self.batch.fetched_at(),
                self.batch.error(),
            ),
        }
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.lambda.data.functions.iter().find(|f| f.name == name)
    }
    pub fn cluster(&self, name: &str) -> Option<&Cluster> {
        self.ecs.data.clusters.iter().find(|c| c.name == name)
    }
    pub fn service(&self, cluster: &str, name: &str) -> Option<&Service> {
        self.cluster(cluster)?
            .services
            .iter()
            .find(|s| s.name == name)
    }
    pub fn task(&self, cluster: &str, id: &str) -> Option<&Task> {
        self.cluster(cluster)?.tasks.iter().find(|t| t.id == id)
    }
    pub fn queue(&self, name: &str) -> Option<&JobQueue> {
        self.batch.data.queues.iter().find(|q| q.name == name)
    }
    pub fn job(&self, queue: &str, id: &str) -> Option<&Job> {
        self.queue(queue)?.jobs.iter().find(|j| j.id == id)
    }
}
