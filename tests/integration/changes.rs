//! What changed, as moto shows it: a function created inside the window, new
//! code and a moved task definition seen between two reads, nothing for what
//! is older than the window and did not change; and the demo's planted
//! deploy named as the suspect of its error burst.

use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;
use serde_json::Value;

use awstop::app::model::{Model, SourceLabel};
use awstop::app::msg::Msg;
use awstop::app::update::update;

use crate::common::moto::Moto;

async fn moto_config(url: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await
}

/// (resource, action, source) of each change, newest first.
fn changes(snap: &Value) -> Vec<(String, String, String)> {
    snap["changes"]
        .as_array()
        .expect("changes is a list")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap_or_default().to_string();
            (s("resource"), s("action"), s("source"))
        })
        .collect()
}

fn emr_id(snap: &Value, name: &str) -> String {
    let clusters = snap["emr"]["clusters"].as_array().expect("clusters is a list");
    let c = clusters.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name} listed: {clusters:?}"));
    c["id"].as_str().unwrap().to_string()
}

fn named<'a>(got: &'a [(String, String, String)], resource: &str) -> Vec<&'a str> {
    got.iter().filter(|c| c.0 == resource).map(|c| c.1.as_str()).collect()
}

#[test]
fn once_lists_what_was_created_inside_the_window_and_nothing_older() {
    let moto = Moto::start();
    moto.ctl(&["changes", "before"]);
    let made = Instant::now();
    // moto stamps LastModified and createdAt with its own clock: the only way
    // to have resources older than a window is to let one pass.
    std::thread::sleep(Duration::from_secs(62).saturating_sub(made.elapsed()));
    moto.ctl(&["changes", "fresh"]);
    let out = moto.awstop(&["--once", "--format", "json", "--window", "1", "--cold-starts", "filter"]);
    let snap: Value = serde_json::from_slice(&out.stdout).expect("snapshot is JSON");
    let got = changes(&snap);
    assert_eq!(named(&got, "fresh-fn"), ["Modified"], "{got:?}");
    for old in ["deployed-fn", "quiet-fn", "shop/web", "shop/quiet"] {
        assert!(named(&got, old).is_empty(), "{old} is older than the window: {got:?}");
    }
    // API Gateway names an API by its ID.
    let api = |name: &str| {
        let apis = snap["apigateway"]["apis"].as_array().expect("apis is a list");
        let a = apis.iter().find(|a| a["name"] == name).unwrap_or_else(|| panic!("{name} listed: {apis:?}"));
        a["id"].as_str().unwrap().to_string()
    };
    assert_eq!(named(&got, &api("shipped-api")), ["CreateDeployment"], "{got:?}");
    assert!(named(&got, &api("quiet-api")).is_empty(), "quiet-api was deployed before the window: {got:?}");
    // Batch: the queue's jobs moved to etl:2 inside the window; steady:1 did not move.
    assert_eq!(named(&got, "etl"), ["Revision 1 → 2 (changes-q)"], "{got:?}");
    assert!(named(&got, "steady").is_empty(), "steady ran one revision: {got:?}");
    // EMR names a cluster by its ID; the step submitted before the window is no change.
    let emr = emr_id(&snap, "changes-emr");
    assert_eq!(named(&got, &emr), ["AddStep aggregate"], "{got:?}");
    let fresh: Vec<&Value> = snap["changes"].as_array().unwrap().iter().filter(|c| c["resource"] == "fresh-fn").collect();
    let c = fresh[0];
    assert_eq!((c["service"].as_str(), c["region"].as_str()), (Some("lambda"), Some("us-east-1")));
    assert_eq!(c["actor"], Value::Null);
    // Inside the window ending when the snapshot was taken.
    let at: chrono::DateTime<chrono::Utc> = c["at"].as_str().unwrap().parse().unwrap();
    let taken: chrono::DateTime<chrono::Utc> = snap["taken_at"].as_str().unwrap().parse().unwrap();
    assert!(at <= taken && taken - at <= chrono::Duration::minutes(1), "{at} {taken}");
}

#[test]
fn once_lists_a_version_published_and_an_alias_moved_inside_the_window_and_no_environment() {
    let moto = Moto::start();
    let secret = moto.ctl(&["changes", "versions"]).trim().to_string();
    let (out, ops) = moto.recorded(|| moto.awstop(&["--once", "--format", "json", "--window", "5", "--cold-starts", "filter"]));
    crate::live_moto::assert_reads_only(&ops);
    for op in ["lambda.ListVersionsByFunction", "lambda.ListAliases"] {
        assert!(ops.iter().any(|o| o.eq_ignore_ascii_case(op)), "{op} asked: {ops:?}");
    }
    let snap: Value = serde_json::from_slice(&out.stdout).expect("snapshot is JSON");
    let got = changes(&snap);
    let mut fresh = named(&got, "versioned-fn");
    fresh.sort();
    assert_eq!(fresh, ["Alias live → 2", "Modified", "PublishVersion 1", "PublishVersion 2"], "{got:?}");
    let version: Vec<&Value> = snap["changes"].as_array().unwrap().iter().filter(|c| c["action"] == "PublishVersion 2").collect();
    assert_eq!((version[0]["service"].as_str(), version[0]["source"].as_str()), (Some("lambda"), Some("service_api")));
    // Every version carries the environment: its values never come out.
    assert!(!secret.is_empty());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&secret));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(&secret));
}

