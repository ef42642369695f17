//! The audit commands' plumbing: scanning and verifying recordings (a line at
//! a time: memory does not grow with the file), and recording without a screen.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::sync::mpsc;

use super::signals::{self, Caught, Signals};
use super::{Failure, Source};
use crate::app::model::{Model, SourceLabel};
use crate::app::msg::Msg;
use crate::app::update;
use crate::cli::Cli;
use crate::record::reader::{Reader, Summary};
use crate::record::writer::Writer;
use crate::record::{sign, Header};
use crate::replay::Trust;
use crate::services::Settings;
use crate::source::{demo, live};

/// A recording read once through: what it holds, without holding it.
pub struct Scanned {
    pub path: PathBuf,
    pub header: Header,
    pub summary: Summary,
    /// Every shown record's receive time, in file order: the replay's timeline.
    pub times: Vec<DateTime<Utc>>,
    /// How many of the first records are shown: the signed ones, unless told otherwise.
    pub shown: usize,
    pub trust: Trust,
}

/// `verify` exit code for a recording without its end mark.
pub const NOT_CLOSED: u8 = 3;

/// How a recording may be opened for replay.
pub struct Open<'a> {
    /// Open it despite a broken chain or signature (marked BROKEN CHAIN).
    pub force: bool,
    /// Show what no trusted signature covers too, marked UNSIGNED or UNVERIFIED.
    pub allow_unsigned: bool,
    /// The key `[audit] public-key` pins.
    pub pinned: Option<&'a str>,
    /// Keep every record's time (the dashboard's timeline); `--once` needs none.
    pub timeline: bool,
}

/// Reads a recording through for replay, stopping at the first problem: a
/// broken chain is refused unless `force`; only what a trusted signature
/// covers is shown unless `allow_unsigned`. What is left out is said on stderr.
pub fn load(file: &Path, how: Open) -> Result<Scanned, Failure> {
    let name = file.display();
    let pinned = how
        .pinned
        .map(sign::public_key)
        .transpose()
        .map_err(Failure::bad_input)?;
    let mut r = Reader::open(file).map_err(Failure::bad_input)?;
    if how.force {
        r = r.keep_going();
    }
    let signed_format = r.signed();
    let mut times = Vec::new();
    while let Some((at, _)) = r.next_record() {
        if how.timeline {
            times.push(at);
        }
    }
    let header = r.header.clone();
    let summary = r.finish();
    let warn = |w: &str| eprintln!("awstop: warning: {}", crate::fmt::escape_controls(w));
    if let Some(p) = &summary.problem {
        if !how.force {
            return Err(Failure::bad_input(format!(
                "{name}: {} (refusing to replay it; --force opens it anyway)",
                p.describe()
            )));
        }
        warn(&format!("{name}: {}", p.describe()));
    }
    for w in &summary.warnings {
        warn(w);
    }
    if !summary.ended {
        warn(&format!(
            "{name}: not closed: cut off or still being written"
        ));
    }
    let refuse = |why: String| -> Result<(), Failure> {
        if how.allow_unsigned {
            warn(&format!("{name}: {why}: shown marked UNSIGNED"));
            Ok(())
        } else {
            Err(Failure::bad_input(format!(
                "{name}: {why} (refusing to replay it; --allow-unsigned shows it marked UNSIGNED)"
            )))
        }
    };
    let mut unsigned = false;
    if !signed_format {
        refuse(format!(
            "unsigned: format {:?} is not trusted, nothing proves who wrote it",
            header.format
        ))?;
        unsigned = true;
    } else if let (Some(want), Some(got)) = (&pinned, &header.public_key) {
        if sign::public_hex(want) != *got {
            refuse(format!("signed by key {got}, not by the pinned key"))?;
            unsigned = true;
        }
    }
    let verified = if unsigned { 0 } else { summary.signed };
    let after = summary.records - verified;
    let mut shown = summary.records;
    if !unsigned && after > 0 {
        if how.allow_unsigned {
            warn(&format!(
                "{name}: the last {after} records are after the last signature: shown marked UNVERIFIED"
            ));
        } else if verified == 0 && !how.force {
            return Err(Failure::bad_input(format!(
                "{name}: no record is covered by a signature (--allow-unsigned shows them marked UNVERIFIED)"
            )));
        } else {
            shown = verified;
            warn(&format!(
                "{name}: the last {after} records are after the last signature: not shown (--allow-unsigned shows them marked UNVERIFIED)"
            ));
        }
    }
    times.truncate(shown as usize);
    Ok(Scanned {
        path: file.to_path_buf(),
        header,
        trust: Trust {
            broken: summary.problem.is_some(),
            unsigned,
            verified: verified as usize,
        },
        shown: shown as usize,
        summary,
        times,
    })
}

