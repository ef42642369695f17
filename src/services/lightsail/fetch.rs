//! The Lightsail calls: GetInstances and GetBundles page by pageToken
//! (Lightsail takes no page size), GetContainerServices and
//! GetContainerServicePowers answer in one page, and GetInstanceMetricData
//! reads one metric of one instance a call. Prices come from Lightsail's own
//! bundle and power lists, so no price file is needed.

use std::collections::HashMap;

use aws_sdk_lightsail::primitives::DateTime as SdkTime;
use aws_sdk_lightsail::types::{self as sdk, InstanceMetricName, MetricStatistic, MetricUnit};
use aws_sdk_lightsail::Client;
use chrono::{DateTime, Duration, TimeZone, Utc};

use super::domain::{ContainerService, Instance, InstanceMetrics, InstanceWeekAgo, LightsailData};
use super::metrics::{summarize, PERIOD_S};
use crate::aws::cloudwatch::Points;
use crate::aws::AwsError;
use crate::services::live::Live;

/// Pages read at most from one list: a token that never ends is a bug, not an account.
const MAX_PAGES: usize = 1000;

fn time(t: Option<&SdkTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| Utc.timestamp_opt(t.secs(), 0).single())
}

/// Dollars to the cent: the API sends prices as f32.
fn cents(p: f32) -> f64 {
    (p as f64 * 100.0).round() / 100.0
}

/// Monthly prices: bundles by id, container powers by id and by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prices {
    pub bundles: HashMap<String, f64>,
    pub powers: HashMap<String, f64>,
}

/// One instance as awstop keeps it: the public address only as "has one".
/// Its price is set by `apply_prices`.
pub fn instance(i: &sdk::Instance, region: &str) -> Instance {
    let bundle = i.bundle_id().unwrap_or_default().to_string();
    Instance {
        name: i.name().unwrap_or_default().to_string(),
        account: Default::default(),
        region: region.to_string(),
        state: i.state().and_then(|s| s.name()).unwrap_or_default().to_string(),
        blueprint: i.blueprint_id().unwrap_or_default().to_string(),
        price_usd_month: None,
        bundle,
        burstable: true,
        public_ip: i.public_ip_address().is_some_and(|a| !a.is_empty()),
        created_at: time(i.created_at()),
        metrics: InstanceMetrics::default(),
    }
}

/// One container service; its price is set by `apply_prices`.
pub fn container_service(s: &sdk::ContainerService, region: &str) -> ContainerService {
    ContainerService {
        name: s.container_service_name().unwrap_or_default().to_string(),
        account: Default::default(),
        region: region.to_string(),
        state: s.state().map(|st| st.as_str().to_string()).unwrap_or_default(),
        power: s.power().map(|p| p.as_str().to_string()).unwrap_or_default(),
        power_id: s.power_id().map(str::to_string),
        scale: s.scale().unwrap_or(0).max(0),
        price_usd_month: None,
    }
}

