//! The room's reads through mocked clients (moto has no App Runner):
//! ListServices (two pages, asked 20 at a time, the API's maximum),
//! DescribeService answers that carry environment variables and secrets,
//! and GetMetricData.

use aws_smithy_mocks::{mock, mock_client, MockResponse, RuleMode};

use crate::services::live::{Live, RegionClients};
use crate::services::msg::DataMsg;
use crate::services::{AppRunner, Payload, ServiceKind};

/// A CloudWatch that answers every GetMetricData with no data.
fn no_metrics() -> aws_sdk_cloudwatch::Client {
    let empty = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .then_output(|| aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput::builder().build());
    mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&empty])
}

/// What DescribeService says of the environment: none of it may leave the SDK types.
const SECRET_VALUE: &str = "hunter2-do-not-keep";
const SECRET_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-password";

fn arn(name: &str) -> String {
    format!("arn:aws:apprunner:us-east-1:123456789012:service/{name}/{}", id(name))
}

fn id(name: &str) -> String {
    format!("{:0>32}", name.len())
}

fn apprunner_client() -> aws_sdk_apprunner::Client {
    use aws_sdk_apprunner::operation::*;
    use aws_sdk_apprunner::types::*;
    let at = aws_smithy_types::DateTime::from_secs(1_760_000_000);
    let summary = move |name: &str, status: ServiceStatus| {
        ServiceSummary::builder()
            .service_name(name)
            .service_id(id(name))
            .service_arn(arn(name))
            .status(status)
            .created_at(at)
            .updated_at(at)
            .build()
    };
    // Every page is asked at the documented maximum.
    let page1 = mock!(aws_sdk_apprunner::Client::list_services)
        .match_requests(|r| r.next_token().is_none() && r.max_results() == Some(20))
        .then_output(move || {
            list_services::ListServicesOutput::builder()
                .service_summary_list(summary("web", ServiceStatus::Running))
                .next_token("page-2")
                .build()
                .unwrap()
        });
    let page2 = mock!(aws_sdk_apprunner::Client::list_services)
        .match_requests(|r| r.next_token() == Some("page-2") && r.max_results() == Some(20))
        .then_output(move || {
            list_services::ListServicesOutput::builder()
                .service_summary_list(summary("api", ServiceStatus::Running))
                .service_summary_list(summary("old", ServiceStatus::Paused))
                .build()
                .unwrap()
        });
    let describe = mock!(aws_sdk_apprunner::Client::describe_service).then_compute_response(move |r| {
        let arn = r.service_arn().unwrap_or_default().to_string();
        let name = arn.split('/').nth(1).unwrap_or_default().to_string();
        let image = ImageRepository::builder()
            .image_identifier("public.ecr.aws/example/web:latest")
            .image_repository_type(ImageRepositoryType::EcrPublic)
            .image_configuration(
                ImageConfiguration::builder()
                    .runtime_environment_variables("DATABASE_PASSWORD", SECRET_VALUE)
                    .runtime_environment_secrets("DB_SECRET", SECRET_ARN)
                    .port("8080")
                    .build(),
            )
            .build()
            .unwrap();
        let (cpu, memory) = if name == "api" { ("2 vCPU", "4 GB") } else { ("1024", "2048") };
        let status = if name == "old" { ServiceStatus::Paused } else { ServiceStatus::Running };
        let service = aws_sdk_apprunner::types::Service::builder()
            .service_name(&name)
            .service_id(id(&name))
            .service_arn(&arn)
            .created_at(at)
            .updated_at(at)
            .status(status)
            .source_configuration(SourceConfiguration::builder().image_repository(image).build())
            .instance_configuration(InstanceConfiguration::builder().cpu(cpu).memory(memory).build())
            .auto_scaling_configuration_summary(AutoScalingConfigurationSummary::builder().build())
            .network_configuration(NetworkConfiguration::builder().build())
            .build()
            .unwrap();
        MockResponse::Output(describe_service::DescribeServiceOutput::builder().service(service).build())
    });
    mock_client!(aws_sdk_apprunner, RuleMode::MatchAny, [&page1, &page2, &describe])
}

