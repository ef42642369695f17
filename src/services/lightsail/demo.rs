//! The demo's Lightsail account: a WordPress site with a daily curve, a LAMP
//! shop out of burst capacity (CPU pinned at its baseline, burst at 0–3%), a
//! Node.js API whose status checks fail for ten minutes every two hours, a
//! stopped dev box that still bills, and one container service of two micro
//! nodes. Larger accounts add small sites.

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::domain::{ContainerService, Instance, InstanceMetrics, InstanceSeries, LightsailData, InstanceWeekAgo};
use super::Lightsail;
use crate::hash::{str_id, unit};
use crate::series::Series;
use crate::services::room::{DemoCtx, RoomDemo};

impl RoomDemo for Lightsail {
    type Spec = Vec<InstanceSpec>;
    fn spec(cx: &DemoCtx) -> Vec<InstanceSpec> {
        spec(cx.scale)
    }
    fn data(specs: &Vec<InstanceSpec>, cx: &DemoCtx, now: DateTime<Utc>, detail: Option<&HashSet<String>>) -> LightsailData {
        LightsailData {
            instances: specs
                .iter()
                .map(|s| instance_at(s, cx, now, detail.is_none_or(|d| d.contains(&s.name))))
                .collect(),
            container_services: vec![ContainerService {
                name: "api".into(),
                account: Default::default(),
                region: cx.region.clone(),
                state: "RUNNING".into(),
                power: "micro".into(),
                power_id: Some("micro".into()),
                scale: 2,
                price_usd_month: Some(MICRO_POWER_USD * 2.0),
            }],
            operations: Vec::new(),
        }
    }
}

/// The demo's price of one micro container node a month.
const MICRO_POWER_USD: f64 = 10.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Load {
    /// Busiest in the afternoon UTC, CPU peaking near `peak` percent.
    Daily { peak: f64 },
    /// Out of burst capacity: held at its baseline.
    Starved,
    /// A daily curve, and status checks failing ten minutes every two hours.
    Flaky,
    Stopped,
}

pub struct InstanceSpec {
    name: String,
    blueprint: &'static str,
    bundle: &'static str,
    price: f64,
    load: Load,
    public_ip: bool,
    age_days: i64,
}

fn spec(scale: usize) -> Vec<InstanceSpec> {
    let one = |name: &str, blueprint, bundle, price, load, public_ip, age_days| InstanceSpec {
        name: name.to_string(),
        blueprint,
        bundle,
        price,
        load,
        public_ip,
        age_days,
    };
    let mut out = vec![
        one("dev-box", "ubuntu_22_04", "nano_3_0", 3.5, Load::Stopped, false, 60),
        one("lamp-shop", "lamp_8_bitnami", "medium_3_0", 20.0, Load::Starved, true, 250),
        one("node-api", "nodejs", "micro_3_0", 5.0, Load::Flaky, true, 120),
        one("wordpress-1", "wordpress", "small_3_0", 10.0, Load::Daily { peak: 35.0 }, true, 400),
    ];
    // Larger accounts: a small site for every twenty functions past the base.
    const BLUEPRINTS: [&str; 3] = ["wordpress", "nodejs", "ubuntu_22_04"];
    for k in 0..scale.saturating_sub(40) / 20 {
        let peak = 10.0 + 25.0 * unit(&[str_id("lightsail-site"), k as u64]);
        let blueprint = BLUEPRINTS[k % BLUEPRINTS.len()];
        out.push(one(&format!("site-{k:03}"), blueprint, "small_3_0", 10.0, Load::Daily { peak }, true, 30 + k as i64));
    }
    out
}

/// A daily curve: busiest in the afternoon UTC, a fifth of it at night.
fn daily(t: DateTime<Utc>) -> f64 {
    let h = (t.timestamp().rem_euclid(86_400)) as f64 / 3600.0;
    0.2 + 0.8 * (0.5 + 0.5 * ((h - 15.0) / 24.0 * std::f64::consts::TAU).cos())
}

