//! Anomaly bands beyond Lambda: an API stage whose 5xx have a detector is
//! judged by its band and another stage of the same API against last week;
//! an ECS service whose CPU has a detector likewise beside one without; and
//! one DescribeAnomalyDetectors serves Lambda, API Gateway and ECS of the
//! region. moto has no anomaly detectors (a 500) and answers metric math
//! with empty series (DESIGN.md §9), so CloudWatch is mocked.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatch::operation::describe_anomaly_detectors::DescribeAnomalyDetectorsOutput;
use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataInput, GetMetricDataOutput};
use aws_sdk_cloudwatch::types::{AnomalyDetector, AnomalyDetectorStateValue, Dimension, MetricDataResult, SingleMetricAnomalyDetector};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};

use awstop::baseline::Unusual;
use awstop::services::apigateway::{ApiGatewayData, Clients};
use awstop::services::live::{Live, RegionClients};
use awstop::services::msg::DataMsg;
use awstop::services::room::{Registered, RoomLive};
use awstop::services::ecs::EcsData;
use awstop::services::{ApiGateway, Ecs, Lambda, Room};

use crate::budget::{functions, sts};

const CLUSTER_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/web";

/// Each GetMetricData call: its query ids, and the ids its expressions name.
type Calls = Arc<Mutex<Vec<(HashSet<String>, Vec<String>)>>>;

/// A metric query's metric name and dimensions, by its id.
type Metrics = HashMap<String, (String, HashMap<String, String>)>;

/// The truth. API `storefront` (HTTP, id h1): 1,000 requests a stage in
/// each window; stage `prod` 40 5xx now and a week ago (steady), its band's
/// upper edge 10; stage `beta` 40 now against 2 a week ago, no band.
/// ECS `web/api` at 60% CPU now and a week ago, its band's upper edge 30;
/// `web/web` at 80% against 30% a week ago, no band. Memory 40% throughout.
fn answer(r: &GetMetricDataInput, calls: &Calls) -> GetMetricDataOutput {
    let at = r.start_time().cloned().unwrap();
    let week = at.secs() < chrono::Utc::now().timestamp() - 6 * 86_400;
    let qs = r.metric_data_queries();
    let ids = qs.iter().filter_map(|q| q.id().map(str::to_string)).collect();
    let named = qs
        .iter()
        .filter_map(|q| q.expression())
        .flat_map(awstop::aws::cloudwatch::refs)
        .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
        .collect();
    calls.lock().unwrap().push((ids, named));
    let metrics: Metrics = qs
        .iter()
        .filter_map(|q| {
            let m = q.metric_stat()?.metric()?;
            let dims = m.dimensions().iter().map(|d| (d.name().unwrap_or_default().into(), d.value().unwrap_or_default().into())).collect();
            Some((q.id()?.to_string(), (m.metric_name()?.to_string(), dims)))
        })
        .collect();
    let point = |id: &str, v: f64| MetricDataResult::builder().id(id).timestamps(at).values(v).build();
    let mut out = Vec::new();
    for q in qs {
        let id = q.id().unwrap_or_default();
        if let Some(e) = q.expression() {
            assert!(e.starts_with("ANOMALY_DETECTION_BAND("), "{e}");
            let of = awstop::aws::cloudwatch::refs(e).into_iter().find(|n| metrics.contains_key(n)).expect("a band names its metric");
            let (metric, _) = &metrics[&of];
            let upper = match metric.as_str() {
                "5xx" => 10.0,
                "CPUUtilization" => 30.0,
                "Errors" => 1e6,
                other => panic!("a band of {other} was never asked"),
            };
            // Both edges under the query's one id, as CloudWatch answers.
            out.push(point(id, upper));
            out.push(point(id, 0.0));
            continue;
        }
        let Some((metric, dims)) = metrics.get(id) else { continue };
        let dim = |n: &str| dims.get(n).map(String::as_str).unwrap_or_default();
        let v = match metric.as_str() {
            "Count" => 1000.0,
            "5xx" if dim("Stage") == "beta" && week => 2.0,
            "5xx" => 40.0,
            "Latency" | "IntegrationLatency" => 50.0,
            "CPUUtilization" if dim("ServiceName") == "web" && week => 30.0,
            "CPUUtilization" if dim("ServiceName") == "web" => 80.0,
            "CPUUtilization" => 60.0,
            "MemoryUtilization" => 40.0,
            "Invocations" => 300.0,
            _ => 0.0,
        };
        out.push(point(id, v));
    }
    GetMetricDataOutput::builder().set_metric_data_results(Some(out)).build()
}

fn detector(namespace: &str, metric: &str, stat: &str, dims: &[(&str, &str)]) -> AnomalyDetector {
    let mut d = SingleMetricAnomalyDetector::builder().namespace(namespace).metric_name(metric).stat(stat);
    for (n, v) in dims {
        d = d.dimensions(Dimension::builder().name(*n).value(*v).build());
    }
    AnomalyDetector::builder().single_metric_anomaly_detector(d.build()).state_value(AnomalyDetectorStateValue::Trained).build()
}

