//! Lambda inventory: ListFunctions, 50 a page. Environment variables are
//! counted and dropped here; their values never reach the domain types.

use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_lambda::Client;
use chrono::{DateTime, Utc};

use super::domain::{Config, Function, FunctionConfig, FunctionStats, LambdaData};
use super::triggers::{self, Invoker, Mapping};
use super::Lambda;
use crate::aws::AwsError;
use crate::services::live::{rows_first, Live};
use crate::services::msg::DataTx;
use crate::services::room::Registered;

pub const PAGE: i32 = 50;

/// Every function of the region, in name order. `early` (a dashboard's first
/// read) is sent the first page's rows, every number on its way, when more
/// pages follow: the list alone takes a call per 50 functions.
pub async fn list_functions(
    client: &Client,
    region: &str,
    live: &Live,
    mut early: Option<&DataTx>,
) -> Result<Vec<Function>, AwsError> {
    let mut pages = client
        .list_functions()
        .max_items(PAGE)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| live.error("ListFunctions", &e))?;
        out.extend(page.functions().iter().map(|f| function(f, region)));
        if let Some(tx) = early.take().filter(|_| page.next_marker().is_some()) {
            let mut rows = out.clone();
            by_name(&mut rows);
            for f in &mut rows {
                f.stats.on_its_way();
            }
            let data = LambdaData {
                functions: rows,
                listing: true,
                ..Default::default()
            };
            rows_first(tx, live, region, Utc::now(), Lambda::wrap(data)).await;
        }
    }
    by_name(&mut out);
    Ok(out)
}

/// Name order lets the dashboard sort without comparing names (see tables::order).
fn by_name(functions: &mut [Function]) {
    functions.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Event source mappings are listed 100 a page, the API's maximum.
pub const MAPPINGS_PAGE: i32 = 100;

/// Every event source mapping of the region, onto the functions they
/// invoke. On failure the functions keep `mappings: None` (not read).
pub async fn attach_mappings(client: &Client, live: &Live, functions: &mut [Function]) -> Result<(), AwsError> {
    let mut by_name: std::collections::HashMap<String, Vec<Mapping>> = std::collections::HashMap::new();
    let mut pages = client
        .list_event_source_mappings()
        .max_items(MAPPINGS_PAGE)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| live.error("ListEventSourceMappings", &e))?;
        for m in page.event_source_mappings() {
            let Some(name) = m.function_arn().and_then(triggers::function_name) else {
                continue;
            };
            let source = m
                .event_source_arn()
                .map(str::to_string)
                .or_else(|| {
                    let servers = m.self_managed_event_source()?.endpoints()?.values().next()?.join(",");
                    Some(servers)
                })
                .unwrap_or_default();
            let kind = if m.event_source_arn().is_none() && m.self_managed_event_source().is_some() {
                "kafka"
            } else {
                triggers::source_kind(&source)
            };
            by_name.entry(name.to_string()).or_default().push(Mapping {
                kind: kind.to_string(),
                source,
                state: m.state().unwrap_or_default().to_string(),
                batch_size: m.batch_size(),
                last_result: m.last_processing_result().map(str::to_string),
            });
        }
    }
    for f in functions {
        f.mappings = Some(by_name.remove(f.name.as_str()).unwrap_or_default());
    }
    Ok(())
}

/// Who the function's resource policy lets invoke it; a function without a
/// policy (ResourceNotFound) has no such invokers.
pub async fn policy(client: &Client, live: &Live, name: &str) -> Result<Vec<Invoker>, AwsError> {
    match client.get_policy().function_name(name).send().await {
        Ok(out) => Ok(out.policy().map(triggers::invokers).unwrap_or_default()),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => Ok(Vec::new()),
        Err(e) => Err(live.error("GetPolicy", &e)),
    }
}

/// A re-read's functions whose configuration did not change take the one
/// the kept rows hold, so the rows on screen and every refresh's share it
/// until a deploy changes it.
pub fn share_unchanged(old: &[Function], new: &mut [Function]) {
    let kept: std::collections::HashMap<&str, &Config> = old.iter().map(|f| (f.name.as_str(), &f.config)).collect();
    for f in new {
        if let Some(c) = kept.get(f.name.as_str()).filter(|c| ***c == f.config) {
            f.config = (*c).clone();
        }
    }
}

