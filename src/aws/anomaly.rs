//! CloudWatch DescribeAnomalyDetectors: the anomaly detectors an account
//! already has in a region for Lambda functions' metrics, every page. Only
//! read: a detector is never created (that is a write, and a charge). Where
//! one exists, its band (`ANOMALY_DETECTION_BAND`) says what is normal for
//! that function instead of last week's window (docs/baseline.md).

use std::collections::BTreeSet;

use aws_sdk_cloudwatch::config::retry::RetryConfig;
use aws_sdk_cloudwatch::types::{AnomalyDetectorStateValue, AnomalyDetectorType};

use super::AwsError;

/// Items a page: DescribeAnomalyDetectors' maximum.
pub const PAGE: i32 = 100;
/// Pages read at most in one look.
pub const MAX_PAGES: usize = 20;

/// A detector of one Lambda function's metric and statistic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Detector {
    pub function: String,
    pub metric: String,
    pub stat: String,
}

/// The region's detectors of `AWS/Lambda` metrics by `FunctionName` alone;
/// those still waiting for their first training have no band yet and are
/// left out.
pub async fn lambda_detectors(client: &aws_sdk_cloudwatch::Client, endpoint: Option<&str>) -> Result<BTreeSet<Detector>, AwsError> {
    let mut out = BTreeSet::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .describe_anomaly_detectors()
            .namespace("AWS/Lambda")
            .anomaly_detector_types(AnomalyDetectorType::SingleMetric)
            .max_results(PAGE)
            .set_next_token(token.take())
            // The screen's metrics wait for this look: one that fails is
            // tried again in 15 minutes, not three times now.
            .customize()
            .config_override(aws_sdk_cloudwatch::config::Builder::new().retry_config(RetryConfig::disabled()))
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&e, endpoint).during("DescribeAnomalyDetectors"))?;
        for d in page.anomaly_detectors() {
            if d.state_value() == Some(&AnomalyDetectorStateValue::PendingTraining) {
                continue;
            }
            #[allow(deprecated)]
            let (namespace, metric, dims, stat) = match d.single_metric_anomaly_detector() {
                Some(s) => (s.namespace(), s.metric_name(), s.dimensions(), s.stat()),
                // Detectors made before the single-metric form carry these.
                None => (d.namespace(), d.metric_name(), d.dimensions(), d.stat()),
            };
            let function = match dims {
                [one] if one.name() == Some("FunctionName") => one.value(),
                _ => None,
            };
            if let (Some("AWS/Lambda"), Some(metric), Some(function), Some(stat)) = (namespace, metric, function, stat) {
                out.insert(Detector { function: function.into(), metric: metric.into(), stat: stat.into() });
            }
        }
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::operation::describe_anomaly_detectors::{DescribeAnomalyDetectorsInput, DescribeAnomalyDetectorsOutput};
    use aws_sdk_cloudwatch::types::{AnomalyDetector, Dimension, SingleMetricAnomalyDetector};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn detector(function: &str, metric: &str, state: AnomalyDetectorStateValue) -> AnomalyDetector {
        AnomalyDetector::builder()
            .single_metric_anomaly_detector(
                SingleMetricAnomalyDetector::builder()
                    .namespace("AWS/Lambda")
                    .metric_name(metric)
                    .dimensions(Dimension::builder().name("FunctionName").value(function).build())
                    .stat("Sum")
                    .build(),
            )
            .state_value(state)
            .build()
    }

    #[tokio::test]
    async fn every_page_is_read_and_only_functions_trained_detectors_kept() {
        let first = mock!(aws_sdk_cloudwatch::Client::describe_anomaly_detectors)
            .match_requests(|r: &DescribeAnomalyDetectorsInput| r.next_token().is_none() && r.namespace() == Some("AWS/Lambda"))
            .then_output(|| {
                DescribeAnomalyDetectorsOutput::builder()
                    .anomaly_detectors(detector("checkout", "Errors", AnomalyDetectorStateValue::Trained))
                    .anomaly_detectors(detector("fresh", "Errors", AnomalyDetectorStateValue::PendingTraining))
                    .next_token("p2")
                    .build()
            });
        let second = mock!(aws_sdk_cloudwatch::Client::describe_anomaly_detectors)
            .match_requests(|r: &DescribeAnomalyDetectorsInput| r.next_token() == Some("p2"))
            .then_output(|| {
                // A detector by alias (two dimensions) has no function's band.
                let by_alias = AnomalyDetector::builder()
                    .single_metric_anomaly_detector(
                        SingleMetricAnomalyDetector::builder()
                            .namespace("AWS/Lambda")
                            .metric_name("Errors")
                            .dimensions(Dimension::builder().name("FunctionName").value("api").build())
                            .dimensions(Dimension::builder().name("Resource").value("api:live").build())
                            .stat("Sum")
                            .build(),
                    )
                    .state_value(AnomalyDetectorStateValue::Trained)
                    .build();
                DescribeAnomalyDetectorsOutput::builder()
                    .anomaly_detectors(detector("orders", "Duration", AnomalyDetectorStateValue::TrainedInsufficientData))
                    .anomaly_detectors(by_alias)
                    .build()
            });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&first, &second]);
        let got = lambda_detectors(&client, None).await.unwrap();
        let names: Vec<(&str, &str)> = got.iter().map(|d| (d.function.as_str(), d.metric.as_str())).collect();
        assert_eq!(names, [("checkout", "Errors"), ("orders", "Duration")]);
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }
}
