//! Faults between awstop and AWS (here moto behind a fault-injecting proxy):
//! one pane degrades with the reason and the age of its data, the others keep
//! working, keys keep answering, and it recovers when the fault clears.

use std::time::Duration;

use crate::common::fault_proxy::{Fault, FaultProxy, ECS};
use crate::common::moto::{awstop_env, isolated_env, Moto};
use crate::common::pty::Session;
use serde_json::Value;

fn once_via(proxy: &FaultProxy, extra: &[&str]) -> Value {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args([
        "--once",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--endpoint-url",
        &proxy.url,
    ])
    .args(extra);
    awstop_env(&mut cmd);
    let out = cmd.output().unwrap();
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::common::moto::assert_exit_matches_errors(&out, &snap);
    snap
}

fn error_for<'a>(snap: &'a Value, op: &str) -> Option<&'a Value> {
    snap["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["operation"] == op)
}

#[test]
fn ecs_server_errors_leave_lambda_and_batch_intact() {
    let moto = Moto::start();
    moto.seed("basic");
    let proxy = FaultProxy::start(&moto.url);
    proxy.set(Fault::Unavailable(ECS));
    let snap = once_via(&proxy, &[]);
    let e = error_for(&snap, "ListClusters").expect("an ECS error");
    assert_eq!(e["service"], "ecs");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("Service Unavailable"),
        "{e}"
    );
    assert_eq!(snap["lambda"]["functions"].as_array().unwrap().len(), 3);
    assert_eq!(snap["batch"]["queues"].as_array().unwrap().len(), 2);
    assert_eq!(snap["ecs"]["clusters"], serde_json::json!([]));
}

#[test]
fn slow_responses_time_out_with_a_reason() {
    let moto = Moto::start();
    let proxy = FaultProxy::start(&moto.url);
    proxy.set(Fault::Delay(Duration::from_secs(3)));
    let snap = once_via(&proxy, &["--timeout", "1"]);
    for op in [
        "GetCallerIdentity",
        "ListFunctions",
        "ListClusters",
        "DescribeComputeEnvironments",
    ] {
        let e =
            error_for(&snap, op).unwrap_or_else(|| panic!("no error for {op}: {}", snap["errors"]));
        assert!(e["message"].as_str().unwrap().contains("timed out"), "{e}");
    }
}

#[test]
fn throttled_ecs_degrades_its_pane_keys_still_work_and_it_recovers() {
    let moto = Moto::start();
    let truth = moto.seed("basic");
    let proxy = FaultProxy::start(&moto.url);
    let env: Vec<(&str, String)> = isolated_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut s = Session::start_with_env(
        &[
            "--region",
            "us-east-1",
            "--endpoint-url",
            &proxy.url,
            "--interval",
            "ecs=5",
        ],
        &env,
        30,
        140,
    );
    s.wait_for("live Lambda rows", |sc| {
        sc.contains("LIVE") && sc.contains("orders-api")
    });
    s.send("3");
    s.wait_for("ECS clusters", |sc| {
        sc.contains("ECS clusters") && sc.contains("web")
    });

    proxy.set(Fault::Throttle(ECS));
    s.send("r");
    s.wait_for("the throttling reason, rows kept", |sc| {
        sc.contains("ThrottlingException") && sc.contains("last good data") && sc.contains("web")
    });
    // Keys answer while a pane is failing, and the other panes are untouched.
    s.send("2");
    s.wait_for("Lambda unaffected", |sc| {
        sc.contains("Lambda functions") && sc.contains("orders-api") && !sc.contains("Throttling")
    });
    s.send("3");
    s.wait_for("back on ECS", |sc| sc.contains("ThrottlingException"));

    // No key pressed: the poller comes back by itself once the fault clears.
    proxy.set(Fault::None);
    s.wait_for("recovery", |sc| {
        sc.contains("ECS clusters") && sc.contains("web") && !sc.contains("ThrottlingException")
    });
    // Drill into a task list: the secret in the task definition and overrides never shows.
    s.send("G\r");
    s.wait_for("services", |sc| sc.contains("Services in"));
    s.send("\r");
    s.wait_for("tasks", |sc| sc.contains("Tasks of"));
    s.send("\r");
    s.wait_for("a task", |sc| sc.contains("Containers"));
    s.send("2\r");
    s.wait_for("function detail", |sc| {
        sc.contains("Function ") && sc.contains("variables (never shown)")
    });
    s.send("q");
    assert!(s.exit().success());
    let secret = truth["secret"].as_str().unwrap();
    assert!(
        !String::from_utf8_lossy(&s.raw).contains(secret),
        "the secret reached the terminal"
    );
}

