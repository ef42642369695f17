//! EKS and ECR: against moto (seeded clusters, node groups, Fargate profiles,
//! repositories and images, compared with what boto3 reads back), through
//! mocked clients for what moto lacks (add-ons, scan summaries, last pulls,
//! findings), and on the demo account, where ECR joins the ECS services that
//! run its images.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::fault_proxy::{Fault, FaultProxy};
use crate::common::moto::{awstop_env, Moto};
use crate::common::FROZEN;

fn named<'a>(list: &'a Value, name: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {list}"))
}

#[test]
fn eks_and_ecr_read_what_moto_holds() {
    let moto = Moto::start();
    let truth = moto.seed("containers");
    let ((out, snap), ops) = moto.recorded(|| {
        let out = moto.awstop(&["--once", "--format", "json"]);
        let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
        (out, snap)
    });
    // moto answers ListAddons and ListUpdates with a 404: the add-ons and
    // updates are unread, with the reason, and only that (moto also cannot
    // compute the Lambda percentile, and serves some rooms not at all).
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for e in snap["errors"].as_array().unwrap() {
        assert!(
            e["operation"] == "ListAddons"
                || (e["service"] == "eks" && e["operation"] == "ListUpdates")
                || e["operation"] == "GetMetricData"
                || crate::common::moto::of_unserved(e),
            "{e}"
        );
    }
    assert!(snap["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["service"] == "eks" && e["operation"] == "ListAddons"));

    let clusters = &snap["eks"]["clusters"];
    let want = truth["eks"].as_object().unwrap();
    assert_eq!(clusters.as_array().unwrap().len(), want.len());
    for (name, t) in want {
        let c = named(clusters, name);
        assert_eq!(c["version"], t["version"], "{name}");
        assert_eq!(c["status"], t["status"], "{name}");
        assert!(c["addons"].is_null(), "unread, not empty: {}", c["addons"]);
        // moto publishes no AWS/EKS metrics: "not published", never 0.
        assert!(c["metrics"]["apiserver_requests"].is_null());
        let groups = t["nodegroups"].as_object().unwrap();
        assert_eq!(c["nodegroups"].as_array().unwrap().len(), groups.len());
        for (g, gt) in groups {
            let n = named(&c["nodegroups"], g);
            for k in [
                "version",
                "status",
                "capacity_type",
                "instance_types",
                "desired",
                "min",
                "max",
            ] {
                assert_eq!(n[k], gt[k], "{name}/{g} {k}");
            }
            // The skew is the cluster's minor version less the node group's.
            let minor = |v: &Value| {
                v.as_str()
                    .unwrap()
                    .split('.')
                    .nth(1)
                    .unwrap()
                    .parse::<i64>()
                    .unwrap()
            };
            assert_eq!(
                n["version_skew"],
                minor(&t["version"]) - minor(&gt["version"]),
                "{name}/{g}"
            );
        }
        let profiles = t["fargate"].as_object().unwrap();
        for (p, ns) in profiles {
            let mut got: Vec<Value> = named(&c["fargate_profiles"], p)["namespaces"]
                .as_array()
                .unwrap()
                .clone();
            got.sort_by_key(|v| v.to_string());
            assert_eq!(&Value::Array(got), ns, "{name}/{p}");
        }
    }

    let repos = &snap["ecr"]["repositories"];
    let want = truth["ecr"].as_object().unwrap();
    assert_eq!(repos.as_array().unwrap().len(), want.len());
    for (name, t) in want {
        let r = named(repos, name);
        assert_eq!(r["uri"], t["uri"]);
        assert_eq!(r["scan_on_push"], t["scan_on_push"]);
        let images: BTreeMap<String, Value> = r["images"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["digest"].as_str().unwrap().to_string(), i["tags"].clone()))
            .collect();
        let expected: BTreeMap<String, Value> = t["images"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert_eq!(images, expected, "{name}");
        assert_eq!(r["image_count"], expected.len());
        // moto's DescribeImages carries no scan summary: null, not zero findings.
        assert!(r["images"][0]["findings"].is_null());
    }

    // Only reads, each counted, and the documented calls.
    for op in [
        "eks.ListClusters",
        "eks.DescribeCluster",
        "eks.ListNodegroups",
        "eks.DescribeNodegroup",
        "eks.ListFargateProfiles",
        "eks.DescribeFargateProfile",
        "ecr.DescribeRepositories",
        "ecr.DescribeImages",
    ] {
        assert!(ops.iter().any(|o| o == op), "{op} not called: {ops:?}");
        assert!(
            snap["api"]["calls"][op].as_u64().unwrap() >= 1,
            "{op} not counted"
        );
    }
    assert!(ops
        .iter()
        .all(|o| !o.contains("Create") && !o.contains("Delete") && !o.contains("Put")));
}

#[test]
fn a_failing_ecr_degrades_only_its_pane() {
    let moto = Moto::start();
    moto.seed("containers");
    let proxy = FaultProxy::start(&moto.url);
    proxy.set(Fault::Unavailable("AmazonEC2ContainerRegistry"));
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args([
        "--once",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--timeout",
        "5",
        "--endpoint-url",
        &proxy.url,
    ]);
    awstop_env(&mut cmd);
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ecr: Vec<&Value> = snap["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] == "ecr")
        .collect();
    assert_eq!(ecr.len(), 1, "{}", snap["errors"]);
    assert_eq!(ecr[0]["operation"], "DescribeRepositories");
    assert!(snap["ecr"]["repositories"].as_array().unwrap().is_empty());
    // EKS, on the same proxy, is whole.
    assert_eq!(snap["eks"]["clusters"].as_array().unwrap().len(), 2);
}

fn demo() -> Value {
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
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_demo_joins_images_to_what_runs_them() {
    let snap = demo();
    let eks = &snap["eks"]["clusters"];
    let staging = named(eks, "staging");
    assert_eq!(staging["support"], "EXTENDED");
    // Extended support's $0.60 an hour and its two Spot t3.large nodes
    // ($0.0832 at 70% off), to the snapshot's micro-dollar.
    assert_eq!(staging["cost"]["usd_per_hour"], 0.64992);
    let prod = named(eks, "prod");
    assert_eq!(named(&prod["nodegroups"], "spot-batch")["version_skew"], 1);
    assert_eq!(named(&prod["nodegroups"], "gpu")["status"], "DEGRADED");
    assert!(
        named(eks, "data")["metrics"]["node_count"].is_null(),
        "no Container Insights there"
    );
    assert!(prod["metrics"]["node_count"].as_f64().unwrap() > 0.0);

    // The crash-looping checkout runs an image with critical findings, and ECR knows who runs it.
    let web = named(&snap["ecs"]["clusters"], "web-fargate");
    let checkout = named(&web["services"], "checkout");
    assert_eq!(checkout["image_findings"]["CRITICAL"], 2);
    let reference = checkout["image"].as_str().unwrap();
    let repo = named(&snap["ecr"]["repositories"], "checkout");
    let running: Vec<&Value> = repo["images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["used_by"].as_array().unwrap().is_empty())
        .collect();
    assert_eq!(running.len(), 1);
    assert_eq!(
        running[0]["used_by"],
        serde_json::json!(["ecs:web-fargate/checkout"])
    );
    assert!(reference.ends_with(&format!(":{}", running[0]["tags"][0].as_str().unwrap())));
    // Nothing pulled the old ML models for 90 days.
    let stale = named(&snap["ecr"]["repositories"], "ml-models");
    assert!(stale["images"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["last_pulled_at"].is_null()));

    // The same columns in --once csv as on screen.
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args([
        "--demo",
        "--demo-clock",
        FROZEN,
        "--once",
        "--format",
        "csv",
    ]);
    awstop_env(&mut cmd);
    let csv = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
    for section in [
        "# eks.clusters",
        "# eks.nodegroups",
        "# ecr.repositories",
        "# ecr.images",
    ] {
        assert!(csv.contains(section), "{section}");
    }
    assert!(csv.contains("ecs:web-fargate/checkout"));
}
