//! HTTP and WebSocket APIs (API Gateway v2): GetApis, then per API its
//! stages, integrations, routes and deployments, every list paged by `NextToken`. A route
//! names its integration (`integrations/<id>`); the integration says what it
//! invokes, so the two lists are joined here.

use std::collections::HashMap;

use aws_sdk_apigatewayv2::types::{Api as SdkApi, Integration, Route as SdkRoute};
use aws_sdk_apigatewayv2::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::domain::{integration_summary, lambda_function, Api, Route, Stage};
use crate::aws::AwsError;
use crate::services::live::Live;

/// v2's MaxResults is a string; 500 as for v1's lists.
const PAGE: &str = "500";

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

fn next(token: Option<&str>) -> Option<String> {
    token.filter(|t| !t.is_empty()).map(str::to_string)
}

/// The region's HTTP and WebSocket APIs with their stages and routes, and
/// what failed below the API list beside them.
pub async fn fetch(client: &Client, region: &str, live: &Live) -> Result<(Vec<Api>, Vec<AwsError>), AwsError> {
    let mut apis = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_apis()
            .max_results(PAGE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| live.error("GetApis", &e))?;
        apis.extend(page.items().iter().map(|a| api(a, region)));
        token = next(page.next_token());
        if token.is_none() {
            break;
        }
    }
    let mut partial = Vec::new();
    for a in &mut apis {
        match stages(client, live, &a.id).await {
            Ok(s) => a.stages = s,
            Err(e) => partial.push(e),
        }
        match routes(client, live, &a.id).await {
            Ok(r) => a.routes = Some(r),
            Err(e) => partial.push(e),
        }
        if !super::domain::deployed_lately(&a.stages, live.opts.window) {
            continue;
        }
        match deployments(client, live, &a.id).await {
            Ok(d) => a.deployed = super::domain::inside_window(d, live.opts.window),
            Err(e) => partial.push(e),
        }
    }
    Ok((apis, partial))
}

pub fn api(a: &SdkApi, region: &str) -> Api {
    Api {
        id: a.api_id().unwrap_or_default().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        account: Default::default(),
        region: region.to_string(),
        protocol: a.protocol_type().map_or("HTTP", |p| p.as_str()).to_string(),
        endpoint_type: None,
        url: a.api_endpoint().map(str::to_string),
        created_at: time(a.created_date()),
        stages: Vec::new(),
        routes: None,
        deployed: Vec::new(),
    }
}

/// When each of the API's deployments was created, every page.
async fn deployments(client: &Client, live: &Live, id: &str) -> Result<Vec<DateTime<Utc>>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_deployments()
            .api_id(id)
            .max_results(PAGE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| live.error("GetDeployments", &e))?;
        out.extend(page.items().iter().filter_map(|d| time(d.created_date())));
        token = next(page.next_token());
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}

async fn stages(client: &Client, live: &Live, id: &str) -> Result<Vec<Stage>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_stages()
            .api_id(id)
            .max_results(PAGE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| live.error("GetStages", &e))?;
        out.extend(page.items().iter().map(|s| Stage {
            name: s.stage_name().unwrap_or_default().to_string(),
            detailed_metrics: s
                .default_route_settings()
                .and_then(|r| r.detailed_metrics_enabled())
                .unwrap_or(false),
            metrics: Default::default(),
            created_at: time(s.created_date()),
            updated_at: time(s.last_updated_date()),
        }));
        token = next(page.next_token());
        if token.is_none() {
            break;
        }
    }
    out.sort_by(|a: &Stage, b: &Stage| a.name.cmp(&b.name));
    Ok(out)
}

/// An integration's (type, URI).
type Target = (Option<String>, Option<String>);
/// Integrations by id.
type Integrations = HashMap<String, Target>;

fn integration(i: &Integration) -> Option<(String, Target)> {
    Some((
        i.integration_id()?.to_string(),
        (
            i.integration_type().map(|t| t.as_str().to_string()),
            i.integration_uri().map(str::to_string),
        ),
    ))
}

async fn routes(client: &Client, live: &Live, id: &str) -> Result<Vec<Route>, AwsError> {
    let mut integrations = Integrations::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_integrations()
            .api_id(id)
            .max_results(PAGE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| live.error("GetIntegrations", &e))?;
        integrations.extend(page.items().iter().filter_map(integration));
        token = next(page.next_token());
        if token.is_none() {
            break;
        }
    }
    let mut out = Vec::new();
    loop {
        let page = client
            .get_routes()
            .api_id(id)
            .max_results(PAGE)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| live.error("GetRoutes", &e))?;
        out.extend(page.items().iter().map(|r| route(r, &integrations)));
        token = next(page.next_token());
        if token.is_none() {
            break;
        }
    }
    out.sort_by(|a: &Route, b: &Route| a.key.cmp(&b.key));
    Ok(out)
}

/// A route with what its target integration invokes.
fn route(r: &SdkRoute, integrations: &Integrations) -> Route {
    let target = r
        .target()
        .and_then(|t| t.strip_prefix("integrations/"))
        .and_then(|id| integrations.get(id));
    let kind = target.and_then(|(k, _)| k.as_deref());
    let uri = target.and_then(|(_, u)| u.as_deref());
    let function = uri.and_then(lambda_function);
    Route {
        key: r.route_key().unwrap_or_default().to_string(),
        integration: if function.is_some() { None } else { integration_summary(kind, uri) },
        function,
        errors: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_apigatewayv2::types::IntegrationType;

    #[test]
    fn routes_are_joined_to_their_integrations() {
        let list = [
            Integration::builder()
                .integration_id("abc")
                .integration_type(IntegrationType::AwsProxy)
                .integration_uri("arn:aws:lambda:us-east-1:123456789012:function:cart-service")
                .build(),
            Integration::builder()
                .integration_id("def")
                .integration_type(IntegrationType::HttpProxy)
                .integration_uri("https://legacy.example.com")
                .build(),
        ];
        let by_id: Integrations = list.iter().filter_map(integration).collect();
        let r = |key: &str, target: Option<&str>| {
            let mut b = SdkRoute::builder().route_key(key);
            if let Some(t) = target {
                b = b.target(t);
            }
            route(&b.build(), &by_id)
        };
        let cart = r("GET /cart", Some("integrations/abc"));
        assert_eq!((cart.key.as_str(), cart.function.as_deref(), cart.integration), ("GET /cart", Some("cart-service"), None));
        let legacy = r("ANY /legacy/{proxy+}", Some("integrations/def"));
        assert_eq!(legacy.function, None);
        assert_eq!(legacy.integration.as_deref(), Some("HTTP_PROXY https://legacy.example.com"));
        let none = r("$disconnect", None);
        assert_eq!((none.function, none.integration), (None, None));
        assert_eq!(r("$default", Some("integrations/gone")).function, None);
    }
}
