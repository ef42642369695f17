//! What invokes a function, against moto: event source mappings (one
//! disabled) compared with what boto3 reads back, the bad one flagged, and
//! the resource policy read when the function's detail is opened.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::moto::{isolated_env, Moto};
use crate::common::pty::Session;

#[test]
fn mappings_are_read_with_the_inventory_and_a_disabled_one_is_flagged() {
    let moto = Moto::start();
    let truth = moto.seed("apis");
    let (snap, _) = moto.once();
    let fns: BTreeMap<&str, &Value> = snap["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f))
        .collect();
    let want = truth["mappings"].as_object().unwrap();
    assert!(!want.is_empty());
    for (name, f) in &fns {
        let got: Vec<Value> = f["triggers"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {}", f["triggers"]))
            .iter()
            .filter(|t| t["type"] == "sqs" || t["type"] == "kinesis")
            .map(|t| serde_json::json!({"source": t["source"], "state": t["state"], "batch_size": t["batch_size"]}))
            .collect();
        let expected = want
            .get(*name)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(got, expected, "{name}");
    }
    // --once opens no detail: the resource policy is not read.
    assert!(fns["image-resize"]["triggers"]
        .as_array()
        .unwrap()
        .is_empty());

    // The table says which function a bad trigger feeds.
    let out = moto.awstop(&["--once", "--format", "csv"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text
        .lines()
        .find(|l| l.starts_with("region,name,") || l.contains(",trigger,"))
        .unwrap();
    let col = header.split(',').position(|c| c == "trigger").unwrap();
    let row = text.lines().find(|l| l.contains(",queue-worker,")).unwrap();
    assert_eq!(row.split(',').nth(col), Some("sqs"), "{row}");
}

#[test]
fn opening_a_function_reads_who_may_invoke_it() {
    let moto = Moto::start();
    moto.seed("apis");
    let env = isolated_env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    moto.ctl(&["recorder", "start"]);
    let mut s = Session::start_with_env(
        &[
            "--endpoint-url",
            &moto.url,
            "--region",
            "us-east-1",
            "--pane",
            "lambda",
        ],
        &env,
        40,
        200,
    );
    s.wait_for("the functions", |sc| {
        sc.contains("image-resize") && sc.contains("queue-worker")
    });
    // The disabled SQS mapping is marked in the table.
    s.wait_for("the bad trigger", |sc| {
        sc.lines()
            .any(|l| l.starts_with("queue-worker") && l.contains("!sqs"))
    });
    s.send("/image-resize");
    s.wait_for("the filter", |sc| sc.contains("1 rows"));
    s.send("\r\r");
    s.wait_for("the policy, read on opening", |sc| {
        sc.contains("Function image-resize")
            && sc
                .lines()
                .any(|l| l.contains("s3") && l.contains("uploads"))
    });
    s.send("q");
    assert!(s.exit().success());
    // Everything the dashboard asked, the policy included, was a read.
    let ops: Vec<String> = serde_json::from_str(&moto.ctl(&["recorder", "ops"])).unwrap();
    assert!(ops.iter().any(|o| o == "lambda.GetPolicy"), "{ops:?}");
    crate::live_moto::assert_reads_only(&ops);
}
