//! Live mode when the account cannot be read: an endpoint that never answers,
//! one that answers slowly, one that is down at start, and no credentials at
//! all. The run stays bounded, says why, and never shows 0 for what it could
//! not read.

use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::fault_proxy::{Fault, FaultProxy};
use crate::common::moto::{awstop_env, isolated_env, Moto};
use crate::common::pty::Session;
use serde_json::Value;

/// Accepts connections and never answers; held open until dropped.
struct BlackHole {
    url: String,
    _listener: TcpListener,
}

impl BlackHole {
    fn start() -> BlackHole {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        // The kernel completes the handshakes into the backlog; nobody reads.
        BlackHole {
            url,
            _listener: listener,
        }
    }
}

#[test]
fn once_against_an_endpoint_that_never_answers_is_bounded_and_says_so() {
    let hole = BlackHole::start();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args([
        "--once",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--timeout",
        "2",
        "--endpoint-url",
        &hole.url,
    ]);
    awstop_env(&mut cmd);
    let started = Instant::now();
    let out = cmd.output().unwrap();
    let took = started.elapsed();
    // The documented bound: twice the timeout plus ten seconds of retries.
    assert!(took < Duration::from_secs(2 * 2 + 10 + 3), "{took:?}");
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = snap["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    for e in errors {
        let m = e["message"].as_str().unwrap();
        assert!(m.contains("timed out") || m.contains("timeout"), "{e}");
    }
    for op in [
        "ListFunctions",
        "ListClusters",
        "DescribeComputeEnvironments",
    ] {
        assert!(
            errors.iter().any(|e| e["operation"] == op),
            "{op}: {errors:?}"
        );
    }
}

fn env_pairs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn slow_answers_show_a_slow_marker() {
    let moto = Moto::start();
    moto.seed("basic");
    let proxy = FaultProxy::start(&moto.url);
    proxy.set(Fault::Delay(Duration::from_millis(2500)));
    let env = isolated_env();
    let mut s = Session::start_with_env(
        &[
            "--region",
            "us-east-1",
            "--endpoint-url",
            &proxy.url,
            "--timeout",
            "20",
        ],
        &env_pairs(&env),
        30,
        160,
    );
    s.wait_for("the slow marker", |t| t.contains("~slow"));
    let header = s.screen().lines().next().unwrap_or("").to_string();
    let secs: f64 = header
        .split("~slow ")
        .nth(1)
        .and_then(|r| r.split_whitespace().nth(1))
        .and_then(|n| n.trim_end_matches('s').parse().ok())
        .unwrap_or_else(|| panic!("{header}"));
    assert!(secs >= 2.5, "{header}");
    s.send("q");
    assert!(s.exit().success());
}

#[test]
fn an_account_down_at_start_comes_back_without_a_key() {
    let moto = Moto::start();
    moto.seed("basic");
    let proxy = FaultProxy::start(&moto.url);
    // Every request, identity included, gets a 503.
    proxy.set(Fault::Unavailable(""));
    let env = isolated_env();
    let mut s = Session::start_with_env(
        &["--region", "us-east-1", "--endpoint-url", &proxy.url],
        &env_pairs(&env),
        30,
        160,
    );
    s.wait_for("the failure", |t| {
        t.contains("503") || t.contains("navailable")
    });
    // Nothing was read: no account, and no zeros on the Overview.
    let t = s.screen();
    assert!(!t.contains("123456789012"), "{t}");
    assert!(
        !t.contains("0 functions") && !t.contains("0 unhealthy"),
        "{t}"
    );
    proxy.set(Fault::None);
    // The identity is retried on the panes' backoff (5 s first), not after minutes.
    let cleared = Instant::now();
    s.wait_for("the account", |t| t.contains("123456789012"));
    assert!(
        cleared.elapsed() < Duration::from_secs(25),
        "{:?}",
        cleared.elapsed()
    );
    s.send("q");
    assert!(s.exit().success());
}

#[test]
fn no_credentials_says_what_to_do_and_shows_dashes_not_zeros() {
    let mut env = isolated_env();
    env.retain(|(k, _)| !k.starts_with("AWS_ACCESS_KEY") && !k.starts_with("AWS_SECRET"));
    let mut s = Session::start_with_env(
        &["--region", "us-east-1", "--pane", "overview"],
        &env_pairs(&env),
        30,
        160,
    );
    s.wait_for("the reason", |t| t.contains("no AWS credentials found"));
    let t = s.screen();
    assert!(t.contains("--demo") || t.contains("sso login"), "{t}");
    assert!(
        !t.contains("0 functions") && !t.contains("0 invocations"),
        "{t}"
    );
    for room in ["Lambda ", "ECS ", "Batch "] {
        let line = t
            .lines()
            .find(|l| l.starts_with(room))
            .unwrap_or_else(|| panic!("{t}"));
        let rest: Vec<&str> = line[room.len()..].split_whitespace().take(3).collect();
        assert_eq!(rest[..], ["-", "not", "read:"], "{line}");
    }
    s.send("q");
    s.exit();
    // The same run headless: one answer, exit 4.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args(["--once", "--format", "table", "--region", "us-east-1"]);
    awstop_env(&mut cmd);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(all.contains("no AWS credentials found"), "{all}");
}
