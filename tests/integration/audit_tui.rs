//! Recording from the dashboard and replaying in it, in a real pseudo-terminal.

use std::path::PathBuf;
use std::process::Command;

use crate::common::pty::Session;
use crate::common::FROZEN;

fn dir(name: &str) -> crate::common::Scratch {
    crate::common::scratch(&format!("awstop-audit-tui-{name}-"))
}

fn verify(file: &std::path::Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_awstop"))
        .env(
            "XDG_STATE_HOME",
            crate::common::state_home(),
        )
        .args(["verify", file.to_str().unwrap()])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn the_dashboard_records_what_it_shows_and_closes_the_file_cleanly() {
    let d = dir("record");
    let file = d.join("tui.awstop");
    let mut s = Session::start(
        &[
            "--demo",
            "--demo-clock",
            FROZEN,
            "--record",
            file.to_str().unwrap(),
        ],
        24,
        100,
    );
    s.wait_for("the Lambda pane with data", |sc| {
        sc.contains("Lambda functions") && sc.contains("of 40 ·")
    });
    // Every room loaded: no "…" in the full header, no "N loading" in the compact one.
    s.wait_for("every room loaded", |sc| {
        !sc.contains("…") && !sc.contains(" loading")
    });
    s.send("q");
    assert!(s.exit().success());
    let (ok, said) = verify(&file);
    assert!(ok, "{said}");
    // The account, then one refresh of every room.
    let records = 1 + awstop::services::ServiceKind::ALL.len();
    assert!(said.starts_with(&format!("ok {records} records")), "{said}");
    assert!(
        !said.contains("warning"),
        "a clean quit writes the end mark: {said}"
    );
}

#[test]
fn replay_shows_the_recording_with_its_clock_and_timeline_keys() {
    let d = dir("replay");
    let file = d.join("demo.awstop");
    let out = Command::new(env!("CARGO_BIN_EXE_awstop"))
        .env(
            "XDG_STATE_HOME",
            crate::common::state_home(),
        )
        .args([
            "record",
            "--demo",
            "--demo-clock",
            FROZEN,
            "--rounds",
            "2",
            "--out",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut s = Session::start_in(&d, &["replay", file.to_str().unwrap()], 24, 120);
    // Two rounds of the account and every room.
    let n = 2 * (1 + awstop::services::ServiceKind::ALL.len());
    let (end, before) = (format!("{n}/{n}"), format!("{}/{n}", n - 1));
    s.wait_for("the replay header", |sc| {
        sc.contains("REPLAY") && sc.contains("2026-11-22 14:03:20") && sc.contains(&end)
    });
    s.wait_for("the recorded functions", |sc| {
        sc.contains("of 40 ·") && sc.contains("payments-webhook")
    });
    s.wait_for("the recorded caller", |sc| {
        sc.contains("caller arn:aws:sts::123456789012:assumed-role/demo-readonly/awstop")
    });
    s.send(",");
    s.wait_for("one record back, paused", |sc| {
        sc.contains("‖") && sc.contains(&before)
    });
    s.send(".");
    s.wait_for("one record forward", |sc| sc.contains(&end));
    // Before the recording there is nothing to show: the jump stops at its
    // start and says so, instead of an empty screen.
    s.send("@14:00\r");
    s.wait_for("a jump before the start, held at the start", |sc| {
        sc.contains("is outside the recording") && sc.contains(&end) && sc.contains("of 40 ·")
    });
    s.send(",");
    s.wait_for("one record back again", |sc| sc.contains(&before));
    s.send("+");
    s.send(" ");
    s.wait_for("played at 2x to the end", |sc| {
        sc.contains(&end) && !sc.contains(&before)
    });
    s.send("@nonsense\r");
    s.wait_for("a bad time said in the footer", |sc| {
        sc.contains("is not a time")
    });
    s.send(&format!("@{FROZEN}\r"));
    s.wait_for("back at the end", |sc| {
        sc.contains(&end) && sc.contains("of 40 ·")
    });
    s.send("?");
    s.wait_for("replay keys in the help", |sc| {
        sc.contains("replay: play / pause") && sc.contains("export this table")
    });
    s.send("?");
    s.send("/pay\r");
    s.wait_for("the filter", |sc| sc.contains("1 rows"));
    s.send("e");
    s.wait_for("the export said", |sc| sc.contains("exported 1 rows to"));
    s.send("q");
    assert!(s.exit().success());

    let csv: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    assert_eq!(csv.len(), 1, "{csv:?}");
    assert!(
        csv[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("awstop-lambda-20261122T140320Z"),
        "{csv:?}"
    );
    let text = std::fs::read_to_string(&csv[0]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    // The same columns as `--once --format csv`: exact values under stable keys.
    assert!(
        lines[0].starts_with("region,")
            && lines[0].contains(",name,runtime,memory_mb,invocations,"),
        "{text}"
    );
    assert!(lines[1].contains(",payments-webhook,"), "{text}");
}

#[test]
fn a_forced_replay_of_a_broken_file_says_so() {
    let d = dir("broken");
    let file = d.join("demo.awstop");
    let out = Command::new(env!("CARGO_BIN_EXE_awstop"))
        .env(
            "XDG_STATE_HOME",
            crate::common::state_home(),
        )
        .args([
            "record",
            "--demo",
            "--demo-clock",
            FROZEN,
            "--rounds",
            "1",
            "--out",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replacen("orders-api", "orders-apj", 1);
    std::fs::write(&file, text).unwrap();
    let mut s = Session::start(&["replay", "--force", file.to_str().unwrap()], 24, 120);
    s.wait_for("the warning in the header", |sc| {
        sc.contains("REPLAY") && sc.contains("BROKEN CHAIN")
    });
    s.send("q");
    assert!(s.exit().success());
}
