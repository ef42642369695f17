//! EMR clusters' applications against the same window a week ago
//! (`baseline`): levels read at a moment, judged by `Rule::Level`.

use super::domain::EmrCluster;
use crate::baseline::{banded, level_figures, unusual_by_band as judged, Compared, Figure, Pair, Rule, Unusual};

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

/// The upper edge of `metric`'s anomaly band, when a detector's band was read.
fn band(c: &EmrCluster, metric: &str) -> Option<f64> {
    let b = c.metrics.band.as_ref()?;
    match metric {
        "apps_running" => b.apps_running,
        _ => b.apps_pending,
    }
}

/// The active clusters' unusual figures (by a figure's anomaly band where
/// one was read, else against last week), named by cluster name.
pub fn unusual(clusters: &[EmrCluster]) -> Vec<Unusual> {
    clusters.iter().flat_map(of_cluster).collect()
}

/// One cluster's unusual figures; none when it is not active or its
/// figures are being read.
pub fn of_cluster(c: &EmrCluster) -> Vec<Unusual> {
    if !c.active() || c.metrics.pending {
        return Vec::new();
    }
    MEASURES.iter().filter_map(|(key, rule)| judged("emr", &c.name, &c.region, key, *rule, pair(c, key), band(c, key))).collect()
}

impl Compared for EmrCluster {
    /// The change in applications running, when nothing is unusual.
    const HEADLINE: &'static str = "APPS";
    /// None for an ended cluster or while its figures are being read.
    fn figures(&self) -> Vec<Figure> {
        if !self.active() || self.metrics.pending {
            return Vec::new();
        }
        let measures = MEASURES.map(|(key, rule)| (key, short(key), rule));
        let figures = level_figures(&measures, self.metrics.week_ago.is_some(), |key| pair(self, key));
        banded(&measures, figures, |key| band(self, key))
    }
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
    fn a_queue_with_a_band_is_judged_by_it_and_the_others_week_over_week() {
        use crate::services::emr::domain::EmrBand;
        // As long a queue as last week, above its band: named by the band.
        let mut banded = cluster("nightly", 12.0, 12.0);
        banded.metrics.band = Some(EmrBand { apps_running: None, apps_pending: Some(3.0) });
        // Far longer than last week, within a wide band: usual.
        let mut wide = cluster("etl", 12.0, 1.0);
        wide.metrics.band = Some(EmrBand { apps_running: None, apps_pending: Some(20.0) });
        let u = unusual(&[banded.clone(), wide, cluster("plain", 12.0, 1.0)]);
        let got: Vec<_> = u.iter().map(|u| (u.resource.as_str(), u.metric, u.week_ago, u.band, u.ratio)).collect();
        assert_eq!(got, [("nightly", "apps_pending", Some(12.0), Some(3.0), 4.0), ("plain", "apps_pending", Some(1.0), None, 12.0)]);
        assert!(u[0].why.contains("above its anomaly band"), "{}", u[0].why);
        assert_eq!(crate::baseline::delta(&banded.figures(), EmrCluster::HEADLINE), "PEND ×4");
    }

    #[test]
    fn a_queue_far_longer_than_last_week_is_named() {
        let u = unusual(&[cluster("etl", 12.0, 1.0), cluster("steady", 2.0, 1.0)]);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!((u[0].resource.as_str(), u[0].metric, u[0].ratio), ("etl", "apps_pending", 12.0));
    }

    #[test]
    fn the_clusters_week_column_shows_the_change_new_or_unread_and_goes_first() {
        use crate::baseline::{delta, Compared};
        let cell = |c: &EmrCluster| delta(&c.figures(), EmrCluster::HEADLINE);
        // The queue's rise is the news, not the steady applications running.
        assert_eq!(cell(&cluster("etl", 12.0, 1.0)), "PEND ×12");
        assert_eq!(cell(&cluster("steady", 2.0, 1.0)), "=");
        let mut busier = cluster("busier", 0.0, 0.0);
        busier.metrics.week_ago = Some(EmrWeekAgo { apps_running: Some(2.0), apps_pending: Some(0.0) });
        assert_eq!(cell(&busier), "+100%");
        // Nothing published a week ago, read: `new`; not read: `-`.
        busier.metrics.week_ago = Some(EmrWeekAgo { apps_running: None, apps_pending: None });
        assert_eq!(cell(&busier), "new");
        busier.metrics.week_ago = None;
        assert_eq!(cell(&busier), "-");
        // An ended cluster runs nothing to compare.
        let ended = EmrCluster { state: "TERMINATED".into(), ..cluster("etl", 12.0, 1.0) };
        assert_eq!(cell(&ended), "-");
        // The widest cell fits the column whole.
        assert_eq!(cell(&cluster("flood", 99_999.0, 1.0)), "PEND ×100k");
        assert_eq!(crate::baseline::delta_tests::first_to_go::<EmrCluster>(), "Δwk");
    }
}