/// Every bundle's price, inactive ones too: an instance keeps its bundle
/// after Lightsail stops offering it, and still pays for it.
pub async fn bundle_prices(c: &Client, live: &Live) -> Result<HashMap<String, f64>, AwsError> {
    let mut out = HashMap::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let resp = c
            .get_bundles()
            .include_inactive(true)
            .set_page_token(token.clone())
            .send()
            .await
            .map_err(|e| live.error("GetBundles", &e))?;
        for b in resp.bundles() {
            if let (Some(id), Some(p)) = (b.bundle_id(), b.price()) {
                out.insert(id.to_string(), cents(p));
            }
        }
        match resp.next_page_token().filter(|t| !t.is_empty()) {
            Some(t) if token.as_deref() != Some(t) => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

pub async fn power_prices(c: &Client, live: &Live) -> Result<HashMap<String, f64>, AwsError> {
    let resp = c
        .get_container_service_powers()
        .send()
        .await
        .map_err(|e| live.error("GetContainerServicePowers", &e))?;
    let mut out = HashMap::new();
    for p in resp.powers() {
        let Some(price) = p.price() else { continue };
        for key in [p.power_id(), p.name()].into_iter().flatten() {
            out.insert(key.to_string(), cents(price));
        }
    }
    Ok(out)
}

pub async fn instances(c: &Client, region: &str, live: &Live) -> Result<Vec<Instance>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let resp = c
            .get_instances()
            .set_page_token(token.clone())
            .send()
            .await
            .map_err(|e| live.error("GetInstances", &e))?;
        out.extend(resp.instances().iter().map(|i| instance(i, region)));
        match resp.next_page_token().filter(|t| !t.is_empty()) {
            Some(t) if token.as_deref() != Some(t) => token = Some(t.to_string()),
            _ => break,
        }
    }
    // Name order: the tables break ties by it and find rows by it.
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

pub async fn container_services(c: &Client, region: &str, live: &Live) -> Result<Vec<ContainerService>, AwsError> {
    let resp = c
        .get_container_services()
        .send()
        .await
        .map_err(|e| live.error("GetContainerServices", &e))?;
    let mut out: Vec<ContainerService> =
        resp.container_services().iter().map(|s| container_service(s, region)).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Prices the inventory: read after it, so that a region Lightsail does not
/// answer in fails on its first call, not on every price list first.
pub fn apply_prices(d: &mut LightsailData, p: &Prices) {
    for i in &mut d.instances {
        i.price_usd_month = p.bundles.get(&i.bundle).copied();
    }
    for s in &mut d.container_services {
        // By the power's id, else its name.
        let each = s.power_id.as_ref().and_then(|id| p.powers.get(id)).or_else(|| p.powers.get(&s.power));
        s.price_usd_month = each.map(|each| each * s.scale as f64);
    }
}

/// The inventory of one region, unpriced (see `apply_prices`). The instances are the
/// room: without them the read failed. Container services that cannot be
/// read are left out with their reason beside the data.
pub async fn inventory(c: &Client, region: &str, live: &Live) -> Result<(LightsailData, Vec<AwsError>), AwsError> {
    let instances = instances(c, region, live).await?;
    let mut partial = Vec::new();
    let container_services = match container_services(c, region, live).await {
        Ok(v) => v,
        Err(e) => {
            partial.push(e);
            Vec::new()
        }
    };
    // Once a refresh (five minutes): one call a region, more pages only for
    // a busy one. A failure leaves the rows as they are.
    let since = crate::changes::window_start(Utc::now(), live.opts.window);
    let operations = match super::operations::read(c, live.endpoint(), since).await {
        Ok(v) => v,
        Err(e) => {
            partial.push(e);
            Vec::new()
        }
    };
    Ok((
        LightsailData {
            instances,
            container_services,
            operations,
        },
        partial,
    ))
}

/// The window's start and end: minute-aligned like every other room's, the
/// start moved back to a period boundary so the first period is whole.
pub fn window(now: DateTime<Utc>, minutes: u32) -> (DateTime<Utc>, DateTime<Utc>, DateTime<Utc>) {
    let (start, end) = crate::aws::cloudwatch::window(now, minutes);
    let period = PERIOD_S as i64;
    let from = Utc
        .timestamp_opt(start.timestamp().div_euclid(period) * period, 0)
        .single()
        .unwrap_or(start - Duration::seconds(period));
    (from, start, end)
}

/// One metric as GetInstanceMetricData wants it asked, and the statistic read back.
struct Ask {
    metric: InstanceMetricName,
    unit: MetricUnit,
    stat: MetricStatistic,
    pick: fn(&sdk::MetricDatapoint) -> Option<f64>,
}

async fn points(c: &Client, live: &Live, name: &str, ask: Ask, (from, end): (DateTime<Utc>, DateTime<Utc>)) -> Result<Points, AwsError> {
    let resp = c
        .get_instance_metric_data()
        .instance_name(name)
        .metric_name(ask.metric)
        .period(PERIOD_S)
        .start_time(SdkTime::from_secs(from.timestamp()))
        .end_time(SdkTime::from_secs(end.timestamp()))
        .unit(ask.unit)
        .statistics(ask.stat)
        .send()
        .await
        .map_err(|e| live.error("GetInstanceMetricData", &e))?;
    let pick = ask.pick;
    Ok(resp
        .metric_data()
        .iter()
        .filter_map(|d| Some((time(d.timestamp())?, pick(d)?)))
        .collect())
}

/// CPU, burst capacity and status checks of one instance over the window:
/// three calls at once. A failed call leaves its figure unread and says why.
pub async fn metrics(c: &Client, live: &Live, name: &str, now: DateTime<Utc>, minutes: u32) -> (InstanceMetrics, Vec<AwsError>) {
    let (from, start, end) = window(now, minutes);
    let span = (from, end);
    let cpu = Ask {
        metric: InstanceMetricName::CpuUtilization,
        unit: MetricUnit::Percent,
        stat: MetricStatistic::Average,
        pick: |d| d.average(),
    };
    let burst = Ask {
        metric: InstanceMetricName::BurstCapacityPercentage,
        unit: MetricUnit::Percent,
        stat: MetricStatistic::Average,
        pick: |d| d.average(),
    };
    // Per minute 0 or 1; summed per period, the minutes that failed.
    let checks = Ask {
        metric: InstanceMetricName::StatusCheckFailed,
        unit: MetricUnit::Count,
        stat: MetricStatistic::Sum,
        pick: |d| d.sum(),
    };
    let (cpu, burst, checks) = futures_util::future::join3(
        points(c, live, name, cpu, span),
        points(c, live, name, burst, span),
        points(c, live, name, checks, span),
    )
    .await;
    let mut failed = Vec::new();
    let mut ok = |r: Result<Points, AwsError>| match r {
        Ok(p) => Some(p),
        Err(e) => {
            failed.push(e);
            None
        }
    };
    let (cpu, burst, checks) = (ok(cpu), ok(burst), ok(checks));
    let m = summarize(cpu.as_ref(), burst.as_ref(), checks.as_ref(), start, minutes, now);
    (m, failed)
}

/// The instance's CPU over the same window seven days earlier, one call:
/// the mean of its five-minute averages, `None` when nothing was published.
pub async fn week_cpu(c: &Client, live: &Live, name: &str, now: DateTime<Utc>, minutes: u32) -> Result<InstanceWeekAgo, AwsError> {
    let (from, _, end) = window(now - crate::baseline::WEEK, minutes);
    let cpu = Ask {
        metric: InstanceMetricName::CpuUtilization,
        unit: MetricUnit::Percent,
        stat: MetricStatistic::Average,
        pick: |d| d.average(),
    };
    let p = points(c, live, name, cpu, (from, end)).await?;
    Ok(InstanceWeekAgo { cpu_pct: super::metrics::mean(&p) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lightsail::types::{ContainerServicePowerName, ContainerServiceState, InstanceState};

    #[test]
    fn an_instance_keeps_only_whether_it_has_a_public_address() {
        let i = sdk::Instance::builder()
            .name("wordpress-1")
            .bundle_id("small_3_0")
            .blueprint_id("wordpress")
            .public_ip_address("203.0.113.7")
            .state(InstanceState::builder().name("running").code(16).build())
            .created_at(SdkTime::from_secs(1_700_000_000))
            .build();
        let bundles = HashMap::from([("small_3_0".to_string(), 10.0)]);
        let priced = |i: &sdk::Instance| {
            let mut d = LightsailData { instances: vec![instance(i, "us-east-1")], container_services: vec![], operations: Vec::new() };
            apply_prices(&mut d, &Prices { bundles: bundles.clone(), powers: HashMap::new() });
            d.instances.remove(0)
        };
        let got = priced(&i);
        assert_eq!(got.name, "wordpress-1");
        assert_eq!(got.state, "running");
        assert_eq!(got.blueprint, "wordpress");
        assert_eq!(got.price_usd_month, Some(10.0));
        assert!(got.public_ip && got.burstable);
        assert_eq!(got.created_at.map(|t| t.timestamp()), Some(1_700_000_000));
        assert!(!format!("{got:?}").contains("203.0.113.7"));
        // A bundle GetBundles did not list stays unpriced, and no address is no address.
        let bare = sdk::Instance::builder().name("dev").bundle_id("gone_1_0").build();
        let got = priced(&bare);
        assert_eq!(got.price_usd_month, None);
        assert!(!got.public_ip);
    }

    #[test]
    fn a_container_service_costs_its_power_times_its_scale() {
        let s = sdk::ContainerService::builder()
            .container_service_name("api")
            .power(ContainerServicePowerName::Micro)
            .power_id("micro-1")
            .scale(2)
            .state(ContainerServiceState::Running)
            .build();
        let priced = |powers: HashMap<String, f64>| {
            let mut d = LightsailData { instances: vec![], container_services: vec![container_service(&s, "us-east-1")], operations: Vec::new() };
            apply_prices(&mut d, &Prices { bundles: HashMap::new(), powers });
            d.container_services.remove(0)
        };
        let by_id = HashMap::from([("micro-1".to_string(), 10.0)]);
        let got = priced(by_id);
        assert_eq!((got.power.as_str(), got.scale, got.state.as_str()), ("micro", 2, "RUNNING"));
        assert_eq!(got.price_usd_month, Some(20.0));
        // By name when the id is not listed; unpriced when neither is.
        let by_name = HashMap::from([("micro".to_string(), 10.0)]);
        assert_eq!(priced(by_name).price_usd_month, Some(20.0));
        assert_eq!(priced(HashMap::new()).price_usd_month, None);
    }

    #[test]
    fn prices_keep_cents_and_the_window_starts_on_a_period() {
        assert_eq!(cents(3.5), 3.5);
        assert_eq!(cents(7.0), 7.0);
        let now: DateTime<Utc> = "2026-11-22T14:03:20Z".parse().unwrap();
        let (from, start, end) = window(now, 60);
        assert_eq!(start.to_rfc3339(), "2026-11-22T13:04:00+00:00");
        assert_eq!(from.to_rfc3339(), "2026-11-22T13:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-11-22T14:04:00+00:00");
    }
}
