//! What changed in a region's Lightsail instances and container services,
//! as Lightsail says it: GetOperations, once a refresh (every five minutes),
//! the operations inside the window that change them (a reboot, a stop, a
//! container service updated or deployed).

use aws_sdk_lightsail::Client;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::domain::LightsailData;
use crate::aws::AwsError;
use crate::changes::{Change, ChangeSource};
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;

/// Pages asked at most a refresh: GetOperations gives 200 a page, and an
/// account's history is not this read's to walk.
pub const MAX_PAGES: usize = 10;

/// One operation on an instance or a container service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The instance's or container service's name.
    pub resource: String,
    /// Lightsail's operation type (`RebootInstance`, `UpdateContainerService`).
    pub kind: String,
    pub at: DateTime<Utc>,
}

/// Operations that change an instance or a container service; the rest
/// (snapshots, tags, static IPs, reads) are no deploy.
fn changes_it(kind: &str) -> bool {
    matches!(
        kind,
        "RebootInstance"
            | "StopInstance"
            | "StartInstance"
            | "CreateInstance"
            | "CreateInstancesFromSnapshot"
            | "UpdateInstanceMetadataOptions"
            | "PutInstancePublicPorts"
            | "OpenInstancePublicPorts"
            | "CloseInstancePublicPorts"
            | "AttachDisk"
            | "DetachDisk"
            | "CreateContainerService"
            | "UpdateContainerService"
            | "CreateContainerServiceDeployment"
    )
}

/// The operations on instances and container services created at or after
/// `since`, every page (at most `MAX_PAGES`); `endpoint` names an emulator in errors.
pub async fn read(client: &Client, endpoint: Option<&str>, since: DateTime<Utc>) -> Result<Vec<Operation>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = client
            .get_operations()
            .set_page_token(token.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(&e, endpoint).during("GetOperations"))?;
        for o in page.operations() {
            let on = matches!(
                o.resource_type(),
                Some(aws_sdk_lightsail::types::ResourceType::Instance | aws_sdk_lightsail::types::ResourceType::ContainerService)
            );
            let kind = o.operation_type().map(|k| k.as_str().to_string()).unwrap_or_default();
            let at = o.created_at().and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()));
            let (Some(at), Some(name)) = (at, o.resource_name()) else { continue };
            if on && at >= since && changes_it(&kind) {
                out.push(Operation { resource: name.to_string(), kind, at });
            }
        }
        match page.next_page_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

pub fn changes(scope: &Scope, data: &LightsailData, cx: &ChangeCtx) -> Vec<Change> {
    data.operations
        .iter()
        .filter(|o| o.at >= cx.since)
        .map(|o| Change {
            at: o.at,
            account: scope.account.to_string(),
            region: scope.region.clone(),
            service: <super::Lightsail as crate::services::Room>::INFO.name.to_string(),
            resource: o.resource.clone(),
            action: o.kind.clone(),
            actor: None,
            source: ChangeSource::ServiceApi,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lightsail::operation::get_operations::GetOperationsOutput;
    use aws_sdk_lightsail::primitives::DateTime as SdkTime;
    use aws_sdk_lightsail::types::{Operation as SdkOp, OperationType, ResourceType};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};

    fn op(name: &str, rt: ResourceType, kind: OperationType, secs: i64) -> SdkOp {
        SdkOp::builder()
            .resource_name(name)
            .resource_type(rt)
            .operation_type(kind)
            .created_at(SdkTime::from_secs(secs))
            .build()
    }

    #[tokio::test]
    async fn every_page_is_read_and_only_changes_inside_the_window_kept() {
        let since = 1_800_000_000;
        let first = mock!(aws_sdk_lightsail::Client::get_operations)
            .match_requests(|r| r.page_token().is_none())
            .then_output(move || {
                GetOperationsOutput::builder()
                    .operations(op("web-1", ResourceType::Instance, OperationType::RebootInstance, since + 60))
                    // Before the window: left out.
                    .operations(op("web-1", ResourceType::Instance, OperationType::StopInstance, since - 60))
                    // Not a change of the instance.
                    .operations(op("web-1", ResourceType::Instance, OperationType::CreateInstanceSnapshot, since + 70))
                    .next_page_token("p2")
                    .build()
            });
        let second = mock!(aws_sdk_lightsail::Client::get_operations)
            .match_requests(|r| r.page_token() == Some("p2"))
            .then_output(move || {
                GetOperationsOutput::builder()
                    .operations(op("api", ResourceType::ContainerService, OperationType::UpdateContainerService, since + 120))
                    .operations(op("static-ip", ResourceType::StaticIp, OperationType::AllocateStaticIp, since + 130))
                    .build()
            });
        let client = mock_client!(aws_sdk_lightsail, RuleMode::MatchAny, [&first, &second]);
        let got = read(&client, None, DateTime::from_timestamp(since, 0).unwrap()).await.unwrap();
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
        let got: Vec<(&str, &str, i64)> = got.iter().map(|o| (o.resource.as_str(), o.kind.as_str(), o.at.timestamp())).collect();
        assert_eq!(got, [("web-1", "RebootInstance", since + 60), ("api", "UpdateContainerService", since + 120)]);
    }

    #[test]
    fn operations_are_changes_of_their_resource_inside_the_window() {
        let t = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap();
        let data = LightsailData {
            operations: vec![
                Operation { resource: "web-1".into(), kind: "StopInstance".into(), at: t(120) },
                Operation { resource: "web-1".into(), kind: "StartInstance".into(), at: t(-120) },
            ],
            ..Default::default()
        };
        let scope = Scope::new("", "us-east-1");
        let cx = ChangeCtx { since: t(0), fetched_at: t(300), seen: true };
        let found = changes(&scope, &data, &cx);
        let got: Vec<_> = found.iter().map(|c| (c.service.as_str(), c.resource.as_str(), c.action.as_str(), c.at, c.source)).collect();
        assert_eq!(got, [("lightsail", "web-1", "StopInstance", t(120), ChangeSource::ServiceApi)]);
    }
}
