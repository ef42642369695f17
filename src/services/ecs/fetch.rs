//! ECS: clusters, services, tasks and container instances with the fewest calls:
//! DescribeClusters 100 at a time, ListServices 100 a page then DescribeServices
//! 10 at a time, one cluster-wide ListTasks (RUNNING and STOPPED) then
//! DescribeTasks 100 at a time, mapped to services by `group`. Task overrides and
//! container environments are never read into the domain types.

use compact_str::CompactString;
use aws_sdk_ecs::types::{DesiredStatus, Resource};
use aws_sdk_ecs::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::domain::{Cluster, Container, ContainerInstance, EcsData, Service, ServiceEvent, Task};
use crate::aws::paging::{described, listed};
use crate::aws::{arn_tail, AwsError};
use crate::services::live::Live;

pub const DESCRIBE_CLUSTERS: usize = 100;
pub const DESCRIBE_SERVICES: usize = 10;
pub const DESCRIBE_TASKS: usize = 100;
pub const DESCRIBE_INSTANCES: usize = 100;
pub const LIST_PAGE: i32 = 100;
/// Service events shown per service.
const EVENTS: usize = 5;

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

/// Everything of one region, or the operation that failed and why.
pub async fn fetch(client: &Client, region: &str, live: &Live) -> Result<EcsData, AwsError> {
    let pages = client
        .list_clusters()
        .max_results(LIST_PAGE)
        .into_paginator()
        .send()
        .try_collect()
        .await;
    let arns = listed(pages, "ListClusters", live.endpoint(), |p| p.cluster_arns())?;
    let clusters = described(&arns, DESCRIBE_CLUSTERS, |chunk| async move {
        let out = client
            .describe_clusters()
            .set_clusters(Some(chunk))
            .send()
            .await
            .map_err(|e| live.error("DescribeClusters", &e))?;
        Ok::<_, AwsError>(
            out.clusters()
                .iter()
                .map(|c| cluster(c, region))
                .collect::<Vec<_>>(),
        )
    })
    .await?;
    let mut out = Vec::with_capacity(clusters.len());
    for (arn, mut cluster) in clusters {
        cluster.services = services(client, &arn, live).await?;
        cluster.tasks = tasks(client, &arn, live).await?;
        cluster.container_instances = instances(client, &arn, live).await?;
        for s in &mut cluster.services {
            s.recently_stopped = cluster
                .tasks
                .iter()
                .filter(|t| t.service.as_deref() == Some(&s.name))
                .filter(|t| {
                    matches!(
                        t.stop_code.as_deref(),
                        Some("EssentialContainerExited" | "TaskFailedToStart")
                    )
                })
                .count() as u32;
        }
        out.push(cluster);
    }
    Ok(EcsData { clusters: out })
}

/// A described cluster, with its ARN (what its other calls name it by).
fn cluster(c: &aws_sdk_ecs::types::Cluster, region: &str) -> (String, Cluster) {
    (
        c.cluster_arn().unwrap_or_default().to_string(),
        Cluster {
            name: c.cluster_name().unwrap_or_default().to_string(),
            region: region.to_string(),
            status: c.status().unwrap_or_default().to_string(),
            capacity_providers: c.capacity_providers().to_vec(),
            ..Default::default()
        },
    )
}

async fn services(client: &Client, cluster: &str, live: &Live) -> Result<Vec<Service>, AwsError> {
    // ListServices defaults to 10 a page; ask for the maximum.
    let pages = client
        .list_services()
        .cluster(cluster)
        .max_results(LIST_PAGE)
        .into_paginator()
        .send()
        .try_collect()
        .await;
    let arns = listed(pages, "ListServices", live.endpoint(), |p| p.service_arns())?;
    described(&arns, DESCRIBE_SERVICES, |chunk| async move {
        let resp = client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk))
            .send()
            .await
            .map_err(|e| live.error("DescribeServices", &e))?;
        Ok::<_, AwsError>(resp.services().iter().map(service).collect::<Vec<_>>())
    })
    .await
}

fn service(s: &aws_sdk_ecs::types::Service) -> Service {
    let primary = s
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"));
    Service {
        name: s.service_name().unwrap_or_default().to_string(),
        status: s.status().unwrap_or_default().to_string(),
        launch_type: s
            .launch_type()
            .map(|l| l.as_str().to_string())
            .unwrap_or_else(|| {
                if s.capacity_provider_strategy().is_empty() {
                    "EC2".into()
                } else {
                    "CAPACITY_PROVIDER".into()
                }
            }),
        capacity_provider: s
            .capacity_provider_strategy()
            .first()
            .map(|c| c.capacity_provider().to_string()),
        desired: s.desired_count().max(0) as u32,
        running: s.running_count().max(0) as u32,
        pending: s.pending_count().max(0) as u32,
        rollout_state: primary
            .and_then(|d| d.rollout_state())
            .map(|r| r.as_str().to_string()),
        deployments: s.deployments().len() as u32,
        task_definition: s
            .task_definition()
            .map(|t| arn_tail(t).to_string())
            .unwrap_or_default(),
        deployed_at: primary.and_then(|d| time(d.created_at())),
        cpu_pct: None,
        memory_pct: None,
        metrics_pending: false,
        week_ago: None,
        band: None,
        events: s
            .events()
            .iter()
            .take(EVENTS)
            .filter_map(|e| {
                Some(ServiceEvent {
                    at: time(e.created_at())?,
                    message: e.message().unwrap_or_default().to_string(),
                })
            })
            .collect(),
        rollout_events: s
            .events()
            .iter()
            .filter(|e| e.message().and_then(super::domain::rollout_action).is_some())
            .take(super::domain::ROLLOUT_EVENTS)
            .filter_map(|e| {
                Some(ServiceEvent {
                    at: time(e.created_at())?,
                    message: e.message().unwrap_or_default().to_string(),
                })
            })
            .collect(),
        recently_stopped: 0,
        image: None,
        usage: None,
        tasks_say: None,
    }
}

