//! Per-operation failures from AWS, through mocked SDK clients: each degrades
//! exactly its own part of the data with a readable reason.

use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataError, GetMetricDataOutput};
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_sdk_ecs::operation::list_clusters::ListClustersError;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::error::ErrorMetadata;

use awstop::app::msg::{DataMsg, Payload, ServiceKind};
use awstop::services::lambda::{self, Function, FunctionStats};
use awstop::services::live::{Live, RegionClients};
use awstop::services::{Batch, Ecs, Lambda};

fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

fn empty_batch() -> aws_sdk_batch::Client {
    let ces = mock!(aws_sdk_batch::Client::describe_compute_environments)
        .then_output(|| aws_sdk_batch::operation::describe_compute_environments::DescribeComputeEnvironmentsOutput::builder().build());
    let qs = mock!(aws_sdk_batch::Client::describe_job_queues).then_output(|| {
        aws_sdk_batch::operation::describe_job_queues::DescribeJobQueuesOutput::builder().build()
    });
    mock_client!(aws_sdk_batch, RuleMode::MatchAny, [&ces, &qs])
}

pub(crate) fn aws_with(
    ecs: aws_sdk_ecs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    sts: aws_sdk_sts::Client,
) -> Live {
    let lambda = mock_client!(
        aws_sdk_lambda,
        RuleMode::MatchAny,
        Vec::<&aws_smithy_mocks::Rule>::new()
    );
    let no_reports = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_output(|| {
        aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput::builder()
            .build()
    });
    let logs = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&no_reports]);
    let region = RegionClients::new("eu-west-1", cloudwatch)
        .with::<Lambda>(lambda::Clients { lambda, logs })
        .with::<Ecs>(ecs)
        .with::<Batch>(empty_batch());
    Live::from_clients(crate::common::mock_options(), vec![region], sts)
}

pub(crate) fn no_ecs() -> aws_sdk_ecs::Client {
    mock_client!(
        aws_sdk_ecs,
        RuleMode::MatchAny,
        Vec::<&aws_smithy_mocks::Rule>::new()
    )
}
pub(crate) fn no_cw() -> aws_sdk_cloudwatch::Client {
    mock_client!(
        aws_sdk_cloudwatch,
        RuleMode::MatchAny,
        Vec::<&aws_smithy_mocks::Rule>::new()
    )
}
pub(crate) fn no_sts() -> aws_sdk_sts::Client {
    mock_client!(
        aws_sdk_sts,
        RuleMode::MatchAny,
        Vec::<&aws_smithy_mocks::Rule>::new()
    )
}

fn function(name: &str) -> Function {
    Function {
        name: name.into(),
        region: "eu-west-1".into(),
        runtime: Some("python3.12".into()),
        memory_mb: 128,
        timeout_s: 3,
        architecture: "x86_64".into(),
        config: awstop::services::lambda::Config::new(awstop::services::lambda::FunctionConfig {
            package_type: "Zip".into(),
            last_modified: None,
            handler: None,
            code_size_bytes: 0,
            snap_start: false,
            log_group: format!("/aws/lambda/{name}"),
            env_var_count: 0,
            code_sha256: None,
        }),
        stats: FunctionStats::default(),
        ..Default::default()
    }
}

#[tokio::test]
async fn access_denied_on_ecs_fails_ecs_only() {
    let denied = mock!(aws_sdk_ecs::Client::list_clusters).then_error(|| {
        ListClustersError::generic(meta(
            "AccessDeniedException",
            "User: arn:aws:sts::1:assumed-role/ro is not authorized to perform: ecs:ListClusters",
        ))
    });
    let aws = aws_with(
        mock_client!(aws_sdk_ecs, RuleMode::MatchAny, [&denied]),
        no_cw(),
        no_sts(),
    );
    let r = &aws.regions[0];
    let ecs = ServiceKind::Ecs.room().once(&aws, r).await;
    match ecs.as_slice() {
        [DataMsg::Failed {
            service: ServiceKind::Ecs,
            error,
        }] => {
            assert_eq!(error.operation, "ListClusters");
            assert_eq!(error.region, "eu-west-1");
            assert!(
                error.message.starts_with("AccessDeniedException: User: "),
                "{}",
                error.message
            );
        }
        other => panic!("{other:?}"),
    }
    // Batch, on the same account, is untouched.
    assert!(matches!(
        ServiceKind::Batch.room().once(&aws, r).await.as_slice(),
        [DataMsg::Loaded {
            payload: Payload::Batch(_),
            ..
        }]
    ));
}

