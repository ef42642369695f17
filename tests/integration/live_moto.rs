//! The live source against a real moto server on 127.0.0.1: the real binary,
//! seeded by the test, compared with what was seeded.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::moto::Moto;
use serde_json::Value;

fn close(a: &Value, b: f64, what: &str) {
    let a = a.as_f64().unwrap_or_else(|| panic!("{what} is {a}"));
    assert!((a - b).abs() < 0.01, "{what}: {a} != {b}");
}

#[test]
fn once_reports_exactly_what_was_seeded() {
    let moto = Moto::start();
    let truth = moto.seed("basic");
    let (snap, out) = moto.once();
    assert_eq!(snap["source"], "aws");
    assert_eq!(snap["account"]["id"], "123456789012");
    assert!(snap["account"]["caller_arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:"));

    // Lambda: configuration and the metric sums over the window.
    let fns: BTreeMap<&str, &Value> = snap["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f))
        .collect();
    let want = truth["lambda"].as_object().unwrap();
    assert_eq!(
        fns.keys().copied().collect::<BTreeSet<_>>(),
        want.keys().map(String::as_str).collect()
    );
    for (name, t) in want {
        let f = fns[name.as_str()];
        for k in [
            "runtime",
            "memory_mb",
            "timeout_s",
            "architecture",
            "package_type",
        ] {
            assert_eq!(f[k], t[k], "{name}.{k}");
        }
        assert_eq!(f["log_group"], format!("/aws/lambda/{name}"));
        let m = &f["metrics"];
        for k in [
            "invocations",
            "errors",
            "throttles",
            "duration_avg_ms",
            "duration_max_ms",
            "concurrent_max",
        ] {
            close(&m[k], t[k].as_f64().unwrap(), &format!("{name}.{k}"));
        }
        close(
            &m["error_rate_pct"],
            100.0 * t["errors"].as_f64().unwrap() / t["invocations"].as_f64().unwrap(),
            name,
        );
        // moto cannot compute percentiles: the value is unknown, not zero, and the reason is reported.
        assert!(m["duration_p99_ms"].is_null(), "{name}: {m}");
        // The cost estimate prices what was seeded: requests at $0.20 a
        // million, GB-seconds at the architecture's rate.
        let inv = t["invocations"].as_f64().unwrap();
        let gb_s = inv * t["duration_avg_ms"].as_f64().unwrap() / 1000.0
            * t["memory_mb"].as_f64().unwrap()
            / 1024.0;
        let rate = if t["architecture"] == "arm64" {
            0.0000133334
        } else {
            0.0000166667
        };
        let want = inv / 1e6 * 0.20 + gb_s * rate;
        let got = f["cost"]["usd_window"]
            .as_f64()
            .unwrap_or_else(|| panic!("{name}: {}", f["cost"]));
        assert!(
            want > 0.0 && (got - want).abs() <= 1e-6 + want * 1e-6,
            "{name}: cost {got} != {want}"
        );
        assert!(
            f["cost"]["basis"]
                .as_str()
                .unwrap()
                .contains("bundled 2026-11"),
            "{name}: {}",
            f["cost"]
        );
    }
    let errors = snap["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["operation"] == "GetMetricData"
                && e["message"].as_str().unwrap().contains("p99")),
        "the missing percentile must be explained: {errors:?}"
    );

    // ECS: services, and tasks by status per service, as boto3 reads them.
    let clusters: BTreeMap<&str, &Value> = snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c))
        .collect();
    let want = truth["ecs"].as_object().unwrap();
    assert_eq!(
        clusters.keys().copied().collect::<BTreeSet<_>>(),
        want.keys().map(String::as_str).collect()
    );
    for (name, t) in want {
        let c = clusters[name.as_str()];
        let services: BTreeSet<&str> = c["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        let want_services: BTreeSet<&str> = t["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        assert_eq!(services, want_services, "{name}");
        for s in c["services"].as_array().unwrap() {
            let u = &t["utilisation"][s["name"].as_str().unwrap()];
            assert_eq!(s["cpu_pct"], u["cpu_pct"], "{name}/{}", s["name"]);
            assert_eq!(s["memory_pct"], u["memory_pct"], "{name}/{}", s["name"]);
        }
        let mut by: BTreeMap<String, u64> = BTreeMap::new();
        for task in c["tasks"].as_array().unwrap() {
            let svc = task["service"].as_str().unwrap_or("None");
            *by.entry(format!("{svc}/{}", task["last_status"].as_str().unwrap()))
                .or_default() += 1;
        }
        let want_by: BTreeMap<String, u64> = t["tasks"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(by, want_by, "{name}");
        // A service's running and pending are what its tasks say; the
        // service's own counts, which ECS (and moto) update asynchronously,
        // are kept beside them and marked stale where they disagree.
        for s in c["services"].as_array().unwrap() {
            let n = s["name"].as_str().unwrap();
            let count = |status: &str| by.get(&format!("{n}/{status}")).copied().unwrap_or(0);
            assert_eq!(s["running"], count("RUNNING"), "{name}/{n}");
            let own = (&s["service_running"], &s["service_pending"]);
            let stale = own.0 != &s["running"] || own.1 != &s["pending"];
            assert_eq!(s["counts_stale"], stale, "{name}/{n}: {s}");
        }
    }
    // moto never moves a service's own counts: 0 running while its tasks run.
    let stale = clusters
        .values()
        .flat_map(|c| c["services"].as_array().unwrap())
        .filter(|s| s["counts_stale"] == true && s["service_running"] == 0)
        .count();
    assert!(
        stale > 0,
        "moto's services report 0 running beside RUNNING tasks"
    );
    // A sum of no datapoints is zero, never negative zero.
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(
        !raw.contains("-0.0") && !raw.contains(": -0,"),
        "negative zero in the JSON"
    );
    assert!(
        clusters["web"]["container_instances"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );
    assert!(clusters["web"]["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["stopped_reason"] == "Essential container in task exited"));

    // Batch: jobs by status per queue.
    let queues: BTreeMap<&str, &Value> = snap["batch"]["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| (q["name"].as_str().unwrap(), q))
        .collect();
    for (name, counts) in truth["batch"].as_object().unwrap() {
        assert_eq!(&queues[name.as_str()]["jobs_by_status"], counts, "{name}");
    }
    assert_eq!(snap["batch"]["compute_environments"][0]["name"], "spot-ce");

    // Cold starts from the seeded REPORT records (text, JSON, SnapStart, timeout, noise).
    let cold = &fns["orders-api"]["cold_starts"];
    let want = &truth["cold_starts"]["orders-api"];
    assert_eq!(cold["count"], want["count"], "{cold}");
    close(
        &cold["rate_pct"],
        want["rate_pct"].as_f64().unwrap(),
        "cold rate",
    );
    close(
        &cold["init_p50_ms"],
        want["init_p50_ms"].as_f64().unwrap(),
        "init p50",
    );
    close(
        &cold["init_max_ms"],
        want["init_max_ms"].as_f64().unwrap(),
        "init max",
    );
    // Functions without a log group have had no invocations to read: zero, not unknown.
    assert_eq!(fns["fn-0001"]["cold_starts"]["count"], 0);

    // Secrets seeded into the Lambda environment, the task definition, task
    // overrides and the job definition appear nowhere.
    let secret = truth["secret"].as_str().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(secret));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(secret));
}

/// What awstop may ever call: reads only.
pub(crate) const READ_ONLY: &[&str] = &[
    "sts.GetCallerIdentity",
    "lambda.ListFunctions",
    "lambda.ListEventSourceMappings",
    "lambda.GetPolicy",
    "lambda.ListVersionsByFunction",
    "lambda.ListAliases",
    "cloudwatch.GetMetricData",
    "ecs.ListClusters",
    "ecs.DescribeClusters",
    "ecs.ListServices",
    "ecs.DescribeServices",
    "ecs.ListTasks",
    "ecs.DescribeTasks",
    "ecs.ListContainerInstances",
    "ecs.DescribeContainerInstances",
    "batch.DescribeComputeEnvironments",
    "batch.DescribeJobQueues",
    "batch.ListJobs",
    "batch.DescribeJobDefinitions",
    "logs.FilterLogEvents",
    "logs.StartQuery",
    "logs.GetQueryResults",
    "logs.StopQuery",
    "logs.StartLiveTail",
    "eks.ListClusters",
    "eks.DescribeCluster",
    "eks.ListNodegroups",
    "eks.DescribeNodegroup",
    "eks.ListFargateProfiles",
    "eks.DescribeFargateProfile",
    "eks.ListAddons",
    "eks.DescribeAddon",
    "eks.ListUpdates",
    "eks.DescribeUpdate",
    "ecr.DescribeRepositories",
    "ecr.DescribeImages",
    "ecr.DescribeImageScanFindings",
    "emr.ListClusters",
    "emr.DescribeCluster",
    "emr.ListInstanceGroups",
    "emr.ListInstanceFleets",
    "emr.ListSteps",
    "lightsail.GetInstances",
    "lightsail.GetBundles",
    "lightsail.GetContainerServices",
    "lightsail.GetContainerServicePowers",
    "lightsail.GetOperations",
    "lightsail.GetInstanceMetricData",
    "apprunner.ListServices",
    "apprunner.DescribeService",
    "apigateway.GetRestApis",
    "apigateway.GetStages",
    "apigateway.GetResources",
    "apigateway.GetDeployments",
    "apigatewayv2.GetApis",
    "apigatewayv2.GetStages",
    "apigatewayv2.GetIntegrations",
    "apigatewayv2.GetRoutes",
    "apigatewayv2.GetDeployments",
    "cloudtrail.LookupEvents",
    "cloudwatch.DescribeAlarmHistory",
    "cloudwatch.DescribeAnomalyDetectors",
];

/// Fails on any operation in `ops` that is not on the read-only list.
pub(crate) fn assert_reads_only(ops: &[String]) {
    let allowed: BTreeSet<String> = READ_ONLY.iter().map(|s| s.to_ascii_lowercase()).collect();
    for op in ops {
        assert!(
            allowed.contains(&op.to_ascii_lowercase()),
            "awstop performed {op}, which is not a read-only operation it is allowed"
        );
    }
}

#[test]
fn every_request_is_a_read_and_every_request_is_counted() {
    let moto = Moto::start();
    moto.seed("basic");
    let ((snap, _), ops) = moto.recorded(|| moto.once());
    assert!(!ops.is_empty());
    let allowed: BTreeSet<String> = READ_ONLY.iter().map(|s| s.to_ascii_lowercase()).collect();
    for op in &ops {
        assert!(
            allowed.contains(&op.to_ascii_lowercase()),
            "awstop performed {op}, which is not a read-only operation it is allowed"
        );
    }
    // The interceptor's counts agree with what the server saw, request for request.
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for op in &ops {
        *seen.entry(op.to_ascii_lowercase()).or_default() += 1;
    }
    // moto answers every request of a room it does not serve with a 500
    // and records none of them, so only the interceptor sees those (one
    // count per attempt, retries included).
    let unserved = crate::common::moto::unserved();
    let of_unserved = |k: &str| unserved.iter().any(|r| k.split_once('.').is_some_and(|(s, _)| s == *r));
    let counted: BTreeMap<String, u64> = snap["api"]["calls"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| !of_unserved(k))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(counted, seen);
    // Each room moto does not serve was still asked, and counted.
    for room in unserved {
        let calls = snap["api"]["calls"].as_object().unwrap();
        assert!(
            calls.iter().any(|(k, v)| k.starts_with(&format!("{room}.")) && v.as_u64().unwrap() >= 1),
            "{room}: {}",
            snap["api"]["calls"]
        );
    }
    // moto rejects the p99 batch, so the six per-minute queries of three functions
    // and four account totals are what was fetched, then two per ECS service,
    // and each function's four figures of last week's window, and each ECS
    // service's two.
    assert_eq!(
        snap["api"]["cloudwatch_metrics_requested"],
        3 * 6 + 4 + 3 * 2 + 3 * 4 + 3 * 2
    );
}

#[test]
fn a_dead_endpoint_degrades_every_pane_with_a_reason() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args([
        "--once",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--endpoint-url",
        &format!("http://127.0.0.1:{port}"),
    ]);
    crate::common::moto::awstop_env(&mut cmd);
    let out = cmd.output().unwrap();
    // Nothing could be read: the exit code says so.
    assert_eq!(
        out.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = snap["errors"].as_array().unwrap();
    for op in [
        "GetCallerIdentity",
        "ListFunctions",
        "ListClusters",
        "DescribeComputeEnvironments",
    ] {
        let e = errors
            .iter()
            .find(|e| e["operation"] == op)
            .unwrap_or_else(|| panic!("no error for {op}: {errors:?}"));
        assert!(e["message"].as_str().unwrap().contains("connect"), "{e}");
    }
    assert!(snap["account"]["id"].is_null());
    assert_eq!(snap["lambda"]["functions"], serde_json::json!([]));
}

#[test]
fn several_regions_are_polled_side_by_side() {
    let moto = Moto::start();
    moto.seed("basic");
    moto.ctl(&["function-in", "eu-west-1", "eu-only"]);
    let out = moto.awstop(&[
        "--once",
        "--format",
        "json",
        "--region",
        "us-east-1,eu-west-1",
    ]);
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::common::moto::assert_exit_matches_errors(&out, &snap);
    assert_eq!(
        snap["account"]["regions"],
        serde_json::json!(["us-east-1", "eu-west-1"])
    );
    let regions: BTreeMap<&str, &str> = snap["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f["region"].as_str().unwrap()))
        .collect();
    assert_eq!(regions.get("eu-only"), Some(&"eu-west-1"));
    assert_eq!(regions.get("orders-api"), Some(&"us-east-1"));
    assert_eq!(regions.len(), 4);
    assert!(snap["ecs"]["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["region"] == "us-east-1"));
}

/// Every room moto serves nothing of (asked of moto, so a new room needs no
/// line here) fails alone against it: each of its errors names one of its
/// own operations, its section lists nothing, and the rooms moto serves are
/// whole.
#[test]
fn against_moto_each_unserved_room_fails_alone_and_says_so() {
    let moto = Moto::start();
    moto.seed("basic");
    let (snap, _) = moto.once();
    let unserved = crate::common::moto::unserved();
    assert!(!unserved.is_empty(), "every room is served: nothing to check");
    for room in unserved {
        let kind = awstop::services::ServiceKind::ALL.iter().find(|k| k.name() == *room).unwrap();
        let ops: BTreeSet<&str> = kind.room().info().iam_actions.iter().filter_map(|a| a.split_once(':')).map(|(_, op)| op).collect();
        let errors: Vec<&Value> = snap["errors"].as_array().unwrap().iter().filter(|e| e["service"] == *room).collect();
        assert!(!errors.is_empty(), "{room}: no error");
        for e in &errors {
            let op = e["operation"].as_str().unwrap_or_default();
            assert!(ops.contains(op), "{room}: {op} is not one of its operations: {e}");
        }
        fn rows(v: &Value) -> usize {
            match v {
                Value::Array(a) => a.len(),
                Value::Object(m) => m.values().map(rows).sum(),
                _ => 0,
            }
        }
        assert_eq!(rows(&snap[*room]), 0, "{room}: {}", snap[*room]);
    }
    assert!(!snap["lambda"]["functions"].as_array().unwrap().is_empty());
    assert!(!snap["ecs"]["clusters"].as_array().unwrap().is_empty());
}
