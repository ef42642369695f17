//! EKS as awstop keeps it: clusters with their node groups, Fargate profiles,
//! add-ons and control-plane metrics. Plain serde types: recordings keep them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::series::Series;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EksData {
    pub clusters: Vec<EksCluster>,
}

impl EksData {
    /// The cluster `name` of `at`'s account and region.
    pub fn cluster(&self, at: &crate::scope::Scope, name: &str) -> Option<&EksCluster> {
        use crate::scope::Scoped;
        self.clusters.iter().find(|c| c.name == name && c.in_scope(at))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EksCluster {
    pub name: String,
    /// The account's key (`scope::Scope`), set when the row is merged.
    #[serde(skip)]
    pub account: std::sync::Arc<str>,
    pub region: String,
    pub status: String,
    pub version: Option<String>,
    pub platform_version: Option<String>,
    /// STANDARD or EXTENDED (a version past its standard support).
    pub support: Option<String>,
    pub endpoint_public: Option<bool>,
    pub endpoint_private: Option<bool>,
    pub created_at: Option<DateTime<Utc>>,
    /// The control plane's own health issues, as "CODE: message".
    pub health_issues: Vec<String>,
    pub nodegroups: Vec<Nodegroup>,
    pub fargate_profiles: Vec<FargateProfile>,
    /// `None`: the add-ons could not be read (the reason is in the pane's errors).
    pub addons: Option<Vec<Addon>>,
    pub metrics: ClusterMetrics,
    /// The cluster's and its node groups' updates (ListUpdates,
    /// DescribeUpdate), read with the node groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<Update>,
}

/// One update of a cluster or of one of its node groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Update {
    pub id: String,
    /// EKS's type: `VersionUpdate`, `ConfigUpdate`, `AddonUpdate`…
    pub kind: String,
    /// `None`: the cluster's own update.
    pub nodegroup: Option<String>,
    /// `InProgress`, `Successful`, `Failed`, `Cancelled`.
    pub status: String,
    pub created_at: Option<DateTime<Utc>>,
}

impl Update {
    /// Whether its status can still move: a finished update is not asked again.
    pub fn finished(&self) -> bool {
        matches!(self.status.as_str(), "Successful" | "Failed" | "Cancelled")
    }

    /// The API's name for it: `UpdateClusterVersion`, `UpdateNodegroupVersion`,
    /// `UpdateClusterConfig`, `UpdateNodegroupConfig`, else the type as EKS says it.
    pub fn action(&self) -> String {
        let on = if self.nodegroup.is_some() { "Nodegroup" } else { "Cluster" };
        match self.kind.as_str() {
            "VersionUpdate" => format!("Update{on}Version"),
            "ConfigUpdate" => format!("Update{on}Config"),
            k => k.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Nodegroup {
    pub name: String,
    pub status: String,
    pub version: Option<String>,
    pub release_version: Option<String>,
    /// ON_DEMAND, SPOT or CAPACITY_BLOCK.
    pub capacity_type: Option<String>,
    pub instance_types: Vec<String>,
    pub min: Option<i32>,
    pub desired: Option<i32>,
    pub max: Option<i32>,
    pub health_issues: Vec<String>,
    /// Minor versions behind the cluster's (negative: ahead), where both are known.
    #[serde(default)]
    pub skew: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FargateProfile {
    pub name: String,
    pub status: String,
    pub namespaces: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Addon {
    pub name: String,
    pub version: Option<String>,
    pub status: String,
    pub health_issues: Vec<String>,
}

/// Control-plane metrics over the window. `None`: not published (clusters
/// before 1.28 publish no AWS/EKS metrics; Container Insights only with its
/// agent), never 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterMetrics {
    pub apiserver_requests: Option<f64>,
    pub apiserver_4xx: Option<f64>,
    pub apiserver_5xx: Option<f64>,
    pub apiserver_429: Option<f64>,
    pub apiserver_p99_ms: Option<f64>,
    pub pending_pods_max: Option<f64>,
    /// Container Insights.
    pub node_count: Option<f64>,
    pub failed_nodes: Option<f64>,
    /// Per minute, for the detail view's sparklines.
    pub series: Option<ClusterSeries>,
    /// On its way: the dashboard's first read sends the rows before
    /// CloudWatch answers. Never recorded.
    #[serde(skip)]
    pub pending: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterSeries {
    /// The first minute's start: where a change is marked on the graphs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateTime<Utc>>,
    pub requests: Series,
    pub errors_5xx: Series,
    pub throttled_429: Series,
    pub p99_ms: Series,
    pub pending_pods: Series,
}

/// Minor versions between `a` and `b` ("1.29" and "1.27": 2); `None` when
/// either is not a `major.minor` version.
pub fn minor_skew(cluster: &str, node: &str) -> Option<i64> {
    let parse = |v: &str| -> Option<(i64, i64)> {
        let mut it = v.trim_start_matches('v').split('.');
        Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
    };
    let ((ca, cb), (na, nb)) = (parse(cluster)?, parse(node)?);
    (ca == na).then_some(cb - nb)
}

impl EksCluster {
    /// Sets what the node groups derive from the cluster: their version skew.
    pub fn settle(&mut self) {
        let v = self.version.clone();
        for n in &mut self.nodegroups {
            n.skew = v
                .as_deref()
                .zip(n.version.as_deref())
                .and_then(|(c, n)| minor_skew(c, n));
        }
    }

    /// How far a node group's Kubernetes lags the control plane.
    pub fn skew(&self, ng: &Nodegroup) -> Option<i64> {
        ng.skew
    }

    /// Node groups a minor version or more behind (or ahead of) the cluster.
    pub fn skewed(&self) -> usize {
        self.nodegroups
            .iter()
            .filter(|n| self.skew(n).is_some_and(|s| s != 0))
            .count()
    }

    pub fn not_active(&self) -> usize {
        self.nodegroups.iter().filter(|n| n.status != "ACTIVE").count()
    }

    pub fn extended(&self) -> bool {
        self.support.as_deref() == Some("EXTENDED")
    }

    /// Something an operator must look at: not ACTIVE, unhealthy, skewed
    /// node groups, failing add-ons, or failed nodes.
    pub fn problem(&self) -> Option<String> {
        if self.status != "ACTIVE" {
            return Some(self.status.clone());
        }
        if let Some(i) = self.health_issues.first() {
            return Some(i.clone());
        }
        if let Some(n) = self.nodegroups.iter().find(|n| n.status != "ACTIVE") {
            return Some(format!("node group {} {}", n.name, n.status));
        }
        if let Some(n) = self.nodegroups.iter().find(|n| self.skew(n).is_some_and(|s| s != 0)) {
            return Some(format!(
                "node group {} on {} (cluster {})",
                n.name,
                n.version.as_deref().unwrap_or("?"),
                self.version.as_deref().unwrap_or("?")
            ));
        }
        if let Some(a) = self.addons.iter().flatten().find(|a| a.status != "ACTIVE") {
            return Some(format!("add-on {} {}", a.name, a.status));
        }
        if self.metrics.failed_nodes.is_some_and(|f| f > 0.0) {
            return Some(format!("{} failed nodes", self.metrics.failed_nodes.unwrap_or(0.0)));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_counts_minor_versions_behind() {
        assert_eq!(minor_skew("1.29", "1.28"), Some(1));
        assert_eq!(minor_skew("1.29", "1.29"), Some(0));
        assert_eq!(minor_skew("1.30", "1.19"), Some(11));
        assert_eq!(minor_skew("1.29", "2.0"), None);
        assert_eq!(minor_skew("1.29", "latest"), None);
    }
}

crate::scoped!(EksCluster);