/// The account's detectors: prod's 5xx, web/api's CPU (dimensions in
/// another order than the queries'), a Lambda function's errors, and one
/// of an EC2 instance no room reads.
fn detectors() -> Rule {
    mock!(aws_sdk_cloudwatch::Client::describe_anomaly_detectors).then_output(|| {
        DescribeAnomalyDetectorsOutput::builder()
            .anomaly_detectors(detector("AWS/ApiGateway", "5xx", "Sum", &[("ApiId", "h1"), ("Stage", "prod")]))
            .anomaly_detectors(detector("AWS/ECS", "CPUUtilization", "Average", &[("ServiceName", "api"), ("ClusterName", "web")]))
            .anomaly_detectors(detector("AWS/Lambda", "Errors", "Sum", &[("FunctionName", &crate::budget::name(0))]))
            .anomaly_detectors(detector("AWS/EC2", "CPUUtilization", "Average", &[("InstanceId", "i-0abc")]))
            .build()
    })
}

fn http_api() -> Clients {
    use aws_sdk_apigatewayv2::operation::*;
    use aws_sdk_apigatewayv2::types::{Api, ProtocolType, Stage};
    let rest_apis = mock!(aws_sdk_apigateway::Client::get_rest_apis)
        .then_output(|| aws_sdk_apigateway::operation::get_rest_apis::GetRestApisOutput::builder().build());
    let rest = mock_client!(aws_sdk_apigateway, RuleMode::MatchAny, [&rest_apis]);
    let apis = mock!(aws_sdk_apigatewayv2::Client::get_apis).then_output(|| {
        get_apis::GetApisOutput::builder()
            .items(Api::builder().api_id("h1").name("storefront").protocol_type(ProtocolType::Http).build())
            .build()
    });
    let stages = mock!(aws_sdk_apigatewayv2::Client::get_stages).then_output(|| {
        get_stages::GetStagesOutput::builder()
            .items(Stage::builder().stage_name("prod").build())
            .items(Stage::builder().stage_name("beta").build())
            .build()
    });
    let integrations = mock!(aws_sdk_apigatewayv2::Client::get_integrations).then_output(|| get_integrations::GetIntegrationsOutput::builder().build());
    let routes = mock!(aws_sdk_apigatewayv2::Client::get_routes).then_output(|| get_routes::GetRoutesOutput::builder().build());
    let deployments = mock!(aws_sdk_apigatewayv2::Client::get_deployments).then_output(|| get_deployments::GetDeploymentsOutput::builder().build());
    let http = mock_client!(aws_sdk_apigatewayv2, RuleMode::MatchAny, [&apis, &stages, &integrations, &routes, &deployments]);
    Clients { rest, http }
}

fn ecs() -> aws_sdk_ecs::Client {
    use aws_sdk_ecs::operation::*;
    use aws_sdk_ecs::types::Service;
    let clusters = mock!(aws_sdk_ecs::Client::list_clusters)
        .then_output(|| list_clusters::ListClustersOutput::builder().cluster_arns(CLUSTER_ARN).build());
    let describe = mock!(aws_sdk_ecs::Client::describe_clusters).then_output(|| {
        describe_clusters::DescribeClustersOutput::builder()
            .clusters(aws_sdk_ecs::types::Cluster::builder().cluster_arn(CLUSTER_ARN).cluster_name("web").status("ACTIVE").build())
            .build()
    });
    let services = mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
        list_services::ListServicesOutput::builder()
            .service_arns("arn:aws:ecs:eu-west-1:123456789012:service/web/api")
            .service_arns("arn:aws:ecs:eu-west-1:123456789012:service/web/web")
            .build()
    });
    let described = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        let service = |n: &str| {
            Service::builder().service_name(n).cluster_arn(CLUSTER_ARN).status("ACTIVE").desired_count(1).running_count(1).build()
        };
        describe_services::DescribeServicesOutput::builder().services(service("api")).services(service("web")).build()
    });
    let tasks = mock!(aws_sdk_ecs::Client::list_tasks).then_output(|| list_tasks::ListTasksOutput::builder().build());
    let instances = mock!(aws_sdk_ecs::Client::list_container_instances)
        .then_output(|| list_container_instances::ListContainerInstancesOutput::builder().build());
    mock_client!(aws_sdk_ecs, RuleMode::MatchAny, [&clusters, &describe, &services, &described, &tasks, &instances])
}

fn live(cw: aws_sdk_cloudwatch::Client) -> Live {
    let region = RegionClients::new("eu-west-1", cw.clone())
        .with_alarms(cw)
        .with::<Lambda>(functions(2))
        .with::<ApiGateway>(http_api())
        .with::<Ecs>(ecs());
    Live::from_clients(crate::common::mock_options(), vec![region], sts())
}

fn loaded<S: Registered>(out: Vec<DataMsg>) -> S::Data {
    let mut data = None;
    for m in out {
        match m {
            DataMsg::Loaded { payload, .. } => data = S::payload(payload),
            DataMsg::Failed { .. } => panic!("nothing fails here: {m:?}"),
            _ => {}
        }
    }
    data.expect("the room's data")
}

