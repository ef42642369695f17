//! Wiring: pick the source, then print one snapshot, record headless, verify,
//! or run the TUI loop.

mod audit;
mod prices;
pub mod reaper;
pub mod signals;
mod tui;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::app::model::{Model, SourceLabel};
use crate::app::msg::{DataMsg, Msg};
use crate::app::update;
use crate::aws::client::Connection;
use crate::cli::{Cli, Command, Format, MetricsScope};
use crate::services::live::{Live, Options};
use crate::services::{Intervals, ServiceKind, Settings};
use crate::source::clock::Clock;
use crate::source::demo::DemoAccount;
use crate::{once, policy, snapshot};

/// A failed run: what to say (already said when empty) and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure { code: 2, message }
    }
}

impl Failure {
    /// The input (a recording, a time) is bad: exit 1, as `verify` does.
    pub fn bad_input(message: impl std::fmt::Display) -> Self {
        Failure {
            code: 1,
            message: message.to_string(),
        }
    }
}

/// A key that cannot be had, or a recording that cannot be written, is a
/// usage error (exit 2), as any other bad flag.
impl From<crate::record::error::KeyError> for Failure {
    fn from(e: crate::record::error::KeyError) -> Self {
        Failure::from(e.to_string())
    }
}

impl From<crate::record::error::WriteError> for Failure {
    fn from(e: crate::record::error::WriteError) -> Self {
        Failure::from(e.to_string())
    }
}

pub(crate) enum Source {
    Demo(DemoAccount, Clock),
    Live(crate::source::fleet::Fleet),
    Replay(audit::Scanned),
}

impl Source {
    fn label(&self) -> SourceLabel {
        match self {
            Source::Demo(..) => SourceLabel::Demo,
            Source::Live(_) => SourceLabel::Live,
            Source::Replay(_) => SourceLabel::Replay,
        }
    }
    fn clock(&self) -> Clock {
        match self {
            Source::Demo(_, c) => c.clone(),
            Source::Live(_) => Clock::running_from(chrono::Utc::now()),
            Source::Replay(r) => Clock::frozen(r.summary.first.unwrap_or(r.header.started_at)),
        }
    }
}

