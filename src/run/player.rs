//! A replay in the dashboard: the timeline over a recording read from the
//! file as it plays (stepping back reads it again from the start), so a long
//! recording costs its state, not its size.

use std::path::PathBuf;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::time::Instant;

use super::audit::Scanned;
use crate::app::model::Model;
use crate::app::msg::{Msg, TimelineCmd};
use crate::app::update;
use crate::record::reader::Reader;
use crate::replay::{self, Change, Timeline};

pub(super) struct Player {
    path: PathBuf,
    /// Positioned after `applied` records.
    reader: Option<Reader>,
    applied: usize,
    pub timeline: Timeline,
    broken: bool,
    pub last: Instant,
    first: DateTime<Utc>,
    /// Where the recording ends, as `verify` says: when it was closed.
    end: DateTime<Utc>,
}

impl Player {
    pub fn new(rec: Scanned) -> Player {
        let (first, end) = super::audit::span(&rec);
        Player {
            path: rec.path,
            reader: None,
            applied: 0,
            timeline: Timeline::new(rec.times, rec.header.started_at),
            broken: rec.summary.problem.is_some(),
            last: Instant::now(),
            first,
            end,
        }
    }

    fn rebuild(&mut self, model: &mut Model, upto: usize) {
        match replay::rebuild(model, &self.path, upto) {
            Ok(r) => {
                self.reader = Some(r);
                self.applied = upto;
            }
            Err(e) => {
                self.reader = None;
                update(model, Msg::Notice(e));
            }
        }
    }

    pub fn apply(&mut self, model: &mut Model, change: Change) {
        match change {
            Change::None => {}
            Change::Forward(r) => {
                if self.reader.is_none() || self.applied != r.start {
                    self.rebuild(model, r.start);
                }
                if let Some(reader) = self.reader.as_mut() {
                    replay::apply_from(model, reader, r.len());
                    self.applied = r.end;
                }
            }
            Change::Rebuild => self.rebuild(model, self.timeline.pos),
        }
        update(model, Msg::Replay(self.timeline.status(self.broken)));
    }

    pub fn command(&mut self, model: &mut Model, c: TimelineCmd) {
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
                let (start, end) = (self.first, self.end);
                match replay::at::within(&text, start, end) {
                    Ok(at) => {
                        // Outside the recording there is nothing to show: go to its edge.
                        let t = at.unwrap_or_else(|t| t);
                        let clamped = t.clamp(start, end);
                        let change = self.timeline.jump(clamped);
                        self.apply(model, change);
                        if at.is_err() {
                            let fmt =
                                |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
                            update(
                                model,
                                Msg::Notice(format!(
                                    "{text} is outside the recording ({} to {}): showing {}",
                                    fmt(start),
                                    fmt(end),
                                    if t < start { "its start" } else { "its end" }
                                )),
                            );
                        }
                        return;
                    }
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