#[tokio::test]
async fn expired_credentials_say_so() {
    let expired = mock!(aws_sdk_sts::Client::get_caller_identity).then_error(|| {
        GetCallerIdentityError::generic(meta(
            "ExpiredToken",
            "The security token included in the request is expired",
        ))
    });
    let aws = aws_with(
        no_ecs(),
        no_cw(),
        mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&expired]),
    );
    match aws.account().await {
        DataMsg::AccountFailed(e) => {
            assert_eq!(e.operation, "GetCallerIdentity");
            assert_eq!(
                e.message,
                "ExpiredToken: The security token included in the request is expired"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_failed_metrics_call_keeps_the_inventory_and_leaves_metrics_unknown() {
    let broken = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .then_error(|| GetMetricDataError::generic(meta("InternalServiceError", "try again")));
    let aws = aws_with(
        no_ecs(),
        mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&broken]),
        no_sts(),
    );
    let msgs = lambda::fetch(
        &aws,
        &aws.regions[0],
        vec![function("a"), function("b")],
        None,
        &[],
        &mut Default::default(),
        lambda::Read::Both,
        None,
    )
    .await;
    let DataMsg::Loaded {
        payload: Payload::Lambda(d),
        ..
    } = &msgs[0]
    else {
        panic!("{msgs:?}")
    };
    assert_eq!(d.functions.len(), 2);
    assert!(
        d.functions.iter().all(|f| f.stats.invocations.is_none()),
        "unknown is not zero"
    );
    let failures: Vec<_> = msgs
        .iter()
        .filter_map(|m| match m {
            DataMsg::Failed { error, .. } => Some(error.clone()),
            _ => None,
        })
        .collect();
    assert!(
        failures
            .iter()
            .any(|e| e.operation == "GetMetricData" && e.message.contains("InternalServiceError")),
        "{failures:?}"
    );
}

#[tokio::test]
async fn a_rejected_percentile_is_retried_without_it() {
    // The first call (with p99) fails; the retry without it succeeds.
    let reject = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| {
            r.metric_data_queries()
                .iter()
                .any(|q| q.metric_stat().and_then(|s| s.stat()) == Some("p99"))
        })
        .then_error(|| {
            GetMetricDataError::generic(meta("InternalServiceError", "percentiles unsupported"))
        });
    let ok = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_output(|| {
        let now = chrono::Utc::now().timestamp() / 60 * 60;
        GetMetricDataOutput::builder()
            .metric_data_results(
                MetricDataResult::builder()
                    .id("f0_inv")
                    .timestamps(aws_smithy_types::DateTime::from_secs(now))
                    .values(42.0)
                    .build(),
            )
            .build()
    });
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&reject, &ok]);
    let aws = aws_with(no_ecs(), cw, no_sts());
    let msgs = lambda::fetch(
        &aws,
        &aws.regions[0],
        vec![function("a")],
        None,
        &[],
        &mut Default::default(),
        lambda::Read::Both,
        None,
    )
    .await;
    let DataMsg::Loaded {
        payload: Payload::Lambda(d),
        ..
    } = &msgs[0]
    else {
        panic!("{msgs:?}")
    };
    assert_eq!(d.functions[0].stats.invocations, Some(42.0));
    assert_eq!(d.functions[0].stats.duration_pct_ms, None);
    assert!(msgs.iter().any(|m| matches!(m, DataMsg::Failed { error, .. } if error.message.starts_with("p99 unavailable: InternalServiceError"))));
    assert_eq!(reject.num_calls(), 1);
    // The retry without it, and last week's window (a call of its own).
    assert_eq!(ok.num_calls(), 2);
}