pub fn main(cli: Cli) -> Result<(), Failure> {
    let stdout_tty = std::io::stdout().is_terminal();
    let format = cli.format.unwrap_or(if stdout_tty {
        Format::Table
    } else {
        Format::Json
    });
    match &cli.command {
        Some(Command::IamPolicy { org: Some(role), .. }) => {
            return write_stdout(&policy::org_caller_document(role))
        }
        Some(Command::IamPolicy { stackset: true, .. }) => {
            return write_stdout(&policy::stackset::member_template())
        }
        Some(Command::IamPolicy { member: true, .. }) => {
            return write_stdout(&policy::org_member_document())
        }
        Some(Command::IamPolicy { actuals: true, .. }) => {
            return write_stdout(&policy::document_with_actuals())
        }
        Some(Command::IamPolicy { .. }) => return write_stdout(&policy::document()),
        Some(Command::PriceFile { region, profile }) => {
            return write_stdout(&prices::price_file(region, profile.as_deref()).map_err(|e| e.to_string())?)
        }
        Some(Command::Verify {
            file,
            key,
            allow_unsigned,
            ..
        }) => {
            return audit::verify(
                file,
                key.as_deref().or(cli.pinned_key.as_deref()),
                *allow_unsigned,
            )
        }
        Some(Command::Config { default: true, .. }) => {
            return write_stdout(&crate::config::default_file())
        }
        Some(Command::Config { default: false, .. }) => {
            let path = cli
                .look
                .config
                .clone()
                .or_else(|| crate::config::Config::dir().map(|d| d.join("config.toml")));
            let text = match path {
                Some(p) if p.exists() => format!("{}\n", p.display()),
                Some(p) => format!(
                    "{} (not there: the defaults apply; `awstop config --default` prints them)\n",
                    p.display()
                ),
                None => "no configuration directory (HOME is not set): the defaults apply\n".into(),
            };
            return write_stdout(&text);
        }
        _ => {}
    }
    let recording = matches!(cli.command, Some(Command::Record { .. }));
    start_log(
        &cli,
        !recording && !cli.once && cli.replay.is_none() && stdout_tty,
    )?;
    if let Some(file) = &cli.replay {
        let rec = audit::load(
            file,
            audit::Open {
                force: false,
                allow_unsigned: cli.allow_unsigned,
                pinned: cli.pinned_key.as_deref(),
                timeline: false,
            },
        )?;
        let at = match &cli.at {
            Some(text) => audit::parse_at(&rec, text)?,
            None => audit::last_shown(&rec),
        };
        let model = audit::model_at(&rec, at, settings(&cli))?;
        print_once(&model, cli.source.window, format)?;
        return once_exit(&model);
    }
    let headless = !recording && (cli.once || !stdout_tty);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(async {
        if let Some(Command::Replay {
            file,
            force,
            allow_unsigned,
            ..
        }) = &cli.command
        {
            let rec = audit::load(
                file,
                audit::Open {
                    force: *force,
                    allow_unsigned: *allow_unsigned,
                    pinned: cli.pinned_key.as_deref(),
                    timeline: true,
                },
            )?;
            let look = look(&cli)?;
            let end = tui::run(
                Source::Replay(rec),
                None,
                look,
                settings(&cli),
                cli.panic_after_first_frame,
            )
            .await;
            return ended(end);
        }
        let source = connect(&cli, headless || recording).await?;
        if let Some(live) = match &source {
            Source::Live(fleet) => fleet.first(),
            _ => None,
        } {
            // Only the dashboard reads the list: a snapshot or a recording
            // uses what is cached, and is never held up. List prices are
            // the same for every account: the first one's credentials read them.
            prices::start(&cli, live, !(headless || recording));
        }
        let header = |s: &Source| audit::header(s, &cli);
        if let Some(Command::Record {
            out,
            duration,
            rounds,
            key,
            force,
            ..
        }) = &cli.command
        {
            let w = audit::writer(out, header(&source), key.as_deref(), *force)?;
            return audit::record_headless(source, w, *duration, *rounds).await;
        }
        let recorder = match &cli.record {
            Some(path) => Some(audit::writer(
                path,
                header(&source),
                cli.key.as_deref(),
                cli.force,
            )?),
            None => None,
        };
        if headless {
            let clock = source.clock();
            // What is only printed needs no per-minute histories; a
            // recording keeps them, for the replay's graphs.
            let msgs = match (&source, &recorder) {
                (Source::Demo(demo, clock), None) => demo.messages_headless(clock.now()),
                _ => once_messages(&source).await,
            };
            if let Some(mut w) = recorder {
                for m in &msgs {
                    w.record(clock.now(), m)?;
                }
                w.finish(clock.now())?;
            }
            // The demo's plan of every row is not needed to print them.
            let label = source.label();
            drop(source);
            let model = model_from(label, clock.now(), settings(&cli), msgs);
            print_once(&model, cli.source.window, format)?;
            once_exit(&model)
        } else {
            let look = look(&cli)?;
            let end = tui::run(
                source,
                recorder,
                look,
                settings(&cli),
                cli.panic_after_first_frame,
            )
            .await;
            ended(end)
        }
    })
}

async fn connect(cli: &Cli, headless: bool) -> Result<Source, String> {
    if cli.source.demo {
        let clock = match cli.source.demo_clock {
            Some(t) => Clock::frozen(t),
            None => Clock::running_from(chrono::Utc::now()),
        };
        let demo = DemoAccount::new(
            cli.source.demo_seed,
            cli.source.demo_scale as usize,
            cli.source.window,
        )
        .with_intervals(intervals(&cli.source.interval))
        .with_rooms(cli.source.rooms.clone());
        let demo = match cli.source.region.first() {
            Some(r) => demo.with_region(r),
            None => demo,
        };
        let demo = demo.with_accounts(cli.source.demo_accounts as usize);
        return Ok(Source::Demo(demo, clock));
    }
    let opts = Options {
        conn: Connection {
            profile: cli.source.profile.clone(),
            endpoint_url: cli.source.endpoint_url.clone(),
            attempt_timeout: cli.source.timeout.map(Duration::from_secs),
        },
        regions: cli.source.region.clone(),
        window: cli.source.window,
        metrics_all: cli.source.metrics == MetricsScope::All || headless,
        intervals: intervals(&cli.source.interval),
        rooms: cli.source.rooms.clone(),
        budget_usd_per_hour: cli.source.budget,
        actuals: cli.source.actuals,
        cloudtrail: !cli.source.no_cloudtrail,
        screen: match first_pane(cli) {
            crate::app::model::Pane::Room(k) if !headless => Some(k),
            _ => None,
        },
    };
    let naming = naming(cli)?;
    if naming.is_empty() {
        return Ok(Source::Live(crate::source::fleet::Fleet::single(
            Live::connect(opts).await.map_err(|e| e.to_string())?,
        )));
    }
    let fleet = crate::source::fleet::connect(opts, &naming, cli.source.accounts_at_once as usize)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Source::Live(fleet))
}

