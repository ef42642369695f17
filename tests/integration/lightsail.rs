//! Lightsail, which moto lacks entirely: through mocked clients replaying
//! responses shaped like real GetInstances (two pages), GetBundles,
//! GetContainerServices and GetInstanceMetricData output, one metric
//! throttled; and against moto, where every Lightsail call fails and only
//! the Lightsail pane says so.

use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use serde_json::Value;

use awstop::app::msg::{DataMsg, Payload, ServiceKind};
use awstop::services::live::RegionClients;
use awstop::services::Lightsail;

use crate::common::moto::Moto;

pub(crate) fn lightsail_client() -> aws_sdk_lightsail::Client {
    use aws_sdk_lightsail::operation::*;
    use aws_sdk_lightsail::types::*;
    let created = aws_smithy_types::DateTime::from_secs(1_760_000_000);
    let instance =
        move |name: &str, bundle: &str, blueprint: &str, state: &str, ip: Option<&str>| {
            Instance::builder()
                .name(name)
                .bundle_id(bundle)
                .blueprint_id(blueprint)
                .state(InstanceState::builder().code(16).name(state).build())
                .set_public_ip_address(ip.map(str::to_string))
                .created_at(created)
                .build()
        };
    let page1 = mock!(aws_sdk_lightsail::Client::get_instances)
        .match_requests(|r| r.page_token().is_none())
        .then_output(move || {
            get_instances::GetInstancesOutput::builder()
                .instances(instance(
                    "wordpress-1",
                    "small_3_0",
                    "wordpress",
                    "running",
                    Some("203.0.113.7"),
                ))
                .next_page_token("page-2")
                .build()
        });
    let page2 = mock!(aws_sdk_lightsail::Client::get_instances)
        .match_requests(|r| r.page_token() == Some("page-2"))
        .then_output(move || {
            get_instances::GetInstancesOutput::builder()
                .instances(instance(
                    "lamp-shop",
                    "medium_3_0",
                    "lamp_8_bitnami",
                    "running",
                    Some("203.0.113.8"),
                ))
                .instances(instance(
                    "dev-box",
                    "retired_1_0",
                    "ubuntu_22_04",
                    "stopped",
                    None,
                ))
                .build()
        });
    let bundles = mock!(aws_sdk_lightsail::Client::get_bundles).then_output(|| {
        get_bundles::GetBundlesOutput::builder()
            .bundles(Bundle::builder().bundle_id("small_3_0").price(12.0).build())
            .bundles(
                Bundle::builder()
                    .bundle_id("medium_3_0")
                    .price(24.0)
                    .build(),
            )
            .build()
    });
    let services = mock!(aws_sdk_lightsail::Client::get_container_services).then_output(|| {
        get_container_services::GetContainerServicesOutput::builder()
            .container_services(
                ContainerService::builder()
                    .container_service_name("api")
                    .state(ContainerServiceState::Running)
                    .power(ContainerServicePowerName::Micro)
                    .power_id("micro")
                    .scale(2)
                    .build(),
            )
            .build()
    });
    let powers = mock!(aws_sdk_lightsail::Client::get_container_service_powers).then_output(|| {
        get_container_service_powers::GetContainerServicePowersOutput::builder()
            .powers(
                ContainerServicePower::builder()
                    .power_id("micro")
                    .name("micro")
                    .price(10.0)
                    .build(),
            )
            .build()
    });
    let now = chrono::Utc::now().timestamp() / 300 * 300;
    let throttled = mock!(aws_sdk_lightsail::Client::get_instance_metric_data)
        .match_requests(|r| {
            r.metric_name() == Some(&InstanceMetricName::BurstCapacityPercentage)
                && r.instance_name() == Some("lamp-shop")
        })
        .then_error(|| {
            get_instance_metric_data::GetInstanceMetricDataError::generic(
                ErrorMetadata::builder()
                    .code("ThrottlingException")
                    .message("Rate exceeded")
                    .build(),
            )
        });
    let points =
        mock!(aws_sdk_lightsail::Client::get_instance_metric_data).then_output(move || {
            let at = |k: i64| aws_smithy_types::DateTime::from_secs(now - 300 * k);
            get_instance_metric_data::GetInstanceMetricDataOutput::builder()
                .metric_data(
                    MetricDatapoint::builder()
                        .timestamp(at(1))
                        .average(30.0)
                        .sum(0.0)
                        .build(),
                )
                .metric_data(
                    MetricDatapoint::builder()
                        .timestamp(at(2))
                        .average(10.0)
                        .sum(0.0)
                        .build(),
                )
                .build()
        });
    // GetOperations, two pages: a reboot in the window and one a day old,
    // then a container service update.
    let now = chrono::Utc::now().timestamp();
    let op = move |name: &str, rt: ResourceType, kind: OperationType, ago: i64| {
        Operation::builder()
            .resource_name(name)
            .resource_type(rt)
            .operation_type(kind)
            .created_at(aws_smithy_types::DateTime::from_secs(now - ago))
            .build()
    };
    let ops1 = mock!(aws_sdk_lightsail::Client::get_operations)
        .match_requests(|r| r.page_token().is_none())
        .then_output(move || {
            get_operations::GetOperationsOutput::builder()
                .operations(op("wordpress-1", ResourceType::Instance, OperationType::StopInstance, 86_400))
                .operations(op("wordpress-1", ResourceType::Instance, OperationType::RebootInstance, 120))
                .next_page_token("more")
                .build()
        });
    let ops2 = mock!(aws_sdk_lightsail::Client::get_operations)
        .match_requests(|r| r.page_token() == Some("more"))
        .then_output(move || {
            get_operations::GetOperationsOutput::builder()
                .operations(op("api", ResourceType::ContainerService, OperationType::UpdateContainerService, 60))
                .build()
        });
    mock_client!(
        aws_sdk_lightsail,
        RuleMode::MatchAny,
        [&page1, &page2, &bundles, &services, &powers, &throttled, &points, &ops1, &ops2]
    )
}

