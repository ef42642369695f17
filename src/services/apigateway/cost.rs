//! What an API costs at list price: its requests over the window (a
//! WebSocket API's messages) at the protocol's price per million, scaled to
//! the hour. Tiered discounts above hundreds of millions a month and
//! WebSocket connection minutes are not counted, and the basis says so.

use super::domain::Api;
use crate::cost::{Estimate, PriceBook};
use serde::Deserialize;

/// API Gateway's section of the price files (`[apigateway]`).
pub const PRICES: crate::cost::book::PriceSection =
    crate::cost::book::PriceSection::of::<ApiGatewayPrices>("apigateway", "API Gateway")
        .listed(&super::price_list::LISTED);

/// API Gateway bills per request (first tier; volume tiers are not counted).
/// Each protocol's price stands alone: a file may give the ones AWS's data
/// was found to say for its region, and an API of a protocol left out shows
/// `?` with the reason, never another protocol's price.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ApiGatewayPrices {
    pub usd_per_million_rest_requests: Option<f64>,
    pub usd_per_million_http_requests: Option<f64>,
    pub usd_per_million_websocket_messages: Option<f64>,
}
use crate::fmt::count;

pub fn estimate(a: &Api, book: &PriceBook, window_min: u32) -> Estimate {
    let (p, region) = match book.region(&a.region).and_then(|r| Ok((r.priced::<ApiGatewayPrices>("API Gateway")?, r))) {
        Ok(x) => x,
        Err(why) => return Estimate::Unpriced(why.into()),
    };
    let Some(traffic) = a.requests() else {
        return Estimate::Unread;
    };
    let (rate, what, price) = match a.protocol.as_str() {
        "REST" => (p.usd_per_million_rest_requests, "REST requests", "REST request"),
        "WEBSOCKET" => (
            p.usd_per_million_websocket_messages,
            "WebSocket messages (connection minutes not counted)",
            "WebSocket message",
        ),
        _ => (p.usd_per_million_http_requests, "HTTP API requests", "HTTP API request"),
    };
    let Some(rate) = rate else {
        return Estimate::Unpriced(format!(
            "no API Gateway {price} price for {} in {}",
            region.region,
            region.origin()
        ));
    };
    let window = traffic / 1e6 * rate;
    Estimate::Usd {
        per_hour: window * 60.0 / window_min.max(1) as f64,
        window: Some(window),
        basis: format!("{} {what} × ${rate}/M over {window_min}m, {}", count(traffic), region.label_of("apigateway")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::apigateway::domain::{Stage, StageMetrics};

    fn api(protocol: &str, requests: Option<f64>, messages: Option<f64>) -> Api {
        Api {
            id: "a".into(),
            name: "orders".into(),
            region: "us-east-1".into(),
            protocol: protocol.into(),
            stages: vec![Stage {
                name: "prod".into(),
                metrics: StageMetrics { requests, messages, ..Default::default() },
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn requests_are_priced_by_protocol() {
        let book = crate::services::builtin_prices();
        // 2M REST requests in 30 minutes: $7.00 in the window, $14.00 an hour.
        let rest = estimate(&api("REST", Some(2e6), None), book, 30);
        assert!((rest.per_hour().unwrap() - 14.0).abs() < 1e-9, "{rest:?}");
        let http = estimate(&api("HTTP", Some(2e6), None), book, 60);
        assert!((http.per_hour().unwrap() - 2.0).abs() < 1e-9, "{http:?}");
        let ws = estimate(&api("WEBSOCKET", None, Some(1e6)), book, 60);
        assert!((ws.per_hour().unwrap() - 1.0).abs() < 1e-9, "{ws:?}");
        assert!(ws.basis().contains("connection minutes not counted"));
        assert_eq!(estimate(&api("REST", None, None), book, 60), Estimate::Unread);
    }

    #[test]
    fn a_protocol_without_a_price_is_unpriced_and_says_which() {
        let sections = crate::services::price_sections();
        let folder = tempfile::tempdir().unwrap();
        let f = folder.path().join("mine.toml");
        std::fs::write(&f, "region = \"us-east-1\"\ndate = \"2026-12\"\n[apigateway]\nusd-per-million-http-requests = 1.0\n").unwrap();
        let book = PriceBook::clone(crate::services::builtin_prices()).with_user(Some(&f), None, &sections).unwrap();
        let http = estimate(&api("HTTP", Some(2e6), None), &book, 60);
        assert!((http.per_hour().unwrap() - 2.0).abs() < 1e-9, "{http:?}");
        let ws = estimate(&api("WEBSOCKET", None, Some(1e6)), &book, 60);
        assert_eq!(ws.cell(), "?");
        assert!(ws.basis().starts_with("no API Gateway WebSocket message price for us-east-1 in prices from"), "{}", ws.basis());
        let rest = estimate(&api("REST", Some(1e6), None), &book, 60);
        assert!(rest.basis().starts_with("no API Gateway REST request price for us-east-1"), "{}", rest.basis());
    }
}