/// The accounts the flags and the config name: several profiles (a list or
/// a glob), the organization's through a role, `[[accounts]]` entries.
/// One profile alone is the single account, as before.
fn naming(cli: &Cli) -> Result<crate::accounts::Naming, String> {
    use crate::accounts::{profiles, OrgRole};
    let mut n = crate::accounts::Naming::default();
    if let Some(p) = cli.source.profile.as_deref() {
        if p.contains(',') || p.contains(['*', '?', '[']) {
            n.profiles = profiles::select_from_files(p).map_err(|e| format!("--profile: {e}"))?;
        }
    }
    let mut org: Option<OrgRole> = cli.source.org.clone();
    if let Some(role) = &cli.source.org_role {
        let o = org.get_or_insert_with(OrgRole::default);
        o.role = role.clone();
    }
    if !cli.source.org_exclude.is_empty() {
        let Some(o) = org.as_mut() else {
            return Err("--org-exclude needs --org-role (or [org] in the config)".into());
        };
        for id in &cli.source.org_exclude {
            if !o.exclude.contains(id) {
                o.exclude.push(id.clone());
            }
        }
    }
    n.org = org;
    n.entries = cli.source.entries.clone();
    Ok(n)
}

/// How the dashboard looks and opens: the theme (NO_COLOR wins, colours come
/// down to what the terminal shows) and the first pane. Also starts the log.
pub struct Look {
    pub theme: crate::theme::Theme,
    pub pane: crate::app::model::Pane,
}

fn look(cli: &Cli) -> Result<Look, String> {
    use crate::theme::{Depth, Theme};
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = if no_color {
        Theme::monochrome()
    } else {
        let user_dir = crate::config::Config::dir().map(|d| d.join("themes"));
        Theme::load(
            cli.look.theme.as_deref().unwrap_or("default"),
            user_dir.as_deref(),
        )?
        .reduced(Depth::from_env())
    };
    Ok(Look {
        theme,
        pane: first_pane(cli),
    })
}

/// The pane the dashboard opens on.
fn first_pane(cli: &Cli) -> crate::app::model::Pane {
    cli.look
        .pane
        .as_deref()
        .and_then(crate::app::model::Pane::from_name)
        .unwrap_or(crate::app::model::Pane::Room(ServiceKind::ALL[0]))
}

/// The log goes to a file (the terminal belongs to the dashboard). A file the
/// user named must open, in every mode; the default one, in the state
/// directory, only for the dashboard, and its failure is a warning said
/// before the screen is taken.
fn start_log(cli: &Cli, dashboard: bool) -> Result<(), String> {
    if let Some(path) = &cli.look.log_file {
        return crate::logging::init(path, false, false)
            .map_err(|e| format!("--log-file: cannot open the log: {e}"));
    }
    if let Some(path) = crate::logging::default_path().filter(|_| dashboard) {
        if let Err(e) = crate::logging::init(&path, false, true) {
            eprintln!("awstop: no log file ({e}); continuing without one");
        }
    }
    Ok(())
}

fn intervals(given: &[(ServiceKind, u64)]) -> Intervals {
    let mut i = Intervals::default();
    for (kind, secs) in given {
        i.set(*kind, Duration::from_secs(*secs));
    }
    i
}

/// What the user asked to see, for every room.
fn settings(cli: &Cli) -> Settings {
    Settings {
        window: cli.source.window,
        rooms: cli.source.rooms.clone(),
        prices: cli.prices.clone(),
        intervals: intervals(&cli.source.interval),
        metrics_all: cli.source.metrics == MetricsScope::All,
        budget_usd_per_hour: cli.source.budget,
        accounts: Default::default(),
    }
}

/// `--once` exit codes: 0 when everything was read, 3 when something could
/// not be (the snapshot's `errors` say what), 4 when nothing could.
pub const EXIT_PARTIAL: u8 = 3;
pub const EXIT_NOTHING: u8 = 4;

