//! Lambda functions: configuration (never environment values) and window statistics.

use compact_str::CompactString;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::series::Series;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: CompactString,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    /// `hash::str_id(name)`, worked out by the source that read the row, off
    /// the screen's thread: every refresh's joins look each function up by
    /// it. 0: not worked out (a row read back from a recording).
    #[serde(skip)]
    pub name_id: u64,
    pub region: CompactString,
    /// What pricing reads of every row on every refresh stays in the row:
    /// one cache miss less a function a pass than reading it through `config`.
    pub runtime: Option<CompactString>,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub architecture: CompactString,
    /// The rest of what only a deploy changes, shared by every copy of the row (the
    /// source's, each refresh's, the screen's): written in place of its
    /// fields, so recordings read as before.
    #[serde(flatten)]
    pub config: Config,
    pub stats: FunctionStats,
    /// Its event source mappings (`None`: not read), read with the inventory.
    #[serde(default)]
    pub mappings: Option<Vec<super::triggers::Mapping>>,
    /// Who its resource policy lets invoke it: read when its detail is
    /// opened (`None`: not read).
    #[serde(default)]
    pub invokers: Option<Vec<super::triggers::Invoker>>,
    /// Its published versions inside the window and its aliases (`None`:
    /// not read): read for the functions on screen, at most every few
    /// minutes, shared by every copy of the row.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::versions::shared")]
    pub deploys: Option<std::sync::Arc<super::versions::Deploys>>,
    /// The API routes in front of it: joined from the API Gateway room,
    /// never sent by a source.
    #[serde(skip)]
    pub api_routes: Vec<super::triggers::ApiRoute>,
}

impl Function {
    /// The name's id (`hash::str_id`), as the joins key a function.
    pub fn name_id(&self) -> u64 {
        if self.name_id != 0 {
            self.name_id
        } else {
            crate::hash::str_id(&self.name)
        }
    }
}

/// A function's configuration as ListFunctions says it (never its
/// environment's values): the same between two refreshes unless it was
/// deployed, so every copy of the row holds one `Arc` of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionConfig {
    pub package_type: CompactString,
    pub last_modified: Option<DateTime<Utc>>,
    /// The deployed code's SHA-256 (ListFunctions says it): a new one between
    /// two reads is a code update, whatever `last_modified` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_sha256: Option<super::code_sha::CodeSha>,
    pub handler: Option<CompactString>,
    pub code_size_bytes: u64,
    pub snap_start: bool,
    pub log_group: String,
    /// How many environment variables the function has. Names and values are
    /// secrets' neighbours and never leave the source.
    pub env_var_count: usize,
}

/// The shared configuration: reads through to [`FunctionConfig`]; a change
/// (`make_mut`) copies it only while another row still holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config(std::sync::Arc<FunctionConfig>);

impl Config {
    pub fn new(c: FunctionConfig) -> Config {
        Config(std::sync::Arc::new(c))
    }

    pub fn make_mut(&mut self) -> &mut FunctionConfig {
        std::sync::Arc::make_mut(&mut self.0)
    }

    /// Both rows hold the very same configuration: nothing to compare.
    pub fn same(&self, other: &Config) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Config {
    type Target = FunctionConfig;
    fn deref(&self) -> &FunctionConfig {
        &self.0
    }
}

impl Serialize for Config {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Config, D::Error> {
        FunctionConfig::deserialize(d).map(Config::new)
    }
}

/// Everything measured over the window; `None` means "could not be read", never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionStats {
    /// Not asked for yet (the inventory went to the screen first): shown as
    /// `…`, neither `-` (could not be read) nor 0.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pending: bool,
    /// The percentile not asked for yet (the first numbers came without it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pct_pending: bool,
    /// Cold starts not read yet, likewise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cold_pending: bool,
    /// Off screen: only the window's ranking figures were read (no series,
    /// percentile or concurrency); the rest comes when the row is on screen.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ranked: bool,
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub duration_avg_ms: Option<f64>,
    pub duration_max_ms: Option<f64>,
    /// The window's duration percentile (the one `--percentile` chose).
    #[serde(alias = "duration_p99_ms")]
    pub duration_pct_ms: Option<f64>,
    pub concurrent_max: Option<f64>,
    /// Boxed: read for the rows on screen only, and every copy of the
    /// inventory would carry its size inline.
    pub cold: Option<Box<ColdStarts>>,
    /// Per-minute history for the detail view's sparklines.
    pub series: Option<Box<FunctionSeries>>,
    /// The same window seven days earlier; `None`: not read (never zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_ago: Option<WeekAgo>,
    /// The same minutes seven days earlier, for the open detail's graphs
    /// only (cold starts stay empty: they come from this week's logs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_series: Option<Box<FunctionSeries>>,
    /// The upper edges of the anomaly bands the account's own CloudWatch
    /// detectors draw for its figures, over the window; `None`: no detector,
    /// or not read (never zero).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<Box<Band>>,
}

