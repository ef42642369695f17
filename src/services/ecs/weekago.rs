//! ECS services' utilisation against the same window a week ago
//! (`baseline`): levels, not counts, so judged by `Rule::Level`.

use super::domain::{Cluster, EcsData, Service};
use crate::baseline::{banded, level_figures, unusual_by_band as judged, Compared, Figure, Pair, Rule, Unusual};

/// The figures compared, by their key in the snapshot's service, with the
/// rule each is judged by: 20 points above last week and at least twice it.
pub const MEASURES: [(&str, Rule); 2] = [
    ("cpu_pct", Rule::Level { min_rise: 20.0 }),
    ("memory_pct", Rule::Level { min_rise: 20.0 }),
];

fn pair(s: &Service, metric: &str) -> Pair {
    let w = s.week_ago.as_ref();
    let (now, week_ago) = match metric {
        "cpu_pct" => (s.cpu_pct, w.and_then(|w| w.cpu_pct)),
        _ => (s.memory_pct, w.and_then(|w| w.memory_pct)),
    };
    Pair { now, week_ago, calls_now: None, calls_week_ago: None }
}

/// The upper edge of `metric`'s anomaly band, when a detector's band was read.
fn band(s: &Service, metric: &str) -> Option<f64> {
    let b = s.band.as_ref()?;
    match metric {
        "cpu_pct" => b.cpu_pct,
        _ => b.memory_pct,
    }
}

/// The services' unusual figures (by a figure's anomaly band where one
/// was read, else against last week); a service is named `cluster/service`.
pub fn unusual(d: &EcsData) -> Vec<Unusual> {
    d.clusters.iter().flat_map(|c| c.services.iter().flat_map(move |s| of_service(c, s))).collect()
}

/// One service's unusual figures; none while its figures are being read.
pub fn of_service(c: &Cluster, s: &Service) -> Vec<Unusual> {
    if s.metrics_pending {
        return Vec::new();
    }
    let name = format!("{}/{}", c.name, s.name);
    MEASURES.iter().filter_map(|(key, rule)| judged("ecs", &name, &c.region, key, *rule, pair(s, key), band(s, key))).collect()
}

impl Compared for Service {
    /// The change in CPU, when nothing is unusual.
    const HEADLINE: &'static str = "CPU";
    fn figures(&self) -> Vec<Figure> {
        if self.metrics_pending {
            return Vec::new();
        }
        let measures = MEASURES.map(|(key, rule)| (key, short(key), rule));
        let figures = level_figures(&measures, self.week_ago.is_some(), |key| pair(self, key));
        banded(&measures, figures, |key| band(self, key))
    }
}

/// A figure's short name on the Overview, by its key.
pub fn short(metric: &str) -> &'static str {
    match metric {
        "cpu_pct" => "CPU",
        _ => "MEM",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::ecs::domain::ServiceWeekAgo;

    fn service(name: &str, cpu: f64, week: Option<f64>) -> Service {
        Service {
            name: name.into(),
            cpu_pct: Some(cpu),
            memory_pct: Some(40.0),
            week_ago: week.map(|w| ServiceWeekAgo { cpu_pct: Some(w), memory_pct: Some(41.0) }),
            ..Default::default()
        }
    }

    #[test]
    fn a_service_far_busier_than_last_week_is_named() {
        let d = EcsData {
            clusters: vec![Cluster {
                name: "prod".into(),
                region: "eu-west-1".into(),
                services: vec![service("api", 88.0, Some(30.0)), service("web", 45.0, Some(42.0)), service("new", 90.0, None)],
                ..Default::default()
            }],
        };
        let u = unusual(&d);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!((u[0].service, u[0].resource.as_str(), u[0].metric, u[0].now, u[0].week_ago), ("ecs", "prod/api", "cpu_pct", 88.0, Some(30.0)));
    }

    #[test]
    fn the_services_week_column_shows_the_change_new_or_unread_and_goes_first() {
        use crate::baseline::{delta, Compared};
        let cell = |s: &Service| delta(&s.figures(), Service::HEADLINE);
        assert_eq!(cell(&service("api", 88.0, Some(30.0))), "CPU ×2.9");
        assert_eq!(cell(&service("web", 45.0, Some(42.0))), "+7%");
        // Last week not read: `-`, never 0.
        assert_eq!(cell(&service("fresh", 45.0, None)), "-");
        // Read, and CloudWatch had nothing a week ago: `new`.
        let mut fresh = service("fresh", 45.0, None);
        fresh.week_ago = Some(ServiceWeekAgo { cpu_pct: None, memory_pct: None });
        assert_eq!(cell(&fresh), "new");
        // This week's not read yet: `-`.
        let waiting = Service { metrics_pending: true, ..service("api", 88.0, Some(30.0)) };
        assert_eq!(cell(&waiting), "-");
        let unread = Service { cpu_pct: None, ..service("api", 88.0, Some(30.0)) };
        assert_eq!(cell(&unread), "-");
        assert_eq!(crate::baseline::delta_tests::first_to_go::<Service>(), "Δwk");
    }
}