/// One cluster, `web`, with `n` services and no tasks: DescribeServices
/// answers with the services it is asked for.
pub(crate) fn ecs_with_services(n: usize) -> aws_sdk_ecs::Client {
    use aws_sdk_ecs::operation::*;
    let arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/web";
    let clusters = mock!(aws_sdk_ecs::Client::list_clusters)
        .then_output(move || list_clusters::ListClustersOutput::builder().cluster_arns(arn).build());
    let describe = mock!(aws_sdk_ecs::Client::describe_clusters).then_output(move || {
        describe_clusters::DescribeClustersOutput::builder()
            .clusters(aws_sdk_ecs::types::Cluster::builder().cluster_arn(arn).cluster_name("web").status("ACTIVE").build())
            .build()
    });
    let services = mock!(aws_sdk_ecs::Client::list_services).then_output(move || {
        let mut out = list_services::ListServicesOutput::builder();
        for i in 0..n {
            out = out.service_arns(format!("arn:aws:ecs:eu-west-1:123456789012:service/web/svc-{i:03}"));
        }
        out.build()
    });
    let service = mock!(aws_sdk_ecs::Client::describe_services).then_compute_output(|req| {
        let mut out = describe_services::DescribeServicesOutput::builder();
        for s in req.services() {
            let name = s.rsplit('/').next().unwrap_or(s).to_string();
            out = out.services(
                aws_sdk_ecs::types::Service::builder().service_name(name).status("ACTIVE").desired_count(1).build(),
            );
        }
        out.build()
    });
    let tasks = mock!(aws_sdk_ecs::Client::list_tasks).then_output(|| list_tasks::ListTasksOutput::builder().build());
    let instances = mock!(aws_sdk_ecs::Client::list_container_instances)
        .then_output(|| list_container_instances::ListContainerInstancesOutput::builder().build());
    mock_client!(aws_sdk_ecs, RuleMode::MatchAny, [&clusters, &describe, &services, &service, &tasks, &instances])
}

#[tokio::test]
async fn a_failed_metrics_call_among_several_is_said_for_ecs_too() {
    // 260 services ask 520 queries: two calls (and two more for last week's
    // window). The one holding the first service answers; the other fails.
    let cw = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_response(|req| {
        let ids: Vec<String> = req.metric_data_queries().iter().filter_map(|q| q.id().map(str::to_string)).collect();
        if !ids.iter().any(|id| id == "s0_cpu") {
            return aws_smithy_mocks::MockResponse::Error(GetMetricDataError::generic(meta(
                "InternalServiceError",
                "try again",
            )));
        }
        let now = chrono::Utc::now().timestamp() / 60 * 60;
        let mut out = GetMetricDataOutput::builder();
        for id in ids {
            out = out.metric_data_results(
                MetricDataResult::builder()
                    .id(id)
                    .timestamps(aws_smithy_types::DateTime::from_secs(now - 60))
                    .values(7.0)
                    .build(),
            );
        }
        aws_smithy_mocks::MockResponse::Output(out.build())
    });
    let aws = aws_with(
        ecs_with_services(260),
        mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&cw]),
        no_sts(),
    );
    let msgs = ServiceKind::Ecs.room().once(&aws, &aws.regions[0]).await;
    let services = msgs
        .iter()
        .find_map(|m| match m {
            DataMsg::Loaded { payload: Payload::Ecs(d), .. } => Some(d.clusters[0].services.clone()),
            _ => None,
        })
        .expect("the services");
    assert_eq!(services.len(), 260);
    // Two calls for now, two for last week's window (a window of its own).
    assert_eq!(cw.num_calls(), 4);
    let read = services.iter().filter(|s| s.cpu_pct == Some(7.0)).count();
    let blank = services.iter().filter(|s| s.cpu_pct.is_none()).count();
    assert!(read > 0 && blank > 0 && read + blank == 260, "{read} read, {blank} blank");
    // The blank ones have their reason.
    assert!(
        msgs.iter().any(|m| matches!(m, DataMsg::Failed { service: ServiceKind::Ecs, error }
            if error.operation == "GetMetricData" && error.message.contains("InternalServiceError"))),
        "{msgs:?}"
    );
}
