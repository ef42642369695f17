//! Amazon API Gateway: REST (v1), HTTP and WebSocket (v2) APIs, their stages
//! with the window's traffic, errors and latency, and their routes with the
//! Lambda functions behind them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::series::Series;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiGatewayData {
    pub apis: Vec<Api>,
    /// API families whose list could not be read this refresh (`REST`,
    /// `V2`): the dashboard keeps their rows from before instead of
    /// erasing them for one failed call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
}

impl ApiGatewayData {
    /// The API `id` of `at`'s account and region.
    pub fn api(&self, at: &crate::scope::Scope, id: &str) -> Option<&Api> {
        use crate::scope::Scoped;
        self.apis.iter().find(|a| a.id == id && a.in_scope(at))
    }
}

/// The deployment times of `created` inside the last `window` minutes,
/// newest first: an API deployed every day keeps no history here.
pub fn inside_window(mut created: Vec<DateTime<Utc>>, window: u32) -> Vec<DateTime<Utc>> {
    let since = Utc::now() - chrono::Duration::minutes(i64::from(window));
    created.retain(|t| *t >= since);
    created.sort_by(|a, b| b.cmp(a));
    created
}

/// Whether an API's deployments are worth listing: a deployment to a stage
/// moves the stage's `lastUpdatedDate`, so an API whose stages all say they
/// were last updated before the window has nothing new to list, and costs no
/// GetDeployments call (its deployments are its whole history). A stage
/// without the date (moto's) is read.
pub fn deployed_lately(stages: &[Stage], window: u32) -> bool {
    let since = Utc::now() - chrono::Duration::minutes(i64::from(window));
    stages.iter().any(|s| s.updated_at.is_none_or(|t| t >= since))
}

/// A 5XX rate at or above this is flagged (`!`) and listed on the Overview.
pub const ERROR_RATE_ALERT_PCT: f64 = 1.0;

/// The family an API's list call belongs to: REST APIs come from
/// GetRestApis, HTTP and WebSocket ones from GetApis.
pub fn family(protocol: &str) -> &'static str {
    if protocol == "REST" {
        "REST"
    } else {
        "V2"
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Api {
    pub id: String,
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    /// REST, HTTP or WEBSOCKET.
    pub protocol: String,
    /// EDGE, REGIONAL or PRIVATE (REST only; v2 APIs are regional).
    pub endpoint_type: Option<String>,
    /// The default invoke URL.
    #[serde(default)]
    pub url: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub stages: Vec<Stage>,
    /// `None`: not read (the call failed).
    pub routes: Option<Vec<Route>>,
    /// When the API's deployments inside the window were created
    /// (GetDeployments), newest first; older ones are not kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployed: Vec<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    pub name: String,
    /// Per-method (REST) or per-route (v2) metrics are on.
    pub detailed_metrics: bool,
    pub metrics: StageMetrics,
    /// When the stage was created and last changed (a deployment to it, a
    /// setting); `None` where the service did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Over the window. `None`: not read or not published, never 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageMetrics {
    pub requests: Option<f64>,
    pub errors_4xx: Option<f64>,
    pub errors_5xx: Option<f64>,
    /// Requests-weighted over the window's minutes.
    pub latency_avg_ms: Option<f64>,
    /// Over the whole window (REST only: CloudWatch's percentile of Latency).
    pub latency_p99_ms: Option<f64>,
    pub integration_latency_avg_ms: Option<f64>,
    /// WebSocket only.
    pub connects: Option<f64>,
    pub messages: Option<f64>,
    pub client_errors: Option<f64>,
    pub execution_errors: Option<f64>,
    pub series: Option<StageSeries>,
    /// On its way: the dashboard's first read sends the APIs before their
    /// metrics. Drawn as `…`, never written to a snapshot.
    #[serde(skip)]
    pub pending: bool,
    /// The same window seven days earlier (`baseline`); `None`: not read
    /// (never zero). REST and HTTP stages only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub week_ago: Option<StageWeekAgo>,
    /// The upper edges of the anomaly bands the account's own detectors
    /// draw for its figures over the window; `None`: no detector, or not
    /// read (never zero). REST and HTTP stages only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<StageBand>,
}

/// The window's upper band edges (`ANOMALY_DETECTION_BAND`, two standard
/// deviations) of the figures a detector exists for: the counts the sum of
/// the per-minute edges, the latency their requests-weighted mean.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageBand {
    pub requests: Option<f64>,
    pub errors_4xx: Option<f64>,
    pub errors_5xx: Option<f64>,
    pub latency_avg_ms: Option<f64>,
}

