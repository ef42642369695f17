//! Anomaly bands where the account already has detectors: a function whose
//! Errors have a detector is judged by its band, read in the same
//! GetMetricData call as the metric; another is judged against last week;
//! and a DescribeAnomalyDetectors that fails leaves every metric read.
//! moto has no anomaly detectors (a 500) and answers metric math with empty
//! series (DESIGN.md §9), so CloudWatch is mocked.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatch::operation::describe_anomaly_detectors::{DescribeAnomalyDetectorsError, DescribeAnomalyDetectorsOutput};
use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataInput, GetMetricDataOutput};
use aws_sdk_cloudwatch::types::{AnomalyDetector, AnomalyDetectorStateValue, Dimension, MetricDataResult, SingleMetricAnomalyDetector};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;

use awstop::services::lambda::{self, Function, LambdaData, Read, Sweep};
use awstop::services::live::{Live, RegionClients};
use awstop::services::msg::DataMsg;
use awstop::services::room::{Registered, RoomLive};
use awstop::services::Lambda;

use crate::budget::{functions, name, sts};

/// Each GetMetricData call: its query ids, and the ids its expressions name.
type Calls = Arc<Mutex<Vec<(HashSet<String>, Vec<String>)>>>;

/// Errors now and a week ago: the first function as many as last week
/// (steady), the second twenty times last week's. Every function ran 300
/// times in each window; the band's upper edge for the first one's errors
/// is 10 over the window.
fn answer(r: &GetMetricDataInput, calls: &Calls) -> GetMetricDataOutput {
    let at = r.start_time().cloned().unwrap();
    let week = at.secs() < chrono::Utc::now().timestamp() - 6 * 86_400;
    let ids = r.metric_data_queries().iter().filter_map(|q| q.id().map(str::to_string)).collect();
    let named = r
        .metric_data_queries()
        .iter()
        .filter_map(|q| q.expression())
        .flat_map(awstop::aws::cloudwatch::refs)
        .filter(|n| n.starts_with(|c: char| c.is_ascii_lowercase()))
        .collect();
    calls.lock().unwrap().push((ids, named));
    let point = |id: &str, v: f64| MetricDataResult::builder().id(id).timestamps(at).values(v).build();
    let mut out = Vec::new();
    for q in r.metric_data_queries() {
        let id = q.id().unwrap_or_default();
        if let Some(e) = q.expression() {
            assert!(e.starts_with("ANOMALY_DETECTION_BAND(") && e.contains("_err"), "{e}");
            // Both edges under the query's one id, as CloudWatch answers.
            out.push(point(id, 10.0));
            out.push(point(id, 0.0));
            continue;
        }
        let Some(stat) = q.metric_stat() else { continue };
        let metric = stat.metric().and_then(|m| m.metric_name()).unwrap_or_default();
        let function = stat
            .metric()
            .and_then(|m| m.dimensions().iter().find_map(|d| d.value()))
            .unwrap_or_default()
            .to_string();
        let v = match metric {
            "Invocations" => 300.0,
            "Errors" if function == name(1) && week => 2.0,
            "Errors" => 40.0,
            "Duration" => 50.0,
            _ => 0.0,
        };
        out.push(point(id, v));
    }
    GetMetricDataOutput::builder().set_metric_data_results(Some(out)).build()
}

fn metrics(calls: &Calls) -> Rule {
    let c = calls.clone();
    mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |r| answer(r, &c))
}

fn live(cw: aws_sdk_cloudwatch::Client) -> Live {
    let region = RegionClients::new("eu-west-1", cw.clone()).with_alarms(cw).with::<Lambda>(functions(2));
    Live::from_clients(crate::common::mock_options(), vec![region], sts())
}

fn loaded(out: Vec<DataMsg>) -> (LambdaData, Vec<DataMsg>) {
    let mut data = None;
    let mut rest = Vec::new();
    for m in out {
        match m {
            DataMsg::Loaded { payload, .. } => data = Lambda::payload(payload),
            m => rest.push(m),
        }
    }
    (data.expect("Lambda data"), rest)
}

fn by_name<'a>(d: &'a LambdaData, n: &str) -> &'a Function {
    d.functions.iter().find(|f| f.name == n).unwrap()
}

