//! Keys, footers, help and the smaller promises: what the footer offers
//! works, `:` takes prefixes and aliases, the live tail scrolls, subcommands
//! take only their own flags, and the log reads as words.

use std::process::Command;

use crate::common::moto::awstop_env;
use crate::common::pty::Session;
use crate::common::*;
use awstop::app::keymap::Action::*;
use awstop::app::model::Pane;
use awstop::app::msg::{DataMsg, Msg};
use awstop::app::update;
use awstop::source::demo::DemoAccount;
use serde_json::Value;

fn awstop(args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_awstop"));
    c.args(args);
    awstop_env(&mut c);
    c.output().unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = awstop(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_footer_offers_what_works_and_overview_rows_open() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[Pane(Pane::Overview)]);
    let s = screen(&m);
    let footer = s.lines().rev().find(|l| !l.is_empty()).unwrap();
    assert!(
        footer.contains("Enter:open") && !footer.contains("/:filter"),
        "{footer}"
    );
    update(&mut m, Msg::Action(StartFilter));
    assert!(m
        .ui
        .message
        .as_deref()
        .unwrap_or("")
        .contains("nothing to filter"));
    act(&mut m, &[Cancel, Down, Enter]);
    assert!(
        matches!(m.view(), awstop::app::model::View::Room(_)),
        "Enter opened {:?}",
        m.view()
    );
    assert_ne!(m.ui.pane, Pane::Overview);
}

#[test]
fn command_prefixes_aliases_and_tab_completion() {
    for (typed_, pane) in [
        ("lam", LAMBDA),
        ("fn", LAMBDA),
        ("svc", ECS),
        ("tasks", ECS),
        ("jobs", BATCH),
        ("ov", Pane::Overview),
    ] {
        let mut m = demo_model(80, 24);
        act(&mut m, &[Pane(Pane::Overview), StartCommand]);
        typed(&mut m, typed_);
        act(&mut m, &[Submit]);
        assert_eq!(m.ui.pane, pane, ":{typed_}");
        assert!(
            !m.ui.message.as_deref().unwrap_or("").contains("unknown"),
            ":{typed_}"
        );
    }
    let mut m = demo_model(80, 24);
    act(&mut m, &[StartCommand]);
    typed(&mut m, "ba");
    act(&mut m, &[Complete]);
    assert_eq!(m.ui.input, "batch");
    act(&mut m, &[Submit]);
    assert_eq!(m.ui.pane, BATCH);
    let mut m = demo_model(80, 24);
    act(&mut m, &[StartCommand]);
    typed(&mut m, "q");
    act(&mut m, &[Submit]);
    assert!(m.quit);
}

#[test]
fn the_live_tail_shows_parsed_fields_and_scrolls() {
    use awstop::services::lambda::coldstart::classify;
    let mut m = demo_model(80, 24);
    act(&mut m, &[Enter, ToggleTail]);
    let name = match m.view() {
        awstop::app::model::View::Room(awstop::services::RoomView::Lambda(
            awstop::services::lambda::View::Function { name, .. },
        )) => name.clone(),
        v => panic!("{v:?}"),
    };
    let at = m.data.now;
    let lines = (0..40)
        .map(|i| {
            classify(
                at,
                &format!(
                    "REPORT RequestId: 0000{i:04}-aaaa-bbbb-cccc-ddddeeeeffff\tDuration: {i}.5 ms\tBilled Duration: {} ms\tMemory Size: 256 MB\tMax Memory Used: 71 MB\t",
                    i + 1
                ),
            )
        })
        .collect();
    update(
        &mut m,
        Msg::Data(DataMsg::Tail {
            key: name,
            lines,
        }),
    );
    let s = screen(&m);
    let tail: Vec<&str> = s.lines().filter(|l| l.contains("billed")).collect();
    assert!(tail.len() >= 8, "the tail gets the room:\n{s}");
    assert!(
        tail.iter()
            .all(|l| l.contains("71") && !l.contains("Duration:")),
        "{s}"
    );
    let shown = |m: &awstop::app::model::Model| -> Vec<String> {
        screen(m)
            .lines()
            .filter(|l| l.contains("billed"))
            .map(str::to_string)
            .collect()
    };
    let newest = shown(&m);
    act(&mut m, &[Up, Up, Up]);
    assert_ne!(shown(&m), newest, "k scrolls the tail:\n{}", screen(&m));
    act(&mut m, &[Bottom]);
    assert_eq!(shown(&m), newest);
    act(&mut m, &[PageUp]);
    assert_ne!(shown(&m), newest);
}

