//! The demo's API Gateway account, in front of the demo's Lambda functions:
//! the REST API `orders` (its 5XX spike in the same minutes as
//! `orders-api`'s error burst), the HTTP API `storefront` (with one legacy
//! HTTP proxy route), the REST API `webhooks` and the WebSocket API
//! `live-updates`.

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};

use super::domain::{Api, ApiGatewayData, Route, Stage, StageMetrics, StageSeries, StageWeekAgo};
use super::ApiGateway;
use crate::hash::{hex, str_id, unit};
use crate::series::Series;
use crate::services::room::{DemoCtx, RoomDemo};

/// The Lambda demo's `orders-api` fails for minutes 20 to 25 of every 40
/// (`Role::ErrorBurst` in `lambda/demo/spec.rs`, private to that room):
/// the same clock, so that the API's 5XX rise in the same minutes. A test
/// below holds the two together.
const BURST_EVERY: i64 = 40;
const BURST: std::ops::Range<i64> = 20..26;
/// The share of requests that fail in a burst, as `orders-api`'s errors.
const BURST_ERROR_FRACTION: f64 = 0.18;

fn burst(minute: i64) -> bool {
    BURST.contains(&minute.rem_euclid(BURST_EVERY))
}

/// `orders` was deployed at this minute of the bursts' cycle, the newest
/// such minute at least `DEPLOYED_LEAD` minutes before the demo's start: the
/// next burst comes more than the suspect rule's 15 minutes after it, and
/// the graphs show those quiet minutes. A change, and no suspect.
const DEPLOYED_AT: i64 = 2;
const DEPLOYED_LEAD: i64 = 15;

fn deployed(cx: &DemoCtx, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let m = cx.fixed(now).timestamp().div_euclid(60) - DEPLOYED_LEAD;
    let at = m - (m - DEPLOYED_AT).rem_euclid(BURST_EVERY);
    Utc.timestamp_opt(at * 60, 0).single().into_iter().collect()
}

