//! EMR clusters' applications against the same window a week ago
//! (`baseline`): levels read at a moment, judged by `Rule::Level`.

use super::domain::EmrCluster;
use crate::baseline::{unusual as judged, Pair, Rule, Unusual};

/// The figures compared, by their key in the snapshot's `metrics`: five
/// applications more than last week and at least twice as many.
pub const MEASURES: [(&str, Rule); 2] = [
    ("apps_running", Rule::Level { min_rise: 5.0 }),
    ("apps_pending", Rule::Level { min_rise: 5.0 }),
];

fn pair(c: &EmrCluster, metric: &str) -> Pair {
    let (m, w) = (&c.metrics, c.metrics.week_ago.as_ref());
    let (now, week_ago) = match metric {
        "apps_running" => (m.apps_running, w.and_then(|w| w.apps_running)),
        _ => (m.apps_pending, w.and_then(|w| w.apps_pending)),
    };
    Pair { now, week_ago, calls_now: None, calls_week_ago: None }
}

/// The active clusters' unusual figures, named by cluster name.
pub fn unusual(clusters: &[EmrCluster]) -> Vec<Unusual> {
    clusters.iter().flat_map(of_cluster).collect()
}

/// One cluster's unusual figures; none when it is not active or its
/// figures are being read.
pub fn of_cluster(c: &EmrCluster) -> Vec<Unusual> {
    if !c.active() || c.metrics.pending {
        return Vec::new();
    }
    MEASURES.iter().filter_map(|(key, rule)| judged("emr", &c.name, &c.region, key, *rule, pair(c, key))).collect()
}

/// A figure's short name on the Overview, by its key.
pub fn short(metric: &str) -> &'static str {
    match metric {
        "apps_running" => "APPS",
        _ => "PEND",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::emr::domain::{EmrMetrics, EmrWeekAgo};

    fn cluster(name: &str, pending: f64, week: f64) -> EmrCluster {
        EmrCluster {
            name: name.into(),
            state: "WAITING".into(),
            metrics: EmrMetrics {
                apps_running: Some(4.0),
                apps_pending: Some(pending),
                week_ago: Some(EmrWeekAgo { apps_running: Some(4.0), apps_pending: Some(week) }),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn a_queue_far_longer_than_last_week_is_named() {
        let u = unusual(&[cluster("etl", 12.0, 1.0), cluster("steady", 2.0, 1.0)]);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!((u[0].resource.as_str(), u[0].metric, u[0].ratio), ("etl", "apps_pending", 12.0));
    }
}
