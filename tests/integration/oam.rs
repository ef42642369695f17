//! Metrics through a CloudWatch monitoring account (OAM): moto has no OAM
//! and ignores `AccountId`, so both sides are mocked.

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_sdk_oam::operation::list_attached_links::ListAttachedLinksOutput;
use aws_sdk_oam::operation::list_sinks::ListSinksOutput;
use aws_sdk_oam::types::{ListAttachedLinksItem, ListSinksItem};
use aws_smithy_mocks::{mock, mock_client, MockResponse, RuleMode};

use awstop::app::msg::{DataMsg, Payload, ServiceKind};

use crate::aws_errors::{aws_with, ecs_with_services, no_cw, no_ecs, no_sts};

const SOURCE: &str = "222222222222";

fn link(account: &str, types: &[&str]) -> ListAttachedLinksItem {
    ListAttachedLinksItem::builder()
        .link_arn(format!("arn:aws:oam:eu-west-1:{account}:link/l-{account}"))
        .set_resource_types(Some(types.iter().map(|t| t.to_string()).collect()))
        .build()
}

#[tokio::test]
async fn linked_accounts_are_those_that_share_their_metrics() {
    let sinks = mock!(aws_sdk_oam::Client::list_sinks).then_output(|| {
        ListSinksOutput::builder()
            .items(ListSinksItem::builder().arn("arn:aws:oam:eu-west-1:111111111111:sink/s1").build())
            .build()
            .unwrap()
    });
    let links = mock!(aws_sdk_oam::Client::list_attached_links)
        .match_requests(|r| r.sink_identifier() == Some("arn:aws:oam:eu-west-1:111111111111:sink/s1"))
        .then_output(|| {
            ListAttachedLinksOutput::builder()
                .items(link(SOURCE, &["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]))
                .items(link("333333333333", &["AWS::Logs::LogGroup"]))
                .items(link(SOURCE, &["AWS::CloudWatch::Metric"]))
                .build()
                .unwrap()
        });
    let oam = mock_client!(aws_sdk_oam, RuleMode::MatchAny, [&sinks, &links]);
    let linked = awstop::aws::oam::linked_accounts(&oam, None).await.unwrap();
    assert_eq!(linked, vec![SOURCE.to_string()], "metrics only, each account once");
}

#[tokio::test]
async fn a_linked_accounts_metrics_are_read_from_the_monitoring_account_with_its_id() {
    // The monitoring account answers a source account's metrics only when
    // the query names it; without AccountId it has none of its own.
    let cw = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_response(|req| {
        let now = chrono::Utc::now().timestamp() / 60 * 60;
        let mut out = GetMetricDataOutput::builder();
        for q in req.metric_data_queries() {
            if q.account_id() == Some(SOURCE) {
                out = out.metric_data_results(
                    MetricDataResult::builder()
                        .id(q.id().unwrap_or_default())
                        .timestamps(aws_smithy_types::DateTime::from_secs(now - 60))
                        .values(7.0)
                        .build(),
                );
            }
        }
        MockResponse::Output(out.build())
    });
    let monitor = aws_with(no_ecs(), mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&cw]), no_sts());
    // The source account's own CloudWatch client must not be used: it has no rules.
    let mut source = aws_with(ecs_with_services(3), no_cw(), no_sts());
    assert!(!source.metrics_through(&monitor, SOURCE, &["us-west-2".to_string()]), "no such region");
    assert!(source.metrics_through(&monitor, SOURCE, &["eu-west-1".to_string()]));

    let msgs = ServiceKind::Ecs.room().once(&source, &source.regions[0]).await;
    let services = msgs
        .iter()
        .find_map(|m| match m {
            DataMsg::Loaded { payload: Payload::Ecs(d), .. } => Some(d.clusters[0].services.clone()),
            _ => None,
        })
        .expect("the services");
    assert_eq!(services.len(), 3);
    assert!(services.iter().all(|s| s.cpu_pct == Some(7.0)), "{services:?}");
    // Now and last week's window: a call each, both through the monitoring account.
    assert_eq!(cw.num_calls(), 2, "one GetMetricData a window for the region");
    assert!(!msgs.iter().any(|m| matches!(m, DataMsg::Failed { .. })), "{msgs:?}");
}
