//! The real binary in a real pseudo-terminal: start, navigate, resize, quit, and
//! the terminal is given back as it was found, also after a panic.

use std::io::{Read, Write};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

const FROZEN: &str = "2026-11-22T14:03:20Z";
const WAIT: Duration = Duration::from_secs(20);

struct Session {
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    rx: Receiver<Vec<u8>>,
    parser: vt100::Parser,
    raw: Vec<u8>,
}

impl Session {
    fn start(args: &[&str], rows: u16, cols: u16) -> Session {
        let pair = native_pty_system().openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_awstop"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
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
        Session { master: pair.master, writer, child, rx, parser: vt100::Parser::new(rows, cols, 0), raw: Vec::new() }
    }

    fn pump(&mut self, timeout: Duration) -> bool {
        match self.rx.recv_timeout(timeout) {
            Ok(bytes) => {
                self.parser.process(&bytes);
                self.raw.extend_from_slice(&bytes);
                true
            }
            Err(_) => false,
        }
    }

    fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Read output until the screen satisfies `cond`; fail with the screen if it never does.
    fn wait_for(&mut self, what: &str, cond: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !cond(&self.screen()) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}; screen:\n{}", self.screen());
            self.pump(Duration::from_millis(50));
        }
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn resize(&mut self, rows: u16, cols: u16) {
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        self.parser.screen_mut().set_size(rows, cols);
    }

    /// Waits for the process to exit, draining its output so it never blocks.
    fn exit(&mut self) -> portable_pty::ExitStatus {
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

    fn left_alternate_screen(&self) -> bool {
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

fn row(screen: &str, n: usize) -> String {
    screen.lines().nth(n).unwrap_or("").to_string()
}

#[test]
fn navigate_resize_and_quit() {
    let mut s = Session::start(&["--demo", "--demo-clock", FROZEN], 30, 120);
    s.wait_for("the Lambda pane with data", |sc| sc.contains("Lambda functions") && sc.contains("payments-webhook"));
    assert!(s.parser.screen().alternate_screen());

    // Sort by name (three columns left of INVOC), then go to the top.
    s.send("<<<g");
    s.wait_for("rows sorted by name", |sc| sc.contains("NAME↑") && row(sc, 4).starts_with("ab-assign") && row(sc, 5).starts_with("audit-logger"));

    // Filter, then drill into the only match and back out.
    s.send("/pay");
    s.wait_for("the live filter", |sc| sc.contains("1 rows") && sc.contains("payments-webhook"));
    s.send("\r\r");
    s.wait_for("the function detail", |sc| sc.contains("Function payments-webhook") && sc.contains("Last cold starts"));
    s.send("\x1b");
    s.wait_for("the list again", |sc| sc.contains("Lambda functions") && sc.contains("1 rows"));
    s.send("\x1b");
    s.wait_for("the filter cleared", |sc| sc.contains("40 rows"));

    // Jump to ECS with a k9s-style command.
    s.send(":ecs\r");
    s.wait_for("the ECS pane", |sc| sc.contains("ECS clusters") && sc.contains("web-fargate"));

    // Shrink to 80x24: everything is redrawn to fit.
    s.resize(24, 80);
    s.wait_for("a redraw at 80x24", |sc| sc.lines().count() <= 24 && row(sc, 23).contains("?:help"));
    s.send("?");
    s.wait_for("the help screen", |sc| sc.contains("Keys (Esc or ? to close)"));
    s.send("q");
    let status = s.exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(s.left_alternate_screen(), "the alternate screen was not left");
    assert!(!s.parser.screen().alternate_screen());
}

#[test]
fn ctrl_c_quits_from_a_prompt() {
    let mut s = Session::start(&["--demo", "--demo-clock", FROZEN], 24, 80);
    s.wait_for("the Lambda pane", |sc| sc.contains("Lambda functions"));
    s.send("/abc");
    s.wait_for("the filter prompt", |sc| sc.contains("/abc"));
    s.send("\x03");
    let status = s.exit();
    assert!(status.success(), "exit status {status:?}");
    assert!(s.left_alternate_screen());
}

#[test]
fn the_terminal_is_restored_after_a_panic() {
    let mut s = Session::start(&["--demo", "--demo-clock", FROZEN, "--panic-after-first-frame"], 24, 80);
    let status = s.exit();
    assert!(!status.success());
    assert!(s.left_alternate_screen(), "a panic left the alternate screen on");
    let raw = String::from_utf8_lossy(&s.raw);
    assert!(raw.contains("\x1b[?25h"), "the cursor was left hidden");
    assert!(raw.contains("panic requested by --panic-after-first-frame"));
}
