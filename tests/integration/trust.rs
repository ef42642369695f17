//! What is on screen must be true: the chosen percentile everywhere, numbers
//! never cut into other numbers at any size, health that holds over time,
//! sparklines that cover what they claim, positions that say where a table is,
//! and keys and flags that do what the footer and the help say.

use std::collections::BTreeSet;
use std::process::Command;

use crate::common::moto::awstop_env;
use crate::common::*;
use awstop::app::keymap::Action::{self, *};
use awstop::app::model::Pane;
use awstop::app::msg::Msg;
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
    let d = crate::common::scratch("awstop-trust-");
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
    // The functions' section (API Gateway's latency percentile is p99 by
    // what it asks CloudWatch for, and says so).
    let functions: String = table
        .lines()
        .skip_while(|l| *l != "LAMBDA.FUNCTIONS")
        .take_while(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        functions.contains("P50 ms") && !functions.contains("P99 ms"),
        "{table}"
    );
    let mut rooms = awstop::services::default_settings();
    rooms.apply(&awstop::services::lambda::settings::PERCENTILE, "p50").unwrap();
    let demo = DemoAccount::new(42, 40, 60).with_rooms(rooms.clone());
    let mut m = awstop::app::model::Model::with_settings(
        awstop::app::model::SourceLabel::Demo,
        frozen().now(),
        awstop::services::Settings {
            window: 60,
            rooms,
            ..Default::default()
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
    // "rows 1-9 of 40" (a table's) and "lines 1-4 of 13" (a detail's
    // list) differ by size on purpose.
    let mut out = Vec::new();
    for line in screen.lines() {
        let mut words: Vec<&str> = line.split([' ', '│', '[', ']', '=']).collect();
        let mut i = 0;
        while i < words.len() {
            if (words[i] == "rows" || words[i] == "lines") && words.get(i + 2) == Some(&"of") {
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
        m.table().unwrap().selected.as_ref().map(|r| r.key.as_str()),
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
