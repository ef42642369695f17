//! Command-line flags.

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

mod parse;
use parse::{parse_account_id, parse_pane, parse_time};
pub use parse::{check_endpoint_env, parse_budget, parse_duration, parse_endpoint};

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
#[command(
    name = "awstop",
    version,
    about,
    long_about = None,
    after_help = "Examples:
  awstop --demo                              the built-in demo account, no AWS needed
  awstop --profile prod --region us-east-1   a real account (read-only)
  awstop --demo --once --format json         one snapshot, for scripts
  awstop record --out prod.awstop --duration 1h --profile prod
  awstop verify prod.awstop                  is the recording intact, and who signed it?
  awstop replay prod.awstop                  the recording in the dashboard"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub look: LookArgs,

    #[command(flatten)]
    pub source: SourceArgs,

    /// Print one snapshot and exit (the default when stdout is not a terminal).
    #[arg(long)]
    pub once: bool,

    /// Snapshot format for --once: json (the documented contract), table or csv.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Record the data stream into FILE while the dashboard runs (`.zst`: compressed).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,

    /// With --record: the private key that signs it (default: the state directory's, created on first use).
    #[arg(long, value_name = "FILE", requires = "record")]
    pub key: Option<PathBuf>,

    /// With --record: replace FILE if it exists.
    #[arg(long, requires = "record")]
    pub force: bool,

    /// The prices cost estimates read: the built-in files and the config's own.
    #[arg(skip = crate::services::builtin_prices().clone())]
    pub prices: std::sync::Arc<crate::cost::PriceBook>,

    /// The public key `verify` checks signatures against, from the config file.
    #[arg(skip)]
    pub pinned_key: Option<String>,

    /// With --once: print the state of a recording instead of a live account.
    #[arg(long, value_name = "FILE", requires = "once")]
    pub replay: Option<PathBuf>,

    /// With --replay: the moment to show, HH:MM[:SS] (UTC, on the recording's day) or RFC 3339; default its end.
    #[arg(long, value_name = "TIME", requires = "replay")]
    pub at: Option<String>,

    /// With --replay: also show what no trusted signature covers (an unsigned
    /// recording, one not signed by the pinned key, records after the last signature).
    #[arg(long, requires = "replay")]
    pub allow_unsigned: bool,

    /// Panic after the first frame: lets tests prove the terminal is restored.
    #[arg(long, hide = true)]
    pub panic_after_first_frame: bool,
}

/// How the dashboard looks and where it logs: the dashboard and `replay`.
#[derive(Debug, Clone, Args)]
pub struct LookArgs {
    /// The configuration file (default: ~/.config/awstop/config.toml, if it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Colour theme: default, light, high-contrast, solarized-dark, monochrome, or a .toml file.
    #[arg(long, value_name = "NAME|FILE")]
    pub theme: Option<String>,

    #[arg(long, value_name = "PANE", value_parser = parse_pane, help = format!("The pane to open on: {}", crate::app::model::Pane::names_or()))]
    pub pane: Option<String>,

    /// Where the log goes (default: ~/.local/state/awstop/awstop.log).
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

/// Where the data comes from and what is read: the dashboard and `record`.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Show the built-in demo account (no AWS credentials or network needed).
    #[arg(long)]
    pub demo: bool,

    /// Seed of the demo account: the same seed always gives the same account.
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub demo_seed: u64,

    /// Number of Lambda functions in the demo account; the other services scale along.
    #[arg(long, value_name = "N", default_value_t = 40, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub demo_scale: u64,

    /// Freeze the demo clock at this RFC 3339 time (reproducible screens and snapshots).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub demo_clock: Option<DateTime<Utc>>,

    /// Metrics window in minutes.
    #[arg(long, value_name = "MINUTES", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..=1440))]
    pub window: u32,

    /// AWS profile to use (live mode); several, one account each: a,b,c or a glob ('prod-*').
    #[arg(long, value_name = "NAME[,NAME…]")]
    pub profile: Option<String>,

    /// Watch every ACTIVE account of the organization, assuming this role in each (organizations:ListAccounts, sts:AssumeRole).
    #[arg(long, value_name = "ROLE")]
    pub org_role: Option<String>,

