//! API Gateway against moto: a REST and an HTTP API with Lambda
//! integrations, stages and metrics put with each protocol's own
//! dimensions, compared with what was seeded; the routes joined to the
//! functions behind them, both ways; Enter on a route opens its function.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::moto::Moto;
use crate::common::*;
use awstop::app::keymap::Action::{Down, Enter, Pane};
use awstop::app::model::View;
use awstop::services::{Lambda, RoomView};

#[test]
fn apis_stages_metrics_and_routes_are_what_moto_holds() {
    let moto = Moto::start();
    let truth = moto.seed("apis");
    let ((snap, out), ops) = moto.recorded(|| moto.once());
    // Stage variables (a password here) never leave the source.
    let secret = truth["secret"].as_str().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(secret)
            && !String::from_utf8_lossy(&out.stderr).contains(secret)
    );
    let apis: BTreeMap<&str, &Value> = snap["apigateway"]["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a))
        .collect();
    assert_eq!(apis.len(), 3, "{apis:?}");
    for (key, protocol) in [("rest", "REST"), ("http", "HTTP")] {
        let t = &truth[key];
        let a = apis[t["name"].as_str().unwrap()];
        assert_eq!(a["id"], t["id"]);
        assert_eq!(a["protocol"], protocol);
        let stage = &a["stages"][0];
        assert_eq!(stage["name"], t["stage"]);
        // v1 metrics are per ApiName+Stage with 4XXError/5XXError, v2 per
        // ApiId+Stage with 4xx/5xx: each read under its own dimensions.
        let m = &stage["metrics"];
        for k in [
            "requests",
            "errors_4xx",
            "errors_5xx",
            "latency_avg_ms",
            "integration_latency_avg_ms",
        ] {
            assert_eq!(m[k].as_f64(), t[k].as_f64(), "{key}.{k}: {m}");
        }
        let rate = 100.0 * t["errors_5xx"].as_f64().unwrap() / t["requests"].as_f64().unwrap();
        assert!(
            (m["error_5xx_rate_pct"].as_f64().unwrap() - rate).abs() < 1e-3,
            "{m}"
        );
        let routes: BTreeMap<&str, &str> = a["routes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| Some((r["key"].as_str()?, r["function"].as_str()?)))
            .collect();
        let want: BTreeMap<&str, &str> = t["routes"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        assert_eq!(routes, want, "{key}");
    }
    // WebSocket APIs have their own metric names, under ApiId+Stage.
    let t = &truth["websocket"];
    let ws = apis[t["name"].as_str().unwrap()];
    assert_eq!(
        (&ws["id"], &ws["protocol"]),
        (&t["id"], &Value::from("WEBSOCKET"))
    );
    let stage = &ws["stages"][0];
    assert_eq!(stage["name"], t["stage"]);
    for k in ["connects", "messages", "client_errors", "execution_errors"] {
        assert_eq!(
            stage["metrics"][k].as_f64(),
            t[k].as_f64(),
            "websocket.{k}: {}",
            stage["metrics"]
        );
    }
    assert_eq!(ws["routes"][0]["key"], "$default");
    assert_eq!(ws["routes"][0]["function"], "queue-worker");
    // The Lambda side of the join: each function lists the routes in front of it.
    let fns: BTreeMap<&str, &Value> = snap["lambda"]["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f))
        .collect();
    let api_sources = |name: &str| -> Vec<String> {
        fns[name]["triggers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["type"] == "apigateway")
            .map(|t| t["source"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        api_sources("orders-api"),
        ["orders GET /orders", "orders POST /orders"]
    );
    assert_eq!(api_sources("cart-service"), ["storefront GET /cart"]);
    // Reads only, each counted.
    crate::live_moto::assert_reads_only(&ops);
    let api_ops: Vec<&String> = ops.iter().filter(|o| o.starts_with("apigateway")).collect();
    assert!(api_ops.len() >= 7, "{api_ops:?}");
    assert!(
        api_ops
            .iter()
            .all(|o| o.split('.').nth(1).is_some_and(|op| op.starts_with("Get"))),
        "{api_ops:?}"
    );
    for op in [
        "apigateway.GetRestApis",
        "apigateway.GetResources",
        "apigatewayv2.GetApis",
        "apigatewayv2.GetRoutes",
    ] {
        assert!(
            snap["api"]["calls"][op].as_u64().unwrap_or(0) >= 1,
            "{op}: {}",
            snap["api"]["calls"]
        );
    }
}

#[test]
fn a_route_opens_its_function_and_the_function_lists_its_routes() {
    let mut m = demo_model(160, 48);
    act(
        &mut m,
        &[Pane(awstop::app::model::Pane::Room(
            awstop::app::msg::ServiceKind::ApiGateway,
        ))],
    );
    // The orders REST API, whose 5xx come from orders-api.
    let s = screen(&m);
    let at = s
        .lines()
        .skip(4)
        .position(|l| l.starts_with("orders "))
        .unwrap_or_else(|| panic!("{s}"));
    act(&mut m, &vec![Down; at]);
    act(&mut m, &[Enter]);
    let s = screen(&m);
    assert!(s.contains("GET /orders") && s.contains("orders-api"), "{s}");
    // The function's errors are joined from the Lambda room.
    let errors = m
        .data
        .feed::<Lambda>()
        .state
        .function(&awstop::scope::Scope::region(awstop::source::demo::REGION), "orders-api")
        .unwrap()
        .stats
        .errors
        .unwrap();
    let line = s.lines().find(|l| l.starts_with("GET /orders ")).unwrap();
    assert!(line.contains(&awstop::fmt::count(errors)), "{line}");
    act(&mut m, &[Enter]);
    assert_eq!(
        m.ui.pane,
        awstop::app::model::Pane::Room(awstop::app::msg::ServiceKind::Lambda)
    );
    let opened = m.view().clone();
    let View::Room(RoomView::Lambda(awstop::services::lambda::View::Function { name, .. })) = opened
    else {
        panic!("{opened:?}")
    };
    let s = screen(&m);
    let routes: Vec<&str> = s
        .lines()
        .filter(|l| l.trim_start().starts_with("api "))
        .collect();
    assert!(
        routes
            .iter()
            .any(|l| l.contains("orders") && l.contains("/orders")),
        "{name}: {s}"
    );
}
