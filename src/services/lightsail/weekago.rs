//! Lightsail instances' CPU against the same window a week ago
//! (`baseline`): a level, judged by `Rule::Level`.

use super::domain::Instance;
use crate::baseline::{level_figures, unusual as judged, Compared, Figure, Pair, Rule, Unusual};

/// 20 points above last week's CPU and at least twice it.
pub const CPU: Rule = Rule::Level { min_rise: 20.0 };

/// The instances' unusual figures, named by instance name.
pub fn unusual(instances: &[Instance]) -> Vec<Unusual> {
    instances.iter().filter_map(of_instance).collect()
}

fn pair(i: &Instance) -> Pair {
    Pair {
        now: i.metrics.cpu_pct,
        week_ago: i.metrics.week_ago.and_then(|w| w.cpu_pct),
        calls_now: None,
        calls_week_ago: None,
    }
}

/// One instance's unusual CPU; none while its figures are being read.
pub fn of_instance(i: &Instance) -> Option<Unusual> {
    if i.metrics.pending {
        return None;
    }
    judged("lightsail", &i.name, &i.region, "cpu_pct", CPU, pair(i))
}

impl Compared for Instance {
    const HEADLINE: &'static str = "CPU";
    fn figures(&self) -> Vec<Figure> {
        if self.metrics.pending {
            return Vec::new();
        }
        level_figures(&[("cpu_pct", "CPU", CPU)], self.metrics.week_ago.is_some(), |_| pair(self))
    }
}

/// The figure's short name on the Overview.
pub fn short(_metric: &str) -> &'static str {
    "CPU"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::lightsail::domain::{InstanceMetrics, InstanceWeekAgo};

    fn instance(name: &str, cpu: f64, week: Option<f64>) -> Instance {
        Instance {
            name: name.into(),
            metrics: InstanceMetrics {
                cpu_pct: Some(cpu),
                week_ago: Some(InstanceWeekAgo { cpu_pct: week }),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn an_instance_far_busier_than_last_week_is_named() {
        let u = unusual(&[instance("blog", 70.0, Some(12.0)), instance("shop", 30.0, Some(25.0)), instance("new", 70.0, None)]);
        assert_eq!(u.len(), 1, "{u:?}");
        assert_eq!((u[0].service, u[0].resource.as_str(), u[0].metric), ("lightsail", "blog", "cpu_pct"));
    }

    #[test]
    fn the_instances_week_column_shows_the_change_new_or_unread_and_goes_first() {
        use crate::baseline::{delta, Compared};
        let cell = |i: &Instance| delta(&i.figures(), Instance::HEADLINE);
        assert_eq!(cell(&instance("blog", 70.0, Some(12.0))), "CPU ×5.8");
        assert_eq!(cell(&instance("shop", 30.0, Some(25.0))), "+20%");
        // Read, with nothing published a week ago: `new`.
        assert_eq!(cell(&instance("new", 70.0, None)), "new");
        // Not read: `-`, never 0.
        let mut unread = instance("unread", 70.0, Some(12.0));
        unread.metrics.week_ago = None;
        assert_eq!(cell(&unread), "-");
        unread.metrics = InstanceMetrics { pending: true, ..instance("x", 70.0, Some(12.0)).metrics };
        assert_eq!(cell(&unread), "-");
        assert_eq!(crate::baseline::delta_tests::first_to_go::<Instance>(), "Δwk");
    }
}
