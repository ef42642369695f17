//! The demo's Lambda functions: inventory, per-minute metrics and the REPORT
//! lines their cold starts are read from (through the real parser).

mod spec;

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};

use spec::{init_ms, minute_of, report_line, write_report_line, FnSpec, Role, BURST_AT, BURST_EVERY, BURST_LEAD, DEPLOY_AT, DEPLOY_EVERY};

use super::coldstart::Tally;
use super::domain::{ColdStarts, Config, Function, FunctionConfig, FunctionSeries, FunctionStats, LambdaData, LambdaTotals, WeekAgo};
use super::Lambda;
use crate::hash::{hash, unit, uuid};
use crate::services::msg::TailLine;
use crate::services::room::{DemoCtx, RoomDemo};

impl RoomDemo for Lambda {
    /// In name order, as the dashboard likes its rows delivered.
    type Spec = Vec<FnSpec>;

    fn spec(cx: &DemoCtx) -> Vec<FnSpec> {
        let mut f = spec::specs(cx.seed, cx.scale);
        f.sort_by(|a, b| a.name().cmp(b.name()));
        f
    }

    fn data(specs: &Vec<FnSpec>, cx: &DemoCtx, now: DateTime<Utc>, detail: Option<&HashSet<String>>) -> LambdaData {
        let chosen = cx.rooms.get::<super::Percentile>().0;
        let pct = percentile_value(&chosen);
        let mut d = lambda_at(specs, cx, now, detail, pct);
        d.percentile = Some(chosen);
        d
    }

    fn tail(
        specs: &Vec<FnSpec>,
        cx: &DemoCtx,
        key: &str,
        span: (DateTime<Utc>, DateTime<Utc>),
        tick: u64,
    ) -> Option<Vec<TailLine>> {
        let pct = percentile_value(&cx.rooms.get::<super::Percentile>().0);
        Some(
            tail_lines(specs, cx.seed, pct, key, span, tick)
                .into_iter()
                .map(|(at, text)| super::coldstart::classify(at, &text))
                .collect(),
        )
    }
}

fn function_at(
    spec: &FnSpec,
    seed: u64,
    region: &str,
    now: DateTime<Utc>,
    window: i64,
    detail: bool,
    pct: f64,
    config: Config,
) -> Function {
    let now_min = now.timestamp().div_euclid(60);
    let fraction = now.second() as f64 / 60.0 + now.nanosecond() as f64 / 60e9;
    let start = now_min - (window - 1);
    let mut series = FunctionSeries {
        start: Utc.timestamp_opt(start * 60, 0).single(),
        ..Default::default()
    };
    if detail {
        for s in [
            &mut series.invocations,
            &mut series.errors,
            &mut series.duration_avg_ms,
            &mut series.duration_max_ms,
        ] {
            s.0.reserve_exact(window as usize);
        }
    }
    let (mut inv, mut err, mut thr, mut dur_w, mut dur_max, mut p99_w, mut conc) =
        (0.0, 0.0, 0.0, 0.0, 0.0f64, 0.0, 0.0f64);
    let mut tally = Tally::default();
    let mut line = String::with_capacity(256);
    for m in start..=now_min {
        let f = if m == now_min { fraction } else { 1.0 };
        let b = minute_of(spec, m, f, pct);
        inv += b.inv;
        err += b.err;
        thr += b.thr;
        let served = b.inv - b.thr;
        dur_w += b.dur_avg * served;
        p99_w += b.dur_p99 * served;
        if served > 0.0 {
            dur_max = dur_max.max(b.dur_max);
        }
        conc = conc.max(b.conc);
        if detail {
            series.invocations.0.push(b.inv as f32);
            series.errors.0.push(b.err as f32);
            series
                .duration_avg_ms
                .0
                .push(if served > 0.0 { b.dur_avg as f32 } else { 0.0 });
            series
                .duration_max_ms
                .0
                .push(if served > 0.0 { b.dur_max as f32 } else { 0.0 });
        }
        // Cold starts come from the REPORT lines, exactly as they would from CloudWatch Logs.
        let mut cold = 0u64;
        for (at, key) in cold_starts(spec, m, if m == now_min { None } else { Some(b.cold) }, pct, now) {
            let request_id = uuid(&[seed, key]);
            write_report_line(
                &mut line,
                spec,
                &request_id,
                b.dur_avg,
                Some(init_ms(spec, key)),
                at,
            );
            tally.add_line(at, &line);
            cold += 1;
        }
        // Warm invocations are counted, not printed: at 10,000 functions writing and
        // parsing a line each would be most of the demo's cost and change nothing shown.
        let minute_start = Utc.timestamp_opt(m * 60, 0).single().unwrap_or(now);
        tally.add_records(minute_start, (served as u64).saturating_sub(cold));
    }
    let (cold, cold_series) = tally.summary(
        Utc.timestamp_opt(start * 60, 0).single().unwrap_or(now),
        window as u32,
    );
    series.cold_starts = cold_series;
    let served = inv - thr;
    let stats = FunctionStats {
        invocations: Some(inv),
        errors: Some(err),
        throttles: Some(thr),
        duration_avg_ms: (served > 0.0).then(|| round2(dur_w / served)),
        duration_max_ms: (served > 0.0).then(|| round2(dur_max)),
        duration_pct_ms: (served > 0.0).then(|| round2(p99_w / served)),
        concurrent_max: Some(conc),
        cold: Some(Box::new(ColdStarts {
            recent: if detail { cold.recent } else { Vec::new() },
            ..cold
        })),
        series: detail.then(|| Box::new(series)),
        pending: false,
        pct_pending: false,
        cold_pending: false,
        ranked: false,
        week_ago: Some(week_ago(spec, start, now_min, fraction, pct)),
        week_series: detail.then(|| Box::new(week_series(spec, start, now_min, fraction, pct))),
        // The demo account has no anomaly detectors.
        band: None,
    };
    Function {
        name: spec.name.as_str().into(),
        name_id: crate::hash::str_id(&spec.name),
        account: Default::default(),
        region: region.into(),
        runtime: spec.runtime.map(Into::into),
        memory_mb: spec.memory_mb,
        timeout_s: spec.timeout_s,
        architecture: spec.arch.into(),
        config,
        stats,
        mappings: Some(super::demo_triggers::mappings(&spec.name, region, seed, now)),
        invokers: None,
        deploys: None,
        api_routes: Vec::new(),
    }
}