#[test]
fn lightsail_reads_pages_prices_and_metrics_and_a_throttled_metric_stays_unread() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let region = RegionClients::new("us-east-1", crate::common::no_metrics()).with::<Lightsail>(lightsail_client());
        let live = crate::common::mock_live(vec![region]);
        let msgs = ServiceKind::Lightsail.room().once(&live, &live.regions[0]).await;
        let Some(DataMsg::Loaded { payload: Payload::Lightsail(d), .. }) = msgs.first() else {
            panic!("{msgs:?}")
        };
        // GetOperations: both pages, the day-old stop left out.
        let ops: Vec<(&str, &str)> = d.operations.iter().map(|o| (o.resource.as_str(), o.kind.as_str())).collect();
        assert_eq!(ops, [("wordpress-1", "RebootInstance"), ("api", "UpdateContainerService")]);
        // Both pages, in name order.
        let names: Vec<&str> = d.instances.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["dev-box", "lamp-shop", "wordpress-1"]);
        let by = |n: &str| d.instances.iter().find(|i| i.name == n).unwrap();
        assert_eq!(by("wordpress-1").price_usd_month, Some(12.0));
        assert_eq!(by("lamp-shop").price_usd_month, Some(24.0));
        // A bundle GetBundles does not list is unpriced, not free.
        assert_eq!(by("dev-box").price_usd_month, None);
        assert!(by("wordpress-1").public_ip && !by("dev-box").public_ip);
        let wp = &by("wordpress-1").metrics;
        assert_eq!(wp.burst_capacity_pct, Some(30.0), "the latest point: {wp:?}");
        assert_eq!(wp.cpu_pct, Some(20.0), "the window's mean: {wp:?}");
        assert_eq!(wp.status_check_failed, Some(0.0));
        // The throttled metric is unread, its neighbours read, and the reason sent.
        let lamp = &by("lamp-shop").metrics;
        assert_eq!(lamp.burst_capacity_pct, None);
        assert_eq!(lamp.cpu_pct, Some(20.0));
        assert!(
            msgs.iter().any(|m| matches!(m, DataMsg::Failed { error, .. }
                if error.operation == "GetInstanceMetricData" && error.message.contains("Rate exceeded"))),
            "{msgs:?}"
        );
        let api = &d.container_services[0];
        assert_eq!((api.name.as_str(), api.scale, api.price_usd_month), ("api", 2, Some(20.0)));
        // Nothing of the address itself is kept anywhere.
        assert!(!format!("{d:?}").contains("203.0.113"));
    });
}

#[test]
fn against_moto_lightsail_fails_alone_and_says_so() {
    let moto = Moto::start();
    moto.seed("basic");
    let (snap, _) = moto.once();
    let errors: Vec<&Value> = snap["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] == "lightsail")
        .collect();
    // The first call fails and the room stops there: one reason, not five.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["operation"], "GetInstances");
    assert!(snap["lightsail"]["instances"]
        .as_array()
        .unwrap()
        .is_empty());
    // Every other room is whole.
    assert!(!snap["lambda"]["functions"].as_array().unwrap().is_empty());
    assert!(!snap["ecs"]["clusters"].as_array().unwrap().is_empty());
    assert!(snap["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| crate::common::moto::of_unserved(e) || e["operation"] == "GetMetricData"));
}
