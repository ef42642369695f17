//! EMR inventory: the active clusters (ListClusters, 50 a page, the API's
//! own size), one DescribeCluster each, their instance groups or fleets and
//! their newest steps; and, in one more ListClusters page, the clusters that
//! ended in the last day.

use aws_sdk_emr::types::{ClusterState, ClusterSummary, InstanceFleet, InstanceGroup as SdkGroup};
use aws_sdk_emr::Client;
use chrono::{DateTime, Duration, TimeZone, Utc};

use super::domain::{EmrCluster, InstanceGroup, Step, ACTIVE_STATES, STEPS_KEPT};
use crate::aws::AwsError;
use crate::services::live::Live;

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

/// Ended clusters are shown for this long.
pub const ENDED_SHOWN_HOURS: i64 = 24;

/// The region's active clusters, with what failed below the cluster list
/// (one cluster's steps, say) beside them; then the recently ended ones.
pub async fn fetch(
    client: &Client,
    region: &str,
    live: &Live,
    now: DateTime<Utc>,
) -> Result<(Vec<EmrCluster>, Vec<AwsError>), AwsError> {
    let mut ids = Vec::new();
    let mut list = client.list_clusters();
    for s in ACTIVE_STATES {
        list = list.cluster_states(ClusterState::from(s));
    }
    let mut pages = list.into_paginator().send();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| live.error("ListClusters", &e))?;
        ids.extend(p.clusters().iter().filter_map(|c| c.id().map(str::to_string)));
    }
    let mut out = Vec::with_capacity(ids.len());
    let mut partial = Vec::new();
    for id in ids {
        let resp = client
            .describe_cluster()
            .cluster_id(&id)
            .send()
            .await
            .map_err(|e| live.error("DescribeCluster", &e))?;
        let Some(c) = resp.cluster() else { continue };
        let status = c.status();
        let timeline = status.and_then(|s| s.timeline());
        let mut cluster = EmrCluster {
            id: c.id().unwrap_or(&id).to_string(),
            name: c.name().unwrap_or_default().to_string(),
            region: region.to_string(),
            state: status.and_then(|s| s.state()).map(|s| s.as_str().to_string()).unwrap_or_default(),
            state_reason: status.and_then(|s| s.state_change_reason()).and_then(|r| r.message()).map(str::to_string),
            release_label: c.release_label().map(str::to_string),
            created_at: time(timeline.and_then(|t| t.creation_date_time())),
            ended_at: time(timeline.and_then(|t| t.end_date_time())),
            normalized_instance_hours: c.normalized_instance_hours(),
            collection: c.instance_collection_type().map(|t| t.as_str().to_string()),
            ..Default::default()
        };
        // moto answers ListInstanceFleets with a 500: only ask a fleet cluster.
        let groups = if cluster.collection.as_deref() == Some("INSTANCE_FLEET") {
            fleets(client, live, &cluster.id).await
        } else {
            groups(client, live, &cluster.id).await
        };
        match groups {
            Ok(g) => cluster.groups = Some(g),
            Err(e) => partial.push(e),
        }
        match steps(client, live, &cluster.id).await {
            Ok(s) => cluster.steps = Some(s),
            Err(e) => partial.push(e),
        }
        out.push(cluster);
    }
    match ended(client, region, live, now).await {
        Ok(v) => out.extend(v),
        Err(e) => partial.push(e),
    }
    Ok((out, partial))
}

/// One page of clusters that ended in the last day: their summaries say
/// enough (state, reason, hours), so no describe is spent on them.
async fn ended(client: &Client, region: &str, live: &Live, now: DateTime<Utc>) -> Result<Vec<EmrCluster>, AwsError> {
    let since = now - Duration::hours(ENDED_SHOWN_HOURS * 7);
    let resp = client
        .list_clusters()
        .cluster_states(ClusterState::Terminated)
        .cluster_states(ClusterState::TerminatedWithErrors)
        .created_after(aws_smithy_types::DateTime::from_secs(since.timestamp()))
        .send()
        .await
        .map_err(|e| live.error("ListClusters", &e))?;
    let cutoff = now - Duration::hours(ENDED_SHOWN_HOURS);
    Ok(resp
        .clusters()
        .iter()
        .map(|s| summary(s, region))
        .filter(|c| c.ended_at.is_some_and(|t| t >= cutoff))
        .collect())
}

