//! The audit commands' plumbing: scanning and verifying recordings (a line at
//! a time: memory does not grow with the file), and recording without a screen.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::sync::mpsc;

use super::signals::{self, Caught, Signals};
use super::{Failure, Source};
use crate::cli::Cli;
use crate::record::reader::{Reader, Summary};
use crate::record::writer::Writer;
use crate::record::{sign, Header};
use crate::source::{demo, live};

/// A recording read once through: what it holds, without holding it.
pub struct Scanned {
    pub path: PathBuf,
    pub header: Header,
    pub summary: Summary,
    /// Every record's receive time, in file order: the replay's timeline.
    pub times: Vec<DateTime<Utc>>,
}

/// `verify` exit code for a recording without its end mark.
pub const NOT_CLOSED: u8 = 3;

/// Reads a recording through for replay; a broken chain is refused unless
/// `force`. Survivable problems (a cut-off tail) are warned about on stderr.
pub fn load(file: &Path, force: bool) -> Result<Scanned, Failure> {
    let mut r = Reader::open(file).map_err(Failure::bad_input)?;
    let mut times = Vec::new();
    while let Some((at, _)) = r.next_record() {
        times.push(at);
    }
    let header = r.header.clone();
    let summary = r.finish();
    if let Some(p) = &summary.problem {
        if !force {
            return Err(Failure::bad_input(format!(
                "{}: {} (refusing to replay it; --force opens it anyway)",
                file.display(),
                p.describe()
            )));
        }
        eprintln!("awstop: warning: {}: {}", file.display(), p.describe());
    }
    for w in &summary.warnings {
        eprintln!("awstop: warning: {w}");
    }
    if !summary.ended {
        eprintln!(
            "awstop: warning: {}: not closed: cut off or still being written",
            file.display()
        );
    }
    Ok(Scanned {
        path: file.to_path_buf(),
        header,
        summary,
        times,
    })
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| "-".into())
}

/// The moment `--at TEXT` names, inside the recording's span.
pub fn parse_at(rec: &Scanned, text: &str) -> Result<DateTime<Utc>, Failure> {
    let file = rec.path.display();
    let (start, end) = span(rec);
    match crate::replay::at::within(text, start, end) {
        Ok(Ok(t)) => Ok(t),
        Ok(Err(t)) => Err(Failure::bad_input(format!(
            "{file}: --at {text}: {} is outside the recording, which runs from {} to {}",
            t.to_rfc3339_opts(SecondsFormat::Secs, true),
            when(Some(start)),
            when(Some(end))
        ))),
        Err(e) => Err(Failure::bad_input(format!("{file}: --at {text}: {e}"))),
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
/// proves, and the chain head an auditor can anchor elsewhere.
pub fn verify(file: &Path, key: Option<&str>) -> Result<(), Failure> {
    let expected = key
        .map(sign::public_key)
        .transpose()
        .map_err(Failure::bad_input)?;
    let r = Reader::open(file).map_err(Failure::bad_input)?;
    let signer = r.header.public_key.clone();
    let s = r.finish();
    for w in &s.warnings {
        eprintln!("awstop: warning: {w}");
    }
    let broken = |message: String| {
        println!("{}: {message}", file.display());
        Err(Failure {
            code: 1,
            message: String::new(),
        })
    };
    if let Some(p) = &s.problem {
        return broken(p.describe());
    }
    match (&expected, &signer) {
        (Some(want), Some(got)) if sign::public_hex(want) != *got => {
            return broken(format!(
                "signed by key {got}, not by the key given ({})",
                sign::public_hex(want)
            ))
        }
        (Some(_), None) => return broken("unsigned, but --key asks for a signature".into()),
        _ => {}
    }
    // A recording spans until it was closed, not only until its last message.
    let end = match (s.last, s.closed_at) {
        (Some(l), Some(c)) => Some(l.max(c)),
        (l, c) => l.or(c),
    };
    println!(
        "ok {} records, from {} to {}",
        s.records,
        when(s.first),
        if s.records == 0 {
            when(None)
        } else {
            when(end)
        }
    );
    match (&signer, &expected) {
        (Some(k), Some(_)) => println!("signed by the key given: {k}"),
        (Some(k), None) => println!(
            "signed by key {k} (not pinned: pass --key or set [audit] public-key to check who signed)"
        ),
        (None, _) => println!(
            "unsigned (format 1): the hash chain shows accidental changes, not who wrote the file"
        ),
    }
    println!("chain head {}", s.chain_head);
    if !s.ended {
        let unsigned = s.records - s.signed;
        println!(
            "{}: not closed: cut off or still being written ({unsigned} records after the last signature)",
            file.display()
        );
        return Err(Failure {
            code: NOT_CLOSED,
            message: String::new(),
        });
    }
    Ok(())
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
