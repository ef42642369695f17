//! Command-line flags.

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricsScope {
    Visible,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Table,
    /// One CSV section per table, each after a `# name` line.
    Csv,
}

/// A live terminal dashboard for the compute side of an AWS account.
#[derive(Debug, Parser)]
#[command(name = "awstop", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The configuration file (default: ~/.config/awstop/config.toml, if it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Colour theme: default, light, high-contrast, solarized-dark, monochrome, or a .toml file.
    #[arg(long, global = true, value_name = "NAME|FILE")]
    pub theme: Option<String>,

    #[arg(long, global = true, value_name = "PANE", value_parser = parse_pane, help = format!("The pane to open on: {}", crate::app::model::Pane::names_or()))]
    pub pane: Option<String>,

    /// Where the log goes (default: ~/.local/state/awstop/awstop.log).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    /// Show the built-in demo account (no AWS credentials or network needed).
    #[arg(long, global = true)]
    pub demo: bool,

    /// Seed of the demo account: the same seed always gives the same account.
    #[arg(long, global = true, value_name = "N", default_value_t = 42)]
    pub demo_seed: u64,

    /// Number of Lambda functions in the demo account; the other services scale along.
    #[arg(long, global = true, value_name = "N", default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub demo_scale: u64,

    /// Freeze the demo clock at this RFC 3339 time (reproducible screens and snapshots).
    #[arg(long, global = true, value_name = "TIME", value_parser = parse_time)]
    pub demo_clock: Option<DateTime<Utc>>,

    /// Print one snapshot and exit (the default when stdout is not a terminal).
    #[arg(long)]
    pub once: bool,

    /// Snapshot format for --once: json (the documented contract) or table.
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,

    /// Metrics window in minutes.
    #[arg(long, global = true, value_name = "MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub window: u32,

    /// AWS profile to use (live mode).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region or comma-separated regions to poll side by side (live mode).
    #[arg(
        long,
        global = true,
        value_name = "REGION[,REGION…]",
        value_delimiter = ','
    )]
    pub region: Vec<String>,

    /// Send every AWS request to this endpoint (LocalStack, moto); AWS_ENDPOINT_URL works too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Per-function metrics for the rows on screen (and the top offenders), or for all functions.
    #[arg(long, global = true, value_enum, default_value_t = MetricsScope::Visible)]
    pub metrics: MetricsScope,

    #[arg(long, global = true, value_name = "SERVICE=SECONDS[,…]", value_delimiter = ',', value_parser = crate::services::intervals::parse, help = interval_help())]
    pub interval: Vec<(crate::services::ServiceKind, u64)>,

    /// How cold starts are read from CloudWatch Logs: Logs Insights with a
    /// FilterLogEvents fallback (auto), or only one of them.
    #[arg(long, value_enum, default_value_t = crate::services::lambda::ColdMethod::Auto)]
    pub cold_starts: crate::services::lambda::ColdMethod,

    /// Give up on one AWS request after this many seconds (slow links may want more).
    #[arg(long, global = true, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: Option<u64>,

    /// The Lambda duration percentile to show (p50, p90, p99, p99.9 ...).
    #[arg(long, global = true, value_name = "pNN", default_value = "p99", value_parser = parse_percentile)]
    pub percentile: String,

    /// Record the data stream into FILE while the dashboard runs (`.zst`: compressed).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// With --once: print the state of a recording instead of a live account.
    #[arg(long, value_name = "FILE", requires = "once")]
    pub replay: Option<PathBuf>,

    /// With --replay: the moment to show, HH:MM[:SS] (UTC, on the recording's day) or RFC 3339; default its end.
    #[arg(long, value_name = "TIME", requires = "replay")]
    pub at: Option<String>,

    /// Panic after the first frame: lets tests prove the terminal is restored.
    #[arg(long, global = true, hide = true)]
    pub panic_after_first_frame: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record the data stream without a screen, until --duration or Ctrl-C.
    Record {
        /// The recording to write (`.zst`: compressed).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Stop after this long: 90s, 30m, 1h (default: until interrupted).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        duration: Option<Duration>,
        /// Take N full refreshes back to back, then stop (reproducible test recordings).
        #[arg(long, value_name = "N", hide = true)]
        rounds: Option<u32>,
    },
    /// Open a recording in the dashboard, read-only, with timeline keys.
    Replay {
        file: PathBuf,
        /// Open it even if its hash chain is broken (the header then says BROKEN CHAIN).
        #[arg(long)]
        force: bool,
    },
    /// Check a recording's hash chain: exit 0 when intact, 1 at the first broken line.
    Verify { file: PathBuf },
    /// Show where the configuration file is read from; --default prints the documented defaults.
    Config {
        #[arg(long)]
        default: bool,
    },
    /// Print the minimal IAM policy: exactly the read actions awstop calls.
    IamPolicy,
}

fn parse_pane(s: &str) -> Result<String, String> {
    use crate::app::model::Pane;
    Pane::from_name(s)
        .map(|_| s.to_string())
        .ok_or_else(|| format!("expected {}", Pane::names_or()))
}

/// Every room's default interval and lower bound, from the registry.
fn interval_help() -> String {
    let each: Vec<String> = crate::services::ServiceKind::ALL
        .iter()
        .map(|k| {
            let r = k.room();
            format!(
                "{} ({} or more, default {})",
                r.name(),
                r.min_interval().0.as_secs(),
                r.interval().as_secs()
            )
        })
        .collect();
    format!(
        "Refresh intervals in seconds, per service: {}; at most 3600",
        each.join(", ")
    )
}

/// `90s`, `30m`, `1h`, `1h30m`: humantime's syntax, at least one second.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|_| format!("{s:?}: expected a duration like 90s, 30m or 1h"))?;
    if d < Duration::from_secs(1) {
        return Err("the duration must be at least 1s".into());
    }
    Ok(d)
}

pub fn parse_percentile(s: &str) -> Result<String, String> {
    match s.strip_prefix('p').map(str::parse::<f64>) {
        Some(Ok(v)) if v > 0.0 && v < 100.0 => Ok(s.to_string()),
        _ => Err("expected a percentile like p50, p99 or p99.9".into()),
    }
}

fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("expected an RFC 3339 time like 2026-11-22T14:00:00Z ({e})"))
}
