//! Wiring: pick the source, then either print one snapshot or run the TUI loop.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::app::keymap;
use crate::app::model::{Model, SourceLabel};
use crate::app::msg::{Cmd, DataMsg, Msg};
use crate::app::update;
use crate::cli::{Cli, Format, MetricsScope};
use crate::source::aws::{self, client::Connection, Aws};
use crate::source::clock::Clock;
use crate::source::demo::{self, DemoAccount};
use crate::source::SourceCmd;
use crate::theme::Theme;
use crate::{once, snapshot, terminal, ui};

/// At most ~30 frames a second; bursts of messages coalesce into one frame.
const FRAME: Duration = Duration::from_millis(33);

enum Source {
    Demo(DemoAccount, Clock),
    Live(Aws),
}

impl Source {
    fn label(&self) -> SourceLabel {
        match self {
            Source::Demo(..) => SourceLabel::Demo,
            Source::Live(_) => SourceLabel::Live,
        }
    }
    fn clock(&self) -> Clock {
        match self {
            Source::Demo(_, c) => c.clone(),
            Source::Live(_) => Clock::running_from(chrono::Utc::now()),
        }
    }
}

pub fn main(cli: Cli) -> Result<(), String> {
    let stdout_tty = std::io::stdout().is_terminal();
    let headless = cli.once || !stdout_tty;
    let format = cli.format.unwrap_or(if stdout_tty { Format::Table } else { Format::Json });
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| format!("cannot start the runtime: {e}"))?;
    rt.block_on(async {
        let source = if cli.demo {
            let clock = match cli.demo_clock {
                Some(t) => Clock::frozen(t),
                None => Clock::running_from(chrono::Utc::now()),
            };
            Source::Demo(DemoAccount::new(cli.demo_seed, cli.demo_scale as usize, cli.window), clock)
        } else {
            let opts = aws::Options {
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
            Source::Live(aws::connect(opts).await?)
        };
        if headless {
            let model = once_source(&source).await;
            print_once(&model, cli.window, format)
        } else {
            tui(source, cli.panic_after_first_frame).await.map_err(|e| format!("terminal error: {e}"))
        }
    })
}

fn intervals(given: &[(String, u64)]) -> aws::poll::Intervals {
    let mut i = aws::poll::Intervals::default();
    for (name, secs) in given {
        let d = Duration::from_secs(*secs);
        match name.as_str() {
            "lambda" => i.lambda = d,
            "ecs" => i.ecs = d,
            _ => i.batch = d,
        }
    }
    i
}

/// The same messages the TUI would receive, fed through the same `update`.
pub fn once_model(demo: &DemoAccount, clock: &Clock) -> Model {
    model_from(SourceLabel::Demo, clock.now(), demo.messages_at(clock.now()))
}

fn model_from(label: SourceLabel, now: chrono::DateTime<chrono::Utc>, msgs: Vec<DataMsg>) -> Model {
    let mut model = Model::new(label, now);
    for msg in msgs {
        update(&mut model, Msg::Data(msg));
    }
    model
}

async fn once_source(source: &Source) -> Model {
    match source {
        Source::Demo(demo, clock) => once_model(demo, clock),
        Source::Live(aws) => {
            let msgs = aws.once().await;
            model_from(SourceLabel::Live, chrono::Utc::now(), msgs)
        }
    }
}

fn print_once(model: &Model, window: u32, format: Format) -> Result<(), String> {
    let snap = snapshot::from_model(model, window);
    let text = match format {
        Format::Json => once::json(&snap),
        Format::Table => once::table(&snap),
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write the snapshot: {e}")),
        _ => Ok(()),
    }
}

async fn tui(source: Source, panic_after_first_frame: bool) -> std::io::Result<()> {
    let theme = Theme::from_env();
    let clock = source.clock();
    let label = source.label();
    let (data_tx, mut data_rx) = mpsc::channel(256);
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    match source {
        Source::Demo(demo, clock) => tokio::spawn(demo::run(demo, clock, data_tx, cmd_rx)),
        Source::Live(aws) => tokio::spawn(aws::poll::run(aws, data_tx, cmd_rx)),
    };

    let (mut term, _guard) = terminal::init()?;
    let mut model = Model::new(label, clock.now());
    let size = term.size()?;
    let mut cmds = update(&mut model, Msg::Resize { width: size.width, height: size.height });

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut last_draw = Instant::now() - FRAME;
    let mut draw_due: Option<Instant> = None;
    loop {
        for c in cmds.drain(..) {
            // A full command queue only means the source is busy; it will catch up.
            let _ = cmd_tx.try_send(match c {
                Cmd::Refresh => SourceCmd::RefreshAll,
                Cmd::Visible(names) => SourceCmd::Visible(names),
                Cmd::Tail(target) => SourceCmd::Tail(target),
            });
        }
        if model.quit {
            return Ok(());
        }
        if model.dirty {
            let now = Instant::now();
            if now >= last_draw + FRAME {
                term.draw(|f| ui::draw(f, &model, &theme))?;
                model.dirty = false;
                last_draw = now;
                draw_due = None;
                if panic_after_first_frame {
                    panic!("panic requested by --panic-after-first-frame");
                }
            } else {
                draw_due = Some(last_draw + FRAME);
            }
        }
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) => {
                    if let Some(a) = keymap::map(key, model.mode) {
                        cmds = update(&mut model, Msg::Action(a));
                    }
                }
                Some(Ok(Event::Resize(width, height))) => {
                    term.autoresize()?;
                    cmds = update(&mut model, Msg::Resize { width, height });
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            Some(msg) = data_rx.recv() => {
                cmds = update(&mut model, Msg::Data(msg));
                // Take everything else already waiting before drawing once.
                while let Ok(msg) = data_rx.try_recv() {
                    cmds.extend(update(&mut model, Msg::Data(msg)));
                }
            }
            _ = tick.tick() => {
                cmds = update(&mut model, Msg::Tick(clock.now()));
            }
            _ = tokio::time::sleep_until(draw_due.unwrap_or_else(Instant::now)), if draw_due.is_some() => {}
        }
    }
}
