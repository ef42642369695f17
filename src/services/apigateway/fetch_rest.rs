//! REST APIs (API Gateway v1): GetRestApis (500 a page, the documented
//! maximum), then per API its stages (GetStages, one answer) and its
//! resources with their methods embedded (GetResources, 500 a page), which
//! say every route's integration without a call per method, and its
//! deployments (GetDeployments, 500 a page), whose creation times are changes.

use aws_sdk_apigateway::types::{Resource, RestApi};
use aws_sdk_apigateway::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::domain::{integration_summary, lambda_function, Api, Route, Stage};
use crate::aws::AwsError;
use crate::services::live::Live;

/// GetRestApis' and GetResources' largest `limit`.
const PAGE: i32 = 500;

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

/// The region's REST APIs with their stages and routes, and what failed
/// below the API list beside them.
pub async fn fetch(client: &Client, region: &str, live: &Live) -> Result<(Vec<Api>, Vec<AwsError>), AwsError> {
    let mut apis = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = client
            .get_rest_apis()
            .limit(PAGE)
            .set_position(position.take())
            .send()
            .await
            .map_err(|e| live.error("GetRestApis", &e))?;
        apis.extend(page.items().iter().map(|a| api(a, region)));
        match page.position() {
            Some(p) if !p.is_empty() => position = Some(p.to_string()),
            _ => break,
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

pub fn api(a: &RestApi, region: &str) -> Api {
    let id = a.id().unwrap_or_default().to_string();
    Api {
        name: a.name().unwrap_or_default().to_string(),
        account: Default::default(),
        region: region.to_string(),
        protocol: "REST".into(),
        endpoint_type: a
            .endpoint_configuration()
            .and_then(|c| c.types().first())
            .map(|t| t.as_str().to_string()),
        url: (!id.is_empty()).then(|| format!("https://{id}.execute-api.{region}.amazonaws.com")),
        created_at: time(a.created_date()),
        id,
        stages: Vec::new(),
        routes: None,
        deployed: Vec::new(),
    }
}

/// Detailed metrics are a method setting: `*/*` is every method of the stage.
async fn stages(client: &Client, live: &Live, id: &str) -> Result<Vec<Stage>, AwsError> {
    let resp = client
        .get_stages()
        .rest_api_id(id)
        .send()
        .await
        .map_err(|e| live.error("GetStages", &e))?;
    let mut out: Vec<Stage> = resp
        .item()
        .iter()
        .map(|s| Stage {
            name: s.stage_name().unwrap_or_default().to_string(),
            detailed_metrics: s
                .method_settings()
                .and_then(|m| m.get("*/*"))
                .is_some_and(|m| m.metrics_enabled()),
            metrics: Default::default(),
            created_at: time(s.created_date()),
            updated_at: time(s.last_updated_date()),
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// When each of the API's deployments was created, every page.
async fn deployments(client: &Client, live: &Live, id: &str) -> Result<Vec<DateTime<Utc>>, AwsError> {
    let mut out = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = client
            .get_deployments()
            .rest_api_id(id)
            .limit(PAGE)
            .set_position(position.take())
            .send()
            .await
            .map_err(|e| live.error("GetDeployments", &e))?;
        out.extend(page.items().iter().filter_map(|d| time(d.created_date())));
        match page.position() {
            Some(p) if !p.is_empty() => position = Some(p.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

async fn routes(client: &Client, live: &Live, id: &str) -> Result<Vec<Route>, AwsError> {
    let mut out = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = client
            .get_resources()
            .rest_api_id(id)
            .embed("methods")
            .limit(PAGE)
            .set_position(position.take())
            .send()
            .await
            .map_err(|e| live.error("GetResources", &e))?;
        out.extend(page.items().iter().flat_map(resource_routes));
        match page.position() {
            Some(p) if !p.is_empty() => position = Some(p.to_string()),
            _ => break,
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}

/// One route per method of a resource: `GET /orders/{id}`.
pub fn resource_routes(r: &Resource) -> Vec<Route> {
    let path = r.path().unwrap_or("/");
    let Some(methods) = r.resource_methods() else {
        return Vec::new();
    };
    methods
        .iter()
        .map(|(verb, m)| {
            let integration = m.method_integration();
            let uri = integration.and_then(|i| i.uri());
            let function = uri.and_then(lambda_function);
            Route {
                key: format!("{verb} {path}"),
                integration: match function {
                    Some(_) => None,
                    None => integration.and_then(|i| integration_summary(i.r#type().map(|t| t.as_str()), uri)),
                },
                function,
                errors: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_apigateway::types::{Integration, IntegrationType, Method};

    #[test]
    fn methods_become_routes_with_their_functions() {
        let lambda = Integration::builder()
            .r#type(IntegrationType::AwsProxy)
            .uri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-api/invocations")
            .build();
        let mock = Integration::builder().r#type(IntegrationType::Mock).build();
        let r = Resource::builder()
            .path("/orders/{id}")
            .resource_methods("GET", Method::builder().http_method("GET").method_integration(lambda).build())
            .resource_methods("OPTIONS", Method::builder().http_method("OPTIONS").method_integration(mock).build())
            .build();
        let mut routes = resource_routes(&r);
        routes.sort_by(|a, b| a.key.cmp(&b.key));
        assert_eq!(routes[0].key, "GET /orders/{id}");
        assert_eq!(routes[0].function.as_deref(), Some("orders-api"));
        assert_eq!(routes[0].integration, None);
        assert_eq!(routes[1].key, "OPTIONS /orders/{id}");
        assert_eq!(routes[1].integration.as_deref(), Some("MOCK"));
        assert!(resource_routes(&Resource::builder().path("/").build()).is_empty());
    }
}
