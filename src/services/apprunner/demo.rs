//! The demo's App Runner services: a storefront with a daily curve, an
//! orders API whose 5xx run near 3% of its requests, an image resizer on
//! bigger instances with bursts, and a paused admin tool. Larger accounts
//! add small services. Every figure is a pure function of the seed, the
//! service and the minute.

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::domain::{AppRunnerData, Service, ServiceMetrics, ServiceSeries};
use super::AppRunner;
use crate::hash::{hex, str_id, unit};
use crate::series::Series;
use crate::services::room::{DemoCtx, RoomDemo};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Load {
    /// Requests a minute at the afternoon peak; 5xx as a share of them.
    Daily { peak: f64, e5: f64 },
    /// Quiet, with a burst a quarter of an hour every hour.
    Bursty { peak: f64 },
    Paused,
}

pub struct ServiceSpec {
    name: String,
    vcpu: f64,
    memory_gb: f64,
    source: &'static str,
    load: Load,
    /// Per-request latency at rest, ms.
    latency_ms: f64,
    age_days: i64,
    /// Minutes since its last update.
    updated_min: i64,
}

impl RoomDemo for AppRunner {
    type Spec = Vec<ServiceSpec>;
    fn spec(cx: &DemoCtx) -> Vec<ServiceSpec> {
        spec(cx.scale)
    }
    fn data(specs: &Vec<ServiceSpec>, cx: &DemoCtx, now: DateTime<Utc>, detail: Option<&HashSet<String>>) -> AppRunnerData {
        AppRunnerData {
            services: specs.iter().map(|s| service_at(s, cx, now, detail.is_none_or(|d| d.contains(&s.name)))).collect(),
        }
    }
}

fn spec(scale: usize) -> Vec<ServiceSpec> {
    let one = |name: &str, vcpu, memory_gb, source, load, latency_ms, age_days, updated_min| ServiceSpec {
        name: name.to_string(),
        vcpu,
        memory_gb,
        source,
        load,
        latency_ms,
        age_days,
        updated_min,
    };
    let mut out = vec![
        one("admin-tool", 0.25, 0.5, "code", Load::Paused, 30.0, 300, 60 * 24 * 40),
        one("image-resizer", 2.0, 4.0, "image", Load::Bursty { peak: 90.0 }, 180.0, 150, 60 * 24 * 3),
        one("orders-api", 1.0, 2.0, "image", Load::Daily { peak: 400.0, e5: 0.03 }, 45.0, 200, 95),
        one("storefront-web", 1.0, 2.0, "code", Load::Daily { peak: 250.0, e5: 0.0 }, 30.0, 420, 60 * 26),
    ];
    // Larger accounts: a small service for every forty functions past the base.
    for k in 0..scale.saturating_sub(40) / 40 {
        let peak = 5.0 + 60.0 * unit(&[str_id("apprunner-svc"), k as u64]);
        out.push(one(&format!("svc-{k:03}"), 0.5, 1.0, "image", Load::Daily { peak, e5: 0.0 }, 25.0, 20 + k as i64, 60 * (5 + k as i64)));
    }
    out
}

/// A daily curve: busiest in the afternoon UTC, a fifth of it at night.
fn daily(t: DateTime<Utc>) -> f64 {
    let h = (t.timestamp().rem_euclid(86_400)) as f64 / 3600.0;
    0.2 + 0.8 * (0.5 + 0.5 * ((h - 15.0) / 24.0 * std::f64::consts::TAU).cos())
}

/// One minute's (requests, 4xx, 5xx, average latency ms).
fn minute(s: &ServiceSpec, seed: u64, id: u64, m: i64) -> (f64, f64, f64, f64) {
    let r = |c: u64| unit(&[seed, id, m as u64, c]);
    let at = Utc.timestamp_opt(m * 60, 0).single().unwrap_or_default();
    let req = match s.load {
        Load::Daily { peak, .. } => (peak * daily(at) * (0.8 + 0.4 * r(1))).round(),
        Load::Bursty { peak } => {
            let busy = m.rem_euclid(60) < 15;
            (if busy { peak } else { peak / 15.0 } * (0.7 + 0.6 * r(1))).round()
        }
        Load::Paused => return (0.0, 0.0, 0.0, 0.0),
    };
    let share5 = match s.load {
        Load::Daily { e5, .. } => e5 * (0.5 + r(2)),
        _ => 0.0,
    };
    let e4 = (req * 0.02 * r(3)).round();
    let e5 = (req * share5).round();
    let lat = s.latency_ms * (0.8 + 0.4 * r(4)) * if e5 > 0.0 { 1.3 } else { 1.0 };
    (req, e4, e5, lat)
}