impl StageBand {
    /// The upper edge of the figure keyed as in the snapshot's `metrics`.
    pub fn get(&self, key: &str) -> Option<f64> {
        match key {
            "requests" => self.requests,
            "errors_4xx" => self.errors_4xx,
            "errors_5xx" => self.errors_5xx,
            "latency_avg_ms" => self.latency_avg_ms,
            _ => None,
        }
    }
}

/// A stage's window seven days earlier: sums, zero when CloudWatch had no
/// datapoints; the latency `None` when nothing was asked of the stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageWeekAgo {
    pub requests: f64,
    pub errors_4xx: f64,
    pub errors_5xx: f64,
    pub latency_avg_ms: Option<f64>,
}

/// Per minute over the window; for WebSocket stages, messages and
/// execution errors stand in for requests and 5XX.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageSeries {
    /// The first minute's start: where a change is marked on the graphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    pub requests: Series,
    pub errors_5xx: Series,
    pub latency_avg_ms: Series,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// `GET /orders/{id}` (REST: method and resource path), or the v2 route
    /// key (`GET /cart`, `$connect`).
    pub key: String,
    /// The Lambda function the route invokes, by name.
    pub function: Option<String>,
    /// What a route that is not Lambda goes to: `HTTP_PROXY https://…`, `MOCK`.
    pub integration: Option<String>,
    /// The function's errors over the window: joined from Lambda by the
    /// dashboard, never sent by a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<f64>,
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

impl StageMetrics {
    /// Requests, or a WebSocket stage's messages.
    pub fn traffic(&self) -> Option<f64> {
        self.requests.or(self.messages)
    }
    /// 5XX, or a WebSocket stage's execution errors.
    pub fn server_errors(&self) -> Option<f64> {
        self.errors_5xx.or(self.execution_errors)
    }
    /// 4XX, or a WebSocket stage's client errors.
    pub fn client_side_errors(&self) -> Option<f64> {
        self.errors_4xx.or(self.client_errors)
    }
    /// `None` without traffic: no requests is not a 0% error rate.
    pub fn error_5xx_rate_pct(&self) -> Option<f64> {
        rate(self.server_errors(), self.traffic())
    }
    /// What API Gateway itself adds on top of the backend.
    pub fn overhead_ms(&self) -> Option<f64> {
        Some(round2((self.latency_avg_ms? - self.integration_latency_avg_ms?).max(0.0)))
    }
}

fn rate(errors: Option<f64>, requests: Option<f64>) -> Option<f64> {
    match (errors, requests) {
        (Some(e), Some(r)) if r > 0.0 => Some(round2(100.0 * e / r)),
        _ => None,
    }
}