fn once_exit(m: &Model) -> Result<(), Failure> {
    let d = &m.data;
    let loaded = ServiceKind::ALL
        .iter()
        .any(|k| crate::services::feed::Freshness::loaded(d.feeds.scopes(*k)));
    let failed = d.account_error.is_some()
        || d.settings.accounts.failing() > 0
        || ServiceKind::ALL
            .iter()
            .any(|k| d.feeds.scopes(*k).values().any(|r| r.error.is_some()));
    let code = if !loaded && d.source != SourceLabel::Demo {
        EXIT_NOTHING
    } else if failed {
        EXIT_PARTIAL
    } else {
        return Ok(());
    };
    Err(Failure {
        code,
        message: String::new(),
    })
}

/// How the dashboard ended: a quit, a terminal error, or a signal (exit
/// 128 + its number, as shells expect).
fn ended(end: std::io::Result<Option<i32>>) -> Result<(), Failure> {
    match end {
        Ok(None) => Ok(()),
        Ok(Some(sig)) => Err(Failure {
            code: (128 + sig).clamp(0, 255) as u8,
            message: String::new(),
        }),
        Err(e) => Err(format!("terminal error: {e}").into()),
    }
}

/// The same messages the TUI would receive, fed through the same `update`.
pub fn once_model(demo: &DemoAccount, clock: &Clock) -> Model {
    model_from(
        SourceLabel::Demo,
        clock.now(),
        Settings::default(),
        demo.messages_at(clock.now()),
    )
}

fn model_from(
    label: SourceLabel,
    now: chrono::DateTime<chrono::Utc>,
    settings: Settings,
    msgs: Vec<DataMsg>,
) -> Model {
    let mut model = Model::with_settings(label, now, settings);
    for msg in msgs {
        update(&mut model, Msg::Data(msg));
    }
    model
}

/// One full refresh of the source, every function's metrics included.
async fn once_messages(source: &Source) -> Vec<DataMsg> {
    match source {
        Source::Demo(demo, clock) => demo.messages_at(clock.now()),
        Source::Live(fleet) => crate::source::live::once_all(fleet).await,
        Source::Replay(r) => {
            let mut out = Vec::new();
            if let Ok(mut reader) = crate::record::reader::Reader::open(&r.path) {
                while let Some((_, m)) = reader.next_record() {
                    out.push(m);
                }
            }
            out
        }
    }
}

fn print_once(model: &Model, window: u32, format: Format) -> Result<(), Failure> {
    let snap = snapshot::from_model(model, window);
    let text = match format {
        Format::Json => {
            let out = std::io::stdout().lock();
            return match once::write_json(&snap, out) {
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(format!("cannot write the output: {e}").into())
                }
                _ => Ok(()),
            };
        }
        Format::Table => once::table(model, &snap),
        Format::Csv => once::csv(model),
    };
    write_stdout(&text)
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the output: {e}").into())
        }
        _ => Ok(()),
    }
}

/// The run loop's side of `Cmd::Export`: the file is written here, not in `update`.
fn export_view(model: &mut Model, path: &str) {
    let said = write_current_view(model, path);
    update(model, Msg::Notice(said));
}

/// The current table view as CSV: its columns, and exactly the rows on
/// screen in order (the filter and sort applied). `None` when not a table.
pub fn current_view(m: &Model) -> Option<(String, usize)> {
    let crate::app::model::View::Room(v) = m.view() else {
        return None;
    };
    let cx = crate::app::tables::ctx(m);
    let section = v.kind().room().export(&m.data.feeds, v, &m.ui.rows, &cx)?;
    Some((section.csv(), section.rows.len()))
}

/// Writes the current view into `path`; the footer message says where.
pub fn write_current_view(m: &Model, path: &str) -> String {
    let Some((csv, n)) = current_view(m) else {
        return "nothing to export here: open a table".into();
    };
    use std::io::Write;
    let full = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.into());
    // Never over another file: a second export in the same second gets a suffix.
    match crate::files::create_unique(&full)
        .and_then(|(mut f, at)| f.write_all(csv.as_bytes()).map(|_| at))
    {
        Ok(at) => format!("exported {n} rows to {}", at.display()),
        Err(e) => format!("export failed: {}: {e}", full.display()),
    }
}
