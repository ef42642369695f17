//! The `apigateway` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{ApiGatewayData, Stage, StageMetrics};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiGatewayOut {
    pub apis: Vec<ApiOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApiOut {
    pub id: String,
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    /// REST, HTTP or WEBSOCKET.
    pub protocol: String,
    /// EDGE, REGIONAL or PRIVATE; `null` for HTTP and WebSocket APIs.
    pub endpoint_type: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub stages: Vec<StageOut>,
    /// `null`: not read (the reason is in `errors`).
    pub routes: Option<Vec<RouteOut>>,
    pub lambda_functions: Vec<String>,
    /// Its requests at list price (`null`: its traffic was not read).
    pub cost: Option<crate::cost::CostOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageOut {
    pub name: String,
    pub detailed_metrics: bool,
    pub metrics: MetricsOut,
    /// The same window seven days earlier, under the same keys: requests,
    /// 4XX, 5XX and the average latency (the rest null); null as a whole
    /// when last week was not read (and for WebSocket stages).
    pub metrics_week_ago: Option<MetricsOut>,
    /// The upper edges of the anomaly bands the account's detectors draw
    /// for its figures over the window, under the same keys (null for a
    /// figure without one); absent when no band was read (docs/baseline.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anomaly_band: Option<MetricsOut>,
}

/// `null` for what was not read or not published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsOut {
    pub requests: Option<f64>,
    pub errors_4xx: Option<f64>,
    pub errors_5xx: Option<f64>,
    /// 100 × errors_5xx / requests; `null` without requests.
    pub error_5xx_rate_pct: Option<f64>,
    pub latency_avg_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    pub integration_latency_avg_ms: Option<f64>,
    /// WebSocket stages only.
    #[serde(flatten)]
    pub websocket: Option<WebSocketOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebSocketOut {
    pub connects: Option<f64>,
    pub messages: Option<f64>,
    pub client_errors: Option<f64>,
    pub execution_errors: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteOut {
    pub key: String,
    /// The Lambda function invoked; `null` for other integrations.
    pub function: Option<String>,
    /// What a route that is not Lambda goes to (`HTTP_PROXY https://…`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<String>,
}

fn metrics(m: &StageMetrics, websocket: bool) -> MetricsOut {
    MetricsOut {
        requests: m.requests,
        errors_4xx: m.errors_4xx,
        errors_5xx: m.errors_5xx,
        // From the HTTP counts only: a WebSocket stage has no requests.
        error_5xx_rate_pct: match (m.errors_5xx, m.requests) {
            (Some(e), Some(r)) if r > 0.0 => Some((10_000.0 * e / r).round() / 100.0),
            _ => None,
        },
        latency_avg_ms: m.latency_avg_ms,
        latency_p99_ms: m.latency_p99_ms,
        integration_latency_avg_ms: m.integration_latency_avg_ms,
        websocket: websocket.then_some(WebSocketOut {
            connects: m.connects,
            messages: m.messages,
            client_errors: m.client_errors,
            execution_errors: m.execution_errors,
        }),
    }
}

fn stage(s: &Stage, websocket: bool) -> StageOut {
    StageOut {
        name: s.name.clone(),
        detailed_metrics: s.detailed_metrics,
        metrics: metrics(&s.metrics, websocket),
        metrics_week_ago: s.metrics.week_ago.as_ref().map(|w| {
            let m = StageMetrics {
                requests: Some(w.requests),
                errors_4xx: Some(w.errors_4xx),
                errors_5xx: Some(w.errors_5xx),
                latency_avg_ms: w.latency_avg_ms,
                ..Default::default()
            };
            metrics(&m, false)
        }),
        anomaly_band: s.metrics.band.as_ref().map(|b| {
            let m = StageMetrics {
                requests: b.requests,
                errors_4xx: b.errors_4xx,
                errors_5xx: b.errors_5xx,
                latency_avg_ms: b.latency_avg_ms,
                ..Default::default()
            };
            let mut out = metrics(&m, false);
            // A rate of two bands' edges is no band.
            out.error_5xx_rate_pct = None;
            out
        }),
    }
}

pub fn apigateway(d: &ApiGatewayData, settings: &crate::services::Settings) -> ApiGatewayOut {
    let book = &settings.accounts;
    ApiGatewayOut {
        apis: d
            .apis
            .iter()
            .map(|a| {
                let websocket = a.protocol == "WEBSOCKET";
                ApiOut {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    account: book.id(&a.account).map(str::to_string),
                    region: a.region.clone(),
                    protocol: a.protocol.clone(),
                    endpoint_type: a.endpoint_type.clone(),
                    created_at: a.created_at,
                    stages: a.stages.iter().map(|s| stage(s, websocket)).collect(),
                    routes: a.routes.as_ref().map(|r| {
                        r.iter()
                            .map(|r| RouteOut {
                                key: r.key.clone(),
                                function: r.function.clone(),
                                integration: r.integration.clone(),
                            })
                            .collect()
                    }),
                    lambda_functions: a.lambda_functions().into_iter().map(str::to_string).collect(),
                    cost: super::cost::estimate(a, &settings.prices, settings.window).out(),
                }
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::domain::{Api, Route};

    #[test]
    fn the_section_has_the_documented_shape() {
        let d = ApiGatewayData {
            apis: vec![Api {
                id: "a1b2c3d4e5".into(),
                name: "orders".into(),
                region: "us-east-1".into(),
                protocol: "REST".into(),
                endpoint_type: Some("REGIONAL".into()),
                stages: vec![Stage {
                    name: "prod".into(),
                    detailed_metrics: false,
                    metrics: StageMetrics {
                        requests: Some(1250.0),
                        errors_4xx: Some(12.0),
                        errors_5xx: Some(3.0),
                        latency_avg_ms: Some(45.0),
                        latency_p99_ms: Some(300.0),
                        integration_latency_avg_ms: Some(40.0),
                        ..Default::default()
                    },
                    ..Default::default()
                }],
                routes: Some(vec![Route { key: "GET /orders".into(), function: Some("orders-api".into()), ..Default::default() }]),
                ..Default::default()
            }],
            unread: vec![],
        };
        let v = serde_json::to_value(apigateway(&d, &Default::default())).unwrap();
        let api = &v["apis"][0];
        assert_eq!(api["endpoint_type"], "REGIONAL");
        let m = &api["stages"][0]["metrics"];
        assert_eq!(m["error_5xx_rate_pct"], 0.24);
        assert!(m.get("connects").is_none(), "{m}");
        assert!(api["stages"][0]["metrics_week_ago"].is_null(), "not read: null, never zeros");
        assert_eq!(api["routes"][0], serde_json::json!({ "key": "GET /orders", "function": "orders-api" }));
        assert_eq!(api["lambda_functions"], serde_json::json!(["orders-api"]));
        // WebSocket stages add their own counts; unread routes are null.
        let mut ws = d.apis[0].clone();
        ws.protocol = "WEBSOCKET".into();
        ws.routes = None;
        let v = serde_json::to_value(apigateway(&ApiGatewayData { apis: vec![ws], unread: vec![] }, &Default::default())).unwrap();
        assert!(v["apis"][0]["routes"].is_null());
        assert!(v["apis"][0]["stages"][0]["metrics"]["connects"].is_null());
        assert!(v["apis"][0]["stages"][0]["metrics"].get("connects").is_some());
    }
}
