//! The audit commands' plumbing: loading and verifying recordings, and recording
//! without a screen.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::{Failure, Source};
use crate::cli::Cli;
use crate::record::reader::{self, Recording};
use crate::record::writer::Writer;
use crate::record::Header;
use crate::source::{demo, live};

/// Reads a recording for replay; a broken chain is refused unless `force`.
/// Survivable problems (a cut-off tail) are warned about on stderr.
pub fn load(file: &Path, force: bool) -> Result<Recording, Failure> {
    let rec = reader::read(file).map_err(Failure::bad_input)?;
    if let Some(p) = &rec.problem {
        if !force {
            return Err(Failure::bad_input(format!(
                "{}: {} (refusing to replay it; --force opens it anyway)",
                file.display(),
                p.describe()
            )));
        }
        eprintln!("awstop: warning: {}: {}", file.display(), p.describe());
    }
    for w in &rec.warnings {
        eprintln!("awstop: warning: {w}");
    }
    Ok(rec)
}

pub fn parse_at(file: &Path, rec: &Recording, text: &str) -> Result<DateTime<Utc>, Failure> {
    let start = rec.first().unwrap_or(rec.header.started_at);
    let end = rec.last().unwrap_or(start);
    crate::replay::at::parse(text, start, end)
        .map_err(|e| Failure::bad_input(format!("{}: --at {text}: {e}", file.display())))
}

/// `awstop verify FILE`: the first broken line, or a one-line summary.
pub fn verify(file: &Path) -> Result<(), Failure> {
    let rec = reader::read(file).map_err(Failure::bad_input)?;
    for w in &rec.warnings {
        eprintln!("awstop: warning: {w}");
    }
    if let Some(p) = &rec.problem {
        println!("{}: {}", file.display(), p.describe());
        return Err(Failure {
            code: 1,
            message: String::new(),
        });
    }
    let when = |t: Option<DateTime<Utc>>| {
        t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "-".into())
    };
    println!(
        "ok {} records, from {} to {}",
        rec.records.len(),
        when(rec.first()),
        when(rec.last())
    );
    Ok(())
}

/// What the recording says about where it came from, before the first message.
pub fn header(source: &Source, cli: &Cli) -> Header {
    let (profile, regions) = match source {
        Source::Demo(d, _) => {
            let a = d.account();
            (a.profile, a.regions)
        }
        Source::Live(a) => (cli.profile.clone(), a.opts.regions.clone()),
        Source::Replay(r) => (r.header.profile.clone(), r.header.regions.clone()),
    };
    Header::new(profile, regions, source.clock().now())
}

/// `awstop record`: the source's messages into the file until the duration
/// passes or Ctrl-C, then a clean end mark. `rounds` takes that many full
/// refreshes back to back instead, without waiting.
pub async fn record_headless(
    source: Source,
    out: &Path,
    header: Header,
    duration: Option<Duration>,
    rounds: Option<u32>,
) -> Result<(), Failure> {
    let clock = source.clock();
    let mut w = Writer::create(out, header)?;
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
            Source::Demo(d, c) => drop(tokio::spawn(demo::run(d, c, tx, cmd_rx))),
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
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(m) => w.record(clock.now(), &m)?,
                    None => break,
                },
                _ = &mut stop => break,
                _ = tokio::signal::ctrl_c() => break,
            }
        }
    }
    let path = w.path().display().to_string();
    let n = w.finish(clock.now())?;
    eprintln!("awstop: recorded {n} messages to {path}");
    Ok(())
}
