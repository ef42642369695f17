//! App Runner's SDK calls: ListServices, every page at its documented
//! maximum of 20, then DescribeService (one service a call, the API's only
//! way) for the instance size. DescribeService also returns the service's
//! runtime environment variables and secrets and its source's credentials:
//! `service` reads none of them, so they go no further than this file.

use aws_sdk_apprunner::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::domain::{memory_gb_of, vcpu_of, Service};
use crate::aws::AwsError;
use crate::services::live::Live;

/// ListServices' documented maximum page size (MaxResults 1–20).
pub const LIST_PAGE: i32 = 20;

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

/// A listed service and its ARN (what DescribeService asks by).
pub struct Listed {
    pub arn: String,
    pub service: Service,
}

/// Every service of the region, in name order, as ListServices says them
/// (the size unknown until described).
pub async fn list(client: &Client, region: &str, live: &Live) -> Result<Vec<Listed>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client.list_services().max_results(LIST_PAGE).into_paginator().send();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| live.error("ListServices", &e))?;
        for s in p.service_summary_list() {
            out.push(Listed {
                arn: s.service_arn().unwrap_or_default().to_string(),
                service: Service {
                    name: s.service_name().unwrap_or_default().to_string(),
                    account: Default::default(),
                    region: region.to_string(),
                    id: s.service_id().unwrap_or_default().to_string(),
                    status: s.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    created_at: time(s.created_at()),
                    updated_at: time(s.updated_at()),
                    ..Default::default()
                },
            });
        }
    }
    out.sort_by(|a, b| a.service.name.cmp(&b.service.name));
    Ok(out)
}

/// What awstop keeps of one DescribeService answer: the instance size and
/// the kind of source. Nothing else of the source or the instances
/// (environment variables, secrets, start commands, role, credentials) is read.
pub fn described(s: &aws_sdk_apprunner::types::Service) -> Described {
    let ic = s.instance_configuration();
    let src = s.source_configuration();
    let source = match (src.and_then(|c| c.image_repository()), src.and_then(|c| c.code_repository())) {
        (Some(_), _) => Some("image".to_string()),
        (None, Some(_)) => Some("code".to_string()),
        _ => None,
    };
    Described {
        updated_at: time(Some(s.updated_at())),
        vcpu: ic.and_then(|c| c.cpu()).and_then(vcpu_of),
        memory_gb: ic.and_then(|c| c.memory()).and_then(memory_gb_of),
        source,
    }
}

/// One service's DescribeService, as kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Described {
    /// Which version of the service it describes: a later update is described again.
    pub updated_at: Option<DateTime<Utc>>,
    pub vcpu: Option<f64>,
    pub memory_gb: Option<f64>,
    pub source: Option<String>,
}

impl Described {
    pub fn apply(&self, s: &mut Service) {
        s.vcpu = self.vcpu;
        s.memory_gb = self.memory_gb;
        s.source = self.source.clone();
    }
}

pub async fn describe(client: &Client, arn: &str, live: &Live) -> Result<Described, AwsError> {
    let out = client
        .describe_service()
        .service_arn(arn)
        .send()
        .await
        .map_err(|e| live.error("DescribeService", &e))?;
    out.service()
        .map(described)
        .ok_or_else(|| AwsError::new(crate::aws::ErrorKind::Other, "DescribeService answered without a service").during("DescribeService"))
}