async fn tasks(client: &Client, cluster: &str, live: &Live) -> Result<Vec<Task>, AwsError> {
    let mut arns = Vec::new();
    // STOPPED tasks stay listed for about an hour: that is where crash loops show.
    for status in [DesiredStatus::Running, DesiredStatus::Stopped] {
        let list = client
            .list_tasks()
            .cluster(cluster)
            .desired_status(status)
            .max_results(LIST_PAGE);
        let pages = list.into_paginator().send().try_collect().await;
        arns.extend(listed(pages, "ListTasks", live.endpoint(), |p| {
            p.task_arns()
        })?);
    }
    arns.sort();
    arns.dedup();
    described(&arns, DESCRIBE_TASKS, |chunk| async move {
        let resp = client
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk))
            .send()
            .await
            .map_err(|e| live.error("DescribeTasks", &e))?;
        Ok::<_, AwsError>(resp.tasks().iter().map(task).collect::<Vec<_>>())
    })
    .await
}

pub fn task(t: &aws_sdk_ecs::types::Task) -> Task {
    Task {
        id: t.task_arn().map(arn_tail).unwrap_or_default().to_string(),
        service: t
            .group()
            .and_then(|g| g.strip_prefix("service:"))
            .map(CompactString::from),
        task_definition: t
            .task_definition_arn()
            .map(|a| arn_tail(a).into())
            .unwrap_or_default(),
        last_status: t.last_status().unwrap_or_default().into(),
        desired_status: t.desired_status().unwrap_or_default().into(),
        launch_type: t
            .launch_type()
            .map(|l| l.as_str().into())
            .unwrap_or_default(),
        capacity_provider: t.capacity_provider_name().map(CompactString::from),
        cpu: t.cpu().map(CompactString::from),
        memory: t.memory().map(CompactString::from),
        started_at: time(t.started_at()),
        stopped_at: time(t.stopped_at()),
        stop_code: t.stop_code().map(|c| c.as_str().into()),
        stopped_reason: t.stopped_reason().map(str::to_string),
        health: t.health_status().map(|h| h.as_str().into()),
        containers: t
            .containers()
            .iter()
            .map(|c| Container {
                name: c.name().unwrap_or_default().into(),
                last_status: c.last_status().unwrap_or_default().into(),
                exit_code: c.exit_code(),
                reason: c.reason().map(str::to_string),
                image: c.image().map(str::to_string),
                image_digest: c.image_digest().map(str::to_string),
            })
            .collect(),
        architecture: t
            .attributes()
            .iter()
            .find(|a| a.name() == "ecs.cpu-architecture")
            .and_then(|a| a.value())
            .map(CompactString::from),
    }
}

fn remaining(rs: &[Resource], name: &str) -> i64 {
    rs.iter()
        .find(|r| r.name() == Some(name))
        .map(|r| r.integer_value() as i64)
        .unwrap_or(0)
}

async fn instances(
    client: &Client,
    cluster: &str,
    live: &Live,
) -> Result<Vec<ContainerInstance>, AwsError> {
    let list = client
        .list_container_instances()
        .cluster(cluster)
        .max_results(LIST_PAGE);
    let pages = list.into_paginator().send().try_collect().await;
    let arns = listed(pages, "ListContainerInstances", live.endpoint(), |p| {
        p.container_instance_arns()
    })?;
    described(&arns, DESCRIBE_INSTANCES, |chunk| async move {
        let resp = client
            .describe_container_instances()
            .cluster(cluster)
            .set_container_instances(Some(chunk))
            .send()
            .await
            .map_err(|e| live.error("DescribeContainerInstances", &e))?;
        Ok::<_, AwsError>(
            resp.container_instances()
                .iter()
                .map(instance)
                .collect::<Vec<_>>(),
        )
    })
    .await
}

fn instance(ci: &aws_sdk_ecs::types::ContainerInstance) -> ContainerInstance {
    ContainerInstance {
        id: ci
            .container_instance_arn()
            .map(arn_tail)
            .unwrap_or_default()
            .to_string(),
        ec2_instance_id: ci.ec2_instance_id().map(str::to_string),
        status: ci.status().unwrap_or_default().to_string(),
        agent_connected: ci.agent_connected(),
        running_tasks: ci.running_tasks_count().max(0) as u32,
        pending_tasks: ci.pending_tasks_count().max(0) as u32,
        cpu_remaining: remaining(ci.remaining_resources(), "CPU"),
        memory_remaining_mb: remaining(ci.remaining_resources(), "MEMORY"),
        cpu_registered: ci
            .registered_resources()
            .iter()
            .find(|r| r.name() == Some("CPU"))
            .map(|r| r.integer_value() as i64),
    }
}
