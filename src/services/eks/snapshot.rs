//! The `eks` section of the snapshot (SNAPSHOT.md). Field names are an API.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::domain::{Addon, EksData, FargateProfile};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EksOut {
    pub clusters: Vec<ClusterOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusterOut {
    pub name: String,
    /// The account's 12-digit ID (null while it is not known).
    pub account: Option<String>,
    pub region: String,
    pub status: String,
    pub version: Option<String>,
    pub platform_version: Option<String>,
    pub support: Option<String>,
    pub endpoint_public: Option<bool>,
    pub created_at: Option<DateTime<Utc>>,
    pub health_issues: Vec<String>,
    pub nodegroups: Vec<NodegroupOut>,
    pub fargate_profiles: Vec<FargateProfile>,
    /// `null`: could not be read (the reason is in `errors`).
    pub addons: Option<Vec<AddonOut>>,
    pub metrics: MetricsOut,
    pub cost: Option<crate::cost::CostOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodegroupOut {
    pub name: String,
    pub status: String,
    pub version: Option<String>,
    pub version_skew: Option<i64>,
    pub capacity_type: Option<String>,
    pub instance_types: Vec<String>,
    pub min: Option<i32>,
    pub desired: Option<i32>,
    pub max: Option<i32>,
    pub health_issues: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddonOut {
    pub name: String,
    pub version: Option<String>,
    pub status: String,
}

/// `null` for what the account does not publish.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricsOut {
    pub apiserver_requests: Option<f64>,
    pub apiserver_4xx: Option<f64>,
    pub apiserver_5xx: Option<f64>,
    pub apiserver_429: Option<f64>,
    pub apiserver_p99_ms: Option<f64>,
    pub pending_pods_max: Option<f64>,
    pub node_count: Option<f64>,
    pub failed_nodes: Option<f64>,
}


fn addon(a: &Addon) -> AddonOut {
    AddonOut {
        name: a.name.clone(),
        version: a.version.clone(),
        status: a.status.clone(),
    }
}

pub fn eks(d: &EksData, prices: &crate::cost::PriceBook, book: &crate::scope::AccountBook) -> EksOut {
    EksOut {
        clusters: d
            .clusters
            .iter()
            .map(|c| {
                let m = &c.metrics;
                ClusterOut {
                    name: c.name.clone(),
                    account: book.id(&c.account).map(str::to_string),
                    region: c.region.clone(),
                    status: c.status.clone(),
                    version: c.version.clone(),
                    platform_version: c.platform_version.clone(),
                    support: c.support.clone(),
                    endpoint_public: c.endpoint_public,
                    created_at: c.created_at,
                    health_issues: c.health_issues.clone(),
                    nodegroups: c
                        .nodegroups
                        .iter()
                        .map(|n| NodegroupOut {
                            name: n.name.clone(),
                            status: n.status.clone(),
                            version: n.version.clone(),
                            version_skew: n.skew,
                            capacity_type: n.capacity_type.clone(),
                            instance_types: n.instance_types.clone(),
                            min: n.min,
                            desired: n.desired,
                            max: n.max,
                            health_issues: n.health_issues.clone(),
                        })
                        .collect(),
                    fargate_profiles: c.fargate_profiles.clone(),
                    addons: c.addons.as_ref().map(|a| a.iter().map(addon).collect()),
                    metrics: MetricsOut {
                        apiserver_requests: m.apiserver_requests,
                        apiserver_4xx: m.apiserver_4xx,
                        apiserver_5xx: m.apiserver_5xx,
                        apiserver_429: m.apiserver_429,
                        apiserver_p99_ms: m.apiserver_p99_ms,
                        pending_pods_max: m.pending_pods_max,
                        node_count: m.node_count,
                        failed_nodes: m.failed_nodes,
                    },
                    cost: super::cost::estimate(c, prices).out(),
                }
            })
            .collect(),
    }
}
