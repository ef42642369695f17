//! The `lambda` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::Function;
use super::LambdaState;
use crate::cost::CostOut;
use crate::services::Settings;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LambdaOut {
    pub functions: Vec<FunctionOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: compact_str::CompactString,
    pub runtime: Option<compact_str::CompactString>,
    pub memory_mb: u32,
    pub timeout_s: u32,
    pub architecture: compact_str::CompactString,
    pub package_type: compact_str::CompactString,
    pub last_modified: Option<DateTime<Utc>>,
    pub snap_start: bool,
    pub log_group: String,
    pub metrics: MetricsOut,
    /// The same window seven days earlier, under the same keys: null where
    /// not read (the maxima, the percentile and concurrency never are), and
    /// null as a whole when last week was not read.
    pub metrics_week_ago: Option<MetricsOut>,
    /// The upper edges of the anomaly bands the account's detectors draw
    /// for its figures, over the window, under the same keys: null where no
    /// detector's band was read, absent when none was (docs/baseline.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anomaly_band: Option<MetricsOut>,
    pub cold_starts: Option<ColdOut>,
    /// Null when the usage it is priced from was not read.
    pub cost: Option<CostOut>,
    /// Event source mappings, the API routes in front of it, and (once its
    /// detail was opened) what its resource policy allows; null when the
    /// mappings could not be read.
    pub triggers: Option<Vec<TriggerOut>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerOut {
    #[serde(rename = "type")]
    pub kind: String,
    pub source: String,
    pub state: Option<String>,
    pub batch_size: Option<i32>,
    pub last_result: Option<String>,
}

fn triggers(f: &Function) -> Option<Vec<TriggerOut>> {
    let mut out: Vec<TriggerOut> = f
        .mappings
        .as_ref()?
        .iter()
        .map(|m| TriggerOut {
            kind: m.kind.clone(),
            source: m.source.clone(),
            state: Some(m.state.clone()),
            batch_size: m.batch_size,
            last_result: m.last_result.clone(),
        })
        .collect();
    out.extend(f.api_routes.iter().map(|r| TriggerOut {
        kind: "apigateway".into(),
        source: format!("{} {}", r.api, r.route),
        state: None,
        batch_size: None,
        last_result: None,
    }));
    out.extend(f.invokers.iter().flatten().map(|i| TriggerOut {
        kind: i.kind.clone(),
        source: i.source.clone().unwrap_or_else(|| i.principal.clone()),
        state: None,
        batch_size: None,
        last_result: None,
    }));
    Some(out)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsOut {
    pub invocations: Option<f64>,
    pub errors: Option<f64>,
    pub throttles: Option<f64>,
    pub error_rate_pct: Option<f64>,
    pub duration_avg_ms: Option<f64>,
    pub duration_max_ms: Option<f64>,
    /// The p99 when the percentile chosen is p99; null otherwise (never another percentile's value).
    pub duration_p99_ms: Option<f64>,
    pub concurrent_max: Option<f64>,
    /// The chosen percentile (`--percentile`) and its value.
    pub duration_percentile: Option<String>,
    pub duration_pct_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColdOut {
    pub count: u64,
    pub rate_pct: Option<f64>,
    pub init_p50_ms: Option<f64>,
    pub init_max_ms: Option<f64>,
}

fn function(f: &Function, percentile: Option<&str>, settings: &Settings) -> FunctionOut {
    let book = &settings.accounts;
    let s = &f.stats;
    FunctionOut {
        name: f.name.to_string(),
        account: book.id(&f.account).map(str::to_string),
        region: f.region.clone(),
        runtime: f.runtime.clone(),
        memory_mb: f.memory_mb,
        timeout_s: f.timeout_s,
        architecture: f.architecture.clone(),
        package_type: f.config.package_type.clone(),
        last_modified: f.config.last_modified,
        snap_start: f.config.snap_start,
        log_group: f.config.log_group.clone(),
        metrics: MetricsOut {
            invocations: s.invocations,
            errors: s.errors,
            throttles: s.throttles,
            error_rate_pct: s.error_rate_pct().map(round3),
            duration_avg_ms: s.duration_avg_ms,
            duration_max_ms: s.duration_max_ms,
            duration_p99_ms: s.duration_pct_ms.filter(|_| percentile == Some("p99")),
            duration_percentile: percentile.map(str::to_string),
            duration_pct_ms: s.duration_pct_ms,
            concurrent_max: s.concurrent_max,
        },
        metrics_week_ago: s.week_ago.as_ref().map(|w| MetricsOut {
            invocations: Some(w.invocations),
            errors: Some(w.errors),
            throttles: Some(w.throttles),
            error_rate_pct: (w.invocations > 0.0).then(|| round3(100.0 * w.errors / w.invocations)),
            duration_avg_ms: w.duration_avg_ms,
            duration_max_ms: None,
            duration_p99_ms: None,
            concurrent_max: None,
            duration_percentile: None,
            duration_pct_ms: None,
        }),
        anomaly_band: s.band.as_ref().map(|b| MetricsOut {
            invocations: b.invocations,
            errors: b.errors,
            throttles: b.throttles,
            error_rate_pct: None,
            duration_avg_ms: b.duration_avg_ms,
            duration_max_ms: None,
            duration_p99_ms: None,
            concurrent_max: None,
            duration_percentile: None,
            duration_pct_ms: None,
        }),
        cold_starts: s.cold.as_ref().map(|c| ColdOut {
            count: c.count,
            rate_pct: c.rate_pct().map(round3),
            init_p50_ms: c.init_p50_ms,
            init_max_ms: c.init_max_ms,
        }),
        cost: super::cost::estimate(f, &settings.prices, settings.window).out(),
        triggers: triggers(f),
    }
}

fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

pub fn lambda(s: &LambdaState, settings: &Settings) -> LambdaOut {
    LambdaOut {
        functions: s
            .functions
            .iter()
            .map(|f| function(f, percentile(s), settings))
            .collect(),
    }
}

/// Recordings from before the choice existed hold p99.
fn percentile(s: &LambdaState) -> Option<&str> {
    Some(s.percentile.as_deref().unwrap_or("p99"))
}

/// The same section as `lambda`, each function's entry made as it is
/// written.
pub fn streamed<'a>(s: &'a LambdaState, settings: &'a Settings) -> impl Serialize + 'a {
    crate::services::streamed::Listed {
        name: "LambdaOut",
        field: "functions",
        rows: &s.functions,
        entry: move |f: &Function| function(f, percentile(s), settings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lambda::domain::Band;

    #[test]
    fn the_streamed_section_is_the_whole_one() {
        let mut state = LambdaState::default();
        state.functions = (0..3)
            .map(|i| {
                let mut f = Function { name: format!("f{i}").into(), region: "eu-west-1".into(), ..Default::default() };
                f.stats.invocations = Some(i as f64);
                f.stats.errors = Some(1.0);
                f.stats.duration_pct_ms = Some(12.5);
                f.mappings = (i != 1).then(Vec::new);
                f
            })
            .collect();
        let settings = Settings::default();
        let whole = serde_json::to_string_pretty(&lambda(&state, &settings)).unwrap();
        let streamed = serde_json::to_string_pretty(&streamed(&state, &settings)).unwrap();
        assert_eq!(streamed, whole);
        assert!(whole.contains("\"f2\""), "{whole}");
    }

    #[test]
    fn the_anomaly_band_is_written_only_where_read_and_null_per_figure_without_a_detector() {
        let mut f = Function { name: "a".into(), ..Default::default() };
        let settings = Settings::default();
        let out = serde_json::to_value(function(&f, Some("p99"), &settings)).unwrap();
        assert!(out.get("anomaly_band").is_none(), "{out}");
        f.stats.band = Some(Box::new(Band { errors: Some(10.0), ..Default::default() }));
        let out = serde_json::to_value(function(&f, Some("p99"), &settings)).unwrap();
        let band = &out["anomaly_band"];
        assert_eq!(band["errors"], 10.0);
        assert!(band["invocations"].is_null() && band["duration_avg_ms"].is_null(), "{band}");
        // The same keys as `metrics`.
        let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(band), keys(&out["metrics"]));
    }
}
