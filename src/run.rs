//! Wiring: pick the source, then print one snapshot, record headless, verify,
//! or run the TUI loop.

mod audit;
pub mod reaper;
mod tui;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::app::model::{Model, SourceLabel};
use crate::app::msg::{DataMsg, Msg};
use crate::app::update;
use crate::aws::client::Connection;
use crate::cli::{Cli, Command, Format, MetricsScope};
use crate::record::reader::Recording;
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
    pub fn bad_input(message: String) -> Self {
        Failure { code: 1, message }
    }
}

pub(crate) enum Source {
    Demo(DemoAccount, Clock),
    Live(Live),
    Replay(Recording),
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
            Source::Replay(r) => Clock::frozen(r.first().unwrap_or(r.header.started_at)),
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
        Some(Command::IamPolicy) => return write_stdout(&policy::document()),
        Some(Command::Verify { file }) => return audit::verify(file),
        Some(Command::Config { default: true }) => {
            return write_stdout(&crate::config::default_file())
        }
        Some(Command::Config { default: false }) => {
            let path = cli
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
    if let Some(file) = &cli.replay {
        let rec = audit::load(file, false)?;
        let at = match &cli.at {
            Some(text) => audit::parse_at(file, &rec, text)?,
            None => rec.last().unwrap_or(rec.header.started_at),
        };
        let model = crate::replay::model_at(&rec.records, at, settings(&cli));
        return print_once(&model, cli.window, format);
    }
    let recording = matches!(cli.command, Some(Command::Record { .. }));
    let headless = !recording && (cli.once || !stdout_tty);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(async {
        if let Some(Command::Replay { file, force }) = &cli.command {
            let rec = audit::load(file, *force)?;
            let look = look(&cli)?;
            return tui::run(
                Source::Replay(rec),
                None,
                look,
                settings(&cli),
                cli.panic_after_first_frame,
            )
            .await
            .map_err(|e| format!("terminal error: {e}").into());
        }
        let source = connect(&cli, headless || recording).await?;
        let header = |s: &Source| audit::header(s, &cli);
        if let Some(Command::Record {
            out,
            duration,
            rounds,
        }) = &cli.command
        {
            let h = header(&source);
            return audit::record_headless(source, out, h, *duration, *rounds).await;
        }
        let recorder = match &cli.record {
            Some(path) => Some(crate::record::writer::Writer::create(
                path,
                header(&source),
            )?),
            None => None,
        };
        if headless {
            let clock = source.clock();
            let msgs = once_messages(&source).await;
            if let Some(mut w) = recorder {
                for m in &msgs {
                    w.record(clock.now(), m)?;
                }
                w.finish(clock.now())?;
            }
            let model = model_from(source.label(), clock.now(), settings(&cli), msgs);
            print_once(&model, cli.window, format)
        } else {
            let look = look(&cli)?;
            tui::run(
                source,
                recorder,
                look,
                settings(&cli),
                cli.panic_after_first_frame,
            )
            .await
            .map_err(|e| format!("terminal error: {e}").into())
        }
    })
}

async fn connect(cli: &Cli, headless: bool) -> Result<Source, String> {
    if cli.demo {
        let clock = match cli.demo_clock {
            Some(t) => Clock::frozen(t),
            None => Clock::running_from(chrono::Utc::now()),
        };
        let demo = DemoAccount::new(cli.demo_seed, cli.demo_scale as usize, cli.window)
            .with_intervals(intervals(&cli.interval));
        return Ok(Source::Demo(demo, clock));
    }
    let opts = Options {
        conn: Connection {
            profile: cli.profile.clone(),
            endpoint_url: cli.endpoint_url.clone(),
            attempt_timeout: cli.timeout.map(Duration::from_secs),
        },
        regions: cli.region.clone(),
        window: cli.window,
        percentile: cli.percentile.clone(),
        metrics_all: cli.metrics == MetricsScope::All || headless,
        intervals: intervals(&cli.interval),
        cold_starts: cli.cold_starts,
    };
    Ok(Source::Live(Live::connect(opts).await?))
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
            cli.theme.as_deref().unwrap_or("default"),
            user_dir.as_deref(),
        )?
        .reduced(Depth::from_env())
    };
    let pane = cli
        .pane
        .as_deref()
        .and_then(crate::app::model::Pane::from_name)
        .unwrap_or(crate::app::model::Pane::Room(ServiceKind::ALL[0]));
    // The terminal belongs to the dashboard: the log goes to a file, and a log
    // that cannot be opened is said here, before the screen is taken.
    if let Some(path) = cli.log_file.clone().or_else(crate::logging::default_path) {
        if let Err(e) = crate::logging::init(&path, false) {
            eprintln!("awstop: no log file ({e}); continuing without one");
        }
    }
    Ok(Look { theme, pane })
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
        window: cli.window,
        percentile: cli.percentile.clone(),
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
        Source::Live(live) => crate::source::live::once(live).await,
        Source::Replay(r) => r.records.iter().map(|r| r.1.clone()).collect(),
    }
}

fn print_once(model: &Model, window: u32, format: Format) -> Result<(), Failure> {
    let snap = snapshot::from_model(model, window);
    let text = match format {
        Format::Json => once::json(&snap),
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
    let full = std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.into());
    match std::fs::write(&full, csv) {
        Ok(()) => format!("exported {n} rows to {}", full.display()),
        Err(e) => format!("export failed: {}: {e}", full.display()),
    }
}
