//! ECR reads one page of each repository's images: a repository that keeps
//! years of pushes costs the same calls a refresh as a young one, says that
//! its count is a floor, and still shows the images running tasks use,
//! read by name from what ECS publishes. Mocked, and against moto (which
//! answers a listing in one page) behind a proxy that pages it as AWS does.

use std::time::Duration;

use aws_sdk_ecr::operation::*;
use aws_sdk_ecr::types::*;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

use awstop::app::model::{Model, SourceLabel};
use awstop::app::msg::{Cmd, DataMsg, Msg, Payload, ServiceKind};
use awstop::app::update::update;
use awstop::services::ecs::domain::{Cluster, Container, EcsData, Task};
use awstop::services::live::RegionClients;
use awstop::services::msg::SourceCmd;
use awstop::services::room::Registered;
use awstop::services::ecr::EcrData;
use awstop::services::{Ecr, Room};

use crate::common::no_metrics;

const URI: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web";
/// What the service runs: pushed long ago, outside the page AWS returns.
const RUNNING: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

fn detail(digest: &str, tag: &str) -> ImageDetail {
    ImageDetail::builder()
        .image_digest(digest)
        .image_tags(tag)
        .image_pushed_at(aws_smithy_types::DateTime::from_secs(1_763_800_000))
        .build()
}

fn running_detail() -> ImageDetail {
    ImageDetail::builder()
        .image_digest(RUNNING)
        .image_tags("v1")
        .image_pushed_at(aws_smithy_types::DateTime::from_secs(1_600_000_000))
        .image_scan_findings_summary(
            ImageScanFindingsSummary::builder()
                .finding_severity_counts(FindingSeverity::Critical, 3)
                .build(),
        )
        .build()
}

/// ECS with one service whose task runs `web:v1` at `RUNNING`.
fn ecs() -> DataMsg {
    let task = Task {
        id: "t1".into(),
        service: Some("web".into()),
        last_status: "RUNNING".into(),
        desired_status: "RUNNING".into(),
        containers: vec![Container {
            name: "web".into(),
            last_status: "RUNNING".into(),
            image: Some(format!("{URI}:v1")),
            image_digest: Some(RUNNING.into()),
            ..Default::default()
        }],
        ..Default::default()
    };
    DataMsg::Loaded {
        account: Default::default(),
        region: "eu-west-1".into(),
        fetched_at: chrono::Utc::now(),
        payload: Payload::Ecs(EcsData {
            clusters: vec![Cluster {
                name: "prod".into(),
                region: "eu-west-1".into(),
                status: "ACTIVE".into(),
                tasks: vec![task],
                ..Default::default()
            }],
        }),
    }
}

async fn next_ecr(rx: &mut tokio::sync::mpsc::Receiver<DataMsg>) -> (DataMsg, EcrData) {
    loop {
        let m = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .unwrap()
            .unwrap();
        if let DataMsg::Loaded {
            payload: Payload::Ecr(d),
            ..
        } = &m
        {
            let d = d.clone();
            return (m, d);
        }
    }
}