#[test]
fn subcommands_take_only_their_flags_and_help_has_examples() {
    let out = awstop(&["iam-policy", "--theme", "nosuch"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    let help = String::from_utf8(awstop(&["--help"]).stdout).unwrap();
    let format = help
        .lines()
        .skip_while(|l| !l.contains("--format"))
        .take(3)
        .collect::<String>();
    assert!(format.contains("csv"), "{format}");
    let short = String::from_utf8(awstop(&["-h"]).stdout).unwrap();
    assert!(
        short.contains("Examples") && short.contains("awstop --demo"),
        "{short}"
    );
    for (sub, flag) in [
        ("config", "--default"),
        ("replay", "<FILE>"),
        ("verify", "<FILE>"),
    ] {
        let dashboard = sub == "replay";
        let h = String::from_utf8(awstop(&[sub, "--help"]).stdout).unwrap();
        let line = h
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{h}"));
        assert!(line.trim_start().len() > flag.len() + 8, "{sub}: {line}");
        assert_eq!(h.contains("--theme"), dashboard, "{sub} --help:\n{h}");
    }
}

#[test]
fn look_flags_are_refused_where_nothing_is_drawn() {
    // The test's stdout is a pipe: the dashboard would print a snapshot.
    for args in [
        &["--demo", "--once", "--theme", "mono"][..],
        &["--demo", "--theme", "mono"][..],
        &["--demo", "--pane", "ecs"][..],
    ] {
        let out = awstop(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed a snapshot");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("no effect"), "{err}");
    }
    json(&["--demo"]);
}

#[test]
fn refreshing_clears_when_the_refresh_is_done() {
    let mut m = demo_model(120, 30);
    let cmds = update(&mut m, Msg::Action(Refresh));
    assert!(!cmds.is_empty());
    assert!(screen(&m).contains("refreshing"), "{}", screen(&m));
    for msg in DemoAccount::new(42, 40, 60).messages_at(frozen().now()) {
        update(&mut m, Msg::Data(msg));
    }
    assert!(!screen(&m).contains("refreshing"), "{}", screen(&m));
}

#[test]
fn overview_lists_fill_the_height_rank_by_rate_and_sort_failures() {
    // Each room's totals line takes a row above the lists: 48 rows for the
    // eight rooms this was written for, and one for each room since.
    let mut m = demo_model(160, 48 + (awstop::services::ServiceKind::ALL.len() as u16 - 8));
    act(&mut m, &[Pane(Pane::Overview)]);
    let s = screen(&m);
    let lines: Vec<&str> = s.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("Top errors"))
        .unwrap();
    let listed = lines[at + 1..]
        .iter()
        .take_while(|l| l.starts_with("  "))
        .count();
    assert!(listed > 4, "{s}");
    let rate = lines[at + 1]
        .split("  ")
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>();
    assert!(
        s.contains("Top error rate") && rate.iter().any(|x| x.contains("2.43% orders-api")),
        "{s}"
    );
    // The list's own column: at 160 columns the Overview sets three side by side.
    let cell = 160 / awstop::app::overview::per_row(160);
    let ages: Vec<u64> = lines
        .iter()
        .map(|l| l.chars().take(cell).collect::<String>())
        .skip_while(|l| !l.starts_with("Recent failed jobs"))
        .skip(1)
        .take_while(|l| l.contains(" ago"))
        .filter_map(|l| l.split_whitespace().rev().nth(1).map(str::to_string))
        .filter_map(|a| a.trim_end_matches(['m', 'h', 's']).parse().ok())
        .collect();
    assert!(ages.len() >= 3, "{s}");
    assert!(
        ages.windows(2).all(|w| w[0] <= w[1]),
        "newest first: {ages:?}"
    );
}

#[test]
fn the_demo_honours_its_region() {
    let snap = json(&[
        "--demo",
        "--region",
        "eu-west-1",
        "--once",
        "--format",
        "json",
    ]);
    assert_eq!(snap["account"]["regions"], serde_json::json!(["eu-west-1"]));
    assert!(snap["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["region"] == "eu-west-1"));
}

#[test]
fn replay_outside_its_span_says_so_and_the_footer_shows_the_timeline_keys() {
    let d = crate::common::scratch("awstop-trust-replay-");
    let rec = d.join("short.awstop");
    let out = awstop(&[
        "record",
        "--demo",
        "--duration",
        "3s",
        "--out",
        rec.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    // A short recording still spans time.
    let v = String::from_utf8(awstop(&["verify", rec.to_str().unwrap()]).stdout).unwrap();
    let words: Vec<&str> = v.split_whitespace().collect();
    let (from, to) = (words[4], words[6]);
    assert_ne!(from, to, "{v}");
    // Before the recording: the span, exit 1.
    let out = awstop(&[
        "--once",
        "--replay",
        rec.to_str().unwrap(),
        "--at",
        "2000-01-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("outside the recording") && err.contains(from.trim_end_matches(',')),
        "{err}"
    );

    let mut s = Session::start(&["replay", rec.to_str().unwrap()], 24, 80);
    s.wait_for("the replay", |t| t.contains("REPLAY"));
    let footer = s
        .screen()
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap()
        .to_string();
    assert!(
        footer.contains("space:play") && footer.contains("@:jump"),
        "{footer}"
    );
    s.send("@00:00\r");
    s.wait_for("the clamp notice", |t| t.contains("outside the recording"));
    s.send("q");
    s.exit();
}

#[test]
fn record_shows_progress_on_a_terminal() {
    let d = crate::common::scratch("awstop-trust-progress-");
    let rec = d.join("p.awstop");
    let mut s = Session::start(
        &[
            "record",
            "--demo",
            "--duration",
            "4s",
            "--out",
            rec.to_str().unwrap(),
        ],
        24,
        120,
    );
    s.wait_for("progress", |t| {
        t.contains("recording") && t.contains("messages")
    });
    assert!(s.exit().success());
}

#[test]
fn the_log_reads_as_words_not_debug_text() {
    let moto = crate::common::moto::Moto::start();
    moto.seed("basic");
    let d = crate::common::scratch("awstop-trust-log-");
    let log = d.join("awstop.log");
    let env = moto.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut s = Session::start_with_env(
        &[
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1",
            "--log-file",
            log.to_str().unwrap(),
        ],
        &env,
        30,
        120,
    );
    s.wait_for("rows", |t| t.contains("LIVE") && t.contains("orders-api"));
    s.send("q");
    assert!(s.exit().success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.is_empty());
    assert!(!text.contains("Some(") && !text.contains("None"), "{text}");
}
