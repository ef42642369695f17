//! CloudWatch DescribeAnomalyDetectors: the anomaly detectors an account
//! already has in a region, every page, looked up once for every room of
//! the region (`Looked`) and matched by each room against its own queries
//! (namespace, metric, statistic and dimensions). Only read: a detector is
//! never created (that is a write, and a charge). Where one exists, its
//! band (`ANOMALY_DETECTION_BAND`) says what is normal for that figure
//! instead of last week's window (docs/baseline.md).

use std::collections::BTreeSet;
use std::sync::Arc;

use aws_sdk_cloudwatch::config::retry::RetryConfig;
use aws_sdk_cloudwatch::types::{AnomalyDetectorStateValue, AnomalyDetectorType};

use super::cloudwatch::Query;
use super::AwsError;

/// Items a page: DescribeAnomalyDetectors' maximum.
pub const PAGE: i32 = 100;
/// Pages read at most in one look.
pub const MAX_PAGES: usize = 20;

/// A detector of one metric and statistic, by its dimensions (sorted by name).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Detector {
    pub namespace: String,
    pub metric: String,
    pub stat: String,
    pub dims: Vec<(String, String)>,
}

impl Detector {
    pub fn new(namespace: &str, metric: &str, stat: &str, dims: &[(&str, &str)]) -> Detector {
        let mut dims: Vec<(String, String)> = dims.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        dims.sort();
        Detector { namespace: namespace.into(), metric: metric.into(), stat: stat.into(), dims }
    }

    /// The detector `q` (a metric query) would have.
    pub fn of(q: &Query) -> Detector {
        let dims: Vec<(&str, &str)> = q.dims.iter().map(|(n, v)| (*n, v.as_str())).collect();
        Detector::new(q.namespace, q.metric, &q.stat, &dims)
    }
}

/// The region's single-metric detectors, of every namespace; those still
/// waiting for their first training have no band yet and are left out.
pub async fn detectors(client: &aws_sdk_cloudwatch::Client, endpoint: Option<&str>) -> Result<BTreeSet<Detector>, AwsError> {
    let mut out = BTreeSet::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .describe_anomaly_detectors()
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
            let dims: Option<Vec<(&str, &str)>> = dims.iter().map(|x| Some((x.name()?, x.value()?))).collect();
            if let (Some(namespace), Some(metric), Some(dims), Some(stat)) = (namespace, metric, dims, stat) {
                out.insert(Detector::new(namespace, metric, stat, &dims));
            }
        }
        match page.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// One account-region's detectors and when they were looked up (a failed
/// look counts, as none), shared by every room of the region: rooms that
/// ask together wait for one lookup, and none looks again before `every`
/// has passed.
#[derive(Default)]
pub struct Looked {
    slot: tokio::sync::Mutex<Option<(tokio::time::Instant, Arc<BTreeSet<Detector>>)>>,
}

impl Looked {
    /// The detectors, from the last look or looked up now; a lookup that
    /// fails means none, and is logged: metrics never wait on it.
    pub async fn get(
        &self,
        client: &aws_sdk_cloudwatch::Client,
        endpoint: Option<&str>,
        region: &str,
        every: std::time::Duration,
    ) -> Arc<BTreeSet<Detector>> {
        let mut slot = self.slot.lock().await;
        if let Some((at, d)) = slot.as_ref() {
            if at.elapsed() < every {
                return d.clone();
            }
        }
        let found = match detectors(client, endpoint).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(region = %region, operation = %e.operation, "no anomaly bands: {}", e.message);
                BTreeSet::new()
            }
        };
        let found = Arc::new(found);
        *slot = Some((tokio::time::Instant::now(), found.clone()));
        found
    }
}

