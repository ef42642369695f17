//! `awstop --demo --once --format json` against the contract in SNAPSHOT.md
//! (its example, kept in tests/contract/), run as a user would run it.

use std::process::{Command, Output};

use serde_json::Value;

const FROZEN: &str = "2026-11-22T14:03:20Z";

fn awstop(args: &[&str]) -> Output {
    let no_config = crate::common::no_config_home();
    Command::new(env!("CARGO_BIN_EXE_awstop"))
        .env(
            "XDG_STATE_HOME",
            crate::common::state_home(),
        )
        .args(args)
        .env("XDG_CONFIG_HOME", no_config)
        .output()
        .expect("run awstop")
}

fn snapshot(args: &[&str]) -> Value {
    let out = awstop(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Keys that must never be null; any other scalar may be null ("could not be read").
const NEVER_NULL: &[&str] = &[
    "schema",
    "taken_at",
    "source",
    "window_minutes",
    "name",
    "region",
    "id",
    "status",
    "count",
];

/// Every key of the example exists in the output with the example's type.
fn conforms(path: &str, example: &Value, actual: &Value, errors: &mut Vec<String>) {
    match (example, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    None => errors.push(format!("{path}.{k} is missing")),
                    Some(av) => conforms(&format!("{path}.{k}"), ev, av, errors),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let Some(first) = e.first() {
                for (i, av) in a.iter().enumerate() {
                    conforms(&format!("{path}[{i}]"), first, av, errors);
                }
            }
        }
        (_, Value::Null) => {
            let key = path.rsplit('.').next().unwrap_or("");
            if NEVER_NULL.contains(&key) {
                errors.push(format!("{path} is null"));
            }
        }
        (Value::Null, _) => {}
        (e, a) if kind(e) != kind(a) => errors.push(format!(
            "{path} is {} but the contract has {}",
            kind(a),
            kind(e)
        )),
        _ => {}
    }
}

#[test]
fn demo_snapshot_follows_the_contract() {
    let example: Value =
        serde_json::from_str(include_str!("contract/snapshot_example.json")).unwrap();
    let snap = snapshot(&[
        "--demo",
        "--once",
        "--format",
        "json",
        "--demo-clock",
        FROZEN,
    ]);
    let mut errors = Vec::new();
    conforms("$", &example, &snap, &mut errors);
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    assert_eq!(snap["schema"], "awstop.snapshot/1");
    assert_eq!(snap["source"], "demo");
    assert_eq!(snap["taken_at"], FROZEN);
    assert_eq!(snap["window_minutes"], 60);
    let fns = snap["lambda"]["functions"].as_array().unwrap();
    assert_eq!(fns.len(), 40);
    // Every collection the example shows is present and non-empty in the demo.
    for (path, v) in [
        ("clusters", &snap["ecs"]["clusters"]),
        ("tasks", &snap["ecs"]["clusters"][0]["tasks"]),
        ("services", &snap["ecs"]["clusters"][0]["services"]),
        ("queues", &snap["batch"]["queues"]),
        (
            "compute environments",
            &snap["batch"]["compute_environments"],
        ),
    ] {
        assert!(!v.as_array().unwrap().is_empty(), "{path} empty");
    }
    assert!(snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| !c["container_instances"].as_array().unwrap().is_empty()));
}