/// One five-minute period's (CPU %, burst capacity %), and whether its
/// status checks fail.
fn period(s: &InstanceSpec, seed: u64, id: u64, p: i64, last: bool) -> (f64, f64, bool) {
    let r = |c: u64| unit(&[seed, id, p as u64, c]);
    let at = Utc.timestamp_opt(p * 300, 0).single().unwrap_or_default();
    match s.load {
        Load::Daily { peak } => {
            let cpu = (peak * daily(at) * (0.7 + 0.6 * r(1))).clamp(0.0, 100.0);
            (cpu, 100.0 - 15.0 * daily(at) * r(2), false)
        }
        Load::Flaky => {
            let cpu = (25.0 * daily(at) * (0.7 + 0.6 * r(1))).clamp(0.0, 100.0);
            (cpu, 100.0 - 10.0 * r(2), p.rem_euclid(24) < 2)
        }
        // Every credit spent: burst earns a sliver back now and then and the
        // next request spends it; the newest period is always empty.
        Load::Starved => {
            let burst = if last || r(2) < 0.7 { 0.0 } else { 3.0 * r(3) };
            (20.0 + 1.5 * (r(1) - 0.5), burst, false)
        }
        Load::Stopped => (0.0, 0.0, false),
    }
}

fn instance_at(s: &InstanceSpec, cx: &DemoCtx, now: DateTime<Utc>, detail: bool) -> Instance {
    let created = Utc
        .timestamp_opt((cx.fixed(now) - Duration::days(s.age_days)).timestamp() / 86_400 * 86_400, 0)
        .single();
    Instance {
        name: s.name.clone(),
        account: Default::default(),
        region: cx.region.clone(),
        state: if s.load == Load::Stopped { "stopped" } else { "running" }.into(),
        blueprint: s.blueprint.into(),
        bundle: s.bundle.into(),
        price_usd_month: Some(s.price),
        burstable: true,
        public_ip: s.public_ip,
        created_at: created,
        metrics: metrics_at(s, cx, now, detail),
    }
}