/// The last time shown: where `--once --replay` stands without `--at`.
pub fn last_shown(rec: &Scanned) -> DateTime<Utc> {
    let s = &rec.summary;
    let last = if rec.shown as u64 == s.records {
        s.last
    } else {
        s.signed_last
    };
    last.or(s.first).unwrap_or(rec.header.started_at)
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| "-".into())
}

/// The moment `--at TEXT` names, inside the shown part of the recording.
/// Text that is not a time is a usage error (exit 2).
pub fn parse_at(rec: &Scanned, text: &str) -> Result<DateTime<Utc>, Failure> {
    let file = rec.path.display();
    // The time a recording runs to is when it was closed, as `verify` says;
    // when only the signed records are shown, the last of those.
    let (start, closed) = span(rec);
    let end = if rec.shown as u64 == rec.summary.records {
        closed
    } else {
        last_shown(rec)
    };
    match crate::replay::at::within(text, start, end) {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(t)) => Err(Failure::bad_input(format!(
            "{file}: --at {text}: {} is outside the recording, which runs from {} to {}",
            t.to_rfc3339_opts(SecondsFormat::Secs, true),
            when(Some(start)),
            when(Some(end))
        ))),
        // Text that is not a time is a usage error (exit 2).
        Err(e) => Err(Failure::from(format!("{file}: --at {text}: {e}"))),
    }
}

/// The state at `t`: what `--once --replay FILE --at T` prints. Reads the
/// file up to the first record after `t` (and no more than the records
/// shown), through the same `update` the dashboard's messages go through,
/// keeping the state, not the file.
pub fn model_at(rec: &Scanned, t: DateTime<Utc>, settings: Settings) -> Result<Model, Failure> {
    let mut m = Model::with_settings(SourceLabel::Replay, t, settings);
    let mut reader = Reader::open(&rec.path).map_err(Failure::bad_input)?;
    for _ in 0..rec.shown {
        let Some((at, msg)) = reader.next_record() else {
            break;
        };
        if at > t {
            break;
        }
        update(&mut m, Msg::Data(msg));
    }
    // The time shown is the one asked for, not the last record's.
    m.data.now = t;
    Ok(m)
}

/// What the replay source needs of a scanned recording to play it.
pub fn recording(rec: Scanned) -> crate::source::replay::Recording {
    let span = span(&rec);
    crate::source::replay::Recording {
        keep_going: rec.summary.problem.is_some(),
        path: rec.path,
        times: rec.times,
        started_at: rec.header.started_at,
        trust: rec.trust,
        span,
    }
}

/// A recording runs from its first record until it was closed, as `verify` says.
pub fn span(rec: &Scanned) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = rec.summary.first.unwrap_or(rec.header.started_at);
    let end = rec
        .summary
        .last
        .into_iter()
        .chain(rec.summary.closed_at)
        .max()
        .unwrap_or(start);
    (start, end.max(start))
}

/// `awstop verify FILE [--key PUB]`: the first broken line, or what the file
/// proves, and the chain head an auditor can anchor elsewhere. Exit 0 only
/// when every record is covered by a signature of a closed recording (and
/// by the key given, if one is); unsigned recordings need `allow_unsigned`.
/// Everything printed from the file is escaped.
pub fn verify(file: &Path, key: Option<&str>, allow_unsigned: bool) -> Result<(), Failure> {
    let expected = key
        .map(sign::public_key)
        .transpose()
        .map_err(Failure::bad_input)?;
    let r = Reader::open(file).map_err(Failure::bad_input)?;
    let signed_format = r.signed();
    let format = r.header.format.clone();
    let signer = r.header.public_key.clone().filter(|_| signed_format);
    let s = r.finish();
    let say = |text: String| println!("{}", crate::fmt::escape_controls(&text));
    for w in &s.warnings {
        eprintln!("awstop: warning: {}", crate::fmt::escape_controls(w));
    }
    let fail = |code: u8, message: String| {
        say(format!("{}: {message}", file.display()));
        Err(Failure {
            code,
            message: String::new(),
        })
    };
    if let Some(p) = &s.problem {
        return fail(1, p.describe());
    }
    let Some(signer) = signer else {
        if expected.is_some() {
            return fail(
                1,
                format!(
                    "unsigned ({format}), but a key is given or pinned: nothing here is signed"
                ),
            );
        }
        if !allow_unsigned {
            return fail(
                1,
                format!("UNSIGNED ({format}): the hash chain shows accidental changes, not who wrote the file (--allow-unsigned accepts it as such)"),
            );
        }
        say(format!(
            "intact, UNSIGNED {} records, from {} to {} ({format}: proves nothing about who wrote it)",
            s.records,
            when(s.first),
            when(span_end(&s))
        ));
        say(format!("chain head {}", s.chain_head));
        return if s.ended {
            Ok(())
        } else {
            not_closed(file, &s)
        };
    };
    if let Some(want) = &expected {
        if sign::public_hex(want) != signer {
            return fail(
                1,
                format!(
                    "signed by key {signer}, not by the key given ({})",
                    sign::public_hex(want)
                ),
            );
        }
    }
    let by = if expected.is_some() {
        format!("by the key given: {signer}")
    } else {
        format!("by key {signer} (not pinned: this proves nothing about who wrote it; pass --key or set [audit] public-key)")
    };
    if s.signed == s.records && s.ended {
        say(format!(
            "ok {} records, from {} to {}",
            s.records,
            when(s.first),
            if s.records == 0 {
                when(None)
            } else {
                when(span_end(&s))
            }
        ));
        say(format!("signed {by}"));
    } else if s.signed == 0 {
        say(format!(
            "no signature covers any of the {} records (signer named in the header: {signer})",
            s.records
        ));
    } else {
        say(format!(
            "the first {} of {} records, from {} to {}, are signed {by}",
            s.signed,
            s.records,
            when(s.first),
            when(s.signed_last)
        ));
    }
    say(format!("chain head {}", s.chain_head));
    if !s.ended {
        return not_closed(file, &s);
    }
    Ok(())
}