#[test]
fn derived_numbers_follow_their_definitions() {
    let snap = snapshot(&[
        "--demo",
        "--once",
        "--format",
        "json",
        "--demo-clock",
        FROZEN,
    ]);
    for f in snap["lambda"]["functions"].as_array().unwrap() {
        let m = &f["metrics"];
        let (inv, err) = (
            m["invocations"].as_f64().unwrap(),
            m["errors"].as_f64().unwrap(),
        );
        if inv == 0.0 {
            assert!(
                m["error_rate_pct"].is_null(),
                "{}: a rate of nothing is null, not 0",
                f["name"]
            );
        } else {
            let rate = m["error_rate_pct"].as_f64().unwrap();
            assert!((rate - 100.0 * err / inv).abs() < 0.001, "{}", f["name"]);
        }
        let c = &f["cold_starts"];
        assert!(
            c["count"].as_u64().unwrap() as f64 <= inv,
            "{}: more cold starts than invocations",
            f["name"]
        );
        if c["count"].as_u64().unwrap() > 0 {
            assert!(c["init_p50_ms"].as_f64().unwrap() <= c["init_max_ms"].as_f64().unwrap());
        }
    }
    for q in snap["batch"]["queues"].as_array().unwrap() {
        let by = q["jobs_by_status"].as_object().unwrap();
        let keys: Vec<&str> = by.keys().map(String::as_str).collect();
        let mut want = vec![
            "SUBMITTED",
            "PENDING",
            "RUNNABLE",
            "STARTING",
            "RUNNING",
            "SUCCEEDED",
            "FAILED",
        ];
        want.sort();
        let mut got = keys.clone();
        got.sort();
        assert_eq!(got, want);
        let total: u64 = by.values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(total as usize, q["jobs"].as_array().unwrap().len());
    }
    for c in snap["ecs"]["clusters"].as_array().unwrap() {
        let services: Vec<&str> = c["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        for t in c["tasks"].as_array().unwrap() {
            assert!(t["service"].is_null() || services.contains(&t["service"].as_str().unwrap()));
            if t["last_status"] == "STOPPED" {
                assert!(t["stopped_at"].is_string() && t["stop_code"].is_string());
            }
        }
    }
    // The stuck job and the crash loop the demo promises are there.
    let text = snap.to_string();
    assert!(text.contains("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT"));
    assert!(text.contains("EssentialContainerExited"));
}

#[test]
fn json_is_the_default_when_stdout_is_not_a_terminal() {
    let snap = snapshot(&["--demo", "--demo-clock", FROZEN]);
    assert_eq!(snap["schema"], "awstop.snapshot/1");
}

#[test]
fn same_seed_same_account_other_seed_other_account() {
    let args = ["--demo", "--once", "--demo-clock", FROZEN];
    let a = awstop(&args).stdout;
    assert_eq!(a, awstop(&args).stdout);
    let b = awstop(&[
        "--demo",
        "--once",
        "--demo-clock",
        FROZEN,
        "--demo-seed",
        "7",
    ])
    .stdout;
    assert_ne!(a, b);
}

#[test]
fn scale_sets_the_size_of_the_account() {
    let snap = snapshot(&[
        "--demo",
        "--once",
        "--demo-clock",
        FROZEN,
        "--demo-scale",
        "1000",
    ]);
    assert_eq!(snap["lambda"]["functions"].as_array().unwrap().len(), 1000);
    let tasks: usize = snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["tasks"].as_array().unwrap().len())
        .sum();
    assert!(tasks >= 500, "{tasks} tasks for 1000 functions");
    let jobs: usize = snap["batch"]["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["jobs"].as_array().unwrap().len())
        .sum();
    assert!(jobs >= 150, "{jobs} jobs for 1000 functions");
}

#[test]
fn table_format_lists_every_service() {
    let out = awstop(&[
        "--demo",
        "--once",
        "--format",
        "table",
        "--demo-clock",
        FROZEN,
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "LAMBDA",
        "ECS",
        "BATCH",
        "payments-webhook",
        "checkout",
        "ml-training",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
}

#[test]
fn bad_flags_fail_with_one_clear_line() {
    for (args, needle) in [
        (vec!["--demo", "--format", "xml"], "--format"),
        (vec!["--demo", "--demo-scale", "0"], "--demo-scale"),
        (vec!["--demo", "--demo-clock", "yesterday"], "--demo-clock"),
        (vec!["--demo", "--window", "0"], "--window"),
        (vec!["--no-such-flag"], "--no-such-flag"),
    ] {
        let out = awstop(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("awstop: ") && err.contains(needle),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty());
    }
    // Live mode with no region anywhere: one line that says what to do.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.env(
        "XDG_STATE_HOME",
        crate::common::state_home(),
    );
    for k in ["AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"] {
        cmd.env_remove(k);
    }
    let nowhere = crate::common::no_aws_config();
    cmd.env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("awstop: ") && err.contains("--region") && err.contains("--demo"),
        "{err}"
    );
}