fn metrics_at(s: &InstanceSpec, cx: &DemoCtx, now: DateTime<Utc>, detail: bool) -> InstanceMetrics {
    // A stopped instance publishes nothing: read, and empty.
    if s.load == Load::Stopped {
        return InstanceMetrics {
            read_at: Some(now),
            ..Default::default()
        };
    }
    let id = str_id(&s.name);
    let minutes = cx.window.max(1) as i64;
    let end = now.timestamp().div_euclid(60);
    let last_period = end.div_euclid(5);
    let (mut cpu, mut burst) = (Vec::with_capacity(minutes as usize), Vec::with_capacity(minutes as usize));
    let mut failed = 0u32;
    let mut memo: Option<(i64, (f64, f64, bool))> = None;
    for k in 0..minutes {
        let m = end - (minutes - 1 - k);
        let p = m.div_euclid(5);
        let v = match memo {
            Some((q, v)) if q == p => v,
            _ => period(s, cx.seed, id, p, p == last_period),
        };
        memo = Some((p, v));
        cpu.push(v.0 as f32);
        burst.push(v.1 as f32);
        failed += v.2 as u32;
    }
    let mean = cpu.iter().map(|v| *v as f64).sum::<f64>() / cpu.len() as f64;
    // Last week's same minutes from the same seed: the daily shape repeats.
    let week = crate::baseline::WEEK.num_minutes();
    let week_mean = (0..minutes)
        .map(|k| period(s, cx.seed, id, (end - week - (minutes - 1 - k)).div_euclid(5), false).0)
        .sum::<f64>()
        / minutes as f64;
    let latest = burst.last().map(|b| *b as f64);
    InstanceMetrics {
        pending: false,
        cpu_pct: Some((mean * 10.0).round() / 10.0),
        burst_capacity_pct: latest.map(|b| (b * 10.0).round() / 10.0),
        status_check_failed: Some(failed as f64),
        read_at: Some(now),
        series: detail.then_some(InstanceSeries {
            start: Utc.timestamp_opt((end - (minutes - 1)) * 60, 0).single(),
            cpu: Series(cpu),
            burst: Series(burst),
        }),
        week_ago: Some(InstanceWeekAgo { cpu_pct: Some((week_mean * 10.0).round() / 10.0) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::{RoomCost, HOURS_PER_MONTH};

    fn cx(scale: usize) -> DemoCtx {
        DemoCtx::for_tests(7, scale)
    }

    #[test]
    fn one_instance_is_out_of_burst_at_every_hour() {
        let c = cx(40);
        let spec = Lightsail::spec(&c);
        let start: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
        for h in 0..48 {
            let now = start + Duration::minutes(h * 37);
            let d = Lightsail::data(&spec, &c, now, None);
            let out: Vec<&str> = d.instances.iter().filter(|i| i.out_of_burst()).map(|i| i.name.as_str()).collect();
            assert_eq!(out, ["lamp-shop"], "at {now}");
            let lamp = d.instance(&crate::scope::Scope::region(&c.region), "lamp-shop").unwrap();
            let cpu = lamp.metrics.cpu_pct.unwrap();
            assert!((19.0..=21.0).contains(&cpu), "{cpu}");
            let s = lamp.metrics.series.as_ref().unwrap();
            assert!(s.burst.0.iter().all(|b| (0.0f32..=3.0).contains(b)));
            assert_eq!(Lightsail::data(&spec, &c, now, None), d, "deterministic");
        }
        // Larger accounts add healthy sites, not more starved ones.
        let big = cx(1000);
        let d = Lightsail::data(&Lightsail::spec(&big), &big, start, None);
        assert_eq!(d.instances.len(), 4 + 48);
        assert_eq!(d.instances.iter().filter(|i| i.out_of_burst()).count(), 1);
    }

    #[test]
    fn one_container_service_priced_at_its_power_times_its_scale() {
        let c = cx(40);
        let now: DateTime<Utc> = "2026-11-22T14:03:00Z".parse().unwrap();
        let d = Lightsail::data(&Lightsail::spec(&c), &c, now, None);
        assert_eq!(d.container_services.len(), 1);
        let api = &d.container_services[0];
        assert_eq!((api.name.as_str(), api.power.as_str(), api.scale), ("api", "micro", 2));
        assert_eq!(api.price_usd_month, Some(MICRO_POWER_USD * api.scale as f64));
        let e = super::super::cost::container_service(api);
        assert!((e.per_month().unwrap() - 20.0).abs() < 1e-9);
        // $10 + $20 + $5 + $3.50 (the stopped box bills too) + $20.
        let total = RoomCost::of(&super::super::cost::all(&d)).per_hour * HOURS_PER_MONTH;
        assert!((total - 58.5).abs() < 1e-9, "{total}");
    }

    #[test]
    fn stopped_publishes_nothing_and_graphs_follow_the_detail_rows() {
        let c = cx(40);
        let now: DateTime<Utc> = "2026-11-22T14:03:00Z".parse().unwrap();
        let open: HashSet<String> = ["wordpress-1".to_string()].into();
        let d = Lightsail::data(&Lightsail::spec(&c), &c, now, Some(&open));
        let dev = d.instance(&crate::scope::Scope::region(&c.region), "dev-box").unwrap();
        assert_eq!(dev.state, "stopped");
        assert_eq!((dev.metrics.cpu_pct, dev.metrics.burst_capacity_pct), (None, None));
        assert!(dev.metrics.read_at.is_some() && !dev.public_ip);
        for i in &d.instances {
            assert_eq!(i.metrics.series.is_some(), i.name == "wordpress-1", "{}", i.name);
        }
        assert_eq!(d.instance(&crate::scope::Scope::region(&c.region), "wordpress-1").unwrap().metrics.series.as_ref().unwrap().cpu.0.len(), 60);
    }
}
