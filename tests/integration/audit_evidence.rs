//! Audit evidence that holds against someone with a copy of a recording, the
//! format's documentation and no private key: no unsigned path to "ok", a
//! pinned key that binds replay too, nothing raw from the file on the
//! terminal, and no input that hangs, floods or crashes.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::moto::awstop_env;
use crate::common::pty::Session;
use crate::common::recording::{lines, rechain, write_lines};
use crate::common::FROZEN;
use serde_json::Value;

fn dir(name: &str) -> crate::common::Scratch {
    crate::common::scratch(&format!("awstop-evidence-{name}-"))
}

/// Runs awstop to the end, killed after 20 s: a hang fails the test instead of the suite.
fn run(args: &[&str], env: &[(&str, &Path)]) -> (Output, Duration) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_awstop"));
    c.args(args);
    awstop_env(&mut c);
    for (k, v) in env {
        c.env(k, v);
    }
    let started = Instant::now();
    let child = c
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if done_rx.recv_timeout(Duration::from_secs(20)).is_err() {
            // SAFETY: a signal to the child this test started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let output = child.wait_with_output().unwrap();
    let took = started.elapsed();
    let _ = done_tx.send(());
    let _ = watchdog.join();
    (output, took)
}

fn awstop(args: &[&str]) -> Output {
    run(args, &[]).0
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn record(path: &Path, key: &Path, rounds: &str) {
    let o = awstop(&[
        "record",
        "--demo",
        "--demo-clock",
        FROZEN,
        "--rounds",
        rounds,
        "--key",
        key.to_str().unwrap(),
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", err(&o));
}

/// One line on stderr, a plain non-zero exit, no panic.
fn one_line_failure(o: &Output, code: i32, says: &str) {
    assert_eq!(o.status.code(), Some(code), "{}{}", out(o), err(o));
    assert!(!err(o).contains("panicked"), "{}", err(o));
    assert_eq!(err(o).trim_end().lines().count(), 1, "{}", err(o));
    assert!(err(o).contains(says), "{}", err(o));
}

#[test]
fn a_downgraded_recording_never_verifies_ok_and_replays_marked_unsigned() {
    let d = dir("downgrade");
    let rec = d.join("rec.awstop");
    record(&rec, &d.join("a.key"), "1");
    // Format 1, the signatures dropped, an unsigned end, the chain recomputed.
    let mut old: Vec<String> = lines(&rec)
        .into_iter()
        .filter(|l| !l.contains("\"sig\""))
        .collect();
    old[0] = old[0].replace("awstop.recording/3", "awstop.recording/1");
    let n = old.len() - 1;
    old.push(format!(r#"{{"prev":"","at":"{FROZEN}","end":{n}}}"#));
    rechain(&mut old);
    write_lines(&rec, &old);
    let file = rec.to_str().unwrap();
    let o = awstop(&["verify", file]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains("UNSIGNED") && !out(&o).contains("ok "),
        "{}",
        out(&o)
    );
    let o = awstop(&["verify", "--allow-unsigned", file]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("UNSIGNED"), "{}", out(&o));
    one_line_failure(
        &awstop(&["--once", "--replay", file]),
        1,
        "--allow-unsigned",
    );
    let o = awstop(&[
        "--once",
        "--replay",
        file,
        "--allow-unsigned",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("UNSIGNED"), "{}", err(&o));
    one_line_failure(&awstop(&["replay", file]), 1, "--allow-unsigned");

    // In the dashboard, every screen says so.
    let mut s = Session::start_in(&d, &["replay", "--allow-unsigned", file], 24, 120);
    s.wait_for("the first pane, marked", |sc| {
        sc.contains("UNSIGNED") && sc.contains("payments-webhook")
    });
    for key in ["\t", "\t", "?"] {
        s.send(key);
        std::thread::sleep(Duration::from_millis(300));
        s.wait_for("another screen, still marked", |sc| sc.contains("UNSIGNED"));
    }
    s.send("?");
    s.send("q");
    s.exit();
}

#[test]
fn records_after_the_last_signature_are_counted_and_not_shown_unless_asked() {
    let d = dir("after");
    let (key, rec) = (d.join("a.key"), d.join("rec.awstop"));
    // Enough rounds for a checkpoint (every 100 records).
    record(&rec, &key, "12");
    let public = std::fs::read_to_string(d.join("a.pub")).unwrap();
    let mut forged = lines(&rec);
    forged.pop();
    let checkpoint = forged
        .iter()
        .rposition(|l| l.contains("\"sig\""))
        .expect("a checkpoint");
    let signed = forged[1..checkpoint]
        .iter()
        .filter(|l| l.contains("\"msg\""))
        .count();
    let total = forged.iter().filter(|l| l.contains("\"msg\"")).count();
    assert!(signed >= 100 && total > signed, "{signed} of {total}");
    // A record after the last signature, changed by someone without the key.
    let at = forged
        .iter()
        .rposition(|l| l.contains("\"memory_mb\":512"))
        .unwrap();
    assert!(at > checkpoint);
    forged[at] = forged[at].replace("\"memory_mb\":512", "\"memory_mb\":777");
    rechain(&mut forged);
    write_lines(&rec, &forged);
    let file = rec.to_str().unwrap();

    let o = awstop(&["verify", "--key", public.trim(), file]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    let said = out(&o);
    assert!(
        said.starts_with(&format!(
            "the first {signed} of {total} records, from {FROZEN} to {FROZEN}, are signed by the key given"
        )),
        "{said}"
    );
    assert!(!said.contains("ok "), "{said}");
    assert!(
        said.contains(&format!(
            "{} records after the last signature are unverified",
            total - signed
        )),
        "{said}"
    );

    // Every signed line removed: no signature is claimed at all.
    let mut stripped: Vec<String> = forged
        .iter()
        .filter(|l| !l.contains("\"sig\""))
        .cloned()
        .collect();
    rechain(&mut stripped);
    let bare = d.join("bare.awstop");
    write_lines(&bare, &stripped);
    let o = awstop(&["verify", "--key", public.trim(), bare.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3), "{}", out(&o));
    assert!(
        !out(&o).contains("signed by") && !out(&o).contains("ok "),
        "{}",
        out(&o)
    );
    assert!(
        out(&o).contains(&format!("no signature covers any of the {total} records")),
        "{}",
        out(&o)
    );

    // The replay shows what is signed; the forged record only when asked, marked.
    let json = |extra: &[&str]| {
        let mut a = vec!["--once", "--replay", file, "--format", "json"];
        a.extend_from_slice(extra);
        let o = awstop(&a);
        assert!(o.status.success(), "{}", err(&o));
        (out(&o), err(&o))
    };
    let (shown, warned) = json(&[]);
    assert!(
        !shown.contains("\"memory_mb\": 777"),
        "the forged value is shown"
    );
    assert!(
        warned.contains("after the last signature: not shown"),
        "{warned}"
    );
    let (shown, warned) = json(&["--allow-unsigned"]);
    assert!(shown.contains("\"memory_mb\": 777"));
    assert!(warned.contains("UNVERIFIED"), "{warned}");
}

#[test]
fn a_pinned_key_binds_replay_too() {
    let d = dir("pin");
    let rec = d.join("theirs.awstop");
    record(&rec, &d.join("theirs.key"), "1");
    record(&d.join("mine.awstop"), &d.join("mine.key"), "1");
    let mine = std::fs::read_to_string(d.join("mine.pub")).unwrap();
    let config = d.join("config.toml");
    std::fs::write(
        &config,
        format!("[audit]\npublic-key = \"{}\"\n", mine.trim()),
    )
    .unwrap();
    let (file, cfg) = (rec.to_str().unwrap(), config.to_str().unwrap());
    assert_eq!(
        awstop(&["verify", "--config", cfg, file]).status.code(),
        Some(1)
    );
    one_line_failure(
        &awstop(&["--once", "--replay", file, "--config", cfg]),
        1,
        "pinned key",
    );
    one_line_failure(&awstop(&["replay", file, "--config", cfg]), 1, "pinned key");
    let o = awstop(&[
        "--once",
        "--replay",
        file,
        "--config",
        cfg,
        "--allow-unsigned",
        "--format",
        "json",
    ]);
    assert!(
        o.status.success() && err(&o).contains("UNSIGNED"),
        "{}",
        err(&o)
    );
    // Its own recording replays under the pin, unmarked.
    let o = awstop(&[
        "--once",
        "--replay",
        d.join("mine.awstop").to_str().unwrap(),
        "--config",
        cfg,
        "--format",
        "json",
    ]);
    assert!(o.status.success() && err(&o).is_empty(), "{}", err(&o));
}

#[test]
fn verify_prints_nothing_raw_from_the_file() {
    let d = dir("raw");
    let rec = d.join("rec.awstop");
    record(&rec, &d.join("a.key"), "1");
    let mut forged = lines(&rec);
    // An unknown field whose name paints a fake verdict over the line.
    let mut v: Value = serde_json::from_str(&forged[1]).unwrap();
    v["\x1b[2K\rok 9 records \u{202e}"] = Value::from(1);
    forged[1] = serde_json::to_string(&v).unwrap();
    rechain(&mut forged);
    write_lines(&rec, &forged);
    let o = awstop(&["verify", rec.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let said = out(&o) + &err(&o);
    assert!(said.contains("line 2"), "{said}");
    assert!(
        !said.contains('\x1b') && !said.contains('\r') && !said.contains('\u{202e}'),
        "{said:?}"
    );
}

#[test]
fn a_time_at_the_end_of_the_calendar_is_refused_not_a_panic() {
    let d = dir("time");
    let rec = d.join("rec.awstop");
    record(&rec, &d.join("a.key"), "1");
    let mut forged = lines(&rec);
    for l in forged.iter_mut().skip(1) {
        let mut v: Value = serde_json::from_str(l).unwrap();
        v["at"] = Value::String("+262142-12-31T23:59:59.999999999Z".into());
        *l = serde_json::to_string(&v).unwrap();
    }
    rechain(&mut forged);
    write_lines(&rec, &forged);
    let file = rec.to_str().unwrap();
    let o = awstop(&["verify", file]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
    assert!(
        out(&o).contains("line 2") && out(&o).contains("2100"),
        "{}",
        out(&o)
    );
    for args in [
        &["--once", "--replay", file][..],
        &["replay", "--force", file][..],
    ] {
        let o = awstop(args);
        assert!(!err(&o).contains("panicked"), "{args:?}: {}", err(&o));
        assert_ne!(o.status.code(), Some(0), "{args:?}");
    }
    // The replay of a forced file with such a time opens and plays without a panic.
    let mut s = Session::start_in(
        &d,
        &["replay", "--force", "--allow-unsigned", file],
        24,
        120,
    );
    s.wait_for("the replay", |sc| sc.contains("BROKEN CHAIN"));
    s.send(">>>> ");
    std::thread::sleep(Duration::from_millis(500));
    s.send("q");
    assert_eq!(s.exit().exit_code(), 0);
}

#[cfg(unix)]
#[test]
fn fifos_and_dangling_keys_are_refused_at_once() {
    let d = dir("fifo");
    let fifo = d.join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let f = fifo.to_str().unwrap();
    let good = d.join("good.awstop");
    record(&good, &d.join("a.key"), "1");
    let prices = d.join("prices.toml");
    std::fs::write(&prices, format!("[cost]\nprices = \"{f}\"\n")).unwrap();
    let out_file = d.join("out.awstop");
    let o = out_file.to_str().unwrap();
    let dangling = d.join("dangling.key");
    std::os::unix::fs::symlink(d.join("nowhere"), &dangling).unwrap();
    let looped = d.join("loop.key");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let (dl, lp) = (dangling.to_str().unwrap(), looped.to_str().unwrap());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--demo", "--once", "--config", f], "FIFO"),
        (
            vec!["--demo", "--once", "--config", prices.to_str().unwrap()],
            "FIFO",
        ),
        (vec!["--demo", "--once", "--log-file", f], "FIFO"),
        (vec!["verify", f], "FIFO"),
        (vec!["--once", "--replay", f], "FIFO"),
        (vec!["replay", f], "FIFO"),
        (vec!["verify", "--key", f, good.to_str().unwrap()], "FIFO"),
        (
            vec!["record", "--demo", "--rounds", "1", "--key", f, "--out", o],
            "FIFO",
        ),
        (
            vec!["record", "--demo", "--rounds", "1", "--key", dl, "--out", o],
            "No such file",
        ),
        (
            vec!["record", "--demo", "--rounds", "1", "--key", lp, "--out", o],
            "symbolic links",
        ),
        (
            vec!["--demo", "--once", "--record", o, "--key", dl],
            "No such file",
        ),
    ];
    for (args, says) in cases {
        let _ = std::fs::remove_file(&out_file);
        let (o, took) = run(&args, &[]);
        assert!(took < Duration::from_secs(5), "{args:?}: {took:?}");
        one_line_failure(&o, o.status.code().filter(|c| *c != 0).unwrap_or(-1), says);
    }
    // The default key, in the state directory, as a link to nothing.
    let state = d.join("state");
    std::fs::create_dir_all(state.join("awstop")).unwrap();
    std::os::unix::fs::symlink(d.join("nowhere"), state.join("awstop/recording.key")).unwrap();
    let _ = std::fs::remove_file(&out_file);
    let (o, took) = run(
        &["record", "--demo", "--rounds", "1", "--out", o],
        &[("XDG_STATE_HOME", &state)],
    );
    assert!(took < Duration::from_secs(5), "{took:?}");
    one_line_failure(
        &o,
        o.status.code().filter(|c| *c != 0).unwrap_or(-1),
        "recording.key",
    );
}

#[test]
fn smaller_promises_regions_at_links_and_keys() {
    let d = dir("smaller");
    for bad in ["../../etc", "US-EAST-1", "us-east-1\x1b[31m", "us-east"] {
        let o = awstop(&["--demo", "--once", "--region", bad]);
        one_line_failure(&o, 2, "not an AWS region name");
        assert!(!err(&o).contains('\x1b'), "{:?}", err(&o));
    }
    let o = awstop(&[
        "--demo",
        "--once",
        "--format",
        "json",
        "--region",
        "eu-west-1,eu-west-1",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    let snap: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(snap["account"]["regions"], serde_json::json!(["eu-west-1"]));
    let many: Vec<String> = (1..=200).map(|i| format!("xx-bogus-{i}")).collect();
    one_line_failure(
        &awstop(&["--once", "--region", &many.join(",")]),
        2,
        "at most",
    );

    let rec = d.join("rec.awstop");
    record(&rec, &d.join("a.key"), "1");
    let file = rec.to_str().unwrap();
    one_line_failure(
        &awstop(&["--once", "--replay", file, "--at", "yesterday"]),
        2,
        "not a time",
    );
    one_line_failure(
        &awstop(&["--once", "--replay", file, "--at", "2031-01-01T00:00:00Z"]),
        1,
        "outside",
    );

    // --force replaces the name: another hard link keeps the old file.
    let other = d.join("other-name.awstop");
    std::fs::hard_link(&rec, &other).unwrap();
    let before = std::fs::read(&other).unwrap();
    let o = awstop(&[
        "record",
        "--demo",
        "--demo-clock",
        "2026-11-22T15:00:00Z",
        "--rounds",
        "1",
        "--key",
        d.join("a.key").to_str().unwrap(),
        "--out",
        file,
        "--force",
    ]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(std::fs::read(&other).unwrap(), before);
    assert_ne!(std::fs::read(&rec).unwrap(), before);

    // A public key for a private one is refused, and nothing is written.
    let o = awstop(&[
        "record",
        "--demo",
        "--rounds",
        "1",
        "--key",
        d.join("a.pub").to_str().unwrap(),
        "--out",
        d.join("x.awstop").to_str().unwrap(),
    ]);
    one_line_failure(&o, 2, "public key");
}