    /// Account IDs --org-role leaves out.
    #[arg(long, value_name = "ID[,ID…]", value_delimiter = ',', value_parser = parse_account_id)]
    pub org_exclude: Vec<String>,

    /// Accounts read at the same time, at most (many accounts: the rest wait their turn).
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub accounts_at_once: u64,

    /// Accounts in the demo organization (one of several is denied, to show a failing account).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub demo_accounts: u64,

    /// `[[accounts]]` and `[org]` of the config file.
    #[arg(skip)]
    pub entries: Vec<crate::accounts::AccountEntry>,
    #[arg(skip)]
    pub org: Option<crate::accounts::OrgRole>,

    /// Region or comma-separated regions to poll side by side (the demo account takes one).
    #[arg(long, value_name = "REGION[,REGION…]", value_delimiter = ',', value_parser = crate::region::parse)]
    pub region: Vec<String>,

    /// Send every AWS request to this endpoint (LocalStack, moto); AWS_ENDPOINT_URL works too.
    #[arg(long, value_name = "URL", value_parser = parse_endpoint)]
    pub endpoint_url: Option<String>,

    /// Per-function metrics for the rows on screen (and the top offenders), or for all functions.
    #[arg(long, value_enum, default_value_t = MetricsScope::Visible)]
    pub metrics: MetricsScope,

    #[arg(long, value_name = "SERVICE=SECONDS[,…]", value_delimiter = ',', value_parser = crate::services::intervals::parse, help = interval_help())]
    pub interval: Vec<(crate::services::ServiceKind, u64)>,

    /// Give up on one AWS request after this many seconds (slow links may want more).
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=300))]
    pub timeout: Option<u64>,

    /// What watching may spend on CloudWatch metrics, in US dollars an hour
    /// ($0.01 per 1,000 metrics). Off-screen figures refresh less often to stay within it.
    #[arg(long, value_name = "USD", default_value_t = crate::aws::budget::DEFAULT_USD_PER_HOUR, value_parser = parse_budget)]
    pub budget: f64,

    /// Keep to the bundled list prices: do not read AWS's Price List
    /// (pricing:GetProducts, free) for the regions' current ones.
    #[arg(long)]
    pub no_price_list: bool,

    /// Show yesterday's and this month's bill by service beside the estimate,
    /// from Cost Explorer (ce:GetCostAndUsage): each request costs $0.01, so
    /// it is read at most once an hour and cached.
    #[arg(long)]
    pub actuals: bool,

    /// Do not ask CloudTrail who changed what (cloudtrail:LookupEvents, free
    /// but limited to 2 requests a second per account and region): changes
    /// are then the services' own, without who made them.
    #[arg(long)]
    pub no_cloudtrail: bool,

    /// The rooms' own settings (`services::settings`): their flags are added
    /// to the command by `command()`, and read back by `Cli::from_matches`.
    #[arg(skip = crate::services::default_settings())]
    pub rooms: crate::room_settings::RoomSettings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record the data stream without a screen, until --duration or a stop signal.
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
        /// The private key that signs it (default: the state directory's, created on first use).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
        /// The configuration file (default: ~/.config/awstop/config.toml, if it exists).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Where the log goes (default: ~/.local/state/awstop/awstop.log).
        #[arg(long, value_name = "FILE")]
        log_file: Option<PathBuf>,
        #[command(flatten)]
        source: Box<SourceArgs>,
    },
    /// Open a recording in the dashboard, read-only, with timeline keys.
    Replay {
        /// The recording (`.zst`: compressed).
        file: PathBuf,
        /// Open it even if its hash chain is broken (the header then says BROKEN CHAIN).
        #[arg(long)]
        force: bool,
        /// Also show what no trusted signature covers: an unsigned recording, one not
        /// signed by the pinned key (header: UNSIGNED), records after the last signature
        /// (header: UNVERIFIED).
        #[arg(long)]
        allow_unsigned: bool,
        #[command(flatten)]
        look: LookArgs,
    },
    /// Check a recording's hash chain and signatures: exit 0 when intact and
    /// signed, 1 at the first broken line, a wrong key or no signature, 3 when
    /// it was not closed.
    Verify {
        /// The recording.
        file: PathBuf,
        /// The signer's public key (64 hex digits, or a file holding them).
        #[arg(long, value_name = "PUB")]
        key: Option<String>,
        /// Accept an intact unsigned recording (an older format) as such: exit 0, saying UNSIGNED.
        #[arg(long)]
        allow_unsigned: bool,
        /// The configuration file, for a pinned `[audit] public-key`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Show where the configuration file is read from; --default prints the documented defaults.
    Config {
        /// Print the documented default file instead.
        #[arg(long)]
        default: bool,
        /// The configuration file to say about.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Print the minimal IAM policy: exactly the read actions awstop calls.
    IamPolicy {
        /// The policy for the credentials that watch an organization through ROLE (--org-role): the read actions, organizations:ListAccounts and sts:AssumeRole on ROLE.
        #[arg(long, value_name = "ROLE")]
        org: Option<String>,
        /// The policy for the member role itself (the read actions; --stackset prints it as a template).
        #[arg(long, conflicts_with = "org")]
        member: bool,
        /// The member role as a CloudFormation template with the read actions, to deploy as a StackSet (docs/accounts.md).
        #[arg(long, conflicts_with_all = ["org", "member"])]
        stackset: bool,
        /// Add what --actuals calls: ce:GetCostAndUsage.
        #[arg(long, conflicts_with_all = ["org", "member", "stackset"])]
        actuals: bool,
    },
    /// Print a region's price file as AWS's Price List says now (for scripts/prices).
    #[command(hide = true)]
    PriceFile {
        #[arg(long, value_name = "REGION", value_parser = crate::region::parse)]
        region: String,
        #[arg(long, value_name = "NAME")]
        profile: Option<String>,
    },
}

/// The command line: the flags declared here, plus every room's own
/// settings (`--percentile`, `--cold-starts`…) on the dashboard and `record`.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    with_room_flags(Cli::command()).mut_subcommand("record", with_room_flags)
}

