//! A real pseudo-terminal around the real binary, with a vt100 screen.

use std::io::{Read, Write};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

const WAIT: Duration = Duration::from_secs(30);

pub struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    rx: Receiver<Vec<u8>>,
    pub parser: vt100::Parser,
    pub raw: Vec<u8>,
}

impl Session {
    pub fn start(args: &[&str], rows: u16, cols: u16) -> Session {
        Self::start_with_env(args, &[], rows, cols)
    }

    pub fn start_with_env(args: &[&str], env: &[(&str, &str)], rows: u16, cols: u16) -> Session {
        Self::spawn(args, env, None, rows, cols)
    }

    /// In `dir`: for what the binary writes into its working directory.
    pub fn start_in(dir: &std::path::Path, args: &[&str], rows: u16, cols: u16) -> Session {
        Self::spawn(args, &[], Some(dir), rows, cols)
    }

    fn spawn(
        args: &[&str],
        env: &[(&str, &str)],
        cwd: Option<&std::path::Path>,
        rows: u16,
        cols: u16,
    ) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_awstop"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for k in [
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL",
        ] {
            cmd.env_remove(k);
        }
        // Neither this machine's awstop configuration nor its state directory.
        cmd.env("XDG_CONFIG_HOME", super::no_config_home());
        cmd.env("XDG_STATE_HOME", super::state_home());
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(dir) = cwd {
            cmd.cwd(dir);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Session {
            master: pair.master,
            writer,
            child,
            rx,
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
        }
    }

    pub fn pump(&mut self, timeout: Duration) -> bool {
        match self.rx.recv_timeout(timeout) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Read output until the screen satisfies `cond`; fail with the screen if it never does.
    pub fn wait_for(&mut self, what: &str, cond: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !cond(&self.screen()) {
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{}",
                self.screen()
            );
            self.pump(Duration::from_millis(50));
        }
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        self.parser.screen_mut().set_size(rows, cols);
    }

    /// Waits for the process to exit, draining its output so it never blocks.
    pub fn exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                while self.pump(Duration::from_millis(100)) {}
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("awstop did not exit; screen:\n{}", self.screen());
            }
            self.pump(Duration::from_millis(50));
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.process_id().expect("a live child") as i32
    }

    /// Sends `sig` to awstop, as `kill -SIG` from another shell would.
    pub fn signal(&self, sig: i32) {
        assert_eq!(unsafe { libc::kill(self.pid(), sig) }, 0, "kill {sig}");
    }

    /// Whether the process is stopped (Ctrl-Z), from /proc.
    pub fn stopped(&self) -> bool {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // The state follows the parenthesised command name.
        stat.rsplit(')')
            .next()
            .is_some_and(|r| r.trim_start().starts_with('T'))
    }

    /// The terminal's line discipline is back to cooked: line editing, echo and
    /// the signal keys (what a raw-mode program must give back).
    pub fn cooked(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("a unix pty");
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        // On Linux the master's termios calls read the slave's settings.
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
        let want = libc::ICANON | libc::ECHO | libc::ISIG;
        t.c_lflag & want == want
    }

    /// The cursor was shown again after it was last hidden.
    pub fn cursor_shown(&self) -> bool {
        let raw = String::from_utf8_lossy(&self.raw);
        match (raw.rfind("\x1b[?25l"), raw.rfind("\x1b[?25h")) {
            (Some(hide), Some(show)) => show > hide,
            (None, _) => true,
            _ => false,
        }
    }

    pub fn left_alternate_screen(&self) -> bool {
        let raw = String::from_utf8_lossy(&self.raw);
        match (raw.rfind("\x1b[?1049h"), raw.rfind("\x1b[?1049l")) {
            (Some(enter), Some(leave)) => leave > enter,
            _ => false,
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
