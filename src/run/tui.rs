//! The terminal loop: keys, data and ticks in, one frame per burst out; in a
//! replay the timeline drives the data instead of a source.

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use super::Source;
use crate::app::keymap;
use crate::app::model::Model;
use crate::app::msg::{Cmd, DataMsg, Msg, TimelineCmd};
use crate::app::update;
use crate::record::writer::Writer;
use crate::replay::{self, Change, Timeline};
use crate::services::feed::Freshness;
use crate::services::{ServiceKind, Settings};
use crate::source::{demo, live, SourceCmd};
use crate::{terminal, ui};

/// At most ~30 frames a second; bursts of messages coalesce into one frame.
const FRAME: Duration = Duration::from_millis(33);
/// How often a playing replay moves its clock.
const PLAY_STEP: Duration = Duration::from_millis(100);

struct Player {
    records: Vec<(DateTime<Utc>, DataMsg)>,
    timeline: Timeline,
    broken: bool,
    last: Instant,
}

impl Player {
    fn apply(&mut self, model: &mut Model, change: Change) {
        match change {
            Change::None => {}
            Change::Forward(r) => replay::apply(model, &self.records[r]),
            Change::Rebuild => replay::rebuild(model, &self.records, self.timeline.pos),
        }
        update(model, Msg::Replay(self.timeline.status(self.broken)));
    }

    fn command(&mut self, model: &mut Model, c: TimelineCmd) {
        let change = match c {
            TimelineCmd::PlayPause => {
                let before = self.timeline.pos;
                self.timeline.toggle();
                self.last = Instant::now();
                // Play at the end went back to the start.
                if self.timeline.pos < before {
                    Change::Rebuild
                } else {
                    Change::None
                }
            }
            TimelineCmd::Faster => {
                self.timeline.faster();
                Change::None
            }
            TimelineCmd::Slower => {
                self.timeline.slower();
                Change::None
            }
            TimelineCmd::StepForward => self.timeline.step_forward(),
            TimelineCmd::StepBack => self.timeline.step_back(),
            TimelineCmd::Jump(text) => {
                let start = self
                    .records
                    .first()
                    .map(|r| r.0)
                    .unwrap_or(self.timeline.clock);
                match replay::at::parse(&text, start, self.timeline.end()) {
                    Ok(t) => self.timeline.jump(t),
                    Err(e) => {
                        update(model, Msg::Notice(e));
                        return;
                    }
                }
            }
        };
        self.apply(model, change);
    }
}

pub(super) async fn run(
    source: Source,
    mut recorder: Option<Writer>,
    look: super::Look,
    settings: Settings,
    panic_after_first_frame: bool,
) -> std::io::Result<()> {
    let theme = look.theme;
    let clock = source.clock();
    let label = source.label();
    let (data_tx, mut data_rx) = mpsc::channel(256);
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    let mut player = None;
    let mut _replay_tx = None;
    match source {
        Source::Demo(demo, clock) => drop(tokio::spawn(demo::run(demo, clock, data_tx, cmd_rx))),
        Source::Live(l) => drop(tokio::spawn(live::run(l, data_tx, cmd_rx))),
        Source::Replay(rec) => {
            let times = rec.records.iter().map(|r| r.0).collect();
            let timeline = Timeline::new(times, rec.header.started_at);
            player = Some(Player {
                records: rec.records,
                timeline,
                broken: rec.problem.is_some(),
                last: Instant::now(),
            });
            // Kept so the data branch below waits instead of seeing a closed channel.
            _replay_tx = Some(data_tx);
        }
    };

    let (mut term, _guard) = terminal::init()?;
    // A known blank screen lets the backend rewrite short unchanged gaps
    // instead of moving over them. Through the backend, because
    // `Terminal::clear` asks the terminal where its cursor is and waits for
    // the answer, a round trip a slow link should not pay at start.
    ratatui::backend::Backend::clear(term.backend_mut())?;
    let mut model = Model::with_settings(label, clock.now(), settings);
    model.ui.pane = look.pane;
    let size = term.size()?;
    let mut cmds = update(
        &mut model,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    if let Some(p) = player.as_mut() {
        let upto = p.timeline.pos;
        p.apply(&mut model, Change::Forward(0..upto));
    }

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut play = tokio::time::interval(PLAY_STEP);
    play.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut last_draw = Instant::now() - FRAME;
    let mut draw_due: Option<Instant> = None;
    super::reaper::start();
    let mut drew_data = false;
    loop {
        while !cmds.is_empty() {
            for c in std::mem::take(&mut cmds) {
                match c {
                    // A full command queue only means the source is busy; it will catch up.
                    Cmd::Refresh => drop(cmd_tx.try_send(SourceCmd::RefreshAll)),
                    Cmd::Visible { service, keys } => {
                        drop(cmd_tx.try_send(SourceCmd::Visible { service, keys }))
                    }
                    Cmd::Tail(target) => drop(cmd_tx.try_send(SourceCmd::Tail(target))),
                    Cmd::Export { path } => super::export_view(&mut model, &path),
                    Cmd::Timeline(t) => {
                        if let Some(p) = player.as_mut() {
                            p.command(&mut model, t);
                        }
                    }
                }
            }
        }
        if model.quit {
            if let Some(w) = recorder.take() {
                w.finish(clock.now()).map_err(std::io::Error::other)?;
            }
            return Ok(());
        }
        if model.dirty {
            let now = Instant::now();
            // The frame cap keeps a burst of messages to one draw per FRAME; the
            // first frame with data skips it, so the wait after start is only
            // the data's.
            let first_data = !drew_data
                && ServiceKind::ALL
                    .iter()
                    .any(|k| model.data.feeds.regions(*k).loaded());
            drew_data |= first_data;
            if now >= last_draw + FRAME || first_data {
                term.draw(|f| ui::draw(f, &model, &theme))?;
                model.dirty = false;
                super::reaper::bury(std::mem::take(&mut model.data.retired));
                last_draw = now;
                draw_due = None;
                if panic_after_first_frame {
                    panic!("panic requested by --panic-after-first-frame");
                }
            } else {
                draw_due = Some(last_draw + FRAME);
            }
        }
        let playing = player.as_ref().is_some_and(|p| p.timeline.playing);
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) => {
                    if let Some(a) = keymap::map(key, model.ui.mode) {
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
                let mut msgs = vec![msg];
                // Take everything else already waiting before drawing once.
                while let Ok(msg) = data_rx.try_recv() {
                    msgs.push(msg);
                }
                for msg in msgs {
                    if let Some(w) = recorder.as_mut() {
                        if let Err(e) = w.record(clock.now(), &msg) {
                            // The dashboard goes on; the footer says the recording stopped.
                            recorder = None;
                            update(&mut model, Msg::Notice(format!("recording stopped: {e}")));
                        }
                    }
                    cmds.extend(update(&mut model, Msg::Data(msg)));
                }
            }
            _ = play.tick(), if playing => {
                if let Some(p) = player.as_mut() {
                    let now = Instant::now();
                    let real = chrono::Duration::from_std(now - p.last).unwrap_or_default();
                    p.last = now;
                    let change = p.timeline.advance(real);
                    p.apply(&mut model, change);
                }
            }
            _ = tick.tick() => {
                // A replay's time is its own clock, never the wall clock.
                if player.is_none() {
                    cmds = update(&mut model, Msg::Tick(clock.now()));
                }
            }
            _ = tokio::time::sleep_until(draw_due.unwrap_or_else(Instant::now)), if draw_due.is_some() => {}
        }
    }
}