fn service_at(s: &ServiceSpec, cx: &DemoCtx, now: DateTime<Utc>, detail: bool) -> Service {
    let id = str_id(&s.name);
    let fixed = cx.fixed(now);
    let created = Utc.timestamp_opt((fixed - Duration::days(s.age_days)).timestamp() / 86_400 * 86_400, 0).single();
    let updated = Utc.timestamp_opt((fixed - Duration::minutes(s.updated_min)).timestamp() / 60 * 60, 0).single();
    Service {
        name: s.name.clone(),
        account: Default::default(),
        region: cx.region.clone(),
        id: hex(&[cx.seed, id], 32),
        status: if s.load == Load::Paused { "PAUSED" } else { "RUNNING" }.into(),
        vcpu: Some(s.vcpu),
        memory_gb: Some(s.memory_gb),
        source: Some(s.source.into()),
        created_at: created,
        updated_at: updated,
        metrics: metrics_at(s, cx, now, detail),
    }
}

fn metrics_at(s: &ServiceSpec, cx: &DemoCtx, now: DateTime<Utc>, detail: bool) -> ServiceMetrics {
    // A paused service publishes nothing.
    if s.load == Load::Paused {
        return ServiceMetrics::default();
    }
    let id = str_id(&s.name);
    let minutes = cx.window.max(1) as i64;
    let end = now.timestamp().div_euclid(60);
    let (mut req, mut e5, mut lat) = (Vec::new(), Vec::new(), Vec::new());
    let (mut n, mut n4, mut n5, mut weighted, mut worst) = (0.0, 0.0, 0.0, 0.0, 0.0f64);
    for k in 0..minutes {
        let (r, a, b, l) = minute(s, cx.seed, id, end - (minutes - 1 - k));
        req.push(r as f32);
        e5.push(b as f32);
        lat.push(l as f32);
        n += r;
        n4 += a;
        n5 += b;
        weighted += r * l;
        worst = worst.max(l);
    }
    let round2 = |v: f64| (v * 100.0).round() / 100.0;
    // App Runner scales by concurrency: an instance for every hundred
    // requests a minute, one at least while any come.
    let active = if n > 0.0 { (n / minutes as f64 / 100.0).max(1.0) } else { 0.0 };
    let start = Utc.timestamp_opt((end - minutes + 1) * 60, 0).single();
    ServiceMetrics {
        requests: Some(n),
        errors_4xx: Some(n4),
        errors_5xx: Some(n5),
        latency_avg_ms: (n > 0.0).then(|| round2(weighted / n)),
        latency_p99_ms: (n > 0.0).then(|| round2(worst * 2.5)),
        active_instances: Some(round2(active)),
        series: detail.then_some(ServiceSeries {
            start,
            requests: Series(req),
            errors_5xx: Series(e5),
            latency_avg_ms: Series(lat),
        }),
        pending: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx(scale: usize) -> DemoCtx {
        DemoCtx::for_tests(7, scale)
    }

    #[test]
    fn one_service_fails_at_every_hour_and_the_paused_one_reads_nothing() {
        let c = cx(40);
        let spec = AppRunner::spec(&c);
        let start: DateTime<Utc> = "2026-11-22T00:00:00Z".parse().unwrap();
        for h in 0..48 {
            let now = start + Duration::minutes(h * 37);
            let d = AppRunner::data(&spec, &c, now, None);
            let failing: Vec<&str> = d.services.iter().filter(|s| s.failing()).map(|s| s.name.as_str()).collect();
            assert_eq!(failing, ["orders-api"], "at {now}");
            let paused = d.services.iter().find(|s| s.status == "PAUSED").unwrap();
            assert_eq!((paused.metrics.requests, paused.metrics.errors_5xx), (None, None));
            assert_eq!(AppRunner::data(&spec, &c, now, None), d, "deterministic");
        }
        let big = cx(1000);
        let d = AppRunner::data(&AppRunner::spec(&big), &big, start, None);
        assert_eq!(d.services.len(), 4 + 24);
        assert_eq!(d.services.iter().filter(|s| s.failing()).count(), 1);
    }

    #[test]
    fn graphs_follow_the_detail_rows_and_ids_are_app_runners_length() {
        let c = cx(40);
        let now: DateTime<Utc> = "2026-11-22T14:03:00Z".parse().unwrap();
        let open: HashSet<String> = ["orders-api".to_string()].into();
        let d = AppRunner::data(&AppRunner::spec(&c), &c, now, Some(&open));
        for s in &d.services {
            assert_eq!(s.metrics.series.is_some(), s.name == "orders-api", "{}", s.name);
            assert_eq!(s.id.len(), 32);
        }
        let o = d.service(&crate::scope::Scope::region(&c.region), "orders-api").unwrap();
        let g = o.metrics.series.as_ref().unwrap();
        assert_eq!(g.requests.0.len(), 60);
        assert_eq!(g.requests.sum(), o.metrics.requests.unwrap());
    }
}