fn with_room_flags(mut cmd: clap::Command) -> clap::Command {
    for (kind, setting) in crate::services::settings() {
        let check = move |text: &str| -> Result<String, String> {
            crate::room_settings::RoomSettings::default()
                .apply(setting, text)
                .map(|()| text.to_string())
        };
        cmd = cmd.arg(
            clap::Arg::new(setting.name)
                .long(setting.name)
                .value_name(setting.value_name)
                .help(setting.help)
                .help_heading(kind.label())
                .default_value(setting.default)
                .value_parser(check),
        );
    }
    cmd
}

impl Cli {
    /// Parses `matches` of `command()`, the rooms' settings included.
    pub fn from_matches(matches: &clap::ArgMatches) -> Result<Cli, clap::Error> {
        use clap::FromArgMatches;
        let mut cli = Cli::from_arg_matches(matches)?;
        for (_, setting) in crate::services::settings() {
            if let Some(text) = matches.get_one::<String>(setting.name) {
                // Checked by the flag's own parser already.
                let _ = cli.source.rooms.apply(setting, text);
            }
        }
        Ok(cli)
    }

    /// Flags given after a subcommand are its own: they replace the
    /// top-level ones of the same name where the user gave them.
    pub fn merge_subcommand(&mut self, matches: &clap::ArgMatches) {
        let Some((_, sub)) = matches.subcommand() else {
            return;
        };
        let given = |id: &str| {
            matches!(
                sub.value_source(id),
                Some(
                    clap::parser::ValueSource::CommandLine | clap::parser::ValueSource::EnvVariable
                )
            )
        };
        match &self.command {
            Some(Command::Record {
                source,
                config,
                log_file,
                ..
            }) => {
                let (s, t) = (source.as_ref(), &mut self.source);
                macro_rules! take {
                    ($($f:ident),*) => {$(if given(stringify!($f)) { t.$f = s.$f.clone(); })*};
                }
                take!(
                    demo,
                    demo_seed,
                    demo_scale,
                    demo_clock,
                    demo_accounts,
                    window,
                    profile,
                    org_role,
                    org_exclude,
                    accounts_at_once,
                    budget,
                    region,
                    endpoint_url,
                    metrics,
                    interval,
                    timeout,
                    no_price_list,
                    actuals,
                    no_cloudtrail
                );
                for (_, setting) in crate::services::settings() {
                    if given(setting.name) {
                        if let Some(text) = sub.get_one::<String>(setting.name) {
                            // Checked by the flag's own parser already.
                            let _ = t.rooms.apply(setting, text);
                        }
                    }
                }
                if config.is_some() {
                    self.look.config = config.clone();
                }
                if log_file.is_some() {
                    self.look.log_file = log_file.clone();
                }
            }
            Some(Command::Replay { look, .. }) => {
                let t = &mut self.look;
                macro_rules! take {
                    ($($f:ident),*) => {$(if given(stringify!($f)) { t.$f = look.$f.clone(); })*};
                }
                take!(config, theme, pane, log_file);
            }
            Some(Command::Verify { config, .. }) | Some(Command::Config { config, .. })
                if config.is_some() =>
            {
                self.look.config = config.clone();
            }
            _ => {}
        }
    }

