//! What changed among a region's APIs, as API Gateway says it: a deployment
//! created inside the window (GetDeployments' `createdDate`, v1 and v2) and a
//! stage created or changed inside it (its `lastUpdatedDate`; a deployment
//! to a stage moves it too). A change names its API by ID, as the rows do.

use super::domain::ApiGatewayData;
use crate::changes::{Change, ChangeSource};
use crate::services::room::ChangeCtx;
use crate::services::scope::Scope;

pub fn changes(_state: &ApiGatewayData, scope: &Scope, data: &ApiGatewayData, cx: &ChangeCtx) -> Vec<Change> {
    let mut out = Vec::new();
    for a in &data.apis {
        let change = |at, action: &str| Change {
            at,
            account: scope.account.to_string(),
            region: scope.region.clone(),
            service: <super::ApiGateway as crate::services::Room>::INFO.name.to_string(),
            resource: a.id.clone(),
            action: action.to_string(),
            actor: None,
            source: ChangeSource::ServiceApi,
        };
        // The same deployment read again is the same change: the timeline keeps it once.
        out.extend(a.deployed.iter().filter(|t| **t >= cx.since).map(|t| change(*t, "CreateDeployment")));
        for s in &a.stages {
            let Some(at) = s.updated_at.filter(|t| *t >= cx.since) else { continue };
            out.push(change(at, if s.created_at == Some(at) { "CreateStage" } else { "UpdateStage" }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::apigateway::domain::{Api, Stage};
    use crate::services::change_tests::{first_read, listed, t};

    #[test]
    fn deployments_and_stage_updates_inside_the_window_are_changes_older_ones_are_not() {
        let stage = |name: &str, created: i64, updated: i64| Stage {
            name: name.into(),
            created_at: Some(t(created)),
            updated_at: Some(t(updated)),
            ..Default::default()
        };
        let data = ApiGatewayData {
            apis: vec![
                Api {
                    id: "a1".into(),
                    stages: vec![stage("prod", -900, 42), stage("dev", 30, 30), stage("old", -900, -300)],
                    deployed: vec![t(42), t(-5)],
                    ..Default::default()
                },
                Api { id: "b2".into(), stages: vec![Stage { name: "moto".into(), ..Default::default() }], ..Default::default() },
            ],
            unread: vec![],
        };
        let found = first_read::<crate::services::ApiGateway>("eu-west-1", &data);
        assert_eq!(
            listed(&found),
            [("a1", "CreateDeployment", t(42)), ("a1", "UpdateStage", t(42)), ("a1", "CreateStage", t(30))]
        );
        assert!(found.iter().all(|c| c.service == "apigateway" && c.region == "eu-west-1" && c.source == ChangeSource::ServiceApi));
    }
}