/// A recording spans until it was closed, not only until its last message.
fn span_end(s: &Summary) -> Option<DateTime<Utc>> {
    match (s.last, s.closed_at) {
        (Some(l), Some(c)) => Some(l.max(c)),
        (l, c) => l.or(c),
    }
}

fn not_closed(file: &Path, s: &Summary) -> Result<(), Failure> {
    println!(
        "{}: not closed: cut off or still being written ({} records after the last signature are unverified)",
        crate::fmt::escape_controls(&file.display().to_string()),
        s.records - s.signed
    );
    Err(Failure {
        code: NOT_CLOSED,
        message: String::new(),
    })
}

/// What the recording says about where it came from, before the first message.
pub fn header(source: &Source, cli: &Cli) -> Header {
    let (profile, regions) = match source {
        Source::Demo(d, _) => {
            let a = d.account();
            (a.profile, a.regions)
        }
        Source::Live(a) => (cli.source.profile.clone(), a.opts.regions.clone()),
        Source::Replay(r) => (r.header.profile.clone(), r.header.regions.clone()),
    };
    Header::new(profile, regions, source.clock().now())
}

/// A new recording at `path`, signed with `key` (or the state directory's key).
pub fn writer(
    path: &Path,
    header: Header,
    key: Option<&Path>,
    force: bool,
) -> Result<Writer, Failure> {
    let key = sign::signing_key(key)?;
    Ok(Writer::create(path, header, key, force)?)
}

/// `awstop record`: the source's messages into the file until the duration
/// passes or a stop signal (Ctrl-C, TERM, HUP, QUIT), then a clean, signed
/// end mark. `rounds` takes that many full refreshes back to back instead.
pub async fn record_headless(
    source: Source,
    mut w: Writer,
    duration: Option<Duration>,
    rounds: Option<u32>,
) -> Result<(), Failure> {
    let clock = source.clock();
    let progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut stopped_by = None;
    if let Some(n) = rounds {
        for _ in 0..n {
            for m in super::once_messages(&source).await {
                w.record(clock.now(), &m)?;
            }
        }
    } else {
        let (tx, mut rx) = mpsc::channel(256);
        // Held open so the source keeps running; nothing on screen asks for anything.
        let (_cmd_tx, cmd_rx) = mpsc::channel(1);
        match source {
            Source::Demo(d, c) => {
                let d = match duration {
                    Some(t) => d.paced_for(t),
                    None => d,
                };
                drop(tokio::spawn(demo::run(d, c, tx, cmd_rx)))
            }
            Source::Live(a) => drop(tokio::spawn(live::run(a, tx, cmd_rx))),
            Source::Replay(_) => {
                return Err("a replay cannot be recorded again; copy the file"
                    .to_string()
                    .into())
            }
        }
        let stop = async {
            match duration {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::pin!(stop);
        let mut sigs =
            Signals::new(false).map_err(|e| format!("cannot listen for signals: {e}"))?;
        let mut tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(m) => w.record(clock.now(), &m)?,
                    None => break,
                },
                _ = &mut stop => break,
                c = sigs.recv() => {
                    if let Caught::Stop(n) = c {
                        stopped_by = Some(n);
                    }
                    break;
                }
                _ = tick.tick(), if progress => {
                    eprint!("\rawstop: recording {}: {} messages", w.path().display(), w.records());
                }
            }
        }
        if progress {
            eprintln!();
        }
    }
    let path = w.path().display().to_string();
    let key = w.public_key();
    let n = w.finish(clock.now())?;
    let why = stopped_by
        .map(|s| format!(" (stopped by {})", signals::name(s)))
        .unwrap_or_default();
    eprintln!("awstop: recorded {n} messages to {path}{why}, signed with key {key}");
    // Closed cleanly, but a signal still ends a program with its own code.
    match stopped_by {
        Some(s) => Err(Failure {
            code: 128 + s as u8,
            message: String::new(),
        }),
        None => Ok(()),
    }
}
