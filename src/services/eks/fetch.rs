//! EKS inventory with the documented page sizes: ListClusters, ListNodegroups,
//! ListFargateProfiles and ListAddons 100 a page, one Describe per item (EKS
//! has no batch describe). A deep read includes node groups, Fargate profiles
//! and add-ons; a shallow one re-reads only the clusters and keeps the rest.
//! A deep read also lists the cluster's and each node group's updates
//! (ListUpdates, 100 a page) and describes those not known finished.

use aws_sdk_eks::Client;
use chrono::{DateTime, TimeZone, Utc};

use super::domain::{Addon, EksCluster, FargateProfile, Nodegroup, Update};
use crate::aws::paging::{described, listed};
use crate::aws::AwsError;
use crate::services::live::Live;

/// The documented maximum for every EKS list call.
pub const LIST_PAGE: i32 = 100;

fn time(t: Option<&aws_smithy_types::DateTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

/// The clusters of one region. `previous` lends its node groups, profiles
/// and add-ons to a shallow read. Failures below the cluster list (one
/// cluster's add-ons, say) leave that part unread and are returned beside
/// the clusters.
pub async fn fetch(
    client: &Client,
    region: &str,
    live: &Live,
    deep: bool,
    previous: &[EksCluster],
) -> Result<(Vec<EksCluster>, Vec<AwsError>), AwsError> {
    let pages = client.list_clusters().max_results(LIST_PAGE).into_paginator().send().try_collect().await;
    let names = listed(pages, "ListClusters", live.endpoint(), |p| p.clusters())?;
    let mut out = Vec::with_capacity(names.len());
    let mut partial = Vec::new();
    for name in names {
        let resp = client
            .describe_cluster()
            .name(&name)
            .send()
            .await
            .map_err(|e| live.error("DescribeCluster", &e))?;
        let Some(c) = resp.cluster() else { continue };
        let vpc = c.resources_vpc_config();
        let mut cluster = EksCluster {
            name: c.name().unwrap_or(&name).to_string(),
            region: region.to_string(),
            status: c.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            version: c.version().map(str::to_string),
            platform_version: c.platform_version().map(str::to_string),
            support: c
                .upgrade_policy()
                .and_then(|u| u.support_type())
                .map(|s| s.as_str().to_string()),
            endpoint_public: vpc.map(|v| v.endpoint_public_access()),
            endpoint_private: vpc.map(|v| v.endpoint_private_access()),
            created_at: time(c.created_at()),
            health_issues: c
                .health()
                .map(|h| {
                    h.issues()
                        .iter()
                        .map(|i| issue(i.code().map(|c| c.as_str()), i.message()))
                        .collect()
                })
                .unwrap_or_default(),
            ..Default::default()
        };
        match previous.iter().find(|p| p.name == cluster.name).filter(|_| !deep) {
            Some(p) => {
                cluster.nodegroups = p.nodegroups.clone();
                cluster.fargate_profiles = p.fargate_profiles.clone();
                cluster.addons = p.addons.clone();
                cluster.updates = p.updates.clone();
            }
            None => {
                let known = previous.iter().find(|p| p.name == cluster.name).map_or(&[][..], |p| &p.updates[..]);
                details(client, live, &mut cluster, known, &mut partial).await
            }
        }
        cluster.settle();
        out.push(cluster);
    }
    Ok((out, partial))
}

fn issue(code: Option<&str>, message: Option<&str>) -> String {
    match (code, message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.to_string(),
        (None, Some(m)) => m.to_string(),
        (None, None) => "unknown issue".into(),
    }
}

/// Node groups, their and the cluster's updates, Fargate profiles and
/// add-ons of one cluster; what fails stays unread (add-ons `None`, the
/// updates `known` before) with its reason in `partial`.
async fn details(client: &Client, live: &Live, c: &mut EksCluster, known: &[Update], partial: &mut Vec<AwsError>) {
    match nodegroups(client, live, &c.name).await {
        Ok(v) => c.nodegroups = v,
        Err(e) => partial.push(e),
    }
    match updates(client, live, c, known).await {
        Ok(u) => c.updates = u,
        Err(e) => {
            c.updates = known.to_vec();
            partial.push(e);
        }
    }
    match fargate(client, live, &c.name).await {
        Ok(v) => c.fargate_profiles = v,
        Err(e) => partial.push(e),
    }
    match addons(client, live, &c.name).await {
        Ok(v) => c.addons = Some(v),
        Err(e) => partial.push(e),
    }
}

async fn nodegroups(client: &Client, live: &Live, cluster: &str) -> Result<Vec<Nodegroup>, AwsError> {
    let list = client.list_nodegroups().cluster_name(cluster).max_results(LIST_PAGE);
    let pages = list.into_paginator().send().try_collect().await;
    let names = listed(pages, "ListNodegroups", live.endpoint(), |p| p.nodegroups())?;
    described(&names, 1, |n| async move {
        let n = n.concat();
        let resp = client
            .describe_nodegroup()
            .cluster_name(cluster)
            .nodegroup_name(&n)
            .send()
            .await
            .map_err(|e| live.error("DescribeNodegroup", &e))?;
        let Some(g) = resp.nodegroup() else { return Ok(None) };
        let scaling = g.scaling_config();
        Ok(Some(Nodegroup {
            name: g.nodegroup_name().unwrap_or(&n).to_string(),
            status: g.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            version: g.version().map(str::to_string),
            release_version: g.release_version().map(str::to_string),
            capacity_type: g.capacity_type().map(|c| c.as_str().to_string()),
            instance_types: g.instance_types().to_vec(),
            min: scaling.and_then(|s| s.min_size()),
            desired: scaling.and_then(|s| s.desired_size()),
            max: scaling.and_then(|s| s.max_size()),
            health_issues: g
                .health()
                .map(|h| {
                    h.issues()
                        .iter()
                        .map(|i| issue(i.code().map(|c| c.as_str()), i.message()))
                        .collect()
                })
                .unwrap_or_default(),
            skew: None,
        }))
    })
    .await
}

async fn fargate(client: &Client, live: &Live, cluster: &str) -> Result<Vec<FargateProfile>, AwsError> {
    let list = client.list_fargate_profiles().cluster_name(cluster).max_results(LIST_PAGE);
    let pages = list.into_paginator().send().try_collect().await;
    let names = listed(pages, "ListFargateProfiles", live.endpoint(), |p| p.fargate_profile_names())?;
    described(&names, 1, |n| async move {
        let n = n.concat();
        let resp = client
            .describe_fargate_profile()
            .cluster_name(cluster)
            .fargate_profile_name(&n)
            .send()
            .await
            .map_err(|e| live.error("DescribeFargateProfile", &e))?;
        let Some(f) = resp.fargate_profile() else { return Ok(None) };
        Ok(Some(FargateProfile {
            name: f.fargate_profile_name().unwrap_or(&n).to_string(),
            status: f.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            namespaces: f
                .selectors()
                .iter()
                .filter_map(|s| s.namespace().map(str::to_string))
                .collect(),
        }))
    })
    .await
}

async fn addons(client: &Client, live: &Live, cluster: &str) -> Result<Vec<Addon>, AwsError> {
    let list = client.list_addons().cluster_name(cluster).max_results(LIST_PAGE);
    let pages = list.into_paginator().send().try_collect().await;
    let names = listed(pages, "ListAddons", live.endpoint(), |p| p.addons())?;
    described(&names, 1, |n| async move {
        let n = n.concat();
        let resp = client
            .describe_addon()
            .cluster_name(cluster)
            .addon_name(&n)
            .send()
            .await
            .map_err(|e| live.error("DescribeAddon", &e))?;
        let Some(a) = resp.addon() else { return Ok(None) };
        Ok(Some(Addon {
            name: a.addon_name().unwrap_or(&n).to_string(),
            version: a.addon_version().map(str::to_string),
            status: a.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            health_issues: a
                .health()
                .map(|h| {
                    h.issues()
                        .iter()
                        .map(|i| issue(i.code().map(|c| c.as_str()), i.message()))
                        .collect()
                })
                .unwrap_or_default(),
        }))
    })
    .await
}

/// The updates of the cluster and of each of its node groups. An update
/// `known` finished is kept as it was; the others are described (one call
/// each: EKS has no batch describe).
async fn updates(client: &Client, live: &Live, c: &EksCluster, known: &[Update]) -> Result<Vec<Update>, AwsError> {
    let mut out = Vec::new();
    let owners = std::iter::once(None).chain(c.nodegroups.iter().map(|g| Some(g.name.as_str())));
    for nodegroup in owners {
        let list = client
            .list_updates()
            .name(&c.name)
            .set_nodegroup_name(nodegroup.map(str::to_string))
            .max_results(LIST_PAGE);
        let pages = list.into_paginator().send().try_collect().await;
        let ids = listed(pages, "ListUpdates", live.endpoint(), |p| p.update_ids())?;
        for id in ids {
            if let Some(k) = known.iter().find(|k| k.id == id && k.finished()) {
                out.push(k.clone());
                continue;
            }
            let resp = client
                .describe_update()
                .name(&c.name)
                .update_id(&id)
                .set_nodegroup_name(nodegroup.map(str::to_string))
                .send()
                .await
                .map_err(|e| live.error("DescribeUpdate", &e))?;
            let Some(u) = resp.update() else { continue };
            out.push(Update {
                id: id.clone(),
                kind: u.r#type().map(|t| t.as_str().to_string()).unwrap_or_default(),
                nodegroup: nodegroup.map(str::to_string),
                status: u.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                created_at: time(u.created_at()),
            });
        }
    }
    Ok(out)
}
