//! The demo's Lambda functions: who they are (drawn once from the seed),
//! their per-minute behaviour and the REPORT lines Lambda would write.

use chrono::{DateTime, Utc};

use crate::hash::{hash, hash_from, to_unit, unit};

const NAMES: [&str; 40] = [
    "orders-api",
    "payments-webhook",
    "image-resize",
    "report-builder",
    "pricing-engine",
    "pdf-render",
    "edge-router",
    "nightly-cleanup",
    "auth-authorizer",
    "email-sender",
    "etl-ingest",
    "search-indexer",
    "cart-service",
    "inventory-sync",
    "fraud-score",
    "notify-sms",
    "audit-logger",
    "user-profile",
    "session-cleanup",
    "s3-event-router",
    "kinesis-consumer",
    "ddb-stream-proc",
    "thumbnail-gen",
    "geo-lookup",
    "invoice-mailer",
    "feature-flags",
    "recs-model",
    "csv-export",
    "webhook-relay",
    "slack-notifier",
    "token-refresh",
    "catalog-api",
    "price-alerts",
    "log-shipper",
    "backup-verify",
    "sitemap-gen",
    "ab-assign",
    "tax-calc",
    "ocr-extract",
    "health-probe",
];

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Role {
    Normal,
    /// Errors jump to ~18% for six minutes of every forty.
    ErrorBurst,
    /// Reserved concurrency below peak demand.
    Throttled {
        limit: f64,
    },
    /// Redeployed every thirty minutes; every instance starts cold.
    Deploys,
    /// Max duration climbs toward the timeout over each hour.
    Creeping,
    /// A schedule: one invocation every `every` minutes, each one cold.
    Cron {
        every: i64,
    },
}

#[derive(Debug, Clone)]
pub struct FnSpec {
    pub(super) id: u64,
    pub(super) name: String,
    pub(super) runtime: Option<&'static str>,
    pub(super) memory_mb: u32,
    pub(super) timeout_s: u32,
    pub(super) arch: &'static str,
    pub(super) image: bool,
    pub(super) snap_start: bool,
    pub(super) json_logs: bool,
    pub(super) rate: f64,
    pub(super) dur_ms: f64,
    pub(super) err_frac: f64,
    pub(super) role: Role,
    pub(super) env_vars: usize,
    /// unit(&[id, 11]): how deep the daily trough is, drawn once.
    pub(super) depth_u: f64,
    /// Its errors last week were a twentieth of this week's: the demo's
    /// "unusual now", low in absolute terms.
    pub(super) regressed: bool,
    /// Its configuration as last built: every refresh's rows share it
    /// until the story deploys the function again.
    pub(super) config: Built,
}

/// A function's last built configuration, kept between refreshes (each
/// function is built by one thread at a time, so the lock is never waited on).
#[derive(Debug, Default)]
pub(super) struct Built(std::sync::Mutex<Option<crate::services::lambda::domain::Config>>);

impl Built {
    /// The configuration deployed at `modified`: the one kept when it is
    /// that deploy's, else `make()`'s, kept for the next refresh.
    pub(super) fn at(
        &self,
        modified: chrono::DateTime<chrono::Utc>,
        make: impl FnOnce() -> crate::services::lambda::domain::FunctionConfig,
    ) -> crate::services::lambda::domain::Config {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match &*kept {
            Some(c) if c.last_modified == Some(modified) => c.clone(),
            _ => {
                let c = crate::services::lambda::domain::Config::new(make());
                *kept = Some(c.clone());
                c
            }
        }
    }
}

impl Clone for Built {
    fn clone(&self) -> Built {
        Built(std::sync::Mutex::new(self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()))
    }
}

impl FnSpec {
    pub(super) fn name(&self) -> &str {
        &self.name
    }
}

