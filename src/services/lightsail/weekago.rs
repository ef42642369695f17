//! Lightsail instances' CPU against the same window a week ago
//! (`baseline`): a level, judged by `Rule::Level`.

use super::domain::Instance;
use crate::baseline::{unusual as judged, Pair, Rule, Unusual};

/// 20 points above last week's CPU and at least twice it.
pub const CPU: Rule = Rule::Level { min_rise: 20.0 };

/// The instances' unusual figures, named by instance name.
pub fn unusual(instances: &[Instance]) -> Vec<Unusual> {
    instances.iter().filter_map(of_instance).collect()
}

/// One instance's unusual CPU; none while its figures are being read.
pub fn of_instance(i: &Instance) -> Option<Unusual> {
    if i.metrics.pending {
        return None;
    }
    let p = Pair {
        now: i.metrics.cpu_pct,
        week_ago: i.metrics.week_ago.and_then(|w| w.cpu_pct),
        calls_now: None,
        calls_week_ago: None,
    };
    judged("lightsail", &i.name, &i.region, "cpu_pct", CPU, p)
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
}