#[test]
fn demo_names_the_function_far_above_its_own_last_week() {
    let snap = snapshot(&["--demo", "--once", "--format", "json", "--demo-clock", FROZEN]);
    let fns = snap["lambda"]["functions"].as_array().unwrap();
    // Last week was computed for every function, never left as zeros.
    for f in fns {
        let w = &f["metrics_week_ago"];
        assert!(w["invocations"].is_number(), "{}: {w}", f["name"]);
        assert!(w["concurrent_max"].is_null(), "not read a week ago: null");
    }
    let unusual = snap["unusual"].as_array().unwrap();
    assert!(!unusual.is_empty(), "the demo's regressed function is unusual");
    let first = &unusual[0];
    let name = first["resource"].as_str().unwrap();
    let f = fns.iter().find(|f| f["name"] == name).unwrap();
    assert_eq!(first["metric"], "errors");
    let (now, week) = (first["now"].as_f64().unwrap(), first["week_ago"].as_f64().unwrap());
    assert_eq!(Some(now), f["metrics"]["errors"].as_f64());
    assert_eq!(Some(week), f["metrics_week_ago"]["errors"].as_f64());
    // Far above its own last week, low in absolute terms: the error counts
    // of the Overview's "Top errors" would never show it.
    assert!(now >= 3.0 * week.max(1.0) && now < 100.0, "{first}");
    let busier = fns
        .iter()
        .filter(|g| g["metrics"]["errors"].as_f64() > Some(now))
        .count();
    assert!(busier >= 3, "{busier} functions have more errors");
    // The busy, steady ones are not listed.
    for g in fns.iter().filter(|g| g["metrics"]["errors"].as_f64() > Some(now)) {
        let e = g["metrics"]["errors"].as_f64().unwrap();
        let w = g["metrics_week_ago"]["errors"].as_f64().unwrap();
        if e < 3.0 * w {
            assert!(!unusual.iter().any(|u| u["resource"] == g["name"] && u["metric"] == "errors"), "{}", g["name"]);
        }
    }
}

#[test]
fn demo_has_last_weeks_figures_for_every_resource_with_metrics() {
    let snap = snapshot(&["--demo", "--once", "--format", "json", "--demo-clock", FROZEN]);
    let mut compared = 0;
    for a in snap["apigateway"]["apis"].as_array().unwrap() {
        for s in a["stages"].as_array().unwrap() {
            if a["protocol"] == "WEBSOCKET" {
                assert!(s["metrics_week_ago"].is_null(), "WebSocket stages are not compared");
            } else if s["metrics"]["requests"].is_number() {
                assert!(s["metrics_week_ago"]["requests"].is_number() && s["metrics_week_ago"]["errors_5xx"].is_number(), "{}: {s}", a["name"]);
                compared += 1;
            }
        }
    }
    for c in snap["ecs"]["clusters"].as_array().unwrap() {
        for s in c["services"].as_array().unwrap().iter().filter(|s| s["cpu_pct"].is_number()) {
            assert!(s["metrics_week_ago"]["cpu_pct"].is_number() && s["metrics_week_ago"]["memory_pct"].is_number(), "{s}");
            compared += 1;
        }
    }
    for c in snap["emr"]["clusters"].as_array().unwrap().iter().filter(|c| c["metrics"]["apps_running"].is_number()) {
        assert!(c["metrics_week_ago"]["apps_running"].is_number(), "{c}");
        compared += 1;
    }
    for i in snap["lightsail"]["instances"].as_array().unwrap().iter().filter(|i| i["metrics"]["cpu_pct"].is_number()) {
        assert!(i["metrics_week_ago"]["cpu_pct"].is_number(), "{i}");
        compared += 1;
    }
    assert!(compared >= 10, "{compared} resources compared");
    // As busy as last week: the one unusual figure is the Lambda function's.
    let unusual = snap["unusual"].as_array().unwrap();
    assert!(unusual.iter().all(|u| u["service"] == "lambda"), "{unusual:?}");
    assert_eq!(unusual.iter().filter(|u| u["service"] == "lambda").count(), 1, "{unusual:?}");
}