/// `queries` with a band query right after each metric query `band_id`
/// names a band for (`Some(id)`) that has a detector:
/// `ANOMALY_DETECTION_BAND(<its id>, 2)`. An expression can only name a
/// query of its own call, and the calls are cut in order, never between
/// the two (`cloudwatch::fetch_mixed`).
pub fn with_bands(queries: Vec<Query>, detectors: &BTreeSet<Detector>, band_id: impl Fn(&Query) -> Option<String>) -> Vec<Query> {
    if detectors.is_empty() {
        return queries;
    }
    let mut out = Vec::with_capacity(queries.len());
    for q in queries {
        let band = (!q.is_expression())
            .then(|| band_id(&q))
            .flatten()
            .filter(|_| detectors.contains(&Detector::of(&q)))
            .map(|id| Query::expression(id, format!("ANOMALY_DETECTION_BAND({}, 2)", q.id)));
        out.push(q);
        out.extend(band);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::operation::describe_anomaly_detectors::{DescribeAnomalyDetectorsInput, DescribeAnomalyDetectorsOutput};
    use aws_sdk_cloudwatch::types::{AnomalyDetector, Dimension, SingleMetricAnomalyDetector};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    const REFRESH: std::time::Duration = std::time::Duration::from_secs(900);

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
            .match_requests(|r: &DescribeAnomalyDetectorsInput| r.next_token().is_none() && r.namespace().is_none())
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
                // A detector by alias: two dimensions, kept as they are.
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
        let got = detectors(&client, None).await.unwrap();
        let api = Detector::new("AWS/Lambda", "Errors", "Sum", &[("Resource", "api:live"), ("FunctionName", "api")]);
        let want = [
            Detector::new("AWS/Lambda", "Duration", "Sum", &[("FunctionName", "orders")]),
            Detector::new("AWS/Lambda", "Errors", "Sum", &[("FunctionName", "api"), ("Resource", "api:live")]),
            Detector::new("AWS/Lambda", "Errors", "Sum", &[("FunctionName", "checkout")]),
        ];
        assert_eq!(got.iter().cloned().collect::<Vec<_>>(), want);
        assert!(got.contains(&api), "dimensions match in any order");
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn one_lookup_serves_every_room_of_the_region_until_the_refresh() {
        let rule = mock!(aws_sdk_cloudwatch::Client::describe_anomaly_detectors).then_output(|| {
            DescribeAnomalyDetectorsOutput::builder()
                .anomaly_detectors(detector("checkout", "Errors", AnomalyDetectorStateValue::Trained))
                .build()
        });
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
        let looked = Looked::default();
        // Lambda, API Gateway and ECS asking at once, then again.
        let (a, b, c) = tokio::join!(
            looked.get(&client, None, "eu-west-1", REFRESH),
            looked.get(&client, None, "eu-west-1", REFRESH),
            looked.get(&client, None, "eu-west-1", REFRESH)
        );
        let again = looked.get(&client, None, "eu-west-1", REFRESH).await;
        assert_eq!(rule.num_calls(), 1);
        assert!(a.len() == 1 && a == b && b == c && c == again, "{a:?}");
        tokio::time::advance(REFRESH).await;
        looked.get(&client, None, "eu-west-1", REFRESH).await;
        assert_eq!(rule.num_calls(), 2, "looked up again after the refresh");
    }

    #[test]
    fn a_band_follows_only_the_metric_with_a_detector_and_the_dimensions_must_match() {
        let q = |id: &str, stage: &str| Query {
            id: id.into(),
            namespace: "AWS/ApiGateway",
            metric: "5XXError",
            dims: vec![("Stage", stage.to_string()), ("ApiName", "orders".to_string())],
            stat: "Sum".into(),
            period_s: 60,
            optional: false,
        };
        let d: BTreeSet<Detector> = [Detector::new("AWS/ApiGateway", "5XXError", "Sum", &[("ApiName", "orders"), ("Stage", "prod")])].into();
        let got = with_bands(vec![q("s0_e5", "prod"), q("s1_e5", "beta"), q("s2_e5", "prod")], &d, |q| {
            (q.id != "s2_e5").then(|| q.id.replace('_', "_b"))
        });
        let ids: Vec<(&str, &str)> = got.iter().map(|q| (q.id.as_str(), if q.is_expression() { q.stat.as_str() } else { "" })).collect();
        assert_eq!(ids, [("s0_e5", ""), ("s0_be5", "ANOMALY_DETECTION_BAND(s0_e5, 2)"), ("s1_e5", ""), ("s2_e5", "")]);
    }
}