/// Where a demo route goes: a function by name, or another integration.
#[derive(Clone, Copy)]
enum To {
    Lambda(&'static str),
    Other(&'static str),
}

pub struct ApiSpec {
    name: String,
    protocol: &'static str,
    endpoint_type: Option<&'static str>,
    stage: &'static str,
    detailed: bool,
    age_days: i64,
    /// Requests (WebSocket: messages) a minute at the daily peak.
    load: f64,
    /// The backend's own latency, and what API Gateway adds on top.
    integration_ms: f64,
    overhead_ms: f64,
    bursts: bool,
    routes: Vec<(&'static str, To)>,
}

impl RoomDemo for ApiGateway {
    type Spec = Vec<ApiSpec>;
    fn spec(cx: &DemoCtx) -> Vec<ApiSpec> {
        spec(cx.scale)
    }
    fn data(
        spec: &Vec<ApiSpec>,
        cx: &DemoCtx,
        now: DateTime<Utc>,
        _detail: Option<&std::collections::HashSet<String>>,
    ) -> ApiGatewayData {
        let mut apis: Vec<Api> = spec.iter().map(|s| api_at(s, cx, now)).collect();
        apis.sort_by(|a, b| a.id.cmp(&b.id));
        ApiGatewayData { apis, unread: vec![] }
    }
}

fn spec(scale: usize) -> Vec<ApiSpec> {
    let api = |name: &str, protocol, endpoint_type, stage, load, integration_ms, overhead_ms, routes| ApiSpec {
        name: name.into(),
        protocol,
        endpoint_type,
        stage,
        detailed: false,
        age_days: 400,
        load,
        integration_ms,
        overhead_ms,
        bursts: false,
        routes,
    };
    let mut out = vec![
        ApiSpec {
            detailed: true,
            bursts: true,
            age_days: 610,
            ..api("orders", "REST", Some("REGIONAL"), "prod", 420.0, 38.0, 9.0, vec![
                ("GET /orders", To::Lambda("orders-api")),
                ("GET /orders/{id}", To::Lambda("orders-api")),
                ("OPTIONS /orders", To::Other("MOCK")),
                ("POST /orders", To::Lambda("orders-api")),
            ])
        },
        api("storefront", "HTTP", None, "$default", 900.0, 22.0, 3.0, vec![
            ("ANY /legacy/{proxy+}", To::Other("HTTP_PROXY https://legacy.shop.example.com/{proxy}")),
            ("GET /cart", To::Lambda("cart-service")),
            ("GET /catalog", To::Lambda("catalog-api")),
            ("GET /me", To::Lambda("user-profile")),
        ]),
        ApiSpec {
            age_days: 900,
            ..api("webhooks", "REST", Some("EDGE"), "prod", 35.0, 120.0, 14.0, vec![
                ("POST /relay", To::Lambda("webhook-relay")),
                ("POST /stripe", To::Lambda("payments-webhook")),
            ])
        },
        api("live-updates", "WEBSOCKET", None, "production", 260.0, 15.0, 0.0, vec![
            ("$connect", To::Lambda("notify-sms")),
            ("$default", To::Lambda("notify-sms")),
            ("$disconnect", To::Lambda("notify-sms")),
        ]),
    ];
    // Larger accounts: a team API per 500 functions.
    for i in 0..scale.saturating_sub(40) / 500 {
        out.push(ApiSpec {
            age_days: 30 + i as i64,
            ..api(&format!("team-{i:02}-api"), "HTTP", None, "$default", 60.0, 30.0, 3.0, vec![
                ("GET /health", To::Lambda("health-probe")),
            ])
        });
    }
    out
}

/// A daily curve: busiest in the afternoon UTC, a fifth of it at night.
fn daily(minute: i64) -> f64 {
    let h = (minute * 60).rem_euclid(86_400) as f64 / 3600.0;
    0.2 + 0.8 * (0.5 + 0.5 * ((h - 15.0) / 24.0 * std::f64::consts::TAU).cos())
}

fn route(key: &str, to: To) -> Route {
    let (function, integration) = match to {
        To::Lambda(f) => (Some(f.to_string()), None),
        To::Other(i) => (None, Some(i.to_string())),
    };
    Route { key: key.to_string(), function, integration, errors: None }
}

fn api_at(s: &ApiSpec, cx: &DemoCtx, now: DateTime<Utc>) -> Api {
    let id = hex(&[cx.seed, str_id(&s.name), 1], 10);
    let scheme = if s.protocol == "WEBSOCKET" { "wss" } else { "https" };
    Api {
        url: Some(format!("{scheme}://{id}.execute-api.{}.amazonaws.com", cx.region)),
        name: s.name.clone(),
        account: Default::default(),
        region: cx.region.clone(),
        protocol: s.protocol.to_string(),
        endpoint_type: s.endpoint_type.map(str::to_string),
        created_at: Utc.timestamp_opt((cx.fixed(now) - Duration::days(s.age_days)).timestamp() / 86_400 * 86_400, 0).single(),
        stages: vec![Stage {
            name: s.stage.to_string(),
            detailed_metrics: s.detailed,
            metrics: StageMetrics {
                week_ago: week_ago(s, cx, now),
                ..metrics_at(s, cx, str_id(&s.name), now)
            },
            ..Default::default()
        }],
        routes: Some(s.routes.iter().map(|(k, to)| route(k, *to)).collect()),
        deployed: if s.bursts { deployed(cx, now) } else { Vec::new() },
        id,
    }
}

/// Last week's same window from the same seed: the daily shape and the
/// forty-minute bursts (a week is 252 of them) repeat, so every API is as
/// busy as it was. WebSocket stages are not compared, as live.
fn week_ago(s: &ApiSpec, cx: &DemoCtx, now: DateTime<Utc>) -> Option<StageWeekAgo> {
    if s.protocol == "WEBSOCKET" {
        return None;
    }
    let m = metrics_at(s, cx, str_id(&s.name), now - crate::baseline::WEEK);
    Some(StageWeekAgo {
        requests: m.requests?,
        errors_4xx: m.errors_4xx?,
        errors_5xx: m.errors_5xx?,
        latency_avg_ms: m.latency_avg_ms,
    })
}

fn metrics_at(s: &ApiSpec, cx: &DemoCtx, id: u64, now: DateTime<Utc>) -> StageMetrics {
    let minutes = cx.window.max(1) as i64;
    let now_min = now.timestamp().div_euclid(60);
    // The current minute is still filling up, as in CloudWatch.
    let fraction = now.second() as f64 / 60.0;
    let (mut req, mut e4, mut e5, mut lat, mut backend) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut integ_w, mut lat_w, mut p99) = (0.0, 0.0, 0.0f64);
    for k in 0..minutes {
        let m = now_min - (minutes - 1 - k);
        let r = |c: u64| unit(&[cx.seed, id, m as u64, c]);
        let part = if m == now_min { fraction } else { 1.0 };
        let n = (s.load * daily(m) * (0.85 + 0.3 * r(1)) * part).round();
        let spiking = s.bursts && burst(m);
        let fail = if spiking {
            (n * BURST_ERROR_FRACTION).round()
        } else if n > 0.0 && r(3) < 0.04 {
            1.0
        } else {
            0.0
        };
        // Failing invocations time out slowly: the backend's latency climbs with them.
        let integ = s.integration_ms * (0.9 + 0.2 * r(4)) * if spiking { 2.5 } else { 1.0 };
        let total = integ + s.overhead_ms * (0.8 + 0.4 * r(5));
        req.push(n as f32);
        e4.push((n * 0.012 * r(2)).round() as f32);
        e5.push(fail as f32);
        lat.push(if n > 0.0 { total as f32 } else { 0.0 });
        backend.push(if n > 0.0 { integ as f32 } else { 0.0 });
        integ_w += integ * n;
        lat_w += total * n;
        if n > 0.0 {
            p99 = p99.max(total * (2.2 + 0.6 * r(6)));
        }
    }
    let sum = |v: &[f32]| v.iter().map(|x| *x as f64).sum::<f64>();
    let round2 = |v: f64| (v * 100.0).round() / 100.0;
    let n = sum(&req);
    let avg = |w: f64| (n > 0.0).then(|| round2(w / n));
    let series = Some(StageSeries {
        start: Utc.timestamp_opt((now_min - (minutes - 1)) * 60, 0).single(),
        requests: Series(req.clone()),
        errors_5xx: Series(e5.clone()),
        // WebSocket APIs publish no Latency: their graph is the backend's, as live.
        latency_avg_ms: Series(if s.protocol == "WEBSOCKET" { backend } else { lat }),
    });
    if s.protocol == "WEBSOCKET" {
        return StageMetrics {
            connects: Some((n * 0.04).round()),
            messages: Some(n),
            client_errors: Some(sum(&e4)),
            execution_errors: Some(sum(&e5)),
            integration_latency_avg_ms: avg(integ_w),
            series,
            ..Default::default()
        };
    }
    StageMetrics {
        requests: Some(n),
        errors_4xx: Some(sum(&e4)),
        errors_5xx: Some(sum(&e5)),
        latency_avg_ms: avg(lat_w),
        // WebSocket stages have no Latency to take a percentile of, as live.
        latency_p99_ms: (s.protocol != "WEBSOCKET" && n > 0.0).then(|| round2(p99)),
        integration_latency_avg_ms: avg(integ_w),
        series,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lambda::Lambda;

    fn cx() -> DemoCtx {
        DemoCtx::for_tests(42, 40)
    }

    #[test]
    fn the_demo_fronts_lambda_functions_with_every_protocol() {
        let now: DateTime<Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
        let d = ApiGateway::data(&ApiGateway::spec(&cx()), &cx(), now, None);
        let by = |name: &str| d.apis.iter().find(|a| a.name == name).unwrap();
        assert_eq!(by("orders").protocol, "REST");
        assert_eq!(by("orders").lambda_functions(), vec!["orders-api"]);
        assert!(by("orders").stages[0].detailed_metrics);
        assert_eq!(by("storefront").lambda_functions(), vec!["cart-service", "catalog-api", "user-profile"]);
        assert!(by("storefront").latency_p99_ms().is_some());
        assert_eq!(by("webhooks").lambda_functions(), vec!["payments-webhook", "webhook-relay"]);
        let ws = by("live-updates");
        assert_eq!((ws.protocol.as_str(), ws.stages[0].name.as_str()), ("WEBSOCKET", "production"));
        assert!(ws.stages[0].metrics.messages.is_some() && ws.stages[0].metrics.requests.is_none());
        assert!(d.apis.windows(2).all(|w| w[0].id < w[1].id));
        assert!(d.apis.iter().all(|a| a.id.len() == 10));
        // Every function an API invokes is one the Lambda demo has.
        let lambda = Lambda::data(&Lambda::spec(&cx()), &cx(), now, Some(&Default::default()));
        for f in d.apis.iter().flat_map(|a| a.lambda_functions()) {
            assert!(lambda.functions.iter().any(|l| l.name == f), "{f}");
        }
    }

    #[test]
    fn the_orders_5xx_spike_is_in_the_minutes_orders_api_fails() {
        // 13:40 to 13:45 is a burst (minute 20..26 of 40 since the epoch).
        let now: DateTime<Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
        let d = ApiGateway::data(&ApiGateway::spec(&cx()), &cx(), now, None);
        let orders = d.apis.iter().find(|a| a.name == "orders").unwrap();
        let s = orders.stages[0].metrics.series.as_ref().unwrap();
        let lambda = Lambda::data(&Lambda::spec(&cx()), &cx(), now, None);
        let f = lambda.functions.iter().find(|f| f.name == "orders-api").unwrap();
        let ls = f.stats.series.as_ref().unwrap();
        assert_eq!(ls.errors.0.len(), s.errors_5xx.0.len());
        let spike: Vec<bool> = s
            .requests
            .0
            .iter()
            .zip(&s.errors_5xx.0)
            .map(|(r, e)| *r > 0.0 && *e as f64 / *r as f64 >= 0.1)
            .collect();
        assert!(spike.iter().filter(|x| **x).count() >= 5, "{spike:?}");
        let rate = |inside: bool| {
            let (mut e, mut n) = (0.0, 0.0);
            for (k, on) in spike.iter().enumerate() {
                if *on == inside {
                    e += ls.errors.0[k] as f64;
                    n += ls.invocations.0[k] as f64;
                }
            }
            e / n.max(1.0)
        };
        assert!(rate(true) > 0.1, "orders-api fails in the API's spike: {}", rate(true));
        assert!(rate(false) < 0.02, "and hardly elsewhere: {}", rate(false));
    }
}
