//! API Gateway's part of AWS's Price List: each protocol's first-tier
//! request price (`AmazonApiGateway`), written as the `[apigateway]` section.

use std::fmt::Write;

use crate::cost::pricelist::{clean, fixed, num, Found, ListQuery, Listed};

const KEYS: [&str; 3] = [
    "usd-per-million-rest-requests",
    "usd-per-million-http-requests",
    "usd-per-million-websocket-messages",
];

pub const LISTED: Listed = Listed {
    queries: &[ListQuery {
        code: "AmazonApiGateway",
        filters: &[],
        key: |p| match p.usage() {
            // Requests are priced one by one; the file says per million.
            "ApiGatewayRequest" => fixed("apigateway", KEYS[0], 1e6),
            "ApiGatewayHttpRequest" => fixed("apigateway", KEYS[1], 1e6),
            "ApiGatewayMessage" => fixed("apigateway", KEYS[2], 1e6),
            _ => None,
        },
    }],
    write,
};

/// Each protocol's price that was found. The prices stand alone (an API of
/// a protocol left out shows `?`), so the section is written with what
/// there is.
fn write(out: &mut String, found: &Found) {
    let rates: Vec<_> = KEYS.iter().filter_map(|k| found.get("apigateway", k).map(|r| (k, r))).collect();
    if rates.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n[apigateway]");
    for (key, r) in rates {
        let _ = writeln!(out, "# SKU {} ({}), first tier", clean(&r.sku), clean(&r.usage));
        let _ = writeln!(out, "{key} = {}", num(r.usd));
    }
}