fn summary(s: &ClusterSummary, region: &str) -> EmrCluster {
    let status = s.status();
    let timeline = status.and_then(|s| s.timeline());
    EmrCluster {
        id: s.id().unwrap_or_default().to_string(),
        name: s.name().unwrap_or_default().to_string(),
        region: region.to_string(),
        state: status.and_then(|s| s.state()).map(|s| s.as_str().to_string()).unwrap_or_default(),
        state_reason: status.and_then(|s| s.state_change_reason()).and_then(|r| r.message()).map(str::to_string),
        created_at: time(timeline.and_then(|t| t.creation_date_time())),
        ended_at: time(timeline.and_then(|t| t.end_date_time())),
        normalized_instance_hours: s.normalized_instance_hours(),
        ..Default::default()
    }
}

pub fn group(g: &SdkGroup) -> InstanceGroup {
    InstanceGroup {
        role: g.instance_group_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        market: g.market().map(|m| m.as_str().to_string()).unwrap_or_else(|| "ON_DEMAND".into()),
        instance_type: g.instance_type().unwrap_or_default().to_string(),
        requested: g.requested_instance_count().unwrap_or(0),
        running: g.running_instance_count().unwrap_or(0),
        state: g.status().and_then(|s| s.state()).map(|s| s.as_str().to_string()),
    }
}

async fn groups(client: &Client, live: &Live, id: &str) -> Result<Vec<InstanceGroup>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client.list_instance_groups().cluster_id(id).into_paginator().send();
    while let Some(p) = pages.next().await {
        out.extend(p.map_err(|e| live.error("ListInstanceGroups", &e))?.instance_groups().iter().map(group));
    }
    Ok(out)
}

/// A fleet as one row per market it holds capacity in: units of capacity
/// stand for instances (weighted capacities are rare on EMR).
pub fn fleet(f: &InstanceFleet) -> Vec<InstanceGroup> {
    let role = f.instance_fleet_type().map(|t| t.as_str().to_string()).unwrap_or_default();
    let types: Vec<&str> = f.instance_type_specifications().iter().filter_map(|s| s.instance_type()).collect();
    let instance_type = types.join("|");
    let state = f.status().and_then(|s| s.state()).map(|s| s.as_str().to_string());
    [
        ("ON_DEMAND", f.target_on_demand_capacity(), f.provisioned_on_demand_capacity()),
        ("SPOT", f.target_spot_capacity(), f.provisioned_spot_capacity()),
    ]
    .into_iter()
    .filter(|(_, want, have)| want.unwrap_or(0) > 0 || have.unwrap_or(0) > 0)
    .map(|(market, want, have)| InstanceGroup {
        role: role.clone(),
        market: market.into(),
        instance_type: instance_type.clone(),
        requested: want.unwrap_or(0),
        running: have.unwrap_or(0),
        state: state.clone(),
    })
    .collect()
}

async fn fleets(client: &Client, live: &Live, id: &str) -> Result<Vec<InstanceGroup>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client.list_instance_fleets().cluster_id(id).into_paginator().send();
    while let Some(p) = pages.next().await {
        out.extend(p.map_err(|e| live.error("ListInstanceFleets", &e))?.instance_fleets().iter().flat_map(fleet));
    }
    Ok(out)
}

/// The newest steps: ListSteps returns newest first, so one page is enough.
async fn steps(client: &Client, live: &Live, id: &str) -> Result<Vec<Step>, AwsError> {
    let resp = client
        .list_steps()
        .cluster_id(id)
        .send()
        .await
        .map_err(|e| live.error("ListSteps", &e))?;
    Ok(resp
        .steps()
        .iter()
        .take(STEPS_KEPT)
        .map(|s| {
            let status = s.status();
            let t = status.and_then(|s| s.timeline());
            let failure = status.and_then(|s| s.failure_details());
            Step {
                id: s.id().unwrap_or_default().to_string(),
                name: s.name().unwrap_or_default().to_string(),
                state: status.and_then(|s| s.state()).map(|s| s.as_str().to_string()).unwrap_or_default(),
                created_at: time(t.and_then(|t| t.creation_date_time())),
                started_at: time(t.and_then(|t| t.start_date_time())),
                ended_at: time(t.and_then(|t| t.end_date_time())),
                failure_reason: failure.and_then(|f| f.message().or(f.reason())).map(str::to_string),
            }
        })
        .collect())
}