/// A CloudWatch that answers App Runner's queries when they name the
/// service by `ServiceName` and `ServiceID`: `web` served 600 requests,
/// 12 of them 5xx.
fn metrics() -> aws_sdk_cloudwatch::Client {
    use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
    use aws_sdk_cloudwatch::types::MetricDataResult;
    let cw = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_response(|req| {
        let now = chrono::Utc::now().timestamp() / 60 * 60;
        let mut out = GetMetricDataOutput::builder();
        for q in req.metric_data_queries() {
            let Some(m) = q.metric_stat().and_then(|s| s.metric()) else { continue };
            let dim = |k: &str| m.dimensions().iter().find(|d| d.name() == Some(k)).and_then(|d| d.value()).map(str::to_string);
            let (Some(name), Some(sid)) = (dim("ServiceName"), dim("ServiceID")) else { continue };
            if m.namespace() != Some("AWS/AppRunner") || name != "web" || sid != id("web") {
                continue;
            }
            let v = match m.metric_name().unwrap_or_default() {
                "Requests" => 300.0,
                "5xxStatusResponses" => 6.0,
                "4xxStatusResponses" => 1.0,
                "RequestLatency" => 40.0,
                "ActiveInstances" => 2.0,
                _ => continue,
            };
            out = out.metric_data_results(
                MetricDataResult::builder()
                    .id(q.id().unwrap_or_default())
                    .timestamps(aws_smithy_types::DateTime::from_secs(now - 60))
                    .values(v)
                    .timestamps(aws_smithy_types::DateTime::from_secs(now - 120))
                    .values(v)
                    .build(),
            );
        }
        MockResponse::Output(out.build())
    });
    mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&cw])
}

#[test]
fn apprunner_reads_every_page_describes_each_service_and_keeps_no_environment() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let region = RegionClients::new("us-east-1", metrics()).with::<AppRunner>(apprunner_client());
        let live = Live::for_tests(vec![region]);
        let msgs = ServiceKind::AppRunner.room().once(&live, &live.regions[0]).await;
        let Some(DataMsg::Loaded { payload: Payload::AppRunner(d), .. }) = msgs.first() else { panic!("{msgs:?}") };
        assert_eq!(msgs.len(), 1, "no failure: {msgs:?}");
        // Both pages, in name order.
        let names: Vec<&str> = d.services.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["api", "old", "web"]);
        let by = |n: &str| d.services.iter().find(|s| s.name == n).unwrap();
        // Both spellings of the size: CPU units and MB, or "2 vCPU" and "4 GB".
        assert_eq!((by("web").vcpu, by("web").memory_gb), (Some(1.0), Some(2.0)));
        assert_eq!((by("api").vcpu, by("api").memory_gb), (Some(2.0), Some(4.0)));
        assert_eq!(by("web").source.as_deref(), Some("image"));
        assert_eq!(by("old").status, "PAUSED");
        // Metrics asked by ServiceName and ServiceID.
        let m = &by("web").metrics;
        assert_eq!((m.requests, m.errors_5xx, m.errors_4xx), (Some(600.0), Some(12.0), Some(2.0)));
        assert_eq!((m.latency_avg_ms, m.active_instances), (Some(40.0), Some(2.0)));
        assert!(by("web").failing());
        // A service CloudWatch has nothing for is unread, not zero.
        assert_eq!(by("api").metrics.requests, None);
        // The environment never reached awstop's types, nor the snapshot.
        let kept = format!("{d:?}");
        assert!(!kept.contains(SECRET_VALUE) && !kept.contains("DATABASE_PASSWORD") && !kept.contains(SECRET_ARN), "{kept}");
        let snap = serde_json::to_string(&<AppRunner as crate::services::Room>::snapshot(d, &Default::default())).unwrap();
        assert!(snap.contains("\"web\"") && snap.contains("\"requests\":600"), "{snap}");
        for secret in [SECRET_VALUE, "DATABASE_PASSWORD", "DB_SECRET", SECRET_ARN, "8080"] {
            assert!(!snap.contains(secret), "{secret} in {snap}");
        }
    });
}

#[test]
fn a_failed_listing_is_one_reason_and_no_rows() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let denied = mock!(aws_sdk_apprunner::Client::list_services).then_error(|| {
            aws_sdk_apprunner::operation::list_services::ListServicesError::generic(
                aws_smithy_types::error::ErrorMetadata::builder().code("AccessDeniedException").message("not allowed").build(),
            )
        });
        let client = mock_client!(aws_sdk_apprunner, RuleMode::MatchAny, [&denied]);
        let region = RegionClients::new("us-east-1", no_metrics()).with::<AppRunner>(client);
        let live = Live::for_tests(vec![region]);
        let msgs = ServiceKind::AppRunner.room().once(&live, &live.regions[0]).await;
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(matches!(&msgs[0], DataMsg::Failed { error, .. } if error.operation == "ListServices"), "{msgs:?}");
    });
}
