//! The signals a terminal program must answer: stop cleanly on TERM, INT, HUP
//! and QUIT (restoring the terminal, closing a recording), and suspend on TSTP.

use tokio::signal::unix::{signal, Signal, SignalKind};

/// What a signal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caught {
    /// End now; the number gives the conventional exit code (128 + it).
    Stop(i32),
    /// Ctrl-Z from outside (`kill -TSTP`): give the terminal back and stop.
    Suspend,
}

pub struct Signals {
    stop: Vec<(i32, Signal)>,
    suspend: Option<Signal>,
}

impl Signals {
    /// Listens for every stop signal, and for TSTP when `suspend`.
    pub fn new(suspend: bool) -> std::io::Result<Signals> {
        let mut stop = Vec::new();
        for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGQUIT] {
            stop.push((sig, signal(SignalKind::from_raw(sig))?));
        }
        let suspend = if suspend {
            Some(signal(SignalKind::from_raw(libc::SIGTSTP))?)
        } else {
            None
        };
        Ok(Signals { stop, suspend })
    }

    /// The next signal.
    pub async fn recv(&mut self) -> Caught {
        let Signals { stop, suspend } = self;
        let stops = futures_util::future::select_all(
            stop.iter_mut()
                .map(|(n, s)| {
                    let n = *n;
                    Box::pin(async move {
                        s.recv().await;
                        n
                    })
                })
                .collect::<Vec<_>>(),
        );
        match suspend {
            Some(t) => tokio::select! {
                (n, _, _) = stops => Caught::Stop(n),
                _ = t.recv() => Caught::Suspend,
            },
            None => Caught::Stop(stops.await.0),
        }
    }
}

/// Stops this process as the shell's Ctrl-Z would; returns when it is continued.
pub fn stop_self() {
    // SIGSTOP cannot be caught, so this stops even while TSTP is handled here.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
}

/// The name of a signal, for messages.
pub fn name(sig: i32) -> &'static str {
    match sig {
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        libc::SIGHUP => "SIGHUP",
        libc::SIGQUIT => "SIGQUIT",
        _ => "a signal",
    }
}