type Row<'a> = (&'a str, &'a str, f64, Option<f64>, Option<f64>);

fn rows(u: &[Unusual]) -> Vec<Row<'_>> {
    let mut r: Vec<Row> = u.iter().map(|u| (u.resource.as_str(), u.metric, u.now, u.week_ago, u.band)).collect();
    r.sort_by(|a, b| a.0.cmp(b.0));
    r
}

#[tokio::test]
async fn api_stages_and_ecs_services_with_a_detector_are_judged_by_their_band_and_one_lookup_serves_the_region() {
    let looked = detectors();
    let calls: Calls = Default::default();
    let c = calls.clone();
    let gmd = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |r| answer(r, &c));
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&looked, &gmd]);
    let live = live(cw);
    let r = &live.regions[0];
    let lambda = loaded::<Lambda>(Lambda::once(&live, r).await);
    let apis: ApiGatewayData = loaded::<ApiGateway>(ApiGateway::once(&live, r).await);
    let ecs: EcsData = loaded::<Ecs>(Ecs::once(&live, r).await);
    assert_eq!(looked.num_calls(), 1, "one lookup serves every room of the region");
    assert!(lambda.functions.iter().any(|f| f.stats.band.is_some()), "Lambda's band came from the same lookup");

    // Every band went in the call of the metric it names.
    let calls = calls.lock().unwrap().clone();
    assert!(calls.iter().any(|(_, named)| !named.is_empty()));
    for (ids, named) in &calls {
        assert!(named.iter().all(|n| ids.contains(n)), "{named:?} named outside its call {ids:?}");
    }

    // API Gateway: prod by its band (as many 5xx as last week, yet above
    // it), beta week over week (twenty times last week's).
    let stage = |n: &str| apis.apis[0].stages.iter().find(|s| s.name == n).unwrap();
    let band = stage("prod").metrics.band.clone().expect("prod's band");
    assert_eq!((band.errors_5xx, band.requests, band.errors_4xx, band.latency_avg_ms), (Some(10.0), None, None, None));
    assert_eq!(stage("prod").metrics.errors_5xx, Some(40.0));
    assert_eq!(stage("beta").metrics.band, None, "no detector, no band: never a zero one");
    let unusual = ApiGateway::unusual(&apis);
    assert_eq!(
        rows(&unusual),
        [
            ("storefront/beta", "errors_5xx", 40.0, Some(2.0), None),
            ("storefront/prod", "errors_5xx", 40.0, Some(40.0), Some(10.0)),
        ]
    );
    let prod = unusual.iter().find(|u| u.resource == "storefront/prod").unwrap();
    assert_eq!(prod.ratio, 4.0);
    assert!(prod.why.contains("above its anomaly band"), "{}", prod.why);
    let beta = unusual.iter().find(|u| u.resource == "storefront/beta").unwrap();
    assert!(beta.why.contains("a week ago") && beta.ratio == 20.0, "{beta:?}");
    let settings = awstop::services::Settings::default();
    let out = serde_json::to_value(ApiGateway::snapshot(&apis, &settings)).unwrap();
    let stages = out["apis"][0]["stages"].as_array().unwrap();
    let of = |n: &str| stages.iter().find(|s| s["name"] == n).unwrap();
    assert_eq!(of("prod")["anomaly_band"]["errors_5xx"], 10.0);
    assert!(of("prod")["anomaly_band"]["requests"].is_null());
    assert_eq!(of("prod")["metrics_week_ago"]["errors_5xx"], 40.0);
    assert!(of("beta").get("anomaly_band").is_none(), "{}", of("beta"));

    // ECS: api by its band (as busy as last week, yet above it), web week
    // over week.
    let service = |n: &str| ecs.clusters[0].services.iter().find(|s| s.name == n).unwrap();
    let band = service("api").band.expect("api's band");
    assert_eq!((band.cpu_pct, band.memory_pct), (Some(30.0), None));
    assert_eq!(service("web").band, None);
    let unusual = Ecs::unusual(&ecs);
    assert_eq!(
        rows(&unusual),
        [("web/api", "cpu_pct", 60.0, Some(60.0), Some(30.0)), ("web/web", "cpu_pct", 80.0, Some(30.0), None)]
    );
    let api = unusual.iter().find(|u| u.resource == "web/api").unwrap();
    assert!(api.why.contains("above its anomaly band") && api.ratio == 2.0, "{api:?}");
    let out = serde_json::to_value(Ecs::snapshot(&ecs, &settings)).unwrap();
    let services = out["clusters"][0]["services"].as_array().unwrap();
    let of = |n: &str| services.iter().find(|s| s["name"] == n).unwrap();
    assert_eq!(of("api")["anomaly_band"]["cpu_pct"], 30.0);
    assert!(of("api")["anomaly_band"]["memory_pct"].is_null());
    assert!(of("web").get("anomaly_band").is_none(), "{}", of("web"));
}