    /// Refuses flags that would do nothing where they were given: a flag is
    /// never silently ignored.
    pub fn check(&self, matches: &clap::ArgMatches) -> Result<(), String> {
        if self.source.demo {
            let live = [
                "profile",
                "org_role",
                "org_exclude",
                "accounts_at_once",
                "actuals",
                "no_cloudtrail",
                "endpoint_url",
                "timeout",
                "metrics",
            ];
            refuse(matches, live.into_iter().chain(live_only()), "has no effect with --demo (the demo account reads no AWS)")?;
            if self.source.region.len() > 1 {
                return Err("the demo account has one region: give --demo one --region".into());
            }
        } else {
            refuse(matches, ["demo_seed", "demo_scale", "demo_clock", "demo_accounts"], "needs --demo")?;
        }
        let tui = self.command.is_none() && !self.once && self.replay.is_none();
        if !tui && self.command.is_none() {
            refuse(matches, ["theme", "pane"], "has no effect with --once (nothing is drawn)")?;
        }
        // Without a terminal the dashboard prints one snapshot instead.
        if tui && !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            refuse(
                matches,
                ["theme", "pane"],
                "has no effect when standard output is not a terminal (awstop prints one snapshot)",
            )?;
        }
        if self.replay.is_some() {
            let read = [
                "demo",
                "profile",
                "org_role",
                "org_exclude",
                "accounts_at_once",
                "demo_accounts",
                "actuals",
                "no_cloudtrail",
                "region",
                "endpoint_url",
                "interval",
                "timeout",
                "metrics",
            ];
            refuse(matches, read.into_iter().chain(live_only()), "has no effect with --replay (the recording holds the data)")?;
        }
        Ok(())
    }

    /// Whether the user gave flag `id` on the command line, before or after the subcommand.
    pub fn given(matches: &clap::ArgMatches, id: &str) -> bool {
        use clap::parser::ValueSource::{CommandLine, EnvVariable};
        let at = |m: &clap::ArgMatches| {
            m.try_get_raw(id).is_ok()
                && matches!(m.value_source(id), Some(CommandLine | EnvVariable))
        };
        at(matches) || matches.subcommand().is_some_and(|(_, sub)| at(sub))
    }
}

/// The rooms' settings that only change how AWS is read.
/// The first flag of `ids` the user gave, refused: `--FLAG why`.
fn refuse<'a>(matches: &clap::ArgMatches, ids: impl IntoIterator<Item = &'a str>, why: &str) -> Result<(), String> {
    match ids.into_iter().find(|id| Cli::given(matches, id)) {
        Some(id) => Err(format!("--{} {why}", id.replace('_', "-"))),
        None => Ok(()),
    }
}

fn live_only() -> impl Iterator<Item = &'static str> {
    crate::services::settings()
        .filter(|(_, s)| s.live_only)
        .map(|(_, s)| s.name)
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
