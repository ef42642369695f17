//! EMR against moto (clusters run by the test with instance groups and
//! steps, IsIdle put into CloudWatch, compared with what boto3 reads back)
//! and on the demo account, where an idle cluster burns money on the Overview.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::moto::{awstop_env, Moto};
use crate::common::FROZEN;

#[test]
fn emr_reads_what_moto_holds_and_says_how_long_a_cluster_idled() {
    let moto = Moto::start();
    let truth = moto.seed("emr");
    let ((out, snap), ops) = moto.recorded(|| {
        let out = moto.awstop(&["--once", "--format", "json", "--region", "us-east-1"]);
        let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out, snap)
    });
    let emr_errors: Vec<&Value> = snap["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] == "emr")
        .collect();
    assert!(
        emr_errors.is_empty(),
        "{emr_errors:?} ({})",
        String::from_utf8_lossy(&out.stderr)
    );
    let clusters: BTreeMap<&str, &Value> = snap["emr"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c))
        .collect();
    // Cluster configurations (a password here) never leave the source.
    let secret = truth["secret"].as_str().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(secret)
            && !String::from_utf8_lossy(&out.stderr).contains(secret)
    );
    let want = truth["clusters"].as_object().unwrap();
    assert_eq!(want.len(), 2, "{truth}");
    assert_eq!(clusters.len(), want.len(), "{clusters:?}");
    for (id, t) in want {
        let c = clusters[id.as_str()];
        for k in ["name", "state", "release_label"] {
            assert_eq!(c[k], t[k], "{id}.{k}");
        }
        let mut groups: Vec<Value> = c["instance_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                serde_json::json!([
                    g["role"],
                    g["market"],
                    g["instance_type"],
                    g["requested"],
                    g["running"]
                ])
            })
            .collect();
        groups.sort_by_key(|g| g.to_string());
        let mut want_groups = t["groups"].as_array().unwrap().clone();
        want_groups.sort_by_key(|g| g.to_string());
        assert_eq!(groups, want_groups, "{id}");
        let steps: Vec<Value> = c["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| serde_json::json!([s["name"], s["state"]]))
            .collect();
        assert_eq!(
            &Value::Array(steps),
            &t["steps"],
            "{id}: newest first, as EMR lists them"
        );
        let m = &c["metrics"];
        if t["idle"] == true {
            // Seven five-minute points of IsIdle = 1: idle for at least 30 minutes.
            assert_eq!(m["is_idle"], true, "{m}");
            let minutes = m["idle_minutes"].as_u64().unwrap();
            assert!((30..=35).contains(&minutes), "{m}");
            assert_eq!(m["yarn_memory_available_pct"], 100.0);
            // 1 × m5.xlarge + 2 × m5.xlarge on Spot at 70% off EC2, EMR's fee on each.
            let per_hour = 0.192 + 0.048 + 2.0 * (0.192 * 0.3 + 0.048);
            let got = c["cost"]["usd_per_hour"].as_f64().unwrap();
            assert!((got - per_hour).abs() < 1e-6, "{got} != {per_hour}");
            let burned = c["idle_usd"].as_f64().unwrap();
            assert!(
                (burned - per_hour * minutes as f64 / 60.0).abs() < 1e-5,
                "{burned}"
            );
        } else {
            assert_eq!(m["is_idle"], false, "{m}");
            assert_eq!(m["idle_minutes"], 0, "{m}");
            assert_eq!(m["apps_running"], 3.0);
        }
    }
    // Read-only, and counted.
    for op in [
        "emr.ListClusters",
        "emr.DescribeCluster",
        "emr.ListInstanceGroups",
        "emr.ListSteps",
    ] {
        assert!(ops.iter().any(|o| o == op), "{op} not called: {ops:?}");
        assert!(
            snap["api"]["calls"][op].as_u64().unwrap_or(0) >= 1,
            "{op} not counted: {}",
            snap["api"]["calls"]
        );
    }
    let emr_ops: Vec<&String> = ops.iter().filter(|o| o.starts_with("emr.")).collect();
    assert!(
        emr_ops
            .iter()
            .all(|o| o.contains(".List") || o.contains(".Describe")),
        "{emr_ops:?}"
    );
}

#[test]
fn the_demos_idle_cluster_is_on_the_overview_with_what_it_burned() {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args([
        "--demo",
        "--demo-clock",
        FROZEN,
        "--once",
        "--format",
        "json",
    ]);
    awstop_env(&mut cmd);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let clusters = snap["emr"]["clusters"].as_array().unwrap();
    let idle = clusters.iter().find(|c| c["state"] == "WAITING").unwrap();
    assert!(idle["metrics"]["idle_minutes"].as_u64().unwrap() > 30);
    let burned = idle["idle_usd"].as_f64().unwrap();
    let hourly = idle["cost"]["usd_per_hour"].as_f64().unwrap();
    assert!(
        (burned - hourly * idle["metrics"]["idle_minutes"].as_f64().unwrap() / 60.0).abs() < 1e-5
    );
    let failed = clusters
        .iter()
        .flat_map(|c| c["steps"].as_array().into_iter().flatten())
        .find(|s| s["state"] == "FAILED")
        .expect("a failed step");
    assert!(failed["failure_reason"]
        .as_str()
        .unwrap()
        .contains("memory"));
    assert!(clusters
        .iter()
        .any(|c| c["state"] == "TERMINATED" && c["instance_groups"].is_null()));
    let ec = snap["cost"]["by_service"]["emr"].as_f64().unwrap();
    let sum: f64 = clusters
        .iter()
        .filter_map(|c| c["cost"]["usd_per_hour"].as_f64())
        .sum();
    assert!((ec - sum).abs() < 1e-5, "{ec} != {sum}");

    let mut m = crate::common::demo_model(160, 48);
    crate::common::act(
        &mut m,
        &[awstop::app::keymap::Action::Pane(
            awstop::app::model::Pane::Overview,
        )],
    );
    let screen = crate::common::screen(&m);
    let line = screen
        .lines()
        .find(|l| l.contains("spark-nightly"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        line.contains("idle 2h05m") && line.contains("burned"),
        "{line}"
    );
}

#[test]
fn ended_clusters_show_on_request() {
    use awstop::app::keymap::Action::{Pane, StatusNext, StatusPrev};
    let mut m = crate::common::demo_model(120, 40);
    crate::common::act(&mut m, &[Pane(crate::common::EMR)]);
    // The table opens on the clusters that run: the ended one is not there.
    let names = |m: &awstop::app::model::Model| {
        let s = crate::common::screen(m);
        ["etl-hourly", "spark-nightly", "adhoc-analysis"].map(|n| s.contains(n))
    };
    assert_eq!(
        names(&m),
        [true, true, false],
        "{}",
        crate::common::screen(&m)
    );
    assert!(crate::common::screen(&m).contains("[active 2]"));
    crate::common::act(&mut m, &[StatusNext]);
    assert_eq!(
        names(&m),
        [false, false, true],
        "{}",
        crate::common::screen(&m)
    );
    assert!(crate::common::screen(&m).contains("[ended today 1]"));
    crate::common::act(&mut m, &[StatusPrev, StatusPrev]);
    assert_eq!(
        names(&m),
        [true, true, true],
        "{}",
        crate::common::screen(&m)
    );
}