pub(super) const DEPLOY_EVERY: i64 = 30;
/// The failing function's error burst: minutes `BURST_AT..BURST_AT + BURST_LEN`
/// of every `BURST_EVERY`, each set off by a code update `BURST_LEAD`
/// minutes before (the change `:changes` and the suspects name).
pub(super) const BURST_EVERY: i64 = 40;
pub(super) const BURST_AT: i64 = 20;
pub(super) const BURST_LEN: i64 = 6;
pub(super) const BURST_LEAD: i64 = 4;
pub(super) const DEPLOY_AT: i64 = 7;

pub(super) fn specs(seed: u64, count: usize) -> Vec<FnSpec> {
    const RUNTIMES: [&str; 6] = [
        "python3.12",
        "nodejs20.x",
        "python3.12",
        "java21",
        "provided.al2023",
        "nodejs22.x",
    ];
    const MEMORY: [u32; 8] = [128, 256, 512, 1024, 1769, 2048, 3008, 10240];
    const TIMEOUTS: [u32; 6] = [3, 10, 30, 60, 300, 900];
    let mut out: Vec<FnSpec> = (0..count)
        .map(|i| {
            let base = NAMES[i % NAMES.len()];
            let name = if i < NAMES.len() {
                base.to_string()
            } else {
                format!("{base}-{:04}", i / NAMES.len())
            };
            let id = hash(&[seed, i as u64]);
            let r = |k: u64| unit(&[id, k]);
            let role = match i {
                0 => Role::ErrorBurst,
                1 => Role::Throttled { limit: 10.0 },
                2 => Role::Deploys,
                3 => Role::Creeping,
                7 => Role::Cron { every: 15 },
                _ if i % 17 == 16 => Role::Cron { every: 5 },
                _ => Role::Normal,
            };
            let mut runtime = Some(RUNTIMES[(id % RUNTIMES.len() as u64) as usize]);
            let (mut image, mut snap_start) = (false, false);
            match i {
                4 => {
                    runtime = Some("java21");
                    snap_start = true;
                }
                5 => {
                    runtime = None;
                    image = true;
                }
                6 => runtime = Some("provided.al2023"),
                0 | 2 => runtime = Some("python3.12"),
                1 => runtime = Some("nodejs20.x"),
                _ => {}
            }
            let memory_mb = match i {
                5 => 10240,
                _ if runtime == Some("java21") => 2048,
                _ => MEMORY[(hash(&[id, 1]) % 6) as usize],
            };
            let timeout_s = match role {
                Role::Creeping => 300,
                _ if i == 5 => 900,
                _ => TIMEOUTS[(hash(&[id, 2]) % 4) as usize],
            };
            // Log-uniform traffic from a trickle to a few thousand per minute.
            let rate = match role {
                Role::Throttled { .. } => 1400.0,
                Role::Cron { .. } => 0.0,
                _ if i == 5 => 6.0,
                _ => (10f64).powf(r(3) * 3.4),
            };
            let dur_ms = match role {
                Role::Throttled { .. } => 600.0,
                Role::Creeping => 40_000.0,
                _ if image => 4_000.0,
                _ => (10f64).powf(1.0 + r(4) * 2.0).min(timeout_s as f64 * 200.0),
            };
            let env_vars = [2, 3, 0, 1][i % 4];
            FnSpec {
                id,
                name,
                runtime,
                memory_mb,
                timeout_s,
                arch: if r(5) < 0.45 { "arm64" } else { "x86_64" },
                image,
                snap_start,
                json_logs: i % 5 == 3,
                rate,
                dur_ms,
                err_frac: if r(6) < 0.5 { 0.0 } else { r(7) * 0.004 },
                role,
                env_vars,
                depth_u: unit(&[id, 11]),
                regressed: false,
                config: Built::default(),
            }
        })
        .collect::<Vec<_>>();
    mark_regressed(&mut out);
    out
}

/// How much of a regressed function's error rate it had last week.
pub(super) const LAST_WEEK_ERRORS: f64 = 0.05;

