//! The rooms of a region that refresh together share their GetMetricData
//! calls: over ten simulated minutes, every call that asks for API Gateway
//! stages or EKS clusters also asks for Lambda functions, and each room
//! still gets its own numbers back.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_mocks::{mock, mock_client, RuleMode};

use crate::budget::{apis, functions, name, sts};
use awstop::services::apigateway::ApiGatewayData;
use awstop::services::lambda::LambdaData;
use awstop::services::live::{Live, RegionClients};
use awstop::services::msg::{DataMsg, SourceCmd};
use awstop::services::room::Registered;
use awstop::services::{ApiGateway, Eks, Lambda, ServiceKind};

/// The namespaces each GetMetricData request asked for.
pub(crate) type Seen = Arc<Mutex<Vec<BTreeSet<String>>>>;

/// Answers every query with 7, under the id it was asked with.
pub(crate) fn cloudwatch(seen: Seen) -> aws_sdk_cloudwatch::Client {
    let answer = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(move |r| {
            let spaces = r
                .metric_data_queries()
                .iter()
                .filter_map(|q| Some(q.metric_stat()?.metric()?.namespace()?.to_string()))
                .collect();
            seen.lock().unwrap().push(spaces);
            true
        })
        .then_compute_output(crate::budget::sevens);
    mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answer])
}

/// One EKS cluster, `prod`, with nothing in it.
pub(crate) fn eks() -> aws_sdk_eks::Client {
    use aws_sdk_eks::operation::{
        describe_cluster::DescribeClusterOutput, list_addons::ListAddonsOutput,
        list_clusters::ListClustersOutput, list_fargate_profiles::ListFargateProfilesOutput,
        list_nodegroups::ListNodegroupsOutput,
    };
    let list = mock!(aws_sdk_eks::Client::list_clusters)
        .then_output(|| ListClustersOutput::builder().clusters("prod").build());
    let describe = mock!(aws_sdk_eks::Client::describe_cluster).then_output(|| {
        DescribeClusterOutput::builder()
            .cluster(aws_sdk_eks::types::Cluster::builder().name("prod").build())
            .build()
    });
    let groups = mock!(aws_sdk_eks::Client::list_nodegroups)
        .then_output(|| ListNodegroupsOutput::builder().build());
    let fargate = mock!(aws_sdk_eks::Client::list_fargate_profiles)
        .then_output(|| ListFargateProfilesOutput::builder().build());
    let addons =
        mock!(aws_sdk_eks::Client::list_addons).then_output(|| ListAddonsOutput::builder().build());
    let updates = mock!(aws_sdk_eks::Client::list_updates)
        .then_output(|| aws_sdk_eks::operation::list_updates::ListUpdatesOutput::builder().build());
    mock_client!(
        aws_sdk_eks,
        RuleMode::MatchAny,
        [&list, &describe, &groups, &fargate, &addons, &updates]
    )
}

#[tokio::test(start_paused = true)]
async fn api_stages_and_functions_go_out_in_the_same_calls() {
    let seen: Seen = Default::default();
    let region = RegionClients::new("eu-west-1", cloudwatch(seen.clone()))
        .with::<Lambda>(functions(20))
        .with::<ApiGateway>(apis())
        .with::<Eks>(eks());
    let opts = awstop::services::live::Options {
        metrics_all: false,
        ..crate::common::mock_options()
    };
    let live = Live::from_clients(opts, vec![region], sts());
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let (cmd_tx, cmd_rx) = tokio::sync::mpsc::channel(8);
    for (service, keys) in [
        (ServiceKind::Lambda, (0..20).map(name).collect()),
        (
            ServiceKind::ApiGateway,
            vec!["a1".to_string(), "a2".to_string()],
        ),
    ] {
        cmd_tx
            .send(SourceCmd::Visible { service, keys })
            .await
            .unwrap();
    }
    type Last = (Option<LambdaData>, Option<ApiGatewayData>);
    let last: Arc<Mutex<Last>> = Default::default();
    let l = last.clone();
    tokio::spawn(async move {
        while let Some(m) = rx.recv().await {
            if let DataMsg::Loaded { payload, .. } = m {
                let mut l = l.lock().unwrap();
                match payload.kind() {
                    ServiceKind::Lambda => l.0 = Lambda::payload(payload),
                    ServiceKind::ApiGateway => l.1 = ApiGateway::payload(payload),
                    _ => {}
                }
            }
        }
    });
    let source = tokio::spawn(awstop::source::live::run(live, tx, cmd_rx));
    tokio::time::sleep(Duration::from_secs(600)).await;
    source.abort();
    let seen = seen.lock().unwrap().clone();
    let api_calls: Vec<&BTreeSet<String>> = seen
        .iter()
        .filter(|s| s.contains("AWS/ApiGateway"))
        .collect();
    // The first read, and every two minutes after it.
    assert!(api_calls.len() >= 5, "{seen:?}");
    assert!(
        api_calls.iter().all(|s| s.contains("AWS/Lambda")),
        "API Gateway asked on its own: {seen:?}"
    );
    // EKS refreshes every minute, with Lambda.
    let eks_calls: Vec<&BTreeSet<String>> = seen.iter().filter(|s| s.contains("AWS/EKS")).collect();
    assert!(eks_calls.len() >= 9, "{seen:?}");
    assert!(
        eks_calls.iter().all(|s| s.contains("AWS/Lambda")),
        "EKS asked on its own: {seen:?}"
    );
    // Shared calls, separate answers: each room reads its own values back.
    let (lambda, api) = last.lock().unwrap().clone();
    let lambda = lambda.expect("Lambda data was sent");
    let api = api.expect("API Gateway data was sent");
    assert!(lambda
        .functions
        .iter()
        .all(|f| f.stats.invocations == Some(7.0)));
    assert!(api
        .apis
        .iter()
        .all(|a| a.stages[0].metrics.requests == Some(7.0)));
}
