//! Recording, verifying and replaying, as a user runs them: the real binary on
//! the demo account with a frozen clock, so every run writes the same file.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::recording::{lines, sha256, write_lines};
use crate::common::FROZEN;
use serde_json::Value;

fn awstop(args: &[&str]) -> Output {
    let no_config = crate::common::no_config_home();
    Command::new(env!("CARGO_BIN_EXE_awstop"))
        .args(args)
        .env("XDG_CONFIG_HOME", no_config)
        .env(
            "XDG_STATE_HOME",
            crate::common::state_home(),
        )
        .output()
        .expect("run awstop")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn dir(name: &str) -> crate::common::Scratch {
    crate::common::scratch(&format!("awstop-audit-{name}-"))
}

/// Two demo refreshes at the frozen time: header, 12 messages (the account
/// and five rooms, twice), end mark.
fn record(path: &Path) {
    let out = awstop(&[
        "record",
        "--demo",
        "--demo-clock",
        FROZEN,
        "--rounds",
        "2",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A snapshot without what legitimately differs between a source and its replay.
fn comparable(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    for k in ["taken_at", "source", "api"] {
        o.remove(k);
    }
    v
}

fn replay_json(file: &Path, at: &str) -> Value {
    let out = awstop(&[
        "--once",
        "--replay",
        file.to_str().unwrap(),
        "--at",
        at,
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn a_replayed_moment_equals_the_snapshot_taken_then() {
    let d = dir("same");
    for name in ["demo.awstop", "demo.awstop.zst"] {
        let file = d.join(name);
        record(&file);
        let verified = awstop(&["verify", file.to_str().unwrap()]);
        assert!(verified.status.success(), "{}", stdout(&verified));
        let said = stdout(&verified);
        assert!(
            said.starts_with(&format!(
                "ok {} records, from {FROZEN} to {FROZEN}\nsigned by key ",
                2 * (1 + awstop::services::ServiceKind::ALL.len())
            )),
            "{said}"
        );
        assert!(said.contains("\nchain head "), "{said}");

        let direct = awstop(&[
            "--demo",
            "--demo-clock",
            FROZEN,
            "--once",
            "--format",
            "json",
        ]);
        let direct: Value = serde_json::from_slice(&direct.stdout).unwrap();
        let replayed = replay_json(&file, FROZEN);
        assert_eq!(replayed["source"], "replay");
        assert_eq!(replayed["taken_at"], FROZEN);
        assert_eq!(comparable(replayed), comparable(direct));

        // Before the recording starts there is nothing to show: it says so,
        // with the recording's span, and fails.
        let before = awstop(&[
            "--once",
            "--replay",
            file.to_str().unwrap(),
            "--at",
            "14:03:00",
            "--format",
            "json",
        ]);
        assert_eq!(before.status.code(), Some(1), "{}", stdout(&before));
        assert!(before.stdout.is_empty());
        assert!(
            stderr(&before).contains(&format!(
                "is outside the recording, which runs from {FROZEN} to {FROZEN}"
            )),
            "{}",
            stderr(&before)
        );
    }
}

#[test]
fn csv_has_one_section_per_table() {
    let d = dir("csv");
    let file = d.join("demo.awstop");
    record(&file);
    let out = awstop(&[
        "--once",
        "--replay",
        file.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let sections: Vec<&str> = text.lines().filter(|l| l.starts_with("# ")).collect();
    // One section per table, named `room.table`: every room of the
    // registry, in its order, then the errors.
    let (last, tables) = sections.split_last().unwrap();
    assert_eq!(*last, "# errors", "{sections:?}");
    let unique: std::collections::BTreeSet<&str> = tables.iter().copied().collect();
    assert_eq!(unique.len(), tables.len(), "a table in two sections: {sections:?}");
    let room_of = |s: &str| s.strip_prefix("# ").and_then(|s| s.split_once('.')).map(|(r, _)| r.to_string());
    let mut rooms: Vec<String> = tables.iter().map(|s| room_of(s).unwrap_or_else(|| panic!("{s}"))).collect();
    rooms.dedup();
    let registry: Vec<&str> = awstop::services::ServiceKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(rooms, registry, "{sections:?}");
    // The tables these rooms have written since before a room could be
    // added without touching this file: scripts read the CSV by these
    // names, so they stay a list here and never drift unseen.
    const PROMISED: &[&str] = &[
        "# lambda.functions",
        "# ecs.clusters",
        "# ecs.services",
        "# ecs.tasks",
        "# batch.queues",
        "# batch.jobs",
        "# eks.clusters",
        "# eks.nodegroups",
        "# ecr.repositories",
        "# ecr.images",
        "# emr.clusters",
        "# emr.steps",
        "# lightsail.instances",
        "# lightsail.container_services",
        "# apigateway.apis",
        "# apigateway.stages",
        "# apigateway.routes",
        "# apprunner.services",
    ];
    for p in PROMISED {
        assert!(tables.contains(p), "{p} is gone: {sections:?}");
    }
    for room in &registry {
        let of = |v: &[&str]| -> Vec<String> { v.iter().filter(|s| room_of(s).as_deref() == Some(room)).map(|s| s.to_string()).collect() };
        let promised = of(PROMISED);
        if !promised.is_empty() {
            assert_eq!(of(tables), promised, "{room}");
        }
    }
    // Header plus one line per function, each with as many fields as the header.
    let lambda: Vec<&str> = text.split("\n\n").next().unwrap().lines().skip(1).collect();
    assert_eq!(lambda.len(), 41);
    assert!(lambda
        .iter()
        .all(|l| l.split(',').count() == lambda[0].split(',').count()));
}

/// `verify` fails with exit 1 and names the line where the chain breaks.
fn broken_at(file: &Path, line: usize) -> String {
    let out = awstop(&["verify", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let said = stdout(&out);
    assert!(
        said.starts_with(&format!("{}: line {line}: ", file.display())),
        "{said}"
    );
    assert_eq!(said.lines().count(), 1, "{said}");
    said
}

#[test]
fn verify_finds_a_flipped_byte_a_deleted_line_and_swapped_lines() {
    let d = dir("tamper");
    let file = d.join("rec.awstop");
    record(&file);
    let good = lines(&file);
    assert_eq!(
        good.len(),
        2 + 2 * (1 + awstop::services::ServiceKind::ALL.len())
    );

    // One bit of line 5's stored hash.
    let mut b = std::fs::read(&file).unwrap();
    let start: usize = good[..4].iter().map(|l| l.len() + 1).sum();
    b[start + 10] ^= 1;
    std::fs::write(&file, &b).unwrap();
    let said = broken_at(&file, 5);
    assert!(
        said.contains(&format!("expected {}", sha256(&good[3]))),
        "{said}"
    );

    // One byte inside line 3's data: the next line no longer follows it.
    let mut t = good.clone();
    t[2] = t[2].replacen("orders-api", "orders-apj", 1);
    write_lines(&file, &t);
    let said = broken_at(&file, 4);
    assert!(
        said.contains(&format!(
            "expected {}, found {}",
            sha256(&t[2]),
            sha256(&good[2])
        )),
        "{said}"
    );

    let mut t = good.clone();
    t.remove(5);
    write_lines(&file, &t);
    broken_at(&file, 6);

    let mut t = good.clone();
    t.swap(6, 7);
    write_lines(&file, &t);
    broken_at(&file, 7);

    // Replay refuses a broken file with one line naming it and the line.
    let out = awstop(&["replay", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("{}: line 7:", file.display())) && err.contains("--force"),
        "{err}"
    );
    let out = awstop(&[
        "--once",
        "--replay",
        file.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_recording_cut_mid_record_replays_up_to_the_last_whole_one() {
    let d = dir("cut");
    let file = d.join("rec.awstop");
    record(&file);
    let good = lines(&file);
    // Cut in the middle of the last message (line 9), as a kill mid-write would.
    let mut text = good[..8].join("\n") + "\n";
    text.push_str(&good[8][..good[8].len() / 2]);
    std::fs::write(&file, text).unwrap();

    // Cut before any signature: nothing is shown unless asked for.
    let once = |extra: &[&str]| {
        let mut a = vec![
            "--once",
            "--replay",
            file.to_str().unwrap(),
            "--at",
            FROZEN,
            "--format",
            "json",
        ];
        a.extend_from_slice(extra);
        awstop(&a)
    };
    let out = once(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("no record is covered by a signature"),
        "{}",
        stderr(&out)
    );
    let out = once(&["--allow-unsigned"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("line 9 is incomplete")
            && stderr(&out).contains(
                "the last 7 records are after the last signature: shown marked UNVERIFIED"
            ),
        "{}",
        stderr(&out)
    );
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Line 9 was the second round's Batch refresh; the first round's is still there.
    assert_eq!(snap["lambda"]["functions"].as_array().unwrap().len(), 40);
    assert!(!snap["batch"]["queues"].as_array().unwrap().is_empty());

    // A cut-off recording is not a closed one: verify says so with its own code.
    let out = awstop(&["verify", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("no signature covers any of the 7 records")
            && !stdout(&out).contains("ok ")
            && !stdout(&out).contains("signed by"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("not closed: cut off or still being written"));
    assert!(stderr(&out).contains("warning"));
}

#[test]
fn bad_input_is_one_line_and_a_non_zero_exit() {
    let d = dir("bad");
    let junk = d.join("junk.awstop");
    std::fs::write(&junk, "hello\n").unwrap();
    let missing = d.join("missing.awstop");
    let good = d.join("good.awstop");
    record(&good);
    let g = good.to_str().unwrap();
    for (args, says) in [
        (
            vec!["verify", junk.to_str().unwrap()],
            "line 1: not an awstop recording",
        ),
        (
            vec!["replay", junk.to_str().unwrap()],
            "line 1: not an awstop recording",
        ),
        (
            vec!["verify", missing.to_str().unwrap()],
            "cannot read the recording",
        ),
        (vec!["--once", "--replay", g, "--at", "25:99"], "--at 25:99"),
        (
            vec!["--once", "--replay", g, "--at", "yesterday"],
            "--at yesterday",
        ),
        (
            vec![
                "record",
                "--demo",
                "--rounds",
                "1",
                "--out",
                "/nonexistent-dir/x.awstop",
            ],
            "cannot create the recording",
        ),
    ] {
        let out = awstop(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        if args[0] != "record" {
            assert!(
                err.contains(args.iter().find(|a| a.contains(".awstop")).unwrap()),
                "{args:?}: {err}"
            );
        }
    }
    // An empty recording (nothing came in) is still valid.
    let empty = d.join("empty.awstop");
    let out = awstop(&[
        "record",
        "--demo",
        "--rounds",
        "0",
        "--out",
        empty.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let out = awstop(&["verify", empty.to_str().unwrap()]);
    assert!(
        stdout(&out).starts_with("ok 0 records, from - to -\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn record_stops_after_its_duration() {
    let d = dir("duration");
    let path = d.join("two-seconds.awstop");
    let started = std::time::Instant::now();
    let out = awstop(&[
        "record",
        "--demo",
        "--duration",
        "2s",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let took = started.elapsed();
    assert!(
        took >= std::time::Duration::from_secs(2) && took < std::time::Duration::from_secs(20),
        "{took:?}"
    );
    let v = awstop(&["verify", path.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stderr(&v));
    // The first full refresh is in: account, Lambda, ECS and Batch at least.
    let n: usize = stdout(&v)
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(n >= 4, "{}", stdout(&v));
}

/// A short recording of the demo has a timeline, and any time within the
/// span `verify` prints, at the precision it prints (whole seconds), is
/// accepted by `--at`: its start although the first record came a fraction
/// of a second later, its end although the last record came before it closed.
#[test]
fn a_short_demo_recording_has_a_timeline_and_verify_times_replay() {
    let d = dir("paced");
    let path = d.join("short.awstop");
    let out = awstop(&[
        "record",
        "--demo",
        "--duration",
        "4s",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v = awstop(&["verify", path.to_str().unwrap()]);
    assert!(v.status.success(), "{}", stderr(&v));
    let said = stdout(&v);
    let words: Vec<&str> = said.split_whitespace().collect();
    // ok N records, from T1 to T2
    let n: usize = words[1].parse().unwrap();
    let rooms = awstop::services::ServiceKind::ALL.len();
    assert!(n > 1 + 2 * rooms, "one refresh is not a timeline: {said}");
    let (from, to) = (words[4], words[6]);
    let secs = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap().timestamp();
    assert!(secs(to) - secs(from) >= 3, "{said}");
    let taken = |at: &str| {
        let out = awstop(&[
            "--once",
            "--replay",
            path.to_str().unwrap(),
            "--at",
            at,
            "--format",
            "json",
        ]);
        // 3: a room of the first refresh may come just after the second named.
        assert!(
            matches!(out.status.code(), Some(0 | 3)),
            "--at {at}: {}",
            stderr(&out)
        );
        let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
        snap["taken_at"].as_str().unwrap().to_string()
    };
    // The first refresh, then a later one: the replay moves through time.
    let (first, last) = (taken(from), taken(to));
    assert!(first < last, "{first} then {last}");
    // The same times of day, as the `@` prompt and --at take them.
    let time_of_day = |t: &str| t[11..19].to_string();
    assert_eq!(taken(&time_of_day(from)), first);
    assert_eq!(taken(&time_of_day(to)), last);
    // A second before the span is still outside it.
    let before = chrono::DateTime::parse_from_rfc3339(from).unwrap() - chrono::Duration::seconds(1);
    let out = awstop(&[
        "--once",
        "--replay",
        path.to_str().unwrap(),
        "--at",
        &before.format("%H:%M:%S").to_string(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is outside the recording"),
        "{}",
        stderr(&out)
    );
}