/// Marks the first plain function among the named ones whose errors run at
/// a few dozen an hour: far above a twentieth of it, yet never a top count.
fn mark_regressed(specs: &mut [FnSpec]) {
    let named = specs.len().min(NAMES.len());
    if let Some(f) = specs[..named]
        .iter_mut()
        .skip(8)
        .find(|f| f.role == Role::Normal && (20.0..200.0).contains(&(f.rate * f.err_frac * 60.0)))
    {
        f.regressed = true;
    }
}

/// One minute bucket of one function.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Minute {
    pub(super) inv: f64,
    pub(super) err: f64,
    pub(super) thr: f64,
    pub(super) dur_avg: f64,
    pub(super) dur_max: f64,
    pub(super) dur_p99: f64,
    pub(super) conc: f64,
    pub(super) cold: u32,
}

/// How far above the average a duration percentile sits, for a draw `u` in
/// [0, 1): p99 is 1.4 to 2.0 times the average; lower percentiles less, higher
/// ones more, evenly in "nines" (p90 is one nine, p99 two, p99.9 three).
pub(super) fn pct_factor(pct: f64, u: f64) -> f64 {
    const AT: [(f64, f64, f64); 5] = [
        (0.301, 0.80, 0.95),
        (1.0, 1.20, 1.55),
        (1.301, 1.30, 1.75),
        (2.0, 1.40, 2.00),
        (3.0, 1.70, 2.60),
    ];
    let nines = -(1.0 - pct / 100.0).max(1e-6).log10();
    let (mut lo, mut hi) = (AT[0].1, AT[0].2);
    for w in AT.windows(2) {
        let (a, b) = (w[0], w[1]);
        if nines >= a.0 {
            let f = ((nines - a.0) / (b.0 - a.0)).clamp(0.0, 1.0);
            lo = a.1 + (b.1 - a.1) * f;
            hi = a.2 + (b.2 - a.2) * f;
        }
    }
    if (pct - 99.0).abs() < 1e-9 {
        // Exactly as before the choice existed: recordings and screenshots stay put.
        return 1.4 + 0.6 * u;
    }
    lo + (hi - lo) * u
}

pub(super) fn minute_of(spec: &FnSpec, m: i64, fraction: f64, pct: f64) -> Minute {
    let prefix = hash(&[spec.id, m as u64]);
    let n = |k: u64| to_unit(hash_from(prefix, &[k]));
    let minute_of_day = m.rem_euclid(1440) as f64;
    // Traffic peaks in the afternoon and bottoms out before dawn; each function's
    // users live a few time zones apart, so rankings shift through the day.
    let phase = (spec.id % 480) as f64 / 1440.0;
    let depth = match spec.role {
        // Flat enough that demand always tops the reserved concurrency.
        Role::Throttled { .. } => 0.2,
        _ => 0.2 + 0.6 * spec.depth_u,
    };
    let diurnal = 1.0 - depth / 2.0
        + depth / 2.0 * (std::f64::consts::TAU * (minute_of_day / 1440.0 - 0.35 - phase)).sin();
    let mut inv = match spec.role {
        Role::Cron { every } => f64::from(m.rem_euclid(every) == 0),
        _ => (spec.rate * diurnal * (0.85 + 0.3 * n(1))).round(),
    };
    inv = (inv * fraction).floor();
    let dur_avg = spec.dur_ms * (0.9 + 0.2 * n(2));
    let mut dur_max = dur_avg * (1.8 + 2.5 * n(3));
    let dur_p99 = dur_avg * pct_factor(pct, n(4));
    let timeout_ms = spec.timeout_s as f64 * 1000.0;
    if spec.role == Role::Creeping {
        dur_max = timeout_ms * (0.45 + 0.53 * (m.rem_euclid(60) as f64 / 60.0));
    }
    dur_max = dur_max.min(timeout_ms);
    let mut thr = 0.0;
    if let Role::Throttled { limit } = spec.role {
        let demand = inv / 60.0 * dur_avg / 1000.0;
        if demand > limit {
            thr = (inv * (1.0 - limit / demand)).round();
        }
    }
    let served = inv - thr;
    let err_frac = match spec.role {
        Role::ErrorBurst if (BURST_AT..BURST_AT + BURST_LEN).contains(&m.rem_euclid(BURST_EVERY)) => 0.18,
        _ => spec.err_frac,
    };
    let err = (served * err_frac + n(5) - 0.5).round().clamp(0.0, served);
    let conc = if served > 0.0 {
        (served / 60.0 * dur_avg / 1000.0 * 1.4 + n(6)).ceil()
    } else {
        0.0
    };
    let conc = match spec.role {
        Role::Throttled { limit } => conc.min(limit),
        _ => conc,
    };
    let since_deploy = (m - DEPLOY_AT).rem_euclid(DEPLOY_EVERY);
    let cold = if served == 0.0 {
        0
    } else {
        match spec.role {
            Role::Cron { every } if every > 10 => 1,
            Role::Deploys if since_deploy < 4 => {
                ((conc.max(3.0)) * (4 - since_deploy) as f64 / 2.0).round() as u32
            }
            _ => {
                // New instances appear as traffic grows; a trickle turns over slowly.
                let expected = 0.03 + served / 4000.0 + conc * 0.002;
                (expected + n(7)).floor() as u32
            }
        }
    };
    Minute {
        inv: served + thr,
        err,
        thr,
        dur_avg,
        dur_max,
        dur_p99,
        conc,
        cold: cold.min(served as u32),
    }
}

