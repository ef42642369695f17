//! What is on screen must be true: the chosen percentile everywhere, numbers
//! never cut into other numbers at any size, health that holds over time,
//! sparklines that cover what they claim, positions that say where a table is,
//! and keys and flags that do what the footer and the help say.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::moto::awstop_env;
use crate::common::pty::Session;
use crate::common::*;
use awstop::app::keymap::Action::{self, *};
use awstop::app::model::Pane;
use awstop::app::msg::{DataMsg, Msg};
use awstop::app::update;
use awstop::run::once_model;
use awstop::source::clock::Clock;
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

fn function<'a>(snap: &'a Value, name: &str) -> &'a Value {
    snap["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .unwrap()
}

#[test]
fn the_chosen_percentile_drives_the_values_titles_and_snapshot() {
    let base = [
        "--demo",
        "--demo-clock",
        FROZEN,
        "--once",
        "--format",
        "json",
    ];
    let p99 = json(&base);
    let mut a = base.to_vec();
    a.extend(["--percentile", "p50"]);
    let p50 = json(&a);
    let (m99, m50) = (
        &function(&p99, "ab-assign")["metrics"],
        &function(&p50, "ab-assign")["metrics"],
    );
    assert_eq!(m99["duration_percentile"], "p99");
    assert_eq!(m50["duration_percentile"], "p50");
    let (v99, v50) = (
        m99["duration_pct_ms"].as_f64().unwrap(),
        m50["duration_pct_ms"].as_f64().unwrap(),
    );
    assert!(v50 < v99, "p50 {v50} must be below p99 {v99}");
    assert_eq!(m99["duration_p99_ms"], m99["duration_pct_ms"]);
    assert!(
        m50["duration_p99_ms"].is_null(),
        "a p50 is not labelled p99"
    );

    // The config's percentile, the same way.
    let d = std::env::temp_dir().join(format!("awstop-trust-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let config = d.join("config.toml");
    std::fs::write(&config, "[metrics]\npercentile = \"p90\"\n").unwrap();
    let mut a = base.to_vec();
    a.extend(["--config", config.to_str().unwrap()]);
    let p90 = json(&a);
    let m90 = &function(&p90, "ab-assign")["metrics"];
    assert_eq!(m90["duration_percentile"], "p90");
    let v90 = m90["duration_pct_ms"].as_f64().unwrap();
    assert!(v50 < v90 && v90 < v99, "{v50} {v90} {v99}");

    // Titles: the table, its CSV and the function view.
    let out = awstop(&[
        "--demo",
        "--demo-clock",
        FROZEN,
        "--once",
        "--format",
        "table",
        "--percentile",
        "p50",
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("P50 ms") && !table.contains("P99 ms"),
        "{table}"
    );
    let demo = DemoAccount::new(42, 40, 60).with_percentile("p50");
    let mut m = awstop::app::model::Model::with_settings(
        awstop::app::model::SourceLabel::Demo,
        frozen().now(),
        awstop::services::Settings {
            window: 60,
            percentile: "p50".into(),
        },
    );
    for msg in demo.messages_at(frozen().now()) {
        update(&mut m, Msg::Data(msg));
    }
    update(
        &mut m,
        Msg::Resize {
            width: 160,
            height: 40,
        },
    );
    let s = screen(&m);
    assert!(s.contains("P50 ms") && !s.contains("P99 ms"), "{s}");
    act(&mut m, &[Enter]);
    let s = screen(&m);
    assert!(s.contains(" p50 ") && !s.contains(" p99 "), "{s}");
}

/// A token that is a number (with its unit or marker), as drawn.
fn numeric(token: &str) -> Option<&str> {
    let t = token.trim_start_matches(['!', '~', '+', '$', '(', '*', 'x']);
    let t = t.trim_end_matches([')', ',', ';']);
    let mut chars = t.chars();
    let first = chars.next()?;
    if !first.is_ascii_digit() {
        return None;
    }
    let body = t.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%' || c == '…');
    body.chars()
        .all(|c| c.is_ascii_digit() || ".:,/-".contains(c))
        .then_some(t)
}

fn value(t: &str) -> Option<f64> {
    let (n, scale) = match t.chars().last()? {
        'k' => (&t[..t.len() - 1], 1e3),
        'M' => (&t[..t.len() - 1], 1e6),
        'G' => (&t[..t.len() - 1], 1e9),
        _ => (t, 1.0),
    };
    n.parse::<f64>().ok().map(|v| v * scale)
}

fn tokens(screen: &str) -> Vec<String> {
    // "rows 1-9 of 40" differs by size on purpose.
    let mut out = Vec::new();
    for line in screen.lines() {
        let mut words: Vec<&str> = line.split([' ', '│', '[', ']', '=']).collect();
        let mut i = 0;
        while i < words.len() {
            if words[i] == "rows" && words.get(i + 2) == Some(&"of") {
                words.drain(i..(i + 4).min(words.len()));
                continue;
            }
            i += 1;
        }
        out.extend(words.into_iter().filter_map(numeric).map(str::to_string));
    }
    out
}

#[test]
fn numbers_are_never_cut_at_any_size_in_any_view() {
    let paths: Vec<(&str, Vec<Action>)> = vec![
        ("overview", vec![Pane(Pane::Overview)]),
        ("functions", vec![]),
        (
            "report-builder",
            vec![
                StartFilter,
                Input('r'),
                Input('e'),
                Input('p'),
                Submit,
                Enter,
            ],
        ),
        ("clusters", vec![Pane(ECS)]),
        ("services", vec![Pane(ECS), Enter]),
        ("tasks", vec![Pane(ECS), Enter, Enter]),
        ("task", vec![Pane(ECS), Enter, Enter, Enter]),
        ("queues", vec![Pane(BATCH)]),
        ("jobs", vec![Pane(BATCH), Enter]),
        ("job", vec![Pane(BATCH), Enter, Enter]),
        ("eks", vec![Pane(EKS)]),
        ("eks-cluster", vec![Pane(EKS), Down, Enter]),
        ("eks-nodegroup", vec![Pane(EKS), Down, Enter, Bottom, Enter]),
        ("ecr", vec![Pane(ECR)]),
        ("ecr-images", vec![Pane(ECR), Down, Enter]),
        ("ecr-image", vec![Pane(ECR), Down, Enter, Enter]),
        ("help", vec![ToggleHelp]),
    ];
    let mut failures = Vec::new();
    for (name, path) in &paths {
        let mut wide = demo_model(240, 70);
        act(&mut wide, path);
        let mut whole: BTreeSet<String> = tokens(&screen(&wide)).into_iter().collect();
        if path.last() == Some(&ToggleHelp) {
            // What the overlay leaves visible of the table beneath it.
            let mut under = demo_model(240, 70);
            act(&mut under, &path[..path.len() - 1]);
            whole.extend(tokens(&screen(&under)));
        }
        for (w, h) in [(40u16, 10u16), (60, 15), (80, 24), (100, 30)] {
            let mut m = demo_model(w, h);
            act(&mut m, path);
            let s = screen(&m);
            for t in tokens(&s) {
                let cut = t.ends_with('…');
                let known = whole.contains(&t)
                    || (t.ends_with(['k', 'M', 'G'])
                        && value(&t).is_some_and(|v| {
                            whole.iter().filter_map(|w| value(w)).any(|x| {
                                // A shortened form of a value shown whole when wide.
                                x > 0.0 && ((x - v) / x).abs() < 0.01
                            })
                        }));
                if cut || !known {
                    failures.push(format!("{name} at {w}x{h}: {t:?}\n{s}"));
                }
            }
        }
    }
    let said: Vec<&str> = failures.iter().map(|f| f.lines().next().unwrap()).collect();
    assert!(
        failures.is_empty(),
        "{} cut or unknown numbers: {said:?}; first:\n{}",
        failures.len(),
        failures.first().map_or("", String::as_str)
    );
}

fn services_at(t: &str) -> Vec<(String, String)> {
    let m = once_model(
        &DemoAccount::new(42, 40, 60),
        &Clock::frozen(t.parse().unwrap()),
    );
    let csv = awstop::once::csv(&m);
    let section = csv
        .split("\n\n")
        .find(|s| s.starts_with("# ecs.services"))
        .unwrap();
    section
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (format!("{}/{}", f[1], f[2]), f[3].to_string())
        })
        .collect()
}

#[test]
fn a_crash_looping_service_never_reads_ok() {
    for minute in 0..40 {
        let at = format!("2026-11-22T14:{minute:02}:20Z");
        let svc = services_at(&at);
        let checkout = svc
            .iter()
            .find(|(n, _)| n == "web-fargate/checkout")
            .unwrap();
        assert_ne!(checkout.1, "ok", "at {at}");
        let mut m = once_model(
            &DemoAccount::new(42, 40, 60),
            &Clock::frozen(at.parse().unwrap()),
        );
        update(
            &mut m,
            Msg::Resize {
                width: 120,
                height: 40,
            },
        );
        act(&mut m, &[Pane(Pane::Overview)]);
        assert!(
            screen(&m).contains("web-fargate/checkout"),
            "at {at}:\n{}",
            screen(&m)
        );
    }
}

#[test]
fn sparklines_cover_the_whole_window_at_every_width() {
    for w in [60u16, 80, 120, 200] {
        let mut m = demo_model(w, 40);
        act(&mut m, &[Enter]);
        let s = screen(&m);
        let per: usize = s
            .split("each bar the busiest minute of ")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let bars = s
            .lines()
            .map(|l| {
                l.chars()
                    .take_while(|c| ('▁'..='█').contains(c) || *c == ' ')
                    .filter(|c| *c != ' ')
                    .count()
            })
            .max()
            .unwrap();
        let line = s
            .lines()
            .find(|l| {
                l.starts_with('▁') || l.chars().next().is_some_and(|c| ('▁'..='█').contains(&c))
            })
            .unwrap();
        let cells = line.split_whitespace().next().unwrap().chars().count();
        assert!(bars > 0);
        assert!(
            cells * per >= 60 && (cells - 1) * per < 60,
            "{w} columns: {cells} bars of {per} minutes\n{s}"
        );
    }
}

#[test]
fn a_sort_shows_the_top_and_every_table_says_where_it_is() {
    let mut m = demo_model(80, 24);
    act(&mut m, &[Bottom]);
    assert!(
        screen(&m).contains("rows 22-40 of 40") || screen(&m).contains("of 40"),
        "{}",
        screen(&m)
    );
    act(&mut m, &[SortNext]);
    let s = screen(&m);
    let first = m.ui.rows[0];
    let top = awstop::app::tables::row_key(&m, m.view(), first)
        .unwrap()
        .to_string();
    assert_eq!(
        m.table().unwrap().selected.as_deref(),
        Some(top.as_str()),
        "{s}"
    );
    let visible = s.lines().filter(|l| l.starts_with(&top)).count();
    assert_eq!(visible, 1, "the top row is on screen:\n{s}");
    assert!(s.contains("rows 1-19 of 40"), "{s}");
}

#[test]
fn batch_chips_are_distinct_and_job_names_win_over_ids() {
    for w in [40u16, 60, 80, 120, 160] {
        let mut m = demo_model(w, 30);
        act(&mut m, &[Pane(BATCH), Enter]);
        let s = screen(&m);
        let chips = s.lines().find(|l| l.starts_with("[ALL]")).unwrap();
        let labels: Vec<&str> = chips
            .split_whitespace()
            .filter(|t| t.chars().all(|c| c.is_ascii_uppercase()) && t.len() > 1)
            .collect();
        let unique: BTreeSet<&&str> = labels.iter().collect();
        assert_eq!(unique.len(), labels.len(), "{w}: {chips}");
        assert!(!labels.contains(&"RUNN"), "{w}: {chips}");
    }
    let mut m = demo_model(160, 40);
    act(&mut m, &[Pane(BATCH), Enter]);
    let s = screen(&m);
    let shown: Vec<&str> = s
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|t| {
            t.contains('-')
                && t.rsplit('-')
                    .next()
                    .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .collect();
    assert!(shown.len() >= 20, "{s}");
    let unique: BTreeSet<&&str> = shown.iter().collect();
    assert_eq!(
        unique.len(),
        shown.len(),
        "every job name whole and unique:\n{s}"
    );
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
            awstop::services::lambda::View::Function { name },
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
            function: name,
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
    let mut m = demo_model(160, 48);
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
    let ages: Vec<u64> = lines
        .iter()
        .skip_while(|l| !l.starts_with("Recent failed jobs"))
        .skip(1)
        .take_while(|l| l.contains(" ago"))
        .filter_map(|l| l.split_whitespace().rev().nth(1))
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
    let d = std::env::temp_dir().join(format!("awstop-trust-replay-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
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
    let d = std::env::temp_dir().join(format!("awstop-trust-progress-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
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
    let d = std::env::temp_dir().join(format!("awstop-trust-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
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
