//! The IAM policy awstop prints is exactly the set of SDK operations its source
//! calls, and every one of them only reads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use awstop::policy::{actions, is_read};

/// First words of AWS operation names: a fluent builder call starts with one.
const VERBS: &[&str] = &[
    "list",
    "describe",
    "get",
    "put",
    "create",
    "delete",
    "update",
    "start",
    "stop",
    "run",
    "submit",
    "tag",
    "untag",
    "invoke",
    "register",
    "deregister",
    "terminate",
    "cancel",
    "filter",
    "execute",
    "publish",
    "add",
    "remove",
    "attach",
    "detach",
    "associate",
    "disassociate",
    "modify",
    "set",
    "reset",
    "assume",
    "decode",
    "batch",
    "test",
    "send",
    "lookup",
];

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `.some_call()` with no arguments: how every SDK operation builder starts.
fn zero_arg_calls(src: &str) -> Vec<String> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    for (i, _) in src.match_indices("()") {
        let mut j = i;
        while j > 0
            && (b[j - 1].is_ascii_lowercase() || b[j - 1] == b'_' || b[j - 1].is_ascii_digit())
        {
            j -= 1;
        }
        if j > 0 && b[j - 1] == b'.' && j < i {
            out.push(src[j..i].to_string());
        }
    }
    out
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|w| w[..1].to_ascii_uppercase() + &w[1..])
        .collect()
}

/// Names with an AWS verb that are not operations: plain Rust, and getters on
/// SDK output types (a task's `stop_code` is data, not StopCode).
const NOT_SDK: &[&str] = &[
    "get_mut",
    "update_ids",
    "set_len",
    "stop_code",
    "start_date_time",
    "batch_size",
];

/// The IAM prefix of an SDK crate (`aws_sdk_cloudwatchlogs` is `logs`).
fn iam_prefix(krate: &str) -> String {
    match krate {
        "cloudwatchlogs" => "logs".into(),
        "emr" => "elasticmapreduce".into(),
        "costexplorer" => "ce".into(),
        other => other.to_string(),
    }
}

/// The SDK crates a source file names.
fn crates(text: &str) -> BTreeSet<String> {
    text.match_indices("aws_sdk_")
        .map(|(i, _)| {
            text[i + 8..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .filter(|c| !c.is_empty())
        .collect()
}

#[test]
fn policy_equals_the_operations_the_code_calls_and_all_read() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("src"), &mut paths);
    let allowed = [
        root.join("src/aws"),
        root.join("src/services"),
        root.join("src/accounts"),
    ];
    let mut called = BTreeSet::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).unwrap();
        let rel = p.strip_prefix(&root).unwrap().display().to_string();
        // SDK clients live only in the shared plumbing and the service rooms.
        if !allowed.iter().any(|a| p.starts_with(a)) {
            assert!(
                !text.contains("aws_sdk_"),
                "{rel} uses an AWS SDK client outside src/aws/, src/services/ and src/accounts/"
            );
            continue;
        }
        let used = crates(&text);
        // Without an SDK type in sight there is no client to call.
        if used.is_empty() {
            continue;
        }
        for name in zero_arg_calls(&text) {
            let Some((verb, _)) = name.split_once('_') else {
                continue;
            };
            if !VERBS.contains(&verb) || NOT_SDK.contains(&name.as_str()) {
                continue;
            }
            // A file that calls operations talks to exactly one service.
            assert_eq!(
                used.len(),
                1,
                "{rel} calls .{name}() but names the SDK crates {used:?}: one service per file"
            );
            let service = iam_prefix(used.iter().next().unwrap());
            // API Gateway authorises its management API by HTTP verb: every
            // read, v1 or v2, is `apigateway:GET`.
            if service.starts_with("apigateway") {
                assert_eq!(verb, "get", "{rel} calls .{name}(): not a read");
                called.insert("apigateway:GET".to_string());
                continue;
            }
            called.insert(format!("{service}:{}", camel(&name)));
        }
    }
    // Watching an organization adds ListAccounts to the caller's policy
    // (`iam-policy --org`); the code calls nothing else.
    let policy: BTreeSet<String> = actions()
        .iter()
        .chain(awstop::policy::ORG_CALLER)
        .chain(awstop::policy::ACTUALS)
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        called, policy,
        "the SDK calls in src/ and the policies (src/policy.rs, ORG_CALLER and each room's IAM_ACTIONS) differ"
    );
    for a in &called {
        assert!(
            is_read(a.split_once(':').unwrap().1),
            "{a} is not a read action"
        );
    }
}

#[test]
fn iam_policy_command_prints_the_policy() {
    let out = Command::new(env!("CARGO_BIN_EXE_awstop"))
        .arg("iam-policy")
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions: Vec<&str> = doc["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(actions, awstop::policy::actions());
    assert_eq!(doc["Statement"][0]["Effect"], "Allow");
    assert_eq!(doc["Statement"][0]["Resource"], "*");
}

#[test]
fn iam_policy_for_an_organization_names_the_role_and_the_listing() {
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_awstop"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let caller = run(&["iam-policy", "--org", "awstop-read"]);
    let st = caller["Statement"].as_array().unwrap();
    let read: Vec<&str> = st[0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert!(read.contains(&"organizations:ListAccounts"), "{read:?}");
    for a in awstop::policy::actions() {
        assert!(read.contains(&a), "{a} missing");
    }
    assert_eq!(st[1]["Action"], "sts:AssumeRole");
    assert_eq!(st[1]["Resource"], "arn:aws:iam::*:role/awstop-read");
    // The member role's policy is the single account's, and only that.
    let member = run(&["iam-policy", "--member"]);
    assert_eq!(member, run(&["iam-policy"]));
    let both = Command::new(env!("CARGO_BIN_EXE_awstop"))
        .args(["iam-policy", "--member", "--org", "r"])
        .output()
        .unwrap();
    assert!(!both.status.success());
}
