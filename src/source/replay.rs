//! A recording played back: a source like the demo and the live account. It
//! sends the recorded messages as they were received, up to where its
//! timeline stands, and then where that is (`ReplayMsg::At`); its clock is
//! the only time a replay shows. The file is read as it plays and read again
//! from the start to step back, so a long recording costs its state, not its
//! size.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::record::reader::Reader;
use crate::replay::{self, Change, Timeline, Trust};
use crate::services::msg::{DataMsg, DataTx, ReplayMsg, SourceCmd, TimelineCmd};

/// How often a playing replay moves its clock.
const PLAY_STEP: Duration = Duration::from_millis(100);

/// A recording as its scan found it: what the timeline needs to play it.
pub struct Recording {
    pub path: PathBuf,
    /// Every shown record's receive time, in file order.
    pub times: Vec<DateTime<Utc>>,
    /// When the recording started (its header): the clock of one without records.
    pub started_at: DateTime<Utc>,
    pub trust: Trust,
    /// Read on past a problem (`--force`), as the scan did.
    pub keep_going: bool,
    /// From its first record to when it was closed, as `verify` says: where
    /// a jump may go.
    pub span: (DateTime<Utc>, DateTime<Utc>),
}

struct Player {
    path: PathBuf,
    /// Positioned after `applied` records.
    reader: Option<Reader>,
    applied: usize,
    timeline: Timeline,
    trust: Trust,
    keep_going: bool,
    /// When the clock last moved, in real time.
    last: Instant,
    span: (DateTime<Utc>, DateTime<Utc>),
    tx: DataTx,
}

/// The app hung up: nothing more to play for.
struct Gone;

type Sent = Result<(), Gone>;

/// Plays `rec` to the app until it hangs up: what it holds up to the first
/// moment at once, then as the timeline moves (by itself while playing, or
/// as the timeline keys ask).
pub async fn run(rec: Recording, tx: DataTx, mut cmds: mpsc::Receiver<SourceCmd>) {
    let mut p = Player {
        path: rec.path,
        reader: None,
        applied: 0,
        timeline: Timeline::new(rec.times, rec.started_at),
        trust: rec.trust,
        keep_going: rec.keep_going,
        last: Instant::now(),
        span: rec.span,
        tx,
    };
    let upto = p.timeline.pos;
    if p.apply(Change::Forward(0..upto)).await.is_err() {
        return;
    }
    let mut play = tokio::time::interval(PLAY_STEP);
    play.set_missed_tick_behavior(MissedTickBehavior::Skip);
    loop {
        let sent = tokio::select! {
            _ = play.tick(), if p.timeline.playing => {
                let now = Instant::now();
                let real = chrono::Duration::from_std(now - p.last).unwrap_or_default();
                p.last = now;
                let change = p.timeline.advance(real);
                p.apply(change).await
            }
            cmd = cmds.recv() => match cmd {
                Some(SourceCmd::Timeline(c)) => p.command(c).await,
                // A recording is what it is: nothing to refresh, no rows to
                // follow, no log to tail.
                Some(SourceCmd::RefreshAll | SourceCmd::Visible { .. } | SourceCmd::Tail(_)) => Ok(()),
                None => return,
            },
        };
        if sent.is_err() {
            return;
        }
    }
}

impl Player {
    async fn send(&mut self, msg: DataMsg) -> Sent {
        self.tx.send(msg).await.map_err(|_| Gone)
    }

    async fn say(&mut self, text: String) -> Sent {
        self.send(DataMsg::Replay(ReplayMsg::Notice(text))).await
    }

    /// The next `n` records, as they were received.
    async fn forward(&mut self, n: usize) -> Sent {
        let Some(reader) = self.reader.as_mut() else {
            return Ok(());
        };
        for _ in 0..n {
            let Some((_, msg)) = reader.next_record() else {
                break;
            };
            if self.tx.send(msg).await.is_err() {
                return Err(Gone);
            }
        }
        Ok(())
    }

    /// Starts over and plays the first `upto` records, read again from the file.
    async fn rebuild(&mut self, upto: usize) -> Sent {
        self.send(DataMsg::Replay(ReplayMsg::Restart)).await?;
        match Reader::open(&self.path) {
            Ok(r) => {
                self.reader = Some(if self.keep_going { r.keep_going() } else { r });
                self.forward(upto).await?;
                self.applied = upto;
                Ok(())
            }
            Err(e) => {
                self.reader = None;
                self.say(e.to_string()).await
            }
        }
    }

    /// Plays what the timeline's move asks for, then says where it stands.
    async fn apply(&mut self, change: Change) -> Sent {
        match change {
            Change::None => {}
            Change::Forward(r) => {
                if self.reader.is_none() || self.applied != r.start {
                    self.rebuild(r.start).await?;
                }
                if self.reader.is_some() {
                    self.forward(r.len()).await?;
                    self.applied = r.end;
                }
            }
            Change::Rebuild => self.rebuild(self.timeline.pos).await?,
        }
        let status = self.timeline.status(self.trust);
        self.send(DataMsg::Replay(ReplayMsg::At(status))).await
    }

    async fn command(&mut self, c: TimelineCmd) -> Sent {
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
            TimelineCmd::Jump(text) => return self.jump(&text).await,
        };
        self.apply(change).await
    }

    /// The `@` prompt: a time inside the recording, or its nearer edge.
    async fn jump(&mut self, text: &str) -> Sent {
        let (start, end) = self.span;
        let at = match replay::at::within(text, start, end) {
            Ok(at) => at,
            Err(e) => return self.say(e.to_string()).await,
        };
        // Outside the recording there is nothing to show: go to its edge.
        let t = at.unwrap_or_else(|t| t);
        let change = self.timeline.jump(t.clamp(start, end));
        self.apply(change).await?;
        if at.is_err() {
            let fmt = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
            self.say(format!(
                "{text} is outside the recording ({} to {}): showing {}",
                fmt(start),
                fmt(end),
                if t < start { "its start" } else { "its end" }
            ))
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
