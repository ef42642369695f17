//! EKS and ECR through mocked clients, for what moto lacks: add-ons, scan
//! summaries, last pull times, and the findings of an opened image.

use std::time::Duration;

use aws_smithy_mocks::{mock, mock_client, RuleMode};

use awstop::app::msg::{DataMsg, Payload, ServiceKind};
use awstop::services::live::RegionClients;
use awstop::services::msg::SourceCmd;
use awstop::services::{Ecr, Eks};

use crate::common::no_metrics as no_cw;

fn eks_client() -> aws_sdk_eks::Client {
    use aws_sdk_eks::operation::*;
    use aws_sdk_eks::types::*;
    let list = mock!(aws_sdk_eks::Client::list_clusters).then_output(|| {
        list_clusters::ListClustersOutput::builder()
            .clusters("prod")
            .build()
    });
    let describe = mock!(aws_sdk_eks::Client::describe_cluster).then_output(|| {
        describe_cluster::DescribeClusterOutput::builder()
            .cluster(
                Cluster::builder()
                    .name("prod")
                    .version("1.31")
                    .status(ClusterStatus::Active)
                    .upgrade_policy(
                        UpgradePolicyResponse::builder()
                            .support_type(SupportType::Extended)
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let groups = mock!(aws_sdk_eks::Client::list_nodegroups).then_output(|| {
        list_nodegroups::ListNodegroupsOutput::builder()
            .nodegroups("ng")
            .build()
    });
    let group = mock!(aws_sdk_eks::Client::describe_nodegroup).then_output(|| {
        describe_nodegroup::DescribeNodegroupOutput::builder()
            .nodegroup(
                Nodegroup::builder()
                    .nodegroup_name("ng")
                    .version("1.30")
                    .status(NodegroupStatus::Active)
                    .build(),
            )
            .build()
    });
    let profiles = mock!(aws_sdk_eks::Client::list_fargate_profiles)
        .then_output(|| list_fargate_profiles::ListFargateProfilesOutput::builder().build());
    let addons = mock!(aws_sdk_eks::Client::list_addons).then_output(|| {
        list_addons::ListAddonsOutput::builder()
            .addons("coredns")
            .build()
    });
    let addon = mock!(aws_sdk_eks::Client::describe_addon).then_output(|| {
        describe_addon::DescribeAddonOutput::builder()
            .addon(
                Addon::builder()
                    .addon_name("coredns")
                    .addon_version("v1.11.1-eksbuild.9")
                    .status(AddonStatus::Degraded)
                    .health(
                        AddonHealth::builder()
                            .issues(
                                AddonIssue::builder()
                                    .code(AddonIssueCode::InsufficientNumberOfReplicas)
                                    .message("1 of 2 replicas")
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let updates = mock!(aws_sdk_eks::Client::list_updates)
        .then_output(|| list_updates::ListUpdatesOutput::builder().build());
    mock_client!(
        aws_sdk_eks,
        RuleMode::MatchAny,
        [&list, &describe, &groups, &group, &profiles, &addons, &addon, &updates]
    )
}

const DIGEST: &str = "sha256:aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999";

fn ecr_client() -> aws_sdk_ecr::Client {
    ecr_mocks().0
}

/// The client, and the rules for DescribeRepositories and
/// DescribeImageScanFindings (to count their calls).
fn ecr_mocks() -> (
    aws_sdk_ecr::Client,
    aws_smithy_mocks::Rule,
    aws_smithy_mocks::Rule,
) {
    use aws_sdk_ecr::operation::*;
    use aws_sdk_ecr::types::*;
    let repos = mock!(aws_sdk_ecr::Client::describe_repositories).then_output(|| {
        describe_repositories::DescribeRepositoriesOutput::builder()
            .repositories(
                Repository::builder()
                    .repository_name("web")
                    .repository_uri("123456789012.dkr.ecr.eu-west-1.amazonaws.com/web")
                    .image_scanning_configuration(
                        ImageScanningConfiguration::builder()
                            .scan_on_push(true)
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let images = mock!(aws_sdk_ecr::Client::describe_images).then_output(|| {
        describe_images::DescribeImagesOutput::builder()
            .image_details(
                ImageDetail::builder()
                    .image_digest(DIGEST)
                    .image_tags("v3")
                    .image_size_in_bytes(50 * 1_048_576)
                    .image_pushed_at(aws_smithy_types::DateTime::from_secs(1_763_800_000))
                    .last_recorded_pull_time(aws_smithy_types::DateTime::from_secs(1_763_810_000))
                    .image_scan_status(
                        ImageScanStatus::builder()
                            .status(ScanStatus::Complete)
                            .build(),
                    )
                    .image_scan_findings_summary(
                        ImageScanFindingsSummary::builder()
                            .finding_severity_counts(FindingSeverity::Critical, 2)
                            .finding_severity_counts(FindingSeverity::High, 5)
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let findings = mock!(aws_sdk_ecr::Client::describe_image_scan_findings).then_output(|| {
        describe_image_scan_findings::DescribeImageScanFindingsOutput::builder()
            .image_scan_findings(
                ImageScanFindings::builder()
                    .findings(
                        ImageScanFinding::builder()
                            .name("CVE-2026-0001")
                            .severity(FindingSeverity::High)
                            .build(),
                    )
                    .findings(
                        ImageScanFinding::builder()
                            .name("CVE-2026-0002")
                            .severity(FindingSeverity::Critical)
                            .attributes(
                                Attribute::builder()
                                    .key("package_name")
                                    .value("openssl")
                                    .build()
                                    .unwrap(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let client = mock_client!(
        aws_sdk_ecr,
        RuleMode::MatchAny,
        [&repos, &images, &findings]
    );
    (client, repos, findings)
}

#[test]
fn what_moto_lacks_reads_through_mocked_clients() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let region = RegionClients::new("eu-west-1", no_cw())
            .with::<Eks>(eks_client())
            .with::<Ecr>(ecr_client());
        let live = crate::common::mock_live(vec![region]);
        let r = &live.regions[0];
        let msgs = ServiceKind::Eks.room().once(&live, r).await;
        let Some(DataMsg::Loaded {
            payload: Payload::Eks(d),
            ..
        }) = msgs.first()
        else {
            panic!("{msgs:?}")
        };
        let c = &d.clusters[0];
        assert_eq!(c.support.as_deref(), Some("EXTENDED"));
        // Extended support is priced at its own rate where the price book has
        // the region, and never guessed where it does not (sa-east-1).
        let prices = awstop::services::builtin_prices();
        let mut priced = c.clone();
        priced.region = "us-east-1".into();
        assert_eq!(
            awstop::services::eks::cost::estimate(&priced, prices).per_hour(),
            Some(0.60)
        );
        let mut unpriced = c.clone();
        unpriced.region = "sa-east-1".into();
        assert_eq!(
            awstop::services::eks::cost::estimate(&unpriced, prices).cell(),
            "?"
        );
        assert_eq!(c.nodegroups[0].skew, Some(1));
        let a = &c.addons.as_ref().unwrap()[0];
        assert_eq!(
            (a.name.as_str(), a.status.as_str()),
            ("coredns", "DEGRADED")
        );
        assert_eq!(
            a.health_issues,
            vec!["InsufficientNumberOfReplicas: 1 of 2 replicas".to_string()]
        );
        assert!(
            c.problem().unwrap().contains("node group ng on 1.30"),
            "{:?}",
            c.problem()
        );
        assert_eq!(msgs.len(), 1, "{msgs:?}");

        let msgs = ServiceKind::Ecr.room().once(&live, r).await;
        let Some(DataMsg::Loaded {
            payload: Payload::Ecr(d),
            ..
        }) = msgs.first()
        else {
            panic!("{msgs:?}")
        };
        let i = &d.repositories[0].images[0];
        let f = i.findings.unwrap();
        assert_eq!((f.critical, f.high, f.medium), (2, 5, 0));
        assert_eq!(i.last_pulled_at.unwrap().timestamp(), 1_763_810_000);
        assert_eq!(i.size_mb(), Some(50.0));
        assert!(
            i.details.is_none(),
            "findings are read only for an opened image"
        );
    });
}

#[test]
fn opening_an_image_reads_its_findings_once() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, repos, findings) = ecr_mocks();
        let region = RegionClients::new("eu-west-1", no_cw()).with::<Ecr>(client);
        let live = crate::common::mock_live(vec![region]);
        let (tx, mut rx) = tokio::sync::mpsc::channel(64);
        let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
        tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
        let details = |m: &DataMsg| match m {
            DataMsg::Loaded {
                payload: Payload::Ecr(d),
                ..
            } => Some(d.repositories[0].images[0].details.clone()),
            _ => None,
        };
        // First the list, without findings.
        loop {
            let m = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .unwrap()
                .unwrap();
            if let Some(d) = details(&m) {
                assert!(d.is_none());
                break;
            }
        }
        cmd_tx
            .send(SourceCmd::Visible {
                service: ServiceKind::Ecr,
                keys: vec![format!("web@{DIGEST}")],
            })
            .await
            .unwrap();
        let found = loop {
            let m = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .unwrap()
                .unwrap();
            if let Some(Some(d)) = details(&m) {
                break d;
            }
        };
        // Worst first.
        assert_eq!(found[0].name, "CVE-2026-0002");
        assert_eq!(found[0].package.as_deref(), Some("openssl"));
        assert_eq!(found[1].severity, "HIGH");
        assert_eq!(findings.num_calls(), 1);
        assert_eq!(repos.num_calls(), 1, "one list, then the interval");
    });
}
