//! Signals from outside: the terminal comes back whole on every catchable one,
//! the exit code is the conventional 128 + n, Ctrl-Z suspends and `fg`
//! redraws, and a recording stopped by a signal is closed, not cut off.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::moto::awstop_env;
use crate::common::pty::Session;
use crate::common::FROZEN;

fn dashboard() -> Session {
    let mut s = Session::start(&["--demo", "--demo-clock", FROZEN], 24, 80);
    s.wait_for("the dashboard", |t| t.contains("Lambda functions"));
    s
}

#[test]
fn every_stop_signal_restores_the_terminal_and_exits_128_plus_n() {
    for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGQUIT] {
        let mut s = dashboard();
        assert!(!s.cooked(), "the dashboard runs the terminal raw");
        s.signal(sig);
        let status = s.exit();
        assert_eq!(status.exit_code(), 128 + sig as u32, "signal {sig}");
        assert!(
            s.left_alternate_screen(),
            "signal {sig}: still on the alternate screen"
        );
        assert!(s.cursor_shown(), "signal {sig}: the cursor stays hidden");
        assert!(s.cooked(), "signal {sig}: the terminal stays raw");
    }
}

#[test]
fn ctrl_z_suspends_and_continuing_redraws() {
    let mut s = dashboard();
    s.send("\x1a");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !s.stopped() {
        assert!(Instant::now() < deadline, "Ctrl-Z did not stop awstop");
        s.pump(Duration::from_millis(50));
    }
    while s.pump(Duration::from_millis(100)) {}
    assert!(s.left_alternate_screen(), "the shell gets its screen back");
    assert!(s.cooked() && s.cursor_shown());
    // `fg`: the shell continues it; the dashboard takes the screen and draws again.
    let before = s.raw.len();
    s.signal(libc::SIGCONT);
    s.wait_for("the redraw", |t| t.contains("Lambda functions"));
    let after = String::from_utf8_lossy(&s.raw[before..]).into_owned();
    assert!(after.contains("\x1b[?1049h"), "{after:?}");
    assert!(!s.cooked());
    s.send("q");
    assert!(s.exit().success());
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path).map_or(0, |t| t.lines().count())
}

#[test]
fn a_recording_stopped_by_a_signal_is_closed_and_verifies() {
    let d = crate::common::scratch("awstop-signals-");
    for sig in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        let out = d.join(format!("stopped-{sig}.awstop"));
        let mut c = Command::new(env!("CARGO_BIN_EXE_awstop"));
        c.args(["record", "--demo", "--out", out.to_str().unwrap()]);
        awstop_env(&mut c);
        let mut child = c
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Header and the first full refresh.
        let deadline = Instant::now() + Duration::from_secs(30);
        while lines(&out) < 5 {
            assert!(Instant::now() < deadline, "nothing recorded");
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe { libc::kill(child.id() as i32, sig) };
        let status = child.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.code(),
            Some(128 + sig),
            "{sig}: {:?}",
            status.signal()
        );
        let mut v = Command::new(env!("CARGO_BIN_EXE_awstop"));
        v.args(["verify", out.to_str().unwrap()]);
        awstop_env(&mut v);
        let v = v.output().unwrap();
        assert_eq!(
            v.status.code(),
            Some(0),
            "{sig}: {}",
            String::from_utf8_lossy(&v.stdout)
        );
        assert!(String::from_utf8_lossy(&v.stdout).starts_with("ok "));
    }
}