/// The window's upper band edges (`ANOMALY_DETECTION_BAND`, two standard
/// deviations) of the figures a detector exists for: counts are the sum of
/// the per-minute upper edges, as the figure is the sum of its minutes; the
/// duration their invocation-weighted mean. `None`: no detector for it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub duration_avg_ms: Option<f64>,
}

impl Band {
    /// The upper edge of the figure keyed as in the snapshot's `metrics`.
    pub fn get(&self, key: &str) -> Option<f64> {
        match key {
            "invocations" => self.invocations,
            "errors" => self.errors,
            "throttles" => self.throttles,
            "duration_avg_ms" => self.duration_avg_ms,
            _ => None,
        }
    }
}

/// The window's figures seven days earlier (`baseline`): sums over the
/// window, zero when CloudWatch had no datapoints; `duration_avg_ms` is
/// `None` when nothing ran.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WeekAgo {
    pub invocations: f64,
    pub errors: f64,
    pub throttles: f64,
    pub duration_avg_ms: Option<f64>,
}

impl FunctionStats {
    /// Nothing read yet: every number, cold starts too, is on its way (`…`).
    pub fn on_its_way(&mut self) {
        self.pending = true;
        self.cold_pending = true;
    }

    pub fn error_rate_pct(&self) -> Option<f64> {
        match (self.errors, self.invocations) {
            (Some(e), Some(i)) if i > 0.0 => Some(100.0 * e / i),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColdStarts {
    pub count: u64,
    /// REPORT records seen in the window: the denominator of the rate.
    pub records: u64,
    pub init_p50_ms: Option<f64>,
    pub init_max_ms: Option<f64>,
    /// Cold starts in the newest five minutes against the window's per-five-minute mean.
    pub spike: bool,
    /// Newest first, bounded.
    pub recent: Vec<ColdStartEvent>,
    pub unparsed: u64,
}

impl ColdStarts {
    pub fn rate_pct(&self) -> Option<f64> {
        (self.records > 0).then(|| 100.0 * self.count as f64 / self.records as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColdStartEvent {
    pub at: DateTime<Utc>,
    pub request_id: String,
    pub init_ms: f64,
    pub restore: bool,
}

/// Minute buckets, oldest first; the last bucket is the partial current minute.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionSeries {
    pub start: Option<DateTime<Utc>>,
    pub invocations: Series,
    pub errors: Series,
    pub duration_avg_ms: Series,
    pub duration_max_ms: Series,
    pub cold_starts: Series,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LambdaData {
    pub functions: Vec<Function>,
    /// Which percentile `duration_pct_ms` holds (`p99`); older recordings say none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile: Option<String>,
    /// Account-wide sums over the window, read even when per-function metrics
    /// are fetched only for the rows on screen.
    pub totals: Option<LambdaTotals>,
    /// Why some figures are older than the refresh interval: the CloudWatch
    /// budget paces them ("off-screen figures up to 40 min old").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<String>,
    /// The first ListFunctions page's rows, sent while more pages follow:
    /// not the region's whole list yet. Not recorded (a replay shows the
    /// complete list that follows).
    #[serde(skip)]
    pub listing: bool,
    /// What the source's side worked out for this read (`digest`).
    #[serde(skip)]
    pub digest: super::digest::Digested,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LambdaTotals {
    pub invocations: f64,
    pub errors: f64,
    pub throttles: f64,
    pub concurrent_max: f64,
}

crate::scoped!(Function);