#[tokio::test]
async fn a_function_with_a_detector_is_judged_by_its_band_and_one_without_against_last_week() {
    let detectors = mock!(aws_sdk_cloudwatch::Client::describe_anomaly_detectors).then_output(|| {
        DescribeAnomalyDetectorsOutput::builder()
            .anomaly_detectors(
                AnomalyDetector::builder()
                    .single_metric_anomaly_detector(
                        SingleMetricAnomalyDetector::builder()
                            .namespace("AWS/Lambda")
                            .metric_name("Errors")
                            .dimensions(Dimension::builder().name("FunctionName").value(name(0)).build())
                            .stat("Sum")
                            .build(),
                    )
                    .state_value(AnomalyDetectorStateValue::Trained)
                    .build(),
            )
            .build()
    });
    let calls: Calls = Default::default();
    let gmd = metrics(&calls);
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&detectors, &gmd]);
    let live = live(cw);
    let (d, failed) = loaded(Lambda::once(&live, &live.regions[0]).await);
    assert_eq!(detectors.num_calls(), 1);
    // The band went in the call of the metric it names.
    let calls = calls.lock().unwrap().clone();
    let with_band: Vec<_> = calls.iter().filter(|(_, named)| !named.is_empty()).collect();
    assert_eq!(with_band.len(), 1, "{calls:?}");
    for (ids, named) in &with_band {
        assert!(named.iter().all(|n| ids.contains(n)), "{named:?} named outside its call {ids:?}");
    }
    assert!(failed.is_empty(), "{failed:?}");

    let banded = by_name(&d, &name(0));
    let band = banded.stats.band.as_ref().expect("the band of the function with a detector");
    assert_eq!((band.errors, band.invocations, band.duration_avg_ms), (Some(10.0), None, None));
    assert_eq!(banded.stats.errors, Some(40.0));
    let plain = by_name(&d, &name(1));
    assert_eq!(plain.stats.band, None, "no detector, no band: never a zero one");
    assert_eq!(plain.stats.week_ago.as_ref().map(|w| w.errors), Some(2.0));

    // As many errors as last week, yet above its band: unusual by the band.
    // The other, twenty times last week's: unusual week over week.
    let unusual = lambda::weekago::unusual(&d.functions);
    type Row<'a> = (&'a str, &'a str, f64, Option<f64>, Option<f64>, f64);
    let got: Vec<Row> =
        unusual.iter().map(|u| (u.resource.as_str(), u.metric, u.now, u.week_ago, u.band, u.ratio)).collect();
    assert_eq!(
        got,
        [
            (name(0).as_str(), "errors", 40.0, Some(40.0), Some(10.0), 4.0),
            (name(1).as_str(), "errors", 40.0, Some(2.0), None, 20.0),
        ]
    );
    assert!(unusual[0].why.contains("above its anomaly band"), "{}", unusual[0].why);
    assert!(unusual[1].why.contains("a week ago"), "{}", unusual[1].why);
    let json = serde_json::to_value(&unusual).unwrap();
    assert_eq!(json[0]["band"], 10.0);
    assert!(json[1].get("band").is_none(), "{json}");
}

#[tokio::test]
async fn a_refused_detector_lookup_leaves_every_metric_read_and_is_not_asked_again_soon() {
    let denied = mock!(aws_sdk_cloudwatch::Client::describe_anomaly_detectors).then_error(|| {
        DescribeAnomalyDetectorsError::generic(
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message("User: arn:aws:sts::123456789012:assumed-role/ReadOnly/x is not authorized to perform: cloudwatch:DescribeAnomalyDetectors")
                .build(),
        )
    });
    let calls: Calls = Default::default();
    let gmd = metrics(&calls);
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&denied, &gmd]);
    let live = live(cw);
    let inventory: Vec<Function> = (0..2)
        .map(|i| Function { name: name(i).into(), region: "eu-west-1".into(), ..Default::default() })
        .collect();
    let mut sweep = Sweep::default();
    let r = &live.regions[0];
    for _ in 0..2 {
        let (d, failed) = loaded(lambda::fetch(&live, r, inventory.clone(), None, &[], &mut sweep, Read::Metrics, None).await);
        assert!(failed.is_empty(), "a refused lookup only means no bands: {failed:?}");
        for f in &d.functions {
            assert_eq!((f.stats.invocations, f.stats.errors), (Some(300.0), Some(40.0)), "{}", f.name);
            assert_eq!(f.stats.band, None);
        }
        // Judged week over week: the second function's errors only.
        let unusual = lambda::weekago::unusual(&d.functions);
        assert_eq!(unusual.iter().map(|u| u.resource.as_str()).collect::<Vec<_>>(), [name(1).as_str()]);
    }
    assert_eq!(denied.num_calls(), 1, "refused once, not asked again within 15 minutes");
    assert!(calls.lock().unwrap().iter().all(|(_, named)| named.is_empty()), "no band asked without a detector");
}