/// What ListFunctions would say of the function deployed at `modified`.
fn config_of(spec: &FnSpec, modified: DateTime<Utc>) -> FunctionConfig {
    FunctionConfig {
        package_type: if spec.image { "Image" } else { "Zip" }.into(),
        last_modified: Some(modified),
        // Each deploy ships new code: a new digest with each time.
        code_sha256: Some(code_sha(spec, modified)),
        handler: (!spec.image).then(|| handler(spec).into()),
        code_size_bytes: if spec.image {
            0
        } else {
            20_000 + hash(&[spec.id, 8]) % 40_000_000
        },
        snap_start: spec.snap_start,
        log_group: format!("/aws/lambda/{}", spec.name),
        env_var_count: spec.env_vars,
    }
}

/// The same window seven days earlier, minute by minute from the same seed
/// (the roles' cycles divide a week, so last week had the same shape). A
/// regressed function had a twentieth of its errors.
fn week_ago(spec: &FnSpec, start: i64, now_min: i64, fraction: f64, pct: f64) -> WeekAgo {
    let shift = crate::baseline::WEEK.num_minutes();
    let (mut inv, mut err, mut thr, mut dur_w) = (0.0, 0.0, 0.0, 0.0);
    for m in start..=now_min {
        let f = if m == now_min { fraction } else { 1.0 };
        let b = minute_of(spec, m - shift, f, pct);
        inv += b.inv;
        err += if spec.regressed {
            // Drawn from the minute itself, so the count stays put as the clock runs.
            (b.err * spec::LAST_WEEK_ERRORS + unit(&[spec.id, (m - shift) as u64, 12]) - 0.5).round().max(0.0)
        } else {
            b.err
        };
        thr += b.thr;
        dur_w += b.dur_avg * (b.inv - b.thr);
    }
    let served = inv - thr;
    WeekAgo {
        invocations: inv,
        errors: err,
        throttles: thr,
        duration_avg_ms: (served > 0.0).then(|| round2(dur_w / served)),
    }
}

/// Last week's same minutes for the detail's graphs, from the same seed as
/// `week_ago`'s sums; a regressed function's errors as thin as there.
fn week_series(spec: &FnSpec, start: i64, now_min: i64, fraction: f64, pct: f64) -> FunctionSeries {
    let shift = crate::baseline::WEEK.num_minutes();
    let mut s = FunctionSeries {
        start: Utc.timestamp_opt((start - shift) * 60, 0).single(),
        ..Default::default()
    };
    for m in start..=now_min {
        let f = if m == now_min { fraction } else { 1.0 };
        let b = minute_of(spec, m - shift, f, pct);
        let err = if spec.regressed {
            (b.err * spec::LAST_WEEK_ERRORS + unit(&[spec.id, (m - shift) as u64, 12]) - 0.5).round().max(0.0)
        } else {
            b.err
        };
        let served = b.inv - b.thr;
        s.invocations.0.push(b.inv as f32);
        s.errors.0.push(err as f32);
        s.duration_avg_ms.0.push(if served > 0.0 { b.dur_avg as f32 } else { 0.0 });
        s.duration_max_ms.0.push(if served > 0.0 { b.dur_max as f32 } else { 0.0 });
    }
    s
}