impl Api {
    pub fn short_protocol(&self) -> &'static str {
        match self.protocol.as_str() {
            "REST" => "REST",
            "HTTP" => "HTTP",
            "WEBSOCKET" => "WS",
            _ => "?",
        }
    }

    /// The sum over stages of what was published; `None` when no stage was.
    fn total(&self, f: fn(&StageMetrics) -> Option<f64>) -> Option<f64> {
        self.stages.iter().filter_map(|s| f(&s.metrics)).reduce(|a, b| a + b)
    }

    /// Traffic-weighted over the stages that have both figures.
    fn weighted(&self, f: fn(&StageMetrics) -> Option<f64>) -> Option<f64> {
        let (mut w, mut n, mut plain, mut k) = (0.0, 0.0, 0.0, 0.0);
        for m in self.stages.iter().map(|s| &s.metrics) {
            let Some(v) = f(m) else { continue };
            let t = m.traffic().unwrap_or(0.0);
            w += v * t;
            n += t;
            plain += v;
            k += 1.0;
        }
        match (n > 0.0, k > 0.0) {
            (true, _) => Some(round2(w / n)),
            (false, true) => Some(round2(plain / k)),
            _ => None,
        }
    }

    pub fn requests(&self) -> Option<f64> {
        self.total(StageMetrics::traffic)
    }
    pub fn errors_4xx(&self) -> Option<f64> {
        self.total(StageMetrics::client_side_errors)
    }
    pub fn errors_5xx(&self) -> Option<f64> {
        self.total(StageMetrics::server_errors)
    }
    pub fn error_5xx_rate_pct(&self) -> Option<f64> {
        rate(self.errors_5xx(), self.requests())
    }
    pub fn latency_avg_ms(&self) -> Option<f64> {
        self.weighted(|m| m.latency_avg_ms)
    }
    pub fn integration_latency_avg_ms(&self) -> Option<f64> {
        self.weighted(|m| m.integration_latency_avg_ms)
    }
    /// The worst stage's.
    pub fn latency_p99_ms(&self) -> Option<f64> {
        self.stages.iter().filter_map(|s| s.metrics.latency_p99_ms).reduce(f64::max)
    }
    pub fn overhead_ms(&self) -> Option<f64> {
        Some(round2((self.latency_avg_ms()? - self.integration_latency_avg_ms()?).max(0.0)))
    }

    /// The Lambda functions behind the routes, sorted, each once.
    pub fn lambda_functions(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.routes.iter().flatten().filter_map(|r| r.function.as_deref()).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The stage with the most traffic: the one whose graphs the detail shows.
    pub fn busiest_stage(&self) -> Option<&Stage> {
        self.stages
            .iter()
            .filter(|s| s.metrics.series.is_some())
            .max_by(|a, b| a.metrics.traffic().unwrap_or(0.0).total_cmp(&b.metrics.traffic().unwrap_or(0.0)))
    }
}

/// The name of the Lambda function an integration URI invokes: either API
/// Gateway's invocation path
/// (`arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations`,
/// REST and WebSocket) or the function's ARN itself (HTTP APIs). A version
/// or alias after the name is dropped: Lambda's metrics are by name.
pub fn lambda_function(uri: &str) -> Option<String> {
    let arn = match uri.find("/functions/") {
        Some(i) => {
            let rest = &uri[i + "/functions/".len()..];
            rest.find("/invocations").map_or(rest, |j| &rest[..j])
        }
        None => uri,
    };
    // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "lambda", _, _, "function", name, ..] if !name.is_empty() => Some(name.to_string()),
        _ => None,
    }
}