pub fn function(f: &FunctionConfiguration, region: &str) -> Function {
    let name = f.function_name().unwrap_or_default().to_string();
    let log_group = f
        .logging_config()
        .and_then(|l| l.log_group())
        .map(str::to_string)
        .unwrap_or_else(|| format!("/aws/lambda/{name}"));
    Function {
        name_id: crate::hash::str_id(&name),
        account: Default::default(),
        region: region.into(),
        runtime: f.runtime().map(|r| r.as_str().into()),
        memory_mb: f.memory_size().unwrap_or(128).max(0) as u32,
        timeout_s: f.timeout().unwrap_or(3).max(0) as u32,
        architecture: f
            .architectures()
            .first()
            .map(|a| a.as_str().into())
            .unwrap_or_else(|| "x86_64".into()),
        config: Config::new(FunctionConfig {
            package_type: f
                .package_type()
                .map(|p| p.as_str().into())
                .unwrap_or_else(|| "Zip".into()),
            last_modified: f.last_modified().and_then(parse_lambda_time),
            code_sha256: f.code_sha256().filter(|s| !s.is_empty()).map(super::code_sha::CodeSha::parse),
            handler: f.handler().map(Into::into),
            code_size_bytes: f.code_size().max(0) as u64,
            snap_start: f
                .snap_start()
                .and_then(|s| s.apply_on())
                .is_some_and(|a| a.as_str() == "PublishedVersions"),
            log_group,
            env_var_count: f
                .environment()
                .and_then(|e| e.variables())
                .map_or(0, |v| v.len()),
        }),
        stats: FunctionStats::default(),
        mappings: None,
        invokers: None,
        deploys: None,
        api_routes: Vec::new(),
        name: name.into(),
    }
}

/// Lambda writes `2026-11-22T14:03:00.000+0000`, which is not quite RFC 3339.
pub fn parse_lambda_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::{Architecture, EnvironmentResponse, Runtime};

    #[test]
    fn maps_configuration_and_drops_environment_values() {
        let f = FunctionConfiguration::builder()
            .function_name("orders-api")
            .runtime(Runtime::Python312)
            .memory_size(512)
            .timeout(30)
            .architectures(Architecture::Arm64)
            .last_modified("2026-11-22T14:03:00.000+0000")
            .environment(
                EnvironmentResponse::builder()
                    .variables("DB_PASSWORD", "hunter2-secret")
                    .build(),
            )
            .build();
        let d = function(&f, "eu-west-1");
        assert_eq!(d.name, "orders-api");
        // Worked out here, on the source's thread, for the joins.
        assert_eq!(d.name_id, crate::hash::str_id("orders-api"));
        assert_eq!(Function { name_id: 0, ..d.clone() }.name_id(), d.name_id);
        let c = &d.config;
        assert_eq!(d.runtime.as_deref(), Some("python3.12"));
        assert_eq!((d.memory_mb, d.timeout_s), (512, 30));
        assert_eq!(d.architecture, "arm64");
        assert_eq!(c.log_group, "/aws/lambda/orders-api");
        assert_eq!(c.env_var_count, 1);
        assert_eq!(
            c.last_modified.unwrap().to_rfc3339(),
            "2026-11-22T14:03:00+00:00"
        );
        let dump = format!("{d:?}");
        assert!(
            !dump.contains("hunter2") && !dump.contains("DB_PASSWORD"),
            "{dump}"
        );
    }

    #[test]
    fn a_reread_shares_each_unchanged_configuration_and_keeps_a_changed_one() {
        let read = |name: &str, handler: &str| function(&FunctionConfiguration::builder().function_name(name).handler(handler).build(), "eu-west-1");
        let old = vec![read("a", "app.handler"), read("b", "app.handler")];
        let mut new = vec![read("b", "app.main"), read("a", "app.handler"), read("c", "app.handler")];
        assert!(!new[1].config.same(&old[0].config));
        share_unchanged(&old, &mut new);
        // `a` is unchanged: the very same configuration as the kept row.
        assert!(new[1].config.same(&old[0].config));
        // `b` was deployed with another handler: its own, as read.
        assert!(!new[0].config.same(&old[1].config));
        assert_eq!(new[0].config.handler.as_deref(), Some("app.main"));
        assert_eq!(new[2].config.handler.as_deref(), Some("app.handler"));
    }
}