#[test]
fn metrics_follow_the_rows_on_screen() {
    let moto = Moto::start();
    moto.seed("wide");
    let env: Vec<(&str, String)> = isolated_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut s = Session::start_with_env(
        &["--region", "us-east-1", "--endpoint-url", &moto.url],
        &env,
        24,
        100,
    );
    // The first refresh reads every function, so the worst ones are known
    // (the rows come first, their numbers after: wait for all of them).
    s.wait_for("live rows with metrics", |sc| {
        sc.contains("of 100 ·") && sc.contains("fn-0006") && !sc.contains("loading metrics")
    });
    // Sort by name and go to the bottom: the rows on screen are the last ones.
    s.send("<<<G");
    // 19 rows fit: fn-0082 to fn-0099, then orders-api.
    s.wait_for("the last rows", |sc| {
        sc.contains("NAME↑")
            && sc.lines().nth(4).is_some_and(|l| l.starts_with("fn-0082"))
            && sc
                .lines()
                .nth(22)
                .is_some_and(|l| l.starts_with("orders-api"))
    });
    // Rows the sweep only ranked are read in full once on screen, their cold
    // starts with the next refresh: let both land before counting what one
    // refresh asks for.
    s.send("r");
    s.wait_for("the rows on screen read in full", |sc| {
        sc.lines()
            .filter(|l| l.starts_with("fn-") || l.starts_with("orders-api"))
            .all(|l| !l.contains('…'))
    });
    let visible: Vec<String> = s
        .screen()
        .lines()
        .filter(|l| l.starts_with("fn-") || l.starts_with("orders-api"))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert!(visible.len() >= 15, "{visible:?}");
    moto.ctl(&["recorder", "start"]);
    s.send("r");
    // Wait for the refresh's GetMetricData to reach moto, recording all along
    // (on a loaded machine moto takes its time with a hundred functions).
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        std::thread::sleep(Duration::from_millis(500));
        let got: Vec<Vec<String>> = serde_json::from_str(&moto.ctl(&["recorder", "peek"])).unwrap();
        if !got.is_empty() || std::time::Instant::now() > deadline {
            break;
        }
    }
    // A moment more, so a second call (if any) would be seen too.
    std::thread::sleep(Duration::from_secs(2));
    let asked: Vec<Vec<String>> =
        serde_json::from_str(&moto.ctl(&["recorder", "functions"])).unwrap();
    // `r` refreshes every room: the ECS service's own GetMetricData names no
    // function, and whether it lands in this window is a matter of timing.
    let asked: Vec<Vec<String>> = asked.into_iter().filter(|c| !c.is_empty()).collect();
    s.send("q");
    assert!(s.exit().success());
    assert_eq!(
        asked.len(),
        1,
        "one GetMetricData call for one refresh: {asked:?}"
    );
    let asked: std::collections::BTreeSet<&String> = asked[0].iter().collect();
    for v in &visible {
        assert!(asked.contains(v), "{v} is on screen but its metrics were not asked for; asked {asked:?}, visible {visible:?}");
    }
    // Visible rows plus at most ten offenders per measure: far fewer than all 100.
    assert!(
        asked.len() <= visible.len() + 30 && asked.len() < 60,
        "{} functions asked for",
        asked.len()
    );
}

#[test]
fn live_tail_streams_the_function_log_and_stops_with_the_view() {
    let moto = Moto::start();
    let truth = moto.seed("basic");
    let env: Vec<(&str, String)> = isolated_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let folder = crate::common::scratch("awstop-tail-");
    let log = folder.join("awstop.log");
    let args = [
        "--region",
        "us-east-1",
        "--endpoint-url",
        &moto.url,
        "--cold-starts",
        "filter",
        "--log-file",
        log.to_str().unwrap(),
    ];
    let mut s = Session::start_with_env(&args, &env, 32, 130);
    s.wait_for("live rows", |sc| sc.contains("orders-api"));
    s.send("/orders-api\r\r");
    s.wait_for("the function", |sc| sc.contains("Function orders-api"));
    s.send("t");
    // moto replays the seeded REPORT records over the StartLiveTail stream.
    s.wait_for("tailed lines, cold starts marked", |sc| {
        sc.contains("Live tail (t stops)")
            && sc
                .contains("* cold 12.5 ms  billed 13 ms  mem 70/512 MB  init 201 ms  11111111-aaaa")
    });
    s.send("\x1b");
    s.wait_for("the list, tail gone", |sc| {
        sc.contains("Lambda functions") && !sc.contains("Live tail")
    });
    // Who we are is asked beside the rooms' reads: on a loaded machine the
    // keys above can all be answered before STS is. Give it its time.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while std::time::Instant::now() < deadline
        && !std::fs::read_to_string(&log).is_ok_and(|t| t.contains("connected"))
    {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    s.send("q");
    assert!(s.exit().success());
    // The log went to its file, says who we were, and holds no secret.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("connected"), "{text}");
    assert!(!text.contains(truth["secret"].as_str().unwrap()));
}
