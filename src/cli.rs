//! Command-line flags.

use chrono::{DateTime, Utc};
use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricsScope {
    Visible,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Table,
}

/// A live terminal dashboard for AWS Lambda, ECS/Fargate and Batch.
#[derive(Debug, Parser)]
#[command(name = "awstop", version, about, long_about = None)]
pub struct Cli {
    /// Show the built-in demo account (no AWS credentials or network needed).
    #[arg(long)]
    pub demo: bool,

    /// Seed of the demo account: the same seed always gives the same account.
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub demo_seed: u64,

    /// Number of Lambda functions in the demo account; ECS and Batch scale along.
    #[arg(long, value_name = "N", default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub demo_scale: u64,

    /// Freeze the demo clock at this RFC 3339 time (reproducible screens and snapshots).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub demo_clock: Option<DateTime<Utc>>,

    /// Print one snapshot and exit (the default when stdout is not a terminal).
    #[arg(long)]
    pub once: bool,

    /// Snapshot format for --once: json (the documented contract) or table.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Metrics window in minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub window: u32,

    /// AWS profile to use (live mode).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region or comma-separated regions to poll side by side (live mode).
    #[arg(long, value_name = "REGION[,REGION…]", value_delimiter = ',')]
    pub region: Vec<String>,

    /// Send every AWS request to this endpoint (LocalStack, moto); AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Per-function metrics for the rows on screen (and the top offenders), or for all functions.
    #[arg(long, value_enum, default_value_t = MetricsScope::Visible)]
    pub metrics: MetricsScope,

    /// Refresh intervals in seconds, per service: lambda (60 or more: CloudWatch
    /// keeps one-minute data), ecs and batch (5 or more). Default lambda=60,ecs=30,batch=30.
    #[arg(long, value_name = "SERVICE=SECONDS[,…]", value_delimiter = ',', value_parser = parse_interval)]
    pub interval: Vec<(String, u64)>,

    /// How cold starts are read from CloudWatch Logs: Logs Insights with a
    /// FilterLogEvents fallback (auto), or only one of them.
    #[arg(long, value_enum, default_value_t = crate::source::aws::logs::Method::Auto)]
    pub cold_starts: crate::source::aws::logs::Method,

    /// Give up on one AWS request after this many seconds (slow links may want more).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: Option<u64>,

    /// The Lambda duration percentile to show (p50, p90, p99, p99.9 ...).
    #[arg(long, value_name = "pNN", default_value = "p99", value_parser = parse_percentile)]
    pub percentile: String,

    /// Panic after the first frame: lets tests prove the terminal is restored.
    #[arg(long, hide = true)]
    pub panic_after_first_frame: bool,
}

fn parse_interval(s: &str) -> Result<(String, u64), String> {
    let (name, secs) = s.split_once('=').ok_or("expected SERVICE=SECONDS, like ecs=30")?;
    let secs: u64 = secs.parse().map_err(|_| format!("{secs:?} is not a number of seconds"))?;
    let min = match name {
        "lambda" => 60,
        "ecs" | "batch" => 5,
        other => return Err(format!("unknown service {other:?}: use lambda, ecs or batch")),
    };
    if secs < min || secs > 3600 {
        return Err(format!("{name} refreshes every {min} to 3600 seconds"));
    }
    Ok((name.to_string(), secs))
}

fn parse_percentile(s: &str) -> Result<String, String> {
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