#[test]
fn a_repository_is_read_one_page_deep_and_the_images_in_use_by_name() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let repos = mock!(aws_sdk_ecr::Client::describe_repositories).then_output(|| {
            describe_repositories::DescribeRepositoriesOutput::builder()
                .repositories(
                    Repository::builder()
                        .repository_name("web")
                        .repository_uri(URI)
                        .build(),
                )
                .build()
        });
        // Years of pushes: the first page is full, and says there is more.
        let page = mock!(aws_sdk_ecr::Client::describe_images)
            .match_requests(|r| r.image_ids().is_empty() && r.next_token().is_none())
            .then_output(|| {
                let mut out = describe_images::DescribeImagesOutput::builder().next_token("older");
                for i in 0..1000 {
                    out = out.image_details(detail(&format!("sha256:{i:064x}"), &format!("b{i}")));
                }
                out.build()
            });
        let older = mock!(aws_sdk_ecr::Client::describe_images)
            .match_requests(|r| r.image_ids().is_empty() && r.next_token().is_some())
            .then_output(|| {
                describe_images::DescribeImagesOutput::builder()
                    .image_details(running_detail())
                    .build()
            });
        // By name: only the image the service runs, and nothing else asked.
        let by_id = mock!(aws_sdk_ecr::Client::describe_images)
            .match_requests(|r| {
                r.image_ids().len() == 1 && r.image_ids()[0].image_digest() == Some(RUNNING)
            })
            .then_output(|| {
                describe_images::DescribeImagesOutput::builder()
                    .image_details(running_detail())
                    .build()
            });
        let client = mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&repos, &page, &older, &by_id]);

        // What ECS publishes makes the dashboard ask ECR's poller for the image.
        let mut m = Model::new(SourceLabel::Live, chrono::Utc::now());
        let cmds = update(&mut m, Msg::Data(ecs()));
        let keys = cmds
            .iter()
            .find_map(|c| match c {
                Cmd::Visible {
                    service: ServiceKind::Ecr,
                    keys,
                } => Some(keys.clone()),
                _ => None,
            })
            .expect("ECS's refresh tells ECR what runs");
        assert_eq!(
            keys,
            vec![awstop::services::msg::wanted(&format!("{URI}@{RUNNING}"))]
        );

        let region = RegionClients::new("eu-west-1", no_metrics()).with::<Ecr>(client);
        let live = crate::common::mock_live(vec![region]);
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
        tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));

        // Before ECS has said anything: one page, and a floor.
        let (_, d) = next_ecr(&mut rx).await;
        let r = &d.repositories[0];
        assert_eq!((page.num_calls(), older.num_calls(), by_id.num_calls()), (1, 0, 0));
        assert_eq!(r.images.len(), 1000);
        assert!(r.more);
        assert_eq!(r.image_count_text(), "1000+");

        cmd_tx
            .send(SourceCmd::Visible {
                service: ServiceKind::Ecr,
                keys,
            })
            .await
            .unwrap();
        let (msg, d) = next_ecr(&mut rx).await;
        assert_eq!(
            (page.num_calls(), older.num_calls(), by_id.num_calls()),
            (1, 0, 1),
            "the page once, then the image in use by name, never the older pages"
        );
        let r = &d.repositories[0];
        let i = r.images.iter().find(|i| i.digest == RUNNING).expect("the image in use");
        assert_eq!(i.findings.map(|f| f.critical), Some(3));
        assert_eq!(r.image_count_text(), "1001+");

        // The dashboard joins it to what runs it, and the snapshot says the
        // count is a floor.
        update(&mut m, Msg::Data(msg));
        let state = &Ecr::feed(&m.data.feeds).state;
        let i = state.image(&awstop::scope::Scope::region("eu-west-1"), "web", RUNNING).unwrap();
        assert_eq!(i.used_by, vec!["ecs:prod/web".to_string()]);
        assert_eq!(state.repositories[0].running_critical(), 3);
        let out = serde_json::to_value(Ecr::snapshot(state, &m.data.settings)).unwrap();
        let repo = &out["repositories"][0];
        assert_eq!(repo["image_count"], 1001);
        assert_eq!(repo["image_count_at_least"], true);
    });
}

/// `--once` reads ECS and ECR side by side, then the images ECS's tasks run
/// that a repository's page left out, by name: a snapshot shows what runs
/// beyond the page, as the dashboard does.
#[test]
fn once_reads_the_images_in_use_beyond_a_repositorys_page() {
    use crate::common::fault_proxy::{Fault, FaultProxy};
    use crate::common::moto::{awstop_env, Moto};
    use serde_json::Value;

    let moto = Moto::start();
    let truth = moto.seed("images");
    // The service runs the image moto lists last: a page of two leaves it out.
    assert_eq!(truth["order"][2], "v3", "{truth}");
    let running = truth["digests"]["v3"].as_str().unwrap().to_string();
    let proxy = FaultProxy::start(&moto.url);
    proxy.set(Fault::Page {
        target: "AmazonEC2ContainerRegistry_V20150921.DescribeImages",
        by: "imageIds",
        list: "imageDetails",
        keep: 2,
    });
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awstop"));
    cmd.args(["--once", "--format", "json", "--region", "us-east-1", "--endpoint-url", &proxy.url]);
    awstop_env(&mut cmd);
    let (out, ops) = moto.recorded(|| cmd.output().unwrap());
    let snap: Value = serde_json::from_slice(&out.stdout).expect("a snapshot");
    let errors: Vec<&Value> = snap["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] == "ecr" || e["service"] == "ecs")
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    let repo = &snap["ecr"]["repositories"][0];
    assert_eq!(repo["name"], "web");
    assert_eq!(repo["image_count_at_least"], true, "the page said there is more");
    let images = repo["images"].as_array().unwrap();
    let mut tags: Vec<&str> = images.iter().map(|i| i["tags"][0].as_str().unwrap()).collect();
    tags.sort();
    assert_eq!(tags, ["v1", "v2", "v3"], "the page, and the image in use");
    let image = images.iter().find(|i| i["digest"] == running.as_str()).unwrap();
    assert_eq!(image["used_by"], serde_json::json!(["ecs:prod/web"]));
    assert_eq!(repo["image_count"], 3);
    // One listing, one read by name; never the pages after the first.
    let describes = ops.iter().filter(|o| o.contains("DescribeImages")).count();
    assert_eq!(describes, 2, "{ops:?}");
}