pub(super) fn init_ms(spec: &FnSpec, k: u64) -> f64 {
    let u = unit(&[spec.id, k, 99]);
    let (lo, hi) = if spec.snap_start {
        (180.0, 420.0)
    } else if spec.image {
        (700.0, 1400.0)
    } else {
        match spec.runtime.unwrap_or("") {
            "java21" => (2500.0, 4200.0),
            "provided.al2023" => (15.0, 60.0),
            r if r.starts_with("nodejs") => (140.0, 320.0),
            _ => (180.0, 450.0),
        }
    };
    let memory_factor = (1024.0 / spec.memory_mb as f64).sqrt().clamp(0.6, 2.0);
    ((lo + (hi - lo) * u) * memory_factor * 100.0).round() / 100.0
}

/// The REPORT line Lambda would have written for this invocation.
pub(super) fn report_line(
    spec: &FnSpec,
    request_id: &str,
    duration: f64,
    cold_ms: Option<f64>,
    at: DateTime<Utc>,
) -> String {
    let mut line = String::new();
    write_report_line(&mut line, spec, request_id, duration, cold_ms, at);
    line
}

/// `report_line` into a buffer the caller reuses: the demo writes ~150,000 a
/// refresh at 10,000 functions.
pub(super) fn write_report_line(
    line: &mut String,
    spec: &FnSpec,
    request_id: &str,
    duration: f64,
    cold_ms: Option<f64>,
    at: DateTime<Utc>,
) {
    use std::fmt::Write;
    line.clear();
    let billed = duration.ceil();
    let used = (spec.memory_mb as f64 * 0.45).round();
    if spec.json_logs {
        let init = cold_ms
            .map(|v| format!(",\"initDurationMs\":{v}"))
            .unwrap_or_default();
        let _ = write!(line,
            "{{\"time\":\"{}\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{request_id}\",\"metrics\":{{\"durationMs\":{duration:.2},\"billedDurationMs\":{billed},\"memorySizeMB\":{},\"maxMemoryUsedMB\":{used}{init}}},\"status\":\"success\"}}}}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            spec.memory_mb
        );
        return;
    }
    let _ = write!(
        line,
        "REPORT RequestId: {request_id}\tDuration: {duration:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {} MB\tMax Memory Used: {used} MB\t",
        spec.memory_mb
    );
    match cold_ms {
        Some(v) if spec.snap_start => {
            let _ = write!(
                line,
                "Restore Duration: {v:.2} ms\tBilled Restore Duration: {} ms\t",
                (v * 0.4).round()
            );
        }
        Some(v) => {
            let _ = write!(line, "Init Duration: {v:.2} ms\t");
        }
        None => {}
    }
}