#[tokio::test]
async fn two_reads_find_new_code_and_a_moved_task_definition_and_nothing_unchanged() {
    let moto = Moto::start();
    moto.ctl(&["changes", "before"]);
    let cfg = moto_config(&moto.url).await;
    let opts = awstop::services::live::Options {
        conn: awstop::aws::client::Connection {
            endpoint_url: Some(moto.url.clone()),
            ..Default::default()
        },
        regions: vec!["us-east-1".into()],
        ..crate::common::mock_options()
    };
    let live = awstop::services::live::Live::from_configs(
        opts,
        &[("us-east-1".into(), cfg)],
        &Default::default(),
    );
    let mut m = Model::new(SourceLabel::Live, chrono::Utc::now());
    for msg in awstop::source::live::once(&live).await {
        update(&mut m, Msg::Data(msg));
    }
    let first = changes(&serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap());
    // The first read knows only what the answers say: created inside the window.
    for f in ["deployed-fn", "quiet-fn"] {
        assert_eq!(named(&first, f), ["Modified"], "{first:?}");
    }
    for s in ["shop/web", "shop/quiet"] {
        assert_eq!(named(&first, s), ["Deployment"], "{first:?}");
    }

    moto.ctl(&["changes", "update"]);
    let before_second = chrono::Utc::now();
    for msg in awstop::source::live::once(&live).await {
        update(&mut m, Msg::Data(msg));
    }
    let snap = serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap();
    let got = changes(&snap);
    assert_eq!(named(&got, "deployed-fn"), ["UpdateFunctionCode", "Modified"], "{got:?}");
    assert_eq!(named(&got, "shop/web"), ["UpdateService", "Deployment"], "{got:?}");
    // Read again unchanged: nothing more.
    assert_eq!(named(&got, "quiet-fn"), ["Modified"], "{got:?}");
    assert_eq!(named(&got, "shop/quiet"), ["Deployment"], "{got:?}");
    // etl:2 registered between the reads with no job on it yet; the core
    // group asked for 5 instances instead of 2 (moto never shows RESIZING).
    assert_eq!(named(&got, "etl"), ["RegisterJobDefinition 2 (changes-q)"], "{got:?}");
    assert!(named(&got, "steady").is_empty(), "{got:?}");
    let emr = emr_id(&snap, "changes-emr");
    assert_eq!(named(&got, &emr), ["Resize core 2 → 5", "AddStep extract"], "{got:?}");
    let seen = |action: &str| snap["changes"].as_array().unwrap().iter().find(|c| c["action"] == action).unwrap()["source"].clone();
    assert_eq!((seen("Resize core 2 → 5"), seen("RegisterJobDefinition 2 (changes-q)")), ("refresh".into(), "refresh".into()));
    // Seen between the two reads: timed by the second, said to come from it.
    let code = snap["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["action"] == "UpdateFunctionCode")
        .unwrap();
    assert_eq!(code["source"], "refresh");
    let at: chrono::DateTime<chrono::Utc> = code["at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before_second - chrono::Duration::seconds(1), "{at} {before_second}");
    // A third read of the same answers adds nothing.
    for msg in awstop::source::live::once(&live).await {
        update(&mut m, Msg::Data(msg));
    }
    let again = changes(&serde_json::to_value(awstop::snapshot::from_model(&m, 60)).unwrap());
    assert_eq!(again, got);
}

#[test]
fn the_demo_names_orders_apis_deploy_as_the_suspect_of_its_error_burst() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"))
        .args(["--demo", "--once", "--format", "json", "--demo-clock", "2026-11-22T14:03:20Z"])
        .envs(crate::common::moto::isolated_env())
        .output()
        .expect("run awstop");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got = changes(&snap);
    assert_eq!(named(&got, "orders-api"), ["Modified"], "{got:?}");
    let suspects = snap["suspects"].as_array().unwrap();
    assert_eq!(suspects.len(), 2, "{suspects:?}");
    // Newest change first: orders-api's deploy at 13:36, then checkout's rollout at 13:30.
    let s = &suspects[0];
    assert_eq!((s["service"].as_str(), s["resource"].as_str()), (Some("lambda"), Some("orders-api")));
    assert_eq!(s["metric"], "error_rate_pct");
    let (before, after) = (s["before"].as_f64().unwrap(), s["after"].as_f64().unwrap());
    assert!(after >= 3.0 * before && after >= 1.0, "{before} -> {after}");
    // The change it names is the one listed, before the burst (minute 20 of 40).
    let change = snap["changes"].as_array().unwrap().iter().find(|c| c["resource"] == "orders-api").unwrap();
    assert_eq!(s["change"]["at"], change["at"]);
    assert_eq!(s["change"]["action"], "Modified");
    assert_eq!(s["change"]["at"], "2026-11-22T13:36:00Z");

    // The crash-looping checkout rolled to a new task definition three
    // minutes before its tasks began to crash every two minutes or so.
    assert_eq!(named(&got, "web-fargate/checkout"), ["Deployment"], "{got:?}");
    let s = &suspects[1];
    assert_eq!((s["service"].as_str(), s["resource"].as_str()), (Some("ecs"), Some("web-fargate/checkout")));
    assert_eq!(s["metric"], "crashed_tasks_5m");
    let (before, after) = (s["before"].as_f64().unwrap(), s["after"].as_f64().unwrap());
    assert!(after >= 3.0 * before && after >= 2.0, "{before} -> {after}");
    assert_eq!(s["change"]["action"], "Deployment");
    assert_eq!(s["change"]["at"], "2026-11-22T13:30:00Z");
    let rollout = snap["changes"].as_array().unwrap().iter().find(|c| c["resource"] == "web-fargate/checkout").unwrap();
    assert_eq!((rollout["at"].as_str(), rollout["source"].as_str()), (Some("2026-11-22T13:30:00Z"), Some("service_api")));
}

#[test]
fn the_demo_plants_a_change_of_every_room_that_reads_them_and_no_more_suspects() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"))
        .args(["--demo", "--once", "--format", "json", "--demo-clock", "2026-11-22T14:00:00Z"])
        .envs(crate::common::moto::isolated_env())
        .output()
        .expect("run awstop");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    let all = snap["changes"].as_array().unwrap();
    let of = |service: &str| -> Vec<(String, String)> {
        all.iter()
            .filter(|c| c["service"] == service)
            .map(|c| (c["resource"].as_str().unwrap().to_string(), c["action"].as_str().unwrap().to_string()))
            .collect()
    };
    let orders = snap["apigateway"]["apis"].as_array().unwrap().iter().find(|a| a["name"] == "orders").unwrap()["id"].clone();
    assert_eq!(of("apigateway"), [(orders.as_str().unwrap().to_string(), "CreateDeployment".to_string())]);
    assert_eq!(of("eks"), [("prod/general".to_string(), "UpdateNodegroupConfig".to_string())]);
    let batch = of("batch");
    assert_eq!(batch.len(), 1, "{batch:?}");
    assert!(batch[0].0 == "nightly-orders" && batch[0].1.starts_with("Revision ") && batch[0].1.ends_with(" (etl)"), "{batch:?}");
    let emr: Vec<String> = of("emr").into_iter().map(|c| c.1).collect();
    assert!(emr.contains(&"Resize task 6 → 8".to_string()), "{emr:?}");
    let resize = all.iter().find(|c| c["action"] == "Resize task 6 → 8").unwrap();
    assert_eq!((resize["source"].as_str(), resize["at"].as_str()), (Some("refresh"), Some("2026-11-22T14:00:00Z")));
    // The planted orders deploy comes 18 minutes before the next burst: a
    // change, and the suspects stay the two planted.
    let deployed = all.iter().find(|c| c["service"] == "apigateway").unwrap();
    assert_eq!(deployed["at"], "2026-11-22T13:22:00Z");
    let suspects: Vec<(&str, &str)> = snap["suspects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["resource"].as_str().unwrap(), s["change"]["at"].as_str().unwrap()))
        .collect();
    assert_eq!(suspects, [("orders-api", "2026-11-22T13:36:00Z"), ("web-fargate/checkout", "2026-11-22T13:30:00Z")]);
}

#[test]
fn colon_changes_lists_them_over_the_overview_and_the_overview_names_the_suspect() {
    use awstop::app::keymap::Action::{Back, StartCommand, Submit};
    use awstop::app::model::{Pane, View};
    use crate::common::{act, demo_model, screen, typed};
    let mut m = demo_model(120, 30);
    act(&mut m, &[awstop::app::keymap::Action::Pane(Pane::Overview)]);
    let overview = screen(&m);
    let line = overview.lines().find(|l| l.contains("Suspect")).unwrap_or_else(|| panic!("{overview}"));
    assert!(line.contains("orders-api error rate 0% → 18% since Modified at 13:36"), "{line}");
    act(&mut m, &[StartCommand]);
    typed(&mut m, "chg");
    act(&mut m, &[Submit]);
    assert_eq!(m.view(), &View::Changes);
    let s = screen(&m);
    let row = |name: &str| s.lines().find(|l| l.contains(name)).map(str::to_string).unwrap_or_else(|| panic!("{name}: {s}"));
    assert!(s.contains("TIME") && s.contains("RESOURCE") && s.contains("SOURCE"), "{s}");
    let orders = row("orders-api");
    for part in ["13:36", "us-east-1", "lambda", "Modified (suspect)", "service API"] {
        assert!(orders.contains(part), "{part}: {orders}");
    }
    let other = row("image-resize");
    assert!(other.contains("13:37") && !other.contains("suspect"), "{other}");
    // Newest first.
    assert!(s.find("image-resize") < s.find("orders-api"), "{s}");
    act(&mut m, &[Back]);
    assert_eq!(m.view(), &View::Overview);
}