/// A non-Lambda integration in a few words: its type and where it goes
/// (`HTTP_PROXY https://…`), an AWS service integration by service
/// (`AWS sqs`), a mock as `MOCK`.
pub fn integration_summary(kind: Option<&str>, uri: Option<&str>) -> Option<String> {
    let kind = kind.filter(|k| !k.is_empty());
    let target = uri.filter(|u| !u.is_empty()).map(|u| match u.strip_prefix("arn:") {
        Some(rest) if rest.split(':').nth(1) == Some("apigateway") => {
            rest.split(':').nth(3).unwrap_or(u).to_string()
        }
        _ => u.to_string(),
    });
    match (kind, target) {
        (Some(k), Some(t)) => Some(format!("{k} {t}")),
        (Some(k), None) => Some(k.to_string()),
        (None, t) => t,
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn only_an_api_with_a_stage_updated_inside_the_window_lists_its_deployments() {
        let at = |min: i64| Some(Utc::now() - chrono::Duration::minutes(min));
        let stage = |updated| Stage { updated_at: updated, ..Default::default() };
        assert!(!deployed_lately(&[stage(at(90)), stage(at(600))], 60));
        assert!(deployed_lately(&[stage(at(90)), stage(at(5))], 60));
        // A stage that does not say when it changed is read.
        assert!(deployed_lately(&[stage(None)], 60));
        assert!(!deployed_lately(&[], 60));
    }

    use super::*;

    #[test]
    fn lambda_names_come_from_both_uri_forms() {
        let invoke = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-api/invocations";
        assert_eq!(lambda_function(invoke).as_deref(), Some("orders-api"));
        let alias = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cart-service:live/invocations";
        assert_eq!(lambda_function(alias).as_deref(), Some("cart-service"));
        assert_eq!(
            lambda_function("arn:aws:lambda:us-east-1:123456789012:function:catalog-api").as_deref(),
            Some("catalog-api")
        );
        assert_eq!(
            lambda_function("arn:aws-cn:lambda:cn-north-1:123456789012:function:user-profile:7").as_deref(),
            Some("user-profile")
        );
        assert_eq!(lambda_function("https://example.com/orders"), None);
        assert_eq!(lambda_function("arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders"), None);
        assert_eq!(lambda_function(""), None);
    }

    #[test]
    fn other_integrations_are_summarised() {
        assert_eq!(integration_summary(Some("MOCK"), None).as_deref(), Some("MOCK"));
        assert_eq!(
            integration_summary(Some("HTTP_PROXY"), Some("https://legacy.example.com/{proxy}")).as_deref(),
            Some("HTTP_PROXY https://legacy.example.com/{proxy}")
        );
        assert_eq!(
            integration_summary(Some("AWS"), Some("arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders")).as_deref(),
            Some("AWS sqs")
        );
        assert_eq!(integration_summary(None, None), None);
    }

    #[test]
    fn api_totals_weigh_latency_by_requests_and_rates_need_traffic() {
        let stage = |name: &str, req: f64, e5: f64, lat: f64, p99: f64| Stage {
            name: name.into(),
            detailed_metrics: false,
            metrics: StageMetrics {
                requests: Some(req),
                errors_4xx: Some(0.0),
                errors_5xx: Some(e5),
                latency_avg_ms: Some(lat),
                latency_p99_ms: Some(p99),
                integration_latency_avg_ms: Some(lat - 5.0),
                ..Default::default()
            },
            ..Default::default()
        };
        let api = Api {
            stages: vec![stage("prod", 900.0, 9.0, 50.0, 300.0), stage("dev", 100.0, 1.0, 150.0, 900.0)],
            routes: Some(vec![
                Route { key: "GET /a".into(), function: Some("b".into()), ..Default::default() },
                Route { key: "GET /b".into(), function: Some("a".into()), ..Default::default() },
                Route { key: "POST /a".into(), function: Some("b".into()), ..Default::default() },
                Route { key: "GET /mock".into(), integration: Some("MOCK".into()), ..Default::default() },
            ]),
            ..Default::default()
        };
        assert_eq!(api.requests(), Some(1000.0));
        assert_eq!(api.errors_5xx(), Some(10.0));
        assert_eq!(api.error_5xx_rate_pct(), Some(1.0));
        assert_eq!(api.latency_avg_ms(), Some(60.0));
        assert_eq!(api.latency_p99_ms(), Some(900.0));
        assert_eq!(api.overhead_ms(), Some(5.0));
        assert_eq!(api.lambda_functions(), vec!["a", "b"]);
        let quiet = StageMetrics { requests: Some(0.0), errors_5xx: Some(0.0), ..Default::default() };
        assert_eq!(quiet.error_5xx_rate_pct(), None);
        assert_eq!(Api::default().requests(), None);
    }
}

crate::scoped!(Api);