/// Minute `m`'s cold starts that happened by `now`, and the key each is
/// drawn from (its request id, its init duration). `count`: how many the
/// minute holds; `None` for the current minute, whose count is drawn from
/// the whole minute so that each cold start keeps its moment and shows when
/// the clock passes it, in the metrics and the live tail alike.
fn cold_starts(spec: &FnSpec, m: i64, count: Option<u32>, pct: f64, now: DateTime<Utc>) -> impl Iterator<Item = (DateTime<Utc>, u64)> + '_ {
    let count = count.unwrap_or_else(|| minute_of(spec, m, 1.0, pct).cold);
    let start = Utc.timestamp_opt(m * 60, 0).single().unwrap_or(now);
    (0..count)
        .map(move |k| {
            let key = hash(&[spec.id, m as u64, k as u64]);
            (start + Duration::milliseconds((key % 60_000) as i64), key)
        })
        .filter(move |(at, _)| *at <= now)
}

/// What a live tail of this function shows at tick `k` for what was logged
/// in `span` (after its start, up to now): a few warm REPORT records, the
/// cold starts the metrics count in that span, and, for the failing
/// function, errors.
fn tail_lines(
    specs: &[FnSpec],
    seed: u64,
    pct: f64,
    name: &str,
    (from, now): (DateTime<Utc>, DateTime<Utc>),
    k: u64,
) -> Vec<(DateTime<Utc>, String)> {
    let Some(spec) = specs.iter().find(|s| s.name == name) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (first, last) = (from.timestamp().div_euclid(60), now.timestamp().div_euclid(60));
    for m in first..=last {
        let b = minute_of(spec, m, 1.0, pct);
        for (at, key) in cold_starts(spec, m, Some(b.cold), pct, now).filter(|(at, _)| *at > from) {
            out.push((at, report_line(spec, &uuid(&[seed, key]), b.dur_avg, Some(init_ms(spec, key)), at)));
        }
    }
    for j in 0..(1 + hash(&[spec.id, k, 1]) % 3) {
        let key = hash(&[spec.id, k, j, 2]);
        let at = now - Duration::milliseconds((key % 1500) as i64);
        let duration = spec.dur_ms * (0.8 + 0.4 * unit(&[key]));
        out.push((at, report_line(spec, &uuid(&[seed, key]), duration, None, at)));
        if spec.role == Role::ErrorBurst && unit(&[key, 4]) < 0.3 {
            out.push((
                at,
                format!(
                    "{}\t{}\tERROR\tOrderValidationError: payment token rejected by upstream",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    uuid(&[seed, key])
                ),
            ));
        }
    }
    out.sort_by_key(|(t, _)| *t);
    out
}

/// A deploying function was modified at its last deploy; the others months
/// before the story's start (`fixed_min`), where they stay as the clock runs.
fn last_modified(spec: &FnSpec, now_min: i64, fixed_min: i64) -> DateTime<Utc> {
    let minute = match spec.role {
        Role::Deploys => now_min - (now_min - DEPLOY_AT).rem_euclid(DEPLOY_EVERY),
        // The failing function's code is updated a few minutes before each burst.
        Role::ErrorBurst => now_min - (now_min - (BURST_AT - BURST_LEAD)).rem_euclid(BURST_EVERY),
        _ => fixed_min - 1440 * (3 + (spec.id % 200) as i64) - (spec.id % 1440) as i64,
    };
    Utc.timestamp_opt(minute * 60, 0)
        .single()
        .unwrap_or_default()
}

/// A digest of the function's code as deployed at `modified` (the demo
/// writes it in hex; Lambda in base64: only its changing matters).
fn code_sha(spec: &FnSpec, modified: DateTime<Utc>) -> super::code_sha::CodeSha {
    super::code_sha::CodeSha::of_words([0, 1, 2, 3].map(|k| hash(&[spec.id, modified.timestamp() as u64, k])))
}

