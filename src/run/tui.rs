//! The terminal loop: keys, data and ticks in, one frame per burst out.

use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use super::signals::{Caught, Signals};
use super::Source;
use crate::app::keymap;
use crate::app::model::Model;
use crate::app::msg::{Cmd, Msg};
use crate::app::update;
use crate::record::writer::Writer;
use crate::services::feed::Freshness;
use crate::services::{ServiceKind, Settings};
use crate::source::{demo, live, replay, SourceCmd};
use crate::{terminal, ui};

/// At most ~30 frames a second; bursts of messages coalesce into one frame.
const FRAME: Duration = Duration::from_millis(33);
/// A key's frame waits for no data burst: it is drawn once the last frame is
/// this old (one 200 Hz frame), so a key answers at once even while a
/// refresh is arriving, and a held key still draws no more than that.
const KEY_FRAME: Duration = Duration::from_millis(5);

/// Runs the dashboard until the user quits (`None`) or a signal stops it
/// (`Some(signal)`); the terminal is restored either way.
pub(super) async fn run(
    source: Source,
    mut recorder: Option<Writer>,
    look: super::Look,
    settings: Settings,
    panic_after_first_frame: bool,
) -> std::io::Result<Option<i32>> {
    let theme = look.theme;
    let clock = source.clock();
    let label = source.label();
    let (data_tx, mut data_rx) = mpsc::channel(256);
    // The sources send to the digest stage, which passes each refresh on
    // with what its room worked out off this thread.
    let (source_tx, source_rx) = mpsc::channel(256);
    crate::source::digest::spawn(source_rx, data_tx, settings.clone());
    let data_tx = source_tx;
    let (cmd_tx, cmd_rx) = mpsc::channel(64);
    match source {
        Source::Demo(demo, clock) => drop(tokio::spawn(demo::run(demo, clock, data_tx, cmd_rx))),
        Source::Live(l) => drop(tokio::spawn(live::run(l, data_tx, cmd_rx))),
        Source::Replay(rec) => drop(tokio::spawn(replay::run(
            super::audit::recording(rec),
            data_tx,
            cmd_rx,
        ))),
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

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut last_draw = Instant::now() - FRAME;
    let mut draw_due: Option<Instant> = None;
    super::reaper::start();
    let mut drew_data = false;
    // A key has changed the screen since the last frame.
    let mut key_waits = false;
    let mut signals = Signals::new(true)?;
    let mut stopped: Option<i32> = None;
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
                    Cmd::Timeline(t) => drop(cmd_tx.try_send(SourceCmd::Timeline(t))),
                    Cmd::Suspend => {
                        terminal::suspend();
                        super::signals::stop_self();
                        terminal::resume(&mut term)?;
                        model.dirty = true;
                    }
                }
            }
        }
        if model.quit || stopped.is_some() {
            if let Some(w) = recorder.take() {
                w.finish(clock.now()).map_err(std::io::Error::other)?;
            }
            return Ok(stopped);
        }
        if model.dirty && !model.settling {
            let now = Instant::now();
            // The frame cap keeps a burst of messages to one draw per FRAME; the
            // first frame with data skips it, so the wait after start is only
            // the data's.
            let first_data = !drew_data
                && ServiceKind::ALL
                    .iter()
                    .any(|k| model.data.feeds.scopes(*k).loaded());
            drew_data |= first_data;
            let due = frame_due(last_draw, key_waits);
            if now >= due || first_data {
                term.draw(|f| ui::draw(f, &model, &theme))?;
                model.dirty = false;
                key_waits = false;
                super::reaper::bury(std::mem::take(&mut model.data.retired));
                last_draw = now;
                draw_due = None;
                if panic_after_first_frame {
                    panic!("panic requested by --panic-after-first-frame");
                }
            } else {
                draw_due = Some(due);
            }
        }
        // Keys first: a key and a refresh that wait together are taken in
        // that order, and while a key's frame waits for its slot no refresh
        // is taken (at 50,000 functions one costs a hundred milliseconds),
        // so the key is answered within its frame, the refresh after it.
        let key_frame_pending = key_waits && draw_due.is_some() && model.dirty && !model.settling;
        tokio::select! {
            biased;
            sig = signals.recv() => match sig {
                Caught::Stop(n) => stopped = Some(n),
                Caught::Suspend => cmds.push(Cmd::Suspend),
            },
            ev = events.next() => match ev {
                Some(Ok(Event::Key(key))) => {
                    if let Some(a) = keymap::map(key, model.ui.mode) {
                        cmds = update(&mut model, Msg::Action(a));
                        key_waits = true;
                    }
                }
                Some(Ok(Event::Resize(width, height))) => {
                    term.autoresize()?;
                    cmds = update(&mut model, Msg::Resize { width, height });
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(None),
            },
            Some(msg) = data_rx.recv(), if !key_frame_pending => {
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
            _ = tick.tick() => {
                cmds = update(&mut model, Msg::Tick(clock.now()));
            }
            _ = tokio::time::sleep_until(draw_due.unwrap_or_else(Instant::now)), if draw_due.is_some() => {}
        }
    }
}

/// When the next frame may be drawn after one drawn at `last`: a burst of
/// data messages is drawn once per `FRAME`, a key's change after `KEY_FRAME`.
fn frame_due(last: Instant, key_waits: bool) -> Instant {
    last + if key_waits { KEY_FRAME } else { FRAME }
}

#[cfg(test)]
mod frame_tests {
    use super::*;

    #[test]
    fn a_key_is_drawn_within_a_200_hz_frame_data_within_the_cap() {
        let t = Instant::now();
        assert_eq!(frame_due(t, true) - t, Duration::from_millis(5));
        assert_eq!(frame_due(t, false) - t, FRAME);
        assert!(frame_due(t, true) < frame_due(t, false));
    }
}