fn handler(spec: &FnSpec) -> String {
    match spec.runtime.unwrap_or("") {
        "java21" => "com.example.Handler::handleRequest".into(),
        "provided.al2023" => "bootstrap".into(),
        r if r.starts_with("nodejs") => "index.handler".into(),
        _ => "app.handler".into(),
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn lambda_at(
    specs: &[FnSpec],
    cx: &DemoCtx,
    now: DateTime<Utc>,
    detail: Option<&HashSet<String>>,
    pct: f64,
) -> LambdaData {
    let (seed, region, window) = (cx.seed, cx.region.as_str(), cx.window.max(1) as i64);
    let now_min = now.timestamp().div_euclid(60);
    let fixed_min = cx.fixed(now).timestamp().div_euclid(60);
    // Each function is built into its own slot of one vector sized once:
    // collecting per-thread parts and then joining them held the account's
    // functions twice, and a joined vector's doubling a third again.
    let one = |chunk: &[FnSpec], slots: &mut [Function]| {
        for (slot, s) in slots.iter_mut().zip(chunk) {
            *slot = {
                let modified = last_modified(s, now_min, fixed_min);
                // In a one-off read (`since` unset) a function changed inside
                // the window keeps its history even where details are left
                // out: the live `--once` reads every function's, and the
                // suspects need it. A dashboard's follow the screen.
                let changed = cx.since.is_none() && modified.timestamp().div_euclid(60) > now_min - window;
                let d = changed || detail.is_none_or(|d| d.contains(&s.name));
                let config = s.config.at(modified, || config_of(s, modified));
                let mut f = function_at(s, seed, region, now, window, d, pct, config);
                // The policy is read when the detail is opened, as live.
                if detail.is_some_and(|d| d.contains(&super::triggers::opened(&s.name))) {
                    f.invokers = Some(super::demo_triggers::invokers(&s.name, region));
                }
                f
            };
        }
    };
    // Large accounts are computed on every core: at 10,000 functions this is
    // most of the wait for the first frame.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let mut functions = vec![Function::default(); specs.len()];
    if specs.len() < 2000 || threads < 2 {
        one(specs, &mut functions);
    } else {
        let size = specs.len().div_ceil(threads);
        std::thread::scope(|s| {
            let parts: Vec<_> = specs
                .chunks(size)
                .zip(functions.chunks_mut(size))
                .map(|(c, slots)| s.spawn(move || one(c, slots)))
                .collect();
            for p in parts {
                p.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            }
        });
    }
    let sum = |f: fn(&Function) -> Option<f64>| crate::series::total(functions.iter().filter_map(f));
    let totals = LambdaTotals {
        invocations: sum(|f| f.stats.invocations),
        errors: sum(|f| f.stats.errors),
        throttles: sum(|f| f.stats.throttles),
        concurrent_max: sum(|f| f.stats.concurrent_max),
    };
    LambdaData {
        functions,
        totals: Some(totals),
        percentile: None,
        budget: None,
        listing: false,
        digest: Default::default(),
    }
}

/// `p99.9` as 99.9; anything unreadable as 99.
fn percentile_value(p: &str) -> f64 {
    p.strip_prefix('p')
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0 && *v < 100.0)
        .unwrap_or(99.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A refresh's rows hold the configuration the last refresh's rows hold,
    /// unless the story deployed the function in between: then its own, with
    /// the new deploy's time and digest.
    #[test]
    fn refreshes_share_each_configuration_until_a_deploy() {
        let at: DateTime<Utc> = "2026-11-22T14:00:00Z".parse().unwrap();
        // As the dashboard's: the story starts when it opens.
        let cx = DemoCtx { since: Some(at), ..DemoCtx::for_tests(42, 200) };
        let specs = Lambda::spec(&cx);
        let mut before = Lambda::data(&specs, &cx, at, None);
        let (mut shared, mut deployed) = (0, 0);
        for minute in 1..=DEPLOY_EVERY {
            let after = Lambda::data(&specs, &cx, at + Duration::minutes(minute), None);
            for (a, b) in before.functions.iter().zip(&after.functions) {
                assert_eq!(a.name, b.name);
                if b.config.same(&a.config) {
                    shared += 1;
                } else {
                    deployed += 1;
                    assert!(b.config.last_modified > a.config.last_modified, "{}", b.name);
                    assert_ne!(b.config.code_sha256, a.config.code_sha256, "{}", b.name);
                }
            }
            before = after;
        }
        // Every function deploying on its own schedule moved once in a cycle; the rest never.
        assert!(deployed > 0, "no deploy in {DEPLOY_EVERY} minutes");
        assert!(shared > 20 * deployed, "{shared} shared, {deployed} deployed");
    }
}
